/**
 * Volume and money flow: OBV change, MFI, volume ratios, Chaikin money flow, ease of movement.
 * Conventions: ../context.ts.
 */
import { map, rollingSum, sma } from '../primitives';
import { definer, type FactorSpec, ratio, safeDiv } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const VOLUME_FACTORS: readonly FactorSpec[] = list;
