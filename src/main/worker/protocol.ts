/** Messages between main (the job service) and the training worker process. Pure types. */
import type {
  AppStudyConfig,
  JobEpoch,
  JobKind,
  JobStep,
  SignalDto,
  StudyJobProgress,
} from '../../shared/ipc-contract';
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

export type ToWorker =
  | { type: 'start'; job: WorkerJob }
  | { type: 'cancel' }
  /** A short task outside the job queue: today's signal of a finished run on the data folder. */
  | { type: 'signal'; runDir: string; dataDir: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'run'; runId: string; runDir: string }
  /** The epochs already in the folder (a resumed run or study), sent once before training starts. */
  | { type: 'history'; history: JobEpoch[] }
  | { type: 'progress'; progress: TrainProgress }
  /** `fold`: the study's fold training the epoch belongs to. */
  | { type: 'epoch'; metrics: EpochMetrics; fold?: string }
  | { type: 'step'; step: JobStep }
  | { type: 'study'; study: StudyJobProgress }
  | { type: 'log'; line: string }
  | { type: 'backend'; name: string }
  | { type: 'signal'; signal: SignalDto }
  | { type: 'done'; cancelled: boolean }
  | { type: 'error'; message: string };
