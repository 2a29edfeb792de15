/**
 * What every factor shares: the per-call context of memoised series (FactorContext), the helpers for documented
 * neutral values, and the conventions all factor families follow (daily or intraday; every period is in bars).
 *
 * Conventions shared by all factors (read these before a formula):
 * - C, O, H, L, V, A = close, open, high, low, volume (shares), amount (CNY) of the bar; X[k] = X k bars ago (REF).
 * - Causal: the value at bar t uses bars 0..t only. Values are NaN during the warm-up; `warmup` is the index of
 *   the first finite value for finite input bars (asserted by tests on real data).
 * - Scale-free where the factor allows (percent deviations, ratios, bounded oscillators), because each factor
 *   is later z-scored per index over a trailing window. Exception: atr_14 is in index points (kept because it
 *   is the textbook ATR; natr_14 is its scale-free twin).
 * - Intraday bars are one continuous series: windows span the lunch break and the night, so the first bar of a
 *   day sees the overnight move as a one-bar change (e.g. in gap, roc_1, TR). Periods are in bars, never in days.
 * - Percent means ×100 (ma_dev_5 = 1.5 means close is 1.5 % above its 5-bar mean); "fraction" means not ×100.
 * - EMA(X,n): alpha 2/(n+1); Wilder(X,n): alpha 1/n (RMA). Both are seeded with the mean of the first n values
 *   (TA-Lib / technicalindicators convention). SMA(X,N,M) is the Chinese terminals' smoother
 *   Y = (M·X + (N−M)·Y')/N, seeded with the first X (MyTT / pandas ewm(adjust=False) convention).
 * - Zero denominators (a flat window with H == L, zero volume, zero amount — the TongDaXin 1-minute export has
 *   amount 0 on every bar) never give ±Infinity: each factor returns a documented neutral value instead (50 for
 *   0..100 oscillators, 1 for ratios of a quantity to its own mean, 0 for signed ratios, 100 for AR/BR/CR).
 *   Neutral values are used instead of NaN so that one flat bar does not blank a whole normalisation window;
 *   a factor that is constant over a window z-scores to 0.
 */
import type { Bars, FactorInfo } from '../../../shared/domain';
import { cnSma, ema, map, rollingMax, rollingMin, sma, wilder } from './primitives';

/** a / b, or `fallback` where b == 0 (NaN stays NaN). Used for documented neutral values instead of ±Infinity. */
export function safeDiv(a: number, b: number, fallback: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return b === 0 ? fallback : a / b;
}

/** True when |d| is zero up to rounding relative to `scale` (a mean of prices, say): 1e-10 relative. */
export function nearZero(d: number, scale: number): boolean {
  return Math.abs(d) <= 1e-10 * Math.abs(scale);
}

/** Series shared between factors while computing one set of bars (memoised per computeFactors call). */
export class FactorContext {
  readonly n: number;
  readonly o: Float64Array;
  readonly h: Float64Array;
  readonly l: Float64Array;
  readonly c: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
  private readonly cache = new Map<string, unknown>();
  constructor(b: Bars) {
    this.n = b.close.length;
    this.o = b.open;
    this.h = b.high;
    this.l = b.low;
    this.c = b.close;
    this.v = b.volume;
    this.a = b.amount;
  }
  memo<T>(key: string, f: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, f());
    return this.cache.get(key) as T;
  }
  smaC(n: number) {
    return this.memo(`smaC${n}`, () => sma(this.c, n));
  }
  emaC(n: number) {
    return this.memo(`emaC${n}`, () => ema(this.c, n));
  }
  /** C − C[1]; NaN at bar 0. */
  diff() {
    return this.memo('diff', () => map(this.n, (t) => (t === 0 ? Number.NaN : this.c[t] - this.c[t - 1])));
  }
  /** 100·ln(C / C[1]): 1-bar log return in percent. */
  logret() {
    return this.memo('logret', () =>
      map(this.n, (t) => (t === 0 ? Number.NaN : 100 * Math.log(this.c[t] / this.c[t - 1]))),
    );
  }
  /** True range max(H, C[1]) − min(L, C[1]); from bar 1 (bar 0 has no previous close). */
  tr() {
    return this.memo('tr', () =>
      map(this.n, (t) =>
        t === 0 ? Number.NaN : Math.max(this.h[t], this.c[t - 1]) - Math.min(this.l[t], this.c[t - 1]),
      ),
    );
  }
  rsi(n: number) {
    return this.memo(`rsi${n}`, () => {
      const d = this.diff();
      const up = wilder(
        map(this.n, (t) => (Number.isNaN(d[t]) ? Number.NaN : Math.max(d[t], 0))),
        n,
      );
      const dn = wilder(
        map(this.n, (t) => (Number.isNaN(d[t]) ? Number.NaN : Math.max(-d[t], 0))),
        n,
      );
      // no losses: 100 (textbook); no moves at all: 50 (neutral)
      return map(this.n, (t) => (dn[t] === 0 ? (up[t] === 0 ? 50 : 100) : 100 - 100 / (1 + up[t] / dn[t])));
    });
  }
  macd() {
    return this.memo('macd', () => {
      const e12 = this.emaC(12);
      const e26 = this.emaC(26);
      const dif = map(this.n, (t) => e12[t] - e26[t]);
      const dea = ema(dif, 9);
      return { dif, dea };
    });
  }
  kdj() {
    return this.memo('kdj', () => {
      const hh = rollingMax(this.h, 9);
      const ll = rollingMin(this.l, 9);
      const rsv = map(this.n, (t) => safeDiv(100 * (this.c[t] - ll[t]), hh[t] - ll[t], 50));
      const k = cnSma(rsv, 3, 1);
      const d = cnSma(k, 3, 1);
      return { k, d, j: map(this.n, (t) => 3 * k[t] - 2 * d[t]) };
    });
  }
  dmi() {
    return this.memo('dmi', () => {
      const n = 14;
      const pdm = map(this.n, (t) => {
        if (t === 0) return Number.NaN;
        const up = this.h[t] - this.h[t - 1];
        const down = this.l[t - 1] - this.l[t];
        return up > down && up > 0 ? up : 0;
      });
      const mdm = map(this.n, (t) => {
        if (t === 0) return Number.NaN;
        const up = this.h[t] - this.h[t - 1];
        const down = this.l[t - 1] - this.l[t];
        return down > up && down > 0 ? down : 0;
      });
      const atr = wilder(this.tr(), n);
      const sp = wilder(pdm, n);
      const sm = wilder(mdm, n);
      const pdi = ratio(sp, atr, 100, 0);
      const mdi = ratio(sm, atr, 100, 0);
      const dx = map(this.n, (t) => safeDiv(100 * Math.abs(pdi[t] - mdi[t]), pdi[t] + mdi[t], 0));
      return { pdi, mdi, adx: wilder(dx, n) };
    });
  }
  /** Signed volume: +V when C rose, −V when it fell, 0 otherwise; from bar 1. */
  obvStep() {
    return this.memo('obvStep', () =>
      map(this.n, (t) =>
        t === 0
          ? Number.NaN
          : this.c[t] > this.c[t - 1]
            ? this.v[t]
            : this.c[t] < this.c[t - 1]
              ? -this.v[t]
              : 0,
      ),
    );
  }
}

/** A factor's computation over one context: one value per bar, NaN during warm-up. */
export type FactorImpl = (c: FactorContext) => Float64Array;

/** A factor as a family file declares it: its documentation and its computation. */
export interface FactorSpec {
  info: FactorInfo;
  impl: FactorImpl;
}

/** A `def(info, impl)` that appends to `list`, so a family file reads as a list of definitions in column order. */
export function definer(list: FactorSpec[]): (info: FactorInfo, impl: FactorImpl) => void {
  return (info, impl) => void list.push({ info, impl });
}

/** Percent deviation of a from b: 100·(a/b − 1). */
export const pctDev = (a: Float64Array, b: Float64Array) => {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = 100 * (a[t] / b[t] - 1);
  return out;
};

/** scale·num/den element-wise; `fallback` where den == 0 (the documented neutral value); NaN stays NaN. */
export function ratio(num: Float64Array, den: Float64Array, scale: number, fallback: number): Float64Array {
  const out = new Float64Array(num.length);
  for (let t = 0; t < num.length; t++) out[t] = safeDiv(scale * num[t], den[t], fallback);
  return out;
}
