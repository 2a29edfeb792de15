/**
 * Every registered factor against an independent computation on real CSI 300 daily bars (2005-2023):
 * the technicalindicators library where it has the indicator, otherwise a plain-loop hand computation written
 * here with direct windows (not the registry's running sums / memoised helpers).
 */
import {
  ADL,
  ADX,
  ATR,
  BollingerBands,
  CCI,
  EMA,
  MACD,
  MFI,
  OBV,
  ROC,
  RSI,
  SD,
  SMA,
  Stochastic,
  TRIX,
  WilliamsR,
} from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { computeFactors, FACTORS, factorNames } from '../../../src/main/training/factors/registry';
import { loadDailyBars } from './daily-bars';

const b = loadDailyBars('000300');
const N = b.close.length;
const { open: O, high: H, low: L, close: C, volume: V, amount: A } = b;
const closes = Array.from(C);
const highs = Array.from(H);
const lows = Array.from(L);
const volumes = Array.from(V);
const mine = new Map(factorNames().map((name, i) => [name, computeFactors(b)[i]]));

/** Library output (shorter by its warm-up) placed at the end of a NaN array of length N; checks the length. */
function endAligned(lib: number[], expectedLength: number): Float64Array {
  expect(lib.length).toBe(expectedLength);
  const out = new Float64Array(N).fill(NaN);
  lib.forEach((v, k) => (out[N - lib.length + k] = v));
  return out;
}
const full = (f: (t: number) => number) => Float64Array.from({ length: N }, (_, t) => f(t));
const nan = NaN;
/** Sum of f(i) for i in [t-n+1, t], computed directly. */
const wsum = (t: number, n: number, f: (i: number) => number) => {
  let s = 0;
  for (let i = t - n + 1; i <= t; i++) s += f(i);
  return s;
};

interface Ref {
  expected: () => Float64Array;
  /** Absolute tolerance in the factor's units. */
  tol: number;
  source: 'technicalindicators' | 'hand';
}
const REF: Record<string, Ref> = {};
const lib = (name: string, tol: number, expected: () => Float64Array) =>
  (REF[name] = { expected, tol, source: 'technicalindicators' });
const hand = (name: string, tol: number, expected: () => Float64Array) =>
  (REF[name] = { expected, tol, source: 'hand' });

const libSma = (values: number[], period: number) =>
  endAligned(SMA.calculate({ period, values }), values.length - period + 1);

// --- trend
for (const n of [5, 10, 20, 30, 60]) {
  lib(`ma_dev_${n}`, 1e-9, () => {
    const m = libSma(closes, n);
    return full((t) => 100 * (C[t] / m[t] - 1));
  });
}
for (const n of [6, 12, 24]) {
  lib(`bias_${n}`, 1e-9, () => {
    const m = libSma(closes, n);
    return full((t) => (100 * (C[t] - m[t])) / m[t]);
  });
}
for (const n of [12, 26]) {
  lib(`ema_dev_${n}`, 1e-9, () => {
    const e = endAligned(EMA.calculate({ period: n, values: closes }), N - n + 1);
    return full((t) => 100 * (C[t] / e[t] - 1));
  });
}
lib('ma_cross_5_20', 1e-9, () => {
  const f = libSma(closes, 5);
  const s = libSma(closes, 20);
  return full((t) => 100 * (f[t] / s[t] - 1));
});
const macd = () => {
  const out = MACD.calculate({
    values: closes,
    fastPeriod: 12,
    slowPeriod: 26,
    signalPeriod: 9,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
  });
  const pick = (k: 'MACD' | 'signal' | 'histogram') =>
    endAligned(
      out.map((o) => o[k] ?? nan),
      N - 25,
    );
  return { dif: pick('MACD'), dea: pick('signal'), hist: pick('histogram') };
};
lib('macd_dif', 1e-9, () => {
  const m = macd().dif;
  return full((t) => (100 * m[t]) / C[t]);
});
lib('macd_dea', 1e-9, () => {
  const m = macd().dea;
  return full((t) => (100 * m[t]) / C[t]);
});
lib('macd_hist', 1e-9, () => {
  const m = macd().hist;
  return full((t) => (100 * m[t]) / C[t]);
});

// --- oscillators. technicalindicators rounds RSI and MFI to 2 decimals: tolerance 0.005 (+ float noise).
for (const n of [6, 12, 24])
  lib(`rsi_${n}`, 0.005 + 1e-9, () => endAligned(RSI.calculate({ period: n, values: closes }), N - n));
lib('wr_14', 1e-9, () =>
  endAligned(WilliamsR.calculate({ high: highs, low: lows, close: closes, period: 14 }), N - 13),
);
lib('cci_14', 1e-9, () =>
  endAligned(CCI.calculate({ high: highs, low: lows, close: closes, period: 14 }), N - 13),
);
lib('stoch_rsi_14', 1e-7, () => {
  // the library's StochasticRSI rounds RSI to 2 decimals, so feed its Stochastic an unrounded Wilder RSI from a plain loop
  const rsi: number[] = [];
  let g = 0;
  let l = 0;
  for (let t = 1; t < N; t++) {
    const d = C[t] - C[t - 1];
    if (t <= 14) {
      g += Math.max(d, 0) / 14;
      l += Math.max(-d, 0) / 14;
    } else {
      g = (g * 13 + Math.max(d, 0)) / 14;
      l = (l * 13 + Math.max(-d, 0)) / 14;
    }
    if (t >= 14) rsi.push(100 - 100 / (1 + g / l));
  }
  const k = Stochastic.calculate({ high: rsi, low: rsi, close: rsi, period: 14, signalPeriod: 3 }).map(
    (o) => o.k,
  );
  return endAligned(k, N - 27);
});
lib('mfi_14', 0.005 + 1e-9, () => {
  // the library ignores bar 0 (its first money flow compares bars 2 and 1), so it starts one bar later: N - 15 values
  const m = MFI.calculate({ high: highs, low: lows, close: closes, volume: volumes, period: 14 });
  return endAligned(m, N - 15);
});

// --- volatility
const atr = () => endAligned(ATR.calculate({ high: highs, low: lows, close: closes, period: 14 }), N - 14);
lib('atr_14', 1e-9, atr);
lib('natr_14', 1e-9, () => {
  const a = atr();
  return full((t) => (100 * a[t]) / C[t]);
});
const bb = () => BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
lib('boll_pctb_20', 1e-9, () =>
  endAligned(
    bb().map((o) => o.pb),
    N - 19,
  ),
);
lib('boll_width_20', 1e-9, () =>
  endAligned(
    bb().map((o) => (100 * (o.upper - o.lower)) / o.middle),
    N - 19,
  ),
);
const logret = full((t) => (t === 0 ? nan : 100 * Math.log(C[t] / C[t - 1])));
for (const n of [5, 20])
  lib(`rv_${n}`, 1e-9, () =>
    endAligned(SD.calculate({ period: n, values: Array.from(logret.subarray(1)) }), N - n),
  );

// --- momentum
for (const n of [1, 5, 10, 20])
  lib(`roc_${n}`, 1e-9, () => endAligned(ROC.calculate({ period: n, values: closes }), N - n));
lib('trix_12', 1e-9, () => endAligned(TRIX.calculate({ period: 12, values: closes }), N - 34));
lib('dpo_20', 1e-9, () => {
  const m = libSma(closes, 20);
  return full((t) => (t < 11 ? nan : 100 * (C[t] / m[t - 11] - 1)));
});

// --- DMI: the library emits rows only once ADX exists (bar 27); +DI/-DI before that are covered by the warm-up test
const adx = () => ADX.calculate({ high: highs, low: lows, close: closes, period: 14 });
lib('pdi_14', 1e-9, () =>
  endAligned(
    adx().map((o) => o.pdi),
    N - 27,
  ),
);
lib('mdi_14', 1e-9, () =>
  endAligned(
    adx().map((o) => o.mdi),
    N - 27,
  ),
);
lib('adx_14', 1e-9, () =>
  endAligned(
    adx().map((o) => o.adx),
    N - 27,
  ),
);

// --- volume
lib('obv_chg_20', 1e-12, () => {
  const obv = [0, ...OBV.calculate({ close: closes, volume: volumes })]; // OBV is 0 at bar 0 by definition
  expect(obv.length).toBe(N);
  return full((t) => (t < 20 ? nan : (obv[t] - obv[t - 20]) / wsum(t, 20, (i) => V[i])));
});
lib('cmf_20', 1e-8, () => {
  // ADL accumulates CLV·V (rounded to whole shares): a 20-bar difference is the CMF numerator
  const adl = ADL.calculate({ high: highs, low: lows, close: closes, volume: volumes });
  expect(adl.length).toBe(N);
  return full((t) => (t < 20 ? nan : (adl[t] - adl[t - 20]) / wsum(t, 20, (i) => V[i])));
});
for (const n of [5, 20]) {
  lib(`vol_ratio_${n}`, 1e-12, () => {
    const m = libSma(volumes, n);
    return full((t) => V[t] / m[t]);
  });
  lib(`amount_ratio_${n}`, 1e-12, () => {
    const m = libSma(Array.from(A), n);
    return full((t) => A[t] / m[t]);
  });
}

// --- hand computations (plain loops, direct windows)
hand('kdj_k', 1e-9, () => kdj().k);
hand('kdj_d', 1e-9, () => kdj().d);
hand('kdj_j', 1e-9, () => kdj().j);
function kdj() {
  const k = new Float64Array(N).fill(nan);
  const d = new Float64Array(N).fill(nan);
  const j = new Float64Array(N).fill(nan);
  for (let t = 8; t < N; t++) {
    const hh = Math.max(...highs.slice(t - 8, t + 1));
    const ll = Math.min(...lows.slice(t - 8, t + 1));
    const rsv = ((C[t] - ll) / (hh - ll)) * 100;
    k[t] = t === 8 ? rsv : (2 / 3) * k[t - 1] + (1 / 3) * rsv;
    d[t] = t === 8 ? k[t] : (2 / 3) * d[t - 1] + (1 / 3) * k[t];
    j[t] = 3 * k[t] - 2 * d[t];
  }
  return { k, d, j };
}
hand('uo_7_14_28', 1e-9, () =>
  full((t) => {
    if (t < 28) return nan;
    const avg = (n: number) =>
      wsum(t, n, (i) => C[i] - Math.min(L[i], C[i - 1])) /
      wsum(t, n, (i) => Math.max(H[i], C[i - 1]) - Math.min(L[i], C[i - 1]));
    return (100 * (4 * avg(7) + 2 * avg(14) + avg(28))) / 7;
  }),
);
hand('aroon_up_25', 1e-12, () =>
  full((t) => {
    if (t < 25) return nan;
    const w = highs.slice(t - 25, t + 1);
    return (100 * (25 - (25 - w.lastIndexOf(Math.max(...w))))) / 25;
  }),
);
hand('aroon_down_25', 1e-12, () =>
  full((t) => {
    if (t < 25) return nan;
    const w = lows.slice(t - 25, t + 1);
    return (100 * (25 - (25 - w.lastIndexOf(Math.min(...w))))) / 25;
  }),
);
hand('hl_range', 1e-12, () => full((t) => (100 * (H[t] - L[t])) / C[t]));
const rawMoments = (t: number, n: number) => {
  // raw power sums, a different algorithm from the registry's two-pass central moments
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = t - n + 1; i <= t; i++) {
    const r = Math.log(C[i] / C[i - 1]);
    s1 += r;
    s2 += r * r;
    s3 += r ** 3;
    s4 += r ** 4;
  }
  const m = s1 / n;
  const m2 = s2 / n - m * m;
  const m3 = s3 / n - 3 * m * (s2 / n) + 2 * m ** 3;
  const m4 = s4 / n - 4 * m * (s3 / n) + 6 * m * m * (s2 / n) - 3 * m ** 4;
  return { m2, m3, m4 };
};
hand('skew_20', 1e-6, () =>
  full((t) => {
    if (t < 20) return nan;
    const { m2, m3 } = rawMoments(t, 20);
    return m3 / m2 ** 1.5;
  }),
);
hand('kurt_20', 1e-6, () =>
  full((t) => {
    if (t < 20) return nan;
    const { m2, m4 } = rawMoments(t, 20);
    return m4 / m2 ** 2 - 3;
  }),
);
hand('mom_12', 1e-12, () => full((t) => (t < 12 ? nan : (100 * (C[t] - C[t - 12])) / C[t])));
hand('log_ret_1', 1e-12, () => full((t) => (t < 1 ? nan : 100 * Math.log(C[t] / C[t - 1]))));
hand('vol_log_chg', 1e-12, () => full((t) => (t < 1 ? nan : Math.log(V[t] / V[t - 1]))));
hand('emv_14', 1e-9, () => {
  const term = (t: number) => {
    const maV = wsum(t, 14, (i) => V[i]) / 14;
    const maHL = wsum(t, 14, (i) => H[i] - L[i]) / 14;
    const mid = (100 * (H[t] + L[t] - H[t - 1] - L[t - 1])) / (H[t] + L[t]);
    return (mid * (maV / V[t]) * (H[t] - L[t])) / maHL;
  };
  return full((t) => (t < 26 ? nan : wsum(t, 14, term) / 14));
});
hand('psy_12', 1e-12, () =>
  full((t) => (t < 12 ? nan : (100 * wsum(t, 12, (i) => (C[i] > C[i - 1] ? 1 : 0))) / 12)),
);
hand('ar_26', 1e-9, () =>
  full((t) => (t < 25 ? nan : (100 * wsum(t, 26, (i) => H[i] - O[i])) / wsum(t, 26, (i) => O[i] - L[i]))),
);
hand('br_26', 1e-9, () =>
  full((t) =>
    t < 26
      ? nan
      : (100 * wsum(t, 26, (i) => Math.max(0, H[i] - C[i - 1]))) /
        wsum(t, 26, (i) => Math.max(0, C[i - 1] - L[i])),
  ),
);
hand('cr_26', 1e-9, () =>
  full((t) => {
    if (t < 26) return nan;
    const mid = (i: number) => (H[i - 1] + L[i - 1]) / 2;
    return (
      (100 * wsum(t, 26, (i) => Math.max(0, H[i] - mid(i)))) / wsum(t, 26, (i) => Math.max(0, mid(i) - L[i]))
    );
  }),
);
hand('clv', 1e-12, () => full((t) => (2 * C[t] - L[t] - H[t]) / (H[t] - L[t])));
hand('body', 1e-12, () => full((t) => (100 * (C[t] - O[t])) / O[t]));
hand('upper_shadow', 1e-12, () => full((t) => (100 * (H[t] - Math.max(O[t], C[t]))) / C[t]));
hand('lower_shadow', 1e-12, () => full((t) => (100 * (Math.min(O[t], C[t]) - L[t])) / C[t]));
hand('gap', 1e-12, () => full((t) => (t < 1 ? nan : (100 * (O[t] - C[t - 1])) / C[t - 1])));

describe('factors against independent implementations (CSI 300 daily, 2005-2023)', () => {
  it('has a reference for every registered factor and none for unknown names', () => {
    expect(Object.keys(REF).sort()).toEqual(factorNames().sort());
  });

  it('the real series has no flat bars, so no neutral fallback hides in the comparison', () => {
    // the references above divide without fallbacks; a zero range or volume would make them Infinity/NaN
    for (let t = 0; t < N; t++) {
      expect(H[t] > L[t] && V[t] > 0 && A[t] > 0).toBe(true);
    }
  });

  it.each(FACTORS.map((f) => [f.name, f.warmup] as const))('%s', (name, warmup) => {
    const ref = REF[name];
    const want = ref.expected();
    const got = mine.get(name)!;
    let compared = 0;
    let worst = 0;
    let worstAt = -1;
    for (let t = 0; t < N; t++) {
      if (!Number.isFinite(want[t])) continue;
      compared++;
      const err = Math.abs(got[t] - want[t]);
      if (!(err <= worst)) {
        worst = err;
        worstAt = t;
      }
    }
    // the reference must cover (almost) all defined bars: at most 30 bars after the warm-up may be uncovered
    expect(compared).toBeGreaterThanOrEqual(N - warmup - 30);
    expect(worst, `${name} worst error ${worst} at ${b.time[worstAt]} (${ref.source})`).toBeLessThanOrEqual(
      ref.tol,
    );
  });
});
