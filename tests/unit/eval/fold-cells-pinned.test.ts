/**
 * A daily study that lists no bar sizes or models keeps its cell keys and fold-cache hashes byte for byte: long
 * studies trained before those fields existed are re-evaluated from their cache. The hashes below were written by
 * this very configuration at commit 22c5b19 (before ablation.barSizes / ablation.models), on the real daily files.
 * The test writes cache files carrying those hashes and runs the study: it must read every fold and train none.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from '../../../src/main/training/eval/study';
import { writeCachedFold } from '../../../src/main/training/eval/study/fold-cache';
import { planStudy } from '../../../src/main/training/eval/study/plan';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { dailyDir } from '../../helpers/data';

const PINNED: Record<string, string> = {
  '000300+000001_time-factor_s1_f000': '97aa162fc59f6f347fca9c1991d44ae56bf451365d04a15fb14511cca68064ff',
  '000300+000001_time-factor_s1_f001': '10964f4ff6be01ba6ebb23d454cbaa9c10f19d95bdc2831202e87a3dfd4858f1',
  '000300_time-factor_s1_f000': 'e29c849ff00325f7b534d35cf3578c48c3a48fdc0424424ff5e17be523ff449b',
  '000300_time-factor_s1_f001': 'fcb3f29ff4204c28324b94649e53a3577645451d627d94cd9601e92aa5365f2e',
};
const PINNED_FINGERPRINT = '0dfd5691e9ceb71a';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-fold-hash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = parseStudyConfig(
  {
    dataset: {
      from: '2019-01-02',
      to: '2021-12-31',
      horizonDays: 14,
      upThreshold: 0.025,
      downThreshold: -0.01,
    },
    model: { preset: 'compact', width: 0.0625, dropout: 0.4 },
    train: { epochs: 1, batchSize: 64, earlyStoppingPatience: 0, validationFraction: 0.15, backend: 'auto' },
    walkForward: { window: 'rolling', trainDays: 250, testDays: 120, maxFolds: 2 },
    seeds: [1],
    ablation: { channelSets: [['000300'], ['000300', '000001']], layouts: ['time-factor', 'seed'] },
    bootstrap: { reps: 50, level: 0.9, seed: 7 },
    randomDraws: 5,
    outDir: tmp,
  },
  'fold-hash test',
);

describe('fold-cache hashes of a daily study without bar sizes or models', () => {
  it('resolves without the new fields and keeps the old cell keys', () => {
    expect(Object.keys(config.ablation)).toEqual(['channelSets', 'layouts']);
    const plan = planStudy(config, { dataDir: dailyDir() }, () => {});
    expect(plan.cells.map((c) => c.key)).toEqual(['000300_time-factor', '000300+000001_time-factor']);
    expect(plan.fingerprint).toBe(PINNED_FINGERPRINT);
    expect(plan.cells.every((c) => c.labelsFrom === undefined && c.model === config.model)).toBe(true);
  });

  it('reads every fold written with the pinned hashes and trains none', async () => {
    const plan = planStudy(config, { dataDir: dailyDir() }, () => {});
    mkdirSync(plan.foldDir, { recursive: true });
    for (const cell of plan.cells)
      for (const fold of plan.folds) {
        const key = `${cell.key}_s1_f${String(fold.index).padStart(3, '0')}`;
        const rows = [...fold.test, ...fold.predictOnly];
        writeCachedFold(path.join(plan.foldDir, `${key}.json`), {
          hash: PINNED[key],
          key,
          dates: rows.map((j) => plan.common[j]),
          probs: rows.flatMap(() => [0.2, 0.5, 0.3]),
          record: {
            key,
            cell: cell.key,
            seed: 1,
            fold: fold.index,
            testStart: fold.testStart,
            testEnd: fold.testEnd,
            trainCount: fold.train.length,
            valCount: fold.val.length,
            testCount: fold.test.length,
            epochs: 1,
            stoppedEarly: false,
            seconds: 1,
            backend: 'pinned',
            accuracy: NaN,
          },
        });
      }
    const lines: string[] = [];
    const r = await runStudy(config, { dataDir: dailyDir(), log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.includes('recomputing'))).toEqual([]);
    expect(r.computedFolds).toBe(0);
    expect(r.cachedFolds).toBe(Object.keys(PINNED).length);
    // the cached probabilities are what the study scored: every ensemble prediction is 'flat'
    expect(r.cells.every((c) => c.pred.every((p) => p === 1))).toBe(true);
  });
});
