/**
 * Factors on real intraday bars: the TongDaXin 1-minute export of CSI 300 (2017), which has amount 0 on every bar
 * and many bars with high == low, and the same bars grouped 15 at a time (16 bars a day). Every factor must be
 * finite after its warm-up (no Infinity, no NaN from a zero range or zero amount).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { rollingZScore } from '../../../src/main/training/factors/normalise';
import { computeFactors, FACTORS, factorNames } from '../../../src/main/training/factors/registry';
import { rawDir } from '../../helpers/data';

/** Reads the tab-separated tdx export: title line, header line, rows, footer line (only the ASCII rows are used). */
function loadTdxMinutes(file: string): Bars {
  const lines = readFileSync(file, 'latin1').trim().split(/\r?\n/);
  const rows = lines
    .filter((l) => /^\d{4}\/\d{2}\/\d{2}\t/.test(l))
    .map((l) => l.split('\t').map((s) => s.trim()));
  expect(rows.length).toBe(lines.length - 3);
  const col = (i: number) => Float64Array.from(rows, (r) => Number(r[i]));
  const date = rows.map((r) => r[0].replaceAll('/', '-'));
  return {
    code: '000300',
    source: file,
    barsPerDay: 240,
    date,
    time: rows.map((r, i) => `${date[i]} ${r[1].slice(0, 2)}:${r[1].slice(2)}`),
    open: col(2),
    high: col(3),
    low: col(4),
    close: col(5),
    volume: col(6),
    amount: col(7),
  };
}

/** Groups k consecutive bars (each day has 240 one-minute bars, so k = 15 never crosses a day). */
function group(b: Bars, k: number): Bars {
  const n = Math.floor(b.close.length / k);
  const agg = (f: (s: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i * k));
  const range = (x: Float64Array, s: number) => x.subarray(s, s + k);
  return {
    ...b,
    barsPerDay: 240 / k,
    date: Array.from({ length: n }, (_, i) => b.date[i * k]),
    time: Array.from({ length: n }, (_, i) => b.time[i * k + k - 1]),
    open: agg((s) => b.open[s]),
    high: agg((s) => Math.max(...range(b.high, s))),
    low: agg((s) => Math.min(...range(b.low, s))),
    close: agg((s) => b.close[s + k - 1]),
    volume: agg((s) => range(b.volume, s).reduce((a, v) => a + v, 0)),
    amount: agg(() => 0),
  };
}

const minutes = loadTdxMinutes(path.join(rawDir('tdx-1min'), 'SH-000300.txt'));

describe('factors on real intraday bars without amount', () => {
  it('the export really has the awkward cases: amount 0 everywhere, flat one-minute bars', () => {
    expect(minutes.close.length).toBe(103 * 240);
    expect(minutes.amount.every((a) => a === 0)).toBe(true);
    expect(minutes.high.filter((h, i) => h === minutes.low[i]).length).toBeGreaterThan(10);
  });

  it.each([1, 15])(
    '%i-minute bars: every factor finite after its warm-up, amount ratios a constant 1, z-scores finite',
    (k) => {
      const b = k === 1 ? minutes : group(minutes, k);
      const out = computeFactors(b);
      FACTORS.forEach((f, i) => {
        let bad = 0;
        for (let t = f.warmup; t < out[i].length; t++) if (!Number.isFinite(out[i][t])) bad++;
        expect(bad, f.name).toBe(0);
        const z = rollingZScore(out[i], 40 * b.barsPerDay, 4);
        let badZ = 0;
        for (let t = f.warmup + 40 * b.barsPerDay - 1; t < z.length; t++) if (!(Math.abs(z[t]) <= 4)) badZ++;
        expect(badZ, f.name).toBe(0);
      });
      for (const name of ['amount_ratio_5', 'amount_ratio_20']) {
        const x = out[factorNames().indexOf(name)];
        expect(x.subarray(19).every((v) => v === 1)).toBe(true);
      }
    },
  );
});
