/**
 * Pure summary statistics of an equity curve (in the spirit of backtesting.py's compute_stats).
 * Conventions: returns are fractions; 252 trading days a year; Sharpe with a zero risk-free rate,
 * mean / sample std (n-1) of daily simple returns times sqrt(252); drawdowns are negative fractions.
 */
import type { Trade } from './backtest';

export const TRADING_DAYS_PER_YEAR = 252;

export interface Stats {
  days: number;
  totalReturn: number;
  /** Compound annual growth rate over (days - 1) / 252 years. */
  annualReturn: number;
  annualVolatility: number;
  sharpe: number;
  /** Most negative equity / running peak - 1 (e.g. -0.25). */
  maxDrawdown: number;
  /** annualReturn / |maxDrawdown|. */
  calmar: number;
  /** Traded value per year in units of mean equity (one side counted; 2 = a full round trip a year). */
  turnover: number;
  /** Mean |exposure| over the closes (fraction of equity in the market). */
  exposure: number;
  /** Share of days in the market (non-zero exposure at the previous close) with a positive return. */
  hitRate: number;
  trades: number;
}

/** Drawdown at each point: equity / running peak - 1 (0 at a new high, negative below it). */
export function drawdowns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]);
    out[i] = equity[i] / peak - 1;
  }
  return out;
}

/** Statistics of one equity curve; exposure per close and trades are optional (NaN / 0 without them). */
export function computeStats(
  equity: ArrayLike<number>,
  exposure?: ArrayLike<number>,
  trades: Trade[] = [],
): Stats {
  const n = equity.length;
  const rets: number[] = [];
  for (let i = 1; i < n; i++) rets.push(equity[i] / equity[i - 1] - 1);
  const mean = rets.reduce((a, b) => a + b, 0) / (rets.length || 1);
  const sd =
    rets.length > 1 ? Math.sqrt(rets.reduce((a, r) => a + (r - mean) ** 2, 0) / (rets.length - 1)) : NaN;
  const totalReturn = n ? equity[n - 1] / equity[0] - 1 : NaN;
  const years = (n - 1) / TRADING_DAYS_PER_YEAR;
  const annualReturn = years > 0 ? Math.pow(1 + totalReturn, 1 / years) - 1 : NaN;
  const dd = drawdowns(equity);
  const maxDrawdown = dd.reduce((a, b) => Math.min(a, b), 0);
  let meanEq = 0;
  for (let i = 0; i < n; i++) meanEq += equity[i];
  meanEq /= n || 1;
  const traded = trades.reduce((a, t) => a + t.value, 0);
  let exp = NaN;
  let hits = 0;
  let inMarket = 0;
  if (exposure) {
    exp = 0;
    for (let i = 0; i < n; i++) exp += Math.abs(exposure[i]);
    exp /= n || 1;
    for (let i = 1; i < n; i++) {
      if (exposure[i - 1] !== 0) {
        inMarket++;
        if (equity[i] > equity[i - 1]) hits++;
      }
    }
  }
  return {
    days: n,
    totalReturn,
    annualReturn,
    annualVolatility: sd * Math.sqrt(TRADING_DAYS_PER_YEAR),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR) : NaN,
    maxDrawdown,
    calmar: maxDrawdown < 0 ? annualReturn / -maxDrawdown : NaN,
    turnover: years > 0 ? traded / meanEq / years : NaN,
    exposure: exp,
    hitRate: inMarket ? hits / inMarket : NaN,
    trades: trades.length,
  };
}
