/**
 * Intraday datasets at the original study's size on the real czsc SSE 1-minute file: 56 days x 16 fifteen-minute
 * bars x 56 factors, as the 224 x 224 `seed` raster and the 896 x 56 `time-factor` image; the z-score window
 * counted in bars; labels on the target's daily closes; short days; and no look-ahead at 16 bars a day.
 */
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { resampleMinutes, selectBars } from '../../../src/main/training/data/resample';
import { rollingZScore } from '../../../src/main/training/factors/normalise';
import { computeFactors, FACTORS } from '../../../src/main/training/factors/registry';
import {
  buildDataset,
  CORE_FACTOR_COUNT,
  type FactorDataset,
} from '../../../src/main/training/images/dataset';
import { czscFile } from '../../helpers/data';

const minute = importFile(czscFile()).bars;
const CFG = { target: '000001', channels: ['000001'], barsPerDay: 16, lookbackDays: 56, normWindowDays: 40 };
const build = (b: Bars, layout: 'seed' | 'time-factor' = 'seed') =>
  buildDataset({ ...CFG, layout }, new Map([['000001', b]]));

/** The trading days of the file and each day's last 1-minute close, read off the minute bars directly. */
function dayCloses(b: Bars): { days: string[]; close: number[] } {
  const days: string[] = [];
  const close: number[] = [];
  for (let i = 0; i < b.time.length; i++) {
    if (i + 1 === b.time.length || b.date[i + 1] !== b.date[i]) {
      days.push(b.date[i]);
      close.push(b.close[i]);
    }
  }
  return { days, close };
}

/** The stamp of each day's last bar. */
const dayEnds = (b: Bars) => b.time.filter((_, i) => i + 1 === b.time.length || b.date[i + 1] !== b.date[i]);

const image = (ds: FactorDataset, i: number) => {
  const out = new Float32Array(ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2]);
  ds.fillImage(i, out);
  return out;
};

describe('intraday dataset on the czsc file (16 bars a day)', () => {
  const seed = build(minute, 'seed');
  const tf = build(minute, 'time-factor');
  const { days, close } = dayCloses(minute);

  it('seed is 224 x 224, time-factor 896 x 56: the same 56 x 16 x 56 values in two shapes', () => {
    expect(seed.factorNames.length).toBe(CORE_FACTOR_COUNT);
    expect(seed.imageShape).toEqual([224, 224, 1]);
    expect(tf.imageShape).toEqual([896, 56, 1]);
    expect(tf.dates).toEqual(seed.dates);
    for (const i of [0, 100, seed.dates.length - 1]) expect(image(seed, i)).toEqual(image(tf, i));
  });

  it('image rows are the last 56 x 16 bars of z-scores over 40 days of bars (640), ending at the sample day', () => {
    const q = resampleMinutes(minute, 15, { missing: 'carry' });
    const z = computeFactors(q, tf.factorNames).map((x) => rollingZScore(x, 40 * 16, 4));
    for (const i of [0, 333, tf.dates.length - 1]) {
      const img = image(tf, i);
      const end = q.time.indexOf(`${tf.dates[i]} 15:00`);
      for (const [r, f] of [
        [0, 0],
        [895, 55],
        [500, 17],
      ]) {
        expect(img[r * 56 + f]).toBe(Math.fround(z[f][end - 895 + r]));
      }
    }
    // the window counts bars: the first bar with every z-score defined is the largest factor warm-up + 640 - 1
    const maxWarmup = Math.max(...FACTORS.slice(0, CORE_FACTOR_COUNT).map((f) => f.warmup));
    expect(seed.warmupBars['000001']).toBe(maxWarmup + 640 - 1);
  });

  it('sample dates: full lookback after warm-up, short days excluded, every other day kept', () => {
    // The first image needs 56 days of bars and its first bar at or after the warm-up bar.
    const firstDay = days.findIndex((_, d) => d >= 55 && (d - 55) * 16 >= seed.warmupBars['000001']);
    expect(seed.dates[0]).toBe(days[firstDay]);
    expect(seed.shortDays).toEqual(['2016-01-04', '2016-01-07']);
    expect(seed.filledBars).toEqual({ '000001': 19 });
    const expected = days.slice(firstDay).filter((d) => !seed.shortDays.includes(d));
    expect(seed.dates).toEqual(expected);
    expect(seed.dates.length).toBe(631);
    // days whose windows hold the carried short days are samples
    for (const d of ['2016-01-05', '2016-01-06', '2016-01-08', '2016-03-24']) expect(seed.dates).toContain(d);
    expect(seed.dropped).toEqual([
      { reason: 'fewer than lookbackDays days of history', count: 55 },
      {
        reason: 'factor or normalisation warm-up (not yet defined) in the lookback window',
        count: firstDay - 55,
      },
      { reason: 'short trading day (trading stopped before 15:00): not a sample date', count: 2 },
    ]);
  });

  it('labels: the daily close (last bar of each day) 14 trading days ahead, known on that day', () => {
    const at = new Map(days.map((d, i) => [d, i]));
    let unlabeled = 0;
    seed.dates.forEach((date, i) => {
      const d = at.get(date)!;
      expect(seed.targetClose[i]).toBe(close[d]);
      if (d + 14 >= days.length) {
        unlabeled++;
        expect(seed.labels[i]).toBe(-1);
        expect(seed.labelKnownOn[i]).toBe('');
        return;
      }
      const r = close[d + 14] / close[d] - 1;
      expect(seed.forwardReturns[i]).toBe(r);
      expect(seed.labels[i]).toBe(r > 0.025 ? 2 : r < -0.01 ? 0 : 1);
      expect(seed.labelKnownOn[i]).toBe(days[d + 14]);
    });
    expect(unlabeled).toBe(14);
    // A label whose horizon ends on a short day uses that day's last close: 2016-01-07 stopped at 10:00.
    const k = seed.labelKnownOn.indexOf('2016-01-07');
    expect(seed.forwardReturns[k]).toBe(close[at.get('2016-01-07')!] / seed.targetClose[k] - 1);
  });
});

/** Deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A different future after stamp `cut`: every 1-minute bar after it gets a new price path and volume, every 37th
 * is removed (gaps; a removed 15:00 bar makes its day short), and the afternoon of the third day after the cut
 * is removed (a new short day).
 */
function newFuture(b: Bars, cut: string, rand: () => number): Bars {
  const first = b.time.findIndex((t) => t > cut);
  const dayAfter = [...new Set(b.date.slice(first))][2];
  const keep: number[] = [];
  for (let i = 0; i < b.time.length; i++) {
    if (i < first) keep.push(i);
    else if ((i - first) % 37 !== 5 && !(b.date[i] === dayAfter && b.time[i].slice(11) > '13:00'))
      keep.push(i);
  }
  const out = selectBars(b, keep);
  let level = 1;
  for (let i = 0; i < out.time.length; i++) {
    if (out.time[i] <= cut) continue;
    level *= 1 + (rand() - 0.5) * 0.004;
    const o = out.open[i] * level;
    const c = out.close[i] * level * (1 + (rand() - 0.5) * 0.002);
    out.open[i] = o;
    out.close[i] = c;
    out.high[i] = Math.max(o, c) * (1 + rand() * 0.001);
    out.low[i] = Math.min(o, c) * (1 - rand() * 0.001);
    out.volume[i] = out.volume[i] * (0.5 + rand());
  }
  return out;
}

/** Index of the first element where two float arrays differ (Object.is), or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

describe('no look-ahead at 16 bars a day (changing any bar after t changes nothing at or before t)', () => {
  // 2015-01-05..2016-09-30: the two short days, several gapped days and ~330 sample dates.
  const span = selectBars(
    minute,
    minute.date.flatMap((d, i) => (d <= '2016-09-30' ? [i] : [])),
  );
  const base = build(span);
  const q0 = resampleMinutes(span, 15, { missing: 'carry' });
  const f0 = computeFactors(q0, base.factorNames);
  const z0 = f0.map((x) => rollingZScore(x, 640, 4));
  const rand = rng(20261201);

  it.each([
    '2015-12-31 15:00', // a day's end, before the circuit-breaker days
    '2016-01-04 13:30', // inside a short day
    '2016-03-15 10:45',
    '2016-06-20 14:15',
  ])('cut at %s', (cut) => {
    const moved = newFuture(span, cut, rand);
    const ds = build(moved);
    const q = resampleMinutes(moved, 15, { missing: 'carry' });
    const f = computeFactors(q, base.factorNames);
    const z = f.map((x) => rollingZScore(x, 640, 4));

    // factors and z-scores of every 15-minute bar stamped at or before the cut
    let upTo = -1;
    while (upTo + 1 < q0.time.length && q0.time[upTo + 1] <= cut) upTo++;
    expect(q.time.slice(0, upTo + 1)).toEqual(q0.time.slice(0, upTo + 1));
    for (let k = 0; k < f0.length; k++) {
      for (let t = 0; t <= upTo; t++) {
        if (!Object.is(f[k][t], f0[k][t])) expect.fail(`${base.factorNames[k]} at ${q0.time[t]} changed`);
        if (!Object.is(z[k][t], z0[k][t]))
          expect.fail(`z of ${base.factorNames[k]} at ${q0.time[t]} changed`);
      }
    }
    // samples whose day has closed by the cut: same dates, images, last-bar vectors, closes
    const closed = (date: string) => `${date} 15:00` <= cut;
    const n = base.dates.filter(closed).length;
    expect(n).toBeGreaterThan(50);
    expect(ds.dates.slice(0, n)).toEqual(base.dates.slice(0, n));
    expect(ds.dates.length > n ? closed(ds.dates[n]) : false).toBe(false);
    const lastBar = (d: FactorDataset, i: number) => {
      const o = new Float32Array(d.lastBarSize);
      d.fillLastBar(i, o);
      return o;
    };
    for (let i = 0; i < n; i++) {
      if (firstDiff(image(ds, i), image(base, i)) >= 0) expect.fail(`image of ${base.dates[i]} changed`);
      if (firstDiff(lastBar(ds, i), lastBar(base, i)) >= 0)
        expect.fail(`last bar of ${base.dates[i]} changed`);
      expect(ds.targetClose[i]).toBe(base.targetClose[i]);
    }
    // labels known by the cut (their t + H day has closed) are unchanged; the others may change. No cut has a
    // short day among its last 14 trading days, so exactly the last 14 closed samples are not yet known.
    let known = 0;
    for (let i = 0; i < n; i++) {
      if (base.labelKnownOn[i] !== '' && closed(base.labelKnownOn[i])) {
        known++;
        expect(ds.labels[i]).toBe(base.labels[i]);
        expect(ds.forwardReturns[i]).toBe(base.forwardReturns[i]);
        expect(ds.labelKnownOn[i]).toBe(base.labelKnownOn[i]);
      }
    }
    expect(known).toBe(Math.max(0, n - 14));
    expect(ds.shortDays.filter(closed)).toEqual(base.shortDays.filter(closed));
    // the perturbation is real: later images and labels changed, and a new short day appeared
    let changed = 0;
    for (let i = n; i < Math.min(ds.dates.length, base.dates.length, n + 40); i++) {
      if (ds.dates[i] === base.dates[i] && firstDiff(image(ds, i), image(base, i)) >= 0) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    // short days of the new future, read off its bars: days whose last bar ends before 15:00
    const newShort = dayEnds(moved)
      .filter((t) => t.slice(11) < '15:00')
      .map((t) => t.slice(0, 10));
    expect(newShort.length).toBeGreaterThan(base.shortDays.length);
    expect(ds.shortDays).toEqual(newShort);
    for (const d of newShort) expect(ds.dates).not.toContain(d);
  });
});
