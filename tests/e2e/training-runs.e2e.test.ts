/// <reference lib="dom" />
/**
 * The Training and Runs views and the shell in Chromium against the web host, on the real daily files and a
 * tiny setup: a study's progress tiles agree with its stage and with folds.csv, its speed is measured and its
 * charts fill with one point per epoch trained (epochs.jsonl); cancelling asks first, and a resumed study or run
 * starts its chart with the epochs trained before; words (epochs, kinds, no doubled status); shortcuts; clearing
 * finished jobs; the Runs list's columns against the run files; comparing up to four runs with no overlapping
 * chart text. Screenshots go to SHOTS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummaryDto } from '../../src/shared/ipc-contract';
import { readFoldsCsv, readStudySummary } from '../../src/main/training/report/read';
import { readMetrics, readStudyEpochs } from '../../src/main/training/train/runs';
import { chartSeries, chartTexts, overlaps, runJob, startHostWith, tinySetup } from './app-helpers';
import { launchChromium, SHOTS, type TestHost } from './helpers';

let th: TestHost;
let browser: Browser;
let page: Page;
const study = tinySetup(['000300'], 120);

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toast"]')?.click());
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}
const text = async (testid: string) =>
  (await page.locator(`[data-testid="${testid}"]`).first().innerText()).trim();
const go = (view: string) => page.click(`button[data-view="${view}"]`);
const jobs = () => th.host.jobs.list();
/** Seconds as the views print a duration under an hour (m:ss), computed here. */
const mss = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const lastJob = () => jobs().at(-1)!;

/** The tiles, the stage line and the loss chart at one instant (one evaluate, so they cannot disagree by timing). */
function sample(): Promise<{ status: string; folds: string; stage: string; epoch: string; speed: string }> {
  return page.evaluate(() => {
    const t = (id: string) =>
      document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.innerText.trim() ?? '';
    return {
      status: t('job-status'),
      folds: t('kpi-folds'),
      stage: t('job-stage'),
      epoch: t('kpi-epoch'),
      speed: t('kpi-speed'),
    };
  });
}

beforeAll(async () => {
  th = await startHostWith(tinySetup());
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(th.host.url);
  await page.waitForSelector('button[data-view="training"]');
});

afterAll(async () => {
  await browser?.close();
  await th?.close();
});

describe('Training view: a study', () => {
  it('counts folds as the stage does, ends at the total, measures samples/s and fills the charts epoch by epoch', async () => {
    // the tiny study setup, as the Study view would have left it
    await th.host.dispatcher.dispatch('settings.set', { lastStudyConfig: study });
    await page.reload();
    await go('training');
    await expect.poll(() => text('config-summary')).toContain('3 epochs');
    expect(await text('config-summary')).not.toMatch(/Epoch\b/);
    await page.click('[data-testid="start-study"]');
    const samples: Awaited<ReturnType<typeof sample>>[] = [];
    const deadline = Date.now() + 200_000;
    let shotTaken = false;
    for (;;) {
      const s = await sample();
      samples.push(s);
      if (!shotTaken && s.status === 'running' && /^[1-9]/.test(s.folds)) {
        await shot('training-study-live');
        shotTaken = true;
      }
      if (s.status === 'done' || s.status === 'failed') break;
      if (Date.now() > deadline) throw new Error('study did not finish in 200 s');
      await page.waitForTimeout(150);
    }
    const job = lastJob();
    expect(job.status).toBe('done');
    const folds = readFoldsCsv(path.join(job.runDir!, 'folds.csv'));
    const total = folds.length;
    expect(total).toBeGreaterThanOrEqual(2);
    // at every sample while running: the stage names the same count of fold trainings as the Folds tile
    const running = samples.filter((s) => s.status === 'running' && /\d+\/\d+ done/.test(s.stage));
    expect(running.length).toBeGreaterThan(3);
    for (const s of running) {
      const [, done, of] = /(\d+)\/(\d+) done/.exec(s.stage)!;
      expect(s.folds).toBe(`${done}/${of}`);
      expect(Number(done)).toBeLessThanOrEqual(total);
      expect(Number(of)).toBe(total);
    }
    // ... and never beyond the total; at the end all of them, and the last fold's own epochs (not 0)
    expect(
      samples.every((s) => !/^(\d+)\/(\d+)$/.test(s.folds) || Number(s.folds.split('/')[0]) <= total),
    ).toBe(true);
    const end = samples.at(-1)!;
    expect(end.folds).toBe(`${total}/${total}`);
    expect(end.epoch).toBe(`${folds.at(-1)!.epochs}/${study.train.epochs}`);
    // the speed tile is measured during the study, not 0.0
    expect(samples.some((s) => s.status === 'running' && Number(s.speed.replace(/,/g, '')) > 0)).toBe(true);
    // words: once done the status stands alone (no "done done")
    expect(end.stage).toBe('');
    // the loss chart holds one point per epoch of every fold training, the values of epochs.jsonl
    const series = await chartSeries(page, '[data-testid="curves"]');
    const epochs = readStudyEpochs(job.runDir!);
    expect(epochs.length).toBe(folds.reduce((a, f) => a + f.epochs, 0));
    expect(series.Loss.map((p) => p[1])).toEqual(epochs.map((m) => m.loss));
    expect(series.Accuracy).toHaveLength(epochs.length);
    expect(series['Batch loss'].length).toBeGreaterThan(epochs.length);
    await shot('training-study');
  }, 240_000);

  it('asks before cancelling; a resumed study starts its charts with the epochs trained before the cancel', async () => {
    const before = jobs().length;
    await page.click('[data-testid="start-study"]');
    // the new study's own epochs: until the click reaches the host, the last job is the study of the test above
    await expect.poll(() => jobs().length, { timeout: 10_000 }).toBe(before + 1);
    await expect
      .poll(() => lastJob().history.length, { timeout: 120_000, interval: 200 })
      .toBeGreaterThanOrEqual(4);
    // declining the question keeps the study running
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.dismiss();
    });
    await page.click('[data-testid="cancel-training"]');
    await page.waitForTimeout(500);
    expect(question).toMatch(/^Cancel the study tiny\?.*finished folds stay/);
    expect(lastJob().status).toBe('running');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid="cancel-training"]');
    await expect.poll(() => text('job-status'), { timeout: 60_000, interval: 200 }).toBe('cancelled');
    const cancelled = lastJob();
    const trainedBefore = readStudyEpochs(cancelled.runDir!);
    expect(trainedBefore.length).toBeGreaterThanOrEqual(4);
    await page.click('[data-testid="resume-training"]');
    await expect.poll(() => lastJob().id, { timeout: 10_000 }).not.toBe(cancelled.id);
    const resumed = lastJob();
    expect(resumed).toMatchObject({ kind: 'study', resumed: true });
    // folds with all their epochs were finished (and cached) before the cancel; the last one was cut short
    const finishedFolds = trainedBefore.filter(
      (m) => trainedBefore.filter((x) => x.fold === m.fold).length === study.train.epochs,
    );
    expect(finishedFolds.length).toBeGreaterThanOrEqual(study.train.epochs);
    // as soon as the resumed job shows, its chart starts with the epochs trained before the cancel
    await expect
      .poll(async () => (await chartSeries(page, '[data-testid="curves"]')).Loss?.length ?? 0, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(finishedFolds.length);
    const first = (await chartSeries(page, '[data-testid="curves"]')).Loss.map((p) => p[1]);
    expect(first.slice(0, finishedFolds.length)).toEqual(finishedFolds.map((m) => m.loss));
    expect(await text('job-panel')).toContain('resumed');
    await expect.poll(() => text('job-status'), { timeout: 200_000, interval: 500 }).toBe('done');
    // the same folder, every fold once: epochs of the first folds are the lines written before the cancel
    const finished = th.host.jobs.list().find((j) => j.id === resumed.id)!;
    expect(finished.runDir).toBe(cancelled.runDir);
    const after = readStudyEpochs(finished.runDir!);
    expect(after.slice(0, finishedFolds.length)).toEqual(finishedFolds);
    const series = await chartSeries(page, '[data-testid="curves"]');
    expect(series.Loss.map((p) => p[1])).toEqual(after.map((m) => m.loss));
  }, 300_000);
});

describe('Training view: a run', () => {
  it('Ctrl+Enter starts a run; cancel asks; the resumed run starts its chart with the epochs from its checkpoint', async () => {
    await th.host.dispatcher.dispatch('settings.set', {
      lastStudyConfig: { ...tinySetup(), train: { ...tinySetup().train, epochs: 6 } },
    });
    await page.reload();
    await go('signal');
    const before = jobs().length;
    await page.keyboard.press('Control+Enter');
    // the shortcut opens the Training view and queues the run
    await expect.poll(() => jobs().length).toBe(before + 1);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Training');
    await expect.poll(() => text('kpi-epoch'), { timeout: 90_000, interval: 100 }).toMatch(/^[3-6]\/6$/);
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await page.click('[data-testid="cancel-training"]');
    await expect.poll(() => text('job-status'), { timeout: 60_000, interval: 200 }).toBe('cancelled');
    expect(question).toMatch(/^Cancel the training run tiny\?.*checkpoint/);
    const cancelled = lastJob();
    const partial = readMetrics(cancelled.runDir!);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    await page.click('[data-testid="resume-training"]');
    await expect.poll(() => lastJob().id).not.toBe(cancelled.id);
    await expect
      .poll(async () => (await chartSeries(page, '[data-testid="curves"]')).Loss?.length ?? 0, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(partial.length);
    const loss = (await chartSeries(page, '[data-testid="curves"]')).Loss;
    expect(loss.slice(0, partial.length)).toEqual(partial.map((m) => [m.epoch, m.loss]));
    await expect.poll(() => text('job-status'), { timeout: 120_000, interval: 300 }).toBe('done');
    const full = readMetrics(lastJob().runDir!);
    expect((await chartSeries(page, '[data-testid="curves"]')).Loss).toEqual(
      full.map((m) => [m.epoch, m.loss]),
    );
  }, 240_000);

  it('names kinds and statuses in words, shows each status once, and clears the finished jobs', async () => {
    const rows = await page.locator('[data-testid="queue"] tbody tr').allInnerTexts();
    expect(rows.length).toBe(jobs().length);
    for (const r of rows) {
      expect(r).toMatch(/Study|Training run/);
      expect(r).not.toMatch(/\b(done|failed|cancelled)\s+\1\b/);
    }
    expect(await text('job-panel')).not.toMatch(/\b(done|failed|cancelled)\s+\1\b/);
    const folders = (await th.host.dispatcher.dispatch('runs.list', {})) as {
      ok: true;
      value: RunSummaryDto[];
    };
    await page.click('[data-testid="clear-finished"]');
    await expect.poll(() => page.locator('[data-testid="queue"]').count()).toBe(0);
    expect(jobs()).toEqual([]);
    // the run folders stay
    const after = (await th.host.dispatcher.dispatch('runs.list', {})) as {
      ok: true;
      value: RunSummaryDto[];
    };
    expect(after.value.map((r) => r.id)).toEqual(folders.value.map((r) => r.id));
  });
});

describe('shell', () => {
  it('opens the views with Alt+1..7 and lists the shortcuts with ?', async () => {
    await page.locator('h1').click();
    const titles: string[] = [];
    for (let k = 1; k <= 7; k++) {
      await page.keyboard.press(`Alt+Digit${k}`);
      titles.push(await page.locator('h1').innerText());
    }
    expect(titles).toEqual([
      "Today's signal",
      'Data',
      'Study setup',
      'Factor images',
      'Training',
      'Results',
      'Runs',
    ]);
    // the shortcuts are shown in the UI: on the buttons, the side bar and in a list
    await page.keyboard.press('Alt+Digit5');
    expect(await text('start-training')).toContain('Ctrl+Enter');
    expect(await page.getAttribute('button[data-view="runs"]', 'title')).toBe('Runs (Alt+7)');
    await page.locator('h1').click();
    await page.keyboard.press('Shift+Slash');
    await page.waitForSelector('[data-testid="shortcuts"]');
    const list = await text('shortcuts');
    expect(list).toContain('Ctrl+Shift+Enter');
    expect(list).toContain('Alt+1');
    await shot('shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="shortcuts"]').count()).toBe(0);
  });
});

describe('Runs view', () => {
  it('lists balanced accuracy, channels, test period and training time from the run files', async () => {
    await go('runs');
    const list = (
      (await th.host.dispatcher.dispatch('runs.list', {})) as { ok: true; value: RunSummaryDto[] }
    ).value;
    expect(list.length).toBe(3);
    for (const r of list) {
      const row = page.locator(`[data-testid="runs"] tr[data-run="${r.id}"]`);
      await row.waitFor();
      const cell = async (attr: string) => (await row.locator(`[${attr}="${r.id}"]`).innerText()).trim();
      if (r.kind === 'train') {
        const e = JSON.parse(readFileSync(path.join(r.dir, 'evaluation.json'), 'utf8'));
        expect(await cell('data-bacc')).toBe(`${(e.metrics.balancedAccuracy * 100).toFixed(1)} %`);
        expect(await cell('data-period')).toBe(`${e.fold.testStart} – ${e.fold.testEnd}`);
        expect(await cell('data-duration')).toBe(mss(readMetrics(r.dir).reduce((a, m) => a + m.seconds, 0)));
        expect(await cell('data-channels')).toBe('000300');
      } else {
        const s = readStudySummary(path.join(r.dir, 'summary.json'))!;
        const primary = s.cells.find((c) => c.key === s.primary)!;
        expect(await cell('data-bacc')).toBe(`${(primary.metrics.balancedAccuracy! * 100).toFixed(1)} %`);
        expect(await cell('data-period')).toBe(`${s.folds[0].testStart} – ${s.folds.at(-1)!.testEnd}`);
        const folds = readFoldsCsv(path.join(r.dir, 'folds.csv'));
        expect(await cell('data-duration')).toBe(mss(folds.reduce((a, f) => a + f.seconds, 0)));
        expect(await cell('data-progress')).toBe(`${folds.length} folds`);
      }
    }
  });

  it('compares up to four runs: a third tick keeps the first, the limit is stated, chart texts never overlap', async () => {
    // two more runs, so five can be ticked
    await runJob(th, 'train', tinySetup(['000300'], 80));
    await runJob(th, 'train', tinySetup(['000300', '000905'], 80));
    await go('signal');
    await go('runs');
    await expect.poll(() => page.locator('[data-testid="runs"] tbody tr').count()).toBe(5);
    const ids = await page
      .locator('[data-testid="runs"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')!));
    for (const id of ids.slice(0, 3)) await page.check(`input[data-compare="${id}"]`);
    for (const id of ids.slice(0, 3)) expect(await page.isChecked(`input[data-compare="${id}"]`)).toBe(true);
    await expect.poll(() => page.locator('[data-testid="compare"] thead th').count()).toBe(4);
    await page.check(`input[data-compare="${ids[3]}"]`);
    await expect.poll(() => page.locator('[data-testid="compare"] thead th').count()).toBe(5);
    expect(await page.isDisabled(`input[data-compare="${ids[4]}"]`)).toBe(true);
    expect(await text('compare-hint')).toBe(
      'At most 4 runs can be compared at once: untick one to add another.',
    );
    // words of the compare table
    const labels = await page.locator('[data-testid="compare"] tbody td:first-child').allInnerTexts();
    expect(labels).toContain('Balanced accuracy');
    expect(labels).not.toContain('balanced acc');
    // no text drawn on a compared chart overlaps another (the "0" of the epoch axis and the "acc" axis name did)
    const trainIds = ids.slice(0, 4).filter((id) => id.includes('-train-'));
    expect(trainIds.length).toBeGreaterThan(0);
    for (const id of trainIds) {
      const sel = `[data-testid="compare"] [data-chart="${id}"]`;
      await expect.poll(async () => (await chartTexts(page, sel)).length).toBeGreaterThan(5);
      const boxes = await chartTexts(page, sel);
      expect(boxes.map((b) => b.text)).toContain('Accuracy');
      expect(overlaps(boxes)).toEqual([]);
    }
    await page.locator('[data-testid="compare"]').scrollIntoViewIfNeeded();
    await shot('runs');
  }, 200_000);
});
