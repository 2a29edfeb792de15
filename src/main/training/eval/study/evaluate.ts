/**
 * Scoring on the study rows, shared by the cells, the baselines and the ablation: metrics on the labeled rows,
 * bootstrap intervals (circular blocks of the study's block length: Politis–White with the horizon as its floor,
 * chosen by the statistics), and the costed backtest of a class series against buy-and-hold, with each fold's test
 * block as its own segment. Every model is scored on the same rows in the same way.
 */
import { backtest, type BacktestResult } from '../backtest';
import { blockBootstrap, type Interval } from '../bootstrap';
import { argmaxRows, classMetrics, NUM_CLASSES, type ClassMetrics } from '../metrics';
import { intervalFromDraws, jointBootstrap } from '../statistics/two-level-bootstrap';
import { backtestStats, type Stats } from '../stats';
import type { StudyConfig } from '../study-config';
import type { PlannedCell, StudyPlan } from './plan';
import { METRIC_NAMES, type CellResult, type MetricName } from './result';

export interface BootstrapSettings {
  blockLength: number;
  reps: number;
  level: number;
  seed: number;
}

export interface EvaluationContext {
  config: StudyConfig;
  plan: StudyPlan;
  /** Labels of the labeled rows, in row order. */
  labeledTruth: Int8Array;
  /** A row series restricted to the labeled rows. */
  onLabeled(x: Int8Array): Int8Array;
  /** Row probabilities (rows x 3) restricted to the labeled rows. */
  probsOnLabeled(p: Float64Array): Float64Array;
  /** Block-bootstrap interval of every metric of one prediction series (dates resampled). */
  intervals(
    pred: Int8Array,
    probs: Float64Array | undefined,
    boot: BootstrapSettings,
  ): Record<MetricName, Interval>;
  /** The costed backtest of a class series over the study rows, one segment per fold's test block. */
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

/** Strategy statistics of a backtest: days per year from the data, the cash rate, segments kept apart. */
export function strategyStats(b: BacktestResult): Stats {
  return backtestStats(b, 'strategy');
}

/** Buy-and-hold statistics of a backtest, on the same segments, days per year and cash rate. */
export function buyHoldStats(b: BacktestResult): Stats {
  return backtestStats(b, 'buy-and-hold');
}

export function evaluationContext(
  config: StudyConfig,
  plan: StudyPlan,
  targetDaily: { date: string[]; open: ArrayLike<number>; close: ArrayLike<number> },
): EvaluationContext {
  const { labeledRows, truth, rowDates, rowFold } = plan;
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
    onLabeled,
    probsOnLabeled,
    intervals(pred, probs, boot) {
      const lp = onLabeled(pred);
      const lpr = probs ? probsOnLabeled(probs) : undefined;
      const out = {} as Record<MetricName, Interval>;
      for (const m of METRIC_NAMES) {
        out[m] = blockBootstrap(
          labeledRows.length,
          (idx) => metricValue(metricsOnRows(lt, lp, lpr, idx), m),
          boot,
        );
      }
      return out;
    },
    backtest: (pred) =>
      backtest({
        bars: targetDaily,
        signalDates: rowDates,
        signals: pred,
        options: config.backtest,
        blocks: rowFold,
      }),
  };
}

/**
 * Two-level intervals of every metric of a cell's seed ensemble: seeds drawn with replacement, their ensemble
 * formed, then circular date blocks (statistics/two-level-bootstrap.ts), so training randomness is inside them.
 */
export function ensembleIntervals(
  ctx: EvaluationContext,
  seedProbs: Float64Array[],
  boot: BootstrapSettings,
): Record<MetricName, Interval> {
  const lt = ctx.labeledTruth;
  const n = lt.length;
  const probs = seedProbs.map((p) => ctx.probsOnLabeled(p));
  const S = probs.length;
  const ens = new Float64Array(n * NUM_CLASSES);
  const joint = jointBootstrap(
    n,
    [S],
    (rows, [picks]) => {
      ens.fill(0);
      for (const s of picks) {
        const p = probs[s];
        for (let k = 0; k < ens.length; k++) ens[k] += p[k] / picks.length;
      }
      const m = metricsOnRows(lt, argmaxRows(ens), ens, rows);
      return METRIC_NAMES.map((name) => metricValue(m, name));
    },
    { blockLength: boot.blockLength, reps: boot.reps, seed: boot.seed },
  );
  const out = {} as Record<MetricName, Interval>;
  METRIC_NAMES.forEach(
    (m, j) => (out[m] = intervalFromDraws(joint.estimate[j], joint.draws[j], boot.level, boot.blockLength)),
  );
  return out;
}

/** A cell's seed ensemble and its single seeds, scored on the study rows (intervals come later: withIntervals). */
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
  const foldScores = folds.map((f) => {
    const rows: number[] = [];
    for (let r = 0; r < rowsCommon.length; r++) if (rowFold[r] === f.index && truth[r] >= 0) rows.push(r);
    const m = metricsOnRows(truth, pred, undefined, rows);
    return {
      fold: f.index,
      testStart: f.testStart,
      testEnd: f.testEnd,
      accuracy: rows.length ? m.accuracy : NaN,
      balancedAccuracy: rows.length ? m.balancedAccuracy : NaN,
      n: rows.length,
    };
  });
  const nan = {
    estimate: NaN,
    lo: NaN,
    hi: NaN,
    se: NaN,
    reps: 0,
    level: config.bootstrap.level,
    blockLength: 0,
  };
  return {
    key: cell.key,
    channels: cell.channels,
    layout: cell.layout,
    imageShape: cell.ds.imageShape,
    perSeed,
    probs,
    pred,
    metrics: classMetrics(truth, pred, probs),
    ci: Object.fromEntries(METRIC_NAMES.map((m) => [m, { ...nan }])) as Record<MetricName, Interval>,
    seedMean,
    seedStd,
    backtest: b,
    stats: strategyStats(b),
    foldAccuracy: foldScores,
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
