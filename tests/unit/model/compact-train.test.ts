import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/main/training/model/build';
import { Xoshiro128 } from '../../../src/main/training/random';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { expectPart, tfjsNodePart } from '../../helpers/backends';

// The stock cpu backend's Conv2DBackpropFilter needs about a minute per step even for this tiny model on this
// 2-core machine, so the training check runs on the engine's wasm backend (with the native kernels when built)
// and on tensorflow (tfjs-node) when it loads; the backend actually used is asserted so a silent fallback cannot
// pass unnoticed.
const tfjsNode = await tfjsNodePart();
it('tfjs-node is there to train on', (ctx) => expectPart(tfjsNode, ctx));

for (const pref of ['wasm', ...(tfjsNode.why === undefined ? ['tensorflow' as const] : [])] as const)
  describe(`compact model trains (${pref})`, () => {
    beforeAll(async () => {
      const info = await selectBackend(pref);
      expect(info.name).toBe(pref);
    });

    it('model.fit on 32 seeded 32x32x2 samples (width 0.125): the loss falls', async () => {
      const n = 32;
      const rng = new Xoshiro128(5);
      const xs = new Float32Array(n * 32 * 32 * 2);
      const labels: number[] = [];
      for (let i = 0; i < n; i++) {
        const k = i % 3;
        labels.push(k);
        // class k shifts channel 0 by (k - 1) / 2: learnable, but buried in unit noise
        for (let p = 0; p < 32 * 32; p++) {
          xs[(i * 1024 + p) * 2] = rng.next() * 2 - 1 + (k - 1) / 2;
          xs[(i * 1024 + p) * 2 + 1] = rng.next() * 2 - 1;
        }
      }
      const model = buildModel(
        { ...DEFAULT_MODEL, preset: 'compact', width: 0.125, dropout: 0 },
        [32, 32, 2],
        {
          seed: 9,
        },
      );
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(xs, [n, 32, 32, 2]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
      const hist = await model.fit(x, y, { epochs: 6, batchSize: 8, shuffle: false, verbose: 0 });
      const losses = hist.history.loss as number[];
      console.log(`compact 32x32x2 w0.125 losses per epoch: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[0]).toBeGreaterThan(0.9); // the first epoch starts near ln 3 = 1.0986
      expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);
      tf.dispose([x, y]);
      model.dispose();
    });
  });
