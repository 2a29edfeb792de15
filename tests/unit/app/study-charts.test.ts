/**
 * The chart builders report.html and the Results view share (src/shared/study-charts.ts) and the Results view's
 * confusion colours: test blocks stay separate segments with a gap between them (never one joined line), the
 * drawdown runs from the running peak, the confusion labels keep WCAG AA contrast on their own cells in both themes.
 */
import { describe, expect, it } from 'vitest';
import {
  drawdownOf,
  GAP_LABEL,
  importanceOption,
  REPORT_COLORS,
  segmentedAxis,
  segmentedEquityOption,
} from '../../../src/shared/study-charts';
import {
  CONFUSION_RAMP,
  confusionOption,
  contrast,
  luminance,
  ramp,
  studyEquityOption,
  textOn,
} from '../../../src/renderer/src/charts/results';
import { palette } from '../../../src/renderer/src/charts/colors';

type Opt = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('segmented equity', () => {
  const dates = ['2020-01-02', '2020-01-03', '2020-03-02', '2020-03-03', '2020-03-04', '2020-06-01'];
  const segment = [0, 0, 1, 1, 1, 2];
  it('puts one gap category between segments and leaves it empty, so a line breaks there', () => {
    const ax = segmentedAxis(dates, segment);
    expect(ax.categories).toEqual([
      '2020-01-02',
      '2020-01-03',
      GAP_LABEL,
      '2020-03-02',
      '2020-03-03',
      '2020-03-04',
      GAP_LABEL,
      '2020-06-01',
    ]);
    expect(ax.gaps).toEqual([
      ['2020-01-03', '2020-03-02'],
      ['2020-03-04', '2020-06-01'],
    ]);
    expect(ax.place([1, 2, 3, 4, 5, 6])).toEqual([1, 2, null, 3, 4, 5, null, 6]);
  });
  it('draws every line with nulls in the gaps, never connected, and shades the gaps', () => {
    const o = segmentedEquityOption(
      {
        dates,
        segment,
        lines: [
          { name: 'cnn', equity: [1, 1.1, 1.1, 1.2, 0.9, 1] },
          { name: 'bh', equity: [1, 1, 1, 1, 1, 1] },
        ],
      },
      REPORT_COLORS,
      { drawdown: 'dd' },
    ) as Opt;
    const [cnn, bh, ddCnn, ddBh] = o.series;
    expect(cnn.data).toEqual([1, 1.1, null, 1.1, 1.2, 0.9, null, 1]);
    expect(bh.data).toEqual([1, 1, null, 1, 1, 1, null, 1]);
    for (const s of o.series) expect(s.connectNulls).toBe(false);
    expect(cnn.markArea.data).toEqual([
      [{ xAxis: 1.5 }, { xAxis: 2.5 }],
      [{ xAxis: 5.5 }, { xAxis: 6.5 }],
    ]);
    expect(ddCnn.data).toEqual([
      0,
      0,
      null,
      0,
      0,
      Number((0.9 / 1.2 - 1).toFixed(5)),
      null,
      Number((1 / 1.2 - 1).toFixed(5)),
    ]);
    expect(ddBh.name).toBe('dd: bh');
    expect(o.xAxis[0].data).toHaveLength(8);
  });
  it('one segment has no gap', () => {
    expect(segmentedAxis(['a', 'b'], [0, 0]).categories).toEqual(['a', 'b']);
    expect(drawdownOf([1, 2, 1, 3])).toEqual([0, 0, -0.5, 0]);
  });
  it('the Results view draws a study from summary.json with the same segments', () => {
    const o = studyEquityOption(
      {
        dates,
        segment,
        segments: [],
        buyHold: [1, 1, 1, 1, 1, 1],
        series: [{ name: 'A', kind: 'cell', equity: [1, 2, 3, 4, 5, 6] }],
      },
      'A',
      palette('green-up'),
      { strategy: 'S', buyHold: 'B', drawdown: 'D' },
    ) as Opt;
    expect(o.xAxis[0].data.filter((c: string) => c === GAP_LABEL)).toHaveLength(2);
    expect(o.series[0].name).toBe('S (A)');
  });
});

describe('importance bars', () => {
  it('sorts the groups by their estimate and draws each interval as its own whisker', () => {
    const iv = (e: number, lo: number, hi: number) => ({
      estimate: e,
      lo,
      hi,
      se: 0,
      level: 0.9,
      reps: 10,
      blockLength: 14,
    });
    const o = importanceOption(
      [
        {
          name: '000905',
          kind: 'channel',
          logLossIncrease: iv(0.02, 0.01, 0.03),
          balancedAccuracyDrop: iv(0, 0, 0),
        },
        {
          name: 'volume',
          kind: 'factor-family',
          logLossIncrease: iv(-0.01, -0.02, 0),
          balancedAccuracyDrop: iv(0, 0, 0),
        },
      ],
      'logLossIncrease',
      REPORT_COLORS,
      { axis: 'x', channel: 'c', family: 'f' },
    ) as Opt;
    expect(o.yAxis.data).toEqual(['volume', '000905']);
    expect(o.series[0].data).toEqual([null, 0.02]);
    expect(o.series[1].data).toEqual([-0.01, null]);
    expect(o.series[2].data).toEqual([
      [-0.02, 0],
      [0, 0],
      [null, 0],
      [0.01, 1],
      [0.03, 1],
      [null, 1],
    ]);
  });
});

describe('confusion matrix colours', () => {
  it('WCAG luminance and contrast as published (white on black 21:1, #777 on white 4.48:1)', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1, 12);
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(ramp('#000000', '#ffffff', 0.5)).toBe('#808080');
  });
  for (const dark of [false, true])
    it(`every label reads on its own cell in the ${dark ? 'dark' : 'light'} theme (contrast >= 4.5)`, () => {
      const m = [
        [40, 3, 0],
        [9, 20, 1],
        [5, 17, 33],
      ];
      const o = confusionOption(
        m,
        palette('red-up', dark),
        { down: 'D', flat: 'F', up: 'U', actual: 'a', predicted: 'p' },
        dark,
      ) as Opt;
      const [lo, hi] = dark ? CONFUSION_RAMP.dark : CONFUSION_RAMP.light;
      const rich = o.series[0].label.rich;
      for (const [q, a, v] of o.series[0].data as [number, number, number][]) {
        const bg = ramp(lo, hi, v / 40);
        const style = /^\{(\w)\|/.exec(o.series[0].label.formatter({ value: [q, a, v] }))![1];
        expect(contrast(rich[style].color, bg)).toBeGreaterThanOrEqual(4.5);
        expect(rich[style].color).toBe(textOn(bg));
      }
      // the theme's own text colour alone would not do: light text on the lightest light-theme cell
      expect(contrast(palette('red-up', true).text, CONFUSION_RAMP.light[0])).toBeLessThan(4.5);
    });
});
