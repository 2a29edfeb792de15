/** Candle shape: close location value and the opening gap. Conventions: ../context.ts. */
import { map, ref } from '../primitives';
import { definer, type FactorSpec, pctDev, safeDiv } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const CANDLE_FACTORS: readonly FactorSpec[] = list;
