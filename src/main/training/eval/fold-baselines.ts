/**
 * Baselines with one shape, so the study can loop over them: for a fold, fit on the training rows (the
 * validation rows only choose a penalty or stop the boosting; models are then refitted or kept as chosen),
 * and predict classes (and, for models, probabilities) for the fold's test rows. Rows are indices into the
 * study's sample dates; nothing after a fold's last training/validation row is read by a fit, and the rules
 * read only closes up to each test date.
 */
import type { Bars } from '../../../shared/domain';
import { fitGbdt, predictGbdt, DEFAULT_GBDT, type GbdtParams } from '../gbdt/booster';
import { columnsWhere, tableRows, type FeatureTable, type TableColumn } from '../tabular/table';
import { fitLogisticSelected, LOGISTIC_L2_GRID, predictLogistic } from './baselines';
import { argmaxRows, NUM_CLASSES } from './metrics';
import { momentumClasses, trendClasses } from './rules';

/** What every baseline may read; fold indices point into `dates`. */
export interface BaselineRows {
  /** The study's sample dates, ascending. */
  dates: string[];
  /** Class per date: 0 down, 1 flat, 2 up, -1 unlabeled. */
  labels: ArrayLike<number>;
  /** The target's daily bars over its whole history (FactorDataset.targetDaily), for the rules. */
  targetDaily: Pick<Bars, 'date' | 'close'>;
  /** Tabular features, one row per date (tabular/table.ts buildFeatureTable); needed by the models. */
  table?: FeatureTable;
}

export interface FoldRows {
  /** Labeled rows to fit on. */
  train: number[];
  /** Labeled rows for choosing a penalty / early stopping (may be empty). */
  val: number[];
  /** Rows to predict (the fold's test rows, then any unlabeled predict-only rows). */
  test: number[];
}

export interface BaselinePrediction {
  /** Predicted class per test row. */
  pred: Int8Array;
  /** test.length x 3 probabilities (models only; rules give classes). */
  probs?: Float64Array;
  /** What the fit chose, for folds.csv / the log (e.g. { l2: 1 } or { rounds: 42 }). */
  info?: Record<string, number | string>;
}

export interface FoldBaseline {
  name: string;
  description: string;
  /** The numbers in the description, for a translated description (renderer i18n `studyResults.descriptions.<id>`). */
  descriptionParams?: Record<string, number | string>;
  needsTable: boolean;
  predictFold(rows: BaselineRows, fold: FoldRows, seed: number): BaselinePrediction;
}

/** Balanced class weights n / (3 n_c) of the labels at `rows` (0 for an absent class), as the network uses. */
export function balancedWeights(labels: ArrayLike<number>, rows: number[]): number[] {
  const c = [0, 0, 0];
  for (const r of rows) c[labels[r]]++;
  const n = c[0] + c[1] + c[2];
  return c.map((k) => (k ? n / (NUM_CLASSES * k) : 0));
}

function requireTable(rows: BaselineRows, name: string): FeatureTable {
  if (!rows.table) throw new Error(`baseline '${name}' needs the feature table (BaselineRows.table)`);
  if (rows.table.dates.length !== rows.dates.length)
    throw new Error(
      `baseline '${name}': the feature table has ${rows.table.dates.length} rows for ${rows.dates.length} dates`,
    );
  return rows.table;
}

function labelsAt(labels: ArrayLike<number>, rows: number[]): Int8Array {
  return Int8Array.from(rows, (r) => {
    const l = labels[r];
    if (!(l >= 0)) throw new Error(`row ${r} has no label but was given to a fit`);
    return l;
  });
}

/** Time-series momentum on the target: 'up' when the past return over every horizon is positive. */
export function momentumBaseline(horizonsDays: number[]): FoldBaseline {
  return {
    name: `momentum ${horizonsDays.join('+')}d`,
    description: `time-series momentum: up when the target's past ${horizonsDays.join('/')}-day returns are all positive, down when all negative, flat otherwise (no fitting)`,
    descriptionParams: { days: horizonsDays.join('/') },
    needsTable: false,
    predictFold: (rows, fold) => ({
      pred: momentumClasses(
        rows.targetDaily,
        fold.test.map((r) => rows.dates[r]),
        horizonsDays,
      ),
    }),
  };
}

/** Moving-average trend filter on the target: 'up' above the N-day mean, else 'down'. */
export function trendBaseline(windowDays: number): FoldBaseline {
  return {
    name: `trend MA${windowDays}`,
    description: `trend filter: up when the target closes above its ${windowDays}-day mean, else down (no fitting)`,
    descriptionParams: { days: windowDays },
    needsTable: false,
    predictFold: (rows, fold) => ({
      pred: trendClasses(
        rows.targetDaily,
        fold.test.map((r) => rows.dates[r]),
        windowDays,
      ),
    }),
  };
}

/** Columns of the table the logistic regression reads by default: the sample date's factors (no lags, no alpha). */
export const lastDayFactors = (c: TableColumn) => c.lagDays === 0 && !c.family.startsWith('alpha:');

/** Logistic regression with its L2 penalty chosen on the validation slice, then refitted on train + validation. */
export function logisticBaseline(
  opts: { columns?: (c: TableColumn) => boolean; grid?: number[]; label?: string } = {},
): FoldBaseline {
  const pick = opts.columns ?? lastDayFactors;
  const grid = opts.grid ?? LOGISTIC_L2_GRID;
  const name = opts.label ?? 'logistic regression';
  return {
    name,
    description: `multinomial logistic regression on the last day's normalised factors of every channel, balanced class weights, L2 chosen on the validation slice from (${grid.join(', ')}) by log-loss, refitted on training + validation`,
    descriptionParams: { grid: grid.join(', ') },
    needsTable: true,
    predictFold(rows, fold) {
      const table = requireTable(rows, name);
      const cols = columnsWhere(table, pick);
      const sub = (r: number[]) => {
        const full = tableRows(table, r);
        const d = table.columns.length;
        const out = new Float32Array(r.length * cols.length);
        for (let i = 0; i < r.length; i++)
          for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = full[i * d + cols[j]];
        return out;
      };
      const sel = fitLogisticSelected(
        { X: sub(fold.train), y: labelsAt(rows.labels, fold.train) },
        { X: sub(fold.val), y: labelsAt(rows.labels, fold.val) },
        cols.length,
        { grid },
      );
      const probs = predictLogistic(sel.model, sub(fold.test));
      return { pred: argmaxRows(probs), probs, info: { l2: sel.l2, features: cols.length } };
    },
  };
}

/** Gradient-boosted trees (gbdt/booster.ts) on every table column, early stopping on the validation slice. */
export function gbdtBaseline(
  params: Partial<GbdtParams> = {},
  label = 'gradient-boosted trees',
): FoldBaseline {
  const p = { ...DEFAULT_GBDT, ...params };
  return {
    name: label,
    description: `histogram GBDT (multiclass softmax, ${p.numLeaves} leaves, learning rate ${p.learningRate}, L2 ${p.lambdaL2}, min ${p.minDataInLeaf} rows per leaf, ${p.featureFraction * 100} % of features per tree, ${p.baggingFraction * 100} % of rows per round), balanced class weights, early stopping after ${p.earlyStoppingRounds} rounds without a better validation log-loss`,
    descriptionParams: {
      leaves: p.numLeaves,
      learningRate: p.learningRate,
      l2: p.lambdaL2,
      minLeaf: p.minDataInLeaf,
      featurePct: p.featureFraction * 100,
      rowPct: p.baggingFraction * 100,
      stopRounds: p.earlyStoppingRounds,
    },
    needsTable: true,
    predictFold(rows, fold, seed) {
      const table = requireTable(rows, label);
      const d = table.columns.length;
      const cw = balancedWeights(rows.labels, fold.train);
      const data = (r: number[]) => {
        const y = labelsAt(rows.labels, r);
        return { X: tableRows(table, r), y, weights: Float64Array.from(y, (c) => cw[c]) };
      };
      const model = fitGbdt(
        data(fold.train),
        d,
        { ...p, seed },
        fold.val.length ? data(fold.val) : undefined,
      );
      const probs = predictGbdt(model, tableRows(table, fold.test), d);
      return { pred: argmaxRows(probs), probs, info: { rounds: model.bestRounds, features: d } };
    },
  };
}

/** The study's extra baselines: momentum (H and 60 days), the 200-day trend filter, logistic regression, GBDT. */
export function defaultFoldBaselines(horizonDays: number): FoldBaseline[] {
  return [momentumBaseline([horizonDays, 60]), trendBaseline(200), logisticBaseline(), gbdtBaseline()];
}

export interface JoinedBaseline {
  name: string;
  /** Over the concatenated test rows of every fold, in fold order. */
  pred: Int8Array;
  probs?: Float64Array;
  info: Record<string, number | string>[];
}

/** Runs a baseline over every fold and joins its predictions in fold order (the study's row order). */
export function runFoldBaseline(
  b: FoldBaseline,
  rows: BaselineRows,
  folds: FoldRows[],
  seed: number,
): JoinedBaseline {
  const total = folds.reduce((a, f) => a + f.test.length, 0);
  const pred = new Int8Array(total);
  let probs: Float64Array | undefined;
  const info: Record<string, number | string>[] = [];
  let o = 0;
  folds.forEach((f, k) => {
    const out = b.predictFold(rows, f, seed);
    if (out.pred.length !== f.test.length)
      throw new Error(`baseline '${b.name}' returned ${out.pred.length} classes for ${f.test.length} rows`);
    pred.set(out.pred, o);
    if (out.probs) {
      if (!probs) {
        if (k > 0) throw new Error(`baseline '${b.name}' gave probabilities for some folds only`);
        probs = new Float64Array(total * NUM_CLASSES);
      }
      probs.set(out.probs, o * NUM_CLASSES);
    } else if (probs) throw new Error(`baseline '${b.name}' gave probabilities for some folds only`);
    info.push(out.info ?? {});
    o += f.test.length;
  });
  return { name: b.name, pred, probs, info };
}
