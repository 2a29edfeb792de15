/// <reference lib="dom" />
/**
 * The Study setup as an analyst uses it, in Chromium against the web host on the real daily files: an empty "To"
 * means to the end; impossible setups (thresholds crossed, From after To, a short embargo, overlapping test
 * blocks) are refused beside the field before anything runs, Start training and Run study stay disabled, and a
 * reload does not bring them back; the config name follows the target; the labels chart speaks English in the
 * English UI; every field explains itself; the preview of folds and trainings comes from the engine's planner.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyOfApp } from '../../src/main/training/eval/study-config';
import { planStudy } from '../../src/main/training/eval/study/plan';
import type { AppStudyConfig } from '../../src/shared/ipc-contract';
import { dailyDir, dailyFile } from '../helpers/data';
import { chartTexts, go, openApp, printTiming, shot, text, type App } from './view-helpers';

let app: App;
const page = () => app.page;

/** Class counts straight from the CSV's close column, between from and to (inclusive, either open). */
function countsFromCsv(h: number, up: number, down: number, from?: string, to?: string) {
  const rows = readFileSync(dailyFile('000300'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const close = rows.map((r) => Number(r[4]));
  const c = { down: 0, flat: 0, up: 0, unlabeled: 0 };
  rows.forEach((r, t) => {
    if ((from && r[0] < from) || (to && r[0] > to)) return;
    if (t + h >= rows.length) return void c.unlabeled++;
    const ret = close[t + h] / close[t] - 1;
    if (ret > up) c.up++;
    else if (ret < down) c.down++;
    else c.flat++;
  });
  return c;
}

async function counts() {
  return {
    down: await text(page(), 'count-down'),
    flat: await text(page(), 'count-flat'),
    up: await text(page(), 'count-up'),
    unlabeled: await text(page(), 'count-unlabeled'),
  };
}
const asText = (c: Record<string, number>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)]));
const errorAt = (path: string) => page().locator(`[data-error="${path}"]`);
const toasts = () => page().locator('[data-testid="toast"].error').count();

beforeAll(async () => {
  app = await openApp();
  await go(page(), 'study');
  await page().waitForSelector('[data-testid="count-up"]');
});
afterAll(async () => {
  expect(app.errors).toEqual([]);
  await app?.close();
});

describe('study setup: states it refuses and states it accepts', () => {
  it('an empty To means to the end of the data: counts follow, no request fails, and a reload keeps it empty', async () => {
    const from = '2010-06-01';
    const full = countsFromCsv(14, 0.025, -0.01, from);
    await expect.poll(counts).toEqual(asText(full));
    await page().fill('[data-testid="to"]', '2015-12-31');
    const until2015 = countsFromCsv(14, 0.025, -0.01, from, '2015-12-31');
    expect(until2015.up).toBeLessThan(full.up);
    await expect.poll(counts).toEqual(asText(until2015));
    await page().fill('[data-testid="to"]', '');
    await expect.poll(counts).toEqual(asText(full));
    expect(await errorAt('dataset.to').count()).toBe(0);
    expect(await toasts()).toBe(0);
    // the setup is remembered with no To at all, and a reload brings that back
    await page().waitForTimeout(1200);
    await page().reload();
    await page().waitForSelector('button[data-view="study"]');
    await go(page(), 'study');
    await expect.poll(counts).toEqual(asText(full));
    expect(await page().locator('[data-testid="to"]').inputValue()).toBe('');
  });

  it('crossed thresholds are refused beside the slider, with no counts, no toast and no way to start', async () => {
    await page().locator('[data-testid="up-slider"]').fill('0');
    // up at 0 with down at -1 % is a valid setup: it is remembered (the form saves 600 ms after the last change)
    await page().waitForTimeout(1200);
    await page().locator('[data-testid="down-slider"]').fill('0');
    await expect.poll(() => errorAt('dataset.downThreshold').count()).toBe(1);
    expect(await errorAt('dataset.downThreshold').innerText()).toMatch(/must be below the up threshold/);
    expect(await counts()).toEqual({ down: '—', flat: '—', up: '—', unlabeled: '—' });
    expect(await toasts()).toBe(0);
    await shot(page(), 'study-invalid');
    await go(page(), 'training');
    expect(await page().locator('[data-testid="start-training"]').isDisabled()).toBe(true);
    expect(await page().locator('[data-testid="start-study"]').isDisabled()).toBe(true);
    expect(await text(page(), 'setup-invalid')).toMatch(/Down threshold: must be below the up threshold/);
    // the refused setup was never saved: a reload opens the last one that could run (up already at 0, down
    // still at -1 %), with nothing refused
    await page().reload();
    await page().waitForSelector('button[data-view="study"]');
    await go(page(), 'study');
    await expect.poll(() => text(page(), 'up-value')).toBe('0.0 %');
    expect(await text(page(), 'down-value')).toBe('-1.0 %');
    expect(await page().locator('[data-error]').count()).toBe(0);
    await page().locator('[data-testid="up-slider"]').fill('2.5');
    await go(page(), 'training');
    await expect
      .poll(() => page().locator('[data-testid="start-training"]').isDisabled(), { timeout: 60_000 })
      .toBe(false);
    await go(page(), 'study');
  });

  it('From after To, an embargo shorter than H and a step shorter than the test span are refused beside their fields', async () => {
    await page().fill('[data-testid="from"]', '2020-01-01');
    await page().fill('[data-testid="to"]', '2019-01-01');
    await expect.poll(() => errorAt('dataset.to').count()).toBe(1);
    expect(await errorAt('dataset.to').innerText()).toBe('is before From (2020-01-01)');
    await page().fill('[data-testid="to"]', '');
    await page().fill('[data-testid="from"]', '2010-06-01');
    await expect.poll(() => errorAt('dataset.to').count()).toBe(0);

    await page().fill('[data-testid="embargo-days"]', '5');
    await expect.poll(() => errorAt('walkForward.embargoDays').count()).toBe(1);
    expect(await errorAt('walkForward.embargoDays').innerText()).toMatch(
      /at least the horizon, 14 trading days/,
    );
    await page().fill('[data-testid="embargo-days"]', '');
    await page().fill('[data-testid="step-days"]', '100');
    await expect.poll(() => errorAt('walkForward.stepDays').count()).toBe(1);
    expect(await errorAt('walkForward.stepDays').innerText()).toMatch(/at least the test span \(250\)/);
    await go(page(), 'training');
    expect(await page().locator('[data-testid="start-study"]').isDisabled()).toBe(true);
    await go(page(), 'study');
    await page().fill('[data-testid="step-days"]', '');
    // an empty number field is not a number: refused, and says so
    await page().fill('[data-testid="epochs"]', '');
    await expect.poll(() => errorAt('train.epochs').count()).toBe(1);
    expect(await errorAt('train.epochs').innerText()).toBe('enter a number');
    await page().fill('[data-testid="epochs"]', '10');
    await expect.poll(() => page().locator('[data-error]').count()).toBe(0);
  });

  it('the config name follows the target and the horizon until the user names it', async () => {
    expect(await page().locator('[data-testid="config-name"]').inputValue()).toBe('csi300-h14');
    await page().selectOption('[data-testid="target"]', '000905');
    await expect.poll(() => page().locator('[data-testid="config-name"]').inputValue()).toBe('csi500-h14');
    await page().fill('[data-testid="horizon"]', '20');
    await expect.poll(() => page().locator('[data-testid="config-name"]').inputValue()).toBe('csi500-h20');
    await page().fill('[data-testid="config-name"]', 'my study');
    await page().selectOption('[data-testid="target"]', '000300');
    await page().fill('[data-testid="horizon"]', '14');
    expect(await page().locator('[data-testid="config-name"]').inputValue()).toBe('my study');
    await page().fill('[data-testid="config-name"]', 'csi300-h14');
    // the target moved to the front of the channels: put the overlays back in their usual order
    for (const c of ['000001', '000905', '399006']) await page().uncheck(`input[data-overlay="${c}"]`);
    for (const c of ['000001', '000905', '399006']) await page().check(`input[data-overlay="${c}"]`);
  });
});

describe('study setup: words, explanations and the preview', () => {
  it('the labels chart names months in English in the English UI and in Chinese in the Chinese UI', async () => {
    await page().waitForSelector('[data-testid="labels-chart"] canvas');
    await page().waitForTimeout(500);
    const en = (await chartTexts(page(), 'labels-chart')).map((t) => t.text);
    expect(
      en.filter((s) => /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/.test(s)).length,
    ).toBeGreaterThan(2);
    expect(en.filter((s) => s.includes('月'))).toEqual([]);
    await page().selectOption('[data-testid="language"]', 'zh');
    try {
      await expect
        .poll(
          async () =>
            (await chartTexts(page(), 'labels-chart')).filter((t) => /^\d{1,2}月$/.test(t.text)).length,
        )
        .toBeGreaterThan(2);
    } finally {
      await page().selectOption('[data-testid="language"]', 'en');
    }
  });

  it('every field explains itself on hover (embargo, step and train span among them)', async () => {
    const fields = page().locator('[data-field]');
    expect(await fields.count()).toBeGreaterThanOrEqual(22);
    const titles = await fields.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-field'), e.getAttribute('title') ?? '']),
    );
    for (const [f, title] of titles) expect((title ?? '').length, `tooltip of ${f}`).toBeGreaterThan(20);
    const tip = (f: string) => titles.find(([p]) => p === f)![1];
    expect(tip('walkForward.embargoDays')).toMatch(/Samples skipped between training\/validation and test/);
    expect(tip('walkForward.stepDays')).toMatch(/between the starts of consecutive test blocks/);
    expect(tip('walkForward.trainDays')).toMatch(/training span/);
  });

  it("previews the folds and trainings from the engine's planner, and how long they take", async () => {
    // the setup the page holds is saved a moment after each change: read it once it is
    await page().waitForTimeout(1500);
    const config = (await page().evaluate(async () => {
      const r = await fetch('/api/study.defaults', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-access-token': sessionStorage.getItem('fi-access-token') ?? '',
        },
        body: '{}',
      });
      return (await r.json()).value;
    })) as AppStudyConfig;
    // the same setup planned here, in the test, by the engine over the shared daily files
    const plan = planStudy(studyOfApp(config, '/tmp/preview-check'), { dataDir: dailyDir() }, () => {});
    const cells = plan.cells.length;
    expect(cells).toBe(5);
    await expect
      .poll(() => text(page(), 'plan-study'), { timeout: 60_000 })
      .toBe(
        `Run study: ${plan.folds.length} folds × ${cells} channel sets × 1 seed(s) = ${plan.folds.length * cells} trainings`,
      );
    const last = plan.folds.at(-1)!;
    expect(await text(page(), 'plan-train')).toBe(
      `Start training: one training on the last fold (test ${last.testStart} – ${last.testEnd})`,
    );
    await page().click('[data-testid="plan-folds-toggle"]');
    const rows = await page().locator('[data-testid="plan-folds"] tbody tr').allInnerTexts();
    expect(rows).toHaveLength(plan.folds.length);
    expect(rows[0]).toContain(`${plan.folds[0].testStart} – ${plan.folds[0].testEnd}`);
    // a longer test span: fewer folds, planned again
    await page().fill('[data-testid="test-days"]', '500');
    const plan500 = planStudy(
      studyOfApp({ ...config, walkForward: { ...config.walkForward, testDays: 500 } }, '/tmp/preview-check'),
      { dataDir: dailyDir() },
      () => {},
    );
    expect(plan500.folds.length).toBeLessThan(plan.folds.length);
    await expect
      .poll(() => text(page(), 'plan-study'), { timeout: 60_000 })
      .toContain(`Run study: ${plan500.folds.length} folds`);
    await page().fill('[data-testid="test-days"]', '250');
    await expect
      .poll(() => text(page(), 'plan-study'), { timeout: 60_000 })
      .toContain(`${plan.folds.length} folds`);
    // the duration: a training speed measured in the compute worker on this machine
    await expect
      .poll(() => page().locator('[data-testid="plan-time"]').count(), { timeout: 150_000 })
      .toBe(1);
    const time = await text(page(), 'plan-time');
    expect(time).toMatch(
      /^Roughly \d+:\d\d(:\d\d)? for the study, \d+:\d\d(:\d\d)? for one training \([\d.]+ samples\/s measured/,
    );
    console.log(`[preview] ${time.split('\n')[0]}`);
    await shot(page(), 'study');
  }, 240_000);

  it('offers the presets by name with what each one trains', async () => {
    const names = await page().locator('[data-testid="load-preset"] option').allInnerTexts();
    expect(names.slice(1)).toEqual(['Quick', 'Medium', 'Overnight', 'Intraday (15-minute)']);
    await page().selectOption('[data-testid="load-preset"]', 'quick');
    await expect
      .poll(() => text(page(), 'preset-summary'))
      .toMatch(/^Preset Quick: [\w ]+ ×[\d.]+, 2 epochs, 2 seed\(s\)/);
    expect(await page().locator('[data-testid="config-name"]').inputValue()).toBe('quick');
  });

  it('speaks Chinese in the Chinese UI: a refusal, model presets, window options', async () => {
    await page().selectOption('[data-testid="language"]', 'zh');
    try {
      await page().locator('[data-testid="up-slider"]').fill('0');
      await page().locator('[data-testid="down-slider"]').fill('0');
      await expect.poll(() => errorAt('dataset.downThreshold').innerText()).toMatch(/^必须低于上涨阈值/);
      expect(await page().locator('[data-testid="preset"] option').allInnerTexts()).toContain(
        '精简 Inception',
      );
      expect(await page().locator('[data-testid="window"] option').allInnerTexts()).toEqual([
        '锚定（逐步扩大）',
        '滚动（固定长度）',
      ]);
    } finally {
      await page().locator('[data-testid="up-slider"]').fill('2.5');
      await page().locator('[data-testid="down-slider"]').fill('-1');
      await page().selectOption('[data-testid="language"]', 'en');
    }
  });
});

describe('study setup: speed', () => {
  it('a threshold slider change updates the counts (timings printed, not asserted)', async () => {
    await page().selectOption('[data-testid="load-preset"]', 'medium');
    await page().waitForTimeout(1500);
    const times: number[] = [];
    for (const v of ['3', '3.5', '4', '4.5', '2.5']) {
      const before = await text(page(), 'count-up');
      const t0 = Date.now();
      await page().locator('[data-testid="up-slider"]').fill(v);
      await page().waitForFunction(
        (b) => {
          const s = document.querySelector('[data-testid="count-up"]')?.textContent?.trim();
          return !!s && s !== b && s !== '—';
        },
        before,
        { polling: 5 },
      );
      times.push(Date.now() - t0);
    }
    printTiming('slider change to updated counts', times, 200);
  });
});
