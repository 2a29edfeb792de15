/// <reference lib="dom" />
/**
 * The Factor images view in Chromium against the web host: the tooltip names each bar's own date; the heatmap
 * has axis titles, every factor labelled in readable type and colour-bar labels that stay; the 3-D view's lowest
 * z label does not print over the first factor, its wireframe is visible and a rotated surface stays inside the
 * canvas; a date picker; a 224 x 224 intraday image (real SSE 1-minute bars) stays responsive, downsampled for
 * the 3-D view with a note; the occlusion saliency of a finished run's prediction drawn over the image. The
 * speed of the first draw and of a slider step is printed, not asserted.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPredictionsCsv } from '../../src/main/training/report/read';
import { dailyFile, rawDir } from '../helpers/data';
import { PNG } from 'pngjs';
import {
  callFormatter,
  chartOption,
  chartTexts,
  go,
  openApp,
  printTiming,
  shot,
  text,
  tooltipOf,
  waitDrawn,
  type App,
} from './view-helpers';

let app: App;
const page = () => app.page;
const csvDates = readFileSync(dailyFile('000300'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',')[0]);

beforeAll(async () => {
  app = await openApp();
  // the study setup's preview builds the dataset in the compute worker while the user looks at other views
  await go(page(), 'study');
  await page().waitForSelector('[data-testid="plan-study"]', { timeout: 120_000 });
});
afterAll(async () => {
  expect(app.errors).toEqual([]);
  await app?.close();
});

/** Share of a screenshot's pixels darker than luminance 120 (of 255). */
function darkShare(png: Buffer): number {
  const img = PNG.sync.read(png);
  let dark = 0;
  for (let i = 0; i < img.width * img.height; i++)
    if (0.3 * img.data[i * 4] + 0.59 * img.data[i * 4 + 1] + 0.11 * img.data[i * 4 + 2] < 120) dark++;
  return dark / (img.width * img.height);
}

/**
 * Moves the date slider to sample i as a user's drag does (the input event) and measures in the page, from that
 * event to the chart's drawn mark for the new date: the app's latency, without the test driver's own time.
 */
async function slideTo(i: number): Promise<number> {
  return page().evaluate(
    (i) =>
      new Promise<number>((resolve, reject) => {
        const slider = document.querySelector<HTMLInputElement>('[data-testid="date-slider"]')!;
        const mark = () =>
          document.querySelector<HTMLElement>('[data-testid="surface"], [data-testid="heatmap-main"]')
            ?.dataset.drawn ?? '';
        const before = mark();
        // drawn: the chart's mark has moved on to the date the view now shows, with the slider at i
        const drawn = () => {
          const date = document.querySelector('[data-testid="image-date"]')?.textContent?.trim();
          const now = mark();
          return !!date && now !== before && slider.value === String(i) && now.startsWith(`${date}|`);
        };
        const t0 = performance.now();
        slider.value = String(i);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        const poll = () => {
          if (drawn()) resolve(performance.now() - t0);
          else if (performance.now() - t0 > 60_000)
            reject(new Error(`sample ${i} was not drawn within 60 s`));
          else requestAnimationFrame(poll);
        };
        poll();
      }),
    i,
  );
}

describe('factor images: speed', () => {
  it('draws the first image and steps the date slider (timings printed, not asserted)', async () => {
    const t0 = Date.now();
    await go(page(), 'images');
    const key = await waitDrawn(page(), 'surface', '20');
    const first = Date.now() - t0;
    expect(key.startsWith(`${await text(page(), 'image-date')}|`)).toBe(true);
    printTiming('first draw of Factor images (3-D surface, 56 x 56 x 4)', [first], 1000);
    const steps: number[] = [];
    for (const i of [100, 101, 102, 103, 2000, 2001, 2002]) steps.push(await slideTo(i));
    printTiming('date-slider step (3-D surface)', steps, 150);
    expect(await text(page(), 'image-date')).toBe('2019-04-15');
    await page().click('button[data-mode="heatmap"]');
    await waitDrawn(page(), 'heatmap-main', '20');
    const heat: number[] = [];
    for (const i of [2003, 2004, 2005]) heat.push(await slideTo(i));
    printTiming('date-slider step (heatmap)', heat, 150);
  });
});

describe('factor images: what a cell says', () => {
  it("the tooltip shows each bar's own date, not the sample date", async () => {
    const sample = await text(page(), 'image-date');
    const o = await chartOption(page(), 'heatmap-main');
    const t = csvDates.indexOf(sample);
    // cell (x, y) is data item y * 56 + x; row 0 is the oldest of the 56 bars, the top row is t
    const oldest = await tooltipOf(page(), 'heatmap-main', 0);
    expect(oldest).toContain(`${csvDates[t - 55]} (t-55)`);
    expect(oldest).not.toContain(sample);
    const mid = await tooltipOf(page(), 'heatmap-main', 30 * 56 + 7);
    expect(mid).toContain(`${csvDates[t - 25]} (t-25)`);
    const top = await tooltipOf(page(), 'heatmap-main', 55 * 56 + 3);
    expect(top).toContain(`${sample} (t)`);
    // the cells are one image: the pointer resting on a cell shows that cell's tooltip (found from its position)
    await page().mouse.move(5, 5);
    const [px, py] = (await page().evaluate(`(() => {
      const el = document.querySelector('[data-testid="heatmap-main"]');
      const r = el.getBoundingClientRect();
      const [x, y] = el.__chart.convertToPixel({ gridIndex: 0 }, [7, 30]);
      return [r.left + x, r.top + y];
    })()`)) as [number, number];
    await page().mouse.move(px, py);
    const tip = page().locator('[data-testid="heatmap-main"] > .cell-tip');
    await expect
      .poll(async () => ((await tip.isVisible()) ? await tip.innerText() : ''))
      .toContain(`${csvDates[t - 25]} (t-25)`);
    expect(await tip.innerText()).toContain(`${o.xAxis[0].data[7]}`);
    await page().mouse.move(5, 5);
    await expect.poll(() => tip.isVisible()).toBe(false);
    // a heatmap does not rotate: its hint says only what hovering does
    expect(await text(page(), 'images-hint')).toBe('Hover a cell for factor, bar and value.');
  });

  it('has axis titles, every factor labelled in readable type, and colour-bar labels that stay after hovering', async () => {
    const o = await chartOption(page(), 'heatmap-main');
    expect(o.xAxis[0].name).toBe('Factor');
    expect(o.yAxis[0].name).toMatch(/^Bar/);
    expect(o.xAxis[0].axisLabel.fontSize).toBeGreaterThanOrEqual(10);
    const texts = (await chartTexts(page(), 'heatmap-main')).map((x) => x.text);
    for (const f of o.xAxis[0].data as string[]) expect(texts, `factor ${f} labelled`).toContain(f);
    const box = (await page().locator('[data-testid="heatmap-main"]').boundingBox())!;
    // hover the colour bar, then leave it
    await page().mouse.move(box.x + box.width - 60, box.y + 120);
    await page().waitForTimeout(500);
    await page().mouse.move(box.x + 300, box.y + 300);
    await page().waitForTimeout(600);
    const bar = (await chartTexts(page(), 'heatmap-main')).filter((x) => /^[+−-]\d/.test(x.text));
    expect(bar.length).toBeGreaterThanOrEqual(2);
    for (const b of bar) expect(b.opacity, `colour-bar label ${b.text}`).toBeGreaterThan(0.99);
    await shot(page(), 'images-heatmap');
  });

  it('goes to a date with the date picker (a weekend resolves to the sample before it) and steps with the arrows', async () => {
    await page().fill('[data-testid="image-date-picker"]', '2020-03-23');
    await expect.poll(() => text(page(), 'image-date')).toBe('2020-03-23');
    await page().fill('[data-testid="image-date-picker"]', '2020-03-22');
    await expect.poll(() => text(page(), 'image-date')).toBe('2020-03-20');
    await page().click('[data-testid="next-date"]');
    await expect.poll(() => text(page(), 'image-date')).toBe('2020-03-23');
    await page().click('[data-testid="prev-date"]');
    await page().click('[data-testid="prev-date"]');
    await expect.poll(() => text(page(), 'image-date')).toBe('2020-03-19');
  });
});

describe('factor images: the 3-D view', () => {
  it('keeps the lowest z label off the first factor name and draws a visible wireframe', async () => {
    await page().click('button[data-mode="wireframe"]');
    await waitDrawn(page(), 'surface', '20');
    const o = await chartOption(page(), 'surface');
    const min = o.zAxis3D[0].min as number;
    expect(await callFormatter(page(), 'surface', 'zAxis3D', 'axisLabel', min)).toBe('');
    expect(await callFormatter(page(), 'surface', 'zAxis3D', 'axisLabel', 2)).toBe('2');
    await page().waitForTimeout(800);
    // the wireframe's lines are dark enough to see: the pale one drew 0.3 % of the canvas in dark pixels
    // (luminance < 120 of 255), the visible one about 1.2 %
    expect(
      darkShare(await page().locator('[data-testid="surface"] canvas').first().screenshot()),
    ).toBeGreaterThan(0.006);
    await shot(page(), 'images-wireframe');
  });

  it('keeps a rotated surface inside its canvas', async () => {
    await page().click('button[data-mode="shaded"]');
    await waitDrawn(page(), 'surface', '20');
    const surface = page().locator('[data-testid="surface"]');
    const box = (await surface.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of [
      [0, 260],
      [320, 0],
      [0, -520],
    ]) {
      await page().mouse.move(cx, cy);
      await page().mouse.down();
      await page().mouse.move(cx + dx, cy + dy, { steps: 10 });
      await page().mouse.up();
      await page().waitForTimeout(700);
      const img = PNG.sync.read(await surface.screenshot());
      // nothing drawn in the outer 4 px of the top and bottom edges: the surface is not cut off
      const bg = [img.data[0], img.data[1], img.data[2]];
      let edge = 0;
      for (const y of [0, 1, 2, 3, img.height - 4, img.height - 3, img.height - 2, img.height - 1])
        for (let x = 0; x < img.width; x++) {
          const o = (y * img.width + x) * 4;
          if (
            Math.abs(img.data[o] - bg[0]) +
              Math.abs(img.data[o + 1] - bg[1]) +
              Math.abs(img.data[o + 2] - bg[2]) >
            40
          )
            edge++;
        }
      expect(edge, `drawn pixels on the top/bottom edge after a drag of ${dx},${dy}`).toBe(0);
    }
    await shot(page(), 'images-3d');
  });
});

describe('factor images: intraday bars', () => {
  it('lists the real SSE 1-minute file, offers 15-minute bars and shows a 224 x 224 image, downsampled in 3-D', async () => {
    await go(page(), 'data');
    await page().fill('[data-testid="data-dir"]', rawDir('czsc-1min'));
    await page().click('[data-testid="use-data-dir"]');
    await expect.poll(() => page().locator('[data-testid="indices"] tbody tr').count()).toBe(1);
    const row = await page().locator('[data-testid="indices"] tbody tr').innerText();
    expect(row).toMatch(/000001\s+SSE Composite\s+1-minute\s+2015-01-05 09:31 – 2017-12-29 15:00\s+175,345/);
    await go(page(), 'study');
    await page().selectOption('[data-testid="target"]', '000001');
    // the other indices are not in this folder: the setup says so until they are unticked
    for (const c of ['000300', '000905', '399006']) await page().uncheck(`input[data-overlay="${c}"]`);
    const sizes = await page().locator('[data-testid="bars-per-day"] option').allInnerTexts();
    expect(sizes).toEqual(['1 (daily)', '4 (60-minute)', '8 (30-minute)', '16 (15-minute)', '48 (5-minute)']);
    await page().selectOption('[data-testid="bars-per-day"]', '16');
    await page().selectOption('[data-testid="layout"]', 'seed');
    await page().fill('[data-testid="from"]', '2015-01-01');
    await page().fill('[data-testid="train-days"]', '250');
    await page().fill('[data-testid="test-days"]', '120');
    await expect
      .poll(() => text(page(), 'plan-study'), { timeout: 120_000 })
      .toMatch(/^Run study: \d+ folds × 1 channel sets/);
    const t0 = Date.now();
    await go(page(), 'images');
    await waitDrawn(page(), 'surface', '201', 180_000);
    printTiming(
      'first draw of Factor images (224 x 224 intraday, 3-D, downsampled)',
      [Date.now() - t0],
      1000,
    );
    expect(await text(page(), 'image-shape')).toBe('224 × 224 × 1');
    expect(await text(page(), 'downsample-note')).toBe(
      'The 3-D view shows 56 × 56 (mean of 4 × 4 cells of the 224 × 224 image) so it stays responsive; the heatmap shows every value.',
    );
    const o = await chartOption(page(), 'surface');
    expect(o.series[0].dataShape).toEqual([56, 56]);
    const steps: number[] = [];
    for (const i of [10, 11, 12, 300]) steps.push(await slideTo(i));
    printTiming('date-slider step (224 x 224 intraday, 3-D)', steps, 150);
    await shot(page(), 'images-intraday-3d');
    await page().click('button[data-mode="heatmap"]');
    await waitDrawn(page(), 'heatmap-main', '201', 120_000);
    expect(await page().locator('[data-testid="downsample-note"]').count()).toBe(0);
    // a seed raster's columns are not factors: the tooltip still names the cell's factor and its bar's time
    const tip = await tooltipOf(page(), 'heatmap-main', 0);
    expect(tip).toMatch(/Factor: \w+\nBar: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(t-895\)/);
    await shot(page(), 'images-intraday-heatmap');
    // back to the daily files for the next tests
    await go(page(), 'data');
    await page().fill('[data-testid="data-dir"]', app.th.dataDir);
    await page().click('[data-testid="use-data-dir"]');
    await expect.poll(() => page().locator('[data-testid="indices"] tbody tr').count()).toBe(4);
  }, 300_000);
});

describe('factor images: saliency', () => {
  it("draws the occlusion saliency of a finished run's prediction over the heatmap and the 3-D surface", async () => {
    // a small finished run: a CNN on CSI 300 alone, 2021 on, over the daily files
    await page().reload();
    await page().waitForSelector('button[data-view="study"]');
    await go(page(), 'data');
    await page().fill('[data-testid="data-dir"]', app.th.dataDir);
    if (await page().locator('[data-testid="use-data-dir"]').isEnabled())
      await page().click('[data-testid="use-data-dir"]');
    await expect.poll(() => page().locator('[data-testid="indices"] tbody tr').count()).toBe(4);
    await go(page(), 'study');
    await page().selectOption('[data-testid="target"]', '000300');
    await page().selectOption('[data-testid="bars-per-day"]', '1');
    await page().selectOption('[data-testid="layout"]', 'time-factor');
    await page().fill('[data-testid="from"]', '2021-01-01');
    for (const c of ['000001', '000905', '399006']) await page().uncheck(`input[data-overlay="${c}"]`);
    await page().fill('[data-testid="lookback"]', '20');
    await page().selectOption('[data-testid="preset"]', 'cnn');
    await page().fill('[data-testid="epochs"]', '2');
    await page().fill('[data-testid="train-days"]', '300');
    await page().fill('[data-testid="test-days"]', '60');
    await go(page(), 'training');
    await page().click('[data-testid="start-training"]', { timeout: 120_000 });
    await expect.poll(() => text(page(), 'job-status'), { timeout: 200_000, interval: 500 }).toBe('done');
    const runId = readdirSync(app.th.runsDir)[0];
    const preds = readPredictionsCsv(path.join(app.th.runsDir, runId, 'predictions.csv'));
    const row = preds.find((r) => r.actual !== null)!;

    await go(page(), 'images');
    await page().selectOption('[data-testid="saliency-run"]', runId);
    await expect
      .poll(() => text(page(), 'saliency-dataset'))
      .toBe('Showing this run’s dataset (000300, time × factor) so the image is the one its model saw.');
    await page().fill('[data-testid="image-date-picker"]', row.date);
    await expect.poll(() => text(page(), 'image-date')).toBe(row.date);
    await expect
      .poll(() => page().locator('[data-testid="saliency-text"]').count(), { timeout: 120_000 })
      .toBe(1);
    const said = await text(page(), 'saliency-text');
    // the saliency's intact-image probabilities are the run's own prediction of that date (predictions.csv)
    const m = /prediction on (\S+): p\(down, flat, up\) = ([\d.]+), ([\d.]+), ([\d.]+)/.exec(said)!;
    expect(m[1]).toBe(row.date);
    [row.pDown, row.pFlat, row.pUp].forEach((p, k) =>
      expect(Math.abs(Number(m[k + 2]) - p)).toBeLessThan(0.0011),
    );
    await page().click('button[data-mode="heatmap"]');
    await waitDrawn(page(), 'heatmap-main', `${row.date}|`);
    await expect.poll(async () => (await chartOption(page(), 'heatmap-main')).series.length).toBe(2);
    const heat = await chartOption(page(), 'heatmap-main');
    expect(heat.series[1].data).toHaveLength(20 * 56);
    await shot(page(), 'images-saliency-heatmap');
    await page().click('button[data-mode="shaded"]');
    await waitDrawn(page(), 'surface', `${row.date}|`);
    const surf = await chartOption(page(), 'surface');
    expect(surf.visualMap[0].dimension).toBe(3);
    expect(surf.series[0].data[0]).toHaveLength(4);
    await shot(page(), 'images-saliency-3d');
  }, 400_000);
});
