/**
 * The study configuration: a file or preset { name, dataset, model, train, walkForward, seeds, backtest, ablation,
 * bootstrap, baselines, importance, statistics, power, ... } with every field optional resolves to a StudyConfig with every default filled. The schemas
 * live in src/shared/config.ts; this adds the defaults and the cross-field checks. Presets live in
 * resources/study-presets/<name>.json; a config file is merged over the preset section by section.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  configErrorFromZod,
  studyFileSchema,
  type AblationConfig,
  type AppStudyConfig,
  type ImportanceConfig,
  type ModelVariant,
  type PowerConfig,
  type StatisticsConfig,
  type RunFile,
  type StudyConfig,
  type StudyFile,
  type WalkForwardConfig,
} from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import type { ModelSpec } from '../../../shared/model';
import { validateSpec } from '../model/spec';
import { checkEmbargo, DEFAULT_WALK_FORWARD, parseRunConfig, readJsonFile } from '../train/config';
import { DEFAULT_LAGS_DAYS } from '../tabular/table';
import { DEFAULT_BACKTEST } from './backtest';
import { LOGISTIC_L2_GRID } from './baselines';

export type { StudyConfig } from '../../../shared/config';

/** Permutation importance on the primary cell's fold models, two block permutations per group and fold. */
export const DEFAULT_IMPORTANCE: ImportanceConfig = { enabled: true, cells: 'primary', repeats: 2 };

/** 16 CSCV blocks (Bailey et al. 2017), the underfitting flag below a median top-class probability of 0.40. */
export const DEFAULT_STATISTICS: StatisticsConfig = { pboBlocks: 16, underfitThreshold: 0.4, priorTrials: 0 };

/**
 * Five planted strengths from the honest null to a drift a trend follower would see, five replicates each: 25
 * surrogate studies of the primary cell (an 80 % power estimate from 5 runs is coarse; raise replicates overnight).
 */
export const DEFAULT_POWER: PowerConfig = {
  strengths: [0, 0.02, 0.05, 0.1, 0.2],
  replicates: 5,
  tellRate: 1,
  cells: 'primary',
};

/** The walk-forward section of a study: the splitter's options less those the study derives itself. */
export type StudyWalkForward = WalkForwardConfig;

export const DEFAULT_CHANNEL_SETS: string[][] = [
  ['000300'],
  ['000300', '000001'],
  ['000300', '000905'],
  ['000300', '399006'],
  ['000300', '000001', '000905', '399006'],
];

export type PartialStudyConfig = StudyFile;

/** Validates a parsed study config (from `file`, named in messages) and fills every default. */
export function parseStudyConfig(raw: unknown, file = 'study config'): StudyConfig {
  const r = studyFileSchema.safeParse(raw);
  if (!r.success) throw configErrorFromZod(r.error, file);
  // merge the caller's objects, not zod's copies: key order is kept, and the fold cache's hashes with it
  const p = raw as StudyFile;
  const run = parseRunConfig({ dataset: p.dataset ?? {}, model: p.model ?? {}, train: p.train ?? {} }, file);
  const channelSets = p.ablation?.channelSets ?? DEFAULT_CHANNEL_SETS;
  channelSets.forEach((set, i) => {
    if (set[0] !== run.dataset.target)
      throw new ConfigError(
        `ablation.channelSets.${i}`,
        `must start with the target ${run.dataset.target}, got ${set.join(',')} in ${file}`,
      );
  });
  const ablation = resolveAblation(p.ablation ?? {}, channelSets, run.model, file);
  const cfg: StudyConfig = {
    name: p.name ?? 'study',
    dataset: run.dataset,
    model: run.model,
    train: run.train,
    walkForward: { ...DEFAULT_WALK_FORWARD, ...(p.walkForward ?? {}) },
    seeds: p.seeds ?? [1, 2, 3, 4, 5],
    backtest: { ...DEFAULT_BACKTEST, holdDays: run.dataset.horizonDays, ...(p.backtest ?? {}) },
    ablation,
    bootstrap: { reps: 1000, level: 0.9, seed: 7, ...(p.bootstrap ?? {}) },
    warmStart: p.warmStart ?? false,
    randomDraws: p.randomDraws ?? 20,
    language: p.language ?? 'en',
    outDir: p.outDir ?? 'studies/study',
    baselines: {
      momentumHorizonsDays: [run.dataset.horizonDays, 60],
      trendWindowDays: 200,
      logisticL2Grid: [...LOGISTIC_L2_GRID],
      gbdt: {},
      include: 'all',
      ...(p.baselines ?? {}),
      tabular: { lagsDays: [...DEFAULT_LAGS_DAYS], alpha: true, ...(p.baselines?.tabular ?? {}) },
    },
    importance: { ...DEFAULT_IMPORTANCE, ...(p.importance ?? {}) },
    statistics: { ...DEFAULT_STATISTICS, ...(p.statistics ?? {}) },
    power: { ...DEFAULT_POWER, ...(p.power ?? {}) },
  };
  if (cfg.bootstrap.blockLength !== undefined && cfg.bootstrap.blockLength < cfg.dataset.horizonDays)
    throw new ConfigError(
      'bootstrap.blockLength',
      `must be >= horizonDays (${cfg.dataset.horizonDays}) because labels overlap, in ${file}`,
    );
  checkEmbargo(cfg.walkForward, cfg.dataset.horizonDays, file);
  return cfg;
}

/** The model a variant trains: the study's model with the variant's fields (all but its name) over it. */
export function variantSpec(model: ModelSpec, variant: ModelVariant): ModelSpec {
  const { name: _name, ...fields } = variant;
  return { ...model, ...fields };
}

/**
 * The ablation section with its defaults; barSizes and models only when given, so a study without them resolves
 * (and is hashed and written) exactly as before they existed.
 */
function resolveAblation(
  a: NonNullable<StudyFile['ablation']>,
  channelSets: string[][],
  model: ModelSpec,
  file: string,
): AblationConfig {
  const out: AblationConfig = { channelSets, layouts: a.layouts ?? ['seed', 'time-factor'] };
  if (a.barSizes) {
    a.barSizes.forEach((b, i) => {
      if (a.barSizes!.findIndex((o) => o.barsPerDay === b.barsPerDay) !== i)
        throw new ConfigError(
          `ablation.barSizes.${i}.barsPerDay`,
          `${b.barsPerDay} bars a day is listed twice in ${file}`,
        );
    });
    out.barSizes = a.barSizes;
  }
  if (a.models) {
    a.models.forEach((v, i) => {
      if (a.models!.findIndex((o) => o.name === v.name) !== i)
        throw new ConfigError(`ablation.models.${i}.name`, `'${v.name}' is listed twice in ${file}`);
      try {
        validateSpec(variantSpec(model, v));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        throw new ConfigError(
          `ablation.models.${i}.${err.field.replace(/^model\./, '')}`,
          `${err.message.slice(err.field.length + 2)} (model '${v.name}') in ${file}`,
        );
      }
    });
    out.models = a.models;
  }
  return out;
}

/** The app's study setup as an engine study writing into outDir (checked and completed like a file). */
export function studyOfApp(app: AppStudyConfig, outDir: string, what = 'the study setup'): StudyConfig {
  return parseStudyConfig({ ...app, outDir }, what);
}

/** The app's setup as a run config: one model trained on the last walk-forward fold, scored on its test block. */
export function runOfApp(app: AppStudyConfig): RunFile {
  return {
    dataset: app.dataset,
    model: app.model,
    train: app.train,
    walkForward: app.walkForward,
    backtest: app.backtest,
  };
}

/** A resolved study as the app edits it (outDir belongs to the folder, not the setup). */
export function appStudyOf(config: StudyConfig): AppStudyConfig {
  const { outDir: _outDir, ...app } = config;
  return app;
}

const presetDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../resources/study-presets',
);

/** Names of the bundled presets (resources/study-presets/*.json). */
export const PRESETS = ['quick', 'medium', 'overnight', 'intraday'] as const;

/** Reads a JSON object from a file, naming the file (and the line of a syntax error). */
export function readJson(file: string): Record<string, unknown> {
  return readJsonFile(file);
}

/** The raw JSON of a bundled preset. */
export function readPreset(name: string): Record<string, unknown> {
  if (!(PRESETS as readonly string[]).includes(name))
    throw new ConfigError('--preset', `unknown preset '${name}' (known: ${PRESETS.join(', ')})`);
  return readJson(path.join(presetDir, `${name}.json`));
}

/** A bundled preset resolved, named after itself. */
export function loadPreset(name: string, outDir?: string): StudyConfig {
  const raw = readPreset(name);
  return parseStudyConfig(
    { name, ...raw, ...(outDir ? { outDir } : {}) },
    `resources/study-presets/${name}.json`,
  );
}

/** Merges a config over a preset section by section (objects merged one level deep; arrays and scalars replaced). */
export function mergeConfig(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
        ? { ...b, ...v }
        : v;
  }
  return out;
}
