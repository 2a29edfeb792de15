/**
 * The run configuration file: { dataset, model, train }, every field optional (defaults: DEFAULT_DATASET,
 * DEFAULT_MODEL, DEFAULT_TRAIN). Unknown or invalid fields are reported by their dotted name and the file.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DatasetConfig } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { resolveDatasetConfig } from '../images/dataset';
import { DEFAULT_MODEL, type ModelSpec } from '../model/spec';
import { validateSpec } from '../model/build';
import { DEFAULT_TRAIN, type TrainSettings } from './settings';

export interface RunConfig {
  dataset: DatasetConfig;
  model: ModelSpec;
  train: TrainSettings;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const posInt = z.number().int().min(1);

const datasetSchema = z.strictObject({
  target: z.string().min(1),
  channels: z.array(z.string().min(1)).min(1),
  horizonDays: posInt,
  upThreshold: z.number(),
  downThreshold: z.number(),
  lookbackDays: posInt,
  barsPerDay: posInt,
  layout: z.enum(['time-factor', 'seed']),
  normWindowDays: posInt,
  clip: z.number().positive(),
  from: date,
  to: date,
  factors: z.array(z.string()).min(1),
});

const modelSchema = z.strictObject({
  preset: z.enum(['googlenet', 'compact', 'logreg', 'mlp', 'cnn']),
  width: z.number().positive(),
  branch3x3: z.enum(['paper', 'original-1x1']),
  batchNorm: z.boolean(),
  lrn: z.boolean(),
  auxHeads: z.boolean(),
  dropout: z.number().min(0).lt(1),
});

const trainSchema = z.strictObject({
  epochs: posInt,
  batchSize: posInt,
  optimizer: z.enum(['adam', 'sgd']),
  learningRate: z.number().positive(),
  momentum: z.number().min(0).lt(1),
  weightDecay: z.number().min(0),
  classWeights: z.enum(['balanced', 'none']),
  earlyStoppingPatience: z.number().int().min(0),
  validationFraction: z.number().min(0).lt(1),
  lrSchedule: z.enum(['constant', 'cosine', 'step']),
  seed: z.number().int(),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
});

const fileSchema = z.strictObject({
  dataset: datasetSchema.partial().optional(),
  model: modelSchema.partial().optional(),
  train: trainSchema.partial().optional(),
});

/** The first problem zod found, as a ConfigError naming the dotted field and the file. */
export function configErrorFromZod(error: z.ZodError, file: string): ConfigError {
  const issue = error.issues[0];
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
    return new ConfigError(keys.join(', '), `unknown field${keys.length > 1 ? 's' : ''} in ${file}`);
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new ConfigError(at || '(root)', `${issue.message} in ${file}${more}`);
}

/** What a config file may hold before defaults are filled. */
export type PartialRunConfig = z.infer<typeof fileSchema>;

/** Validates a parsed config (from `file`, used in messages) and fills every default. Throws ConfigError naming the field. */
export function parseRunConfig(raw: unknown, file = 'config'): RunConfig {
  const r = fileSchema.safeParse(raw);
  if (!r.success) throw configErrorFromZod(r.error, file);
  const p = r.data;
  let dataset: DatasetConfig;
  try {
    dataset = resolveDatasetConfig({ ...(p.dataset ?? {}) });
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(`dataset.${err.field}`, `${err.message.slice(err.field.length + 2)} in ${file}`);
    throw err;
  }
  const model: ModelSpec = { ...DEFAULT_MODEL, ...(p.model ?? {}) };
  try {
    validateSpec(model);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(err.field, `${err.message.slice(err.field.length + 2)} in ${file}`);
    throw err;
  }
  const train: TrainSettings = { ...DEFAULT_TRAIN, ...(p.train ?? {}) };
  return { dataset, model, train };
}

/** Reads and validates a config file; a missing file is an error naming it. */
export function readRunConfig(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('--config', `cannot read ${file}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      '--config',
      `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return parseRunConfig(raw, file);
}
