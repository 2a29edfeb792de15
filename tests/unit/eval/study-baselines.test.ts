/**
 * The study's baselines are a list of named functions scored alike on the study rows: a new entry is scored with
 * the same metrics, bootstrap intervals and backtest as the built-in ones (hand-computed on 40 synthetic rows).
 */
import { describe, expect, it } from 'vitest';
import { classMetrics } from '../../../src/main/training/eval/metrics';
import {
  runBaselines,
  STUDY_BASELINES,
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
  const alwaysUp: StudyBaseline = {
    name: 'always up',
    describe: () => 'long every day',
    run: () => ({ pred: new Int8Array(n).fill(2) }),
  };
  const analytic: StudyBaseline = {
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
    expect(up.ci!.accuracy.estimate).toBe(10 / 40);
    expect(up.ci!.accuracy.lo).toBeLessThanOrEqual(0.25);
    expect(up.ci!.accuracy.hi).toBeGreaterThanOrEqual(0.25);
    // long every day is buy-and-hold: bought at the first execution, held, the same one cost
    const bh = buyHoldStats(ctx.backtest(new Int8Array(n).fill(2)));
    expect(up.stats!.totalReturn).toBeCloseTo(bh.totalReturn, 12);
    expect(up.stats!.trades).toBe(1);
  });

  it('passes metrics a baseline computed itself through, without an interval or a backtest', () => {
    expect(an).toEqual({
      name: 'analytic',
      description: 'metrics computed by the baseline itself',
      metrics: classMetrics(truth, new Int8Array(n).fill(1)),
    });
    expect(an.metrics.accuracy).toBe(15 / 40);
  });

  it('the built-in list is majority, persistence, random and logistic regression, in report order', () => {
    expect(STUDY_BASELINES.map((b) => b.name)).toEqual([
      'majority',
      'persistence',
      'random',
      'logistic regression',
    ]);
  });
});
