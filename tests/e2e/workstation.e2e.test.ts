/// <reference lib="dom" />
/**
 * The workstation in a real browser (Debian Chromium through playwright-core) against the web host:
 * import the real daily files, move a threshold slider and check the class counts, rotate a 3-D factor surface
 * and check its WebGL canvas is drawn, train a tiny model with live progress, export the predictions CSV and
 * read it back, compare and delete runs. Screenshots of every view go to SHOTS (a temp folder; docs/screenshots/ with `npm run screenshots`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDICTION_COLUMNS } from '../../src/main/training/report/csv';
import { readMetrics } from '../../src/main/training/train/runs';
import { dailyDir, dailyFile } from '../helpers/data';
import {
  expectedCounts,
  launchChromium,
  pixelStats,
  ROOT,
  SHOTS,
  startTestHost,
  type TestHost,
} from './helpers';

let th: TestHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const downloads = path.join(os.tmpdir(), `fi-e2e-downloads-${process.pid}`);

function hasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

async function shot(name: string): Promise<void> {
  // toasts would cover part of the view
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toast"]')?.click());
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}
async function go(view: string): Promise<void> {
  await page.click(`button[data-view="${view}"]`);
}
async function text(testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().innerText()).trim();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  th = await startTestHost();
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(th.host.url);
  await page.waitForSelector('button[data-view="data"]');
});

afterAll(async () => {
  await browser?.close();
  await th?.close();
  rmSync(downloads, { recursive: true, force: true });
  console.log(`[e2e] screenshots of every view: ${SHOTS}`);
});

describe('web host workstation', () => {
  it('refuses the page and the API without the access token', async () => {
    const base = th.host.url.split('?')[0];
    const res = await fetch(base);
    expect(res.status).toBe(401);
    const api = await fetch(`${base}api/data.list`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-access-token': 'nope' },
    });
    expect(api.status).toBe(401);
  });

  it('imports the four real daily index files and lists them with date ranges', async () => {
    // the app opens on today's signal; importing is on the Data view
    await go('data');
    const files = ['000300', '000001', '000905', '399006'].map((c) => dailyFile(c));
    await page.setInputFiles('[data-testid="import-input"]', files);
    await page.waitForSelector('[data-testid="indices"] tr[data-code="399006"]');
    const rows = await page.locator('[data-testid="indices"] tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    const csi = rows.find((r) => r.startsWith('000300'))!;
    expect(csi).toContain('2005-01-04 – 2023-12-29');
    expect(csi).toContain('4,616');
    expect(rows.find((r) => r.startsWith('399006'))).toContain('2010-06-01 – 2023-12-29');
    await expect.poll(() => page.locator('[data-testid="report"]').innerText()).toContain('000300.csv');
    // the files are kept in the data folder the host owns
    expect(readdirSync(th.dataDir).sort()).toEqual(['000001.csv', '000300.csv', '000905.csv', '399006.csv']);
    // the data folder is a setting: the same list appears when the folder is typed in
    await page.fill('[data-testid="data-dir"]', dailyDir());
    await page.click('[data-testid="use-data-dir"]');
    await expect.poll(() => page.locator('[data-testid="indices"] tbody tr').count()).toBe(4);
    await page.fill('[data-testid="data-dir"]', th.dataDir);
    await page.click('[data-testid="use-data-dir"]');
    await expect.poll(() => page.locator('[data-testid="data-dir"]').inputValue()).toBe(th.dataDir);
    await page.waitForSelector('[data-testid="candles"] canvas');
    await shot('data');
  });

  it('validates a dropped file and lists each dropped row with its line and field', async () => {
    const csv =
      'date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,0.5,abc,100\n2020-01-06,1,2,0.5,1.6,100\n2020-01-07,1,2,0.5,1.7,100\n';
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], '888888.csv', { type: 'text/csv' }));
      document
        .querySelector('[data-testid="dropzone"]')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, csv);
    await expect
      .poll(() => page.locator('[data-testid="report"]').innerText())
      .toContain('888888.csv:3 [close]');
    const report = await page.locator('[data-testid="report"]').innerText();
    expect(report).toMatch(/888888: 3 kept, 1 dropped/);
    await page.waitForSelector('[data-testid="indices"] tr[data-code="888888"]');
  });

  it('updates the class counts live when the up-threshold slider moves, matching counts from the CSV', async () => {
    await go('study');
    const from = '2010-06-01';
    const base = expectedCounts(dailyFile('000300'), 14, 0.025, -0.01, from);
    await expect.poll(() => text('count-up')).toBe(String(base.up));
    expect(await text('count-down')).toBe(String(base.down));
    expect(await text('count-flat')).toBe(String(base.flat));
    expect(await text('count-unlabeled')).toBe(String(base.unlabeled));

    await page.locator('[data-testid="up-slider"]').fill('4');
    const up4 = expectedCounts(dailyFile('000300'), 14, 0.04, -0.01, from);
    expect(up4.up).toBeLessThan(base.up);
    await expect.poll(() => text('count-up')).toBe(String(up4.up));
    expect(await text('count-flat')).toBe(String(up4.flat));
    expect(await text('count-down')).toBe(String(up4.down));
    expect(await text('up-value')).toBe('+4.0 %');

    await page.locator('[data-testid="down-slider"]').fill('-2.5');
    const both = expectedCounts(dailyFile('000300'), 14, 0.04, -0.025, from);
    await expect.poll(() => text('count-down')).toBe(String(both.down));
    expect(await text('count-flat')).toBe(String(both.flat));

    // the config saves as a JSON file (a download here, a save dialog in Electron) and loads back
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="save-config"]'),
    ]);
    const saved = path.join(downloads, dl.suggestedFilename());
    await dl.saveAs(saved);
    const cfg = JSON.parse(readFileSync(saved, 'utf8'));
    expect(dl.suggestedFilename()).toBe('csi300-h14.json');
    expect(cfg.dataset).toMatchObject({
      target: '000300',
      upThreshold: 0.04,
      downThreshold: -0.025,
      horizonDays: 14,
    });
    cfg.dataset.horizonDays = 20;
    writeFileSync(saved, JSON.stringify(cfg));
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid="load-config"]'),
    ]);
    await chooser.setFiles(saved);
    await expect.poll(() => page.locator('[data-testid="horizon"]').inputValue()).toBe('20');
    const h20 = expectedCounts(dailyFile('000300'), 20, 0.04, -0.025, from);
    await expect.poll(() => text('count-up')).toBe(String(h20.up));
    await page.fill('[data-testid="horizon"]', '14');

    // back to the defaults for the screenshot and the training below
    await page.locator('[data-testid="up-slider"]').fill('2.5');
    await page.locator('[data-testid="down-slider"]').fill('-1');
    await expect.poll(() => text('count-up')).toBe(String(base.up));
    await page.waitForSelector('[data-testid="labels-chart"] canvas');
    await shot('study');
    await page.selectOption('[data-testid="language"]', 'zh');
    await expect.poll(() => page.locator('h1').innerText()).toBe('研究设置');
    // Chinese text needs a CJK font on the machine that takes the screenshot (CI and this box have none)
    if (hasCjkFont()) await shot('study-zh');
    else console.warn('[e2e] no CJK font installed (fc-list :lang=zh is empty): study-zh.png not taken');
    await page.selectOption('[data-testid="language"]', 'en');
  });

  it('draws a factor image as a rotatable WebGL surface that is not blank', async () => {
    const webgl = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl'));
    expect(webgl, 'WebGL must be available (SwiftShader)').toBe(true);
    await go('images');
    await page.waitForSelector('[data-testid="surface"] canvas', { timeout: 120_000 });
    await expect.poll(() => text('image-date'), { timeout: 120_000 }).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.waitForTimeout(1500);
    const surface = page.locator('[data-testid="surface"]');
    const before = await surface.screenshot();
    const stats = pixelStats(before);
    expect(stats.nonBackground).toBeGreaterThan(0.05);
    expect(stats.distinct).toBeGreaterThan(200);
    await shot('images-3d');
    // drag rotates the surface: the picture changes
    const box = (await surface.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(800);
    const after = await surface.screenshot();
    expect(Buffer.compare(before, after)).not.toBe(0);

    // the date slider moves the sample date
    const first = await text('image-date');
    await page.locator('[data-testid="date-slider"]').fill('100');
    await expect.poll(() => text('image-date'), { timeout: 60_000 }).not.toBe(first);
    await page.click('button[data-mode="heatmap"]');
    await page.waitForSelector('[data-testid="heatmap-main"] canvas');
    await shot('images-heatmap');
    await page.click('button[data-mode="wireframe"]');
    await page.waitForTimeout(1200);
    await shot('images-wireframe');
  });

  it('trains a tiny model in the worker process with live progress, to the end', async () => {
    await go('study');
    await page.fill('[data-testid="from"]', '2021-01-01');
    for (const c of ['000001', '000905', '399006']) await page.uncheck(`input[data-overlay="${c}"]`);
    await page.fill('[data-testid="lookback"]', '20');
    await page.selectOption('[data-testid="preset"]', 'cnn');
    await page.fill('[data-testid="epochs"]', '3');
    await page.fill('[data-testid="train-days"]', '300');
    await page.fill('[data-testid="test-days"]', '60');
    await go('training');
    await page.click('[data-testid="start-training"]');
    const seenEpochs = new Set<string>();
    let sawRunning = false;
    let sawSpeed = false;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const status = await text('job-status');
      if (status === 'running') sawRunning = true;
      const ep = await text('kpi-epoch');
      if (ep !== '—') seenEpochs.add(ep);
      if ((await text('kpi-speed')) !== '—') sawSpeed = true;
      if (status === 'running' && seenEpochs.size >= 1 && !(await page.locator('.shot-taken').count())) {
        await page.evaluate(() => document.body.classList.add('shot-taken'));
        await shot('training-live');
      }
      if (status === 'done' || status === 'failed') break;
      if (Date.now() > deadline) throw new Error('training did not finish in 150 s');
      await page.waitForTimeout(150);
    }
    const err = await page.locator('[data-testid="job-error"]').count();
    expect(err ? await text('job-error') : '').toBe('');
    expect(await text('job-status')).toBe('done');
    expect(sawRunning).toBe(true);
    expect(sawSpeed).toBe(true);
    expect(seenEpochs.size).toBeGreaterThanOrEqual(2);
    expect(await text('kpi-backend')).toMatch(/wasm|cpu|tensorflow/);
    // the finished run is remembered in the settings file the desktop app shares
    const settings = JSON.parse(readFileSync(th.host.settingsFile, 'utf8')) as { recentRuns: string[] };
    expect(settings.recentRuns).toHaveLength(1);
    expect(readdirSync(th.runsDir)).toEqual(settings.recentRuns);
    await shot('training');
  });

  it('shows the results and exports the predictions CSV, which reads back as written', async () => {
    await page.click('[data-testid="open-results"]');
    await page.waitForSelector('[data-testid="predictions"] tbody tr');
    await page.waitForSelector('[data-testid="confusion"] canvas');
    await shot('results');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="export-predictions"]'),
    ]);
    const saved = path.join(downloads, download.suggestedFilename());
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toMatch(/predictions\.csv$/);
    const runId = download.suggestedFilename().replace(/-predictions\.csv$/, '');
    const written = readFileSync(path.join(th.runsDir, runId, 'predictions.csv'), 'utf8');
    const got = readFileSync(saved, 'utf8');
    expect(got).toBe(written);
    const lines = got
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    // the app's training run is an engine run: its test block is written with the study's columns
    expect(lines[0].split(',')).toEqual([...PREDICTION_COLUMNS.en]);
    const tableRows = await page.locator('[data-testid="predictions"] tbody tr').count();
    expect(lines.length - 1).toBe(tableRows);
    for (const l of lines.slice(1)) {
      const [, , pd, pf, pu] = l.split(',').map(Number);
      expect(pd + pf + pu).toBeCloseTo(1, 4);
    }
  });

  it('runs a tiny walk-forward study, shows its backtest and ablation, and keeps the job across a page reload', async () => {
    await go('study');
    await page.check('input[data-overlay="000905"]');
    await page.selectOption('[data-testid="preset"]', 'logreg');
    await page.fill('[data-testid="test-days"]', '120');
    await go('training');
    await page.click('[data-testid="start-study"]');
    await expect.poll(() => text('job-status'), { timeout: 30_000, interval: 200 }).toBe('running');
    // the job lives in the host, not in the page: a reload finds it again
    await page.reload();
    await page.waitForSelector('button[data-view="training"]');
    await go('training');
    await expect.poll(() => text('job-status'), { timeout: 10_000 }).toMatch(/running|done/);
    await expect.poll(() => text('job-status'), { timeout: 170_000, interval: 500 }).toBe('done');
    await page.click('[data-testid="open-results"]');
    await page.waitForSelector('[data-testid="ablation"] tbody tr');
    const cells = await page.locator('[data-testid="ablation"] tbody tr td:first-child').allInnerTexts();
    expect(cells.slice(0, 2)).toEqual(['000300_time-factor', '000300+000905_time-factor']);
    // field names and verdicts are shown in words, in the UI's language
    expect(await page.locator('[data-testid="ablation"] thead th').allInnerTexts()).toContain(
      'Balanced accuracy',
    );
    expect(await text('metrics')).toContain('Balanced accuracy');
    const verdicts = await page.locator('[data-testid="ablation"] tbody tr td:last-child').allInnerTexts();
    expect(verdicts.slice(0, 2).map((v) => v.trim())).toEqual([
      'reference',
      expect.stringMatching(/^(better|worse|no difference)$/),
    ]);
    await page.selectOption('[data-testid="language"]', 'zh');
    await expect.poll(() => text('metrics')).toContain('平衡准确率');
    await page.selectOption('[data-testid="language"]', 'en');
    await page.waitForSelector('[data-testid="equity"] canvas');
    await shot('results-study');
    // the HTML report opens in a new tab, served from the runs folder
    const [report] = await Promise.all([
      context.waitForEvent('page'),
      page.click('[data-testid="open-report"]'),
    ]);
    await report.waitForLoadState();
    expect(report.url()).toMatch(/\/files\/runs\/[^/]+\/report\.html$/);
    expect(await report.content()).toContain('000300+000905');
    await report.close();
    await page.locator('[data-testid="ablation"]').scrollIntoViewIfNeeded();
    await shot('results-study-ablation');
  }, 240_000);

  it('cancels a running training after its first epoch and resumes it from the checkpoint to the end', async () => {
    await go('study');
    await page.selectOption('[data-testid="preset"]', 'cnn');
    await page.fill('[data-testid="epochs"]', '5');
    await go('training');
    await page.click('[data-testid="start-training"]');
    await expect.poll(() => text('kpi-epoch'), { timeout: 60_000, interval: 100 }).toMatch(/^[2-5]\/5$/);
    // the app asks before cancelling (a run keeps its last checkpoint)
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid="cancel-training"]');
    await expect.poll(() => text('job-status'), { timeout: 30_000, interval: 200 }).toBe('cancelled');
    const runDir = readdirSync(th.runsDir).sort().at(-1)!;
    const partial = readMetrics(path.join(th.runsDir, runDir));
    expect(partial.length).toBeGreaterThanOrEqual(1);
    expect(partial.length).toBeLessThan(5);
    await page.click('[data-testid="resume-training"]');
    await expect.poll(() => text('job-status'), { timeout: 120_000, interval: 300 }).toBe('done');
    const full = readMetrics(path.join(th.runsDir, runDir));
    expect(full.map((h) => h.epoch)).toEqual(full.map((_, i) => i + 1));
    expect(full.length).toBeGreaterThan(partial.length);
    // five epochs, or fewer when early stopping (patience 3) ended the run; the summary says which
    const summary = JSON.parse(readFileSync(path.join(th.runsDir, runDir, 'status.json'), 'utf8')) as {
      stoppedEarly: boolean;
    };
    expect(full.length === 5 || summary.stoppedEarly).toBe(true);
    // the resumed run keeps the epochs done before the cancel
    expect(full.slice(0, partial.length)).toEqual(partial);
  }, 200_000);

  it('compares two runs side by side and deletes one after confirmation', async () => {
    await go('runs');
    await expect.poll(() => page.locator('[data-testid="runs"] tbody tr').count()).toBe(3);
    const all = await page
      .locator('[data-testid="runs"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')!));
    const ids = all.filter((id) => id.includes('-study-') || all.indexOf(id) === all.length - 1).slice(0, 2);
    for (const id of ids) await page.check(`input[data-compare="${id}"]`);
    await page.waitForSelector('[data-testid="compare"] canvas');
    await shot('runs');
    page.once('dialog', (d) => void d.accept());
    await page.click(`button[data-delete="${ids[1]}"]`);
    await expect.poll(() => page.locator('[data-testid="runs"] tbody tr').count()).toBe(2);
    expect(readdirSync(th.runsDir)).not.toContain(ids[1]);
    expect(readdirSync(th.runsDir)).toHaveLength(2);
    // the runs list shows each run's kind, status and epochs (or folds) from the engine's run folder
    const row = await page.locator('[data-testid="runs"] tbody tr').first().innerText();
    expect(row).toMatch(/train|study/);
    expect(row).toMatch(/finished/);
  });

  it('offers the bundled study presets by name and loads one, and opens a preset file as a config', async () => {
    await go('study');
    const names = await page.locator('[data-testid="load-preset"] option').allInnerTexts();
    expect(names.slice(1)).toEqual(['Quick', 'Medium', 'Overnight', 'Intraday (15-minute)']);
    await page.selectOption('[data-testid="load-preset"]', 'quick');
    // quick: rolling folds, two seeds, the CSI 300 alone against all four indices
    await expect.poll(() => page.locator('[data-testid="window"]').inputValue()).toBe('rolling');
    expect(await page.locator('[data-testid="seeds"]').inputValue()).toBe('2');
    expect(await text('ablation-sets')).toContain('000300 · 000300+000001+000905+399006');
    expect(await page.locator('[data-testid="epochs"]').inputValue()).toBe('2');
    // a preset file opened with Load config is a partial study file: main fills the defaults
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click('[data-testid="load-config"]'),
    ]);
    await chooser.setFiles(path.join(ROOT, 'resources/study-presets/medium.json'));
    // medium: anchored folds, one seed, four epochs
    await expect.poll(() => page.locator('[data-testid="window"]').inputValue()).toBe('anchored');
    expect(await page.locator('[data-testid="seeds"]').inputValue()).toBe('1');
    expect(await page.locator('[data-testid="epochs"]').inputValue()).toBe('4');
    expect(await page.locator('[data-testid="toast"].error').count()).toBe(0);
  });
});

describe('data for the browser tests', () => {
  it('comes from the shared daily folder', () => {
    expect(readdirSync(dailyDir())).toEqual(expect.arrayContaining(['000300.csv', '399006.csv']));
  });
});
