/**
 * The fold cache's hash is the contract with every long study already trained: a fixed small config must give the
 * value below (computed by the inline hash of the study before foldHash() existed, on the commit that added this
 * test), and the analysis sections (baselines, importance, statistics, power, bootstrap, backtest) must not
 * move it. An accidental change to the dataset defaults, the model or train defaults, or the hash's key order
 * fails here before it makes every cached fold retrain.
 */
import { describe, expect, it } from 'vitest';
import { foldHash, type FoldHashInput } from '../../../src/main/training/eval/study/fold-cache';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { resolveDatasetConfig } from '../../../src/main/training/images/dataset';

const base = {
  dataset: { from: '2017-01-03', to: '2019-12-31', lookbackDays: 20, normWindowDays: 20 },
  model: { preset: 'cnn', width: 0.125, dropout: 0 },
  train: { epochs: 2, batchSize: 64, validationFraction: 0.15, earlyStoppingPatience: 0, backend: 'wasm' },
  walkForward: { window: 'rolling', trainDays: 250, testDays: 120 },
  seeds: [3],
  ablation: { channelSets: [['000300'], ['000300', '000001']], layouts: ['time-factor'] },
  outDir: '/tmp/unused',
};

function hashOf(raw: Record<string, unknown>, over: Partial<FoldHashInput> = {}): string {
  const config = parseStudyConfig(raw, 'pinned config');
  return foldHash({
    dataset: resolveDatasetConfig({
      ...config.dataset,
      channels: ['000300', '000001'],
      layout: 'time-factor',
    }),
    model: config.model,
    train: config.train,
    seed: 3,
    warmStart: config.warmStart,
    train0: '2017-02-06',
    train1: '2017-11-20',
    val: ['2017-12-11', '2018-01-02'],
    test: ['2018-01-23', '2018-01-24', '2018-01-25'],
    common0: '2017-02-06',
    fingerprint: '0123456789abcdef',
    ...over,
  });
}

const PINNED = '39bb63102c693111b61cae611cee967d0c841cfe28c0793d2bd0749e22bfcf81';

describe('fold cache hash', () => {
  it('is pinned for a fixed small config', () => {
    expect(hashOf(base)).toBe(PINNED);
  });

  it('does not move with the analysis sections, the bootstrap, the backtest or the report language', () => {
    const withSections = {
      ...base,
      baselines: { gbdt: false, trendWindowDays: 100, tabular: { alpha: false } },
      importance: { enabled: false, repeats: 5 },
      statistics: { pboBlocks: 8, priorTrials: 40 },
      power: { replicates: 2, strengths: [0, 0.1] },
      bootstrap: { reps: 50, level: 0.8, seed: 99 },
      backtest: { cashRatePerYear: 0, holdDays: 1 },
      language: 'zh',
      randomDraws: 3,
    };
    expect(hashOf(withSections)).toBe(PINNED);
  });

  it('moves with what a fold trains on: labels, model, training, seed, dates and data', () => {
    const moved = [
      hashOf({ ...base, dataset: { ...base.dataset, labelPrice: 'next-open' } }),
      hashOf({ ...base, model: { ...base.model, width: 0.25 } }),
      hashOf({ ...base, train: { ...base.train, epochs: 3 } }),
      hashOf(base, { seed: 4 }),
      hashOf(base, { test: ['2018-01-23', '2018-01-24'] }),
      hashOf(base, { fingerprint: 'fedcba9876543210' }),
    ];
    for (const h of moved) expect(h).not.toBe(PINNED);
    expect(new Set(moved).size).toBe(moved.length);
    // the backend is where a fold ran, not what it learned: resuming on another backend keeps the cache
    expect(hashOf({ ...base, train: { ...base.train, backend: 'cpu' } })).toBe(PINNED);
  });
});
