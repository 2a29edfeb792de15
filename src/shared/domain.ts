/**
 * Core domain types shared by the engine, the CLI, main, preload and renderer.
 * Pure types and tiny helpers only: no electron, no tfjs, no node built-ins.
 */

/** Class index of a label. 0 = down, 1 = flat, 2 = up. -1 = no label yet (the last H dates). */
export type ClassIndex = 0 | 1 | 2;
export const CLASS_NAMES = ['down', 'flat', 'up'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];
export const UNLABELED = -1;

/**
 * Bars of one index in columnar form, oldest first, strictly increasing `time`.
 * Prices are index points; `volume` is in shares; `amount` in CNY (0 where the source has none).
 */
export interface Bars {
  /** Index code, e.g. '000300'. */
  code: string;
  /** Where the bars came from (file path or a description). */
  source: string;
  /** 1 for daily bars; 16 for 15-minute A-share bars; 240 for 1-minute bars. */
  barsPerDay: number;
  /** Bar stamp: 'YYYY-MM-DD' for daily bars, 'YYYY-MM-DD HH:mm' (bar end time) for intraday bars. */
  time: string[];
  /** Trading day of each bar, 'YYYY-MM-DD'. Equal to `time` for daily bars. */
  date: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
}

export type IssueSeverity = 'error' | 'warning' | 'info';

/** One finding about an input file, located precisely enough for a person to open the file and see it. */
export interface DataIssue {
  severity: IssueSeverity;
  /** Machine-readable kind, e.g. 'non-numeric', 'duplicate-time', 'high-low', 'non-positive', 'gap'. */
  kind: string;
  file: string;
  /** 1-based physical line number in the file, when the issue belongs to a line. */
  line?: number;
  field?: string;
  message: string;
}

/** What importing one file did. */
export interface ValidationReport {
  file: string;
  /** Detected format profile, e.g. 'baostock', 'sina', 'eastmoney', 'tdx', 'generic'. */
  format: string;
  encoding: string;
  delimiter: string;
  code: string;
  barsPerDay: number;
  rowsRead: number;
  rowsKept: number;
  rowsDropped: number;
  firstTime?: string;
  lastTime?: string;
  /** Volume unit the source used ('lots' were multiplied by 100). */
  volumeUnit: 'shares' | 'lots';
  issues: DataIssue[];
}

export type ImageLayout = 'time-factor' | 'seed';

/** Everything that defines a dataset of factor images and labels. */
/** See DatasetConfig.labelPrice. */
export type LabelPrice = 'close' | 'next-open';
export const LABEL_PRICES: readonly LabelPrice[] = ['close', 'next-open'];

export interface DatasetConfig {
  /** Target index code; its forward return is the label. Channel 0 of every image. */
  target: string;
  /** Image channels in order; channels[0] must equal target. */
  channels: string[];
  /** Label horizon in trading days. */
  horizonDays: number;
  /**
   * Price the label's forward return is measured on: 'close' = close(t) to close(t+H) (the original study);
   * 'next-open' = open(t+1) to open(t+1+H), the price a strategy deciding at the close of t can trade.
   * Optional until every config schema carries it; absent means 'close'.
   */
  labelPrice?: LabelPrice;
  /** Forward return above this is 'up' (fraction, not percent: 0.025 = +2.5 %). */
  upThreshold: number;
  /** Forward return below this is 'down' (fraction: -0.01 = -1 %). */
  downThreshold: number;
  /** Days of history in one image. */
  lookbackDays: number;
  /** 1 = daily bars; 16 = 15-minute bars resampled from 1-minute files. */
  barsPerDay: number;
  layout: ImageLayout;
  /** Rolling z-score window, in days (window in bars = normWindowDays * barsPerDay). */
  normWindowDays: number;
  /** z-scores are clipped to [-clip, clip]. */
  clip: number;
  /** First / last sample date (inclusive, 'YYYY-MM-DD'); bars before `from` are still used for warm-up. */
  from?: string;
  to?: string;
  /** Factor names to use (registry order); default: the first 56 registered factors (the core set). */
  factors?: string[];
}

export const DEFAULT_DATASET: DatasetConfig = {
  target: '000300',
  channels: ['000300', '000001', '000905', '399006'],
  horizonDays: 14,
  labelPrice: 'close',
  upThreshold: 0.025,
  downThreshold: -0.01,
  lookbackDays: 56,
  barsPerDay: 1,
  layout: 'time-factor',
  normWindowDays: 40,
  clip: 4,
};

/** Documentation of one factor, as shown in the CLI and the app. */
export interface FactorInfo {
  name: string;
  group: string;
  description: string;
  formula: string;
  params: Record<string, number>;
  /** Bars needed before the first defined value (values before it are NaN). */
  warmup: number;
}

export interface ClassCounts {
  down: number;
  flat: number;
  up: number;
  unlabeled: number;
}

/** Human-readable names of the indices this product knows by default. */
export const KNOWN_INDICES: Record<string, { en: string; zh: string }> = {
  '000300': { en: 'CSI 300', zh: '沪深300' },
  '000001': { en: 'SSE Composite', zh: '上证指数' },
  '000905': { en: 'CSI 500', zh: '中证500' },
  '399006': { en: 'ChiNext', zh: '创业板指' },
};

/** Short names of the known indices, for setup names ('csi300-h14'). */
const INDEX_SLUGS: Record<string, string> = {
  '000300': 'csi300',
  '000001': 'sse',
  '000905': 'csi500',
  '399006': 'chinext',
};

/** The name a setup gets from its target and horizon until the user names it: 'csi300-h14'. */
export function setupNameFor(target: string, horizonDays: number): string {
  return `${INDEX_SLUGS[target] ?? target}-h${horizonDays}`;
}
