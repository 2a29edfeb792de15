import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors';
import { buildModel, countParams, describeModel } from '../../../src/main/training/model/build';
import { DEFAULT_MODEL, modelInput, type ModelSpec } from '../../../src/main/training/model/spec';
import { tf } from '../../../src/main/training/train/tf';

const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const dense = (i: number, o: number) => i * o + o;

function predictShape(m: tf.LayersModel, shape: number[]): number[] {
  return tf.tidy(() => (m.predict(tf.ones([1, ...shape])) as tf.Tensor).shape);
}

const COMPACT: ModelSpec = {
  ...DEFAULT_MODEL,
  preset: 'compact',
  width: 1,
  batchNorm: false,
  lrn: true,
  auxHeads: false,
};

describe('compact', () => {
  it('width 1: stem + 3a + 3b + 4a by hand (Table 1 counts), 7x7x512 before pooling at 56x56x4', () => {
    const m = buildModel(COMPACT, [56, 56, 4], { seed: 1 });
    try {
      const expected =
        conv(7, 4, 64) +
        conv(1, 64, 64) +
        conv(3, 64, 192) +
        // 3a on 192 channels: 64, 96->128, 16->32, pool->32 (out 256)
        conv(1, 192, 64) +
        conv(1, 192, 96) +
        conv(3, 96, 128) +
        conv(1, 192, 16) +
        conv(5, 16, 32) +
        conv(1, 192, 32) +
        // 3b on 256: 128, 128->192, 32->96, pool->64 (out 480)
        conv(1, 256, 128) +
        conv(1, 256, 128) +
        conv(3, 128, 192) +
        conv(1, 256, 32) +
        conv(5, 32, 96) +
        conv(1, 256, 64) +
        // 4a on 480: 192, 96->208, 16->48, pool->64 (out 512)
        conv(1, 480, 192) +
        conv(1, 480, 96) +
        conv(3, 96, 208) +
        conv(1, 480, 16) +
        conv(5, 16, 48) +
        conv(1, 480, 64) +
        dense(512, 3);
      expect(countParams(m)).toBe(expected);
      expect(m.getLayer('inc4a_concat').outputShape).toEqual([null, 7, 7, 512]);
      expect(predictShape(m, [56, 56, 4])).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });

  it('width 0.25 at 56x56x4 and at the 896x56x4 time-factor layout (per-axis strides)', () => {
    const spec = { ...COMPACT, width: 0.25 };
    const a = buildModel(spec, [56, 56, 4], { seed: 1 });
    const b = buildModel(spec, [896, 56, 4], { seed: 1 });
    try {
      // round(0.25 * [192, 208, 48, 64]) = 48 + 52 + 12 + 16 = 128 channels out of 4a
      expect(a.getLayer('inc4a_concat').outputShape).toEqual([null, 7, 7, 128]);
      expect(b.getLayer('inc4a_concat').outputShape).toEqual([null, 56, 7, 128]);
      expect(b.getLayer('stem_conv7x7').outputShape).toEqual([null, 448, 56, 16]);
      expect(b.getLayer('stem_pool1').getConfig().strides).toEqual([2, 2]);
      expect(countParams(b)).toBe(countParams(a));
      expect(predictShape(a, [56, 56, 4])).toEqual([1, 3]);
      expect(predictShape(b, [896, 56, 4])).toEqual([1, 3]);
      expect(describeModel(spec, [896, 56, 4])).toContain(
        'rows: 896 px -> 4 of 4 stride-2 stages -> final 56',
      );
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('baselines', () => {
  it('logreg: one dense softmax on the last-bar vector', () => {
    const spec: ModelSpec = { ...DEFAULT_MODEL, preset: 'logreg' };
    expect(modelInput('logreg')).toBe('last-bar');
    const m = buildModel(spec, [224], { seed: 1 });
    try {
      expect(countParams(m)).toBe(224 * 3 + 3);
      expect(m.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense']);
      expect(predictShape(m, [224])).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });

  it('mlp: two hidden layers of round(256 w) and round(128 w) units with dropout', () => {
    const m = buildModel({ ...DEFAULT_MODEL, preset: 'mlp', width: 0.25, dropout: 0.3 }, [224], { seed: 1 });
    try {
      expect(countParams(m)).toBe(dense(224, 64) + dense(64, 32) + dense(32, 3));
      expect(m.layers.filter((l) => l.getClassName() === 'Dropout').length).toBe(2);
      expect(predictShape(m, [224])).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });

  it('cnn: three conv 3x3 + max-pool blocks, global average pool, dense softmax', () => {
    expect(modelInput('cnn')).toBe('image');
    const m = buildModel({ ...DEFAULT_MODEL, preset: 'cnn', width: 0.5 }, [56, 56, 4], { seed: 1 });
    try {
      expect(countParams(m)).toBe(conv(3, 4, 16) + conv(3, 16, 32) + conv(3, 32, 64) + dense(64, 3));
      expect(m.getLayer('block3_pool').outputShape).toEqual([null, 7, 7, 64]);
      expect(predictShape(m, [56, 56, 4])).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });

  it('rejects an input shape of the wrong kind and bad specs with ConfigError naming the field', () => {
    expect(() => buildModel({ ...DEFAULT_MODEL, preset: 'logreg' }, [56, 56, 4], { seed: 1 })).toThrow(
      ConfigError,
    );
    expect(() => buildModel({ ...DEFAULT_MODEL, preset: 'compact' }, [224], { seed: 1 })).toThrow(
      /inputShape/,
    );
    expect(() => buildModel({ ...DEFAULT_MODEL, width: 0 }, [56, 56, 4], { seed: 1 })).toThrow(
      /model\.width/,
    );
    expect(() => buildModel({ ...DEFAULT_MODEL, dropout: 1 }, [56, 56, 4], { seed: 1 })).toThrow(
      /model\.dropout/,
    );
    expect(() =>
      buildModel({ ...DEFAULT_MODEL, preset: 'compact', auxHeads: true }, [56, 56, 4], { seed: 1 }),
    ).toThrow(/model\.auxHeads/);
  });
});
