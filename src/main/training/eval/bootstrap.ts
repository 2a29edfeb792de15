/**
 * Circular block bootstrap (Politis & Romano 1992) for confidence intervals of any statistic of a time series.
 * Out-of-sample rows overlap through their H-day labels, so rows are resampled in blocks of consecutive rows
 * (default length >= horizonDays); an iid bootstrap (block length 1) would understate the spread.
 */
import { mulberry32, randInt } from '../random';

export interface BootstrapOptions {
  /** Rows per block; 1 = ordinary iid bootstrap. */
  blockLength: number;
  /** Number of resamples. */
  reps?: number;
  /** Two-sided level of the interval (0.9 = 5 % and 95 % percentiles). */
  level?: number;
  seed?: number;
}

export interface Interval {
  /** Statistic on the original series. */
  estimate: number;
  /** Percentile interval bounds. */
  lo: number;
  hi: number;
  /** Standard deviation of the resampled statistics. */
  se: number;
  reps: number;
  level: number;
  blockLength: number;
}

/** One resample: n row indices made of circular blocks of consecutive rows starting at random positions. */
export function blockIndices(
  n: number,
  blockLength: number,
  rng: () => number,
  out = new Int32Array(n),
): Int32Array {
  let k = 0;
  while (k < n) {
    const start = randInt(rng, n);
    for (let j = 0; j < blockLength && k < n; j++, k++) out[k] = (start + j) % n;
  }
  return out;
}

/** Quantile of sorted values by linear interpolation (type 7, as numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile interval of statistic(indices) over block-bootstrap resamples of rows 0..n-1.
 * For a paired comparison of two models on the same dates, let the statistic return their difference.
 */
export function blockBootstrap(
  n: number,
  statistic: (idx: Int32Array) => number,
  opts: BootstrapOptions,
): Interval {
  const reps = opts.reps ?? 1000;
  const level = opts.level ?? 0.9;
  const L = Math.max(1, Math.min(Math.round(opts.blockLength), n));
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const estimate = statistic(identity);
  if (n === 0) return { estimate, lo: NaN, hi: NaN, se: NaN, reps: 0, level, blockLength: L };
  const rng = mulberry32(opts.seed ?? 1);
  const stats = new Float64Array(reps);
  const buf = new Int32Array(n);
  for (let r = 0; r < reps; r++) stats[r] = statistic(blockIndices(n, L, rng, buf));
  const finite = Float64Array.from(stats.filter((x) => Number.isFinite(x))).sort();
  let mean = 0;
  for (const x of finite) mean += x;
  mean /= finite.length || 1;
  let v = 0;
  for (const x of finite) v += (x - mean) ** 2;
  const a = (1 - level) / 2;
  return {
    estimate,
    lo: finite.length ? quantileSorted(finite, a) : NaN,
    hi: finite.length ? quantileSorted(finite, 1 - a) : NaN,
    se: finite.length > 1 ? Math.sqrt(v / (finite.length - 1)) : NaN,
    reps,
    level,
    blockLength: L,
  };
}

/** Mean of x over the resampled rows: a convenience statistic for blockBootstrap. */
export const meanOf =
  (x: ArrayLike<number>) =>
  (idx: Int32Array): number => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += x[idx[i]];
    return s / idx.length;
  };
