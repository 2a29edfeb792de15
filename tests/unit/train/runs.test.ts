import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { buildModel } from '../../../src/main/training/model/build';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { parseRunConfig } from '../../../src/main/training/train/config';
import {
  createRun,
  dataFingerprint,
  deleteRun,
  runLogger,
  setRunStatus,
} from '../../../src/main/training/train/runs';
import { listRuns } from '../../../src/main/training/train/run-folders';
import { acquireRunLock } from '../../../src/main/training/train/run-lock';
import { loadRunModel, saveModel } from '../../../src/main/training/train/model-io';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-runs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let backend: BackendInfo;
beforeAll(async () => {
  backend = await selectBackend('cpu');
});

describe('run registry', () => {
  it('fingerprints files with sha256 (known digest of "abc")', () => {
    const f = path.join(tmp, 'abc.csv');
    writeFileSync(f, 'abc');
    const config = parseRunConfig({});
    const fp = dataFingerprint([f], config.dataset);
    expect(fp.files[0]).toEqual({
      file: f,
      bytes: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(fp.params).toBe(createHash('sha256').update(JSON.stringify(config.dataset)).digest('hex'));
    const other = dataFingerprint([f], { ...config.dataset, horizonDays: 5 });
    expect(other.combined).not.toBe(fp.combined);
  });

  it('saves a compact Inception (custom LRN layer) and loads it back in tfjs format with identical outputs', async () => {
    const model = buildModel({ ...DEFAULT_MODEL, preset: 'compact', width: 0.0625, lrn: true }, [16, 16, 2], {
      seed: 3,
    });
    const dir = path.join(tmp, 'model');
    mkdirSync(dir);
    await saveModel(dir, model);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const back = await loadRunModel(dir);
    const x = tf.randomNormal([2, 16, 16, 2], 0, 1, 'float32', 1);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (back.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(back.layers.some((l) => l.getClassName() === 'LocalResponseNormalization')).toBe(true);
    tf.dispose(x);
    model.dispose();
    back.dispose();
  });

  it('creates, lists (with stale running = interrupted), logs with the backend and deletes runs', () => {
    const runs = path.join(tmp, 'runs');
    const config = parseRunConfig({ model: { preset: 'mlp' } });
    const meta = { dataDir: tmp, fingerprint: dataFingerprint([], config.dataset), backend };
    const a = createRun(runs, 'a', config, meta);
    const b = createRun(runs, 'b', config, meta);
    expect(() => createRun(runs, 'a', config, meta)).toThrow(/already exists/);
    expect(() => createRun(runs, '../x', config, meta)).toThrow(/may only hold/);
    expect(JSON.parse(readFileSync(path.join(a, 'config.json'), 'utf8'))).toEqual(config);
    const run = JSON.parse(readFileSync(path.join(a, 'run.json'), 'utf8'));
    expect(run.versions.tfjs).toBe(tf.version.tfjs);
    expect(run.versions.node).toBe(process.version);
    runLogger(a, 'cpu')('hello');
    expect(readFileSync(path.join(a, 'train.log'), 'utf8')).toMatch(
      /^\d{4}-\d{2}-\d{2}T[\d:.]+Z \[cpu\] hello\n$/,
    );
    setRunStatus(b, { status: 'finished' });
    // 'running' while a live process holds the folder's lock (as the trainer does) ...
    const lock = acquireRunLock(a, 'train');
    expect(listRuns(runs).map((r) => [r.name, r.status, r.preset])).toEqual([
      ['a', 'running', 'mlp'],
      ['b', 'finished', 'mlp'],
    ]);
    // ... and interrupted once nothing holds it, though the status file still says running
    lock.release();
    expect(listRuns(runs)[0].status).toBe('interrupted');
    writeFileSync(
      path.join(a, 'status.json'),
      JSON.stringify({ status: 'running', pid: 2 ** 22 + 12345, updatedAt: '' }),
    );
    expect(listRuns(runs)[0].status).toBe('interrupted');
    deleteRun(a);
    expect(existsSync(a)).toBe(false);
    expect(() => deleteRun(tmp)).toThrow(
      /is not a run or study folder made by this program.*nothing deleted/,
    );
    expect(listRuns(runs).map((r) => r.name)).toEqual(['b']);
  });
});
