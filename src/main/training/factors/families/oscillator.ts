/**
 * Bounded oscillators: RSI, KDJ, Williams %R, CCI, stochastic RSI, Ultimate Oscillator.
 * Conventions: ../context.ts.
 */
import { map, rollingMax, rollingMin, rollingSum, sma } from '../primitives';
import { definer, type FactorSpec, nearZero, ratio, safeDiv } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const OSCILLATOR_FACTORS: readonly FactorSpec[] = list;
