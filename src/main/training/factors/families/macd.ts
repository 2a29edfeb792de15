/**
 * MACD lines, scaled by the close so that they are comparable across index levels.
 * Conventions: ../context.ts.
 */
import { map } from '../primitives';
import { definer, type FactorSpec } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

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

export const MACD_FACTORS: readonly FactorSpec[] = list;
