/**
 * Header detection: the first line (of the first HEADER_SEARCH_LINES) whose cells name a date and a close column,
 * in English or Chinese, with any delimiter; each recognised column is mapped to a field.
 */
import { DataError } from '../../../../shared/errors';
import { parseDate } from './cells';

export type Field =
  | 'date'
  | 'time'
  | 'open'
  | 'high'
  | 'low'
  | 'close'
  | 'volume'
  | 'amount'
  | 'code'
  | 'freq';

/**
 * Column vocabulary. A header cell is reduced to a key (columnKey: lower case, units in brackets, quotes and the
 * separators space _ - . / removed, then a leading 'trade'/'trading'/'bar'/'交易' and a trailing 'price'/'价'
 * dropped) and looked up here. So 'trade_time', 'TradeTime' and 'bar time' are all 'time'; 'close_price',
 * 'Close Price' and '收盘价' are all 'close'; 'date/time' and 'Date Time' are 'datetime'.
 *
 * Stamp columns come in three kinds, resolved by resolveStamps: 'date' (a day, possibly with a time), 'time'
 * (a time of day beside a date column, or a full date-time when it stands alone or its cells carry a date) and
 * 'datetime' (a full date-time, e.g. czsc's dt = bar end 'YYYY-MM-DD HH:MM:SS').
 */
type StampKind = 'date' | 'time' | 'datetime';
const STAMP_WORDS: Record<string, StampKind> = {
  date: 'date',
  day: 'date',
  日期: 'date',
  time: 'time',
  时间: 'time',
  datetime: 'datetime',
  dt: 'datetime',
  timestamp: 'datetime',
  日期时间: 'datetime',
  时间日期: 'datetime',
};
const VALUE_WORDS: Record<string, Exclude<Field, 'date' | 'time'>> = {
  open: 'open',
  开盘: 'open',
  今开: 'open',
  high: 'high',
  最高: 'high',
  low: 'low',
  最低: 'low',
  close: 'close',
  收盘: 'close',
  最新: 'close',
  volume: 'volume',
  vol: 'volume',
  成交量: 'volume',
  amount: 'amount',
  amt: 'amount',
  turnover: 'amount',
  value: 'amount',
  money: 'amount',
  成交额: 'amount',
  成交金额: 'amount',
  symbol: 'code',
  code: 'code',
  tscode: 'code',
  ticker: 'code',
  代码: 'code',
  证券代码: 'code',
  指数代码: 'code',
  freq: 'freq',
  frequency: 'freq',
  period: 'freq',
  周期: 'freq',
};

/** The lookup key of a header cell (see the vocabulary above). */
export function columnKey(cell: string): string {
  let k = normHeader(cell)
    .replace(/\s*[(（[][^)）\]]*[)）\]]\s*/g, '')
    .replace(/[\s_\-./]+/g, '');
  if (k in STAMP_WORDS || k in VALUE_WORDS) return k;
  const bare = k.replace(/^(trading|trade|bar|交易)/, '').replace(/(price|价)$/, '');
  if (bare !== '' && (bare in STAMP_WORDS || bare in VALUE_WORDS)) k = bare;
  return k;
}

export function normHeader(cell: string): string {
  return cell
    .replace(/^\ufeff/, '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .trim()
    .toLowerCase();
}

/** Unit hint written in a header cell, e.g. 成交量(手) or volume (lots). */
export function unitHint(cell: string): string | undefined {
  const m = /[(（[]([^)）\]]*)[)）\]]/.exec(cell);
  return m ? m[1].trim().toLowerCase() : undefined;
}

export interface HeaderInfo {
  index: number;
  delimiter: string;
  cells: string[];
  cols: Partial<Record<Field, number>>;
}

const DELIMS = ['\t', ',', ';', '|'];

export function splitWs(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

type Cols = Partial<Record<Field, number>>;

/**
 * Columns of one candidate header line. The stamp is the first 'datetime' column, else the first 'date' column
 * (with the first 'time' column beside it as the time of day), else a lone 'time' column (which must then carry
 * the date). resolveStamps revisits the choice once the first data row is known.
 */
function mapColumns(cells: string[]): { cols: Cols; n: number } {
  const cols: Cols = {};
  const stamps: Record<StampKind, number[]> = { date: [], time: [], datetime: [] };
  let n = 0;
  cells.forEach((c, i) => {
    const k = columnKey(c);
    const stamp = STAMP_WORDS[k];
    if (stamp) {
      stamps[stamp].push(i);
      return;
    }
    const f = VALUE_WORDS[k];
    if (f && cols[f] === undefined) {
      cols[f] = i;
      n++;
    }
  });
  if (stamps.datetime.length) cols.date = stamps.datetime[0];
  else if (stamps.date.length) {
    cols.date = stamps.date[0];
    if (stamps.time.length) cols.time = stamps.time[0];
  } else if (stamps.time.length) cols.date = stamps.time[0];
  if (cols.date !== undefined) n++;
  if (cols.time !== undefined) n++;
  return { cols, n };
}

function tryHeader(line: string): { delimiter: string; cells: string[]; cols: Cols } | undefined {
  let best: { delimiter: string; cells: string[]; cols: Cols; n: number } | undefined;
  for (const d of [...DELIMS, ' ']) {
    const cells = d === ' ' ? splitWs(line) : line.split(d);
    if (cells.length < 2) continue;
    const { cols, n } = mapColumns(cells);
    if (cols.date !== undefined && cols.close !== undefined && (!best || n > best.n))
      best = { delimiter: d, cells, cols, n };
  }
  return best;
}

/**
 * Settles the stamp columns on the first data row: a time column whose cell carries a whole date-time (Tushare's
 * trade_time beside trade_date) becomes the stamp, and the date column beside it is then not read.
 */
export function resolveStamps(cols: Cols, firstRow: string[]): void {
  if (cols.time === undefined) return;
  const t = parseDate(firstRow[cols.time] ?? '');
  if (t && t.minutes >= 0) {
    cols.date = cols.time;
    delete cols.time;
  }
}

export const HEADER_SEARCH_LINES = 30;

export function findHeader(lines: string[], file: string): HeaderInfo {
  const limit = Math.min(lines.length, HEADER_SEARCH_LINES);
  for (let i = 0; i < limit; i++) {
    if (lines[i].trim() === '') continue;
    const h = tryHeader(lines[i]);
    if (h) return { index: i, ...h };
  }
  const first = lines.find((l) => l.trim() !== '') ?? '';
  throw new DataError(
    file,
    `no header with a recognisable date and close column in the first ${limit} lines (first line: '${first.slice(0, 80)}'); ` +
      `expected a date or date-time column (date, dt, datetime, time, trade_date, 日期, 时间 ...) and a close column (close, 收盘 ...)`,
  );
}
