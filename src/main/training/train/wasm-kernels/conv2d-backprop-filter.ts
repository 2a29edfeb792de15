/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not ship (so conv nets cannot
 * train there). dW[i,j,c,o] = sum_{n,y,x} xpad[n, y*s+i, x*s+j, c] * dy[n,y,x,o] is itself a convolution:
 * the input transposed to [Ci,H,W,N] convolved (stride 1, dilation = the forward stride) with dy transposed to
 * [oh,ow,N,Co] as the filter, padded exactly as the forward conv was, gives [Ci,kh,kw,Co]. That runs on wasm's
 * xnnpack convolution. A 1x1/stride-1 filter gradient is a plain matrix product. Transposes run in JS
 * (heap.ts); wasm's Transpose and its transposed-operand BatchMatMul are several times slower.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { transposeHeap } from './heap';
import { Scratch, type Info } from './run';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The kernel function: inputs x [N,H,W,Ci] and dy [N,oh,ow,Co]; returns dW [kh,kw,Ci,Co]. */
export function conv2dBackpropFilterWasm(args: { inputs: { x: Info; dy: Info }; backend: BackendWasm; attrs: Attrs }): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports only NHWC (channelsLast)');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // tfjs sizes numeric-pad outputs with the filter and stride height on both axes; a mismatch would read out of bounds.
  if (dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== co)
    throw new Error(`Conv2DBackpropFilter: dy shape ${dy.shape} does not match the conv output ${info.outShape}`);
  const s = new Scratch(backend);
  try {
    if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && left === 0 && oh === h && ow === w) {
      const m = n * h * w;
      const x2 = s.run('Reshape', { x }, { shape: [m, ci] });
      const dy2 = s.run('Reshape', { x: dy }, { shape: [m, co] });
      // Transpose whichever operand is narrower, then use the fast untransposed matmul.
      if (ci <= co) {
        const xT = s.track(transposeHeap(backend, x2, [1, 0]));
        const dw = s.run('BatchMatMul', { a: xT, b: dy2 }, { transposeA: false, transposeB: false });
        return s.keep(s.run('Reshape', { x: dw }, { shape: [1, 1, ci, co] }));
      }
      const dyT = s.track(transposeHeap(backend, dy2, [1, 0]));
      const dwT = s.run('BatchMatMul', { a: dyT, b: x2 }, { transposeA: false, transposeB: false });
      const dwT2 = s.run('Reshape', { x: dwT }, { shape: [co, ci] });
      const dw = s.track(transposeHeap(backend, dwT2, [1, 0]));
      return s.keep(s.run('Reshape', { x: dw }, { shape: [1, 1, ci, co] }));
    }
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
