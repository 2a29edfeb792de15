/** The pure parts of data update: market clock, exchange mapping, answer parsing, unit detection, HTTP retries. */
import { describe, expect, it } from 'vitest';
import { latestSettledDay, shanghaiTime } from '../../../src/main/training/data/update/clock';
import { FetchError, createHttpClient } from '../../../src/main/training/data/update/http';
import { eastmoney, exchangeOf, sina } from '../../../src/main/training/data/update/sources';
import { detectScale } from '../../../src/main/training/data/update/units';

describe('market clock (Asia/Shanghai = UTC+8, no daylight saving)', () => {
  it('turns an instant into the Shanghai date and time', () => {
    expect(shanghaiTime(new Date('2023-12-29T07:29:00Z'))).toEqual({
      date: '2023-12-29',
      minutes: 929,
      hhmm: '15:29',
    });
    // 20:00 UTC on New Year's Eve is already 04:00 on Jan 1 in Shanghai
    expect(shanghaiTime(new Date('2023-12-31T20:00:00Z'))).toMatchObject({
      date: '2024-01-01',
      hhmm: '04:00',
    });
  });

  it('the newest day whose bar can be final: today from 15:30, else the weekday before', () => {
    expect(latestSettledDay(new Date('2023-12-29T07:29:00Z'))).toBe('2023-12-28'); // Fri 15:29
    expect(latestSettledDay(new Date('2023-12-29T07:30:00Z'))).toBe('2023-12-29'); // Fri 15:30
    expect(latestSettledDay(new Date('2023-12-31T04:00:00Z'))).toBe('2023-12-29'); // Sunday
    expect(latestSettledDay(new Date('2024-01-01T01:00:00Z'))).toBe('2023-12-29'); // Mon 09:00
  });
});

describe('exchange of an index', () => {
  it('reads the file name first, else 399xxx is Shenzhen and the rest Shanghai', () => {
    expect(exchangeOf('000300')).toBe('sh');
    expect(exchangeOf('000001')).toBe('sh'); // the SSE Composite, not Shenzhen's 000001 (a bank share)
    expect(exchangeOf('399006')).toBe('sz');
    expect(exchangeOf('399006', '/d/399006.SZ.csv')).toBe('sz');
    expect(exchangeOf('000001', '/d/sz000001.csv')).toBe('sz');
    expect(exchangeOf('000905', '/d/SH-000905.txt')).toBe('sh');
  });
});

const range = { code: '000300', exchange: 'sh' as const, from: '2023-12-27', to: '2023-12-29' };

describe('Eastmoney answers', () => {
  it('builds the documented request and reads close before high and low', () => {
    const url = new URL(eastmoney.url(range, 'http://127.0.0.1:9'));
    expect(url.pathname).toBe('/api/qt/stock/kline/get');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secid: '1.000300',
      klt: '101',
      fqt: '0',
      beg: '20231227',
      end: '20231229',
      fields1: 'f1,f2,f3,f4,f5',
      fields2: 'f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61',
    });
    const body = JSON.stringify({
      rc: 0,
      data: {
        code: '000300',
        klines: ['2023-12-29,3411.11,3431.11,3432.54,3409.58,114928932,193573180515.10,0.68,0.49,16.75,0.00'],
      },
    });
    // a JSONP wrapper (the cb parameter) is accepted too
    for (const b of [body, `jQuery123_456(${body});`]) {
      expect(eastmoney.parse(b, range, 'u').rows).toEqual([
        {
          date: '2023-12-29',
          open: 3411.11,
          close: 3431.11,
          high: 3432.54,
          low: 3409.58,
          volume: 114928932,
          amount: 193573180515.1,
        },
      ]);
    }
  });

  it('refuses another code, a short row, rows out of order and a high below the low', () => {
    const ans = (klines: string[], code = '000300') => JSON.stringify({ rc: 0, data: { code, klines } });
    const row = '2023-12-29,3411.11,3431.11,3432.54,3409.58,114928932,193573180515.10';
    expect(() => eastmoney.parse(ans([row], '000001'), range, 'u')).toThrow(
      /the answer is for code 000001, not 000300/,
    );
    expect(() => eastmoney.parse(ans(['2023-12-29,1,2,3']), range, 'u')).toThrow(
      /row 1: 4 fields, expected at least 7/,
    );
    expect(() => eastmoney.parse(ans([row, row.replace('12-29', '12-28')]), range, 'u')).toThrow(
      /row 2 \(2023-12-28\) is not after the row before it/,
    );
    expect(() => eastmoney.parse(ans([row.replace('3432.54', '3400.00')]), range, 'u')).toThrow(
      /high 3400 is below low 3409.58/,
    );
    expect(() => eastmoney.parse(JSON.stringify({ rc: 102, data: null }), range, 'u')).toThrow(/rc=102/);
  });
});

describe('Sina answers', () => {
  it('asks for enough bars to reach the start date and reads quoted or bare keys', () => {
    const url = new URL(sina.url({ ...range, from: '2023-12-01' }));
    expect(url.host).toBe('money.finance.sina.com.cn');
    // 2023-12-01..2023-12-29: 29 calendar days -> ceil(29 * 5 / 7) + 5 = 26 bars
    expect(Object.fromEntries(url.searchParams)).toEqual({
      symbol: 'sh000300',
      scale: '240',
      ma: 'no',
      datalen: '26',
    });
    const quoted =
      '[{"day":"2023-12-26","open":"3400.1","high":"3410","low":"3390","close":"3405","volume":"9000"},' +
      '{"day":"2023-12-28","open":"3335.557","high":"3423.402","low":"3331.208","close":"3414.540","volume":"14806485100"}]';
    const bare = quoted.replace(/"(day|open|high|low|close|volume)":/g, '$1:');
    for (const b of [quoted, bare]) {
      const a = sina.parse(b, range, 'u');
      // 2023-12-26 is before the range start and is left out
      expect(a.rows).toEqual([
        {
          date: '2023-12-28',
          open: 3335.557,
          high: 3423.402,
          low: 3331.208,
          close: 3414.54,
          volume: 14806485100,
          amount: NaN,
        },
      ]);
      expect(a.documentedVolumeScale).toBe(1);
    }
    expect(() => sina.parse('null', range, 'u')).toThrow(/empty answer \(null: unknown symbol\?\)/);
    expect(() => sina.parse('[{"day":"2023-12-28","open":"1"', range, 'u')).toThrow(/not valid JSON/);
  });
});

describe('unit detection on the overlap', () => {
  it('picks the known scale nearest the median file/source ratio, within a factor 1.25', () => {
    // Eastmoney lots against a file in shares: ratios 99.9999966, 99.9999972 (the median) and 99.9999919
    expect(detectScale([741286894, 711910898, 628802905], [7412869, 7119109, 6288029], [1, 100])).toEqual({
      scale: 100,
      medianRatio: 711910898 / 7119109,
      days: 3,
    });
    // Sina's SSE Composite volume runs 6.3 % above the file's: still shares
    expect(detectScale([816177000], [871330000], [1, 100]).scale).toBe(1);
    // 100 / 7 = 14.3: no known unit
    expect(detectScale([1400, 2100], [98, 147], [1, 100])).toMatchObject({ scale: undefined, days: 2 });
    // days with zero on either side are not evidence
    expect(detectScale([0, 5], [3, 0], [1, 100])).toEqual({ medianRatio: NaN, days: 0 });
  });
});

describe('HTTP client', () => {
  const reply = (status: number, body = 'ok') => Promise.resolve(new Response(body, { status }));

  it('retries 5xx with doubling backoff, never a 404, and names the host', async () => {
    const sleeps: number[] = [];
    const statuses = [503, 502, 200];
    const http = createHttpClient({
      retries: 3,
      backoffMs: 100,
      minIntervalMs: 0,
      fetch: () => reply(statuses.shift()!),
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(await http.get('http://quotes.example/x', (b) => b)).toBe('ok');
    expect(sleeps).toEqual([100, 200]);
    expect(http.requests).toBe(3);

    let calls = 0;
    const h404 = createHttpClient({
      retries: 3,
      minIntervalMs: 0,
      fetch: () => (calls++, reply(404)),
      sleep: async () => {},
    });
    const err = await h404.get('http://quotes.example/x', (b) => b).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({
      kind: 'http',
      status: 404,
      message: 'quotes.example answered HTTP 404',
    });
    expect(calls).toBe(1);
  });

  it('waits the minimum interval between two requests to one host', async () => {
    const sleeps: number[] = [];
    const http = createHttpClient({
      minIntervalMs: 10_000,
      fetch: () => reply(200),
      sleep: async (ms) => void sleeps.push(ms),
    });
    await http.get('http://a.example/1', (b) => b);
    await http.get('http://b.example/1', (b) => b); // another host: no wait
    await http.get('http://a.example/2', (b) => b);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(9_000);
  });
});
