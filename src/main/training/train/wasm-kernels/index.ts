/** Registers the gradient kernels that stock tfjs-backend-wasm 4.22 lacks, gets wrong or runs slowly. */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { maxPoolGradWasm } from './max-pool-grad';

/** Names of the kernels this module registers (or replaces) for 'wasm'. */
export const WASM_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Identity',
] as const;

let registered = false;

/**
 * Registers our wasm kernels once. Call after importing @tensorflow/tfjs-backend-wasm (whose import registers
 * the stock kernels) and before the wasm backend initialises (which runs each kernel's setup function).
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel('Conv2DBackpropFilter', () => conv2dBackpropFilterWasm as unknown as tf.KernelFunc);
  replaceKernel(
    'Conv2DBackpropInput',
    (stock) => makeConv2dBackpropInputWasm(need(stock, 'Conv2DBackpropInput')) as unknown as tf.KernelFunc,
  );
  replaceKernel('MaxPoolGrad', () => maxPoolGradWasm as unknown as tf.KernelFunc);
  replaceKernel('Identity', (stock) => makeIdentityWasm(need(stock, 'Identity')) as unknown as tf.KernelFunc);
}

/**
 * Identity without the copy: the stock 4.22 kernel copies the whole tensor (a few % of a GoogLeNet step, from
 * the gradients of additions and clones). Sharing the data with a reference count is what the wasm Reshape
 * kernel and the cpu backend's Identity already do; no wasm kernel writes into its inputs.
 */
function makeIdentityWasm(stock: tf.KernelFunc) {
  return (args: { inputs: { x: tf.TensorInfo }; backend: BackendWasm }): tf.TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function need(stock: tf.KernelConfig | undefined, name: string): tf.KernelFunc {
  if (!stock) throw new Error(`stock wasm kernel ${name} is missing`);
  return stock.kernelFunc;
}

/** Replaces (or adds) a wasm kernel; the stock kernel's setup still runs, so a fallback to it keeps working. */
function replaceKernel(
  kernelName: string,
  make: (stock: tf.KernelConfig | undefined) => tf.KernelFunc,
): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: make(stock),
    setupFunc: stock?.setupFunc,
  });
}
