/**
 * Malformed and unusual inputs: each gives a named DataError or a report issue with the right line and field,
 * never a crash, a NaN or a shifted series. Fixtures are tiny hand-written files in tests/fixtures/data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { importFile } from '../../../src/main/training/data/import';
import { DataError } from '../../../src/shared/errors';
import { run as dataCli } from '../../../src/cli/commands/data';
import { fixture } from '../../helpers/data';

const fx = (name: string) => fixture(`data/${name}`);
const tmp = mkdtempSync(path.join(tmpdir(), 'fi-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

function allFinite(bars: {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}) {
  return [bars.open, bars.high, bars.low, bars.close, bars.volume].every((a) => a.every(Number.isFinite));
}

describe('row-level problems are dropped and reported with file:line:field', () => {
  it('truncated row', () => {
    const { bars, report } = importFile(fx('truncated.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-04-28']);
    expect(report.rowsRead).toBe(3);
    expect(report.rowsDropped).toBe(1);
    expect(report.issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        kind: 'truncated',
        file: fx('truncated.csv'),
        line: 3,
        field: 'low',
      }),
    ]);
  });

  it('text in a numeric field, and an empty numeric field (never read as 0)', () => {
    const { bars, report } = importFile(fx('non-numeric.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-05-02']);
    expect(allFinite(bars)).toBe(true);
    const errs = report.issues.filter((i) => i.severity === 'error');
    expect(errs.map((i) => [i.kind, i.line, i.field])).toEqual([
      ['non-numeric', 3, 'close'],
      ['non-numeric', 4, 'volume'],
    ]);
    expect(errs[0].message).toContain("'abc'");
  });

  it('non-positive prices are dropped; high/low not containing open/close is a warning on a kept row', () => {
    const { bars, report } = importFile(fx('bad-prices.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-05-02']);
    expect(report.issues.map((i) => [i.severity, i.kind, i.line, i.field])).toEqual([
      ['error', 'non-positive', 3, 'open'],
      ['error', 'non-positive', 4, 'close'],
      ['warning', 'high-low', 5, 'high'],
    ]);
  });

  it('a full-width last row with a bad date is a dropped row, not a footer', () => {
    const f = path.join(tmp, 'bad-last.csv');
    writeFileSync(
      f,
      'date,open,high,low,close,volume\n2017-04-26,1,2,1,2,5\n2017-04-27,1,2,1,2,5\nyesterday,1,2,1,2,5\n',
    );
    const { report } = importFile(f);
    expect(report.issues.map((i) => [i.severity, i.kind, i.line, i.field])).toEqual([
      ['error', 'bad-date', 4, 'date'],
    ]);
  });

  it('bad dates', () => {
    const { bars, report } = importFile(fx('bad-date.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-04-28']);
    expect(report.issues.map((i) => [i.kind, i.line, i.field])).toEqual([
      ['bad-date', 3, 'date'],
      ['bad-date', 4, 'date'],
    ]);
  });

  it('duplicate dates: the first row is kept, later ones dropped and named', () => {
    const { bars, report } = importFile(fx('duplicate.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-04-27', '2017-04-28']);
    expect(bars.close[1]).toBe(3446.72);
    expect(report.issues.map((i) => [i.kind, i.line, i.field])).toEqual([
      ['duplicate-time', 4, 'date'],
      ['duplicate-time', 5, 'date'],
    ]);
    expect(report.issues[0].message).toContain('same values');
    expect(report.issues[1].message).toContain('different values');
  });
});

describe('order of rows', () => {
  it('newest-first is reversed and said so', () => {
    const { bars, report } = importFile(fx('newest-first.csv'));
    expect(bars.time).toEqual(['2017-04-27', '2017-04-28', '2017-05-02', '2017-05-03']);
    expect(bars.close[0]).toBe(3446.72); // values travel with their dates
    expect(bars.close[3]).toBe(3455.0);
    expect(report.reversed).toBe(true);
    expect(report.issues.map((i) => i.kind)).toEqual(['reversed']);
  });

  it('one row out of order (a mistyped year) drops that row only', () => {
    const { bars, report } = importFile(fx('one-out-of-order.csv'));
    expect(bars.time).toEqual(['2017-04-26', '2017-04-27', '2017-05-02', '2017-05-03', '2017-05-04']);
    expect(report.issues.map((i) => [i.severity, i.kind, i.line, i.field])).toEqual([
      ['error', 'out-of-order', 4, 'date'],
    ]);
    expect(report.issues[0].message).toContain('2071-04-28');
  });

  it('truly unsorted rows are refused, naming the first row out of sequence', () => {
    const e = dataError(() => importFile(fx('shuffled.csv')));
    expect(e.message).toMatch(/not in time order/);
    expect(e.field).toBe('date');
    expect(e.line).toBeGreaterThan(1);
  });
});

describe('file-level problems throw a DataError naming the file', () => {
  it('empty file and blank-only file', () => {
    const a = dataError(() => importFile(fx('empty.csv')));
    expect(a.file).toBe(fx('empty.csv'));
    expect(a.message).toContain('file is empty');
    expect(dataError(() => importFile(fx('blank.csv'))).message).toContain('empty');
  });

  it('header only', () => {
    const e = dataError(() => importFile(fx('header-only.csv')));
    expect(e.message).toContain('header only');
    expect(e.line).toBe(1);
  });

  it('no recognisable date/close column', () => {
    const e = dataError(() => importFile(fx('no-date.csv')));
    expect(e.message).toMatch(/no header with a recognisable date and close column/);
  });

  it('no open/high/low column', () => {
    const e = dataError(() => importFile(fx('no-ohlc.csv')));
    expect([e.line, e.message]).toEqual([1, expect.stringContaining("no 'open' column")]);
  });

  it('a missing file', () => {
    expect(dataError(() => importFile(path.join(tmp, 'nope.csv'))).message).toContain('cannot read file');
  });

  it('all rows unusable', () => {
    const f = path.join(tmp, 'all-bad.csv');
    writeFileSync(f, 'date,open,high,low,close\n2017-04-26,x,1,1,1\n2017-04-27,1,1,1,y\n');
    const e = dataError(() => importFile(f));
    expect(e.message).toMatch(/no usable row: all 2 rows dropped/);
    expect([e.line, e.field]).toEqual([2, 'open']);
  });
});

describe('encodings', () => {
  const tdxText =
    '000300 沪深300 1分钟线 前复权\r\n      日期\t    时间\t    开盘\t    最高\t    最低\t    收盘\t    成交量\t    成交额\r\n' +
    '2017/04/27\t1129\t3425.28\t3426.15\t3425.28\t3425.47\t34426\t0.00\r\n' +
    '2017/04/27\t1300\t3425.67\t3428.38\t3425.63\t3428.35\t110249\t0.00\r\n' +
    '2017/04/27\t1301\t3428.35\t3428.35\t3428.35\t3428.35\t0\t0.00\r\n' +
    '数据来源:通达信\r\n';

  it('GBK is detected from invalid UTF-8 and decoded', () => {
    const f = path.join(tmp, 'SH-000300.txt');
    writeFileSync(f, iconv.encode(tdxText, 'gbk'));
    const { bars, report } = importFile(f);
    expect(report).toMatchObject({
      encoding: 'gbk',
      format: 'tdx',
      code: '000300',
      rowsRead: 3,
      rowsKept: 3,
      headerLine: 2,
    });
    expect(bars.time).toEqual(['2017-04-27 11:29', '2017-04-27 11:30', '2017-04-27 13:01']);
    expect(report.issues.find((i) => i.kind === 'footer')!.line).toBe(6);
  });

  it('a GBK file read where UTF-8 is claimed is refused on the first bad line', () => {
    const f = path.join(tmp, 'claimed-utf8.txt');
    writeFileSync(f, iconv.encode(tdxText, 'gbk'));
    const e = dataError(() => importFile(f, { encoding: 'utf-8' }));
    expect(e.message).toMatch(/not valid UTF-8/);
    expect(e.line).toBe(1);
  });

  it('bytes valid in neither UTF-8 nor GBK are refused with their line', () => {
    const f = path.join(tmp, 'garbage.csv');
    const head = Buffer.from('date,open,high,low,close\n2017-04-26,1,2,1,2\n2017-04-27,');
    writeFileSync(f, Buffer.concat([head, Buffer.from([0xff, 0xff]), Buffer.from(',2,1,2\n')]));
    const e = dataError(() => importFile(f));
    expect(e.message).toMatch(/neither valid UTF-8 nor GBK/);
    expect(e.line).toBe(3);
  });

  it('UTF-16LE with a byte-order mark (Excel "Unicode text")', () => {
    const f = path.join(tmp, '000905-utf16.txt');
    const text = '日期\t开盘\t最高\t最低\t收盘\t成交量\r\n2017-04-26\t1\t2\t1\t2\t5\r\n';
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { bars, report } = importFile(f);
    expect(report).toMatchObject({ encoding: 'utf-16le', code: '000905', rowsKept: 1 });
    expect(bars.close[0]).toBe(2);
  });

  it('UTF-8 with BOM, semicolons, decimal commas, Chinese header with a unit, compact dates, any column order', () => {
    const { bars, report } = importFile(fx('bom-semicolon-zh.csv'), { code: '000300' });
    expect(report).toMatchObject({
      encoding: 'utf-8-bom',
      delimiter: ';',
      dateFormat: 'YYYYMMDD',
      volumeUnit: 'lots',
      code: '000300',
    });
    expect(bars.time).toEqual(['2017-04-26', '2017-04-27']);
    expect([bars.open[1], bars.high[1], bars.low[1], bars.close[1], bars.volume[1], bars.amount[1]]).toEqual([
      3435.1, 3449.27, 3399.54, 3446.72, 1100, 5500,
    ]);
  });
});

describe('layouts', () => {
  it('whitespace-aligned text with a title and a footer line, slash dates', () => {
    const { bars, report } = importFile(fx('whitespace.txt'));
    expect(report).toMatchObject({
      delimiter: 'whitespace',
      headerLine: 2,
      rowsRead: 2,
      rowsKept: 2,
      dateFormat: 'YYYY/MM/DD',
    });
    expect(report.issues.map((i) => [i.kind, i.line])).toEqual([
      ['title-line', 1],
      ['footer', 5],
    ]);
    expect(bars.close[1]).toBe(3446.72);
    expect(bars.volume[1]).toBe(1100);
    expect(bars.amount[1]).toBe(0); // no amount column: 0, as Bars documents
  });

  it('intraday CSV with a datetime column and English aliases (vol, turnover)', () => {
    const { bars, report } = importFile(fx('intraday.csv'), { code: '000300' });
    expect(report.barsPerDay).toBe(240);
    expect(bars.time).toEqual(['2017-04-27 09:31', '2017-04-27 09:32', '2017-04-27 09:33']);
    expect(bars.date).toEqual(['2017-04-27', '2017-04-27', '2017-04-27']);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([
      3435.1, 3435.1, 3428.78, 3428.78, 256470,
    ]);
    // A partial day that stops before 15:00 is reported as a short day, not padded.
    expect(report.issues.map((i) => i.kind)).toEqual(['short-day']);
    expect(report.issues[0].message).toMatch(/^2017-04-27: trading stopped at 09:33 \(3 of 240 bars\)/);
  });

  it('a 1-minute file stamped with bar start times is moved to bar-end stamps, and said so', () => {
    const lines = ['Date,Time,Open,High,Low,Close,Volume'];
    const stamp = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
    const starts = [...Array(120).keys()]
      .map((i) => 570 + i)
      .concat([...Array(120).keys()].map((i) => 780 + i));
    starts.forEach((m, i) =>
      lines.push(`2017-04-27,${stamp(m)},${100 + i},${101 + i},${99 + i},${100.5 + i},10`),
    );
    const f = path.join(tmp, 'start-stamped.csv');
    writeFileSync(f, lines.join('\n') + '\n');
    const { bars, report } = importFile(f, { code: '000300' });
    expect(report.issues.map((i) => [i.kind, i.line])).toEqual([['start-stamps', 2]]);
    expect(bars.time.length).toBe(240);
    expect([bars.time[0], bars.time[119], bars.time[120], bars.time[239]].map((t) => t.slice(11))).toEqual([
      '09:31',
      '11:30',
      '13:01',
      '15:00',
    ]);
    expect(bars.close[120]).toBe(220.5); // the row stamped 13:00 in the file
  });

  it('a daily export whose dates carry a 00:00 time is read as daily bars', () => {
    const f = path.join(tmp, 'midnight.csv');
    writeFileSync(
      f,
      'date,open,high,low,close,volume\n2017-04-26 00:00:00,1,2,1,2,5\n2017-04-27 00:00:00,1,2,1,2,5\n',
    );
    const { bars, report } = importFile(f);
    expect(bars.time).toEqual(['2017-04-26', '2017-04-27']);
    expect(report.barsPerDay).toBe(1);
    expect(report.issues.map((i) => i.kind)).toEqual(['midnight-stamps']);
  });

  it('an unknown --format is refused', () => {
    expect(dataError(() => importFile(fx('truncated.csv'), { format: 'bloomberg' })).message).toContain(
      "unknown format 'bloomberg'",
    );
  });
});

describe('data check command', () => {
  it('prints a report, and exits 1 with the DataError message for an unusable file', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const error = vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
    try {
      expect(await dataCli(['check', fx('truncated.csv')])).toBe(0);
      expect(out.join('\n')).toMatch(/rows read 3, kept 2, dropped 1/);
      expect(out.join('\n')).toContain(`${fx('truncated.csv')}:3:low`);
      out.length = 0;
      expect(await dataCli(['check', fx('header-only.csv'), fx('newest-first.csv'), '--json'])).toBe(1);
      const parsed = JSON.parse(out.join('\n')) as { file: string; error?: string; rowsKept?: number }[];
      expect(parsed).toHaveLength(2);
      expect(parsed[0].error).toContain('header only');
      expect(parsed[1].rowsKept).toBe(4);
      expect(err.join('\n')).toContain(`${fx('header-only.csv')}, line 1: header only`);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
