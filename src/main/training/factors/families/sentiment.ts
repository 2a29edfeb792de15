/** Sentiment indicators of the Chinese terminals: PSY, AR, BR, CR. Conventions: ../context.ts. */
import { map, rollingSum } from '../primitives';
import { definer, type FactorSpec, ratio } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const SENTIMENT_FACTORS: readonly FactorSpec[] = list;
