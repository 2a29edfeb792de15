/**
 * Backtest of a class signal traded on the target index as an ETF that tracks it.
 *
 * Timing: the signal of day t is decided at the close of t and executed at the NEXT day's open ('next-open',
 * default) or the next day's close ('next-close'); never at the close that produced it. Equity is marked at
 * every close. Position sizes are fractions of equity (1 = fully long, -1 = fully short); cash earns nothing.
 * Costs are charged per side on the traded value: (commission + slippage) basis points.
 * With holdDays = K > 1 capital is split into K overlapping tranches: the signal of day t sets 1/K of the
 * target for K days, so the target after day t is the mean of the last K signals' positions.
 */
import { ConfigError } from '../../../shared/errors';

export interface BacktestOptions {
  /** Position for each class [down, flat, up], as fraction of equity (1 long, 0 flat, -1 short). */
  positionMap: [number, number, number];
  execution: 'next-open' | 'next-close';
  /** Per side, basis points of traded value (1 bp = 0.01 %). */
  commissionBps: number;
  slippageBps: number;
  /** Holding period in trading days; 1 = follow each day's signal, H = overlapping tranches of 1/H each. */
  holdDays: number;
}

/** CSI 300 ETF defaults: long on up, flat otherwise; next open; 2.5 bp commission + 2.5 bp slippage per side. */
export const DEFAULT_BACKTEST: BacktestOptions = {
  positionMap: [0, 0, 1],
  execution: 'next-open',
  commissionBps: 2.5,
  slippageBps: 2.5,
  holdDays: 1,
};

export interface BacktestInput {
  /** The target's daily bars (dates ascending, prices in index points). */
  bars: { date: string[]; open: ArrayLike<number>; close: ArrayLike<number> };
  /** Signal dates, ascending, each a bar date. */
  signalDates: string[];
  /** Predicted class per signal date (0 down, 1 flat, 2 up). */
  signals: ArrayLike<number>;
  options: BacktestOptions;
}

export interface Trade {
  /** Close at which the signal was decided. */
  signalDate: string;
  /** Day the order was executed. */
  date: string;
  price: number;
  /** Signed change in units (positive = buy). */
  units: number;
  /** |units| x price, in equity units (start equity = 1). */
  value: number;
  cost: number;
  /** Target exposure before and after (fractions of equity). */
  fromTarget: number;
  toTarget: number;
}

export interface BacktestResult {
  /** Bar dates from the first to the last signal date. */
  dates: string[];
  /** Strategy equity at each close; 1 at the first date. */
  equity: Float64Array;
  /** Exposure at each close: units x close / equity. */
  exposure: Float64Array;
  /** Target position decided at each close (executed the next day). */
  target: Float64Array;
  trades: Trade[];
  /** Buy-and-hold on the same dates and execution: bought fully at the first execution, with one side of costs. */
  buyHold: Float64Array;
  buyHoldTrades: Trade[];
}

function simulate(
  dates: string[],
  open: ArrayLike<number>,
  close: ArrayLike<number>,
  target: Float64Array,
  opts: BacktestOptions,
): { equity: Float64Array; exposure: Float64Array; trades: Trade[] } {
  const n = dates.length;
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const trades: Trade[] = [];
  const rate = (opts.commissionBps + opts.slippageBps) / 1e4;
  let cash = 1;
  let units = 0;
  let current = 0;
  equity[0] = 1;
  for (let e = 1; e < n; e++) {
    const price = opts.execution === 'next-open' ? open[e] : close[e];
    const want = target[e - 1];
    if (want !== current) {
      const before = cash + units * price;
      const newUnits = (want * before) / price;
      const du = newUnits - units;
      const value = Math.abs(du) * price;
      const cost = value * rate;
      cash -= du * price + cost;
      units = newUnits;
      trades.push({
        signalDate: dates[e - 1],
        date: dates[e],
        price,
        units: du,
        value,
        cost,
        fromTarget: current,
        toTarget: want,
      });
      current = want;
    }
    equity[e] = cash + units * close[e];
    exposure[e] = equity[e] !== 0 ? (units * close[e]) / equity[e] : 0;
  }
  return { equity, exposure, trades };
}

/** Runs the signal and buy-and-hold over the bars from the first to the last signal date. */
export function backtest(input: BacktestInput): BacktestResult {
  const { bars, signalDates, signals, options: o } = input;
  if (!Number.isInteger(o.holdDays) || o.holdDays < 1)
    throw new ConfigError('backtest.holdDays', `must be a whole number >= 1, got ${o.holdDays}`);
  if (o.commissionBps < 0 || o.slippageBps < 0)
    throw new ConfigError('backtest.commissionBps', 'costs must be >= 0 basis points');
  if (o.positionMap.length !== 3 || o.positionMap.some((p) => !Number.isFinite(p)))
    throw new ConfigError(
      'backtest.positionMap',
      `must be three numbers [down, flat, up], got ${JSON.stringify(o.positionMap)}`,
    );
  if (signalDates.length === 0) throw new ConfigError('backtest', 'no signals to trade');
  const index = new Map(bars.date.map((d, i) => [d, i] as const));
  const first = index.get(signalDates[0]);
  const last = index.get(signalDates[signalDates.length - 1]);
  if (first === undefined || last === undefined)
    throw new ConfigError(
      'backtest.signalDates',
      `signal date ${first === undefined ? signalDates[0] : signalDates[signalDates.length - 1]} is not a bar date`,
    );
  const n = last - first + 1;
  const dates = bars.date.slice(first, last + 1);
  const open = Array.prototype.slice.call(bars.open, first, last + 1) as number[];
  const close = Array.prototype.slice.call(bars.close, first, last + 1) as number[];
  // Days without a signal (none in a contiguous walk-forward series) open a flat tranche.
  const pos = new Float64Array(n);
  for (let k = 0; k < signalDates.length; k++) {
    const i = index.get(signalDates[k]);
    if (i === undefined)
      throw new ConfigError('backtest.signalDates', `signal date ${signalDates[k]} is not a bar date`);
    const c = signals[k];
    pos[i - first] = c >= 0 && c <= 2 ? o.positionMap[c] : 0;
  }
  const target = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < o.holdDays && t - j >= 0; j++) s += pos[t - j];
    target[t] = s / o.holdDays;
  }
  const strat = simulate(dates, open, close, target, o);
  const bh = simulate(dates, open, close, new Float64Array(n).fill(1), o);
  return {
    dates,
    equity: strat.equity,
    exposure: strat.exposure,
    target,
    trades: strat.trades,
    buyHold: bh.equity,
    buyHoldTrades: bh.trades,
  };
}
