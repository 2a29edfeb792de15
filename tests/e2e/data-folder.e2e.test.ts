/// <reference lib="dom" />
/**
 * The Data view in Chromium against the web host: a mistyped folder is refused, not created; an import that
 * would replace a series asks first (Baostock's sh000905.csv over 000905.csv) and keeps a backup; an imported
 * 1-minute file is listed beside the daily file of the same index; Update data fetches the missing days from a
 * local quote server the test starts (the app's base-URL setting points at it), shows progress, lists a
 * disagreeing day with both values and takes the source's value on request, says so when offline, and cancels.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDailyCsv, type DailyColumns } from '../helpers/csv';
import { dailyFile, rawDir } from '../helpers/data';
import { startQuoteServer, type QuoteServer } from '../helpers/quote-server';
import { CODES, cutDailyCopies, go, openApp, shot, text, type App } from './view-helpers';

let app: App;
const page = () => app.page;
const dataDir = () => app.th.dataDir;

beforeAll(async () => {
  app = await openApp({ empty: true });
});
afterAll(async () => {
  expect(app.errors).toEqual([]);
  await app?.close();
});

/** The close of `date` in a daily CSV file. */
function closeOn(file: string, date: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${date},`))!;
  const header = readFileSync(file, 'utf8').split('\n')[0].split(',');
  return Number(line.split(',')[header.indexOf('close')]);
}

describe('data folder', () => {
  it('refuses a mistyped folder and does not create it', async () => {
    const typo = path.join(os.tmpdir(), `fi-no-such-folder-${process.pid}`, 'data');
    await page().fill('[data-testid="data-dir"]', typo);
    await page().click('[data-testid="use-data-dir"]');
    await expect.poll(() => page().locator('[data-testid="data-dir-error"]').count()).toBe(1);
    expect(await text(page(), 'data-dir-error')).toBe(
      `The folder ${typo} does not exist: check the path (nothing was created).`,
    );
    expect(existsSync(path.dirname(typo))).toBe(false);
    // nothing was saved: the settings file is absent (never written) or still names the folder in use
    const file = app.th.host.settingsFile;
    const settings = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as { dataDir?: string };
    expect(settings.dataDir ?? dataDir()).toBe(dataDir());
    // the host refuses it too, whoever asks
    const r = await page().evaluate(async (dir) => {
      const res = await fetch('/api/settings.set', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-access-token': sessionStorage.getItem('fi-access-token') ?? '',
        },
        body: JSON.stringify({ dataDir: dir }),
      });
      return res.json();
    }, typo);
    expect(r).toMatchObject({ ok: false });
    expect((r as { error: string }).error).toBe(
      `dataDir: ${typo} does not exist; choose an existing folder (nothing was created).`,
    );
    expect(existsSync(path.dirname(typo))).toBe(false);
    await page().fill('[data-testid="data-dir"]', dataDir());
  });

  it('asks before an import replaces a series, keeps the file when told to, and replaces it with a backup when told to', async () => {
    await page().setInputFiles('[data-testid="import-input"]', [dailyFile('000905'), dailyFile('000300')]);
    await page().waitForSelector('[data-testid="indices"] tr[data-code="000905"]');
    const before = readFileSync(path.join(dataDir(), '000905.csv'));
    const baostock = path.join(rawDir('baostock'), 'sh000905.csv');
    await page().setInputFiles('[data-testid="import-input"]', [baostock]);
    await page().waitForSelector('[data-testid="replace-dialog"]');
    expect(await text(page(), 'replace-dialog')).toContain(
      'sh000905.csv would replace 000905.csv in the data folder.',
    );
    expect(await text(page(), 'replace-incoming')).toMatch(
      /^sh000905\.csv \(Baostock, daily, \d{4}-\d\d-\d\d – 2023-12-29/,
    );
    expect(await text(page(), 'replace-existing')).toMatch(
      /^000905\.csv \(generic CSV, daily, 2005-01-04 – 2023-12-29, 4,616 Bars\)/,
    );
    await shot(page(), 'data-replace');
    await page().click('[data-testid="replace-keep"]');
    await expect.poll(() => page().locator('[data-testid="replace-dialog"]').count()).toBe(0);
    expect(readFileSync(path.join(dataDir(), '000905.csv')).equals(before)).toBe(true);

    await page().setInputFiles('[data-testid="import-input"]', [baostock]);
    await page().click('[data-testid="replace-confirm"]');
    // Baostock's file holds its own wrong CSI 500 row of 2014-08-07 (close 4341.94): that is the file now kept
    await expect.poll(() => closeOn(path.join(dataDir(), '000905.csv'), '2014-08-07')).toBe(4341.94);
    const backups = readdirSync(path.join(dataDir(), 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^000905\.csv\.\d{8}T\d{6}Z\.bak$/);
    expect(readFileSync(path.join(dataDir(), 'backups', backups[0])).equals(before)).toBe(true);
    expect(
      readdirSync(dataDir())
        .filter((f) => f.endsWith('.csv'))
        .sort(),
    ).toEqual(['000300.csv', '000905.csv']);
  });

  it('lists an imported 1-minute file beside the daily file of the same index, and offers its bar sizes', async () => {
    await page().setInputFiles('[data-testid="import-input"]', [
      path.join(rawDir('tdx-1min'), 'SH-000300.txt'),
    ]);
    await page().waitForSelector('[data-testid="indices"] tr[data-series="000300_1min.txt"]');
    expect(
      readdirSync(dataDir())
        .filter((f) => f.startsWith('000300'))
        .sort(),
    ).toEqual(['000300.csv', '000300_1min.txt']);
    const rows = await page().locator('[data-testid="indices"] tbody tr[data-code="000300"]').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/000300\s+CSI 300\s+daily\s+2005-01-04 – 2023-12-29\s+4,616/);
    expect(rows[1]).toMatch(
      /000300\s+CSI 300\s+1-minute\s+2017-04-27 09:31 – 2017-09-21 15:00\s+24,720\s+TongDaXin/,
    );
    await page().click('[data-testid="indices"] tr[data-series="000300_1min.txt"]');
    await expect.poll(() => page().locator('[data-testid="resampled-note"]').count()).toBe(1);
    expect(await text(page(), 'resampled-note')).toBe(
      '15-minute bars resampled from the file’s 240 bars a day (too many to draw one by one).',
    );
    await page().waitForSelector('[data-testid="candles"] canvas');
    await shot(page(), 'data');
    await go(page(), 'study');
    const sizes = await page().locator('[data-testid="bars-per-day"] option').allInnerTexts();
    // the folder holds the daily files of 000300 and 000905 only (the test above), the setup all four indices
    expect(sizes[0]).toBe('1 (daily) — not in the data folder for 000001, 399006');
    expect(sizes).toContain('16 (15-minute) — not in the data folder for 000001, 000905, 399006');
    await go(page(), 'data');
  });
});

describe('Update data', () => {
  let server: QuoteServer;
  let cut: ReturnType<typeof cutDailyCopies>;
  const truth: Record<string, DailyColumns> = {};
  const CUT_DATES = [
    '2023-12-18',
    '2023-12-19',
    '2023-12-20',
    '2023-12-21',
    '2023-12-22',
    '2023-12-25',
    '2023-12-26',
    '2023-12-27',
    '2023-12-28',
    '2023-12-29',
  ];

  beforeAll(async () => {
    for (const c of CODES) truth[c] = readDailyCsv(dailyFile(c));
    server = await startQuoteServer(truth, '2023-12-29');
    cut = cutDailyCopies(10);
    await go(page(), 'data');
    await page().fill('[data-testid="data-dir"]', cut.dir);
    await page().click('[data-testid="use-data-dir"]');
    // (expect.poll is for tests; a hook waits in the page)
    await page().waitForFunction(
      () => document.querySelectorAll('[data-testid="indices"] tbody tr').length === 4,
    );
    await page().selectOption('[data-testid="update-source"]', 'eastmoney');
    await page().fill('[data-testid="update-base-url"]', server.baseUrl);
    await page().locator('[data-testid="update-base-url"]').blur();
  });
  afterAll(async () => {
    await server?.close();
    cut?.cleanup();
  });

  it('appends the missing days with progress, lists a disagreeing day with both values, and takes the source’s on request', async () => {
    // the source disagrees with the file on one overlapping day of CSI 300 (its close 5 points higher)
    server.behave = (q, rows) =>
      q.code === '000300'
        ? {
            rows: rows.map((r) =>
              r.date === '2023-12-13' ? { ...r, close: (Number(r.close) + 5).toFixed(2) } : r,
            ),
          }
        : undefined;
    const fileClose = closeOn(path.join(cut.dir, '000300.csv'), '2023-12-13');
    await page().click('[data-testid="update-data"]');
    await expect
      .poll(() => page().locator('[data-testid="update-progress"]').count(), {
        timeout: 20_000,
        interval: 50,
      })
      .toBe(1);
    expect(await text(page(), 'update-progress')).toMatch(/^\d\/4 files · /);
    await page().waitForSelector('[data-testid="update-report"]', { timeout: 60_000 });
    for (const c of CODES) {
      const row = page().locator(`[data-update="${c}"]`);
      expect(await row.locator('[data-status]').innerText()).toBe('updated');
      expect(await row.locator('[data-appended]').innerText()).toBe('10');
      const lines = readFileSync(path.join(cut.dir, `${c}.csv`), 'utf8')
        .trim()
        .split('\n');
      expect(lines.slice(-10).map((l) => l.split(',')[0])).toEqual(CUT_DATES);
      // nothing stored before was changed: the old bytes are the new file's start
      expect(
        readFileSync(path.join(cut.dir, `${c}.csv`))
          .subarray(0, cut.before[c].length)
          .equals(cut.before[c]),
      ).toBe(true);
    }
    const table = page().locator('[data-disagreements="000300"] tbody tr');
    expect(await table.count()).toBe(1);
    expect((await table.innerText()).split('\t').map((s) => s.trim())).toEqual([
      '2023-12-13',
      'Close',
      fileClose.toFixed(2),
      (fileClose + 5).toFixed(2),
    ]);
    expect(closeOn(path.join(cut.dir, '000300.csv'), '2023-12-13')).toBe(fileClose);
    await shot(page(), 'data-update');
    await page().click('[data-take-source="000300"]');
    await expect
      .poll(() => closeOn(path.join(cut.dir, '000300.csv'), '2023-12-13'), { timeout: 60_000 })
      // the source's value as Eastmoney sends it: two decimals (tests/helpers/quote-server.ts)
      .toBeCloseTo(Number((fileClose + 5).toFixed(2)), 6);
    await expect.poll(() => page().locator('[data-disagreements="000300"]').count()).toBe(0);
    // the list of series shows the new last day
    expect(await page().locator('[data-testid="indices"] tr[data-code="000300"]').innerText()).toContain(
      '2023-12-29',
    );
  }, 120_000);

  it('says the machine is offline when no source answers, and changes nothing', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const before = Object.fromEntries(CODES.map((c) => [c, readFileSync(path.join(cut.dir, `${c}.csv`))]));
    await page().fill('[data-testid="update-base-url"]', `http://127.0.0.1:${port}`);
    await page().locator('[data-testid="update-base-url"]').blur();
    await page().click('[data-testid="update-data"]');
    await page().waitForSelector('[data-testid="update-offline"]', { timeout: 90_000 });
    expect(await text(page(), 'update-offline')).toMatch(
      /^No source answered: the machine seems to be offline/,
    );
    for (const c of CODES) expect(readFileSync(path.join(cut.dir, `${c}.csv`)).equals(before[c])).toBe(true);
  }, 120_000);

  it('cancels a slow update', async () => {
    cut.cleanup();
    cut = cutDailyCopies(10);
    await go(page(), 'data');
    await page().fill('[data-testid="data-dir"]', cut.dir);
    await page().click('[data-testid="use-data-dir"]');
    server.reset();
    server.behave = () => ({ delayMs: 4000 });
    await page().fill('[data-testid="update-base-url"]', server.baseUrl);
    await page().locator('[data-testid="update-base-url"]').blur();
    await page().click('[data-testid="update-data"]');
    await page().click('[data-testid="update-cancel"]');
    await page().waitForSelector('[data-testid="update-cancelled"]', { timeout: 60_000 });
    expect(await text(page(), 'update-cancelled')).toMatch(/^The update was cancelled/);
    for (const c of CODES)
      expect(readFileSync(path.join(cut.dir, `${c}.csv`)).equals(cut.before[c])).toBe(true);
  }, 120_000);
});
