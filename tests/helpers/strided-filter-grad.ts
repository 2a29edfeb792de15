/**
 * Run by tests/unit/backend/tensorflow-kernels.test.ts in its own process: the filter gradient of a 1x1 stride-2
 * convolution on 2 x 56x56x8 -> 8, VALID and SAME, on tensorflow and on cpu; prints the largest relative
 * difference of each. With TensorFlow's oneDNN kernels this shape freed memory twice and killed the process on a
 * Sapphire Rapids Xeon.
 */
import { selectBackend } from '../../src/main/training/train/backend';
import { tf } from '../../src/main/training/train/tf';

const grads = (): number[][] =>
  (['valid', 'same'] as const).map((pad) => {
    const x = tf
      .range(0, 2 * 56 * 56 * 8)
      .reshape([2, 56, 56, 8])
      .mod(7)
      .sub(3) as tf.Tensor4D;
    const w = tf.range(0, 64).reshape([1, 1, 8, 8]).mod(5).sub(2).div(10) as tf.Tensor4D;
    const g = tf.grad((v) =>
      tf
        .conv2d(x, v as tf.Tensor4D, 2, pad)
        .square()
        .sum(),
    )(w);
    return Array.from(g.dataSync());
  });

await selectBackend('tensorflow');
const ours = grads();
await selectBackend('cpu');
const ref = grads();
console.log(
  JSON.stringify(
    ours.map((g, i) => Math.max(...g.map((v, j) => Math.abs(v - ref[i][j]) / (1 + Math.abs(ref[i][j]))))),
  ),
);
