/**
 * Occlusion saliency and permutation importance with real trained models: exact values on a stand-in; on a tiny
 * CNN trained on surrogate images whose class is planted in the top-left quadrant (tests/unit/train/synthetic.ts)
 * the saliency concentrates there, and channel importance finds the channel that carries the signal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultImageGroups, permutationImportance } from '../../../src/main/training/eval/importance';
import { occlusionSaliency, saliencyShare } from '../../../src/main/training/eval/saliency';
import { Prng } from '../../../src/main/training/random';
import type { ImagePredictor } from '../../../src/main/training/eval/predictor';
import { explainPng } from '../../../src/main/training/images/explain-png';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { selectBackend } from '../../../src/main/training/train/backend';
import { modelPredictor } from '../../../src/main/training/train/image-predictor';
import { DEFAULT_TRAIN } from '../../../src/main/training/train/settings';
import { trainModel } from '../../../src/main/training/train/trainer';
import { syntheticSource, tinyModelFactory } from '../train/synthetic';
import { PNG } from 'pngjs';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('occlusion saliency', () => {
  it('by hand: p(up) = sigmoid-like read-out of one pixel; only patches over that pixel change it', () => {
    // 4x4x1 image, p(up) = x[1][2] / 10 + 0.5, the rest split evenly
    const predict: ImagePredictor = (images, count) => {
      const out = new Float64Array(count * 3);
      for (let i = 0; i < count; i++) {
        const up = images[i * 16 + 1 * 4 + 2] / 10 + 0.5;
        out.set([(1 - up) / 2, (1 - up) / 2, up], i * 3);
      }
      return out;
    };
    const image = new Float32Array(16).fill(1);
    image[6] = 3; // p(up) = 0.8, predicted 'up'
    const map = occlusionSaliency(image, [4, 4, 1], predict, { patch: [2, 2], stride: [1, 1] });
    expect(map.classIndex).toBe(2);
    expect(map.probabilities[2]).toBeCloseTo(0.8, 12);
    // patches at origins (0..2, 0..2); a patch over (1,2) drops p(up) by 0.3. Pixel (0,0) is covered by one
    // patch (origin 0,0) that misses (1,2): 0. Pixel (1,2) is covered by 4 patches, all over it: 0.3.
    // Pixel (0,1) is covered by origins (0,0) and (0,1); only (0,1) covers (1,2): 0.15.
    const v = (y: number, x: number) => map.values[y * 4 + x];
    expect(v(0, 0)).toBeCloseTo(0, 6);
    expect(v(1, 2)).toBeCloseTo(0.3, 6);
    expect(v(0, 1)).toBeCloseTo(0.15, 6);
    expect(v(3, 0)).toBeCloseTo(0, 6);
    const { png } = explainPng(image, [4, 4, 1], 0, 4, map, 3);
    const decoded = PNG.sync.read(png);
    expect([decoded.width, decoded.height]).toEqual([(2 * 4 + 2) * 3, 4 * 3]);
  });

  it('a tiny CNN trained on a planted top-left signal: its saliency concentrates on the top-left quadrant', async () => {
    const h = 12;
    const w = 12;
    const train = syntheticSource(240, 3, { h, w });
    const val = syntheticSource(60, 4, { h, w });
    const result = await trainModel({
      model: DEFAULT_MODEL,
      settings: {
        ...DEFAULT_TRAIN,
        epochs: 12,
        batchSize: 16,
        learningRate: 5e-3,
        earlyStoppingPatience: 0,
        backend: 'cpu',
        seed: 5,
      },
      trainSet: train,
      valSet: val,
      buildModel: tinyModelFactory(),
    });
    const model = result.model;
    const test = syntheticSource(12, 9, { h, w });
    const predict = modelPredictor(model, [h, w, 1]);
    const img = new Float32Array(h * w);
    const shares: number[] = [];
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      test.fill(i, img, 0);
      const map = occlusionSaliency(img, [h, w, 1], predict, { patch: [2, 2], stride: [1, 1] });
      if (map.classIndex === test.label(i)) correct++;
      shares.push(saliencyShare(map, 0, h / 2, 0, w / 2));
    }
    model.dispose();
    expect(correct / test.count).toBeGreaterThan(0.8);
    // the quadrant is a quarter of the image; most of the saliency mass must sit there
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeGreaterThan(0.6);
  });
});

describe('permutation importance with a trained CNN', () => {
  it('finds the channel that carries the planted signal; the noise channel interval includes zero', async () => {
    const h = 8;
    const w = 8;
    // channel 0: the planted top-left signal; channel 1: noise of the same scale
    const twoChannel = (count: number, seed: number) => {
      const s = syntheticSource(count, seed, { h, w });
      const rng = new Prng(seed + 1000);
      const noise = Float32Array.from({ length: count * h * w }, () => rng.next() + rng.next() - 1);
      const one = new Float32Array(h * w);
      return {
        ...s,
        shape: [h, w, 2],
        fill(i: number, out: Float32Array, offset: number) {
          s.fill(i, one, 0);
          for (let k = 0; k < h * w; k++) {
            out[offset + 2 * k] = one[k];
            out[offset + 2 * k + 1] = noise[i * h * w + k];
          }
        },
      };
    };
    const result = await trainModel({
      model: DEFAULT_MODEL,
      settings: {
        ...DEFAULT_TRAIN,
        epochs: 10,
        batchSize: 16,
        learningRate: 5e-3,
        earlyStoppingPatience: 0,
        backend: 'cpu',
        seed: 2,
      },
      trainSet: twoChannel(240, 21),
      buildModel: tinyModelFactory(),
    });
    const test = twoChannel(150, 22);
    const groups = defaultImageGroups(
      ['signal', 'noise'],
      Array.from({ length: w }, () => 'all'),
    );
    const res = permutationImportance(test, w, modelPredictor(result.model, [h, w, 2]), groups.slice(0, 2), {
      blockLength: 5,
      repeats: 2,
      bootstrap: { reps: 300 },
    });
    result.model.dispose();
    const [signal, noise] = res.groups;
    expect(res.balancedAccuracy).toBeGreaterThan(0.8);
    expect(signal.logLossIncrease.lo).toBeGreaterThan(0.2);
    expect(signal.balancedAccuracyDrop.lo).toBeGreaterThan(0.2);
    expect(noise.balancedAccuracyDrop.lo).toBeLessThanOrEqual(0);
    expect(noise.balancedAccuracyDrop.hi).toBeGreaterThanOrEqual(0);
    expect(noise.logLossIncrease.lo).toBeLessThanOrEqual(0);
    expect(noise.logLossIncrease.hi).toBeGreaterThanOrEqual(0);
  });
});
