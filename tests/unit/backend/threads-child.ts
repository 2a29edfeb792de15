/**
 * Child process for threads.test.ts: one forward+backward pass of a small Inception-style block on wasm with
 * the thread count from argv, printed as JSON. It must exit by itself (no pthread worker may keep it alive).
 */
import { createHash } from 'node:crypto';
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { seeded } from './helpers';

const threads = Number(process.argv[2]);
const info = await selectBackend('wasm', { wasmThreads: threads });
const x = tf.tensor4d(seeded(8 * 28 * 28 * 16, 1), [8, 28, 28, 16]);
const w3 = tf.tensor4d(
  seeded(3 * 3 * 16 * 32, 2).map((v) => v * 0.1),
  [3, 3, 16, 32],
);
const w1 = tf.tensor4d(
  seeded(16 * 24, 3).map((v) => v * 0.2),
  [1, 1, 16, 24],
);
const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
  const p = tf.maxPool(a as tf.Tensor4D, 3, 1, 'same');
  const y = tf.concat(
    [
      tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')),
      tf.relu(tf.conv2d(p, c as tf.Tensor4D, 1, 'same')),
    ],
    3,
  );
  return tf.maxPool(y, 3, 2, 'same').square().sum();
};
const t0 = performance.now();
const grads = tf.grads(f)([x, w3, w1]);
const ms = performance.now() - t0;
// A hash of the exact float32 bits (equal hashes = bit-identical gradients) and a few plain values.
const out = {
  info,
  ms,
  hashes: grads.map((g) =>
    createHash('sha256')
      .update(g.dataSync() as Float32Array)
      .digest('hex'),
  ),
  heads: grads.map((g) => Array.from(g.dataSync().slice(0, 4))),
};
process.stdout.write(JSON.stringify(out));
