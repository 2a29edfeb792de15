/**
 * The walk-forward study: for every channel set x layout x seed x fold, train from scratch (or warm-start),
 * predict the fold's test dates, and join the out-of-sample predictions into one series per cell. Then metrics
 * with block-bootstrap intervals, baselines on the same dates, a costed backtest, the channel ablation with a
 * paired block bootstrap, and the report files.
 *
 * Every cell uses exactly the same sample dates (the intersection of the cells' dataset dates), so metrics,
 * baselines and ablation differences are paired date by date. Each finished fold's predictions are written
 * atomically to <outDir>/folds/<key>.json with a hash of everything that determines them; a rerun reuses them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bars, DatasetConfig, ImageLayout } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { findIndexFile, resolveDataDir } from '../data/data-dir';
import { importFile } from '../data/import';
import { buildDataset, CORE_FACTOR_COUNT, imageShapeOf, type FactorDataset } from '../images/dataset';
import { buildModel } from '../model/build';
import { modelInput } from '../model/spec';
import type { BackendInfo } from '../train/backend';
import { backendLabel } from '../train/backend-info';
import { writeFileAtomic } from '../train/atomic';
import { predictProba, trainModel } from '../train/trainer';
import type { tf } from '../train/tf';
import { backtest, type BacktestResult } from './backtest';
import {
  classRates,
  expectedRandomMetrics,
  fitLogistic,
  majorityClass,
  persistencePredictions,
  predictLogistic,
} from './baselines';
import { blockBootstrap, type Interval } from './bootstrap';
import { argmaxRows, classMetrics, NUM_CLASSES, type ClassMetrics } from './metrics';
import { walkForwardSplits, type Fold } from './splits';
import { computeStats, type Stats } from './stats';
import type { StudyConfig } from './study-config';

export interface StudyProgress {
  /** Fold trainings finished (computed or read from the cache) and in total. */
  done: number;
  total: number;
  cached: number;
  /** Key of the fold being trained. */
  key: string;
  epoch?: number;
  epochs?: number;
  /** Seconds, estimated from the folds computed in this session. */
  etaSeconds: number;
  elapsedSeconds: number;
  message: string;
}

export interface StudyHooks {
  onProgress?: (p: StudyProgress) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Directory of the index files (default: resolveDataDir()). Ignored when `bars` is given. */
  dataDir?: string;
  /** Bars by index code instead of files (tests). */
  bars?: Map<string, Bars>;
  /** The backend the entry point selected, recorded in summary.json. */
  backend?: BackendInfo;
  /** Write predictions.csv, folds.csv, summary.json, report.html (default true). */
  writeReports?: boolean;
}

export type MetricName = 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'logLoss';
export const METRIC_NAMES: MetricName[] = ['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss'];

export interface FoldRecord {
  key: string;
  cell: string;
  seed: number;
  fold: number;
  testStart: string;
  testEnd: string;
  trainCount: number;
  valCount: number;
  testCount: number;
  epochs: number;
  bestEpoch?: number;
  stoppedEarly: boolean;
  seconds: number;
  backend: string;
  /** Accuracy of this seed's predictions on the fold's labeled test dates (fraction). */
  accuracy: number;
  cached: boolean;
}

export interface CellResult {
  key: string;
  channels: string[];
  layout: ImageLayout;
  imageShape: number[];
  /** Per seed: probabilities over the study rows (rows x 3) and metrics on the labeled rows. */
  perSeed: { seed: number; probs: Float64Array; metrics: ClassMetrics }[];
  /** Seed ensemble: mean probabilities, their argmax, metrics and bootstrap intervals. */
  probs: Float64Array;
  pred: Int8Array;
  metrics: ClassMetrics;
  ci: Record<MetricName, Interval>;
  seedMean: Record<MetricName, number>;
  seedStd: Record<MetricName, number>;
  backtest: BacktestResult;
  stats: Stats;
  /** Ensemble accuracy per fold (fraction). */
  foldAccuracy: { fold: number; testStart: string; testEnd: string; accuracy: number; n: number }[];
}

export interface BaselineResult {
  name: string;
  description: string;
  metrics: ClassMetrics;
  ci?: Record<MetricName, Interval>;
  stats?: Stats;
}

export interface AblationRow {
  key: string;
  channels: string[];
  layout: ImageLayout;
  /** Metric of this cell minus the reference cell's on the same dates, with a paired block-bootstrap interval. */
  diff: Record<MetricName, Interval>;
  /** Whether the balanced-accuracy difference interval lies wholly above / below zero. */
  verdict: 'better' | 'worse' | 'no-difference';
}

export interface StudyResult {
  config: StudyConfig;
  outDir: string;
  /** Study rows: every test date of every fold, then the unlabeled dates predicted for output only. */
  dates: string[];
  labels: Int8Array;
  forwardReturns: Float64Array;
  targetClose: Float64Array;
  folds: Fold[];
  /** Fold of each row. */
  rowFold: Int32Array;
  cells: CellResult[];
  primary: string;
  reference?: string;
  notes: string[];
  baselines: BaselineResult[];
  buyHold: Stats;
  ablation: AblationRow[];
  ablationSentence: string;
  headline: string;
  foldRecords: FoldRecord[];
  backend?: BackendInfo;
  data: { files: string[]; fingerprint: string; firstDate: string; lastDate: string; samples: number };
  versions: { app: string; tfjs: string; node: string };
  seconds: number;
  computedFolds: number;
  cachedFolds: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function packageVersions(): { app: string; tfjs: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    return { app: pkg.version, tfjs: pkg.dependencies['@tensorflow/tfjs'] ?? '?' };
  } catch {
    return { app: '?', tfjs: '?' };
  }
}

/** Key of an ablation cell, e.g. '000300+000905_time-factor'. */
export function cellKey(channels: string[], layout: ImageLayout): string {
  return `${channels.join('+')}_${layout}`;
}

const sha = (x: unknown) =>
  createHash('sha256')
    .update(typeof x === 'string' ? x : JSON.stringify(x))
    .digest('hex');

/** Fingerprint of bars (codes, dates and prices): changes whenever any input value changes. */
export function barsFingerprint(bars: Map<string, Bars>): string {
  const h = createHash('sha256');
  for (const code of [...bars.keys()].sort()) {
    const b = bars.get(code)!;
    h.update(code);
    h.update(b.time.join(','));
    for (const a of [b.open, b.high, b.low, b.close, b.volume, b.amount])
      h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

interface CachedFold {
  version: 1;
  hash: string;
  key: string;
  dates: string[];
  probs: number[];
  record: Omit<FoldRecord, 'cached'>;
}

function metricValue(m: ClassMetrics, name: MetricName): number {
  return m[name];
}

function meanStd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return [m, Math.sqrt(v)];
}

/** Metrics of predictions restricted to resampled rows (the bootstrap statistic). */
function metricsOnRows(
  truth: Int8Array,
  pred: Int8Array,
  probs: Float64Array | undefined,
  rows: Int32Array | number[],
): ClassMetrics {
  const t = new Int8Array(rows.length);
  const p = new Int8Array(rows.length);
  const pr = probs ? new Float64Array(rows.length * NUM_CLASSES) : undefined;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    t[k] = truth[r];
    p[k] = pred[r];
    if (pr && probs)
      for (let c = 0; c < NUM_CLASSES; c++) pr[k * NUM_CLASSES + c] = probs[r * NUM_CLASSES + c];
  }
  return classMetrics(t, p, pr);
}

/** Runs the whole study (see the file comment); resumable through <outDir>/folds. */
export async function runStudy(config: StudyConfig, hooks: StudyHooks = {}): Promise<StudyResult> {
  const t0 = Date.now();
  const log = (line: string) => hooks.log?.(line);
  const outDir = path.resolve(config.outDir);
  const foldDir = path.join(outDir, 'folds');
  mkdirSync(foldDir, { recursive: true });
  const H = config.dataset.horizonDays;
  const notes: string[] = [];

  // ---- data: every code once
  const codes = [...new Set(config.ablation.channelSets.flat())];
  let bars = hooks.bars;
  const files: string[] = [];
  if (!bars) {
    const dir = resolveDataDir(hooks.dataDir);
    bars = new Map();
    for (const code of codes) {
      const file = findIndexFile(dir, code);
      const { bars: b, report } = importFile(file, { code });
      const errors = report.issues.filter((i) => i.severity === 'error').length;
      if (errors) log(`${file}: ${errors} row(s) dropped by validation`);
      bars.set(code, b);
      files.push(file);
    }
  }
  for (const code of codes)
    if (!bars.has(code)) throw new ConfigError('ablation.channelSets', `no bars for index ${code}`);
  const fingerprint = barsFingerprint(new Map(codes.map((c) => [c, bars!.get(c)!])));

  // ---- cells, skipping layouts that produce the identical image
  const factorCount = config.dataset.factors?.length ?? CORE_FACTOR_COUNT;
  const input = modelInput(config.model.preset);
  const cells: { key: string; channels: string[]; layout: ImageLayout; ds: FactorDataset }[] = [];
  for (const channels of config.ablation.channelSets) {
    const seen: { layout: ImageLayout; shape: string }[] = [];
    for (const layout of config.ablation.layouts) {
      const dcfg: DatasetConfig = { ...config.dataset, channels, layout };
      let shape: string;
      try {
        shape = input === 'last-bar' ? 'last-bar' : imageShapeOf(dcfg, factorCount).join('x');
      } catch (err) {
        const msg = `layout '${layout}' skipped for ${channels.join('+')}: ${err instanceof Error ? err.message : String(err)}`;
        if (!notes.includes(msg)) notes.push(msg);
        continue;
      }
      const same = seen.find((s) => s.shape === shape);
      if (same) {
        // Both layouts read the same bar-major run of values; equal shapes mean an identical tensor.
        const msg =
          input === 'last-bar'
            ? `The model reads last-bar vectors, so the image layout does not matter: '${layout}' was not trained separately from '${same.layout}'.`
            : `With ${config.dataset.lookbackDays} days x ${config.dataset.barsPerDay} bar(s)/day x ${factorCount} factors, the '${layout}' image is identical to the '${same.layout}' image (${shape}); it was not trained twice.`;
        if (!notes.includes(msg)) notes.push(msg);
        continue;
      }
      seen.push({ layout, shape });
      const ds = buildDataset(dcfg, new Map(channels.map((c) => [c, bars!.get(c)!])));
      cells.push({ key: cellKey(channels, layout), channels, layout, ds });
      log(
        `dataset ${cellKey(channels, layout)}: ${ds.dates.length} samples ${ds.dates[0]}..${ds.dates[ds.dates.length - 1]}, image ${ds.imageShape.join('x')}`,
      );
    }
  }
  if (cells.length === 0)
    throw new ConfigError('ablation', 'no channel set / layout combination can be built');
  for (const n of notes) log(n);

  // ---- common dates: every cell is scored on exactly the same samples
  let common = cells[0].ds.dates;
  for (const c of cells.slice(1)) {
    const s = new Set(c.ds.dates);
    common = common.filter((d) => s.has(d));
  }
  const cellIndex = cells.map((c) => new Map(c.ds.dates.map((d, i) => [d, i] as const)));
  const labelsAll = new Int8Array(common.length);
  const fwdAll = new Float64Array(common.length);
  const closeAll = new Float64Array(common.length);
  common.forEach((d, j) => {
    const i0 = cellIndex[0].get(d)!;
    labelsAll[j] = cells[0].ds.labels[i0];
    fwdAll[j] = cells[0].ds.forwardReturns[i0];
    closeAll[j] = cells[0].ds.targetClose[i0];
    for (let c = 1; c < cells.length; c++) {
      if (cells[c].ds.labels[cellIndex[c].get(d)!] !== labelsAll[j])
        throw new Error(`label of ${d} differs between cells ${cells[0].key} and ${cells[c].key}`);
    }
  });
  let labeledCount = labelsAll.findIndex((l) => l < 0);
  if (labeledCount < 0) labeledCount = common.length;
  for (let j = labeledCount; j < common.length; j++)
    if (labelsAll[j] >= 0) throw new Error(`labeled sample ${common[j]} after an unlabeled one`);
  log(
    `common samples: ${common.length} (${common[0]}..${common[common.length - 1]}), ${labeledCount} labeled`,
  );

  const folds = walkForwardSplits(common, labeledCount, {
    ...config.walkForward,
    horizonDays: H,
    validationFraction: config.train.validationFraction,
    includeUnlabeled: true,
  });
  const rowsCommon = folds.flatMap((f) => [...f.test, ...f.predictOnly]);
  const rowFold = new Int32Array(rowsCommon.length);
  {
    let k = 0;
    for (const f of folds)
      for (let j = 0; j < f.test.length + f.predictOnly.length; j++) rowFold[k++] = f.index;
  }
  const rowDates = rowsCommon.map((j) => common[j]);
  const truth = Int8Array.from(rowsCommon.map((j) => labelsAll[j]));
  const labeledRows = [...truth.keys()].filter((r) => truth[r] >= 0);
  log(
    `${folds.length} folds, test ${folds[0].testStart}..${folds[folds.length - 1].testEnd} (${labeledRows.length} labeled test dates, ${rowsCommon.length - labeledRows.length} unlabeled predicted for output)`,
  );

  // ---- training
  const total = cells.length * config.seeds.length * folds.length;
  let done = 0;
  let cachedCount = 0;
  let computed = 0;
  let computeSeconds = 0;
  const foldRecords: FoldRecord[] = [];
  const probsByCellSeed = new Map<string, Float64Array>();
  const backendName = hooks.backend ? backendLabel(hooks.backend) : 'unknown';
  // ETA in training samples, not folds: anchored folds grow, so later folds cost more than early ones
  const foldWork = folds.map((f) => f.train.length + f.val.length);
  let remainingWork = foldWork.reduce((a, b) => a + b, 0) * cells.length * config.seeds.length;
  let computedWork = 0;
  const progress = (key: string, message: string, extra: Partial<StudyProgress> = {}) => {
    const per = computedWork > 0 ? computeSeconds / computedWork : NaN;
    hooks.onProgress?.({
      done,
      total,
      cached: cachedCount,
      key,
      etaSeconds: Number.isFinite(per) ? per * remainingWork : NaN,
      elapsedSeconds: (Date.now() - t0) / 1000,
      message,
      ...extra,
    });
  };

  for (let ci = 0; ci < cells.length; ci++) {
    const cell = cells[ci];
    const map = cellIndex[ci];
    const toDs = (js: number[]) => js.map((j) => map.get(common[j])!);
    for (const seed of config.seeds) {
      const seriesProbs = new Float64Array(rowsCommon.length * NUM_CLASSES).fill(NaN);
      let prevModel: tf.LayersModel | undefined;
      let rowOffset = 0;
      for (const fold of folds) {
        const key = `${cell.key}_s${seed}_f${String(fold.index).padStart(3, '0')}`;
        const testRows = [...fold.test, ...fold.predictOnly];
        const hash = sha({
          v: 1,
          dataset: cell.ds.config,
          model: config.model,
          train: { ...config.train, seed, backend: undefined },
          warmStart: config.warmStart,
          train0: common[fold.train[0]],
          train1: common[fold.train[fold.train.length - 1]],
          val: fold.val.length ? [common[fold.val[0]], common[fold.val[fold.val.length - 1]]] : [],
          test: testRows.map((j) => common[j]),
          common0: common[0],
          fingerprint,
        });
        const file = path.join(foldDir, `${key}.json`);
        let cached: CachedFold | undefined;
        if (existsSync(file)) {
          try {
            const c = JSON.parse(readFileSync(file, 'utf8')) as CachedFold;
            if (c.hash === hash) cached = c;
            else log(`${key}: cached fold belongs to another configuration or data; recomputing`);
          } catch {
            log(`${key}: unreadable cache file; recomputing`);
          }
        }
        if (cached && config.warmStart && !prevModel && fold.index > 0) {
          // a warm-started fold needs the previous fold's weights, which are not cached: keep the cached
          // predictions but the next computed fold will start from a fresh initialisation (noted)
          notes.push(
            `${key}: warm start resumed from cached predictions; a later fold may start from fresh weights`,
          );
        }
        let probs: Float32Array | number[];
        let record: Omit<FoldRecord, 'cached'>;
        if (cached) {
          probs = cached.probs;
          record = cached.record;
          cachedCount++;
          remainingWork -= foldWork[fold.index];
          done++;
          progress(key, `${key}: cached`);
        } else {
          if (hooks.signal?.aborted) throw new Error('study cancelled');
          const ts = Date.now();
          progress(key, `${key}: training`);
          const trainSet = cell.ds.source(toDs(fold.train), input);
          const valSet = fold.val.length ? cell.ds.source(toDs(fold.val), input) : undefined;
          const warm = config.warmStart ? prevModel : undefined;
          const result = await trainModel({
            model: config.model,
            settings: { ...config.train, seed },
            trainSet,
            valSet,
            signal: hooks.signal,
            backend: backendName,
            buildModel: warm
              ? (spec, shape, o) => {
                  const m = buildModel(spec, shape, o);
                  m.setWeights(warm.getWeights());
                  return m;
                }
              : undefined,
            onProgress: (p) =>
              progress(key, `${key}: epoch ${p.epoch}/${p.epochs}`, { epoch: p.epoch, epochs: p.epochs }),
          });
          if (result.cancelled) {
            result.model.dispose();
            throw new Error('study cancelled');
          }
          const testSet = cell.ds.source(toDs(testRows), input);
          probs = predictProba(result.model, testSet);
          if (prevModel) prevModel.dispose();
          if (config.warmStart) prevModel = result.model;
          else result.model.dispose();
          const seconds = (Date.now() - ts) / 1000;
          const pred = argmaxRows(probs);
          let correct = 0;
          for (let k = 0; k < fold.test.length; k++) if (pred[k] === labelsAll[fold.test[k]]) correct++;
          record = {
            key,
            cell: cell.key,
            seed,
            fold: fold.index,
            testStart: fold.testStart,
            testEnd: fold.testEnd,
            trainCount: fold.train.length,
            valCount: fold.val.length,
            testCount: fold.test.length,
            epochs: result.history.length,
            bestEpoch: result.bestEpoch,
            stoppedEarly: result.stoppedEarly,
            seconds,
            backend: result.backend,
            accuracy: fold.test.length ? correct / fold.test.length : NaN,
          };
          const payload: CachedFold = {
            version: 1,
            hash,
            key,
            dates: testRows.map((j) => common[j]),
            probs: Array.from(probs),
            record,
          };
          writeFileAtomic(file, JSON.stringify(payload));
          computed++;
          computeSeconds += seconds;
          computedWork += foldWork[fold.index];
          remainingWork -= foldWork[fold.index];
          done++;
          progress(
            key,
            `${key}: done in ${seconds.toFixed(1)} s, test accuracy ${(record.accuracy * 100).toFixed(1)} %`,
          );
          log(
            `${key}: ${record.epochs} epochs, ${seconds.toFixed(1)} s, test accuracy ${(record.accuracy * 100).toFixed(1)} %`,
          );
        }
        foldRecords.push({ ...record, cached: Boolean(cached) });
        for (let k = 0; k < testRows.length * NUM_CLASSES; k++)
          seriesProbs[rowOffset * NUM_CLASSES + k] = probs[k];
        rowOffset += testRows.length;
      }
      prevModel?.dispose();
      probsByCellSeed.set(`${cell.key}#${seed}`, seriesProbs);
    }
  }

  // ---- evaluation
  const targetDaily = cells[0].ds.targetDaily;
  const bt = (pred: ArrayLike<number>) =>
    backtest({ bars: targetDaily, signalDates: rowDates, signals: pred, options: config.backtest });
  const blockLength = config.bootstrap.blockLength ?? H;
  const bootOpts = {
    blockLength,
    reps: config.bootstrap.reps,
    level: config.bootstrap.level,
    seed: config.bootstrap.seed,
  };
  const lt = Int8Array.from(labeledRows.map((r) => truth[r]));
  const onLabeled = (x: Int8Array) => Int8Array.from(labeledRows.map((r) => x[r]));
  const probsOnLabeled = (p: Float64Array) => {
    const out = new Float64Array(labeledRows.length * NUM_CLASSES);
    labeledRows.forEach((r, k) =>
      out.set(p.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES), k * NUM_CLASSES),
    );
    return out;
  };
  const intervals = (pred: Int8Array, probs: Float64Array | undefined): Record<MetricName, Interval> => {
    const lp = onLabeled(pred);
    const lpr = probs ? probsOnLabeled(probs) : undefined;
    const out = {} as Record<MetricName, Interval>;
    for (const m of METRIC_NAMES) {
      out[m] = blockBootstrap(
        labeledRows.length,
        (idx) => metricValue(metricsOnRows(lt, lp, lpr, idx), m),
        bootOpts,
      );
    }
    return out;
  };

  const cellResults: CellResult[] = cells.map((cell) => {
    const perSeed = config.seeds.map((seed) => {
      const probs = probsByCellSeed.get(`${cell.key}#${seed}`)!;
      return { seed, probs, metrics: classMetrics(truth, argmaxRows(probs), probs) };
    });
    const probs = new Float64Array(rowsCommon.length * NUM_CLASSES);
    for (const s of perSeed) for (let k = 0; k < probs.length; k++) probs[k] += s.probs[k] / perSeed.length;
    const pred = argmaxRows(probs);
    const seedMean = {} as Record<MetricName, number>;
    const seedStd = {} as Record<MetricName, number>;
    for (const m of METRIC_NAMES)
      [seedMean[m], seedStd[m]] = meanStd(perSeed.map((s) => metricValue(s.metrics, m)));
    const b = bt(pred);
    const foldAccuracy = folds.map((f) => {
      let n = 0;
      let ok = 0;
      for (let r = 0; r < rowsCommon.length; r++)
        if (rowFold[r] === f.index && truth[r] >= 0) {
          n++;
          if (pred[r] === truth[r]) ok++;
        }
      return { fold: f.index, testStart: f.testStart, testEnd: f.testEnd, accuracy: n ? ok / n : NaN, n };
    });
    return {
      key: cell.key,
      channels: cell.channels,
      layout: cell.layout,
      imageShape: cell.ds.imageShape,
      perSeed,
      probs,
      pred,
      metrics: classMetrics(truth, pred, probs),
      ci: intervals(pred, probs),
      seedMean,
      seedStd,
      backtest: b,
      stats: computeStats(b.equity, b.exposure, b.trades),
      foldAccuracy,
    };
  });

  // primary = the largest channel set (the original study's four indices), first layout
  const primaryCell = [...cellResults].sort((a, b) => b.channels.length - a.channels.length)[0];
  const reference =
    cellResults.find((c) => c.channels.length === 1 && c.layout === primaryCell.layout) ??
    cellResults.find((c) => c.channels.length === 1);

  // ---- baselines on the same rows
  const rowMajority = new Int8Array(rowsCommon.length);
  const rowRates: number[][] = [];
  const logregProbs = new Float64Array(rowsCommon.length * NUM_CLASSES);
  const primaryDs = cells.find((c) => c.key === primaryCell.key)!.ds;
  const primaryMap = new Map(primaryDs.dates.map((d, i) => [d, i] as const));
  const d = primaryDs.lastBarSize;
  {
    let r = 0;
    for (const f of folds) {
      const maj = majorityClass(labelsAll, f.train);
      const rates = classRates(labelsAll, f.train);
      // logistic regression on the last day's factors, fitted on the fold's training + validation samples
      const fitIdx = [...f.train, ...f.val];
      const X = new Float32Array(fitIdx.length * d);
      fitIdx.forEach((j, k) => primaryDs.fillLastBar(primaryMap.get(common[j])!, X, k * d));
      const lr = fitLogistic(X, Int8Array.from(fitIdx.map((j) => labelsAll[j])), d);
      const testRows = [...f.test, ...f.predictOnly];
      const XT = new Float32Array(testRows.length * d);
      testRows.forEach((j, k) => primaryDs.fillLastBar(primaryMap.get(common[j])!, XT, k * d));
      logregProbs.set(predictLogistic(lr, XT), r * NUM_CLASSES);
      for (let k = 0; k < testRows.length; k++, r++) {
        rowMajority[r] = maj;
        rowRates.push(rates);
      }
    }
  }
  const persistence = persistencePredictions(labelsAll, rowsCommon, H, 1);
  const logregPred = argmaxRows(logregProbs);
  const baselines: BaselineResult[] = [
    {
      name: 'majority',
      description: "the training fold's most frequent class",
      metrics: classMetrics(truth, rowMajority),
      ci: intervals(rowMajority, undefined),
    },
    {
      name: 'persistence',
      description: `the label of t-${H}, the last label known at t`,
      metrics: classMetrics(truth, persistence),
      ci: intervals(persistence, undefined),
    },
    {
      name: 'random',
      description: `draws with the training fold's class rates, mean of ${config.randomDraws} seeded draws`,
      metrics: expectedRandomMetrics(
        lt,
        labeledRows.map((r) => rowRates[r]),
        config.randomDraws,
        config.bootstrap.seed,
      ),
    },
    {
      name: 'logistic regression',
      description: `multinomial logistic regression on the last day's ${d} normalised factors (${primaryCell.channels.join('+')}), plain TS, balanced class weights`,
      metrics: classMetrics(truth, logregPred, logregProbs),
      ci: intervals(logregPred, logregProbs),
    },
  ];
  for (const [name, pred] of [
    ['majority', rowMajority],
    ['persistence', persistence],
    ['logistic regression', logregPred],
  ] as const) {
    const b = bt(pred);
    baselines.find((x) => x.name === name)!.stats = computeStats(b.equity, b.exposure, b.trades);
  }
  const bh = primaryCell.backtest;
  // buy-and-hold is invested from the first execution on (exposure 0 only at the first close)
  const bhExposure = new Float64Array(bh.buyHold.length).fill(1);
  bhExposure[0] = 0;
  const buyHold = computeStats(bh.buyHold, bhExposure, bh.buyHoldTrades);

  // ---- ablation: each cell minus the single-index reference on the same dates (paired block bootstrap)
  const ablation: AblationRow[] = [];
  if (reference) {
    const refPred = onLabeled(reference.pred);
    const refProbs = probsOnLabeled(reference.probs);
    for (const c of cellResults) {
      if (c.key === reference.key) continue;
      const cp = onLabeled(c.pred);
      const cpr = probsOnLabeled(c.probs);
      const diff = {} as Record<MetricName, Interval>;
      for (const m of METRIC_NAMES) {
        diff[m] = blockBootstrap(
          labeledRows.length,
          (idx) =>
            metricValue(metricsOnRows(lt, cp, cpr, idx), m) -
            metricValue(metricsOnRows(lt, refPred, refProbs, idx), m),
          bootOpts,
        );
      }
      const ba = diff.balancedAccuracy;
      ablation.push({
        key: c.key,
        channels: c.channels,
        layout: c.layout,
        diff,
        verdict: ba.lo > 0 ? 'better' : ba.hi < 0 ? 'worse' : 'no-difference',
      });
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lvl = `${Math.round(config.bootstrap.level * 100)} %`;
  const overlays = ablation.filter((a) => a.layout === reference?.layout);
  const better = overlays.filter((a) => a.verdict === 'better');
  const ablationSentence = !reference
    ? 'No single-index channel set was run, so the overlays could not be compared with the CSI 300 alone.'
    : overlays.length === 0
      ? 'Only the CSI 300 channel set was run; there is no overlay to compare.'
      : better.length === 0
        ? `No overlay set added information beyond noise: for every set the ${lvl} block-bootstrap interval of the balanced-accuracy difference to the CSI 300-only CNN (same dates, ${labeledRows.length} test days) includes zero or lies below it.`
        : `${better.map((a) => a.channels.join('+')).join(', ')} beat the CSI 300-only CNN in balanced accuracy with a ${lvl} block-bootstrap interval above zero (${better.map((a) => `${a.channels.join('+')}: ${pct(a.diff.balancedAccuracy.estimate)} [${pct(a.diff.balancedAccuracy.lo)}, ${pct(a.diff.balancedAccuracy.hi)}]`).join('; ')}); the other sets did not. With ${overlays.length} comparisons, one interval above zero can still be chance.`;

  const best = baselines
    .filter((b) => b.name !== 'random')
    .reduce((a, b) => (b.metrics.balancedAccuracy > a.metrics.balancedAccuracy ? b : a));
  const pm = primaryCell;
  const headline =
    `Out of sample (${rowDates[0]}..${folds[folds.length - 1].testEnd}, ${labeledRows.length} test days, ${folds.length} folds, ${config.seeds.length} seed(s)), ` +
    `the ${pm.channels.join('+')} CNN reached balanced accuracy ${pct(pm.metrics.balancedAccuracy)} [${lvl} interval ${pct(pm.ci.balancedAccuracy.lo)}, ${pct(pm.ci.balancedAccuracy.hi)}] ` +
    `and accuracy ${pct(pm.metrics.accuracy)}, against ${pct(best.metrics.balancedAccuracy)} balanced accuracy for the best simple baseline (${best.name}) ` +
    `and 33.3 % for chance. Its long-on-up strategy returned ${pct(pm.stats.annualReturn)} a year (Sharpe ${pm.stats.sharpe.toFixed(2)}, max drawdown ${pct(pm.stats.maxDrawdown)}) ` +
    `after ${config.backtest.commissionBps + config.backtest.slippageBps} bp per side, against ${pct(buyHold.annualReturn)} (Sharpe ${buyHold.sharpe.toFixed(2)}, max drawdown ${pct(buyHold.maxDrawdown)}) for buy-and-hold on the same dates.`;

  const versions = { ...packageVersions(), node: process.versions.node };
  if (hooks.backend?.tfjsVersion) versions.tfjs = hooks.backend.tfjsVersion;
  const result: StudyResult = {
    config,
    outDir,
    dates: rowDates,
    labels: truth,
    forwardReturns: Float64Array.from(rowsCommon.map((j) => fwdAll[j])),
    targetClose: Float64Array.from(rowsCommon.map((j) => closeAll[j])),
    folds,
    rowFold,
    cells: cellResults,
    primary: primaryCell.key,
    reference: reference?.key,
    notes,
    baselines,
    buyHold,
    ablation,
    ablationSentence,
    headline,
    foldRecords,
    backend: hooks.backend,
    data: {
      files,
      fingerprint,
      firstDate: common[0],
      lastDate: common[common.length - 1],
      samples: common.length,
    },
    versions,
    seconds: (Date.now() - t0) / 1000,
    computedFolds: computed,
    cachedFolds: cachedCount,
  };
  if (hooks.writeReports !== false) {
    const { writeReports } = await import('../report/write');
    writeReports(result);
  }
  return result;
}
