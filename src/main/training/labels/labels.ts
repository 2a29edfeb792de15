/**
 * Labels: the target's return over the next H trading days, classified into down / flat / up. Measured either
 * close(t) -> close(t+H) ('close', the original study) or open(t+1) -> open(t+1+H) ('next-open': the price a
 * strategy deciding at the close of t can trade, so the label is the return of the position it would take).
 * The last H ('close') or H+1 ('next-open') dates have no label yet; they are kept for live prediction and never
 * counted as flat.
 */
import type { ClassCounts, LabelPrice } from '../../../shared/domain';
import { UNLABELED } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';

/** Forward return close[t+H]/close[t] - 1 for each t (fraction, not percent); NaN for the last H entries. */
export function forwardReturns(close: ArrayLike<number>, horizonDays: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 0; t + horizonDays < n; t++) out[t] = close[t + horizonDays] / close[t] - 1;
  return out;
}

/**
 * Tradable forward return open[t+1+H]/open[t+1] - 1 (fraction): bought at the open after the decision at the close
 * of t, sold H trading days later at the open. NaN for the last H+1 entries.
 */
export function tradableForwardReturns(open: ArrayLike<number>, horizonDays: number): Float64Array {
  const n = open.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 0; t + 1 + horizonDays < n; t++) out[t] = open[t + 1 + horizonDays] / open[t + 1] - 1;
  return out;
}

/**
 * Trading days after t until the label of t is known at a close: H for 'close' (close of t+H), H+1 for
 * 'next-open' (its last price is the open of t+1+H). A prediction made at the close of t may use the labels of
 * samples up to t minus this (e.g. the persistence baseline).
 */
export function labelKnownAfterDays(horizonDays: number, labelPrice: LabelPrice = 'close'): number {
  return labelPrice === 'next-open' ? horizonDays + 1 : horizonDays;
}

/** Class of a forward return: 2 up if r > up, 0 down if r < down, 1 flat otherwise, -1 if r is NaN. */
export function classify(r: number, upThreshold: number, downThreshold: number): -1 | 0 | 1 | 2 {
  if (Number.isNaN(r)) return UNLABELED;
  if (r > upThreshold) return 2;
  if (r < downThreshold) return 0;
  return 1;
}

/** Refuses thresholds that cannot define three classes; limits are fractions (0.025 = +2.5 %). */
export function validateThresholds(upThreshold: number, downThreshold: number, horizonDays?: number): void {
  if (!Number.isFinite(upThreshold))
    throw new ConfigError('upThreshold', `must be a number, got ${upThreshold}`);
  if (!Number.isFinite(downThreshold))
    throw new ConfigError('downThreshold', `must be a number, got ${downThreshold}`);
  if (upThreshold <= -1 || upThreshold >= 1)
    throw new ConfigError(
      'upThreshold',
      `must be a fraction between -1 and 1 (0.025 = +2.5 %), got ${upThreshold}`,
    );
  if (downThreshold <= -1 || downThreshold >= 1)
    throw new ConfigError(
      'downThreshold',
      `must be a fraction between -1 and 1 (-0.01 = -1 %), got ${downThreshold}`,
    );
  if (downThreshold >= upThreshold)
    throw new ConfigError(
      'downThreshold',
      `must be below upThreshold (down ${downThreshold} >= up ${upThreshold}); the flat class lies between them`,
    );
  if (horizonDays !== undefined && (!Number.isInteger(horizonDays) || horizonDays < 1))
    throw new ConfigError('horizonDays', `must be a whole number of trading days >= 1, got ${horizonDays}`);
}

export interface LabelPriceOptions {
  /** Default 'close'. */
  labelPrice?: LabelPrice;
  /** The opens of the same bars; required for 'next-open'. */
  open?: ArrayLike<number>;
}

/** Classes of a daily series: Int8Array of 0/1/2, -1 where the horizon runs past the data. */
export function labelSeries(
  close: ArrayLike<number>,
  horizonDays: number,
  upThreshold: number,
  downThreshold: number,
  options: LabelPriceOptions = {},
): { forward: Float64Array; labels: Int8Array } {
  validateThresholds(upThreshold, downThreshold, horizonDays);
  const labelPrice = options.labelPrice ?? 'close';
  if (labelPrice !== 'close' && labelPrice !== 'next-open')
    throw new ConfigError('labelPrice', `must be 'close' or 'next-open', got '${String(labelPrice)}'`);
  if (labelPrice === 'next-open' && (!options.open || options.open.length !== close.length))
    throw new ConfigError('labelPrice', "'next-open' labels need the opens of the same bars");
  const forward =
    labelPrice === 'next-open'
      ? tradableForwardReturns(options.open!, horizonDays)
      : forwardReturns(close, horizonDays);
  const labels = new Int8Array(forward.length);
  for (let i = 0; i < forward.length; i++) labels[i] = classify(forward[i], upThreshold, downThreshold);
  return { forward, labels };
}

/** Counts classes of the dates in [from, to] (inclusive, 'YYYY-MM-DD'); unlabeled dates counted apart. */
export function countClasses(
  labels: ArrayLike<number>,
  dates?: string[],
  from?: string,
  to?: string,
): ClassCounts {
  const counts: ClassCounts = { down: 0, flat: 0, up: 0, unlabeled: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (dates && ((from && dates[i] < from) || (to && dates[i] > to))) continue;
    const c = labels[i];
    if (c === 0) counts.down++;
    else if (c === 1) counts.flat++;
    else if (c === 2) counts.up++;
    else counts.unlabeled++;
  }
  return counts;
}

/** Class counts of a daily close series between from and to: what `factor-inception labels` prints. */
export function labelCounts(
  close: ArrayLike<number>,
  dates: string[],
  horizonDays: number,
  upThreshold: number,
  downThreshold: number,
  from?: string,
  to?: string,
  options: LabelPriceOptions = {},
): ClassCounts {
  return countClasses(
    labelSeries(close, horizonDays, upThreshold, downThreshold, options).labels,
    dates,
    from,
    to,
  );
}
