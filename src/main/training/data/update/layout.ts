/**
 * The written layout of a daily index file, so new rows go in exactly as the file already writes them: column
 * order from its header, its line ends, its units (a file in lots stays in lots). Only files an update can extend
 * without guessing are accepted: comma-separated, header on line 1, oldest first, YYYY-MM-DD dates, and only
 * columns a source can fill (date, open, high, low, close, volume, amount). Anything else is refused with the
 * reason; `data reconcile` still reads it.
 */
import type { ImportReport } from '../import';
import type { BarField, DailyBar } from './types';

type Column = BarField | 'date';
const KNOWN: ReadonlySet<string> = new Set(['date', 'open', 'high', 'low', 'close', 'volume', 'amount']);

export interface FileLayout {
  columns: Column[];
  eol: '\n' | '\r\n';
  endsWithEol: boolean;
  /** Shares per file volume unit (100 when the file is in lots). */
  volumeScale: number;
  /** CNY per file amount unit. */
  amountScale: number;
  hasVolume: boolean;
  hasAmount: boolean;
}

/** The layout of `text` (the file's decoded contents), or throws an Error saying why it cannot be extended. */
export function fileLayout(text: string, report: ImportReport): FileLayout {
  const why = (s: string) => new Error(`cannot be extended in place: ${s}`);
  if (report.barsPerDay !== 1)
    throw why(`it holds ${report.barsPerDay} bars a day; updates fetch daily bars`);
  if (report.encoding !== 'utf-8' && report.encoding !== 'utf-8-bom')
    throw why(`it is ${report.encoding} text, not UTF-8`);
  if (report.delimiter !== ',') throw why(`its columns are separated by '${report.delimiter}', not commas`);
  if (report.headerLine !== 1) throw why(`its header is on line ${report.headerLine}, not line 1`);
  if (report.reversed) throw why('its rows are newest-first');
  if (report.dateFormat !== 'YYYY-MM-DD')
    throw why(`its dates are written ${report.dateFormat}, not YYYY-MM-DD`);
  const first = text
    .slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)
    .replace(/^\ufeff/, '')
    .replace(/\r$/, '');
  const cells = first.split(',').map((c) => c.trim().toLowerCase());
  const unknown = cells.filter((c) => !KNOWN.has(c));
  if (unknown.length)
    throw why(
      `its column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `'${c}'`).join(', ')} cannot be filled from a daily kline`,
    );
  for (const c of ['date', 'open', 'high', 'low', 'close'])
    if (!cells.includes(c)) throw why(`its header has no '${c}' column`);
  if (new Set(cells).size !== cells.length) throw why('its header names a column twice');
  return {
    columns: cells as Column[],
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    endsWithEol: text.endsWith('\n'),
    volumeScale: report.volumeUnit === 'lots' ? 100 : 1,
    amountScale: report.amountScale,
    hasVolume: cells.includes('volume'),
    hasAmount: cells.includes('amount'),
  };
}

/** Shortest decimal of x (no exponent for the magnitudes of index data), rounded to 6 decimals. */
function fmt(x: number): string {
  if (Number.isInteger(x)) return x.toFixed(0);
  return String(Math.round(x * 1e6) / 1e6);
}

/** One bar (shares, CNY) as a line of the file, without the line end. */
export function formatRow(layout: FileLayout, bar: DailyBar): string {
  return layout.columns
    .map((c) => {
      if (c === 'date') return bar.date;
      if (c === 'volume') return fmt(bar.volume / layout.volumeScale);
      if (c === 'amount') return fmt(bar.amount / layout.amountScale);
      return fmt(bar[c]);
    })
    .join(',');
}

/**
 * The file's text with `replace` rows written over the rows of their dates and `append` rows added at the end.
 * Every other byte stays as it was.
 */
export function applyRows(text: string, layout: FileLayout, append: DailyBar[], replace: DailyBar[]): string {
  let out = text;
  if (replace.length) {
    const lines = out.split('\n');
    const dateCol = layout.columns.indexOf('date');
    for (const bar of replace) {
      const hits: number[] = [];
      for (let k = 1; k < lines.length; k++)
        if (lines[k].split(',')[dateCol]?.trim() === bar.date) hits.push(k);
      if (hits.length !== 1)
        throw new Error(`${bar.date} is on ${hits.length} lines of the file, expected 1: not replaced`);
      const cr = lines[hits[0]].endsWith('\r') ? '\r' : '';
      lines[hits[0]] = formatRow(layout, bar) + cr;
    }
    out = lines.join('\n');
  }
  if (append.length) {
    if (!out.endsWith('\n')) out += layout.eol;
    out += append.map((b) => formatRow(layout, b) + layout.eol).join('');
  }
  return out;
}
