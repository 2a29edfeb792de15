/**
 * data update: what is stored when the answer has a gap, disagrees with the file, comes in another unit, holds
 * a holiday or today's unfinished bar; other sources and file layouts; the CLI. Always against the local server.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/index';
import { rawDir } from '../../helpers/data';
import type { WireRow } from '../../helpers/quote-server';
import {
  CUT_DATES,
  FAST,
  byCode,
  expectAppended,
  expectUnchanged,
  fileBytes,
  useUpdateFixture,
} from '../../helpers/update-fixture';

const fx = useUpdateFixture();
const at = (rows: WireRow[], date: string) => rows.findIndex((r) => r.date === date);

describe('gaps, disagreements, units, holidays', () => {
  it('a gap in one answer stops that file before the gap; the other files get every day', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) =>
      q.code === '000300' ? { rows: rows.filter((r) => r.date !== '2023-12-21') } : undefined;
    const r = await fx.run(dir);
    const f = byCode(r.files, '000300');
    expect(f.status).toBe('updated');
    expect(f.appended).toEqual(['2023-12-18', '2023-12-19', '2023-12-20']);
    expectAppended(dir, '000300', before['000300'], ['2023-12-18', '2023-12-19', '2023-12-20']);
    expect(f.notes.join('\n')).toMatch(
      /gap: 2023-12-21 is missing from the answer but present for 000001 \(eastmoney\), 000905 \(eastmoney\), 399006 \(eastmoney\)/,
    );
    expect(f.skippedDays.map((s) => s.date)).toEqual(CUT_DATES.slice(4));
    expect(f.skippedDays[0].reason).toMatch(/after the gap at 2023-12-21/);
    for (const c of ['000001', '000905', '399006']) expect(byCode(r.files, c).appended).toEqual(CUT_DATES);
    expect(r.commonLastDate).toBe('2023-12-20');

    // the next update, with the day back, continues from 2023-12-20; now the other files show what is missing
    fx.server.reset();
    fx.server.behave = (q, rows) =>
      q.code === '000300' ? { rows: rows.filter((x) => x.date !== '2023-12-27') } : undefined;
    const next = await fx.run(dir, { codes: ['000300'] });
    expect(next.files[0].appended).toEqual(['2023-12-21', '2023-12-22', '2023-12-25', '2023-12-26']);
    expect(next.files[0].notes.join('\n')).toMatch(/2023-12-27 is missing .* present for 000001 \(file\)/);
  });

  it('an overlapping day that disagrees is listed and the file keeps its value; --prefer source writes the source value', async () => {
    const { dir, before } = fx.dataDir();
    const bump = (q: { code: string }, rows: WireRow[]) => {
      if (q.code !== '000905') return undefined;
      const k = at(rows, '2023-12-13');
      return { rows: rows.map((x, i) => (i === k ? { ...x, close: (Number(x.close) + 1).toFixed(2) } : x)) };
    };
    fx.server.behave = bump;
    const r = await fx.run(dir, { codes: ['000905'] });
    const t = fx.truth['000905'];
    const i = t.date.indexOf('2023-12-13');
    const f = r.files[0];
    expect(f.status).toBe('updated');
    expect(f.disagreements).toEqual([
      {
        file: path.join(dir, '000905.csv'),
        date: '2023-12-13',
        field: 'close',
        fileValue: t.close[i],
        sourceValue: Number((t.close[i] + 1).toFixed(2)),
      },
    ]);
    expect(f.replaced).toEqual([]);
    expectAppended(dir, '000905', before['000905'], CUT_DATES);

    const second = fx.dataDir();
    fx.server.behave = bump;
    const p = await fx.run(second.dir, { codes: ['000905'], prefer: 'source' });
    expect(p.files[0].replaced).toEqual(p.files[0].disagreements);
    const oldLines = second.before['000905'].toString('utf8').split('\n');
    const newLines = fileBytes(second.dir, '000905').toString('utf8').split('\n');
    // the old text ends with a newline: its last element is '' and the appended rows follow there
    const changed = oldLines.slice(0, -1).flatMap((l, k) => (l !== newLines[k] ? [k] : []));
    expect(changed).toHaveLength(1);
    const row = newLines[changed[0]].split(',');
    expect(row[0]).toBe('2023-12-13');
    expect(Number(row[4])).toBeCloseTo(t.close[i] + 1, 2);
    expect(newLines.slice(oldLines.length - 1, -1).map((l) => l.split(',')[0])).toEqual(CUT_DATES);
    expect(readFileSync(p.files[0].backup!).equals(second.before['000905'])).toBe(true);
  });

  it('a field that disagrees on every overlapping day (another definition of volume) is refused', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (_q, rows) => ({
      rows: rows.map((x) => ({ ...x, volume: String(Math.round(Number(x.volume) * 1.05)) })),
    });
    const r = await fx.run(dir, { codes: ['000300'] });
    expect(r.files[0].status).toBe('refused');
    expect(r.files[0].error).toMatch(
      /disagrees with the file on volume on every one of the 5 overlapping days/,
    );
    expect(r.files[0].disagreements.filter((d) => d.field === 'volume')).toHaveLength(5);
    expectUnchanged(dir, before);
  });

  it('a wrong unit is detected on the overlap: shares instead of lots and thousand CNY are converted, a 7x factor refused', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) =>
      q.code === '000300'
        ? { rows: rows.map((x) => ({ ...x, volume: String(Number(x.volume) * 100) })) }
        : q.code === '000001'
          ? { rows: rows.map((x) => ({ ...x, amount: (Number(x.amount) / 1000).toFixed(6) })) }
          : q.code === '000905'
            ? { rows: rows.map((x) => ({ ...x, volume: String(Number(x.volume) * 7) })) }
            : undefined;
    const r = await fx.run(dir);
    const shares = byCode(r.files, '000300');
    expect(shares.status).toBe('updated');
    expect(shares.notes.join('\n')).toMatch(
      /volume came in shares, not lots \(100 shares\) as documented .*: converted as shares/,
    );
    const t = fx.truth['000300'];
    const added = expectAppended(dir, '000300', before['000300'], CUT_DATES);
    added.forEach((l, k) =>
      expect(Math.abs(Number(l.split(',')[5]) - t.volume[t.date.length - 10 + k])).toBeLessThanOrEqual(50),
    );
    const thousand = byCode(r.files, '000001');
    expect(thousand.notes.join('\n')).toMatch(/amount came in thousand CNY, not CNY as documented/);
    const a = fx.truth['000001'];
    expectAppended(dir, '000001', before['000001'], CUT_DATES).forEach((l, k) =>
      expect(Math.abs(Number(l.split(',')[6]) - a.amount[a.date.length - 10 + k])).toBeLessThan(1),
    );
    const seven = byCode(r.files, '000905');
    expect(seven.status).toBe('refused');
    expect(seven.error).toMatch(/volume unit is not recognised: the file's volume is 14\.3x the source's/);
    expectUnchanged(dir, before, ['000905']);
  });

  it('a weekend bar, a placeholder repeating the day before and a zero-volume holiday are not stored', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) => {
      const last = rows.at(-1)!;
      const extra =
        q.code === '000300'
          ? [
              { ...last, date: '2023-12-30' },
              { ...last, date: '2024-01-01' },
            ]
          : [{ ...last, date: '2024-01-01', volume: '0', amount: '0.00' }];
      return { rows: [...rows, ...extra] };
    };
    const r = await fx.run(dir, { codes: ['000300', '000001'], now: () => new Date('2024-01-02T08:00:00Z') });
    expect(byCode(r.files, '000300').skippedDays).toEqual([
      { date: '2023-12-30', reason: 'a Saturday or Sunday is not a trading day: not stored' },
      { date: '2024-01-01', reason: 'repeats the bar of 2023-12-29 exactly: a placeholder, not stored' },
    ]);
    expect(byCode(r.files, '000001').skippedDays[0]).toMatchObject({
      date: '2024-01-01',
      reason: expect.stringMatching(/no volume: a holiday/),
    });
    expectAppended(dir, '000300', before['000300'], CUT_DATES);
    expectAppended(dir, '000001', before['000001'], CUT_DATES);
  });

  it("today's bar during trading hours (Asia/Shanghai) is not stored; a bar after today is refused", async () => {
    const { dir, before } = fx.dataDir();
    // 10:30 in Shanghai on 2023-12-29 is 02:30 UTC
    const r = await fx.run(dir, { codes: ['399006'], now: () => new Date('2023-12-29T02:30:00Z') });
    expect(r.files[0].appended).toEqual(CUT_DATES.slice(0, 9));
    expect(r.files[0].skippedDays).toEqual([
      {
        date: '2023-12-29',
        reason: "today's bar is not final before 15:30 Shanghai time (now 10:30): not stored",
      },
    ]);
    expectAppended(dir, '399006', before['399006'], CUT_DATES.slice(0, 9));

    fx.server.behave = (_q, rows) => ({ rows: [...rows, { ...rows.at(-1)!, date: '2024-01-02' }] });
    const f = await fx.run(dir, { codes: ['000905'] });
    expect(f.files[0].error).toMatch(/a bar dated 2024-01-02, after today \(2023-12-29 in Shanghai\)/);
    expectUnchanged(dir, before, ['000905']);
  });

  it('an answer without overlap, or of another series, is refused', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) =>
      q.code === '000300'
        ? { rows: rows.filter((x) => x.date > '2023-12-15') }
        : { rows: rows.map((x) => ({ ...x, close: (Number(x.close) * 1.5).toFixed(2) })) };
    const r = await fx.run(dir, { codes: ['000300', '000001'] });
    expect(byCode(r.files, '000300').error).toMatch(/has no day in common with the file \(last 2023-12-15\)/);
    expect(byCode(r.files, '000001').error).toMatch(
      /closes differ from the file's by 50\.0 % .*not the same series/,
    );
    expectUnchanged(dir, before);
  });
});

describe('sources and file layouts', () => {
  it('Sina: refused when it gives no amount for a file with an amount column, used when it does', async () => {
    const { dir, before } = fx.dataDir();
    const r = await fx.run(dir, { source: 'sina', codes: ['000300'] });
    expect(r.files[0].error).toMatch(/sina's answer has no amount, and the file has an amount column/);
    expectUnchanged(dir, before);
    expect(fx.server.requests[0]).toMatchObject({ source: 'sina', code: '000300', market: 'sh' });

    const t = fx.truth['399006'];
    fx.server.behave = (_q, rows) => ({
      rows: rows.map((x) => ({ ...x, amount: t.amount[t.date.indexOf(x.date)].toFixed(1) })),
    });
    const ok = await fx.run(dir, { source: 'sina', codes: ['399006'] });
    expect(ok.files[0]).toMatchObject({ status: 'updated', source: 'sina', appended: CUT_DATES, notes: [] });
    expect(fx.server.requests.at(-1)).toMatchObject({ source: 'sina', market: 'sz' });
  });

  it('auto: Eastmoney failing falls back to Sina, and the report says so', async () => {
    const { dir, before } = fx.dataDir();
    const t = fx.truth['000905'];
    fx.server.behave = (q, rows) =>
      q.source === 'eastmoney'
        ? { status: 502 }
        : { rows: rows.map((x) => ({ ...x, amount: t.amount[t.date.indexOf(x.date)].toFixed(1) })) };
    const r = await fx.run(dir, { source: 'auto', codes: ['000905'], http: { ...FAST, retries: 0 } });
    expect(r.files[0]).toMatchObject({ status: 'updated', source: 'sina', appended: CUT_DATES });
    expect(r.files[0].notes[0]).toMatch(
      /^eastmoney failed \(127\.0\.0\.1:\d+ answered HTTP 502 \(1 attempt\)\); trying the next source$/,
    );
    expectAppended(dir, '000905', before['000905'], CUT_DATES);
  });

  it("a Sina export in lots keeps its column order and unit; a baostock export's extra columns are refused", async () => {
    const { dir } = fx.dataDir(0, 'sina');
    const sinaFile = path.join(dir, '000300.csv');
    copyFileSync(path.join(rawDir('sina'), '000300.csv'), sinaFile); // date,open,close,high,low,volume(lots),amount; ends 2021-11-18
    const old = readFileSync(sinaFile);
    const r = await fx.run(dir, { codes: ['000300'] });
    const f = r.files[0];
    expect(f.status).toBe('updated');
    expect(f.appended[0]).toBe('2021-11-19');
    expect(f.appended.at(-1)).toBe('2023-12-29');
    const t = fx.truth['000300'];
    const first = readFileSync(sinaFile).subarray(old.length).toString('utf8').split('\n')[0].split(',');
    const i = t.date.indexOf('2021-11-19');
    expect(first[0]).toBe('2021-11-19');
    expect(Number(first[2])).toBeCloseTo(t.close[i], 2); // close is the third column in this layout
    expect(Math.abs(Number(first[5]) - t.volume[i] / 100)).toBeLessThanOrEqual(0.5); // lots
    expect(readFileSync(sinaFile).subarray(0, old.length).equals(old)).toBe(true);

    const b = fx.dataDir();
    const lines = readFileSync(path.join(rawDir('baostock'), 'sh000905.csv'), 'utf8').split('\n');
    writeFileSync(path.join(b.dir, '000905.csv'), lines.slice(0, -11).join('\n') + '\n');
    const before = readFileSync(path.join(b.dir, '000905.csv'));
    const refused = await fx.run(b.dir, { codes: ['000905'] });
    expect(refused.files[0].error).toMatch(
      /cannot be extended in place: its columns 'turn', 'pctchg' cannot be filled/,
    );
    expect(readFileSync(path.join(b.dir, '000905.csv')).equals(before)).toBe(true);
    expect(fx.server.requests.filter((q) => q.code === '000905')).toHaveLength(0);
  });

  it('a file without an amount column is extended without one, also from Sina (which gives none)', async () => {
    const { dir } = fx.dataDir();
    const file = path.join(dir, '399006.csv');
    const noAmount = Buffer.from(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.split(',').slice(0, 6).join(','))
        .join('\n'),
    );
    writeFileSync(file, noAmount);
    const r = await fx.run(dir, { source: 'sina', codes: ['399006'] });
    expect(r.files[0]).toMatchObject({ status: 'updated', appended: CUT_DATES, disagreements: [] });
    const added = readFileSync(file).subarray(noAmount.length).toString('utf8').split('\n').filter(Boolean);
    const t = fx.truth['399006'];
    expect(added[0].split(',')).toHaveLength(6);
    // Sina's volume is in shares, as documented: the file gets it unchanged
    expect(Number(added[0].split(',')[5])).toBe(Math.round(t.volume[t.date.indexOf('2023-12-18')]));
  });

  it('CRLF line ends stay CRLF; a file changed on disk during the update is left as the other writer left it', async () => {
    const { dir } = fx.dataDir();
    const file = path.join(dir, '000300.csv');
    const crlf = Buffer.from(readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    writeFileSync(file, crlf);
    await fx.run(dir, { codes: ['000300'] });
    const now = readFileSync(file);
    expect(now.subarray(0, crlf.length).equals(crlf)).toBe(true);
    expect(now.subarray(crlf.length).toString('utf8')).toMatch(/^2023-12-18,[^\n]*\r\n(2023-[^\n]*\r\n){9}$/);

    const other = fx.dataDir();
    const theirs = Buffer.from('date,open,high,low,close,volume,amount\n2023-12-15,1,1,1,1,1,1\n');
    const r = await fx.run(other.dir, {
      codes: ['000001'],
      onProgress: (p) => p.phase === 'write' && writeFileSync(path.join(other.dir, '000001.csv'), theirs),
    });
    expect(r.files[0].error).toMatch(/the file changed on disk during the update; nothing was changed/);
    expect(readFileSync(path.join(other.dir, '000001.csv')).equals(theirs)).toBe(true);
  });
});

describe('the CLI', () => {
  async function capture(argv: string[]) {
    const out: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = (s: string) => out.push(s);
    console.error = (s: string) => out.push(s);
    try {
      return { code: await main(argv), out: out.join('\n') };
    } finally {
      console.log = log;
      console.error = error;
    }
  }

  it('data update lists what it did, disagreements included, and where predict --date latest now ends', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) => {
      if (q.code !== '000300') return undefined;
      const k = at(rows, '2023-12-14');
      return { rows: rows.map((x, i) => (i === k ? { ...x, open: (Number(x.open) - 2).toFixed(2) } : x)) };
    };
    const base = ['data', 'update', '--data', dir, '--base-url', fx.server.baseUrl, '--min-interval', '0'];
    const r = await capture([...base, '--source', 'eastmoney', '--now', '2023-12-29T16:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /000300  updated +2023-12-15 -> 2023-12-29 {2}\+10 day\(s\) from eastmoney {2}\(previous file: .*backups/,
    );
    const t = fx.truth['000300'];
    const open = t.open[t.date.indexOf('2023-12-14')];
    expect(r.out).toContain(
      `disagree  2023-12-14 open: file ${open}, eastmoney ${Number((open - 2).toFixed(2))} (kept the file's)`,
    );
    expect(r.out).toMatch(/Every daily file ends 2023-12-29: predict --date latest uses 2023-12-29\./);
    expect(fileBytes(dir, '000300').subarray(0, before['000300'].length).equals(before['000300'])).toBe(true);

    const again = await capture([...base, '--json', '--now', '2023-12-29T16:00:00+08:00']);
    expect(JSON.parse(again.out).files.map((f: { status: string }) => f.status)).toEqual(
      Array(4).fill('up-to-date'),
    );
    expect((await capture([...base, '--source', 'yahoo'])).out).toMatch(
      /--source must be eastmoney, sina or auto/,
    );
  });

  it('data reconcile compares a file with a source over a date range', async () => {
    const { dir } = fx.dataDir();
    fx.server.behave = (_q, rows) => {
      const k = at(rows, '2023-12-07');
      return { rows: rows.map((x, i) => (i === k ? { ...x, high: (Number(x.high) + 0.5).toFixed(2) } : x)) };
    };
    const file = path.join(dir, '000905.csv');
    const r = await capture([
      'data',
      'reconcile',
      file,
      'eastmoney:000905',
      '--base-url',
      fx.server.baseUrl,
      '--from',
      '2023-12-01',
      '--now',
      '2023-12-29T16:00:00+08:00',
    ]);
    expect(r.code).toBe(1);
    expect(fx.server.requests[0]).toMatchObject({ from: '2023-12-01', to: '2023-12-29' });
    const t = fx.truth['000905'];
    const h = t.high[t.date.indexOf('2023-12-07')];
    expect(r.out).toMatch(
      /A vs B: 11 common day\(s\) 2023-12-01\.\.2023-12-15, fields open,high,low,close,volume,amount: 1 disagreement/,
    );
    expect(r.out).toContain(`2023-12-07 high   A ${h} | B ${Number((h + 0.5).toFixed(2))}`);
  });
});
