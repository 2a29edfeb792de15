/**
 * Loads the optional native kernel addon (native/, OpenBLAS sgemm behind N-API), built by `npm ci` where a C
 * compiler and libopenblas-dev exist (see native/README.md). Nothing here is required: when the addon is
 * missing or fails to load, training runs on tfjs' own wasm kernels and the reason is reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutPaths } from '../backend-info';

/** The addon's functions. Buffers are Float32Array views; `sizes` is an Int32Array (see native/src/addon.c). */
export interface NativeAddon {
  conv2d(sizes: Int32Array, x: Float32Array, filter: Float32Array, y: Float32Array): void;
  /** conv + bias (or null) + optional ReLU, the epilogue applied per tile. */
  conv2dFused(
    sizes: Int32Array,
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    relu: boolean,
    y: Float32Array,
  ): void;
  /** dz = dy * (y > 0); dbias (or null) = column sums of dz over rows of `cols`. */
  reluBiasGrad(
    dy: Float32Array,
    y: Float32Array,
    cols: number,
    dz: Float32Array,
    dbias: Float32Array | null,
  ): void;
  conv2dBackpropFilter(sizes: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  conv2dBackpropInput(sizes: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  maxPoolGrad(sizes: Int32Array, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  maxPool(sizes: Int32Array, x: Float32Array, y: Float32Array): void;
  /** ins[j] viewed as [outer, inners[j]] written side by side into out [outer, sum(inners)]. */
  concat(ins: Float32Array[], outer: number, inners: Int32Array, out: Float32Array): void;
  lrn(
    x: Float32Array,
    y: Float32Array,
    channels: number,
    radius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  lrnGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    channels: number,
    radius: number,
    bias: number,
    alpha: number,
    beta: number,
  ): void;
  /** out[c] = sum over the rows of x[r * cols + c]: the bias gradient's Sum over every axis but the last. */
  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  split(x: Float32Array, outer: number, inner: number, sizes: Int32Array, outs: Float32Array[]): void;
  /** OpenMP threads of the kernels, used for products of at least minMacs multiply-adds (smaller: one thread). */
  setThreads(n: number, minMacs?: number): void;
  info(): string;
  /** GFLOP/s of `threads` independent single-threaded n x n x n sgemms at once, for >= `seconds` (the bench's peak). */
  sgemmPeak(n: number, threads: number, seconds: number): number;
}

export const ADDON_FILE = 'factor_inception_native.node';

/** Where the addon may be: $FACTOR_INCEPTION_NATIVE_ADDON, then native/build/Release above this module or the cwd. */
export function addonCandidates(): string[] {
  const out: string[] = [];
  const env = process.env.FACTOR_INCEPTION_NATIVE_ADDON;
  if (env) out.push(path.resolve(env));
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    out.push(path.join(dir, 'native', 'build', 'Release', ADDON_FILE));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  out.push(path.join(process.cwd(), 'native', 'build', 'Release', ADDON_FILE));
  return [...new Set(out)];
}

/**
 * The OpenBLAS kernels every machine with AVX2 and FMA runs. OpenBLAS picks its sgemm kernels by CPU (SkylakeX on
 * an AVX-512 Xeon, Zen on an AMD EPYC, Haswell on other AVX2 chips) and they round differently; early stopping
 * turns the last bits into different epochs: one fold of the overnight study stopped after 5 epochs at 36.0 %
 * test accuracy with the SkylakeX kernels and after 10 at 26.4 % with the Haswell ones, as on the EPYC. Undefined
 * (OpenBLAS's own choice) on a CPU without both flags, or flags unknown.
 */
export function blasCoreFor(flags: readonly string[] | undefined): string | undefined {
  return flags?.includes('avx2') && flags.includes('fma') ? 'Haswell' : undefined;
}

/** The CPU's feature flags from /proc/cpuinfo (Linux); undefined elsewhere or unreadable. */
export function cpuFlags(cpuinfo = '/proc/cpuinfo'): string[] | undefined {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync(cpuinfo, 'utf8'));
    return line ? line[1].trim().split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks OpenBLAS for blasCoreFor(this CPU) through OPENBLAS_CORETYPE, which it reads when it loads: call before the
 * addon is required. An OPENBLAS_CORETYPE already set (the user's) wins.
 */
export function pinBlasKernels(): void {
  const core = blasCoreFor(cpuFlags());
  if (core) process.env.OPENBLAS_CORETYPE ??= core;
}

let loaded: { addon?: NativeAddon; why?: string; file?: string } | undefined;

/** The addon, or why it is not available. Loaded once per process. */
export function loadAddon(): { addon?: NativeAddon; why?: string; file?: string } {
  if (loaded) return loaded;
  const candidates = addonCandidates();
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    loaded = {
      why: `native kernels not built (no ${ADDON_FILE}; run \`npm run build:native\`, needs libopenblas-dev)`,
    };
    return loaded;
  }
  try {
    // The addon's im2col/col2im loops use OpenMP, whose idle threads otherwise spin and take the cores that
    // OpenBLAS's threads need next (2-3x slower convolutions measured on 2 cores). libgomp reads this when the
    // addon loads it, so it must be set before the require.
    process.env.OMP_WAIT_POLICY ??= 'passive';
    // the same kernels on every AVX2 machine, so a study gives the same numbers on each; the backend line names
    // the kernels that ran
    pinBlasKernels();
    const require = createRequire(import.meta.url);
    loaded = { addon: require(file) as NativeAddon, file };
  } catch (e) {
    loaded = {
      why: `native kernels failed to load from ${path.basename(file)} (${withoutPaths(e instanceof Error ? e.message.split('\n')[0] : String(e))})`,
    };
  }
  return loaded;
}
