import { describe, expect, it } from 'vitest';
import { brierOfRates, brierScore } from '../../../src/main/training/eval/statistics/brier';
import {
  informationCoefficient,
  spearman,
  upMinusDown,
} from '../../../src/main/training/eval/statistics/information-coefficient';
import { reliabilityDiagram } from '../../../src/main/training/eval/statistics/reliability';
import { topClassProbability } from '../../../src/main/training/eval/statistics/underfit';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { REF } from './reference';

describe('Brier score (Brier 1950, multi-class)', () => {
  it('hand computation', () => {
    // row 0 truth up: (0.2)^2 + (0.3)^2 + (0.5-1)^2 = 0.04 + 0.09 + 0.25 = 0.38
    // row 1 truth down: (0.6-1)^2 + 0.3^2 + 0.1^2 = 0.16 + 0.09 + 0.01 = 0.26; row 2 unlabeled, skipped
    expect(brierScore([2, 0, -1], [0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 1, 0, 0])).toBeCloseTo(0.32, 15);
    expect(brierScore([1], [0, 1, 0])).toBe(0);
    expect(
      brierOfRates(
        [0, 1, 2],
        [
          [1 / 3, 1 / 3, 1 / 3],
          [1 / 3, 1 / 3, 1 / 3],
          [1 / 3, 1 / 3, 1 / 3],
        ],
      ),
    ).toBeCloseTo(2 / 3, 15);
  });
});

describe('reliability diagram', () => {
  it('top-label bins: confidence vs share right, and the ECE by hand', () => {
    const probs = [0.7, 0.2, 0.1, /**/ 0.1, 0.75, 0.15, /**/ 0.2, 0.2, 0.6, /**/ 0.35, 0.33, 0.32];
    const truth = [0, 2, 2, 1];
    const r = reliabilityDiagram(truth, probs, { bins: 10 });
    const b7 = r.bins[7]; // [0.7, 0.8): rows 0 (0.7, right) and 1 (0.75, wrong)
    expect(b7.count).toBe(2);
    expect(b7.meanForecast).toBeCloseTo(0.725, 15);
    expect(b7.observed).toBe(0.5);
    expect(r.bins[6].count).toBe(1); // 0.6, right
    expect(r.bins[3].count).toBe(1); // 0.35, wrong
    // ECE = 2/4 |0.5 - 0.725| + 1/4 |1 - 0.6| + 1/4 |0 - 0.35| = 0.1125 + 0.1 + 0.0875
    expect(r.ece).toBeCloseTo(0.3, 15);
  });

  it('class bins and quantile bins', () => {
    const rng = mulberry32(3);
    const n = 1000;
    const probs = new Float64Array(n * 3);
    const truth = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const pUp = 0.3 + 0.1 * rng();
      probs.set([(1 - pUp) / 2, (1 - pUp) / 2, pUp], i * 3);
      truth[i] = rng() < pUp ? 2 : 0; // calibrated for 'up' by construction
    }
    const r = reliabilityDiagram(truth, probs, { target: 2, bins: 5, binning: 'quantile' });
    expect(r.bins.length).toBe(5);
    expect(r.bins.every((b) => b.count === 200)).toBe(true);
    for (const b of r.bins) expect(Math.abs(b.observed - b.meanForecast)).toBeLessThan(0.09);
    expect(r.bins[0].hi).toBeLessThanOrEqual(r.bins[1].lo);
  });
});

describe('information coefficient', () => {
  it('Spearman with ties matches scipy.stats.spearmanr', () => {
    expect(spearman(REF.spearman.x, REF.spearman.y)).toBeCloseTo(REF.spearman.rho, 14);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 15);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
  });

  it('p_up - p_down against the forward return, rows without a return skipped, with a block interval', () => {
    const umd = upMinusDown([0.2, 0.3, 0.5, 0.6, 0.3, 0.1]);
    expect(umd[0]).toBeCloseTo(0.3, 15);
    expect(umd[1]).toBeCloseTo(-0.5, 15);
    const rng = mulberry32(9);
    const n = 500;
    const probs = new Float64Array(n * 3);
    const fwd = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = randNormal(rng);
      probs.set([1 / 3 - 0.01 * s, 1 / 3, 1 / 3 + 0.01 * s], i * 3);
      fwd[i] = i >= n - 14 ? NaN : 0.3 * s + randNormal(rng);
    }
    const ic = informationCoefficient(probs, fwd, { blockLength: 14, reps: 300, level: 0.9, seed: 1 });
    expect(ic.n).toBe(n - 14);
    expect(ic.estimate).toBeGreaterThan(0.15);
    expect(ic.lo).toBeGreaterThan(0);
    expect(ic.lo).toBeLessThan(ic.estimate);
    expect(ic.hi).toBeGreaterThan(ic.estimate);
  });
});

describe('underfitting warning: median top-class probability', () => {
  it('hand computation', () => {
    const t = topClassProbability([0.34, 0.33, 0.33, 0.2, 0.3, 0.5, 0.36, 0.34, 0.3, 0.1, 0.1, 0.8]);
    // tops 0.34, 0.5, 0.36, 0.8 -> median (0.36 + 0.5) / 2
    expect(t.median).toBeCloseTo(0.43, 15);
    expect(t.underfit).toBe(false);
    expect(topClassProbability([0.35, 0.33, 0.32, 0.34, 0.34, 0.32]).underfit).toBe(true);
  });
});

describe('information coefficient on resamples', () => {
  it('the counting ranks of a resample equal Spearman recomputed from scratch (ties and repeats included)', async () => {
    const rng = mulberry32(4);
    const n = 60;
    const probs = new Float64Array(n * 3);
    const fwd = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = Math.round(randNormal(rng) * 3) / 10; // coarse: many ties
      probs.set([0.3 - s / 10, 0.4, 0.3 + s / 10], i * 3);
      fwd[i] = Math.round(randNormal(rng) * 4) / 100;
    }
    const ic = informationCoefficient(probs, fwd, { blockLength: 5, reps: 50, level: 0.9, seed: 2 });
    expect(ic.estimate).toBeCloseTo(spearman(upMinusDown(probs), fwd), 14);
    // replay the first resample by hand with the same generator the bootstrap uses
    const { blockBootstrap } = await import('../../../src/main/training/eval/bootstrap');
    const score = upMinusDown(probs);
    const direct = blockBootstrap(
      n,
      (idx) =>
        spearman(
          Array.from(idx, (i) => score[i]),
          Array.from(idx, (i) => fwd[i]),
        ),
      { blockLength: 5, reps: 50, level: 0.9, seed: 2 },
    );
    expect(ic.lo).toBeCloseTo(direct.lo, 12);
    expect(ic.hi).toBeCloseTo(direct.hi, 12);
    expect(ic.se).toBeCloseTo(direct.se, 12);
  });
});
