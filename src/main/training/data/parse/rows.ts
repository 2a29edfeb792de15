/**
 * The body of a file -> accepted rows in file order. Each row is checked cell by cell; a bad row is dropped and
 * reported with file:line:field, never repaired. Trailing footer lines (e.g. 数据来源:通达信) are skipped.
 */
import Papa from 'papaparse';
import type { DataIssue } from '../../../../shared/domain';
import { DataError } from '../../../../shared/errors';
import { type DateKind, parseDate, parseNum, parseNumAt, parseTime } from './cells';
import { type Field, type HeaderInfo, resolveStamps, splitWs } from './header';
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
  /** The bar-size column's first value (e.g. czsc's 'Freq.F1'), when the file has one. */
  freqFromColumn?: string;
}

/**
 * One body row at a time, as cells. Files without a quote character are read from each line by offsets (no
 * array or string per cell: the 175,345-row czsc file spends most of its import time here otherwise); quoted
 * files go through papaparse. Both give the same cells for the same unquoted text.
 */
interface RowView {
  readonly rows: number;
  /** Loads row r; returns its number of cells (a blank line has one empty cell). */
  load(r: number): number;
  /** Text of cell c of the loaded row ('' past the end). */
  cell(c: number): string;
  /** parseNum of cell c of the loaded row. */
  num(c: number, decimalComma: boolean): number;
  /** The loaded row as text, for messages. */
  text(): string;
}

class ArrayRows implements RowView {
  private cur: string[] = [];
  private delimiter: string;
  constructor(
    private readonly data: string[][],
    delimiter: string,
  ) {
    this.delimiter = delimiter;
  }
  get rows() {
    return this.data.length;
  }
  load(r: number) {
    this.cur = this.data[r];
    return this.cur.length;
  }
  cell(c: number) {
    return this.cur[c] ?? '';
  }
  num(c: number, decimalComma: boolean) {
    return parseNum(this.cur[c], decimalComma);
  }
  text() {
    return this.cur.join(this.delimiter);
  }
}

class LineRows implements RowView {
  private line = '';
  private count = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  constructor(
    private readonly lines: string[],
    private readonly delim: string,
  ) {}
  get rows() {
    return this.lines.length;
  }
  load(r: number) {
    const s = (this.line = this.lines[r]);
    let n = 0;
    let from = 0;
    for (;;) {
      let at = s.indexOf(this.delim, from);
      if (at < 0) at = s.length;
      if (n === this.starts.length) {
        const grow = (x: Int32Array) => {
          const y = new Int32Array(x.length * 2);
          y.set(x);
          return y;
        };
        this.starts = grow(this.starts);
        this.ends = grow(this.ends);
      }
      this.starts[n] = from;
      this.ends[n] = at;
      n++;
      if (at === s.length) break;
      from = at + 1;
    }
    return (this.count = n);
  }
  cell(c: number) {
    return c < this.count ? this.line.slice(this.starts[c], this.ends[c]) : '';
  }
  num(c: number, decimalComma: boolean) {
    return c < this.count ? parseNumAt(this.line, this.starts[c], this.ends[c], decimalComma) : NaN;
  }
  text() {
    return this.line;
  }
}

/** The body split into rows: by offsets when it has no quote character, else by papaparse. */
function bodyRows(body: string, delimiter: string): RowView {
  if (!body.includes('"') && delimiter.length === 1) return new LineRows(body.split('\n'), delimiter);
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
  return new ArrayRows(rowsCells, delimiter);
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
  // Body -> rows. Whitespace-aligned files are turned into tab-separated text first.
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
  const view = bodyRows(body, delimiter);

  const width = Math.max(...Object.values(cols).map((i) => i!));
  for (let r = 0; r < view.rows; r++) {
    const count = view.load(r);
    if (count > width) {
      const cells: string[] = [];
      for (let c = 0; c < count; c++) cells.push(view.cell(c));
      resolveStamps(cols, cells);
      break;
    }
  }

  // Trailing footer lines (e.g. 数据来源:通达信): short lines without a date after the last data row. A full-width
  // row with a bad date is data, and is reported as such below.
  const need = Math.max(...Object.values(cols).map((i) => i!));
  let lastDataIdx = view.rows - 1;
  while (lastDataIdx >= 0) {
    const count = view.load(lastDataIdx);
    if (count === 1 && view.cell(0).trim() === '') {
      lastDataIdx--;
      continue;
    }
    if (count > need || parseDate(view.cell(cols.date!)) !== undefined) break;
    issues.push({
      severity: 'info',
      kind: 'footer',
      file,
      line: header.index + 2 + lastDataIdx,
      message: `footer line skipped: '${view.text().trim().slice(0, 60)}'`,
    });
    lastDataIdx--;
  }

  const decimalComma = header.delimiter === ';';
  const rows = new Rows(lastDataIdx + 1);
  let rowsRead = 0;
  let dateKind: DateKind = 0 as DateKind;
  let codeFromColumn: string | undefined;
  let freqFromColumn: string | undefined;
  let prevDate = '';
  const drop = (kind: string, line: number, field: string | undefined, message: string) =>
    issues.push({ severity: 'error', kind, file, line, field, message: `${message}; row dropped` });
  const iO = cols.open!;
  const iH = cols.high!;
  const iL = cols.low!;
  const iC = cols.close!;
  const iV = cols.volume ?? -1;
  const iA = cols.amount ?? -1;

  for (let r = 0; r <= lastDataIdx; r++) {
    const count = view.load(r);
    const line = header.index + 2 + r;
    if (count === 0 || (count === 1 && view.cell(0).trim() === '')) continue;
    rowsRead++;
    if (count <= need) {
      const missing = (Object.entries(cols) as [Field, number][])
        .filter(([, i]) => i >= count)
        .sort((a, b) => a[1] - b[1]);
      drop(
        'truncated',
        line,
        missing.length ? header.cells[missing[0][1]].trim() : undefined,
        `truncated row: ${count} of ${header.cells.length} fields`,
      );
      continue;
    }
    const dcell = view.cell(cols.date!);
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
      const tcell = view.cell(cols.time);
      const t = parseTime(tcell);
      if (t === undefined) {
        drop(
          'bad-time',
          line,
          fieldName('time'),
          `'${tcell.trim().slice(0, 20)}' is not a time (expected e.g. 0931 or 09:31)`,
        );
        continue;
      }
      minutes = t;
    }
    const o = view.num(iO, decimalComma);
    const h = view.num(iH, decimalComma);
    const l = view.num(iL, decimalComma);
    const c = view.num(iC, decimalComma);
    const v = iV >= 0 ? view.num(iV, decimalComma) : 0;
    const a = iA >= 0 ? view.num(iA, decimalComma) : 0;
    // NaN fails every comparison, so one test passes all good rows; the slow path names the first bad field.
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && v >= 0 && a >= 0)) {
      const vals = { open: o, high: h, low: l, close: c, volume: v, amount: a };
      const nan = VALUE_FIELDS.find((f) => Number.isNaN(vals[f]));
      if (nan) {
        drop(
          'non-numeric',
          line,
          fieldName(nan),
          `'${view.cell(cols[nan]!).trim().slice(0, 30)}' is not a number`,
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
    if (cols.code !== undefined && codeFromColumn === undefined) codeFromColumn = view.cell(cols.code).trim();
    if (cols.freq !== undefined && freqFromColumn === undefined) freqFromColumn = view.cell(cols.freq).trim();
    const k = rows.n++;
    rows.line[k] = line;
    rows.minutes[k] = minutes;
    // The canonical 'YYYY-MM-DD HH:MM' prefix of the cell is the key itself: no new string per row.
    const canonical =
      minutes === pd.minutes &&
      dcell.length >= 16 &&
      dcell.charCodeAt(4) === 45 &&
      dcell.charCodeAt(7) === 45 &&
      dcell.charCodeAt(10) === 32 &&
      dcell.charCodeAt(13) === 58;
    rows.key.push(minutes < 0 ? pd.date : canonical ? dcell.slice(0, 16) : `${pd.date} ${hhmm(minutes)}`);
    // Rows of one day share one date string: later same-day comparisons are then identity checks.
    if (pd.date !== prevDate) prevDate = pd.date;
    rows.date.push(prevDate);
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

  return { rows, rowsRead, dateKind, codeFromColumn, freqFromColumn };
}
