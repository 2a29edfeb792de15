/**
 * How 'auto' chooses between the backends that load: by a short timed training step of the model at hand on
 * each (bench/README.md: which one is faster depends on the model — tfjs-node ran GoogLeNet at about 0.6x of
 * wasm with the native kernels but a small plain CNN faster). The measurement is cached per model shape,
 * machine and versions, so a machine measures a configuration once and every later run (and a resume) makes the
 * same choice. Without a model to measure, a rule from the bench decides, and the reason says so.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatasetConfig } from '../../../shared/domain';
import { CORE_FACTOR_COUNT, imageShapeOf, resolveDatasetConfig } from '../images/dataset';
import { buildModel } from '../model/build';
import { modelInput, type ModelSpec } from '../model/spec';
import { writeFileAtomic } from './atomic';
import { tf } from './tf';

/** What a probe trains: the model, one sample's shape and the batch size of the run. */
export interface ProbeTarget {
  model: ModelSpec;
  inputShape: number[];
  batchSize: number;
}

/** One backend's measured training step. `label` is 'tensorflow', 'wasm+native' or 'wasm'. */
export interface StepTiming {
  label: string;
  msPerStep: number;
  steps: number;
}

export interface BackendChoice {
  /** The tfjs backend to activate. */
  name: 'tensorflow' | 'wasm';
  /** One sentence for logs and run.json: what was chosen and why (with the timings). */
  reason: string;
  timings: StepTiming[];
  cached: boolean;
}

/** The probe target of a run config (the shape its dataset will have, without loading the data). */
export function probeTargetOf(config: {
  model: ModelSpec;
  dataset: Partial<DatasetConfig>;
  train: { batchSize: number };
}): ProbeTarget {
  const ds = resolveDatasetConfig(config.dataset);
  const factors = ds.factors?.length ?? CORE_FACTOR_COUNT;
  const inputShape =
    modelInput(config.model.preset) === 'image' ? imageShapeOf(ds, factors) : [factors * ds.channels.length];
  return { model: config.model, inputShape, batchSize: config.train.batchSize };
}

/** Cache folder shared with scripts/prepare-tfjs-node.mjs. */
export function cacheDir(): string {
  return (
    process.env.FACTOR_INCEPTION_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'factor-inception')
  );
}

const CACHE_FILE = 'backend-choice.json';

/** The facts a timing depends on besides the model: machine, versions and thread counts. */
export function choiceKey(target: ProbeTarget, backends: Record<string, string>): string {
  const facts = {
    model: Object.fromEntries(Object.entries(target.model).sort(([a], [b]) => a.localeCompare(b))),
    inputShape: target.inputShape,
    batchSize: target.batchSize,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    backends,
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 24);
}

interface CacheFile {
  entries: Record<string, { timings: StepTiming[]; at: string; target: ProbeTarget }>;
}

function readCache(): CacheFile {
  const file = path.join(cacheDir(), CACHE_FILE);
  if (!existsSync(file)) return { entries: {} };
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return c && typeof c.entries === 'object' ? c : { entries: {} };
  } catch {
    return { entries: {} }; // a torn or foreign file is remeasured, never trusted
  }
}

/** Cached timings of a key, or undefined. */
export function cachedTimings(key: string): StepTiming[] | undefined {
  const e = readCache().entries[key];
  return Array.isArray(e?.timings) && e.timings.every((t) => t.msPerStep > 0) ? e.timings : undefined;
}

export function storeTimings(key: string, target: ProbeTarget, timings: StepTiming[]): void {
  const c = readCache();
  c.entries[key] = { timings, at: new Date().toISOString(), target };
  mkdirSync(cacheDir(), { recursive: true });
  writeFileAtomic(path.join(cacheDir(), CACHE_FILE), JSON.stringify(c, null, 1) + '\n');
}

/** The faster of the measured backends (ties go to the first listed); the reason names every timing. */
export function fasterOf(timings: StepTiming[], target: ProbeTarget, cached: boolean): BackendChoice {
  if (timings.length === 0) throw new Error('fasterOf needs at least one timing');
  const best = timings.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  const others = timings.filter((t) => t !== best);
  const what = `${target.model.preset} width ${target.model.width}, ${target.inputShape.join('x')}, batch ${target.batchSize}`;
  const list = timings.map((t) => `${t.label} ${t.msPerStep.toFixed(0)} ms`).join(', ');
  const speedup = others.length
    ? ` (${(Math.min(...others.map((o) => o.msPerStep)) / best.msPerStep).toFixed(2)}x faster)`
    : '';
  return {
    name: best.label === 'tensorflow' ? 'tensorflow' : 'wasm',
    reason: `auto chose ${best.label}${speedup}: a training step of ${what} took ${list}${cached ? ' (measured earlier on this machine, cached)' : ''}`,
    timings,
    cached,
  };
}

/** The bench's rule, for when there is no model to measure. */
export function ruleChoice(nativeActive: boolean): BackendChoice {
  return nativeActive
    ? {
        name: 'wasm',
        reason:
          'auto chose wasm+native by the bench rule (tensorflow trained GoogLeNet at 0.6-0.65x of it; no model was given to measure)',
        timings: [],
        cached: false,
      }
    : {
        name: 'tensorflow',
        reason:
          'auto chose tensorflow by the bench rule (wasm without the native kernels trained 2-6x slower; no model was given to measure)',
        timings: [],
        cached: false,
      };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median wall time of a training step (Adam, softmax cross-entropy, synthetic inputs) of the target on the
 * active backend, after one warm-up step: steps until `budgetMs` has passed, at least 1 and at most 5.
 * Builds and disposes its own model; touches no seeded stream of a run.
 */
export function timeTrainingStep(target: ProbeTarget, budgetMs = 2000): { msPerStep: number; steps: number } {
  const batch = Math.max(1, Math.min(target.batchSize, 64));
  const model = buildModel(target.model, target.inputShape, { seed: 1, numClasses: 3 });
  const opt = tf.train.adam(1e-3);
  const size = target.inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(batch * size);
  for (let i = 0; i < xs.length; i++) xs[i] = Math.sin(i * 12.9898) * 0.5;
  const x = tf.tensor(xs, [batch, ...target.inputShape]);
  const y = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: batch }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const step = () => {
    const loss = opt.minimize(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
      return tf.losses.softmaxCrossEntropy(y, Array.isArray(out) ? out[0] : out) as tf.Scalar;
    }, true);
    loss?.dataSync();
    loss?.dispose();
  };
  try {
    step();
    const times: number[] = [];
    const t0 = performance.now();
    while (times.length < 5 && (times.length === 0 || performance.now() - t0 < budgetMs)) {
      const t = performance.now();
      step();
      times.push(performance.now() - t);
    }
    return { msPerStep: median(times), steps: times.length };
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
}
