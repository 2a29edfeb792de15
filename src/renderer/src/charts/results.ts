/**
 * Results charts: equity against buy-and-hold with drawdowns (test blocks as separate segments, drawn by the same
 * builder as report.html: shared/study-charts.ts), confusion matrix, reliability diagram, importance bars. Pure;
 * they only read results.
 */
import type { PredictionRow } from '../../../shared/ipc-contract';
import {
  importanceOption,
  reliabilityOption,
  segmentedEquityOption,
  type ChartColors,
} from '../../../shared/study-charts';
import type { ReliabilityBinDto } from '../../../shared/study-statistics';
import type { EquityDto, ImportanceGroupDto } from '../../../shared/study-summary';
import type { Palette } from './colors';

/** The shared builders' colours from the app's palette. */
export function chartColors(p: Palette): ChartColors {
  return {
    text: p.text,
    muted: p.muted,
    grid: p.grid,
    series: [p.accent, ...p.series.slice(1)],
    down: p.down,
  };
}

/** Drawdown series (fraction <= 0) of an equity curve: equity / running peak - 1. */
export function drawdown(equity: number[]): number[] {
  let peak = -Infinity;
  return equity.map((e) => {
    if (!Number.isFinite(e)) return NaN;
    peak = Math.max(peak, e);
    return e / peak - 1;
  });
}

/**
 * Equity curves from prediction rows: the study's own columns when present; otherwise a plain illustration
 * (long the next H days when 'up' is predicted is not computable without daily prices), so buy-and-hold is
 * rebuilt from the target close and the strategy is left out.
 */
export function equitySeries(rows: PredictionRow[]): {
  dates: string[];
  strategy: number[] | null;
  buyHold: number[];
  segment: number[];
} {
  const dates = rows.map((r) => r.date);
  const hasStudy = rows.length > 0 && rows.every((r) => r.equity !== undefined && Number.isFinite(r.equity));
  const hasBh = rows.length > 0 && rows.every((r) => r.buyHold !== undefined && Number.isFinite(r.buyHold));
  const c0 = rows[0]?.close;
  const buyHold = hasBh ? rows.map((r) => r.buyHold!) : rows.map((r) => r.close / c0);
  return {
    dates,
    strategy: hasStudy ? rows.map((r) => r.equity!) : null,
    buyHold,
    segment: rows.map((r) => r.segment ?? 0),
  };
}

/** Equity of prediction rows (a training run's test block, or a study's rows with their segments). */
export function equityOption(
  rows: PredictionRow[],
  p: Palette,
  names: { strategy: string; buyHold: string; drawdown: string },
): Record<string, unknown> {
  const { dates, strategy, buyHold, segment } = equitySeries(rows);
  return segmentedEquityOption(
    {
      dates,
      segment,
      lines: [
        ...(strategy ? [{ name: names.strategy, equity: strategy, color: p.accent, width: 1.8 }] : []),
        { name: names.buyHold, equity: buyHold, color: p.muted, width: 1.4, dashed: !!strategy },
      ],
    },
    chartColors(p),
    { drawdown: names.drawdown },
  );
}

/** A study's equity from summary.json: the primary cell against buy-and-hold, every test block its own segment. */
export function studyEquityOption(
  eq: EquityDto,
  primary: string,
  p: Palette,
  names: { strategy: string; buyHold: string; drawdown: string },
): Record<string, unknown> {
  const cell = eq.series.find((s) => s.name === primary) ?? eq.series[0];
  return segmentedEquityOption(
    {
      dates: eq.dates,
      segment: eq.segment,
      lines: [
        { name: `${names.strategy} (${cell.name})`, equity: cell.equity, color: p.accent, width: 1.8 },
        { name: names.buyHold, equity: eq.buyHold, color: p.muted, width: 1.4, dashed: true },
      ],
    },
    chartColors(p),
    { drawdown: names.drawdown },
  );
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(c: string): number {
  const [r, g, b] = hex(c).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((u, v) => v - u);
  return (x + 0.05) / (y + 0.05);
}
/** The colour a value t in [0, 1] gets on a two-colour ramp (as ECharts' visualMap interpolates: per channel). */
export function ramp(from: string, to: string, t: number): string {
  const a = hex(from);
  const b = hex(to);
  return `#${a
    .map((v, i) =>
      Math.round(v + (b[i] - v) * Math.min(1, Math.max(0, t)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
const DARK_TEXT = '#111827';
const LIGHT_TEXT = '#ffffff';
/** Dark or light text, whichever reads better on `bg`. */
export function textOn(bg: string): string {
  return contrast(bg, DARK_TEXT) >= contrast(bg, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}

/** Ends of the confusion matrix's colour ramp: light cells on a light panel, dark ones on a dark panel. */
export const CONFUSION_RAMP = { light: ['#f4f6fa', '#2f6fd6'], dark: ['#1f2a3d', '#3b82f6'] } as const;

/**
 * Confusion matrix cells [predicted x, actual y, count] with row shares for labels; each label dark or light by
 * the colour of its own cell, so it reads in both themes.
 */
export function confusionOption(
  m: number[][],
  p: Palette,
  names: { down: string; flat: string; up: string; actual: string; predicted: string },
  dark = false,
): Record<string, unknown> {
  const cls = [names.down, names.flat, names.up];
  const data: [number, number, number][] = [];
  let max = 1;
  for (let a = 0; a < 3; a++)
    for (let q = 0; q < 3; q++) {
      data.push([q, a, m[a][q]]);
      max = Math.max(max, m[a][q]);
    }
  const rowTotal = m.map((r) => r.reduce((s, v) => s + v, 0) || 1);
  const [lo, hi] = dark ? CONFUSION_RAMP.dark : CONFUSION_RAMP.light;
  return {
    animation: false,
    backgroundColor: 'transparent',
    tooltip: {
      formatter: (prm: { value: [number, number, number] }) =>
        `${names.actual} ${cls[prm.value[1]]} → ${names.predicted} ${cls[prm.value[0]]}: ${prm.value[2]}`,
    },
    grid: { left: 72, right: 16, top: 16, bottom: 48 },
    xAxis: {
      type: 'category',
      data: cls,
      name: names.predicted,
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: { color: p.text },
      axisLabel: { color: p.text },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: cls,
      name: names.actual,
      nameLocation: 'middle',
      nameGap: 52,
      nameTextStyle: { color: p.text },
      axisLabel: { color: p.text },
    },
    visualMap: { show: false, min: 0, max, inRange: { color: [lo, hi] } },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          formatter: (prm: { value: [number, number, number] }) => {
            const style = textOn(ramp(lo, hi, prm.value[2] / max)) === DARK_TEXT ? 'd' : 'l';
            const share = Math.round((prm.value[2] / rowTotal[prm.value[1]]) * 100);
            return `{${style}|${prm.value[2]}}\n{${style}|${share}%}`;
          },
          rich: { d: { color: DARK_TEXT, lineHeight: 16 }, l: { color: LIGHT_TEXT, lineHeight: 16 } },
        },
      },
    ],
  };
}

/** The reliability diagram of the study's cells (top label, quantile bins). */
export function reliabilityChart(
  cells: { name: string; bins: ReliabilityBinDto[] }[],
  p: Palette,
  names: { forecast: string; observed: string; perfect: string },
): Record<string, unknown> {
  return reliabilityOption(cells, chartColors(p), names);
}

/** Importance bars with interval whiskers (log-loss increase). */
export function importanceChart(
  groups: ImportanceGroupDto[],
  p: Palette,
  names: { axis: string; channel: string; family: string; label: (g: ImportanceGroupDto) => string },
): Record<string, unknown> {
  return importanceOption(groups, 'logLossIncrease', chartColors(p), names);
}
