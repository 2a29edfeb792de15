/**
 * The JSON shape of a study's summary.json (written by src/main/training/report/write.ts, validated on read by
 * report/read.ts, shown by report.html, the CLI and the app's Results view). Fractions, not percent, unless a
 * name says otherwise; numbers that could not be computed are null. Pure types: the renderer reads them too.
 */
import type { StudyConfig } from './config';
import type { IntervalDto, StudyStatistics } from './study-statistics';

export const STUDY_SUMMARY_VERSION = 2;

export type MetricKey = 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'logLoss';

export interface MetricsDto {
  n: number;
  accuracy: number | null;
  balancedAccuracy: number | null;
  macroF1: number | null;
  logLoss: number | null;
  precision: (number | null)[];
  recall: (number | null)[];
  /** confusion[true][predicted], counts. */
  confusion: number[][];
}

/** Backtest statistics of one equity curve (eval/stats.ts Stats). */
export interface StatsDto {
  /** Equity points: test days inside segments (days between test blocks are not counted). */
  days: number;
  returnDays: number;
  segments: number;
  totalReturn: number | null;
  annualReturn: number | null;
  annualVolatility: number | null;
  /** Annualised, on daily excess returns over the cash rate. */
  sharpe: number | null;
  maxDrawdown: number | null;
  calmar: number | null;
  turnover: number | null;
  exposure: number | null;
  hitRate: number | null;
  trades: number;
  tradingDaysPerYear: number | null;
  cashRatePerYear: number;
}

export interface CellSummary {
  key: string;
  channels: string[];
  layout: string;
  imageShape: number[];
  metrics: MetricsDto;
  /** Two-level intervals (seeds, then circular date blocks) of the seed ensemble's metrics. */
  intervals: Record<MetricKey, IntervalDto>;
  seedMean: Record<MetricKey, number | null>;
  seedStd: Record<MetricKey, number | null>;
  perSeed: { seed: number; metrics: MetricsDto }[];
  backtest: StatsDto;
  foldAccuracy: {
    fold: number;
    testStart: string;
    testEnd: string;
    accuracy: number | null;
    balancedAccuracy: number | null;
    n: number;
  }[];
}

export interface BaselineSummary {
  /** Stable id for translations: majority, persistence, random, momentum, trend, logistic, gbdt. */
  id: string;
  name: string;
  params?: Record<string, number | string>;
  description: string;
  /** The numbers in the description, for the app's translated description (absent in older summaries). */
  descriptionParams?: Record<string, number | string>;
  metrics: MetricsDto;
  /** Circular date blocks of the study's block length (no seed level: one fit). */
  ci?: Record<MetricKey, IntervalDto>;
  stats?: StatsDto;
  /** What each fold's fit chose (e.g. { l2: 1 }, { rounds: 42 }). */
  info?: Record<string, number | string>[];
}

export interface AblationSummary {
  key: string;
  channels: string[];
  layout: string;
  diff: Record<MetricKey, IntervalDto>;
  verdict: 'better' | 'worse' | 'no-difference';
  pHolm?: number | null;
}

/** Equity curves of the costed backtests: one point per test day, test blocks as separate segments. */
export interface EquityDto {
  dates: string[];
  /** Segment of each date; a line is broken where it changes (drawn as a gap, never joined). */
  segment: number[];
  segments: { start: string; end: string }[];
  buyHold: number[];
  series: { name: string; kind: 'cell' | 'baseline'; equity: number[] }[];
}

export interface ImportanceGroupDto {
  name: string;
  kind: 'channel' | 'factor-family';
  /** Permuted minus intact log-loss (positive: the model relied on the group). */
  logLossIncrease: IntervalDto;
  /** Intact minus permuted balanced accuracy. */
  balancedAccuracyDrop: IntervalDto;
}

export interface CellImportanceDto {
  key: string;
  channels: string[];
  seeds: number[];
  /** Labeled test dates scored. */
  rows: number;
  repeats: number;
  permutationBlockDays: number;
  logLoss: number | null;
  balancedAccuracy: number | null;
  groups: ImportanceGroupDto[];
}

export interface StudyImportance {
  method: string;
  cells: CellImportanceDto[];
  /** Why some folds or cells have no importance (cached folds whose models were not kept, ...). */
  missing: string[];
  /** The same gaps as numbers, for the app's translated sentence (absent in older summaries). */
  missingFolds?: { key: string; folds: { seed: number; fold: number }[] }[];
}

export interface LabelCheckDto {
  labelPrice: 'close' | 'next-open';
  otherPrice: 'close' | 'next-open';
  rows: number;
  changed: number;
  models: {
    key: string;
    kind: 'cell' | 'baseline';
    balancedAccuracy: number | null;
    otherBalancedAccuracy: number | null;
  }[];
  note: string;
}

export interface StudySummary {
  version: number;
  headline: string;
  ablationSentence: string;
  notes: string[];
  primary: string;
  reference?: string;
  backend?: { name: string } & Record<string, unknown>;
  versions: { app: string; tfjs: string; node: string };
  data: { files: string[]; fingerprint: string; firstDate: string; lastDate: string; samples: number };
  config: StudyConfig;
  folds: {
    index: number;
    train: number;
    val: number;
    test: number;
    predictOnly: number;
    testStart: string;
    testEnd: string;
  }[];
  cells: CellSummary[];
  baselines: BaselineSummary[];
  buyHold: StatsDto;
  ablation: AblationSummary[];
  statistics: StudyStatistics;
  trials: { total: number; cells: number; baselines: number; prior: number; text: string };
  importance: StudyImportance | null;
  labelCheck: LabelCheckDto | null;
  powerNote: string;
  equity: EquityDto;
  seconds: number;
  computedFolds: number;
  cachedFolds: number;
}
