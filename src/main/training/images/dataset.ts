/**
 * The dataset the network trains on: for each sample date t, an image of the last L days x B bars/day x
 * F normalised factors of every channel index, and the target's H-day forward class.
 *
 * Images are not materialised: normalised factors are kept once per channel, bar-major
 * (norm[c][bar * F + f]), and `fillImage` copies one window into a caller's batch buffer on demand.
 * Because both layouts read the same bar-major run of L*B*F values, `seed` (the original's raster reshape
 * into a square) and `time-factor` (rows = bars, columns = factors) differ only in the shape they declare.
 *
 * Intraday bars (barsPerDay > 1, e.g. 16 fifteen-minute bars from a 1-minute file) are resampled by the clock
 * with missing buckets carried from the last close at zero volume (data/resample.ts), so every trading day has
 * exactly barsPerDay bars and the z-score window (normWindowDays * barsPerDay bars) counts bars, not rows.
 * Short days (trading stopped before 15:00 in any channel: the 2016-01-04 and 2016-01-07 circuit breakers) are
 * not sample dates: no image ends on them and no label starts from them. Their bars, carried flat to 15:00, still
 * feed the factors, z-scores and images of later dates, and a label whose horizon ends on one uses that day's
 * last close. Labels are on the target's daily bars (the last bar of each day), H trading days ahead: close(t) to
 * close(t+H) by default, or open(t+1) to open(t+1+H) with labelPrice 'next-open' (the price a strategy deciding at
 * the close of t can trade).
 */
import type { Bars, ClassCounts, DatasetConfig, ValidationReport } from '../../../shared/domain';
import { DEFAULT_DATASET } from '../../../shared/domain';
import { configErrorFromZod, datasetSchema } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { alignSeries } from '../data/align';
import { findSeriesFile } from '../data/series-file';
import { importFile } from '../data/import';
import { resampleMinutesWithReport, shortDays as shortDaysOf, toDaily } from '../data/resample';
import { computeFactors, factorNames as registryNames } from '../factors/registry';
import { rollingZScore } from '../factors/normalise';
import { countClasses, labelKnownAfterDays, labelSeries, validateThresholds } from '../labels/labels';
import type { SampleSource } from './sample-source';

export interface DroppedCount {
  reason: string;
  count: number;
}

export interface FactorDataset {
  config: DatasetConfig;
  factorNames: string[];
  /** Sample dates, ascending: dates in [from, to] with a full lookback of normalised factors in every channel. */
  dates: string[];
  /** 0 down, 1 flat, 2 up, -1 unlabeled (the last H trading days of the target). */
  labels: Int8Array;
  /** Target forward return over horizonDays (fraction); NaN when unlabeled. */
  forwardReturns: Float64Array;
  /** Target daily close at each sample date. */
  targetClose: Float64Array;
  /** [height, width, channels]. */
  imageShape: [number, number, number];
  /** factors * channels: length of the last-bar feature vector. */
  lastBarSize: number;
  counts: ClassCounts;
  /** The target's daily bars (every date, also warm-up and after `to`), for backtests. */
  targetDaily: Bars;
  /** Writes image i (HWC, height*width*channels floats) into out at offset. */
  fillImage(i: number, out: Float32Array, offset?: number): void;
  /** Writes the last bar's normalised factors of every channel ([channel][factor] order) into out at offset. */
  fillLastBar(i: number, out: Float32Array, offset?: number): void;
  /** Stamps of the lookbackDays * barsPerDay bars image i is made of, oldest first (its bar-major order). */
  barTimes(i: number): string[];
  /** A SampleSource over the given sample indices, reading images or last-bar vectors. */
  source(indices: number[], input: 'image' | 'last-bar'): SampleSource;
  /** Dates in range that could not become samples, by reason. */
  dropped: DroppedCount[];
  /** Bars lost to warm-up per channel (first bar with every normalised factor finite): the original's "data losses". */
  warmupBars: Record<string, number>;
  /** Bars removed by aligning the channels on common timestamps, per channel. */
  alignDropped: Record<string, number>;
  /** Days on which trading stopped before 15:00 in some channel (intraday input only): never sample dates. */
  shortDays: string[];
  /** Intraday bars per channel that had no input and were carried from the last close with zero volume. */
  filledBars: Record<string, number>;
  /** Per sample: the target's trading day whose price completes the label (t + H at the close, t + 1 + H at the open for 'next-open'), '' while unlabeled. */
  labelKnownOn: string[];
}

/** Fills defaults and refuses configurations that cannot work, naming the field. */
export function resolveDatasetConfig(partial: Partial<DatasetConfig>): DatasetConfig {
  const cfg: DatasetConfig = { ...DEFAULT_DATASET, ...partial };
  if (!partial.channels && partial.target) cfg.channels = [partial.target];
  // field bounds come from the one dataset schema; the checks below span fields
  const parsed = datasetSchema.safeParse(cfg);
  if (!parsed.success) throw configErrorFromZod(parsed.error);
  if (cfg.channels[0] !== cfg.target)
    throw new ConfigError(
      'channels',
      `the first channel must be the target ${cfg.target}, got ${cfg.channels[0]}`,
    );
  if (new Set(cfg.channels).size !== cfg.channels.length)
    throw new ConfigError('channels', `lists an index twice: ${cfg.channels.join(',')}`);
  validateThresholds(cfg.upThreshold, cfg.downThreshold, cfg.horizonDays);
  if (cfg.from && cfg.to && cfg.from > cfg.to)
    throw new ConfigError('from', `${cfg.from} is after to ${cfg.to}`);
  if (cfg.factors) {
    const known = new Set(registryNames());
    const unknown = cfg.factors.filter((f) => !known.has(f));
    if (unknown.length) throw new ConfigError('factors', `unknown factor(s): ${unknown.join(', ')}`);
  }
  return cfg;
}

/**
 * The original study's 56 factors: the first 56 of the registry. 56 keeps the seed raster square
 * (56 days x 16 bars x 56 factors = 224 x 224; 56 x 1 x 56 = 56 x 56); further factors are opt-in via `factors`.
 */
export const CORE_FACTOR_COUNT = 56;
export function defaultFactorNames(): string[] {
  return registryNames().slice(0, CORE_FACTOR_COUNT);
}

/** Image shape of a configuration: [height, width, channels]. */
export function imageShapeOf(cfg: DatasetConfig, factorCount: number): [number, number, number] {
  const rows = cfg.lookbackDays * cfg.barsPerDay;
  if (cfg.layout === 'time-factor') return [rows, factorCount, cfg.channels.length];
  const total = rows * factorCount;
  const side = Math.round(Math.sqrt(total));
  if (side * side !== total) {
    throw new ConfigError(
      'layout',
      `'seed' reshapes lookbackDays x barsPerDay x factors = ${cfg.lookbackDays} x ${cfg.barsPerDay} x ${factorCount} = ${total} values into a square, but ${total} is not a perfect square; use 'time-factor' or change lookbackDays`,
    );
  }
  return [side, side, cfg.channels.length];
}

/** Bars of one index at a resolution, with what resampling had to do to get there. */
export interface ResolvedBars {
  bars: Bars;
  /** Buckets carried from the last close with zero volume (intraday input only). */
  filledBars: number;
  /** Days of the input whose last bar ends before 15:00 (intraday input only). */
  shortDays: string[];
}

/**
 * Bars of one index at `barsPerDay`: daily bars as they are or aggregated from intraday ones (barsPerDay 1),
 * intraday bars resampled by the clock to 240 / barsPerDay minutes with empty buckets carried from the last
 * close (also when the input already has that size, so its missing bars are filled the same way).
 */
export function atResolutionWithReport(bars: Bars, barsPerDay: number): ResolvedBars {
  if (barsPerDay === 1) return { bars: toDaily(bars), filledBars: 0, shortDays: shortDaysOf(bars) };
  if (bars.barsPerDay > 1 && 240 % barsPerDay === 0 && barsPerDay <= bars.barsPerDay) {
    const minutes = 240 / barsPerDay;
    if (minutes % (240 / bars.barsPerDay) === 0) {
      const r = resampleMinutesWithReport(bars, minutes, { missing: 'carry' });
      return { bars: r.bars, filledBars: r.filledBars, shortDays: r.shortDays };
    }
  }
  throw new ConfigError(
    'barsPerDay',
    `${bars.code} (${bars.source}) has ${bars.barsPerDay} bars a day; cannot make ${barsPerDay} bars a day from it`,
  );
}

/** The bar sizes the app offers: daily, 60-, 30-, 15- and 5-minute bars (bars per day). */
export const OFFERED_BARS_PER_DAY = [1, 4, 8, 16, 48] as const;

/** Bars per day a dataset can be built at from a series of `sourceBarsPerDay` (what atResolutionWithReport accepts). */
export function barSizesOf(sourceBarsPerDay: number): number[] {
  return OFFERED_BARS_PER_DAY.filter(
    (b) =>
      b === 1 ||
      (sourceBarsPerDay > 1 &&
        240 % b === 0 &&
        b <= sourceBarsPerDay &&
        (240 / b) % (240 / sourceBarsPerDay) === 0),
  );
}

/** Bars of one index at the resolution the config asks for (see atResolutionWithReport). */
export function atResolution(bars: Bars, barsPerDay: number): Bars {
  return atResolutionWithReport(bars, barsPerDay).bars;
}

/** Options of buildDataset beyond the dataset config. */
export interface BuildOptions {
  /**
   * The target's bars (any resolution) whose daily closes give the labels, forward returns, closes and
   * targetDaily, instead of the target channel's own: a study comparing bar sizes from two files labels every
   * cell from one series. Sample dates this series lacks are dropped.
   */
  labelBars?: Bars;
}

/**
 * Builds the dataset from bars already loaded (code -> bars at any resolution that can be brought to
 * config.barsPerDay). Every value at sample date t depends only on bars up to the end of day t, except the
 * label, which looks at the target's closes in (t, t+H].
 */
export function buildDataset(
  partial: Partial<DatasetConfig>,
  barsByCode: Map<string, Bars>,
  options: BuildOptions = {},
): FactorDataset {
  const cfg = resolveDatasetConfig(partial);
  const names = cfg.factors ?? defaultFactorNames();
  const F = names.length;
  const C = cfg.channels.length;
  const B = cfg.barsPerDay;
  const L = cfg.lookbackDays;
  const imageShape = imageShapeOf(cfg, F);

  const resolved = cfg.channels.map((code) => {
    const b = barsByCode.get(code);
    if (!b) throw new ConfigError('channels', `no bars loaded for index ${code}`);
    return atResolutionWithReport(b, B);
  });
  const raw = resolved.map((r) => r.bars);
  const shortDays = [...new Set(resolved.flatMap((r) => r.shortDays))].sort();
  const short = new Set(shortDays);
  const filledBars: Record<string, number> = {};
  cfg.channels.forEach((code, c) => (filledBars[code] = resolved[c].filledBars));
  const targetDaily = toDaily(options.labelBars ?? raw[0]);

  // Labels on the target's own trading calendar, before alignment, so an overlay's missing day
  // can never shift the horizon.
  const { forward: fwdByDay, labels: labelByDay } = labelSeries(
    targetDaily.close,
    cfg.horizonDays,
    cfg.upThreshold,
    cfg.downThreshold,
    { labelPrice: cfg.labelPrice, open: targetDaily.open },
  );
  const knownAfter = labelKnownAfterDays(cfg.horizonDays, cfg.labelPrice);
  const dayIndex = new Map<string, number>();
  targetDaily.date.forEach((d, i) => dayIndex.set(d, i));

  // Factors and z-scores are computed on each index's own full history, then gathered onto the
  // timestamps all channels share, so a late-starting overlay never cuts the target's warm-up.
  const common = C > 1 ? alignSeries(raw).series[0] : raw[0];
  const times = common.time;
  const nBars = times.length;
  const alignDropped: Record<string, number> = {};
  const warmupBars: Record<string, number> = {};
  const windowBars = cfg.normWindowDays * B;
  const norm: Float32Array[] = [];
  const bad = new Uint8Array(nBars);
  for (let c = 0; c < C; c++) {
    const s = raw[c];
    alignDropped[cfg.channels[c]] = s.time.length - nBars;
    const zs = computeFactors(s, names).map((x) => rollingZScore(x, windowBars, cfg.clip));
    let firstGood = s.time.length;
    for (let t = 0; t < s.time.length && firstGood === s.time.length; t++) {
      if (zs.every((z) => Number.isFinite(z[t]))) firstGood = t;
    }
    warmupBars[cfg.channels[c]] = firstGood;
    // Index of each common stamp in this channel (the identity when nothing was aligned away).
    let pos: Int32Array | undefined;
    if (s.time !== times) {
      const at = new Map<string, number>();
      s.time.forEach((tm, i) => at.set(tm, i));
      pos = new Int32Array(nBars);
      for (let t = 0; t < nBars; t++) pos[t] = at.get(times[t])!;
    }
    const flat = new Float32Array(nBars * F);
    for (let t = 0; t < nBars; t++) {
      const i = pos ? pos[t] : t;
      for (let f = 0; f < F; f++) {
        const v = zs[f][i];
        flat[t * F + f] = v;
        if (!Number.isFinite(v)) bad[t] = 1;
      }
    }
    norm.push(flat);
  }
  const badPrefix = new Int32Array(nBars + 1);
  for (let t = 0; t < nBars; t++) badPrefix[t + 1] = badPrefix[t] + bad[t];

  // Days of the aligned series: [start, end] bar index per trading day.
  const dayDates: string[] = [];
  const dayStart: number[] = [];
  const dayEnd: number[] = [];
  const dates0 = common.date;
  for (let t = 0; t < nBars; t++) {
    if (t === 0 || dates0[t] !== dates0[t - 1]) {
      dayDates.push(dates0[t]);
      dayStart.push(t);
      dayEnd.push(t);
    } else dayEnd[dayEnd.length - 1] = t;
  }

  const dropped = new Map<string, number>();
  const bump = (reason: string) => dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
  const sampleDates: string[] = [];
  const sampleEnd: number[] = [];
  const labels: number[] = [];
  const fwd: number[] = [];
  const closes: number[] = [];
  const knownOn: string[] = [];
  for (let d = 0; d < dayDates.length; d++) {
    const date = dayDates[d];
    if ((cfg.from && date < cfg.from) || (cfg.to && date > cfg.to)) continue;
    if (short.has(date)) {
      bump('short trading day (trading stopped before 15:00): not a sample date');
      continue;
    }
    if (d + 1 < L) {
      bump('fewer than lookbackDays days of history');
      continue;
    }
    let complete = true;
    for (let k = d - L + 1; k <= d && complete; k++) complete = dayEnd[k] - dayStart[k] + 1 === B;
    if (!complete) {
      bump(`a day in the lookback window does not have ${B} bars`);
      continue;
    }
    const first = dayStart[d - L + 1];
    const last = dayEnd[d];
    if (badPrefix[last + 1] - badPrefix[first] > 0) {
      bump('factor or normalisation warm-up (not yet defined) in the lookback window');
      continue;
    }
    const di = dayIndex.get(date);
    if (di === undefined) {
      bump('target has no daily close on this date');
      continue;
    }
    sampleDates.push(date);
    sampleEnd.push(last);
    knownOn.push(di + knownAfter < targetDaily.date.length ? targetDaily.date[di + knownAfter] : '');
    labels.push(labelByDay[di]);
    fwd.push(fwdByDay[di]);
    closes.push(targetDaily.close[di]);
  }

  const rowLen = L * B * F;
  const lastBarSize = F * C;
  const labelArr = Int8Array.from(labels);
  const fillImage = (i: number, out: Float32Array, offset = 0) => {
    const start = (sampleEnd[i] + 1) * F - rowLen;
    if (C === 1) {
      out.set(norm[0].subarray(start, start + rowLen), offset);
      return;
    }
    for (let c = 0; c < C; c++) {
      const src = norm[c];
      let o = offset + c;
      for (let k = start, end = start + rowLen; k < end; k++, o += C) out[o] = src[k];
    }
  };
  const fillLastBar = (i: number, out: Float32Array, offset = 0) => {
    const start = sampleEnd[i] * F;
    for (let c = 0; c < C; c++) out.set(norm[c].subarray(start, start + F), offset + c * F);
  };
  const ds: FactorDataset = {
    config: cfg,
    factorNames: names,
    dates: sampleDates,
    labels: labelArr,
    forwardReturns: Float64Array.from(fwd),
    targetClose: Float64Array.from(closes),
    imageShape,
    lastBarSize,
    counts: countClasses(labelArr),
    targetDaily,
    fillImage,
    fillLastBar,
    barTimes: (i) => times.slice(sampleEnd[i] + 1 - L * B, sampleEnd[i] + 1),
    source(indices, input) {
      const shape = input === 'image' ? [...imageShape] : [lastBarSize];
      const fill = input === 'image' ? fillImage : fillLastBar;
      return {
        count: indices.length,
        shape,
        fill: (j, out, offset) => fill(indices[j], out, offset),
        label: (j) => labelArr[indices[j]],
        date: (j) => sampleDates[indices[j]],
      };
    },
    dropped: [...dropped].map(([reason, count]) => ({ reason, count })),
    warmupBars,
    alignDropped,
    shortDays,
    filledBars,
    labelKnownOn: knownOn,
  };
  return ds;
}

/** Loads every channel's file from dataDir (found by code in the file name) and builds the dataset. */
export function loadDataset(
  partial: Partial<DatasetConfig>,
  dataDir: string,
): { dataset: FactorDataset; files: string[]; reports: ValidationReport[]; bars: Map<string, Bars> } {
  const cfg = resolveDatasetConfig(partial);
  const bars = new Map<string, Bars>();
  const files: string[] = [];
  const reports: ValidationReport[] = [];
  for (const code of cfg.channels) {
    const file = findSeriesFile(dataDir, code, cfg.barsPerDay);
    const { bars: b, report } = importFile(file, { code });
    bars.set(code, b);
    files.push(file);
    reports.push(report);
  }
  return { dataset: buildDataset(cfg, bars), files, reports, bars };
}
