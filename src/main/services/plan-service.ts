/**
 * The study setup's preview: what a setup will train, from the engine's own planner (planStudy for a study, the
 * run job's testFold for a training run) over the data folder's files, before anything runs; and a rough
 * duration from a training speed measured on this machine. Plain Node; runs in the compute worker.
 */
import { ConfigError } from '../../shared/errors';
import type {
  AppStudyConfig,
  JobKind,
  PlanPreview,
  SetupIssue,
  TimeEstimate,
} from '../../shared/ipc-contract';
import { modelInput } from '../../shared/model';
import { indexFilesOf } from '../training/data/data-dir';
import { findSeriesFile, sniffBarsPerDay } from '../training/data/series-file';
import { runOfApp, studyOfApp } from '../training/eval/study-config';
import { planStudy } from '../training/eval/study/plan';
import { barSizesOf, CORE_FACTOR_COUNT, imageShapeOf } from '../training/images/dataset';
import { testFold } from '../training/train/run-evaluation';
import { parseRunConfig } from '../training/train/config';
import type { tf as TF } from '../training/train/tf';
import { channelBars, datasetFor } from './images-service';

const plans = new Map<string, PlanPreview>();

/** A refusal the form shows beside `path`: a reason the app translates, and the engine's words. */
function dataIssue(path: string, reason: string, params: SetupIssue['params'], message: string): SetupIssue {
  return { path, code: 'data', params: { reason, ...params }, message };
}

function empty(kind: JobKind, config: AppStudyConfig, issue: SetupIssue): PlanPreview {
  return {
    kind,
    samples: 0,
    labeled: 0,
    folds: [],
    cells: [],
    seeds: config.seeds.length,
    trainings: 0,
    trainSamples: 0,
    notes: [],
    issue,
  };
}

/** Codes the setup reads: the dataset's channels, and for a study every ablation set's. */
function codesOf(kind: JobKind, config: AppStudyConfig): string[] {
  const sets = kind === 'study' ? config.ablation.channelSets : [config.dataset.channels];
  return [...new Set([...config.dataset.channels, ...sets.flat()])];
}

/** Files the data folder lacks, or bar sizes it cannot give, named for the form. */
function availability(dataDir: string, kind: JobKind, config: AppStudyConfig): SetupIssue | undefined {
  const B = config.dataset.barsPerDay;
  for (const code of codesOf(kind, config)) {
    const path = code === config.dataset.target ? 'dataset.target' : 'dataset.channels';
    if (indexFilesOf(dataDir, code).length === 0)
      return dataIssue(path, 'missingIndex', { code }, `no file for index ${code} in the data folder`);
    const source = sniffBarsPerDay(findSeriesFile(dataDir, code, B));
    if (source > 0 && !barSizesOf(source).includes(B))
      return dataIssue(
        'dataset.barsPerDay',
        'barSize',
        { code, barsPerDay: B, source },
        `${code} has ${source} bar(s) a day: ${B} bars a day cannot be made from it`,
      );
  }
  return undefined;
}

function engineIssue(err: unknown): SetupIssue {
  const message = err instanceof Error ? err.message : String(err);
  const field = err instanceof ConfigError ? err.field : '';
  const path = field.includes('.') ? field : field ? `dataset.${field}` : '';
  return dataIssue(path, 'engine', { message }, message);
}

/** The plan of a setup: folds, cells, trainings and training samples, or the reason the data cannot serve it. */
export function planPreview(dataDir: string, kind: JobKind, config: AppStudyConfig): PlanPreview {
  const missing = availability(dataDir, kind, config);
  if (missing) return empty(kind, config, missing);
  try {
    const codes = codesOf(kind, config);
    const { bars, key: filesKey } = channelBars(dataDir, { ...config.dataset, channels: codes });
    const key = JSON.stringify([kind, filesKey, { ...config, name: '', seeds: config.seeds.length }]);
    const hit = plans.get(key);
    if (hit) return hit;
    let preview: PlanPreview;
    if (kind === 'train') {
      const run = parseRunConfig(runOfApp(config), 'the study setup');
      const ds = datasetFor(dataDir, run.dataset);
      const fold = testFold(ds, run);
      let labeled = ds.labels.findIndex((l) => l < 0);
      if (labeled < 0) labeled = ds.labels.length;
      preview = {
        kind,
        samples: ds.dates.length,
        labeled,
        first: ds.dates[0],
        last: ds.dates.at(-1),
        folds: [foldRow(fold)],
        cells: [`${run.dataset.channels.join('+')}_${run.dataset.layout}`],
        seeds: 1,
        trainings: 1,
        trainSamples: fold.train.length,
        notes: [],
      };
    } else {
      const study = studyOfApp(config, 'preview', 'the study setup');
      const plan = planStudy(study, { bars }, () => {});
      const folds = plan.folds.map(foldRow);
      const perCell = folds.reduce((s, f) => s + f.train, 0);
      preview = {
        kind,
        samples: plan.common.length,
        labeled: plan.labeledCount,
        first: plan.common[0],
        last: plan.common.at(-1),
        folds,
        cells: plan.cells.map((c) => c.key),
        seeds: study.seeds.length,
        trainings: folds.length * plan.cells.length * study.seeds.length,
        trainSamples: perCell * plan.cells.length * study.seeds.length,
        notes: plan.notes,
      };
    }
    plans.set(key, preview);
    if (plans.size > 20) plans.delete(plans.keys().next().value!);
    return preview;
  } catch (err) {
    return empty(kind, config, engineIssue(err));
  }
}

function foldRow(f: {
  index: number;
  testStart: string;
  testEnd: string;
  train: number[];
  val: number[];
  test: number[];
}) {
  return {
    index: f.index,
    testStart: f.testStart,
    testEnd: f.testEnd,
    train: f.train.length,
    val: f.val.length,
    test: f.test.length,
  };
}

const speeds = new Map<string, { sps: number; backend: string; busy: boolean }>();

/**
 * Samples/s of one training step of the setup's model on this machine: a model built by the engine's builder,
 * Adam steps on a batch of the setup's size, median of the steps after a warm-up (as bench/training-speed.ts
 * does), measured once per model, input shape, batch size and backend.
 */
async function measureSpeed(config: AppStudyConfig, busy: boolean) {
  const image = modelInput(config.model.preset) === 'image';
  const factors = config.dataset.factors?.length ?? CORE_FACTOR_COUNT;
  const shape = image ? imageShapeOf(config.dataset, factors) : [factors * config.dataset.channels.length];
  const batch = config.train.batchSize;
  const key = JSON.stringify([config.model, shape, batch, config.train.backend]);
  const hit = speeds.get(key);
  if (hit) return hit;
  const { selectBackend } = await import('../training/train/backend');
  const { backendLabel } = await import('../training/train/backend-info');
  const { buildModel } = await import('../training/model/build');
  const { tf } = await import('../training/train/tf');
  type Tensor = TF.Tensor;
  type Scalar = TF.Scalar;
  const backend = await selectBackend(config.train.backend);
  const model = buildModel(config.model, shape, { seed: 1 });
  const opt = tf.train.adam(1e-3);
  const size = shape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(batch * size);
  for (let i = 0; i < xs.length; i++) xs[i] = Math.sin(i * 12.9898) * 0.5;
  const x = tf.tensor(xs, [batch, ...shape]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const step = () => {
    const loss = opt.minimize(() => {
      const out = model.apply(x, { training: true });
      return tf.losses.softmaxCrossEntropy(y, (Array.isArray(out) ? out[0] : out) as Tensor) as Scalar;
    }, true);
    loss?.dataSync();
    loss?.dispose();
  };
  try {
    step();
    const times: number[] = [];
    const t0 = performance.now();
    // three steps or two seconds, whichever comes later (a 224 px GoogLeNet step takes over a second)
    while (times.length < 3 || performance.now() - t0 < 2000) {
      const t = performance.now();
      step();
      times.push(performance.now() - t);
      if (times.length >= 20) break;
    }
    times.sort((a, b) => a - b);
    const ms = times[times.length >> 1];
    const r = { sps: (batch * 1000) / ms, backend: backendLabel(backend), busy };
    speeds.set(key, r);
    return r;
  } finally {
    x.dispose();
    y.dispose();
    opt.dispose();
    model.dispose();
  }
}

/**
 * Rough duration: every training's epochs over its training samples at the measured speed, plus a forward pass
 * (taken as a third of a training step) over its validation samples each epoch and its test samples once.
 * Early stopping and the baselines are not counted: read it as an upper bound of the CNN's share.
 */
export async function timeEstimate(
  dataDir: string,
  kind: JobKind,
  config: AppStudyConfig,
  busy: boolean,
): Promise<TimeEstimate> {
  const plan = planPreview(dataDir, kind, config);
  if (plan.issue) throw new Error(plan.issue.message);
  const speed = await measureSpeed(config, busy);
  const copies = kind === 'study' ? plan.cells.length * plan.seeds : 1;
  const epochs = config.train.epochs;
  let steps = 0;
  for (const f of plan.folds) steps += epochs * (f.train + f.val / 3) + f.test / 3;
  return {
    seconds: (steps * copies) / speed.sps,
    samplesPerSecond: speed.sps,
    backend: speed.backend,
    busy: speed.busy,
  };
}
