/** Pure chart option builders and formatters of the renderer. */
import { describe, expect, it } from 'vitest';
import type { BarsDto, FactorImageDto, LabelsDto, PredictionRow } from '../../../src/shared/ipc-contract';
import { candleOption, zoomStart } from '../../../src/renderer/src/charts/candles';
import { classColor, defaultConvention, palette } from '../../../src/renderer/src/charts/colors';
import {
  blockMeans,
  cellOf,
  columnName,
  heatmapOption,
  imageCells,
  rowName,
  surfaceFactor,
  surfaceOption,
  symmetricRange,
  tooltipText,
} from '../../../src/renderer/src/charts/factor-image';
import { duration, num, pct, volume } from '../../../src/renderer/src/charts/format';
import { distributionOption, labelChartOption, labelPoints } from '../../../src/renderer/src/charts/labels';
import { confusionOption, drawdown, equitySeries } from '../../../src/renderer/src/charts/results';
import { curvesOption, liveX } from '../../../src/renderer/src/charts/training';
import { SAFE_TRY_CONVERT_EXPR } from '../../../build/csp-safe-claygl';

const red = palette('red-up');
const green = palette('green-up');
type Opt = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('colours', () => {
  it('red-up is the Chinese convention and the default for Chinese', () => {
    expect(red.up).toBe(green.down);
    expect(red.down).toBe(green.up);
    expect(red.up).toBe('#d9363e');
    expect(defaultConvention('zh-CN')).toBe('red-up');
    expect(defaultConvention('en-US')).toBe('green-up');
    expect([0, 1, 2].map((c) => classColor(red, c))).toEqual([red.down, red.flat, red.up]);
  });
});

describe('formatters', () => {
  it('formats fractions, numbers, volumes and durations', () => {
    expect(pct(0.025)).toBe('+2.50 %');
    expect(pct(-0.01, 1)).toBe('-1.0 %');
    expect(pct(0.4, 1, false)).toBe('40.0 %');
    expect(pct(null)).toBe('—');
    expect(num(1234567.891)).toBe('1,234,567.89');
    expect(volume(1.234e9, 'zh')).toBe('12.34亿');
    expect(volume(56_000, 'zh')).toBe('5.60万');
    expect(volume(1.234e9, 'en')).toBe('1.23B');
    expect(duration(3725)).toBe('1:02:05');
    expect(duration(65)).toBe('1:05');
    expect(duration(undefined)).toBe('—');
  });
});

describe('candles', () => {
  const bars: BarsDto = {
    code: '000300',
    barsPerDay: 1,
    time: ['2024-01-02', '2024-01-03'],
    open: [10, 11],
    high: [12, 12],
    low: [9, 10],
    close: [11, 10],
    volume: [100, 200],
  };
  it('orders OHLC as ECharts wants and colours volume by the day’s direction', () => {
    const o = candleOption(bars, red, { name: 'CSI 300' }) as Opt;
    expect(o.series[0].data).toEqual([
      [10, 11, 9, 12],
      [11, 10, 10, 12],
    ]);
    expect(o.series[1].data.map((d: Opt) => d.itemStyle.color)).toEqual([red.up, red.down]);
    expect(o.series[0].itemStyle.color).toBe(red.up);
    expect(o.dataZoom[0].xAxisIndex).toEqual([0, 1]);
  });
  it('zooms to about the last N bars', () => {
    expect(zoomStart(1000, 250)).toBe(75);
    expect(zoomStart(100, 250)).toBe(0);
  });
});

describe('labels chart', () => {
  const l: LabelsDto = {
    target: '000300',
    dates: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'],
    close: [1, 2, 3, 4],
    forward: [0.05, -0.02, 0, null],
    labels: [2, 0, 1, -1],
    counts: { down: 1, flat: 1, up: 1, unlabeled: 1 },
  };
  it('puts each labeled date in its class series and leaves unlabeled dates out', () => {
    expect(labelPoints(l)).toEqual([[['2024-01-02', 2]], [['2024-01-03', 3]], [['2024-01-01', 1]]]);
    expect(labelPoints(l, '2024-01-02', '2024-01-02')).toEqual([[['2024-01-02', 2]], [], []]);
    const o = labelChartOption(l, red, { close: 'Close', down: 'D', flat: 'F', up: 'U' }) as Opt;
    expect(o.series.map((s: Opt) => s.name)).toEqual(['Close', 'D', 'F', 'U']);
    expect(o.series[3].itemStyle.color).toBe(red.up);
  });
  it('shows class shares in percent of labeled dates', () => {
    const o = distributionOption({ down: 1, flat: 1, up: 2, unlabeled: 9 }, red, {
      down: 'D',
      flat: 'F',
      up: 'U',
    }) as Opt;
    expect(o.series[0].data.map((d: Opt) => d.value)).toEqual([25, 25, 50]);
  });
});

describe('factor image', () => {
  const img: FactorImageDto = {
    date: '2024-01-05',
    dates: ['2024-01-05'],
    sampleIndex: 0,
    sampleCount: 1,
    channels: ['000300', '000001'],
    factorNames: ['ma5', 'rsi14', 'macd'],
    barTimes: ['2024-01-04', '2024-01-05'],
    height: 2,
    width: 3,
    values: [
      [0, 1, -2.5, 3, NaN, 0.5],
      [4.2, 0, 0, 0, 0, -1],
    ],
    label: 2,
    forwardReturn: 0.03,
  };
  it('lays cells out as [column, row, value], oldest row first, NaN as 0', () => {
    expect(imageCells(img, 0)).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, -2.5],
      [0, 1, 3],
      [1, 1, 0],
      [2, 1, 0.5],
    ]);
    expect(columnName(img, 1)).toBe('rsi14');
    expect(rowName(img, 1)).toBe('t');
    expect(rowName(img, 0)).toBe('t-1');
    expect(symmetricRange(img, 0)).toBe(3);
    expect(symmetricRange(img, 1)).toBe(4.2);
  });
  it('names columns by number when the layout is not time × factor', () => {
    expect(columnName({ ...img, width: 4 }, 2)).toBe('col 3');
  });
  it('names each cell by its own factor and its own bar, also in the square seed raster', () => {
    // 2 bars x 3 factors rastered into 3 x 2: value k is factor k % 3 of bar floor(k / 3)
    const seed = { ...img, height: 3, width: 2 };
    expect(cellOf(seed, 0, 0)).toEqual({ bar: 0, factor: 'ma5' });
    expect(cellOf(seed, 1, 1)).toEqual({ bar: 1, factor: 'ma5' });
    expect(cellOf(seed, 0, 1)).toEqual({ bar: 0, factor: 'macd' });
    expect(tooltipText(seed, 1, 2, 0.5)).toBe('Factor: macd<br/>Bar: 2024-01-05 (t)<br/>z = 0.500');
  });
  it('builds a heatmap with factor names and bar dates on titled axes and a symmetric colour range', () => {
    const o = heatmapOption(img, 0, red, 'CSI 300') as Opt;
    expect(o.xAxis.data).toEqual(['ma5', 'rsi14', 'macd']);
    expect(o.xAxis.name).toBe('Factor');
    expect(o.yAxis.name).toBe('Bar');
    // every factor labelled, none skipped
    expect(o.xAxis.axisLabel.interval).toBe(0);
    expect(o.yAxis.data).toEqual(['2024-01-04', '2024-01-05']);
    expect([o.visualMap[0].min, o.visualMap[0].max]).toEqual([-3, 3]);
    // each bar's own date, not the sample date
    expect(o.tooltip.formatter({ value: [2, 0, -2.5] })).toBe(
      'Factor: macd<br/>Bar: 2024-01-04 (t-1)<br/>z = -2.500',
    );
    expect(o.tooltip.formatter({ value: [0, 1, 3] })).toBe(
      'Factor: ma5<br/>Bar: 2024-01-05 (t)<br/>z = 3.000',
    );
  });
  it('draws a saliency map of the same shape as a second, see-through layer with its own colour bar', () => {
    const sal = {
      runId: 'r',
      date: '2024-01-05',
      height: 2,
      width: 3,
      values: [0, 0.1, -0.2, 0, 0, 0.05],
      classIndex: 2,
      probabilities: [0.2, 0.3, 0.5],
      patch: [1, 1] as [number, number],
      stride: [1, 1] as [number, number],
      dataset: {} as never,
    };
    const o = heatmapOption(img, 0, red, 'x', { saliency: sal }) as Opt;
    expect(o.series).toHaveLength(2);
    expect(o.series[1].data[2]).toEqual([2, 0, -0.2]);
    expect(o.visualMap[1]).toMatchObject({ seriesIndex: 1, min: -0.2, max: 0.2 });
    expect(o.tooltip.formatter({ value: [1, 0, 1] })).toContain('Δp = 0.1000');
  });
  it('averages k x k blocks for a surface too large to stay responsive', () => {
    expect(surfaceFactor(56, 56)).toBe(1);
    expect(surfaceFactor(224, 224)).toBe(4);
    const b = blockMeans([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3, 2);
    // blocks [1,2,4,5], [3,6], [7,8], [9]
    expect(b).toEqual({ h: 2, w: 2, values: [3, 4.5, 7.5, 9] });
  });
  it('builds an ECharts-GL surface in shaded or wireframe mode with the grid shape', () => {
    const shaded = surfaceOption(img, 1, red, 'shaded', 'x') as Opt;
    const wire = surfaceOption(img, 1, red, 'wireframe', 'x') as Opt;
    expect(shaded.series[0].type).toBe('surface');
    expect(shaded.series[0].dataShape).toEqual([2, 3]);
    expect(shaded.series[0].shading).toBe('lambert');
    expect(shaded.series[0].wireframe.show).toBe(false);
    expect(wire.series[0].wireframe.show).toBe(true);
    expect(wire.series[0].itemStyle.opacity).toBeLessThan(0.5);
    expect(shaded.xAxis3D.axisLabel.formatter(2)).toBe('macd');
    expect(shaded.xAxis3D.axisLabel.formatter(1.5)).toBe('');
    expect(shaded.zAxis3D.max).toBe(4.2);
    // the lowest z tick prints no label over the first factor name
    expect(shaded.zAxis3D.axisLabel.formatter(-4.2)).toBe('');
    expect(shaded.zAxis3D.axisLabel.formatter(2)).toBe('2');
    expect(wire.series[0].wireframe.lineStyle.color).toBe(red.text);
  });
});

describe('training curves', () => {
  it('places live batches on a fractional epoch axis and plots per-epoch metrics', () => {
    expect(
      liveX({
        epoch: 2,
        epochs: 3,
        batch: 4,
        batches: 8,
        loss: 1,
        accuracy: 0.5,
        samplesPerSecond: 1,
        etaSeconds: 1,
        backend: 'cpu',
        phase: 'train',
      }),
    ).toBe(1.5);
    const o = curvesOption(
      [
        {
          epoch: 1,
          loss: 1.1,
          accuracy: 0.3,
          valLoss: 1.0,
          valAccuracy: 0.35,
          learningRate: 0.001,
          seconds: 1,
        },
        { epoch: 2, loss: 1.0, accuracy: 0.4, learningRate: 0.001, seconds: 1 },
      ],
      [{ x: 0.5, loss: 1.2, accuracy: 0.3 }],
      red,
      { loss: 'L', valLoss: 'VL', acc: 'A', valAcc: 'VA', batchLoss: 'BL', epoch: 'E' },
    ) as Opt;
    const byName = Object.fromEntries(o.series.map((s: Opt) => [s.name, s.data]));
    expect(byName.L).toEqual([
      [1, 1.1],
      [2, 1.0],
    ]);
    expect(byName.VL).toEqual([[1, 1.0]]);
    expect(byName.BL).toEqual([[0.5, 1.2]]);
  });
});

describe('results', () => {
  it('computes drawdowns from the running peak', () => {
    expect(drawdown([1, 1.2, 0.9, 1.3, 1.04])).toEqual([0, 0, 0.9 / 1.2 - 1, 0, 1.04 / 1.3 - 1]);
  });
  const row = (date: string, close: number, extra: Partial<PredictionRow> = {}): PredictionRow => ({
    date,
    close,
    pDown: 0.2,
    pFlat: 0.3,
    pUp: 0.5,
    predicted: 2,
    actual: 2,
    forwardReturn: 0.03,
    ...extra,
  });
  it('uses the study’s equity columns when present, else rebuilds buy-and-hold from the close', () => {
    const plain = equitySeries([row('a', 100), row('b', 110), row('c', 99)]);
    expect(plain.strategy).toBeNull();
    expect(plain.buyHold).toEqual([1, 1.1, 0.99]);
    const study = equitySeries([
      row('a', 100, { equity: 1, buyHold: 1 }),
      row('b', 110, { equity: 1.05, buyHold: 1.1 }),
    ]);
    expect(study.strategy).toEqual([1, 1.05]);
    expect(study.buyHold).toEqual([1, 1.1]);
  });
  it('builds the confusion matrix as [predicted, actual, count] cells with row shares', () => {
    const m = [
      [5, 3, 2],
      [0, 4, 0],
      [1, 1, 8],
    ];
    const o = confusionOption(m, red, {
      down: 'D',
      flat: 'F',
      up: 'U',
      actual: 'act',
      predicted: 'pred',
    }) as Opt;
    expect(o.series[0].data).toHaveLength(9);
    expect(o.series[0].data).toContainEqual([1, 0, 3]);
    // a light cell (5 of 8 on the light ramp) gets dark text: rich style 'd'
    expect(o.series[0].label.formatter({ value: [0, 0, 5] })).toBe('{d|5}\n{d|50%}');
    expect(o.visualMap.max).toBe(8);
  });
});

describe('CSP-safe claygl size expressions', () => {
  const tryConvertExpr = new Function(`${SAFE_TRY_CONVERT_EXPR}; return tryConvertExpr;`)() as (
    s: string,
  ) => ((w: number, h: number, d: number) => unknown) | undefined;
  it('evaluates every form the ECharts-GL compositor uses like the original', () => {
    expect(tryConvertExpr('expr(width * 1.0 / 4)')!(800, 600, 2)).toBe(200);
    expect(tryConvertExpr('expr(height * 1.0)')!(800, 600, 2)).toBe(600);
    expect(tryConvertExpr('expr( [width * 1.0 / 16, height / 16] )')!(800, 640, 1)).toEqual([50, 40]);
    expect(tryConvertExpr('expr([width * 1.0 / 2, height / 2])')!(800, 600, 1)).toEqual([400, 300]);
    expect(tryConvertExpr('512')).toBeUndefined();
    expect(() => tryConvertExpr('expr(alert(1))')).toThrow(/Invalid expression/);
  });
});

describe('main bundle: duplicate require shim', () => {
  it('drops the shim only where the chunk declares its own require', async () => {
    const { dedupeRequire, SHIM_LINE } = await import('../../../build/dedupe-require-shim');
    const own = `import x from 'y';\n${SHIM_LINE}\nvar require = createRequire(import.meta.url);\nrequire('a');`;
    expect(dedupeRequire(own)).toBe(
      `import x from 'y';\n\nvar require = createRequire(import.meta.url);\nrequire('a');`,
    );
    expect(dedupeRequire(`${SHIM_LINE}\nrequire('a');`)).toBeNull();
    expect(dedupeRequire(`const requireX = 1;`)).toBeNull();
  });
});
