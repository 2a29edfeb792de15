/**
 * Scoring on the study rows, shared by the cells, the baselines and the ablation: metrics on the labeled rows,
 * block-bootstrap intervals (blocks of horizonDays rows by default, since labels overlap), and the costed
 * backtest of a class series against buy-and-hold. Statistics added later take an EvaluationContext too, so
 * every model is scored on the same rows in the same way.
 */
import { backtest, type BacktestResult } from '../backtest';
import { blockBootstrap, type Interval } from '../bootstrap';
import { argmaxRows, classMetrics, NUM_CLASSES, type ClassMetrics } from '../metrics';
import { computeStats, type Stats } from '../stats';
import type { StudyConfig } from '../study-config';
import type { PlannedCell, StudyPlan } from './plan';
import { METRIC_NAMES, type CellResult, type MetricName } from './result';

export interface EvaluationContext {
  config: StudyConfig;
  plan: StudyPlan;
  /** Labels of the labeled rows, in row order. */
  labeledTruth: Int8Array;
  bootstrap: { blockLength: number; reps: number; level: number; seed: number };
  /** A row series restricted to the labeled rows. */
  onLabeled(x: Int8Array): Int8Array;
  /** Row probabilities (rows x 3) restricted to the labeled rows. */
  probsOnLabeled(p: Float64Array): Float64Array;
  /** Block-bootstrap interval of every metric of a prediction series. */
  intervals(pred: Int8Array, probs: Float64Array | undefined): Record<MetricName, Interval>;
  /** The costed backtest of a class series over the study rows. */
  backtest(pred: ArrayLike<number>): BacktestResult;
}

export function metricValue(m: ClassMetrics, name: MetricName): number {
  return m[name];
}

function meanStd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return [m, Math.sqrt(v)];
}

/** Metrics of predictions restricted to resampled rows (the bootstrap statistic). */
export function metricsOnRows(
  truth: Int8Array,
  pred: Int8Array,
  probs: Float64Array | undefined,
  rows: Int32Array | number[],
): ClassMetrics {
  const t = new Int8Array(rows.length);
  const p = new Int8Array(rows.length);
  const pr = probs ? new Float64Array(rows.length * NUM_CLASSES) : undefined;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    t[k] = truth[r];
    p[k] = pred[r];
    if (pr && probs)
      for (let c = 0; c < NUM_CLASSES; c++) pr[k * NUM_CLASSES + c] = probs[r * NUM_CLASSES + c];
  }
  return classMetrics(t, p, pr);
}

/** Strategy statistics of a backtest. */
export function strategyStats(b: BacktestResult): Stats {
  return computeStats(b.equity, b.exposure, b.trades);
}

/** Buy-and-hold statistics of a backtest: invested from the first execution on (exposure 0 only at the first close). */
export function buyHoldStats(b: BacktestResult): Stats {
  const exposure = new Float64Array(b.buyHold.length).fill(1);
  exposure[0] = 0;
  return computeStats(b.buyHold, exposure, b.buyHoldTrades);
}

export function evaluationContext(
  config: StudyConfig,
  plan: StudyPlan,
  targetDaily: { date: string[]; open: ArrayLike<number>; close: ArrayLike<number> },
): EvaluationContext {
  const { labeledRows, truth, rowDates } = plan;
  const bootOpts = {
    blockLength: config.bootstrap.blockLength ?? config.dataset.horizonDays,
    reps: config.bootstrap.reps,
    level: config.bootstrap.level,
    seed: config.bootstrap.seed,
  };
  const lt = Int8Array.from(labeledRows.map((r) => truth[r]));
  const onLabeled = (x: Int8Array) => Int8Array.from(labeledRows.map((r) => x[r]));
  const probsOnLabeled = (p: Float64Array) => {
    const out = new Float64Array(labeledRows.length * NUM_CLASSES);
    labeledRows.forEach((r, k) =>
      out.set(p.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES), k * NUM_CLASSES),
    );
    return out;
  };
  return {
    config,
    plan,
    labeledTruth: lt,
    bootstrap: bootOpts,
    onLabeled,
    probsOnLabeled,
    intervals(pred, probs) {
      const lp = onLabeled(pred);
      const lpr = probs ? probsOnLabeled(probs) : undefined;
      const out = {} as Record<MetricName, Interval>;
      for (const m of METRIC_NAMES) {
        out[m] = blockBootstrap(
          labeledRows.length,
          (idx) => metricValue(metricsOnRows(lt, lp, lpr, idx), m),
          bootOpts,
        );
      }
      return out;
    },
    backtest: (pred) =>
      backtest({ bars: targetDaily, signalDates: rowDates, signals: pred, options: config.backtest }),
  };
}

/** A cell's seed ensemble and its single seeds, scored on the study rows. */
export function evaluateCell(
  ctx: EvaluationContext,
  cell: PlannedCell,
  probsOfSeed: (seed: number) => Float64Array,
): CellResult {
  const { config, plan } = ctx;
  const { truth, rowsCommon, rowFold, folds } = plan;
  const perSeed = config.seeds.map((seed) => {
    const probs = probsOfSeed(seed);
    return { seed, probs, metrics: classMetrics(truth, argmaxRows(probs), probs) };
  });
  const probs = new Float64Array(rowsCommon.length * NUM_CLASSES);
  for (const s of perSeed) for (let k = 0; k < probs.length; k++) probs[k] += s.probs[k] / perSeed.length;
  const pred = argmaxRows(probs);
  const seedMean = {} as Record<MetricName, number>;
  const seedStd = {} as Record<MetricName, number>;
  for (const m of METRIC_NAMES)
    [seedMean[m], seedStd[m]] = meanStd(perSeed.map((s) => metricValue(s.metrics, m)));
  const b = ctx.backtest(pred);
  const foldAccuracy = folds.map((f) => {
    let n = 0;
    let ok = 0;
    for (let r = 0; r < rowsCommon.length; r++)
      if (rowFold[r] === f.index && truth[r] >= 0) {
        n++;
        if (pred[r] === truth[r]) ok++;
      }
    return { fold: f.index, testStart: f.testStart, testEnd: f.testEnd, accuracy: n ? ok / n : NaN, n };
  });
  return {
    key: cell.key,
    channels: cell.channels,
    layout: cell.layout,
    imageShape: cell.ds.imageShape,
    perSeed,
    probs,
    pred,
    metrics: classMetrics(truth, pred, probs),
    ci: ctx.intervals(pred, probs),
    seedMean,
    seedStd,
    backtest: b,
    stats: strategyStats(b),
    foldAccuracy,
  };
}

/** The primary cell (the largest channel set: the original study's four indices) and the single-index reference. */
export function primaryAndReference(cells: CellResult[]): { primary: CellResult; reference?: CellResult } {
  const primary = [...cells].sort((a, b) => b.channels.length - a.channels.length)[0];
  const reference =
    cells.find((c) => c.channels.length === 1 && c.layout === primary.layout) ??
    cells.find((c) => c.channels.length === 1);
  return { primary, reference };
}
