/**
 * The one IPC contract between the renderer and whoever serves it (Electron main through the preload, or the web
 * host over HTTP). Request channels are named `domain.verb`, events `domain.onThing`.
 * Pure TypeScript + zod: no electron, no node built-ins.
 */
import { z } from 'zod';
import {
  datasetSchema,
  dateSchema,
  indexCodeSchema,
  runIdSchema,
  settingsPatchSchema,
  type AppSettings,
  type AppStudyConfig,
} from './config';
import type { UpdateProgress, UpdateReport } from './data-update';
import type { ClassCounts, DatasetConfig, FactorInfo, LabelPrice, ValidationReport } from './domain';
import { appStudySetupSchema, type SetupIssue } from './setup-rules';
import type { StudyStatistics } from './study-statistics';
import type {
  BaselineSummary,
  CellSummary,
  EquityDto,
  LabelCheckDto,
  StatsDto,
  StudyImportance,
  StudySummary,
} from './study-summary';
import type { EpochMetrics, TrainProgress } from './training';

export type { AppSettings, AppStudyConfig } from './config';
export type { UpdateProgress, UpdateReport } from './data-update';
export type { SetupIssue } from './setup-rules';

// ---------------------------------------------------------------- payload types

// AppSettings is the settings file's schema (shared/config.ts appSettingsSchema)
export type Theme = AppSettings['theme'];
export type Language = NonNullable<AppSettings['language']>;
/** 'red-up' is the Chinese market convention (rising = red), 'green-up' the Western one. */
export type ColorConvention = NonNullable<AppSettings['colorConvention']>;

/** Data update: the quote source ('auto' = Eastmoney, then Sina). */
export type UpdateSource = NonNullable<AppSettings['updateSource']>;

/** A bundled study preset (resources/study-presets/<name>.json) as the study setup offers it. */
export interface StudyPresetInfo {
  name: string;
  /** What it trains, for the one line the setup shows in the UI's language. */
  model: string;
  width: number;
  epochs: number;
  seeds: number;
  channelSets: number;
  window: 'anchored' | 'rolling';
  testDays: number;
  /** First test date; absent = the first date the training span allows. */
  testFrom?: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'web';
  platform: string;
  dataDir: string;
  runsDir: string;
  settingsFile: string;
  /**
   * Set when the settings file could not be used as it was (unreadable, not JSON, a field of the wrong type, a
   * folder that is not one): what was wrong, what is used instead and where the bad copy was kept. The app
   * shows it as a banner.
   */
  settingsProblem?: string;
}

/** One series in the data folder: a file of one index at one bar size (a daily and a 1-minute file are two). */
export interface IndexInfo {
  code: string;
  /** Full path of the file. */
  file: string;
  /** The file's name in the data folder (what data.bars takes to pick this series). */
  name: string;
  rows: number;
  barsPerDay: number;
  /** Bars per day a dataset can be built at from this series (1 = daily, 16 = 15-minute, ...). */
  barSizes: number[];
  first: string;
  last: string;
  format: string;
}

/** What a series in the data folder or an incoming file holds. */
export interface SeriesSummary {
  name: string;
  first?: string;
  last?: string;
  rows: number;
  barsPerDay: number;
  format: string;
}

/** An import that would replace files already in the data folder: kept back until the user says replace. */
export interface ImportConflict {
  /** The name the file would be saved under. */
  target: string;
  /** The series in the data folder it would replace (same index, same kind: daily or intraday). */
  replaces: SeriesSummary[];
  incoming: SeriesSummary;
}

/** A folder the user typed, as the host sees it. */
export interface DirCheck {
  dir: string;
  exists: boolean;
  isDirectory: boolean;
  /** Files in it the importer could read as index series. */
  indexFiles: number;
}

export interface ImportOutcome {
  name: string;
  ok: boolean;
  /** Present when the file could be read (possibly with dropped rows listed in report.issues). */
  report?: ValidationReport;
  /** A message a person can act on when the file could not be used at all. */
  error?: string;
  /** Not kept because it would replace these series: send it again with replace: true to replace them. */
  conflict?: ImportConflict;
}

/** Daily bars in plain arrays (structured-clone and JSON friendly). */
export interface BarsDto {
  code: string;
  barsPerDay: number;
  /** Bars per day of the file when the bars were resampled for display (intraday files). */
  resampledFrom?: number;
  time: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

export interface LabelsRequest {
  target: string;
  horizonDays: number;
  /** Fractions: 0.025 = +2.5 %. */
  upThreshold: number;
  downThreshold: number;
  from?: string;
  to?: string;
  /** 'close' (default): close(t) -> close(t+H); 'next-open': open(t+1) -> open(t+1+H). */
  labelPrice?: LabelPrice;
  /** The dataset's bars per day: labels come from the file the dataset reads (its daily closes). */
  barsPerDay?: number;
}

export interface LabelsDto {
  target: string;
  dates: string[];
  close: number[];
  /** Forward return in fractions; null for the last H ('close') or H+1 ('next-open') dates. */
  forward: (number | null)[];
  /** 0 down, 1 flat, 2 up, -1 unlabeled. */
  labels: number[];
  /** Counts of the dates within from..to. */
  counts: ClassCounts;
}

export interface FactorImageDto {
  date: string;
  /** Every sample date of the dataset (the date slider's domain); sent when asked for (withDates). */
  dates?: string[];
  /** The images of the samples next to it (asked for with `around`), for the window's cache. */
  neighbours?: FactorImageDto[];
  /** Position of `date` among the sample dates, and their number. */
  sampleIndex: number;
  sampleCount: number;
  channels: string[];
  factorNames: string[];
  /**
   * Stamps of the bars the image is made of, oldest first ('YYYY-MM-DD' daily, 'YYYY-MM-DD HH:mm' intraday):
   * value k of the image's bar-major run (row * width + column) is factor k % factorNames.length of bar
   * floor(k / factorNames.length), whatever the layout.
   */
  barTimes: string[];
  /** Image rows (time, oldest first) and columns (factors). */
  height: number;
  width: number;
  /** values[channel][row * width + col]: clipped z-scores. */
  values: number[][];
  /** Label of this sample (0/1/2, -1 unlabeled). */
  label: number;
  forwardReturn: number | null;
}

export type JobKind = 'train' | 'study';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
/** What a running job is doing (the view words it); absent once the job has ended (the status says it all). */
export type JobStep = 'starting' | 'dataset' | 'training' | 'predicting' | 'reporting' | 'cancelling';

/** A study's fold trainings (cells x seeds x folds), counted the same way by every display. */
export interface StudyJobProgress {
  /** Fold trainings finished, trained now or read from the fold cache. */
  done: number;
  total: number;
  /** Of `done`, read from the fold cache. */
  cached: number;
  /** Key of the fold training in progress (`cell_sSeed_fIndex`); absent between trainings. */
  training?: string;
  /** Seconds left, estimated from the folds trained so far (NaN before the first). */
  etaSeconds: number;
}

/** An epoch in a job's history; `fold` names a study's fold training (absent for a training run). */
export interface JobEpoch extends EpochMetrics {
  fold?: string;
}

export interface JobState {
  id: string;
  kind: JobKind;
  name: string;
  status: JobStatus;
  /** True when the job continues an existing run or study folder (runId names it). */
  resumed?: boolean;
  runId?: string;
  runDir?: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** The training in progress: the run's, or a study's current fold training. */
  progress?: TrainProgress;
  step?: JobStep;
  /** Studies: fold trainings done of total. */
  study?: StudyJobProgress;
  /** 0..1 of the whole job. */
  fraction?: number;
  /** Every epoch trained in the folder, those before a cancel included (a study's over all fold trainings). */
  history: JobEpoch[];
  backend?: string;
  error?: string;
  log: string[];
}

/**
 * A run or study folder's status; 'interrupted' = it says running but its process is gone; 'broken' = a run or
 * study folder with a file that cannot be read (message names it); 'unknown' = a folder that is neither.
 */
export type RunStatusName =
  | 'running'
  | 'finished'
  | 'failed'
  | 'cancelled'
  | 'interrupted'
  | 'broken'
  | 'unknown';

export interface RunSummaryDto {
  id: string;
  dir: string;
  /** 'unknown': a folder that is neither a run nor a study (message says why). */
  kind: JobKind | 'unknown';
  name: string;
  createdAt: string;
  status: RunStatusName;
  /** Why it failed or was cancelled, or why the folder cannot be read. */
  message?: string;
  backend?: string;
  /** Training runs: epochs trained and configured, the last epoch's validation loss and accuracy. */
  epochsDone?: number;
  epochs?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Studies: folds trained so far (over every cell and seed). */
  foldsDone?: number;
  /** Out-of-sample numbers (fractions): a study's primary cell, a training run's test block. */
  accuracy?: number;
  balancedAccuracy?: number;
  sharpe?: number;
  totalReturn?: number;
  hasReport: boolean;
  hasPredictions: boolean;
  /** A finished training run's saved model (model.json): today's signal can be computed from it. */
  hasModel?: boolean;
  /** The image channels (target first). */
  channels?: string[];
  /** The out-of-sample period: a run's test block, a study's first to last test date. */
  testStart?: string;
  testEnd?: string;
  /** Seconds spent training: a run's epochs, a study's fold trainings (cached ones count their first time). */
  trainSeconds?: number;
}

export interface FoldRow {
  /** Study folds: the ablation cell and the seed of the row. */
  cell?: string;
  seed?: number;
  fold: number;
  testStart: string;
  testEnd: string;
  trainSamples: number;
  testSamples: number;
  accuracy: number;
  balancedAccuracy?: number;
}

export interface PredictionRow {
  date: string;
  close: number;
  pDown: number;
  pFlat: number;
  pUp: number;
  predicted: number;
  actual: number | null;
  forwardReturn: number | null;
  position?: number;
  equity?: number;
  buyHold?: number;
  /** A study's test block (backtest segment) of the row: equity lines break where it changes. */
  segment?: number;
}

/** What the Results view shows of a study beyond the common figures (summary.json version 2 and later). */
export interface StudyResultsDto {
  primary: string;
  reference?: string;
  /** Null for a study written before the statistics were wired in. */
  statistics: StudyStatistics | null;
  cells: Pick<CellSummary, 'key' | 'channels' | 'metrics' | 'intervals' | 'backtest'>[];
  baselines: BaselineSummary[];
  buyHold: StatsDto;
  equity: EquityDto | null;
  importance: StudyImportance | null;
  labelCheck: LabelCheckDto | null;
  trials: StudySummary['trials'] | null;
  powerNote: string | null;
  /** The setup the paragraph states. */
  setup: {
    firstDate: string;
    lastDate: string;
    folds: number;
    seeds: number;
    horizonDays: number;
    holdDays: number;
    costBps: number;
    cashRatePerYear: number;
  };
}

export interface RunDetailDto {
  summary: RunSummaryDto;
  /** A training run's RunConfig or a study's setup; both have dataset, model and train. */
  config?: Pick<AppStudyConfig, 'dataset' | 'model' | 'train'> & Partial<AppStudyConfig>;
  history: EpochMetrics[];
  folds: FoldRow[];
  /** confusion[actual][predicted], classes down/flat/up. */
  confusion?: number[][];
  metrics: Record<string, number>;
  /** Strategy and buy-and-hold metrics side by side: name -> [strategy, buyHold]. */
  stats: Record<string, [number, number]>;
  ablation: Record<string, string | number>[];
  predictions: PredictionRow[];
  /** Free-text conclusion of the study (English, as the engine wrote it), when present. */
  conclusion?: string;
  /** A study's statistics, baselines, equity segments and importance. */
  study?: StudyResultsDto;
}

export type CsvKind = 'predictions' | 'folds' | 'history';

/** A probability row of today's signal: one sample date, newest last. */
export interface SignalRow {
  date: string;
  pDown: number;
  pFlat: number;
  pUp: number;
  /** 0 down, 1 flat, 2 up. */
  predicted: number;
  /** The H-day label once it is known; -1 for the newest H dates, which have none yet. */
  label: number;
  /** The strategy's target exposure decided at this date's close (fraction of equity). */
  target: number;
}

export interface SignalInterval {
  lo: number;
  hi: number;
  /** Two-sided level, 0.9 = 90 %. */
  level: number;
}

/** The run's out-of-sample record: its test block (the last walk-forward fold), scored like a study cell. */
export interface SignalRecord {
  testStart: string;
  testEnd: string;
  /** Labeled test dates. */
  n: number;
  balancedAccuracy?: number;
  /** Absent for runs scored before intervals were written. */
  ci?: SignalInterval;
  /** The study's baselines on the same dates, best (by balanced accuracy) first. */
  baselines: {
    /** The study baseline's id and parameters (translated names); absent for runs scored before they existed. */
    id?: string;
    params?: Record<string, number | string>;
    name: string;
    balancedAccuracy?: number;
    ci?: SignalInterval;
  }[];
}

/** Today's signal: a finished training run's model on the newest dates of the data folder. */
export interface SignalDto {
  runId: string;
  runName: string;
  createdAt: string;
  target: string;
  channels: string[];
  preset: string;
  horizonDays: number;
  upThreshold: number;
  downThreshold: number;
  /** Last date in the target index's file, and the newest sample date (every channel has that bar). */
  targetLastDate: string;
  lastSampleDate: string;
  /** The newest dates, newest last: the H without a label yet, and enough before them for the holding period. */
  rows: SignalRow[];
  /** What the strategy does after the newest close (its backtest options, the run's test block used the same). */
  action: {
    positionMap: [number, number, number];
    execution: 'next-open' | 'next-close';
    holdDays: number;
    /** Target exposure decided at the newest close, traded at the next open (or close). */
    target: number;
    /** The target decided one date earlier: the change is what to trade. */
    previousTarget: number;
  };
  record?: SignalRecord;
  /** The data differs from the data the run was trained on (expected after a data update). */
  dataChanged: boolean;
  backend: string;
}

/** One walk-forward fold of a planned setup (sample counts and test dates). */
export interface PlannedFold {
  index: number;
  testStart: string;
  testEnd: string;
  train: number;
  val: number;
  test: number;
}

/** What a setup will train, from the engine's study planner, before anything runs. */
export interface PlanPreview {
  kind: JobKind;
  /** Sample dates every ablation cell has, the labeled ones among them, first and last. */
  samples: number;
  labeled: number;
  first?: string;
  last?: string;
  /** For a training run: the last fold only. */
  folds: PlannedFold[];
  /** Ablation cells (channel set x layout) that are trained; a training run trains the setup's own. */
  cells: string[];
  seeds: number;
  /** Models trained: folds x cells x seeds for a study, 1 for a training run. */
  trainings: number;
  /** Training samples summed over every training (the basis of the time estimate). */
  trainSamples: number;
  /** The planner's notes (a layout trained once, ...). */
  notes: string[];
  /** Why the data cannot serve this setup; then nothing else is filled in. */
  issue?: SetupIssue;
}

/** Rough duration of a setup: its training samples over a speed measured on this machine. */
export interface TimeEstimate {
  seconds: number;
  samplesPerSecond: number;
  backend: string;
  /** A training job was running while the speed was measured (the figure is then pessimistic). */
  busy: boolean;
}

/** A finished run whose model can explain a prediction (an image model with saved weights). */
export interface ExplainableRun {
  id: string;
  name: string;
  createdAt: string;
  dataset: DatasetConfig;
  preset: string;
}

/** Occlusion saliency of one date's prediction (eval/saliency.ts): values[row * width + column]. */
export interface SaliencyDto {
  runId: string;
  date: string;
  height: number;
  width: number;
  values: number[];
  classIndex: number;
  /** Probabilities of the intact image: down, flat, up. */
  probabilities: number[];
  patch: [number, number];
  stride: [number, number];
  /** The run's dataset (its channels and layout decide the image the saliency belongs to). */
  dataset: DatasetConfig;
}

// ---------------------------------------------------------------- channels

/** Request channels: name -> request and response types. */
export interface Requests {
  'app.info': { req: Record<string, never>; res: AppInfo };
  'settings.get': { req: Record<string, never>; res: AppSettings };
  'settings.set': { req: Partial<Omit<AppSettings, 'recentRuns'>>; res: AppSettings };
  'data.list': { req: Record<string, never>; res: IndexInfo[] };
  'data.import': {
    req: { files: { name: string; base64: string; replace?: boolean }[] };
    res: ImportOutcome[];
  };
  'data.bars': { req: { code: string; name?: string }; res: BarsDto };
  'data.checkDir': { req: { dir: string }; res: DirCheck };
  'data.update': {
    /** since: re-check the stored days from this date on (to take a source's values for listed disagreements). */
    req: { codes?: string[]; prefer?: 'file' | 'source'; since?: string };
    res: UpdateReport;
  };
  'data.cancelUpdate': { req: Record<string, never>; res: { cancelled: boolean } };
  'study.defaults': { req: Record<string, never>; res: AppStudyConfig };
  'study.presets': { req: Record<string, never>; res: StudyPresetInfo[] };
  'study.loadPreset': { req: { name: string }; res: AppStudyConfig };
  'study.parseConfig': { req: { name: string; content: string }; res: AppStudyConfig };
  'study.labels': { req: LabelsRequest; res: LabelsDto };
  'study.factors': { req: Record<string, never>; res: FactorInfo[] };
  'study.plan': { req: { kind: JobKind; config: AppStudyConfig }; res: PlanPreview };
  'study.estimate': { req: { kind: JobKind; config: AppStudyConfig }; res: TimeEstimate };
  'images.get': {
    /** around: also send the images of up to that many samples on each side (0..3). */
    req: { dataset: DatasetConfig; date?: string; withDates?: boolean; around?: number };
    res: FactorImageDto;
  };
  /** Builds (and caches) a dataset ahead of its first image; answers with its sample count. */
  'images.prepare': { req: { dataset: DatasetConfig }; res: { samples: number } };
  'images.explainableRuns': { req: Record<string, never>; res: ExplainableRun[] };
  'images.saliency': { req: { runId: string; date: string }; res: SaliencyDto };
  'training.start': { req: { kind: JobKind; config: AppStudyConfig }; res: JobState };
  'training.cancel': { req: { jobId: string }; res: JobState };
  'training.resume': { req: { runId: string }; res: JobState };
  'training.remove': { req: { jobId: string }; res: JobState[] };
  'training.clearFinished': { req: Record<string, never>; res: JobState[] };
  'training.list': { req: Record<string, never>; res: JobState[] };
  'runs.list': { req: Record<string, never>; res: RunSummaryDto[] };
  'runs.get': { req: { runId: string }; res: RunDetailDto };
  'runs.delete': { req: { runId: string }; res: { deleted: string } };
  'runs.exportCsv': { req: { runId: string; kind: CsvKind }; res: { filename: string; content: string } };
  'runs.openReport': { req: { runId: string }; res: { opened: boolean; url?: string } };
  'signal.get': { req: { runId?: string }; res: SignalDto | null };
  'dialog.saveText': { req: { defaultName: string; content: string }; res: { path: string | null } };
  'dialog.openText': { req: { extensions: string[] }; res: { name: string; content: string } | null };
}

/** Events pushed to the renderer: name -> payload. */
export interface Events {
  'training.onJob': JobState;
  'data.onChanged': IndexInfo[];
  'data.onUpdate': UpdateProgress;
}

export type Channel = keyof Requests;
export type EventName = keyof Events;
export type Req<C extends Channel> = Requests[C]['req'];
export type Res<C extends Channel> = Requests[C]['res'];

/**
 * Why a request failed: an unknown channel, a payload the contract's schema refuses, a handler that refused it
 * (a run that does not exist, a folder that is not one ...), a full disk, or a fault of the program itself.
 * The web host answers each with its own HTTP status (404, 400, 422, 507, 500).
 */
export type FailureKind = 'unknown-channel' | 'invalid-request' | 'refused' | 'storage' | 'internal';

/** What every handler returns over the wire. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string; kind?: FailureKind };

/**
 * The largest request body the web host reads (bytes). The largest real request is a data.import of a 1-minute
 * file as base64: the czsc SSE file (732 days, 175,345 rows) is 15.5 MB, 20.7 MB as base64; 64 MiB leaves room
 * for a 1-minute file three times that (about nine years of one index).
 */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/**
 * Channels the web client implements inside the browser (a download, a file input) instead of calling the host.
 * The host does not handle them; Electron main does.
 */
export const BROWSER_LOCAL_CHANNELS = [
  'dialog.saveText',
  'dialog.openText',
] as const satisfies readonly Channel[];

// ---------------------------------------------------------------- request schemas

const empty = z.object({}).strict();
const dateStr = dateSchema;
const code = indexCodeSchema;
const runId = runIdSchema;
const jobId = z.string().min(1).max(64);

export const requestSchemas: { [C in Channel]: z.ZodType<Req<C>> } = {
  'app.info': empty,
  'settings.get': empty,
  'settings.set': settingsPatchSchema.extend({ lastStudyConfig: appStudySetupSchema.optional() }),
  'data.list': empty,
  'data.import': z.object({
    files: z
      .array(
        z.object({
          name: z.string().min(1).max(255),
          base64: z.string().max(MAX_REQUEST_BYTES),
          replace: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
  'data.bars': z.object({ code, name: z.string().min(1).max(255).optional() }),
  'data.checkDir': z.object({ dir: z.string().min(1).max(4096) }),
  'data.update': z.object({
    codes: z.array(code).max(50).optional(),
    prefer: z.enum(['file', 'source']).optional(),
    since: dateStr.optional(),
  }),
  'data.cancelUpdate': empty,
  'study.defaults': empty,
  'study.presets': empty,
  'study.loadPreset': z.object({ name: z.string().regex(/^[a-z0-9-]{1,40}$/, 'expected a preset name') }),
  'study.parseConfig': z.object({ name: z.string().min(1).max(255), content: z.string().max(5_000_000) }),
  'study.labels': z.object({
    target: code,
    horizonDays: datasetSchema.shape.horizonDays,
    upThreshold: datasetSchema.shape.upThreshold,
    downThreshold: datasetSchema.shape.downThreshold,
    from: dateStr.optional(),
    to: dateStr.optional(),
    labelPrice: datasetSchema.shape.labelPrice,
    barsPerDay: datasetSchema.shape.barsPerDay.optional(),
  }),
  'study.factors': empty,
  'study.plan': z.object({ kind: z.enum(['train', 'study']), config: appStudySetupSchema }),
  'study.estimate': z.object({ kind: z.enum(['train', 'study']), config: appStudySetupSchema }),
  'images.get': z.object({
    dataset: datasetSchema,
    date: dateStr.optional(),
    withDates: z.boolean().optional(),
    around: z.number().int().min(0).max(3).optional(),
  }),
  'images.prepare': z.object({ dataset: datasetSchema }),
  'images.explainableRuns': empty,
  'images.saliency': z.object({ runId, date: dateStr }),
  'training.start': z.object({ kind: z.enum(['train', 'study']), config: appStudySetupSchema }),
  'training.cancel': z.object({ jobId }),
  'training.resume': z.object({ runId }),
  'training.remove': z.object({ jobId }),
  'training.clearFinished': empty,
  'training.list': empty,
  'runs.list': empty,
  'runs.get': z.object({ runId }),
  'runs.delete': z.object({ runId }),
  'runs.exportCsv': z.object({ runId, kind: z.enum(['predictions', 'folds', 'history']) }),
  'runs.openReport': z.object({ runId }),
  'signal.get': z.object({ runId: runId.optional() }),
  'dialog.saveText': z.object({ defaultName: z.string().min(1).max(255), content: z.string() }),
  'dialog.openText': z.object({ extensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/)).max(10) }),
};

/** Every request channel, in contract order (the tests compare it with what main and the host register). */
export const CHANNELS = Object.keys(requestSchemas) as Channel[];
export const EVENTS: EventName[] = ['training.onJob', 'data.onChanged', 'data.onUpdate'];

/** Turns a zod failure into one line naming the field: "config.dataset.horizonDays: Too small: expected ...". */
export function describeZodError(channel: string, err: z.ZodError): string {
  const parts = err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`);
  return `Invalid request to ${channel}: ${parts.join('; ')}`;
}

// ---------------------------------------------------------------- the API object type (preload + http client)

type DomainOf<K> = K extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<Channel>;
export type Unsubscribe = () => void;

/**
 * The object the renderer talks to: `api.data.import(req)` for request channels, `api.training.onJob(cb)` for
 * events. Methods resolve with the response and reject with an Error whose message a person can act on.
 */
export type ContractApi = {
  [D in Domain]: {
    [C in Channel as C extends `${D}.${infer V}` ? V : never]: (req: Req<C>) => Promise<Res<C>>;
  } & {
    [E in EventName as E extends `${D}.${infer V}` ? V : never]: (
      cb: (payload: Events[E]) => void,
    ) => Unsubscribe;
  };
};

/** Builds the nested API object from a generic invoke/subscribe pair (used by the preload and the http client). */
export function buildApi(
  invoke: (channel: Channel, req: unknown) => Promise<unknown>,
  subscribe: (event: EventName, cb: (payload: unknown) => void) => Unsubscribe,
): ContractApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNELS) {
    const [domain, verb] = channel.split('.');
    (api[domain] ??= {})[verb] = (req: unknown) => invoke(channel, req ?? {});
  }
  for (const event of EVENTS) {
    const [domain, name] = event.split('.');
    (api[domain] ??= {})[name] = (cb: (p: unknown) => void) => subscribe(event, cb);
  }
  return api as unknown as ContractApi;
}

/** Unwraps a handler envelope: the value, or an Error carrying the handler's message. */
export function unwrap<T>(env: Envelope<T>): T {
  if (env && typeof env === 'object' && 'ok' in env) {
    if (env.ok) return env.value;
    throw new Error(env.error);
  }
  throw new Error('The app answered with something that is not a response envelope.');
}
