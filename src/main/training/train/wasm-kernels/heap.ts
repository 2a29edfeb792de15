/**
 * Typed-array helpers that work directly on the wasm heap, for the few data movements (transposes, filter
 * flips) that the stock wasm kernels do slowly. Always allocate outputs before taking views: malloc may grow
 * the wasm memory, which detaches older views.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Info } from './run';

/** out = transpose(x, perm) for rank <= 4, in JS over the heap (the stock wasm Transpose runs ~5x slower). */
export function transposeHeap(backend: BackendWasm, x: Info, perm: number[]): Info {
  const rank = x.shape.length;
  if (rank > 4 || perm.length !== rank) throw new Error(`transposeHeap: rank ${rank} perm ${perm}`);
  const outShape = perm.map((p) => x.shape[p]);
  const out = backend.makeOutput(outShape, 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  // Pad to rank 4 with leading unit axes; inStride[k] = input stride of output axis k.
  const shape4 = [1, 1, 1, 1];
  const inStrides = [0, 0, 0, 0];
  const xStrides: number[] = new Array(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    xStrides[i] = acc;
    acc *= x.shape[i];
  }
  for (let k = 0; k < rank; k++) {
    shape4[4 - rank + k] = outShape[k];
    inStrides[4 - rank + k] = xStrides[perm[k]];
  }
  const [d0, d1, d2, d3] = shape4;
  const [s0, s1, s2, s3] = inStrides;
  let o = 0;
  for (let a = 0; a < d0; a++)
    for (let b = 0; b < d1; b++)
      for (let c = 0; c < d2; c++) {
        let i = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < d3; d++, i += s3) dst[o++] = src[i];
      }
  return out;
}

/** For the input gradient as a convolution: F[i,j,o,c] = W[kh-1-i, kw-1-j, c, o] (rotate 180°, swap in/out). */
export function flipSwapFilter(backend: BackendWasm, w: Info): Info {
  const [kh, kw, ci, co] = w.shape;
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = backend.typedArrayFromHeap(w) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const sBase = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const dBase = (i * kw + j) * co * ci;
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) dst[dBase + o * ci + c] = src[sBase + c * co + o];
    }
  return out;
}
