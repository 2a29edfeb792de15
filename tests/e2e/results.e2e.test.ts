/// <reference lib="dom" />
/**
 * The Results view on a study with separate test blocks and on a training run, in Chromium against the web host
 * (issue 11 and issue 13): the verdict's statistics, the baselines and the importance from summary.json; the
 * equity drawn in one segment per test block; "Days" counting test days; the folds table with balanced accuracy
 * in every row, numbered from 1 in a study and in a training run alike, inside its card; the summary paragraph and
 * the baseline rows in Chinese; the confusion matrix in the dark theme. The study and the run are made by the
 * engine in this process (tiny network, real data) before the page opens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudySummary } from '../../src/shared/study-summary';
import { factorNames } from '../../src/main/training/factors/registry';
import { parseStudyConfig } from '../../src/main/training/eval/study-config';
import { selectBackend } from '../../src/main/training/train/backend';
import { parseRunConfig } from '../../src/main/training/train/config';
import { executeRun, prepareRun } from '../../src/main/training/train/run-job';
import { executeStudy } from '../../src/main/training/train/study-job';
import { dailyDir } from '../helpers/data';
import { launchChromium, SHOTS, startTestHost, type TestHost } from './helpers';

let th: TestHost;
let browser: Browser;
let page: Page;
let summary: StudySummary;
let runId: string;

const dataset = {
  from: '2017-01-03',
  to: '2019-12-31',
  lookbackDays: 20,
  normWindowDays: 20,
  factors: factorNames().slice(0, 6),
  channels: ['000300', '000001'],
};
// a step longer than the test span leaves trading days between the test blocks: separate segments
const walkForward = { window: 'rolling' as const, trainDays: 250, testDays: 100, stepDays: 160 };

async function text(testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().innerText()).trim();
}
async function openRun(id: string): Promise<void> {
  await page.click('button[data-view="results"]');
  await page.waitForSelector('[data-testid="run-select"]');
  await page.selectOption('[data-testid="run-select"]', id);
  await page.waitForSelector('[data-testid="folds"] tbody tr');
}

beforeAll(async () => {
  th = await startTestHost();
  const backend = await selectBackend('wasm');
  const outDir = path.join(th.runsDir, 'gapped-study');
  const config = parseStudyConfig(
    {
      name: 'gapped-study',
      dataset,
      model: { preset: 'cnn', width: 0.125, dropout: 0 },
      train: {
        epochs: 1,
        batchSize: 64,
        validationFraction: 0.15,
        earlyStoppingPatience: 0,
        backend: 'wasm',
      },
      walkForward,
      seeds: [1, 2],
      ablation: { channelSets: [['000300'], ['000300', '000001']], layouts: ['time-factor'] },
      bootstrap: { reps: 100, level: 0.9, seed: 1 },
      baselines: { gbdt: { numRounds: 40 } },
      randomDraws: 3,
      outDir,
    },
    'e2e study',
  );
  await executeStudy(config, { dataDir: dailyDir(), backend });
  summary = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as StudySummary;
  const runDir = prepareRun(
    th.runsDir,
    'last-fold-run',
    parseRunConfig(
      {
        dataset,
        model: { preset: 'cnn', width: 0.125, dropout: 0 },
        train: { epochs: 1, batchSize: 64, earlyStoppingPatience: 0, backend: 'wasm' },
        walkForward,
      },
      'e2e run',
    ),
    dailyDir(),
    backend,
  );
  await executeRun(runDir, { backend });
  runId = path.basename(runDir);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(th.host.url);
  await page.waitForSelector('button[data-view="results"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await th?.close();
});

describe('Results view of a study with separate test blocks', () => {
  it('draws one equity segment per test block and counts test days', async () => {
    expect(summary.equity.segments.length).toBeGreaterThanOrEqual(2);
    await openRun('gapped-study');
    await page.waitForSelector('[data-testid="equity"] canvas');
    expect(await page.getAttribute('[data-testid="equity"]', 'data-segments')).toBe(
      String(summary.equity.segments.length),
    );
    // "Days" in the backtest table: the test days inside the blocks, not the calendar span across the gaps
    const days = await page.locator('tr', { hasText: /^Days/ }).first().locator('td').nth(1).innerText();
    expect(Number(days.replace(/,/g, ''))).toBe(summary.equity.dates.length);
    expect(summary.buyHold.days).toBe(summary.equity.dates.length);
    await page.screenshot({ path: path.join(SHOTS, 'results-study-segments.png'), fullPage: true });
  });

  it('shows the statistics, every baseline and the importance from summary.json', async () => {
    const rows = await page.locator('[data-testid="study-statistics"] tbody tr').count();
    expect(rows).toBe(summary.statistics.cells.length);
    const baselines = await page.locator('[data-testid="baselines"] tbody tr td:first-child').allInnerTexts();
    expect(baselines).toHaveLength(summary.baselines.length);
    expect(baselines[0]).toContain('Majority class');
    expect(baselines.some((b) => /\(best\)/.test(b))).toBe(true);
    const lines = await text('overfitting');
    expect(lines).toContain(`Block length ${summary.statistics.blockLength.value} days`);
    expect(lines).toMatch(/Deflated Sharpe ratio/);
    expect(lines).toMatch(/Probability of backtest overfitting/);
    // the sentences worded from the numbers say what the engine's own sentences in summary.json say
    expect(lines).toContain(summary.statistics.blockLength.rule);
    expect(lines).toContain(`Family: ${summary.statistics.cellFamily.adjustment}`);
    const descriptions = await page
      .locator('[data-testid="baseline-description"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(descriptions).toEqual(summary.baselines.map((b: { description: string }) => b.description));
    expect(await page.locator('[data-testid="importance"] canvas').count()).toBe(1);
    expect(await page.locator('[data-testid="reliability"] canvas').count()).toBe(1);
    const paragraph = await text('conclusion');
    expect(paragraph).toContain(
      summary.statistics.chance.best.balancedAccuracy === null ? '—' : 'best baseline',
    );
    expect(paragraph).toMatch(/No edge detected|Edge detected/);
    expect(paragraph).not.toContain('33.3 % for chance');
  });

  it('the folds table shows balanced accuracy in every row, numbers folds from 1 and stays inside its card', async () => {
    const cells = await page
      .locator('[data-testid="folds"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim())),
      );
    expect(cells.length).toBe(summary.folds.length * 2 * 2);
    const folds = [...new Set(cells.map((c) => c[2]))];
    expect(folds).toEqual(summary.folds.map((f) => String(f.index + 1)));
    for (const c of cells) expect(c[7]).toMatch(/^\d+\.\d %$/);
    const fit = await page.locator('[data-testid="folds-panel"]').evaluate((panel) => {
      const table = panel.querySelector('table')!.getBoundingClientRect();
      const box = panel.getBoundingClientRect();
      const scroll = panel.querySelector('.scroll')!;
      return { right: table.right - box.right, wide: scroll.scrollWidth - scroll.clientWidth };
    });
    expect(fit.right).toBeLessThanOrEqual(0);
    expect(fit.wide).toBeLessThanOrEqual(0);
  });

  it('says the summary paragraph and the baseline rows in Chinese', async () => {
    await page.selectOption('[data-testid="language"]', 'zh');
    await expect.poll(() => text('conclusion')).toContain('样本外');
    const paragraph = await text('conclusion');
    for (const w of ['Out of sample', 'baseline', 'edge', 'strategy', 'buy-and-hold', 'chance'])
      expect(paragraph).not.toContain(w);
    const baselines = await page.locator('[data-testid="baselines"] tbody tr td:first-child').allInnerTexts();
    expect(baselines[0]).toContain('多数类');
    for (const b of baselines)
      expect(b).not.toMatch(/majority|persistence|random|momentum|trend|logistic|trees/);
    // the block-length rule, the test family, the trials and every baseline's description in Chinese too
    const lines = await text('overfitting');
    expect(lines).toContain(`块长 ${summary.statistics.blockLength.value} 天`);
    expect(lines).toContain('检验族：Holm 校正');
    expect(lines).toContain('尝试次数：');
    expect(lines).not.toMatch(/step-down|one-sided|cell\(s\)|\bTrials\b|ceil/);
    const descriptions = await page
      .locator('[data-testid="baseline-description"]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('title'), e.getAttribute('lang')]));
    expect(descriptions[0][0]).toBe('训练折中出现最多的类别');
    await page.locator('[data-testid="overfitting"]').scrollIntoViewIfNeeded();
    await page
      .locator('[data-testid="overfitting"]')
      .screenshot({ path: path.join(SHOTS, 'results-statistics-zh.png') });
    for (const [title, lang] of descriptions) {
      expect(lang).toBeNull();
      expect(title).not.toMatch(/ the | when | of /);
    }
    await page.screenshot({ path: path.join(SHOTS, 'results-study-zh.png'), fullPage: true });
    await page.selectOption('[data-testid="language"]', 'en');
  });

  it('draws the confusion matrix in the dark theme', async () => {
    await page.selectOption('select:has(option[value="dark"])', 'dark');
    await expect
      .poll(() => page.evaluate(() => document.documentElement.classList.contains('dark')))
      .toBe(true);
    await page.waitForSelector('[data-testid="confusion"] canvas');
    await page
      .locator('[data-testid="confusion"]')
      .screenshot({ path: path.join(SHOTS, 'confusion-dark.png') });
    await page.selectOption('select:has(option[value="dark"])', 'light');
  });
});

describe('Results view of a training run', () => {
  it('numbers its one fold as the study numbers the same fold (1-based)', async () => {
    await openRun(runId);
    const cells = await page
      .locator('[data-testid="folds"] tbody tr td')
      .evaluateAll((tds) => tds.map((td) => td.textContent!.trim()));
    // the run trains the last walk-forward fold of the same setup as the study
    expect(cells[0]).toBe(String(summary.folds.length));
    expect(cells[cells.length - 1]).toMatch(/^\d+\.\d %$/);
  });
});
