/**
 * One training run end to end, shared by the CLI's train, resume and batch commands and the app's training
 * worker: dataset from the saved config -> train/validation split (or, with a walkForward section, the last
 * walk-forward fold) -> trainModel (resuming a checkpoint) -> model, predictions, the test block's scores and
 * the status in the run folder.
 */
import path from 'node:path';
import type { ValidationReport } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { loadDataset, type FactorDataset } from '../images/dataset';
import { checkDateRange } from '../labels/date-range';
import { modelInput } from '../model/spec';
import {
  backendLabel,
  describeBackend,
  usesNativeKernels as isNative,
  type BackendInfo,
} from './backend-info';
import { predictionTableCsv } from '../report/csv';
import { readCheckpointInfo } from './checkpoint';
import type { RunConfig } from './config';
import { saveModel } from './model-io';
import { EVALUATION_FILE, evaluateTestBlock, evaluationJson, testFold } from './run-evaluation';
import {
  createRun,
  dataFingerprint,
  readRunConfigOf,
  readRunMeta,
  runLogger,
  setFailedStatus,
  setRunStatus,
  writeFolderMarker,
  writeMetrics,
} from './runs';
import { cleanStaleTempFiles, writeFileAtomic } from './atomic';
import { acquireRunLock } from './run-lock';
import type { EpochMetrics, TrainProgress } from './settings';
import { predictProba, trainModel, type ModelFactory, type TrainResult } from './trainer';

/** How many of the latest samples (labelled or not) get their probabilities saved with the run. */
export const SAVED_PREDICTIONS = 30;

/**
 * Chronological split of the labelled samples: the latest `validationFraction` (rounded up, at least 1 when the
 * fraction is > 0) are validation; the `embargoDays` samples before them are dropped so no training label's
 * horizon overlaps a validation date. Indices are sample indices, ascending.
 */
export function splitTrainVal(
  labels: ArrayLike<number>,
  validationFraction: number,
  embargoDays: number,
): { train: number[]; val: number[] } {
  const labelled: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) labelled.push(i);
  const nVal = validationFraction > 0 ? Math.max(1, Math.ceil(labelled.length * validationFraction)) : 0;
  if (nVal === 0) return { train: labelled, val: [] };
  const val = labelled.slice(labelled.length - nVal);
  const firstVal = val[0];
  const train = labelled.slice(0, labelled.length - nVal).filter((i) => i < firstVal - embargoDays);
  if (train.length === 0) {
    const needed = Math.floor((embargoDays + 1) / (1 - validationFraction)) + 1;
    throw new ConfigError(
      'dataset',
      `${labelled.length} labelled samples are too few to train on: validation takes the last ${nVal} (train.validationFraction ${validationFraction}) and the ${embargoDays}-day embargo before them leaves no training sample; widen dataset.from..to to at least ${needed} labelled samples, or lower train.validationFraction`,
    );
  }
  return { train, val };
}

/**
 * Refuses a dataset no training can come from, saying why in the data's terms: a range outside the data, a
 * range whose every date falls in the warm-up, or sample dates none of which has a label yet.
 */
export function checkDatasetUsable(ds: FactorDataset, reports: ValidationReport[]): void {
  const cfg = ds.config;
  const days = ds.targetDaily.date;
  checkDateRange(cfg, days, `${cfg.target} in ${reports[0]?.file ?? 'the data'}`, 'dataset.');
  // the channels share their trading days only from the latest first day to the earliest last day
  const spans = reports
    .filter((r) => r.firstTime && r.lastTime)
    .map((r) => ({
      what: `${r.code} in ${r.file}`,
      first: r.firstTime!.slice(0, 10),
      last: r.lastTime!.slice(0, 10),
    }));
  if (spans.length > 1) {
    const latest = spans.reduce((a, b) => (b.first > a.first ? b : a));
    const earliest = spans.reduce((a, b) => (b.last < a.last ? b : a));
    if (cfg.to && cfg.to < latest.first)
      throw new ConfigError(
        'dataset.to',
        `${cfg.to} is before ${latest.first}, the first day every channel has (${latest.what} starts then)`,
      );
    if (cfg.from && cfg.from > earliest.last)
      throw new ConfigError(
        'dataset.from',
        `${cfg.from} is after ${earliest.last}, the last day every channel has (${earliest.what} ends then)`,
      );
  }
  const range = `${cfg.from ?? days[0]}..${cfg.to ?? days[days.length - 1]}`;
  if (!ds.dates.length) {
    const why = ds.dropped.map((d) => `${d.count} × ${d.reason}`).join('; ');
    throw new ConfigError(
      'dataset',
      `no date in ${range} can be a sample (${why || 'no common trading day of the channels'}): a sample needs lookbackDays (${cfg.lookbackDays}) days of history after the factors' and the ${cfg.normWindowDays}-day z-score's warm-up; widen the range`,
    );
  }
  let labelled = 0;
  for (const l of ds.labels) if (l >= 0) labelled++;
  if (!labelled)
    throw new ConfigError(
      'dataset',
      `none of the ${ds.dates.length} sample dates in ${range} has a label yet: a label needs ${cfg.horizonDays} trading days of data after its date, and the data ends ${days[days.length - 1]}; move dataset.from earlier`,
    );
}

export interface PredictionsFile {
  dates: string[];
  labels: number[];
  /** One [down, flat, up] row per date. */
  probs: number[][];
  input: 'image' | 'last-bar';
  backend: string;
}

/** Probabilities of the given sample indices, as saved with a run and printed by predict. */
export function predictDates(
  model: Parameters<typeof predictProba>[0],
  ds: FactorDataset,
  indices: number[],
  input: 'image' | 'last-bar',
  backend: string,
): PredictionsFile {
  const p = predictProba(model, ds.source(indices, input));
  return {
    dates: indices.map((i) => ds.dates[i]),
    labels: indices.map((i) => ds.labels[i]),
    probs: indices.map((_, k) => [p[k * 3], p[k * 3 + 1], p[k * 3 + 2]]),
    input,
    backend,
  };
}

export interface RunJobOptions {
  backend: BackendInfo;
  onProgress?: (p: TrainProgress) => void;
  /** After each epoch, once metrics.jsonl holds it. */
  onEpoch?: (m: EpochMetrics) => void;
  /** Stages after training ('predicting test block'), for a progress display. */
  onStage?: (stage: string) => void;
  /** Extra sink for log lines (console); the run's train.log always gets them. */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Data directory to read instead of the one saved in run.json. */
  dataDir?: string;
  buildModel?: ModelFactory;
  /** Who trains, for the message a second writer of the folder gets ('factor-inception resume', 'app worker' ...). */
  command?: string;
}

/** Creates the run folder for a config (fingerprinting the data) without training. */
export function prepareRun(
  runsDir: string,
  name: string,
  config: RunConfig,
  dataDir: string,
  backend: BackendInfo,
): string {
  const { dataset, files, reports } = loadDataset(config.dataset, dataDir);
  // an impossible range is refused before a run folder exists
  checkDatasetUsable(dataset, reports);
  if (config.walkForward) testFold(dataset, config);
  else splitTrainVal(dataset.labels, config.train.validationFraction, config.dataset.horizonDays);
  return createRun(runsDir, name, config, {
    dataDir: path.resolve(dataDir),
    fingerprint: dataFingerprint(files, config.dataset),
    backend,
  });
}

/**
 * Trains (or continues) the run in runDir; sets its status and writes the model and predictions when done.
 * Holds the folder's lock throughout: a second writer is refused before it touches anything.
 */
export async function executeRun(runDir: string, opts: RunJobOptions): Promise<TrainResult> {
  const lock = acquireRunLock(runDir, opts.command ?? 'factor-inception');
  try {
    // temp files of writes an earlier process did not finish (killed, disk full)
    cleanStaleTempFiles(runDir, 1);
    return await trainLocked(runDir, opts);
  } finally {
    lock.release();
  }
}

async function trainLocked(runDir: string, opts: RunJobOptions): Promise<TrainResult> {
  const meta = readRunMeta(runDir);
  // a folder from before markers gets one: from now on its liveness is its lock
  writeFolderMarker(runDir, 'train');
  const config = readRunConfigOf(runDir);
  // 'wasm+native' when the native kernels compute: the tag on every log line, progress event and predictions file
  const backend = backendLabel(opts.backend);
  const fileLog = runLogger(runDir, backend);
  const log = (line: string) => {
    fileLog(line);
    opts.log?.(`[${backend}] ${line}`);
  };
  setRunStatus(runDir, { status: 'running' });
  try {
    const dataDir = opts.dataDir ?? meta.dataDir;
    const { dataset, files, reports, bars } = loadDataset(config.dataset, dataDir);
    checkDatasetUsable(dataset, reports);
    const fp = dataFingerprint(files, config.dataset);
    if (fp.combined !== meta.fingerprint.combined)
      log(
        `warning: the data in ${dataDir} differs from the data this run started with (fingerprint ${fp.combined.slice(0, 12)} vs ${meta.fingerprint.combined.slice(0, 12)}); results will not match an uninterrupted run`,
      );
    if (meta.backend.name !== opts.backend.name)
      log(`note: run started on backend ${meta.backend.name}, continuing on ${opts.backend.name}`);
    else if (isNative(meta.backend) !== isNative(opts.backend))
      log(
        `note: run started ${isNative(meta.backend) ? 'with' : 'without'} the native kernels, continuing ${isNative(opts.backend) ? 'with' : 'without'} them: the weights will differ in the last bits from an uninterrupted run`,
      );
    log(`backend ${describeBackend(opts.backend)} (requested ${opts.backend.requested})`);
    const input = modelInput(config.model.preset);
    // with a walkForward section the run is the last fold: trained before its test block, scored on it
    const fold = config.walkForward ? testFold(dataset, config) : undefined;
    const split =
      fold ?? splitTrainVal(dataset.labels, config.train.validationFraction, config.dataset.horizonDays);
    log(
      `dataset ${dataset.dates.length} samples ${dataset.dates[0]}..${dataset.dates.at(-1)}, train ${split.train.length}, validation ${split.val.length}, embargo ${config.walkForward?.embargoDays ?? config.dataset.horizonDays} days, input ${input}` +
        (fold ? `; test block ${fold.testStart}..${fold.testEnd} (${fold.test.length} dates)` : ''),
    );
    const history: EpochMetrics[] = readCheckpointInfo(runDir)?.history.slice() ?? [];
    writeMetrics(runDir, history);
    const result = await trainModel({
      model: config.model,
      settings: config.train,
      trainSet: dataset.source(split.train, input),
      valSet: split.val.length ? dataset.source(split.val, input) : undefined,
      runDir,
      onProgress: opts.onProgress,
      signal: opts.signal,
      log,
      backend,
      buildModel: opts.buildModel,
      onEpoch: (m) => {
        history.push(m);
        writeMetrics(runDir, history);
        opts.onEpoch?.(m);
      },
    });
    if (result.cancelled) {
      setRunStatus(runDir, {
        status: 'cancelled',
        epoch: result.history.length,
        message: 'cancelled; resume continues from the last checkpoint',
      });
      log('cancelled');
      return result;
    }
    await saveModel(runDir, result.model);
    const last = Array.from(
      { length: Math.min(SAVED_PREDICTIONS, dataset.dates.length) },
      (_, k) => dataset.dates.length - Math.min(SAVED_PREDICTIONS, dataset.dates.length) + k,
    );
    writeFileAtomic(
      path.join(runDir, 'predictions.json'),
      JSON.stringify(predictDates(result.model, dataset, last, input, backend), null, 1) + '\n',
    );
    if (fold) {
      opts.onStage?.('predicting test block');
      const probs = predictProba(result.model, dataset.source([...fold.test, ...fold.predictOnly], input));
      const { evaluation, table } = evaluateTestBlock(dataset, fold, probs, backend, config, bars);
      writeFileAtomic(path.join(runDir, 'predictions.csv'), predictionTableCsv(table));
      writeFileAtomic(path.join(runDir, EVALUATION_FILE), evaluationJson(evaluation));
      log(
        `test block ${fold.testStart}..${fold.testEnd}: accuracy ${(evaluation.metrics.accuracy * 100).toFixed(1)} %, balanced accuracy ${(evaluation.metrics.balancedAccuracy * 100).toFixed(1)} % on ${evaluation.metrics.n} labeled dates`,
      );
    }
    setRunStatus(runDir, {
      status: 'finished',
      epoch: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
    });
    log(
      `finished after ${result.history.length} epoch(s)${result.stoppedEarly ? ' (early stop)' : ''}${result.bestEpoch ? `, weights of epoch ${result.bestEpoch}` : ''}`,
    );
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    setFailedStatus(runDir, message);
    try {
      log(`failed: ${message}`);
    } catch {
      /* train.log may be on the full disk too; the error itself is rethrown */
    }
    throw err;
  }
}
