/** Study setup: default config, live label distribution for the threshold sliders, the factor list. Plain Node. */
import { ablationFor } from '../../shared/config';
import { appStudySetupSchema } from '../../shared/setup-rules';
import { parseJsonText } from '../../shared/json';
import { DEFAULT_DATASET, setupNameFor, type FactorInfo } from '../../shared/domain';
import type { AppStudyConfig, LabelsDto, LabelsRequest, StudyPresetInfo } from '../../shared/ipc-contract';
import { appStudyOf, loadPreset, parseStudyConfig, PRESETS } from '../training/eval/study-config';
import { toDaily } from '../training/data/resample';
import { FACTORS } from '../training/factors/registry';
import { checkDateRange } from '../training/labels/date-range';
import { countClasses, labelSeries } from '../training/labels/labels';
import { DEFAULT_TRAIN } from '../training/train/settings';
import { loadBars } from './data-service';

/** The config the study view starts from: the engine's defaults, daily bars 2010-06-01 on, all four channels, one seed. */
export function defaultStudyConfig(): AppStudyConfig {
  return appStudyOf(
    parseStudyConfig(
      {
        name: setupNameFor(DEFAULT_DATASET.target, DEFAULT_DATASET.horizonDays),
        dataset: { from: '2010-06-01' },
        // step and embargo left to the engine: the test span and the label horizon, whatever they are set to
        walkForward: { window: 'anchored', trainDays: 750, testDays: 250 },
        seeds: [DEFAULT_TRAIN.seed],
        ablation: ablationFor(DEFAULT_DATASET.channels, DEFAULT_DATASET.layout),
      },
      'the default study setup',
    ),
  );
}

/**
 * The setup the study view opens with: the last one saved in the settings while it still passes every rule of
 * the setup (a setup saved by an older version, e.g. with walkForward.mode, or one whose thresholds cross, does
 * not), else the default.
 */
export function lastOrDefaultSetup(last: unknown): AppStudyConfig {
  const r = appStudySetupSchema.safeParse(last);
  return r.success ? (last as AppStudyConfig) : defaultStudyConfig();
}

/** The bundled presets, each with what it trains (the renderer words it in the UI's language). */
export function studyPresets(): StudyPresetInfo[] {
  return PRESETS.map((name) => {
    const c = loadPreset(name);
    const wf = c.walkForward;
    return {
      name,
      model: c.model.preset,
      width: c.model.width,
      epochs: c.train.epochs,
      seeds: c.seeds.length,
      channelSets: c.ablation.channelSets.length,
      window: wf.window,
      testDays: wf.testDays,
      ...(wf.testFrom ? { testFrom: wf.testFrom } : {}),
    };
  });
}

/** A bundled preset as the study setup edits it. */
export function studyPreset(name: string): AppStudyConfig {
  return appStudyOf(loadPreset(name));
}

/**
 * A study config file the user opened (a preset, a saved setup, a study folder's study.json, or any partial
 * study file): defaults filled, problems named with the file, line and field.
 */
export function parseStudyFile(name: string, content: string): AppStudyConfig {
  const raw = parseJsonText(content, name);
  const fallbackName = name.replace(/\.json$/i, '').slice(0, 120) || 'study';
  const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : raw;
  const withName = obj && typeof obj === 'object' && !('name' in obj) ? { name: fallbackName, ...obj } : obj;
  return appStudyOf(parseStudyConfig(withName, name));
}

/**
 * Labels of the target's daily bars with the engine's label function and label price (the same the dataset uses),
 * and class counts of the dates within from..to. Thresholds are fractions.
 */
export function computeLabels(dataDir: string, req: LabelsRequest): LabelsDto {
  let bars = loadBars(dataDir, req.target, req.barsPerDay ?? 1);
  if (bars.barsPerDay > 1) bars = toDaily(bars);
  checkDateRange(req, bars.date, req.target);
  const { forward, labels } = labelSeries(bars.close, req.horizonDays, req.upThreshold, req.downThreshold, {
    labelPrice: req.labelPrice,
    open: bars.open,
  });
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
