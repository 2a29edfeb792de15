/**
 * Training of every cell x seed x fold (from scratch, or warm-started from the previous fold's weights), each
 * fold's test rows predicted and cached; the out-of-sample probabilities of a cell and seed joined into one
 * series over the study rows. While a fold model of an importance cell is loaded, its permutation importance is
 * scored and kept in a sidecar of the fold file (importance.ts).
 */
import path from 'node:path';
import { buildModel } from '../../model/build';
import { backendLabel } from '../../train/backend-info';
import { modelPredictor } from '../../train/image-predictor';
import { predictProba, trainModel } from '../../train/trainer';
import type { PermutationScores } from '../importance';
import type { tf } from '../../train/tf';
import { argmaxRows, NUM_CLASSES } from '../metrics';
import type { StudyConfig } from '../study-config';
import { foldHash, readCachedFold, writeCachedFold } from './fold-cache';
import {
  importanceSettings,
  readFoldScores,
  scoreFold,
  type ImportanceScores,
  type ImportanceSettings,
} from './importance';
import type { StudyPlan } from './plan';
import { inShard, type FoldRecord, type StudyHooks, type StudyProgress } from './result';

export interface TrainedFolds {
  /** Probabilities over the study rows (rows x 3) by `${cellKey}#${seed}`. */
  probsByCellSeed: Map<string, Float64Array>;
  /** Permutation-importance scores of the importance cells, by cell, seed and fold (see importance.ts). */
  importance: ImportanceScores;
  importanceSettings: Map<string, ImportanceSettings>;
  foldRecords: FoldRecord[];
  computed: number;
  cached: number;
  /** Notes for the report (warm starts resumed from the cache). */
  notes: string[];
}

/** Trains or reads from the cache every fold of the plan; throws 'study cancelled' when the signal aborts. */
export async function trainFolds(
  config: StudyConfig,
  plan: StudyPlan,
  hooks: StudyHooks,
  t0: number,
): Promise<TrainedFolds> {
  const log = (line: string) => hooks.log?.(line);
  const { cells, common, folds, rowsCommon, labelsAll } = plan;
  const notes: string[] = [];
  // the training units of this process: every fold, or a shard of them (`--jobs`); chains when warm-starting
  const unitOf = (c: number, s: number, f: number) =>
    config.warmStart ? c * config.seeds.length + s : (c * config.seeds.length + s) * folds.length + f;
  const mine = (c: number, s: number, f: number) => inShard(hooks.shard, unitOf(c, s, f));
  // ETA in training samples, not folds: anchored folds grow, so later folds cost more than early ones
  const foldWork = folds.map((f) => f.train.length + f.val.length);
  let total = 0;
  let remainingWork = 0;
  cells.forEach((_, c) =>
    config.seeds.forEach((_, s) =>
      folds.forEach((f) => {
        if (!mine(c, s, f.index)) return;
        total++;
        remainingWork += foldWork[f.index];
      }),
    ),
  );
  let done = 0;
  let cachedCount = 0;
  let computed = 0;
  let computeSeconds = 0;
  const foldRecords: FoldRecord[] = [];
  const probsByCellSeed = new Map<string, Float64Array>();
  const importance: ImportanceScores = new Map();
  const importanceSettingsByCell = new Map<string, ImportanceSettings>();
  const scoredCells = importanceCells(config, plan);
  for (const key of scoredCells) {
    const cell = cells.find((c) => c.key === key)!;
    importanceSettingsByCell.set(
      key,
      importanceSettings(
        cell.ds,
        config.importance.repeats,
        config.dataset.horizonDays,
        config.bootstrap.seed,
      ),
    );
  }
  const backendName = hooks.backend ? backendLabel(hooks.backend) : 'unknown';
  let computedWork = 0;
  const progress = (
    key: string,
    phase: StudyProgress['phase'],
    message: string,
    extra: Partial<StudyProgress> = {},
  ) => {
    const per = computedWork > 0 ? computeSeconds / computedWork : NaN;
    hooks.onProgress?.({
      done,
      total,
      cached: cachedCount,
      key,
      phase,
      etaSeconds: Number.isFinite(per) ? per * remainingWork : NaN,
      elapsedSeconds: (Date.now() - t0) / 1000,
      message,
      ...extra,
    });
  };

  for (const [ci, cell] of cells.entries()) {
    const toDs = (js: number[]) => js.map((j) => cell.index.get(common[j])!);
    const imp = importanceSettingsByCell.get(cell.key);
    if (imp) importance.set(cell.key, new Map());
    for (const [si, seed] of config.seeds.entries()) {
      const seedScores: (PermutationScores | undefined)[] = [];
      if (imp) importance.get(cell.key)!.set(seed, seedScores);
      const seriesProbs = new Float64Array(rowsCommon.length * NUM_CLASSES).fill(NaN);
      let prevModel: tf.LayersModel | undefined;
      let rowOffset = 0;
      for (const fold of folds) {
        if (!mine(ci, si, fold.index)) {
          rowOffset += fold.test.length + fold.predictOnly.length;
          continue;
        }
        const key = `${cell.key}_s${seed}_f${String(fold.index).padStart(3, '0')}`;
        const testRows = [...fold.test, ...fold.predictOnly];
        const hash = foldHash({
          dataset: cell.ds.config,
          model: cell.model,
          train: config.train,
          seed,
          warmStart: config.warmStart,
          train0: common[fold.train[0]],
          train1: common[fold.train[fold.train.length - 1]],
          val: fold.val.length ? [common[fold.val[0]], common[fold.val[fold.val.length - 1]]] : [],
          test: testRows.map((j) => common[j]),
          common0: common[0],
          fingerprint: plan.fingerprint,
          // undefined (so absent from the JSON, and the hash as before) unless another source labels the cell
          labelsFrom: cell.labelsFrom,
        });
        const file = path.join(plan.foldDir, `${key}.json`);
        const testDates = testRows.map((j) => common[j]);
        const cached = readCachedFold(file, { hash, key, dates: testDates }, log);
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
          if (imp) seedScores.push(readFoldScores(file, hash, fold.index, imp, log));
          cachedCount++;
          remainingWork -= foldWork[fold.index];
          done++;
          progress(key, 'cached', `${key}: cached`);
        } else {
          if (hooks.signal?.aborted) throw new Error('study cancelled');
          const ts = Date.now();
          progress(key, 'training', `${key}: training`);
          const { input } = cell;
          const trainSet = cell.ds.source(toDs(fold.train), input);
          const valSet = fold.val.length ? cell.ds.source(toDs(fold.val), input) : undefined;
          const warm = config.warmStart ? prevModel : undefined;
          const result = await trainModel({
            model: cell.model,
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
              progress(key, 'training', `${key}: epoch ${p.epoch}/${p.epochs}`, {
                epoch: p.epoch,
                epochs: p.epochs,
                train: p,
              }),
            onEpoch: (m) => hooks.onEpoch?.(key, m),
          });
          if (result.cancelled) {
            result.model.dispose();
            throw new Error('study cancelled');
          }
          const testSet = cell.ds.source(toDs(testRows), input);
          probs = predictProba(result.model, testSet);
          if (imp) {
            const ti = Date.now();
            const predict = modelPredictor(result.model, cell.ds.imageShape, config.train.batchSize);
            seedScores.push(scoreFold(file, hash, fold.index, cell.ds, toDs(fold.test), predict, imp));
            log(
              `${key}: permutation importance of ${imp.groups.length} groups in ${((Date.now() - ti) / 1000).toFixed(1)} s`,
            );
          }
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
          writeCachedFold(file, { hash, key, dates: testDates, probs: Array.from(probs), record });
          computed++;
          computeSeconds += seconds;
          computedWork += foldWork[fold.index];
          remainingWork -= foldWork[fold.index];
          done++;
          progress(
            key,
            'trained',
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
  return {
    probsByCellSeed,
    importance,
    importanceSettings: importanceSettingsByCell,
    foldRecords,
    computed,
    cached: cachedCount,
    notes,
  };
}

/**
 * Cells whose fold models are scored for importance: the primary (the largest channel set) and, when asked, the
 * single-index reference of its layout. None when importance is off or the model reads last-bar vectors (the
 * groups are parts of an image).
 */
export function importanceCells(config: StudyConfig, plan: Pick<StudyPlan, 'cells' | 'input'>): string[] {
  if (!config.importance.enabled || plan.input !== 'image') return [];
  const primary = [...plan.cells].sort((a, b) => b.channels.length - a.channels.length)[0];
  const keys = [primary.key];
  if (config.importance.cells === 'primary+reference') {
    const ref =
      plan.cells.find((c) => c.channels.length === 1 && c.layout === primary.layout) ??
      plan.cells.find((c) => c.channels.length === 1);
    if (ref && ref.key !== primary.key) keys.push(ref.key);
  }
  return keys;
}
