/**
 * A from..to range checked against the dates the data has, so a range outside the data is refused with where
 * the data is, instead of giving zero counts or an empty dataset further down. Pure.
 */
import { ConfigError } from '../../../shared/errors';

/**
 * Refuses a range that holds none of `dates` (ascending): after the last date, before the first, or between
 * two trading days. `what` names the series ('000300 in /data/000300.csv'); `prefix` the fields ('dataset.').
 */
export function checkDateRange(
  range: { from?: string; to?: string },
  dates: readonly string[],
  what: string,
  prefix = '',
): void {
  if (!dates.length) throw new ConfigError(`${prefix}from`, `${what} has no dates`);
  const first = dates[0];
  const last = dates[dates.length - 1];
  const { from, to } = range;
  if (from && to && from > to) throw new ConfigError(`${prefix}from`, `${from} is after to ${to}`);
  if (from && from > last)
    throw new ConfigError(`${prefix}from`, `${from} is after the last date of ${what} (${last})`);
  if (to && to < first)
    throw new ConfigError(`${prefix}to`, `${to} is before the first date of ${what} (${first})`);
  if (from && to && !dates.some((d) => d >= from && d <= to))
    throw new ConfigError(`${prefix}from`, `${from}..${to} holds no trading day of ${what}`);
}
