/**
 * `predict` gives the same probabilities on every backend that loads: one model with seeded non-trivial weights
 * (the engine's zero-initialised heads would make every backend say 1/3), the same inputs, predictProba on cpu
 * (the reference), wasm (with the native kernels when built) and tensorflow (tfjs-node).
 *
 * Tolerance: float32 through ~20 layers summed in different orders (xnnpack, OpenBLAS, Eigen, plain loops) differs
 * by a few 1e-7 relative per layer; 2e-5 absolute on a probability is two orders above that and far below any
 * kernel error, which moves probabilities by 1e-2 or more.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/main/training/model/build';
import { DEFAULT_MODEL, type ModelSpec } from '../../../src/main/training/model/spec';
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { predictProba } from '../../../src/main/training/train/trainer';
import { expectPart, tfjsNodePart } from '../../helpers/backends';
import { seeded } from './helpers';

const TOL = 2e-5;
const SHAPE = [56, 56, 2];
const N = 6;
const tfjsNode = await tfjsNodePart();

function source() {
  const size = SHAPE.reduce((a, b) => a * b, 1);
  const xs = seeded(N * size, 77);
  return {
    count: N,
    shape: SHAPE,
    fill: (i: number, out: Float32Array, offset: number) =>
      out.set(xs.subarray(i * size, (i + 1) * size), offset),
    label: (i: number) => i % 3,
    date: (i: number) => `2020-01-0${i + 1}`,
  };
}

/** The model with every weight drawn from a seeded uniform, scaled by 1/sqrt(fan-in) so activations stay O(1). */
function randomised(spec: ModelSpec): tf.LayersModel {
  const m = buildModel(spec, SHAPE, { seed: 5 });
  let seed = 1000;
  m.setWeights(
    m.getWeights().map((w) => {
      const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      const v = seeded(w.size, seed++).map((x) => (x * 1.7) / Math.sqrt(fanIn));
      return tf.tensor(v, w.shape);
    }),
  );
  return m;
}

describe('predict agrees across backends', () => {
  it('tfjs-node is there to compare', (ctx) => expectPart(tfjsNode, ctx));

  for (const spec of [
    { ...DEFAULT_MODEL, preset: 'compact', width: 0.25 },
    { ...DEFAULT_MODEL, preset: 'googlenet', width: 0.125, auxHeads: true },
  ] as ModelSpec[])
    it(`${spec.preset} width ${spec.width}: wasm${tfjsNode.why === undefined ? ' and tensorflow' : ''} within ${TOL} of cpu`, async () => {
      await selectBackend('cpu');
      const model = randomised(spec);
      const ref = predictProba(model, source());
      // the weights are not trivial: probabilities differ between samples and from 1/3
      expect(Math.max(...ref.map((p) => Math.abs(p - 1 / 3)))).toBeGreaterThan(0.05);
      for (const b of ['wasm', ...(tfjsNode.why === undefined ? ['tensorflow' as const] : [])] as const) {
        await selectBackend(b);
        const got = predictProba(model, source());
        let worst = 0;
        for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
        console.log(`${spec.preset} ${b}: max |p - p_cpu| ${worst.toExponential(1)}`);
        expect(worst, `${b} max |p - p_cpu|`).toBeLessThan(TOL);
      }
      await selectBackend('cpu');
      model.dispose();
    });
});
