/**
 * Header detection by column vocabulary rather than per-vendor special cases: date-time columns named dt,
 * datetime, time, trade_time, 'Date Time'...; volume named vol; code, id and freq columns; each layout written
 * by hand here and read back to the same bars.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../src/main/training/data/import';
import { parseDate, parseFreq, parseNum, parseNumAt } from '../../../src/main/training/data/parse/cells';
import { columnKey } from '../../../src/main/training/data/parse/header';

const tmp = mkdtempSync(path.join(tmpdir(), 'fi-header-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Three real 1-minute bars of SSE Composite (czsc file, 2015-01-05 09:31..09:33): open, close, high, low, vol.
const BARS = [
  ['09:31', 3258.63, 3259.69, 3262.85, 3258.63, 1333523100],
  ['09:32', 3258.33, 3256.19, 3259.55, 3256.19, 511386100],
  ['09:33', 3256.1, 3257.5, 3258.42, 3256.1, 455375200],
] as const;

function write(name: string, header: string, row: (b: (typeof BARS)[number]) => string, eol = '\n') {
  const f = path.join(tmp, name);
  writeFileSync(f, [header, ...BARS.map(row)].join(eol) + eol);
  return f;
}

function expectBars(f: string) {
  const { bars, report } = importFile(f, { code: '000001' });
  expect(bars.time).toEqual(BARS.map((b) => `2015-01-05 ${b[0]}`));
  expect(Array.from(bars.open)).toEqual(BARS.map((b) => b[1]));
  expect(Array.from(bars.close)).toEqual(BARS.map((b) => b[2]));
  expect(Array.from(bars.high)).toEqual(BARS.map((b) => b[3]));
  expect(Array.from(bars.low)).toEqual(BARS.map((b) => b[4]));
  expect(report.barsPerDay).toBe(240);
  expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return { bars, report };
}

describe('date-time and value columns by name', () => {
  it('czsc layout: symbol,id,dt,freq,open,close,high,low,vol with CRLF', () => {
    const f = write(
      'czsc.csv',
      'symbol,id,dt,freq,open,close,high,low,vol',
      (b) => `000001.XSHG,0,2015-01-05 ${b[0]}:00,Freq.F1,${b[1]},${b[2]},${b[3]},${b[4]},${b[5]}`,
      '\r\n',
    );
    const { bars, report } = expectBars(f);
    expect(report.format).toBe('czsc');
    expect(report.volumeUnit).toBe('shares');
    expect(Array.from(bars.volume)).toEqual(BARS.map((b) => b[5]));
    expect(report.issues.map((i) => i.kind).sort()).toEqual(['freq-column', 'short-day']);
  });

  it.each([
    ['datetime', 'datetime'],
    ['time alone', 'time'],
    ['trade_time alone', 'trade_time'],
    ['Date Time', 'Date Time'],
    ['date/time', 'date/time'],
    ['timestamp', 'timestamp'],
    ['TradeTime', 'TradeTime'],
    ['交易时间', '交易时间'],
  ])('a single %s column carrying date and time', (_, name) => {
    const f = write(
      `one-${name.replace(/\W/g, '_')}.csv`,
      `${name},open,high,low,close,vol`,
      (b) => `2015-01-05 ${b[0]}:00,${b[1]},${b[3]},${b[4]},${b[2]},${b[5]}`,
    );
    const { bars, report } = expectBars(f);
    expect(report.format).toBe('generic');
    expect(Array.from(bars.volume)).toEqual(BARS.map((b) => b[5]));
  });

  it('Tushare minute layout: trade_time (date-time) beside trade_date (day) reads the date-time', () => {
    const f = write(
      'tushare-min.csv',
      'ts_code,trade_time,open,close,high,low,vol,amount,trade_date',
      (b) => `000001.SH,2015-01-05 ${b[0]}:00,${b[1]},${b[2]},${b[3]},${b[4]},${b[5] / 100},0,20150105`,
    );
    const { bars, report } = expectBars(f);
    expect(report.format).toBe('tushare');
    expect(bars.volume[0]).toBeCloseTo(BARS[0][5], 3); // lots x 100
  });

  it('a date column and a time-of-day column (tdx style), prices named with a price suffix', () => {
    const f = write(
      'split.csv',
      'Trade Date,Bar Time,Open Price,High Price,Low Price,Close Price,Volume (shares)',
      (b) => `20150105,${b[0].replace(':', '')},${b[1]},${b[3]},${b[4]},${b[2]},${b[5]}`,
    );
    const { report } = expectBars(f);
    expect(report.dateFormat).toBe('YYYYMMDD');
  });

  it('a freq column that disagrees with the stamps is a warning; the stamps are used', () => {
    const f = write(
      'freq.csv',
      'dt,open,close,high,low,vol,freq',
      (b) => `2015-01-05 ${b[0]},${b[1]},${b[2]},${b[3]},${b[4]},${b[5]},5min`,
    );
    const { report } = expectBars(f);
    expect(report.issues.find((i) => i.kind === 'freq-column')).toMatchObject({
      severity: 'warning',
      field: 'freq',
      message: "'5min' says 5-minute bars but the stamps show 1-minute bars; the stamps are used",
    });
  });

  it('a header without any date-time column names what it expected', () => {
    const f = write('nodate.csv', 'when,open,high,low,close', (b) => `x,${b[1]},${b[3]},${b[4]},${b[2]}`);
    expect(() => importFile(f)).toThrow(/expected a date or date-time column \(date, dt, datetime, time/);
  });
});

describe('vocabulary and cells', () => {
  it('columnKey reduces names to the vocabulary', () => {
    const cases: [string, string][] = [
      ['trade_time', 'time'],
      ['TradeTime', 'time'],
      ['bar time', 'time'],
      ['Date/Time', 'datetime'],
      ['"DateTime"', 'datetime'],
      ['close_price', 'close'],
      ['收盘价', '收盘'],
      ['交易日期', '日期'],
      ['成交量(手)', '成交量'],
      ['ts_code', 'tscode'],
      ['pre_close', 'preclose'], // not a close column
      ['pct_chg', 'pctchg'],
      ['trade', 'trade'], // nothing left to strip to
    ];
    for (const [cell, key] of cases) expect(columnKey(cell), cell).toBe(key);
  });

  it('parseFreq reads bar sizes in minutes (240 = a day)', () => {
    const cases: [string, number | undefined][] = [
      ['Freq.F1', 1],
      ['F15', 15],
      ['1min', 1],
      ['5m', 5],
      ['60分钟', 60],
      ['Freq.D', 240],
      ['daily', 240],
      ['日线', 240],
      ['weekly', undefined],
      ['F0', undefined],
      ['', undefined],
    ];
    for (const [cell, m] of cases) expect(parseFreq(cell), cell).toBe(m);
  });

  it('the YYYY-MM-DD HH:MM[:SS] fast path gives what the general path gives', () => {
    expect(parseDate('2015-01-05 09:31:00')).toEqual({ date: '2015-01-05', kind: 1, minutes: 571 });
    expect(parseDate('2015-01-05T13:01')).toEqual({ date: '2015-01-05', kind: 1, minutes: 781 });
    expect(parseDate(' 2015-01-05 09:31:00')).toEqual({ date: '2015-01-05', kind: 1, minutes: 571 }); // general
    expect(parseDate('2015-02-29 09:31:00')).toBeUndefined(); // not a leap year
    expect(parseDate('2015-01-05 24:00:00')).toBeUndefined();
    expect(parseDate('2015-01-05 09:61')).toBeUndefined();
  });

  it('parseNumAt reads a range in place exactly as parseNum reads the slice', () => {
    const line = '000001.XSHG,7,2015-01-05 09:38:00,Freq.F1,3261.9,-0.5,,1e3, 12 ,3,5';
    const cells = line.split(',');
    let at = 0;
    for (const c of cells) {
      const a = parseNumAt(line, at, at + c.length, false);
      const b = parseNum(c, false);
      expect(Object.is(a, b), c).toBe(true);
      at += c.length + 1;
    }
    expect(parseNumAt('x;3,25;y', 2, 6, true)).toBe(3.25); // decimal comma
  });
});
