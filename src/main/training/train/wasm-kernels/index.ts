/** Registers the gradient kernels that stock tfjs-backend-wasm 4.22 lacks or runs slowly. */
import { tf } from '../tf';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { maxPoolGradWasm } from './max-pool-grad';

/** Names of the kernels this module registers (or replaces) for 'wasm'. */
export const WASM_KERNELS = ['Conv2DBackpropFilter', 'MaxPoolGrad'] as const;

let registered = false;

/** Registers our wasm kernels once; must run before the wasm backend is initialised. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel('Conv2DBackpropFilter', conv2dBackpropFilterWasm as unknown as tf.KernelFunc);
  replaceKernel('MaxPoolGrad', maxPoolGradWasm as unknown as tf.KernelFunc);
}

function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc, setupFunc?: tf.KernelSetupFunc): void {
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc });
}
