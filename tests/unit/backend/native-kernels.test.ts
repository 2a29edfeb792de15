/**
 * The wasm backend with the native addon's kernels (native/: im2col + OpenBLAS sgemm convolutions, max-pool
 * gradient, LRN) registered over the wasm ones, against the cpu backend; plus the addon's own argument checks
 * and its determinism across thread counts. The addon is built by `npm ci` (or `npm run build:native`) where
 * libopenblas-dev is installed; where it is absent the addon's tests skip and say why (the suites then run on
 * plain wasm), unless FACTOR_INCEPTION_REQUIRE_NATIVE=1 (CI), where they fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { executeRun, prepareRun } from '../../../src/main/training/train/run-job';
import { listRuns } from '../../../src/main/training/train/run-folders';
import { dailyDir } from '../../helpers/data';
import { selectBackend } from '../../../src/main/training/train/backend';
import { blasCoreFor, cpuFlags, loadAddon } from '../../../src/main/training/train/native-kernels/addon';
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
import { expectPart, nativePart } from '../../helpers/backends';

delete process.env.FACTOR_INCEPTION_NATIVE;
// the kernels asked for before the addon loads (unset unless the user set them)
const userCore = process.env.OPENBLAS_CORETYPE;
const { addon } = loadAddon();
const part = nativePart();
const built = part.why === undefined;

describe('the native kernel addon', () => {
  it('is built and registers its kernels under the wasm backend', async (ctx) => {
    expectPart(part, ctx);
    const info = await selectBackend('wasm');
    expect(info.kernels).toMatch(/^native kernels \(OpenBLAS \S+, \S+ kernels, \d+ threads?\)$/);
    // The registered kernel functions are the native wrappers, not the stock ones.
    for (const name of NATIVE_KERNELS)
      expect(isNativeKernel(tf.getKernel(name, 'wasm')?.kernelFunc), name).toBe(true);
  });

  it('picks the Haswell kernels on every CPU with AVX2 and FMA, from /proc/cpuinfo', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-cpuinfo-'));
    try {
      const file = path.join(dir, 'cpuinfo');
      const cpu = (flags: string) =>
        `processor\t: 0\nvendor_id\t: X\nflags\t\t: ${flags}\nbugs\t\t: none\n\n`;
      writeFileSync(file, cpu('fpu sse2 avx fma avx2 avx512f') + cpu('fpu sse2 avx fma avx2 avx512f'));
      expect(cpuFlags(file)).toEqual(['fpu', 'sse2', 'avx', 'fma', 'avx2', 'avx512f']);
      expect(blasCoreFor(cpuFlags(file))).toBe('Haswell'); // an AVX-512 Xeon: not its own SkylakeX kernels
      writeFileSync(file, cpu('fpu sse2 avx fma avx2'));
      expect(blasCoreFor(cpuFlags(file))).toBe('Haswell'); // an AMD EPYC (OpenBLAS would take its Zen kernels)
      writeFileSync(file, cpu('fpu sse2 avx'));
      expect(blasCoreFor(cpuFlags(file))).toBeUndefined(); // no AVX2: OpenBLAS chooses
      expect(blasCoreFor(cpuFlags(path.join(dir, 'missing')))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!built)('runs the kernels picked for this CPU (the backend line names them)', async () => {
    const info = await selectBackend('wasm');
    const want = userCore ?? blasCoreFor(cpuFlags());
    if (want) expect(info.kernels).toContain(`, ${want} kernels,`);
    else expect(info.kernels).toMatch(/, \S+ kernels,/);
  });

  it.skipIf(!built)('rejects buffers shorter than the sizes say, before computing anything', () => {
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

  // Tiles of fixed size (native/src/conv.c), each one single-threaded sgemm, and partial sums added in a fixed
  // order: the thread count decides only which thread computes a tile, never how.
  it.skipIf(!built)('gives bit-identical convolutions with 1, 2 and 3 threads', () => {
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
    const three = run(3);
    addon!.setThreads(os.availableParallelism());
    for (let i = 0; i < 3; i++) {
      expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer)), `output ${i}, 2 threads`).toBe(
        true,
      );
      expect(Buffer.from(three[i].buffer).equals(Buffer.from(one[i].buffer)), `output ${i}, 3 threads`).toBe(
        true,
      );
    }
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
  it.skipIf(!built)('every native kernel ran natively, not only through its fallback', () => {
    const counts = nativeCallCounts();
    for (const name of NATIVE_KERNELS) expect(counts[name] ?? 0, name).toBeGreaterThan(0);
  });
});

describe('a run trained with the native kernels says so', () => {
  it.skipIf(!built)(
    "tags every log line, progress event, the run list and predictions.json with 'wasm+native'",
    async () => {
      const info = await selectBackend('wasm');
      const runs = mkdtempSync(path.join(os.tmpdir(), 'fi-native-run-'));
      try {
        const config = parseRunConfig({
          dataset: { from: '2020-01-01', to: '2020-06-30', channels: ['000300'] },
          model: { preset: 'cnn', width: 0.25 },
          train: { epochs: 1, batchSize: 16, backend: 'wasm' },
        });
        const dir = prepareRun(runs, 'native', config, dailyDir(), info);
        const tags = new Set<string>();
        const r = await executeRun(dir, { backend: info, onProgress: (p) => tags.add(p.backend) });
        r.model.dispose();
        expect(r.backend).toBe('wasm+native');
        expect([...tags]).toEqual(['wasm+native']);
        const lines = readFileSync(path.join(dir, 'train.log'), 'utf8').trim().split('\n');
        expect(lines.length).toBeGreaterThan(3);
        for (const l of lines) expect(l).toMatch(/^\S+ \[wasm\+native\] /);
        expect(listRuns(runs).map((x) => x.backend)).toEqual(['wasm+native']);
        expect(JSON.parse(readFileSync(path.join(dir, 'predictions.json'), 'utf8')).backend).toBe(
          'wasm+native',
        );
      } finally {
        rmSync(runs, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
