/** Flags shared by `data update` and `data reconcile`. */
import { num } from '../args';
import { DEFAULT_TOLERANCE, type Tolerance } from '../../main/training/data/update/types';

export const TOLERANCE_FLAGS = {
  'price-tolerance': { type: 'string' },
  'volume-tolerance': { type: 'string' },
  now: { type: 'string' },
} as const;

export const TOLERANCE_USAGE =
  '[--price-tolerance POINTS (default 0.01)] [--volume-tolerance FRACTION (default 0.001, also amount)]';

export function tolerance(values: { 'price-tolerance'?: string; 'volume-tolerance'?: string }): Tolerance {
  const p = num('price-tolerance', values['price-tolerance'], DEFAULT_TOLERANCE.pricePoints);
  const v = num('volume-tolerance', values['volume-tolerance'], DEFAULT_TOLERANCE.volumeFraction);
  if (p < 0) throw new Error(`--price-tolerance must be >= 0 index points, got ${p}`);
  if (v < 0 || v >= 1) throw new Error(`--volume-tolerance must be a fraction in [0, 1), got ${v}`);
  return { pricePoints: p, volumeFraction: v, amountFraction: v };
}

/** The clock: --now (an ISO instant, for replays and tests) or the system clock. */
export function clock(now: string | undefined): () => Date {
  if (now === undefined) return () => new Date();
  const t = Date.parse(now);
  if (Number.isNaN(t))
    throw new Error(`--now must be an ISO date-time such as 2024-01-05T16:00:00+08:00, got '${now}'`);
  return () => new Date(t);
}

/** A value as a person reads it: prices with their decimals, volumes and amounts without exponent. */
export function show(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  return Number.isInteger(x) ? x.toFixed(0) : String(Math.round(x * 1e4) / 1e4);
}
