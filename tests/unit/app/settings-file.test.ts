/**
 * The app's settings file under hostile contents (issue 16, item 1): a truncated, empty, binary or wrong-typed
 * config.json, an array, a folder setting that names a file or nothing. The web host starts on it, keeps a copy
 * of the bad file byte for byte, uses the defaults for what was wrong, and says so in app.info (the banner's
 * text). Folder changes must name existing folders; nothing is created.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHost } from '../../../src/host/server';
import type { FromWorker } from '../../../src/main/worker/protocol';
import type { WorkerHandle } from '../../../src/main/services/jobs';
import { defaultStudyConfig } from '../../../src/main/services/study-service';
import {
  confSettings,
  repairSettingsFile,
  salvageSettings,
  defaultSettings,
} from '../../../src/main/services/settings-file';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-settings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A fresh app folder whose config.json holds `content`. */
function home(content: string | Buffer): string {
  const h = path.join(tmp, `h${n++}`);
  mkdirSync(h, { recursive: true });
  writeFileSync(path.join(h, 'config.json'), content);
  return h;
}

/** A worker that finishes its job at once, naming a run: what a finished job looks like to the job service. */
const doneWorker = (): WorkerHandle => {
  let cb: ((m: FromWorker) => void) | undefined;
  return {
    send: (m) => {
      if (m.type !== 'start') return;
      setTimeout(() => {
        cb?.({ type: 'run', runId: 'r1', runDir: '/x/r1' });
        cb?.({ type: 'done', cancelled: false });
      }, 5);
    },
    onMessage: (f) => (cb = f),
    onExit: () => {},
    kill: () => {},
  };
};

async function hostOn(h: string, spawnWorker: () => WorkerHandle = doneWorker) {
  mkdirSync(path.join(h, 'renderer'), { recursive: true });
  writeFileSync(path.join(h, 'renderer', 'index.html'), 'x');
  return startHost({
    rendererDir: path.join(h, 'renderer'),
    settings: confSettings(h),
    spawnWorker,
    token: 't',
  });
}

const bad: [string, string | Buffer, RegExp][] = [
  ['truncated', '{"dataDir": "/x", "the', /is not JSON/],
  ['empty', '', /is empty/],
  ['binary', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x89, 0x50, 0x4e, 0x47]), /is not JSON/],
  ['an array', '[]', /holds an array, not an object of settings/],
  ['dataDir a number', '{"dataDir": 5}', /dataDir: Invalid input: expected string, received number/],
  ['recentRuns a string', '{"recentRuns": "x"}', /recentRuns: Invalid input: expected array/],
  [
    'an unknown theme',
    '{"theme": "neon"}',
    /theme: Invalid option: expected one of "light"\|"dark"\|"system"/,
  ],
];

describe('settings file: a bad file', () => {
  for (const [what, content, reason] of bad)
    it(`${what}: the host starts on defaults, keeps the file as config.json.bad-<time> and says what was wrong`, async () => {
      const h = home(content);
      const host = await hostOn(h);
      try {
        const info = await host.dispatcher.dispatch('app.info', {});
        expect(info.ok).toBe(true);
        const value = (info as { value: { settingsProblem?: string; runsDir: string } }).value;
        expect(value.settingsProblem).toMatch(reason);
        expect(value.settingsProblem).toContain(path.join(h, 'config.json'));
        const copies = readdirSync(h).filter((f) => /^config\.json\.bad-\d{8}-\d{6}$/.test(f));
        expect(copies).toHaveLength(1);
        expect(value.settingsProblem).toContain(copies[0]);
        expect(readFileSync(path.join(h, copies[0]))).toEqual(Buffer.from(content));
        const s = (await host.dispatcher.dispatch('settings.get', {})) as {
          value: Record<string, unknown>;
        };
        expect(s.value).toEqual(defaultSettings(h));
        expect(value.runsDir).toBe(path.join(h, 'runs'));
        // the repaired file is what the settings now are, so the next start has nothing to report
        expect(repairSettingsFile(h)).toEqual([]);
      } finally {
        await host.close();
      }
    });

  it('keeps the good fields of a file with one bad field (theme kept, dataDir reset)', () => {
    const { settings, problems } = salvageSettings(
      { theme: 'dark', dataDir: 5, language: 'zh', extra: 1 },
      defaultSettings('/app'),
    );
    expect(settings).toEqual({ ...defaultSettings('/app'), theme: 'dark', language: 'zh' });
    expect(problems).toEqual([
      'dataDir: Invalid input: expected string, received number (dataDir reset to its default)',
      'extra: unknown setting (dropped)',
    ]);
  });

  it('"recentRuns": "x" no longer breaks the end of a job (the recent list is rebuilt)', async () => {
    const h = home('{"recentRuns": "x"}');
    const host = await hostOn(h);
    try {
      await host.dispatcher.dispatch('training.start', {
        kind: 'train',
        config: defaultStudyConfig(),
      });
      for (let i = 0; i < 100 && host.jobs.list()[0]?.status !== 'done'; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(host.jobs.list()[0].status).toBe('done');
      const s = (await host.dispatcher.dispatch('settings.get', {})) as { value: { recentRuns: string[] } };
      expect(s.value.recentRuns).toEqual(['r1']);
    } finally {
      await host.close();
    }
  });

  it('an empty object is not a problem: it is the defaults', async () => {
    const h = home('{}');
    expect(repairSettingsFile(h)).toEqual([]);
    expect(confSettings(h).problem()).toBeUndefined();
  });
});

describe('settings file: folders', () => {
  it('runsDir pointing at a file: the host starts on the default runs folder and says so; the file is untouched', async () => {
    const file = path.join(tmp, 'not-a-folder.txt');
    writeFileSync(file, 'keep me');
    const h = home(JSON.stringify({ runsDir: file, theme: 'dark' }));
    const host = await hostOn(h);
    try {
      const info = (await host.dispatcher.dispatch('app.info', {})) as {
        value: { runsDir: string; settingsProblem?: string };
      };
      expect(info.value.runsDir).toBe(path.join(h, 'runs'));
      expect(info.value.settingsProblem).toMatch(
        new RegExp(
          `runsDir: ${file.replace(/[.]/g, '\\.')} is not a folder; .*runs is used until you choose another folder`,
        ),
      );
      expect(readFileSync(file, 'utf8')).toBe('keep me');
      // the setting in the file is kept (a drive may come back); only this session uses the default
      expect(JSON.parse(readFileSync(path.join(h, 'config.json'), 'utf8')).runsDir).toBe(file);
      expect((await host.dispatcher.dispatch('runs.list', {})).ok).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('settings.set refuses a folder that does not exist, a file and a relative path, and creates nothing', async () => {
    const h = home('{}');
    const host = await hostOn(h);
    try {
      const missing = path.join(tmp, 'no', 'such', 'folder');
      const r1 = await host.dispatcher.dispatch('settings.set', { dataDir: missing });
      expect(r1).toMatchObject({ ok: false, kind: 'refused' });
      expect((r1 as { error: string }).error).toBe(
        `dataDir: ${missing} does not exist; choose an existing folder (nothing was created).`,
      );
      expect(existsSync(path.join(tmp, 'no'))).toBe(false);
      const file = path.join(tmp, 'a-file');
      writeFileSync(file, '');
      expect(await host.dispatcher.dispatch('settings.set', { runsDir: file })).toMatchObject({
        ok: false,
        error: `runsDir: ${file} is not a folder; choose an existing folder (nothing was created).`,
      });
      expect(await host.dispatcher.dispatch('settings.set', { runsDir: 'rel/dir' })).toMatchObject({
        ok: false,
        kind: 'invalid-request',
      });
      const ok = path.join(tmp, 'existing');
      mkdirSync(ok);
      expect(await host.dispatcher.dispatch('settings.set', { dataDir: ok })).toMatchObject({
        ok: true,
        value: { dataDir: ok },
      });
      // a theme outside the schema is refused, not stored and served back
      expect(await host.dispatcher.dispatch('settings.set', { theme: 'neon' })).toMatchObject({
        ok: false,
        kind: 'invalid-request',
      });
    } finally {
      await host.close();
    }
  });
});
