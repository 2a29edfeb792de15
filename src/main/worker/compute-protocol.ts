/**
 * Messages between main and the compute worker: a long-lived process that builds datasets, plans and saliency
 * maps so the main process (which answers every request of the window) never waits on them. Pure types.
 */
import type { AppStudyConfig, JobKind } from '../../shared/ipc-contract';
import type { DatasetConfig } from '../../shared/domain';
import type { FactorImageDto, PlanPreview, SaliencyDto, TimeEstimate } from '../../shared/ipc-contract';

/** Each task: its parameters and its answer. */
export interface ComputeTasks {
  image: {
    params: { dataDir: string; dataset: DatasetConfig; date?: string; withDates?: boolean; around?: number };
    result: FactorImageDto;
  };
  prepare: { params: { dataDir: string; dataset: DatasetConfig }; result: { samples: number } };
  plan: { params: { dataDir: string; kind: JobKind; config: AppStudyConfig }; result: PlanPreview };
  estimate: {
    params: { dataDir: string; kind: JobKind; config: AppStudyConfig; busy: boolean };
    result: TimeEstimate;
  };
  saliency: {
    params: { dataDir: string; runsDir: string; runId: string; date: string };
    result: SaliencyDto;
  };
}

export type TaskName = keyof ComputeTasks;

export type ToCompute = { type: 'task'; id: number; task: TaskName; params: unknown };

export type FromCompute =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string };
