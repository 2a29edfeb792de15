/**
 * The study configuration: { dataset, model, train, walkForward, seeds, backtest, ablation, bootstrap, ... },
 * every field optional in a file (defaults below). Presets live in resources/study-presets/<name>.json;
 * a config file is merged over the preset section by section.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { DatasetConfig, ImageLayout } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import type { ModelSpec } from '../model/spec';
import type { TrainSettings } from '../train/settings';
import { configErrorFromZod, parseRunConfig } from '../train/config';
import { DEFAULT_BACKTEST, type BacktestOptions } from './backtest';
import type { WalkForwardOptions } from './splits';

export type StudyWalkForward = Omit<
  WalkForwardOptions,
  'horizonDays' | 'validationFraction' | 'includeUnlabeled'
>;

export interface StudyConfig {
  /** Base dataset; `channels` and `layout` are replaced by each ablation cell. */
  dataset: DatasetConfig;
  model: ModelSpec;
  /** Training settings; `seed` is replaced by each study seed, `validationFraction` sizes the validation slice. */
  train: TrainSettings;
  walkForward: StudyWalkForward;
  /** Seeds of the network's initialisation and batch order; one full walk-forward run each. */
  seeds: number[];
  backtest: BacktestOptions;
  ablation: { channelSets: string[][]; layouts: ImageLayout[] };
  bootstrap: {
    reps: number;
    /** rows per block; default: horizonDays */ blockLength?: number;
    level: number;
    seed: number;
  };
  /** Start each fold from the previous fold's weights (same seed) instead of a fresh initialisation. */
  warmStart: boolean;
  /** Draws averaged for the random baseline. */
  randomDraws: number;
  /** Header language of the CSV files. */
  language: 'en' | 'zh';
  /** Study folder (reports, fold cache). */
  outDir: string;
}

export const DEFAULT_CHANNEL_SETS: string[][] = [
  ['000300'],
  ['000300', '000001'],
  ['000300', '000905'],
  ['000300', '399006'],
  ['000300', '000001', '000905', '399006'],
];

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const posInt = z.number().int().min(1);

const studySchema = z.strictObject({
  dataset: z.record(z.string(), z.unknown()).optional(),
  model: z.record(z.string(), z.unknown()).optional(),
  train: z.record(z.string(), z.unknown()).optional(),
  walkForward: z
    .strictObject({
      window: z.enum(['anchored', 'rolling']),
      trainDays: posInt,
      testDays: posInt,
      stepDays: posInt,
      embargoDays: posInt,
      testFrom: date,
      testTo: date,
      maxFolds: posInt,
    })
    .partial()
    .optional(),
  seeds: z.array(z.number().int()).min(1).optional(),
  backtest: z
    .strictObject({
      positionMap: z.tuple([z.number(), z.number(), z.number()]),
      execution: z.enum(['next-open', 'next-close']),
      commissionBps: z.number().min(0),
      slippageBps: z.number().min(0),
      holdDays: posInt,
    })
    .partial()
    .optional(),
  ablation: z
    .strictObject({
      channelSets: z.array(z.array(z.string().min(1)).min(1)).min(1),
      layouts: z.array(z.enum(['seed', 'time-factor'])).min(1),
    })
    .partial()
    .optional(),
  bootstrap: z
    .strictObject({
      reps: posInt,
      blockLength: posInt,
      level: z.number().gt(0).lt(1),
      seed: z.number().int(),
    })
    .partial()
    .optional(),
  warmStart: z.boolean().optional(),
  randomDraws: posInt.optional(),
  language: z.enum(['en', 'zh']).optional(),
  outDir: z.string().min(1).optional(),
});

export type PartialStudyConfig = z.infer<typeof studySchema>;

const DEFAULT_WALK_FORWARD: StudyWalkForward = { window: 'anchored', trainDays: 750, testDays: 126 };

/** Validates a parsed study config (from `file`, named in messages) and fills every default. */
export function parseStudyConfig(raw: unknown, file = 'study config'): StudyConfig {
  const r = studySchema.safeParse(raw);
  if (!r.success) throw configErrorFromZod(r.error, file);
  const p = r.data;
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
    dataset: run.dataset,
    model: run.model,
    train: run.train,
    walkForward: { ...DEFAULT_WALK_FORWARD, ...(p.walkForward ?? {}) },
    seeds: p.seeds ?? [1, 2, 3, 4, 5],
    backtest: { ...DEFAULT_BACKTEST, ...(p.backtest ?? {}) },
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
  if ((cfg.walkForward.embargoDays ?? cfg.dataset.horizonDays) < cfg.dataset.horizonDays)
    throw new ConfigError(
      'walkForward.embargoDays',
      `must be >= horizonDays (${cfg.dataset.horizonDays}), in ${file}`,
    );
  return cfg;
}

const presetDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../resources/study-presets',
);

/** Names of the bundled presets (resources/study-presets/*.json). */
export const PRESETS = ['quick', 'medium', 'overnight'] as const;

/** Reads a JSON file, naming it (and the line of a syntax error when the parser gives a position). */
export function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError('--config', `file ${file} does not exist`);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    const m = /position (\d+)/.exec(String(err));
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new ConfigError(
      file,
      `is not valid JSON${line ? ` (line ${line})` : ''}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The raw JSON of a bundled preset. */
export function readPreset(name: string): Record<string, unknown> {
  if (!(PRESETS as readonly string[]).includes(name))
    throw new ConfigError('--preset', `unknown preset '${name}' (known: ${PRESETS.join(', ')})`);
  return readJson(path.join(presetDir, `${name}.json`));
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
