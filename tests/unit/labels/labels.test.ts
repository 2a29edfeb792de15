import { describe, expect, it } from 'vitest';
import {
  classify,
  countClasses,
  forwardReturns,
  labelKnownAfterDays,
  labelSeries,
  tradableForwardReturns,
  validateThresholds,
} from '../../../src/main/training/labels/labels';
import { importFile } from '../../../src/main/training/data/import';
import { main } from '../../../src/cli/index';
import { dailyDir, dailyFile } from '../../helpers/data';
import { readDailyCsv } from '../../helpers/csv';

describe('labels', () => {
  it('forward returns and classes by hand', () => {
    const close = [100, 101, 103, 99, 98.5];
    const r = forwardReturns(close, 2);
    expect(r[0]).toBeCloseTo(0.03, 12); // 103/100-1
    expect(r[1]).toBeCloseTo(99 / 101 - 1, 12);
    expect(r[2]).toBeCloseTo(98.5 / 103 - 1, 12);
    expect(Number.isNaN(r[3]) && Number.isNaN(r[4])).toBe(true);
    const { labels } = labelSeries(close, 2, 0.025, -0.01);
    // +3 % up; -1.98 % down; -4.37 % down; last two unlabeled (never flat)
    expect(Array.from(labels)).toEqual([2, 0, 0, -1, -1]);
    expect(classify(0.025, 0.025, -0.01)).toBe(1); // boundaries are strict: exactly +2.5 % is flat
    expect(classify(-0.01, 0.025, -0.01)).toBe(1);
    expect(classify(0.0250001, 0.025, -0.01)).toBe(2);
    expect(countClasses(labels)).toEqual({ down: 2, flat: 0, up: 1, unlabeled: 2 });
  });

  it("'next-open' labels by hand: open(t+1) -> open(t+1+H), the last H+1 dates unlabeled", () => {
    const open = [100, 102, 101, 104, 99];
    const close = [101, 101, 103, 100, 98];
    const r = tradableForwardReturns(open, 2);
    expect(r[0]).toBeCloseTo(104 / 102 - 1, 15); // bought at the open of t+1 = 102, sold at the open of t+3
    expect(r[1]).toBeCloseTo(99 / 101 - 1, 15);
    expect([r[2], r[3], r[4]].every(Number.isNaN)).toBe(true);
    const { labels } = labelSeries(close, 2, 0.015, -0.01, { labelPrice: 'next-open', open });
    expect(Array.from(labels)).toEqual([2, 0, -1, -1, -1]); // +1.96 % up, -1.98 % down
    expect(labelKnownAfterDays(2, 'next-open')).toBe(3);
    expect(labelKnownAfterDays(2)).toBe(2);
    expect(() => labelSeries(close, 2, 0.015, -0.01, { labelPrice: 'next-open' })).toThrow(
      /labelPrice.*opens/,
    );
  });

  it("no look-ahead in 'next-open' labels: the label of t moves with open(t+1+H) and with nothing after it", () => {
    const open = [10, 11, 12, 13, 14, 15, 16, 17];
    const base = tradableForwardReturns(open, 3);
    const later = open.map((v, i) => (i > 4 ? v * 2 : v)); // every price after open(0 + 1 + 3 = 4)
    expect(tradableForwardReturns(later, 3)[0]).toBe(base[0]);
    const atEnd = open.map((v, i) => (i === 4 ? v * 2 : v));
    expect(tradableForwardReturns(atEnd, 3)[0]).not.toBe(base[0]);
  });

  it('on the real CSI 300, 7.9 % of the 2016-01-04..2023-12-11 labels change class from the tradable price', () => {
    // the review of issue 11 measured 7.9 % independently; this recounts it through labelSeries
    const b = importFile(dailyFile('000300'), { code: '000300' }).bars;
    const a = labelSeries(b.close, 14, 0.025, -0.01).labels;
    const o = labelSeries(b.close, 14, 0.025, -0.01, { labelPrice: 'next-open', open: b.open }).labels;
    let n = 0;
    let changed = 0;
    for (let i = 0; i < a.length; i++) {
      if (b.date[i] < '2016-01-04' || b.date[i] > '2023-12-11' || a[i] < 0 || o[i] < 0) continue;
      n++;
      if (a[i] !== o[i]) changed++;
    }
    expect(n).toBe(1930);
    expect(changed / n).toBeCloseTo(0.079, 3);
  });

  it('refuses thresholds that cannot make three classes, naming the field', () => {
    expect(() => validateThresholds(0.01, 0.01)).toThrow(/downThreshold.*below upThreshold/);
    expect(() => validateThresholds(0.01, 0.02)).toThrow(/downThreshold/);
    expect(() => validateThresholds(2.5, -0.01)).toThrow(/upThreshold.*fraction/);
    expect(() => validateThresholds(Number.NaN, -0.01)).toThrow(/upThreshold/);
    expect(() => validateThresholds(0.025, -0.01, 0)).toThrow(/horizonDays/);
    expect(() => validateThresholds(0.025, -0.01, 14)).not.toThrow();
  });

  it('CLI `labels --json` counts equal counts computed directly from the close column', async () => {
    const csv = readDailyCsv(dailyFile('000300'));
    const H = 14;
    const expected = { down: 0, flat: 0, up: 0, unlabeled: 0 };
    for (let i = 0; i < csv.close.length; i++) {
      if (csv.date[i] < '2010-06-01') continue;
      if (i + H >= csv.close.length) {
        expected.unlabeled++;
        continue;
      }
      const ret = (csv.close[i + H] - csv.close[i]) / csv.close[i];
      if (ret > 0.025) expected.up++;
      else if (ret < -0.01) expected.down++;
      else expected.flat++;
    }
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      const code = await main([
        'labels',
        '--data',
        dailyDir(),
        '--target',
        '000300',
        '--horizon',
        '14',
        '--up',
        '0.025',
        '--down',
        '-0.01',
        '--from',
        '2010-06-01',
        '--json',
      ]);
      expect(code).toBe(0);
    } finally {
      console.log = orig;
    }
    expect(JSON.parse(lines.join(''))).toEqual(expected);
    expect(expected.unlabeled).toBe(14);
    expect(expected.down + expected.flat + expected.up).toBe(3302 - 14);
  });

  it('CLI refuses down >= up with a clear message', async () => {
    const errs: string[] = [];
    const orig = console.error;
    console.error = (s: string) => errs.push(s);
    try {
      expect(await main(['labels', '--data', dailyDir(), '--up', '0.01', '--down', '0.02'])).toBe(1);
    } finally {
      console.error = orig;
    }
    expect(errs.join('\n')).toMatch(/downThreshold: must be below upThreshold/);
  });
});
