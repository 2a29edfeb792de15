/** The one-image heatmap (renderer charts/raster.ts): its colour scale and pixel order, by hand. */
import { describe, expect, it } from 'vitest';
import {
  parseColor,
  rampColor,
  rasterPixels,
  rasterRenderItem,
} from '../../../src/renderer/src/charts/raster';
import {
  heatmapOption,
  SALIENCY_COLORS,
  ZSCORE_COLORS,
  ZSCORE_STOPS,
} from '../../../src/renderer/src/charts/factor-image';
import { palette } from '../../../src/renderer/src/charts/colors';

const BW = [parseColor('#000000'), parseColor('#ffffff')];

describe('colour scale', () => {
  it('reads hex and rgba colours', () => {
    expect(parseColor('#2c5aa0')).toEqual([44, 90, 160, 255]);
    expect(parseColor('rgba(10, 20, 30, 0.5)')).toEqual([10, 20, 30, 128]);
    expect(parseColor('rgb(1,2,3)')).toEqual([1, 2, 3, 255]);
    expect(() => parseColor('red')).toThrow(/not a colour/);
  });

  it('runs linearly from -range to +range, clamps beyond, and puts a missing value in the middle', () => {
    expect(rampColor(BW, -2, 2)).toEqual([0, 0, 0, 255]);
    expect(rampColor(BW, 2, 2)).toEqual([255, 255, 255, 255]);
    expect(rampColor(BW, 0, 2)).toEqual([128, 128, 128, 255]); // 127.5 rounded
    expect(rampColor(BW, 1, 2)).toEqual([191, 191, 191, 255]); // 0.75 * 255 = 191.25
    expect(rampColor(BW, 9, 2)).toEqual([255, 255, 255, 255]);
    expect(rampColor(BW, NaN, 2)).toEqual([128, 128, 128, 255]);
    // five stops: z = 0 is the middle stop exactly, z = range / 2 the fourth
    expect(rampColor(ZSCORE_STOPS, 0, 3)).toEqual([0xf7, 0xf7, 0xf7, 255]);
    expect(rampColor(ZSCORE_STOPS, 1.5, 3)).toEqual([0xf4, 0xa5, 0x82, 255]);
    expect(rampColor(ZSCORE_STOPS, -3, 3)).toEqual([0x2c, 0x5a, 0xa0, 255]);
    // the saliency scale is see-through at zero
    expect(rampColor(SALIENCY_COLORS.map(parseColor), 0, 1)[3]).toBe(0);
  });

  it('paints the top row first (row 0 is the bottom row of the chart)', () => {
    // 2 rows x 3 columns: row 0 = [-1, 0, 1], row 1 = [1, 1, -1]
    const px = rasterPixels([-1, 0, 1, 1, 1, -1], 2, 3, BW, 1);
    const at = (k: number) => Array.from(px.subarray(k * 4, k * 4 + 4));
    expect([0, 1, 2].map(at)).toEqual([
      [255, 255, 255, 255],
      [255, 255, 255, 255],
      [0, 0, 0, 255],
    ]);
    expect([3, 4, 5].map(at)).toEqual([
      [0, 0, 0, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
    ]);
  });

  it('draws nothing for any item but the first (one element for the whole grid)', () => {
    const render = rasterRenderItem([0, 1], 1, 2, ZSCORE_COLORS, 1);
    const api = { coord: () => [0, 0], size: () => [1, 1] };
    expect(render({ dataIndex: 1 }, api)).toBeNull();
  });
});

describe('the heatmap option', () => {
  it('keeps one data item per cell for the tooltip and draws them as one custom series', () => {
    const img = {
      date: '2024-01-05',
      sampleIndex: 0,
      channels: ['000300'],
      height: 2,
      width: 3,
      values: [[0, 1, 2, 3, 4, 5]],
      factorNames: ['a', 'b', 'c'],
      barTimes: ['2024-01-04', '2024-01-05'],
      layout: 'time-factor',
      label: -1,
    };
    const o = heatmapOption(img as never, 0, palette('red-up'), 't') as {
      series: { type: string; data: unknown[]; silent: boolean }[];
      tooltip: { triggerOn: string };
      visualMap: { inRange: { color: string[] } }[];
    };
    expect(o.series).toHaveLength(1);
    expect(o.series[0].type).toBe('custom');
    expect(o.series[0].data).toHaveLength(6);
    expect(o.series[0].data[4]).toEqual([1, 1, 4]);
    expect(o.series[0].silent).toBe(true);
    // the tooltip is shown by data index from the pointer's cell (EChart.vue cellTip), not by a hit test
    expect(o.tooltip.triggerOn).toBe('none');
    // the colour bar and the image use the same scale
    expect(o.visualMap[0].inRange.color).toEqual(ZSCORE_COLORS);
  });
});
