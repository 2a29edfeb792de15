/// <reference lib="dom" />
/**
 * Every view in Chinese, scanned for English words left untranslated: the visible text of the page, the title,
 * placeholder and aria-label of every element, the text each chart drew (read from its ECharts instance) and its
 * tooltip when the pointer rests on it, the toasts and the confirmation questions. Codes, numbers, units, file
 * names and the proper names in WORDS_ALLOWED are not words to translate. Runs: a training run and a study
 * made through the host on the real data first, so Results, Runs, Training and today's signal have content.
 *
 * Views of other engineers still leave English in: their words are listed in TEMPORARY_BY_VIEW, each with a
 * TODO naming the view, to be emptied as their translations are merged (the lead removes them).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartTexts, runJob, startHostWith, tinySetup } from './app-helpers';
import { launchChromium, SHOTS, type TestHost } from './helpers';

/**
 * Not English words to translate: proper names (indices, data vendors, libraries, model architectures), key
 * names, file formats, backend identifiers, units, and the language selector's own "English".
 */
export const WORDS_ALLOWED = new Set([
  // index names beside their Chinese names and codes
  'CSI',
  'SSE',
  'ChiNext',
  // data vendors and terminal formats (proper names)
  'Baostock',
  'Sina',
  'Eastmoney',
  'TongDaXin',
  'czsc',
  // architectures and libraries
  'Inception',
  'GoogLeNet',
  'tfjs',
  'OpenBLAS',
  'TensorFlow',
  'WebAssembly',
  'JavaScript',
  'Adam',
  // backend identifiers as the engine names them
  'wasm',
  'native',
  'cpu',
  'tensorflow',
  // factor codes the image axes show as the engine names them (their tooltips name them in words)
  'clv',
  'gap',
  // file formats
  'CSV',
  'TXT',
  'JSON',
  'HTML',
  'PNG',
  // keys of the keyboard
  'Alt',
  'Ctrl',
  'Shift',
  'Enter',
  // statistics named after their authors (Brier score, Holm's adjustment, Hansen's SPA test, Romano–Wolf
  // step-down, the Politis–White block length)
  'Brier',
  'Holm',
  'Hansen',
  'SPA',
  'Romano',
  'Wolf',
  'Politis',
  'White',
  // units: percentage points, basis points
  'pp',
  'bp',
  // the language selector names each language in itself
  'English',
]);

/**
 * TODO(lead): temporary, per view of another engineer; remove each list as that view's translations are merged.
 * Filled with exactly what this test found on the branch that wrote it (wsb).
 */
export const TEMPORARY_BY_VIEW: Record<string, string[]> = {
  // TODO(Data view): untranslated words the Data view shows in Chinese
  data: [],
  // TODO(Study setup view): untranslated words the Study view shows in Chinese
  study: [],
  // TODO(Factor images view): untranslated words the Images view shows in Chinese
  images: [],
  // TODO(Results view): untranslated words the Results view shows in Chinese
  results: [],
};

/** English words of a text: Latin-letter runs of two or more letters in tokens that are not codes or names. */
export function englishWords(text: string): string[] {
  const out = new Set<string>();
  // the product's name and its logo's letters
  // web addresses (the update source's base URL field shows one as its example) and commands to run
  const cleaned = text.replace(/Factor Inception|\bFI\b|\bhttps?:\/\/\S*|factor-inception(?: [a-z]+)?/g, ' ');
  for (const token of cleaned.split(/[\s，。；：、（）()［］[\]「」“”"'’‘·,;:!?？！<>《》|→←↻✓]+/u)) {
    if (!token) continue;
    // codes, numbers, dates, sizes (000300, 2023-12-29, ×0.25, H=14, csi300-h14, 000300_time-factor)
    if (/\d/.test(token)) continue;
    // identifiers, file names, paths, packages
    if (/[_@\\]/.test(token) || /^[~/]/.test(token) || /[A-Za-z]\.[A-Za-z]/.test(token)) continue;
    for (const w of token.match(/[A-Za-z][A-Za-z-]*[A-Za-z]/g) ?? []) if (!WORDS_ALLOWED.has(w)) out.add(w);
  }
  return [...out].sort();
}

let th: TestHost;
let browser: Browser;
let page: Page;
const questions: string[] = [];

const go = (view: string) => page.click(`button[data-view="${view}"]`);

/** What the page shows now: text, attributes people read, chart texts, and each 2-D chart's tooltip. */
async function visibleText(): Promise<string> {
  const parts: string[] = [];
  // the engine's log panel is the run folder's train.log, in English like the command line (its title says so);
  // nothing else is exempt (the Results view's block-length rule, test families, trials and baseline descriptions
  // are worded from their numbers)
  parts.push(
    await page.evaluate(() => {
      let t = document.body.innerText;
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('pre.log')))
        t = t.replace(el.innerText, ' ');
      return t;
    }),
  );
  parts.push(
    ...(await page.evaluate(() =>
      Array.from(document.querySelectorAll('[title], [placeholder], [aria-label]'))
        .filter((e) => (e as HTMLElement).offsetParent !== null || e.tagName === 'OPTION')
        .filter((e) => !e.closest('pre.log'))
        .flatMap((e) => ['title', 'placeholder', 'aria-label'].map((a) => e.getAttribute(a) ?? '')),
    )),
  );
  const charts = await page.locator('.echart').count();
  for (let k = 0; k < charts; k++) {
    const chart = page.locator('.echart').nth(k);
    if (!(await chart.isVisible())) continue;
    await chart.evaluate((el, i) => el.setAttribute('data-scan', String(i)), k);
    parts.push(...(await chartTexts(page, `[data-scan="${k}"]`)).map((b) => b.text));
    // rest the pointer on the chart: its tooltip is HTML inside the chart element
    const box = await chart.boundingBox();
    if (box && box.height > 40) {
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.45);
      await page.waitForTimeout(250);
      parts.push(await chart.innerText());
    }
  }
  await page.mouse.move(5, 5);
  return parts.join('\n');
}

async function scan(view: string): Promise<string[]> {
  const found = englishWords(await visibleText());
  const temporary = new Set(TEMPORARY_BY_VIEW[view] ?? []);
  const left = found.filter((w) => !temporary.has(w));
  if (found.length) console.log(`[zh-words] ${view}: ${found.join(' ')}`);
  await page.screenshot({ path: path.join(SHOTS, `zh-${view}.png`) });
  return left;
}

/** A setup a Chinese user names in Chinese (names are the user's data, not text to translate). */
const setup = (testDays: number) => ({ ...tinySetup(['000300', '000905'], testDays), name: '微型' });

beforeAll(async () => {
  th = await startHostWith(setup(80));
  await th.host.dispatcher.dispatch('settings.set', { language: 'zh' });
  // content for Results, Runs, Training and today's signal
  await runJob(th, 'train', setup(80));
  await runJob(th, 'study', setup(120));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('dialog', (d) => {
    questions.push(d.message());
    void d.accept();
  });
  await page.goto(th.host.url);
  await page.waitForSelector('button[data-view="data"]');
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await th?.close();
});

describe('every view in Chinese', () => {
  it('finds English words in a text, not codes, numbers, units, file names or proper names', () => {
    expect(
      englishWords(
        '沪深300 (CSI 300) 000300 · 2023-12-29 · 14.3 % · ×0.25 · H=14 · csi300-h14 · report.html · wasm+native · Alt+1 · /tmp/x/data · 000300_time-factor',
      ),
    ).toEqual([]);
    expect(englishWords('训练 done · 折 folds · Balanced accuracy 平衡')).toEqual([
      'Balanced',
      'accuracy',
      'done',
      'folds',
    ]);
  });

  it("today's signal, the guide and the shell", async () => {
    await expect
      .poll(() => page.locator('[data-testid="signal-date"]').count(), { timeout: 120_000 })
      .toBe(1);
    expect(await page.locator('h1').innerText()).toBe('今日信号');
    expect(await scan('signal')).toEqual([]);
    await page.locator('h1').click();
    await page.keyboard.press('Shift+Slash');
    await page.waitForSelector('[data-testid="shortcuts"]');
    expect(await scan('shortcuts')).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('the Training view: a study and a run, the queue, a started job, the cancel question', async () => {
    await go('training');
    await page.waitForSelector('[data-testid="job-panel"] canvas');
    expect(await scan('training')).toEqual([]);
    // the other job's panel (the last one, the study, shows first)
    await page.click('[data-testid="queue"] tbody tr:nth-child(1)');
    await page.waitForTimeout(500);
    expect(await scan('training')).toEqual([]);
    // a job started from the keyboard: its toast, its live tiles, and the question before cancelling
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('[data-testid="toast"]').count()).toBe(1);
    expect(englishWords(await page.locator('[data-testid="toast"]').innerText())).toEqual([]);
    await expect
      .poll(() => page.locator('[data-testid="job-status"]').innerText(), { timeout: 60_000 })
      .toBe('运行中');
    expect(await scan('training')).toEqual([]);
    await page.click('[data-testid="cancel-training"]');
    await expect
      .poll(() => page.locator('[data-testid="job-status"]').innerText(), { timeout: 60_000 })
      .toBe('已取消');
    expect(questions.length).toBe(1);
    expect(englishWords(questions[0])).toEqual([]);
    expect(await scan('training')).toEqual([]);
  }, 150_000);

  it('the Runs view with two runs compared', async () => {
    await go('runs');
    await page.waitForSelector('[data-testid="runs"] tbody tr');
    const ids = await page
      .locator('[data-testid="runs"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')!));
    for (const id of ids.slice(0, 3)) await page.check(`input[data-compare="${id}"]`);
    await page.waitForSelector('[data-testid="compare"] canvas');
    await page.waitForTimeout(500);
    expect(await scan('runs')).toEqual([]);
  });

  // Views of other engineers: what is left is listed in TEMPORARY_BY_VIEW (see the TODOs there)
  it('the Data view', async () => {
    await go('data');
    await page.waitForSelector('[data-testid="indices"] tbody tr');
    await page.waitForSelector('[data-testid="candles"] canvas');
    expect(await scan('data')).toEqual([]);
  });

  it('the Study setup view', async () => {
    await go('study');
    await page.waitForSelector('[data-testid="labels-chart"] canvas');
    await page.waitForTimeout(500);
    expect(await scan('study')).toEqual([]);
  });

  it('the Factor images view', async () => {
    await go('images');
    await page.waitForSelector('[data-testid="surface"] canvas', { timeout: 120_000 });
    await page.waitForTimeout(1000);
    const surface = englishWords(await visibleText());
    await page.click('button[data-mode="heatmap"]');
    await page.waitForSelector('[data-testid="heatmap-main"] canvas');
    await page.waitForTimeout(500);
    const left = [...new Set([...surface, ...(await scan('images'))])].filter(
      (w) => !(TEMPORARY_BY_VIEW.images ?? []).includes(w),
    );
    expect(left).toEqual([]);
  }, 150_000);

  it('the Results view', async () => {
    await go('results');
    // the finished study (the newest run is the one the Training test cancelled, with nothing to show yet)
    const runs = (
      (await th.host.dispatcher.dispatch('runs.list', {})) as {
        value: { id: string; kind: string; status: string }[];
      }
    ).value;
    const study = runs.find((r) => r.kind === 'study' && r.status === 'finished')!;
    await page.waitForSelector('[data-testid="run-select"]');
    await page.selectOption('[data-testid="run-select"]', study.id);
    await page.waitForSelector('[data-testid="predictions"] tbody tr');
    await page.waitForTimeout(800);
    expect(await scan('results')).toEqual([]);
  });
});
