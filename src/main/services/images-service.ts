/**
 * Factor images for the viewer: builds the engine's dataset (cached per configuration and per version of the
 * files it reads) and copies one sample out, with the stamps of the bars it is made of. Plain Node; runs in the
 * compute worker so a dataset build never blocks the main process.
 */
import { statSync } from 'node:fs';
import type { Bars, DatasetConfig } from '../../shared/domain';
import type { FactorImageDto } from '../../shared/ipc-contract';
import { findSeriesFile } from '../training/data/series-file';
import { importFile } from '../training/data/import';
import { buildDataset, resolveDatasetConfig, type FactorDataset } from '../training/images/dataset';

/** Datasets kept: the viewer's, the study setup's and one more (a run's, for saliency). */
const KEEP = 3;
const datasets = new Map<string, FactorDataset>();
const barsCache = new Map<string, { key: string; bars: Bars }>();

/** The bars of every channel, each file imported once per version (size, modification time). */
export function channelBars(dataDir: string, cfg: DatasetConfig): { bars: Map<string, Bars>; key: string } {
  const bars = new Map<string, Bars>();
  const keys: string[] = [];
  for (const code of cfg.channels) {
    const file = findSeriesFile(dataDir, code, cfg.barsPerDay);
    const st = statSync(file);
    const key = `${file}:${st.size}:${st.mtimeMs}`;
    let hit = barsCache.get(`${file}|${code}`);
    if (hit?.key !== key) {
      hit = { key, bars: importFile(file, { code }).bars };
      barsCache.set(`${file}|${code}`, hit);
    }
    bars.set(code, hit.bars);
    keys.push(key);
  }
  return { bars, key: keys.join('|') };
}

/** The dataset of a configuration over dataDir's files, built once per configuration and file version. */
export function datasetFor(dataDir: string, partial: DatasetConfig): FactorDataset {
  const cfg = resolveDatasetConfig(partial);
  const { bars, key: filesKey } = channelBars(dataDir, cfg);
  const key = JSON.stringify([filesKey, cfg]);
  let ds = datasets.get(key);
  if (ds) {
    datasets.delete(key);
  } else {
    ds = buildDataset(cfg, bars);
  }
  datasets.set(key, ds);
  while (datasets.size > KEEP) datasets.delete(datasets.keys().next().value!);
  return ds;
}

/** Index of the last sample on or before `date` (the first sample when none is), so any calendar date resolves. */
export function sampleAtOrBefore(dates: string[], date: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let i = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid] <= date) {
      i = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return Math.max(0, i);
}

const round3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);

/** The image of one sample date (default: the last sample), split per channel, as clipped z-scores. */
export function factorImage(
  dataDir: string,
  cfg: DatasetConfig,
  date?: string,
  withDates = true,
  around = 0,
): FactorImageDto {
  const ds = datasetFor(dataDir, cfg);
  if (ds.dates.length === 0)
    throw new Error('The dataset has no samples: widen the date range or import more data.');
  const i = date ? sampleAtOrBefore(ds.dates, date) : ds.dates.length - 1;
  const image = imageAt(ds, i, withDates);
  // the samples next to it, for the window's cache: a step of the slider or an arrow key then needs no request
  const near: FactorImageDto[] = [];
  for (let d = 1; d <= around; d++)
    for (const j of [i + d, i - d]) if (j >= 0 && j < ds.dates.length) near.push(imageAt(ds, j, false));
  return near.length ? { ...image, neighbours: near } : image;
}

function imageAt(ds: ReturnType<typeof datasetFor>, i: number, withDates: boolean): FactorImageDto {
  const [height, width, channels] = ds.imageShape;
  const buf = new Float32Array(height * width * channels);
  ds.fillImage(i, buf, 0);
  const values: number[][] = [];
  for (let c = 0; c < channels; c++) {
    const v = new Array<number>(height * width);
    // three decimals of a clipped z-score are more than a colour scale or a tooltip shows
    for (let p = 0; p < height * width; p++) v[p] = round3(buf[p * channels + c]);
    values.push(v);
  }
  const fr = ds.forwardReturns[i];
  return {
    date: ds.dates[i],
    ...(withDates ? { dates: ds.dates } : {}),
    sampleIndex: i,
    sampleCount: ds.dates.length,
    channels: ds.config.channels,
    factorNames: ds.factorNames,
    barTimes: ds.barTimes(i),
    height,
    width,
    values,
    label: ds.labels[i],
    forwardReturn: Number.isNaN(fr) ? null : fr,
  };
}
