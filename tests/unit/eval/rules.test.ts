import { describe, expect, it } from 'vitest';
import {
  DOWN,
  FLAT,
  momentumClass,
  momentumClasses,
  pastReturn,
  trendClass,
  trendClasses,
  UP,
} from '../../../src/main/training/eval/rules';

describe('classical rules', () => {
  const close = [10, 11, 12, 13, 12, 9, 14];
  const dates = close.map((_, i) => `2020-01-0${i + 1}`);
  const bars = { date: dates, close: Float64Array.from(close) };

  it('past return by hand', () => {
    expect(pastReturn(close, 6, 2)).toBeCloseTo(14 / 12 - 1, 15);
    expect(pastReturn(close, 1, 2)).toBeNaN();
  });

  it('time-series momentum over 2 and 4 days by hand', () => {
    // t=6: 14/12 > 1 and 14/12 > 1 -> up; t=5: 9/13 < 1 and 9/11 < 1 -> down;
    // t=4: 12/12 = 1 (zero return) -> flat; t=3: no 4-day history -> flat
    expect([3, 4, 5, 6].map((t) => momentumClass(close, t, [2, 4]))).toEqual([FLAT, FLAT, DOWN, UP]);
    // disagreeing horizons: t=2 with horizons 1 (12 > 11) and 2 (12 > 10) -> up; t=4: 12 < 13 but 12 > 11 -> flat
    expect(momentumClass(close, 2, [1, 2])).toBe(UP);
    expect(momentumClass(close, 4, [1, 3])).toBe(FLAT);
    expect(Array.from(momentumClasses(bars, ['2020-01-06', '2020-01-07'], [2, 4]))).toEqual([DOWN, UP]);
  });

  it('3-day moving-average trend filter by hand', () => {
    // t=2: 12 > mean(10,11,12) = 11 -> up; t=5: 9 < mean(13,12,9) -> down; t=1: not enough history -> flat
    expect([1, 2, 5, 6].map((t) => trendClass(close, t, 3))).toEqual([FLAT, UP, DOWN, UP]);
    expect(Array.from(trendClasses(bars, ['2020-01-03', '2020-01-06'], 3))).toEqual([UP, DOWN]);
  });

  it('reads nothing after t: changing later closes changes no earlier class', () => {
    const later = { date: dates, close: Float64Array.from([10, 11, 12, 13, 12, 90, 1]) };
    expect(Array.from(trendClasses(later, dates.slice(0, 5), 3))).toEqual(
      Array.from(trendClasses(bars, dates.slice(0, 5), 3)),
    );
    expect(Array.from(momentumClasses(later, dates.slice(0, 5), [2, 4]))).toEqual(
      Array.from(momentumClasses(bars, dates.slice(0, 5), [2, 4])),
    );
  });

  it('refuses dates that are not bars and bad parameters, naming the field', () => {
    expect(() => trendClasses(bars, ['2021-01-01'], 3)).toThrow(/not a bar date/);
    expect(() => trendClasses(bars, dates, 0)).toThrow(/rules.trendWindowDays/);
    expect(() => momentumClasses(bars, dates, [])).toThrow(/rules.momentumHorizonsDays/);
  });
});
