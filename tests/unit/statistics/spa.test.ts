import { describe, expect, it } from 'vitest';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { superiorPredictiveAbility } from '../../../src/main/training/eval/statistics/spa';
import { expandRle, REF } from './reference';

describe("Hansen's SPA test (2005)", () => {
  const s = REF.spa;
  const indices = s.indicesRle.map((r) => expandRle(r, s.n));

  it('unstudentised, on the very resamples arch drew: the p-values of arch.bootstrap.SPA', () => {
    expect(indices.every((ix) => ix.length === s.n)).toBe(true);
    const r = superiorPredictiveAbility({
      benchmark: s.benchmark,
      models: s.models,
      blockLength: s.blockLength,
      indices,
      studentize: false,
    });
    expect(r.pLower).toBeCloseTo(s.arch.lower, 12);
    expect(r.pConsistent).toBeCloseTo(s.arch.consistent, 12);
    expect(r.pUpper).toBeCloseTo(s.arch.upper, 12);
  });

  it("studentised (Hansen's T_SPA): an independent numpy implementation on the same resamples", () => {
    const r = superiorPredictiveAbility({
      benchmark: s.benchmark,
      models: s.models,
      blockLength: s.blockLength,
      indices,
    });
    expect(r.statistic).toBeCloseTo(s.hansenStudentized.statistic, 10);
    expect(r.pLower).toBeCloseTo(s.hansenStudentized.lower, 12);
    expect(r.pConsistent).toBeCloseTo(s.hansenStudentized.consistent, 12);
    expect(r.pUpper).toBeCloseTo(s.hansenStudentized.upper, 12);
    expect(r.pLower).toBeLessThanOrEqual(r.pConsistent);
    expect(r.pConsistent).toBeLessThanOrEqual(r.pUpper);
  });

  /** n days of K models and a benchmark; model 0 gets `edge` a day. */
  function sim(seed: number, n: number, K: number, edge: number) {
    const rng = mulberry32(seed);
    const common = Float64Array.from({ length: n }, () => 0.01 * randNormal(rng));
    const benchmark = Float64Array.from(common, (c) => c + 0.005 * randNormal(rng));
    const models = Array.from({ length: K }, (_, k) =>
      Float64Array.from(common, (c) => c + 0.005 * randNormal(rng) + (k === 0 ? edge : 0)),
    );
    return { benchmark, models };
  }

  it('size and power on simulated data (5 models, 500 days, 5 % level)', () => {
    const sims = 150;
    let nullRejects = 0;
    let altRejects = 0;
    for (let i = 0; i < sims; i++) {
      const h0 = sim(1000 + i, 500, 5, 0);
      if (superiorPredictiveAbility({ ...h0, blockLength: 5, reps: 200, seed: i }).pConsistent < 0.05)
        nullRejects++;
      // edge 0.001 a day on a differential sd of 0.0071: t ≈ 3.2 over 500 days
      const h1 = sim(5000 + i, 500, 5, 0.001);
      if (superiorPredictiveAbility({ ...h1, blockLength: 5, reps: 200, seed: i }).pConsistent < 0.05)
        altRejects++;
    }
    // all models exactly at the benchmark is the least favourable null: rejection near 5 %, not above
    expect(nullRejects / sims).toBeLessThan(0.1);
    expect(altRejects / sims).toBeGreaterThan(0.8);
  });
});
