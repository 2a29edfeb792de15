/**
 * The run registry as the app sees it: one folder per run under runsDir. Reads what the worker, the trainer and
 * the study wrote (app-run.json, history.json, summary.json, folds.csv, predictions.csv, report.html); only
 * reads, except deleteRunDir. Plain Node.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type {
  AppStudyConfig,
  CsvKind,
  FoldRow,
  JobKind,
  PredictionRow,
  RunDetailDto,
  RunSummaryDto,
} from '../../shared/ipc-contract';
import { classMetrics } from '../training/eval/metrics';
import type { EpochMetrics } from '../training/train/settings';

/** Written by the app's worker into every run folder it creates. */
export interface AppRunFile {
  kind: JobKind;
  config: AppStudyConfig;
  createdAt: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  backend?: string;
  error?: string;
}

export const APP_RUN_FILE = 'app-run.json';

/** The folder of a run id, refusing ids that would leave runsDir. */
export function runDirOf(runsDir: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId === '.' || runId === '..')
    throw new Error(`'${runId}' is not a run id.`);
  const dir = path.join(runsDir, runId);
  if (!existsSync(dir))
    throw new Error(`Run ${runId} does not exist in ${runsDir} (deleted, or the runs folder changed).`);
  return dir;
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as T;
  } catch {
    return undefined;
  }
}

/** The kind and config a run was started with (for resume). */
export function readRunConfig(dir: string): { kind: JobKind; config: AppStudyConfig } {
  const app = readJson<AppRunFile>(path.join(dir, APP_RUN_FILE));
  if (!app)
    throw new Error(
      `${dir} was not started by the app (no ${APP_RUN_FILE}); resume it with the CLI: factor-inception resume ${dir}`,
    );
  return { kind: app.kind, config: app.config };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Finds a numeric field by any of several names, anywhere in a nested summary object (first match wins). */
function pick(obj: unknown, names: string[], depth = 0): number | undefined {
  if (!obj || typeof obj !== 'object' || depth > 4) return undefined;
  const rec = obj as Record<string, unknown>;
  for (const n of names) {
    const v = rec[n];
    if (num(v) !== undefined) return v as number;
    if (v && typeof v === 'object' && num((v as Record<string, unknown>).mean) !== undefined)
      return (v as { mean: number }).mean;
  }
  for (const v of Object.values(rec)) {
    const found = pick(v, names, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function primaryCell(summary: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!summary || !Array.isArray(summary.cells)) return undefined;
  const cells = summary.cells as Record<string, unknown>[];
  return cells.find((c) => c.key === summary.primary) ?? cells[0];
}
function primaryMetric(summary: Record<string, unknown> | undefined, name: string): number | undefined {
  return num((primaryCell(summary)?.metrics as Record<string, unknown> | undefined)?.[name]);
}

export function summarizeRun(dir: string): RunSummaryDto {
  const app = readJson<AppRunFile>(path.join(dir, APP_RUN_FILE));
  const summary = readJson<Record<string, unknown>>(path.join(dir, 'summary.json'));
  const meta =
    readJson<Record<string, unknown>>(path.join(dir, 'run.json')) ??
    readJson<Record<string, unknown>>(path.join(dir, 'meta.json'));
  const created =
    app?.createdAt ??
    (typeof meta?.createdAt === 'string' ? meta.createdAt : statSync(dir).mtime.toISOString());
  return {
    id: path.basename(dir),
    dir,
    kind: app?.kind ?? (summary ? 'study' : 'unknown'),
    name: app?.config.name ?? (typeof meta?.name === 'string' ? meta.name : path.basename(dir)),
    createdAt: created,
    status: app?.status ?? (typeof meta?.status === 'string' ? meta.status : summary ? 'done' : 'unknown'),
    accuracy: primaryMetric(summary, 'accuracy') ?? pick(summary, ['accuracy']),
    balancedAccuracy:
      primaryMetric(summary, 'balancedAccuracy') ?? pick(summary, ['balancedAccuracy', 'balanced_accuracy']),
    sharpe:
      num((primaryCell(summary)?.backtest as Record<string, unknown> | undefined)?.sharpe) ??
      pick(summary, ['sharpe']),
    totalReturn: pick(summary, ['totalReturn', 'total_return']),
    hasReport: existsSync(path.join(dir, 'report.html')),
    hasPredictions: existsSync(path.join(dir, 'predictions.csv')),
  };
}

/** Every run folder under runsDir, newest first. */
export function listRunSummaries(runsDir: string): RunSummaryDto[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => summarizeRun(path.join(runsDir, d.name)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function readCsv(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

/** Column value by any of several header names (the study writes English or Chinese headers). */
function col(row: Record<string, string>, ...names: string[]): string | undefined {
  for (const n of names) if (row[n] !== undefined && row[n] !== '') return row[n];
  return undefined;
}
const f = (s: string | undefined): number | null =>
  s === undefined || s === '' || Number.isNaN(Number(s)) ? null : Number(s);
const CLASS_OF: Record<string, number> = {
  down: 0,
  flat: 1,
  up: 2,
  '0': 0,
  '1': 1,
  '2': 2,
  下跌: 0,
  持平: 1,
  上涨: 2,
};
const cls = (s: string | undefined): number | null =>
  s === undefined || !(s in CLASS_OF) ? null : CLASS_OF[s];

export function parsePredictions(file: string): PredictionRow[] {
  return readCsv(file).map((r) => ({
    date: col(r, 'date', '日期') ?? '',
    close: f(col(r, 'close', 'target_close', '收盘价')) ?? NaN,
    pDown: f(col(r, 'p_down', '下跌概率')) ?? NaN,
    pFlat: f(col(r, 'p_flat', '持平概率')) ?? NaN,
    pUp: f(col(r, 'p_up', '上涨概率')) ?? NaN,
    predicted: cls(col(r, 'predicted', 'predicted_class', '预测类别')) ?? -1,
    actual: cls(col(r, 'actual', 'realised_class', 'realized_class', '实际类别')),
    forwardReturn: f(col(r, 'forward_return', 'realised_return', 'realized_return', '实际远期收益')),
    position: f(col(r, 'position', '仓位')) ?? undefined,
    equity: f(col(r, 'equity', 'strategy_equity', '策略净值')) ?? undefined,
    buyHold:
      f(col(r, 'buy_hold', 'buy_and_hold', 'buyhold_equity', 'buy_hold_equity', '买入持有净值')) ?? undefined,
  }));
}

function parseFolds(file: string): FoldRow[] {
  return readCsv(file).map((r, i) => ({
    cell: col(r, 'cell', '组合'),
    seed: f(col(r, 'seed', '种子')) ?? undefined,
    fold: f(col(r, 'fold', '折')) ?? i,
    testStart: col(r, 'test_start', 'testStart', '测试开始') ?? '',
    testEnd: col(r, 'test_end', 'testEnd', '测试结束') ?? '',
    trainSamples: f(col(r, 'train_samples', 'train', '训练样本')) ?? 0,
    testSamples: f(col(r, 'test_samples', 'test', '测试样本')) ?? 0,
    accuracy: f(col(r, 'accuracy', '准确率')) ?? NaN,
    balancedAccuracy: f(col(r, 'balanced_accuracy', 'balancedAccuracy', '平衡准确率')) ?? undefined,
  }));
}

/** Confusion matrix [actual][predicted] of the labeled predictions. */
export function confusionOf(rows: PredictionRow[]): number[][] {
  const m = [0, 1, 2].map(() => [0, 0, 0]);
  for (const r of rows) if (r.actual !== null && r.predicted >= 0) m[r.actual][r.predicted]++;
  return m;
}

interface StudySummary {
  primary: string;
  reference?: string;
  cells: {
    key: string;
    metrics: Record<string, unknown>;
    intervals?: Record<string, { lo: number; hi: number }>;
    backtest?: Record<string, unknown>;
  }[];
  buyHold?: Record<string, unknown>;
  ablation?: {
    key: string;
    diff: Record<string, { estimate: number; lo: number; hi: number }>;
    verdict: string;
  }[];
  baselines?: { name: string; metrics?: Record<string, unknown> }[];
}

/** The study's summary.json: metrics of the primary cell, its backtest beside buy-and-hold, one ablation row per cell. */
function readStudySummary(
  s: StudySummary,
  metrics: Record<string, number>,
  stats: Record<string, [number, number]>,
  ablation: Record<string, string | number>[],
): void {
  const primary = s.cells.find((c) => c.key === s.primary) ?? s.cells[0];
  for (const k of ['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss']) {
    const v = num(primary?.metrics[k]);
    if (v !== undefined) metrics[k] = v;
  }
  for (const [k, v] of Object.entries(primary?.backtest ?? {})) {
    const a = num(v);
    if (a !== undefined) stats[k] = [a, num(s.buyHold?.[k]) ?? NaN];
  }
  const diffs = new Map((s.ablation ?? []).map((a) => [a.key, a]));
  for (const c of s.cells) {
    const d = diffs.get(c.key);
    const ci = c.intervals?.balancedAccuracy;
    ablation.push({
      cell: c.key,
      accuracy: num(c.metrics.accuracy) ?? NaN,
      balancedAccuracy: num(c.metrics.balancedAccuracy) ?? NaN,
      balancedAccuracyCI: ci ? `[${(ci.lo * 100).toFixed(1)} %, ${(ci.hi * 100).toFixed(1)} %]` : '',
      macroF1: num(c.metrics.macroF1) ?? NaN,
      sharpe: num(c.backtest?.sharpe) ?? NaN,
      diffVsReference: d?.diff.balancedAccuracy
        ? `${(d.diff.balancedAccuracy.estimate * 100).toFixed(1)} pp [${(d.diff.balancedAccuracy.lo * 100).toFixed(1)}, ${(d.diff.balancedAccuracy.hi * 100).toFixed(1)}]`
        : c.key === s.primary
          ? ''
          : '—',
      verdict: d?.verdict ?? (c.key === s.reference ? 'reference' : c.key === s.primary ? 'primary' : ''),
    });
  }
  for (const b of s.baselines ?? []) {
    const m = b.metrics ?? {};
    ablation.push({
      cell: `baseline: ${b.name}`,
      accuracy: num(m.accuracy) ?? NaN,
      balancedAccuracy: num(m.balancedAccuracy) ?? NaN,
      balancedAccuracyCI: '',
      macroF1: num(m.macroF1) ?? NaN,
      sharpe: NaN,
      diffVsReference: '',
      verdict: '',
    });
  }
}

export function readRunDetail(dir: string): RunDetailDto {
  const summaryFile = readJson<Record<string, unknown>>(path.join(dir, 'summary.json'));
  const predictions = parsePredictions(path.join(dir, 'predictions.csv'));
  const metrics: Record<string, number> = {};
  const stats: Record<string, [number, number]> = {};
  const ablation: Record<string, string | number>[] = [];
  let conclusion: string | undefined;
  if (summaryFile && Array.isArray(summaryFile.cells))
    readStudySummary(summaryFile as unknown as StudySummary, metrics, stats, ablation);
  if (summaryFile && Array.isArray(summaryFile.cells)) {
    conclusion = [summaryFile.headline, summaryFile.ablationSentence]
      .filter((x) => typeof x === 'string')
      .join(' ');
  } else if (summaryFile) {
    const m = (summaryFile.metrics ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) {
      const n = num(v) ?? num((v as { mean?: number })?.mean);
      if (n !== undefined) metrics[k] = n;
    }
    const st = summaryFile.stats as Record<string, unknown> | undefined;
    const strat = (st?.strategy ?? st?.model) as Record<string, unknown> | undefined;
    const bh = (st?.buyHold ?? st?.buyAndHold) as Record<string, unknown> | undefined;
    if (strat)
      for (const [k, v] of Object.entries(strat))
        if (num(v) !== undefined) stats[k] = [v as number, num(bh?.[k]) ?? NaN];
    if (typeof summaryFile.conclusion === 'string') conclusion = summaryFile.conclusion;
  }
  // a training run's files carry predictions but no summary metrics: compute them from its labeled test dates
  const labeled = predictions.filter((p) => p.actual !== null && p.predicted >= 0);
  if (labeled.length) {
    const m = classMetrics(
      labeled.map((p) => p.actual as number),
      labeled.map((p) => p.predicted),
      labeled.flatMap((p) => [p.pDown, p.pFlat, p.pUp]),
    );
    for (const k of ['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss'] as const)
      if (metrics[k] === undefined && Number.isFinite(m[k])) metrics[k] = m[k];
  }
  return {
    summary: summarizeRun(dir),
    config:
      readJson<AppRunFile>(path.join(dir, APP_RUN_FILE))?.config ?? readJson(path.join(dir, 'config.json')),
    history: readJson<EpochMetrics[]>(path.join(dir, 'history.json')) ?? [],
    folds: parseFolds(path.join(dir, 'folds.csv')),
    confusion: predictions.length ? confusionOf(predictions) : undefined,
    metrics,
    stats,
    ablation,
    predictions,
    conclusion,
  };
}

export function reportFile(dir: string): string {
  const file = path.join(dir, 'report.html');
  if (!existsSync(file))
    throw new Error(`Run ${path.basename(dir)} has no report.html (only studies write one).`);
  return file;
}

const CSV_FILES: Record<CsvKind, string> = {
  predictions: 'predictions.csv',
  folds: 'folds.csv',
  history: 'history.csv',
};

/** A CSV of the run for the save dialog: the study's file as written (UTF-8 with BOM), or the epoch history. */
export function exportCsv(dir: string, kind: CsvKind): { filename: string; content: string } {
  const id = path.basename(dir);
  const file = path.join(dir, CSV_FILES[kind]);
  if (existsSync(file)) return { filename: `${id}-${CSV_FILES[kind]}`, content: readFileSync(file, 'utf8') };
  if (kind === 'history') {
    const h = readJson<EpochMetrics[]>(path.join(dir, 'history.json')) ?? [];
    if (!h.length) throw new Error(`Run ${id} has no epoch history yet.`);
    return { filename: `${id}-history.csv`, content: '\uFEFF' + Papa.unparse(h) + '\n' };
  }
  throw new Error(`Run ${id} has no ${CSV_FILES[kind]}.`);
}

/** Deletes a run folder (the caller has asked the user to confirm). */
export function deleteRunDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
