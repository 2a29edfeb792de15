/**
 * The body of a file -> accepted rows in file order. Each row is checked cell by cell; a bad row is dropped and
 * reported with file:line:field, never repaired. Trailing footer lines (e.g. 数据来源:通达信) are skipped.
 */
import Papa from 'papaparse';
import type { DataIssue } from '../../../../shared/domain';
import { DataError } from '../../../../shared/errors';
import { type DateKind, parseDate, parseNum, parseTime } from './cells';
import { type Field, type HeaderInfo, splitWs } from './header';
import { hhmm } from '../time';

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const VALUE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

/** Accepted rows in file order, columnar so that a 5000-row file costs few allocations. */
export class Rows {
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

export interface ReadRows {
  rows: Rows;
  /** Non-blank data lines read (kept + dropped). */
  rowsRead: number;
  /** Date format of the first accepted row. */
  dateKind: DateKind;
  /** The code column's first value, when the file has one. */
  codeFromColumn?: string;
}

/**
 * Reads every data line after the header. `lines` are the first lines of `text` (as split for header search),
 * `volScale` / `amountScale` turn the file's units into shares and CNY.
 */
export function readRows(
  text: string,
  lines: string[],
  header: HeaderInfo,
  file: string,
  issues: DataIssue[],
  volScale: number,
  amountScale: number,
): ReadRows {
  const cols = header.cols;
  const fieldName = (f: Field) => header.cells[cols[f]!]?.trim() || f;
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

  return { rows, rowsRead, dateKind, codeFromColumn };
}
