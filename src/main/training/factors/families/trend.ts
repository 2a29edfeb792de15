/** Trend: close against its moving averages, and a fast/slow average cross. Conventions: ../context.ts. */
import { definer, type FactorSpec, pctDev } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const TREND_FACTORS: readonly FactorSpec[] = list;
