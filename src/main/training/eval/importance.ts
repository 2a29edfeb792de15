/**
 * Permutation importance of image groups (Breiman 2001, "Random forests", Machine Learning 45, section 10;
 * Fisher, Rudin & Dominici 2019, "All models are wrong, but many are useful", JMLR 20: their "model
 * reliance", here as a difference):
 * the drop in a metric when one group of inputs is moved to other dates, so it no longer belongs to the date's
 * other inputs and label. Groups are one channel (an index) or one factor family across every channel.
 *
 * On time series an independent shuffle would also break the group's own autocorrelation and put it beside
 * inputs it never occurs with; so the test dates are cut into blocks of consecutive dates and the BLOCKS are
 * shuffled (a block permutation), keeping each block's internal order. The drop is averaged over `repeats`
 * permutations; its interval is a circular block bootstrap (bootstrap.ts) over the test dates of the paired
 * difference (permuted minus intact on the same resampled dates).
 */
import { Prng, deriveState } from '../random';
import type { SampleSource } from '../images/sample-source';
import { blockBootstrap, type Interval } from './bootstrap';
import { NUM_CLASSES } from './metrics';
import { balancedAccuracy } from './statistics/chance';
import type { ImagePredictor } from './predictor';

export interface ImageGroup {
  name: string;
  kind: 'channel' | 'factor-family';
  /** Image channels the group covers (default: all). */
  channels?: number[];
  /** Factor indices it covers (the factor of a pixel is its bar-major position mod factorCount; default: all). */
  factors?: number[];
}

export interface ImportanceOptions {
  /** Dates per permuted block (default 14, the label horizon). */
  blockLength?: number;
  /** Permutations averaged per group (default 3). */
  repeats?: number;
  seed?: number;
  /** Block bootstrap of the intervals (default: 1000 reps, 90 %, blocks of blockLength). */
  bootstrap?: { reps?: number; level?: number; seed?: number; blockLength?: number };
  /** Images per predictor call (default 64). */
  batchSize?: number;
}

export interface ImportanceRow {
  group: ImageGroup;
  /** Permuted minus intact log-loss (positive: the model relied on the group). */
  logLossIncrease: Interval;
  /** Intact minus permuted balanced accuracy (positive: the model relied on the group). */
  balancedAccuracyDrop: Interval;
}

export interface ImportanceResult {
  /** Labeled rows used (indices into the source). */
  rows: number[];
  logLoss: number;
  balancedAccuracy: number;
  groups: ImportanceRow[];
}

/** Channel groups (one per index) and factor-family groups (factors sharing a family, every channel). */
export function defaultImageGroups(channels: string[], factorFamilies: string[]): ImageGroup[] {
  const groups: ImageGroup[] = channels.map((code, c) => ({ name: code, kind: 'channel', channels: [c] }));
  const families = [...new Set(factorFamilies)];
  for (const fam of families)
    groups.push({
      name: fam,
      kind: 'factor-family',
      factors: factorFamilies.flatMap((f, i) => (f === fam ? [i] : [])),
    });
  return groups;
}

/** A permutation of 0..n-1 that keeps blocks of `blockLength` consecutive rows together and shuffles their order. */
export function blockPermutation(n: number, blockLength: number, rng: Prng): Int32Array {
  const L = Math.max(1, Math.round(blockLength));
  const starts: number[] = [];
  for (let s = 0; s < n; s += L) starts.push(s);
  for (let i = starts.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [starts[i], starts[j]] = [starts[j], starts[i]];
  }
  const out = new Int32Array(n);
  let k = 0;
  for (const s of starts) for (let r = s; r < Math.min(n, s + L); r++) out[k++] = r;
  return out;
}

/** Offsets (within one HWC image) of the values a group covers. */
export function groupOffsets(shape: number[], factorCount: number, g: ImageGroup): Int32Array {
  const [h, w, c] = shape;
  const chans = g.channels ?? Array.from({ length: c }, (_, i) => i);
  const facs = g.factors ? new Set(g.factors) : undefined;
  const out: number[] = [];
  for (let p = 0; p < h * w; p++) {
    if (facs && !facs.has(p % factorCount)) continue;
    for (const ch of chans) out.push(p * c + ch);
  }
  return Int32Array.from(out);
}

/** Mean of x over the rows idx (a bootstrap resample). */
export function meanOn(x: Float64Array, idx: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += x[idx[k]];
  return s / idx.length;
}

/** Per-row outcomes of the intact and the permuted inputs: what the intervals are computed from. */
export interface PermutationScores {
  groups: ImageGroup[];
  /** Class of each labeled row. */
  truth: Int8Array;
  /** -log p(true class) and predicted class with intact inputs. */
  base: { nll: Float64Array; pred: Int8Array };
  /** perms[group][repeat]: the same with the group moved to other dates. */
  perms: { nll: Float64Array; pred: Int8Array }[][];
  /** Labeled rows used: indices into the source (joined: each part's indices, concatenated). */
  rows: number[];
}

/**
 * Scores the labeled samples of `source` (test dates in date order) with intact inputs and with each group
 * block-permuted across them. `factorCount` = dataset.factorNames.length. For a walk-forward study, call it per
 * fold with that fold's model and test dates (seed varied per fold), then joinScores and importanceIntervals.
 */
export function permutationScores(
  source: SampleSource,
  factorCount: number,
  predict: ImagePredictor,
  groups: ImageGroup[],
  opts: ImportanceOptions = {},
): PermutationScores {
  const blockLength = opts.blockLength ?? 14;
  const repeats = opts.repeats ?? 3;
  const seed = opts.seed ?? 1;
  const batch = opts.batchSize ?? 64;
  const size = source.shape.reduce((a, b) => a * b, 1);
  const rows: number[] = [];
  for (let i = 0; i < source.count; i++) if (source.label(i) >= 0) rows.push(i);
  const n = rows.length;
  const truth = Int8Array.from(rows, (r) => source.label(r));

  /** Per-row -log p(true) and predicted class for images built by `fill(k, out, offset)` for k < n. */
  const score = (fill: (k: number, out: Float32Array, offset: number) => void) => {
    const nll = new Float64Array(n);
    const pred = new Int8Array(n);
    const buf = new Float32Array(batch * size);
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      for (let k = 0; k < m; k++) fill(s + k, buf, k * size);
      const p = predict(buf.subarray(0, m * size), m);
      for (let k = 0; k < m; k++) {
        const o = k * NUM_CLASSES;
        nll[s + k] = -Math.log(Math.max(1e-15, p[o + truth[s + k]]));
        let best = 0;
        for (let c = 1; c < NUM_CLASSES; c++) if (p[o + c] > p[o + best]) best = c;
        pred[s + k] = best;
      }
    }
    return { nll, pred };
  };

  const base = score((k, out, offset) => source.fill(rows[k], out, offset));
  const other = new Float32Array(size);
  const perms = groups.map((g, gi) => {
    const offsets = groupOffsets(source.shape, factorCount, g);
    return Array.from({ length: repeats }, (_, r) => {
      const pi = blockPermutation(n, blockLength, new Prng(deriveState(seed, gi, r)));
      return score((k, buf, offset) => {
        source.fill(rows[k], buf, offset);
        source.fill(rows[pi[k]], other, 0);
        for (let q = 0; q < offsets.length; q++) buf[offset + offsets[q]] = other[offsets[q]];
      });
    });
  });
  return { groups, truth, base, perms, rows };
}

/** Scores of consecutive folds joined in order (same groups and repeats in each). */
export function joinScores(parts: PermutationScores[]): PermutationScores {
  const cat = <T extends Float64Array | Int8Array>(xs: T[], make: (n: number) => T): T => {
    const out = make(xs.reduce((a, x) => a + x.length, 0));
    let o = 0;
    for (const x of xs) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  };
  const f64 = (n: number) => new Float64Array(n);
  const i8 = (n: number) => new Int8Array(n);
  const first = parts[0];
  return {
    groups: first.groups,
    truth: cat(
      parts.map((p) => p.truth),
      i8,
    ),
    base: {
      nll: cat(
        parts.map((p) => p.base.nll),
        f64,
      ),
      pred: cat(
        parts.map((p) => p.base.pred),
        i8,
      ),
    },
    perms: first.perms.map((g, gi) =>
      g.map((_, r) => ({
        nll: cat(
          parts.map((p) => p.perms[gi][r].nll),
          f64,
        ),
        pred: cat(
          parts.map((p) => p.perms[gi][r].pred),
          i8,
        ),
      })),
    ),
    rows: parts.flatMap((p) => p.rows),
  };
}

/** Drops with block-bootstrap intervals over the scored rows (paired: permuted minus intact, same dates). */
export function importanceIntervals(
  sc: PermutationScores,
  bootstrap: ImportanceOptions['bootstrap'] & { blockLength: number },
): ImportanceResult {
  const n = sc.truth.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const bootOpts = {
    blockLength: bootstrap.blockLength,
    reps: bootstrap.reps ?? 1000,
    level: bootstrap.level ?? 0.9,
    seed: bootstrap.seed ?? 7,
  };
  const groups = sc.groups.map((group, gi) => {
    const perms = sc.perms[gi];
    const llStat = (idx: ArrayLike<number>) => {
      let s = 0;
      for (const p of perms) s += meanOn(p.nll, idx);
      return s / perms.length - meanOn(sc.base.nll, idx);
    };
    const baStat = (idx: ArrayLike<number>) => {
      let s = 0;
      for (const p of perms) s += balancedAccuracy(sc.truth, p.pred, idx);
      return balancedAccuracy(sc.truth, sc.base.pred, idx) - s / perms.length;
    };
    return {
      group,
      logLossIncrease: blockBootstrap(n, llStat, bootOpts),
      balancedAccuracyDrop: blockBootstrap(n, baStat, bootOpts),
    };
  });
  return {
    rows: sc.rows,
    logLoss: meanOn(sc.base.nll, all),
    balancedAccuracy: balancedAccuracy(sc.truth, sc.base.pred, all),
    groups,
  };
}

/** permutationScores then importanceIntervals, for one model over one set of test dates. */
export function permutationImportance(
  source: SampleSource,
  factorCount: number,
  predict: ImagePredictor,
  groups: ImageGroup[],
  opts: ImportanceOptions = {},
): ImportanceResult {
  const sc = permutationScores(source, factorCount, predict, groups, opts);
  return importanceIntervals(sc, {
    ...opts.bootstrap,
    blockLength: opts.bootstrap?.blockLength ?? opts.blockLength ?? 14,
  });
}
