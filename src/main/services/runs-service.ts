/**
 * The runs folder as the app shows it: every run and study folder, made by the app or the CLI, read through the
 * engine's one folder reader (training/train/run-folders.ts) and the report readers, and turned into the
 * contract's DTOs. Only reads, except deleteRunDir. Plain Node.
 */
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type {
  CsvKind,
  FoldRow,
  JobKind,
  PredictionRow,
  RunDetailDto,
  RunSummaryDto,
  StudyResultsDto,
} from '../../shared/ipc-contract';
import type { StudySummary } from '../../shared/study-summary';
import { appStudyOf } from '../training/eval/study-config';
import { historyCsv } from '../training/report/csv';
import { readFoldsCsv, readPredictionsCsv, type PredictionRecord } from '../training/report/read';
import {
  listRunFolders,
  readRunFolder,
  unreadable,
  type RunFolder,
  type UnreadableFolder,
} from '../training/train/run-folders';
import { deleteRun, readMetrics } from '../training/train/runs';

/** The folder of a run id, refusing ids that would leave runsDir, also through a symbolic link. */
export function runDirOf(runsDir: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId === '.' || runId === '..')
    throw new Error(`'${runId}' is not a run id.`);
  const dir = path.join(runsDir, runId);
  if (!existsSync(dir))
    throw new Error(`Run ${runId} does not exist in ${runsDir} (deleted, or the runs folder changed).`);
  if (path.dirname(realpathSync(dir)) !== realpathSync(runsDir))
    throw new Error(`Run ${runId} is a link to a folder outside ${runsDir}; the app does not follow it.`);
  return dir;
}

const num = (v: number | null | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function summaryOf(f: RunFolder | UnreadableFolder): RunSummaryDto {
  const id = path.basename(f.dir);
  const files = {
    hasReport: existsSync(path.join(f.dir, 'report.html')),
    hasPredictions: existsSync(path.join(f.dir, 'predictions.csv')),
  };
  if (f.kind === 'unknown')
    return {
      id,
      dir: f.dir,
      kind: f.brokenKind ?? 'unknown',
      name: f.name,
      createdAt: '',
      status: f.brokenKind ? 'broken' : 'unknown',
      message: f.error,
      ...files,
    };
  const base = {
    id,
    dir: f.dir,
    kind: f.kind,
    name: f.name,
    createdAt: f.createdAt,
    status: f.status,
    message: f.message,
    backend: f.backend,
    ...files,
  };
  if (f.kind === 'train') {
    const last = f.history.at(-1);
    const e = f.evaluation;
    return {
      ...base,
      hasModel: f.status === 'finished' && existsSync(path.join(f.dir, 'model.json')),
      channels: f.config.dataset.channels,
      testStart: e?.fold.testStart,
      testEnd: e?.fold.testEnd,
      trainSeconds: f.history.length ? f.history.reduce((a, m) => a + m.seconds, 0) : undefined,
      epochsDone: f.history.length,
      epochs: f.config.train.epochs,
      valLoss: last?.valLoss,
      valAccuracy: last?.valAccuracy,
      accuracy: num(e?.metrics.accuracy),
      balancedAccuracy: num(e?.metrics.balancedAccuracy),
      sharpe: num(e?.strategy.sharpe),
      totalReturn: num(e?.strategy.totalReturn),
    };
  }
  const s = f.summary;
  const primary = s?.cells.find((c) => c.key === s.primary) ?? s?.cells[0];
  const foldsFile = path.join(f.dir, 'folds.csv');
  return {
    ...base,
    channels: primary?.channels ?? f.config.dataset.channels,
    testStart: s?.folds[0]?.testStart,
    testEnd: s?.folds.at(-1)?.testEnd,
    trainSeconds:
      s && existsSync(foldsFile) ? readFoldsCsv(foldsFile).reduce((a, r) => a + r.seconds, 0) : undefined,
    foldsDone: f.foldsDone,
    accuracy: num(primary?.metrics.accuracy),
    balancedAccuracy: num(primary?.metrics.balancedAccuracy),
    sharpe: num(primary?.backtest.sharpe),
    totalReturn: num(primary?.backtest.totalReturn),
  };
}

/** One run or study folder's summary line. */
export function summarizeRun(dir: string): RunSummaryDto {
  let f: RunFolder | UnreadableFolder;
  try {
    f = readRunFolder(dir);
  } catch (err) {
    f = unreadable(dir, err);
  }
  return summaryOf(f);
}

/** Every run and study folder under runsDir, newest first. */
export function listRunSummaries(runsDir: string): RunSummaryDto[] {
  return listRunFolders(runsDir)
    .map(summaryOf)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** What `training.resume` needs: the job kind and a name, for a folder that has something left to do. */
export function resumableRun(dir: string): { kind: JobKind; name: string } {
  const f = readRunFolder(dir);
  if (f.status === 'finished' || f.status === 'running')
    throw new Error(`${f.name} is ${f.status}; only cancelled, failed or interrupted runs can be resumed.`);
  return { kind: f.kind, name: f.name };
}

function predictionRow(p: PredictionRecord): PredictionRow {
  return {
    date: p.date,
    close: p.targetClose,
    pDown: p.pDown,
    pFlat: p.pFlat,
    pUp: p.pUp,
    predicted: p.predicted,
    actual: p.actual,
    forwardReturn: p.forwardReturn,
    position: p.position ?? undefined,
    equity: p.strategyEquity ?? undefined,
    buyHold: p.buyHoldEquity ?? undefined,
  };
}

/** Confusion matrix [actual][predicted] of the labeled predictions. */
export function confusionOf(rows: PredictionRow[]): number[][] {
  const m = [0, 1, 2].map(() => [0, 0, 0]);
  for (const r of rows) if (r.actual !== null && r.predicted >= 0) m[r.actual][r.predicted]++;
  return m;
}

const METRICS = ['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss'] as const;
const pp = (x: number | null) => (x === null ? '–' : (x * 100).toFixed(1));

/**
 * The study's summary: the primary cell's metrics, its backtest beside buy-and-hold, one ablation row per cell,
 * and (summary.json version 2 on) the statistics, baselines, equity segments and importance.
 */
function studyDetail(f: Extract<RunFolder, { kind: 'study' }>, d: RunDetailDto): void {
  const s = f.summary;
  if (!s) return;
  const primary = s.cells.find((c) => c.key === s.primary) ?? s.cells[0];
  for (const k of METRICS) {
    const v = num(primary?.metrics[k]);
    if (v !== undefined) d.metrics[k] = v;
  }
  for (const [k, v] of Object.entries(primary?.backtest ?? {})) {
    const a = num(v);
    if (a !== undefined) d.stats[k] = [a, num(s.buyHold[k]) ?? NaN];
  }
  const diffs = new Map(s.ablation.map((a) => [a.key, a]));
  for (const c of s.cells) {
    const diff = diffs.get(c.key)?.diff.balancedAccuracy;
    const ci = c.intervals.balancedAccuracy;
    d.ablation.push({
      cell: c.key,
      accuracy: num(c.metrics.accuracy) ?? NaN,
      balancedAccuracy: num(c.metrics.balancedAccuracy) ?? NaN,
      balancedAccuracyCI: ci ? `[${pp(ci.lo)} %, ${pp(ci.hi)} %]` : '',
      macroF1: num(c.metrics.macroF1) ?? NaN,
      sharpe: num(c.backtest.sharpe) ?? NaN,
      diffVsReference: diff
        ? `${pp(diff.estimate)} pp [${pp(diff.lo)}, ${pp(diff.hi)}]`
        : c.key === s.primary
          ? ''
          : '—',
      verdict:
        diffs.get(c.key)?.verdict ??
        (c.key === s.reference ? 'reference' : c.key === s.primary ? 'primary' : ''),
    });
  }
  d.conclusion = `${s.headline} ${s.ablationSentence}`;
  d.study = studyResults(s as unknown as StudySummary);
  const foldsFile = path.join(f.dir, 'folds.csv');
  if (existsSync(foldsFile))
    d.folds = readFoldsCsv(foldsFile).map(
      (r): FoldRow => ({
        cell: r.cell,
        seed: r.seed,
        fold: r.fold,
        testStart: r.testStart,
        testEnd: r.testEnd,
        trainSamples: r.trainSamples,
        testSamples: r.testSamples,
        accuracy: r.accuracy ?? NaN,
        balancedAccuracy: r.balancedAccuracy ?? undefined,
      }),
    );
}

/**
 * The Results view's study section of a validated summary.json. Parts a version-1 summary lacks are null; the
 * baselines of such a summary have no id (the view shows their names as written).
 */
export function studyResults(s: StudySummary): StudyResultsDto {
  const c = s.config;
  return {
    primary: s.primary,
    reference: s.reference,
    statistics: s.statistics ?? null,
    cells: s.cells.map(({ key, channels, metrics, intervals, backtest }) => ({
      key,
      channels,
      metrics,
      intervals,
      backtest,
    })),
    baselines: s.baselines,
    buyHold: s.buyHold,
    equity: s.equity ?? null,
    importance: s.importance ?? null,
    labelCheck: s.labelCheck ?? null,
    trials: s.trials ?? null,
    powerNote: s.powerNote ?? null,
    setup: {
      firstDate: s.folds[0]?.testStart ?? '',
      lastDate: s.folds[s.folds.length - 1]?.testEnd ?? '',
      folds: s.folds.length,
      seeds: c.seeds?.length ?? 1,
      horizonDays: c.dataset?.horizonDays ?? 14,
      holdDays: c.backtest?.holdDays ?? 1,
      costBps: (c.backtest?.commissionBps ?? 0) + (c.backtest?.slippageBps ?? 0),
      cashRatePerYear: c.backtest?.cashRatePerYear ?? 0,
    },
  };
}

/** A training run's test block: its metrics, its backtest beside buy-and-hold, its one fold. */
function trainDetail(f: Extract<RunFolder, { kind: 'train' }>, d: RunDetailDto): void {
  d.history = f.history;
  const e = f.evaluation;
  if (!e) return;
  for (const k of METRICS) {
    const v = num(e.metrics[k]);
    if (v !== undefined) d.metrics[k] = v;
  }
  for (const [k, v] of Object.entries(e.strategy)) {
    const a = num(v);
    if (a !== undefined) d.stats[k] = [a, num(e.buyHold[k]) ?? NaN];
  }
  d.folds = [
    {
      fold: e.fold.index,
      testStart: e.fold.testStart,
      testEnd: e.fold.testEnd,
      trainSamples: e.fold.trainSamples,
      testSamples: e.fold.testSamples,
      accuracy: num(e.metrics.accuracy) ?? NaN,
      balancedAccuracy: num(e.metrics.balancedAccuracy),
    },
  ];
}

export function readRunDetail(dir: string): RunDetailDto {
  const f = readRunFolder(dir);
  const predictionsFile = path.join(dir, 'predictions.csv');
  const predictions = existsSync(predictionsFile)
    ? readPredictionsCsv(predictionsFile).map(predictionRow)
    : [];
  const d: RunDetailDto = {
    summary: summaryOf(f),
    config: f.kind === 'study' ? appStudyOf(f.config) : f.config,
    history: [],
    folds: [],
    confusion: predictions.length ? confusionOf(predictions) : undefined,
    metrics: {},
    stats: {},
    ablation: [],
    predictions,
  };
  if (f.kind === 'study') studyDetail(f, d);
  else trainDetail(f, d);
  const eq = d.study?.equity;
  if (eq) {
    // each prediction row is a backtest day: its segment is that day's
    const seg = new Map(eq.dates.map((x, i) => [x, eq.segment[i]] as const));
    for (const p of d.predictions) p.segment = seg.get(p.date);
  }
  return d;
}

export function reportFile(dir: string): string {
  const file = path.join(dir, 'report.html');
  if (!existsSync(file))
    throw new Error(`Run ${path.basename(dir)} has no report.html (only finished studies write one).`);
  return file;
}

const CSV_FILES: Record<CsvKind, string> = {
  predictions: 'predictions.csv',
  folds: 'folds.csv',
  history: 'history.csv',
};

/** A CSV of the run for the save dialog: the file as the engine wrote it (UTF-8 with BOM), or the epoch history. */
export function exportCsv(dir: string, kind: CsvKind): { filename: string; content: string } {
  const id = path.basename(dir);
  if (kind === 'history') {
    const h = readMetrics(dir);
    if (!h.length) throw new Error(`Run ${id} has no epoch history yet.`);
    return { filename: `${id}-history.csv`, content: historyCsv(h) };
  }
  const file = path.join(dir, CSV_FILES[kind]);
  if (!existsSync(file)) throw new Error(`Run ${id} has no ${CSV_FILES[kind]}.`);
  return { filename: `${id}-${CSV_FILES[kind]}`, content: readFileSync(file, 'utf8') };
}

/**
 * Deletes a run or study folder of the runs folder (the caller has asked the user to confirm): only a folder
 * directly inside it, not a link, made by this program (its marker), and not while a process trains it.
 */
export function deleteRunDir(runsDir: string, runId: string): void {
  const dir = runDirOf(runsDir, runId);
  if (lstatSync(dir).isSymbolicLink()) throw new Error(`Run ${runId} is a symbolic link; nothing deleted.`);
  deleteRun(dir);
}
