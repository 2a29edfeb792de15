import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/main/training/model/build';
import { glorotUniform, kernelFans } from '../../../src/main/training/model/init';
import { Xoshiro128 } from '../../../src/main/training/random';
import { DEFAULT_MODEL, type ModelSpec } from '../../../src/main/training/model/spec';
import { tf } from '../../../src/main/training/train/tf';

const SPEC: ModelSpec = { ...DEFAULT_MODEL, preset: 'compact', width: 0.125, batchNorm: true };

function weightBytes(m: tf.LayersModel): Map<string, Uint8Array> {
  return new Map(
    m.weights.map((w) => [
      w.originalName,
      new Uint8Array((w.read().dataSync() as Float32Array).slice().buffer),
    ]),
  );
}

describe('seeded initialisation', () => {
  it('xoshiro128** reference values: the published test vector for state [1, 2, 3, 4]', () => {
    const g = new Xoshiro128(0);
    g.setState([1, 2, 3, 4]);
    // first outputs of xoshiro128** from state {1,2,3,4} (reference C implementation by Blackman & Vigna)
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('same seed gives bit-identical weights, even with other models built in between', () => {
    const a = buildModel(SPEC, [32, 32, 2], { seed: 11 });
    const other = buildModel({ ...SPEC, preset: 'cnn' }, [32, 32, 2], { seed: 11 });
    const b = buildModel(SPEC, [32, 32, 2], { seed: 11 });
    const c = buildModel(SPEC, [32, 32, 2], { seed: 12 });
    try {
      const wa = weightBytes(a);
      const wb = weightBytes(b);
      const wc = weightBytes(c);
      expect([...wb.keys()]).toEqual([...wa.keys()]);
      let kernels = 0;
      for (const [name, bytes] of wa) {
        expect(wb.get(name)).toEqual(bytes);
        if (name.endsWith('/kernel')) {
          kernels++;
          expect(wc.get(name)).not.toEqual(bytes);
        }
      }
      expect(kernels).toBeGreaterThan(20);
    } finally {
      [a, b, c, other].forEach((m) => m.dispose());
    }
  });

  it('kernels are Glorot-uniform per layer type; biases 0; BN gamma 1, beta 0, mean 0, variance 1', () => {
    const m = buildModel(SPEC, [32, 32, 2], { seed: 3 });
    try {
      for (const w of m.weights) {
        const v = w.read().dataSync() as Float32Array;
        const kind = w.originalName.split('/').pop();
        if (kind === 'kernel') {
          const s = w.shape as number[];
          // conv [kh, kw, in, out] -> fans kh*kw*in and kh*kw*out; dense [in, out]
          const fanIn = s.length === 4 ? s[0] * s[1] * s[2] : s[0];
          const fanOut = s.length === 4 ? s[0] * s[1] * s[3] : s[1];
          const limit = Math.sqrt(6 / (fanIn + fanOut));
          expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(limit);
          if (v.length >= 2000) {
            const variance = v.reduce((q, x) => q + x * x, 0) / v.length;
            expect(variance / ((limit * limit) / 3)).toBeGreaterThan(0.9);
            expect(variance / ((limit * limit) / 3)).toBeLessThan(1.1);
          }
        } else {
          const expected = kind === 'gamma' || kind === 'moving_variance' ? 1 : 0;
          expect(['bias', 'beta', 'gamma', 'moving_mean', 'moving_variance']).toContain(kind);
          expect(v.every((x) => x === expected)).toBe(true);
        }
      }
    } finally {
      m.dispose();
    }
  });

  it('kernelFans and glorotUniform', () => {
    expect(kernelFans([3, 3, 4, 8])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(kernelFans([10, 3])).toEqual({ fanIn: 10, fanOut: 3 });
    const a = glorotUniform([10, 3], 5, 'x/kernel');
    expect(glorotUniform([10, 3], 5, 'x/kernel')).toEqual(a);
    expect(glorotUniform([10, 3], 5, 'y/kernel')).not.toEqual(a);
  });
});
