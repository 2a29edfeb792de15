/**
 * The fold cache: each finished fold's test predictions in <outDir>/folds/<key>.json, written atomically with a
 * hash of everything that determines them (dataset, model, training settings, warm start, fold dates, data
 * fingerprint). A rerun of the same study reads them instead of training again; any change recomputes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Bars, DatasetConfig } from '../../../../shared/domain';
import type { ModelSpec } from '../../../../shared/model';
import type { TrainSettings } from '../../../../shared/training';
import { writeFileAtomic } from '../../train/atomic';
import type { FoldRecord } from './result';

export interface CachedFold {
  version: 1;
  hash: string;
  key: string;
  dates: string[];
  probs: number[];
  record: Omit<FoldRecord, 'cached'>;
}

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

/** The cached fold in file when its hash matches; otherwise undefined (and a log line saying why). */
export function readCachedFold(
  file: string,
  hash: string,
  key: string,
  log: (l: string) => void,
): CachedFold | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as CachedFold;
    if (c.hash === hash) return c;
    log(`${key}: cached fold belongs to another configuration or data; recomputing`);
  } catch {
    log(`${key}: unreadable cache file; recomputing`);
  }
  return undefined;
}

export function writeCachedFold(file: string, fold: CachedFold): void {
  writeFileAtomic(file, JSON.stringify(fold));
}
