import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { labelSeries } from '../../../src/main/training/labels/labels';
import { surrogateBars } from '../../../src/main/training/eval/power/surrogate';
import { dailyFile } from '../../helpers/data';

const real = new Map<string, Bars>(
  ['000300', '000001'].map((c) => [c, importFile(dailyFile(c), { code: c }).bars]),
);
const H = 14;

describe('surrogate bars with a planted signal', () => {
  it('strength 0: every index keeps its daily close-to-close returns, only their order changes (jointly)', () => {
    const s = surrogateBars(real, { target: '000300', horizonDays: H, strength: 0, seed: 3 });
    for (const code of ['000300', '000001']) {
      const a = real.get(code)!;
      const b = s.bars.get(code)!;
      expect(b.date).toEqual(a.date); // both files share all 4616 dates
      const ra = Array.from(a.close.subarray(1), (c, i) => c / a.close[i]).sort();
      const rb = Array.from(b.close.subarray(1), (c, i) => c / b.close[i]).sort();
      rb.forEach((x, i) => expect(x).toBeCloseTo(ra[i], 12));
      for (let i = 0; i < b.date.length; i++) {
        expect(b.high[i]).toBeGreaterThanOrEqual(Math.max(b.open[i], b.close[i]));
        expect(b.low[i]).toBeLessThanOrEqual(Math.min(b.open[i], b.close[i]));
      }
    }
    // the same day moved to the same place in both indices: the day-level correlation survives
    const corr = (x: Float64Array, y: Float64Array) => {
      const rx = Array.from(x.subarray(1), (c, i) => Math.log(c / x[i]));
      const ry = Array.from(y.subarray(1), (c, i) => Math.log(c / y[i]));
      const mx = rx.reduce((a, b) => a + b) / rx.length;
      const my = ry.reduce((a, b) => a + b) / ry.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      rx.forEach((v, i) => {
        sxy += (v - mx) * (ry[i] - my);
        sxx += (v - mx) ** 2;
        syy += (ry[i] - my) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    const cReal = corr(real.get('000300')!.close, real.get('000001')!.close);
    const cSur = corr(s.bars.get('000300')!.close, s.bars.get('000001')!.close);
    expect(cSur).toBeCloseTo(cReal, 10);
  });

  it('tells: the candle closes at the top / bottom of its range; the planted moves follow, and only after', () => {
    const weak = surrogateBars(real, { target: '000300', horizonDays: H, strength: 0, seed: 3 });
    const strong = surrogateBars(real, { target: '000300', horizonDays: H, strength: 0.06, seed: 3 });
    expect(strong.upTells).toEqual(weak.upTells); // one replicate: same shuffle and tells at every strength
    const t = strong.bars.get('000300')!;
    const w = weak.bars.get('000300')!;
    const idx = new Map(t.date.map((d, i) => [d, i] as const));
    const clv = (i: number) => (t.close[i] - t.low[i] - (t.high[i] - t.close[i])) / (t.high[i] - t.low[i]);
    for (const d of strong.upTells) {
      const i = idx.get(d)!;
      expect(clv(i)).toBeGreaterThanOrEqual(1 / 3 - 1e-12);
      if (t.close[i] >= t.open[i]) expect(clv(i)).toBe(1); // at the very top unless the open is higher
    }
    for (const d of strong.downTells) expect(clv(idx.get(d)!)).toBeLessThanOrEqual(-1 / 3 + 1e-12);
    // the overlay is untouched by the plant, and open / close / volume of the target keep the shuffled values
    expect(strong.bars.get('000001')!.close).toEqual(weak.bars.get('000001')!.close);
    expect(t.volume).toEqual(w.volume);
    const share = (tells: string[], lab: Int8Array, cls: number) =>
      tells.filter((d) => lab[idx.get(d)!] === cls).length / tells.length;
    const ls = labelSeries(t.close, H, 0.025, -0.01).labels;
    const lw = labelSeries(w.close, H, 0.025, -0.01).labels;
    // ±6 % over the next 14 dates (less for dates late in a block) on a ~5 % sd: up candles turn towards up labels
    expect(share(strong.upTells, ls, 2)).toBeGreaterThan(share(weak.upTells, lw, 2) + 0.1);
    expect(share(strong.downTells, ls, 0)).toBeGreaterThan(share(weak.downTells, lw, 0) + 0.1);
    // no look-ahead: the log ratio of the strong to the weak path moves by z * strength / H only from the date
    // after a block's first candle on
    const first = Math.min(idx.get(strong.upTells[0])!, idx.get(strong.downTells[0])!);
    const z = strong.upTells.includes(t.date[first]) ? 1 : -1;
    const ratio = Array.from(t.close, (c, i) => Math.log(c / w.close[i]));
    const demean = ratio[1] - ratio[0];
    for (let i = 1; i <= first; i++) expect(ratio[i] - ratio[i - 1]).toBeCloseTo(demean, 12);
    for (let i = first + 1; i <= first + H; i++)
      expect(ratio[i] - ratio[i - 1]).toBeCloseTo(demean + (z * 0.06) / H, 12);
    // the plant adds no trend: the last close is the shuffled path's
    expect(t.close[t.close.length - 1]).toBeCloseTo(w.close[w.close.length - 1], 6);
    // default: every block of H dates after the warm-up carries a tell, in runs of exactly H dates
    const tells = strong.upTells.length + strong.downTells.length;
    expect(tells / t.date.length).toBeGreaterThan(0.95);
    expect(tells % H).toBe(0);
  });
});
