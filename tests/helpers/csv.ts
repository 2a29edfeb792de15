/**
 * A deliberately naive reader of the clean daily CSVs (date,open,high,low,close,volume,amount), used by tests
 * as an independent path to the numbers, so they do not trust the importer they check.
 */
import { readFileSync } from 'node:fs';

export interface DailyColumns {
  date: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  amount: number[];
}

export function readDailyCsv(file: string): DailyColumns {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const out: DailyColumns = { date: [], open: [], high: [], low: [], close: [], volume: [], amount: [] };
  for (const row of rows) {
    const cells = row.split(',');
    cols.forEach((c, i) => {
      if (c === 'date') out.date.push(cells[i]);
      else (out as unknown as Record<string, number[]>)[c].push(Number(cells[i]));
    });
  }
  return out;
}
