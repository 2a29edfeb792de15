/**
 * Feature binning for the histogram GBDT (as in LightGBM, Ke et al. 2017, section 2: split search over per-feature
 * histograms of at most maxBin bins). Bin edges come from the TRAINING rows only; validation and test rows are
 * mapped with the same edges.
 *
 * Bin 0 holds missing values (NaN); value bins are 1..k. A value v falls in bin 1 + (number of edges < v), so the
 * edges are the upper bounds of bins 1..k-1 (edges are midpoints between neighbouring distinct values, as LightGBM
 * places its thresholds). With at most maxBin - 1 distinct values each gets its own bin; otherwise bins hold about
 * equal numbers of training rows (a distinct value is never split between bins).
 */

export interface BinMapper {
  /** edges[f] ascending: upper bounds of the value bins 1..edges[f].length. */
  edges: Float64Array[];
  /** Bins of feature f, including the missing bin 0: edges[f].length + 2. */
  binCount: Int32Array;
}

/** Maximum number of bins per feature, including the missing-value bin; bins fit in a Uint8Array. */
export const MAX_BIN_LIMIT = 256;

/** Edges of one feature from its training values (NaN ignored). */
export function featureEdges(values: ArrayLike<number>, maxBin: number): Float64Array {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) finite.push(values[i]);
  if (finite.length === 0) return new Float64Array(0);
  finite.sort((a, b) => a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of finite) {
    if (distinct.length && distinct[distinct.length - 1] === v) counts[counts.length - 1]++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const valueBins = maxBin - 1;
  const edges: number[] = [];
  if (distinct.length <= valueBins) {
    for (let k = 0; k + 1 < distinct.length; k++) edges.push((distinct[k] + distinct[k + 1]) / 2);
  } else {
    // greedy equal-frequency cut: close a bin once it holds its share of the rows still to place
    let placed = 0;
    let inBin = 0;
    let binsLeft = valueBins;
    for (let k = 0; k + 1 < distinct.length && binsLeft > 1; k++) {
      inBin += counts[k];
      placed += counts[k];
      const target = (finite.length - (placed - inBin)) / binsLeft;
      if (inBin >= target) {
        edges.push((distinct[k] + distinct[k + 1]) / 2);
        inBin = 0;
        binsLeft--;
      }
    }
  }
  return Float64Array.from(edges);
}

/** Bin edges of every feature of a row-major matrix X (n x d) from the rows `fitRows` (default: all). */
export function fitBins(
  X: ArrayLike<number>,
  d: number,
  maxBin: number,
  fitRows?: ArrayLike<number>,
): BinMapper {
  if (!Number.isInteger(maxBin) || maxBin < 3 || maxBin > MAX_BIN_LIMIT)
    throw new RangeError(`maxBin must be a whole number in [3, ${MAX_BIN_LIMIT}], got ${maxBin}`);
  const n = Math.floor(X.length / d);
  const rows = fitRows ?? Int32Array.from({ length: n }, (_, i) => i);
  const col = new Float64Array(rows.length);
  const edges: Float64Array[] = [];
  for (let f = 0; f < d; f++) {
    for (let k = 0; k < rows.length; k++) col[k] = X[rows[k] * d + f];
    edges.push(featureEdges(col, maxBin));
  }
  return { edges, binCount: Int32Array.from(edges, (e) => e.length + 2) };
}

/** Bin of one value: 0 for NaN, else 1 + number of edges below v (binary search). */
export function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Binned matrix, COLUMN-major (bins[f * n + i]) so a histogram pass reads one feature contiguously. */
export function binMatrix(mapper: BinMapper, X: ArrayLike<number>, d: number): Uint8Array {
  const n = Math.floor(X.length / d);
  const out = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const e = mapper.edges[f];
    for (let i = 0; i < n; i++) out[f * n + i] = binOf(e, X[i * d + f]);
  }
  return out;
}
