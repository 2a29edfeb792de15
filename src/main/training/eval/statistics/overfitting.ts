/**
 * The backtest-overfitting block of a study's statistics: PSR of every strategy, the DSR of the best one over all
 * strategies tried, PBO by CSCV over their daily excess returns, and Hansen's SPA of all of them against
 * buy-and-hold. Composes psr.ts, dsr.ts, pbo.ts and spa.ts.
 */
import type { StudyStatistics } from '../../../../shared/study-statistics';
import { deflatedSharpeOfTrials } from './dsr';
import { probabilityOfBacktestOverfitting } from './pbo';
import { psrOfReturns, returnMoments } from './psr';
import { superiorPredictiveAbility } from './spa';

export interface StrategyReturns {
  name: string;
  kind: 'cell' | 'baseline';
  /** Daily returns inside segments (fractions), on the same days for every strategy. */
  returns: ArrayLike<number>;
}

export interface OverfittingInput {
  strategies: StrategyReturns[];
  buyHold: ArrayLike<number>;
  cashRatePerDay: number;
  tradingDaysPerYear: number;
  trials?: number;
  blockLength: number;
  reps: number;
  seed: number;
  pboBlocks: number;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** PSR, DSR, PBO and SPA over the strategies (see the file comment). */
export function overfittingStatistics(input: OverfittingInput): StudyStatistics['overfitting'] {
  const T = input.buyHold.length;
  for (const s of input.strategies)
    if (s.returns.length !== T)
      throw new Error(`overfitting: ${s.name} has ${s.returns.length} daily returns, buy-and-hold ${T}`);
  const excess = input.strategies.map((s) => Float64Array.from(s.returns, (r) => r - input.cashRatePerDay));
  const dpy = input.tradingDaysPerYear;
  const strategies = input.strategies.map((s, k) => {
    const m = returnMoments(excess[k]);
    return {
      name: s.name,
      kind: s.kind,
      sharpe: num(m.sharpe),
      sharpeAnnual: num(m.sharpe * Math.sqrt(dpy)),
      psr: num(psrOfReturns(excess[k])),
    };
  });
  let deflatedSharpe: StudyStatistics['overfitting']['deflatedSharpe'] = null;
  let pbo: StudyStatistics['overfitting']['pbo'] = null;
  let spa: StudyStatistics['overfitting']['spa'] = null;
  if (input.strategies.length > 0 && T >= 8) {
    const trials = Math.max(input.trials ?? 0, input.strategies.length);
    const d = deflatedSharpeOfTrials(excess, trials);
    deflatedSharpe = {
      best: input.strategies[d.best].name,
      trials,
      sharpe: num(d.sharpe),
      sr0: num(d.sr0),
      variance: num(d.variance),
      skewness: num(d.skewness),
      kurtosis: num(d.kurtosis),
      dsr: num(d.dsr),
    };
    const s = superiorPredictiveAbility({
      benchmark: input.buyHold,
      models: input.strategies.map((x) => x.returns),
      blockLength: input.blockLength,
      reps: input.reps,
      seed: input.seed,
    });
    spa = {
      best: input.strategies[s.best].name,
      pConsistent: s.pConsistent,
      pLower: s.pLower,
      pUpper: s.pUpper,
      statistic: num(s.statistic),
      reps: s.reps,
      blockLength: s.blockLength,
    };
  }
  if (input.strategies.length >= 2 && T >= 2 * input.pboBlocks) {
    const p = probabilityOfBacktestOverfitting(excess, input.pboBlocks);
    pbo = {
      value: p.pbo,
      blocks: p.blocks,
      combinations: p.combinations,
      medianLogit: num(p.medianLogit),
      probOosLoss: p.probOosLoss,
    };
  }
  return { strategies, tradingDaysPerYear: num(dpy), returnDays: T, deflatedSharpe, pbo, spa };
}
