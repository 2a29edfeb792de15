/**
 * Every stored file the engine reads is refused by name when it is not what the writer wrote, and the bytes that
 * matter carry a checksum (issue 16, items 5 and 6): a checkpoint manifest truncated or {} or with a history that
 * is not a list, a checkpoint binary or weights.bin with flipped bytes or cut short, config.json and run.json {}.
 * The fold cache is the one file that is recomputed instead: a version-1 file (no checksum) of the writer's
 * format is still read; a short, string or null probs, a row that does not sum to 1, other dates, or a version-2
 * file whose checksum fails are recomputed with a line naming the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readCachedFold,
  sha,
  writeCachedFold,
  type CachedFold,
} from '../../../src/main/training/eval/study/fold-cache';
import { selectBackend } from '../../../src/main/training/train/backend';
import { readCheckpointInfo } from '../../../src/main/training/train/checkpoint';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { loadModel, saveModel } from '../../../src/main/training/train/model-io';
import { createRun, readRunConfigOf, readRunMeta } from '../../../src/main/training/train/runs';
import { DEFAULT_TRAIN, type TrainSettings } from '../../../src/main/training/train/settings';
import { predictProba, trainModel } from '../../../src/main/training/train/trainer';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { syntheticSource, tinyModelFactory } from './synthetic';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-stored-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('cpu');
});

const settings: TrainSettings = {
  ...DEFAULT_TRAIN,
  epochs: 2,
  batchSize: 8,
  backend: 'cpu',
  earlyStoppingPatience: 0,
};
const trainSet = syntheticSource(32, 3);
const valSet = syntheticSource(8, 4);
const opts = (runDir: string) => ({
  model: DEFAULT_MODEL,
  settings,
  trainSet,
  valSet,
  runDir,
  buildModel: tinyModelFactory(),
});

/** Flips `n` bytes of a file in its middle. */
function flip(file: string, n = 64): void {
  const b = readFileSync(file);
  const at = Math.floor(b.length / 2) - Math.floor(n / 2);
  for (let i = 0; i < n; i++) b[at + i] ^= 0xff;
  writeFileSync(file, b);
}

describe('checkpoint files', () => {
  let dir: string;
  let manifest: string;
  let good: string;
  beforeAll(async () => {
    dir = path.join(tmp, 'ckpt');
    mkdirSync(dir);
    // stopped after its first of two epochs: a checkpoint the same settings resume
    const ac = new AbortController();
    const r = await trainModel({ ...opts(dir), signal: ac.signal, onEpoch: () => ac.abort() });
    expect(r.cancelled).toBe(true);
    r.model.dispose();
    manifest = path.join(dir, 'checkpoint', 'manifest.json');
    good = readFileSync(manifest, 'utf8');
  });
  const restore = () => writeFileSync(manifest, good);

  it('a truncated manifest names the file and the line', () => {
    writeFileSync(manifest, good.slice(0, good.length / 2));
    expect(() => readCheckpointInfo(dir)).toThrow(
      new RegExp(`${manifest.replace(/[.]/g, '\\.')}, line \\d+: is not valid JSON`),
    );
    restore();
  });

  it('{} and a history that is not a list name the field', () => {
    writeFileSync(manifest, '{}');
    expect(() => readCheckpointInfo(dir)).toThrow(/manifest\.json, field 'format': Invalid input/);
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(good), history: 'x' }));
    expect(() => readCheckpointInfo(dir)).toThrow(
      /manifest\.json, field 'history': Invalid input: expected array, received string/,
    );
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(good), bin: '../../etc/passwd' }));
    expect(() => readCheckpointInfo(dir)).toThrow(/field 'bin': expected weights-epoch<N>\.bin/);
    restore();
  });

  it('a binary with flipped bytes or cut short is refused by name when the run resumes', async () => {
    const m = JSON.parse(good) as { bin: string; binBytes: number };
    const bin = path.join(dir, 'checkpoint', m.bin);
    const original = readFileSync(bin);
    flip(bin);
    await expect(trainModel(opts(dir))).rejects.toThrow(
      new RegExp(`${m.bin}: does not match the sha256 its manifest records .*the file is corrupt`),
    );
    writeFileSync(bin, original);
    truncateSync(bin, m.binBytes - 100);
    await expect(trainModel(opts(dir))).rejects.toThrow(
      new RegExp(`${m.bin}: has ${m.binBytes - 100} bytes, its manifest says ${m.binBytes}`),
    );
    writeFileSync(bin, original);
    const r = await trainModel(opts(dir));
    expect(r.history).toHaveLength(2);
    r.model.dispose();
  });
});

describe('model files', () => {
  let dir: string;
  let expected: number[];
  beforeAll(async () => {
    dir = path.join(tmp, 'model');
    mkdirSync(dir);
    const r = await trainModel({ ...opts(dir), runDir: undefined });
    await saveModel(dir, r.model);
    expected = Array.from(predictProba(r.model, valSet));
    r.model.dispose();
  });

  it('model.json records the size and sha256 of weights.bin, and a good model loads to the same outputs', async () => {
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      weightsBytes: number;
      weightsSha256: string;
    };
    const bin = readFileSync(path.join(dir, 'weights.bin'));
    expect(json.weightsBytes).toBe(bin.length);
    expect(json.weightsSha256).toBe(createHash('sha256').update(bin).digest('hex'));
    const m = await loadModel(dir);
    expect(Array.from(predictProba(m, valSet))).toEqual(expected);
    m.dispose();
  });

  it('64 flipped bytes in weights.bin: the model is refused naming the file, never used', async () => {
    const file = path.join(dir, 'weights.bin');
    const original = readFileSync(file);
    flip(file, 64);
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(`${file.replace(/[.]/g, '\\.')}: does not match the sha256 its manifest records`),
    );
    writeFileSync(file, original);
  });

  it('a truncated weights.bin is refused by its length, also in a model saved before checksums', async () => {
    const file = path.join(dir, 'weights.bin');
    const jsonFile = path.join(dir, 'model.json');
    const original = readFileSync(file);
    const json = readFileSync(jsonFile, 'utf8');
    truncateSync(file, original.length - 10);
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin: has \d+ bytes, its manifest says \d+/);
    const { weightsBytes: _b, weightsSha256: _s, ...old } = JSON.parse(json) as Record<string, unknown>;
    writeFileSync(jsonFile, JSON.stringify(old));
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(`weights\\.bin: has ${original.length - 10} bytes, its manifest says ${original.length}`),
    );
    writeFileSync(file, original);
    const m = await loadModel(dir);
    expect(Array.from(predictProba(m, valSet))).toEqual(expected);
    m.dispose();
    writeFileSync(jsonFile, json);
    writeFileSync(jsonFile, '{}');
    await expect(loadModel(dir)).rejects.toThrow(/model\.json, field 'modelTopology'/);
    writeFileSync(jsonFile, json);
  });
});

describe('run files', () => {
  it('config.json {} and run.json {} name the file and the field', () => {
    const runs = path.join(tmp, 'runs');
    const backend = { name: 'cpu', requested: 'cpu', tfjsVersion: 'x', threads: 1 };
    const dir = createRun(runs, 'r', parseRunConfig({}), {
      dataDir: '/d',
      fingerprint: { files: [], params: 'p', combined: 'c' },
      backend,
    });
    writeFileSync(path.join(dir, 'config.json'), '{}');
    expect(() => readRunConfigOf(dir)).toThrow(
      `${path.join(dir, 'config.json')}, field 'dataset': Invalid input: expected object, received undefined`,
    );
    writeFileSync(path.join(dir, 'run.json'), '{}');
    expect(() => readRunMeta(dir)).toThrow(
      `${path.join(dir, 'run.json')}, field 'name': Invalid input: expected string, received undefined`,
    );
  });
});

describe('fold cache', () => {
  const dates = ['2020-01-02', '2020-01-03', '2020-01-06'];
  const probs = [0.2, 0.3, 0.5, 0.6, 0.1, 0.30000001, 0.1, 0.1, 0.8];
  const record = {
    key: 'k_s1_f000',
    cell: 'k',
    seed: 1,
    fold: 0,
    testStart: dates[0],
    testEnd: dates[2],
    trainCount: 100,
    valCount: 10,
    testCount: 3,
    epochs: 4,
    bestEpoch: 3,
    stoppedEarly: false,
    seconds: 1.5,
    backend: 'wasm+native',
    accuracy: 1 / 3,
  };
  const hash = sha({ any: 'configuration' });
  const expect0 = { hash, key: record.key, dates };
  /** A version-1 file exactly as the writer before checksums wrote it. */
  const v1 = (over: Partial<Record<keyof CachedFold, unknown>> = {}) =>
    JSON.stringify({ version: 1, hash, key: record.key, dates, probs, record, ...over });
  const file = path.join(tmp, 'fold.json');
  const read = () => {
    const lines: string[] = [];
    const c = readCachedFold(file, expect0, (l) => lines.push(l));
    return { c, lines };
  };

  it('reads a version-1 file (no checksum) whose hash matches and whose content is sound', () => {
    writeFileSync(file, v1());
    const { c, lines } = read();
    expect(lines).toEqual([]);
    expect(c?.probs).toEqual(probs);
    expect(c?.record).toEqual(record);
  });

  const spoiled: [string, string, RegExp][] = [
    ['short probs', v1({ probs: probs.slice(0, 7) }), /holds 7 probabilities for 3 dates \(expected 9\)/],
    [
      'string probs',
      v1({ probs: probs.map(String) }),
      /field 'probs\.0': Invalid input: expected number, received string/,
    ],
    ['null probs', v1({ probs: null }), /field 'probs': Invalid input: expected array, received null/],
    ['a NaN (null) cell', v1({ probs: [...probs.slice(0, 4), null, ...probs.slice(5)] }), /field 'probs\.4'/],
    [
      'a row not summing to 1',
      v1({ probs: [0.2, 0.3, 0.4, ...probs.slice(3)] }),
      /row 0 \(2020-01-02\) sums to 0\.9/,
    ],
    [
      'a negative probability',
      v1({ probs: [-0.1, 0.6, 0.5, ...probs.slice(3)] }),
      /row 0 \(2020-01-02\) holds a probability outside \[0, 1\]/,
    ],
    [
      'other dates',
      v1({ dates: ['2020-01-02', '2020-01-03', '2020-01-07'] }),
      /holds 3 dates, not the fold's 3 test dates/,
    ],
    ['another configuration', v1({ hash: sha('other') }), /belongs to another configuration or data/],
    ['a truncated file', v1().slice(0, 40), /is not valid JSON/],
    ['{}', '{}', /field 'version'/],
  ];
  for (const [what, content, reason] of spoiled)
    it(`recomputes a cache file with ${what}, naming the file`, () => {
      writeFileSync(file, content);
      const { c, lines } = read();
      expect(c).toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toMatch(reason);
      expect(lines[0]).toMatch(/recomputing$/);
    });

  it('writes version 2 with a checksum that a changed digit fails', () => {
    writeCachedFold(file, { hash, key: record.key, dates, probs, record });
    const text = readFileSync(file, 'utf8');
    const stored = JSON.parse(text) as CachedFold;
    expect(stored.version).toBe(2);
    expect(stored.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(read().c?.probs).toEqual(probs);
    // 0.2 -> 0.2000001 keeps the row summing to 1 within float tolerance: only the checksum catches it
    writeFileSync(file, text.replace('[0.2,', '[0.2000001,').replace(',0.5,', ',0.4999999,'));
    const { c, lines } = read();
    expect(c).toBeUndefined();
    expect(lines[0]).toMatch(/does not match its checksum: the file is corrupt; recomputing$/);
    writeFileSync(file, JSON.stringify({ ...stored, checksum: undefined }));
    expect(read().lines[0]).toMatch(/has no checksum/);
  });
});
