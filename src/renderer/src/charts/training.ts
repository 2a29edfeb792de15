/** Loss and accuracy curves of a training run (per epoch, plus the live batch trace). Pure. */
import type { EpochMetrics, TrainProgress } from '../../../shared/training';
import type { Palette } from './colors';

export interface LivePoint {
  /** Fractional epoch: epoch - 1 + batch / batches. */
  x: number;
  loss: number;
  accuracy: number;
}

/** Position of a progress event on the epoch axis. */
export function liveX(p: TrainProgress): number {
  return p.epoch - 1 + (p.batches > 0 ? p.batch / p.batches : 0);
}

export function curvesOption(
  history: EpochMetrics[],
  live: LivePoint[],
  p: Palette,
  names: { loss: string; valLoss: string; acc: string; valAcc: string; batchLoss: string; epoch: string },
  /** Planned epochs: fixes the x axis so the curves grow into it instead of rescaling. */
  epochs?: number,
): Record<string, unknown> {
  const ep = (f: (m: EpochMetrics) => number | undefined) =>
    history.filter((m) => f(m) !== undefined && Number.isFinite(f(m)!)).map((m) => [m.epoch, f(m)!]);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    legend: { top: 2, textStyle: { color: p.text } },
    tooltip: { trigger: 'axis' },
    grid: [
      { left: 56, right: 16, top: 36, height: '34%' },
      { left: 56, right: 16, top: '58%', height: '30%' },
    ],
    xAxis: [
      {
        type: 'value',
        min: 0,
        max: epochs,
        axisLabel: { color: p.muted },
        splitLine: { lineStyle: { color: p.grid } },
      },
      {
        type: 'value',
        min: 0,
        max: epochs,
        gridIndex: 1,
        name: names.epoch,
        nameLocation: 'middle',
        nameGap: 24,
        axisLabel: { color: p.muted },
        splitLine: { lineStyle: { color: p.grid } },
      },
    ],
    yAxis: [
      {
        type: 'value',
        scale: true,
        name: 'loss',
        axisLabel: { color: p.muted },
        splitLine: { lineStyle: { color: p.grid } },
      },
      {
        type: 'value',
        min: 0,
        max: 1,
        gridIndex: 1,
        name: 'acc',
        axisLabel: { color: p.muted, formatter: (v: number) => `${Math.round(v * 100)}%` },
        splitLine: { lineStyle: { color: p.grid } },
      },
    ],
    series: [
      {
        name: names.batchLoss,
        type: 'line',
        data: live.map((l) => [l.x, l.loss]),
        showSymbol: false,
        lineStyle: { width: 1, opacity: 0.5, color: p.series[1] },
        itemStyle: { color: p.series[1] },
      },
      {
        name: names.loss,
        type: 'line',
        data: ep((m) => m.loss),
        symbolSize: 6,
        lineStyle: { color: p.series[0], width: 2 },
        itemStyle: { color: p.series[0] },
      },
      {
        name: names.valLoss,
        type: 'line',
        data: ep((m) => m.valLoss),
        symbolSize: 6,
        lineStyle: { color: p.series[2], width: 2, type: 'dashed' },
        itemStyle: { color: p.series[2] },
      },
      {
        name: names.acc,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: ep((m) => m.accuracy),
        symbolSize: 6,
        lineStyle: { color: p.series[0], width: 2 },
        itemStyle: { color: p.series[0] },
      },
      {
        name: names.valAcc,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: ep((m) => m.valAccuracy),
        symbolSize: 6,
        lineStyle: { color: p.series[2], width: 2, type: 'dashed' },
        itemStyle: { color: p.series[2] },
      },
    ],
  };
}
