/** A trained tfjs model as an ImagePredictor (eval/predictor.ts), batched and in inference mode. */
import type { ImagePredictor } from '../eval/predictor';
import { tf } from './tf';

/** Wraps a model whose input is one image of `shape` [height, width, channels]; the first output is used. */
export function modelPredictor(model: tf.LayersModel, shape: number[], batchSize = 64): ImagePredictor {
  const size = shape.reduce((a, b) => a * b, 1);
  return (images, count) => {
    const out = new Float32Array(count * 3);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const probs = tf.tidy(() => {
        const x = tf.tensor(images.subarray(start * size, (start + n) * size), [n, ...shape]);
        const res = model.predict(x);
        return (Array.isArray(res) ? res[0] : res) as tf.Tensor;
      });
      out.set(probs.dataSync() as Float32Array, start * 3);
      probs.dispose();
    }
    return out;
  };
}
