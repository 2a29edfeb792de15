import { describe, expect, it } from 'vitest';
import { fitLogistic, fitLogisticSelected, predictLogistic } from '../../../src/main/training/eval/baselines';
import {
  balancedWeights,
  gbdtBaseline,
  logisticBaseline,
  momentumBaseline,
  runFoldBaseline,
  trendBaseline,
  type BaselineRows,
  type FoldRows,
} from '../../../src/main/training/eval/fold-baselines';
import { logLoss } from '../../../src/main/training/eval/metrics';
import { momentumClasses, trendClasses } from '../../../src/main/training/eval/rules';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import type { FeatureTable } from '../../../src/main/training/tabular/table';

/** n dates, d factor columns (lag 0) of noise; labels planted on column 0 when `signal`, else random. */
function rowsOf(n: number, d: number, signal: boolean, seed = 1): BaselineRows {
  const rng = mulberry32(seed);
  const values = new Float32Array(n * d);
  for (let i = 0; i < values.length; i++) values[i] = randNormal(rng);
  const labels = Int8Array.from({ length: n }, (_, i) => {
    const s = signal ? values[i * d] + 0.3 * randNormal(rng) : randNormal(rng);
    return s < -0.4 ? 0 : s > 0.4 ? 2 : 1;
  });
  const dates = Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2015, 0, 1 + i)).toISOString().slice(0, 10),
  );
  const close = new Float64Array(n);
  close[0] = 100;
  for (let i = 1; i < n; i++) close[i] = close[i - 1] * (1 + 0.01 * randNormal(rng));
  const table: FeatureTable = {
    dates,
    columns: Array.from({ length: d }, (_, j) => ({
      name: `f${j}`,
      channel: '000300',
      family: 'trend',
      lagDays: 0,
    })),
    values,
  };
  return { dates, labels, targetDaily: { date: dates, close }, table };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const folds: FoldRows[] = [
  { train: range(0, 300), val: range(314, 380), test: range(394, 500) },
  { train: range(0, 400), val: range(414, 486), test: range(500, 600) },
];

describe('logistic regression with the penalty chosen on the validation slice', () => {
  it('scores every grid value on the validation rows and refits train + validation with the best', () => {
    const rows = rowsOf(600, 8, true);
    const t = rows.table!;
    const X = (r: number[]) =>
      Float32Array.from(r.flatMap((i) => Array.from(t.values.subarray(i * 8, i * 8 + 8))));
    const y = (r: number[]) => Int8Array.from(r, (i) => rows.labels[i]);
    const f = folds[0];
    const grid = [1e-2, 1, 100];
    const sel = fitLogisticSelected({ X: X(f.train), y: y(f.train) }, { X: X(f.val), y: y(f.val) }, 8, {
      grid,
    });
    // independent recomputation of each validation score
    const scores = grid.map((l2) =>
      logLoss(y(f.val), predictLogistic(fitLogistic(X(f.train), y(f.train), 8, { l2 }), X(f.val))),
    );
    expect(sel.validLoss).toEqual(scores);
    expect(sel.l2).toBe(grid[scores.indexOf(Math.min(...scores))]);
    // the refit used training + validation rows with that penalty
    const refit = fitLogistic(X([...f.train, ...f.val]), y([...f.train, ...f.val]), 8, { l2: sel.l2 });
    expect(Array.from(sel.model.w)).toEqual(Array.from(refit.w));
    // with a real signal, a weak penalty wins; on noise a strong one does and the test log-loss stays near ln 3
    expect(sel.l2).toBeLessThan(100);
  });

  it('on noise with many features it chooses a strong penalty and does not lose to a uniform guess', () => {
    const rows = rowsOf(600, 60, false, 3);
    const out = runFoldBaseline(logisticBaseline(), rows, folds, 1);
    for (const info of out.info) expect(info.l2).toBeGreaterThanOrEqual(1);
    const truth = folds.flatMap((f) => f.test.map((r) => rows.labels[r]));
    expect(logLoss(truth, out.probs!)).toBeLessThan(Math.log(3) + 0.02);
    // the old fixed penalty overfits the same rows
    const f = folds[0];
    const t = rows.table!;
    const X = (r: number[]) =>
      Float32Array.from(r.flatMap((i) => Array.from(t.values.subarray(i * 60, i * 60 + 60))));
    const y = (r: number[]) => Int8Array.from(r, (i) => rows.labels[i]);
    const old = fitLogistic(X([...f.train, ...f.val]), y([...f.train, ...f.val]), 60, { l2: 1e-2 });
    expect(logLoss(y(f.test), predictLogistic(old, X(f.test)))).toBeGreaterThan(Math.log(3) + 0.05);
  });
});

describe('fold baselines', () => {
  it('balanced weights n / (3 n_c)', () => {
    expect(balancedWeights([0, 0, 1, 2, 2, 2], [0, 1, 2, 3, 4, 5])).toEqual([1, 2, 2 / 3]);
  });

  it('rules join fold by fold in the study row order and equal the rule at each date', () => {
    const rows = rowsOf(600, 2, false);
    const testDates = folds.flatMap((f) => f.test.map((r) => rows.dates[r]));
    const m = runFoldBaseline(momentumBaseline([14, 60]), rows, folds, 1);
    expect(Array.from(m.pred)).toEqual(Array.from(momentumClasses(rows.targetDaily, testDates, [14, 60])));
    expect(m.probs).toBeUndefined();
    const tr = runFoldBaseline(trendBaseline(200), rows, folds, 1);
    expect(Array.from(tr.pred)).toEqual(Array.from(trendClasses(rows.targetDaily, testDates, 200)));
  });

  it('GBDT finds a planted signal, and no fit reads the test labels', () => {
    const rows = rowsOf(600, 8, true);
    const b = gbdtBaseline({ numRounds: 100 });
    const out = runFoldBaseline(b, rows, folds, 1);
    const truth = folds.flatMap((f) => f.test.map((r) => rows.labels[r]));
    let ok = 0;
    out.pred.forEach((p, i) => {
      if (p === truth[i]) ok++;
    });
    expect(ok / truth.length).toBeGreaterThan(0.6);
    expect(logLoss(truth, out.probs!)).toBeLessThan(Math.log(3));
    for (const info of out.info) expect(info.rounds).toBeGreaterThan(1);
    // scramble the labels of the last fold's test rows (earlier folds' test rows are later folds' training rows)
    const onlyLast = Int8Array.from(rows.labels);
    for (const r of folds[1].test) onlyLast[r] = (onlyLast[r] + 1) % 3;
    const again = runFoldBaseline(b, { ...rows, labels: onlyLast }, folds, 1);
    expect(Array.from(again.probs!)).toEqual(Array.from(out.probs!));
    const lr = runFoldBaseline(logisticBaseline({ grid: [0.1, 10] }), rows, folds, 1);
    const lr2 = runFoldBaseline(
      logisticBaseline({ grid: [0.1, 10] }),
      { ...rows, labels: onlyLast },
      folds,
      1,
    );
    expect(Array.from(lr2.probs!)).toEqual(Array.from(lr.probs!));
  });
});
