/**
 * The contract against the code that serves it: the dispatcher Electron main builds handles every channel and
 * registers each on ipcMain, the web host's handles all but the browser-local ones, the handlers validate before
 * they run, and every event of the contract is emitted by the code that should emit it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  BROWSER_LOCAL_CHANNELS,
  buildApi,
  CHANNELS,
  EVENTS,
  type EventName,
} from '../../../src/shared/ipc-contract';
import { readDailyCsv } from '../../helpers/csv';
import { dailyFile } from '../../helpers/data';
import { startQuoteServer } from '../../helpers/quote-server';

const handled: string[] = [];
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string) => handled.push(channel) },
  BrowserWindow: { fromWebContents: () => null, getAllWindows: () => [], getFocusedWindow: () => null },
  dialog: {},
}));

const { createDispatcher } = await import('../../../src/main/ipc/dispatch');
const { createAppDispatcher } = await import('../../../src/main/ipc/app-dispatcher');
const { createHostDispatcher, nodeHandlerGroups } = await import('../../../src/main/ipc/handlers');
const { registerElectronIpc } = await import('../../../src/main/ipc/register-electron');
const { startHost } = await import('../../../src/host/server');
const { confSettings } = await import('../../../src/main/services/settings-file');
const { appJobService } = await import('../../../src/main/services/jobs');
const { defaultStudyConfig } = await import('../../../src/main/services/study-service');

const home = mkdtempSync(path.join(os.tmpdir(), 'fi-contract-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A context like main's and the host's: the same job service factory, emits recorded, a worker that only listens. */
function fakeCtx() {
  const settings = confSettings(home);
  const emitted: EventName[] = [];
  const emit = (event: EventName) => void emitted.push(event);
  const jobs = appJobService(
    () => ({ send: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} }),
    settings,
    emit,
  );
  return {
    ctx: {
      host: 'electron' as const,
      version: 't',
      settings,
      jobs,
      emit,
      openReport: async () => ({ opened: true }),
    },
    emitted,
  };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('IPC contract coverage', () => {
  it('names every channel domain.verb and every event domain.onThing', () => {
    for (const c of CHANNELS) expect(c).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const e of EVENTS) expect(e).toMatch(/^[a-z]+\.on[A-Z][A-Za-z]*$/);
  });

  it("Electron main's dispatcher handles every contract channel and registers each on ipcMain", () => {
    const dispatcher = createAppDispatcher(fakeCtx().ctx);
    expect(sorted(dispatcher.channels())).toEqual(sorted(CHANNELS));
    registerElectronIpc(dispatcher);
    expect(sorted(handled)).toEqual(sorted(CHANNELS));
    // main builds its dispatcher with this very function
    expect(readFileSync(path.resolve(import.meta.dirname, '../../../src/main/index.ts'), 'utf8')).toMatch(
      /registerElectronIpc\(createAppDispatcher\(ctx\)/,
    );
  });

  it('the web host handles every contract channel except the browser-local dialogs', async () => {
    const expected = sorted(
      CHANNELS.filter((c) => !(BROWSER_LOCAL_CHANNELS as readonly string[]).includes(c)),
    );
    expect(sorted(createHostDispatcher(fakeCtx().ctx).channels())).toEqual(expected);
    const host = await startHost({
      rendererDir: home,
      settings: confSettings(home),
      spawnWorker: () => {
        throw new Error('x');
      },
    });
    try {
      expect(sorted(host.dispatcher.channels())).toEqual(expected);
    } finally {
      await host.close();
    }
  });

  it('every contract event is emitted: data.onChanged by an import, data.onUpdate by an update, training.onJob by a started job', async () => {
    const { ctx, emitted } = fakeCtx();
    ctx.settings.set({ dataDir: path.join(home, 'data'), runsDir: path.join(home, 'runs') });
    const d = createAppDispatcher(ctx);
    const base64 = readFileSync(dailyFile('000300')).toString('base64');
    expect((await d.dispatch('data.import', { files: [{ name: '000300.csv', base64 }] })).ok).toBe(true);
    expect(emitted).toEqual(['data.onChanged']);
    // an update against a local server that knows no newer day: progress events, nothing appended
    const server = await startQuoteServer({ '000300': readDailyCsv(dailyFile('000300')) }, '2023-12-29');
    try {
      ctx.settings.set({ updateBaseUrl: server.baseUrl, updateSource: 'eastmoney' });
      const r = await d.dispatch('data.update', {});
      expect(r.ok).toBe(true);
      expect(emitted).toContain('data.onUpdate');
    } finally {
      await server.close();
    }
    const started = await d.dispatch('training.start', { kind: 'train', config: defaultStudyConfig() });
    expect(started.ok).toBe(true);
    expect(sorted([...new Set(emitted)])).toEqual(sorted(EVENTS));
  });

  it('a handler group that registers a channel twice is refused', () => {
    const { ctx } = fakeCtx();
    expect(() => createDispatcher(...nodeHandlerGroups(ctx), ...nodeHandlerGroups(ctx))).toThrow(
      /registered twice/,
    );
  });

  it('the API object has one method per channel and one subscriber per event, each reaching its own name', async () => {
    const calls: string[] = [];
    const subs: string[] = [];
    const api = buildApi(
      async (c) => void calls.push(c),
      (e) => {
        subs.push(e);
        return () => {};
      },
    ) as unknown as Record<string, Record<string, (x: unknown) => unknown>>;
    for (const c of CHANNELS) {
      const [dom, verb] = c.split('.');
      await api[dom][verb]({});
    }
    for (const e of EVENTS) {
      const [dom, name] = e.split('.');
      api[dom][name](() => {});
    }
    expect(calls).toEqual([...CHANNELS]);
    expect(subs).toEqual([...EVENTS]);
  });
});

describe('dispatcher', () => {
  const d = createDispatcher({
    'study.labels': () => {
      throw new Error('data/000300.csv line 3: bad close');
    },
    'data.bars': ({ code }) => ({
      code,
      barsPerDay: 1,
      time: [],
      open: [],
      high: [],
      low: [],
      close: [],
      volume: [],
    }),
  });
  it('validates the payload before the handler and names the field', async () => {
    const r = await d.dispatch('study.labels', {
      target: '000300',
      horizonDays: 0,
      upThreshold: 0.02,
      downThreshold: -0.01,
    });
    expect(r).toEqual({
      ok: false,
      error: 'Invalid request to study.labels: horizonDays: Too small: expected number to be >=1',
      kind: 'invalid-request',
    });
    const r2 = await d.dispatch('data.bars', { code: '../etc' });
    expect(r2.ok).toBe(false);
    expect((r2 as { error: string }).error).toMatch(
      /^Invalid request to data.bars: code: expected an index code/,
    );
  });
  it('turns a thrown error into its message', async () => {
    expect(
      await d.dispatch('study.labels', {
        target: '000300',
        horizonDays: 14,
        upThreshold: 0.02,
        downThreshold: -0.01,
      }),
    ).toEqual({
      ok: false,
      error: 'data/000300.csv line 3: bad close',
      kind: 'refused',
    });
  });
  it('answers unknown channels with an error, not an exception', async () => {
    expect(await d.dispatch('fs.readFile', {})).toEqual({
      ok: false,
      error: "Unknown request channel 'fs.readFile'.",
      kind: 'unknown-channel',
    });
  });
  it('returns the value of a valid request', async () => {
    const r = await d.dispatch('data.bars', { code: '000300' });
    expect(r.ok && (r.value as { code: string }).code).toBe('000300');
  });
});
