/**
 * The run configuration: a file { dataset, model, train, walkForward? } with every field optional (defaults:
 * DEFAULT_DATASET, DEFAULT_MODEL, DEFAULT_TRAIN) resolves to a RunConfig. The schemas live in
 * src/shared/config.ts; this adds the defaults and the cross-field checks of the dataset and model owners.
 * Unknown or invalid fields are reported by their dotted name and the file.
 */
import { readFileSync } from 'node:fs';
import {
  configErrorFromZod,
  runFileSchema,
  type BacktestConfig,
  type RunConfig,
  type RunFile,
  type WalkForwardConfig,
} from '../../../shared/config';
import type { DatasetConfig } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { parseJsonText } from '../../../shared/json';
import { DEFAULT_BACKTEST } from '../eval/backtest';
import { resolveDatasetConfig } from '../images/dataset';
import { DEFAULT_MODEL, validateSpec, type ModelSpec } from '../model/spec';
import { DEFAULT_TRAIN, type TrainSettings } from './settings';

export type { RunConfig } from '../../../shared/config';
export { configErrorFromZod } from '../../../shared/config';

/** What a config file may hold before defaults are filled. */
export type PartialRunConfig = RunFile;

/** The walk-forward defaults of a run's (and a study's) test block. */
export const DEFAULT_WALK_FORWARD: WalkForwardConfig = { window: 'anchored', trainDays: 750, testDays: 126 };

/** Re-raises an owner's ConfigError with the section prefix and the file, so every message names both. */
function inSection<T>(section: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const field = err.field.startsWith(`${section}.`) ? err.field : `${section}.${err.field}`;
    throw new ConfigError(field, `${err.message.slice(err.field.length + 2)} in ${file}`);
  }
}

/** Validates a parsed config (from `file`, used in messages) and fills every default. Throws ConfigError naming the field. */
export function parseRunConfig(raw: unknown, file = 'config'): RunConfig {
  const r = runFileSchema.safeParse(raw);
  if (!r.success) throw configErrorFromZod(r.error, file);
  // merge the caller's objects, not zod's copies: key order is kept, and config.json and fingerprints with it
  const p = raw as RunFile;
  const dataset: DatasetConfig = inSection('dataset', file, () =>
    resolveDatasetConfig({ ...(p.dataset ?? {}) }),
  );
  const model: ModelSpec = { ...DEFAULT_MODEL, ...(p.model ?? {}) };
  inSection('model', file, () => validateSpec(model));
  const train: TrainSettings = { ...DEFAULT_TRAIN, ...(p.train ?? {}) };
  const config: RunConfig = { dataset, model, train };
  if (p.walkForward) {
    config.walkForward = { ...DEFAULT_WALK_FORWARD, ...p.walkForward };
    checkEmbargo(config.walkForward, dataset.horizonDays, file);
  }
  if (p.backtest) config.backtest = { ...runBacktest(config), ...p.backtest };
  return config;
}

/**
 * The strategy a run's test block and today's signal use: the config's backtest section, else the study's
 * defaults (long on up, next open, holding H-day tranches of the run's own horizon).
 */
export function runBacktest(config: Pick<RunConfig, 'dataset' | 'backtest'>): BacktestConfig {
  return config.backtest ?? { ...DEFAULT_BACKTEST, holdDays: config.dataset.horizonDays };
}

/** The embargo between training labels and test dates may not be shorter than the label horizon. */
export function checkEmbargo(wf: WalkForwardConfig, horizonDays: number, file: string): void {
  if ((wf.embargoDays ?? horizonDays) < horizonDays)
    throw new ConfigError('walkForward.embargoDays', `must be >= horizonDays (${horizonDays}), in ${file}`);
}

/** Reads a JSON object from a file, naming the file (and the line of a syntax error). */
export function readJsonFile(file: string, flag = '--config'): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(flag, `cannot read ${file}`);
  }
  const raw = parseJsonText(text, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(flag, `${file} must hold a JSON object`);
  return raw as Record<string, unknown>;
}
