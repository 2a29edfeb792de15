/**
 * A full disk at the end of a run (issue 16, item 8), injected through the write seam of writeFileAtomic: the
 * error names the file, the run ends 'failed' with that message (in place when no temp file fits), never
 * 'running', and leaves no temp file behind. Temp files of interrupted writes are cleaned on the next start.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../../../src/host/server';
import { failureKind } from '../../../src/main/ipc/dispatch';
import { confSettings } from '../../../src/main/services/settings-file';
import { cleanStaleTempFiles, setWriteFaultHook, WriteError } from '../../../src/main/training/train/atomic';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { listRuns } from '../../../src/main/training/train/run-folders';
import { executeRun, prepareRun } from '../../../src/main/training/train/run-job';
import { LOCK_FILE } from '../../../src/main/training/train/run-lock';
import { readRunStatus } from '../../../src/main/training/train/runs';
import { STATUS_OF } from '../../../src/host/server';
import { dailyDir } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-full-'));
const runs = path.join(tmp, 'runs');
let backend: BackendInfo;
beforeAll(async () => {
  backend = await selectBackend('cpu');
});
afterEach(() => setWriteFaultHook(undefined));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = parseRunConfig({
  dataset: { from: '2020-06-01', to: '2020-12-31', channels: ['000300'] },
  model: { preset: 'mlp' },
  train: { epochs: 1, batchSize: 16, backend: 'cpu' },
});
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
/** Every write of these files fails as on a full disk (`inPlace`: an overwrite in place too). */
const fullFor = (names: string[], inPlace = true) =>
  setWriteFaultHook((file, stage) => {
    if (names.includes(path.basename(file)) && (inPlace || stage !== 'in-place')) throw enospc();
  });
const temps = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.tmp'));

describe('disk full at the end of a run', () => {
  it('weights.bin cannot be written: the error names it and the run is failed, not running', async () => {
    const dir = prepareRun(runs, 'a', config, dailyDir(), backend);
    fullFor(['weights.bin']);
    const file = path.join(dir, 'weights.bin');
    const err = await executeRun(dir, { backend }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect((err as Error).message).toBe(`cannot write ${file}: no space left on the device (ENOSPC)`);
    expect(readRunStatus(dir)).toMatchObject({ status: 'failed', message: (err as Error).message });
    expect(listRuns(runs).find((r) => r.name === 'a')?.status).toBe('failed');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(temps(dir)).toEqual([]);
    // the host answers such a failure with 507, not as a bad request
    expect(STATUS_OF[failureKind(err)]).toBe(507);
  });

  it('no temp file fits either: status.json is overwritten in place and says failed', async () => {
    const dir = prepareRun(runs, 'b', config, dailyDir(), backend);
    // the disk fills during the last epoch: from then on no temp file fits, status.json's included
    const err = (await executeRun(dir, {
      backend,
      onEpoch: () => fullFor(['weights.bin', 'status.json'], false),
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/weights\.bin: no space left on the device/);
    expect(readRunStatus(dir)).toMatchObject({ status: 'failed', message: err.message });
  });

  it('nothing can be written at all: the folder still does not list as running', async () => {
    const dir = prepareRun(runs, 'c', config, dailyDir(), backend);
    const run = executeRun(dir, {
      backend,
      // from the last epoch on, not a byte can be written: no temp file, no in-place overwrite
      onEpoch: () => fullFor(['weights.bin', 'status.json']),
    });
    await expect(run).rejects.toThrow(/weights\.bin: no space left/);
    expect(readRunStatus(dir)?.status).toBe('running');
    expect(listRuns(runs).find((r) => r.name === 'c')?.status).toBe('interrupted');
  });
});

describe('temp files of interrupted writes', () => {
  const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no process has it
  it('are removed on the next start of the host (dead writers only) and of a run', async () => {
    const home = path.join(tmp, 'home');
    const settings = confSettings(home);
    const runDir = path.join(settings.get().runsDir, 'r');
    mkdirSync(path.join(runDir, 'checkpoint'), { recursive: true });
    mkdirSync(path.join(runDir, 'folds'), { recursive: true });
    const dead = [
      path.join(runDir, `.status.json.${deadPid}.1700000000000.tmp`),
      path.join(runDir, 'checkpoint', `.manifest.json.${deadPid}.1700000000000.tmp`),
      path.join(runDir, 'folds', `.k_s1_f000.json.${deadPid}.1700000000000.tmp`),
      path.join(settings.get().dataDir, `.000300.csv.${deadPid}.1700000000000.tmp`),
      path.join(home, `.config.json.${deadPid}.1700000000000.tmp`),
    ];
    const live = path.join(runDir, `.predictions.csv.${process.pid}.1700000000000.tmp`);
    for (const f of [...dead, live]) writeFileSync(f, 'partial');
    const incoming = path.join(settings.get().dataDir, '.incoming-1234');
    mkdirSync(incoming);
    writeFileSync(path.join(incoming, 'x.csv'), 'partial');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(incoming, old, old);
    mkdirSync(path.join(tmp, 'renderer'), { recursive: true });
    writeFileSync(path.join(tmp, 'renderer', 'index.html'), 'x');
    const host = await startHost({
      rendererDir: path.join(tmp, 'renderer'),
      settings,
      spawnWorker: () => {
        throw new Error('none');
      },
    });
    await host.close();
    expect([...host.cleaned].sort()).toEqual([...dead, incoming].sort());
    for (const f of dead) expect(existsSync(f)).toBe(false);
    expect(existsSync(live)).toBe(true);
    // a run started on a folder cleans it too
    const again = path.join(runDir, `.metrics.jsonl.${deadPid}.1.tmp`);
    writeFileSync(again, 'x');
    expect(cleanStaleTempFiles(runDir, 1)).toEqual([again]);
  });
});
