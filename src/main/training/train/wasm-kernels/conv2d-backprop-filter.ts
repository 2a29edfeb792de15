/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not ship (so conv nets cannot
 * train there). dW[i,j,c,o] = sum_{n,y,x} xpad[n, y*s+i, x*s+j, c] * dy[n,y,x,o] is itself a convolution:
 * the input transposed to [Ci,H,W,N] convolved (stride 1, dilation = the forward stride) with dy transposed to
 * [oh,ow,N,Co] as the filter, padded exactly as the forward conv was, gives [Ci,kh,kw,Co]. That runs on wasm's
 * xnnpack convolution; it serves strided convolutions. With stride 1 a faster form is used: for each filter
 * offset (i,j), dW[i,j] = Xs^T dy, where Xs is x shifted by (i,j) (zeros outside) laid out [Ci, N*oh*ow], one
 * untransposed matmul each (wasm's matmul with a transposed operand, and its Transpose, are several times
 * slower, so the layout work is done in JS on the heap).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { transposeHeap } from './heap';
import { convGeometry, geometryOf, runKernel, Scratch, type Info } from './run';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The kernel function: inputs x [N,H,W,Ci] and dy [N,oh,ow,Co]; returns dW [kh,kw,Ci,Co]. */
export function conv2dBackpropFilterWasm(args: {
  inputs: { x: Info; dy: Info };
  backend: BackendWasm;
  attrs: Attrs;
}): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (attrs.dataFormat === 'NCHW')
    throw new Error('wasm Conv2DBackpropFilter supports only NHWC (channelsLast)');
  const { n, h, w, ci, co, oh, ow, kh, kw, sh, sw, top, left, info } = convGeometry(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs,
  );
  // tfjs sizes numeric-pad outputs with the filter and stride height on both axes; a mismatch would read out of bounds.
  if (dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== co)
    throw new Error(
      `Conv2DBackpropFilter: dy shape ${dy.shape} does not match the conv output ${info.outShape}`,
    );
  const s = new Scratch(backend);
  try {
    if (sh === 1 && sw === 1 && top >= 0 && left >= 0) return s.keep(byOffsets(s, backend, x, dy, info));
    // Bottom/right padding that makes the correlation come out exactly kh x kw; negative means the last rows
    // of x are never read by the forward conv (VALID with a remainder) and are cropped instead.
    let bottom = kh + (oh - 1) * sh - h - top;
    let right = kw + (ow - 1) * sw - w - left;
    let xT = s.track(transposeHeap(backend, x, [3, 1, 2, 0]));
    if (bottom < 0 || right < 0) {
      const size = [ci, h + Math.min(bottom, 0), w + Math.min(right, 0), n];
      xT = s.run('Slice', { x: xT }, { begin: [0, 0, 0, 0], size });
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const dyT = s.track(transposeHeap(backend, dy, [1, 2, 0, 3]));
    const corr = s.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        dilations: [sh, sw],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    return s.keep(transposeHeap(backend, corr, [1, 2, 0, 3]));
  } finally {
    s.dispose();
  }
}

/**
 * Stride-1 filter gradient as matmuls per sample and filter offset: dW[i,j] += Xs_b^T dy_b, with Xs_b sample b of x
 * shifted by (i,j) (zeros outside) laid out [Ci, oh*ow] and dy_b = dy[b] as [oh*ow, Co]. Chunking the reduction
 * by sample keeps each matmul's packed right operand in cache: one matmul over all N*oh*ow rows runs at less than
 * half the speed. dy_b is a fresh tensor per sample (the matmul caches its packed right operand by tensor id).
 */
function byOffsets(
  s: Scratch,
  backend: BackendWasm,
  x: Info,
  dy: Info,
  info: tf.backend_util.Conv2DInfo,
): Info {
  const { n, h, w, ci, co, oh, ow, kh, kw, top, left } = geometryOf(info);
  const p = oh * ow;
  const xT = s.track(transposeHeap(backend, x, [0, 3, 1, 2])); // [N, Ci, H, W]
  const out = backend.makeOutput([kh, kw, ci, co], 'float32');
  const a = s.track(backend.makeOutput([ci, p], 'float32'));
  try {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    for (let b = 0; b < n; b++) {
      const dyB = s.track(backend.makeOutput([p, co], 'float32'));
      const dyAll = backend.typedArrayFromHeap(dy) as Float32Array;
      (backend.typedArrayFromHeap(dyB) as Float32Array).set(dyAll.subarray(b * p * co, (b + 1) * p * co));
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          // Views are taken after every allocation: the matmul below may grow (and so detach) wasm memory.
          const src = backend.typedArrayFromHeap(xT) as Float32Array;
          const dst = backend.typedArrayFromHeap(a) as Float32Array;
          const x0 = Math.max(0, left - j); // first output column whose input column x + j - left is inside
          const x1 = Math.min(ow, w + left - j);
          let o = 0;
          for (let c = 0; c < ci; c++)
            for (let y = 0; y < oh; y++, o += ow) {
              const yy = y + i - top;
              if (yy < 0 || yy >= h || x1 <= x0) {
                dst.fill(0, o, o + ow);
                continue;
              }
              const rowStart = ((b * ci + c) * h + yy) * w + (x0 + j - left);
              if (x0 > 0) dst.fill(0, o, o + x0);
              dst.set(src.subarray(rowStart, rowStart + (x1 - x0)), o + x0);
              if (x1 < ow) dst.fill(0, o + x1, o + ow);
            }
          const r = runKernel(
            backend,
            'BatchMatMul',
            { a, b: dyB },
            { transposeA: false, transposeB: false },
          );
          const rv = backend.typedArrayFromHeap(r) as Float32Array;
          const ov = backend.typedArrayFromHeap(out) as Float32Array;
          const base = (i * kw + j) * ci * co;
          for (let k = 0; k < rv.length; k++) ov[base + k] += rv[k];
          backend.disposeData(r.dataId);
        }
    }
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  }
  return out;
}
