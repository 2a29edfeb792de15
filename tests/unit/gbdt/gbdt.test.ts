import { describe, expect, it } from 'vitest';
import { binMatrix, binOf, featureEdges, fitBins } from '../../../src/main/training/gbdt/bins';
import { fitGbdt, predictGbdt } from '../../../src/main/training/gbdt/booster';
import {
  growTree,
  histLayout,
  leafOf,
  TreeWorkspace,
  type TreeParams,
} from '../../../src/main/training/gbdt/tree';
import { argmaxRows } from '../../../src/main/training/eval/metrics';
import { mulberry32, randNormal } from '../../../src/main/training/random';

const P: TreeParams = {
  numLeaves: 3,
  maxDepth: -1,
  minDataInLeaf: 1,
  minSumHessianInLeaf: 0,
  lambdaL2: 0,
  minGainToSplit: 0,
};

/** A tree over one binned feature, from bins, gradients and hessians; returns the value each row lands on. */
function fitOne(x: number[], g: number[], h: number[], p: TreeParams, shrinkage = 1) {
  const X = Float64Array.from(x);
  const mapper = fitBins(X, 1, 256);
  const bins = binMatrix(mapper, X, 1);
  const ws = new TreeWorkspace(histLayout(x.length, mapper.binCount), p.numLeaves);
  const rows = Int32Array.from(x.keys());
  const tree = growTree(
    bins,
    ws,
    rows,
    Int32Array.of(0),
    Float64Array.from(g),
    Float64Array.from(h),
    p,
    shrinkage,
  );
  return { tree, out: x.map((_, i) => tree.leafValue[leafOf(tree, bins, x.length, i)]) };
}

describe('binning', () => {
  it('few distinct values: one bin each, edges at midpoints, NaN in bin 0, ties go to the lower bin', () => {
    const e = featureEdges([3, 1, 2, 1, NaN], 10);
    expect(Array.from(e)).toEqual([1.5, 2.5]);
    expect([NaN, 1, 1.5, 2, 2.6, 3, 100, -5].map((v) => binOf(e, v))).toEqual([0, 1, 1, 2, 3, 3, 3, 1]);
  });

  it('many distinct values: equal-frequency bins from the given rows only', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(Array.from(featureEdges(v, 5))).toEqual([25.5, 50.5, 75.5]);
    // edges from rows 0..49 (values 1..50) only: the other rows do not move them. Greedy shares: 50/4 = 12.5
    // -> the first bin closes at 13 values (edge 13.5), then 37/3 -> 13 more (26.5), then 24/2 = 12 (38.5)
    const X = Float64Array.from([...v, ...v.map((x) => x * 1000)]);
    const m = fitBins(
      X,
      1,
      5,
      Int32Array.from({ length: 50 }, (_, i) => i),
    );
    expect(Array.from(m.edges[0])).toEqual([13.5, 26.5, 38.5]);
  });
});

describe('histogram tree', () => {
  it('two splits by hand: g = [-2,-2,-1,-1,1,1,3,3], h = 1, lambda = 0', () => {
    // root: best cut after x = 4 (gain 36/4 + 64/4 - 4/8 = 24.5); then the right leaf splits after x = 6
    // (gain 4/2 + 36/2 - 64/4 = 4) rather than the left (gain 1). Leaf values -G/H.
    const { tree, out } = fitOne([1, 2, 3, 4, 5, 6, 7, 8], [-2, -2, -1, -1, 1, 1, 3, 3], Array(8).fill(1), P);
    expect(out).toEqual([1.5, 1.5, 1.5, 1.5, -1, -1, -3, -3]);
    expect(tree.leafValue.length).toBe(3);
  });

  it('lambda, shrinkage and minDataInLeaf as defined', () => {
    const { out } = fitOne(
      [1, 2, 3, 4],
      [-1, -1, 1, 1],
      [1, 1, 1, 1],
      { ...P, numLeaves: 2, lambdaL2: 2 },
      0.1,
    );
    expect(out.map((v) => +v.toFixed(12))).toEqual([0.05, 0.05, -0.05, -0.05]); // -(-2)/(2+2) * 0.1
    const none = fitOne([1, 2, 3, 4], [-1, -1, 1, 1], [1, 1, 1, 1], { ...P, minDataInLeaf: 3 });
    expect(none.tree.feature.length).toBe(0); // no split leaves 3 rows on both sides
    expect(none.out.map((v) => v + 0)).toEqual([0, 0, 0, 0]);
  });

  it('matches a naive leaf-wise grower (no histograms, no subtraction) on random data', () => {
    const rng = mulberry32(11);
    const n = 300;
    const d = 4;
    const X = new Float64Array(n * d);
    for (let i = 0; i < X.length; i++) X[i] = Math.round(randNormal(rng) * 20) / 4;
    const g = Float64Array.from({ length: n }, () => randNormal(rng));
    const h = Float64Array.from({ length: n }, () => 0.5 + rng());
    const p: TreeParams = { ...P, numLeaves: 7, minDataInLeaf: 10, lambdaL2: 1 };
    const mapper = fitBins(X, d, 256);
    const bins = binMatrix(mapper, X, d);
    const ws = new TreeWorkspace(histLayout(n, mapper.binCount), p.numLeaves);
    const tree = growTree(
      bins,
      ws,
      Int32Array.from({ length: n }, (_, i) => i),
      Int32Array.from([0, 1, 2, 3]),
      g,
      h,
      p,
      1,
    );
    // naive: leaves are row lists; every candidate split recomputed from rows
    type Leaf = { rows: number[] };
    const score = (rows: number[]) => {
      let G = 0;
      let H = 0;
      for (const r of rows) {
        G += g[r];
        H += h[r];
      }
      return { G, H, s: (G * G) / (H + p.lambdaL2) };
    };
    const bestOf = (leaf: Leaf) => {
      let best = { gain: -Infinity, f: -1, t: -1 };
      const parent = score(leaf.rows).s;
      for (let f = 0; f < d; f++)
        for (let t = 0; t < 256; t++) {
          const l = leaf.rows.filter((r) => bins[f * n + r] <= t);
          const r = leaf.rows.filter((q) => bins[f * n + q] > t);
          if (l.length < p.minDataInLeaf || r.length < p.minDataInLeaf) continue;
          const gain = score(l).s + score(r).s - parent;
          if (gain > best.gain) best = { gain, f, t };
        }
      return best;
    };
    const leaves: Leaf[] = [{ rows: [...Array(n).keys()] }];
    while (leaves.length < p.numLeaves) {
      const cands = leaves.map(bestOf);
      let k = -1;
      cands.forEach((c, j) => {
        if (c.gain > 0 && (k < 0 || c.gain > cands[k].gain)) k = j;
      });
      if (k < 0) break;
      const { f, t } = cands[k];
      const rows = leaves[k].rows;
      leaves[k] = { rows: rows.filter((r) => bins[f * n + r] <= t) };
      leaves.push({ rows: rows.filter((r) => bins[f * n + r] > t) });
    }
    const naive = new Float64Array(n);
    for (const leaf of leaves) {
      const { G, H } = score(leaf.rows);
      for (const r of leaf.rows) naive[r] = -G / (H + p.lambdaL2);
    }
    expect(tree.leafValue.length).toBe(leaves.length);
    for (let i = 0; i < n; i++) expect(tree.leafValue[leafOf(tree, bins, n, i)]).toBeCloseTo(naive[i], 10);
  });
});

describe('multiclass boosting', () => {
  it('one round by hand: scores start at log class rates, leaves add -G/(H+lambda) x learning rate', () => {
    // x separates class 0 (x = 0) from classes 1 and 2 (x = 1); class rates 0.5, 0.25, 0.25
    const X = Float64Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const y = Int8Array.from([0, 0, 0, 0, 1, 1, 2, 2]);
    const lr = 0.3;
    const lambda = 1;
    const m = fitGbdt({ X, y }, 1, {
      numRounds: 1,
      learningRate: lr,
      numLeaves: 2,
      minDataInLeaf: 1,
      lambdaL2: lambda,
      featureFraction: 1,
      baggingFraction: 1,
    });
    const prior = [0.5, 0.25, 0.25];
    const expected = [0, 1].map((x) => {
      // gradients p - y, hessians 1.5 p (1 - p) (factor K/(K-1)), summed over the 4 rows of the leaf
      const rows = [...y.keys()].filter((i) => X[i] === x);
      const s = prior.map((q, k) => {
        let G = 0;
        let H = 0;
        for (const i of rows) {
          G += q - (y[i] === k ? 1 : 0);
          H += 1.5 * q * (1 - q);
        }
        return Math.log(q) + (-G / (H + lambda)) * lr;
      });
      const z = s.map(Math.exp);
      const tot = z[0] + z[1] + z[2];
      return z.map((v) => v / tot);
    });
    const probs = predictGbdt(m, Float64Array.from([0, 1]), 1);
    for (let k = 0; k < 3; k++) {
      expect(probs[k]).toBeCloseTo(expected[0][k], 12);
      expect(probs[3 + k]).toBeCloseTo(expected[1][k], 12);
    }
  });

  const xorData = (n: number, seed: number, d = 6) => {
    const rng = mulberry32(seed);
    const X = new Float64Array(n * d);
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = randNormal(rng);
      const s = X[i * d] * X[i * d + 1];
      y[i] = s < -0.3 ? 0 : s > 0.3 ? 2 : 1;
    }
    return { X, y, d };
  };

  it('learns a nonlinear rule no linear model can (sign of x0 * x1), seeded and reproducible', () => {
    const tr = xorData(1500, 1);
    const va = xorData(500, 2);
    const te = xorData(1000, 3);
    const params = { numRounds: 150, minDataInLeaf: 20, seed: 4 };
    const m = fitGbdt(tr, tr.d, params, va);
    const pred = argmaxRows(predictGbdt(m, te.X, te.d));
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === te.y[i]) ok++;
    expect(ok / pred.length).toBeGreaterThan(0.9);
    const again = fitGbdt(tr, tr.d, params, va);
    expect(Array.from(predictGbdt(again, te.X, te.d))).toEqual(Array.from(predictGbdt(m, te.X, te.d)));
    const other = fitGbdt(tr, tr.d, { ...params, seed: 5 }, va);
    expect(Array.from(predictGbdt(other, te.X, te.d))).not.toEqual(Array.from(predictGbdt(m, te.X, te.d)));
  });

  it('on noise labels early stopping keeps few rounds and the probabilities stay near the class rates', () => {
    const tr = xorData(1500, 1);
    const va = xorData(500, 2);
    const rng = mulberry32(9);
    const noisy = { ...tr, y: Int8Array.from(tr.y, () => Math.floor(rng() * 3)) };
    const noisyVa = { ...va, y: Int8Array.from(va.y, () => Math.floor(rng() * 3)) };
    const m = fitGbdt(noisy, tr.d, { numRounds: 300, earlyStoppingRounds: 20 }, noisyVa);
    expect(m.stoppedEarly).toBe(true);
    expect(m.bestRounds).toBeLessThan(60);
    expect(m.trees.length).toBe(m.bestRounds);
    expect(Math.min(...m.validLoss)).toBeLessThan(Math.log(3) + 0.01);
  });
});
