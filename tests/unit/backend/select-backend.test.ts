import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeBackend,
  probeTargetOf,
  selectBackend,
  type ProbeTarget,
} from '../../../src/main/training/train/backend';
import { fasterOf, ruleChoice } from '../../../src/main/training/train/backend-choice';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { tf } from '../../../src/main/training/train/tf';
import { WASM_KERNELS } from '../../../src/main/training/train/wasm-kernels';
import { ConfigError } from '../../../src/shared/errors';
import { expectPart, tfjsNodePart } from '../../helpers/backends';

// the probe cache of this file, not the user's
const cache = mkdtempSync(path.join(os.tmpdir(), 'fi-backend-cache-'));
process.env.FACTOR_INCEPTION_CACHE = cache;
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const tfjsNode = await tfjsNodePart();
const TINY: ProbeTarget = {
  model: { ...DEFAULT_MODEL, preset: 'compact', width: 0.125 },
  inputShape: [24, 24, 2],
  batchSize: 4,
};

describe('selectBackend without tfjs-node', () => {
  it.skipIf(tfjsNode.why === undefined)(
    'auto falls back to wasm with a note when tfjs-node is absent, and is idempotent',
    async () => {
      const a = await selectBackend('auto');
      expect(a.name).toBe('wasm');
      expect(a.requested).toBe('auto');
      expect(a.tfjsVersion).toBe('4.22.0');
      expect(a.threads).toBeGreaterThanOrEqual(1);
      expect(a.note).toMatch(/tfjs-node is not (installed|available)/);
      const b = await selectBackend('auto');
      expect(b).toEqual(a);
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it.skipIf(tfjsNode.why === undefined)(
    "explicit 'tensorflow' without tfjs-node fails with an actionable ConfigError",
    async () => {
      await expect(selectBackend('tensorflow')).rejects.toThrow(ConfigError);
      await expect(selectBackend('tensorflow')).rejects.toThrow(
        /npm install @tensorflow\/tfjs-node|choose 'wasm' or 'cpu'/,
      );
    },
  );
});

describe('selectBackend with tfjs-node', () => {
  it('tfjs-node loads here', (ctx) => expectPart(tfjsNode, ctx));

  it.skipIf(tfjsNode.why !== undefined)(
    'auto times the model on tensorflow and wasm, takes the faster, says why, and caches the timings',
    async () => {
      const a = await selectBackend('auto', { probe: TINY });
      const file = JSON.parse(readFileSync(path.join(cache, 'backend-choice.json'), 'utf8')) as {
        entries: Record<string, { timings: { label: string; msPerStep: number }[] }>;
      };
      const entries = Object.values(file.entries);
      expect(entries.length).toBe(1);
      const timings = entries[0].timings;
      expect(timings.length).toBe(2);
      expect(timings.map((t) => t.label)).toContain('tensorflow');
      expect(timings.map((t) => t.label)).toContainEqual(expect.stringMatching(/^wasm(\+native)?$/));
      for (const t of timings) expect(t.msPerStep).toBeGreaterThan(0);
      const fastest = timings.reduce((x, y) => (y.msPerStep < x.msPerStep ? y : x));
      expect(a.name).toBe(fastest.label === 'tensorflow' ? 'tensorflow' : 'wasm');
      expect(tf.getBackend()).toBe(a.name);
      expect(a.note).toMatch(
        /^auto chose (tensorflow|wasm\+native|wasm) \(\d+\.\d\dx faster\): a training step of compact width 0\.125, 24x24x2, batch 4 took /,
      );
      // a second process on this machine would read the cache; here the memo answers, and a new probe target
      // that is already cached says so
      const again = await selectBackend('auto', { probe: { ...TINY } });
      expect(again).toEqual(a);
      await selectBackend('cpu');
      const cached = await selectBackend('auto', { probe: TINY });
      expect(cached.name).toBe(a.name);
      expect(cached.note).toMatch(/cached\)$/);
    },
    120_000,
  );

  it.skipIf(tfjsNode.why !== undefined)(
    "explicit 'tensorflow' and 'wasm' are forced, never probed",
    async () => {
      expect(await selectBackend('tensorflow')).toMatchObject({
        name: 'tensorflow',
        requested: 'tensorflow',
      });
      expect(tf.getBackend()).toBe('tensorflow');
      const w = await selectBackend('wasm');
      expect(w).toMatchObject({ name: 'wasm', requested: 'wasm' });
      expect(w.note).toBeUndefined();
    },
  );
});

describe('the choice itself', () => {
  it('takes the faster timing and names every timing and the speed-up', () => {
    const c = fasterOf(
      [
        { label: 'wasm+native', msPerStep: 300, steps: 3 },
        { label: 'tensorflow', msPerStep: 450, steps: 3 },
      ],
      TINY,
      false,
    );
    expect(c.name).toBe('wasm');
    expect(c.reason).toBe(
      'auto chose wasm+native (1.50x faster): a training step of compact width 0.125, 24x24x2, batch 4 took wasm+native 300 ms, tensorflow 450 ms',
    );
    const t = fasterOf(
      [
        { label: 'wasm', msPerStep: 900, steps: 2 },
        { label: 'tensorflow', msPerStep: 450, steps: 3 },
      ],
      TINY,
      true,
    );
    expect(t.name).toBe('tensorflow');
    expect(t.reason).toMatch(
      /^auto chose tensorflow \(2\.00x faster\).*\(measured earlier on this machine, cached\)$/,
    );
  });

  it('without a model to measure, the bench rule: wasm+native when the native kernels load, else tensorflow', () => {
    expect(ruleChoice(true).name).toBe('wasm');
    expect(ruleChoice(false).name).toBe('tensorflow');
    expect(ruleChoice(true).reason).toMatch(/bench rule/);
  });

  it("the probe target of a run config has its dataset's input shape", () => {
    const t = probeTargetOf({
      model: { ...DEFAULT_MODEL, preset: 'googlenet', width: 1 },
      dataset: { channels: ['000300', '000905'] },
      train: { batchSize: 16 },
    });
    expect(t.inputShape).toEqual([56, 56, 2]); // 56 days x 1 bar x 56 factors, time-factor layout
    expect(t.batchSize).toBe(16);
    const lastBar = probeTargetOf({
      model: { ...DEFAULT_MODEL, preset: 'mlp' },
      dataset: { channels: ['000300', '000905', '399006'] },
      train: { batchSize: 8 },
    });
    expect(lastBar.inputShape).toEqual([56 * 3]);
  });
});

describe('selectBackend', () => {
  it('switches between cpu and wasm on request', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const w = await selectBackend('wasm');
    expect(w).toMatchObject({ name: 'wasm', requested: 'wasm' });
    expect(w.note).toBeUndefined();
    expect(tf.getBackend()).toBe('wasm');
  });

  it('registers every custom kernel for wasm', async () => {
    await selectBackend('wasm');
    for (const k of WASM_KERNELS) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
  });
});

describe('describeBackend', () => {
  it('names the backend, its threads, the kernels and any note on one line', () => {
    const base = { name: 'wasm', requested: 'auto', tfjsVersion: '4.22.0', threads: 1 };
    expect(describeBackend(base)).toBe('wasm (tfjs 4.22.0, 1 thread)');
    expect(
      describeBackend({
        ...base,
        threads: 2,
        kernels: 'native kernels (OpenBLAS 0.3.21, Haswell kernels, 2 threads)',
      }),
    ).toBe('wasm (tfjs 4.22.0, 2 threads; native kernels (OpenBLAS 0.3.21, Haswell kernels, 2 threads))');
    expect(describeBackend({ ...base, note: 'tfjs-node is not available' })).toBe(
      'wasm (tfjs 4.22.0, 1 thread) — tfjs-node is not available',
    );
  });
});
