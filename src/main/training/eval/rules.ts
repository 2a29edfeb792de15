/**
 * Classical rules as class signals on the target's daily closes, so they go through the same costed backtest
 * (long on 'up', flat otherwise by default) and the same metrics as the models. Each reads closes up to t only.
 *
 * - Time-series momentum (Moskowitz, Ooi & Pedersen 2012, "Time series momentum", J. Financial Economics 104:
 *   the position is the sign of the instrument's own past return): 'up' when the past return over every horizon is positive, 'down'
 *   when every one is negative, 'flat' when they disagree (or one is exactly zero).
 * - Moving-average trend filter (Faber 2007, "A quantitative approach to tactical asset allocation": long when the
 *   price is above its 10-month simple mean): 'up' when close > its N-day mean (today included), else 'down'.
 * Before a rule has enough history it says 'flat'.
 */
import { ConfigError } from '../../../shared/errors';

export const DOWN = 0;
export const FLAT = 1;
export const UP = 2;

/** close[t] / close[t - days] - 1 (fraction); NaN when t < days. */
export function pastReturn(close: ArrayLike<number>, t: number, days: number): number {
  return t >= days ? close[t] / close[t - days] - 1 : NaN;
}

/** Momentum class at bar t from the signs of the past returns over `horizonsDays`. */
export function momentumClass(close: ArrayLike<number>, t: number, horizonsDays: readonly number[]): number {
  let pos = 0;
  let neg = 0;
  for (const h of horizonsDays) {
    const r = pastReturn(close, t, h);
    if (Number.isNaN(r)) return FLAT;
    if (r > 0) pos++;
    else if (r < 0) neg++;
  }
  return pos === horizonsDays.length ? UP : neg === horizonsDays.length ? DOWN : FLAT;
}

/** Trend-filter class at bar t: UP when close[t] > mean(close[t-N+1..t]), DOWN otherwise, FLAT before N bars. */
export function trendClass(close: ArrayLike<number>, t: number, windowDays: number): number {
  if (t + 1 < windowDays) return FLAT;
  let s = 0;
  for (let k = t - windowDays + 1; k <= t; k++) s += close[k];
  return close[t] > s / windowDays ? UP : DOWN;
}

/** A rule's class at each of `dates` (each must be a bar date of `bars`). */
export function ruleClasses(
  bars: { date: string[]; close: ArrayLike<number> },
  dates: readonly string[],
  rule: (close: ArrayLike<number>, t: number) => number,
): Int8Array {
  const index = new Map(bars.date.map((d, i) => [d, i] as const));
  return Int8Array.from(dates, (d) => {
    const t = index.get(d);
    if (t === undefined) throw new ConfigError('rules', `${d} is not a bar date of the target's daily bars`);
    return rule(bars.close, t);
  });
}

function checkDays(field: string, xs: readonly number[]): void {
  for (const x of xs)
    if (!Number.isInteger(x) || x < 1)
      throw new ConfigError(field, `must be whole numbers of days >= 1, got ${x}`);
}

/** Momentum classes at `dates` (see momentumClass). */
export function momentumClasses(
  bars: { date: string[]; close: ArrayLike<number> },
  dates: readonly string[],
  horizonsDays: readonly number[],
): Int8Array {
  checkDays('rules.momentumHorizonsDays', horizonsDays);
  if (horizonsDays.length === 0)
    throw new ConfigError('rules.momentumHorizonsDays', 'needs at least one horizon');
  return ruleClasses(bars, dates, (c, t) => momentumClass(c, t, horizonsDays));
}

/** Trend-filter classes at `dates` (see trendClass). */
export function trendClasses(
  bars: { date: string[]; close: ArrayLike<number> },
  dates: readonly string[],
  windowDays: number,
): Int8Array {
  checkDays('rules.trendWindowDays', [windowDays]);
  return ruleClasses(bars, dates, (c, t) => trendClass(c, t, windowDays));
}
