/**
 * Extras: registered after the 56 core factors, so the dataset default (the first 56) does not include them.
 * Conventions: ../context.ts.
 */
import { map, sma } from '../primitives';
import { definer, type FactorSpec, pctDev, ratio } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const EXTRAS_FACTORS: readonly FactorSpec[] = list;
