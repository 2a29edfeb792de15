/**
 * The one @tensorflow/tfjs instance of the engine. Everything imports `tf` from here, so the wasm backend,
 * tfjs-node (when present) and our custom kernels all register on the same engine.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
