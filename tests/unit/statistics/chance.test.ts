import { describe, expect, it } from 'vitest';
import {
  balancedAccuracy,
  chanceBaselines,
  expectedRandomBalancedAccuracy,
  perFoldBalancedAccuracy,
} from '../../../src/main/training/eval/statistics/chance';
import { expectedRandomMetrics } from '../../../src/main/training/eval/baselines';

describe('chance from the same rows', () => {
  // two folds of 6 labeled rows; fold 0 is mostly down, fold 1 mostly up
  const truth = Int8Array.from([0, 0, 0, 0, 1, 2, /**/ 2, 2, 2, 2, 1, 0, -1]);
  const rowFold = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);

  it('a per-fold majority predictor: 1/3 in each fold, far above 1/3 pooled', () => {
    const majority = Int8Array.from([0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2]);
    const s = perFoldBalancedAccuracy(truth, majority, rowFold);
    expect(s.folds.map((f) => f.balancedAccuracy)).toEqual([1 / 3, 1 / 3]);
    expect(s.folds.map((f) => f.n)).toEqual([6, 6]);
    expect(s.foldMean).toBeCloseTo(1 / 3, 15);
    // pooled: down 5 rows, 4 right (fold 0) + 0 (fold 1); flat 2 rows, 0 right; up 5 rows, 0 + 4 right
    expect(s.pooled).toBeCloseTo((4 / 5 + 0 + 4 / 5) / 3, 15);
  });

  it('the random baseline in closed form equals the mean of many draws', () => {
    const rates = Array.from(rowFold, (f) => (f === 0 ? [0.6, 0.25, 0.15] : [0.1, 0.3, 0.6]));
    // hand: down rows: 4 with 0.6, 1 with 0.1 -> 2.5/5; flat: 0.25, 0.3 -> 0.275; up: 1 x 0.15 + 4 x 0.6 -> 2.55/5
    const exact = expectedRandomBalancedAccuracy(truth, rates);
    expect(exact).toBeCloseTo((0.5 + 0.275 + 0.51) / 3, 15);
    const labeled = [...truth.keys()].filter((i) => truth[i] >= 0);
    const sim = expectedRandomMetrics(
      Int8Array.from(labeled, (i) => truth[i]),
      labeled.map((i) => rates[i]),
      20000,
      3,
    );
    expect(sim.balancedAccuracy).toBeCloseTo(exact, 2);
  });

  it('the best baseline is the one with the highest pooled balanced accuracy on the same rows', () => {
    const majority = Int8Array.from([0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2]);
    const c = chanceBaselines(truth, rowFold, [
      { name: 'majority', kind: 'classes', pred: majority },
      { name: 'random', kind: 'rates', rates: Array.from({ length: 13 }, () => [1 / 3, 1 / 3, 1 / 3]) },
    ]);
    expect(c.best.name).toBe('majority');
    expect(c.best.balancedAccuracy).toBeCloseTo(1.6 / 3, 15);
    expect(c.baselines[1].pooled).toBeCloseTo(1 / 3, 15);
  });

  it('balanced accuracy counts only classes present among the rows', () => {
    expect(balancedAccuracy([2, 2, 0], [2, 1, 0])).toBeCloseTo(0.75, 15);
    expect(balancedAccuracy([2, 2, 0], [2, 1, 0], [0, 1])).toBeCloseTo(0.5, 15);
    expect(balancedAccuracy([-1], [0])).toBeNaN();
  });
});
