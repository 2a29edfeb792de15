import { describe, expect, it } from 'vitest';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { holmAdjust } from '../../../src/main/training/eval/statistics/holm';
import { romanoWolf } from '../../../src/main/training/eval/statistics/romano-wolf';
import { REF } from './reference';

describe('Holm (1979)', () => {
  it('hand computation: p = [0.01, 0.04, 0.03, 0.005] -> [0.03, 0.06, 0.06, 0.02]', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005 = 0.02, 3*0.01 = 0.03, 2*0.03 = 0.06, max(0.06, 1*0.04) = 0.06
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('matches statsmodels multipletests(method="holm"), ties included', () => {
    const adj = holmAdjust(REF.holm.p);
    REF.holm.adjusted.forEach((a, i) => expect(adj[i]).toBeCloseTo(a, 14));
  });

  it('caps at 1 and leaves NaN out of the family', () => {
    expect(holmAdjust([0.6, NaN, 0.5])).toEqual([1, NaN, 1]);
  });
});

/** B x K normal draws with correlation rho between columns, plus shifts. */
function draws(k: number, reps: number, rho: number, seed: number): Float64Array[] {
  const rng = mulberry32(seed);
  const out = Array.from({ length: k }, () => new Float64Array(reps));
  for (let b = 0; b < reps; b++) {
    const common = randNormal(rng);
    for (let j = 0; j < k; j++) out[j][b] = Math.sqrt(rho) * common + Math.sqrt(1 - rho) * randNormal(rng);
  }
  return out;
}

describe('Romano–Wolf step-down (2005, 2016)', () => {
  it('hand computation on 2 hypotheses and 4 resamples', () => {
    // statistics 3 and 1; centred draws d* - t: col0 [1,-1,0,4]-> values 4,2,3,7 minus 3; col1 [0,2,-1,1] minus 1
    const r = romanoWolf({
      statistics: [3, 1],
      draws: [
        [4, 2, 3, 7],
        [1, 3, 0, 2],
      ],
      alternative: 'greater',
      studentize: false,
    });
    // centred: col0 [1,-1,0,4], col1 [0,2,-1,1]; step 1 (t=3): max over both [1,2,0,4] >= 3 -> 1 -> (1+1)/5
    // step 2 (t=1): col1 alone [0,2,-1,1] >= 1 -> 2 -> (1+2)/5, monotone: max(0.4, 0.6)
    expect(r[0]).toBeCloseTo(0.4, 15);
    expect(r[1]).toBeCloseTo(0.6, 15);
  });

  it('one hypothesis: the adjusted p-value is the single bootstrap p-value', () => {
    const d = draws(1, 999, 0, 3);
    const r = romanoWolf({ statistics: [1.7], draws: [d[0].map((x) => x + 1.7)], studentize: false });
    const single = (1 + d[0].filter((x) => Math.abs(x) >= 1.7).length) / 1000;
    expect(r[0]).toBeCloseTo(single, 15);
  });

  it('identical comparisons are not penalised; independent ones are, and never more than Holm', () => {
    const reps = 4000;
    const same = draws(1, reps, 0, 5)[0];
    const t = [2.1, 2.1, 2.1, 2.1];
    const rwSame = romanoWolf({
      statistics: t,
      draws: t.map((s) => same.map((x) => x + s)),
      studentize: false,
    });
    const single = (1 + same.filter((x) => Math.abs(x) >= 2.1).length) / (1 + reps);
    for (const p of rwSame) expect(p).toBeCloseTo(single, 15);
    const ind = draws(4, reps, 0, 6);
    const rwInd = romanoWolf({
      statistics: t,
      draws: ind.map((c, j) => c.map((x) => x + t[j])),
      studentize: false,
    });
    const singles = ind.map((c) => (1 + c.filter((x) => Math.abs(x) >= 2.1).length) / (1 + reps));
    const holm = holmAdjust(singles);
    // four independent N(0,1): P(max |Z| >= 2.1) = 1 - (1 - 0.0357)^4 = 0.135
    for (let j = 0; j < 4; j++) {
      expect(rwInd[j]).toBeGreaterThan(singles[j] * 2.5);
      expect(rwInd[j]).toBeLessThanOrEqual(holm[j] + 1e-12);
      expect(rwInd[j]).toBeCloseTo(0.135, 1);
    }
  });

  it('controls the family-wise error: under the null, P(min adjusted p < 0.1) is about 0.1', () => {
    const rng = mulberry32(11);
    const sims = 300;
    let falseFamilies = 0;
    for (let s = 0; s < sims; s++) {
      // observed statistics from the same law as the draws (the null is true for all four)
      const d = draws(4, 400, 0.5, 100 + s);
      const common = randNormal(rng);
      const obs = [0, 1, 2, 3].map(() => Math.sqrt(0.5) * common + Math.sqrt(0.5) * randNormal(rng));
      const r = romanoWolf({ statistics: obs, draws: d.map((c, j) => c.map((x) => x + obs[j])) });
      if (Math.min(...r) < 0.1) falseFamilies++;
    }
    expect(falseFamilies / sims).toBeGreaterThan(0.04);
    expect(falseFamilies / sims).toBeLessThan(0.16);
  });
});
