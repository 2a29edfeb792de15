import { describe, expect, it } from 'vitest';
import { alphaFamily, alphaFeatureNames, alphaFeatures } from '../../../src/main/training/tabular/alpha158';
import { headBars, loadDailyBars } from '../factors/daily-bars';

describe('Alpha158-style index features', () => {
  // five bars; log(V + 1) = C exactly, so the close/log-volume correlation is 1
  const C = [11, 12, 11, 12, 14];
  const bars = {
    open: Float64Array.from([10, 11, 12, 11, 13]),
    high: Float64Array.from([12, 12, 13, 12, 15]),
    low: Float64Array.from([9, 10, 11, 10, 12]),
    close: Float64Array.from(C),
    volume: Float64Array.from(C, (c) => Math.expm1(c)),
  };
  const names = alphaFeatureNames([3]);
  const f = alphaFeatures(bars, [3]);
  const at = (name: string, t: number) => f[names.indexOf(name)][t];

  it('names the columns as Qlib does and groups them into families', () => {
    expect(names).toEqual([
      'KMID',
      'KLEN',
      'KMID2',
      'KUP',
      'KUP2',
      'KLOW',
      'KLOW2',
      'KSFT',
      'KSFT2',
      'ROC3',
      'MA3',
      'STD3',
      'RSV3',
      'CORR3',
    ]);
    expect(alphaFamily('KUP2')).toBe('kbar');
    expect(alphaFamily('RSV20')).toBe('rsv');
    expect(alphaFamily('CORR60')).toBe('corr');
  });

  it('k-bar shape of the last bar by hand (O 13, H 15, L 12, C 14)', () => {
    expect(at('KMID', 4)).toBeCloseTo(1 / 13, 12);
    expect(at('KLEN', 4)).toBeCloseTo(3 / 13, 12);
    expect(at('KMID2', 4)).toBeCloseTo(1 / 3, 10);
    expect(at('KUP', 4)).toBeCloseTo(1 / 13, 12);
    expect(at('KUP2', 4)).toBeCloseTo(1 / 3, 10);
    expect(at('KLOW', 4)).toBeCloseTo(1 / 13, 12);
    expect(at('KLOW2', 4)).toBeCloseTo(1 / 3, 10);
    expect(at('KSFT', 4)).toBeCloseTo(1 / 13, 12);
    expect(at('KSFT2', 4)).toBeCloseTo(1 / 3, 10);
  });

  it('3-bar rolling features of the last bar by hand (closes 11, 12, 14)', () => {
    expect(at('ROC3', 4)).toBeCloseTo(12 / 14, 12); // C[1] / C[4]
    expect(at('MA3', 4)).toBeCloseTo(37 / 3 / 14, 12);
    expect(at('STD3', 4)).toBeCloseTo(Math.sqrt(7 / 3) / 14, 12); // sample std: (16 + 1 + 25) / 9 / 2 = 7/3
    expect(at('RSV3', 4)).toBeCloseTo((14 - 10) / (15 - 10), 10); // min low 10, max high 15 over bars 2..4
    expect(at('CORR3', 4)).toBeCloseTo(1, 12);
  });

  it('is NaN until a window is full (ROC needs d earlier bars)', () => {
    expect(at('MA3', 1)).toBeNaN();
    expect(at('MA3', 2)).toBeCloseTo((11 + 12 + 11) / 3 / 11, 12);
    expect(at('ROC3', 2)).toBeNaN();
    expect(at('ROC3', 3)).toBeCloseTo(11 / 12, 12);
  });

  it('no look-ahead on the real CSI 300: features up to t do not change when bars after t are dropped', () => {
    const all = loadDailyBars('000300');
    const full = alphaFeatures(all);
    for (const cut of [70, 1000, 3000]) {
      const head = alphaFeatures(headBars(all, cut + 1));
      for (let j = 0; j < full.length; j++)
        for (let t = cut - 65; t <= cut; t++)
          expect(Object.is(head[j][t], full[j][t]) || head[j][t] === full[j][t]).toBe(true);
    }
    // after the 60-bar warm-up every feature is finite on real data
    for (const x of full) for (let t = 60; t < x.length; t++) expect(Number.isFinite(x[t])).toBe(true);
  });
});
