import { describe, expect, it } from 'vitest';
import { backtest, DEFAULT_BACKTEST } from '../../../src/main/training/eval/backtest';
import { computeStats, drawdowns } from '../../../src/main/training/eval/stats';

const bars = {
  date: ['D0', 'D1', 'D2', 'D3', 'D4'],
  open: [100, 101, 103, 102, 104],
  close: [100, 102, 104, 101, 105],
};

describe('backtest (hand-computed)', () => {
  it('long on up, next open, 2.5 + 2.5 bp per side', () => {
    // classes up, up, down, up, flat -> targets 1, 1, 0, 1, 0 (the last is never executed)
    const r = backtest({ bars, signalDates: bars.date, signals: [2, 2, 0, 2, 1], options: DEFAULT_BACKTEST });
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
    const run = (b: typeof bars) =>
      backtest({ bars: b, signalDates: b.date, signals, options: DEFAULT_BACKTEST });
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
    const last = backtest({ bars, signalDates: ['D0', 'D1'], signals: [0, 2], options: DEFAULT_BACKTEST });
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
});
