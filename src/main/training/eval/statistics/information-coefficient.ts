/**
 * Information coefficient: Spearman's rank correlation (Spearman 1904; Pearson's r of the average ranks, which
 * handles ties) between the score p_up - p_down and the realised forward return (Grinold & Kahn 2000, Active
 * Portfolio Management, ch. 6), with a circular block-bootstrap interval over the dates because the H-day forward
 * returns of neighbouring dates overlap.
 */
import { blockBootstrap, type Interval } from '../bootstrap';
import { NUM_CLASSES } from '../metrics';
import { averageRanks } from './pbo';

/** Pearson correlation of two equal-length series (NaN when either is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman's rank correlation (average ranks for ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error('spearman: series of different lengths');
  return pearson(averageRanks(x), averageRanks(y));
}

/** p_up - p_down of each row of n x 3 probabilities. */
export function upMinusDown(probs: ArrayLike<number>): Float64Array {
  const n = Math.floor(probs.length / NUM_CLASSES);
  return Float64Array.from({ length: n }, (_, i) => probs[i * NUM_CLASSES + 2] - probs[i * NUM_CLASSES]);
}

export interface InformationCoefficient extends Interval {
  /** Rows with a finite forward return. */
  n: number;
}

/** IC of p_up - p_down against the forward return over the rows with a finite return, with its interval. */
export function informationCoefficient(
  probs: ArrayLike<number>,
  forwardReturns: ArrayLike<number>,
  opts: { blockLength: number; reps: number; level: number; seed: number },
): InformationCoefficient {
  const score = upMinusDown(probs);
  const rows = Array.from({ length: score.length }, (_, i) => i).filter((i) =>
    Number.isFinite(forwardReturns[i]),
  );
  const s = Float64Array.from(rows, (i) => score[i]);
  const r = Float64Array.from(rows, (i) => forwardReturns[i]);
  const xs = new Float64Array(rows.length);
  const ys = new Float64Array(rows.length);
  const interval = blockBootstrap(
    rows.length,
    (idx) => {
      for (let k = 0; k < idx.length; k++) {
        xs[k] = s[idx[k]];
        ys[k] = r[idx[k]];
      }
      return spearman(xs, ys);
    },
    opts,
  );
  return { ...interval, n: rows.length };
}
