/**
 * Conv2DBackpropInput for wasm. The stock 4.22 kernel is a naive loop (~13x slower than the forward xnnpack
 * convolution of the same size) and was half of a compact-Inception training step. For stride 1 the input
 * gradient is a plain convolution of dy with the filter rotated 180° and in/out channels swapped, padded by
 * kh-1-top on top (and whatever makes the output H rows at the bottom); a 1x1 filter is a matrix product
 * dy[M,Co] @ W^T[Co,Ci]. Other strides fall back to the stock kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { flipSwapFilter, transposeHeap } from './heap';
import { convGeometry, Scratch, type Info } from './run';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}
type Args = { inputs: { dy: Info; filter: Info }; backend: BackendWasm; attrs: Attrs };

/** Builds the kernel function; `stock` handles the cases the compositions do not cover. */
export function makeConv2dBackpropInputWasm(stock: tf.KernelFunc) {
  return (args: Args): Info => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    if (attrs.dataFormat === 'NCHW') return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as Info;
    const { n, h, w, ci, co, oh, ow, kh, kw, sh, sw, top, left } = convGeometry(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs,
    );
    const padTop = kh - 1 - top;
    const padLeft = kw - 1 - left;
    const padBottom = h - oh + top;
    const padRight = w - ow + left;
    const shapeOk = dy.shape[1] === oh && dy.shape[2] === ow && dy.shape[3] === co;
    if (sh !== 1 || sw !== 1 || !shapeOk || Math.min(padTop, padLeft, padBottom, padRight) < 0) {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as Info;
    }
    const s = new Scratch(backend);
    try {
      if (kh === 1 && kw === 1 && oh === h && ow === w) {
        const w2 = s.run('Reshape', { x: filter }, { shape: [ci, co] });
        const wT = s.track(transposeHeap(backend, w2, [1, 0]));
        const dy2 = s.run('Reshape', { x: dy }, { shape: [n * h * w, co] });
        const dx = s.run('BatchMatMul', { a: dy2, b: wT }, { transposeA: false, transposeB: false });
        return s.keep(s.run('Reshape', { x: dx }, { shape: [n, h, w, ci] }));
      }
      const f = s.track(flipSwapFilter(backend, filter));
      return s.keep(
        s.run(
          'Conv2D',
          { x: dy, filter: f },
          {
            strides: [1, 1],
            dilations: [1, 1],
            pad: [
              [0, 0],
              [padTop, padBottom],
              [padLeft, padRight],
              [0, 0],
            ],
            dataFormat: 'NHWC',
          },
        ),
      );
    } finally {
      s.dispose();
    }
  };
}
