/** Factor images for the viewer: builds (and caches) the engine's dataset and copies one sample out. Plain Node. */
import type { DatasetConfig } from '../../shared/domain';
import type { FactorImageDto } from '../../shared/ipc-contract';
import { loadDataset, type FactorDataset } from '../training/images/dataset';

let cached: { key: string; dataset: FactorDataset } | undefined;

function datasetFor(dataDir: string, cfg: DatasetConfig): FactorDataset {
  const key = JSON.stringify([dataDir, cfg]);
  if (cached?.key !== key) cached = { key, dataset: loadDataset(cfg, dataDir).dataset };
  return cached.dataset;
}

/** The image of one sample date (default: the last sample), split per channel, as clipped z-scores. */
export function factorImage(dataDir: string, cfg: DatasetConfig, date?: string): FactorImageDto {
  const ds = datasetFor(dataDir, cfg);
  if (ds.dates.length === 0)
    throw new Error('The dataset has no samples: widen the date range or import more data.');
  let i = ds.dates.length - 1;
  if (date) {
    // the last sample on or before the requested date, so any calendar date on the slider resolves
    let lo = 0;
    let hi = ds.dates.length - 1;
    i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ds.dates[mid] <= date) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (i < 0) i = 0;
  }
  const [height, width, channels] = ds.imageShape;
  const buf = new Float32Array(height * width * channels);
  ds.fillImage(i, buf, 0);
  const values: number[][] = [];
  for (let c = 0; c < channels; c++) {
    const v = new Array<number>(height * width);
    for (let p = 0; p < height * width; p++) v[p] = buf[p * channels + c];
    values.push(v);
  }
  const fr = ds.forwardReturns[i];
  return {
    date: ds.dates[i],
    dates: ds.dates,
    channels: ds.config.channels,
    factorNames: ds.factorNames,
    height,
    width,
    values,
    label: ds.labels[i],
    forwardReturn: Number.isNaN(fr) ? null : fr,
  };
}
