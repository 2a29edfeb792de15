/**
 * Seeded weight initialisation. tfjs initialisers may ignore or reuse seeds, so after building, every weight is
 * overwritten from our own generator: Glorot-uniform kernels, zero biases, batch-norm gamma 1 / beta 0, moving
 * mean 0 / variance 1. Each weight gets its own stream derived from (seed, weight name), so the values of one layer
 * do not depend on which other layers exist.
 */
import { tf } from '../train/tf';
import { hashString, Xoshiro128 } from '../random';

/** Glorot fan-in / fan-out of a kernel: dense [in, out]; conv [kh, kw, in, out] (receptive field times channels). */
export function kernelFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3) {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
  }
  throw new Error(`kernel of rank ${shape.length} has no Glorot fans`);
}

/** Glorot-uniform values in [-limit, limit), limit = sqrt(6 / (fanIn + fanOut)), from the stream of (seed, name). */
export function glorotUniform(shape: number[], seed: number, name: string): Float32Array {
  const { fanIn, fanOut } = kernelFans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const rng = new Xoshiro128(hashString(name, hashString(String(seed))));
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * limit;
  return out;
}

/** Sets every weight of the model from the seeded generator (see the file comment). Throws on an unknown weight kind. */
export function initWeightsSeeded(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values = weights.map((w) => {
      // originalName is "<layer>/<kind>"; the variable's own name may carry a uniqueness suffix
      const name = w.originalName;
      const kind = name.slice(name.lastIndexOf('/') + 1);
      const shape = w.shape as number[];
      switch (kind) {
        case 'kernel':
          return tf.tensor(glorotUniform(shape, seed, name), shape, 'float32');
        case 'bias':
        case 'beta':
        case 'moving_mean':
          return tf.zeros(shape, 'float32');
        case 'gamma':
        case 'moving_variance':
          return tf.ones(shape, 'float32');
        default:
          throw new Error(`initWeightsSeeded: no rule for weight '${name}' of layer '${layer.name}'`);
      }
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
