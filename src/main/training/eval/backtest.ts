/**
 * Backtest of a class signal traded on the target index as an ETF that tracks it.
 *
 * Timing: the signal of day t is decided at the close of t and executed at the NEXT day's open ('next-open',
 * default) or the next day's close ('next-close'); never at the close that produced it. Equity is marked at
 * every close. Position sizes are fractions of equity (1 = fully long, -1 = fully short); cash (and a short's
 * proceeds) earns `cashRatePerYear`, compounded per trading day with the days per year counted in the bars.
 * Costs are charged per side on the traded value: (commission + slippage) basis points.
 * With holdDays = K > 1 (default: the label horizon, 14) capital is split into K overlapping tranches: the signal
 * of day t sets 1/K of the target for K days, so the target after day t is the mean of the last K signals'
 * positions; with a 'next-open' label this holds each tranche exactly over its label's window.
 *
 * Segments: signals may come from separate test blocks (`blocks`, e.g. the fold of each signal). Blocks with
 * trading days between them are separate segments: each starts flat, its open position is closed at its last
 * close (costs charged; the last segment is only marked, as a single backtest always was), and the days between
 * segments are not traded, not counted and carry no return. Inside a segment a bar date without a signal (a day
 * an overlay index did not trade, say) carries the previous signal; a run longer than `maxCarryDays` is refused,
 * naming the dates.
 */
import { DEFAULT_DATASET } from '../../../shared/domain';
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
  /** Annual rate earned by cash, fraction per year (0.015 = 1.5 %); also the rate Sharpe ratios are in excess of. */
  cashRatePerYear: number;
}

/**
 * PBoC one-year benchmark deposit rate, unchanged at 1.50 % since 2015-10-24: a conservative, citable stand-in for
 * the cash rate over the 2016–2023 tests (money-market rates were mostly higher). No rate series ships with the data.
 */
export const DEFAULT_CASH_RATE_PER_YEAR = 0.015;

/**
 * CSI 300 ETF defaults: long on up, flat otherwise; next open; 2.5 bp commission + 2.5 bp slippage per side;
 * H-day overlapping tranches (H = the default label horizon); cash at 1.5 % a year.
 */
export const DEFAULT_BACKTEST: BacktestOptions = {
  positionMap: [0, 0, 1],
  execution: 'next-open',
  commissionBps: 2.5,
  slippageBps: 2.5,
  holdDays: DEFAULT_DATASET.horizonDays,
  cashRatePerYear: DEFAULT_CASH_RATE_PER_YEAR,
};

/** Default longest run of signal-less bar dates inside a segment that carries the previous signal. */
export const DEFAULT_MAX_CARRY_DAYS = 5;

export interface BacktestInput {
  /** The target's daily bars (dates ascending, prices in index points); all of them, for the days-per-year count. */
  bars: { date: string[]; open: ArrayLike<number>; close: ArrayLike<number> };
  /** Signal dates, strictly ascending, each a bar date. */
  signalDates: string[];
  /** Predicted class per signal date (0 down, 1 flat, 2 up). */
  signals: ArrayLike<number>;
  options: BacktestOptions;
  /** Test block of each signal (e.g. its fold index); default: all one block. */
  blocks?: ArrayLike<number>;
  /** Longest carried run inside a segment (default DEFAULT_MAX_CARRY_DAYS). */
  maxCarryDays?: number;
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

export interface Segment {
  /** Positions into `dates` (inclusive). */
  startIndex: number;
  endIndex: number;
  start: string;
  end: string;
}

export interface BacktestResult {
  /** Bar dates of every segment, in order (the days between segments are left out). */
  dates: string[];
  /** Segment number (0, 1, ...) of each date: the app and report.html break the equity line where it changes. */
  segment: Int32Array;
  segments: Segment[];
  /** Strategy equity at each close; 1 at the first date. */
  equity: Float64Array;
  /** Exposure at each close: units x close / equity. */
  exposure: Float64Array;
  /** Target position decided at each close (executed the next day). */
  target: Float64Array;
  trades: Trade[];
  /** Buy-and-hold on the same dates, segments and execution: bought fully at each segment's first execution. */
  buyHold: Float64Array;
  buyHoldExposure: Float64Array;
  buyHoldTrades: Trade[];
  /** Bar dates inside a segment without a signal, which carried the previous signal. */
  carried: string[];
  /** Trading days a year counted in the bars (mean over their full calendar years). */
  tradingDaysPerYear: number;
  cashRatePerYear: number;
  /** (1 + cashRatePerYear)^(1 / tradingDaysPerYear) - 1. */
  cashRatePerDay: number;
}

/**
 * Trading days a year in a list of ascending 'YYYY-MM-DD' dates: the mean count over the calendar years strictly
 * between the first and the last year (those are complete); with fewer than three years, the count per 365.25
 * calendar days.
 */
export function tradingDaysPerYear(dates: string[]): number {
  if (dates.length < 2) return NaN;
  const y0 = Number(dates[0].slice(0, 4));
  const y1 = Number(dates[dates.length - 1].slice(0, 4));
  if (y1 - y0 >= 2) {
    let n = 0;
    for (const d of dates) {
      const y = Number(d.slice(0, 4));
      if (y > y0 && y < y1) n++;
    }
    return n / (y1 - y0 - 1);
  }
  const span = (Date.parse(dates[dates.length - 1]) - Date.parse(dates[0])) / 86_400_000;
  return span > 0 ? ((dates.length - 1) * 365.25) / span : NaN;
}

interface SimState {
  cash: number;
  units: number;
  current: number;
}

/** One segment of bars [a, b] with targets; appends into the output arrays at offset `o`. */
function simulateSegment(
  dates: string[],
  open: ArrayLike<number>,
  close: ArrayLike<number>,
  target: Float64Array,
  a: number,
  b: number,
  startEquity: number,
  liquidateAtEnd: boolean,
  opts: BacktestOptions,
  cashRatePerDay: number,
  out: { equity: Float64Array; exposure: Float64Array; trades: Trade[] },
  o: number,
): number {
  const rate = (opts.commissionBps + opts.slippageBps) / 1e4;
  const s: SimState = { cash: startEquity, units: 0, current: 0 };
  const trade = (e: number, price: number, want: number, signalDate: string) => {
    const before = s.cash + s.units * price;
    const newUnits = (want * before) / price;
    const du = newUnits - s.units;
    const value = Math.abs(du) * price;
    const cost = value * rate;
    s.cash -= du * price + cost;
    s.units = newUnits;
    out.trades.push({
      signalDate,
      date: dates[e],
      price,
      units: du,
      value,
      cost,
      fromTarget: s.current,
      toTarget: want,
    });
    s.current = want;
  };
  out.equity[o] = startEquity;
  out.exposure[o] = 0;
  for (let e = a + 1; e <= b; e++) {
    s.cash *= 1 + cashRatePerDay;
    const price = opts.execution === 'next-open' ? open[e] : close[e];
    const want = target[e - 1 - a];
    if (want !== s.current) trade(e, price, want, dates[e - 1]);
    const k = o + e - a;
    out.equity[k] = s.cash + s.units * close[e];
    out.exposure[k] = out.equity[k] !== 0 ? (s.units * close[e]) / out.equity[k] : 0;
  }
  if (liquidateAtEnd && s.current !== 0) {
    trade(b, close[b], 0, dates[b]);
    out.equity[o + b - a] = s.cash;
    out.exposure[o + b - a] = 0;
  }
  return out.equity[o + b - a];
}

/** Runs the signal and buy-and-hold over the bars of every segment of signal dates. */
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
  const cashRate = o.cashRatePerYear ?? 0;
  if (!Number.isFinite(cashRate) || cashRate < 0 || cashRate > 0.2)
    throw new ConfigError(
      'backtest.cashRatePerYear',
      `must be a fraction a year in [0, 0.2] (0.015 = 1.5 %), got ${cashRate}`,
    );
  if (signalDates.length === 0) throw new ConfigError('backtest', 'no signals to trade');
  if (input.blocks && input.blocks.length !== signalDates.length)
    throw new ConfigError('backtest.blocks', 'needs one block id per signal date');
  const maxCarry = input.maxCarryDays ?? DEFAULT_MAX_CARRY_DAYS;
  const index = new Map(bars.date.map((d, i) => [d, i] as const));
  const barOf = signalDates.map((d) => {
    const i = index.get(d);
    if (i === undefined) throw new ConfigError('backtest.signalDates', `signal date ${d} is not a bar date`);
    return i;
  });
  for (let k = 1; k < barOf.length; k++)
    if (barOf[k] <= barOf[k - 1])
      throw new ConfigError(
        'backtest.signalDates',
        `must be strictly ascending: ${signalDates[k]} follows ${signalDates[k - 1]}`,
      );

  // segments of signals: a new one where the block changes across trading days without signals
  const segStarts = [0];
  for (let k = 1; k < barOf.length; k++) {
    const gap = barOf[k] - barOf[k - 1] - 1;
    if (input.blocks && input.blocks[k] !== input.blocks[k - 1] && gap > 0) segStarts.push(k);
  }
  const dpy = tradingDaysPerYear(bars.date);
  const cashRatePerDay = Number.isFinite(dpy) && dpy > 0 ? (1 + cashRate) ** (1 / dpy) - 1 : 0;
  const ranges = segStarts.map((s, j) => {
    const e = (segStarts[j + 1] ?? barOf.length) - 1;
    return { k0: s, k1: e, a: barOf[s], b: barOf[e] };
  });
  const total = ranges.reduce((acc, r) => acc + r.b - r.a + 1, 0);
  const dates: string[] = [];
  const segment = new Int32Array(total);
  const targetAll = new Float64Array(total);
  const strat = { equity: new Float64Array(total), exposure: new Float64Array(total), trades: [] as Trade[] };
  const bh = { equity: new Float64Array(total), exposure: new Float64Array(total), trades: [] as Trade[] };
  const segments: Segment[] = [];
  const carried: string[] = [];
  let off = 0;
  let eqS = 1;
  let eqB = 1;
  ranges.forEach((r, j) => {
    const n = r.b - r.a + 1;
    const pos = new Float64Array(n);
    const has = new Uint8Array(n);
    for (let k = r.k0; k <= r.k1; k++) {
      const c = signals[k];
      pos[barOf[k] - r.a] = c >= 0 && c <= 2 ? o.positionMap[c] : 0;
      has[barOf[k] - r.a] = 1;
    }
    let run: string[] = [];
    for (let t = 0; t < n; t++) {
      if (has[t]) {
        run = [];
        continue;
      }
      pos[t] = pos[t - 1]; // t > 0: a segment starts and ends on a signal
      carried.push(bars.date[r.a + t]);
      run.push(bars.date[r.a + t]);
      if (run.length > maxCarry)
        throw new ConfigError(
          'backtest.signalDates',
          `${run[0]}..${bars.date[r.a + t]} and on: more than ${maxCarry} trading days without a signal inside one test block; give each signal its test block (blocks) so separate blocks become separate segments, or fill the dates`,
        );
    }
    const target = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let q = 0; q < o.holdDays && t - q >= 0; q++) s += pos[t - q];
      target[t] = s / o.holdDays;
    }
    const last = j === ranges.length - 1;
    const sliceDates = bars.date.slice(r.a, r.b + 1);
    const sim = (t: Float64Array, eq: number, out: typeof strat) =>
      simulateSegment(bars.date, bars.open, bars.close, t, r.a, r.b, eq, !last, o, cashRatePerDay, out, off);
    eqS = sim(target, eqS, strat);
    eqB = sim(new Float64Array(n).fill(1), eqB, bh);
    for (let t = 0; t < n; t++) {
      dates.push(sliceDates[t]);
      segment[off + t] = j;
      targetAll[off + t] = target[t];
    }
    segments.push({ startIndex: off, endIndex: off + n - 1, start: sliceDates[0], end: sliceDates[n - 1] });
    off += n;
  });
  return {
    dates,
    segment,
    segments,
    equity: strat.equity,
    exposure: strat.exposure,
    target: targetAll,
    trades: strat.trades,
    buyHold: bh.equity,
    buyHoldExposure: bh.exposure,
    buyHoldTrades: bh.trades,
    carried,
    tradingDaysPerYear: dpy,
    cashRatePerYear: cashRate,
    cashRatePerDay,
  };
}
