/**
 * Two-level bootstrap for a model trained with several seeds (the "hierarchical" or two-stage bootstrap of
 * Davison & Hinkley 1997, Bootstrap Methods and their Application, sec. 3.8, applied to seeds and dates):
 * each resample first draws the S seeds with replacement (training randomness), forms the seed ensemble of the
 * drawn seeds (mean probabilities, argmax), then draws circular blocks of dates (Politis & Romano 1992) and
 * evaluates the statistic on those rows. Intervals are percentile intervals of the resampled statistic; p-values
 * are centred: the resampled statistic minus the estimate stands in for its null distribution.
 *
 * Drawing seeds with replacement from a handful (S = 3) makes ensembles of repeated seeds, which vary more than the
 * ensemble of S distinct seeds: the seed level errs on the wide side, never the narrow one.
 */
import { mulberry32 } from '../../random';
import type { Interval } from '../bootstrap';
import { quantileSorted } from '../bootstrap';
import { NUM_CLASSES } from '../metrics';
import { circularBlockIndices, seedIndices } from './resample';

/** Argmax (ties: the lower class) of the mean probabilities of a multiset of seeds, cached per multiset. */
export class EnsembleCache {
  private readonly cache = new Map<string, Int8Array>();

  /** seedProbs[s] is seed s's n x 3 row-major probabilities. */
  constructor(
    private readonly seedProbs: ArrayLike<number>[],
    private readonly n: number,
  ) {
    if (seedProbs.length === 0) throw new Error('EnsembleCache: no seeds');
    for (const p of seedProbs)
      if (p.length !== n * NUM_CLASSES)
        throw new Error(`EnsembleCache: probabilities of length ${p.length}, expected ${n} x ${NUM_CLASSES}`);
  }

  get seeds(): number {
    return this.seedProbs.length;
  }

  /** Predicted classes of the ensemble of the picked seeds (positions into seedProbs, repeats allowed). */
  predictions(picks: ArrayLike<number>): Int8Array {
    const sorted = Array.from(picks).sort((a, b) => a - b);
    const key = sorted.join(',');
    let out = this.cache.get(key);
    if (out) return out;
    out = new Int8Array(this.n);
    const acc = new Float64Array(NUM_CLASSES);
    for (let i = 0; i < this.n; i++) {
      acc.fill(0);
      for (const s of sorted)
        for (let c = 0; c < NUM_CLASSES; c++) acc[c] += this.seedProbs[s][i * NUM_CLASSES + c];
      let best = 0;
      for (let c = 1; c < NUM_CLASSES; c++) if (acc[c] > acc[best]) best = c;
      out[i] = best;
    }
    this.cache.set(key, out);
    return out;
  }
}

export interface JointBootstrapOptions {
  /** Rows per circular block. */
  blockLength: number;
  reps: number;
  seed: number;
  /** Draw the seeds with replacement before the dates (default true); false = dates only. */
  resampleSeeds?: boolean;
}

export interface JointDraws {
  /** Each statistic on the original rows with all seeds. */
  estimate: number[];
  /** draws[j][b]: statistic j on resample b. */
  draws: Float64Array[];
  reps: number;
  blockLength: number;
}

/**
 * Joint resampling of several statistics: every statistic of one resample sees the same rows, and each model
 * group its own seed draw, so differences between statistics are paired date by date.
 * `statistic(rows, picks)` gets the row indices and, per group, the picked seed positions.
 */
export function jointBootstrap(
  n: number,
  seedCounts: number[],
  statistic: (rows: Int32Array, picks: Int32Array[]) => ArrayLike<number>,
  opts: JointBootstrapOptions,
): JointDraws {
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const allSeeds = seedCounts.map((s) => Int32Array.from({ length: s }, (_, i) => i));
  const estimate = Array.from(statistic(identity, allSeeds));
  const reps = Math.max(1, Math.floor(opts.reps));
  const draws = estimate.map(() => new Float64Array(reps));
  const rng = mulberry32(opts.seed);
  const rows = new Int32Array(n);
  const picks = seedCounts.map((s) => new Int32Array(s));
  const resampleSeeds = opts.resampleSeeds !== false;
  for (let b = 0; b < reps; b++) {
    for (let g = 0; g < seedCounts.length; g++) {
      if (resampleSeeds) seedIndices(seedCounts[g], rng, picks[g]);
      else picks[g].set(allSeeds[g]);
    }
    circularBlockIndices(n, opts.blockLength, rng, rows);
    const v = statistic(rows, picks);
    for (let j = 0; j < estimate.length; j++) draws[j][b] = v[j];
  }
  return { estimate, draws, reps, blockLength: opts.blockLength };
}

/** Percentile interval at `level` of the finite draws around the estimate. */
export function intervalFromDraws(
  estimate: number,
  draws: ArrayLike<number>,
  level: number,
  blockLength: number,
): Interval {
  const finite = Float64Array.from(Array.from(draws).filter((x) => Number.isFinite(x))).sort();
  const a = (1 - level) / 2;
  let mean = 0;
  for (const x of finite) mean += x;
  mean /= finite.length || 1;
  let v = 0;
  for (const x of finite) v += (x - mean) ** 2;
  return {
    estimate,
    lo: finite.length ? quantileSorted(finite, a) : NaN,
    hi: finite.length ? quantileSorted(finite, 1 - a) : NaN,
    se: finite.length > 1 ? Math.sqrt(v / (finite.length - 1)) : NaN,
    reps: draws.length,
    level,
    blockLength,
  };
}

export type Alternative = 'greater' | 'less' | 'two-sided';

/**
 * Centred bootstrap p-value of H0: θ = nullValue, with θ* - θ̂ as the null distribution:
 * greater: (1 + #{θ* - θ̂ >= θ̂ - θ0}) / (1 + B); two-sided uses absolute values.
 */
export function centredPValue(
  estimate: number,
  draws: ArrayLike<number>,
  alternative: Alternative = 'two-sided',
  nullValue = 0,
): number {
  if (!Number.isFinite(estimate)) return NaN;
  const t = estimate - nullValue;
  let count = 0;
  let b = 0;
  for (let i = 0; i < draws.length; i++) {
    const d = draws[i] - estimate;
    if (!Number.isFinite(d)) continue;
    b++;
    if (alternative === 'greater' ? d >= t : alternative === 'less' ? d <= t : Math.abs(d) >= Math.abs(t))
      count++;
  }
  return (1 + count) / (1 + b);
}
