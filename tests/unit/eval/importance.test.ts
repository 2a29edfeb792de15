import { describe, expect, it } from 'vitest';
import type { SampleSource } from '../../../src/main/training/images/sample-source';
import {
  blockPermutation,
  defaultImageGroups,
  groupOffsets,
  importanceIntervals,
  joinScores,
  permutationImportance,
  permutationScores,
} from '../../../src/main/training/eval/importance';
import type { ImagePredictor } from '../../../src/main/training/eval/predictor';
import { Prng, mulberry32, randNormal } from '../../../src/main/training/random';

const H = 8;
const F = 6;
const C = 3;
const SIZE = H * F * C;
const families = ['trend', 'trend', 'momentum', 'momentum', 'volume', 'volume'];

/**
 * n dates of [8 bars x 6 factors x 3 channels] images whose values follow an AR(1) across dates (so blocks
 * matter). With `planted`, the label is a function of channel 1, factor 2, last bar; otherwise it is random.
 */
function surrogate(n: number, planted: boolean, seed: number): SampleSource & { data: Float32Array } {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * SIZE);
  for (let k = 0; k < SIZE; k++) data[k] = randNormal(rng);
  for (let i = 1; i < n; i++)
    for (let k = 0; k < SIZE; k++)
      data[i * SIZE + k] = 0.8 * data[(i - 1) * SIZE + k] + 0.6 * randNormal(rng);
  const at = (i: number, bar: number, f: number, c: number) => data[i * SIZE + (bar * F + f) * C + c];
  const labels = Int8Array.from({ length: n }, (_, i) => {
    const z = planted ? at(i, H - 1, 2, 1) : randNormal(rng);
    return z < -0.43 ? 0 : z > 0.43 ? 2 : 1;
  });
  return {
    data,
    count: n,
    shape: [H, F, C],
    fill: (i, out, offset) => out.set(data.subarray(i * SIZE, (i + 1) * SIZE), offset),
    label: (i) => labels[i],
    date: (i) => new Date(Date.UTC(2016, 0, 1 + i)).toISOString().slice(0, 10),
  };
}

/** Softmax over [a(-z - 0.43), 0, a(z - 0.43)] of a linear read-out z = sum w_k x_k: the labels' own cut-offs. */
function linearPredictor(w: Float32Array, a = 3): ImagePredictor {
  return (images, count) => {
    const out = new Float64Array(count * 3);
    for (let i = 0; i < count; i++) {
      let z = 0;
      for (let k = 0; k < SIZE; k++) z += w[k] * images[i * SIZE + k];
      const e = [Math.exp(a * (-z - 0.43)), 1, Math.exp(a * (z - 0.43))];
      const s = e[0] + e[1] + e[2];
      for (let c = 0; c < 3; c++) out[i * 3 + c] = e[c] / s;
    }
    return out;
  };
}

const groups = defaultImageGroups(['000300', '000001', '000905'], families);

describe('block permutation and groups', () => {
  it('keeps blocks of consecutive rows and is a permutation', () => {
    const p = blockPermutation(10, 4, new Prng(3));
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    // every run starts at a block start (0, 4, 8) and continues consecutively to the block end
    const starts = new Set([0, 4, 8]);
    let k = 0;
    while (k < 10) {
      expect(starts.has(p[k])).toBe(true);
      const end = Math.min(10, p[k] + 4);
      for (let r = p[k]; r < end; r++, k++) expect(p[k]).toBe(r);
    }
  });

  it('a channel group covers one channel everywhere; a family group its factors in every channel', () => {
    expect(groups.map((g) => g.name)).toEqual(['000300', '000001', '000905', 'trend', 'momentum', 'volume']);
    const ch = groupOffsets([H, F, C], F, groups[1]);
    expect(ch.length).toBe(H * F);
    for (const o of ch) expect(o % C).toBe(1);
    const fam = groupOffsets([H, F, C], F, groups[4]);
    expect(fam.length).toBe(H * 2 * C);
    for (const o of fam) expect([2, 3]).toContain(Math.floor(o / C) % F);
  });
});

describe('permutation importance', () => {
  it('finds the planted channel and family; groups the model never reads have exactly zero drop', () => {
    const src = surrogate(600, true, 1);
    const w = new Float32Array(SIZE);
    w[((H - 1) * F + 2) * C + 1] = 1; // the stand-in reads only the planted input
    const res = permutationImportance(src, F, linearPredictor(w), groups, {
      blockLength: 14,
      repeats: 2,
      bootstrap: { reps: 300 },
    });
    const by = Object.fromEntries(res.groups.map((g) => [g.group.name, g]));
    for (const name of ['000001', 'momentum']) {
      expect(by[name].logLossIncrease.lo).toBeGreaterThan(0.1);
      expect(by[name].balancedAccuracyDrop.lo).toBeGreaterThan(0.1);
    }
    for (const name of ['000300', '000905', 'trend', 'volume']) {
      expect(by[name].logLossIncrease.estimate).toBe(0);
      expect(by[name].balancedAccuracyDrop.hi).toBe(0);
    }
    expect(res.balancedAccuracy).toBeGreaterThan(0.9);
  });

  it('on noise labels every interval includes zero, for a model that reads every input', () => {
    // 20 independent noise sets, 6 groups each, 90 % intervals: nearly all must cover zero
    let covered = 0;
    let total = 0;
    for (let s = 0; s < 20; s++) {
      const src = surrogate(300, false, 100 + s);
      const rng = mulberry32(200 + s);
      const w = Float32Array.from({ length: SIZE }, () => randNormal(rng) * 0.1);
      const res = permutationImportance(src, F, linearPredictor(w), groups, {
        repeats: 1,
        seed: s,
        bootstrap: { reps: 200, seed: s },
      });
      for (const g of res.groups) {
        total += 2;
        if (g.logLossIncrease.lo <= 0 && g.logLossIncrease.hi >= 0) covered++;
        if (g.balancedAccuracyDrop.lo <= 0 && g.balancedAccuracyDrop.hi >= 0) covered++;
      }
    }
    expect(covered / total).toBeGreaterThan(0.8);
  });

  it('per-fold scores joined equal one run over the joined rows when the permutations do', () => {
    const src = surrogate(200, true, 5);
    const w = new Float32Array(SIZE);
    w[((H - 1) * F + 2) * C + 1] = 1;
    const p = linearPredictor(w);
    const a = permutationScores(src, F, p, groups, { repeats: 1, seed: 1 });
    const b = permutationScores(src, F, p, groups, { repeats: 1, seed: 2 });
    const j = joinScores([a, b]);
    expect(j.truth.length).toBe(400);
    expect(Array.from(j.base.nll.subarray(200))).toEqual(Array.from(b.base.nll));
    const r = importanceIntervals(j, { blockLength: 14, reps: 100 });
    expect(r.groups[1].logLossIncrease.estimate).toBeCloseTo(
      (importanceIntervals(a, { blockLength: 14, reps: 10 }).groups[1].logLossIncrease.estimate +
        importanceIntervals(b, { blockLength: 14, reps: 10 }).groups[1].logLossIncrease.estimate) /
        2,
      12,
    );
  });
});
