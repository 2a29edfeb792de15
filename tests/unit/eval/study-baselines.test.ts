/**
 * The study's baselines are a list of named functions scored alike on the study rows: a new entry is scored with
 * the same metrics, bootstrap intervals and backtest as the built-in ones (hand-computed on 40 synthetic rows).
 * "Always up" is buy-and-hold only when each day's signal is followed (holdDays 1); with the default H-day
 * tranches it buys 1/H a day for H days, and its cash earns the cash rate meanwhile: checked by a hand loop.
 */
import { describe, expect, it } from 'vitest';
import { classMetrics } from '../../../src/main/training/eval/metrics';
import { tradingDaysPerYear } from '../../../src/main/training/eval/backtest';
import {
  runBaselines,
  studyBaselines,
  type StudyBaseline,
} from '../../../src/main/training/eval/study/baselines';
import { buyHoldStats, evaluationContext } from '../../../src/main/training/eval/study/evaluate';
import type { StudyPlan } from '../../../src/main/training/eval/study/plan';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';

const n = 40;
const dates = Array.from({ length: n + 1 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`).map(
  (d, i) => (i < 31 ? d : `2020-02-${String(i - 30).padStart(2, '0')}`),
);
// rows 0..9 up, 10..24 flat, 25..39 down
const truth = Int8Array.from({ length: n }, (_, i) => (i < 10 ? 2 : i < 25 ? 1 : 0));
const close = dates.map((_, i) => 100 + i + (i % 3));
const bars = { date: dates, open: close.map((c) => c - 0.5), close };
const plan = {
  truth,
  labeledRows: [...truth.keys()],
  rowDates: dates.slice(0, n),
  rowsCommon: [...truth.keys()],
  rowFold: new Int32Array(n),
  labelsAll: truth,
  folds: [
    {
      index: 0,
      train: [],
      val: [],
      test: [...truth.keys()],
      predictOnly: [],
      testStart: dates[0],
      testEnd: dates[n - 1],
    },
  ],
} as unknown as StudyPlan;
const config = parseStudyConfig({ bootstrap: { reps: 200, level: 0.9, seed: 3 }, outDir: 'unused' });

describe('study baselines as an extension point', () => {
  const ctx = evaluationContext(config, plan, bars);
  const boot = { blockLength: 14, reps: 200, level: 0.9, seed: 3 };
  const alwaysUp: StudyBaseline = {
    id: 'always-up',
    name: 'always up',
    describe: () => 'long every day',
    run: () => ({ pred: new Int8Array(n).fill(2) }),
  };
  const analytic: StudyBaseline = {
    id: 'analytic',
    name: 'analytic',
    describe: () => 'metrics computed by the baseline itself',
    run: () => ({ metrics: classMetrics(truth, new Int8Array(n).fill(1)) }),
  };
  const [up, an] = runBaselines({ eval: ctx, primary: undefined as never, primaryDs: undefined as never }, [
    alwaysUp,
    analytic,
  ]);

  it('scores a class series on the same rows: metrics by hand, an interval around them, a backtest', () => {
    expect(up.name).toBe('always up');
    expect(up.metrics.n).toBe(40);
    expect(up.metrics.accuracy).toBe(10 / 40);
    expect(up.metrics.balancedAccuracy).toBeCloseTo(1 / 3, 12); // recall 1 for up, 0 for flat and down
    expect(Array.from(up.pred!)).toEqual(new Array(n).fill(2));
    const ci = ctx.intervals(up.pred!, undefined, boot);
    expect(ci.accuracy.estimate).toBe(10 / 40);
    expect(ci.accuracy.lo).toBeLessThanOrEqual(0.25);
    expect(ci.accuracy.hi).toBeGreaterThanOrEqual(0.25);
    expect(ci.accuracy.blockLength).toBe(14);
  });

  it('always up following each day (holdDays 1) is buy-and-hold: bought at the first open, one trade', () => {
    const daily = evaluationContext(
      parseStudyConfig({ backtest: { holdDays: 1 }, outDir: 'unused' }),
      plan,
      bars,
    );
    const b = daily.backtest(new Int8Array(n).fill(2));
    const bh = buyHoldStats(b);
    expect(Array.from(b.equity)).toEqual(Array.from(b.buyHold));
    expect(b.trades.length).toBe(1);
    expect(bh.trades).toBe(1);
  });

  it('always up in the default H-day tranches buys 1/H a day and earns the cash rate on the rest (hand loop)', () => {
    const H = config.backtest.holdDays;
    expect(H).toBe(14);
    const cost = (config.backtest.commissionBps + config.backtest.slippageBps) / 1e4;
    const rc = (1 + config.backtest.cashRatePerYear) ** (1 / tradingDaysPerYear(dates)) - 1;
    let cash = 1;
    let units = 0;
    let held = 0;
    const equity = [1];
    let trades = 0;
    for (let e = 1; e < n; e++) {
      cash *= 1 + rc;
      const want = Math.min(e, H) / H; // signals of the closes 0..e-1, one tranche each
      if (want !== held) {
        // rebalanced to the new target exposure at the open; units are held while the target stays
        const price = bars.open[e];
        const du = (want * (cash + units * price)) / price - units;
        cash -= du * price + Math.abs(du) * price * cost;
        units += du;
        held = want;
        trades++;
      }
      equity.push(cash + units * bars.close[e]);
    }
    const b = ctx.backtest(new Int8Array(n).fill(2));
    expect(trades).toBe(H);
    expect(b.trades.length).toBe(H);
    for (let i = 0; i < n; i++) expect(b.equity[i]).toBeCloseTo(equity[i], 12);
    expect(up.stats!.totalReturn).toBeCloseTo(equity[n - 1] - 1, 12);
    // and it is not buy-and-hold: the ramp leaves part of the equity in cash for H days
    expect(Math.abs(up.stats!.totalReturn - buyHoldStats(b).totalReturn)).toBeGreaterThan(0.01);
  });

  it('passes metrics a baseline computed itself through, without an interval or a backtest', () => {
    expect(an).toEqual({
      id: 'analytic',
      name: 'analytic',
      params: undefined,
      description: 'metrics computed by the baseline itself',
      metrics: classMetrics(truth, new Int8Array(n).fill(1)),
      rates: undefined,
    });
    expect(an.metrics.accuracy).toBe(15 / 40);
  });

  it('the built-in list: chance, persistence, the rules and the fitted models, in report order', () => {
    expect(studyBaselines(config).map((b) => b.id)).toEqual([
      'majority',
      'persistence',
      'random',
      'momentum',
      'trend',
      'logistic',
      'gbdt',
    ]);
    expect(studyBaselines(config).map((b) => b.name)).toEqual([
      'majority',
      'persistence',
      'random',
      'momentum 14+60d',
      'trend MA200',
      'logistic regression',
      'gradient-boosted trees',
    ]);
    const rules = parseStudyConfig({ baselines: { include: 'rules' }, outDir: 'unused' });
    expect(studyBaselines(rules).map((b) => b.id)).toEqual([
      'majority',
      'persistence',
      'random',
      'momentum',
      'trend',
    ]);
    const chance = parseStudyConfig({ baselines: { include: 'chance' }, outDir: 'unused' });
    expect(studyBaselines(chance).map((b) => b.id)).toEqual(['majority', 'random']);
    const noTrees = parseStudyConfig({ baselines: { gbdt: false, trendWindowDays: 100 }, outDir: 'unused' });
    expect(studyBaselines(noTrees).map((b) => b.name)).toEqual([
      'majority',
      'persistence',
      'random',
      'momentum 14+60d',
      'trend MA100',
      'logistic regression',
    ]);
  });
});
