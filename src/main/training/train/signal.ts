/**
 * Today's signal: a finished training run's saved model applied to the newest dates of a data folder (the same
 * path as `factor-inception predict`: the run's dataset rebuilt without its 'to' date, loadRunModel,
 * predictDates), the action the run's strategy takes after the newest close (the engine's backtest over those
 * signals), and the run's out-of-sample record beside it (its test block's evaluation.json).
 *
 * Images, z-scores and labels are causal, so the probabilities of a date do not depend on any later bar: a data
 * update adds new dates and changes none of the earlier ones (tested).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SignalDto, SignalInterval, SignalRecord } from '../../../shared/ipc-contract';
import { ConfigError } from '../../../shared/errors';
import { backtest } from '../eval/backtest';
import { argmaxRows } from '../eval/metrics';
import { loadDataset } from '../images/dataset';
import { modelInput } from '../model/spec';
import { backendLabel, type BackendInfo } from './backend-info';
import { runBacktest } from './config';
import { loadRunModel } from './model-io';
import type { RunEvaluationFile } from './run-evaluation';
import { readRunFolder } from './run-folders';
import { predictDates } from './run-job';
import { dataFingerprint } from './runs';

const interval = (ci: { lo: number | null; hi: number | null; level: number } | undefined) =>
  ci && ci.lo !== null && ci.hi !== null ? { lo: ci.lo, hi: ci.hi, level: ci.level } : undefined;
const value = (x: number | null | undefined) => (typeof x === 'number' ? x : undefined);

/** The run's test block as an out-of-sample record; baselines best first. */
export function signalRecord(e: RunEvaluationFile): SignalRecord {
  const baselines = (e.baselines ?? [])
    .map((b) => ({
      ...(b.id ? { id: b.id } : {}),
      ...(b.params ? { params: b.params } : {}),
      name: b.name,
      balancedAccuracy: value(b.metrics.balancedAccuracy),
      ci: interval(b.ci?.balancedAccuracy as SignalInterval | undefined),
    }))
    .sort((a, b) => (b.balancedAccuracy ?? -1) - (a.balancedAccuracy ?? -1));
  return {
    testStart: e.fold.testStart,
    testEnd: e.fold.testEnd,
    n: e.metrics.n,
    balancedAccuracy: value(e.metrics.balancedAccuracy),
    ci: interval(e.ci?.balancedAccuracy as SignalInterval | undefined),
    baselines,
  };
}

/**
 * Today's signal of the finished training run in runDir on the data in dataDir (which may hold days the run
 * never saw). Needs the run's model (a finished run); loads tfjs through the backend the caller selected.
 */
export async function todaysSignal(
  runDir: string,
  opts: { dataDir: string; backend: BackendInfo },
): Promise<SignalDto> {
  const folder = readRunFolder(runDir);
  if (folder.kind !== 'train')
    throw new ConfigError(
      'run',
      `${path.basename(runDir)} is a study: studies keep their folds' predictions, not a model; train a run for today's signal`,
    );
  if (folder.status !== 'finished' || !existsSync(path.join(runDir, 'model.json')))
    throw new ConfigError('run', `${path.basename(runDir)} has not finished: it has no model yet`);
  const config = folder.config;
  const H = config.dataset.horizonDays;
  const strategy = runBacktest(config);
  // images are causal (a date's image uses bars up to that date only), so dropping 'to' changes no earlier image
  const { dataset, files } = loadDataset({ ...config.dataset, to: undefined }, opts.dataDir);
  // shown: the newest H dates (no label yet); predicted: holdDays - 1 more before them, so the target of every
  // shown date averages a full holding period
  const shown = Math.min(dataset.dates.length, Math.max(H, 2));
  const n = Math.min(dataset.dates.length, shown + strategy.holdDays - 1);
  if (n === 0) throw new ConfigError('data', `no sample dates in ${opts.dataDir} for this run's dataset`);
  const indices = Array.from({ length: n }, (_, k) => dataset.dates.length - n + k);
  const model = await loadRunModel(runDir);
  let p;
  try {
    p = predictDates(model, dataset, indices, modelInput(config.model.preset), backendLabel(opts.backend));
  } finally {
    model.dispose();
  }
  const pred = argmaxRows(p.probs.flat());
  // the engine's own backtest decides the target: the mean of the last holdDays signals' positions
  const bt = backtest({ bars: dataset.targetDaily, signalDates: p.dates, signals: pred, options: strategy });
  const targetAt = new Map(bt.dates.map((d, i) => [d, bt.target[i]] as const));
  const target = bt.target[bt.target.length - 1];
  const previousTarget = bt.target.length > 1 ? bt.target[bt.target.length - 2] : 0;
  const current = dataFingerprint(files, config.dataset).combined;
  return {
    runId: path.basename(runDir),
    runName: folder.name,
    createdAt: folder.createdAt,
    target: config.dataset.target,
    channels: config.dataset.channels,
    preset: config.model.preset,
    horizonDays: H,
    upThreshold: config.dataset.upThreshold,
    downThreshold: config.dataset.downThreshold,
    targetLastDate: dataset.targetDaily.date[dataset.targetDaily.date.length - 1],
    lastSampleDate: dataset.dates[dataset.dates.length - 1],
    rows: p.dates.slice(n - shown).map((date, j) => {
      const k = n - shown + j;
      return {
        date,
        pDown: p.probs[k][0],
        pFlat: p.probs[k][1],
        pUp: p.probs[k][2],
        predicted: pred[k],
        label: p.labels[k],
        target: targetAt.get(date) ?? NaN,
      };
    }),
    action: {
      positionMap: strategy.positionMap,
      execution: strategy.execution,
      holdDays: strategy.holdDays,
      target,
      previousTarget,
    },
    record: folder.evaluation ? signalRecord(folder.evaluation) : undefined,
    dataChanged: current !== folder.meta.fingerprint.combined,
    backend: backendLabel(opts.backend),
  };
}
