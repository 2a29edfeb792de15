/**
 * The test block of a training run whose config has a walkForward section: the run trains on the last
 * walk-forward fold, and after training its model predicts that fold's test dates (and the unlabeled dates after
 * them). Scored like a study cell: metrics on the labeled test dates and the costed backtest against
 * buy-and-hold, written as predictions.csv (the study's columns) and evaluation.json.
 */
import { z } from 'zod';
import type { BacktestConfig, RunConfig } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { backtest, DEFAULT_BACKTEST } from '../eval/backtest';
import { argmaxRows, classMetrics, type ClassMetrics } from '../eval/metrics';
import { walkForwardSplits, type Fold } from '../eval/splits';
import type { Stats } from '../eval/stats';
import { buyHoldStats, strategyStats } from '../eval/study/evaluate';
import type { FactorDataset } from '../images/dataset';
import type { PredictionTable } from '../report/csv';

export const EVALUATION_FILE = 'evaluation.json';

export interface RunEvaluation {
  fold: {
    index: number;
    testStart: string;
    testEnd: string;
    trainSamples: number;
    valSamples: number;
    testSamples: number;
    /** Unlabeled dates after the test block, predicted for output only. */
    predictOnly: number;
  };
  /** On the labeled test dates only. */
  metrics: ClassMetrics;
  strategy: Stats;
  buyHold: Stats;
  backtest: BacktestConfig;
  backend: string;
}

const num = z.number().nullable();
/** evaluation.json as written (NaN as null). */
export const runEvaluationSchema = z.looseObject({
  fold: z.looseObject({
    index: z.number(),
    testStart: z.string(),
    testEnd: z.string(),
    trainSamples: z.number(),
    valSamples: z.number(),
    testSamples: z.number(),
    predictOnly: z.number(),
  }),
  metrics: z.looseObject({ n: z.number(), accuracy: num, balancedAccuracy: num, macroF1: num, logLoss: num }),
  strategy: z.record(z.string(), num),
  buyHold: z.record(z.string(), num),
  backend: z.string(),
});
export type RunEvaluationFile = z.infer<typeof runEvaluationSchema>;

/** The last walk-forward fold of the run's dataset: the run trains on its train/validation samples. */
export function testFold(ds: FactorDataset, config: RunConfig): Fold {
  if (!config.walkForward) throw new Error('testFold needs a walkForward section');
  let labeled = ds.labels.findIndex((l) => l < 0);
  if (labeled < 0) labeled = ds.labels.length;
  const folds = walkForwardSplits(ds.dates, labeled, {
    ...config.walkForward,
    horizonDays: config.dataset.horizonDays,
    validationFraction: config.train.validationFraction,
    includeUnlabeled: true,
  });
  if (folds.length === 0)
    throw new ConfigError(
      'walkForward',
      'no fold fits the data: shorten trainDays/testDays or widen the dates',
    );
  return folds[folds.length - 1];
}

/** Scores the model's probabilities (rows x 3) on the fold's test rows followed by its predict-only rows. */
export function evaluateTestBlock(
  ds: FactorDataset,
  fold: Fold,
  probs: ArrayLike<number>,
  backendName: string,
): { evaluation: RunEvaluation; table: PredictionTable } {
  const rows = [...fold.test, ...fold.predictOnly];
  const p = Float64Array.from(probs);
  const pred = argmaxRows(p);
  const labels = Int8Array.from(rows, (i) => ds.labels[i]);
  const dates = rows.map((i) => ds.dates[i]);
  const bt = backtest({ bars: ds.targetDaily, signalDates: dates, signals: pred, options: DEFAULT_BACKTEST });
  const evaluation: RunEvaluation = {
    fold: {
      index: fold.index,
      testStart: fold.testStart,
      testEnd: fold.testEnd,
      trainSamples: fold.train.length,
      valSamples: fold.val.length,
      testSamples: fold.test.length,
      predictOnly: fold.predictOnly.length,
    },
    metrics: classMetrics(labels, pred, p),
    strategy: strategyStats(bt),
    buyHold: buyHoldStats(bt),
    backtest: DEFAULT_BACKTEST,
    backend: backendName,
  };
  const table: PredictionTable = {
    dates,
    targetClose: Float64Array.from(rows, (i) => ds.targetClose[i]),
    probs: p,
    pred,
    labels,
    forwardReturns: Float64Array.from(rows, (i) => ds.forwardReturns[i]),
    backtest: bt,
  };
  return { evaluation, table };
}

/** evaluation.json text: NaN and infinities as null (JSON has neither). */
export function evaluationJson(e: RunEvaluation): string {
  return JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
