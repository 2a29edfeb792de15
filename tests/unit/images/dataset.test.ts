import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { buildDataset, loadDataset } from '../../../src/main/training/images/dataset';
import { importFile } from '../../../src/main/training/data/import';
import { computeFactors } from '../../../src/main/training/factors/registry';
import { dailyDir, dailyFile, rawDir } from '../../helpers/data';
import { readDailyCsv } from '../../helpers/csv';
import path from 'node:path';

const FOUR = ['000300', '000001', '000905', '399006'];

function loadBars(codes: string[]): Map<string, Bars> {
  return new Map(codes.map((c) => [c, importFile(dailyFile(c), { code: c }).bars]));
}

/** Copy of bars with every bar after index `after` changed (prices scaled, volume changed). */
function perturbAfter(b: Bars, after: number, seed: number): Bars {
  const copy = (a: Float64Array) => Float64Array.from(a);
  const out: Bars = {
    ...b,
    open: copy(b.open),
    high: copy(b.high),
    low: copy(b.low),
    close: copy(b.close),
    volume: copy(b.volume),
    amount: copy(b.amount),
  };
  let s = seed;
  for (let i = after + 1; i < b.close.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const k = 0.8 + (0.4 * s) / 2147483648;
    out.open[i] *= k;
    out.high[i] *= k * 1.01;
    out.low[i] *= k * 0.99;
    out.close[i] *= k;
    out.volume[i] *= 2 - k;
    out.amount[i] *= 2 - k;
  }
  return out;
}

describe('dataset on the real daily files', () => {
  const bars = loadBars(FOUR);
  const ds = buildDataset({ channels: FOUR, from: '2010-06-01' }, bars);
  const F = ds.factorNames.length;

  it('has the documented shape, dates and labels', () => {
    expect(F).toBe(56); // the core set by default
    expect(ds.imageShape).toEqual([56, F, 4]);
    expect(ds.lastBarSize).toBe(F * 4);
    // ChiNext starts 2010-06-01, so the first image needs its warm-up + 56 days of its history
    expect(ds.dates[0] > '2010-06-01').toBe(true);
    expect(ds.dates[ds.dates.length - 1]).toBe('2023-12-29');
    const csv = readDailyCsv(dailyFile('000300'));
    const idx = new Map(csv.date.map((d, i) => [d, i]));
    let unlabeled = 0;
    ds.dates.forEach((d, i) => {
      const k = idx.get(d)!;
      expect(ds.targetClose[i]).toBe(csv.close[k]);
      if (k + 14 >= csv.close.length) {
        unlabeled++;
        expect(ds.labels[i]).toBe(-1);
        return;
      }
      const r = csv.close[k + 14] / csv.close[k] - 1;
      expect(ds.forwardReturns[i]).toBeCloseTo(r, 12);
      expect(ds.labels[i]).toBe(r > 0.025 ? 2 : r < -0.01 ? 0 : 1);
    });
    expect(unlabeled).toBe(14);
    expect(ds.counts.unlabeled).toBe(14);
    const dropped = ds.dropped.reduce((a, d) => a + d.count, 0);
    // every date of the common calendar from 2010-06-01 is either a sample or dropped with a reason
    expect(ds.dates.length + dropped).toBe(3302);
  });

  it("places each bar's z-scored factors in the right row and channel", () => {
    const i = 1234;
    const img = new Float32Array(56 * F * 4);
    ds.fillImage(i, img);
    const ch = 2; // 000905
    const b = bars.get('000905')!;
    const end = b.date.indexOf(ds.dates[i]);
    const f = 7;
    const x = computeFactors(b, [ds.factorNames[f]])[0];
    // independent rolling z-score over the trailing 40 bars (population std), clipped to 4
    for (const r of [0, 17, 55]) {
      const t = end - 55 + r;
      const w = Array.from(x.subarray(t - 39, t + 1));
      const mean = w.reduce((a, v) => a + v, 0) / 40;
      const sd = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / 40);
      const z = Math.max(-4, Math.min(4, sd === 0 ? 0 : (x[t] - mean) / sd));
      expect(img[(r * F + f) * 4 + ch]).toBeCloseTo(z, 3);
    }
    const last = new Float32Array(F * 4);
    ds.fillLastBar(i, last);
    for (let c = 0; c < 4; c++)
      for (let g = 0; g < F; g++) expect(last[c * F + g]).toBe(img[(55 * F + g) * 4 + c]);
    expect(img.every((v) => Number.isFinite(v) && Math.abs(v) <= 4)).toBe(true);
  });

  it('no look-ahead: changing bars after t changes no image at or before t, and labels only through (t, t+H]', () => {
    const cut = '2016-03-15';
    const perturbed = new Map([...bars].map(([c, b]) => [c, perturbAfter(b, b.date.lastIndexOf(cut), 7)]));
    const ds2 = buildDataset({ channels: FOUR, from: '2010-06-01' }, perturbed);
    const n = ds.dates.indexOf(cut);
    expect(n).toBeGreaterThan(100);
    const a = new Float32Array(56 * F * 4);
    const b = new Float32Array(56 * F * 4);
    let changedAfter = 0;
    for (let i = 0; i < ds.dates.length; i++) {
      expect(ds2.dates[i]).toBe(ds.dates[i]);
      ds.fillImage(i, a);
      ds2.fillImage(i, b);
      const same = a.every((v, k) => v === b[k]);
      if (i <= n) expect(same).toBe(true);
      else if (!same) changedAfter++;
      if (i + 14 <= n) {
        expect(ds2.labels[i]).toBe(ds.labels[i]);
        expect(ds2.forwardReturns[i]).toBe(ds.forwardReturns[i]);
      }
    }
    // the perturbation is real: later images do change
    expect(changedAfter).toBeGreaterThan(1000);
    expect([...ds2.labels.slice(n - 13, n + 1)].some((v, k) => v !== ds.labels[n - 13 + k])).toBe(true);
  });

  it('seed layout on daily bars is the same raster as time-factor when L*F is square', () => {
    const names = ds.factorNames.slice(0, 56);
    const tf = buildDataset(
      { target: '000300', channels: ['000300'], factors: names, layout: 'time-factor' },
      bars,
    );
    const seed = buildDataset(
      { target: '000300', channels: ['000300'], factors: names, layout: 'seed' },
      bars,
    );
    expect(seed.imageShape).toEqual([56, 56, 1]);
    const a = new Float32Array(56 * 56);
    const b = new Float32Array(56 * 56);
    tf.fillImage(100, a);
    seed.fillImage(100, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() =>
      buildDataset(
        { target: '000300', channels: ['000300'], factors: names.slice(0, 50), layout: 'seed' },
        bars,
      ),
    ).toThrow(/perfect square/);
  });

  it('refuses bad configs naming the field', () => {
    expect(() => buildDataset({ target: '000300', channels: ['000001', '000300'] }, bars)).toThrow(
      /channels: the first channel/,
    );
    expect(() => buildDataset({ target: '000300', channels: ['000300'], upThreshold: -0.02 }, bars)).toThrow(
      /downThreshold/,
    );
    expect(() => buildDataset({ target: '000300', channels: ['000300'], lookbackDays: 0 }, bars)).toThrow(
      /lookbackDays/,
    );
    expect(() => buildDataset({ target: '000300', channels: ['000300', '000016'] }, bars)).toThrow(/000016/);
  });

  it('loadDataset finds files by code', () => {
    const { dataset, files } = loadDataset(
      { target: '000300', channels: ['000300', '399006'], from: '2020-01-01', to: '2020-12-31' },
      dailyDir(),
    );
    expect(files.map((f) => path.basename(f))).toEqual(['000300.csv', '399006.csv']);
    expect(dataset.dates[0]).toBe('2020-01-02');
    expect(dataset.dates[dataset.dates.length - 1]).toBe('2020-12-31');
    expect(dataset.counts.unlabeled).toBe(0);
  });
});

describe('dataset on 2017 1-minute bars resampled to 15 minutes', () => {
  it('builds 16-bar days and the 224x224 seed raster for 56 days x 16 bars x 56 factors', () => {
    const dir = rawDir('tdx-1min');
    const b = importFile(path.join(dir, 'SH-000300.txt'), { code: '000300' }).bars;
    const s = importFile(path.join(dir, 'SH-000905.txt'), { code: '000905' }).bars;
    const bars = new Map([
      ['000300', b],
      ['000905', s],
    ]);
    const small = buildDataset(
      {
        target: '000300',
        channels: ['000300', '000905'],
        barsPerDay: 16,
        lookbackDays: 8,
        normWindowDays: 10,
      },
      bars,
    );
    const F = small.factorNames.length;
    expect(small.imageShape).toEqual([128, F, 2]);
    expect(small.dates.length).toBeGreaterThan(50);
    // labels are on the target's daily calendar: the last 14 trading days are unlabeled
    expect(small.counts.unlabeled).toBe(14);
    const names = small.factorNames.slice(0, 56);
    const seed = buildDataset(
      {
        target: '000300',
        channels: ['000300'],
        barsPerDay: 16,
        layout: 'seed',
        factors: names,
        normWindowDays: 10,
      },
      bars,
    );
    expect(seed.imageShape).toEqual([224, 224, 1]);
  });
});
