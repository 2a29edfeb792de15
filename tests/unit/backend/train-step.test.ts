import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { on, relError, seeded } from './helpers';

/**
 * One SGD step of a tiny Inception-style net (7x7/2 stem, max-pool, LRN, batch norm, a four-branch block with
 * 1x1/3x3/5x5/pool-proj, concat, average pool, dense softmax) from identical weights on cpu and on wasm.
 * This exercises every gradient kernel a GoogLeNet step needs: Conv2DBackpropFilter/Input, MaxPoolGrad,
 * AvgPoolGrad, LRNGrad, batch-norm and bias gradients (Sum/Tile), Concat/Slice, ReluGrad (Step * dy).
 */
const SHAPES: Record<string, number[]> = {
  stem: [7, 7, 4, 8],
  stemB: [8],
  b1: [1, 1, 8, 4],
  b2r: [1, 1, 8, 4],
  b2: [3, 3, 4, 6],
  b3r: [1, 1, 8, 2],
  b3: [5, 5, 2, 4],
  b4: [1, 1, 8, 3],
  bias: [17],
  gamma: [8],
  beta: [8],
  dense: [17, 3],
  denseB: [3],
};

function step(): tf.Tensor[] {
  const vars: Record<string, tf.Variable> = {};
  let seed = 100;
  for (const [k, s] of Object.entries(SHAPES)) {
    const n = s.reduce((a, b) => a * b, 1);
    const v = Array.from(seeded(n, seed++), (x) => x * Math.sqrt(3 / (n / s[s.length - 1])));
    vars[k] = tf.variable(tf.tensor(v, s), true, `${k}_${Math.random()}`);
  }
  const x = tf.tensor4d(seeded(3 * 19 * 18 * 4, 7), [3, 19, 18, 4]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
  const loss = () => {
    const conv = (t: tf.Tensor4D, k: string) =>
      tf.relu(tf.conv2d(t, vars[k] as tf.Variable<tf.Rank.R4>, 1, 'same'));
    let h = tf.relu(
      tf.conv2d(x, vars.stem as tf.Variable<tf.Rank.R4>, 2, 'same').add(vars.stemB),
    ) as tf.Tensor4D;
    h = tf.maxPool(h, 3, 2, 'same');
    h = tf.localResponseNormalization(h, 2, 1, 1e-1, 0.75);
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.batchNorm(h, mean, variance, vars.beta, vars.gamma, 1e-3) as tf.Tensor4D;
    const b1 = conv(h, 'b1');
    const b2 = conv(conv(h, 'b2r'), 'b2');
    const b3 = conv(conv(h, 'b3r'), 'b3');
    const b4 = conv(tf.maxPool(h, 3, 1, 'same'), 'b4');
    let z = tf.concat([b1, b2, b3, b4], 3).add(vars.bias) as tf.Tensor4D;
    z = tf.avgPool(z, 2, 2, 'valid');
    const feat = tf.mean(z, [1, 2]) as tf.Tensor2D;
    const logits = feat.matMul(vars.dense as tf.Variable<tf.Rank.R2>).add(vars.denseB);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(loss);
  const names = Object.keys(SHAPES);
  const gradList = names.map((k) => grads[vars[k].name]);
  tf.train.sgd(0.5).applyGradients(grads);
  const after = names.map((k) => vars[k].clone());
  Object.values(vars).forEach((v) => v.dispose());
  return [value, ...gradList, ...after];
}

describe('a training step on wasm equals the cpu step', () => {
  it('loss, every gradient and every updated weight agree', async () => {
    const cpu = await on('cpu', step);
    const wasm = await on('wasm', step);
    const names = [
      'loss',
      ...Object.keys(SHAPES).map((k) => `grad ${k}`),
      ...Object.keys(SHAPES).map((k) => `weight ${k}`),
    ];
    expect(wasm.length).toBe(cpu.length);
    // Gradients pass through ~10 float32 layers, each adding relative rounding of a few 1e-7 times sqrt(fan-in);
    // 1e-4 of each tensor's largest value leaves two orders of margin and still catches any wrong kernel.
    for (let i = 0; i < cpu.length; i++) {
      expect(relError(wasm[i], cpu[i]), names[i]).toBeLessThan(1e-4);
      // a zero gradient would make the comparison vacuous
      if (names[i].startsWith('grad'))
        expect(Math.max(...cpu[i].map(Math.abs)), names[i]).toBeGreaterThan(1e-6);
    }
  });
});
