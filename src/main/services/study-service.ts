/** Study setup: default config, live label distribution for the threshold sliders, the factor list. Plain Node. */
import { DEFAULT_DATASET, type FactorInfo } from '../../shared/domain';
import type { AppStudyConfig, LabelsDto, LabelsRequest } from '../../shared/ipc-contract';
import { toDaily } from '../training/data/resample';
import { FACTORS } from '../training/factors/registry';
import { countClasses, labelSeries } from '../training/labels/labels';
import { DEFAULT_MODEL } from '../training/model/spec';
import { DEFAULT_TRAIN } from '../training/train/settings';
import { loadBars } from './data-service';

/** The config the study view starts from: the engine's defaults, daily bars 2010-06-01 on (all four channels). */
export function defaultStudyConfig(): AppStudyConfig {
  return {
    name: 'csi300-h14',
    dataset: { ...DEFAULT_DATASET, channels: [...DEFAULT_DATASET.channels], from: '2010-06-01' },
    model: { ...DEFAULT_MODEL },
    train: { ...DEFAULT_TRAIN },
    walkForward: {
      mode: 'anchored',
      trainDays: 750,
      testDays: 250,
      stepDays: 250,
      embargoDays: 14,
      seeds: 1,
    },
  };
}

/**
 * Labels of the target's daily closes with the engine's label function (the same the dataset uses), and class
 * counts of the dates within from..to. Thresholds are fractions.
 */
export function computeLabels(dataDir: string, req: LabelsRequest): LabelsDto {
  let bars = loadBars(dataDir, req.target);
  if (bars.barsPerDay > 1) bars = toDaily(bars);
  const { forward, labels } = labelSeries(bars.close, req.horizonDays, req.upThreshold, req.downThreshold);
  return {
    target: req.target,
    dates: bars.date,
    close: Array.from(bars.close),
    forward: Array.from(forward, (r) => (Number.isNaN(r) ? null : r)),
    labels: Array.from(labels),
    counts: countClasses(labels, bars.date, req.from, req.to),
  };
}

/** Documentation of every registered factor (without the compute function). */
export function factorList(): FactorInfo[] {
  return FACTORS.map(({ name, group, description, formula, params, warmup }) => ({
    name,
    group,
    description,
    formula,
    params,
    warmup,
  }));
}
