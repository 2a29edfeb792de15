import { describe, expect, it } from 'vitest';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import {
  averageRanks,
  combinations,
  probabilityOfBacktestOverfitting,
} from '../../../src/main/training/eval/statistics/pbo';
import { REF } from './reference';

function noise(N: number, T: number, seed: number, drift: number[] = []): Float64Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: N }, (_, n) =>
    Float64Array.from({ length: T }, () => 0.01 * randNormal(rng) + (drift[n] ?? 0)),
  );
}

describe('Probability of Backtest Overfitting by CSCV (Bailey, Borwein, López de Prado & Zhu)', () => {
  it('combinations and average ranks', () => {
    expect([...combinations(4, 2)]).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect([...combinations(16, 8)].length).toBe(12870);
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });

  it('hand-checkable: 2 strategies, 2 blocks of 3 days', () => {
    // Block Sharpe ratios (mean / sd): A = [1,2,3] -> 2, [-1,-2,-3] -> -2; B the mirror image. Split J = {0}: A wins
    // in sample and is the worse of two out of sample, rank 1 -> w = 1/3, λ = ln(1/2); J = {1}: the same for B.
    const A = [0.01, 0.02, 0.03, -0.01, -0.02, -0.03];
    const B = [-0.01, -0.02, -0.03, 0.01, 0.02, 0.03];
    const r = probabilityOfBacktestOverfitting([A, B], 2);
    expect(r.combinations).toBe(2);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(0.5), 14);
    expect(r.pbo).toBe(1);
    expect(r.probOosLoss).toBe(1);
    // A better in both blocks: it wins in sample and is rank 2 of 2 out of sample, w = 2/3, λ = ln 2 > 0
    const C = [0.01, 0.02, 0.03, 0.02, 0.03, 0.04];
    const D = [-0.01, 0, 0.01, 0, 0.01, 0.02];
    const s = probabilityOfBacktestOverfitting([D, C], 2);
    for (const l of s.logits) expect(l).toBeCloseTo(Math.log(2), 14);
    expect(s.pbo).toBe(0);
    expect(s.winnerCounts).toEqual([0, 2]);
  });

  it('matches an independent numpy implementation (S = 4 and S = 16, 163 days -> 3 dropped)', () => {
    const r4 = probabilityOfBacktestOverfitting(REF.pbo.M, 4);
    expect(r4.pbo).toBeCloseTo(REF.pbo.pbo4, 15);
    Array.from(r4.logits).forEach((l, i) => expect(l).toBeCloseTo(REF.pbo.logits4[i], 12));
    const r16 = probabilityOfBacktestOverfitting(REF.pbo.M);
    expect(r16.blocks).toBe(16);
    expect(r16.droppedRows).toBe(3);
    expect(r16.pbo).toBeCloseTo(REF.pbo.pbo16, 15);
  });

  it('pure noise: PBO near 1/2 on average over 40 data sets (10 strategies)', () => {
    // one data set's PBO scatters widely (sd about 0.23 here), so the claim is about the mean
    const vals = Array.from(
      { length: 40 },
      (_, s) => probabilityOfBacktestOverfitting(noise(10, 480, s + 1)).pbo,
    );
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('one truly dominant strategy: PBO near 0', () => {
    const r = probabilityOfBacktestOverfitting(noise(6, 480, 9, [0, 0, 0.004, 0, 0, 0]));
    expect(r.pbo).toBeLessThan(0.05);
    expect(r.winnerCounts[2]).toBeGreaterThan(0.9 * r.combinations);
    expect(r.medianLogit).toBeGreaterThan(1);
  });

  it('refuses odd block counts, one strategy, or too few days', () => {
    expect(() => probabilityOfBacktestOverfitting(noise(3, 100, 1), 5)).toThrow(/even/);
    expect(() => probabilityOfBacktestOverfitting(noise(1, 100, 1))).toThrow(/at least 2/);
    expect(() => probabilityOfBacktestOverfitting(noise(2, 20, 1))).toThrow(/too few/);
  });
});
