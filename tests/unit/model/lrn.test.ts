import { describe, expect, it } from 'vitest';
import {
  caffeLrn,
  GOOGLENET_LRN,
  lrn,
  LocalResponseNormalization,
} from '../../../src/main/training/model/lrn';
import { tf } from '../../../src/main/training/train/tf';

/** Reference LRN over the last axis in float64: a_c / (bias + alpha * sum_{|c'-c|<=r} a_c'^2)^beta. */
function reference(x: number[], r: number, bias: number, alpha: number, beta: number): number[] {
  return x.map((v, c) => {
    let s = 0;
    for (let j = Math.max(0, c - r); j <= Math.min(x.length - 1, c + r); j++) s += x[j] * x[j];
    return v / Math.pow(bias + alpha * s, beta);
  });
}

/** Caffe's definition (window size n, alpha divided by n). */
function caffe(x: number[], n: number, alpha: number, beta: number, k: number): number[] {
  const half = (n - 1) / 2;
  return x.map((v, c) => {
    let s = 0;
    for (let j = c - half; j <= c + half; j++) if (j >= 0 && j < x.length) s += x[j] * x[j];
    return v / Math.pow(k + (alpha / n) * s, beta);
  });
}

describe('LocalResponseNormalization', () => {
  it('matches a hand computation on a tiny tensor', () => {
    // one pixel, channels [1, 2]; radius 1, bias 1, alpha 0.5, beta 1: both channels see 1 + 4 = 5
    // -> [1 / (1 + 2.5), 2 / (1 + 2.5)] = [0.285714..., 0.571428...]
    const layer = lrn({ depthRadius: 1, bias: 1, alpha: 0.5, beta: 1 });
    const y = tf.tidy(() => (layer.apply(tf.tensor4d([1, 2], [1, 1, 1, 2])) as tf.Tensor).dataSync());
    expect(y[0]).toBeCloseTo(1 / 3.5, 6);
    expect(y[1]).toBeCloseTo(2 / 3.5, 6);
  });

  it('matches the float64 reference over several pixels and channels, and Caffe via caffeLrn', () => {
    const ch = 7;
    const values = Array.from({ length: 2 * 3 * ch }, (_, i) => Math.sin(i * 1.7) * 3);
    const p = caffeLrn(5, 0.6, 0.75, 2);
    expect(p).toEqual({ depthRadius: 2, bias: 2, alpha: 0.6 / 5, beta: 0.75 });
    const y = tf.tidy(() => (lrn(p).apply(tf.tensor4d(values, [1, 2, 3, ch])) as tf.Tensor).dataSync());
    for (let px = 0; px < 6; px++) {
      const x = values.slice(px * ch, (px + 1) * ch);
      const ref = reference(x, p.depthRadius, p.bias, p.alpha, p.beta);
      const refCaffe = caffe(x, 5, 0.6, 0.75, 2);
      for (let c = 0; c < ch; c++) {
        expect(y[px * ch + c]).toBeCloseTo(ref[c], 5);
        expect(ref[c]).toBeCloseTo(refCaffe[c], 12);
      }
    }
    expect(GOOGLENET_LRN).toEqual({ depthRadius: 2, bias: 1, alpha: 1e-4 / 5, beta: 0.75 });
  });

  it('gradient on the cpu backend equals central differences of the reference', () => {
    const ch = 6;
    const x = Array.from({ length: ch }, (_, i) => 0.5 + Math.cos(i) * 1.5);
    const wts = Array.from({ length: ch }, (_, i) => 1 + i * 0.25);
    const p = { depthRadius: 2, bias: 1.5, alpha: 0.3, beta: 0.75 };
    const layer = new LocalResponseNormalization(p);
    const g = tf.tidy(() => {
      const f = (t: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply(t) as tf.Tensor, tf.tensor4d(wts, [1, 1, 1, ch])));
      return tf
        .grad(f)(tf.tensor4d(x, [1, 1, 1, ch]))
        .dataSync();
    });
    const loss = (v: number[]) =>
      reference(v, p.depthRadius, p.bias, p.alpha, p.beta).reduce((s, y, i) => s + y * wts[i], 0);
    const h = 1e-5;
    for (let i = 0; i < ch; i++) {
      const up = x.slice();
      const dn = x.slice();
      up[i] += h;
      dn[i] -= h;
      const numeric = (loss(up) - loss(dn)) / (2 * h);
      expect(Math.abs(g[i] - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('save / load round trip (in memory) restores the layer and reproduces outputs', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    let y = tf.layers
      .conv2d({
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'glorotUniform',
      })
      .apply(input) as tf.SymbolicTensor;
    y = lrn({ name: 'norm', depthRadius: 1, bias: 2, alpha: 0.1, beta: 0.6 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const norm = loaded.getLayer('norm') as LocalResponseNormalization;
    expect(norm).toBeInstanceOf(LocalResponseNormalization);
    expect([norm.depthRadius, norm.bias, norm.alpha, norm.beta]).toEqual([1, 2, 0.1, 0.6]);
    const x = tf.tensor4d(
      Array.from({ length: 2 * 48 }, (_, i) => Math.sin(i)),
      [2, 4, 4, 3],
    );
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });
});
