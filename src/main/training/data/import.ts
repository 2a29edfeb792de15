/**
 * Import of index bar files in the formats analysts get them (baostock, Sina, Eastmoney, TongDaXin exports and
 * any CSV whose header names its columns in English or Chinese) into columnar Bars plus a ValidationReport.
 *
 * Policy (see also tests/unit/data):
 * - File-level problems (empty, header only, no date/close column, undecodable bytes, no usable row, badly
 *   shuffled rows) throw DataError naming the file and, where known, the line and field.
 * - Row-level problems drop the row and are listed in report.issues with file:line:field; nothing is ever
 *   replaced by NaN or silently moved.
 * - Rows newest-first are reversed (reported as info). A row earlier than the rows around it is dropped
 *   ('out-of-order'; the longest time-ordered run of rows is kept); more than 1 % of rows out of order means the
 *   file is not a time series in any order and is refused. Repeated timestamps keep the first row ('duplicate-time').
 * - high/low not containing open/close is a warning; the row is kept unchanged (real exports have such rows).
 * - Intraday stamps become bar-end times ('YYYY-MM-DD HH:mm'): the tdx 13:00 stamp of the 11:30 bar is moved
 *   to 11:30, and a file stamped with bar start times is moved forward by one bar; both are reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import type { Bars, DataIssue, ValidationReport } from '../../../shared/domain';
import { DataError } from '../../../shared/errors';
import { findIndexFile } from './data-dir';
import { hhmm, minutesOf } from './time';
import { checkOutliers } from './validate';

export type VolumeUnit = 'shares' | 'lots';
export type FormatName = 'baostock' | 'sina' | 'eastmoney' | 'tushare' | 'tdx' | 'generic';
const FORMATS: readonly FormatName[] = ['baostock', 'sina', 'eastmoney', 'tushare', 'tdx', 'generic'];

export interface ImportOptions {
  /** Index code; default: from the file name (000300, sh000300, SH-000300, 399006.SZ), a code column or the title line. */
  code?: string;
  /** Override the volume unit of the source ('lots' are multiplied by 100 to shares). */
  volumeUnit?: VolumeUnit;
  /** Override the detected vendor profile: 'baostock' | 'sina' | 'eastmoney' | 'tushare' | 'tdx' | 'generic'. */
  format?: string;
  /** Claimed text encoding; default: detected (UTF-8 with/without BOM, else GBK). */
  encoding?: 'utf-8' | 'gbk';
}

/** The report of one import, with the details a person needs to trust the numbers. */
export interface ImportReport extends ValidationReport {
  /** Multiplier applied to the amount column to get CNY (1000 for Eastmoney's thousand CNY). */
  amountScale: number;
  /** True when the file was newest-first and its rows were reversed. */
  reversed: boolean;
  /** Date format seen in the file, e.g. 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD'. */
  dateFormat: string;
  /** 1-based line of the header. */
  headerLine: number;
}

export interface ImportResult {
  bars: Bars;
  report: ImportReport;
}

type Field = 'date' | 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'amount' | 'code';

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

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const VALUE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

interface Decoded {
  text: string;
  encoding: string;
}

/** Imports one file of index bars; throws DataError when the file cannot be used at all. */
export function importFile(file: string, opts: ImportOptions = {}): ImportResult {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new DataError(file, `cannot read file (${err instanceof Error ? err.message : String(err)})`);
  }
  return importBuffer(buf, file, opts);
}

/** Finds the file of `code` in `dir` (by name) and imports it. */
export function loadIndex(dir: string, code: string, opts: ImportOptions = {}): ImportResult {
  return importFile(findIndexFile(dir, code), { code, ...opts });
}

/** Imports file contents already in memory; `file` names it in messages and decides vendor hints by folder name. */
export function importBuffer(buf: Uint8Array, file: string, opts: ImportOptions = {}): ImportResult {
  if (buf.length === 0) throw new DataError(file, 'file is empty');
  const decoded = decode(buf, file, opts.encoding);
  const text = decoded.text.includes('\r') ? decoded.text.replace(/\r\n?/g, '\n') : decoded.text;
  if (!/\S/.test(text)) throw new DataError(file, 'file is empty (only blank lines)');
  return parseText(text, file, decoded.encoding, opts);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function decode(buf: Uint8Array, file: string, claimed?: 'utf-8' | 'gbk'): Decoded {
  // Excel's "Unicode text" export is UTF-16 with a byte-order mark.
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const enc = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      return { text: new TextDecoder(enc, { fatal: true }).decode(buf.subarray(2)), encoding: enc };
    } catch {
      throw new DataError(
        file,
        `starts with a ${enc.toUpperCase()} byte-order mark but is not valid ${enc.toUpperCase()}`,
      );
    }
  }
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  if (claimed !== 'gbk') {
    const body = bom ? buf.subarray(3) : buf;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
    } catch {
      if (claimed === 'utf-8' || bom) {
        const loose = new TextDecoder('utf-8').decode(body);
        const at = loose.indexOf('\ufffd');
        throw new DataError(file, 'not valid UTF-8 text (is it GBK? try encoding "gbk")', {
          line: lineOfOffset(loose, at),
        });
      }
    }
  }
  const text = iconv.decode(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), 'gbk');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    throw new DataError(
      file,
      claimed === 'gbk' ? 'bytes that are not valid GBK' : 'undecodable bytes: neither valid UTF-8 nor GBK',
      { line: lineOfOffset(text, bad) },
    );
  }
  return { text, encoding: 'gbk' };
}

function normHeader(cell: string): string {
  return cell
    .replace(/^\ufeff/, '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .trim()
    .toLowerCase();
}

/** Unit hint written in a header cell, e.g. 成交量(手) or volume (lots). */
function unitHint(cell: string): string | undefined {
  const m = /[(（[]([^)）\]]*)[)）\]]/.exec(cell);
  return m ? m[1].trim().toLowerCase() : undefined;
}

function mapColumn(cell: string): Field | undefined {
  const n = normHeader(cell);
  return ALIASES[n] ?? ALIASES[n.replace(/\s*[(（[].*$/, '').trim()];
}

interface HeaderInfo {
  index: number;
  delimiter: string;
  cells: string[];
  cols: Partial<Record<Field, number>>;
}

const DELIMS = ['\t', ',', ';', '|'];

function splitWs(line: string): string[] {
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

const HEADER_SEARCH_LINES = 30;

function findHeader(lines: string[], file: string): HeaderInfo {
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

function detectFormat(
  h: HeaderInfo,
  file: string,
  titleLines: string[],
  lastLines: string[],
  forced?: string,
): FormatName {
  if (forced) {
    if (!(FORMATS as readonly string[]).includes(forced)) {
      throw new DataError(file, `unknown format '${forced}' (use ${FORMATS.join(', ')})`);
    }
    return forced as FormatName;
  }
  const names = h.cells.map(normHeader);
  const folder = path.basename(path.dirname(file)).toLowerCase();
  const tail = lastLines.slice(-3).join(' ');
  if (
    tail.includes('通达信') ||
    titleLines.some((l) => /分钟线|日线|通达信/.test(l)) ||
    folder.startsWith('tdx')
  )
    return 'tdx';
  if (names.includes('turn') && names.includes('pctchg')) return 'baostock';
  if (names.includes('ts_code') && names.includes('trade_date')) return 'tushare';
  if (h.cols.code !== undefined && (names.includes('symbol') || folder.includes('eastmoney')))
    return 'eastmoney';
  if (names.join(',') === 'date,open,close,high,low,volume,amount' && folder.includes('sina')) return 'sina';
  return 'generic';
}

/** Code from a file name: 000300, sh000300, SH-000300, 399006.SZ -> '000300' / '399006'. */
export function codeFromName(file: string): string | undefined {
  const m = /(?:^|[^0-9])(\d{6})(?![0-9])/.exec(path.basename(file));
  return m ? m[1] : undefined;
}

// ---- cell parsing without intermediate allocations ----

const enum DateKind {
  Dash = 1,
  Slash = 2,
  Compact = 3,
}
const DATE_FORMAT_NAMES = ['', 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD'];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function num2(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

interface ParsedDate {
  date: string;
  kind: DateKind;
  /** Minutes after midnight when the cell also carried a time, else -1. */
  minutes: number;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validYmd(y: number, mo: number, d: number): boolean {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]) return false;
  return !(mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)));
}

/** Parses 2017-04-27, 2017/04/27, 2017/4/27, 20170427, optionally followed by ' HH:MM[:SS]' or 'T..'. */
function parseDate(cell: string): ParsedDate | undefined {
  if (cell.length === 10 && cell.charCodeAt(4) === 45 && cell.charCodeAt(7) === 45) {
    // Fast path for canonical YYYY-MM-DD: the cell itself is the date string.
    const y = digit(cell, 0) * 1000 + digit(cell, 1) * 100 + num2(cell, 2);
    const mo = num2(cell, 5);
    const d = num2(cell, 8);
    if (digit(cell, 0) >= 0 && digit(cell, 1) >= 0 && num2(cell, 2) >= 0 && validYmd(y, mo, d)) {
      return { date: cell, kind: DateKind.Dash, minutes: -1 };
    }
  }
  const s = cell.trim();
  let y: number, mo: number, d: number, kind: DateKind, rest: number;
  if (s.length >= 8 && digit(s, 4) >= 0) {
    if (!/^\d{8}$/.test(s.slice(0, 8))) return undefined;
    y = Number(s.slice(0, 4));
    mo = num2(s, 4);
    d = num2(s, 6);
    kind = DateKind.Compact;
    rest = 8;
  } else {
    const m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/.exec(s);
    if (!m) return undefined;
    y = Number(m[1]);
    mo = Number(m[3]);
    d = Number(m[4]);
    kind = m[2] === '-' ? DateKind.Dash : DateKind.Slash;
    rest = m[0].length;
  }
  if (!validYmd(y, mo, d)) return undefined;
  let minutes = -1;
  if (rest < s.length) {
    const t = parseTime(s.slice(rest).replace(/^[T\s]+/, ''));
    if (t === undefined) return undefined;
    minutes = t;
  }
  const date = `${y}-${mo < 10 ? '0' : ''}${mo}-${d < 10 ? '0' : ''}${d}`;
  return { date, kind, minutes };
}

/** Parses 0931, 931, 09:31, 09:31:00, 093100 -> minutes after midnight. */
function parseTime(cell: string): number | undefined {
  const s = cell.trim();
  let m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) m = /^(\d{1,2})(\d{2})(\d{2})?$/.exec(s);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 23 || mi > 59) return undefined;
  return h * 60 + mi;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Number of a cell, or NaN when it is not a finite number (empty cells are not zero). Plain decimals of up to
 * 15 digits are read from char codes: mantissa / 10^k is then one correctly rounded division, the same double
 * Number() gives, without Number()'s cost on sliced strings. Anything else goes to Number().
 */
function parseNum(cell: string | undefined, decimalComma: boolean): number {
  if (cell === undefined) return NaN;
  const len = cell.length;
  let i = 0;
  let neg = false;
  if (len > 0 && cell.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < len; i++) {
    const ch = cell.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      mant = mant * 10 + (ch - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) {
      frac = 0;
    } else break;
  }
  if (i === len && digits > 0 && digits <= 15) {
    const v = frac > 0 ? mant / POW10[frac] : mant;
    return neg ? -v : v;
  }
  let v = Number(cell);
  if (v === 0 && cell.trim() === '') return NaN;
  if (Number.isNaN(v) && decimalComma && /^\s*-?\d+,\d+\s*$/.test(cell)) v = Number(cell.replace(',', '.'));
  return Number.isFinite(v) ? v : NaN;
}

// ---- main parse ----

/** Accepted rows in file order, columnar so that a 5000-row file costs few allocations. */
class Rows {
  n = 0;
  readonly line: Int32Array;
  readonly minutes: Int32Array;
  readonly key: string[] = [];
  readonly date: string[] = [];
  readonly o: Float64Array;
  readonly h: Float64Array;
  readonly l: Float64Array;
  readonly c: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
  constructor(capacity: number) {
    this.line = new Int32Array(capacity);
    this.minutes = new Int32Array(capacity);
    this.o = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.c = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.a = new Float64Array(capacity);
  }
}

function parseText(text: string, file: string, encoding: string, opts: ImportOptions): ImportResult {
  const lines = text.split('\n', HEADER_SEARCH_LINES);
  const header = findHeader(lines, file);
  const titleLines = lines.slice(0, header.index).filter((l) => l.trim() !== '');
  const format = detectFormat(header, file, titleLines, text.slice(-400).split('\n'), opts.format);
  const issues: DataIssue[] = [];
  const cols = header.cols;
  const fieldName = (f: Field) => header.cells[cols[f]!]?.trim() || f;
  if (titleLines.length) {
    issues.push({
      severity: 'info',
      kind: 'title-line',
      file,
      line: 1,
      message: `${titleLines.length} line(s) before the header skipped: '${titleLines[0].trim().slice(0, 60)}'`,
    });
  }
  for (const f of ['open', 'high', 'low'] as const) {
    if (cols[f] === undefined) {
      throw new DataError(
        file,
        `no '${f}' column in the header (columns: ${header.cells.map((c) => c.trim()).join(', ')})`,
        {
          line: header.index + 1,
        },
      );
    }
  }
  if (cols.volume === undefined) {
    issues.push({
      severity: 'warning',
      kind: 'missing-column',
      file,
      line: header.index + 1,
      field: 'volume',
      message: 'no volume column: volume set to 0',
    });
  }

  const volHint = cols.volume !== undefined ? unitHint(header.cells[cols.volume]) : undefined;
  const amtHint = cols.amount !== undefined ? unitHint(header.cells[cols.amount]) : undefined;
  // Vendor units: Sina, Eastmoney and Tushare give index volume in lots; Eastmoney and Tushare amount in 1000 CNY.
  let volumeUnit: VolumeUnit =
    format === 'sina' || format === 'eastmoney' || format === 'tushare' ? 'lots' : 'shares';
  if (volHint && /^(手|lots?)$/.test(volHint)) volumeUnit = 'lots';
  if (volHint && /^(股|shares?)$/.test(volHint)) volumeUnit = 'shares';
  if (opts.volumeUnit) volumeUnit = opts.volumeUnit;
  let amountScale = format === 'eastmoney' || format === 'tushare' ? 1000 : 1;
  if (amtHint && /^(千元|thousand)/.test(amtHint)) amountScale = 1000;
  if (amtHint && /^(万元|万)$/.test(amtHint)) amountScale = 10000;
  const volScale = volumeUnit === 'lots' ? 100 : 1;
  if (format === 'tdx') {
    issues.push({
      severity: 'info',
      kind: 'volume-unit',
      file,
      field: fieldName('volume'),
      message:
        "tdx index export: the '成交量' column is kept as in the file; on the shared 2017 data it equals the day's turnover / 10,000 CNY, not shares",
    });
  }

  // Body -> cells. Whitespace-aligned files are turned into tab-separated text first.
  let bodyStart = 0;
  for (let i = 0; i <= header.index; i++) bodyStart += lines[i].length + 1;
  let body = text.slice(Math.min(bodyStart, text.length));
  let delimiter = header.delimiter;
  if (delimiter === ' ') {
    body = body
      .split('\n')
      .map((l) => splitWs(l).join('\t'))
      .join('\n');
    delimiter = '\t';
  }
  let rowsCells = Papa.parse<string[]>(body, {
    delimiter,
    newline: '\n',
    skipEmptyLines: false,
    header: false,
  }).data;
  let bodyLines = 1;
  for (let at = body.indexOf('\n'); at >= 0; at = body.indexOf('\n', at + 1)) bodyLines++;
  if (rowsCells.length !== bodyLines) {
    // A quoted field spanning lines would shift line numbers: parse line by line to keep them exact.
    rowsCells = body
      .split('\n')
      .map((l) => (Papa.parse<string[]>(l, { delimiter, header: false }).data[0] ?? []) as string[]);
  }

  // Trailing footer lines (e.g. 数据来源:通达信): short lines without a date after the last data row. A full-width
  // row with a bad date is data, and is reported as such below.
  const need = Math.max(...Object.values(cols).map((i) => i!));
  let lastDataIdx = rowsCells.length - 1;
  while (lastDataIdx >= 0) {
    const cells = rowsCells[lastDataIdx];
    if (cells.length === 1 && cells[0].trim() === '') {
      lastDataIdx--;
      continue;
    }
    if (cells.length > need || parseDate(cells[cols.date!] ?? '') !== undefined) break;
    issues.push({
      severity: 'info',
      kind: 'footer',
      file,
      line: header.index + 2 + lastDataIdx,
      message: `footer line skipped: '${cells.join(delimiter).trim().slice(0, 60)}'`,
    });
    lastDataIdx--;
  }

  const decimalComma = header.delimiter === ';';
  const rows = new Rows(lastDataIdx + 1);
  let rowsRead = 0;
  let dateKind: DateKind = 0 as DateKind;
  let codeFromColumn: string | undefined;
  const drop = (kind: string, line: number, field: string | undefined, message: string) =>
    issues.push({ severity: 'error', kind, file, line, field, message: `${message}; row dropped` });

  for (let r = 0; r <= lastDataIdx; r++) {
    const cells = rowsCells[r];
    const line = header.index + 2 + r;
    if (cells.length === 0 || (cells.length === 1 && cells[0].trim() === '')) continue;
    rowsRead++;
    if (cells.length <= need) {
      const missing = (Object.entries(cols) as [Field, number][])
        .filter(([, i]) => i >= cells.length)
        .sort((a, b) => a[1] - b[1]);
      drop(
        'truncated',
        line,
        missing.length ? header.cells[missing[0][1]].trim() : undefined,
        `truncated row: ${cells.length} of ${header.cells.length} fields`,
      );
      continue;
    }
    const dcell = cells[cols.date!];
    const pd = parseDate(dcell);
    if (!pd) {
      drop(
        'bad-date',
        line,
        fieldName('date'),
        `'${dcell.trim().slice(0, 30)}' is not a date (expected e.g. 2017-04-27, 2017/04/27 or 20170427)`,
      );
      continue;
    }
    if (!dateKind) dateKind = pd.kind;
    let minutes = pd.minutes;
    if (cols.time !== undefined) {
      const t = parseTime(cells[cols.time]);
      if (t === undefined) {
        drop(
          'bad-time',
          line,
          fieldName('time'),
          `'${cells[cols.time].trim().slice(0, 20)}' is not a time (expected e.g. 0931 or 09:31)`,
        );
        continue;
      }
      minutes = t;
    }
    const o = parseNum(cells[cols.open!], decimalComma);
    const h = parseNum(cells[cols.high!], decimalComma);
    const l = parseNum(cells[cols.low!], decimalComma);
    const c = parseNum(cells[cols.close!], decimalComma);
    const v = cols.volume !== undefined ? parseNum(cells[cols.volume], decimalComma) : 0;
    const a = cols.amount !== undefined ? parseNum(cells[cols.amount], decimalComma) : 0;
    // NaN fails every comparison, so one test passes all good rows; the slow path names the first bad field.
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && v >= 0 && a >= 0)) {
      const vals = { open: o, high: h, low: l, close: c, volume: v, amount: a };
      const nan = VALUE_FIELDS.find((f) => Number.isNaN(vals[f]));
      if (nan) {
        drop(
          'non-numeric',
          line,
          fieldName(nan),
          `'${(cells[cols[nan]!] ?? '').trim().slice(0, 30)}' is not a number`,
        );
      } else {
        const f = VALUE_FIELDS.find((x) =>
          (PRICE_FIELDS as readonly string[]).includes(x) ? vals[x] <= 0 : vals[x] < 0,
        )!;
        const what = (PRICE_FIELDS as readonly string[]).includes(f)
          ? `price ${vals[f]} is not positive`
          : `${f} ${vals[f]} is negative`;
        drop(
          (PRICE_FIELDS as readonly string[]).includes(f) ? 'non-positive' : 'negative',
          line,
          fieldName(f),
          what,
        );
      }
      continue;
    }
    if (cols.code !== undefined && codeFromColumn === undefined) codeFromColumn = cells[cols.code].trim();
    const k = rows.n++;
    rows.line[k] = line;
    rows.minutes[k] = minutes;
    rows.key.push(minutes >= 0 ? `${pd.date} ${hhmm(minutes)}` : pd.date);
    rows.date.push(pd.date);
    rows.o[k] = o;
    rows.h[k] = h;
    rows.l[k] = l;
    rows.c[k] = c;
    rows.v[k] = v * volScale;
    rows.a[k] = a * amountScale;
  }

  if (rowsRead === 0) throw new DataError(file, 'header only: no data rows', { line: header.index + 1 });
  if (rows.n === 0) {
    const first = issues.find((i) => i.severity === 'error');
    throw new DataError(
      file,
      `no usable row: all ${rowsRead} rows dropped (first: ${first?.message ?? 'unknown'})`,
      {
        line: first?.line,
        field: first?.field,
      },
    );
  }

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
        field: fieldName('date'),
      });
    }
  }
  if (intraday) normaliseStamps(rows, file, issues);

  const { order, reversed } = orderRows(rows, file, issues, fieldName('date'));
  const n = order.length;
  const bars: Bars = {
    code:
      opts.code ??
      codeFromName(file) ??
      codeFromColumn?.match(/\d{6}/)?.[0] ??
      titleLines[0]?.match(/\d{6}/)?.[0] ??
      path.parse(file).name,
    source: file,
    barsPerDay: 1,
    time: new Array<string>(n),
    date: new Array<string>(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    amount: new Float64Array(n),
  };
  const lineOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = order[i];
    const o = (bars.open[i] = rows.o[k]);
    const h = (bars.high[i] = rows.h[k]);
    const l = (bars.low[i] = rows.l[k]);
    const c = (bars.close[i] = rows.c[k]);
    bars.time[i] = rows.key[k];
    bars.date[i] = rows.date[k];
    bars.volume[i] = rows.v[k];
    bars.amount[i] = rows.a[k];
    lineOf[i] = rows.line[k];
    if (h < (o > c ? o : c) || l > (o < c ? o : c) || h < l) {
      const f = h < (o > c ? o : c) || h < l ? fieldName('high') : fieldName('low');
      issues.push({
        severity: 'warning',
        kind: 'high-low',
        file,
        line: rows.line[k],
        field: f,
        message: `${rows.key[k]}: high ${h} / low ${l} do not contain open ${o} / close ${c}; row kept as is`,
      });
    }
  }
  if (intraday) {
    bars.barsPerDay = detectBarsPerDay(bars);
    checkDays(bars, lineOf, file, issues);
  } else {
    issues.push(...checkOutliers(bars, lineOf));
  }

  const report: ImportReport = {
    file,
    format,
    encoding,
    delimiter: header.delimiter === '\t' ? 'tab' : header.delimiter === ' ' ? 'whitespace' : header.delimiter,
    code: bars.code,
    barsPerDay: bars.barsPerDay,
    rowsRead,
    rowsKept: n,
    rowsDropped: rowsRead - n,
    firstTime: bars.time[0],
    lastTime: bars.time[n - 1],
    volumeUnit,
    issues,
    amountScale,
    reversed,
    dateFormat: DATE_FORMAT_NAMES[dateKind] ?? '',
    headerLine: header.index + 1,
  };
  return { bars, report };
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

/**
 * Order of the rows to keep: newest-first files are reversed; repeated timestamps keep the first row in file
 * order; rows out of time order are dropped, keeping the longest time-ordered run so one mistyped date drops
 * one row, not every row after it.
 */
function orderRows(
  rows: Rows,
  file: string,
  issues: DataIssue[],
  dateField: string,
): { order: Int32Array; reversed: boolean } {
  const { key, n } = rows;
  let up = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    if (key[i] > key[i - 1]) up++;
    else if (key[i] < key[i - 1]) down++;
  }
  const reversed = down > up;
  if (reversed) {
    issues.push({
      severity: 'info',
      kind: 'reversed',
      file,
      message: 'rows are newest-first; reversed to oldest-first',
    });
  }
  const seq = new Int32Array(n);
  for (let i = 0; i < n; i++) seq[i] = reversed ? n - 1 - i : i;
  if (up === n - 1 || down === n - 1) return { order: seq, reversed };

  const first = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const prev = first.get(key[k]);
    if (prev === undefined) {
      first.set(key[k], k);
      continue;
    }
    const same =
      rows.o[prev] === rows.o[k] &&
      rows.h[prev] === rows.h[k] &&
      rows.l[prev] === rows.l[k] &&
      rows.c[prev] === rows.c[k] &&
      rows.v[prev] === rows.v[k];
    const pl = rows.line[prev];
    issues.push({
      severity: 'error',
      kind: 'duplicate-time',
      file,
      line: rows.line[k],
      field: dateField,
      message: `${key[k]} repeats line ${pl}${same ? ' (same values)' : ' with different values'}; row dropped, line ${pl} kept`,
    });
  }
  const unique: number[] = [];
  for (const k of seq) if (first.get(key[k]) === k) unique.push(k);
  const m = unique.length;
  const tails: number[] = [];
  const prevIdx = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) {
    const kk = key[unique[i]];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key[unique[tails[mid]]] < kk) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prevIdx[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Uint8Array(m);
  for (let i = tails[tails.length - 1]; i >= 0; i = prevIdx[i]) keep[i] = 1;
  const outOfOrder = m - tails.length;
  if (outOfOrder > Math.max(2, 0.01 * m)) {
    const firstBad = unique.find((_, i) => !keep[i])!;
    throw new DataError(
      file,
      `rows are not in time order: ${outOfOrder} of ${m} rows are out of sequence (newest-first or oldest-first files are fine)`,
      { line: rows.line[firstBad], field: dateField },
    );
  }
  const order: number[] = [];
  for (let i = 0; i < m; i++) {
    const k = unique[i];
    if (keep[i]) order.push(k);
    else {
      issues.push({
        severity: 'error',
        kind: 'out-of-order',
        file,
        line: rows.line[k],
        field: dateField,
        message: `${key[k]} is out of time order with the rows around it; row dropped`,
      });
    }
  }
  return { order: Int32Array.from(order), reversed };
}

/** Bars per day from the most common spacing of bar stamps within a day (1-minute -> 240). */
function detectBarsPerDay(bars: Bars): number {
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

/** Intraday days with more or fewer bars than barsPerDay are reported, one warning per day. */
function checkDays(bars: Bars, lineOf: Int32Array, file: string, issues: DataIssue[]) {
  let start = 0;
  for (let i = 1; i <= bars.time.length; i++) {
    if (i === bars.time.length || bars.date[i] !== bars.date[start]) {
      const count = i - start;
      if (count !== bars.barsPerDay) {
        issues.push({
          severity: 'warning',
          kind: 'incomplete-day',
          file,
          line: lineOf[start],
          message: `${bars.date[start]} has ${count} bars, expected ${bars.barsPerDay}`,
        });
      }
      start = i;
    }
  }
}
