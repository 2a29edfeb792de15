/**
 * The fold cache: each finished fold's test predictions in <outDir>/folds/<key>.json, written atomically with a
 * hash of everything that determines them (dataset, model, training settings, warm start, fold dates, data
 * fingerprint). A rerun of the same study reads them instead of training again; any change recomputes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Bars } from '../../../../shared/domain';
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
