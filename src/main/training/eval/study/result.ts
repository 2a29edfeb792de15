/**
 * What a study returns and reports: the result types, apart from the code that computes them, so the report
 * writers and readers depend on these types only (never on runStudy).
 */
import type { Bars, ImageLayout } from '../../../../shared/domain';
import type { EpochMetrics, TrainProgress } from '../../../../shared/training';
import type { BackendInfo } from '../../train/backend-info';
import type { BacktestResult } from '../backtest';
import type { Interval } from '../bootstrap';
import type { ClassMetrics } from '../metrics';
import type { Fold } from '../splits';
import type { Stats } from '../stats';
import type { StudyConfig } from '../study-config';

export interface StudyProgress {
  /** Fold trainings finished (computed or read from the cache) and in total. */
  done: number;
  total: number;
  cached: number;
  /** Key of the fold this event is about. */
  key: string;
  /** 'cached': read from the fold cache; 'training': being trained; 'trained': just finished training. */
  phase: 'cached' | 'training' | 'trained';
  epoch?: number;
  epochs?: number;
  /** Seconds, estimated from the folds computed in this session. */
  etaSeconds: number;
  elapsedSeconds: number;
  message: string;
  /** The trainer's last progress event of the fold being trained (batch loss, accuracy, samples/s). */
  train?: TrainProgress;
}

export interface StudyHooks {
  onProgress?: (p: StudyProgress) => void;
  /** After each epoch of a fold training, with the fold's key (`cell_sSeed_fIndex`). */
  onEpoch?: (key: string, m: EpochMetrics) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Directory of the index files (default: resolveDataDir()). Ignored when `bars` is given. */
  dataDir?: string;
  /** Bars by index code instead of files (tests). */
  bars?: Map<string, Bars>;
  /** The backend the entry point selected, recorded in summary.json. */
  backend?: BackendInfo;
}

export type MetricName = 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'logLoss';
export const METRIC_NAMES: MetricName[] = ['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss'];

export interface FoldRecord {
  key: string;
  cell: string;
  seed: number;
  fold: number;
  testStart: string;
  testEnd: string;
  trainCount: number;
  valCount: number;
  testCount: number;
  epochs: number;
  bestEpoch?: number;
  stoppedEarly: boolean;
  seconds: number;
  backend: string;
  /** Accuracy of this seed's predictions on the fold's labeled test dates (fraction). */
  accuracy: number;
  cached: boolean;
}

export interface CellResult {
  key: string;
  channels: string[];
  layout: ImageLayout;
  imageShape: number[];
  /** Per seed: probabilities over the study rows (rows x 3) and metrics on the labeled rows. */
  perSeed: { seed: number; probs: Float64Array; metrics: ClassMetrics }[];
  /** Seed ensemble: mean probabilities, their argmax, metrics and bootstrap intervals. */
  probs: Float64Array;
  pred: Int8Array;
  metrics: ClassMetrics;
  ci: Record<MetricName, Interval>;
  seedMean: Record<MetricName, number>;
  seedStd: Record<MetricName, number>;
  backtest: BacktestResult;
  stats: Stats;
  /** Ensemble accuracy per fold (fraction). */
  foldAccuracy: { fold: number; testStart: string; testEnd: string; accuracy: number; n: number }[];
}

export interface BaselineResult {
  name: string;
  description: string;
  metrics: ClassMetrics;
  ci?: Record<MetricName, Interval>;
  stats?: Stats;
}

export interface AblationRow {
  key: string;
  channels: string[];
  layout: ImageLayout;
  /** Metric of this cell minus the reference cell's on the same dates, with a paired block-bootstrap interval. */
  diff: Record<MetricName, Interval>;
  /** Whether the balanced-accuracy difference interval lies wholly above / below zero. */
  verdict: 'better' | 'worse' | 'no-difference';
}

export interface StudyResult {
  config: StudyConfig;
  outDir: string;
  /** Study rows: every test date of every fold, then the unlabeled dates predicted for output only. */
  dates: string[];
  labels: Int8Array;
  forwardReturns: Float64Array;
  targetClose: Float64Array;
  folds: Fold[];
  /** Fold of each row. */
  rowFold: Int32Array;
  cells: CellResult[];
  primary: string;
  reference?: string;
  notes: string[];
  baselines: BaselineResult[];
  buyHold: Stats;
  ablation: AblationRow[];
  ablationSentence: string;
  headline: string;
  foldRecords: FoldRecord[];
  backend?: BackendInfo;
  data: { files: string[]; fingerprint: string; firstDate: string; lastDate: string; samples: number };
  versions: { app: string; tfjs: string; node: string };
  seconds: number;
  computedFolds: number;
  cachedFolds: number;
}
