/**
 * Chance measured on the study's own rows, never a constant. Balanced accuracy (Brodersen et al. 2010, "The
 * balanced accuracy and its posterior distribution", ICPR: the mean of the per-class recalls) per fold and pooled,
 * for the model and for the chance baselines:
 * - majority: each fold predicts its training fold's most frequent class. Within one fold that scores exactly
 *   1/(classes present), but pooled over folds whose majority class differs it can score well above 1/3;
 * - random: each row drawn with its fold's training class rates. Its expected balanced accuracy is exact by
 *   linearity: E[BA] = mean over classes c of mean_{i: y_i = c} rate_i[c] (no draws needed).
 * The verdict compares a model with the best of these (and of any other baseline given) on the same rows.
 */
import { NUM_CLASSES } from '../metrics';

/** Mean recall over the classes present among `rows` (all labeled rows when omitted); NaN without labeled rows. */
export function balancedAccuracy(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  rows?: ArrayLike<number>,
): number {
  const hit = new Float64Array(NUM_CLASSES);
  const count = new Float64Array(NUM_CLASSES);
  const m = rows ? rows.length : truth.length;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k] : k;
    const y = truth[i];
    if (y < 0) continue;
    count[y]++;
    if (pred[i] === y) hit[y]++;
  }
  let s = 0;
  let c = 0;
  for (let y = 0; y < NUM_CLASSES; y++)
    if (count[y] > 0) {
      s += hit[y] / count[y];
      c++;
    }
  return c ? s / c : NaN;
}

/** Expected balanced accuracy of drawing row i's class with probabilities rates[i] (exact, no simulation). */
export function expectedRandomBalancedAccuracy(
  truth: ArrayLike<number>,
  rates: ArrayLike<ArrayLike<number>>,
  rows?: ArrayLike<number>,
): number {
  const sum = new Float64Array(NUM_CLASSES);
  const count = new Float64Array(NUM_CLASSES);
  const m = rows ? rows.length : truth.length;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k] : k;
    const y = truth[i];
    if (y < 0) continue;
    count[y]++;
    sum[y] += rates[i][y];
  }
  let s = 0;
  let c = 0;
  for (let y = 0; y < NUM_CLASSES; y++)
    if (count[y] > 0) {
      s += sum[y] / count[y];
      c++;
    }
  return c ? s / c : NaN;
}

export interface FoldScore {
  fold: number;
  /** Labeled rows in the fold. */
  n: number;
  balancedAccuracy: number;
}

export interface PerFoldScores {
  /** Over all labeled rows at once. */
  pooled: number;
  folds: FoldScore[];
  /** Unweighted mean of the folds' balanced accuracies (folds without labeled rows skipped). */
  foldMean: number;
}

function byFold(rowFold: ArrayLike<number>, truth: ArrayLike<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    const f = rowFold[i];
    if (!out.has(f)) out.set(f, []);
    out.get(f)!.push(i);
  }
  return out;
}

function summarise(
  truth: ArrayLike<number>,
  rowFold: ArrayLike<number>,
  score: (rows?: number[]) => number,
): PerFoldScores {
  const folds: FoldScore[] = [...byFold(rowFold, truth)]
    .sort((a, b) => a[0] - b[0])
    .map(([fold, rows]) => ({ fold, n: rows.length, balancedAccuracy: score(rows) }));
  const finite = folds.filter((f) => Number.isFinite(f.balancedAccuracy));
  return {
    pooled: score(),
    folds,
    foldMean: finite.length ? finite.reduce((a, f) => a + f.balancedAccuracy, 0) / finite.length : NaN,
  };
}

/** Per-fold and pooled balanced accuracy of predicted classes; rowFold[i] is the fold of row i. */
export function perFoldBalancedAccuracy(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  rowFold: ArrayLike<number>,
): PerFoldScores {
  return summarise(truth, rowFold, (rows) => balancedAccuracy(truth, pred, rows));
}

/** Per-fold and pooled expected balanced accuracy of the random baseline with per-row class rates. */
export function perFoldRandomBalancedAccuracy(
  truth: ArrayLike<number>,
  rates: ArrayLike<ArrayLike<number>>,
  rowFold: ArrayLike<number>,
): PerFoldScores {
  return summarise(truth, rowFold, (rows) => expectedRandomBalancedAccuracy(truth, rates, rows));
}

/** A baseline on the study rows: predicted classes, or per-row class rates for the random draw. */
export type BaselineRows =
  | { name: string; kind: 'classes'; pred: ArrayLike<number> }
  | { name: string; kind: 'rates'; rates: ArrayLike<ArrayLike<number>> };

export interface BaselineScore extends PerFoldScores {
  name: string;
}

export interface ChanceComparison {
  baselines: BaselineScore[];
  /** The baseline with the highest pooled balanced accuracy: what a model must beat. */
  best: { name: string; balancedAccuracy: number };
}

/** Scores every baseline on the same rows and names the best (highest pooled balanced accuracy; ties: first). */
export function chanceBaselines(
  truth: ArrayLike<number>,
  rowFold: ArrayLike<number>,
  baselines: BaselineRows[],
): ChanceComparison {
  if (baselines.length === 0) throw new Error('chanceBaselines: no baseline given');
  const scored = baselines.map((b) => ({
    name: b.name,
    ...(b.kind === 'classes'
      ? perFoldBalancedAccuracy(truth, b.pred, rowFold)
      : perFoldRandomBalancedAccuracy(truth, b.rates, rowFold)),
  }));
  const best = scored.reduce((a, b) => (b.pooled > a.pooled ? b : a));
  return { baselines: scored, best: { name: best.name, balancedAccuracy: best.pooled } };
}

/** Balanced accuracy of a baseline on resampled rows (the bootstrap statistic). */
export function baselineBalancedAccuracy(
  truth: ArrayLike<number>,
  b: BaselineRows,
  rows?: ArrayLike<number>,
): number {
  return b.kind === 'classes'
    ? balancedAccuracy(truth, b.pred, rows)
    : expectedRandomBalancedAccuracy(truth, b.rates, rows);
}
