/**
 * The dataset's label price on the real CSI 300 file: 'next-open' labels are open(t+1) -> open(t+1+H), computed
 * here from the CSV independently of the importer; the label of t is known on day t+1+H; the default 'close'
 * labels are those of the original study; prices after t+1+H never move the label of t.
 */
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { buildDataset } from '../../../src/main/training/images/dataset';
import { readDailyCsv } from '../../helpers/csv';
import { dailyFile } from '../../helpers/data';

const H = 14;
const bars = new Map<string, Bars>([['000300', importFile(dailyFile('000300'), { code: '000300' }).bars]]);
const cfg = {
  target: '000300',
  channels: ['000300'],
  from: '2016-01-01',
  lookbackDays: 20,
  normWindowDays: 20,
};
const csv = readDailyCsv(dailyFile('000300'));
const at = new Map(csv.date.map((d, i) => [d, i] as const));
const cls = (r: number) => (r > 0.025 ? 2 : r < -0.01 ? 0 : 1);

describe("labelPrice 'next-open' in the dataset", () => {
  const open = buildDataset({ ...cfg, labelPrice: 'next-open' }, bars);
  const close = buildDataset(cfg, bars);

  it('labels open(t+1) -> open(t+1+H) and leaves the last H+1 dates unlabeled', () => {
    let unlabeled = 0;
    open.dates.forEach((d, i) => {
      const k = at.get(d)!;
      if (k + 1 + H >= csv.open.length) {
        unlabeled++;
        expect(open.labels[i]).toBe(-1);
        expect(open.labelKnownOn[i]).toBe('');
        return;
      }
      const r = csv.open[k + 1 + H] / csv.open[k + 1] - 1;
      expect(open.forwardReturns[i]).toBeCloseTo(r, 12);
      expect(open.labels[i]).toBe(cls(r));
      expect(open.labelKnownOn[i]).toBe(csv.date[k + 1 + H]);
    });
    expect(unlabeled).toBe(H + 1);
  });

  it('keeps the original close-to-close labels by default, known on day t+H', () => {
    expect(close.config.labelPrice).toBe('close');
    close.dates.forEach((d, i) => {
      const k = at.get(d)!;
      if (k + H >= csv.close.length) return expect(close.labels[i]).toBe(-1);
      expect(close.labels[i]).toBe(cls(csv.close[k + H] / csv.close[k] - 1));
      expect(close.labelKnownOn[i]).toBe(csv.date[k + H]);
    });
    // the two labels differ on a minority of dates, not on none (the test could fail either way)
    let differ = 0;
    let both = 0;
    close.dates.forEach((_, i) => {
      if (close.labels[i] < 0 || open.labels[i] < 0) return;
      both++;
      if (close.labels[i] !== open.labels[i]) differ++;
    });
    expect(differ / both).toBeGreaterThan(0.02);
    expect(differ / both).toBeLessThan(0.2);
  });

  it('no look-ahead: prices after day t+1+H do not move the label of t', () => {
    const b = bars.get('000300')!;
    const t = open.dates.indexOf('2019-06-03');
    const k = b.date.indexOf('2019-06-03');
    const scale = (a: Float64Array) => a.map((v, i) => (i > k + 1 + H ? v * 1.5 : v));
    const moved = new Map([
      [
        '000300',
        { ...b, open: scale(b.open), high: scale(b.high), low: scale(b.low), close: scale(b.close) },
      ],
    ]);
    const m = buildDataset({ ...cfg, labelPrice: 'next-open' }, moved);
    expect(m.labels.subarray(0, t + 1)).toEqual(open.labels.subarray(0, t + 1));
    expect(m.forwardReturns.subarray(0, t + 1)).toEqual(open.forwardReturns.subarray(0, t + 1));
    // and the change does reach later labels
    expect(Array.from(m.forwardReturns.subarray(t + 2, t + 40))).not.toEqual(
      Array.from(open.forwardReturns.subarray(t + 2, t + 40)),
    );
  });
});
