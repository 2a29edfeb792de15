import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { selectBackend } from '../../../src/main/training/train/backend';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { DEFAULT_TRAIN, type TrainSettings } from '../../../src/main/training/train/settings';
import {
  computeClassWeights,
  learningRateAt,
  predictProba,
  trainModel,
  type ModelFactory,
} from '../../../src/main/training/train/trainer';
import { flatWeights, syntheticSource, tinyModelFactory } from './synthetic';

const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({
  ...DEFAULT_TRAIN,
  epochs: 2,
  batchSize: 8,
  backend: 'cpu',
  earlyStoppingPatience: 0,
  ...over,
});
const tmp: string[] = [];

beforeAll(async () => {
  await selectBackend('cpu');
});
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('class weights and schedule', () => {
  it('balanced weights are n / (3 n_c) over labelled samples only', () => {
    // 6 down, 3 flat, 1 up, 2 unlabelled: n = 10
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, -1, -1];
    const w = computeClassWeights(labels, 'balanced');
    expect(w[0]).toBeCloseTo(10 / 18, 12);
    expect(w[1]).toBeCloseTo(10 / 9, 12);
    expect(w[2]).toBeCloseTo(10 / 3, 12);
    expect(computeClassWeights(labels, 'none')).toEqual([1, 1, 1]);
    expect(computeClassWeights([0, 0, 2], 'balanced')).toEqual([0.5, 0, 1]);
  });
  it('learning-rate schedules', () => {
    const s = { learningRate: 0.01, epochs: 7 };
    expect(learningRateAt({ ...s, lrSchedule: 'constant' }, 5)).toBe(0.01);
    expect(learningRateAt({ ...s, lrSchedule: 'cosine' }, 0)).toBeCloseTo(0.01, 15);
    expect(learningRateAt({ ...s, lrSchedule: 'cosine' }, 6)).toBeCloseTo(0.001, 15);
    expect(learningRateAt({ ...s, lrSchedule: 'cosine' }, 3)).toBeCloseTo(0.0055, 15);
    // step: x0.1 from epoch floor(14/3) = 4
    expect(learningRateAt({ ...s, lrSchedule: 'step' }, 3)).toBe(0.01);
    expect(learningRateAt({ ...s, lrSchedule: 'step' }, 4)).toBeCloseTo(0.001, 15);
  });
});

describe('trainModel', () => {
  const train = syntheticSource(48, 7, { unlabeled: 4 });
  const spec = DEFAULT_MODEL;

  it('is reproducible: same seed gives identical weights after 2 epochs, another seed differs', async () => {
    const run = async (seed: number, optimizer: 'adam' | 'sgd') => {
      const r = await trainModel({
        model: spec,
        settings: settings({ seed, optimizer }),
        trainSet: train,
        buildModel: tinyModelFactory(),
      });
      const w = flatWeights(r.model);
      r.model.dispose();
      return w;
    };
    for (const opt of ['adam', 'sgd'] as const) {
      const a = await run(3, opt);
      const b = await run(3, opt);
      const c = await run(4, opt);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    }
  });

  it('loss falls on a learnable problem, also with aux heads; unlabelled samples are not trained on', async () => {
    for (const aux of [false, true]) {
      const seen = new Set<number>();
      const probe = {
        ...train,
        fill: (i: number, out: Float32Array, o: number) => (seen.add(i), train.fill(i, out, o)),
      };
      const r = await trainModel({
        model: spec,
        settings: settings({ epochs: 12, learningRate: 0.01, weightDecay: 0 }),
        trainSet: probe,
        buildModel: tinyModelFactory(aux),
      });
      const first = r.history[0].loss;
      const last = r.history.at(-1)!.loss;
      expect(last).toBeLessThan(first * 0.6);
      expect(r.history.at(-1)!.accuracy).toBeGreaterThan(0.8);
      expect([...seen].every((i) => i < 44)).toBe(true);
      expect(seen.size).toBe(44);
      r.model.dispose();
    }
  });

  it('early stopping restores the weights of the best validation epoch', async () => {
    // validation labels are random relative to the images, so validation loss worsens while training fits
    const val = syntheticSource(24, 99, { labels: Array.from({ length: 24 }, (_, i) => (i * 7) % 3) });
    const snapshots: Float32Array[] = [];
    let model: tf.LayersModel | undefined;
    const factory = tinyModelFactory();
    const r = await trainModel({
      model: spec,
      settings: settings({ epochs: 30, learningRate: 0.02, earlyStoppingPatience: 2, weightDecay: 0 }),
      trainSet: train,
      valSet: { ...val, fill: (i, out, o) => val.fill(i, out, o) },
      buildModel: (s, shape, o) => (model = factory(s, shape, o)),
      onEpoch: () => snapshots.push(flatWeights(model!)),
    });
    expect(r.stoppedEarly).toBe(true);
    const losses = r.history.map((m) => m.valLoss!);
    const bestIdx = losses.indexOf(Math.min(...losses));
    expect(r.bestEpoch).toBe(bestIdx + 1);
    expect(r.history.length).toBe(bestIdx + 1 + 2);
    expect(Buffer.from(flatWeights(r.model).buffer).equals(Buffer.from(snapshots[bestIdx].buffer))).toBe(
      true,
    );
    r.model.dispose();
  });

  it('cancel returns after the current batch with cancelled: true', async () => {
    const ac = new AbortController();
    let batches = 0;
    const r = await trainModel({
      model: spec,
      settings: settings({ epochs: 5 }),
      trainSet: train,
      buildModel: tinyModelFactory(),
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'train' && ++batches === 3) ac.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(batches).toBe(3);
    expect(r.history.length).toBe(0);
    r.model.dispose();
  });

  it('does not grow the tensor count across epochs', async () => {
    const counts: number[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-train-'));
    tmp.push(dir);
    const val = syntheticSource(12, 5);
    const r = await trainModel({
      model: spec,
      settings: settings({ epochs: 4 }),
      trainSet: train,
      valSet: val,
      runDir: dir,
      buildModel: tinyModelFactory(true),
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    expect(counts.length).toBe(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
    r.model.dispose();
  });

  it('the loss is the class-weighted cross-entropy (checked by hand on a fixed-output model)', async () => {
    // zero kernel + fixed bias: every sample gets p = softmax(bias); lr 0 keeps it fixed through the epoch
    const bias = [0.5, -0.2, 0.1];
    const fixed: ModelFactory = (_s, shape) => {
      const m = tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: shape }),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'zeros' }),
        ],
      });
      const ws = [tf.zeros([shape.reduce((a, b) => a * b, 1), 3]), tf.tensor1d(bias)];
      m.layers[1].setWeights(ws);
      tf.dispose(ws);
      return m;
    };
    const z = bias.map(Math.exp);
    const p = z.map((v) => v / (z[0] + z[1] + z[2]));
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
    const src = syntheticSource(12, 3, { labels });
    const w = [12 / 18, 12 / 6, 12 / 12]; // n / (3 n_c) with n_c = 6, 2, 4
    const expected = labels.reduce((a, l) => a - w[l] * Math.log(p[l]), 0) / 12;
    const r = await trainModel({
      model: spec,
      settings: settings({
        epochs: 1,
        batchSize: 12,
        optimizer: 'sgd',
        momentum: 0,
        learningRate: 0,
        weightDecay: 0,
      }),
      trainSet: src,
      valSet: src,
      buildModel: fixed,
    });
    expect(r.classWeights).toEqual(w);
    expect(r.history[0].loss).toBeCloseTo(expected, 5);
    expect(r.history[0].valLoss).toBeCloseTo(expected, 5);
    // argmax is always class 0: accuracy = 6 / 12
    expect(r.history[0].accuracy).toBe(0.5);
    r.model.dispose();
  });

  it('weight decay shrinks the kernels', async () => {
    const norm = async (weightDecay: number) => {
      const r = await trainModel({
        model: spec,
        settings: settings({ epochs: 3, weightDecay, learningRate: 0.01 }),
        trainSet: train,
        buildModel: tinyModelFactory(),
      });
      const k = r.model.trainableWeights
        .filter((v) => v.name.includes('kernel'))
        .map((v) => tf.tidy(() => v.read().square().sum().dataSync()[0]));
      r.model.dispose();
      return k.reduce((a, b) => a + b, 0);
    };
    expect(await norm(0.05)).toBeLessThan((await norm(0)) * 0.9);
  });

  it('predictProba rows sum to 1', async () => {
    const r = await trainModel({
      model: spec,
      settings: settings({ epochs: 1 }),
      trainSet: train,
      buildModel: tinyModelFactory(true),
    });
    const p = predictProba(r.model, train, 5);
    expect(p.length).toBe(48 * 3);
    for (let i = 0; i < 48; i++) expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 5);
    r.model.dispose();
  });
});
