/**
 * Every configuration schema, written once. The dataset, model, train, walk-forward, backtest, ablation,
 * bootstrap, baselines, importance, statistics and power sections each have one schema here that fixes their
 * bounds; the variants are derived from them:
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

/** True for a real calendar day written YYYY-MM-DD (2015-02-30 and 2020-13-45 are not). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, {
    error: (iss) => `must be YYYY-MM-DD, got '${String(iss.input)}'`,
    abort: true,
  })
  .refine(isCalendarDate, {
    error: (iss) => `'${String(iss.input)}' is not a calendar date (no such day)`,
  });
/** A run or study folder's name inside the runs folder. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected a run id (letters, digits, . _ -)')
  .refine((s) => s !== '.' && s !== '..', 'expected a run id, not . or ..');
/** An absolute folder path, POSIX (/...) or Windows (C:\... or \\server\...); no NUL bytes. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'must be an absolute folder path')
  .refine((s) => !s.includes('\0'), 'must not contain NUL bytes');
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
  // above 1 both optimizers diverge on these images within an epoch (the loss turns NaN): never a real setting
  learningRate: z.number().positive().max(1),
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

/**
 * One bar size a study compares: bars a day (1 = daily, 16 = fifteen-minute bars) and the folder of index files
 * it reads them from (default: the study's data folder, `--data`; a relative path is taken from that folder, so
 * '../raw/czsc-1min' beside cn-index-daily).
 */
export const barSizeSchema = z.strictObject({
  barsPerDay: int().min(1).max(240),
  dataDir: z.string().min(1).optional(),
});

/** Name of a bar size in cell keys and tables: 'daily', or the bar length of a 240-minute session ('15min'). */
export function barSizeName(barsPerDay: number): string {
  if (barsPerDay === 1) return 'daily';
  const minutes = 240 / barsPerDay;
  return Number.isInteger(minutes) ? `${minutes}min` : `${barsPerDay}bars`;
}

/** Cell-key names: lower-case letters, digits and dashes, so a key stays a file name. */
const variantNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a short name of lower-case letters, digits and dashes');

/** One model a study compares: a name (it ends the cell key) and the fields it changes in the study's `model`. */
export const modelVariantSchema = modelSchema.partial().extend({ name: variantNameSchema });

export const ablationSchema = z.strictObject({
  channelSets: z.array(z.array(indexCodeSchema).min(1)).min(1),
  layouts: z.array(z.enum(['seed', 'time-factor'])).min(1),
  /**
   * Bar sizes compared on the same dates (each cell's dataset takes its barsPerDay and folder from one);
   * absent: dataset.barsPerDay from the study's data folder, and cell keys and fold hashes as before.
   */
  barSizes: z.array(barSizeSchema).min(1).max(6).optional(),
  /** Models compared on the same dates, each merged over `model`; absent: `model` alone, keys as before. */
  models: z.array(modelVariantSchema).min(1).max(8).optional(),
});

export const bootstrapSchema = z.strictObject({
  reps: int().min(1),
  /** Rows per block; default horizonDays, and never below it (labels overlap). */
  blockLength: int().min(1).optional(),
  level: z.number().gt(0).lt(1),
  seed: int(),
});

/** GBDT baseline parameters; the engine's DEFAULT_GBDT (gbdt/booster.ts) fills what is left out. */
export const gbdtSchema = z.strictObject({
  numRounds: int().min(1).max(5000).optional(),
  learningRate: z.number().positive().max(1).optional(),
  numLeaves: int().min(2).max(1024).optional(),
  maxDepth: int().min(-1).max(64).optional(),
  minDataInLeaf: int().min(1).optional(),
  lambdaL2: z.number().min(0).optional(),
  featureFraction: z.number().gt(0).max(1).optional(),
  baggingFraction: z.number().gt(0).max(1).optional(),
  earlyStoppingRounds: int().min(0).optional(),
  maxBin: int().min(2).max(256).optional(),
});

/**
 * The study's extra baselines (issue 14), scored on the study rows and backtested like the CNN cells. Not in the
 * fold cache's hash: they change no CNN fold.
 */
export const baselinesSchema = z.strictObject({
  /** Past-return horizons of time-series momentum; default [horizonDays, 60]. */
  momentumHorizonsDays: z.array(int().min(1).max(1000)).min(1).max(4).optional(),
  /** Moving-average window of the trend filter (trading days). */
  trendWindowDays: int().min(2).max(1000),
  /** L2 penalties the logistic regression chooses from on each fold's validation slice. */
  logisticL2Grid: z.array(z.number().positive().max(1e6)).min(1).max(20),
  /** Gradient-boosted trees on the feature table, or false to leave them out. */
  gbdt: z.union([z.literal(false), gbdtSchema]),
  /**
   * Which baselines run: 'all' (chance, persistence, the rules, the fitted models), 'rules' (no fitted models), or
   * 'chance' (majority and random only). The power analysis uses 'chance': on surrogate data the planted drift is
   * momentum the rules and persistence follow and a candle the fitted models read, so beating them would not
   * measure the CNN's power to see a signal.
   */
  include: z.enum(['all', 'rules', 'chance']),
  /** The feature table the logistic regression and the trees read (tabular/table.ts). */
  tabular: z.strictObject({
    /** Days of factor history per channel (0 = the sample date). */
    lagsDays: z.array(int().min(0).max(499)).min(1).max(10),
    /** Alpha158-style index features of every channel (the trees read them; the logistic reads lag 0 only). */
    alpha: z.boolean(),
  }),
});

/** Permutation importance of the overlay channels and factor families on the test dates (eval/importance.ts). */
export const importanceSchema = z.strictObject({
  enabled: z.boolean(),
  /** Cells whose fold models are scored: the primary only, or the single-index reference as well. */
  cells: z.enum(['primary', 'primary+reference']),
  /** Block permutations averaged per group and fold. */
  repeats: int().min(1).max(20),
});

/** Options of the study's statistics (eval/statistics/study-statistics.ts). */
export const statisticsSchema = z.strictObject({
  /** Blocks of the PBO's combinatorially symmetric cross-validation (even). */
  pboBlocks: int()
    .min(2)
    .max(32)
    .refine((x) => x % 2 === 0, 'must be even'),
  /** Median top-class probability below which a cell is flagged as underfitting. */
  underfitThreshold: z
    .number()
    .gt(1 / 3)
    .lt(1),
  /**
   * Configurations tried before this study whose results were seen (earlier presets, layouts, settings): added to
   * this study's cells and baselines as the Deflated Sharpe Ratio's number of trials.
   */
  priorTrials: int().min(0).max(100_000),
});

/** The power analysis (factor-inception power): surrogate studies with a planted signal of known strength. */
export const powerSchema = z.strictObject({
  /** Planted total log drift over the H days after a tell (0 = the honest null). */
  strengths: z.array(z.number().min(0).max(1)).min(1).max(20),
  replicates: int().min(1).max(200),
  /** Share of H-day blocks that carry a tell. */
  tellRate: z.number().gt(0).max(1),
  /** 'primary': surrogate studies train the primary cell only; 'all': every cell (the verdict's whole family). */
  cells: z.enum(['primary', 'all']),
  /** Where power.json is written and read; default <study folder>/power.json. */
  file: z.string().min(1).optional(),
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
  // the app's setup may leave these out (defaults fill them); none of them changes what a fold trains
  baselines: baselinesSchema.optional(),
  importance: importanceSchema.optional(),
  statistics: statisticsSchema.optional(),
  power: powerSchema.optional(),
});

export const studyConfigSchema = appStudyConfigSchema.extend({
  outDir: studyFields.outDir,
  baselines: baselinesSchema,
  importance: importanceSchema,
  statistics: statisticsSchema,
  power: powerSchema,
});

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
  baselines: baselinesSchema
    .extend({ tabular: baselinesSchema.shape.tabular.partial() })
    .partial()
    .optional(),
  importance: importanceSchema.partial().optional(),
  statistics: statisticsSchema.partial().optional(),
  power: powerSchema.partial().optional(),
});

/**
 * study.json of a study folder: a study file, as the study job writes it, with every section present (a
 * resumed study must train what the folder started, not the defaults of the day). Missing newer optional fields
 * still take their defaults.
 */
export const studyFolderFileSchema = studyFileSchema.required({
  name: true,
  dataset: true,
  model: true,
  train: true,
  walkForward: true,
  seeds: true,
});

// ---------------------------------------------------------------- the app's settings (config.json of the app folder)

/**
 * The app's settings file as it is stored; read through this schema by the settings loader, field by field
 * (main/services/settings-file.ts), and written back only through its patch variant below.
 */
export const appSettingsSchema = z.strictObject({
  /** Folder of index files the app reads and imports into. */
  dataDir: absolutePathSchema,
  /** Folder of training / study runs. */
  runsDir: absolutePathSchema,
  language: z.enum(['zh', 'en']).optional(),
  theme: z.enum(['light', 'dark', 'system']),
  /** 'red-up' is the Chinese market convention (rising = red), 'green-up' the Western one. */
  colorConvention: z.enum(['red-up', 'green-up']).optional(),
  lastStudyConfig: appStudyConfigSchema.optional(),
  recentRuns: z.array(runIdSchema).max(10),
  /** Data update: the quote source ('auto' = Eastmoney, then Sina). */
  updateSource: z.enum(['auto', 'eastmoney', 'sina']).optional(),
  /** Data update: scheme and host that replace the sources' (a mirror, a proxy, a local test server). */
  updateBaseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
});

/** What `settings.set` may change: every field but the recent runs (the job service keeps those). */
export const settingsPatchSchema = appSettingsSchema.omit({ recentRuns: true }).partial().strict();

export type AppSettings = z.infer<typeof appSettingsSchema>;

export type WalkForwardConfig = z.infer<typeof walkForwardSchema>;
export type BacktestConfig = z.infer<typeof backtestSchema>;
export type AblationConfig = z.infer<typeof ablationSchema>;
export type BarSize = z.infer<typeof barSizeSchema>;
export type ModelVariant = z.infer<typeof modelVariantSchema>;
export type BootstrapConfig = z.infer<typeof bootstrapSchema>;
export type GbdtConfig = z.infer<typeof gbdtSchema>;
export type BaselinesConfig = z.infer<typeof baselinesSchema>;
export type ImportanceConfig = z.infer<typeof importanceSchema>;
export type StatisticsConfig = z.infer<typeof statisticsSchema>;
export type PowerConfig = z.infer<typeof powerSchema>;
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
