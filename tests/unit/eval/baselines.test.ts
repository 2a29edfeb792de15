import { describe, expect, it } from 'vitest';
import {
  classRates,
  expectedRandomMetrics,
  fitLogistic,
  majorityClass,
  persistencePredictions,
  predictLogistic,
} from '../../../src/main/training/eval/baselines';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { argmaxRows } from '../../../src/main/training/eval/metrics';

describe('baselines', () => {
  const labels = [2, 2, 1, 0, 2, 1, 1, 1, 2, 0, -1, -1];

  it('majority and class rates use only the training indices', () => {
    expect(majorityClass(labels, [0, 1, 2, 3, 4])).toBe(2);
    expect(majorityClass(labels, [5, 6, 7, 8])).toBe(1);
    expect(classRates(labels, [0, 1, 2, 3])).toEqual([0.25, 0.25, 0.5]);
  });

  it('persistence predicts the label of t - H (known at t), falling back before it exists', () => {
    // H = 3: t = 5 -> labels[2] = 1; t = 9 -> labels[6] = 1; t = 11 (unlabeled date) -> labels[8] = 2; t = 1 -> fallback
    expect(Array.from(persistencePredictions(labels, [1, 5, 9, 11], 3, 0))).toEqual([0, 1, 1, 2]);
  });

  it('random baseline: expected accuracy equals sum of rate x truth share', () => {
    // truth all 'up'; rates [0.2, 0.3, 0.5] -> expected accuracy 0.5, recall(up) 0.5
    const truth = new Array(2000).fill(2);
    const rates = truth.map(() => [0.2, 0.3, 0.5]);
    const m = expectedRandomMetrics(truth, rates, 10, 7);
    expect(m.accuracy).toBeGreaterThan(0.48);
    expect(m.accuracy).toBeLessThan(0.52);
    expect(m.logLoss).toBeCloseTo(-Math.log(0.5), 12);
  });

  it('logistic regression recovers a linearly separable 3-class rule and is deterministic', () => {
    const rng = mulberry32(5);
    const n = 600;
    const d = 4;
    const X = new Float64Array(n * d);
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = randNormal(rng) * (j === 0 ? 10 : 1) + 5;
      const s = (X[i * d] - 5) / 10; // only feature 0 matters (on a different scale: standardisation needed)
      y[i] = s < -0.5 ? 0 : s > 0.5 ? 2 : 1;
    }
    const model = fitLogistic(X, y, d, { iterations: 300 });
    const pred = argmaxRows(predictLogistic(model, X));
    let correct = 0;
    for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
    expect(correct / n).toBeGreaterThan(0.9);
    const again = fitLogistic(X, y, d, { iterations: 300 });
    expect(Array.from(again.w)).toEqual(Array.from(model.w));
    const probs = predictLogistic(model, X.subarray(0, d));
    expect(probs[0] + probs[1] + probs[2]).toBeCloseTo(1, 12);
  });
});
