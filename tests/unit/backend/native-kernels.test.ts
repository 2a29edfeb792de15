/**
 * The wasm backend with the native addon's kernels (native/: im2col + OpenBLAS sgemm convolutions, max-pool
 * gradient, LRN) registered over the wasm ones, against the cpu backend; plus the addon's own argument checks
 * and its determinism across thread counts. The addon is built by `npm ci` (or `npm run build:native`) where
 * libopenblas-dev is installed, as .ci/run does; without it this file fails and says how to build it.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/training/train/backend';
import { loadAddon } from '../../../src/main/training/train/native-kernels/addon';
import {
  isNativeKernel,
  NATIVE_KERNELS,
  nativeCallCounts,
} from '../../../src/main/training/train/native-kernels';
import { tf } from '../../../src/main/training/train/tf';
import {
  filterGradSuite,
  forwardSuite,
  inputGradSuite,
  poolGradSuite,
  trainStepSuite,
  dataMovementSuite,
} from './kernel-suites';
import { seeded } from './helpers';

delete process.env.FACTOR_INCEPTION_NATIVE;
const { addon, why } = loadAddon();

describe('the native kernel addon', () => {
  it('is built and registers its kernels under the wasm backend', async () => {
    expect(addon, `${why}. Install libopenblas-dev, then run \`npm run build:native\`.`).toBeDefined();
    const info = await selectBackend('wasm');
    expect(info.kernels).toMatch(/^native kernels \(OpenBLAS \S+, \S+ kernels, \d+ threads?\)$/);
    // The registered kernel functions are the native wrappers, not the stock ones.
    for (const name of NATIVE_KERNELS)
      expect(isNativeKernel(tf.getKernel(name, 'wasm')?.kernelFunc), name).toBe(true);
  });

  it('rejects buffers shorter than the sizes say, before computing anything', () => {
    const sizes = Int32Array.of(1, 4, 4, 2, 3, 4, 4, 3, 3, 1, 1, 1, 1); // x 1x4x4x2, 3x3 filter, 3 outputs
    const x = new Float32Array(32);
    const f = new Float32Array(54);
    expect(() => addon!.conv2d(sizes, x, f, new Float32Array(47))).toThrow(/y has 47 elements, needs 48/);
    expect(() => addon!.conv2d(sizes, x.subarray(1), f, new Float32Array(48))).toThrow(/x has 31/);
    expect(() => addon!.conv2d(sizes.subarray(1), x, f, new Float32Array(48))).toThrow(/Int32Array/);
    expect(() => addon!.conv2d(sizes, new Float64Array(32) as never, f, new Float32Array(48))).toThrow(
      /Float32Array/,
    );
  });

  it('gives bit-identical convolutions with 1 and 2 OpenBLAS threads', () => {
    const [n, h, w, ci, co, k] = [8, 28, 28, 64, 96, 3];
    const sizes = Int32Array.of(n, h, w, ci, co, h, w, k, k, 1, 1, 1, 1);
    const x = seeded(n * h * w * ci, 1);
    const dy = seeded(n * h * w * co, 2);
    const f = seeded(k * k * ci * co, 3);
    const run = (threads: number) => {
      addon!.setThreads(threads);
      const y = new Float32Array(n * h * w * co);
      const dw = new Float32Array(f.length);
      const dx = new Float32Array(x.length);
      addon!.conv2d(sizes, x, f, y);
      addon!.conv2dBackpropFilter(sizes, x, dy, dw);
      addon!.conv2dBackpropInput(sizes, dy, f, dx);
      return [y, dw, dx];
    };
    const one = run(1);
    const two = run(2);
    for (let i = 0; i < 3; i++)
      expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer))).toBe(true);
    // and the values are not trivially zero
    expect(Math.max(...one[1].map(Math.abs))).toBeGreaterThan(1);
  });
});

filterGradSuite('wasm + native');
poolGradSuite('wasm + native');
inputGradSuite('wasm + native');
forwardSuite('wasm + native');
trainStepSuite('wasm + native');
dataMovementSuite('wasm + native');

describe('after the suites above', () => {
  it('every native kernel ran natively, not only through its fallback', () => {
    const counts = nativeCallCounts();
    for (const name of NATIVE_KERNELS) expect(counts[name] ?? 0, name).toBeGreaterThan(0);
  });
});
