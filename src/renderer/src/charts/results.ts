/** Results charts: equity against buy-and-hold, drawdown, confusion matrix. Pure; they only read results. */
import type { PredictionRow } from '../../../shared/ipc-contract';
import type { Palette } from './colors';

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
} {
  const dates = rows.map((r) => r.date);
  const hasStudy = rows.length > 0 && rows.every((r) => r.equity !== undefined && Number.isFinite(r.equity));
  const hasBh = rows.length > 0 && rows.every((r) => r.buyHold !== undefined && Number.isFinite(r.buyHold));
  const c0 = rows[0]?.close;
  const buyHold = hasBh ? rows.map((r) => r.buyHold!) : rows.map((r) => r.close / c0);
  return { dates, strategy: hasStudy ? rows.map((r) => r.equity!) : null, buyHold };
}

export function equityOption(
  rows: PredictionRow[],
  p: Palette,
  names: { strategy: string; buyHold: string; drawdown: string },
): Record<string, unknown> {
  const { dates, strategy, buyHold } = equitySeries(rows);
  const dd = drawdown(strategy ?? buyHold);
  const ddBh = drawdown(buyHold);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    legend: { top: 2, textStyle: { color: p.text } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—') },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: [
      { left: 56, right: 16, top: 36, height: '50%' },
      { left: 56, right: 16, top: '72%', height: '18%' },
    ],
    xAxis: [
      { type: 'category', data: dates, axisLabel: { color: p.muted } },
      { type: 'category', data: dates, gridIndex: 1, axisLabel: { show: false } },
    ],
    yAxis: [
      {
        type: 'value',
        scale: true,
        axisLabel: { color: p.muted },
        splitLine: { lineStyle: { color: p.grid } },
      },
      {
        type: 'value',
        gridIndex: 1,
        max: 0,
        splitNumber: 2,
        axisLabel: { color: p.muted, formatter: (v: number) => `${Math.round(v * 100)}%` },
        splitLine: { lineStyle: { color: p.grid } },
      },
    ],
    series: [
      ...(strategy
        ? [
            {
              name: names.strategy,
              type: 'line',
              data: strategy,
              showSymbol: false,
              lineStyle: { color: p.accent, width: 1.8 },
              itemStyle: { color: p.accent },
            },
          ]
        : []),
      {
        name: names.buyHold,
        type: 'line',
        data: buyHold,
        showSymbol: false,
        lineStyle: { color: p.muted, width: 1.4 },
        itemStyle: { color: p.muted },
      },
      {
        name: names.drawdown,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: dd,
        showSymbol: false,
        areaStyle: { color: p.down, opacity: 0.25 },
        lineStyle: { color: p.down, width: 1 },
        itemStyle: { color: p.down },
      },
      ...(strategy
        ? [
            {
              name: `${names.drawdown} (${names.buyHold})`,
              type: 'line',
              xAxisIndex: 1,
              yAxisIndex: 1,
              data: ddBh,
              showSymbol: false,
              lineStyle: { color: p.muted, width: 1, type: 'dashed' },
              itemStyle: { color: p.muted },
            },
          ]
        : []),
    ],
  };
}

/** Confusion matrix cells [predicted x, actual y, count] with row shares for labels. */
export function confusionOption(
  m: number[][],
  p: Palette,
  names: { down: string; flat: string; up: string; actual: string; predicted: string },
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
      axisLabel: { color: p.text },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: cls,
      name: names.actual,
      nameLocation: 'middle',
      nameGap: 52,
      axisLabel: { color: p.text },
    },
    visualMap: { show: false, min: 0, max, inRange: { color: ['#f4f6fa', '#2f6fd6'] } },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          formatter: (prm: { value: [number, number, number] }) =>
            `${prm.value[2]}\n${Math.round((prm.value[2] / rowTotal[prm.value[1]]) * 100)}%`,
          color: p.text,
          lineHeight: 16,
        },
      },
    ],
  };
}
