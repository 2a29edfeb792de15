import { describe, expect, it } from 'vitest';
import {
  classify,
  countClasses,
  forwardReturns,
  labelSeries,
  validateThresholds,
} from '../../../src/main/training/labels/labels';
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
