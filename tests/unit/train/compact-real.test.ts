/**
 * A compact Inception trains a few steps on real daily factor images and its loss falls, on wasm (with the native
 * kernels when they are built) and on tensorflow (tfjs-node) when it loads; not on cpu, whose convolutions are
 * ~100x slower.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/training/train/backend';
import { loadDataset } from '../../../src/main/training/images/dataset';
import { buildModel } from '../../../src/main/training/model/build';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { DEFAULT_TRAIN } from '../../../src/main/training/train/settings';
import { saveModel, loadModel } from '../../../src/main/training/train/model-io';
import { tf } from '../../../src/main/training/train/tf';
import { predictProba, trainModel } from '../../../src/main/training/train/trainer';
import { dailyDir } from '../../helpers/data';
import { expectPart, tfjsNodePart } from '../../helpers/backends';

const tfjsNode = await tfjsNodePart();
it('tfjs-node is there to train on', (ctx) => expectPart(tfjsNode, ctx));
const backends = ['wasm', ...(tfjsNode.why === undefined ? ['tensorflow' as const] : [])] as const;

for (const pref of backends)
  describe(`compact Inception on real daily factor images (${pref})`, () => {
    let backend = '';
    beforeAll(async () => {
      backend = (await selectBackend(pref)).name;
    });

    it('training loss falls over a few steps on a fixed batch', async () => {
      const { dataset } = loadDataset(
        { from: '2020-03-01', to: '2020-04-30', channels: ['000300', '000905'] },
        dailyDir(),
      );
      expect(dataset.imageShape).toEqual([56, 56, 2]);
      const idx = dataset.dates
        .map((_, i) => i)
        .filter((i) => dataset.labels[i] >= 0)
        .slice(0, 16);
      expect(idx.length).toBe(16);
      const r = await trainModel({
        model: { ...DEFAULT_MODEL, preset: 'compact', width: 0.125, dropout: 0 },
        settings: {
          ...DEFAULT_TRAIN,
          epochs: 6,
          batchSize: 16,
          learningRate: 3e-3,
          weightDecay: 0,
          backend: pref,
        },
        trainSet: dataset.source(idx, 'image'),
        backend,
      });
      const losses = r.history.map((h) => h.loss);
      expect(r.backend).toBe(pref);
      expect(losses.every(Number.isFinite)).toBe(true);
      // one full batch per epoch: each epoch is one Adam step on the same 16 images
      expect(losses.at(-1)!).toBeLessThan(losses[0] - 0.05);
      for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
      r.model.dispose();
    });

    it('GoogLeNet with auxiliary heads (3 outputs, aux loss weight 0.3) trains through the same loop', async () => {
      const { dataset } = loadDataset(
        { from: '2020-03-01', to: '2020-04-30', channels: ['000300', '000905'] },
        dailyDir(),
      );
      const idx = dataset.dates
        .map((_, i) => i)
        .filter((i) => dataset.labels[i] >= 0)
        .slice(0, 8);
      let outputs = 0;
      const r = await trainModel({
        model: { ...DEFAULT_MODEL, preset: 'googlenet', width: 0.0625, auxHeads: true, dropout: 0 },
        settings: {
          ...DEFAULT_TRAIN,
          epochs: 3,
          batchSize: 8,
          learningRate: 3e-3,
          weightDecay: 1e-4,
          backend: pref,
        },
        trainSet: dataset.source(idx, 'image'),
        backend,
        buildModel: (spec, shape, o) => {
          const m = buildModel(spec, shape, o);
          outputs = m.outputs.length;
          return m;
        },
      });
      expect(outputs).toBe(3);
      const losses = r.history.map((h) => h.loss);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]);

      // predict on the multi-output model gives the main head's probabilities, also after a save/load round trip
      const source = dataset.source(idx, 'image');
      const probs = predictProba(r.model, source);
      const x = new Float32Array(idx.length * 56 * 56 * 2);
      for (let k = 0; k < idx.length; k++) source.fill(k, x, k * 56 * 56 * 2);
      const heads = r.model.predict(tf.tensor4d(x, [idx.length, 56, 56, 2])) as tf.Tensor[];
      expect(heads.length).toBe(3);
      const main = heads[0].dataSync() as Float32Array;
      const aux = heads[1].dataSync() as Float32Array;
      tf.dispose(heads);
      expect(Array.from(probs)).toEqual(Array.from(main));
      expect(Array.from(probs)).not.toEqual(Array.from(aux)); // the test could tell the heads apart
      for (let k = 0; k < idx.length; k++)
        expect(probs[3 * k] + probs[3 * k + 1] + probs[3 * k + 2]).toBeCloseTo(1, 5);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-aux-'));
      await saveModel(dir, r.model);
      const loaded = await loadModel(dir);
      expect(loaded.outputs.length).toBe(3);
      expect(Array.from(predictProba(loaded, source))).toEqual(Array.from(probs));
      loaded.dispose();
      rmSync(dir, { recursive: true, force: true });
      r.model.dispose();
    });
  });
