/**
 * Intraday stamps and days: midnight-stamped daily files, bar-start stamps and the tdx 13:00 stamp made bar-end
 * times; bars per day from the stamp spacing; days with more or fewer bars than that reported.
 */
import type { Bars, DataIssue } from '../../../../shared/domain';
import { DataError } from '../../../../shared/errors';
import { hhmm, minutesOf } from '../time';
import type { Rows } from './rows';

/**
 * Settles whether the rows are daily or intraday: a file stamped 00:00 on every row is daily; a file mixing rows
 * with and without a time of day is refused; intraday stamps are made bar-end times. Returns true for intraday.
 */
export function settleStamps(rows: Rows, file: string, issues: DataIssue[], dateField: string): boolean {
  // Daily exports that print every date with a 00:00 time are daily bars, not midnight bars.
  let midnight = rows.minutes[0] === 0;
  for (let k = 1; k < rows.n && midnight; k++) midnight = rows.minutes[k] === 0;
  if (midnight) {
    for (let k = 0; k < rows.n; k++) {
      rows.minutes[k] = -1;
      rows.key[k] = rows.date[k];
    }
    issues.push({
      severity: 'info',
      kind: 'midnight-stamps',
      file,
      message: 'every row is stamped 00:00: read as daily bars',
    });
  }
  const intraday = rows.minutes[0] >= 0;
  for (let k = 1; k < rows.n; k++) {
    if (rows.minutes[k] >= 0 !== intraday) {
      throw new DataError(file, 'mixes rows with and without a time of day', {
        line: rows.line[k],
        field: dateField,
      });
    }
  }
  if (intraday) normaliseStamps(rows, file, issues);
  return intraday;
}

/**
 * Bar stamps are made bar-end times. A file stamped with bar start times (a bar at 09:30, none after 14:59) is
 * moved forward by its bar spacing, and said so. In a bar-end file, a day with a 13:00 bar and no 11:30 bar
 * has the 11:30 bar stamped 13:00 (the tdx export does this): it is re-stamped 11:30.
 */
function normaliseStamps(rows: Rows, file: string, issues: DataIssue[]) {
  let minM = Infinity;
  let maxM = -Infinity;
  const steps = new Map<number, number>();
  for (let k = 0; k < rows.n; k++) {
    const m = rows.minutes[k];
    if (m < minM) minM = m;
    if (m > maxM) maxM = m;
    if (k > 0 && rows.date[k] === rows.date[k - 1]) {
      const d = Math.abs(m - rows.minutes[k - 1]);
      if (d > 0 && d <= 60) steps.set(d, (steps.get(d) ?? 0) + 1);
    }
  }
  if (minM === 9 * 60 + 30 && maxM < 15 * 60) {
    let step = 1;
    let best = -1;
    for (const [d, c] of steps) if (c > best) [step, best] = [d, c];
    for (let k = 0; k < rows.n; k++) {
      rows.minutes[k] += step;
      rows.key[k] = `${rows.date[k]} ${hhmm(rows.minutes[k])}`;
    }
    issues.push({
      severity: 'info',
      kind: 'start-stamps',
      file,
      line: rows.line[0],
      message: `bars are stamped with their start time (first 09:30, last before 15:00): moved ${step} minute(s) forward to bar-end stamps`,
    });
    return;
  }
  const has1130 = new Set<string>();
  for (let k = 0; k < rows.n; k++) if (rows.minutes[k] === 690) has1130.add(rows.date[k]);
  let count = 0;
  let firstLine = 0;
  for (let k = 0; k < rows.n; k++) {
    if (rows.minutes[k] === 780 && !has1130.has(rows.date[k])) {
      rows.minutes[k] = 690;
      rows.key[k] = `${rows.date[k]} 11:30`;
      if (!count) firstLine = rows.line[k];
      count++;
    }
  }
  if (count) {
    issues.push({
      severity: 'info',
      kind: 'lunch-stamp',
      file,
      line: firstLine,
      message: `${count} bar(s) stamped 13:00 are the 11:30 bar (the export's stamping) and were re-stamped 11:30`,
    });
  }
}

/** Bars per day from the most common spacing of bar stamps within a day (1-minute -> 240). */
export function detectBarsPerDay(bars: Bars): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < bars.time.length; i++) {
    if (bars.date[i] !== bars.date[i - 1]) continue;
    const d = minutesOf(bars.time[i]) - minutesOf(bars.time[i - 1]);
    if (d > 0 && d <= 60) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let step = 1;
  let best = -1;
  for (const [d, c] of counts) if (c > best || (c === best && d < step)) [step, best] = [d, c];
  return Math.max(1, Math.round(240 / step));
}

/** Bar-end stamps (minutes after midnight) of a full day of `step`-minute bars, when step divides a session. */
function dayGrid(step: number): number[] | undefined {
  if (!Number.isInteger(step) || 120 % step !== 0) return undefined;
  const grid: number[] = [];
  for (let m = 9 * 60 + 30 + step; m <= 11 * 60 + 30; m += step) grid.push(m);
  for (let m = 13 * 60 + step; m <= 15 * 60; m += step) grid.push(m);
  return grid;
}

const LIST_MISSING = 6;

/**
 * Intraday days that are not full, one warning per day, naming what is missing: a short day (its last bar ends
 * before 15:00: trading stopped early, as on the circuit-breaker days 2016-01-04 and 2016-01-07) as 'short-day';
 * a day that reaches 15:00 with bars missing (or extra) as 'incomplete-day', listing the missing stamps.
 */
export function checkDays(bars: Bars, lineOf: Int32Array, file: string, issues: DataIssue[]) {
  const grid = dayGrid(240 / bars.barsPerDay);
  const onGrid = new Uint8Array(24 * 60);
  let start = 0;
  for (let i = 1; i <= bars.time.length; i++) {
    if (i < bars.time.length && bars.date[i] === bars.date[start]) continue;
    const count = i - start;
    const date = bars.date[start];
    const last = minutesOf(bars.time[i - 1]);
    if (last < 15 * 60) {
      issues.push({
        severity: 'warning',
        kind: 'short-day',
        file,
        line: lineOf[start],
        field: 'date',
        message:
          `${date}: trading stopped at ${hhmm(last)} (${count} of ${bars.barsPerDay} bars): a short session; ` +
          'datasets carry its last close to 15:00 with zero volume and make no sample on this date',
      });
    } else if (count !== bars.barsPerDay) {
      let detail = '';
      if (grid) {
        onGrid.fill(0);
        for (let k = start; k < i; k++) onGrid[minutesOf(bars.time[k])] = 1;
        const missing = grid.filter((m) => !onGrid[m]).map(hhmm);
        if (missing.length)
          detail =
            `: missing ${missing.slice(0, LIST_MISSING).join(', ')}` +
            (missing.length > LIST_MISSING ? ` and ${missing.length - LIST_MISSING} more` : '');
      }
      issues.push({
        severity: 'warning',
        kind: 'incomplete-day',
        file,
        line: lineOf[start],
        message: `${date} has ${count} bars, expected ${bars.barsPerDay}${detail}`,
      });
    }
    start = i;
  }
}
