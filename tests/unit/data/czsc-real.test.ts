/**
 * The czsc SSE Composite 1-minute file (../shared/data/raw/czsc-1min): its import against a plain split(',') of the
 * raw text, its short and gapped days, and its 15-minute bars against the daily file of the same index.
 *
 * Facts used here come from the data README (175,345 rows, 732 days, the two circuit-breaker days) or from the
 * plain reading below; nothing is taken from the importer to check the importer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run as dataCli } from '../../../src/cli/commands/data';
import { importFile } from '../../../src/main/training/data/import';
import { resampleMinutesWithReport, shortDays, toDaily } from '../../../src/main/training/data/resample';
import { czscFile, dailyFile } from '../../helpers/data';
import { vi } from 'vitest';

interface PlainRow {
  line: number;
  date: string;
  hm: number; // minutes after midnight of the bar end
  open: number;
  close: number;
  high: number;
  low: number;
  vol: number;
}

/** Independent reading: CRLF lines, columns symbol,id,dt,freq,open,close,high,low,vol (data README). */
function plainRows(): PlainRow[] {
  const lines = readFileSync(czscFile(), 'utf8').split('\r\n');
  const out: PlainRow[] = [];
  lines.forEach((l, i) => {
    if (i === 0 || l === '') return;
    const c = l.split(',');
    out.push({
      line: i + 1,
      date: c[2].slice(0, 10),
      hm: Number(c[2].slice(11, 13)) * 60 + Number(c[2].slice(14, 16)),
      open: Number(c[4]),
      close: Number(c[5]),
      high: Number(c[6]),
      low: Number(c[7]),
      vol: Number(c[8]),
    });
  });
  return out;
}

const plain = plainRows();
const byDay = new Map<string, PlainRow[]>();
for (const r of plain) {
  if (!byDay.has(r.date)) byDay.set(r.date, []);
  byDay.get(r.date)!.push(r);
}
const { bars, report } = importFile(czscFile());
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** Bar-end minutes of a full A-share day of 1-minute bars. */
const GRID: number[] = [];
for (let m = 9 * 60 + 31; m <= 11 * 60 + 30; m++) GRID.push(m);
for (let m = 13 * 60 + 1; m <= 15 * 60; m++) GRID.push(m);

describe('czsc 1-minute import', () => {
  it('reads all 175,345 rows of 732 days as in the README, as 1-minute bars in shares', () => {
    expect(plain.length).toBe(175345); // README
    expect(byDay.size).toBe(732); // README
    expect(report).toMatchObject({
      format: 'czsc',
      encoding: 'utf-8',
      delimiter: ',',
      headerLine: 1,
      code: '000001',
      barsPerDay: 240,
      rowsRead: 175345,
      rowsKept: 175345,
      rowsDropped: 0,
      volumeUnit: 'shares',
      amountScale: 1,
      firstTime: '2015-01-05 09:31',
      lastTime: '2017-12-29 15:00',
      reversed: false,
    });
    expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    // open comes before close, then high and low; dt is the bar end; vol is shares
    for (const k of [0, 1, 100000, 175344]) {
      const p = plain[k];
      expect(bars.time[k]).toBe(`${p.date} ${hhmm(p.hm)}`);
      expect([bars.open[k], bars.high[k], bars.low[k], bars.close[k], bars.volume[k]]).toEqual([
        p.open,
        p.high,
        p.low,
        p.close,
        p.vol,
      ]);
      expect(bars.amount[k]).toBe(0); // the file has no amount column
    }
    expect(report.issues.find((i) => i.kind === 'freq-column')).toMatchObject({
      severity: 'info',
      message: "'Freq.F1' says 1-minute bars, as the stamps show",
    });
  });

  it('names the two circuit-breaker days as short days, with the time trading stopped', () => {
    const short = report.issues.filter((i) => i.kind === 'short-day');
    // independently: days whose last row ends before 15:00
    const expected = [...byDay].filter(([, rows]) => rows[rows.length - 1].hm < 15 * 60);
    expect(expected.map(([d]) => d)).toEqual(['2016-01-04', '2016-01-07']); // README
    expect(short.map((i) => [i.line, i.message.slice(0, 43)])).toEqual([
      [expected[0][1][0].line, '2016-01-04: trading stopped at 13:35 (142 o'],
      [expected[1][1][0].line, '2016-01-07: trading stopped at 10:00 (17 of'],
    ]);
    expect(shortDays(bars)).toEqual(['2016-01-04', '2016-01-07']);
  });

  it('names every other incomplete day with the minutes it misses', () => {
    const gapped = [...byDay].filter(
      ([, rows]) => rows.length !== 240 && rows[rows.length - 1].hm === 15 * 60,
    );
    // 723 full days + these + the two short days = 732. (The data README's "117 days have 239 bars" does not
    // match this file: 4 days have 239 rows, 1 has 238, 2 have 236.)
    expect(732 - gapped.length - 2).toBe(723);
    expect(gapped.map(([, r]) => r.length).sort()).toEqual([236, 236, 238, 239, 239, 239, 239]);
    const issues = report.issues.filter((i) => i.kind === 'incomplete-day');
    expect(issues.length).toBe(gapped.length);
    gapped.forEach(([date, rows], k) => {
      const have = new Set(rows.map((r) => r.hm));
      const missing = GRID.filter((m) => !have.has(m)).map(hhmm);
      expect(issues[k].line).toBe(rows[0].line);
      expect(issues[k].message).toBe(
        `${date} has ${rows.length} bars, expected 240: missing ${missing.join(', ')}`,
      );
    });
  });

  it('factor-inception data check reports it (format, bars per day, short days)', async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    try {
      expect(await dataCli(['check', czscFile(), '--limit', '20'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const text = out.join('\n');
    expect(text).toContain("format czsc, encoding utf-8, delimiter ',', header line 1, dates YYYY-MM-DD");
    expect(text).toContain('code 000001, 240 bar(s) per day, 2015-01-05 09:31 .. 2017-12-29 15:00');
    expect(text).toContain('rows read 175345, kept 175345, dropped 0');
    expect(text).toMatch(/short-day .*2016-01-04: trading stopped at 13:35/);
    expect(text).toMatch(/short-day .*2016-01-07: trading stopped at 10:00/);
  });
});

describe('czsc resampled to 15-minute bars by the clock', () => {
  const {
    bars: q,
    issues,
    shortDays: short,
    filledBars,
  } = resampleMinutesWithReport(bars, 15, {
    missing: 'carry',
  });
  /** Independent bucket of a bar end: 0..7 in the morning (09:45..11:30), 8..15 in the afternoon. */
  const bucket = (m: number) =>
    m <= 11 * 60 + 30 ? Math.ceil((m - 570) / 15) - 1 : 8 + Math.ceil((m - 780) / 15) - 1;
  const days = [...byDay.keys()];

  it('16 bars on every one of the 732 days; equal to an independent grouping by the clock', () => {
    expect(q.barsPerDay).toBe(16);
    expect(q.time.length).toBe(732 * 16);
    let prevClose = NaN;
    days.forEach((date, d) => {
      const groups: PlainRow[][] = Array.from({ length: 16 }, () => []);
      for (const r of byDay.get(date)!) groups[bucket(r.hm)].push(r);
      groups.forEach((g, b) => {
        const k = 16 * d + b;
        expect(q.date[k]).toBe(date);
        if (g.length === 0) {
          // no minute in this bucket: carried from the last close, zero volume
          expect([q.open[k], q.high[k], q.low[k], q.close[k], q.volume[k]]).toEqual([
            prevClose,
            prevClose,
            prevClose,
            prevClose,
            0,
          ]);
          return;
        }
        expect(q.open[k]).toBe(g[0].open);
        expect(q.close[k]).toBe(g[g.length - 1].close);
        expect(q.high[k]).toBe(Math.max(...g.map((r) => r.high)));
        expect(q.low[k]).toBe(Math.min(...g.map((r) => r.low)));
        expect(q.volume[k]).toBe(g.reduce((s, r) => s + r.vol, 0));
        prevClose = g[g.length - 1].close;
      });
    });
  });

  it('short days are carried flat to 15:00 from their last close; gapped days are built from the minutes present', () => {
    expect(short).toEqual(['2016-01-04', '2016-01-07']);
    // 2016-01-04: 13:45 holds 13:31..13:35, so 14:00..15:00 (5 bars) are carried; 2016-01-07: only 09:45 and
    // 10:00 traded, 14 bars are carried.
    expect(filledBars).toBe(5 + 14);
    const filled = issues.filter((i) => i.kind === 'filled-bars').map((i) => i.message);
    expect(filled).toEqual([
      '2016-01-04: 5 of 16 15-minute bars had no input bar (14:00..15:00); carried from the last close with zero volume',
      '2016-01-07: 14 of 16 15-minute bars had no input bar (10:15..15:00); carried from the last close with zero volume',
    ]);
    const k = q.time.indexOf('2016-01-04 15:00');
    expect(q.close[k]).toBe(byDay.get('2016-01-04')!.at(-1)!.close);
    // A gapped day keeps 16 bars; the bucket with a missing minute is reported with its count.
    expect(issues.filter((i) => i.kind === 'incomplete-bar').map((i) => i.message)).toContain(
      '2015-04-24 09:45: built from 14 of 15 input bars',
    );
    expect(issues.filter((i) => i.kind === 'incomplete-day')).toEqual([]);
  });

  it("agrees with the daily file's open, high, low and close on every complete day", () => {
    // Tolerances, measured on this data and explained: czsc prints 2 decimals, the daily file 3, so opens and
    // closes agree to rounding (max seen 1.8e-6 relative; allowed 5e-6, well below a one-minute shift, which
    // moves a price by ~1e-4). The 1-minute bars miss some intraday extremes the daily high/low saw: their max
    // high is never above the daily high beyond rounding, and at most 0.033 % below it (lows: 0.044 % above);
    // allowed 0.05 %. The one complete day whose first minute does not open at the daily open is named.
    const daily = importFile(dailyFile('000001')).bars;
    const at = new Map(daily.time.map((t, i) => [t, i]));
    const qd = toDaily(q);
    const complete = days.filter((d) => byDay.get(d)!.length === 240);
    expect(complete.length).toBe(723);
    const offOpen: string[] = [];
    for (const date of complete) {
      const i = qd.time.indexOf(date);
      const j = at.get(date)!;
      expect(j, date).toBeDefined();
      if (Math.abs(qd.open[i] / daily.open[j] - 1) > 5e-6) offOpen.push(date);
      expect(Math.abs(qd.close[i] / daily.close[j] - 1), date).toBeLessThanOrEqual(5e-6);
      expect(qd.high[i], date).toBeLessThanOrEqual(daily.high[j] + 0.005);
      expect(qd.high[i] / daily.high[j], date).toBeGreaterThan(1 - 5e-4);
      expect(qd.low[i], date).toBeGreaterThanOrEqual(daily.low[j] - 0.005);
      expect(qd.low[i] / daily.low[j], date).toBeLessThan(1 + 5e-4);
    }
    // 2016-06-01: first minute opens at 2916.69, the daily open is 2917.154 (0.016 %).
    expect(offOpen).toEqual(['2016-06-01']);
    // Minute volumes sum to the daily volume (to the daily file's float rounding, 3e-7) except on three days.
    const offVolume = qd.time.filter((d, i) => Math.abs(qd.volume[i] / daily.volume[at.get(d)!] - 1) > 1e-6);
    expect(offVolume).toEqual(['2015-12-07', '2016-05-11', '2016-06-01']);
  });

  it('5-, 30- and 60-minute bars: 48, 8 and 4 a day, the same daily extremes', () => {
    const qd = toDaily(q);
    for (const [minutes, perDay] of [
      [5, 48],
      [30, 8],
      [60, 4],
    ]) {
      const r = resampleMinutesWithReport(bars, minutes, { missing: 'carry' }).bars;
      expect(r.barsPerDay).toBe(perDay);
      expect(r.time.length).toBe(732 * perDay);
      const rd = toDaily(r);
      expect(Array.from(rd.high)).toEqual(Array.from(qd.high));
      expect(Array.from(rd.low)).toEqual(Array.from(qd.low));
      expect(Array.from(rd.close)).toEqual(Array.from(qd.close));
    }
  });
});
