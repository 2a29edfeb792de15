/**
 * The tabular view of the study's information for the tree model and the logistic regression: per sample date,
 * the normalised factors of every channel on the last day and a few lagged days (read from the same factor image
 * the network sees, so nothing new is computed and nothing later than t can enter), plus each channel's
 * Alpha158-style index features at t (alpha158.ts, computed on that index's own daily history).
 */
import type { Bars } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { atResolution, type FactorDataset } from '../images/dataset';
import { factorInfo } from '../factors/registry';
import { ALPHA_WINDOWS, alphaFamily, alphaFeatureNames, alphaFeatures } from './alpha158';

export interface TableColumn {
  name: string;
  /** Index code the column describes. */
  channel: string;
  /** Factor group from the registry ('trend', 'momentum', ...) or the Alpha158 family ('alpha:roc', ...). */
  family: string;
  /** Days before the sample date (0 = the sample date itself). */
  lagDays: number;
}

export interface FeatureTable {
  dates: string[];
  columns: TableColumn[];
  /** rows x columns.length, row-major. May hold NaN (an undefined Alpha158 correlation). */
  values: Float32Array;
}

export interface TableOptions {
  /** Days of factor history per channel (0 = the sample date); each must be < lookbackDays. Default [0, 1, 5]. */
  lagsDays?: number[];
  /** Add the Alpha158-style index features of every channel (default true). */
  alpha?: boolean;
  alphaWindows?: readonly number[];
}

export const DEFAULT_LAGS_DAYS = [0, 1, 5];

/**
 * Builds the table for the given sample dates of a dataset. `barsByCode` must hold the daily (or finer) bars of
 * every channel when alpha features are on; each channel's features are read at the sample date.
 */
export function buildFeatureTable(
  ds: FactorDataset,
  dates: string[],
  barsByCode: Map<string, Bars> | undefined,
  opts: TableOptions = {},
): FeatureTable {
  const lags = opts.lagsDays ?? DEFAULT_LAGS_DAYS;
  const useAlpha = opts.alpha ?? true;
  const windows = opts.alphaWindows ?? ALPHA_WINDOWS;
  const cfg = ds.config;
  const B = cfg.barsPerDay;
  const rowsPerImage = cfg.lookbackDays * B;
  const F = ds.factorNames.length;
  const C = cfg.channels.length;
  for (const k of lags)
    if (!Number.isInteger(k) || k < 0 || k >= cfg.lookbackDays)
      throw new ConfigError(
        'tabular.lagsDays',
        `${k} must be a whole number in [0, lookbackDays = ${cfg.lookbackDays})`,
      );
  const groups = ds.factorNames.map((f) => factorInfo(f).group);
  const columns: TableColumn[] = [];
  for (const k of lags)
    for (let c = 0; c < C; c++)
      for (let f = 0; f < F; f++)
        columns.push({
          name: `${cfg.channels[c]}:${ds.factorNames[f]}${k ? `@-${k}` : ''}`,
          channel: cfg.channels[c],
          family: groups[f],
          lagDays: k,
        });
  const alphaNames = alphaFeatureNames(windows);
  const alphaByChannel: { values: Float64Array[]; index: Map<string, number> }[] = [];
  if (useAlpha) {
    for (const code of cfg.channels) {
      const b = barsByCode?.get(code);
      if (!b)
        throw new ConfigError('tabular', `no bars for ${code}: alpha features need every channel's bars`);
      const daily = atResolution(b, 1);
      alphaByChannel.push({
        values: alphaFeatures(daily, windows),
        index: new Map(daily.date.map((d, i) => [d, i] as const)),
      });
      for (const name of alphaNames)
        columns.push({
          name: `${code}:${name}`,
          channel: code,
          family: `alpha:${alphaFamily(name)}`,
          lagDays: 0,
        });
    }
  }

  const dsIndex = new Map(ds.dates.map((d, i) => [d, i] as const));
  const width = columns.length;
  const values = new Float32Array(dates.length * width);
  const img = new Float32Array(ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2]);
  dates.forEach((date, r) => {
    const i = dsIndex.get(date);
    if (i === undefined) throw new ConfigError('tabular', `${date} is not a sample date of the dataset`);
    ds.fillImage(i, img);
    let o = r * width;
    // image value (bar, factor, channel) sits at (bar * F + factor) * C + channel in both layouts
    for (const k of lags) {
      const bar = rowsPerImage - 1 - k * B;
      for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) values[o++] = img[(bar * F + f) * C + c];
    }
    for (const a of alphaByChannel) {
      const t = a.index.get(date);
      if (t === undefined) throw new ConfigError('tabular', `an overlay has no bar on ${date}`);
      for (const v of a.values) values[o++] = v[t];
    }
  });
  return { dates: [...dates], columns, values };
}

/** Column indices of a table by a predicate (e.g. one channel, one family). */
export function columnsWhere(table: FeatureTable, pred: (c: TableColumn) => boolean): number[] {
  const out: number[] = [];
  table.columns.forEach((c, j) => {
    if (pred(c)) out.push(j);
  });
  return out;
}

/** Rows of a table (by row index) as a new row-major matrix. */
export function tableRows(table: FeatureTable, rows: ArrayLike<number>): Float32Array {
  const d = table.columns.length;
  const out = new Float32Array(rows.length * d);
  for (let k = 0; k < rows.length; k++) out.set(table.values.subarray(rows[k] * d, (rows[k] + 1) * d), k * d);
  return out;
}
