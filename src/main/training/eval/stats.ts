/**
 * Pure summary statistics of an equity curve (in the spirit of backtesting.py's compute_stats).
 * Conventions: returns are fractions; daily simple returns are taken inside segments only (the days between
 * separate test blocks carry no return); annualisation uses the trading days per year counted in the data
 * (backtest() reports it), 252 only when none is given; Sharpe is the mean over the sample std (n - 1) of daily
 * EXCESS returns r - r_cash, times sqrt(days per year); drawdowns are negative fractions.
 */
import type { BacktestResult, Trade } from './backtest';

/** Only a fallback: backtest() counts the trading days a year in the bars (242–245 on the CSI 300 data). */
export const TRADING_DAYS_PER_YEAR = 252;

export interface StatsOptions {
  /** Default TRADING_DAYS_PER_YEAR. */
  tradingDaysPerYear?: number;
  /** Annual cash rate (fraction) the Sharpe ratio is in excess of; default 0. */
  cashRatePerYear?: number;
  /** Segment of each equity point; returns across a segment change are left out. Default: one segment. */
  segment?: ArrayLike<number>;
}

export interface Stats {
  /** Equity points (test days, carried days included; days between segments excluded). */
  days: number;
  /** Daily returns counted (days minus one per segment). */
  returnDays: number;
  segments: number;
  totalReturn: number;
  /** Compound annual growth rate over returnDays / tradingDaysPerYear years. */
  annualReturn: number;
  annualVolatility: number;
  /** Annualised Sharpe ratio of daily excess returns over the cash rate. */
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
  tradingDaysPerYear: number;
  cashRatePerYear: number;
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

/** Daily simple returns inside segments: one per equity point after the first of its segment. */
export function segmentReturns(
  equity: ArrayLike<number>,
  segment?: ArrayLike<number>,
): { index: number[]; returns: Float64Array } {
  const index: number[] = [];
  for (let i = 1; i < equity.length; i++) if (!segment || segment[i] === segment[i - 1]) index.push(i);
  return { index, returns: Float64Array.from(index, (i) => equity[i] / equity[i - 1] - 1) };
}

/** Statistics of one equity curve; exposure per close and trades are optional (NaN / 0 without them). */
export function computeStats(
  equity: ArrayLike<number>,
  exposure?: ArrayLike<number>,
  trades: Trade[] = [],
  options: StatsOptions = {},
): Stats {
  const n = equity.length;
  const dpy = options.tradingDaysPerYear ?? TRADING_DAYS_PER_YEAR;
  const cashRatePerYear = options.cashRatePerYear ?? 0;
  const rc = (1 + cashRatePerYear) ** (1 / dpy) - 1;
  const { index, returns: rets } = segmentReturns(equity, options.segment);
  const m = rets.length;
  let mean = 0;
  for (const r of rets) mean += r - rc;
  mean /= m || 1;
  let v = 0;
  let rawMean = 0;
  for (const r of rets) {
    v += (r - rc - mean) ** 2;
    rawMean += r;
  }
  rawMean /= m || 1;
  let rawV = 0;
  for (const r of rets) rawV += (r - rawMean) ** 2;
  const sd = m > 1 ? Math.sqrt(v / (m - 1)) : NaN;
  const rawSd = m > 1 ? Math.sqrt(rawV / (m - 1)) : NaN;
  const totalReturn = n ? equity[n - 1] / equity[0] - 1 : NaN;
  const years = m / dpy;
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
    for (const i of index) {
      if (exposure[i - 1] !== 0) {
        inMarket++;
        if (equity[i] > equity[i - 1]) hits++;
      }
    }
  }
  let segments = n ? 1 : 0;
  if (options.segment)
    for (let i = 1; i < n; i++) if (options.segment[i] !== options.segment[i - 1]) segments++;
  return {
    days: n,
    returnDays: m,
    segments,
    totalReturn,
    annualReturn,
    annualVolatility: rawSd * Math.sqrt(dpy),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(dpy) : NaN,
    maxDrawdown,
    calmar: maxDrawdown < 0 ? annualReturn / -maxDrawdown : NaN,
    turnover: years > 0 ? traded / meanEq / years : NaN,
    exposure: exp,
    hitRate: inMarket ? hits / inMarket : NaN,
    trades: trades.length,
    tradingDaysPerYear: dpy,
    cashRatePerYear,
  };
}

/** Statistics of a backtest's strategy or buy-and-hold curve with its own days per year, cash rate and segments. */
export function backtestStats(
  result: BacktestResult,
  curve: 'strategy' | 'buy-and-hold' = 'strategy',
): Stats {
  const opts: StatsOptions = {
    tradingDaysPerYear: Number.isFinite(result.tradingDaysPerYear) ? result.tradingDaysPerYear : undefined,
    cashRatePerYear: result.cashRatePerYear,
    segment: result.segment,
  };
  return curve === 'strategy'
    ? computeStats(result.equity, result.exposure, result.trades, opts)
    : computeStats(result.buyHold, result.buyHoldExposure, result.buyHoldTrades, opts);
}

export interface DailyReturns {
  /** Date of each return (the close it ends at). */
  dates: string[];
  strategy: Float64Array;
  buyHold: Float64Array;
  /** The cash rate per day over the same days (constant). */
  cashPerDay: number;
}

/** The backtest's daily returns inside segments, strategy and buy-and-hold on the same days. */
export function backtestDailyReturns(result: BacktestResult): DailyReturns {
  const s = segmentReturns(result.equity, result.segment);
  const b = segmentReturns(result.buyHold, result.segment);
  return {
    dates: s.index.map((i) => result.dates[i]),
    strategy: s.returns,
    buyHold: b.returns,
    cashPerDay: result.cashRatePerDay,
  };
}
