import { describe, expect, it } from 'vitest';
import { argmaxRows, classMetrics, confusionMatrix, logLoss } from '../../../src/main/training/eval/metrics';

describe('metrics (hand-computed)', () => {
  // truth:  0 0 1 1 1 2 2 2 2 -1
  // pred:   0 1 1 1 2 2 2 0 1  2
  const truth = [0, 0, 1, 1, 1, 2, 2, 2, 2, -1];
  const pred = [0, 1, 1, 1, 2, 2, 2, 0, 1, 2];

  it('confusion matrix skips the unlabeled row', () => {
    expect(confusionMatrix(truth, pred)).toEqual([
      [1, 1, 0],
      [0, 2, 1],
      [1, 1, 2],
    ]);
  });

  it('accuracy, balanced accuracy, precision, recall, macro-F1', () => {
    const m = classMetrics(truth, pred);
    expect(m.n).toBe(9);
    expect(m.accuracy).toBeCloseTo(5 / 9, 12);
    // recalls 1/2, 2/3, 2/4
    expect(m.recall).toEqual([0.5, 2 / 3, 0.5]);
    expect(m.balancedAccuracy).toBeCloseTo((0.5 + 2 / 3 + 0.5) / 3, 12);
    // precisions: col0 = 1/2, col1 = 2/4, col2 = 2/3
    expect(m.precision[0]).toBeCloseTo(0.5, 12);
    expect(m.precision[1]).toBeCloseTo(0.5, 12);
    expect(m.precision[2]).toBeCloseTo(2 / 3, 12);
    // F1: 0.5; 2*(0.5*2/3)/(0.5+2/3) = 4/7; 2*(2/3*0.5)/(2/3+0.5) = 4/7
    expect(m.macroF1).toBeCloseTo((0.5 + 4 / 7 + 4 / 7) / 3, 12);
    expect(Number.isNaN(m.logLoss)).toBe(true);
  });

  it('a class never predicted has NaN precision and F1 0; balanced accuracy ignores absent classes', () => {
    const m = classMetrics([1, 1, 2, 2], [1, 1, 1, 2]);
    expect(Number.isNaN(m.precision[0])).toBe(true);
    expect(Number.isNaN(m.recall[0])).toBe(true);
    expect(m.balancedAccuracy).toBeCloseTo((1 + 0.5) / 2, 12);
    // F1 flat: p = 2/3, r = 1 -> 0.8; up: p = 1, r = 0.5 -> 2/3; down absent everywhere -> excluded
    expect(m.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
  });

  it('log-loss: mean -ln p(true class), clipped', () => {
    const probs = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.25, 0.25, 0.5, 0.0, 1.0, 0.0];
    const ll = logLoss([0, 1, 2, -1], probs);
    expect(ll).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8) + Math.log(0.5)) / 3, 12);
    expect(logLoss([0], [0, 1, 0])).toBeCloseTo(-Math.log(1e-15), 8);
    expect(Array.from(argmaxRows(probs))).toEqual([0, 1, 2, 1]);
  });
});
