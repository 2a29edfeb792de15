/**
 * What a study returns and reports: the result types, apart from the code that computes them, so the report
 * writers and readers depend on these types only (never on runStudy).
 */
import type { Bars, ImageLayout, LabelPrice } from '../../../../shared/domain';
import type { StudyImportance } from '../../../../shared/study-summary';
import type { StudyStatistics } from '../../../../shared/study-statistics';
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
  /** Bars by index code of a bar size's dataDir (as the config writes it) instead of its files (tests). */
  barsByDataDir?: Map<string, Map<string, Bars>>;
  /** The backend the entry point selected, recorded in summary.json. */
  backend?: BackendInfo;
  /**
   * Train only this share of the fold trainings, as one of `count` processes working on one study folder at once
   * (`factor-inception study --jobs`): those whose place in the cell x seed x fold order is `index` modulo `count`
   * (whole cell x seed chains when folds warm-start). The others are neither read nor trained.
   */
  shard?: Shard;
}

export interface Shard {
  index: number;
  count: number;
}

/** Whether the training unit at `ordinal` (a fold, or a cell x seed chain) belongs to the shard. */
export const inShard = (shard: Shard | undefined, ordinal: number) =>
  !shard || ordinal % shard.count === shard.index;

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
  /** Balanced accuracy of the same (computed from the predictions when the study is scored; not cached). */
  balancedAccuracy?: number;
  cached: boolean;
}

export interface CellResult {
  key: string;
  channels: string[];
  layout: ImageLayout;
  /** Bar size and model of a study that lists them (ablation.barSizes / ablation.models); absent otherwise. */
  barsPerDay?: number;
  model?: string;
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
  /** Ensemble accuracy and balanced accuracy per fold (fractions), on the fold's labeled test dates. */
  foldAccuracy: {
    fold: number;
    testStart: string;
    testEnd: string;
    accuracy: number;
    balancedAccuracy: number;
    n: number;
  }[];
}

export interface BaselineResult {
  /** Stable id (majority, persistence, random, momentum, trend, logistic, gbdt, or a custom one). */
  id: string;
  name: string;
  params?: Record<string, number | string>;
  description: string;
  /** The numbers in the description, for a translated one. */
  descriptionParams?: Record<string, number | string>;
  metrics: ClassMetrics;
  /** Dates resampled in circular blocks of the study's block length (one fit: no seed level). */
  ci?: Record<MetricName, Interval>;
  stats?: Stats;
  /** Class per study row (absent for the random draw, which has `rates`). */
  pred?: Int8Array;
  probs?: Float64Array;
  /** Per-row class rates of the random draw. */
  rates?: number[][];
  backtest?: BacktestResult;
  /** What each fold's fit chose (e.g. { l2: 1 } or { rounds: 42 }). */
  info?: Record<string, number | string>[];
}

/** The same predictions scored against the other label price (issue 11 item 6): how much the label choice matters. */
export interface LabelCheck {
  /** The label the models were trained and scored on, and the other one. */
  labelPrice: LabelPrice;
  otherPrice: LabelPrice;
  /** Labeled rows where both labels are known, and the share of them whose class differs. */
  rows: number;
  changed: number;
  /** Balanced accuracy of each model's predictions against the label it was trained on and the other one. */
  models: {
    key: string;
    kind: 'cell' | 'baseline';
    balancedAccuracy: number;
    otherBalancedAccuracy: number;
  }[];
  /** Why the default label is what it is (the report prints it). */
  note: string;
}

export interface AblationRow {
  key: string;
  channels: string[];
  layout: ImageLayout;
  /** Key of the cell it is compared with, when that is not the study's one reference (bar-size studies). */
  reference?: string;
  /**
   * Metric of this cell minus the reference cell's on the same dates: balanced accuracy two-level (seeds, then
   * blocks: the statistics' interval) in the channel ablation, the other metrics (and every metric of a bar-size
   * or model comparison) a paired block bootstrap of the seed ensembles.
   */
  diff: Record<MetricName, Interval>;
  /** Holm-adjusted over the family of overlay comparisons (statistics.ablation), two-sided at 1 - level. */
  verdict: 'better' | 'worse' | 'no-difference';
  pHolm?: number | null;
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
  /** Every statistic of the verdict (summary.json `statistics`). */
  statistics: StudyStatistics;
  /** The number of trials behind the DSR, and what they were. */
  trials: { total: number; cells: number; baselines: number; prior: number; text: string };
  /** Permutation importance of channels and factor families, when computed. */
  importance: StudyImportance | null;
  labelCheck: LabelCheck | null;
  /** Where the verdict's power figure came from, or why there is none. */
  powerNote: string;
  foldRecords: FoldRecord[];
  backend?: BackendInfo;
  data: { files: string[]; fingerprint: string; firstDate: string; lastDate: string; samples: number };
  versions: { app: string; tfjs: string; node: string };
  seconds: number;
  computedFolds: number;
  cachedFolds: number;
}
