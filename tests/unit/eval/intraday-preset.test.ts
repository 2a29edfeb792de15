/**
 * The `intraday` preset planned on the real data: SSE Composite 15-minute images (czsc 1-minute file) beside the
 * daily image (cn-index-daily) of the same dates. Checked against independent readings of the files: the dates
 * every cell shares, the folds and their embargo counted in trading days, the cells, and labels that are the same
 * in every cell and equal to labels computed here from the daily CSV's closes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planStudy } from '../../../src/main/training/eval/study/plan';
import {
  loadPreset,
  mergeConfig,
  parseStudyConfig,
  readJson,
  readPreset,
} from '../../../src/main/training/eval/study-config';
import { dailyDir, dailyFile } from '../../helpers/data';

const config = loadPreset('intraday', 'studies/intraday-test-unused');
const lines: string[] = [];
const plan = planStudy(config, { dataDir: dailyDir() }, (l) => lines.push(l));

/** The daily CSV read as plain text: date -> close, and the trading calendar. */
function dailyCloses(): { days: string[]; close: number[] } {
  const rows = readFileSync(dailyFile('000001'), 'utf8').trim().split(/\r?\n/);
  const head = rows[0].split(',');
  const di = head.indexOf('date');
  const ci = head.indexOf('close');
  const cells = rows.slice(1).map((r) => r.split(','));
  return { days: cells.map((c) => c[di]), close: cells.map((c) => Number(c[ci])) };
}
const { days, close } = dailyCloses();
const dayAt = new Map(days.map((d, i) => [d, i] as const));

describe('the intraday preset on ../shared/data', () => {
  it('resolves: SSE Composite on 15-minute and daily bars, three models, embargo at least the horizon', () => {
    expect(config.dataset.target).toBe('000001');
    expect(config.dataset.horizonDays).toBe(14);
    expect(config.walkForward.window).toBe('anchored');
    expect(config.walkForward.embargoDays).toBeGreaterThanOrEqual(config.dataset.horizonDays);
    expect(config.ablation.barSizes?.map((b) => b.barsPerDay)).toEqual([16, 1]);
    expect(config.ablation.models?.map((m) => m.name)).toEqual(['googlenet', 'googlenet-1x1', 'compact']);
  });

  it("the README's one-seed run is the preset's seed-1 raster cells: the same keys, model settings and folds", () => {
    const one = parseStudyConfig(
      { ...mergeConfig(readPreset('intraday'), readJson('docs/intraday/one-seed.json')), outDir: 'unused' },
      'intraday + docs/intraday/one-seed.json',
    );
    expect(one.seeds).toEqual([1]);
    const onePlan = planStudy(one, { dataDir: dailyDir() }, () => undefined);
    const keys = onePlan.cells.map((c) => c.key);
    expect(keys).toEqual(plan.cells.map((c) => c.key).filter((k) => !k.includes('_time-factor_')));
    for (const c of onePlan.cells) expect(c.model).toEqual(plan.cells.find((p) => p.key === c.key)!.model);
    expect(onePlan.folds.length).toBe(plan.folds.length);
    expect(one.train).toEqual(config.train);
  });

  it('has one cell per bar size x distinct layout x model, with the original image shapes', () => {
    const shapes = Object.fromEntries(plan.cells.map((c) => [c.key, c.ds.imageShape.join('x')]));
    expect(shapes).toEqual({
      '000001_seed_15min_googlenet': '224x224x1',
      '000001_seed_15min_googlenet-1x1': '224x224x1',
      '000001_seed_15min_compact': '224x224x1',
      '000001_time-factor_15min_googlenet': '896x56x1',
      '000001_time-factor_15min_googlenet-1x1': '896x56x1',
      '000001_time-factor_15min_compact': '896x56x1',
      // one bar a day: the seed raster is the time-factor image, trained once
      '000001_seed_daily_googlenet': '56x56x1',
      '000001_seed_daily_googlenet-1x1': '56x56x1',
      '000001_seed_daily_compact': '56x56x1',
    });
    const g1 = plan.cells.find((c) => c.key === '000001_seed_15min_googlenet-1x1')!;
    expect(g1.model).toMatchObject({ preset: 'googlenet', width: 1, branch3x3: 'original-1x1' });
    expect(plan.cells.find((c) => c.key.endsWith('_compact'))!.model).toMatchObject({
      preset: 'compact',
      width: 0.25,
      branch3x3: 'paper',
    });
    expect(lines.filter((l) => l.startsWith('dataset '))).toHaveLength(3);
    expect(plan.files.map((f) => f.split('/').slice(-2).join('/'))).toEqual([
      'czsc-1min/000001.XSHG_1min.csv',
      'cn-index-daily/000001.csv',
    ]);
  });

  it('scores every cell on the same 631 dates: the intraday samples, without the two short days', () => {
    expect(plan.common).toHaveLength(631);
    expect(plan.common[0]).toBe('2015-06-02');
    expect(plan.common[630]).toBe('2017-12-29');
    expect(plan.common).not.toContain('2016-01-04');
    expect(plan.common).not.toContain('2016-01-07');
    const intraday = plan.cells.find((c) => c.barsPerDay === 16)!;
    const daily = plan.cells.find((c) => c.barsPerDay === 1)!;
    expect(intraday.ds.dates).toEqual(plan.common);
    // the daily dataset has every trading day of 2015-2017; the study keeps the intraday ones
    expect(daily.ds.dates).toEqual(days.filter((d) => d >= '2015-01-05' && d <= '2017-12-29'));
    expect(daily.ds.dates).toHaveLength(732);
    for (const c of plan.cells) for (const d of plan.common) expect(c.index.has(d)).toBe(true);
  });

  it('labels every cell from the daily file closes: identical across cells and equal to a hand computation', () => {
    const H = 14;
    // all 631 dates are labeled: the daily file has the January 2018 closes that the last labels need
    expect(plan.labeledCount).toBe(631);
    plan.common.forEach((d, j) => {
      const t = dayAt.get(d)!;
      const r = close[t + H] / close[t] - 1;
      const label = r > 0.025 ? 2 : r < -0.01 ? 0 : 1;
      expect(plan.labelsAll[j], d).toBe(label);
      expect(plan.fwdAll[j]).toBeCloseTo(r, 12);
      for (const c of plan.cells) {
        const i = c.index.get(d)!;
        expect(c.ds.labels[i]).toBe(label);
        expect(c.ds.forwardReturns[i]).toBe(plan.fwdAll[j]);
      }
    });
    // every cell's backtest prices are the daily file's
    for (const c of plan.cells) expect(c.ds.targetDaily.close).toEqual(plan.cells[0].ds.targetDaily.close);
    expect(plan.cells[0].ds.targetDaily.date[0]).toBe(days[0]);
    expect(plan.cells.filter((c) => c.labelsFrom).map((c) => c.barsPerDay)).toEqual([16, 16, 16, 16, 16, 16]);
  });

  it('walks forward in 4 anchored folds with at least H trading days between every label window and the test', () => {
    const H = config.dataset.horizonDays;
    expect(plan.folds.map((f) => [f.train.length, f.val.length, f.test.length])).toEqual([
      [198, 38, 92],
      [277, 51, 92],
      [355, 65, 92],
      [433, 79, 91],
    ]);
    expect(plan.folds.map((f) => [f.testStart, f.testEnd])).toEqual([
      ['2016-07-04', '2016-11-17'],
      ['2016-11-18', '2017-04-06'],
      ['2017-04-07', '2017-08-17'],
      ['2017-08-18', '2017-12-29'],
    ]);
    const tradingDay = (j: number) => dayAt.get(plan.common[j])!;
    for (const f of plan.folds) {
      expect(f.train[0]).toBe(0);
      const lastTrain = f.train[f.train.length - 1];
      const lastVal = f.val[f.val.length - 1];
      // a label at t is complete at close t+H: it must be known before validation and test begin
      expect(tradingDay(lastTrain) + H).toBeLessThan(tradingDay(f.val[0]));
      expect(tradingDay(lastVal) + H).toBeLessThan(tradingDay(f.test[0]));
      if (f.index > 0) expect(f.test[0]).toBe(plan.folds[f.index - 1].test.at(-1)! + 1);
    }
    expect(plan.labeledRows).toHaveLength(367);
  });

  it('refuses a bar size listed twice and a model variant the builders cannot use, naming the field', () => {
    const raw = readPreset('intraday');
    const ablation = raw.ablation as Record<string, unknown>;
    expect(() =>
      parseStudyConfig({
        ...raw,
        ablation: { ...ablation, barSizes: [{ barsPerDay: 1 }, { barsPerDay: 1 }] },
      }),
    ).toThrow(/^ablation\.barSizes\.1\.barsPerDay: 1 bars a day is listed twice/);
    expect(() =>
      parseStudyConfig({
        ...raw,
        ablation: { ...ablation, models: [{ name: 'a' }, { name: 'b', preset: 'compact', auxHeads: true }] },
      }),
    ).toThrow(/^ablation\.models\.1\.auxHeads: auxiliary heads exist only for googlenet.*\(model 'b'\)/);
    expect(() =>
      parseStudyConfig({ ...raw, ablation: { ...ablation, models: [{ name: 'Big Net' }] } }),
    ).toThrow(/^ablation\.models\.0\.name: expected a short name/);
  });
});
