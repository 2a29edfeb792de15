/**
 * Import of index bar files in the formats analysts get them (baostock, Sina, Eastmoney, TongDaXin, czsc exports
 * and any CSV whose header names its columns in English or Chinese) into columnar Bars plus a ValidationReport.
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
 * - Intraday days that are not full are named, never filled here: 'short-day' when the last bar ends before 15:00
 *   (trading stopped early), 'incomplete-day' with the missing stamps otherwise. Filling is the resampler's job.
 * - A frequency column (czsc's freq = 'Freq.F1') is checked against the stamps; the stamps win.
 *
 * This file is the public entry point; the stages live in ./parse/: decode.ts (bytes -> text), header.ts (header
 * and column detection), format.ts (vendor profile and units), cells.ts (dates, times, numbers), rows.ts (body ->
 * checked rows), stamps.ts (intraday stamps, bars per day), order.ts (row ordering).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bars, DataIssue, ValidationReport } from '../../../shared/domain';
import { DataError } from '../../../shared/errors';
import { findIndexFile } from './data-dir';
import { checkOutliers } from './validate';
import { DATE_FORMAT_NAMES, parseFreq } from './parse/cells';
import { decode } from './parse/decode';
import { codeFromName, detectFormat, type FormatName, unitsOf, type VolumeUnit } from './parse/format';
import { type Field, findHeader, HEADER_SEARCH_LINES } from './parse/header';
import { orderRows } from './parse/order';
import { readRows } from './parse/rows';
import { checkDays, detectBarsPerDay, settleStamps } from './parse/stamps';

export { codeFromName, type FormatName, type VolumeUnit };

export interface ImportOptions {
  /** Index code; default: from the file name (000300, sh000300, SH-000300, 399006.SZ), a code column or the title line. */
  code?: string;
  /** Override the volume unit of the source ('lots' are multiplied by 100 to shares). */
  volumeUnit?: VolumeUnit;
  /** Override the detected vendor profile: 'baostock' | 'sina' | 'eastmoney' | 'tushare' | 'tdx' | 'czsc' | 'generic'. */
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

  const { volumeUnit, amountScale } = unitsOf(format, header, opts.volumeUnit);
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

  const { rows, rowsRead, dateKind, codeFromColumn, freqFromColumn } = readRows(
    text,
    lines,
    header,
    file,
    issues,
    volScale,
    amountScale,
  );

  const intraday = settleStamps(rows, file, issues, fieldName('date'));
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
  if (freqFromColumn !== undefined)
    issues.push(checkFreq(freqFromColumn, bars.barsPerDay, file, fieldName('freq')));

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

/** The bar size a frequency column claims, against the one the stamps show: a note when they agree, else a warning. */
function checkFreq(cell: string, barsPerDay: number, file: string, field: string): DataIssue {
  const claimed = parseFreq(cell);
  const seen = barsPerDay === 1 ? 240 : 240 / barsPerDay;
  const name = (m: number) => (m === 240 ? 'daily bars' : `${m}-minute bars`);
  if (claimed === undefined)
    return {
      severity: 'info',
      kind: 'freq-column',
      file,
      field,
      message: `'${cell.slice(0, 20)}' names no bar size; the stamps show ${name(seen)}`,
    };
  return claimed === seen
    ? {
        severity: 'info',
        kind: 'freq-column',
        file,
        field,
        message: `'${cell}' says ${name(claimed)}, as the stamps show`,
      }
    : {
        severity: 'warning',
        kind: 'freq-column',
        file,
        field,
        message: `'${cell}' says ${name(claimed)} but the stamps show ${name(seen)}; the stamps are used`,
      };
}
