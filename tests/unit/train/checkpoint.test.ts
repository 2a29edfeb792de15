import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { selectBackend } from '../../../src/main/training/train/backend';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { DEFAULT_TRAIN, type TrainSettings } from '../../../src/main/training/train/settings';
import { loadCheckpoint, saveCheckpoint } from '../../../src/main/training/train/checkpoint';
import { Prng, withSeededMathRandom } from '../../../src/main/training/random';
import { makeOptimizer, trainModel, type ModelFactory } from '../../../src/main/training/train/trainer';
import { flatWeights, syntheticSource, tinyModelFactory } from './synthetic';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('cpu');
});

const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({
  ...DEFAULT_TRAIN,
  epochs: 4,
  batchSize: 8,
  backend: 'cpu',
  earlyStoppingPatience: 0,
  ...over,
});

/** A tiny model with batch normalisation, so non-trainable moving statistics are part of the state. */
const bnFactory: ModelFactory = (_s, shape, { seed }) =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: shape,
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const concat = (parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('checkpoints', () => {
  const train = syntheticSource(40, 3);
  const val = syntheticSource(12, 4);

  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`round trip restores model weights, BN statistics and ${optimizer} state exactly; the next step then matches`, async () => {
      const dir = path.join(tmp, `rt-${optimizer}`);
      const s = settings({ optimizer, learningRate: 0.01 });
      const xs = tf.randomNormal([8, ...train.shape], 0, 1, 'float32', 5);
      const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
      // dropout masks come from Math.random: seed it identically for both models
      const step = (m: tf.LayersModel, opt: tf.Optimizer) =>
        withSeededMathRandom(new Prng(11), () =>
          opt.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(ys, m.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
            false,
            m.trainableWeights.map((w) => w.read() as tf.Variable),
          ),
        );
      const model = bnFactory(DEFAULT_MODEL, train.shape, { seed: 1 });
      const opt = makeOptimizer(s);
      for (let i = 0; i < 20; i++) tf.tidy(() => void step(model, opt));
      const state = {
        epoch: 3,
        history: [],
        best: {
          valLoss: 0.5,
          epoch: 2,
          wait: 1,
          weights: model.getWeights().map((t) => t.dataSync().slice() as Float32Array),
        },
        stopped: false,
        stoppedEarly: false,
      };
      await saveCheckpoint(dir, model, opt, state, 'k', 7);
      expect(readdirSync(path.join(dir, 'checkpoint')).sort()).toEqual([
        'manifest.json',
        'weights-epoch0003.bin',
      ]);

      const fresh = bnFactory(DEFAULT_MODEL, train.shape, { seed: 999 });
      const opt2 = makeOptimizer(s);
      const back = await loadCheckpoint(dir, fresh, opt2, 'k');
      expect(back.epoch).toBe(3);
      expect(back.best.valLoss).toBe(0.5);
      expect(back.best.wait).toBe(1);
      expect(bytes(concat(back.best.weights!))).toEqual(bytes(concat(state.best.weights)));
      expect(bytes(flatWeights(fresh)).equals(bytes(flatWeights(model)))).toBe(true);
      const o1 = await opt.getWeights();
      const o2 = await opt2.getWeights();
      expect(o2[0].tensor.dataSync()[0]).toBe(20);
      expect(o2.length).toBe(o1.length);
      // adam: m and v per trainable variable; momentum: one accumulator each
      expect(o1.length - 1).toBe((optimizer === 'adam' ? 2 : 1) * model.trainableWeights.length);
      for (let i = 1; i < o1.length; i++)
        expect(
          bytes(o2[i].tensor.dataSync() as Float32Array).equals(
            bytes(o1[i].tensor.dataSync() as Float32Array),
          ),
        ).toBe(true);
      // one more step on both: identical weights (Adam's beta powers restored bit for bit too)
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => void step(model, opt));
        tf.tidy(() => void step(fresh, opt2));
      }
      expect(bytes(flatWeights(fresh)).equals(bytes(flatWeights(model)))).toBe(true);
      await expect(loadCheckpoint(dir, fresh, opt2, 'other-key')).rejects.toThrow(
        /different model, settings or dataset/,
      );
      tf.dispose([xs, ys, o1[0].tensor, o2[0].tensor]);
      for (const m of [model, fresh]) m.dispose();
      opt.dispose();
      opt2.dispose();
    });
  }

  it('cancel mid-epoch + resume (in process) ends with the same weights as an uninterrupted run, BN and dropout included', async () => {
    const s = settings({ epochs: 4, lrSchedule: 'cosine', earlyStoppingPatience: 10 });
    const a = await trainModel({
      model: DEFAULT_MODEL,
      settings: s,
      trainSet: train,
      valSet: val,
      runDir: path.join(tmp, 'a'),
      buildModel: bnFactory,
    });
    const dirB = path.join(tmp, 'b');
    const ac = new AbortController();
    const b1 = await trainModel({
      model: DEFAULT_MODEL,
      settings: s,
      trainSet: train,
      valSet: val,
      runDir: dirB,
      buildModel: bnFactory,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.epoch === 3 && p.batch === 2 && p.phase === 'train') ac.abort();
      },
    });
    expect(b1.cancelled).toBe(true);
    expect(b1.history.length).toBe(2);
    b1.model.dispose();
    const b2 = await trainModel({
      model: DEFAULT_MODEL,
      settings: s,
      trainSet: train,
      valSet: val,
      runDir: dirB,
      buildModel: bnFactory,
    });
    expect(b2.cancelled).toBe(false);
    expect(b2.history).toEqual(a.history.map((m, i) => ({ ...m, seconds: b2.history[i].seconds })));
    expect(bytes(flatWeights(b2.model)).equals(bytes(flatWeights(a.model)))).toBe(true);
    // a finished run resumed again trains nothing and returns the same weights
    const b3 = await trainModel({
      model: DEFAULT_MODEL,
      settings: s,
      trainSet: train,
      valSet: val,
      runDir: dirB,
      buildModel: bnFactory,
    });
    expect(bytes(flatWeights(b3.model)).equals(bytes(flatWeights(a.model)))).toBe(true);
    for (const m of [a.model, b2.model, b3.model]) m.dispose();
  });

  it('a checkpoint of other settings is refused', async () => {
    const dir = path.join(tmp, 'c');
    const r = await trainModel({
      model: DEFAULT_MODEL,
      settings: settings({ epochs: 1 }),
      trainSet: train,
      runDir: dir,
      buildModel: tinyModelFactory(),
    });
    r.model.dispose();
    expect(existsSync(path.join(dir, 'checkpoint/manifest.json'))).toBe(true);
    await expect(
      trainModel({
        model: DEFAULT_MODEL,
        settings: settings({ epochs: 1, learningRate: 0.5 }),
        trainSet: train,
        runDir: dir,
        buildModel: tinyModelFactory(),
      }),
    ).rejects.toThrow(/different model, settings or dataset/);
  });
});
