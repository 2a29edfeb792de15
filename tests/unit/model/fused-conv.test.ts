/**
 * The fused Conv2D + bias + ReLU layer (model/fused-conv.ts) against tfjs' own Conv2D layer with the same weights:
 * same forward values, same gradients of every weight, on cpu (tfjs ops for the ReLU/bias gradient) and on wasm
 * (with the native FusedConv2D and FiReluBiasGrad kernels when the addon is built); and it saves as a plain
 * 'Conv2D' that plain tfjs loads and predicts with.
 */
import { describe, expect, it } from 'vitest';
import { fusedConv2d } from '../../../src/main/training/model/fused-conv';
import { selectBackend } from '../../../src/main/training/train/backend';
import { nativeCallCounts } from '../../../src/main/training/train/native-kernels';
import { tf } from '../../../src/main/training/train/tf';
import { relError, seeded } from '../backend/helpers';

/** Two stacked convolutions (7x7/2 then 3x3/1, SAME; the second also VALID) as a model, fused or stock. */
function net(fused: boolean, pad: 'same' | 'valid'): tf.LayersModel {
  const make = fused ? fusedConv2d : (a: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.conv2d(a);
  const input = tf.input({ shape: [15, 14, 3] });
  let y = make({ filters: 5, kernelSize: 7, strides: 2, padding: 'same', activation: 'relu' }).apply(input);
  y = make({ filters: 4, kernelSize: 3, strides: 1, padding: pad, activation: 'relu' }).apply(y);
  const m = tf.model({ inputs: input, outputs: y as tf.SymbolicTensor });
  let seed = 10;
  // biases around zero so some pre-activations are negative and the ReLU masks something
  m.setWeights(
    m.getWeights().map((w) =>
      tf.tensor(
        seeded(w.size, seed++).map((v) => v * 0.3),
        w.shape,
      ),
    ),
  );
  return m;
}

function stepOf(fused: boolean, pad: 'same' | 'valid'): Float32Array[] {
  const m = net(fused, pad);
  const x = tf.tensor4d(seeded(2 * 15 * 14 * 3, 3), [2, 15, 14, 3]);
  const g = tf.tensor(
    seeded(
      (m.outputs[0].shape as number[]).slice(1).reduce((a, b) => a * b, 2),
      4,
    ),
  );
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul((m.apply(x, { training: true }) as tf.Tensor).reshape([-1]), g)) as tf.Scalar,
    vars,
  );
  const y = m.apply(x, { training: true }) as tf.Tensor;
  const out = [y, value, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  tf.dispose([x, g, y, value, ...Object.values(grads)]);
  m.dispose();
  return out;
}

describe('fused Conv2D + bias + ReLU', () => {
  for (const backend of ['cpu', 'wasm'] as const)
    for (const pad of ['same', 'valid'] as const)
      it(`${backend}, ${pad}: forward values and every weight gradient equal tfjs' Conv2D layer`, async () => {
        await selectBackend(backend);
        const before = nativeCallCounts().FiReluBiasGrad ?? 0;
        const fused = stepOf(true, pad);
        const stock = stepOf(false, pad);
        expect(fused.length).toBe(stock.length);
        // the same float operations in the same order up to the gradient sums: 1e-5 of the largest value
        for (let i = 0; i < stock.length; i++)
          expect(relError(fused[i], stock[i]), `tensor ${i}`).toBeLessThan(1e-5);
        expect(Math.min(...stock[0])).toBe(0); // the ReLU clipped something
        for (const grad of stock.slice(2)) expect(Math.max(...grad.map(Math.abs))).toBeGreaterThan(1e-3);
        if (backend === 'wasm' && (await selectBackend('wasm')).kernels?.startsWith('native kernels ('))
          expect(nativeCallCounts().FiReluBiasGrad ?? 0).toBeGreaterThan(before);
      });

  it("serialises as 'Conv2D' and plain tfjs loads it with the same predictions", async () => {
    await selectBackend('cpu');
    const m = net(true, 'same');
    const json = m.toJSON(undefined, false) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Conv2D', 'Conv2D']);
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(
        async (a) => (
          (saved = a),
          { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
        ),
      ),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers[1].constructor.name).toBe('Conv2D'); // tfjs' own class, not ours
    const x = tf.tensor4d(seeded(15 * 14 * 3, 9), [1, 15, 14, 3]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((m.predict(x) as tf.Tensor).dataSync()),
    );
    m.dispose();
    loaded.dispose();
  });
});
