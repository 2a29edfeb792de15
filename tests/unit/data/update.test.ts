/**
 * data update against a local server answering like Eastmoney and Sina from the real index files. The data
 * folder is a temp copy of the real files with their last CUT rows removed; the server knows the full files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/main/training/images/dataset';
import { eastmoneyBody } from '../../helpers/quote-server';
import {
  CODES,
  CUT,
  CUT_DATES,
  FAST,
  byCode,
  expectAppended,
  expectUnchanged,
  useUpdateFixture,
} from '../../helpers/update-fixture';

const fx = useUpdateFixture();

describe('data update: normal answers', () => {
  it('appends the missing days to every file, keeps the old bytes and a backup, and predict sees the new dates', async () => {
    const { dir, before } = fx.dataDir();
    const cfg = { target: '000300', channels: ['000300', '000001', '000905', '399006'], from: '2023-01-01' };
    expect(loadDataset({ ...cfg, to: undefined }, dir).dataset.dates.at(-1)).toBe('2023-12-15');

    const events: string[] = [];
    const r = await fx.run(dir, {
      onProgress: (p) => events.push(`${p.phase}:${p.code}:${p.done}/${p.total}`),
    });
    expect(r.files.map((f) => f.status)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(r.commonLastDate).toBe('2023-12-29');
    for (const c of CODES) {
      const f = byCode(r.files, c);
      expect(f.appended).toEqual(CUT_DATES);
      expect([f.lastBefore, f.lastAfter]).toEqual(['2023-12-15', '2023-12-29']);
      expect(f.disagreements).toEqual([]);
      expect(readFileSync(f.backup!).equals(before[c])).toBe(true);
      // named by the injected clock
      expect(path.relative(dir, f.backup!)).toBe(path.join('backups', `${c}.csv.20231229T080000Z.bak`));
      const added = expectAppended(dir, c, before[c], CUT_DATES);
      // the new rows are the real rows as Eastmoney prints them: 2-decimal prices, lots x 100 = shares, CNY
      const t = fx.truth[c];
      added.forEach((line, k) => {
        const i = t.date.length - CUT + k;
        const [, o, h, l, cl, v, a] = line.split(',').map(Number);
        expect(Math.abs(o - t.open[i])).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs(h - t.high[i])).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs(l - t.low[i])).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs(cl - t.close[i])).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs(v - t.volume[i])).toBeLessThanOrEqual(50);
        expect(Math.abs(a - t.amount[i])).toBeLessThanOrEqual(0.005 + 1e-6);
      });
    }
    // backups live in a sub-folder the data folder's index lookup does not read
    expect(readdirSync(dir).sort()).toEqual([
      '000001.csv',
      '000300.csv',
      '000905.csv',
      '399006.csv',
      'backups',
    ]);
    // each code asked once, over the 5 stored days before the last plus the new ones: beg 2023-12-11
    expect(fx.server.requests.map((q) => [q.code, q.market, q.from])).toEqual([
      ['000001', '1', '2023-12-11'],
      ['000300', '1', '2023-12-11'],
      ['000905', '1', '2023-12-11'],
      ['399006', '0', '2023-12-11'],
    ]);
    expect(events.filter((e) => e.startsWith('done')).at(-1)).toBe('done:399006:4/4');
    expect(loadDataset({ ...cfg, to: undefined }, dir).dataset.dates.at(-1)).toBe('2023-12-29');

    // a second run finds nothing newer and asks nobody
    fx.server.reset();
    const again = await fx.run(dir);
    expect(again.files.map((f) => f.status)).toEqual([
      'up-to-date',
      'up-to-date',
      'up-to-date',
      'up-to-date',
    ]);
    expect(fx.server.requests).toHaveLength(0);
  });

  it('--dry-run plans the same days and writes nothing', async () => {
    const { dir, before } = fx.dataDir();
    const r = await fx.run(dir, { dryRun: true, codes: ['000300'] });
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ status: 'dry-run', appended: CUT_DATES });
    expectUnchanged(dir, before);
    expect(readdirSync(dir)).not.toContain('backups');
    const none = await fx.run(dir, { codes: ['000852'] });
    expect(none.files[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^No file for index 000852 in /),
    });
  });
});

describe('data update: a hostile network leaves every file as it was', () => {
  it('a body cut short (announced length not sent) is retried, then refused', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = () => ({ cutAfterBytes: 200 });
    let attempts = 0;
    const counting: typeof fetch = (u, i) => (attempts++, fetch(u, i));
    const r = await fx.run(dir, { codes: ['000300'], http: { ...FAST, fetch: counting } });
    expect(r.files[0].status).toBe('failed');
    expect(r.files[0].error).toMatch(/cut the answer short .*\(3 attempts\); nothing was changed/);
    // counted in the client: an attempt on a pooled connection the server just dropped may never reach it
    expect(attempts).toBe(3);
    expect(fx.server.requests.length).toBeGreaterThanOrEqual(1);
    expectUnchanged(dir, before);
  });

  it('a complete answer whose JSON is truncated is refused as malformed', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q, rows) => ({ body: eastmoneyBody(q.code, q.market, rows).slice(0, 300) });
    const r = await fx.run(dir, { codes: ['000905'] });
    expect(r.files[0].error).toMatch(/not valid JSON \(truncated or garbled answer, 300 bytes\)/);
    expectUnchanged(dir, before);
  });

  it('a 5xx is retried with backoff; a server that keeps failing is named with its status', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q) => (q.attempt <= 2 ? { status: 503, body: 'busy' } : undefined);
    const ok = await fx.run(dir, { codes: ['000300'] });
    expect(ok.files[0].status).toBe('updated');
    expect(fx.server.requests.map((q) => q.attempt)).toEqual([1, 2, 3]);
    expectAppended(dir, '000300', before['000300'], CUT_DATES);

    fx.server.reset();
    fx.server.behave = () => ({ status: 500, body: 'error' });
    const bad = await fx.run(dir, { codes: ['000001'] });
    expect(bad.files[0].error).toMatch(/answered HTTP 500 \(3 attempts\)/);
    expectUnchanged(dir, before, ['000001', '000905', '399006']);
  });

  it('a slow answer times out', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = () => ({ delayMs: 5000 });
    const t0 = Date.now();
    const r = await fx.run(dir, { codes: ['399006'], http: { ...FAST, timeoutMs: 200, retries: 1 } });
    expect(r.files[0].error).toMatch(/gave no complete answer within 0.2 s \(2 attempts\)/);
    expect(Date.now() - t0).toBeLessThan(3000);
    expectUnchanged(dir, before);
  });

  it('offline (nothing listening): a clear message, the host is not asked again for the other files', async () => {
    const { dir, before } = fx.dataDir();
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    let attempts = 0;
    const counting: typeof fetch = (u, i) => (attempts++, fetch(u, i));
    const r = await fx.run(dir, {
      baseUrl: `http://127.0.0.1:${port}`,
      source: 'auto',
      http: { ...FAST, retries: 1, fetch: counting },
    });
    const host = `127\\.0\\.0\\.1:${port}`;
    // the first file tried Eastmoney (2 attempts), then Sina on the same host, which was not asked again
    expect(r.files[0].notes[0]).toMatch(
      new RegExp(
        `^eastmoney failed \\(cannot reach ${host} \\(ECONNREFUSED\\): offline.*\\(2 attempts\\)\\)`,
      ),
    );
    for (const f of r.files) expect(f.error).toMatch(/\(2 attempts\); not asked again; nothing was changed$/);
    expect(r.files.map((f) => f.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    // both sources share the one base URL here: two attempts in all, then every request fails at once
    expect(attempts).toBe(2);
    expect(r.offline).toBe(true);
    expectUnchanged(dir, before);
  });

  it('an empty answer (no klines, or data null) and a non-numeric cell are refused', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = (q) =>
      q.code === '000300'
        ? { rows: [] }
        : q.code === '000001'
          ? { body: JSON.stringify({ rc: 0, data: null }) }
          : undefined;
    const r = await fx.run(dir, { codes: ['000300', '000001'], http: { ...FAST, retries: 0 } });
    expect(byCode(r.files, '000300').error).toMatch(/empty answer \(no bars 2023-12-11\.\.2023-12-29\)/);
    expect(byCode(r.files, '000001').error).toMatch(/empty answer \(no data for secid 1\.000001\)/);

    fx.server.behave = (_q, rows) => ({ rows: rows.map((x, k) => (k === 7 ? { ...x, close: 'abc' } : x)) });
    const m = await fx.run(dir, { codes: ['000905'], http: { ...FAST, retries: 0 } });
    expect(m.files[0].error).toMatch(/row 8 close is 'abc', not a number/);
    expectUnchanged(dir, before);
  });

  it('cancelling stops the update mid-request and writes nothing', async () => {
    const { dir, before } = fx.dataDir();
    fx.server.behave = () => ({ delayMs: 10_000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 150);
    const t0 = Date.now();
    const r = await fx.run(dir, { signal: ctl.signal });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.cancelled).toBe(true);
    expect(r.files.map((f) => f.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expectUnchanged(dir, before);
  });

  it('requests to one host are spaced by the minimum interval', async () => {
    const { dir } = fx.dataDir();
    const at: number[] = [];
    const timed: typeof fetch = (u, i) => (at.push(Date.now()), fetch(u, i));
    await fx.run(dir, { http: { ...FAST, minIntervalMs: 150, fetch: timed } });
    expect(at).toHaveLength(4);
    for (let k = 1; k < at.length; k++) expect(at[k] - at[k - 1]).toBeGreaterThanOrEqual(140);
  });
});
