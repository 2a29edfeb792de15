/**
 * MaxPoolGrad for wasm in plain JS over the wasm heap. The stock 4.22 wasm kernel disagrees with the cpu
 * backend (and with a hand reference) when windows overlap with more than one channel, and it was a hot spot of
 * a GoogLeNet step. Like the cpu backend, the gradient of each window goes to its first maximum in row-major
 * window order; windows that overlap accumulate.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import type { Info } from './run';

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Kernel function: inputs dy [N,oh,ow,C] and input x [N,H,W,C]; returns dx [N,H,W,C]. */
export function maxPoolGradWasm(args: {
  inputs: { dy: Info; input: Info };
  backend: BackendWasm;
  attrs: Attrs;
}): Info {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  // Allocate first: malloc may grow wasm memory, which detaches earlier views of the heap.
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const maxV = new Float32Array(c);
  const maxI = new Int32Array(c);
  const rowStride = w * c;
  for (let b = 0; b < n; b++) {
    const xBase = b * h * rowStride;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const yMin = Math.max(0, y0);
      const yMax = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const xMin = Math.max(0, x0);
        const xMax = Math.min(w, x0 + fw);
        maxV.fill(-Infinity);
        maxI.fill(-1);
        for (let yy = yMin; yy < yMax; yy++) {
          for (let xx = xMin; xx < xMax; xx++) {
            const base = xBase + yy * rowStride + xx * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > maxV[ch]) {
                maxV[ch] = v;
                maxI[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          // A window of only NaN/-Infinity has no maximum; the cpu backend then sends nothing back either.
          const i = maxI[ch];
          if (i >= 0) dx[i] += g[gBase + ch];
        }
      }
    }
  }
  return out;
}
