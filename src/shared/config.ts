/**
 * Every configuration schema, written once. The dataset, model, train, walk-forward, backtest, ablation and
 * bootstrap sections each have one schema here that fixes their bounds; the variants are derived from them:
 *
 *   runConfigSchema     a resolved run (config.json of a run folder): dataset, model, train, optional walkForward
 *   runFileSchema       a run config file as a person writes it: every field optional (defaults fill the rest)
 *   studyConfigSchema   a resolved study (study.json of a study folder, plus outDir)
 *   studyFileSchema     a study config file or preset: every field optional, merged over the defaults
 *   appStudyConfigSchema  what the app's study setup edits and sends over IPC: a resolved study without outDir
 *
 * Cross-field rules (the first channel is the target, embargo >= horizon, ...) need the defaults filled and
 * live with the resolvers in the engine (parseRunConfig, parseStudyConfig, resolveDatasetConfig).
 * Pure zod: no node built-ins, so the renderer and the preload can use it.
 */
import { z } from 'zod';
import type { DatasetConfig } from './domain';
import { ConfigError } from './errors';
import { MODEL_PRESETS, type ModelSpec } from './model';
import type { TrainSettings } from './training';

export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
export const indexCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,32}$/, 'expected an index code such as 000300');
const int = () => z.number().int();

// ---------------------------------------------------------------- sections (each bound chosen here once)

export const datasetSchema = z.strictObject({
  target: indexCodeSchema,
  channels: z.array(indexCodeSchema).min(1).max(8),
  horizonDays: int().min(1).max(250),
  upThreshold: z.number().gt(-1).lt(1),
  downThreshold: z.number().gt(-1).lt(1),
  lookbackDays: int().min(2).max(500),
  barsPerDay: int().min(1).max(240),
  layout: z.enum(['time-factor', 'seed']),
  normWindowDays: int().min(2).max(1000),
  clip: z.number().positive().max(100),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  factors: z.array(z.string().min(1)).min(1).optional(),
  /** 'close': close(t) -> close(t+H); 'next-open': open(t+1) -> open(t+1+H), the price the strategy can trade. */
  labelPrice: z.enum(['close', 'next-open']).optional(),
});

export const modelSchema = z.strictObject({
  preset: z.enum(MODEL_PRESETS),
  width: z.number().positive().max(8),
  branch3x3: z.enum(['paper', 'original-1x1']),
  batchNorm: z.boolean(),
  lrn: z.boolean(),
  auxHeads: z.boolean(),
  dropout: z.number().min(0).lt(1),
});

export const trainSchema = z.strictObject({
  epochs: int().min(1).max(1000),
  batchSize: int().min(1).max(4096),
  optimizer: z.enum(['adam', 'sgd']),
  learningRate: z.number().positive().max(10),
  momentum: z.number().min(0).lt(1),
  weightDecay: z.number().min(0).max(1),
  classWeights: z.enum(['balanced', 'none']),
  earlyStoppingPatience: int().min(0).max(1000),
  // walkForwardSplits needs < 0.9 so a fold keeps training samples beside its validation slice
  validationFraction: z.number().min(0).lt(0.9),
  lrSchedule: z.enum(['constant', 'cosine', 'step']),
  seed: int(),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
});

/** Walk-forward folds; spans are counted in samples (trading days for daily data). See eval/splits.ts. */
export const walkForwardSchema = z.strictObject({
  window: z.enum(['anchored', 'rolling']),
  trainDays: int().min(1),
  testDays: int().min(1),
  /** Default testDays; must be >= testDays (checked by the splitter). */
  stepDays: int().min(1).optional(),
  /** Default and minimum: horizonDays (checked by the resolver). */
  embargoDays: int().min(1).optional(),
  testFrom: dateSchema.optional(),
  testTo: dateSchema.optional(),
  maxFolds: int().min(1).optional(),
});

export const backtestSchema = z.strictObject({
  positionMap: z.tuple([z.number(), z.number(), z.number()]),
  execution: z.enum(['next-open', 'next-close']),
  commissionBps: z.number().min(0),
  slippageBps: z.number().min(0),
  /** Default: the dataset's horizonDays (H-day overlapping tranches, as the label). */
  holdDays: int().min(1),
  /** Yearly cash rate earned by the un-invested part and subtracted for the excess-return Sharpe (fraction). */
  cashRatePerYear: z.number().min(0).max(0.2),
});

export const ablationSchema = z.strictObject({
  channelSets: z.array(z.array(indexCodeSchema).min(1)).min(1),
  layouts: z.array(z.enum(['seed', 'time-factor'])).min(1),
});

export const bootstrapSchema = z.strictObject({
  reps: int().min(1),
  /** Rows per block; default horizonDays, and never below it (labels overlap). */
  blockLength: int().min(1).optional(),
  level: z.number().gt(0).lt(1),
  seed: int(),
});

const studyFields = {
  name: z.string().min(1).max(120),
  seeds: z.array(int()).min(1).max(50),
  warmStart: z.boolean(),
  randomDraws: int().min(1),
  language: z.enum(['en', 'zh']),
  outDir: z.string().min(1),
};

// ---------------------------------------------------------------- variants

export const runConfigSchema = z.strictObject({
  dataset: datasetSchema,
  model: modelSchema,
  train: trainSchema,
  /** When present, the run trains on the last walk-forward fold and is scored on its test block. */
  walkForward: walkForwardSchema.optional(),
  /** The strategy its test block is backtested with (and today's signal acts by); trains nothing. */
  backtest: backtestSchema.optional(),
});

export const runFileSchema = z.strictObject({
  dataset: datasetSchema.partial().optional(),
  model: modelSchema.partial().optional(),
  train: trainSchema.partial().optional(),
  walkForward: walkForwardSchema.partial().optional(),
  backtest: backtestSchema.partial().optional(),
});

export const appStudyConfigSchema = z.strictObject({
  name: studyFields.name,
  dataset: datasetSchema,
  model: modelSchema,
  train: trainSchema,
  walkForward: walkForwardSchema,
  seeds: studyFields.seeds,
  backtest: backtestSchema,
  ablation: ablationSchema,
  bootstrap: bootstrapSchema,
  warmStart: studyFields.warmStart,
  randomDraws: studyFields.randomDraws,
  language: studyFields.language,
});

export const studyConfigSchema = appStudyConfigSchema.extend({ outDir: studyFields.outDir });

export const studyFileSchema = z.strictObject({
  name: studyFields.name.optional(),
  dataset: datasetSchema.partial().optional(),
  model: modelSchema.partial().optional(),
  train: trainSchema.partial().optional(),
  walkForward: walkForwardSchema.partial().optional(),
  seeds: studyFields.seeds.optional(),
  backtest: backtestSchema.partial().optional(),
  ablation: ablationSchema.partial().optional(),
  bootstrap: bootstrapSchema.partial().optional(),
  warmStart: studyFields.warmStart.optional(),
  randomDraws: studyFields.randomDraws.optional(),
  language: studyFields.language.optional(),
  outDir: studyFields.outDir.optional(),
});

export type WalkForwardConfig = z.infer<typeof walkForwardSchema>;
export type BacktestConfig = z.infer<typeof backtestSchema>;
export type AblationConfig = z.infer<typeof ablationSchema>;
export type BootstrapConfig = z.infer<typeof bootstrapSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunFile = z.infer<typeof runFileSchema>;
/** A resolved study: every default filled, `outDir` the study folder. */
export type StudyConfig = z.infer<typeof studyConfigSchema>;
export type StudyFile = z.infer<typeof studyFileSchema>;
/** Everything the app's study setup edits; saved as a JSON file (a valid study file) and as the last config. */
export type AppStudyConfig = z.infer<typeof appStudyConfigSchema>;

// the documented interfaces and the schemas must describe the same objects
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<z.infer<typeof datasetSchema>, DatasetConfig>,
  Same<z.infer<typeof modelSchema>, ModelSpec>,
  Same<z.infer<typeof trainSchema>, TrainSettings>,
] = [true, true, true];
void sameShapes;

/** The first problem zod found, as a ConfigError naming the dotted field and (when given) the file. */
export function configErrorFromZod(error: z.ZodError, file?: string): ConfigError {
  const issue = error.issues[0];
  const at = issue.path.map(String).join('.');
  const where = file ? ` in ${file}` : '';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
    return new ConfigError(keys.join(', '), `unknown field${keys.length > 1 ? 's' : ''}${where}`);
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new ConfigError(at || '(root)', `${issue.message}${where}${more}`);
}

/**
 * The app's ablation for a channel choice: the target alone, the target with each overlay, and all channels
 * together when there is more than one overlay; one layout, the chosen one.
 */
export function ablationFor(channels: string[], layout: DatasetConfig['layout']): AblationConfig {
  const [target, ...overlays] = channels;
  const channelSets = [[target], ...overlays.map((o) => [target, o])];
  if (overlays.length > 1) channelSets.push([...channels]);
  return { channelSets, layouts: [layout] };
}
