/**
 * Resampling of intraday A-share bars. Sessions: morning 09:30-11:30 (bar ends 09:31..11:30), afternoon
 * 13:00-15:00 (bar ends 13:01..15:00); a resampled bar never spans the lunch break.
 *
 * Missing minutes (decision): a bucket is built from the input bars that are present and stamped with its
 * nominal end time; a bucket with fewer input bars than it should have is reported ('incomplete-bar'), and a day
 * with fewer output bars than barsPerDay is reported ('incomplete-day'). Nothing is filled in: callers that need
 * a full grid drop the reported days (e.g. with completeDays()).
 */
import type { Bars, DataIssue } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { hhmm, minutesOf } from './time';

const MORNING_OPEN = 9 * 60 + 30; // 570
const MORNING_CLOSE = 11 * 60 + 30; // 690
const AFTERNOON_OPEN = 13 * 60; // 780
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

/**
 * Aggregates intraday bars (1-minute, or any size dividing `minutes`) into `minutes`-minute bars per session:
 * open of the first, max high, min low, close of the last, sums of volume and amount. 15 -> 16 bars a day
 * (09:45..11:30, 13:15..15:00). Returns the bars and the issues about incomplete buckets and days.
 */
export function resampleMinutesWithReport(bars: Bars, minutes = 15): { bars: Bars; issues: DataIssue[] } {
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
  const perSession = Math.ceil(SESSION / minutes);
  const out = emptyBars(bars, Math.max(1, bars.time.length), 2 * perSession);
  const issues: DataIssue[] = [];
  const expectedIn = (b: number): number => {
    const k = b < perSession ? b : b - perSession;
    return (Math.min((k + 1) * minutes, SESSION) - k * minutes) / inStep;
  };
  const stampOf = (b: number): number =>
    b < perSession
      ? MORNING_OPEN + Math.min((b + 1) * minutes, SESSION)
      : AFTERNOON_OPEN + Math.min((b - perSession + 1) * minutes, SESSION);

  let j = -1;
  let curDate = '';
  let curBucket = -1;
  let count = 0;
  let dayBars = 0;
  const flushBucket = () => {
    if (j >= 0 && count !== expectedIn(curBucket)) {
      issues.push({
        severity: 'warning',
        kind: 'incomplete-bar',
        file: bars.source,
        field: 'time',
        message: `${out.time[j]}: built from ${count} of ${expectedIn(curBucket)} input bars`,
      });
    }
  };
  const flushDay = () => {
    if (curDate && dayBars !== out.barsPerDay) {
      issues.push({
        severity: 'warning',
        kind: 'incomplete-day',
        file: bars.source,
        field: 'date',
        message: `${curDate}: ${dayBars} of ${out.barsPerDay} ${minutes}-minute bars`,
      });
    }
  };
  for (let i = 0; i < bars.time.length; i++) {
    const s = sessionMinute(minutesOf(bars.time[i]));
    const bucket =
      s <= SESSION ? Math.ceil(s / minutes) - 1 : perSession + Math.ceil((s - SESSION) / minutes) - 1;
    const date = bars.date[i];
    if (date !== curDate || bucket !== curBucket) {
      flushBucket();
      if (date !== curDate) {
        flushDay();
        dayBars = 0;
      }
      j++;
      dayBars++;
      curDate = date;
      curBucket = bucket;
      count = 0;
      out.time.push(`${date} ${hhmm(stampOf(bucket))}`);
      out.date.push(date);
      out.open[j] = bars.open[i];
      out.high[j] = bars.high[i];
      out.low[j] = bars.low[i];
      out.volume[j] = 0;
      out.amount[j] = 0;
    }
    count++;
    if (bars.high[i] > out.high[j]) out.high[j] = bars.high[i];
    if (bars.low[i] < out.low[j]) out.low[j] = bars.low[i];
    out.close[j] = bars.close[i];
    out.volume[j] += bars.volume[i];
    out.amount[j] += bars.amount[i];
  }
  flushBucket();
  flushDay();
  return { bars: trim(out), issues };
}

/** `minutes`-minute bars from intraday bars (default 15 -> 16 bars a day); see resampleMinutesWithReport for issues. */
export function resampleMinutes(bars: Bars, minutes = 15): Bars {
  return resampleMinutesWithReport(bars, minutes).bars;
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
