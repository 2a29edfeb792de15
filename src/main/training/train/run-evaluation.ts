/**
 * The test block of a training run whose config has a walkForward section: the run trains on the last
 * walk-forward fold, and after training its model predicts that fold's test dates (and the unlabeled dates after
 * them). Scored exactly like a study cell, by the study's own scorer on a one-fold plan: metrics on the labeled
 * test dates with block-bootstrap intervals, the study's baselines on the same dates, and the costed backtest
 * against buy-and-hold; written as predictions.csv (the study's columns) and evaluation.json.
 */
import { z } from 'zod';
import type { BacktestConfig, RunConfig } from '../../../shared/config';
import type { Bars } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { classMetrics, type ClassMetrics } from '../eval/metrics';
import type { Interval } from '../eval/bootstrap';
import { walkForwardSplits, type Fold } from '../eval/splits';
import type { Stats } from '../eval/stats';
import { parseStudyConfig } from '../eval/study-config';
import { runBaselines } from '../eval/study/baselines';
import { chooseBlockLength } from '../eval/statistics/politis-white';
import {
  buyHoldStats,
  ensembleIntervals,
  evaluateCell,
  evaluationContext,
  type BootstrapSettings,
} from '../eval/study/evaluate';
import type { StudyPlan } from '../eval/study/plan';
import type { MetricName } from '../eval/study/result';
import type { FactorDataset } from '../images/dataset';
import { modelInput } from '../model/spec';
import type { PredictionTable } from '../report/csv';
import { runBacktest } from './config';

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
  /** Block-bootstrap interval of each metric (blocks chosen as in a study: Politis–White, never below the horizon). */
  ci: Record<MetricName, Interval>;
  /** The study's baselines on the same test dates (the random one without an interval). */
  baselines: {
    /** The study baseline's id and parameters (for translated names); absent in older files. */
    id?: string;
    params?: Record<string, number | string>;
    name: string;
    description: string;
    metrics: ClassMetrics;
    ci?: Record<MetricName, Interval>;
  }[];
  strategy: Stats;
  buyHold: Stats;
  backtest: BacktestConfig;
  bootstrap: { reps: number; level: number; seed: number; blockLength: number };
  backend: string;
}

const num = z.number().nullable();
const metricsSchema = z.looseObject({
  n: z.number(),
  accuracy: num,
  balancedAccuracy: num,
  macroF1: num,
  logLoss: num,
});
const intervalSchema = z.looseObject({ estimate: num, lo: num, hi: num, level: z.number() });
/** evaluation.json as written (NaN as null); ci and baselines are absent in runs scored before they existed. */
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
  metrics: metricsSchema,
  ci: z.record(z.string(), intervalSchema).optional(),
  baselines: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        params: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
        name: z.string(),
        metrics: metricsSchema,
        ci: z.record(z.string(), intervalSchema).optional(),
      }),
    )
    .optional(),
  strategy: z.record(z.string(), num),
  buyHold: z.record(z.string(), num),
  backtest: z
    .looseObject({
      positionMap: z.tuple([z.number(), z.number(), z.number()]),
      execution: z.enum(['next-open', 'next-close']),
      holdDays: z.number(),
    })
    .optional(),
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

/** The study's plan for one cell and one fold: the run's dataset, its test rows then its unlabeled rows. */
function oneFoldPlan(ds: FactorDataset, fold: Fold, config: RunConfig, bars: Map<string, Bars>): StudyPlan {
  const rowsCommon = [...fold.test, ...fold.predictOnly];
  const truth = Int8Array.from(rowsCommon, (i) => ds.labels[i]);
  let labeledCount = ds.labels.findIndex((l) => l < 0);
  if (labeledCount < 0) labeledCount = ds.labels.length;
  const { channels, layout } = config.dataset;
  return {
    outDir: '',
    bars,
    foldDir: '',
    input: modelInput(config.model.preset),
    notes: [],
    files: [],
    fingerprint: '',
    cells: [
      {
        key: `${channels.join('+')}_${layout}`,
        channels,
        layout,
        barsPerDay: ds.config.barsPerDay,
        model: config.model,
        input: modelInput(config.model.preset),
        ds,
        index: new Map(ds.dates.map((d, i) => [d, i] as const)),
      },
    ],
    common: ds.dates,
    labeledCount,
    labelsAll: Int8Array.from(ds.labels),
    fwdAll: Float64Array.from(ds.forwardReturns),
    closeAll: Float64Array.from(ds.targetClose),
    folds: [fold],
    rowsCommon,
    rowFold: new Int32Array(rowsCommon.length).fill(fold.index),
    rowDates: rowsCommon.map((i) => ds.dates[i]),
    truth,
    labeledRows: [...truth.keys()].filter((r) => truth[r] >= 0),
  };
}

/**
 * Scores the model's probabilities (rows x 3) on the fold's test rows followed by its predict-only rows, with
 * the study's scorer: the same metrics, intervals, baselines and backtest a study cell gets.
 */
export function evaluateTestBlock(
  ds: FactorDataset,
  fold: Fold,
  probs: ArrayLike<number>,
  backendName: string,
  config: RunConfig,
  /** Bars of the dataset's channels: the tabular baselines' features. */
  bars: Map<string, Bars>,
): { evaluation: RunEvaluation; table: PredictionTable } {
  const study = parseStudyConfig(
    {
      name: 'test block',
      dataset: config.dataset,
      model: config.model,
      train: config.train,
      walkForward: config.walkForward,
      backtest: runBacktest(config),
      seeds: [config.train.seed],
      ablation: { channelSets: [config.dataset.channels], layouts: [config.dataset.layout] },
      outDir: '.',
    },
    'the run config',
  );
  const plan = oneFoldPlan(ds, fold, config, bars);
  const ctx = evaluationContext(study, plan, ds.targetDaily);
  const p = Float64Array.from(probs);
  const cell = evaluateCell(ctx, plan.cells[0], () => p);
  // the study's block rule on this block's own series: the CNN's hits, never below the label horizon
  const hits = plan.labeledRows.map((r) => (cell.pred[r] === plan.truth[r] ? 1 : 0));
  const boot: BootstrapSettings = {
    blockLength: chooseBlockLength([{ name: 'cnn correct', values: hits }], config.dataset.horizonDays)
      .blockLength,
    reps: study.bootstrap.reps,
    level: study.bootstrap.level,
    seed: study.bootstrap.seed,
  };
  cell.ci = ensembleIntervals(ctx, [p], boot);
  const baselines = runBaselines({ eval: ctx, primary: cell, primaryDs: ds, bars });
  for (const b of baselines) if (b.pred) b.ci = ctx.intervals(b.pred, b.probs, boot);
  const rows = plan.rowsCommon;
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
    metrics: classMetrics(plan.truth, cell.pred, p),
    ci: cell.ci,
    baselines: baselines.map((b) => ({
      id: b.id,
      ...(b.params ? { params: b.params } : {}),
      name: b.name,
      description: b.description,
      metrics: b.metrics,
      ...(b.ci ? { ci: b.ci } : {}),
    })),
    strategy: cell.stats,
    buyHold: buyHoldStats(cell.backtest),
    backtest: study.backtest,
    bootstrap: boot,
    backend: backendName,
  };
  const table: PredictionTable = {
    dates: plan.rowDates,
    targetClose: Float64Array.from(rows, (i) => ds.targetClose[i]),
    probs: p,
    pred: cell.pred,
    labels: plan.truth,
    forwardReturns: Float64Array.from(rows, (i) => ds.forwardReturns[i]),
    backtest: cell.backtest,
  };
  return { evaluation, table };
}

/** evaluation.json text: NaN and infinities as null (JSON has neither). */
export function evaluationJson(e: RunEvaluation): string {
  return JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
