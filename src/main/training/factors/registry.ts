/**
 * The factor registry: every named factor, in the fixed order that is the factor-image column order.
 *
 * Each family file (families/*.ts) declares its factors; this file concatenates the families in FAMILY_ORDER,
 * so a factor's column is its position here. The first 56 (trend .. candle) are the original study's core set
 * and the dataset default; the extras come after them. tests/unit/factors/registry.test.ts pins the exact list:
 * reordering, renaming or inserting a factor changes every image and must be a deliberate change to that test.
 * Conventions shared by all factors (causality, units, neutral values): context.ts.
 */
import { DataError } from '../../../shared/errors';
import type { Bars, FactorInfo } from '../../../shared/domain';
import { FactorContext, type FactorImpl, type FactorSpec } from './context';
import { CANDLE_FACTORS } from './families/candle';
import { DMI_FACTORS } from './families/dmi';
import { EXTRAS_FACTORS } from './families/extras';
import { MACD_FACTORS } from './families/macd';
import { MOMENTUM_FACTORS } from './families/momentum';
import { OSCILLATOR_FACTORS } from './families/oscillator';
import { SENTIMENT_FACTORS } from './families/sentiment';
import { TREND_FACTORS } from './families/trend';
import { VOLATILITY_FACTORS } from './families/volatility';
import { VOLUME_FACTORS } from './families/volume';

/** A registered factor: its documentation plus a causal computation over bars. */
export type FactorDef = FactorInfo & { compute(b: Bars): Float64Array };

/** The families in column order. */
const FAMILY_ORDER: readonly (readonly FactorSpec[])[] = [
  TREND_FACTORS,
  MACD_FACTORS,
  OSCILLATOR_FACTORS,
  VOLATILITY_FACTORS,
  MOMENTUM_FACTORS,
  DMI_FACTORS,
  VOLUME_FACTORS,
  SENTIMENT_FACTORS,
  CANDLE_FACTORS,
  EXTRAS_FACTORS,
];

const IMPLS = new Map<string, FactorImpl>();
const FACTOR_LIST: FactorDef[] = [];
for (const { info, impl } of FAMILY_ORDER.flat()) {
  if (IMPLS.has(info.name)) throw new Error(`duplicate factor name ${info.name}`);
  IMPLS.set(info.name, impl);
  FACTOR_LIST.push({ ...info, compute: (b: Bars) => impl(new FactorContext(checkBars(b))) });
}

/** All registered factors, in registry (= image column) order. */
export const FACTORS: readonly FactorDef[] = FACTOR_LIST;

/** Names of all registered factors in registry order. */
export function factorNames(): string[] {
  return FACTORS.map((f) => f.name);
}

/** Registry info of one factor; throws naming the unknown factor and listing valid names. */
export function factorInfo(name: string): FactorDef {
  const f = FACTORS.find((x) => x.name === name);
  if (!f) throw new Error(`Unknown factor '${name}'. Known factors: ${factorNames().join(', ')}`);
  return f;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

/** Throws DataError when the columns differ in length or hold a non-finite value (the factors assume finite bars). */
function checkBars(b: Bars): Bars {
  const n = b.close.length;
  for (const f of FIELDS) {
    const x = b[f];
    if (x.length !== n)
      throw new DataError(b.source, `column '${f}' has ${x.length} values, close has ${n}`, { field: f });
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i])) {
        throw new DataError(
          b.source,
          `non-finite ${f} at bar ${i} (${b.time[i] ?? '?'}): factors need finite bars`,
          { field: f },
        );
      }
    }
  }
  return b;
}

/**
 * Computes factors of one series of bars: one Float64Array (length = bars, NaN during warm-up) per factor, in
 * registry order, or in the order of `names` when given (so column i always belongs to names[i]; unknown names
 * throw). Intermediate series shared by several factors are computed once per call.
 */
export function computeFactors(b: Bars, names?: string[]): Float64Array[] {
  checkBars(b);
  const ctx = new FactorContext(b);
  const chosen = names ? names.map((n) => factorInfo(n).name) : factorNames();
  return chosen.map((n) => IMPLS.get(n)!(ctx));
}
