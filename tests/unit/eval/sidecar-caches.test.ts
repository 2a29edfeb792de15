/**
 * The two sidecar caches of a study — a baseline's fitted folds (baselines/<name>_f<k>.json) and a fold's permutation
 * scores (<fold>.importance.json) — read through the validated stored-file reader: a damaged file is not used, its
 * reason (file and field) is logged, and the fold is refitted to the same result.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BaselineRows, FoldBaseline, FoldRows } from '../../../src/main/training/eval/fold-baselines';
import { cachedFoldBaseline } from '../../../src/main/training/eval/study/baseline-cache';
import {
  readFoldScores,
  sidecarFile,
  studyImportance,
} from '../../../src/main/training/eval/study/importance';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-sidecars-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the baseline fold cache', () => {
  const dates = Array.from({ length: 12 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
  const rows: BaselineRows = {
    dates,
    labels: dates.map((_, i) => i % 3),
    targetDaily: { date: [], close: new Float64Array(0) },
  };
  const folds: FoldRows[] = [
    { train: [0, 1, 2], val: [3], test: [4, 5, 6, 7] },
    { train: [0, 1, 2, 3, 4, 5], val: [6], test: [8, 9, 10, 11] },
  ];
  let fits = 0;
  // the class of each test row is its row number mod 3: any refit gives the same answer
  const b: FoldBaseline = {
    name: 'row mod 3',
    description: 'the row number mod 3',
    needsTable: false,
    predictFold: (_r, fold) => {
      fits++;
      return { pred: Int8Array.from(fold.test.map((r) => r % 3)), info: { rows: fold.test.length } };
    },
  };
  const dir = path.join(tmp, 'baselines');
  const run = (log: string[]) =>
    cachedFoldBaseline(b, () => rows, folds, 1, { dir, key: 'k', dates, log: (l) => log.push(l) });

  it('fits once, then reads every fold from the cache', () => {
    const first = run([]);
    expect(Array.from(first.pred)).toEqual([1, 2, 0, 1, 2, 0, 1, 2]);
    expect(fits).toBe(2);
    const again = run([]);
    expect(fits).toBe(2);
    expect(Array.from(again.pred)).toEqual(Array.from(first.pred));
    expect(again.info).toEqual([{ rows: 4 }, { rows: 4 }]);
  });

  it('a truncated file and a file with a wrong field are logged by name and refitted, to the same result', () => {
    const [f0, f1] = readdirSync(dir).sort();
    writeFileSync(path.join(dir, f0), '{"version":1,"hash":"');
    writeFileSync(path.join(dir, f1), JSON.stringify({ version: 1, hash: 'x', pred: ['up'], info: {} }));
    const log: string[] = [];
    const out = run(log);
    expect(fits).toBe(4);
    expect(Array.from(out.pred)).toEqual([1, 2, 0, 1, 2, 0, 1, 2]);
    expect(log).toHaveLength(2);
    expect(log[0]).toContain(f0);
    expect(log[0]).toMatch(/not valid JSON.*refitting$/);
    expect(log[1]).toContain(f1);
    expect(log[1]).toMatch(/pred\.0.*refitting$/);
    // rewritten: read from the cache again, with no complaint
    const quiet: string[] = [];
    run(quiet);
    expect(fits).toBe(4);
    expect(quiet).toEqual(['baseline row mod 3: 2 of 2 folds read from the cache']);
  });
});

describe('the importance sidecar', () => {
  const settings = { groups: [], repeats: 1, blockDays: 2, seed: 3 };

  it('a damaged sidecar is not used and its reason is logged; a missing one is silently absent', () => {
    const fold = path.join(tmp, 'cell_s1_f000.json');
    const log: string[] = [];
    expect(readFoldScores(fold, 'h', 0, settings, (l) => log.push(l))).toBeUndefined();
    expect(log).toEqual([]);
    writeFileSync(sidecarFile(fold), JSON.stringify({ version: 1, foldHash: 'h', settings: 's', rows: [1] }));
    expect(readFoldScores(fold, 'h', 0, settings, (l) => log.push(l))).toBeUndefined();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('cell_s1_f000.importance.json');
    expect(log[0]).toMatch(/truth.*not used$/);
  });
});

describe('folds without importance scores', () => {
  it('are named in the English sentence and as numbers for the app, the first four of them', () => {
    const settings = { groups: [], repeats: 1, blockDays: 2, seed: 3 };
    const gaps = [undefined, undefined, undefined];
    const imp = studyImportance(
      new Map([
        [
          'k_1',
          new Map([
            [1, gaps],
            [2, gaps],
          ]),
        ],
      ]),
      [{ key: 'k_1', channels: ['000300'] }],
      new Map([['k_1', settings]]),
      { blockLength: 2, reps: 10, level: 0.9, seed: 1 },
    )!;
    expect(imp.cells).toEqual([]);
    expect(imp.missingFolds).toEqual([
      {
        key: 'k_1',
        folds: [1, 2].flatMap((seed) => [1, 2, 3].map((fold) => ({ seed, fold }))),
      },
    ]);
    expect(imp.missing).toEqual([
      'k_1: no importance scores for 6 cached fold(s) (seed 1 fold 1, seed 1 fold 2, seed 1 fold 3, seed 2 fold 1, ...): their models were not kept and the study does not retrain them; delete those fold files to recompute',
    ]);
  });
});
