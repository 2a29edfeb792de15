/**
 * Market time in Asia/Shanghai. China has had no daylight saving since 1991, so Shanghai time is UTC+8 all year
 * and needs no time-zone database (Electron and plain Node builds without full ICU agree on it).
 */

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** A-share continuous trading ends at 15:00 (the closing call auction, SSE and SZSE alike). */
export const MARKET_CLOSE_MINUTES = 15 * 60;
/**
 * Before this minute of a trading day the day's bar may still change: index closes are published a few minutes
 * after 15:00, and free sources refresh their daily bar some minutes later still.
 */
export const BAR_SETTLED_MINUTES = 15 * 60 + 30;

export interface ShanghaiTime {
  /** Calendar date in Shanghai, 'YYYY-MM-DD'. */
  date: string;
  /** Minutes after midnight, Shanghai time. */
  minutes: number;
  /** 'HH:MM', Shanghai time. */
  hhmm: string;
}

/** The Shanghai wall-clock date and time of an instant. */
export function shanghaiTime(now: Date): ShanghaiTime {
  const t = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const iso = t.toISOString();
  return {
    date: iso.slice(0, 10),
    minutes: t.getUTCHours() * 60 + t.getUTCMinutes(),
    hhmm: iso.slice(11, 16),
  };
}

/** Day of week of a 'YYYY-MM-DD' date: 0 Sunday .. 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

/** The date `days` calendar days after `date` (negative: before), 'YYYY-MM-DD'. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The newest day whose daily bar can be final at `now`: today after BAR_SETTLED_MINUTES on a weekday, else the
 * weekday before. Holidays are not known here, so this is an upper bound: a file ending on it needs no request.
 */
export function latestSettledDay(now: Date): string {
  const { date, minutes } = shanghaiTime(now);
  let d = !isWeekend(date) && minutes >= BAR_SETTLED_MINUTES ? date : addDays(date, -1);
  while (isWeekend(d)) d = addDays(d, -1);
  return d;
}

/** 'YYYY-MM-DD' -> 'YYYYMMDD'. */
export function compactDate(date: string): string {
  return date.replaceAll('-', '');
}
