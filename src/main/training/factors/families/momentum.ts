/** Momentum: rates of change, log return, BIAS, TRIX, the causal DPO. Conventions: ../context.ts. */
import { ema, map, ref } from '../primitives';
import { definer, type FactorSpec, pctDev } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const MOMENTUM_FACTORS: readonly FactorSpec[] = list;
