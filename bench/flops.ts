/** FLOP counting for the training-speed bench. */
import { buildModel } from '../src/main/training/model/build';
import type { ModelSpec } from '../src/main/training/model/spec';

/** Training FLOP of one sample: 2 x MACs of every Conv2D and Dense layer, x3 for the forward pass and both
 * gradients, less the first convolution's input gradient (tfjs never computes it). */
export function trainingFlopPerSample(spec: ModelSpec, shape: number[]): number {
  const model = buildModel(spec, shape, { seed: 1 });
  let fwd = 0;
  let stemInputGrad = 0;
  for (const l of model.layers) {
    const cls = l.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Dense') continue;
    const inShape = (l.input as { shape: (number | null)[] }).shape;
    const outShape = (l.output as { shape: (number | null)[] }).shape;
    const kernel = l.getWeights()[0].shape;
    const outPixels = outShape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1);
    const macs = outPixels * kernel.reduce((a, b) => a * b, 1);
    if (fwd === 0 && cls === 'Conv2D' && inShape.length === 4) stemInputGrad = 2 * macs;
    fwd += 2 * macs;
  }
  model.dispose();
  return 3 * fwd - stemInputGrad;
}
