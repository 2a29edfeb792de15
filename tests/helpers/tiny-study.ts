/**
 * The smallest real study the tests run end to end: two years of CSI 300 / SSE Composite, six factors, the
 * logistic-regression stand-in on cpu, rolling folds of 250 training days, two channel sets. `over` replaces
 * whole sections.
 */
import { factorNames } from '../../src/main/training/factors/registry';

const BASE = {
  dataset: {
    from: '2018-01-02',
    to: '2019-12-31',
    lookbackDays: 20,
    normWindowDays: 20,
    factors: factorNames().slice(0, 6),
  },
  model: { preset: 'logreg' },
  train: { epochs: 1, batchSize: 64, earlyStoppingPatience: 0, backend: 'cpu' },
  walkForward: { window: 'rolling', trainDays: 250, testDays: 120 },
  seeds: [1],
  ablation: { channelSets: [['000300'], ['000300', '000001']], layouts: ['time-factor'] },
  bootstrap: { reps: 50, level: 0.9, seed: 1 },
  randomDraws: 3,
};

export function tinyStudy(over: Record<string, unknown> = {}): typeof BASE & Record<string, unknown> {
  return { ...BASE, ...over };
}
