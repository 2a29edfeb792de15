/**
 * ECharts option builders shared by report.html (rendered to SVG in Node) and the app's Results view (rendered in
 * the browser), so both draw a study the same way: equity per test block with the gaps between blocks drawn as
 * gaps (never one joined line), the reliability diagram, and the importance bars with their intervals. Plain
 * objects in, plain option objects out: no echarts import, no DOM.
 */
import type { ReliabilityBinDto } from './study-statistics';
import type { ImportanceGroupDto } from './study-summary';

export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  /** Colours of the series, in order. */
  series: string[];
  /** Drawdown area. */
  down: string;
}

export const REPORT_COLORS: ChartColors = {
  text: '#222222',
  muted: '#6b7585',
  grid: '#e6e9ef',
  series: ['#2f6fd6', '#e8871e', '#7b4fc9', '#13a3a8', '#c2417d', '#6b8e23'],
  down: '#d9363e',
};

/** What every study chart shares: no animation, the text colour, an optional centred title and the legend under it. */
function frame(c: ChartColors, title: string | undefined, legend: Record<string, unknown>) {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: c.text },
    title: title
      ? { text: title, left: 'center', top: 2, textStyle: { fontSize: 14, color: c.text } }
      : undefined,
    legend: { top: title ? 26 : 2, ...legend, textStyle: { color: c.text } },
  };
}

/** The top of the plot area below the title and legend. */
const plotTop = (title: string | undefined) => (title ? 62 : 40);

/** The category label of the gap between two test blocks. */
export const GAP_LABEL = '…';

/**
 * The x categories of segmented daily data: the dates of each segment, with one gap category (label GAP_LABEL)
 * between segments; `values` put onto them with null in every gap, so a line breaks there.
 */
export function segmentedAxis(
  dates: string[],
  segment: ArrayLike<number>,
): { categories: string[]; place: <T>(values: ArrayLike<T>) => (T | null)[]; gaps: [string, string][] } {
  const categories: string[] = [];
  const slot: number[] = [];
  const gaps: [string, string][] = [];
  for (let i = 0; i < dates.length; i++) {
    if (i > 0 && segment[i] !== segment[i - 1]) {
      categories.push(GAP_LABEL);
      gaps.push([dates[i - 1], dates[i]]);
    }
    slot.push(categories.length);
    categories.push(dates[i]);
  }
  return {
    categories,
    gaps,
    place<T>(values: ArrayLike<T>) {
      const out: (T | null)[] = new Array(categories.length).fill(null);
      for (let i = 0; i < values.length; i++) out[slot[i]] = values[i];
      return out;
    },
  };
}

/** Drawdown (fraction <= 0) of an equity curve: equity / running peak - 1. */
export function drawdownOf(equity: ArrayLike<number>): number[] {
  let peak = -Infinity;
  return Array.from(equity, (e) => {
    if (!Number.isFinite(e)) return NaN;
    peak = Math.max(peak, e);
    return e / peak - 1;
  });
}

export interface EquityLine {
  name: string;
  equity: ArrayLike<number>;
  color?: string;
  width?: number;
  dashed?: boolean;
}

/**
 * Equity lines over segmented dates (top grid) and the drawdown of the first and last line (bottom grid; the
 * last line is buy-and-hold by convention). Gaps between segments are shaded and left undrawn.
 */
export function segmentedEquityOption(
  input: { dates: string[]; segment: ArrayLike<number>; lines: EquityLine[] },
  c: ChartColors,
  names: { drawdown: string; title?: string },
): Record<string, unknown> {
  const ax = segmentedAxis(input.dates, input.segment);
  const r5 = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(5)) : null);
  const lines = input.lines.map((l, k) => ({
    name: l.name,
    type: 'line',
    data: ax.place(Array.from(l.equity, r5)),
    showSymbol: false,
    connectNulls: false,
    lineStyle: {
      color: l.color ?? c.series[k % c.series.length],
      width: l.width ?? 1.4,
      type: l.dashed ? 'dashed' : 'solid',
    },
    itemStyle: { color: l.color ?? c.series[k % c.series.length] },
    markArea:
      k === 0 && ax.gaps.length
        ? {
            silent: true,
            itemStyle: { color: c.grid, opacity: 0.6 },
            label: { show: false },
            data: ax.categories.flatMap((cat, i) =>
              cat === GAP_LABEL ? [[{ xAxis: i - 0.5 }, { xAxis: i + 0.5 }]] : [],
            ),
          }
        : undefined,
  }));
  const dd = [input.lines[0], input.lines[input.lines.length - 1]]
    .filter((l, i, a) => l && (i === 0 || l !== a[0]))
    .map((l, k) => ({
      name: `${names.drawdown}: ${l.name}`,
      type: 'line',
      xAxisIndex: 1,
      yAxisIndex: 1,
      data: ax.place(Array.from(drawdownOf(l.equity), r5)),
      showSymbol: false,
      connectNulls: false,
      lineStyle: { color: k === 0 ? c.down : c.muted, width: 1, type: k === 0 ? 'solid' : 'dashed' },
      itemStyle: { color: k === 0 ? c.down : c.muted },
      areaStyle: k === 0 ? { color: c.down, opacity: 0.2 } : undefined,
    }));
  return {
    ...frame(c, names.title, { type: 'scroll' }),
    tooltip: { trigger: 'axis' },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: [
      { left: 60, right: 20, top: plotTop(names.title), height: '52%' },
      { left: 60, right: 20, top: '76%', height: '16%' },
    ],
    xAxis: [
      { type: 'category', data: ax.categories, axisLabel: { color: c.muted, fontSize: 10 } },
      { type: 'category', data: ax.categories, gridIndex: 1, axisLabel: { show: false } },
    ],
    yAxis: [
      {
        type: 'value',
        scale: true,
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.grid } },
      },
      {
        type: 'value',
        gridIndex: 1,
        max: 0,
        splitNumber: 2,
        axisLabel: { color: c.muted, formatter: '{value}' },
        splitLine: { lineStyle: { color: c.grid } },
      },
    ],
    series: [...lines, ...dd],
  };
}

/** Top-label reliability diagram of one or more cells: mean forecast vs observed share right, with the diagonal. */
export function reliabilityOption(
  cells: { name: string; bins: ReliabilityBinDto[] }[],
  c: ChartColors,
  names: { forecast: string; observed: string; perfect: string; title?: string },
): Record<string, unknown> {
  const xs = cells.flatMap((x) => x.bins.map((b) => b.meanForecast)).filter((v): v is number => v !== null);
  const lo = xs.length ? Math.max(0, Math.floor(Math.min(...xs) * 20) / 20) : 0;
  const hi = xs.length ? Math.min(1, Math.ceil(Math.max(...xs) * 20) / 20) : 1;
  return {
    ...frame(c, names.title, { type: 'scroll' }),
    tooltip: { trigger: 'item' },
    grid: { left: 60, right: 20, top: plotTop(names.title), bottom: 50 },
    xAxis: {
      type: 'value',
      min: lo,
      max: hi,
      name: names.forecast,
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: { color: c.text },
      axisLabel: { color: c.muted },
      splitLine: { lineStyle: { color: c.grid } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: names.observed,
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: { color: c.text },
      axisLabel: { color: c.muted },
      splitLine: { lineStyle: { color: c.grid } },
    },
    series: [
      {
        name: names.perfect,
        type: 'line',
        data: [
          [lo, lo],
          [hi, hi],
        ],
        showSymbol: false,
        lineStyle: { color: c.muted, type: 'dashed', width: 1 },
        itemStyle: { color: c.muted },
      },
      ...cells.map((cell, k) => ({
        name: cell.name,
        type: 'line',
        data: cell.bins
          .filter((b) => b.meanForecast !== null && b.observed !== null)
          .map((b) => [Number(b.meanForecast!.toFixed(4)), Number(b.observed!.toFixed(4)), b.count]),
        symbolSize: 7,
        lineStyle: { color: c.series[k % c.series.length], width: 1.2 },
        itemStyle: { color: c.series[k % c.series.length] },
      })),
    ],
  };
}

/**
 * Permutation importance as horizontal bars (the estimate) with interval whiskers, one row per group, largest
 * first; `metric` picks the log-loss increase or the balanced-accuracy drop.
 */
export function importanceOption(
  groups: ImportanceGroupDto[],
  metric: 'logLossIncrease' | 'balancedAccuracyDrop',
  c: ChartColors,
  names: {
    axis: string;
    channel: string;
    family: string;
    title?: string;
    label?: (g: ImportanceGroupDto) => string;
  },
): Record<string, unknown> {
  const rows = [...groups].sort((a, b) => (a[metric].estimate ?? 0) - (b[metric].estimate ?? 0));
  const label = names.label ?? ((g: ImportanceGroupDto) => g.name);
  const scale = metric === 'balancedAccuracyDrop' ? 100 : 1;
  const v = (x: number | null) => (x === null ? null : Number((x * scale).toFixed(4)));
  return {
    ...frame(c, names.title, { data: [names.channel, names.family] }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 110, right: 30, top: plotTop(names.title), bottom: 44 },
    xAxis: {
      type: 'value',
      name: names.axis,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: c.text },
      axisLabel: { color: c.muted },
      splitLine: { lineStyle: { color: c.grid } },
    },
    yAxis: { type: 'category', data: rows.map(label), axisLabel: { color: c.text } },
    series: [
      {
        name: names.channel,
        type: 'bar',
        stack: 'kind',
        data: rows.map((g) => (g.kind === 'channel' ? v(g[metric].estimate) : null)),
        itemStyle: { color: c.series[0] },
        barWidth: 12,
      },
      {
        name: names.family,
        type: 'bar',
        stack: 'kind',
        data: rows.map((g) => (g.kind === 'factor-family' ? v(g[metric].estimate) : null)),
        itemStyle: { color: c.series[1] },
        barWidth: 12,
      },
      {
        // whiskers: one horizontal segment per row from lo to hi, drawn as a line broken between rows
        name: 'interval',
        type: 'line',
        data: rows.flatMap((g, i) => [
          [v(g[metric].lo), i],
          [v(g[metric].hi), i],
          [null, i],
        ]),
        yAxisIndex: 0,
        showSymbol: true,
        symbol: 'rect',
        symbolSize: [2, 10],
        connectNulls: false,
        lineStyle: { color: c.text, width: 1.2 },
        itemStyle: { color: c.text },
        tooltip: { show: false },
      },
    ],
  };
}
