/**
 * Kernel test suites shared by wasm-kernels.test.ts (tfjs wasm with our JS/wasm kernels only) and
 * native-kernels.test.ts (the same backend with the OpenBLAS addon's kernels registered over them) and
 * tensorflow-kernels.test.ts (tfjs-node). Each suite compares the backend under test ('wasm' in whatever
 * configuration the calling file selected, or 'tensorflow') with the cpu backend.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/main/training/train/tf';
import { grad4, on, relError, seeded, type TestedBackend } from './helpers';

// ---- Conv2DBackpropFilter

// float32 sums of at most ~1000 products accumulated in a different order (xnnpack vs the cpu loops):
// rounding error is a few ulps times sqrt(terms), far below 1e-5 of the largest value; a wrong pad, stride
// or crop gives errors of order 1.
const FILTER_TOL = 1e-5;

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
}
const FILTER_SHAPES: Case[] = [
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

export function filterGradSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`${label} Conv2DBackpropFilter matches the cpu backend`, () => {
    for (const stride of [1, 2])
      for (const pad of ['same', 'valid'] as const)
        for (const k of [1, 3, 5, 7])
          it(`k=${k} stride=${stride} ${pad}`, async () => {
            for (const c of FILTER_SHAPES) {
              if (pad === 'valid' && (k > c.h || k > c.w)) continue;
              const [cpu] = await on('cpu', filterGrad(c, k, stride, pad));
              const [got] = await on(backend, filterGrad(c, k, stride, pad));
              expect(got.length).toBe(k * k * c.ci * c.co);
              expect(relError(got, cpu), JSON.stringify(c)).toBeLessThan(FILTER_TOL);
            }
          });

    // tfjs itself sizes numeric-pad outputs with the filter height and stride height on both axes, so numeric
    // pads are tested with square kernels and equal strides, non-square kernels with SAME/VALID.
    // tfjs-node rejects numeric pads ("TF Backend supports only 'valid' and 'same'"); the engine uses 'same'.
    for (const [kh, kw, strides, pad] of [
      [3, 3, [2, 2], 1],
      [5, 5, [1, 1], 2],
      [3, 5, [2, 1], 'same'],
      [1, 7, [1, 2], 'valid'],
    ] as const)
      it.skipIf(backend === 'tensorflow' && typeof pad === 'number')(
        `kernel ${kh}x${kw} strides ${strides} pad ${pad}`,
        async () => {
          const c = FILTER_SHAPES[0];
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
          const [got] = await on(backend, run);
          expect(relError(got, cpu)).toBeLessThan(FILTER_TOL);
        },
      );

    it('agrees with a hand-computed gradient', async () => {
      // x = 1..9 in a 3x3 single-channel image, VALID 2x2 filter, dy = 1 everywhere: dW[i,j] = sum of the 2x2
      // windows' (i,j) elements = (1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9) = (12, 16, 24, 28).
      const [got] = await on(backend, () => {
        const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
        return grad4((w) => tf.conv2d(x, w, 1, 'valid').sum(), tf.zeros([2, 2, 1, 1]) as tf.Tensor4D);
      });
      expect(Array.from(got)).toEqual([12, 16, 24, 28]);
    });
  });
}

// ---- pooling, conv input and LRN gradients

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
const POOL_SHAPES: [number, number, number, number][] = [
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

/** The dy that poolGrad() multiplies the pooled output by (same seed and shape). */
function poolGradDy(shape: [number, number, number, number], k: number, s: number, pad: Pad) {
  return () => {
    const y = tf.avgPool(tf.zeros(shape) as tf.Tensor4D, k, s, pad);
    return tf.tensor(seeded(y.size, 32), y.shape);
  };
}

/** Independent reference: each window's gradient spread evenly over the pixels inside the image. */
function avgPoolGradRef(shape: number[], k: number, s: number, pad: Pad, g: Float32Array): Float32Array {
  const [n, h, w, c] = shape;
  const oh = pad === 'same' ? Math.ceil(h / s) : Math.ceil((h - k + 1) / s);
  const ow = pad === 'same' ? Math.ceil(w / s) : Math.ceil((w - k + 1) / s);
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2) : 0;
  const dx = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const ys = [...Array(k).keys()].map((i) => oy * s - top + i).filter((y) => y >= 0 && y < h);
        const xs = [...Array(k).keys()].map((j) => ox * s - left + j).filter((x) => x >= 0 && x < w);
        const count = ys.length * xs.length;
        for (let ch = 0; ch < c; ch++) {
          const gv = g[((b * oh + oy) * ow + ox) * c + ch] / count;
          for (const yy of ys) for (const xx of xs) dx[((b * h + yy) * w + xx) * c + ch] += gv;
        }
      }
  return dx;
}

export function poolGradSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`${label} pooling gradients match the cpu backend`, () => {
    for (const kind of ['max', 'avg'] as const)
      for (const [k, s, pad] of POOLS)
        it(`${kind}Pool ${k}x${k}/${s} ${pad}`, async () => {
          for (const shape of POOL_SHAPES) {
            const [got] = await on(backend, poolGrad(kind, shape, k, s, pad));
            // tfjs' cpu (and wasm) AvgPoolGrad divide by the whole window where SAME padding cuts it, while their
            // forward pass divides by the pixels inside; TensorFlow's gradient is the forward pass's true gradient.
            const ref =
              kind === 'avg' && pad === 'same' && backend === 'tensorflow'
                ? avgPoolGradRef(shape, k, s, pad, (await on('cpu', poolGradDy(shape, k, s, pad)))[0])
                : (await on('cpu', poolGrad(kind, shape, k, s, pad)))[0];
            expect(relError(got, ref), `${shape}`).toBeLessThan(TOL);
          }
        });

    it('maxPool gradient equals an independent loop implementation', async () => {
      for (const [k, s, pad] of POOLS)
        for (const shape of POOL_SHAPES) {
          const x = seeded(
            shape.reduce((a, b) => a * b),
            31,
          );
          const [got, y] = await on(backend, () => {
            const xt = tf.tensor4d(x, shape);
            const yt = tf.maxPool(xt, k, s, pad);
            const g = tf.tensor(seeded(yt.size, 32), yt.shape);
            return [grad4((t) => tf.maxPool(t, k, s, pad).mul(g).sum(), xt), g];
          });
          expect(
            relError(got, maxPoolGradRef(x, shape, y, k, s, pad)),
            `${k}/${s} ${pad} ${shape}`,
          ).toBeLessThan(TOL);
        }
    });
  });
}

export function inputGradSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`${label} conv input gradient and LRN gradient match the cpu backend`, () => {
    for (const [k, s, pad] of [
      [1, 1, 'same'],
      [3, 1, 'same'],
      [5, 1, 'same'],
      [7, 2, 'same'],
      [3, 2, 'valid'],
      [1, 2, 'same'],
    ] as [number, number, Pad][])
      it(`Conv2DBackpropInput k=${k} stride=${s} ${pad}`, async () => {
        for (const [n, h, w, ci] of POOL_SHAPES) {
          const co = 5;
          const run = () => {
            const x = tf.tensor4d(seeded(n * h * w * ci, 41), [n, h, w, ci]);
            const f = tf.tensor4d(seeded(k * k * ci * co, 42), [k, k, ci, co]);
            const y = tf.conv2d(x, f, s, pad);
            const g = tf.tensor(seeded(y.size, 43), y.shape);
            return grad4((t) => tf.conv2d(t, f, s, pad).mul(g).sum(), x);
          };
          const [cpu] = await on('cpu', run);
          const [got] = await on(backend, run);
          expect(relError(got, cpu), `${[n, h, w, ci]}`).toBeLessThan(TOL);
        }
      });

    it('LRNGrad (depth radius 2 and 5, as in GoogLeNet)', async () => {
      for (const radius of [2, 5])
        for (const shape of POOL_SHAPES) {
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
          const [got] = await on(backend, run);
          expect(relError(got, cpu), `${radius} ${shape}`).toBeLessThan(TOL);
        }
    });
  });
}

// ---- one whole training step

/**
 * One SGD step of a tiny Inception-style net (7x7/2 stem, max-pool, LRN, batch norm, a four-branch block with
 * 1x1/3x3/5x5/pool-proj, concat, average pool, dense softmax) from identical weights on cpu and on wasm.
 * This exercises every gradient kernel a GoogLeNet step needs: Conv2DBackpropFilter/Input, MaxPoolGrad,
 * AvgPoolGrad, LRNGrad, batch-norm and bias gradients (Sum/Tile), Concat/Slice, ReluGrad (Step * dy).
 */
const STEP_SHAPES: Record<string, number[]> = {
  stem: [7, 7, 4, 8],
  stemB: [8],
  b1: [1, 1, 8, 4],
  b2r: [1, 1, 8, 4],
  b2: [3, 3, 4, 6],
  b3r: [1, 1, 8, 2],
  b3: [5, 5, 2, 4],
  b4: [1, 1, 8, 3],
  bias: [17],
  gamma: [8],
  beta: [8],
  dense: [17, 3],
  denseB: [3],
};

function step(): tf.Tensor[] {
  const vars: Record<string, tf.Variable> = {};
  let seed = 100;
  for (const [k, s] of Object.entries(STEP_SHAPES)) {
    const n = s.reduce((a, b) => a * b, 1);
    const v = Array.from(seeded(n, seed++), (x) => x * Math.sqrt(3 / (n / s[s.length - 1])));
    vars[k] = tf.variable(tf.tensor(v, s), true, `${k}_${Math.random()}`);
  }
  const x = tf.tensor4d(seeded(3 * 19 * 18 * 4, 7), [3, 19, 18, 4]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
  const loss = () => {
    const conv = (t: tf.Tensor4D, k: string) =>
      tf.relu(tf.conv2d(t, vars[k] as tf.Variable<tf.Rank.R4>, 1, 'same'));
    let h = tf.relu(
      tf.conv2d(x, vars.stem as tf.Variable<tf.Rank.R4>, 2, 'same').add(vars.stemB),
    ) as tf.Tensor4D;
    h = tf.maxPool(h, 3, 2, 'same');
    h = tf.localResponseNormalization(h, 2, 1, 1e-1, 0.75);
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.batchNorm(h, mean, variance, vars.beta, vars.gamma, 1e-3) as tf.Tensor4D;
    const b1 = conv(h, 'b1');
    const b2 = conv(conv(h, 'b2r'), 'b2');
    const b3 = conv(conv(h, 'b3r'), 'b3');
    const b4 = conv(tf.maxPool(h, 3, 1, 'same'), 'b4');
    let z = tf.concat([b1, b2, b3, b4], 3).add(vars.bias) as tf.Tensor4D;
    z = tf.avgPool(z, 2, 2, 'valid');
    const feat = tf.mean(z, [1, 2]) as tf.Tensor2D;
    const logits = feat.matMul(vars.dense as tf.Variable<tf.Rank.R2>).add(vars.denseB);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(loss);
  const names = Object.keys(STEP_SHAPES);
  const gradList = names.map((k) => grads[vars[k].name]);
  tf.train.sgd(0.5).applyGradients(grads);
  const after = names.map((k) => vars[k].clone());
  Object.values(vars).forEach((v) => v.dispose());
  return [value, ...gradList, ...after];
}

export function trainStepSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`a training step on ${label} equals the cpu step`, () => {
    it('loss, every gradient and every updated weight agree', async () => {
      const cpu = await on('cpu', step);
      const got = await on(backend, step);
      const names = [
        'loss',
        ...Object.keys(STEP_SHAPES).map((k) => `grad ${k}`),
        ...Object.keys(STEP_SHAPES).map((k) => `weight ${k}`),
      ];
      expect(got.length).toBe(cpu.length);
      // Gradients pass through ~10 float32 layers, each adding relative rounding of a few 1e-7 times sqrt(fan-in);
      // 1e-4 of each tensor's largest value leaves two orders of margin and still catches any wrong kernel.
      for (let i = 0; i < cpu.length; i++) {
        expect(relError(got[i], cpu[i]), names[i]).toBeLessThan(1e-4);
        // a zero gradient would make the comparison vacuous
        if (names[i].startsWith('grad'))
          expect(Math.max(...cpu[i].map(Math.abs)), names[i]).toBeGreaterThan(1e-6);
      }
    });
  });
}

// ---- forward kernels the native addon also replaces, and sizes that exercise its column-buffer chunking
export function forwardSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`${label} Conv2D and LRN forward match the cpu backend`, () => {
    for (const [k, s, pad] of [
      [1, 1, 'same'],
      [1, 2, 'valid'],
      [3, 1, 'same'],
      [3, 2, 'valid'],
      [5, 1, 'same'],
      [7, 2, 'same'],
      [3, 1, 1],
    ] as [number, number, Pad | number][])
      it.skipIf(backend === 'tensorflow' && typeof pad === 'number')(
        `Conv2D k=${k} stride=${s} pad ${pad}`,
        async () => {
          for (const [n, h, w, ci] of POOL_SHAPES) {
            const run = () =>
              tf.conv2d(
                tf.tensor4d(seeded(n * h * w * ci, 61), [n, h, w, ci]),
                tf.tensor4d(seeded(k * k * ci * 6, 62), [k, k, ci, 6]),
                s,
                pad as Pad,
              );
            const [cpu] = await on('cpu', run);
            const [got] = await on(backend, run);
            expect(relError(got, cpu), `${[n, h, w, ci]}`).toBeLessThan(TOL);
          }
        },
      );

    it('FusedConv2D with a bias and ReLU or no activation (the fused training layer and inference)', async () => {
      for (const [k, s, pad, activation] of [
        [3, 1, 'same', 'relu'],
        [1, 1, 'same', 'relu'],
        [7, 2, 'same', 'linear'],
        [5, 1, 'valid', 'relu'],
      ] as [number, number, Pad, 'relu' | 'linear'][])
        for (const [n, h, w, ci] of POOL_SHAPES) {
          const run = () =>
            tf.fused.conv2d({
              x: tf.tensor4d(seeded(n * h * w * ci, 63), [n, h, w, ci]),
              filter: tf.tensor4d(seeded(k * k * ci * 6, 64), [k, k, ci, 6]),
              strides: s,
              pad,
              bias: tf.tensor1d(seeded(6, 65)),
              activation,
            });
          const [cpu] = await on('cpu', run);
          const [got] = await on(backend, run);
          if (activation === 'relu') expect(Math.min(...cpu)).toBe(0);
          expect(relError(got, cpu), `${k}/${s} ${pad} ${activation} ${[n, h, w, ci]}`).toBeLessThan(TOL);
        }
    });

    it('LRN forward (radius 2 and 5; beta 0.75, 0.5 and 0.6)', async () => {
      for (const [radius, beta] of [
        [2, 0.75],
        [5, 0.75],
        [2, 0.5],
        [3, 0.6],
      ])
        for (const shape of POOL_SHAPES) {
          const run = () =>
            tf.localResponseNormalization(
              tf.tensor4d(
                seeded(
                  shape.reduce((a, b) => a * b),
                  71,
                ),
                shape,
              ),
              radius,
              1,
              1e-1,
              beta,
            );
          const [cpu] = await on('cpu', run);
          const [got] = await on(backend, run);
          expect(relError(got, cpu), `${radius} ${beta} ${shape}`).toBeLessThan(TOL);
        }
    });

    it('a 7x7 conv on 2 x 128x128x8 (a column matrix per sample of 6.4M floats): forward and both gradients', async () => {
      // The native kernels build the column matrix for as many samples as fit 8M floats: here one sample per
      // chunk, so the filter gradient accumulates across chunks and the input gradient scatters chunk by chunk.
      const [n, h, w, ci, co, k] = [2, 128, 128, 8, 4, 7];
      const run = () => {
        const x = tf.tensor4d(seeded(n * h * w * ci, 81), [n, h, w, ci]);
        const f = tf.tensor4d(seeded(k * k * ci * co, 82), [k, k, ci, co]);
        const g = tf.tensor4d(seeded(n * h * w * co, 83), [n, h, w, co]);
        const y = tf.conv2d(x, f, 1, 'same');
        const dx = grad4((t) => tf.conv2d(t, f, 1, 'same').mul(g).sum(), x);
        const dw = grad4((ff) => tf.conv2d(x, ff, 1, 'same').mul(g).sum(), f);
        return [y, dx, dw];
      };
      const cpu = await on('cpu', run);
      const got = await on(backend, run);
      // dW sums 32768 products per element: allow float32 rounding of that many terms.
      for (const [i, name] of ['y', 'dx', 'dw'].entries())
        expect(relError(got[i], cpu[i]), name).toBeLessThan(name === 'dw' ? 1e-4 : TOL);
      // the cpu backend's reference gradients take ~30 s alone and over 200 s on a loaded machine
    }, 600_000);
  });
}

// ---- reductions and data movement the native addon (Sum, SplitV) and wasm-kernels (Identity) replace
export function dataMovementSuite(label: string, backend: TestedBackend = 'wasm'): void {
  describe(`${label} Sum, SplitV, Concat, MaxPool and Identity match the cpu backend`, () => {
    const shape: [number, number, number, number] = [3, 5, 4, 7];
    const x = () => tf.tensor4d(seeded(3 * 5 * 4 * 7, 91), shape);

    it('Sum over leading axes, all axes, and other axes, with and without keepDims', async () => {
      for (const axis of [[0, 1, 2], [0], [1, 0], [0, 1, 2, 3], [1, 2], [3], [2, 0]])
        for (const keepDims of [false, true]) {
          const run = () => tf.sum(x(), axis, keepDims);
          const [cpu] = await on('cpu', run);
          const [got] = await on(backend, run);
          const shapes = await Promise.all(
            (['cpu', backend] as const).map(async (b) => (await on(b, () => tf.tensor(run().shape)))[0]),
          );
          expect(Array.from(shapes[1]), `${axis} ${keepDims} shape`).toEqual(Array.from(shapes[0]));
          // up to 420 float32 terms summed in a different order: a few 1e-6 relative
          expect(relError(got, cpu), `${axis} ${keepDims}`).toBeLessThan(2e-5);
        }
    });

    it('SplitV along every axis, equal and unequal parts', async () => {
      for (const [axis, parts] of [
        [3, [2, 1, 4]],
        [3, 7],
        [0, [1, 2]],
        [1, [3, 0, 2]],
        [2, 2],
        [-1, [6, 1]],
      ] as [number, number | number[]][]) {
        const run = () => tf.split(x(), parts, axis);
        const cpu = await on('cpu', run);
        const got = await on(backend, run);
        expect(got.length, `${axis} ${parts}`).toBe(cpu.length);
        for (let i = 0; i < cpu.length; i++)
          expect(Array.from(got[i]), `${axis} ${parts} #${i}`).toEqual(Array.from(cpu[i]));
      }
    });

    it('Concat along every axis, of two to four parts', async () => {
      for (const axis of [3, 0, 1, 2, -1]) {
        const run = () =>
          tf.concat(
            [
              x(),
              tf.tensor4d(seeded(3 * 5 * 4 * 7, 92), shape),
              tf.tensor4d(seeded(3 * 5 * 4 * 7, 93), shape),
            ],
            axis,
          );
        const [cpu] = await on('cpu', run);
        const [got] = await on(backend, run);
        expect(Array.from(got), `${axis}`).toEqual(Array.from(cpu));
      }
    });

    it('MaxPool forward, SAME and VALID, strided and not', async () => {
      for (const [k, s, pad] of [
        [3, 2, 'same'],
        [3, 1, 'same'],
        [2, 2, 'valid'],
        [3, 2, 'valid'],
      ] as [number, number, 'same' | 'valid'][]) {
        const run = () => tf.maxPool(tf.tensor4d(seeded(2 * 9 * 10 * 3, 94), [2, 9, 10, 3]), k, s, pad);
        const [cpu] = await on('cpu', run);
        const [got] = await on(backend, run);
        expect(Array.from(got), `${k}/${s} ${pad}`).toEqual(Array.from(cpu));
      }
    });

    it('Identity (clone) keeps its values after the original is disposed', async () => {
      const [v] = await on(backend, () => {
        const a = x();
        const b = tf.clone(a);
        a.dispose();
        return b.add(0);
      });
      expect(Array.from(v)).toEqual(Array.from(seeded(3 * 5 * 4 * 7, 91)));
    });
  });
}
