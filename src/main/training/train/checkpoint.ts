/**
 * Per-epoch checkpoints: <runDir>/checkpoint/manifest.json + one binary file of float32 tensors (model weights,
 * optimizer state, best-so-far weights). The binary is written under a new name first and the manifest is renamed
 * over the old one last, so after a crash the manifest always points at a complete binary.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { tf } from './tf';
import type { ModelSpec } from '../model/spec';
import type { EpochMetrics, TrainSettings } from './settings';
import { z } from 'zod';
import { ConfigError, DataError } from '../../../shared/errors';
import { writeFileAtomic } from './atomic';
import { readStoredBytes, readStoredJson } from './stored';

/** Everything the loop needs besides weights and optimizer tensors to continue exactly where it stopped. */
export interface TrainState {
  /** Completed epochs. */
  epoch: number;
  history: EpochMetrics[];
  /** Best validation loss so far, its 1-based epoch, epochs since, and a copy of its weights (model.weights order). */
  best: { valLoss: number; epoch: number; wait: number; weights?: Float32Array[] };
  /** No more epochs to run (finished or stopped early). */
  stopped: boolean;
  stoppedEarly: boolean;
}

interface TensorEntry {
  name: string;
  shape: number[];
}

interface Manifest {
  format: 'factor-inception-checkpoint';
  version: 1;
  key: string;
  epoch: number;
  history: EpochMetrics[];
  best: { valLoss: number | null; epoch: number; wait: number; hasWeights: boolean };
  stopped: boolean;
  stoppedEarly: boolean;
  /** Shuffles and dropout masks are derived from (seed, epoch, batch), so the RNG state is the seed and the epoch. */
  rng: { kind: 'derived'; seed: number; epoch: number };
  optimizer: {
    className: string;
    iterations: number;
    accBeta1?: number;
    accBeta2?: number;
    tensors: TensorEntry[];
  };
  weights: TensorEntry[];
  bin: string;
  binBytes: number;
  binSha256: string;
  savedAt: string;
}

const DIR = 'checkpoint';
const MANIFEST = 'manifest.json';

const tensorEntry = z.looseObject({ name: z.string(), shape: z.array(z.number().int().min(0)) });
const epochEntry = z.looseObject({
  epoch: z.number(),
  loss: z.number().nullable(),
  accuracy: z.number().nullable(),
  learningRate: z.number(),
  seconds: z.number(),
});
/** The manifest as saveCheckpoint writes it; read only through this schema (stored.ts names the bad field). */
const manifestSchema = z.looseObject({
  format: z.literal('factor-inception-checkpoint'),
  version: z.literal(1),
  key: z.string(),
  epoch: z.number().int().min(0),
  history: z.array(epochEntry),
  best: z.looseObject({
    valLoss: z.number().nullable(),
    epoch: z.number().int(),
    wait: z.number().int(),
    hasWeights: z.boolean(),
  }),
  stopped: z.boolean(),
  stoppedEarly: z.boolean(),
  rng: z.looseObject({ kind: z.literal('derived'), seed: z.number(), epoch: z.number() }),
  optimizer: z.looseObject({
    className: z.string(),
    iterations: z.number(),
    accBeta1: z.number().optional(),
    accBeta2: z.number().optional(),
    tensors: z.array(tensorEntry),
  }),
  weights: z.array(tensorEntry),
  // a file name in the checkpoint folder, never a path
  bin: z.string().regex(/^weights-epoch\d+\.bin$/, 'expected weights-epoch<N>.bin'),
  binBytes: z.number().int().min(0),
  binSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex'),
  savedAt: z.string(),
});

function readManifest(runDir: string): Manifest {
  return readStoredJson(path.join(runDir, DIR, MANIFEST), manifestSchema) as unknown as Manifest;
}

/** Identifies what a checkpoint belongs to; resuming with a different model, settings or data size is refused. */
export function checkpointKey(
  spec: ModelSpec,
  s: TrainSettings,
  inputShape: number[],
  trainCount: number,
  valCount: number,
): string {
  // the backend may change between sessions (results then match only to float tolerance)
  const { backend: _backend, ...rest } = s;
  const text = JSON.stringify({ spec, settings: rest, inputShape, trainCount, valCount });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** True when <runDir>/checkpoint/manifest.json exists. */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(path.join(runDir, DIR, MANIFEST));
}

/** Reads only the manifest's progress fields (for listing runs). */
export function readCheckpointInfo(
  runDir: string,
): { epoch: number; stopped: boolean; history: EpochMetrics[] } | undefined {
  if (!hasCheckpoint(runDir)) return undefined;
  const m = readManifest(runDir);
  return { epoch: m.epoch, stopped: m.stopped, history: m.history };
}

type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

/** Writes the checkpoint of a completed epoch atomically. */
export async function saveCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: TrainState,
  key: string,
  seed: number,
): Promise<void> {
  const dir = path.join(runDir, DIR);
  mkdirSync(dir, { recursive: true });
  const chunks: Float32Array[] = [];
  const weights: TensorEntry[] = model.weights.map((w) => ({
    name: w.originalName,
    shape: w.shape as number[],
  }));
  for (const t of model.getWeights()) chunks.push(asFloat32(t));
  const named = await optimizer.getWeights();
  // the first entry is the iteration count, a fresh scalar owned by us
  const iterations = named[0].tensor.dataSync()[0];
  named[0].tensor.dispose();
  const optTensors: TensorEntry[] = [];
  for (const nt of named.slice(1)) {
    optTensors.push({ name: nt.name, shape: nt.tensor.shape });
    chunks.push(asFloat32(nt.tensor));
  }
  const adam = optimizer as unknown as AdamInternals;
  if (state.best.weights) for (const w of state.best.weights) chunks.push(w);

  const total = chunks.reduce((a, c) => a + c.length, 0);
  const bin = new Float32Array(total);
  let off = 0;
  for (const c of chunks) {
    bin.set(c, off);
    off += c.length;
  }
  const bytes = new Uint8Array(bin.buffer);
  const binName = `weights-epoch${String(state.epoch).padStart(4, '0')}.bin`;
  writeFileAtomic(path.join(dir, binName), bytes);
  const manifest: Manifest = {
    format: 'factor-inception-checkpoint',
    version: 1,
    key,
    epoch: state.epoch,
    history: state.history,
    best: {
      valLoss: Number.isFinite(state.best.valLoss) ? state.best.valLoss : null,
      epoch: state.best.epoch,
      wait: state.best.wait,
      hasWeights: !!state.best.weights,
    },
    stopped: state.stopped,
    stoppedEarly: state.stoppedEarly,
    rng: { kind: 'derived', seed, epoch: state.epoch },
    optimizer: {
      className: optimizer.getClassName(),
      iterations,
      // Adam keeps beta^t as running products; restoring them via pow() could differ in the last bit
      accBeta1: adam.accBeta1?.dataSync()[0],
      accBeta2: adam.accBeta2?.dataSync()[0],
      tensors: optTensors,
    },
    weights,
    bin: binName,
    binBytes: bytes.byteLength,
    binSha256: createHash('sha256').update(bytes).digest('hex'),
    savedAt: new Date().toISOString(),
  };
  writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 1));
  for (const f of readdirSync(dir)) if (f.endsWith('.bin') && f !== binName) unlinkSync(path.join(dir, f));
}

function asFloat32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`checkpoint: tensor of dtype ${t.dtype} is not supported`);
  return t.dataSync() as Float32Array;
}

/** Restores model weights and optimizer state from <runDir>/checkpoint and returns the loop state. */
export async function loadCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  key: string,
): Promise<TrainState> {
  const dir = path.join(runDir, DIR);
  const file = path.join(dir, MANIFEST);
  const m = readManifest(runDir);
  if (m.key !== key)
    throw new ConfigError(
      file,
      `belongs to a different model, settings or dataset (key ${m.key}, this run ${key}); start a new run instead`,
    );
  const floats = (es: TensorEntry[]) => es.reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1), 0);
  const expected = 4 * (floats(m.weights) * (m.best.hasWeights ? 2 : 1) + floats(m.optimizer.tensors));
  if (expected !== m.binBytes)
    throw new DataError(file, `lists tensors of ${expected} bytes but a binary of ${m.binBytes}`, {
      field: 'binBytes',
    });
  const raw = readStoredBytes(path.join(dir, m.bin), { bytes: m.binBytes, sha256: m.binSha256 });
  const bin = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  let off = 0;
  const take = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const out = bin.slice(off, off + n);
    off += n;
    return out;
  };
  if (m.weights.length !== model.weights.length)
    throw new ConfigError(file, `has ${m.weights.length} weight tensors, the model ${model.weights.length}`);
  const ws = m.weights.map((e, i) => {
    const shape = model.weights[i].shape as number[];
    if (JSON.stringify(shape) !== JSON.stringify(e.shape))
      throw new ConfigError(file, `weight ${e.name} has shape ${e.shape}, the model ${shape}`);
    return tf.tensor(take(e.shape), e.shape);
  });
  model.setWeights(ws);
  tf.dispose(ws);

  if (m.optimizer.className !== optimizer.getClassName())
    throw new ConfigError(
      file,
      `optimizer ${m.optimizer.className} differs from ${optimizer.getClassName()}`,
    );
  const named: { name: string; tensor: tf.Tensor }[] = [
    { name: 'iter', tensor: tf.scalar(m.optimizer.iterations, 'int32') },
  ];
  for (const e of m.optimizer.tensors)
    named.push({ name: e.name, tensor: tf.tensor(take(e.shape), e.shape) });
  if (m.optimizer.tensors.length > 0) await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  const adam = optimizer as unknown as AdamInternals;
  if (adam.accBeta1 && m.optimizer.accBeta1 !== undefined) {
    const b1 = tf.scalar(m.optimizer.accBeta1);
    const b2 = tf.scalar(m.optimizer.accBeta2!);
    adam.accBeta1.assign(b1);
    adam.accBeta2!.assign(b2);
    tf.dispose([b1, b2]);
  }
  let bestWeights: Float32Array[] | undefined;
  if (m.best.hasWeights) bestWeights = m.weights.map((e) => take(e.shape));
  return {
    epoch: m.epoch,
    history: m.history,
    best: {
      valLoss: m.best.valLoss ?? Infinity,
      epoch: m.best.epoch,
      wait: m.best.wait,
      weights: bestWeights,
    },
    stopped: m.stopped,
    stoppedEarly: m.stoppedEarly,
  };
}
