/** rollingZScore against a naive O(n·w) two-pass implementation, hand values, edge cases; warm-up losses. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors';
import { measuredLoss, rollingZScore, warmupLoss } from '../../../src/main/training/factors/normalise';
import { computeFactors, FACTORS, factorNames } from '../../../src/main/training/factors/registry';
import { loadDailyBars } from './daily-bars';

/** Direct definition: population std over the window, exact zero spread -> 0, clip; NaN unless the window is all finite. */
function naive(x: ArrayLike<number>, w: number, clip: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  outer: for (let t = w - 1; t < x.length; t++) {
    let sum = 0;
    let same = true;
    for (let i = t - w + 1; i <= t; i++) {
      if (!Number.isFinite(x[i])) continue outer;
      sum += x[i];
      same &&= x[i] === x[t];
    }
    const mean = sum / w;
    let ss = 0;
    for (let i = t - w + 1; i <= t; i++) ss += (x[i] - mean) ** 2;
    out[t] = same ? 0 : Math.max(-clip, Math.min(clip, (x[t] - mean) / Math.sqrt(ss / w)));
  }
  return out;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (!Number.isNaN(a[i])) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

describe('rollingZScore', () => {
  it('hand values: population std, clip, NaN before a full window', () => {
    // window [1,2,3]: mean 2, population std sqrt(2/3) -> z = 1/0.8165 = 1.2247 (a sample std would give 1)
    const z = rollingZScore(Float64Array.from([1, 2, 3, 4, 10]), 3, 4);
    expect(Number.isNaN(z[0]) && Number.isNaN(z[1])).toBe(true);
    expect(z[2]).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(z[3]).toBeCloseTo(Math.sqrt(1.5), 12);
    // window [3,4,10]: mean 17/3, population variance ((8/3)^2 + (5/3)^2 + (13/3)^2)/3 = 258/27
    expect(z[4]).toBeCloseTo((10 - 17 / 3) / Math.sqrt(258 / 27), 12);
    expect(rollingZScore(Float64Array.from([0, 0, 0, 0, 100]), 5, 1.5)[4]).toBe(1.5);
    expect(rollingZScore(Float64Array.from([0, 0, 0, 0, -100]), 5, 1.5)[4]).toBe(-1.5);
  });

  it('a window without spread gives 0, also for values that are not exactly representable', () => {
    const z = rollingZScore(Float64Array.from([5, 1, 0.1, 0.1, 0.1, 0.1, 7]), 4, 4);
    expect(z[5]).toBe(0);
    // one outlier among w values sits sqrt(w - 1) population std above the mean
    expect(z[6]).toBeCloseTo(Math.sqrt(3), 12);
  });

  it('a NaN blanks exactly the windows that contain it', () => {
    const x = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i) * 10 + i);
    x[12] = NaN;
    const z = rollingZScore(x, 5, 4);
    for (let t = 0; t < 30; t++) expect(Number.isNaN(z[t]), `t=${t}`).toBe(t < 4 || (t >= 12 && t <= 16));
    expect(maxAbsDiff(z, naive(x, 5, 4))).toBeLessThan(1e-12);
  });

  it.each([40, 640])(
    'matches the naive implementation on every real factor series to 1e-9 (window %i)',
    (w) => {
      for (const code of ['000300', '399006']) {
        const all = computeFactors(loadDailyBars(code));
        all.forEach((x, k) => {
          const d = maxAbsDiff(rollingZScore(x, w, 4), naive(x, w, 4));
          expect(d, `${code} ${FACTORS[k].name}`).toBeLessThan(1e-9);
        });
      }
    },
  );

  it('does not drift on long series with a large offset and tiny spread', () => {
    const x = Float64Array.from(
      { length: 20000 },
      (_, i) => 1e6 + Math.sin(i * 0.37) * 1e-3 + (i % 7) * 1e-4,
    );
    // z is shift-invariant and x - 1e6 is exact here, so the naive reference on the shifted series is accurate
    // (the naive mean of the unshifted values alone carries ~1e-7 error in z)
    const shifted = x.map((v) => v - 1e6);
    expect(maxAbsDiff(rollingZScore(x, 100, 4), naive(shifted, 100, 4))).toBeLessThan(1e-9);
  });

  it('refuses unusable windows and clips with a ConfigError', () => {
    const x = new Float64Array(10);
    expect(() => rollingZScore(x, 1, 4)).toThrow(ConfigError);
    expect(() => rollingZScore(x, 2.5, 4)).toThrow(/windowBars/);
    expect(() => rollingZScore(x, 5, 0)).toThrow(/clip/);
  });
});

describe('warm-up losses', () => {
  it('counts registry warm-up plus window - 1 per factor, and the largest as the total', () => {
    const { perFactor, totalBars } = warmupLoss(40);
    expect(perFactor.map((f) => f.name)).toEqual(factorNames());
    const maxWarmup = Math.max(...FACTORS.map((f) => f.warmup));
    expect(maxWarmup).toBe(59); // ma_dev_60
    expect(totalBars).toBe(59 + 39);
    expect(warmupLoss(640, ['rsi_6', 'adx_14'])).toEqual({
      perFactor: [
        { name: 'rsi_6', factorBars: 6, normalisedBars: 645 },
        { name: 'adx_14', factorBars: 27, normalisedBars: 666 },
      ],
      totalBars: 666,
    });
  });

  it('agrees with the losses measured on real data', () => {
    const all = computeFactors(loadDailyBars('000905'));
    const z = all.map((x) => rollingZScore(x, 40, 4));
    expect(measuredLoss(all)).toEqual(FACTORS.map((f) => f.warmup));
    expect(measuredLoss(z)).toEqual(warmupLoss(40).perFactor.map((f) => f.normalisedBars));
  });
});
