import { describe, expect, it } from 'vitest';
import {
  backtest,
  DEFAULT_BACKTEST,
  tradingDaysPerYear,
  type BacktestOptions,
} from '../../../src/main/training/eval/backtest';
import {
  backtestDailyReturns,
  backtestStats,
  computeStats,
  drawdowns,
} from '../../../src/main/training/eval/stats';
import { DEFAULT_DATASET } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { dailyFile } from '../../helpers/data';

/** The original one-day hold without a cash rate, for the hand computations below. */
const DAILY: BacktestOptions = { ...DEFAULT_BACKTEST, holdDays: 1, cashRatePerYear: 0 };

const bars = {
  date: ['D0', 'D1', 'D2', 'D3', 'D4'],
  open: [100, 101, 103, 102, 104],
  close: [100, 102, 104, 101, 105],
};

describe('backtest (hand-computed)', () => {
  it('long on up, next open, 2.5 + 2.5 bp per side', () => {
    // classes up, up, down, up, flat -> targets 1, 1, 0, 1, 0 (the last is never executed)
    const r = backtest({ bars, signalDates: bars.date, signals: [2, 2, 0, 2, 1], options: DAILY });
    const c = 0.0005;
    const u1 = 1 / 101; // bought at D1 open with all equity (1)
    const cash1 = 1 - u1 * 101 - c * 1;
    const sellValue = u1 * 102; // sold at D3 open
    const cash3 = cash1 + sellValue - c * sellValue;
    const u4 = cash3 / 104; // bought at D4 open
    const expected = [1, cash1 + u1 * 102, cash1 + u1 * 104, cash3, -c * cash3 + u4 * 105];
    for (let i = 0; i < 5; i++) expect(r.equity[i]).toBeCloseTo(expected[i], 12);
    expect(Array.from(r.target)).toEqual([1, 1, 0, 1, 0]);
    expect(r.trades.map((t) => [t.signalDate, t.date, t.price])).toEqual([
      ['D0', 'D1', 101],
      ['D2', 'D3', 102],
      ['D3', 'D4', 104],
    ]);
    expect(r.trades[1].cost).toBeCloseTo(c * sellValue, 15);
    expect(r.exposure[2]).toBeCloseTo((u1 * 104) / (cash1 + u1 * 104), 12);
    expect(r.exposure[3]).toBe(0);
    // buy-and-hold: bought at D1 open, held
    expect(r.buyHold[0]).toBe(1);
    expect(r.buyHold[4]).toBeCloseTo(105 / 101 - c, 12);
    expect(r.buyHoldTrades.length).toBe(1);
  });

  it('the decision close is never the execution price: changing D1 onward never moves D0 equity, and a signal on the last day trades nothing', () => {
    const signals = [2, 2, 0, 2, 1];
    const run = (b: typeof bars) => backtest({ bars: b, signalDates: b.date, signals, options: DAILY });
    const a = run(bars);
    // every price from D1 on changed, D0 as it was
    const later = {
      date: bars.date,
      open: bars.open.map((v, i) => (i >= 1 ? v * 1.3 : v)),
      close: bars.close.map((v, i) => (i >= 1 ? v * 0.8 : v)),
    };
    const b = run(later);
    expect(b.equity[0]).toBe(a.equity[0]);
    expect(b.exposure[0]).toBe(a.exposure[0]);
    expect(b.target[0]).toBe(a.target[0]);
    // the change did reach the backtest: D0's 'up' was bought at D1's (changed) open
    expect(b.trades[0].price).toBe(101 * 1.3);
    expect(b.equity[1]).not.toBe(a.equity[1]);
    const last = backtest({ bars, signalDates: ['D0', 'D1'], signals: [0, 2], options: DAILY });
    expect(last.dates).toEqual(['D0', 'D1']);
    expect(Array.from(last.equity)).toEqual([1, 1]);
    expect(last.trades.length).toBe(0);
  });

  it('long/short map, next close, 2-day overlapping tranches, no costs', () => {
    const b = { date: ['A', 'B', 'C', 'D'], open: [0, 0, 0, 0], close: [10, 11, 12, 9] };
    const r = backtest({
      bars: b,
      signalDates: b.date,
      signals: [2, 0, 2, 2],
      options: {
        positionMap: [-1, 0, 1],
        execution: 'next-close',
        commissionBps: 0,
        slippageBps: 0,
        holdDays: 2,
        cashRatePerYear: 0,
      },
    });
    // positions 1, -1, 1, 1 -> tranche means 0.5, 0, 0, 1
    expect(Array.from(r.target)).toEqual([0.5, 0, 0, 1]);
    // B close: buy 0.5/11 units; C close: sell them at 12 -> equity 0.5 + 0.5*12/11
    expect(r.equity[1]).toBeCloseTo(1, 12);
    expect(r.equity[2]).toBeCloseTo(0.5 + (0.5 / 11) * 12, 12);
    expect(r.equity[3]).toBeCloseTo(0.5 + (0.5 / 11) * 12, 12);
  });
});

describe('backtest: tranches, cash, missing dates, segments', () => {
  it('defaults: H-day overlapping tranches (H = the default label horizon) and a 1.5 % cash rate', () => {
    expect(DEFAULT_BACKTEST.holdDays).toBe(DEFAULT_DATASET.horizonDays);
    expect(DEFAULT_BACKTEST.cashRatePerYear).toBe(0.015);
  });

  it('one up signal held in H tranches: 1/H of equity from the open of t+1 to the open of t+1+H', () => {
    const H = 3;
    const date = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const price = [10, 10, 11, 12, 13, 14, 15];
    const b = { date, open: price, close: price };
    const r = backtest({
      bars: b,
      signalDates: date,
      signals: [2, 1, 1, 1, 1, 1, 1],
      options: { ...DAILY, holdDays: H, commissionBps: 0, slippageBps: 0 },
    });
    expect(Array.from(r.target)).toEqual([1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0]);
    // bought 1/3 at the open of b (10), sold at the open of e (13): the label's 'next-open' window
    expect(r.trades.map((t) => [t.date, t.price])).toEqual([
      ['b', 10],
      ['e', 13],
    ]);
    expect(r.equity[6]).toBeCloseTo(2 / 3 + (1 / 3) * 1.3, 12);
  });

  it('cash earns (1 + rate)^(1 / days per year) a day, days per year counted from the bars', () => {
    // three full years 2021..2023 between 2020 and 2024: 3, 4 and 5 dates -> 4 a year
    const date = [
      '2020-12-30',
      '2021-01-04',
      '2021-06-01',
      '2021-12-30',
      '2022-01-04',
      '2022-03-01',
      '2022-06-01',
      '2022-12-30',
      '2023-01-04',
      '2023-02-01',
      '2023-03-01',
      '2023-06-01',
      '2023-12-29',
      '2024-01-02',
    ];
    expect(tradingDaysPerYear(date)).toBe(4);
    const price = date.map(() => 100);
    const r = backtest({
      bars: { date, open: price, close: price },
      signalDates: date,
      signals: date.map(() => 1),
      options: { ...DAILY, cashRatePerYear: 0.08 },
    });
    const daily = 1.08 ** (1 / 4) - 1;
    expect(r.cashRatePerDay).toBeCloseTo(daily, 15);
    for (let i = 0; i < date.length; i++) expect(r.equity[i]).toBeCloseTo((1 + daily) ** i, 12);
    const st = backtestStats(r);
    expect(st.tradingDaysPerYear).toBe(4);
    expect(st.annualReturn).toBeCloseTo(0.08, 12); // cash compounds to exactly the stated rate
    expect(st.sharpe).toBeNaN(); // excess return 0 every day: no spread, no Sharpe
  });

  it('on the real CSI 300 the days per year are counted, not assumed: 242–245 between 2006 and 2022', () => {
    const b = importFile(dailyFile('000300'), { code: '000300' }).bars;
    const years = new Map<string, number>();
    for (const d of b.date) years.set(d.slice(0, 4), (years.get(d.slice(0, 4)) ?? 0) + 1);
    const full = [...years].filter(([y]) => y > '2005' && y < '2023').map(([, n]) => n);
    expect(Math.min(...full)).toBeGreaterThanOrEqual(238);
    expect(tradingDaysPerYear(b.date)).toBeCloseTo(full.reduce((a, x) => a + x, 0) / full.length, 12);
    expect(tradingDaysPerYear(b.date)).toBeGreaterThan(240);
    expect(tradingDaysPerYear(b.date)).toBeLessThan(246);
  });

  it('a bar date without a signal inside a block carries the previous signal, and is named', () => {
    const r = backtest({
      bars,
      signalDates: ['D0', 'D1', 'D3', 'D4'],
      signals: [2, 2, 0, 1],
      options: DAILY,
    });
    expect(r.carried).toEqual(['D2']);
    expect(Array.from(r.target)).toEqual([1, 1, 1, 0, 0]); // D2 repeats D1's 'up'
    expect(r.trades.map((t) => t.date)).toEqual(['D1', 'D4']); // no flat day and no extra round trip on D3
    expect(r.dates).toEqual(bars.date);
  });

  it('refuses a hole longer than maxCarryDays inside one block, naming its dates', () => {
    expect(() =>
      backtest({ bars, signalDates: ['D0', 'D4'], signals: [2, 2], options: DAILY, maxCarryDays: 2 }),
    ).toThrow(/D1\.\.D3 and on: more than 2 trading days without a signal/);
  });

  it('separate test blocks are separate segments: flat start, closed at the end, no days in between', () => {
    const date = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const open = [10, 10, 10, 10, 20, 20, 20, 20];
    const close = [10, 11, 12, 13, 20, 22, 22, 24];
    const r = backtest({
      bars: { date, open, close },
      signalDates: ['a', 'b', 'c', 'f', 'g', 'h'],
      signals: [2, 2, 2, 2, 2, 2],
      blocks: [0, 0, 0, 1, 1, 1],
      options: { ...DAILY, commissionBps: 0, slippageBps: 0 },
    });
    expect(r.dates).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
    expect(Array.from(r.segment)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(r.segments.map((s) => [s.start, s.end])).toEqual([
      ['a', 'c'],
      ['f', 'h'],
    ]);
    // segment 0: bought at b's open 10, closed at c's close 12 -> 1.2; segment 1: bought at g's open 20 -> 1.2 * 24/20
    expect(r.equity[2]).toBeCloseTo(1.2, 12);
    expect(r.equity[3]).toBeCloseTo(1.2, 12);
    expect(r.equity[5]).toBeCloseTo(1.2 * 1.2, 12);
    expect(r.trades.map((t) => [t.date, t.toTarget])).toEqual([
      ['b', 1],
      ['c', 0],
      ['g', 1],
    ]);
    expect(r.buyHold[3]).toBeCloseTo(1.2, 12); // buy-and-hold runs on the same segments
    const st = backtestStats(r);
    expect(st.days).toBe(6);
    expect(st.segments).toBe(2);
    expect(st.returnDays).toBe(4); // b, c, g, h: the step from c to f is not a return
    const dr = backtestDailyReturns(r);
    expect(dr.dates).toEqual(['b', 'c', 'g', 'h']);
    expect(dr.strategy[1]).toBeCloseTo(12 / 11 - 1, 12);
  });

  it('adjacent blocks (consecutive bar dates) stay one segment', () => {
    const r = backtest({
      bars,
      signalDates: bars.date,
      signals: [2, 2, 0, 2, 1],
      blocks: [0, 0, 1, 1, 1],
      options: DAILY,
    });
    expect(r.segments.length).toBe(1);
    expect(Array.from(r.segment)).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses signal dates out of order and a cash rate out of bounds', () => {
    expect(() => backtest({ bars, signalDates: ['D1', 'D0'], signals: [2, 2], options: DAILY })).toThrow(
      /strictly ascending/,
    );
    expect(() =>
      backtest({ bars, signalDates: ['D0'], signals: [2], options: { ...DAILY, cashRatePerYear: 0.5 } }),
    ).toThrow(/cashRatePerYear/);
  });
});

describe('computeStats (hand-computed)', () => {
  it('returns, Sharpe (rf 0, sqrt 252), drawdown, exposure, hit rate', () => {
    const eq = [1, 1.1, 1.045, 1.1495, 1.26445]; // daily returns +10 %, -5 %, +10 %, +10 %
    const s = computeStats(eq, [0, 1, 1, 0, 1]);
    // mean 0.0625; deviations .0375, -.1125, .0375, .0375 -> sample var .016875 / 3 = .005625 -> sd .075
    expect(s.sharpe).toBeCloseTo((0.0625 / 0.075) * Math.sqrt(252), 9);
    expect(s.annualVolatility).toBeCloseTo(0.075 * Math.sqrt(252), 9);
    expect(s.totalReturn).toBeCloseTo(0.26445, 12);
    expect(s.annualReturn).toBeCloseTo(Math.pow(1.26445, 252 / 4) - 1, 6);
    expect(s.maxDrawdown).toBeCloseTo(-0.05, 12);
    expect(s.calmar).toBeCloseTo(s.annualReturn / 0.05, 6);
    expect(s.exposure).toBeCloseTo(0.6, 12);
    expect(s.hitRate).toBe(0.5); // in the market on days 2 (fell) and 3 (rose)
  });

  it('drawdown series and max drawdown across two peaks', () => {
    const dd = drawdowns([1, 2, 1.5, 3, 1.2, 2]);
    expect(Array.from(dd)).toEqual([0, 0, -0.25, 0, 1.2 / 3 - 1, 2 / 3 - 1]);
    expect(computeStats([1, 2, 1.5, 3, 1.2, 2]).maxDrawdown).toBeCloseTo(-0.6, 12);
  });

  it('turnover counts traded value per year in units of mean equity', () => {
    const eq = new Array(253).fill(1);
    const trade = {
      signalDate: 'a',
      date: 'b',
      price: 1,
      units: 1,
      value: 1,
      cost: 0,
      fromTarget: 0,
      toTarget: 1,
    };
    expect(computeStats(eq, undefined, [trade, { ...trade, value: 1 }]).turnover).toBeCloseTo(2, 12);
  });

  it('Sharpe on excess returns over the cash rate, with the given days per year', () => {
    const eq = [1, 1.01, 1.0302, 1.0302, 1.050804];
    // returns .01, .02, 0, .02; cash 10 %/yr over 100 days/yr -> rc = 1.1^(1/100) - 1
    const rc = 1.1 ** 0.01 - 1;
    const ex = [0.01, 0.02, 0, 0.02].map((r) => r - rc);
    const m = ex.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(ex.reduce((a, x) => a + (x - m) ** 2, 0) / 3);
    const s = computeStats(eq, undefined, [], { tradingDaysPerYear: 100, cashRatePerYear: 0.1 });
    expect(s.sharpe).toBeCloseTo((m / sd) * 10, 9);
    expect(s.annualReturn).toBeCloseTo(1.050804 ** 25 - 1, 9);
    expect(s.tradingDaysPerYear).toBe(100);
  });
});
