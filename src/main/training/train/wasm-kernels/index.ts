/** Registers the gradient kernels that stock tfjs-backend-wasm 4.22 lacks, gets wrong or runs slowly. */
import { tf } from '../tf';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { maxPoolGradWasm } from './max-pool-grad';

/** Names of the kernels this module registers (or replaces) for 'wasm'. */
export const WASM_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'] as const;

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
