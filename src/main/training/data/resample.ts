/**
 * Resampling of intraday A-share bars by the clock. Sessions: morning 09:30-11:30 (bar ends 09:31..11:30),
 * afternoon 13:00-15:00 (bar ends 13:01..15:00); a resampled bar never spans the lunch break. An input bar goes
 * to the bucket its end stamp falls in, so a missing minute never shifts later minutes into the wrong bar
 * (the czsc SSE file has days with 1-4 minutes missing; counting rows would misplace every bar after them).
 *
 * Missing input (decision, see also README "Dataset"):
 * - A bucket with some but not all of its input bars is built from those present and reported
 *   ('incomplete-bar'): open of the first present, close of the last, extremes and sums of those present.
 * - A bucket with no input bar at all: with `missing: 'none'` (the default here) it is left out and the day is
 *   reported ('incomplete-day'); with `missing: 'carry'` (what datasets use) it is filled with the last close
 *   before it as open = high = low = close and zero volume and amount: what a halted market looks like, known
 *   at the bar's own stamp, so no later bar is used. The first day's leading empty buckets, which have no
 *   earlier close, take that day's first open. Filled days are reported ('filled-bars').
 * - A short day, whose last input bar ends before 15:00 (2016-01-04 stopped at 13:35 and 2016-01-07 at 10:00 by
 *   the circuit breaker), is reported ('short-day') and listed in `shortDays`; datasets make no sample on it.
 */
import type { Bars, DataIssue } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { hhmm, minutesOf } from './time';

const MORNING_OPEN = 9 * 60 + 30; // 570
const MORNING_CLOSE = 11 * 60 + 30; // 690
const AFTERNOON_OPEN = 13 * 60; // 780
/** Bar-end stamp of the session's last bar, minutes after midnight. */
export const SESSION_CLOSE = 15 * 60; // 900
const SESSION = 120;

/**
 * Session minute 1..240 of a bar ending at `m` minutes after midnight. A bar ending at or before 09:30 (opening
 * auction) belongs to the first minute; 11:31..13:00 to the last morning minute (13:00 is how some exports stamp
 * the 11:30 bar); after 15:00 to the last afternoon minute.
 */
function sessionMinute(m: number): number {
  if (m <= MORNING_OPEN) return 1;
  if (m <= MORNING_CLOSE) return m - MORNING_OPEN;
  if (m <= AFTERNOON_OPEN) return SESSION;
  return Math.min(2 * SESSION, SESSION + m - AFTERNOON_OPEN);
}

function emptyBars(like: Bars, capacity: number, barsPerDay: number): Bars {
  return {
    code: like.code,
    source: like.source,
    barsPerDay,
    time: [],
    date: [],
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    amount: new Float64Array(capacity),
  };
}

function trim(b: Bars): Bars {
  const n = b.time.length;
  return {
    ...b,
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: b.volume.slice(0, n),
    amount: b.amount.slice(0, n),
  };
}

/** How a bucket without any input bar is handled (see the file header). */
export type MissingBars = 'carry' | 'none';

export interface ResampleOptions {
  /** Default 'none': empty buckets are left out. 'carry': filled from the last close with zero volume. */
  missing?: MissingBars;
}

export interface ResampleResult {
  bars: Bars;
  issues: DataIssue[];
  /** Days whose last input bar ends before 15:00 (trading stopped early), ascending. */
  shortDays: string[];
  /** Buckets filled from the last close ('carry' only). */
  filledBars: number;
}

/**
 * Aggregates intraday bars (1-minute, or any size dividing `minutes`) into `minutes`-minute bars by the clock:
 * open of the first, max high, min low, close of the last, sums of volume and amount. 15 -> 16 bars a day
 * (09:45..11:30, 13:15..15:00); 5 -> 48, 30 -> 8, 60 -> 4. Returns the bars, the issues about incomplete buckets,
 * filled buckets and short days, and the short days themselves.
 */
export function resampleMinutesWithReport(
  bars: Bars,
  minutes = 15,
  opts: ResampleOptions = {},
): ResampleResult {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > SESSION) {
    throw new ConfigError(
      'minutes',
      `must be a whole number of minutes from 1 to ${SESSION}, got ${minutes}`,
    );
  }
  if (bars.barsPerDay <= 1)
    throw new ConfigError(
      'minutes',
      `${bars.code} has daily bars; only intraday bars can be resampled to minutes`,
    );
  const inStep = 240 / bars.barsPerDay;
  if (!Number.isInteger(inStep) || minutes % inStep !== 0) {
    throw new ConfigError('minutes', `${minutes}-minute bars cannot be built from ${inStep}-minute bars`);
  }
  const carry = (opts.missing ?? 'none') === 'carry';
  const perSession = Math.ceil(SESSION / minutes);
  const perDay = 2 * perSession;
  const n = bars.time.length;
  let days = 0;
  for (let i = 0; i < n; i++) if (i === 0 || bars.date[i] !== bars.date[i - 1]) days++;
  const out = emptyBars(bars, Math.max(1, carry ? days * perDay : n), perDay);
  const issues: DataIssue[] = [];
  const shortDays: string[] = [];
  let filledBars = 0;
  const expectedIn = (b: number): number => {
    const k = b < perSession ? b : b - perSession;
    return (Math.min((k + 1) * minutes, SESSION) - k * minutes) / inStep;
  };
  const stampOf = (b: number): number =>
    b < perSession
      ? MORNING_OPEN + Math.min((b + 1) * minutes, SESSION)
      : AFTERNOON_OPEN + Math.min((b - perSession + 1) * minutes, SESSION);
  const bucketOf = (m: number): number => {
    const s = sessionMinute(m);
    return s <= SESSION ? Math.ceil(s / minutes) - 1 : perSession + Math.ceil((s - SESSION) / minutes) - 1;
  };
  const warn = (kind: string, field: string, message: string) =>
    issues.push({ severity: 'warning', kind, file: bars.source, field, message });

  // One day's buckets, reused.
  const count = new Int32Array(perDay);
  const bo = new Float64Array(perDay);
  const bh = new Float64Array(perDay);
  const bl = new Float64Array(perDay);
  const bc = new Float64Array(perDay);
  const bv = new Float64Array(perDay);
  const ba = new Float64Array(perDay);
  let j = 0;
  let lastClose = Number.NaN;
  for (let start = 0; start < n; ) {
    const date = bars.date[start];
    let end = start;
    count.fill(0);
    for (; end < n && bars.date[end] === date; end++) {
      const b = bucketOf(minutesOf(bars.time[end]));
      if (count[b]++ === 0) {
        bo[b] = bars.open[end];
        bh[b] = bars.high[end];
        bl[b] = bars.low[end];
        bv[b] = 0;
        ba[b] = 0;
      }
      if (bars.high[end] > bh[b]) bh[b] = bars.high[end];
      if (bars.low[end] < bl[b]) bl[b] = bars.low[end];
      bc[b] = bars.close[end];
      bv[b] += bars.volume[end];
      ba[b] += bars.amount[end];
    }
    if (Number.isNaN(lastClose)) lastClose = bars.open[start];
    let dayBars = 0;
    let filled = 0;
    let firstFilled = -1;
    let lastFilled = -1;
    for (let b = 0; b < perDay; b++) {
      const k = count[b];
      if (k === 0 && !carry) continue;
      out.time.push(`${date} ${hhmm(stampOf(b))}`);
      out.date.push(date);
      if (k > 0) {
        out.open[j] = bo[b];
        out.high[j] = bh[b];
        out.low[j] = bl[b];
        out.close[j] = lastClose = bc[b];
        out.volume[j] = bv[b];
        out.amount[j] = ba[b];
        if (k !== expectedIn(b))
          warn('incomplete-bar', 'time', `${out.time[j]}: built from ${k} of ${expectedIn(b)} input bars`);
      } else {
        out.open[j] = out.high[j] = out.low[j] = out.close[j] = lastClose;
        out.volume[j] = 0;
        out.amount[j] = 0;
        filled++;
        if (firstFilled < 0) firstFilled = b;
        lastFilled = b;
      }
      j++;
      dayBars++;
    }
    if (dayBars !== perDay)
      warn('incomplete-day', 'date', `${date}: ${dayBars} of ${perDay} ${minutes}-minute bars`);
    if (filled) {
      filledBars += filled;
      const span =
        filled === 1
          ? hhmm(stampOf(firstFilled))
          : `${hhmm(stampOf(firstFilled))}..${hhmm(stampOf(lastFilled))}`;
      warn(
        'filled-bars',
        'time',
        `${date}: ${filled} of ${perDay} ${minutes}-minute bars had no input bar (${span}); carried from the last close with zero volume`,
      );
    }
    const lastStamp = minutesOf(bars.time[end - 1]);
    if (lastStamp < SESSION_CLOSE) {
      shortDays.push(date);
      warn(
        'short-day',
        'date',
        `${date}: trading stopped at ${hhmm(lastStamp)} (last bar before 15:00): a short session`,
      );
    }
    start = end;
  }
  return { bars: trim(out), issues, shortDays, filledBars };
}

/** `minutes`-minute bars from intraday bars (default 15 -> 16 bars a day); see resampleMinutesWithReport. */
export function resampleMinutes(bars: Bars, minutes = 15, opts: ResampleOptions = {}): Bars {
  return resampleMinutesWithReport(bars, minutes, opts).bars;
}

/**
 * Days of intraday bars whose last bar ends before 15:00: trading stopped early (a circuit-breaker halt, or the
 * data stops). Empty for daily bars. Decided from the day's own bars, so known at that day's end.
 */
export function shortDays(bars: Bars): string[] {
  if (bars.barsPerDay <= 1) return [];
  const out: string[] = [];
  const n = bars.time.length;
  for (let i = 0; i < n; i++) {
    if ((i === n - 1 || bars.date[i + 1] !== bars.date[i]) && minutesOf(bars.time[i]) < SESSION_CLOSE)
      out.push(bars.date[i]);
  }
  return out;
}

/** Daily bars (time = date, barsPerDay 1) from intraday bars: first open, max high, min low, last close, sums. */
export function toDaily(bars: Bars): Bars {
  if (bars.barsPerDay <= 1) return bars;
  const out = emptyBars(bars, Math.max(1, bars.time.length), 1);
  let j = -1;
  for (let i = 0; i < bars.time.length; i++) {
    if (j < 0 || bars.date[i] !== out.date[j]) {
      j++;
      out.time.push(bars.date[i]);
      out.date.push(bars.date[i]);
      out.open[j] = bars.open[i];
      out.high[j] = bars.high[i];
      out.low[j] = bars.low[i];
    }
    if (bars.high[i] > out.high[j]) out.high[j] = bars.high[i];
    if (bars.low[i] < out.low[j]) out.low[j] = bars.low[i];
    out.close[j] = bars.close[i];
    out.volume[j] += bars.volume[i];
    out.amount[j] += bars.amount[i];
  }
  return trim(out);
}

/** Only the days that have exactly barsPerDay bars (the days resampleMinutesWithReport did not report). */
export function completeDays(bars: Bars): Bars {
  const keep: number[] = [];
  let start = 0;
  for (let i = 1; i <= bars.time.length; i++) {
    if (i === bars.time.length || bars.date[i] !== bars.date[start]) {
      if (i - start === bars.barsPerDay) for (let k = start; k < i; k++) keep.push(k);
      start = i;
    }
  }
  return selectBars(bars, keep);
}

/** The bars at the given indices (ascending), as a new Bars. */
export function selectBars(bars: Bars, idx: ArrayLike<number>): Bars {
  const n = idx.length;
  const pick = (a: Float64Array) => {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = a[idx[i]];
    return r;
  };
  const time = new Array<string>(n);
  const date = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    time[i] = bars.time[idx[i]];
    date[i] = bars.date[idx[i]];
  }
  return {
    ...bars,
    time,
    date,
    open: pick(bars.open),
    high: pick(bars.high),
    low: pick(bars.low),
    close: pick(bars.close),
    volume: pick(bars.volume),
    amount: pick(bars.amount),
  };
}
