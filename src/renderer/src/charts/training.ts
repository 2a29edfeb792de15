/**
 * Loss and accuracy curves of a training run or a study (per epoch, plus the live batch trace). Pure.
 *
 * A run's x axis is its epoch number. A study trains one model per cell x seed x fold; its x axis counts the
 * epochs trained over all those fold trainings in turn (1, 2, ... across folds), and each training's line is
 * drawn apart from the next (a gap between trainings), so the chart fills during the whole study.
 */
import type { JobEpoch, JobState } from '../../../shared/ipc-contract';
import type { EpochMetrics, TrainProgress } from '../../../shared/training';
import type { Palette } from './colors';

export interface LivePoint {
  /** Fractional position on the chart's x axis (a run: epoch - 1 + batch / batches). */
  x: number;
  loss: number;
  accuracy: number;
  /** The study's fold training the point belongs to. */
  fold?: string;
}

export interface CurveNames {
  loss: string;
  valLoss: string;
  acc: string;
  valAcc: string;
  batchLoss: string;
  /** The x axis: "Epoch" for a run, "Epochs trained, fold after fold" for a study. */
  epoch: string;
}

/** Position of a progress event on a run's epoch axis. */
export function liveX(p: TrainProgress): number {
  return p.epoch - 1 + (p.batches > 0 ? p.batch / p.batches : 0);
}

/**
 * The live point of a job's latest progress event, on the same x axis as its history: for a study, after the
 * epochs of every other fold training in the history. Undefined outside a training batch.
 */
export function livePointOf(
  job: Pick<JobState, 'kind' | 'progress' | 'study' | 'history'>,
): LivePoint | undefined {
  const p = job.progress;
  if (!p || p.phase !== 'train') return undefined;
  if (job.kind !== 'study') return { x: liveX(p), loss: p.loss, accuracy: p.accuracy };
  const fold = job.study?.training;
  if (!fold) return undefined;
  const before = job.history.filter((h) => h.fold !== fold).length;
  return { x: before + liveX(p), loss: p.loss, accuracy: p.accuracy, fold };
}

/** X of each history entry: a run's epoch number; a study's position in the history (1-based). */
export function historyX(history: JobEpoch[]): number[] {
  const study = history.some((h) => h.fold !== undefined);
  return history.map((h, k) => (study ? k + 1 : h.epoch));
}

type Point = [number, number | '-'];

/** [x, y] points of one metric, with a gap ('-') wherever the fold training changes. */
function seriesOf(history: JobEpoch[], xs: number[], f: (m: EpochMetrics) => number | undefined): Point[] {
  const out: Point[] = [];
  history.forEach((m, k) => {
    const y = f(m);
    if (y === undefined || !Number.isFinite(y)) return;
    if (k > 0 && history[k - 1].fold !== m.fold && out.length) out.push([xs[k] - 0.5, '-']);
    out.push([xs[k], y]);
  });
  return out;
}

function liveSeries(live: LivePoint[]): Point[] {
  const out: Point[] = [];
  live.forEach((l, k) => {
    if (k > 0 && live[k - 1].fold !== l.fold) out.push([l.x, '-']);
    out.push([l.x, l.loss]);
  });
  return out;
}

export function curvesOption(
  history: JobEpoch[],
  live: LivePoint[],
  p: Palette,
  names: CurveNames,
  /** Planned extent of the x axis (epochs; a study: trainings x epochs): the curves grow into it. */
  epochs?: number,
): Record<string, unknown> {
  const xs = historyX(history);
  const ep = (f: (m: EpochMetrics) => number | undefined) => seriesOf(history, xs, f);
  // axis names beside their axes, rotated, so they never meet the tick labels of the chart above
  const yName = (name: string) => ({
    name,
    nameLocation: 'middle',
    nameRotate: 90,
    nameGap: 46,
    nameTextStyle: { color: p.muted },
  });
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    legend: { top: 2, textStyle: { color: p.text } },
    tooltip: { trigger: 'axis' },
    grid: [
      { left: 64, right: 16, top: 36, height: '33%' },
      { left: 64, right: 16, top: '58%', height: '29%' },
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
        ...yName(names.loss),
        axisLabel: { color: p.muted },
        splitLine: { lineStyle: { color: p.grid } },
      },
      {
        type: 'value',
        min: 0,
        max: 1,
        gridIndex: 1,
        ...yName(names.acc),
        axisLabel: { color: p.muted, formatter: (v: number) => `${Math.round(v * 100)}%` },
        splitLine: { lineStyle: { color: p.grid } },
      },
    ],
    series: [
      {
        name: names.batchLoss,
        type: 'line',
        data: liveSeries(live),
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 1, opacity: 0.5, color: p.series[1] },
        itemStyle: { color: p.series[1] },
      },
      {
        name: names.loss,
        type: 'line',
        data: ep((m) => m.loss),
        symbolSize: 6,
        connectNulls: false,
        lineStyle: { color: p.series[0], width: 2 },
        itemStyle: { color: p.series[0] },
      },
      {
        name: names.valLoss,
        type: 'line',
        data: ep((m) => m.valLoss),
        symbolSize: 6,
        connectNulls: false,
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
        connectNulls: false,
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
        connectNulls: false,
        lineStyle: { color: p.series[2], width: 2, type: 'dashed' },
        itemStyle: { color: p.series[2] },
      },
    ],
  };
}
