/**
 * Header detection: the first line (of the first HEADER_SEARCH_LINES) whose cells name a date and a close column,
 * in English or Chinese, with any delimiter; each recognised column is mapped to a field.
 */
import { DataError } from '../../../../shared/errors';

export type Field = 'date' | 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'amount' | 'code';

/** Header names (lower case, units in brackets removed) -> field. */
const ALIASES: Record<string, Field> = {
  date: 'date',
  日期: 'date',
  trade_date: 'date',
  tradedate: 'date',
  交易日期: 'date',
  day: 'date',
  datetime: 'date',
  timestamp: 'date',
  'date/time': 'date',
  时间日期: 'date',
  time: 'time',
  时间: 'time',
  trade_time: 'time',
  open: 'open',
  开盘: 'open',
  开盘价: 'open',
  今开: 'open',
  'open price': 'open',
  high: 'high',
  最高: 'high',
  最高价: 'high',
  'high price': 'high',
  low: 'low',
  最低: 'low',
  最低价: 'low',
  'low price': 'low',
  close: 'close',
  收盘: 'close',
  收盘价: 'close',
  'close price': 'close',
  最新价: 'close',
  volume: 'volume',
  vol: 'volume',
  成交量: 'volume',
  'volume(shares)': 'volume',
  amount: 'amount',
  turnover: 'amount',
  成交额: 'amount',
  成交金额: 'amount',
  value: 'amount',
  money: 'amount',
  symbol: 'code',
  code: 'code',
  ts_code: 'code',
  代码: 'code',
  证券代码: 'code',
  指数代码: 'code',
};

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

function mapColumn(cell: string): Field | undefined {
  const n = normHeader(cell);
  return ALIASES[n] ?? ALIASES[n.replace(/\s*[(（[].*$/, '').trim()];
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

function tryHeader(
  line: string,
): { delimiter: string; cells: string[]; cols: Partial<Record<Field, number>> } | undefined {
  let best:
    | { delimiter: string; cells: string[]; cols: Partial<Record<Field, number>>; n: number }
    | undefined;
  for (const d of [...DELIMS, ' ']) {
    const cells = d === ' ' ? splitWs(line) : line.split(d);
    if (cells.length < 2) continue;
    const cols: Partial<Record<Field, number>> = {};
    let n = 0;
    cells.forEach((c, i) => {
      const f = mapColumn(c);
      if (f && cols[f] === undefined) {
        cols[f] = i;
        n++;
      }
    });
    if (cols.date !== undefined && cols.close !== undefined && (!best || n > best.n))
      best = { delimiter: d, cells, cols, n };
  }
  return best;
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
      `expected names such as date/日期 and close/收盘`,
  );
}
