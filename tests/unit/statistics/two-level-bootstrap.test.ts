import { describe, expect, it } from 'vitest';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { balancedAccuracy } from '../../../src/main/training/eval/statistics/chance';
import {
  centredPValue,
  EnsembleCache,
  intervalFromDraws,
  jointBootstrap,
} from '../../../src/main/training/eval/statistics/two-level-bootstrap';

/** Probabilities n x 3 whose argmax is `cls` (a one-hot-ish row with some noise). */
function probsFor(cls: ArrayLike<number>, rng: () => number, sharp = 0.2): Float64Array {
  const out = new Float64Array(cls.length * 3);
  for (let i = 0; i < cls.length; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = 1 / 3 + 0.01 * randNormal(rng);
    out[i * 3 + cls[i]] += sharp;
  }
  return out;
}

describe('two-level bootstrap (seeds, then circular date blocks)', () => {
  it('the ensemble of picked seeds is the argmax of their mean probabilities, with repeats weighted', () => {
    // row 0: seed A says up strongly, seed B says down mildly
    const A = [0.1, 0.2, 0.7];
    const B = [0.5, 0.3, 0.2];
    const cache = new EnsembleCache([A, B], 1);
    expect(Array.from(cache.predictions([0, 1]))).toEqual([2]); // mean 0.3, 0.25, 0.45
    expect(Array.from(cache.predictions([1, 1]))).toEqual([0]);
    expect(cache.predictions([1, 0])).toBe(cache.predictions([0, 1])); // one multiset, one cached array
  });

  it('the estimate uses every seed and all rows; the draws are reproducible', () => {
    const rng = mulberry32(1);
    const n = 300;
    const truth = Int8Array.from({ length: n }, () => Math.floor(rng() * 3));
    const seeds = [0, 1, 2].map(() =>
      probsFor(
        Int8Array.from(truth, (y) => (rng() < 0.5 ? y : Math.floor(rng() * 3))),
        rng,
      ),
    );
    const cache = new EnsembleCache(seeds, n);
    const stat = (rows: Int32Array, picks: Int32Array[]) => [
      balancedAccuracy(truth, cache.predictions(picks[0]), rows),
    ];
    const a = jointBootstrap(n, [3], stat, { blockLength: 14, reps: 200, seed: 5 });
    const b = jointBootstrap(n, [3], stat, { blockLength: 14, reps: 200, seed: 5 });
    expect(a.estimate[0]).toBeCloseTo(balancedAccuracy(truth, cache.predictions([0, 1, 2])), 15);
    expect(Array.from(a.draws[0])).toEqual(Array.from(b.draws[0]));
  });

  it('seed randomness widens the interval: seeds that disagree give a wider two-level than dates-only interval', () => {
    const rng = mulberry32(2);
    const n = 400;
    const truth = Int8Array.from({ length: n }, () => Math.floor(rng() * 3));
    // seed 0 is good (70 % right), seeds 1 and 2 guess: a lucky draw of seeds matters
    const good = probsFor(
      Int8Array.from(truth, (y) => (rng() < 0.7 ? y : (y + 1) % 3)),
      rng,
      0.3,
    );
    const bad1 = probsFor(
      Int8Array.from({ length: n }, () => Math.floor(rng() * 3)),
      rng,
      0.3,
    );
    const bad2 = probsFor(
      Int8Array.from({ length: n }, () => Math.floor(rng() * 3)),
      rng,
      0.3,
    );
    const cache = new EnsembleCache([good, bad1, bad2], n);
    const stat = (rows: Int32Array, picks: Int32Array[]) => [
      balancedAccuracy(truth, cache.predictions(picks[0]), rows),
    ];
    const two = jointBootstrap(n, [3], stat, { blockLength: 10, reps: 400, seed: 1 });
    const dates = jointBootstrap(n, [3], stat, { blockLength: 10, reps: 400, seed: 1, resampleSeeds: false });
    const i2 = intervalFromDraws(two.estimate[0], two.draws[0], 0.9, 10);
    const i1 = intervalFromDraws(dates.estimate[0], dates.draws[0], 0.9, 10);
    expect(i2.hi - i2.lo).toBeGreaterThan(1.5 * (i1.hi - i1.lo));
  });

  it('centred p-values: hand computation on five draws', () => {
    // estimate 0.05, draws - estimate = [-0.04, 0.06, 0.01, -0.07, 0.02]
    const d = [0.01, 0.11, 0.06, -0.02, 0.07];
    expect(centredPValue(0.05, d, 'greater')).toBeCloseTo((1 + 1) / 6, 15); // only 0.06 >= 0.05
    expect(centredPValue(0.05, d, 'two-sided')).toBeCloseTo((1 + 2) / 6, 15); // |0.06|, |-0.07|
    expect(centredPValue(0.05, d, 'less')).toBeCloseTo((1 + 4) / 6, 15); // all but 0.06 are <= 0.05
  });

  it('percentile interval: type-7 quantiles of the draws', () => {
    const i = intervalFromDraws(0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.8, 3);
    expect(i.lo).toBeCloseTo(2, 15);
    expect(i.hi).toBeCloseTo(10, 15);
    expect(i.blockLength).toBe(3);
  });
});
