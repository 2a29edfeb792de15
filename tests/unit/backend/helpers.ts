/** Shared helpers for the backend tests: seeded data and running the same computation on two backends. */
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';

/** Deterministic values in [-1, 1) from a 32-bit LCG, so both backends see identical inputs. */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A backend the kernel suites compare with cpu. */
export type TestedBackend = 'wasm' | 'tensorflow';

/** Runs `fn` on backend `name` and returns the values of its result tensors (disposed afterwards). */
export async function on(
  name: 'cpu' | TestedBackend,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await selectBackend(name);
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const vals = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return vals;
}

/** Largest |a-b| divided by the largest |b| (at least 1e-3, so all-near-zero references do not blow up). */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** tf.grad for a function of a 4-D tensor (tf.grad's typing only accepts plain Tensor parameters). */
export function grad4(f: (t: tf.Tensor4D) => tf.Tensor, at: tf.Tensor): tf.Tensor {
  return tf.grad((t: tf.Tensor) => f(t as tf.Tensor4D))(at);
}
