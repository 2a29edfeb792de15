/**
 * The JSON shape of a study's statistics (summary.json `statistics`, report.html, the Results view). Produced by
 * studyStatistics() in src/main/training/eval/statistics/study-statistics.ts; numbers that could not be computed
 * are null. Fractions, not percent, unless a name says otherwise; Sharpe ratios per day unless named annual.
 */

export interface IntervalDto {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  /** Standard deviation of the resampled statistic. */
  se: number | null;
  /** Two-sided level, e.g. 0.9. */
  level: number;
  reps: number;
  /** Rows per circular block. */
  blockLength: number;
}

export interface FoldScoreDto {
  fold: number;
  n: number;
  balancedAccuracy: number | null;
}

export interface BaselineScoreDto {
  name: string;
  /** Balanced accuracy over all labeled rows at once. */
  pooled: number | null;
  /** Unweighted mean of the per-fold balanced accuracies. */
  foldMean: number | null;
  folds: FoldScoreDto[];
}

export interface ReliabilityBinDto {
  lo: number | null;
  hi: number | null;
  count: number;
  meanForecast: number | null;
  observed: number | null;
}

export interface CellStatisticsDto {
  key: string;
  channels: string[];
  seeds: number[];
  balancedAccuracy: {
    pooled: number | null;
    foldMean: number | null;
    folds: FoldScoreDto[];
    /** Two-level bootstrap: seeds with replacement, then circular date blocks. */
    interval: IntervalDto;
    /** Each seed alone, dates resampled. */
    perSeed: { seed: number; interval: IntervalDto }[];
  };
  /** This cell's balanced accuracy minus the best baseline's, paired on the same resampled rows. */
  vsBestBaseline: {
    baseline: string;
    difference: IntervalDto;
    /** One-sided centred bootstrap p-value of "difference > 0". */
    pValue: number | null;
    /** Holm over the family of cells. */
    pHolm: number | null;
    /** Romano–Wolf step-down over the family of cells. */
    pRomanoWolf: number | null;
    /** pHolm < alpha. */
    edge: boolean;
  };
  /** Multi-class Brier score and that of each row's training class rates (the climatology reference). */
  brier: number | null;
  brierReference: number | null;
  reliability: { binning: 'uniform' | 'quantile'; ece: number | null; bins: ReliabilityBinDto[] };
  /** Spearman of p_up - p_down with the forward return, circular block-bootstrap interval. */
  informationCoefficient: IntervalDto & { n: number };
  topClassProbability: {
    median: number | null;
    p05: number | null;
    p95: number | null;
    threshold: number;
    underfit: boolean;
  };
}

export interface AblationComparisonDto {
  key: string;
  /** The cell it is compared with, in a study of paired comparisons (bar sizes, models); else the family's one. */
  reference?: string;
  channels: string[];
  /** Balanced accuracy of this cell minus the reference cell's (two-level, paired). */
  difference: IntervalDto;
  /** Two-sided centred bootstrap p-value. */
  pValue: number | null;
  pHolm: number | null;
  pRomanoWolf: number | null;
  /** From pHolm < 1 - level and the sign of the difference. */
  verdict: 'better' | 'worse' | 'no-difference';
}

export interface StrategySharpeDto {
  name: string;
  kind: 'cell' | 'baseline';
  /** Per-day Sharpe ratio of daily excess returns, and annualised with the data's days per year. */
  sharpe: number | null;
  sharpeAnnual: number | null;
  /** Probabilistic Sharpe ratio against 0. */
  psr: number | null;
}

export interface StudyStatistics {
  version: 1;
  /** Two-sided level of every interval. */
  level: number;
  labeledRows: number;
  blockLength: {
    value: number;
    horizonFloor: number;
    /** True when the config fixed the block length instead of Politis–White. */
    fromConfig: boolean;
    perSeries: { name: string; circular: number | null; stationary: number | null }[];
    rule: string;
  };
  chance: { baselines: BaselineScoreDto[]; best: { name: string; balancedAccuracy: number | null } };
  cells: CellStatisticsDto[];
  /** The family behind vsBestBaseline: every cell against the best baseline, one-sided at alpha. */
  cellFamily: { members: string[]; alpha: number; adjustment: string };
  ablation: {
    reference: string;
    members: string[];
    alpha: number;
    adjustment: string;
    comparisons: AblationComparisonDto[];
  } | null;
  overfitting: {
    /** The strategies (cells and baselines) the selection statistics are computed over. */
    strategies: StrategySharpeDto[];
    tradingDaysPerYear: number | null;
    returnDays: number;
    deflatedSharpe: {
      best: string;
      trials: number;
      sharpe: number | null;
      sr0: number | null;
      variance: number | null;
      skewness: number | null;
      kurtosis: number | null;
      dsr: number | null;
    } | null;
    pbo: {
      value: number;
      blocks: number;
      combinations: number;
      medianLogit: number | null;
      probOosLoss: number;
    } | null;
    /** Hansen's SPA of the strategies against buy-and-hold (stationary bootstrap). */
    spa: {
      best: string;
      pConsistent: number;
      pLower: number;
      pUpper: number;
      statistic: number | null;
      reps: number;
      blockLength: number;
    } | null;
  };
  /** Smallest balanced-accuracy edge detected with 80 % power, when a power analysis was run. */
  power: { edge: number | null; strengths: number[]; power: number[]; note: string } | null;
  verdict: { edgeDetected: boolean; cells: string[]; underfit: string[]; sentence: string };
}
