import { describe, expect, it } from 'vitest';
import { describeBackend, selectBackend, tfjsNodeAvailable } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { WASM_KERNELS } from '../../../src/main/training/train/wasm-kernels';
import { ConfigError } from '../../../src/shared/errors';

describe('selectBackend', () => {
  it('auto falls back to wasm with a note when tfjs-node is absent, and is idempotent', async () => {
    if (await tfjsNodeAvailable()) return; // this machine's install has no tfjs-node; elsewhere 'tensorflow' wins
    const a = await selectBackend('auto');
    expect(a.name).toBe('wasm');
    expect(a.requested).toBe('auto');
    expect(a.tfjsVersion).toBe('4.22.0');
    expect(a.threads).toBeGreaterThanOrEqual(1);
    expect(a.note).toMatch(/tfjs-node is not available/);
    const b = await selectBackend('auto');
    expect(b).toEqual(a);
    expect(tf.getBackend()).toBe('wasm');
  });

  it("explicit 'tensorflow' without tfjs-node fails with an actionable ConfigError", async () => {
    if (await tfjsNodeAvailable()) return;
    await expect(selectBackend('tensorflow')).rejects.toThrow(ConfigError);
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node|choose 'wasm' or 'cpu'/,
    );
  });

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
