/** Flags shared by the commands that build a dataset (labels, dataset, image). */
import type { DatasetConfig, ImageLayout } from '../shared/domain';
import { DEFAULT_DATASET } from '../shared/domain';
import { num } from './args';

export const DATASET_FLAGS = {
  data: { type: 'string' },
  target: { type: 'string' },
  channels: { type: 'string' },
  horizon: { type: 'string' },
  up: { type: 'string' },
  down: { type: 'string' },
  lookback: { type: 'string' },
  'bars-per-day': { type: 'string' },
  layout: { type: 'string' },
  'norm-window': { type: 'string' },
  clip: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'label-price': { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = {
  [K in keyof typeof DATASET_FLAGS]?: (typeof DATASET_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

/** Turns the shared flags into a partial dataset config (validation happens in resolveDatasetConfig). */
export function datasetConfigFromFlags(v: Values): Partial<DatasetConfig> {
  const target = v.target ?? DEFAULT_DATASET.target;
  const channels = v.channels
    ? v.channels
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [target];
  const cfg: Partial<DatasetConfig> = {
    target,
    channels,
    horizonDays: num('horizon', v.horizon, DEFAULT_DATASET.horizonDays),
    upThreshold: num('up', v.up, DEFAULT_DATASET.upThreshold),
    downThreshold: num('down', v.down, DEFAULT_DATASET.downThreshold),
    lookbackDays: num('lookback', v.lookback, DEFAULT_DATASET.lookbackDays),
    barsPerDay: num('bars-per-day', v['bars-per-day'], DEFAULT_DATASET.barsPerDay),
    layout: (v.layout ?? DEFAULT_DATASET.layout) as ImageLayout,
    normWindowDays: num('norm-window', v['norm-window'], DEFAULT_DATASET.normWindowDays),
    clip: num('clip', v.clip, DEFAULT_DATASET.clip),
  };
  if (v.from) cfg.from = v.from;
  if (v.to) cfg.to = v.to;
  if (v['label-price']) cfg.labelPrice = v['label-price'] as DatasetConfig['labelPrice'];
  return cfg;
}
