/**
 * One training run end to end, shared by the CLI's train, resume and batch commands and the app's training
 * worker: dataset from the saved config -> train/validation split (or, with a walkForward section, the last
 * walk-forward fold) -> trainModel (resuming a checkpoint) -> model, predictions, the test block's scores and
 * the status in the run folder.
 */
import path from 'node:path';
import { ConfigError } from '../../../shared/errors';
import { loadDataset, type FactorDataset } from '../images/dataset';
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
  setRunStatus,
  writeMetrics,
} from './runs';
import { writeFileAtomic } from './atomic';
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
  if (train.length === 0)
    throw new ConfigError(
      'train.validationFraction',
      `leaves no training samples (${labelled.length} labelled, embargo ${embargoDays})`,
    );
  return { train, val };
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
}

/** Creates the run folder for a config (fingerprinting the data) without training. */
export function prepareRun(
  runsDir: string,
  name: string,
  config: RunConfig,
  dataDir: string,
  backend: BackendInfo,
): string {
  const { files } = loadDataset(config.dataset, dataDir);
  return createRun(runsDir, name, config, {
    dataDir: path.resolve(dataDir),
    fingerprint: dataFingerprint(files, config.dataset),
    backend,
  });
}

/** Trains (or continues) the run in runDir; sets its status and writes the model and predictions when done. */
export async function executeRun(runDir: string, opts: RunJobOptions): Promise<TrainResult> {
  const meta = readRunMeta(runDir);
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
    const { dataset, files } = loadDataset(config.dataset, dataDir);
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
      const { evaluation, table } = evaluateTestBlock(dataset, fold, probs, backend, config);
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
    setRunStatus(runDir, { status: 'failed', message });
    log(`failed: ${message}`);
    throw err;
  }
}
