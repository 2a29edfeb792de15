/**
 * Reads a clean daily index file (date,open,high,low,close,volume,amount) with a few lines of code, so the factor
 * tests do not depend on the importer.
 */
import { readFileSync } from 'node:fs';
import type { Bars } from '../../../src/shared/domain';
import { dailyFile } from '../../helpers/data';

export function loadDailyBars(code = '000300'): Bars {
  const file = dailyFile(code);
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  if (lines[0] !== 'date,open,high,low,close,volume,amount')
    throw new Error(`${file}: unexpected header ${lines[0]}`);
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (i: number) => Float64Array.from(rows, (r) => Number(r[i]));
  const time = rows.map((r) => r[0]);
  return {
    code,
    source: file,
    barsPerDay: 1,
    time,
    date: time,
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    amount: col(6),
  };
}

/** A copy of the bars' first n rows. */
export function headBars(b: Bars, n: number): Bars {
  return {
    ...b,
    time: b.time.slice(0, n),
    date: b.date.slice(0, n),
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: b.volume.slice(0, n),
    amount: b.amount.slice(0, n),
  };
}

/** Deep copy of bars. */
export function cloneBars(b: Bars): Bars {
  return headBars(b, b.close.length);
}
