/** The target's close with each date's label as a coloured marker, and the class distribution. Pure. */
import type { ClassCounts } from '../../../shared/domain';
import type { LabelsDto } from '../../../shared/ipc-contract';
import { classColor, type Palette } from './colors';
import { zoomStart } from './candles';

/** Points [date, close] of each class, within from..to (inclusive). Unlabeled dates get none. */
export function labelPoints(l: LabelsDto, from?: string, to?: string): [string, number][][] {
  const out: [string, number][][] = [[], [], []];
  for (let i = 0; i < l.dates.length; i++) {
    const d = l.dates[i];
    if ((from && d < from) || (to && d > to)) continue;
    const c = l.labels[i];
    if (c >= 0) out[c].push([d, l.close[i]]);
  }
  return out;
}

export function labelChartOption(
  l: LabelsDto,
  p: Palette,
  names: { close: string; down: string; flat: string; up: string },
  range: { from?: string; to?: string } = {},
): Record<string, unknown> {
  const pts = labelPoints(l, range.from, range.to);
  const classNames = [names.down, names.flat, names.up];
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    legend: { top: 4, textStyle: { color: p.text } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 36, bottom: 56 },
    xAxis: { type: 'time', axisLabel: { color: p.muted }, axisLine: { lineStyle: { color: p.grid } } },
    yAxis: {
      type: 'value',
      scale: true,
      splitLine: { lineStyle: { color: p.grid } },
      axisLabel: { color: p.muted },
    },
    dataZoom: [
      { type: 'inside', start: zoomStart(l.dates.length, 500), end: 100 },
      { type: 'slider', start: zoomStart(l.dates.length, 500), end: 100, bottom: 8, height: 20 },
    ],
    series: [
      {
        name: names.close,
        type: 'line',
        data: l.dates.map((d, i) => [d, l.close[i]]),
        showSymbol: false,
        lineStyle: { width: 1.2, color: p.line },
        itemStyle: { color: p.line },
        z: 1,
      },
      ...pts.map((data, c) => ({
        name: classNames[c],
        type: 'scatter',
        data,
        symbolSize: 4,
        itemStyle: { color: classColor(p, c), opacity: 0.85 },
        large: true,
        z: 2,
      })),
    ],
  };
}

/** Horizontal bar of class shares (percent of labeled dates). */
export function distributionOption(
  c: ClassCounts,
  p: Palette,
  names: { down: string; flat: string; up: string },
): Record<string, unknown> {
  const total = c.down + c.flat + c.up || 1;
  const rows = [
    { name: names.down, value: c.down, color: p.down },
    { name: names.flat, value: c.flat, color: p.flat },
    { name: names.up, value: c.up, color: p.up },
  ];
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 56, right: 64, top: 8, bottom: 8 },
    xAxis: { type: 'value', max: 100, show: false },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisLabel: { color: p.text },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    series: [
      {
        type: 'bar',
        barWidth: 14,
        data: rows.map((r) => ({
          value: Math.round((r.value / total) * 1000) / 10,
          itemStyle: { color: r.color, borderRadius: 3 },
        })),
        label: { show: true, position: 'right', formatter: '{c} %', color: p.text },
      },
    ],
  };
}
