/** Synthetic, learnable data and a tiny seeded model for the trainer tests (no real data needed). */
import { tf } from '../../../src/main/training/train/tf';
import type { SampleSource } from '../../../src/main/training/images/sample-source';
import { Prng } from '../../../src/main/training/random';
import type { ModelFactory } from '../../../src/main/training/train/trainer';

/**
 * count samples of shape [h, w, 1]: Gaussian-ish noise plus a class-dependent shift of the top-left quadrant
 * (down: -1, flat: 0, up: +1), so a small network can learn it. `unlabeled` last samples get label -1.
 */
export function syntheticSource(
  count: number,
  seed = 1,
  opts: { h?: number; w?: number; unlabeled?: number; labels?: number[] } = {},
): SampleSource & { labels: number[] } {
  const h = opts.h ?? 6;
  const w = opts.w ?? 6;
  const rng = new Prng(seed);
  const labels = opts.labels ?? Array.from({ length: count }, () => rng.int(3));
  const data = new Float32Array(count * h * w);
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const noise = rng.next() + rng.next() - 1;
        const shift = y < h / 2 && x < w / 2 ? labels[i] - 1 : 0;
        data[i * h * w + y * w + x] = noise + 1.5 * shift;
      }
  }
  const unl = opts.unlabeled ?? 0;
  return {
    labels,
    count,
    shape: [h, w, 1],
    fill(i, out, offset) {
      out.set(data.subarray(i * h * w, (i + 1) * h * w), offset);
    },
    label: (i) => (i >= count - unl ? -1 : labels[i]),
    date: (i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
  };
}

/** A tiny seeded CNN (conv, dropout, dense softmax); `aux` adds two extra softmax heads like GoogLeNet's. */
export function tinyModelFactory(aux = false): ModelFactory {
  return (_spec, inputShape, { seed }) => {
    const input = tf.input({ shape: inputShape });
    const c = tf.layers
      .conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      })
      .apply(input) as tf.SymbolicTensor;
    const f = tf.layers.flatten().apply(c) as tf.SymbolicTensor;
    const d = tf.layers.dropout({ rate: 0.3 }).apply(f) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      })
      .apply(d) as tf.SymbolicTensor;
    const outputs = [out];
    if (aux) {
      for (let k = 0; k < 2; k++)
        outputs.push(
          tf.layers
            .dense({
              units: 3,
              activation: 'softmax',
              kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 + k }),
            })
            .apply(f) as tf.SymbolicTensor,
        );
    }
    return tf.model({ inputs: input, outputs: aux ? outputs : out });
  };
}

/** All weights of a model as one Float32Array (model.weights order). */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((t) => t.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
