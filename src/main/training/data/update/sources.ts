/**
 * Two free public daily-kline endpoints, as public client code documents them (akshare's index functions for
 * Eastmoney; Sina's CN_MarketData.getKLineData as used by many open scripts). Each source builds its request URL
 * and parses its answer into rows in the source's own units; a malformed, truncated or empty answer is a
 * BadAnswer, never a partial result. Unit conversion to the files' units happens later, checked against the
 * days already stored (./units.ts).
 */
import path from 'node:path';
import { BadAnswer } from './http';
import type { SourceName } from './types';

export const DEFAULT_BASE_URL: Record<SourceName, string> = {
  eastmoney: 'https://push2his.eastmoney.com',
  sina: 'https://money.finance.sina.com.cn',
};

/** A row as the source gave it: prices in index points, volume and amount in the source's units (see below). */
export interface SourceRow {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** NaN when the source gives no amount. */
  amount: number;
}

export interface SourceAnswer {
  source: SourceName;
  code: string;
  url: string;
  /** Ascending by date, no repeats. */
  rows: SourceRow[];
  /** Shares per source volume unit as documented (100: lots). Checked against stored days before use. */
  documentedVolumeScale: number;
  /** CNY per source amount unit as documented. */
  documentedAmountScale: number;
}

export type Exchange = 'sh' | 'sz';

/**
 * Exchange of an index: from the file name when it says so (sh000300, SH-000300, 399006.SZ), else by code:
 * 399xxx are Shenzhen indices, the rest (000001, 000300, 000905, ...) are published on Shanghai's list. The
 * choice matters: Shenzhen's 000001 is a bank share, not the SSE Composite.
 */
export function exchangeOf(code: string, file?: string): Exchange {
  const name = file ? path.basename(file).toLowerCase() : '';
  if (new RegExp(`(^|[^a-z])sh[-_.]?${code}|${code}[-_.]sh([^a-z]|$)`).test(name)) return 'sh';
  if (new RegExp(`(^|[^a-z])sz[-_.]?${code}|${code}[-_.]sz([^a-z]|$)`).test(name)) return 'sz';
  return code.startsWith('39') ? 'sz' : 'sh';
}

export interface FetchRange {
  code: string;
  exchange: Exchange;
  /** First and last date wanted, 'YYYY-MM-DD'. */
  from: string;
  to: string;
}

export interface Source {
  name: SourceName;
  url(range: FetchRange, baseUrl?: string): string;
  /** Throws BadAnswer on anything malformed, truncated or empty. */
  parse(body: string, range: FetchRange, url: string): SourceAnswer;
  /** Extra request headers the endpoint expects from a browser. */
  headers: Record<string, string>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function num(cell: unknown, what: string): number {
  const s = typeof cell === 'number' ? String(cell) : typeof cell === 'string' ? cell.trim() : '';
  const v = s === '' || s === '-' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new BadAnswer(`${what} is '${String(cell).slice(0, 30)}', not a number`);
  return v;
}

/** Structural checks every answer must pass: valid dates, ascending, no repeats, positive prices. */
function checkRows(rows: SourceRow[], what: string): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const where = `${what} row ${i + 1} (${r.date})`;
    if (!DATE.test(r.date) || Number.isNaN(Date.parse(`${r.date}T00:00:00Z`)))
      throw new BadAnswer(`${what} row ${i + 1}: '${r.date}' is not a date`);
    if (i > 0 && r.date <= rows[i - 1].date)
      throw new BadAnswer(`${where} is not after the row before it (${rows[i - 1].date})`);
    for (const f of ['open', 'high', 'low', 'close'] as const)
      if (!(r[f] > 0)) throw new BadAnswer(`${where}: ${f} ${r[f]} is not a positive price`);
    if (r.high < r.low) throw new BadAnswer(`${where}: high ${r.high} is below low ${r.low}`);
    if (r.volume < 0 || r.amount < 0) throw new BadAnswer(`${where}: negative volume or amount`);
  }
}

/** Strips a JSONP wrapper `name(...)` or `var x=(...);` if the endpoint added one. */
function unwrap(body: string): string {
  const t = body
    .trim()
    .replace(/^\/\*[\s\S]*?\*\//, '')
    .trim();
  const m = /^(?:var\s+[\w$]+\s*=\s*|[\w$.]+\s*)\(([\s\S]*)\)\s*;?$/.exec(t);
  return m ? m[1] : t;
}

function parseJson(body: string, what: string): unknown {
  if (body.trim() === '') throw new BadAnswer(`${what}: empty answer`);
  try {
    return JSON.parse(unwrap(body));
  } catch {
    throw new BadAnswer(`${what}: not valid JSON (truncated or garbled answer, ${body.length} bytes)`);
  }
}

/**
 * Eastmoney `GET /api/qt/stock/kline/get?secid=1.000300&klt=101&fqt=0&beg=YYYYMMDD&end=YYYYMMDD&fields1=..&fields2=f51..f61`.
 * `data.klines` holds strings `date,open,close,high,low,volume,amount,amplitude,change %,change,turnover`:
 * close comes before high and low. Index volume is in lots (100 shares), amount in CNY.
 */
export const eastmoney: Source = {
  name: 'eastmoney',
  headers: { referer: 'https://quote.eastmoney.com/' },
  url(r, baseUrl) {
    const q = new URLSearchParams({
      secid: `${r.exchange === 'sz' ? 0 : 1}.${r.code}`,
      klt: '101',
      fqt: '0',
      beg: r.from.replaceAll('-', ''),
      end: r.to.replaceAll('-', ''),
      fields1: 'f1,f2,f3,f4,f5',
      fields2: 'f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61',
    });
    return `${(baseUrl ?? DEFAULT_BASE_URL.eastmoney).replace(/\/+$/, '')}/api/qt/stock/kline/get?${q}`;
  },
  parse(body, r, url) {
    const what = `eastmoney ${r.code}`;
    const j = parseJson(body, what) as { rc?: unknown; data?: { code?: unknown; klines?: unknown } | null };
    if (typeof j !== 'object' || j === null) throw new BadAnswer(`${what}: the answer is not a JSON object`);
    if (j.rc !== undefined && j.rc !== 0) throw new BadAnswer(`${what}: answer code rc=${String(j.rc)}`);
    if (!j.data)
      throw new BadAnswer(
        `${what}: empty answer (no data for secid ${r.exchange === 'sz' ? 0 : 1}.${r.code})`,
      );
    if (j.data.code !== undefined && String(j.data.code) !== r.code)
      throw new BadAnswer(`${what}: the answer is for code ${String(j.data.code)}, not ${r.code}`);
    if (!Array.isArray(j.data.klines)) throw new BadAnswer(`${what}: data.klines is missing`);
    if (j.data.klines.length === 0) throw new BadAnswer(`${what}: empty answer (no bars ${r.from}..${r.to})`);
    const rows = j.data.klines.map((k: unknown, i: number): SourceRow => {
      if (typeof k !== 'string') throw new BadAnswer(`${what} row ${i + 1}: not a string`);
      const c = k.split(',');
      if (c.length < 7)
        throw new BadAnswer(
          `${what} row ${i + 1}: ${c.length} fields, expected at least 7 ('${k.slice(0, 60)}')`,
        );
      const w = `${what} row ${i + 1}`;
      return {
        date: c[0].trim(),
        open: num(c[1], `${w} open`),
        close: num(c[2], `${w} close`),
        high: num(c[3], `${w} high`),
        low: num(c[4], `${w} low`),
        volume: num(c[5], `${w} volume`),
        amount: num(c[6], `${w} amount`),
      };
    });
    checkRows(rows, what);
    return {
      source: 'eastmoney',
      code: r.code,
      url,
      rows,
      documentedVolumeScale: 100,
      documentedAmountScale: 1,
    };
  },
};

/** Sina returns the newest `datalen` bars, not a date range: ask for enough weekdays to reach `from`. */
function sinaDatalen(from: string, to: string): number {
  const days = Math.max(
    1,
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1,
  );
  return Math.min(1023, Math.ceil((days * 5) / 7) + 5);
}

/**
 * Sina `GET /quotes_service/api/json_v2.php/CN_MarketData.getKLineData?symbol=sh000300&scale=240&ma=no&datalen=N`:
 * a JSON array of `{day, open, high, low, close, volume}` strings (older answers leave the keys unquoted), the
 * newest N daily bars. Volume is in shares; most answers carry no amount.
 */
export const sina: Source = {
  name: 'sina',
  headers: { referer: 'https://finance.sina.com.cn/' },
  url(r, baseUrl) {
    const q = new URLSearchParams({
      symbol: `${r.exchange}${r.code}`,
      scale: '240',
      ma: 'no',
      datalen: String(sinaDatalen(r.from, r.to)),
    });
    return `${(baseUrl ?? DEFAULT_BASE_URL.sina).replace(/\/+$/, '')}/quotes_service/api/json_v2.php/CN_MarketData.getKLineData?${q}`;
  },
  parse(body, r, url) {
    const what = `sina ${r.exchange}${r.code}`;
    let j: unknown;
    try {
      j = parseJson(body, what);
    } catch (err) {
      // older answers: a JavaScript literal with bare keys
      const quoted = unwrap(body).replace(/([{,]\s*)(day|open|high|low|close|volume|amount)\s*:/g, '$1"$2":');
      try {
        j = JSON.parse(quoted);
      } catch {
        throw err;
      }
    }
    if (j === null) throw new BadAnswer(`${what}: empty answer (null: unknown symbol?)`);
    if (!Array.isArray(j)) throw new BadAnswer(`${what}: the answer is not a JSON array`);
    if (j.length === 0) throw new BadAnswer(`${what}: empty answer`);
    const rows = j.map((o: Record<string, unknown>, i: number): SourceRow => {
      const w = `${what} row ${i + 1}`;
      if (typeof o !== 'object' || o === null || typeof o.day !== 'string')
        throw new BadAnswer(`${w}: no 'day'`);
      return {
        date: o.day.trim().slice(0, 10),
        open: num(o.open, `${w} open`),
        high: num(o.high, `${w} high`),
        low: num(o.low, `${w} low`),
        close: num(o.close, `${w} close`),
        volume: num(o.volume, `${w} volume`),
        amount: o.amount === undefined ? NaN : num(o.amount, `${w} amount`),
      };
    });
    checkRows(
      rows.map((x) => ({ ...x, amount: Number.isNaN(x.amount) ? 0 : x.amount })),
      what,
    );
    const inRange = rows.filter((x) => x.date >= r.from && x.date <= r.to);
    return {
      source: 'sina',
      code: r.code,
      url,
      rows: inRange,
      documentedVolumeScale: 1,
      documentedAmountScale: 1,
    };
  },
};

export const SOURCES: Record<SourceName, Source> = { eastmoney, sina };
