/**
 * Cell parsing without intermediate allocations: dates (2017-04-27, 2017/04/27, 20170427, with or without a
 * time), times of day and numbers. The importer calls these once per cell of files with 10^5 rows or more.
 */

export enum DateKind {
  Dash = 1,
  Slash = 2,
  Compact = 3,
}
export const DATE_FORMAT_NAMES = ['', 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD'];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function num2(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

export interface ParsedDate {
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
export function parseDate(cell: string): ParsedDate | undefined {
  if (cell.length === 10 && cell.charCodeAt(4) === 45 && cell.charCodeAt(7) === 45) {
    // Fast path for canonical YYYY-MM-DD: the cell itself is the date string.
    const y = digit(cell, 0) * 1000 + digit(cell, 1) * 100 + num2(cell, 2);
    const mo = num2(cell, 5);
    const d = num2(cell, 8);
    if (digit(cell, 0) >= 0 && digit(cell, 1) >= 0 && num2(cell, 2) >= 0 && validYmd(y, mo, d)) {
      return { date: cell, kind: DateKind.Dash, minutes: -1 };
    }
  }
  if (
    (cell.length === 16 || cell.length === 19) &&
    cell.charCodeAt(4) === 45 &&
    cell.charCodeAt(7) === 45 &&
    cell.charCodeAt(13) === 58
  ) {
    // Fast path for 'YYYY-MM-DD HH:MM[:SS]' (czsc and most intraday CSVs): seconds are checked, then ignored.
    const y = digit(cell, 0) * 1000 + digit(cell, 1) * 100 + num2(cell, 2);
    const mo = num2(cell, 5);
    const d = num2(cell, 8);
    const h = num2(cell, 11);
    const mi = num2(cell, 14);
    const sep = cell.charCodeAt(10);
    const secOk = cell.length === 16 || (cell.charCodeAt(16) === 58 && num2(cell, 17) >= 0);
    if (
      (sep === 32 || sep === 84) &&
      digit(cell, 0) >= 0 &&
      digit(cell, 1) >= 0 &&
      num2(cell, 2) >= 0 &&
      validYmd(y, mo, d) &&
      h >= 0 &&
      h <= 23 &&
      mi >= 0 &&
      mi <= 59 &&
      secOk
    ) {
      return { date: cell.slice(0, 10), kind: DateKind.Dash, minutes: h * 60 + mi };
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
export function parseTime(cell: string): number | undefined {
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
export function parseNum(cell: string | undefined, decimalComma: boolean): number {
  return cell === undefined ? NaN : parseNumAt(cell, 0, cell.length, decimalComma);
}

/** parseNum of s.slice(start, end), reading the characters in place (no string is made for plain decimals). */
export function parseNumAt(s: string, start: number, end: number, decimalComma: boolean): number {
  let i = start;
  let neg = false;
  if (end > start && s.charCodeAt(start) === 45) {
    neg = true;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      mant = mant * 10 + (ch - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 46 && frac < 0) {
      frac = 0;
    } else break;
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = frac > 0 ? mant / POW10[frac] : mant;
    return neg ? -v : v;
  }
  const cell = start === 0 && end === s.length ? s : s.slice(start, end);
  let v = Number(cell);
  if (v === 0 && cell.trim() === '') return NaN;
  if (Number.isNaN(v) && decimalComma && /^\s*-?\d+,\d+\s*$/.test(cell)) v = Number(cell.replace(',', '.'));
  return Number.isFinite(v) ? v : NaN;
}

/**
 * Bar size named in a frequency cell, in minutes (a trading day = 240): 'Freq.F1', 'F15', '1min', '5m', '60分钟'
 * -> 1, 15, 1, 5, 60; 'Freq.D', 'D', '1d', 'day', 'daily', '日线' -> 240. Undefined when the cell names no size.
 */
export function parseFreq(cell: string): number | undefined {
  const s = cell
    .trim()
    .toLowerCase()
    .replace(/^freq\./, '');
  if (/^(d|1d|day|daily|日|日线)$/.test(s)) return 240;
  const m = /^(?:f(\d+)|(\d+)\s*(?:m|min|mins|minute|minutes|分钟|分钟线))$/.exec(s);
  if (!m) return undefined;
  const v = Number(m[1] ?? m[2]);
  return v >= 1 && v <= 240 ? v : undefined;
}
