import { beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { factorNames } from '../../../src/main/training/factors/registry';
import { buildDataset, type FactorDataset } from '../../../src/main/training/images/dataset';
import { alphaFeatureNames, alphaFeatures } from '../../../src/main/training/tabular/alpha158';
import { buildFeatureTable, columnsWhere } from '../../../src/main/training/tabular/table';
import { dailyFile } from '../../helpers/data';

const codes = ['000300', '000905'];
const cfg = {
  channels: codes,
  from: '2018-01-02',
  to: '2018-12-28',
  lookbackDays: 10,
  normWindowDays: 20,
  factors: factorNames().slice(0, 5),
};
let bars: Map<string, Bars>;
let ds: FactorDataset;

beforeAll(() => {
  bars = new Map(codes.map((c) => [c, importFile(dailyFile(c), { code: c }).bars]));
  ds = buildDataset(cfg, bars);
});

describe('tabular feature table', () => {
  it('lag 0 is the last-bar vector, lag k the image row k days back, alpha columns the index features at t', () => {
    const dates = ds.dates.slice(20, 40);
    const t = buildFeatureTable(ds, dates, bars, { lagsDays: [0, 3] });
    const F = 5;
    const C = 2;
    const d = t.columns.length;
    expect(d).toBe(2 * C * F + C * alphaFeatureNames().length);
    expect(t.columns[0]).toEqual({ name: '000300:ma_dev_5', channel: '000300', family: 'trend', lagDays: 0 });
    expect(t.columns[2 * F + 1].name).toBe('000300:ma_dev_10@-3');
    const last = new Float32Array(C * F);
    const img = new Float32Array(ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2]);
    const csi500 = importFile(dailyFile('000905'), { code: '000905' }).bars;
    const alpha = alphaFeatures(csi500);
    const names = alphaFeatureNames();
    dates.forEach((date, r) => {
      const i = ds.dates.indexOf(date);
      ds.fillLastBar(i, last);
      for (let k = 0; k < C * F; k++) expect(t.values[r * d + k]).toBe(last[k]);
      // lag 3 of factor f in channel c: image row (10 - 1 - 3), channel c (time-factor layout: [row][factor][channel])
      ds.fillImage(i, img);
      for (let c = 0; c < C; c++)
        for (let f = 0; f < F; f++)
          expect(t.values[r * d + C * F + c * F + f]).toBe(img[((10 - 1 - 3) * F + f) * C + c]);
      const tb = csi500.date.indexOf(date);
      const j = t.columns.findIndex((col) => col.name === '000905:RSV20');
      expect(t.values[r * d + j]).toBe(Math.fround(alpha[names.indexOf('RSV20')][tb]));
    });
    expect(columnsWhere(t, (c) => c.family === 'alpha:rsv' && c.channel === '000300').length).toBe(5);
  });

  it('no look-ahead: prices after a date change no row at or before it', () => {
    const cut = ds.dates[60];
    const changed = new Map<string, Bars>();
    for (const [code, b] of bars) {
      const k = b.date.findIndex((d) => d > cut);
      const scale = (x: Float64Array) =>
        Float64Array.from(x, (v, i) => (i >= k ? v * (1 + 0.05 * Math.sin(i)) : v));
      const [open, close] = [scale(b.open), scale(b.close)];
      const high = scale(b.high).map((v, i) => Math.max(v, open[i], close[i]));
      const low = scale(b.low).map((v, i) => Math.min(v, open[i], close[i]));
      changed.set(code, { ...b, open, high, low, close, volume: scale(b.volume) });
    }
    const ds2 = buildDataset(cfg, changed);
    const dates = ds.dates.slice(0, 61);
    const a = buildFeatureTable(ds, dates, bars);
    const b = buildFeatureTable(ds2, dates, changed);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    const after = buildFeatureTable(ds2, ds.dates.slice(61, 70), changed);
    expect(Array.from(after.values)).not.toEqual(
      Array.from(buildFeatureTable(ds, ds.dates.slice(61, 70), bars).values),
    );
  });

  it('refuses lags outside the lookback and dates that are not samples', () => {
    expect(() => buildFeatureTable(ds, ds.dates.slice(0, 2), bars, { lagsDays: [10] })).toThrow(
      /tabular.lagsDays/,
    );
    expect(() => buildFeatureTable(ds, ['2018-01-01'], bars)).toThrow(/not a sample date/);
  });
});
