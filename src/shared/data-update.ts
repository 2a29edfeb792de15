/**
 * Plain-data types of a data update and a reconciliation: JSON-safe (no typed arrays), so the app can send them
 * over IPC as they are.
 */

export type SourceName = 'eastmoney' | 'sina';
export type SourceChoice = SourceName | 'auto';
export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume' | 'amount';
export const BAR_FIELDS: readonly BarField[] = ['open', 'high', 'low', 'close', 'volume', 'amount'];

/** One daily bar in the files' units: volume in shares, amount in CNY. */
export interface DailyBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  amount: number;
}

/** When two series disagree beyond the tolerance. */
export interface Tolerance {
  /** Prices: absolute, index points (two sources rounding one value to 2 decimals differ by at most 0.005). */
  pricePoints: number;
  /** Volume: fraction of the larger value (lot rounding is below 1e-6 of a day's index volume). */
  volumeFraction: number;
  /** Amount: fraction of the larger value. */
  amountFraction: number;
}

export const DEFAULT_TOLERANCE: Tolerance = {
  pricePoints: 0.01,
  volumeFraction: 0.001,
  amountFraction: 0.001,
};

/** A day and field on which the file and a source (or two series) disagree beyond the tolerance. */
export interface Disagreement {
  file: string;
  date: string;
  field: BarField;
  /** The file's value (shares, CNY). */
  fileValue: number;
  /** The source's value, converted to the file's units. */
  sourceValue: number;
}

/** A day in a source's answer that was not stored as a bar, and why. */
export interface SkippedDay {
  date: string;
  reason: string;
}

export type FileUpdateStatus =
  | 'updated'
  | 'up-to-date'
  | 'refused'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  | 'dry-run';

/** What an update did to one index file. Nothing in the file changed unless status is 'updated'. */
export interface FileUpdate {
  code: string;
  file: string;
  status: FileUpdateStatus;
  /** The source whose answer was used (or last tried). */
  source?: SourceName;
  /** Last stored date before and after. */
  lastBefore?: string;
  lastAfter?: string;
  /** Dates appended, ascending. */
  appended: string[];
  /** Overlapping days where the file and the source disagree; the file's value was kept unless in `replaced`. */
  disagreements: Disagreement[];
  /** Disagreements where the source's value replaced the file's (only with prefer: 'source'). */
  replaced: Disagreement[];
  /** Days in the answer not stored as bars (holiday, today's unfinished bar, after a gap, ...). */
  skippedDays: SkippedDay[];
  /** Unit conversions, gaps, fallbacks: things a person should read. */
  notes: string[];
  /** Why the file was refused or failed; the file is unchanged. */
  error?: string;
  /** Copy of the previous file, when it was changed. */
  backup?: string;
}

export interface UpdateReport {
  files: FileUpdate[];
  /** True when the signal aborted before every file was done (files already written stay written). */
  cancelled: boolean;
  /** True when requests were made and none reached a server: the machine is offline or the sources block it. */
  offline: boolean;
  /** The last date every daily file in the folder shares after the update (what an aligned dataset ends on). */
  commonLastDate?: string;
  /** Shanghai time the update ran at, 'YYYY-MM-DD HH:MM'. */
  ranAt: string;
}

/** Progress of an update, one event per step of each file. */
export interface UpdateProgress {
  phase: 'fetch' | 'check' | 'write' | 'done';
  code: string;
  /** Files finished so far and in total. */
  done: number;
  total: number;
  message: string;
}
