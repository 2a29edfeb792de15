import { tf } from '../../../src/main/training/train/tf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  countParams,
  countTrainableParams,
  describeModel,
  lossWeights,
  stridePlan,
} from '../../../src/main/training/model/build';
import { DEFAULT_MODEL, type ModelSpec } from '../../../src/main/training/model/spec';

// The paper's Table 1 (Szegedy et al. 2014), typed in again here so the expected counts do not come from the code.
// Columns: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
const TABLE: [string, number[]][] = [
  ['3a', [64, 96, 128, 16, 32, 32]],
  ['3b', [128, 128, 192, 32, 96, 64]],
  ['4a', [192, 96, 208, 16, 48, 64]],
  ['4b', [160, 112, 224, 24, 64, 64]],
  ['4c', [128, 128, 256, 24, 64, 64]],
  ['4d', [112, 144, 288, 32, 64, 64]],
  ['4e', [256, 160, 320, 32, 128, 128]],
  ['5a', [256, 160, 320, 32, 128, 128]],
  ['5b', [384, 192, 384, 48, 128, 128]],
];

/** Weights + biases of a k x k convolution. */
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;

/** GoogLeNet parameters by hand: stem, nine inception modules, dense softmax; optional aux heads at 14x14 -> 4x4. */
function expectedGoogLeNetParams(channels: number, classes: number, k3: 1 | 3, aux = false): number {
  let n = conv(7, channels, 64) + conv(1, 64, 64) + conv(3, 64, 192);
  let cin = 192;
  const auxInputs: number[] = [];
  for (const [id, [a, b, c, d, e, f]] of TABLE) {
    n +=
      conv(1, cin, a) + conv(1, cin, b) + conv(k3, b, c) + conv(1, cin, d) + conv(5, d, e) + conv(1, cin, f);
    cin = a + c + e + f;
    if (id === '4a' || id === '4d') auxInputs.push(cin);
  }
  expect(cin).toBe(1024); // the paper's 5b output depth
  n += cin * classes + classes;
  if (aux)
    for (const c of auxInputs)
      n += conv(1, c, 128) + (4 * 4 * 128 * 1024 + 1024) + (1024 * classes + classes);
  return n;
}

const G: ModelSpec = {
  ...DEFAULT_MODEL,
  preset: 'googlenet',
  width: 1,
  branch3x3: 'paper',
  batchNorm: false,
  lrn: true,
  auxHeads: false,
};

describe('googlenet', () => {
  let m224: tf.LayersModel;
  beforeAll(() => {
    m224 = buildModel(G, [224, 224, 4], { seed: 7 });
  });
  afterAll(() => m224.dispose());

  it('224x224x4: 3-class softmax output, parameter count equals the hand formula over Table 1', () => {
    const expected = expectedGoogLeNetParams(4, 3, 3);
    // 5,979,763 by the formula; reported here so the figure is visible in the test log
    console.log(`googlenet width 1 224x224x4 params: ${countParams(m224)} (formula ${expected})`);
    expect(countParams(m224)).toBe(expected);
    expect(countTrainableParams(m224)).toBe(expected);
    const y = tf.tidy(() => (m224.predict(tf.ones([1, 224, 224, 4])) as tf.Tensor).arraySync() as number[][]);
    expect(y.length).toBe(1);
    expect(y[0].length).toBe(3);
    expect(y[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('224: the feature map before global pooling is 7x7x1024', () => {
    expect(m224.getLayer('inc5b_concat').outputShape).toEqual([null, 7, 7, 1024]);
    expect(m224.getLayer('inc3a_concat').outputShape).toEqual([null, 28, 28, 256]);
  });

  it('56x56x4: same parameters (only strides change), 7x7 before pooling, 3-class output', () => {
    const m = buildModel(G, [56, 56, 4], { seed: 7 });
    try {
      expect(countParams(m)).toBe(expectedGoogLeNetParams(4, 3, 3));
      expect(m.getLayer('inc5b_concat').outputShape).toEqual([null, 7, 7, 1024]);
      expect(m.getLayer('stem_conv7x7').outputShape).toEqual([null, 56, 56, 64]);
      expect(() => m.getLayer('stem_pool1')).toThrow(); // dropped for inputs < 112 px
      const y = tf.tidy(() => (m.predict(tf.ones([1, 56, 56, 4])) as tf.Tensor).shape);
      expect(y).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });

  it("'original-1x1' has fewer parameters by exactly sum of (9 - 1) * reduce * out over the 3x3 branches", () => {
    const m = buildModel({ ...G, branch3x3: 'original-1x1' }, [56, 56, 4], { seed: 7 });
    try {
      const diff = TABLE.reduce((s, [, [, b, c]]) => s + 8 * b * c, 0);
      expect(diff).toBe(2_658_304); // 8 * 332,288, added up by hand
      expect(countParams(m224) - countParams(m)).toBe(diff);
      expect(countParams(m)).toBe(expectedGoogLeNetParams(4, 3, 1));
    } finally {
      m.dispose();
    }
  });

  it('aux heads: three outputs (main first), paper pool 5x5/3 on 14x14, parameter count by hand, loss weights 1/0.3/0.3', () => {
    const spec = { ...G, auxHeads: true };
    const m = buildModel(spec, [224, 224, 4], { seed: 1 });
    try {
      expect(m.outputs.map((o) => o.shape)).toEqual([
        [null, 3],
        [null, 3],
        [null, 3],
      ]);
      expect(m.outputNames).toEqual(['probs', 'aux1_probs', 'aux2_probs']);
      const pool = m.getLayer('aux1_pool').getConfig();
      expect(pool.poolSize).toEqual([5, 5]);
      expect(pool.strides).toEqual([3, 3]);
      expect(countParams(m)).toBe(expectedGoogLeNetParams(4, 3, 3, true));
      expect(lossWeights(spec)).toEqual([1, 0.3, 0.3]);
      expect(lossWeights(G)).toEqual([1]);
    } finally {
      m.dispose();
    }
  });

  it('batch norm: no conv bias; gamma/beta/mean/var per conv channel', () => {
    const m = buildModel({ ...G, batchNorm: true, width: 0.25 }, [56, 56, 1], { seed: 1 });
    const plain = buildModel({ ...G, width: 0.25 }, [56, 56, 1], { seed: 1 });
    try {
      // every conv's bias (one per output channel) is replaced by 4 BN vectors of the same length
      const convChannels = plain.layers
        .filter((l) => l.getClassName() === 'Conv2D')
        .reduce((s, l) => s + (l.outputShape as number[])[3], 0);
      expect(countParams(m) - countParams(plain)).toBe(3 * convChannels);
      expect(countTrainableParams(m) - countTrainableParams(plain)).toBe(convChannels);
      expect(m.getLayer('stem_conv7x7').getConfig().useBias).toBe(false);
    } finally {
      m.dispose();
      plain.dispose();
    }
  });
});

describe('input-size rule', () => {
  it('keeps r = max r <= S with n >= 7 * 2^r stride-2 stages, dropping the first stages', () => {
    const at = (n: number) => stridePlan('googlenet', [n, n, 4]).rows;
    expect(at(224)).toEqual({ size: 224, reductions: 5, strides: [2, 2, 2, 2, 2], finalSize: 7 });
    expect(at(112)).toEqual({ size: 112, reductions: 4, strides: [1, 2, 2, 2, 2], finalSize: 7 });
    expect(at(56)).toEqual({ size: 56, reductions: 3, strides: [1, 1, 2, 2, 2], finalSize: 7 });
    expect(at(32).finalSize).toBe(8);
    expect(at(5)).toEqual({ size: 5, reductions: 0, strides: [1, 1, 1, 1, 1], finalSize: 5 });
    for (let n = 2; n <= 600; n++) {
      const a = at(n);
      expect(a.finalSize).toBeGreaterThanOrEqual(Math.min(n, 7));
      if (n >= 7 && n < 448) expect(a.finalSize).toBeLessThanOrEqual(14);
    }
  });

  it('non-square 896x56 gets different strides per axis', () => {
    const p = stridePlan('googlenet', [896, 56, 4]);
    expect(p.rows.strides).toEqual([2, 2, 2, 2, 2]);
    expect(p.cols.strides).toEqual([1, 1, 2, 2, 2]);
    const text = describeModel({ ...G, width: 0.125 }, [896, 56, 4]);
    expect(text).toContain('rows: 896 px -> 5 of 5 stride-2 stages -> final 28');
    expect(text).toContain(
      'cols: 56 px -> 3 of 5 stride-2 stages -> final 7; stride 1 at: stem conv 7x7, stem max-pool 1',
    );
  });
});
