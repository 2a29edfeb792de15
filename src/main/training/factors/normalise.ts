/**
 * Causal rolling normalisation of factor series, and the count of bars each step loses to warm-up
 * (the original study printed this as "Number of data losses").
 */
import { ConfigError } from '../../../shared/errors';
import { FACTORS, factorInfo } from './registry';
import { firstFinite } from './primitives';

/**
 * Rolling z-score over a trailing window of `windowBars` bars, clipped to [-clip, clip].
 * z[t] = (x[t] − mean(W)) / std(W) with W = x[t−windowBars+1..t] and the POPULATION std (divide by windowBars).
 * NaN unless all values in W are finite (so NaN until a full window of finite values, and for windowBars bars
 * after any NaN). A window with zero spread gives 0 (the value equals the mean: no information, not ±Infinity).
 * O(n): running sums of x − K with a shift K taken from the window, recomputed exactly every windowBars steps
 * (and when the window re-fills after a NaN) so rounding drift cannot accumulate.
 */
export function rollingZScore(x: Float64Array, windowBars: number, clip: number): Float64Array {
  if (!Number.isInteger(windowBars) || windowBars < 2)
    throw new ConfigError('windowBars', `must be an integer >= 2, got ${windowBars}`);
  if (!(clip > 0)) throw new ConfigError('clip', `must be a positive number, got ${clip}`);
  const n = x.length;
  const w = windowBars;
  const out = new Float64Array(n).fill(Number.NaN);
  let bad = 0; // non-finite values in the window
  let k = 0; // shift
  let s1 = 0;
  let s2 = 0;
  let sinceRecompute = w; // forces a recompute at the first full window
  let run = 0; // length of the current run of identical values, for an exact zero-spread test
  for (let t = 0; t < n; t++) {
    const v = x[t];
    if (!Number.isFinite(v)) bad++;
    if (t >= w && !Number.isFinite(x[t - w])) bad--;
    run = t > 0 && v === x[t - 1] ? run + 1 : 1;
    if (t < w - 1 || bad > 0) {
      sinceRecompute = w;
      continue;
    }
    if (sinceRecompute >= w) {
      k = x[t - w + 1];
      s1 = 0;
      s2 = 0;
      for (let i = t - w + 1; i <= t; i++) {
        const d = x[i] - k;
        s1 += d;
        s2 += d * d;
      }
      sinceRecompute = 0;
    } else {
      const dIn = v - k;
      const dOut = x[t - w] - k;
      s1 += dIn - dOut;
      s2 += dIn * dIn - dOut * dOut;
    }
    sinceRecompute++;
    const mean = s1 / w;
    const variance = s2 / w - mean * mean;
    // variance below 1e-12 of the second moment is rounding noise around a zero spread
    if (run >= w || variance <= 1e-12 * (s2 / w)) {
      out[t] = 0;
      continue;
    }
    const z = (v - k - mean) / Math.sqrt(variance);
    out[t] = z > clip ? clip : z < -clip ? -clip : z;
  }
  return out;
}

/** Bars lost at the start of a series by one factor and by its normalisation. */
export interface WarmupLoss {
  name: string;
  /** Bars before the factor's first value (its registry warm-up). */
  factorBars: number;
  /** Bars before the first normalised value: factorBars + windowBars − 1. */
  normalisedBars: number;
}

/**
 * Warm-up losses of each factor (registry warm-up) and after a rolling z-score of `windowBars` bars, plus the
 * total: the largest loss, i.e. the first bar at which every chosen factor has a normalised value.
 */
export function warmupLoss(
  windowBars: number,
  names?: string[],
): { perFactor: WarmupLoss[]; totalBars: number } {
  const defs = names ? names.map((n) => factorInfo(n)) : FACTORS;
  const perFactor = defs.map((f) => ({
    name: f.name,
    factorBars: f.warmup,
    normalisedBars: f.warmup + windowBars - 1,
  }));
  return { perFactor, totalBars: perFactor.reduce((m, f) => Math.max(m, f.normalisedBars), 0) };
}

/** Bars lost measured on actual series: the index of the first finite value of each (length when none). */
export function measuredLoss(series: Float64Array[]): number[] {
  return series.map((s) => firstFinite(s));
}

export { firstFinite };
