/**
 * No look-ahead: for cut points t, replacing every bar after t (prices, volume, amount) changes no factor value and
 * no rolling z-score at or before t. The bars after t are replaced by a different real path (a later stretch of the
 * same index, rescaled to continue from the close at t), so every code path (rises, falls, flat bars) is exercised.
 */
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { rollingZScore } from '../../../src/main/training/factors/normalise';
import { computeFactors, FACTORS } from '../../../src/main/training/factors/registry';
import { cloneBars, headBars, loadDailyBars } from './daily-bars';

const base = headBars(loadDailyBars('000300'), 1500);
const N = base.close.length;

/** Deterministic generator (mulberry32) so the cut points are reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function withNewFuture(b: Bars, t: number, rand: () => number): Bars {
  const out = cloneBars(b);
  const src = loadDailyBars('000905'); // another index's real path
  const off = Math.floor(rand() * 1000);
  const scale = b.close[t] / src.close[off + t];
  for (let i = t + 1; i < N; i++) {
    const j = off + i;
    out.open[i] = src.open[j] * scale;
    out.high[i] = src.high[j] * scale;
    out.low[i] = src.low[j] * scale;
    out.close[i] = src.close[j] * scale;
    out.volume[i] = i % 97 === 0 ? 0 : src.volume[j] * (0.5 + rand());
    out.amount[i] = i % 89 === 0 ? 0 : src.amount[j] * (0.5 + rand());
    if (i % 53 === 0) out.open[i] = out.high[i] = out.low[i] = out.close[i] = out.close[i - 1];
  }
  return out;
}

describe('no look-ahead', () => {
  const rand = rng(20240601);
  const cuts = [0, 1, 5, 27, 34, 60, ...Array.from({ length: 6 }, () => 61 + Math.floor(rand() * (N - 200)))];
  const before = computeFactors(base);
  const windows = [40, 640];
  const zBefore = windows.map((w) => before.map((x) => rollingZScore(x, w, 4)));

  it.each(cuts)('changing every bar after t = %i changes no factor or z-score at or before t', (t) => {
    const after = computeFactors(withNewFuture(base, t, rand));
    let changedAfter = 0;
    FACTORS.forEach((f, k) => {
      for (let i = 0; i <= t; i++) {
        if (!Object.is(after[k][i], before[k][i]))
          expect.fail(`${f.name} at bar ${i} <= ${t} changed: ${before[k][i]} -> ${after[k][i]}`);
      }
      for (let i = t + 1; i < N; i++) if (!Object.is(after[k][i], before[k][i])) changedAfter++;
      windows.forEach((w, wi) => {
        const z = rollingZScore(after[k], w, 4);
        for (let i = 0; i <= t; i++) {
          if (!Object.is(z[i], zBefore[wi][k][i]))
            expect.fail(`z(${w}) of ${f.name} at bar ${i} <= ${t} changed`);
        }
      });
    });
    // the perturbation is real: most values after t did change
    expect(changedAfter).toBeGreaterThan(0.5 * FACTORS.length * (N - t - 1));
  });

  it('factors of the first t+1 bars equal the first t+1 values of the full series', () => {
    for (const t of [40, 333, 1000]) {
      const head = computeFactors(headBars(base, t + 1));
      head.forEach((x, k) => expect(Array.from(x)).toEqual(Array.from(before[k].subarray(0, t + 1))));
    }
  });
});
