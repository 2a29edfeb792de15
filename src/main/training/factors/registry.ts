/**
 * The factor registry: named technical-analysis factors per bar (daily or intraday; every period is in bars).
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
import { DataError } from '../../../shared/errors';
import type { Bars, FactorInfo } from '../../../shared/domain';
import {
  cnSma,
  ema,
  map,
  nanArray,
  ref,
  rollingMax,
  rollingMin,
  rollingSum,
  sma,
  wilder,
} from './primitives';

// Called per bar, so kept local: imported bindings can cost a getter call per use under some module loaders.
/** a / b, or `fallback` where b == 0 (NaN stays NaN). Used for documented neutral values instead of ±Infinity. */
function safeDiv(a: number, b: number, fallback: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return b === 0 ? fallback : a / b;
}

/** True when |d| is zero up to rounding relative to `scale` (a mean of prices, say): 1e-10 relative. */
function nearZero(d: number, scale: number): boolean {
  return Math.abs(d) <= 1e-10 * Math.abs(scale);
}

/** A registered factor: its documentation plus a causal computation over bars. */
export type FactorDef = FactorInfo & { compute(b: Bars): Float64Array };

/** Series shared between factors while computing one set of bars (memoised per computeFactors call). */
class Ctx {
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

type Impl = (c: Ctx) => Float64Array;

const IMPLS = new Map<string, Impl>();
const FACTOR_LIST: FactorDef[] = [];

function def(info: FactorInfo, impl: Impl): void {
  if (IMPLS.has(info.name)) throw new Error(`duplicate factor name ${info.name}`);
  IMPLS.set(info.name, impl);
  FACTOR_LIST.push({ ...info, compute: (b: Bars) => impl(new Ctx(checkBars(b))) });
}

/** Percent deviation of a from b: 100·(a/b − 1). */
const pctDev = (a: Float64Array, b: Float64Array) => {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = 100 * (a[t] / b[t] - 1);
  return out;
};

/** scale·num/den element-wise; `fallback` where den == 0 (the documented neutral value); NaN stays NaN. */
function ratio(num: Float64Array, den: Float64Array, scale: number, fallback: number): Float64Array {
  const out = new Float64Array(num.length);
  for (let t = 0; t < num.length; t++) out[t] = safeDiv(scale * num[t], den[t], fallback);
  return out;
}

// ---------------------------------------------------------------- moving-average deviations (trend)
for (const n of [5, 10, 20, 30, 60]) {
  def(
    {
      name: `ma_dev_${n}`,
      group: 'trend',
      description: `Close relative to its ${n}-bar simple moving average`,
      formula: `100 · (C / SMA(C, ${n}) − 1)   [percent]`,
      params: { period: n },
      warmup: n - 1,
    },
    (c) => pctDev(c.c, c.smaC(n)),
  );
}
for (const n of [12, 26]) {
  def(
    {
      name: `ema_dev_${n}`,
      group: 'trend',
      description: `Close relative to its ${n}-bar exponential moving average`,
      formula: `100 · (C / EMA(C, ${n}) − 1)   [percent; EMA alpha 2/(n+1), SMA-seeded]`,
      params: { period: n },
      warmup: n - 1,
    },
    (c) => pctDev(c.c, c.emaC(n)),
  );
}
def(
  {
    name: 'ma_cross_5_20',
    group: 'trend',
    description: 'Fast over slow simple moving average',
    formula: '100 · (SMA(C, 5) / SMA(C, 20) − 1)   [percent]',
    params: { fast: 5, slow: 20 },
    warmup: 19,
  },
  (c) => pctDev(c.smaC(5), c.smaC(20)),
);

// ---------------------------------------------------------------- MACD (scaled by close)
def(
  {
    name: 'macd_dif',
    group: 'macd',
    description: 'MACD line (DIF) as a percent of close',
    formula: 'DIF = EMA(C,12) − EMA(C,26);  100 · DIF / C',
    params: { fast: 12, slow: 26 },
    warmup: 25,
  },
  (c) => {
    const { dif } = c.macd();
    return map(c.n, (t) => (100 * dif[t]) / c.c[t]);
  },
);
def(
  {
    name: 'macd_dea',
    group: 'macd',
    description: 'MACD signal line (DEA) as a percent of close',
    formula: 'DEA = EMA(DIF, 9);  100 · DEA / C',
    params: { fast: 12, slow: 26, signal: 9 },
    warmup: 33,
  },
  (c) => {
    const { dea } = c.macd();
    return map(c.n, (t) => (100 * dea[t]) / c.c[t]);
  },
);
def(
  {
    name: 'macd_hist',
    group: 'macd',
    description: 'MACD histogram as a percent of close (without the ×2 some Chinese terminals apply)',
    formula: '100 · (DIF − DEA) / C',
    params: { fast: 12, slow: 26, signal: 9 },
    warmup: 33,
  },
  (c) => {
    const { dif, dea } = c.macd();
    return map(c.n, (t) => (100 * (dif[t] - dea[t])) / c.c[t]);
  },
);

// ---------------------------------------------------------------- oscillators
for (const n of [6, 12, 24]) {
  def(
    {
      name: `rsi_${n}`,
      group: 'oscillator',
      description: `Relative strength index over ${n} bars (Wilder smoothing)`,
      formula: `100 − 100 / (1 + Wilder(max(ΔC,0), ${n}) / Wilder(max(−ΔC,0), ${n}))   [0..100; no losses → 100; no moves → 50]`,
      params: { period: n },
      warmup: n,
    },
    (c) => c.rsi(n),
  );
}
def(
  {
    name: 'kdj_k',
    group: 'oscillator',
    description: 'KDJ K line (Chinese terminals)',
    formula: 'RSV = 100 · (C − LLV(L,9)) / (HHV(H,9) − LLV(L,9)) [50 when HHV = LLV];  K = SMA(RSV, 3, 1)',
    params: { n: 9, m1: 3, m2: 3 },
    warmup: 8,
  },
  (c) => c.kdj().k,
);
def(
  {
    name: 'kdj_d',
    group: 'oscillator',
    description: 'KDJ D line',
    formula: 'D = SMA(K, 3, 1)',
    params: { n: 9, m1: 3, m2: 3 },
    warmup: 8,
  },
  (c) => c.kdj().d,
);
def(
  {
    name: 'kdj_j',
    group: 'oscillator',
    description: 'KDJ J line',
    formula: 'J = 3K − 2D',
    params: { n: 9, m1: 3, m2: 3 },
    warmup: 8,
  },
  (c) => c.kdj().j,
);
def(
  {
    name: 'wr_14',
    group: 'oscillator',
    description: 'Williams %R over 14 bars',
    formula: '−100 · (HHV(H,14) − C) / (HHV(H,14) − LLV(L,14))   [−100..0; flat window → −50]',
    params: { period: 14 },
    warmup: 13,
  },
  (c) => {
    const hh = rollingMax(c.h, 14);
    const ll = rollingMin(c.l, 14);
    return map(c.n, (t) => safeDiv(-100 * (hh[t] - c.c[t]), hh[t] - ll[t], -50));
  },
);
def(
  {
    name: 'cci_14',
    group: 'oscillator',
    description: 'Commodity channel index over 14 bars',
    formula:
      'TP = (H+L+C)/3;  (TP − SMA(TP,14)) / (0.015 · mean|TP − SMA(TP,14)|)   [mean deviation ≤ 1e-10·SMA(TP) → 0]',
    params: { period: 14 },
    warmup: 13,
  },
  (c) => {
    const n = 14;
    const tp = map(c.n, (t) => (c.h[t] + c.l[t] + c.c[t]) / 3);
    const m = sma(tp, n);
    return map(c.n, (t) => {
      if (t < n - 1) return Number.NaN;
      let md = 0;
      for (let i = t - n + 1; i <= t; i++) md += Math.abs(tp[i] - m[t]);
      // a flat window leaves rounding noise in md: treat it as zero deviation
      return nearZero(md / n, m[t]) ? 0 : (tp[t] - m[t]) / (0.015 * (md / n));
    });
  },
);
def(
  {
    name: 'stoch_rsi_14',
    group: 'oscillator',
    description: 'Stochastic RSI: where RSI(14) sits in its 14-bar range (unsmoothed)',
    formula: '100 · (RSI14 − min(RSI14, 14)) / (max(RSI14, 14) − min(RSI14, 14))   [range ≤ 1e-8 → 50]',
    params: { rsiPeriod: 14, stochPeriod: 14 },
    warmup: 27,
  },
  (c) => {
    const r = c.rsi(14);
    const hi = rollingMax(r, 14);
    const lo = rollingMin(r, 14);
    // over a flat stretch RSI is constant up to rounding (Wilder keeps the gain/loss ratio): treat that as no range
    return map(c.n, (t) =>
      Number.isNaN(hi[t])
        ? Number.NaN
        : nearZero(hi[t] - lo[t], 100)
          ? 50
          : (100 * (r[t] - lo[t])) / (hi[t] - lo[t]),
    );
  },
);
def(
  {
    name: 'uo_7_14_28',
    group: 'oscillator',
    description: 'Ultimate Oscillator (Williams)',
    formula:
      'BP = C − min(L, C[1]); TR = max(H, C[1]) − min(L, C[1]); Avg_n = ΣBP/ΣTR over n;  100 · (4·Avg7 + 2·Avg14 + Avg28) / 7   [ΣTR = 0 → Avg 0.5]',
    params: { short: 7, medium: 14, long: 28 },
    warmup: 28,
  },
  (c) => {
    const bp = map(c.n, (t) => (t === 0 ? Number.NaN : c.c[t] - Math.min(c.l[t], c.c[t - 1])));
    const tr = c.tr();
    const avg = (n: number) => {
      const sb = rollingSum(bp, n);
      const st = rollingSum(tr, n);
      return ratio(sb, st, 1, 0.5);
    };
    const a7 = avg(7);
    const a14 = avg(14);
    const a28 = avg(28);
    return map(c.n, (t) => (100 * (4 * a7[t] + 2 * a14[t] + a28[t])) / 7);
  },
);

// ---------------------------------------------------------------- volatility and range
def(
  {
    name: 'atr_14',
    group: 'volatility',
    description: 'Average true range over 14 bars, in index points (not scale-free; see natr_14)',
    formula: 'Wilder(TR, 14), TR = max(H, C[1]) − min(L, C[1]) from bar 1',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => c.memo('atr14', () => wilder(c.tr(), 14)),
);
def(
  {
    name: 'natr_14',
    group: 'volatility',
    description: 'Normalised average true range',
    formula: '100 · ATR14 / C   [percent]',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => {
    const atr = c.memo('atr14', () => wilder(c.tr(), 14));
    return map(c.n, (t) => (100 * atr[t]) / c.c[t]);
  },
);
function boll(c: Ctx) {
  return c.memo('boll', () => {
    const n = 20;
    const m = c.smaC(n);
    const sd = map(c.n, (t) => {
      if (t < n - 1) return Number.NaN;
      let s = 0;
      for (let i = t - n + 1; i <= t; i++) s += (c.c[i] - m[t]) ** 2;
      return Math.sqrt(s / n);
    });
    return { m, sd };
  });
}
def(
  {
    name: 'boll_pctb_20',
    group: 'volatility',
    description: 'Bollinger %B: position of close between the bands (20 bars, 2 population std)',
    formula:
      'MID = SMA(C,20), SD = population std(C,20);  (C − (MID − 2SD)) / (4SD)   [SD ≤ 1e-10·MID → 0.5]',
    params: { period: 20, k: 2 },
    warmup: 19,
  },
  (c) => {
    const { m, sd } = boll(c);
    return map(c.n, (t) =>
      Number.isNaN(sd[t])
        ? Number.NaN
        : nearZero(sd[t], m[t])
          ? 0.5
          : (c.c[t] - (m[t] - 2 * sd[t])) / (4 * sd[t]),
    );
  },
);
def(
  {
    name: 'boll_width_20',
    group: 'volatility',
    description: 'Bollinger band width relative to the middle band',
    formula: '100 · 4SD / MID   [percent]',
    params: { period: 20, k: 2 },
    warmup: 19,
  },
  (c) => {
    const { m, sd } = boll(c);
    return map(c.n, (t) => (100 * 4 * sd[t]) / m[t]);
  },
);
def(
  {
    name: 'hl_range',
    group: 'volatility',
    description: 'Bar range relative to close',
    formula: '100 · (H − L) / C   [percent]',
    params: {},
    warmup: 0,
  },
  (c) => map(c.n, (t) => (100 * (c.h[t] - c.l[t])) / c.c[t]),
);
for (const n of [5, 20]) {
  def(
    {
      name: `rv_${n}`,
      group: 'volatility',
      description: `Realised volatility: population std of the last ${n} one-bar log returns (not annualised)`,
      formula: `std_pop(100 · ln(C/C[1]), ${n})   [percent per bar]`,
      params: { period: n },
      warmup: n,
    },
    (c) => {
      const r = c.logret();
      const m = sma(r, n);
      return map(c.n, (t) => {
        if (t < n) return Number.NaN;
        let s = 0;
        for (let i = t - n + 1; i <= t; i++) s += (r[i] - m[t]) ** 2;
        return Math.sqrt(s / n);
      });
    },
  );
}
function moments(c: Ctx, n: number) {
  return c.memo(`moments${n}`, () => {
    const r = c.logret();
    const skew = nanArray(c.n);
    const kurt = nanArray(c.n);
    for (let t = n; t < c.n; t++) {
      let mean = 0;
      for (let i = t - n + 1; i <= t; i++) mean += r[i];
      mean /= n;
      let m2 = 0;
      let m3 = 0;
      let m4 = 0;
      for (let i = t - n + 1; i <= t; i++) {
        const d = r[i] - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
      }
      m2 /= n;
      m3 /= n;
      m4 /= n;
      skew[t] = m2 === 0 ? 0 : m3 / m2 ** 1.5;
      kurt[t] = m2 === 0 ? 0 : m4 / (m2 * m2) - 3;
    }
    return { skew, kurt };
  });
}
def(
  {
    name: 'skew_20',
    group: 'volatility',
    description: 'Skewness of the last 20 one-bar log returns (population moments)',
    formula: 'm3 / m2^1.5 of ln(C/C[1]) over 20 bars   [m2 = 0 → 0]',
    params: { period: 20 },
    warmup: 20,
  },
  (c) => moments(c, 20).skew,
);
def(
  {
    name: 'kurt_20',
    group: 'volatility',
    description: 'Excess kurtosis of the last 20 one-bar log returns (population moments)',
    formula: 'm4 / m2² − 3 of ln(C/C[1]) over 20 bars   [m2 = 0 → 0]',
    params: { period: 20 },
    warmup: 20,
  },
  (c) => moments(c, 20).kurt,
);

// ---------------------------------------------------------------- momentum
for (const n of [1, 5, 10, 20]) {
  def(
    {
      name: `roc_${n}`,
      group: 'momentum',
      description: `Rate of change over ${n} bar${n > 1 ? 's' : ''}`,
      formula: `100 · (C / C[${n}] − 1)   [percent]`,
      params: { period: n },
      warmup: n,
    },
    (c) => pctDev(c.c, ref(c.c, n)),
  );
}
def(
  {
    name: 'mom_12',
    group: 'momentum',
    description: 'Momentum over 12 bars, scaled by the current close',
    formula: '100 · (C − C[12]) / C   [percent of current close]',
    params: { period: 12 },
    warmup: 12,
  },
  (c) => map(c.n, (t) => (t < 12 ? Number.NaN : (100 * (c.c[t] - c.c[t - 12])) / c.c[t])),
);
def(
  {
    name: 'log_ret_1',
    group: 'momentum',
    description: 'One-bar log return',
    formula: '100 · ln(C / C[1])   [percent]',
    params: {},
    warmup: 1,
  },
  (c) => c.logret(),
);
for (const n of [6, 12, 24]) {
  def(
    {
      name: `bias_${n}`,
      group: 'momentum',
      description: `BIAS (乖离率) over ${n} bars`,
      formula: `100 · (C − MA(C,${n})) / MA(C,${n})   [percent]`,
      params: { period: n },
      warmup: n - 1,
    },
    (c) => {
      const m = c.smaC(n);
      return map(c.n, (t) => (100 * (c.c[t] - m[t])) / m[t]);
    },
  );
}
def(
  {
    name: 'trix_12',
    group: 'momentum',
    description: 'TRIX: one-bar rate of change of a triple EMA',
    formula: 'TR = EMA(EMA(EMA(C,12),12),12);  100 · (TR / TR[1] − 1)   [percent]',
    params: { period: 12 },
    warmup: 34,
  },
  (c) => {
    const e3 = ema(ema(c.emaC(12), 12), 12);
    return pctDev(e3, ref(e3, 1));
  },
);
def(
  {
    name: 'dpo_20',
    group: 'momentum',
    description:
      'Detrended price oscillator, causal Chinese-terminal form (reference MA shifted 11 bars back)',
    formula: '100 · (C − REF(MA(C,20), 11)) / REF(MA(C,20), 11)   [percent]',
    params: { period: 20, shift: 11 },
    warmup: 30,
  },
  (c) => pctDev(c.c, ref(c.smaC(20), 11)),
);

// ---------------------------------------------------------------- directional movement
def(
  {
    name: 'pdi_14',
    group: 'dmi',
    description: 'Plus directional indicator +DI (Wilder)',
    formula: '+DM = ΔH if ΔH > −ΔL and ΔH > 0 else 0;  100 · Wilder(+DM,14) / Wilder(TR,14)',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => c.dmi().pdi,
);
def(
  {
    name: 'mdi_14',
    group: 'dmi',
    description: 'Minus directional indicator −DI (Wilder)',
    formula: '−DM = −ΔL if −ΔL > ΔH and −ΔL > 0 else 0;  100 · Wilder(−DM,14) / Wilder(TR,14)',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => c.dmi().mdi,
);
def(
  {
    name: 'adx_14',
    group: 'dmi',
    description: 'Average directional index (Wilder)',
    formula: 'DX = 100 · |+DI − −DI| / (+DI + −DI) [0 when both 0];  ADX = Wilder(DX, 14)',
    params: { period: 14 },
    warmup: 27,
  },
  (c) => c.dmi().adx,
);

// ---------------------------------------------------------------- volume and money flow
def(
  {
    name: 'obv_chg_20',
    group: 'volume',
    description: 'On-balance-volume change over 20 bars relative to the volume traded in them',
    formula: '(OBV − OBV[20]) / ΣV(20), OBV step = sign(C − C[1]) · V   [−1..1; ΣV = 0 → 0]',
    params: { period: 20 },
    warmup: 20,
  },
  (c) => {
    const s = rollingSum(c.obvStep(), 20);
    const sv = rollingSum(c.v, 20);
    return ratio(s, sv, 1, 0);
  },
);
def(
  {
    name: 'mfi_14',
    group: 'volume',
    description: 'Money flow index over 14 bars',
    formula:
      'TP = (H+L+C)/3, MF = TP·V; PMF = ΣMF where TP > TP[1], NMF = ΣMF where TP < TP[1] (14 bars);  100 − 100/(1 + PMF/NMF)   [NMF = 0 → 100, both 0 → 50]',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => {
    const tp = map(c.n, (t) => (c.h[t] + c.l[t] + c.c[t]) / 3);
    const pos = map(c.n, (t) => (t === 0 ? Number.NaN : tp[t] > tp[t - 1] ? tp[t] * c.v[t] : 0));
    const neg = map(c.n, (t) => (t === 0 ? Number.NaN : tp[t] < tp[t - 1] ? tp[t] * c.v[t] : 0));
    const sp = rollingSum(pos, 14);
    const sn = rollingSum(neg, 14);
    return map(c.n, (t) => (sn[t] === 0 ? (sp[t] === 0 ? 50 : 100) : 100 - 100 / (1 + sp[t] / sn[t])));
  },
);
for (const n of [5, 20]) {
  def(
    {
      name: `vol_ratio_${n}`,
      group: 'volume',
      description: `Volume relative to its ${n}-bar mean`,
      formula: `V / SMA(V, ${n})   [ratio; mean 0 → 1]`,
      params: { period: n },
      warmup: n - 1,
    },
    (c) => {
      const m = sma(c.v, n);
      return ratio(c.v, m, 1, 1);
    },
  );
}
def(
  {
    name: 'cmf_20',
    group: 'volume',
    description: 'Chaikin money flow over 20 bars',
    formula: 'CLV = ((C−L) − (H−C)) / (H−L) [0 when H = L];  Σ(CLV·V) / ΣV over 20   [−1..1; ΣV = 0 → 0]',
    params: { period: 20 },
    warmup: 19,
  },
  (c) => {
    const mfv = map(c.n, (t) => safeDiv(c.c[t] - c.l[t] - (c.h[t] - c.c[t]), c.h[t] - c.l[t], 0) * c.v[t]);
    const s = rollingSum(mfv, 20);
    const sv = rollingSum(c.v, 20);
    return ratio(s, sv, 1, 0);
  },
);
def(
  {
    name: 'emv_14',
    group: 'volume',
    description: 'Ease of movement, Chinese-terminal form (scale-free)',
    formula:
      'VOLUME = MA(V,14)/V; MID = 100·(H+L − REF(H+L,1))/(H+L);  MA(MID · VOLUME · (H−L) / MA(H−L,14), 14)   [term 0 when V = 0 or MA(H−L) = 0]',
    params: { period: 14 },
    warmup: 26,
  },
  (c) => {
    const n = 14;
    const mv = sma(c.v, n);
    const rng = map(c.n, (t) => c.h[t] - c.l[t]);
    const mr = sma(rng, n);
    const term = map(c.n, (t) => {
      if (t === 0 || Number.isNaN(mv[t]) || Number.isNaN(mr[t])) return Number.NaN;
      if (c.v[t] === 0 || mr[t] === 0) return 0;
      const hl = c.h[t] + c.l[t];
      const mid = (100 * (hl - (c.h[t - 1] + c.l[t - 1]))) / hl;
      return (mid * (mv[t] / c.v[t]) * rng[t]) / mr[t];
    });
    return sma(term, n);
  },
);

// ---------------------------------------------------------------- sentiment (Chinese terminals)
def(
  {
    name: 'psy_12',
    group: 'sentiment',
    description: 'Psychological line: share of up bars',
    formula: '100 · COUNT(C > C[1], 12) / 12',
    params: { period: 12 },
    warmup: 12,
  },
  (c) => {
    const d = c.diff();
    const up = map(c.n, (t) => (Number.isNaN(d[t]) ? Number.NaN : d[t] > 0 ? 1 : 0));
    const s = rollingSum(up, 12);
    return map(c.n, (t) => (100 * s[t]) / 12);
  },
);
def(
  {
    name: 'ar_26',
    group: 'sentiment',
    description: 'AR (popularity): buying pressure from the open',
    formula: '100 · Σ(H − O) / Σ(O − L) over 26   [Σ(O − L) = 0 → 100]',
    params: { period: 26 },
    warmup: 25,
  },
  (c) => {
    const num = rollingSum(
      map(c.n, (t) => c.h[t] - c.o[t]),
      26,
    );
    const den = rollingSum(
      map(c.n, (t) => c.o[t] - c.l[t]),
      26,
    );
    return ratio(num, den, 100, 100);
  },
);
def(
  {
    name: 'br_26',
    group: 'sentiment',
    description: 'BR (willingness): buying pressure from the previous close',
    formula: '100 · Σmax(0, H − C[1]) / Σmax(0, C[1] − L) over 26   [denominator 0 → 100]',
    params: { period: 26 },
    warmup: 26,
  },
  (c) => {
    const num = rollingSum(
      map(c.n, (t) => (t === 0 ? Number.NaN : Math.max(0, c.h[t] - c.c[t - 1]))),
      26,
    );
    const den = rollingSum(
      map(c.n, (t) => (t === 0 ? Number.NaN : Math.max(0, c.c[t - 1] - c.l[t]))),
      26,
    );
    return ratio(num, den, 100, 100);
  },
);
def(
  {
    name: 'cr_26',
    group: 'sentiment',
    description: 'CR (energy): buying pressure from the previous bar midpoint',
    formula:
      'MID = (H[1] + L[1]) / 2;  100 · Σmax(0, H − MID) / Σmax(0, MID − L) over 26   [denominator 0 → 100]',
    params: { period: 26 },
    warmup: 26,
  },
  (c) => {
    const mid = map(c.n, (t) => (t === 0 ? Number.NaN : (c.h[t - 1] + c.l[t - 1]) / 2));
    const num = rollingSum(
      map(c.n, (t) => Math.max(0, c.h[t] - mid[t])),
      26,
    );
    const den = rollingSum(
      map(c.n, (t) => Math.max(0, mid[t] - c.l[t])),
      26,
    );
    return ratio(num, den, 100, 100);
  },
);

// ---------------------------------------------------------------- candle shape
def(
  {
    name: 'clv',
    group: 'candle',
    description: 'Close location value within the bar',
    formula: '((C − L) − (H − C)) / (H − L)   [−1..1; H = L → 0]',
    params: {},
    warmup: 0,
  },
  (c) => map(c.n, (t) => safeDiv(c.c[t] - c.l[t] - (c.h[t] - c.c[t]), c.h[t] - c.l[t], 0)),
);
def(
  {
    name: 'gap',
    group: 'candle',
    description: 'Opening gap against the previous close (overnight for daily bars, bar-to-bar intraday)',
    formula: '100 · (O / C[1] − 1)   [percent]',
    params: {},
    warmup: 1,
  },
  (c) => pctDev(c.o, ref(c.c, 1)),
);

// ---------------------------------------------------------------- extras (after the 56 core factors)
// The dataset builder's default is the first 56 factors (the original study's count). These come last because they
// add little for the default set: amount ratios are a constant 1 on sources without amount (TongDaXin 1-minute
// export), the candle shapes overlap with clv/hl_range/gap, and Aroon overlaps with wr_14/kdj.
for (const n of [25]) {
  def(
    {
      name: `aroon_up_${n}`,
      group: 'oscillator',
      description: `Aroon up: how recently the ${n}-bar high was made`,
      formula: `100 · (${n} − bars since the highest H of the last ${n + 1} bars) / ${n}   [ties: most recent]`,
      params: { period: n },
      warmup: n,
    },
    (c) =>
      map(c.n, (t) => {
        if (t < n) return Number.NaN;
        let best = t;
        for (let i = t - 1; i >= t - n; i--) if (c.h[i] > c.h[best]) best = i;
        return (100 * (n - (t - best))) / n;
      }),
  );
  def(
    {
      name: `aroon_down_${n}`,
      group: 'oscillator',
      description: `Aroon down: how recently the ${n}-bar low was made`,
      formula: `100 · (${n} − bars since the lowest L of the last ${n + 1} bars) / ${n}   [ties: most recent]`,
      params: { period: n },
      warmup: n,
    },
    (c) =>
      map(c.n, (t) => {
        if (t < n) return Number.NaN;
        let best = t;
        for (let i = t - 1; i >= t - n; i--) if (c.l[i] < c.l[best]) best = i;
        return (100 * (n - (t - best))) / n;
      }),
  );
}
for (const n of [5, 20]) {
  def(
    {
      name: `amount_ratio_${n}`,
      group: 'volume',
      description: `Turnover (amount) relative to its ${n}-bar mean; constant 1 where the source has no amount (TongDaXin 1-minute)`,
      formula: `A / SMA(A, ${n})   [ratio; mean 0 → 1]`,
      params: { period: n },
      warmup: n - 1,
    },
    (c) => {
      const m = sma(c.a, n);
      return ratio(c.a, m, 1, 1);
    },
  );
}
def(
  {
    name: 'vol_log_chg',
    group: 'volume',
    description: 'One-bar log change of volume',
    formula: 'ln(V / V[1])   [0 when either volume is 0]',
    params: {},
    warmup: 1,
  },
  (c) =>
    map(c.n, (t) =>
      t === 0 ? Number.NaN : c.v[t] === 0 || c.v[t - 1] === 0 ? 0 : Math.log(c.v[t] / c.v[t - 1]),
    ),
);
def(
  {
    name: 'body',
    group: 'candle',
    description: 'Candle body: close relative to open',
    formula: '100 · (C / O − 1)   [percent]',
    params: {},
    warmup: 0,
  },
  (c) => pctDev(c.c, c.o),
);
def(
  {
    name: 'upper_shadow',
    group: 'candle',
    description: 'Upper shadow relative to close',
    formula: '100 · (H − max(O, C)) / C   [percent]',
    params: {},
    warmup: 0,
  },
  (c) => map(c.n, (t) => (100 * (c.h[t] - Math.max(c.o[t], c.c[t]))) / c.c[t]),
);
def(
  {
    name: 'lower_shadow',
    group: 'candle',
    description: 'Lower shadow relative to close',
    formula: '100 · (min(O, C) − L) / C   [percent]',
    params: {},
    warmup: 0,
  },
  (c) => map(c.n, (t) => (100 * (Math.min(c.o[t], c.c[t]) - c.l[t])) / c.c[t]),
);

/** All registered factors, in registry (= image column) order. */
export const FACTORS: readonly FactorDef[] = FACTOR_LIST;

/** Names of all registered factors in registry order. */
export function factorNames(): string[] {
  return FACTORS.map((f) => f.name);
}

/** Registry info of one factor; throws naming the unknown factor and listing valid names. */
export function factorInfo(name: string): FactorDef {
  const f = FACTORS.find((x) => x.name === name);
  if (!f) throw new Error(`Unknown factor '${name}'. Known factors: ${factorNames().join(', ')}`);
  return f;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

/** Throws DataError when the columns differ in length or hold a non-finite value (the factors assume finite bars). */
function checkBars(b: Bars): Bars {
  const n = b.close.length;
  for (const f of FIELDS) {
    const x = b[f];
    if (x.length !== n)
      throw new DataError(b.source, `column '${f}' has ${x.length} values, close has ${n}`, { field: f });
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i])) {
        throw new DataError(
          b.source,
          `non-finite ${f} at bar ${i} (${b.time[i] ?? '?'}): factors need finite bars`,
          { field: f },
        );
      }
    }
  }
  return b;
}

/**
 * Computes factors of one series of bars: one Float64Array (length = bars, NaN during warm-up) per factor, in
 * registry order, or in the order of `names` when given (so column i always belongs to names[i]; unknown names
 * throw). Intermediate series shared by several factors are computed once per call.
 */
export function computeFactors(b: Bars, names?: string[]): Float64Array[] {
  checkBars(b);
  const ctx = new Ctx(b);
  const chosen = names ? names.map((n) => factorInfo(n).name) : factorNames();
  return chosen.map((n) => IMPLS.get(n)!(ctx));
}
