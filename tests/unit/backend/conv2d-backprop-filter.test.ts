import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { grad4, on, relError, seeded } from './helpers';

// float32 sums of at most ~1000 products accumulated in a different order (xnnpack vs the cpu loops):
// rounding error is a few ulps times sqrt(terms), far below 1e-5 of the largest value; a wrong pad, stride
// or crop gives errors of order 1.
const TOL = 1e-5;

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
}
const SHAPES: Case[] = [
  { n: 2, h: 9, w: 10, ci: 3, co: 5 }, // odd height, even width
  { n: 1, h: 8, w: 11, ci: 1, co: 7 }, // even height, odd width
  { n: 3, h: 12, w: 12, ci: 8, co: 4 },
];

/** dL/dW of L = sum(conv2d(x, W) * g) is exactly Conv2DBackpropFilter(x, dy = g). */
function filterGrad(c: Case, k: number, stride: number, pad: 'same' | 'valid' | number) {
  return () => {
    const x = tf.tensor4d(seeded(c.n * c.h * c.w * c.ci, 11), [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(seeded(k * k * c.ci * c.co, 12), [k, k, c.ci, c.co]);
    const yShape = tf.conv2d(x, w, stride, pad).shape;
    const g = tf.tensor(
      seeded(
        yShape.reduce((a, b) => a * b, 1),
        13,
      ),
      yShape,
    );
    return grad4((ww) => tf.conv2d(x, ww, stride, pad).mul(g).sum(), w);
  };
}

describe('wasm Conv2DBackpropFilter matches the cpu backend', () => {
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const k of [1, 3, 5, 7])
        it(`k=${k} stride=${stride} ${pad}`, async () => {
          for (const c of SHAPES) {
            if (pad === 'valid' && (k > c.h || k > c.w)) continue;
            const [cpu] = await on('cpu', filterGrad(c, k, stride, pad));
            const [wasm] = await on('wasm', filterGrad(c, k, stride, pad));
            expect(wasm.length).toBe(k * k * c.ci * c.co);
            expect(relError(wasm, cpu), JSON.stringify(c)).toBeLessThan(TOL);
          }
        });

  // tfjs itself sizes numeric-pad outputs with the filter height and stride height on both axes, so numeric
  // pads are tested with square kernels and equal strides, non-square kernels with SAME/VALID.
  for (const [kh, kw, strides, pad] of [
    [3, 3, [2, 2], 1],
    [5, 5, [1, 1], 2],
    [3, 5, [2, 1], 'same'],
    [1, 7, [1, 2], 'valid'],
  ] as const)
    it(`kernel ${kh}x${kw} strides ${strides} pad ${pad}`, async () => {
      const c = SHAPES[0];
      const run = () => {
        const x = tf.tensor4d(seeded(c.n * c.h * c.w * c.ci, 21), [c.n, c.h, c.w, c.ci]);
        const w = tf.tensor4d(seeded(kh * kw * c.ci * c.co, 22), [kh, kw, c.ci, c.co]);
        const yShape = tf.conv2d(x, w, [...strides], pad).shape;
        const g = tf.tensor(
          seeded(
            yShape.reduce((a, b) => a * b, 1),
            23,
          ),
          yShape,
        );
        return grad4(
          (ww) =>
            tf
              .conv2d(x, ww, [...strides], pad)
              .mul(g)
              .sum(),
          w,
        );
      };
      const [cpu] = await on('cpu', run);
      const [wasm] = await on('wasm', run);
      expect(relError(wasm, cpu)).toBeLessThan(TOL);
    });

  it('agrees with a hand-computed gradient', async () => {
    // x = 1..9 in a 3x3 single-channel image, VALID 2x2 filter, dy = 1 everywhere: dW[i,j] = sum of the 2x2
    // windows' (i,j) elements = (1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9) = (12, 16, 24, 28).
    const [wasm] = await on('wasm', () => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      return grad4((w) => tf.conv2d(x, w, 1, 'valid').sum(), tf.zeros([2, 2, 1, 1]) as tf.Tensor4D);
    });
    expect(Array.from(wasm)).toEqual([12, 16, 24, 28]);
  });
});
