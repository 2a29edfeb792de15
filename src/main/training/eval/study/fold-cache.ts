/**
 * The fold cache: each finished fold's test predictions in <outDir>/folds/<key>.json, written atomically with a
 * hash of everything that determines them (dataset, model, training settings, warm start, fold dates, data
 * fingerprint). A rerun of the same study reads them instead of training again; any change recomputes.
 *
 * Version 2 files also carry a sha256 of their content. Every file, version 1 (no checksum) included, is read
 * only when it holds what the writer writes: the expected dates, a finite probability row per date that sums
 * to 1, a fold record of the right types. Anything else is recomputed, with a log line naming the file and why:
 * a short or string `probs` can never turn into blank probability cells in the reports.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Bars, DatasetConfig } from '../../../../shared/domain';
import type { ModelSpec } from '../../../../shared/model';
import type { TrainSettings } from '../../../../shared/training';
import { writeFileAtomic } from '../../train/atomic';
import { checkStored, parseStoredJson, readStoredText, sha256Hex } from '../../train/stored';
import type { FoldRecord } from './result';

export interface CachedFold {
  version: 1 | 2;
  hash: string;
  key: string;
  dates: string[];
  probs: number[];
  record: Omit<FoldRecord, 'cached'>;
  /** Version 2: sha256 of the JSON of the other fields, in this order. */
  checksum?: string;
}

/** Whether a file name in a study's folds/ is a cached fold (not a fold's importance sidecar). */
export const isFoldFile = (name: string) => name.endsWith('.json') && !name.endsWith('.importance.json');

export const sha = (x: unknown) =>
  createHash('sha256')
    .update(typeof x === 'string' ? x : JSON.stringify(x))
    .digest('hex');

/** What determines a fold's predictions: nothing else may enter its hash (analysis sections never do). */
export interface FoldHashInput {
  dataset: DatasetConfig;
  model: ModelSpec;
  train: TrainSettings;
  seed: number;
  warmStart: boolean;
  /** Dates of the fold: first and last training sample, validation span, every test row, first common date. */
  train0: string;
  train1: string;
  val: string[];
  test: string[];
  common0: string;
  fingerprint: string;
  /** Set when another source's daily closes label the cell (intraday bar sizes). */
  labelsFrom?: string;
}

/**
 * The fold cache's hash. Its object and key order are those of every cache file written so far: changing them
 * would make every long study retrain (tests/unit/eval/fold-hash.test.ts pins a value).
 */
export function foldHash(f: FoldHashInput): string {
  return sha({
    v: 1,
    dataset: f.dataset,
    model: f.model,
    train: { ...f.train, seed: f.seed, backend: undefined },
    warmStart: f.warmStart,
    train0: f.train0,
    train1: f.train1,
    val: f.val,
    test: f.test,
    common0: f.common0,
    fingerprint: f.fingerprint,
    // undefined (so absent from the JSON, and the hash as before) unless another source labels the cell
    labelsFrom: f.labelsFrom,
  });
}

/** Fingerprint of bars (codes, dates and prices): changes whenever any input value changes. */
export function barsFingerprint(bars: Map<string, Bars>): string {
  const h = createHash('sha256');
  for (const code of [...bars.keys()].sort()) {
    const b = bars.get(code)!;
    h.update(code);
    h.update(b.time.join(','));
    for (const a of [b.open, b.high, b.low, b.close, b.volume, b.amount])
      h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

// accuracy is NaN (written as null) on a fold without labeled test dates
const recordSchema = z.looseObject({
  key: z.string(),
  cell: z.string(),
  seed: z.number(),
  fold: z.number().int().min(0),
  testStart: z.string(),
  testEnd: z.string(),
  trainCount: z.number().int().min(0),
  valCount: z.number().int().min(0),
  testCount: z.number().int().min(0),
  epochs: z.number().int().min(0),
  bestEpoch: z.number().int().optional(),
  stoppedEarly: z.boolean(),
  seconds: z.number(),
  backend: z.string(),
  accuracy: z.number().nullable(),
});

const cacheSchema = z.looseObject({
  version: z.union([z.literal(1), z.literal(2)]),
  hash: z.string(),
  key: z.string(),
  dates: z.array(z.string()),
  probs: z.array(z.number()),
  record: recordSchema,
  checksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** What the checksum covers: every field but the checksum, in the writer's order. */
function checksumOf(c: Omit<CachedFold, 'checksum'>): string {
  const { version, hash, key, dates, probs, record } = c;
  return sha256Hex(JSON.stringify({ version, hash, key, dates, probs, record }));
}

/** Largest |row sum - 1| a softmax row written as float32 may show (they sit within 1e-6 of 1). */
const ROW_SUM_TOLERANCE = 1e-4;

/** Why a cache file that reads as JSON cannot be used for this fold, or undefined when it can. */
export function cachedFoldProblem(
  c: CachedFold,
  expect: { hash: string; key: string; dates: string[] },
): string | undefined {
  if (c.hash !== expect.hash) return 'belongs to another configuration or data';
  if (c.key !== expect.key || c.record.key !== expect.key)
    return `holds fold ${c.record.key}, not ${expect.key}`;
  if (c.version === 2) {
    if (!c.checksum) return 'has no checksum (version 2 files carry one)';
    if (checksumOf(c) !== c.checksum) return 'does not match its checksum: the file is corrupt';
  }
  if (c.dates.length !== expect.dates.length || c.dates.some((d, i) => d !== expect.dates[i]))
    return `holds ${c.dates.length} dates, not the fold's ${expect.dates.length} test dates`;
  if (c.probs.length !== c.dates.length * 3)
    return `holds ${c.probs.length} probabilities for ${c.dates.length} dates (expected ${c.dates.length * 3})`;
  for (let i = 0; i < c.dates.length; i++) {
    const row = c.probs.slice(i * 3, i * 3 + 3);
    if (row.some((p) => !Number.isFinite(p) || p < 0 || p > 1))
      return `row ${i} (${c.dates[i]}) holds a probability outside [0, 1]`;
    const sum = row[0] + row[1] + row[2];
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) return `row ${i} (${c.dates[i]}) sums to ${sum}, not 1`;
  }
  return undefined;
}

/**
 * The cached fold in file when it is this fold's and intact; otherwise undefined, with a log line naming the
 * file and why it is recomputed.
 */
export function readCachedFold(
  file: string,
  expect: { hash: string; key: string; dates: string[] },
  log: (l: string) => void,
): CachedFold | undefined {
  if (!existsSync(file)) return undefined;
  let c: CachedFold;
  try {
    // the parsed object itself, not the schema's copy: the checksum covers the fields in the file's own order
    const raw = parseStoredJson(readStoredText(file), file);
    checkStored(file, raw, cacheSchema);
    c = raw as CachedFold;
  } catch (err) {
    log(`${expect.key}: ${err instanceof Error ? err.message : String(err)}; recomputing`);
    return undefined;
  }
  const problem = cachedFoldProblem(c, expect);
  if (problem === undefined) return c;
  log(`${expect.key}: cached fold ${file} ${problem}; recomputing`);
  return undefined;
}

/** Writes a fold's cache file (version 2, with its checksum). */
export function writeCachedFold(file: string, fold: Omit<CachedFold, 'version' | 'checksum'>): void {
  const body = {
    version: 2 as const,
    hash: fold.hash,
    key: fold.key,
    dates: fold.dates,
    probs: fold.probs,
    record: fold.record,
  };
  writeFileAtomic(file, JSON.stringify({ ...body, checksum: checksumOf(body) }));
}
