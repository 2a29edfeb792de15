/**
 * The fold cache of the fitted baselines (logistic regression, trees): each fold's test predictions in
 * <outDir>/baselines/<name>_f<fold>.json, with a hash of what determines them (the baseline's description, which
 * names its parameters, the dataset and feature-table settings, the seed, the fold dates, the data fingerprint).
 * Re-evaluating a long study from its fold cache then costs no refit; a changed setting refits. Separate from the
 * CNN fold cache, whose hashes it never touches.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../train/atomic';
import { readStoredJson } from '../../train/stored';
import type { BaselineRows, FoldBaseline, FoldRows, JoinedBaseline } from '../fold-baselines';
import { NUM_CLASSES } from '../metrics';
import { sha } from './fold-cache';

interface CachedBaselineFold {
  version: 1;
  hash: string;
  pred: number[];
  probs?: number[];
  info: Record<string, number | string>;
}

export interface BaselineCacheOptions {
  /** Cache folder; undefined = always fit. */
  dir?: string;
  /** Everything besides the folds that determines the fit (dataset config, table settings, data fingerprint). */
  key: unknown;
  /** The dates the fold rows index. */
  dates: string[];
  log?: (line: string) => void;
}

const fileName = (name: string, fold: number) =>
  `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}_f${String(fold).padStart(3, '0')}.json`;

const cachedSchema = z.looseObject({
  version: z.literal(1),
  hash: z.string(),
  pred: z.array(z.number().int()),
  probs: z.array(z.number()).optional(),
  info: z.record(z.string(), z.union([z.number(), z.string()])),
});

/** A cached fold when it is this fold's; a file that cannot be read is logged with its reason and refitted. */
function readFold(
  file: string,
  hash: string,
  n: number,
  log?: (line: string) => void,
): CachedBaselineFold | undefined {
  if (!existsSync(file)) return undefined;
  let c: CachedBaselineFold;
  try {
    c = readStoredJson(file, cachedSchema) as CachedBaselineFold;
  } catch (err) {
    log?.(`${err instanceof Error ? err.message : String(err)}; refitting`);
    return undefined;
  }
  if (c.hash !== hash || c.pred.length !== n) return undefined;
  if (c.probs && c.probs.length !== n * NUM_CLASSES) return undefined;
  return c;
}

/** runFoldBaseline (eval/fold-baselines.ts) with each fold read from or written to the cache. */
export function cachedFoldBaseline(
  b: FoldBaseline,
  rows: () => BaselineRows,
  folds: FoldRows[],
  seed: number,
  opts: BaselineCacheOptions,
): JoinedBaseline {
  const total = folds.reduce((a, f) => a + f.test.length, 0);
  const pred = new Int8Array(total);
  let probs: Float64Array | undefined;
  const info: Record<string, number | string>[] = [];
  let built: BaselineRows | undefined;
  let cached = 0;
  let o = 0;
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  folds.forEach((f, k) => {
    const d = (i: number) => opts.dates[i];
    const hash = sha({
      v: 1,
      name: b.name,
      description: b.description,
      key: opts.key,
      seed,
      train: f.train.length ? [d(f.train[0]), d(f.train[f.train.length - 1]), f.train.length] : [],
      val: f.val.length ? [d(f.val[0]), d(f.val[f.val.length - 1]), f.val.length] : [],
      test: f.test.map(d),
    });
    const file = opts.dir ? path.join(opts.dir, fileName(b.name, k)) : undefined;
    const hit = file ? readFold(file, hash, f.test.length, opts.log) : undefined;
    let foldPred: ArrayLike<number>;
    let foldProbs: ArrayLike<number> | undefined;
    let foldInfo: Record<string, number | string>;
    if (hit) {
      cached++;
      foldPred = hit.pred;
      foldProbs = hit.probs;
      foldInfo = hit.info;
    } else {
      built ??= rows();
      const out = b.predictFold(built, f, seed);
      if (out.pred.length !== f.test.length)
        throw new Error(`baseline '${b.name}' returned ${out.pred.length} classes for ${f.test.length} rows`);
      foldPred = out.pred;
      foldProbs = out.probs;
      foldInfo = out.info ?? {};
      if (file)
        writeFileAtomic(
          file,
          JSON.stringify({
            version: 1,
            hash,
            pred: Array.from(out.pred),
            probs: out.probs ? Array.from(out.probs) : undefined,
            info: foldInfo,
          } satisfies CachedBaselineFold),
        );
    }
    pred.set(foldPred, o);
    if (foldProbs) {
      if (!probs) {
        if (k > 0) throw new Error(`baseline '${b.name}' gave probabilities for some folds only`);
        probs = new Float64Array(total * NUM_CLASSES);
      }
      probs.set(foldProbs, o * NUM_CLASSES);
    } else if (probs) throw new Error(`baseline '${b.name}' gave probabilities for some folds only`);
    info.push(foldInfo);
    o += f.test.length;
  });
  if (cached) opts.log?.(`baseline ${b.name}: ${cached} of ${folds.length} folds read from the cache`);
  return { name: b.name, pred, probs, info };
}
