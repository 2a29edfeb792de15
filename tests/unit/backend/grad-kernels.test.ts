import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { grad4, on, relError, seeded } from './helpers';

// Pooling gradients only route or average values (a few float32 additions); conv input gradients sum at most
// k*k*Co products. 1e-5 of the largest value is far above float32 rounding and far below any indexing error.
const TOL = 1e-5;
type Pad = 'same' | 'valid';
const POOLS: [number, number, Pad][] = [
  [3, 2, 'same'],
  [3, 1, 'same'],
  [2, 2, 'valid'],
  [3, 2, 'valid'],
  [2, 1, 'valid'],
  [5, 3, 'same'],
];
const SHAPES: [number, number, number, number][] = [
  [2, 9, 10, 3],
  [1, 8, 7, 1],
  [3, 12, 12, 8],
];

function poolGrad(
  kind: 'max' | 'avg',
  shape: [number, number, number, number],
  k: number,
  s: number,
  pad: Pad,
) {
  return () => {
    const x = tf.tensor4d(
      seeded(
        shape.reduce((a, b) => a * b),
        31,
      ),
      shape,
    );
    const pool = (t: tf.Tensor4D) => (kind === 'max' ? tf.maxPool(t, k, s, pad) : tf.avgPool(t, k, s, pad));
    const y = pool(x);
    const g = tf.tensor(seeded(y.size, 32), y.shape);
    return grad4((t) => pool(t).mul(g).sum(), x);
  };
}

/** Independent reference: route each window's gradient to its first maximum (row-major window order). */
function maxPoolGradRef(
  x: Float32Array,
  shape: number[],
  g: Float32Array,
  k: number,
  s: number,
  pad: Pad,
): Float32Array {
  const [n, h, w, c] = shape;
  const oh = pad === 'same' ? Math.ceil(h / s) : Math.ceil((h - k + 1) / s);
  const ow = pad === 'same' ? Math.ceil(w / s) : Math.ceil((w - k + 1) / s);
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2) : 0;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const yy = oy * s - top + i;
              const xx = ox * s - left + j;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              const idx = ((b * h + yy) * w + xx) * c + ch;
              if (x[idx] > best) {
                best = x[idx];
                at = idx;
              }
            }
          dx[at] += g[((b * oh + oy) * ow + ox) * c + ch];
        }
  return dx;
}

describe('wasm pooling gradients match the cpu backend', () => {
  for (const kind of ['max', 'avg'] as const)
    for (const [k, s, pad] of POOLS)
      it(`${kind}Pool ${k}x${k}/${s} ${pad}`, async () => {
        for (const shape of SHAPES) {
          const [cpu] = await on('cpu', poolGrad(kind, shape, k, s, pad));
          const [wasm] = await on('wasm', poolGrad(kind, shape, k, s, pad));
          expect(relError(wasm, cpu), `${shape}`).toBeLessThan(TOL);
        }
      });

  it('maxPool gradient equals an independent loop implementation', async () => {
    for (const [k, s, pad] of POOLS)
      for (const shape of SHAPES) {
        const x = seeded(
          shape.reduce((a, b) => a * b),
          31,
        );
        const [wasm, y] = await on('wasm', () => {
          const xt = tf.tensor4d(x, shape);
          const yt = tf.maxPool(xt, k, s, pad);
          const g = tf.tensor(seeded(yt.size, 32), yt.shape);
          return [grad4((t) => tf.maxPool(t, k, s, pad).mul(g).sum(), xt), g];
        });
        expect(
          relError(wasm, maxPoolGradRef(x, shape, y, k, s, pad)),
          `${k}/${s} ${pad} ${shape}`,
        ).toBeLessThan(TOL);
      }
  });
});

describe('wasm conv input gradient and LRN gradient match the cpu backend', () => {
  for (const [k, s, pad] of [
    [1, 1, 'same'],
    [3, 1, 'same'],
    [5, 1, 'same'],
    [7, 2, 'same'],
    [3, 2, 'valid'],
    [1, 2, 'same'],
  ] as [number, number, Pad][])
    it(`Conv2DBackpropInput k=${k} stride=${s} ${pad}`, async () => {
      for (const [n, h, w, ci] of SHAPES) {
        const co = 5;
        const run = () => {
          const x = tf.tensor4d(seeded(n * h * w * ci, 41), [n, h, w, ci]);
          const f = tf.tensor4d(seeded(k * k * ci * co, 42), [k, k, ci, co]);
          const y = tf.conv2d(x, f, s, pad);
          const g = tf.tensor(seeded(y.size, 43), y.shape);
          return grad4((t) => tf.conv2d(t, f, s, pad).mul(g).sum(), x);
        };
        const [cpu] = await on('cpu', run);
        const [wasm] = await on('wasm', run);
        expect(relError(wasm, cpu), `${[n, h, w, ci]}`).toBeLessThan(TOL);
      }
    });

  it('LRNGrad (depth radius 2 and 5, as in GoogLeNet)', async () => {
    for (const radius of [2, 5])
      for (const shape of SHAPES) {
        const run = () => {
          const x = tf.tensor4d(
            seeded(
              shape.reduce((a, b) => a * b),
              51,
            ),
            shape,
          );
          const g = tf.tensor4d(seeded(x.size, 52), shape);
          return grad4((t) => tf.localResponseNormalization(t, radius, 1, 1e-1, 0.75).mul(g).sum(), x);
        };
        const [cpu] = await on('cpu', run);
        const [wasm] = await on('wasm', run);
        expect(relError(wasm, cpu), `${radius} ${shape}`).toBeLessThan(TOL);
      }
  });
});
