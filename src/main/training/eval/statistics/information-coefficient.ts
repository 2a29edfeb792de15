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

/** Dense tie-group ids 0..g-1 in ascending order of value (equal values share an id), and g. */
export function denseRanks(values: ArrayLike<number>): { id: Int32Array; groups: number } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const id = new Int32Array(n);
  let g = -1;
  for (let k = 0; k < n; k++) {
    if (k === 0 || values[order[k]] !== values[order[k - 1]]) g++;
    id[order[k]] = g;
  }
  return { id, groups: g + 1 };
}

/**
 * Average ranks (1-based) of the resampled elements idx, by counting: a resample holds only original values, so
 * its ranks follow from how many of its elements fall in each tie group, in O(n) without sorting.
 */
function resampleRanks(
  dense: { id: Int32Array; groups: number },
  idx: ArrayLike<number>,
  count: Float64Array,
  out: Float64Array,
): Float64Array {
  count.fill(0);
  for (let k = 0; k < idx.length; k++) count[dense.id[idx[k]]]++;
  // count[g] -> average rank of group g
  let below = 0;
  for (let g = 0; g < dense.groups; g++) {
    const c = count[g];
    count[g] = below + (c + 1) / 2;
    below += c;
  }
  for (let k = 0; k < idx.length; k++) out[k] = count[dense.id[idx[k]]];
  return out;
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
  const dx = denseRanks(Float64Array.from(rows, (i) => score[i]));
  const dy = denseRanks(Float64Array.from(rows, (i) => forwardReturns[i]));
  const m = rows.length;
  const cx = new Float64Array(dx.groups);
  const cy = new Float64Array(dy.groups);
  const rx = new Float64Array(m);
  const ry = new Float64Array(m);
  const interval = blockBootstrap(
    m,
    (idx) => pearson(resampleRanks(dx, idx, cx, rx), resampleRanks(dy, idx, cy, ry)),
    opts,
  );
  return { ...interval, n: m };
}
