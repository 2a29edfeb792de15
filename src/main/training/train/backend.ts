/**
 * The one place that chooses the tfjs backend. Entry points (CLI, worker, tests, benches) call selectBackend();
 * engine code only imports `tf` from './tf'.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../shared/errors';
import { tf } from './tf';
import { registerWasmKernels } from './wasm-kernels';
import { installWasmThreadShims } from './wasm-kernels/threads';
import { withoutPaths, type BackendInfo } from './backend-info';
import {
  cachedTimings,
  choiceKey,
  fasterOf,
  ruleChoice,
  storeTimings,
  timeTrainingStep,
  type BackendChoice,
  type ProbeTarget,
  type StepTiming,
} from './backend-choice';
import { registerNativeKernels, type NativeStatus } from './native-kernels';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /**
   * wasm compute threads. 1 = tfjs' single-threaded SIMD binary; > 1 = the threaded-SIMD binary with that many
   * xnnpack threads (see wasm-kernels/threads.ts). Default: $FACTOR_INCEPTION_WASM_THREADS, else 1. Fixed for the
   * life of the process: the wasm module is instantiated once.
   */
  wasmThreads?: number;
  /**
   * Use the native kernel addon (OpenBLAS convolutions, see native/) under the wasm backend when it loads.
   * Default: true unless $FACTOR_INCEPTION_NATIVE is 0/off. Fixed for the life of the process.
   */
  native?: boolean;
  /** OpenBLAS threads for the native kernels. Default: $FACTOR_INCEPTION_NATIVE_THREADS, else all cores. */
  nativeThreads?: number;
  /**
   * 'auto' only: the model the run will train. When tensorflow and wasm both load, 'auto' times a training
   * step of it on each (cached per model shape, machine and versions: backend-choice.ts) and takes the faster;
   * without it a rule from the bench decides. $FACTOR_INCEPTION_BACKEND_PROBE=0 uses the rule always.
   */
  probe?: ProbeTarget;
}

export type { ProbeTarget } from './backend-choice';
export { probeTargetOf } from './backend-choice';

export type { BackendInfo } from './backend-info';
export { describeBackend } from './backend-info';

const TFJS_NODE = '@tensorflow/tfjs-node';
const require = createRequire(import.meta.url);

let wasmLoaded: Promise<void> | undefined;
let wasmThreads = 1;
let nativeStatus: NativeStatus | undefined;
let nodeLoaded: Promise<string | undefined> | undefined;
let current: BackendInfo | undefined;
let currentProbe = '';

/** Directory of the tfjs-backend-wasm .wasm binaries, with a trailing separator (setWasmPaths wants a prefix). */
export function wasmBinaryDir(): string {
  return (
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep
  );
}

/** Loads tfjs-node; resolves to undefined on success, or the reason it cannot be used. */
function loadTfjsNode(): Promise<string | undefined> {
  nodeLoaded ??= (async () => {
    try {
      // A variable specifier keeps bundlers and tsc from requiring the optional package at build time.
      const name = TFJS_NODE;
      // TensorFlow's C++ start-up lines (CPU feature notes) on stderr say nothing a user can act on.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // TensorFlow's oneDNN kernels (its default on x86) are off. On an AVX-512 Xeon (Sapphire Rapids) their filter
      // gradient of a 1x1 stride-2 convolution threw ("could not create a primitive descriptor") on some shapes
      // and freed memory twice, killing the process, on others (56x56x8 -> 8); they pass on an AMD EPYC, and
      // they pick their kernels, and so their rounding, by CPU. TensorFlow's own kernels have neither problem and
      // trained 1.2-1.3x slower on that Xeon (bench/training-speed.ts); 'auto' measures and takes the faster
      // backend either way. An explicit TF_ENABLE_ONEDNN_OPTS wins; libtensorflow reads it when it loads.
      process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
      await import(name);
      if (!tf.findBackend('tensorflow')) return `${TFJS_NODE} loaded but registered no 'tensorflow' backend`;
      return undefined;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
        return `${TFJS_NODE} is not installed`;
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return `${TFJS_NODE} is not available (${withoutPaths(msg)})`;
    }
  })();
  return nodeLoaded;
}

/** Which kernels tfjs-node computes with: TensorFlow's own, or oneDNN's when the user turned them on. */
function tensorflowKernels(): string {
  return process.env.TF_ENABLE_ONEDNN_OPTS === '0' ? 'oneDNN off' : 'oneDNN on';
}

/** Whether @tensorflow/tfjs-node loads here (an optionalDependency whose binary download may have failed). */
export async function tfjsNodeAvailable(): Promise<boolean> {
  return (await loadTfjsNode()) === undefined;
}

/** Why tfjs-node cannot be used here, or undefined when it loads. */
export function tfjsNodeProblem(): Promise<string | undefined> {
  return loadTfjsNode();
}

function nativeWanted(opts: BackendOptions): boolean {
  if (opts.native !== undefined) return opts.native;
  const env = (process.env.FACTOR_INCEPTION_NATIVE ?? '').toLowerCase();
  return !['0', 'off', 'false', 'no'].includes(env);
}

function nativeThreadCount(opts: BackendOptions): number {
  const env = process.env.FACTOR_INCEPTION_NATIVE_THREADS;
  const n = opts.nativeThreads ?? (env ? Number(env) : os.availableParallelism());
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new ConfigError('nativeThreads', `must be an integer in 1..64, got ${env ?? n}`);
  return n;
}

function loadWasm(threads: number, opts: BackendOptions): Promise<void> {
  wasmLoaded ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // After the import (which registers the stock kernels, so ours replace them) and before the backend
    // initialises (which runs the kernels' setup functions).
    registerWasmKernels();
    nativeStatus = nativeWanted(opts)
      ? registerNativeKernels(nativeThreadCount(opts))
      : {
          active: false,
          description: 'native kernels off (FACTOR_INCEPTION_NATIVE=0 or native: false)',
          threads: 0,
        };
    wasm.setWasmPaths(wasmBinaryDir());
    if (threads > 1) {
      installWasmThreadShims();
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(threads);
    }
    wasmThreads = threads;
  })();
  return wasmLoaded;
}

function requestedThreads(opts: BackendOptions): number {
  const env = process.env.FACTOR_INCEPTION_WASM_THREADS;
  const n = opts.wasmThreads ?? (env ? Number(env) : 1);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new ConfigError('wasmThreads', `must be an integer in 1..64, got ${env ?? n}`);
  return n;
}

async function activate(name: string): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

function threadsOf(name: string): number {
  // tfjs' getThreadsCount() reports 1 even when the pool computes with more, so report what was configured.
  if (name === 'wasm') return wasmThreads;
  if (name === 'tensorflow') return os.availableParallelism();
  return 1;
}

/** Timings of the target on tensorflow and wasm (measured now, or read from the cache). */
async function measureBoth(target: ProbeTarget): Promise<BackendChoice> {
  const wasmLabel = nativeStatus?.active ? 'wasm+native' : 'wasm';
  const versions = {
    tfjs: tf.version.tfjs,
    // the kernels are part of what was timed: a timing with oneDNN on is not one with it off
    tensorflow: `tfjs-node ${(tf.version as Record<string, string>)['tfjs-node'] ?? '?'}; ${tensorflowKernels()}`,
    [wasmLabel]: `${wasmThreads} thread(s); ${nativeStatus?.description ?? ''}`,
  };
  const key = choiceKey(target, versions);
  const cached = cachedTimings(key);
  if (cached) return fasterOf(cached, target, true);
  const timings: StepTiming[] = [];
  for (const [name, label] of [
    ['wasm', wasmLabel],
    ['tensorflow', 'tensorflow'],
  ] as const) {
    if (!(await activate(name))) continue;
    timings.push({ label, ...timeTrainingStep(target) });
  }
  if (timings.length === 0) throw new ConfigError('backend', 'neither tensorflow nor wasm initialised');
  storeTimings(key, target, timings);
  return fasterOf(timings, target, false);
}

function probeWanted(): boolean {
  return !['0', 'off', 'false', 'no'].includes(
    (process.env.FACTOR_INCEPTION_BACKEND_PROBE ?? '').toLowerCase(),
  );
}

/**
 * Makes `pref` the active tfjs backend and returns what is in use. 'auto' takes the faster of tensorflow
 * (tfjs-node) and wasm for `opts.probe` when both load (see BackendOptions.probe), the one that loads when only
 * one does, else cpu, and says in `note` what it chose and why; an explicit choice that cannot load throws
 * ConfigError. Safe to call repeatedly.
 */
export async function selectBackend(
  pref: BackendPreference,
  opts: BackendOptions = {},
): Promise<BackendInfo> {
  const threads = requestedThreads(opts);
  const probeKey = pref === 'auto' && opts.probe ? JSON.stringify(opts.probe) : '';
  if (current && current.requested === pref && tf.getBackend() === current.name && currentProbe === probeKey)
    return current;
  const notes: string[] = [];
  let name: string | undefined;
  let tfWhy: string | undefined;
  if (pref === 'tensorflow' || pref === 'auto') {
    tfWhy = await loadTfjsNode();
    if (tfWhy === undefined && !tf.findBackend('tensorflow')) tfWhy = 'tensorflow backend failed to register';
    if (pref === 'tensorflow') {
      if (tfWhy === undefined && (await activate('tensorflow'))) name = 'tensorflow';
      else
        throw new ConfigError(
          'backend',
          `'tensorflow' needs ${TFJS_NODE}: ${tfWhy ?? 'its backend failed to initialise'}. Install it (npm install ${TFJS_NODE}) or choose 'wasm' or 'cpu'.`,
        );
    }
  }
  if (!name && (pref === 'wasm' || pref === 'auto')) {
    let why: string | undefined;
    let wasmOk = false;
    try {
      await loadWasm(threads, opts);
      wasmOk = await activate('wasm');
      if (!wasmOk) why = 'the wasm backend failed to initialise';
    } catch (e) {
      why = `the wasm backend failed to load (${e instanceof Error ? e.message : String(e)})`;
    }
    if (pref === 'wasm') {
      if (!wasmOk) throw new ConfigError('backend', `${why}. Choose 'cpu' instead.`);
      name = 'wasm';
    } else if (tfWhy === undefined && wasmOk) {
      const choice =
        opts.probe && probeWanted()
          ? await measureBoth(opts.probe)
          : ruleChoice(nativeStatus?.active ?? false);
      if (!(await activate(choice.name)))
        throw new ConfigError('backend', `the ${choice.name} backend failed to initialise after the probe`);
      name = choice.name;
      notes.push(choice.reason);
    } else if (wasmOk) {
      name = 'wasm';
      notes.push(`${tfWhy}; using the next backend`);
    } else if (tfWhy === undefined && (await activate('tensorflow'))) {
      name = 'tensorflow';
      notes.push(`${why}; using tensorflow`);
    } else {
      notes.push(`${tfWhy ?? 'tensorflow failed to initialise'}; ${why}; using cpu`);
    }
  }
  if (!name) {
    if (!(await activate('cpu'))) throw new ConfigError('backend', 'the cpu backend failed to initialise');
    name = 'cpu';
  }
  if (name === 'wasm' && threads !== wasmThreads)
    notes.push(`wasm already runs with ${wasmThreads} thread(s); ${threads} requested`);
  current = {
    name,
    requested: pref,
    tfjsVersion: tf.version.tfjs,
    threads: threadsOf(name),
    ...(name === 'wasm' && nativeStatus ? { kernels: nativeStatus.description } : {}),
    ...(name === 'tensorflow' ? { kernels: tensorflowKernels() } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
  currentProbe = probeKey;
  return current;
}
