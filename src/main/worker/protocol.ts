/** Messages between main (the job service) and the training worker process. Pure types. */
import type { AppStudyConfig, JobKind } from '../../shared/ipc-contract';
import type { EpochMetrics, TrainProgress } from '../../shared/training';

/** One job: either a new run or study from the app's setup, or an existing run or study folder continued. */
export interface WorkerJob {
  kind: JobKind;
  config?: AppStudyConfig;
  dataDir: string;
  runsDir: string;
  /** Continue this run or study folder (made by the app or the CLI) instead of creating a new one. */
  resumeRunDir?: string;
}

export type ToWorker = { type: 'start'; job: WorkerJob } | { type: 'cancel' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'run'; runId: string; runDir: string }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'stage'; stage: string; fraction?: number }
  | { type: 'log'; line: string }
  | { type: 'backend'; name: string }
  | { type: 'done'; cancelled: boolean }
  | { type: 'error'; message: string };
