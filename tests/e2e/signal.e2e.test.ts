/// <reference lib="dom" />
/**
 * Today's signal first, in Chromium against the web host: the getting-started guide ticks its steps off as the
 * data folder, a preset and a run appear; a finished run's model predicts the newest dates of a data folder
 * holding the real files up to 2023-12-15, checked against `factor-inception predict` in a separate process,
 * with the strategy's target computed here and the run's out-of-sample record from evaluation.json; then the
 * engine's updateData (against a local quote server) extends the folder to 2023-12-29 and the panel moves to
 * the new newest date without changing any earlier one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../src/shared/ipc-contract';
import { dailyFile } from '../helpers/data';
import { CODES, CUT, useUpdateFixture } from '../helpers/update-fixture';
import { call, runJob, startHostWith, tinySetup } from './app-helpers';
import { launchChromium, ROOT, SHOTS, type TestHost } from './helpers';

const fx = useUpdateFixture();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-e2e-signal-'));
const empty = path.join(tmp, 'empty');
const data = path.join(tmp, 'data');
const setup = tinySetup(['000300', '000905'], 80);
let th: TestHost;
let browser: Browser;
let page: Page;
let run: JobState;

const text = async (testid: string) =>
  (await page.locator(`[data-testid="${testid}"]`).first().innerText()).trim();
const pc = (x: number) => `${(x * 100).toFixed(1)} %`;
async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toast"]')?.click());
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
/** The run's probabilities from the command line: another process, the CLI's own predict path. */
function cliPredict(runDir: string): { dates: string[]; probs: number[][] } {
  const p = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'bin/factor-inception.js'),
      'predict',
      '--run',
      runDir,
      '--data',
      data,
      '--date',
      'all',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  if (p.status !== 0) throw new Error(p.stderr);
  return JSON.parse(p.stdout);
}
/** The table's rows: date -> [down, flat, up] as shown. */
async function tableRows(): Promise<Map<string, string[]>> {
  const rows = await page
    .locator('[data-testid="signal-rows"] tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.innerText.trim())),
    );
  return new Map(rows.map((r) => [r[0], r.slice(1, 4)]));
}

beforeAll(async () => {
  mkdirSync(empty);
  mkdirSync(data);
  // the real files without their last CUT rows: they end 2023-12-15 (the quote server knows the rest)
  for (const c of CODES) {
    const lines = readFileSync(dailyFile(c), 'utf8').split('\n');
    writeFileSync(path.join(data, `${c}.csv`), lines.slice(0, lines.length - 1 - CUT).join('\n') + '\n');
  }
  th = await startHostWith(setup, empty);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(th.host.url);
  await page.waitForSelector('[data-testid="guide"]');
});

afterAll(async () => {
  await browser?.close();
  await th?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const doneSteps = () =>
  page
    .locator('[data-testid="guide"] li.done')
    .evaluateAll((li) => li.map((l) => l.getAttribute('data-step')));

describe('first launch', () => {
  it('opens on the guide: data folder, import, a preset, a run, each ticked off as it happens', async () => {
    expect(await page.locator('h1').innerText()).toBe("Today's signal");
    expect(await doneSteps()).toEqual([]);
    expect(await text('guide')).toContain(empty);
    expect(await text('signal-empty')).toMatch(/^No finished training run yet/);
    await shot('first-launch');
    // each step opens the view that does it
    await page.click('[data-guide-open="import"]');
    expect(await page.locator('h1').innerText()).toBe('Data');
    // the data folder with the index files
    await call(th, 'settings.set', { dataDir: data });
    await page.reload();
    await page.waitForSelector('[data-testid="guide"]');
    await expect.poll(doneSteps).toEqual(['folder', 'import']);
    // a preset, by name
    expect(await page.locator('[data-guide-preset]').allInnerTexts()).toEqual([
      'Quick',
      'Medium',
      'Overnight',
      'Intraday (15-minute)',
    ]);
    await page.click('[data-guide-preset="quick"]');
    await expect.poll(() => text('toast')).toBe('Loaded preset Quick.');
    await expect.poll(doneSteps).toEqual(['folder', 'import', 'preset']);
    // back to the tiny setup for the run below
    await page.reload();
    await page.waitForSelector('[data-testid="guide"]');
    await expect.poll(doneSteps).toEqual(['folder', 'import', 'preset']);
  });
});

describe("today's signal", () => {
  it('shows the newest date, the probabilities predict gives, the strategy action and the out-of-sample record', async () => {
    run = await runJob(th, 'train', setup);
    expect(run.status).toBe('done');
    // the finished job reaches the page by its event: the guide's last step and the signal follow
    await expect.poll(doneSteps, { timeout: 20_000 }).toEqual(['folder', 'import', 'preset', 'run']);
    await expect.poll(() => text('signal-date'), { timeout: 120_000 }).toBe('After the close of 2023-12-15');
    expect(await text('signal-data')).toBe(
      'Data: CSI 300 000300 through 2023-12-15; newest date every channel has: 2023-12-15',
    );
    const cli = cliPredict(run.runDir!);
    expect(cli.dates.at(-1)).toBe('2023-12-15');
    const rows = await tableRows();
    // the 14 newest dates, none of them labeled yet
    expect([...rows.keys()]).toEqual(cli.dates.slice(-14).reverse());
    for (const [date, shown] of rows) {
      const p = cli.probs[cli.dates.indexOf(date)];
      expect(shown).toEqual(p.map(pc));
    }
    expect(await page.locator('[data-testid="signal-rows"] tbody').innerText()).toContain('not known yet');
    // the class with the highest probability on the newest date
    const newest = cli.probs.at(-1)!;
    expect(await text('signal-class')).toBe(['Down', 'Flat', 'Up'][newest.indexOf(Math.max(...newest))]);
    // the setup's strategy: long on up, flat otherwise, 14-day tranches: the target is the share of 'up' among
    // the last 14 signals, traded at the next open
    const argmax = (p: number[]) => p.indexOf(Math.max(...p));
    const ups = (k: number) => cli.probs.slice(k - 14, k).filter((p) => argmax(p) === 2).length / 14;
    const n = cli.probs.length;
    expect(await text('signal-strategy')).toBe(
      'Position by class: down 0 % · flat 0 % · up 100 % of equity; each day’s signal sets 1/14 of the capital for 14 trading days; traded at the next open.',
    );
    const action = await text('signal-action');
    expect(action).toContain(`Target exposure from the next session: ${pc(ups(n))} of equity`);
    expect(action).toContain(`decided one date earlier: ${pc(ups(n - 1))}`);
    const d = ups(n) - ups(n - 1);
    expect(await text('signal-trade')).toBe(
      Math.abs(d) < 1e-9 ? 'No trade' : `${d > 0 ? 'Buy' : 'Sell'} ${pc(Math.abs(d))} of equity`,
    );
    // the out-of-sample record beside it: the run's test block, its interval, the baselines on the same dates
    const e = JSON.parse(readFileSync(path.join(run.runDir!, 'evaluation.json'), 'utf8'));
    const record = await text('signal-record');
    expect(record).toContain(
      `Test block ${e.fold.testStart} – ${e.fold.testEnd}, ${e.metrics.n} labeled dates`,
    );
    const model = await page.locator('[data-testid="signal-record"] tr[data-record="model"]').innerText();
    const ci = e.ci.balancedAccuracy;
    expect(model.replace(/\s+/g, ' ')).toBe(
      `This model ${pc(e.metrics.balancedAccuracy)} [${pc(ci.lo)}, ${pc(ci.hi)}]`,
    );
    const persistence = e.baselines.find((b: { name: string }) => b.name === 'persistence');
    expect(
      (await page.locator('tr[data-record="persistence"]').innerText()).replace(/\s+/g, ' ').trim(),
    ).toBe(
      `Persistence (last known label) ${pc(persistence.metrics.balancedAccuracy)} [${pc(persistence.ci.balancedAccuracy.lo)}, ${pc(persistence.ci.balancedAccuracy.hi)}]`,
    );
    expect(await text('signal-verdict')).toMatch(
      /^(The interval includes chance|Not better than the best baseline|Above chance)/,
    );
  }, 300_000);

  it('after a data update predicts the new newest date and keeps every earlier one', async () => {
    const before = await tableRows();
    const r = await fx.run(data);
    expect(r.files.map((f) => f.status)).toEqual(['updated', 'updated', 'updated', 'updated']);
    await page.click('[data-testid="signal-refresh"]');
    await expect.poll(() => text('signal-date'), { timeout: 120_000 }).toBe('After the close of 2023-12-29');
    expect(await text('signal-data')).toBe(
      'Data: CSI 300 000300 through 2023-12-29; newest date every channel has: 2023-12-29',
    );
    expect(await text('signal-panel')).toContain('The data has changed since the model was trained');
    const after = await tableRows();
    expect([...after.keys()][0]).toBe('2023-12-29');
    const shared = [...before.keys()].filter((k) => after.has(k));
    expect(shared.length).toBe(4);
    for (const k of shared) expect(after.get(k)).toEqual(before.get(k));
    const cli = cliPredict(run.runDir!);
    for (const [date, shown] of after) expect(shown).toEqual(cli.probs[cli.dates.indexOf(date)].map(pc));
    await page.click('[data-testid="hide-guide"]');
    await shot('signal');
    await page.selectOption('[data-testid="language"]', 'zh');
    await expect.poll(() => text('signal-date')).toBe('2023-12-29 收盘后');
    await shot('signal-zh');
    await page.selectOption('[data-testid="language"]', 'en');
  }, 200_000);
});
