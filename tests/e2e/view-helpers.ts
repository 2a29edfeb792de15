/// <reference lib="dom" />
/**
 * Pieces the Data, Study setup and Factor images browser tests share: a host whose data folder holds copies of
 * the real daily files, a page on it, what an ECharts chart on the page shows (its texts, its option), when a
 * chart has drawn what it was given, and timings printed (never asserted: the machine is shared).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dailyFile } from '../helpers/data';
import { launchChromium, SHOTS, startTestHost, type TestHost } from './helpers';

export const CODES = ['000300', '000001', '000905', '399006'];

export interface App {
  th: TestHost;
  browser: Browser;
  page: Page;
  /** Page errors seen (a test fails on any). */
  errors: string[];
  close(): Promise<void>;
}

/** A web host (data folder: copies of the real daily files unless `empty`) and a Chromium page on it. */
export async function openApp(opts: { empty?: boolean; locale?: string } = {}): Promise<App> {
  const th = await startTestHost();
  mkdirSync(th.dataDir, { recursive: true });
  if (!opts.empty) for (const c of CODES) copyFileSync(dailyFile(c), path.join(th.dataDir, `${c}.csv`));
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: opts.locale ?? 'en-US',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(th.host.url);
  await page.waitForSelector('button[data-view="data"]');
  // the app opens on Today's signal (the first-launch guide); these tests start from the Data view
  await page.click('button[data-view="data"]');
  return {
    th,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await th.close();
    },
  };
}

export async function go(page: Page, view: string): Promise<void> {
  await page.click(`button[data-view="${view}"]`);
}

export async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().innerText()).trim();
}

/** A screenshot into SHOTS (toasts dismissed first). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toast"]')?.click());
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * Every text the chart in [data-testid=testid] draws (axis labels, names, colour-bar labels), with its opacity,
 * read from the chart's own display list (EChart.vue keeps the instance on the element).
 */
export async function chartTexts(page: Page, testid: string): Promise<{ text: string; opacity: number }[]> {
  // a string, not a function: the test transform's helpers do not exist in the page
  return page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="${testid}"]');
    const c = el && el.__chart;
    if (!c) return [];
    return c.getZr().storage.getDisplayList()
      .filter((e) => e.style && typeof e.style.text === 'string' && e.style.text !== '')
      .map((e) => ({ text: e.style.text, opacity: e.style.opacity === undefined ? 1 : e.style.opacity }));
  })()`) as Promise<{ text: string; opacity: number }[]>;
}

/** The chart's resolved option (functions dropped), for axis names and label settings. */
export async function chartOption(page: Page, testid: string): Promise<Record<string, any>> {
  return page.evaluate(`(() => {
    const c = document.querySelector('[data-testid="${testid}"]').__chart;
    return JSON.parse(JSON.stringify(c.getOption()));
  })()`) as Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls a formatter of the chart's option, e.g. ('zAxis3D', 'axisLabel', -4). */
export async function callFormatter(
  page: Page,
  testid: string,
  component: string,
  part: string,
  arg: unknown,
): Promise<string> {
  return page.evaluate(`(() => {
    const c = document.querySelector('[data-testid="${testid}"]').__chart;
    return String(c.getOption().${component}[0].${part}.formatter(${JSON.stringify(arg)}));
  })()`) as Promise<string>;
}

/** Waits until the chart has drawn the option whose draw key starts with `prefix`; resolves with the key. */
export async function waitDrawn(
  page: Page,
  testid: string,
  prefix: string,
  timeout = 120_000,
): Promise<string> {
  const h = await page.waitForFunction(
    ([id, p]) => {
      const d = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.dataset.drawn ?? '';
      return d.startsWith(p) ? d : false;
    },
    [testid, prefix] as const,
    { timeout, polling: 10 },
  );
  return (await h.jsonValue()) as string;
}

/**
 * The tooltip the chart shows for one data item of series 0, as text. A grid drawn as one image (EChart.vue's
 * cellTip) shows the cell's tip itself; other charts are asked through ECharts' showTip.
 */
export async function tooltipOf(page: Page, testid: string, dataIndex: number): Promise<string> {
  const cells = (await page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="${testid}"]');
    if (el.__showCell) el.__showCell(${dataIndex});
    else el.__chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: ${dataIndex} });
    return !!el.__showCell;
  })()`)) as boolean;
  const tip = cells
    ? page.locator(`[data-testid="${testid}"] > .cell-tip`)
    : page.locator(`[data-testid="${testid}"] > div:not(:first-child)`).last();
  await tip.waitFor({ state: 'visible' });
  return (await tip.innerText()).trim();
}

/** Median of numbers. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};

/** Prints a timing the way the issue asks: measured in the browser, printed, not asserted. */
export function printTiming(what: string, ms: number[], target: number): void {
  const load = os.loadavg()[0].toFixed(1);
  console.log(
    `[timing] ${what}: ${ms.map((m) => `${Math.round(m)} ms`).join(', ')} (median ${Math.round(median(ms))} ms; target < ${target} ms; load average ${load} on ${os.availableParallelism()} cores)`,
  );
}

/** A temp folder holding the real daily files without their last `cut` rows (for the update tests). */
export function cutDailyCopies(cut: number): {
  dir: string;
  before: Record<string, Buffer>;
  cleanup(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-e2e-update-'));
  const before: Record<string, Buffer> = {};
  for (const c of CODES) {
    const lines = readFileSync(dailyFile(c), 'utf8').split('\n');
    // the file ends with a newline, so lines.at(-1) is ''
    const kept = lines.slice(0, lines.length - 1 - cut).join('\n') + '\n';
    before[c] = Buffer.from(kept);
    writeFileSync(path.join(dir, `${c}.csv`), kept);
  }
  return { dir, before, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
