/**
 * Volatility and range: ATR, Bollinger bands, bar range, realised volatility and its higher moments.
 * Conventions: ../context.ts.
 */
import { map, nanArray, sma, wilder } from '../primitives';
import { definer, FactorContext, type FactorSpec, nearZero } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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
function boll(c: FactorContext) {
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
function moments(c: FactorContext, n: number) {
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

export const VOLATILITY_FACTORS: readonly FactorSpec[] = list;
