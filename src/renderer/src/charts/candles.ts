/** Candlestick + volume chart of one index with zoom. Pure option builder. */
import type { BarsDto } from '../../../shared/ipc-contract';
import type { Palette } from './colors';

/** Start of the zoom window as a percentage so that roughly the last `visibleBars` bars show. */
export function zoomStart(total: number, visibleBars: number): number {
  if (total <= visibleBars) return 0;
  return Math.round((1 - visibleBars / total) * 1000) / 10;
}

/** Words of the candlestick tooltip, in the UI's language. */
export interface CandleNames {
  open: string;
  close: string;
  high: string;
  low: string;
  volume: string;
}

const ENGLISH: CandleNames = { open: 'Open', close: 'Close', high: 'High', low: 'Low', volume: 'Volume' };

/** Tooltip of bar i: its stamp, open, high, low, close and volume, named in the UI's language. */
export function candleTooltip(
  bars: BarsDto,
  i: number,
  names: CandleNames = ENGLISH,
  formatVolume: (v: number) => string = (v) => v.toLocaleString('en-US'),
): string {
  const f = (v: number) => v.toFixed(2);
  return [
    `<b>${bars.time[i]}</b>`,
    `${names.open}: ${f(bars.open[i])}`,
    `${names.high}: ${f(bars.high[i])}`,
    `${names.low}: ${f(bars.low[i])}`,
    `${names.close}: ${f(bars.close[i])}`,
    `${names.volume}: ${formatVolume(bars.volume[i])}`,
  ].join('<br/>');
}

export function candleOption(
  bars: BarsDto,
  p: Palette,
  opts: {
    name: string;
    visibleBars?: number;
    names?: CandleNames;
    formatVolume?: (v: number) => string;
  } = { name: '' },
): Record<string, unknown> {
  // echarts candlestick data order is [open, close, low, high]
  const ohlc = bars.time.map((_, i) => [bars.open[i], bars.close[i], bars.low[i], bars.high[i]]);
  const vol = bars.time.map((_, i) => ({
    value: bars.volume[i],
    itemStyle: { color: bars.close[i] >= bars.open[i] ? p.up : p.down },
  }));
  const start = zoomStart(bars.time.length, opts.visibleBars ?? 250);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    title: { text: opts.name, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600, color: p.text } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'cross' },
      formatter: (ps: { dataIndex: number }[]) =>
        ps.length ? candleTooltip(bars, ps[0].dataIndex, opts.names, opts.formatVolume) : '',
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: [
      { left: 64, right: 24, top: 36, height: '58%' },
      { left: 64, right: 24, top: '74%', height: '14%' },
    ],
    xAxis: [
      {
        type: 'category',
        data: bars.time,
        boundaryGap: true,
        axisLine: { lineStyle: { color: p.grid } },
        axisLabel: { color: p.muted },
      },
      {
        type: 'category',
        gridIndex: 1,
        data: bars.time,
        boundaryGap: true,
        axisLabel: { show: false },
        axisTick: { show: false },
      },
    ],
    yAxis: [
      { scale: true, splitLine: { lineStyle: { color: p.grid } }, axisLabel: { color: p.muted } },
      { scale: true, gridIndex: 1, splitNumber: 2, axisLabel: { show: false }, splitLine: { show: false } },
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: [0, 1], start, end: 100 },
      { type: 'slider', xAxisIndex: [0, 1], start, end: 100, bottom: 8, height: 20 },
    ],
    series: [
      {
        name: opts.name || bars.code,
        type: 'candlestick',
        data: ohlc,
        itemStyle: { color: p.up, color0: p.down, borderColor: p.up, borderColor0: p.down },
      },
      {
        name: opts.names?.volume ?? 'volume',
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: vol,
        large: true,
      },
    ],
  };
}
