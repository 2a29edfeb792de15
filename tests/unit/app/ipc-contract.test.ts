/** The contract, the Electron registration and the web host must list exactly the same channels. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  BROWSER_LOCAL_CHANNELS,
  buildApi,
  CHANNELS,
  EVENTS,
  requestSchemas,
} from '../../../src/shared/ipc-contract';

const handled: string[] = [];
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string) => handled.push(channel) },
  BrowserWindow: { fromWebContents: () => null, getAllWindows: () => [], getFocusedWindow: () => null },
  dialog: {},
}));

const { createDispatcher } = await import('../../../src/main/ipc/dispatch');
const { nodeHandlerGroups } = await import('../../../src/main/ipc/handlers');
const { dialogHandlers } = await import('../../../src/main/ipc/register-dialog');
const { registerElectronIpc } = await import('../../../src/main/ipc/register-electron');
const { startHost } = await import('../../../src/host/server');
const { confSettings } = await import('../../../src/main/services/settings-file');
const { JobService } = await import('../../../src/main/services/jobs');

const home = mkdtempSync(path.join(os.tmpdir(), 'fi-contract-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function fakeCtx() {
  const settings = confSettings(home);
  const jobs = new JobService({
    spawn: () => {
      throw new Error('no worker in this test');
    },
    dataDir: () => home,
    runsDir: () => home,
    onChange: () => {},
  });
  return {
    host: 'electron' as const,
    version: 't',
    settings,
    jobs,
    emit: () => {},
    openReport: async () => ({ opened: true }),
  };
}

describe('IPC contract coverage', () => {
  it('names every channel domain.verb and every event domain.onThing', () => {
    for (const c of CHANNELS) expect(c).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const e of EVENTS) expect(e).toMatch(/^[a-z]+\.on[A-Z][A-Za-z]*$/);
    expect(Object.keys(requestSchemas).sort()).toEqual([...CHANNELS].sort());
  });

  it('Electron main registers exactly the contract channels on ipcMain', () => {
    const dispatcher = createDispatcher(...nodeHandlerGroups(fakeCtx()), dialogHandlers());
    expect([...dispatcher.channels()].sort()).toEqual([...CHANNELS].sort());
    registerElectronIpc(dispatcher);
    expect([...handled].sort()).toEqual([...CHANNELS].sort());
  });

  it('the web host handles every contract channel except the browser-local dialogs', async () => {
    const host = await startHost({
      rendererDir: home,
      settings: confSettings(home),
      spawnWorker: () => {
        throw new Error('x');
      },
    });
    try {
      const expected = CHANNELS.filter(
        (c) => !(BROWSER_LOCAL_CHANNELS as readonly string[]).includes(c),
      ).sort();
      expect([...host.dispatcher.channels()].sort()).toEqual(expected);
    } finally {
      await host.close();
    }
  });

  it('a handler group that registers a channel twice is refused', () => {
    const ctx = fakeCtx();
    expect(() => createDispatcher(...nodeHandlerGroups(ctx), ...nodeHandlerGroups(ctx))).toThrow(
      /registered twice/,
    );
  });

  it('the API object has one method per channel and one subscriber per event', () => {
    const calls: [string, unknown][] = [];
    const api = buildApi(
      async (c, r) => {
        calls.push([c, r]);
        return 1;
      },
      () => () => {},
    );
    void api.data.bars({ code: '000300' });
    void api.training.start as unknown;
    expect(calls).toEqual([['data.bars', { code: '000300' }]]);
    for (const c of CHANNELS) {
      const [d, v] = c.split('.');
      expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[d][v]).toBe('function');
    }
    expect(typeof api.training.onJob).toBe('function');
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
    });
  });
  it('answers unknown channels with an error, not an exception', async () => {
    expect(await d.dispatch('fs.readFile', {})).toEqual({
      ok: false,
      error: "Unknown request channel 'fs.readFile'.",
    });
  });
  it('returns the value of a valid request', async () => {
    const r = await d.dispatch('data.bars', { code: '000300' });
    expect(r.ok && (r.value as { code: string }).code).toBe('000300');
  });
});
