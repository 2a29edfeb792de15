/**
 * The study configuration: a file or preset { name, dataset, model, train, walkForward, seeds, backtest, ablation,
 * bootstrap, ... } with every field optional resolves to a StudyConfig with every default filled. The schemas
 * live in src/shared/config.ts; this adds the defaults and the cross-field checks. Presets live in
 * resources/study-presets/<name>.json; a config file is merged over the preset section by section.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  configErrorFromZod,
  studyFileSchema,
  type AppStudyConfig,
  type RunFile,
  type StudyConfig,
  type StudyFile,
  type WalkForwardConfig,
} from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { checkEmbargo, DEFAULT_WALK_FORWARD, parseRunConfig, readJsonFile } from '../train/config';
import { DEFAULT_BACKTEST } from './backtest';

export type { StudyConfig } from '../../../shared/config';

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
  const cfg: StudyConfig = {
    name: p.name ?? 'study',
    dataset: run.dataset,
    model: run.model,
    train: run.train,
    walkForward: { ...DEFAULT_WALK_FORWARD, ...(p.walkForward ?? {}) },
    seeds: p.seeds ?? [1, 2, 3, 4, 5],
    backtest: { ...DEFAULT_BACKTEST, holdDays: run.dataset.horizonDays, ...(p.backtest ?? {}) },
    ablation: { channelSets, layouts: p.ablation?.layouts ?? ['seed', 'time-factor'] },
    bootstrap: { reps: 1000, level: 0.9, seed: 7, ...(p.bootstrap ?? {}) },
    warmStart: p.warmStart ?? false,
    randomDraws: p.randomDraws ?? 20,
    language: p.language ?? 'en',
    outDir: p.outDir ?? 'studies/study',
  };
  if (cfg.bootstrap.blockLength !== undefined && cfg.bootstrap.blockLength < cfg.dataset.horizonDays)
    throw new ConfigError(
      'bootstrap.blockLength',
      `must be >= horizonDays (${cfg.dataset.horizonDays}) because labels overlap, in ${file}`,
    );
  checkEmbargo(cfg.walkForward, cfg.dataset.horizonDays, file);
  return cfg;
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
export const PRESETS = ['quick', 'medium', 'overnight'] as const;

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
