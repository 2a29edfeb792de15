/** Directional movement (Wilder): +DI, −DI, ADX. Conventions: ../context.ts. */
import { definer, type FactorSpec } from '../context';

const list: FactorSpec[] = [];
const def = definer(list);

def(
  {
    name: 'pdi_14',
    group: 'dmi',
    description: 'Plus directional indicator +DI (Wilder)',
    formula: '+DM = ΔH if ΔH > −ΔL and ΔH > 0 else 0;  100 · Wilder(+DM,14) / Wilder(TR,14)',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => c.dmi().pdi,
);
def(
  {
    name: 'mdi_14',
    group: 'dmi',
    description: 'Minus directional indicator −DI (Wilder)',
    formula: '−DM = −ΔL if −ΔL > ΔH and −ΔL > 0 else 0;  100 · Wilder(−DM,14) / Wilder(TR,14)',
    params: { period: 14 },
    warmup: 14,
  },
  (c) => c.dmi().mdi,
);
def(
  {
    name: 'adx_14',
    group: 'dmi',
    description: 'Average directional index (Wilder)',
    formula: 'DX = 100 · |+DI − −DI| / (+DI + −DI) [0 when both 0];  ADX = Wilder(DX, 14)',
    params: { period: 14 },
    warmup: 27,
  },
  (c) => c.dmi().adx,
);

export const DMI_FACTORS: readonly FactorSpec[] = list;
