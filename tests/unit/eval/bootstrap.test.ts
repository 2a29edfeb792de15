import { describe, expect, it } from 'vitest';
import {
  blockBootstrap,
  blockIndices,
  meanOf,
  quantileSorted,
} from '../../../src/main/training/eval/bootstrap';
import { mulberry32, randNormal } from '../../../src/main/training/random';

/** AR(1) with coefficient phi around a known mean, started from its stationary distribution. */
function ar1(n: number, phi: number, mean: number, rng: () => number): Float64Array {
  const x = new Float64Array(n);
  let e = randNormal(rng) / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    x[i] = mean + e;
    e = phi * e + randNormal(rng);
  }
  return x;
}

describe('block bootstrap', () => {
  it('blocks are runs of consecutive rows, wrapping around', () => {
    const idx = blockIndices(10, 4, mulberry32(3));
    expect(idx.length).toBe(10);
    for (const start of [0, 4, 8])
      for (let j = 1; j < 4 && start + j < 10; j++) expect(idx[start + j]).toBe((idx[start] + j) % 10);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantileSorted([0, 10], 0.05)).toBeCloseTo(0.5, 12);
  });

  it('is reproducible with a seed', () => {
    const x = ar1(100, 0.5, 0, mulberry32(1));
    const a = blockBootstrap(100, meanOf(x), { blockLength: 10, reps: 200, seed: 9 });
    const b = blockBootstrap(100, meanOf(x), { blockLength: 10, reps: 200, seed: 9 });
    expect(a).toEqual(b);
  });

  it('90 % interval covers the true mean of AR(1) data at about the nominal rate; iid is too narrow', () => {
    const rng = mulberry32(12345);
    const sims = 250;
    const n = 400;
    const phi = 0.6;
    let blockHits = 0;
    let iidHits = 0;
    for (let s = 0; s < sims; s++) {
      const x = ar1(n, phi, 2, rng);
      const blk = blockBootstrap(n, meanOf(x), { blockLength: 20, reps: 300, level: 0.9, seed: s + 1 });
      const iid = blockBootstrap(n, meanOf(x), { blockLength: 1, reps: 300, level: 0.9, seed: s + 1 });
      if (blk.lo <= 2 && 2 <= blk.hi) blockHits++;
      if (iid.lo <= 2 && 2 <= iid.hi) iidHits++;
    }
    const blockRate = blockHits / sims;
    const iidRate = iidHits / sims;
    // phi = 0.6 inflates the variance of the mean ~4x, so iid intervals are about half as wide (~60 % coverage)
    expect(blockRate).toBeGreaterThan(0.8);
    expect(blockRate).toBeLessThan(0.97);
    expect(iidRate).toBeLessThan(0.72);
  });
});
