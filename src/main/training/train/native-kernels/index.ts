/**
 * Native kernels for the wasm backend (native/README.md): convolutions (forward, fused with bias and ReLU, filter
 * and input gradients) as tiled im2col + OpenBLAS sgemm; max-pool and its gradient, LRN, Sum over leading axes,
 * SplitV, Concat and the fused layer's ReLU/bias gradient in C; all called on the wasm
 * heap without copies. They replace the wasm kernels of the same names only when the addon loads; anything they
 * do not cover (dilation, NCHW, non-float32, other reductions) goes to the kernel that was registered before.
 * Every kernel is tested against the cpu backend (tests/unit/backend/native-kernels.test.ts).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { convGeometry, type Info } from '../wasm-kernels/run';
import { loadAddon, type NativeAddon } from './addon';

export const NATIVE_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPool',
  'MaxPoolGrad',
  'Concat',
  'LRN',
  'LRNGrad',
  'Sum',
  'SplitV',
] as const;

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
type Args = { inputs: Record<string, Info>; backend: BackendWasm; attrs: Record<string, unknown> };
type Kernel = (args: Args) => Info | Info[];

let registered: { info: string; threads: number } | undefined;
const nativeFuncs = new WeakSet<object>();
const calls = new Map<string, number>();

/** How many times each kernel ran natively (not through its fallback) in this process: for tests and diagnostics. */
export function nativeCallCounts(): Record<string, number> {
  return Object.fromEntries(calls);
}

/** Whether a registered kernel function is one of this module's native wrappers (for tests and diagnostics). */
export function isNativeKernel(fn: unknown): boolean {
  return typeof fn === 'function' && nativeFuncs.has(fn);
}

const f32 = (b: BackendWasm, t: Info) => b.typedArrayFromHeap(t) as Float32Array;
const allF32 = (...ts: Info[]) => ts.every((t) => t.dtype === 'float32');
const unitDilation = (d: ConvAttrs['dilations']) =>
  d === undefined || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1);

/** [n,h,w,ci,co,oh,ow,kh,kw,sh,sw,top,left], the layout of fi_conv_geom. */
function convSizes(x: number[], filter: number[], attrs: ConvAttrs): Int32Array {
  const g = convGeometry(
    x as [number, number, number, number],
    filter as [number, number, number, number],
    attrs,
  );
  return Int32Array.of(g.n, g.h, g.w, g.ci, g.co, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.top, g.left);
}

/**
 * The three convolution kernels share one wrapper: which tensors are the operands, where the x and filter shapes
 * come from (inputs or attrs), and which shape the output has.
 *   forward: (x, filter) -> y;  filter gradient: (x, dy) -> dW [attrs.filterShape];  input gradient: (dy, filter) -> dx [attrs.inputShape]
 */
function convKernel(kind: 'forward' | 'filter' | 'input') {
  return (addon: NativeAddon, fallback: Kernel): Kernel =>
    (args) => {
      const { x, filter, dy } = args.inputs;
      const attrs = args.attrs as unknown as ConvAttrs & { filterShape?: number[]; inputShape?: number[] };
      const [a, b] = kind === 'forward' ? [x, filter] : kind === 'filter' ? [x, dy] : [dy, filter];
      if (attrs.dataFormat === 'NCHW' || !unitDilation(attrs.dilations) || !allF32(a, b))
        return fallback(args);
      const xShape = kind === 'input' ? attrs.inputShape! : x.shape;
      const fShape = kind === 'filter' ? attrs.filterShape! : filter.shape;
      const sizes = convSizes(xShape, fShape, attrs);
      const yShape = [sizes[0], sizes[5], sizes[6], sizes[4]];
      // tfjs sizes numeric-pad outputs its own way; a dy of another shape goes to the previous kernel
      if (kind !== 'forward' && dy.shape.some((d, i) => d !== yShape[i])) return fallback(args);
      const out = args.backend.makeOutput(
        kind === 'forward' ? yShape : kind === 'filter' ? fShape : xShape,
        'float32',
      );
      const run =
        kind === 'forward'
          ? addon.conv2d
          : kind === 'filter'
            ? addon.conv2dBackpropFilter
            : addon.conv2dBackpropInput;
      run(sizes, f32(args.backend, a), f32(args.backend, b), f32(args.backend, out));
      return out;
    };
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** [n,h,w,c,oh,ow,kh,kw,sh,sw,top,left], the layout of fi_pool_geom. */
function poolSizes(shape: number[], a: PoolAttrs): Int32Array {
  const p = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return Int32Array.of(
    p.batchSize,
    p.inHeight,
    p.inWidth,
    p.inChannels,
    p.outHeight,
    p.outWidth,
    p.filterHeight,
    p.filterWidth,
    p.strideHeight,
    p.strideWidth,
    p.padInfo.top,
    p.padInfo.left,
  );
}

/** MaxPool forward (NHWC, OpenMP over output rows; xnnpack's is single-threaded). */
function maxPool(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x } = args.inputs;
    if (!allF32(x) || x.shape.length !== 4) return fallback(args);
    const sizes = poolSizes(x.shape, args.attrs as unknown as PoolAttrs);
    const out = args.backend.makeOutput([sizes[0], sizes[4], sizes[5], sizes[3]], 'float32');
    addon.maxPool(sizes, f32(args.backend, x), f32(args.backend, out));
    return out;
  };
}

/** Concat as contiguous copies of every input's rows, OpenMP over rows (the stock kernel copies in JS). */
function concat(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const ins = Object.values(args.inputs);
    const { axis } = args.attrs as { axis: number };
    if (ins.length < 2 || !allF32(...ins)) return fallback(args);
    const ax = tf.util.parseAxisParam(axis, ins[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(
      ins.map((t) => t.shape),
      ax,
    );
    const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
    const outer = prod(outShape.slice(0, ax));
    const out = args.backend.makeOutput(outShape, 'float32');
    const b = args.backend;
    addon.concat(
      ins.map((t) => f32(b, t)),
      outer,
      Int32Array.from(ins.map((t) => prod(t.shape.slice(ax)))),
      f32(b, out),
    );
    return out;
  };
}

function maxPoolGrad(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { dy, input } = args.inputs;
    const a = args.attrs as unknown as PoolAttrs;
    if (!allF32(dy, input)) return fallback(args);
    const p = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const sizes = Int32Array.of(
      p.batchSize,
      p.inHeight,
      p.inWidth,
      p.inChannels,
      p.outHeight,
      p.outWidth,
      p.filterHeight,
      p.filterWidth,
      p.strideHeight,
      p.strideWidth,
      p.padInfo.top,
      p.padInfo.left,
    );
    const out = args.backend.makeOutput(input.shape, 'float32');
    addon.maxPoolGrad(sizes, f32(args.backend, input), f32(args.backend, dy), f32(args.backend, out));
    return out;
  };
}

interface LrnAttrs {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

function lrn(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x } = args.inputs;
    const a = args.attrs as unknown as LrnAttrs;
    if (!allF32(x) || x.shape.length !== 4) return fallback(args);
    const out = args.backend.makeOutput(x.shape, 'float32');
    addon.lrn(
      f32(args.backend, x),
      f32(args.backend, out),
      x.shape[3],
      a.depthRadius,
      a.bias,
      a.alpha,
      a.beta,
    );
    return out;
  };
}

function lrnGrad(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x, y, dy } = args.inputs;
    const a = args.attrs as unknown as LrnAttrs;
    if (!allF32(x, y, dy) || x.shape.length !== 4) return fallback(args);
    const out = args.backend.makeOutput(x.shape, 'float32');
    const b = args.backend;
    addon.lrnGrad(
      f32(b, x),
      f32(b, y),
      f32(b, dy),
      f32(b, out),
      x.shape[3],
      a.depthRadius,
      a.bias,
      a.alpha,
      a.beta,
    );
    return out;
  };
}

/** Sum over the leading axes (a bias or batch-norm gradient: NHWC summed over N,H,W) without the stock
 * kernel's transpose of the whole tensor; other reductions go to the stock kernel. */
function sum(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    if (x.dtype !== 'float32' || axes.length === 0 || axes.some((a, i) => a !== i)) return fallback(args);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const cols = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const kept = x.shape.slice(axes.length);
    const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const out = args.backend.makeOutput(rank === axes.length && !keepDims ? [] : shape, 'float32');
    addon.sumRows(f32(args.backend, x), rows, cols, f32(args.backend, out));
    return out;
  };
}

/** SplitV as one pass of contiguous copies (the stock kernel runs one strided Slice per part). */
function splitV(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x } = args.inputs;
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    if (x.dtype !== 'float32') return fallback(args);
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const outer = x.shape.slice(0, ax).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
    const outs = sizes.map((n) => {
      const shape = x.shape.slice();
      shape[ax] = n;
      return args.backend.makeOutput(shape, 'float32');
    });
    // Views only after every allocation (malloc may grow, and so detach, the wasm memory).
    const b = args.backend;
    addon.split(
      f32(b, x),
      outer,
      inner,
      Int32Array.from(sizes),
      outs.map((o) => f32(b, o)),
    );
    return outs;
  };
}

/** FusedConv2D with a bias and ReLU or no activation (what model/fused-conv.ts and tfjs' inference path run);
 * PReLU, leaky ReLU and the other activations go to the previous kernel. */
function fusedConv2d(addon: NativeAddon, fallback: Kernel): Kernel {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { activation: string };
    const co = filter.shape[3];
    if (
      attrs.dataFormat === 'NCHW' ||
      !unitDilation(attrs.dilations) ||
      !allF32(x, filter) ||
      preluActivationWeights ||
      (attrs.activation !== 'relu' && attrs.activation !== 'linear') ||
      (bias && (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== co))
    )
      return fallback(args);
    const sizes = convSizes(x.shape, filter.shape, attrs);
    const out = args.backend.makeOutput([sizes[0], sizes[5], sizes[6], sizes[4]], 'float32');
    const b = args.backend;
    addon.conv2dFused(
      sizes,
      f32(b, x),
      f32(b, filter),
      bias ? f32(b, bias) : null,
      attrs.activation === 'relu',
      f32(b, out),
    );
    return out;
  };
}

/** The custom kernel of model/fused-conv.ts: (dy, y) -> [dy * (y > 0), its sums over every axis but the last]. */
export const RELU_BIAS_GRAD = 'FiReluBiasGrad';

function reluBiasGrad(addon: NativeAddon): Kernel {
  return (args) => {
    const { dy, y } = args.inputs;
    const cols = dy.shape[dy.shape.length - 1];
    const dz = args.backend.makeOutput(dy.shape, 'float32');
    const db = args.backend.makeOutput([cols], 'float32');
    const b = args.backend;
    addon.reluBiasGrad(f32(b, dy), f32(b, y), cols, f32(b, dz), f32(b, db));
    calls.set(RELU_BIAS_GRAD, (calls.get(RELU_BIAS_GRAD) ?? 0) + 1);
    return [dz, db];
  };
}

const MAKERS: Record<(typeof NATIVE_KERNELS)[number], (addon: NativeAddon, fallback: Kernel) => Kernel> = {
  Conv2D: convKernel('forward'),
  FusedConv2D: fusedConv2d,
  Conv2DBackpropFilter: convKernel('filter'),
  Conv2DBackpropInput: convKernel('input'),
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  Concat: concat,
  LRN: lrn,
  LRNGrad: lrnGrad,
  Sum: sum,
  SplitV: splitV,
};

export interface NativeStatus {
  /** True when the native kernels are registered for 'wasm'. */
  active: boolean;
  /** One line for logs and run.json: what runs the kernels, or why the native kernels are not used. */
  description: string;
  threads: number;
}

/**
 * Registers the native kernels over the current wasm kernels (call after registerWasmKernels, before the wasm
 * backend initialises). Idempotent; `threads` is the OpenBLAS thread count (fixed at the first call).
 */
export function registerNativeKernels(threads: number): NativeStatus {
  if (registered) return { active: true, description: registered.info, threads: registered.threads };
  const { addon, why } = loadAddon();
  if (!addon) return { active: false, description: why ?? 'native kernels unavailable', threads: 0 };
  const minMacs = process.env.FACTOR_INCEPTION_NATIVE_MT_MIN;
  if (minMacs !== undefined && !(Number(minMacs) >= 0))
    throw new Error(`FACTOR_INCEPTION_NATIVE_MT_MIN must be a number >= 0, got ${minMacs}`);
  if (minMacs === undefined) addon.setThreads(threads);
  else addon.setThreads(threads, Number(minMacs));
  for (const name of NATIVE_KERNELS) {
    const prev = tf.getKernel(name, 'wasm');
    if (!prev) throw new Error(`wasm kernel ${name} is missing; register the wasm backend first`);
    const fallback = prev.kernelFunc as unknown as Kernel;
    let viaFallback = false;
    const inner = MAKERS[name](addon, (args) => {
      viaFallback = true;
      return fallback(args);
    });
    const fn: Kernel = (args) => {
      viaFallback = false;
      const out = inner(args);
      if (!viaFallback) calls.set(name, (calls.get(name) ?? 0) + 1);
      return out;
    };
    nativeFuncs.add(fn);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: fn as unknown as tf.KernelFunc,
      setupFunc: prev.setupFunc,
    });
  }
  const rbg = reluBiasGrad(addon);
  nativeFuncs.add(rbg);
  tf.registerKernel({
    kernelName: RELU_BIAS_GRAD,
    backendName: 'wasm',
    kernelFunc: rbg as unknown as tf.KernelFunc,
  });
  registered = { info: `native kernels (${addon.info()})`, threads };
  return { active: true, description: registered.info, threads };
}
