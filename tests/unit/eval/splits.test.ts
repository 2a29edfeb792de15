import { describe, expect, it } from 'vitest';
import { walkForwardSplits, type WalkForwardOptions } from '../../../src/main/training/eval/splits';
import { mulberry32, randInt } from '../../../src/main/training/random';
import { ConfigError } from '../../../src/shared/errors';

/** Consecutive weekdays from 2015-01-05, as a stand-in trading calendar. */
function calendar(n: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(2015, 0, 5));
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

describe('walkForwardSplits', () => {
  it('hand example: rolling, H=2, train span 10, val 20 %, test 5', () => {
    const dates = calendar(30);
    const folds = walkForwardSplits(dates, 28, {
      horizonDays: 2,
      window: 'rolling',
      trainDays: 10,
      testDays: 5,
      validationFraction: 0.2,
      includeUnlabeled: true,
    });
    // span 0..9, val = last 2 (8, 9), embargo 2 before val -> train 0..5; embargo 10, 11; test 12..16
    expect(folds[0].train).toEqual([0, 1, 2, 3, 4, 5]);
    expect(folds[0].val).toEqual([8, 9]);
    expect(folds[0].test).toEqual([12, 13, 14, 15, 16]);
    expect(folds[1].train).toEqual([5, 6, 7, 8, 9, 10]);
    expect(folds[1].val).toEqual([13, 14]);
    expect(folds[1].test).toEqual([17, 18, 19, 20, 21]);
    expect(folds.map((f) => f.test.length)).toEqual([5, 5, 6]);
    expect(folds[2].test).toEqual([22, 23, 24, 25, 26, 27]);
    expect(folds[2].predictOnly).toEqual([28, 29]);
    expect(folds[0].predictOnly).toEqual([]);
  });

  it('hand example: anchored grows from sample 0', () => {
    const dates = calendar(40);
    const folds = walkForwardSplits(dates, 40, {
      horizonDays: 3,
      window: 'anchored',
      trainDays: 12,
      testDays: 10,
      validationFraction: 0,
    });
    expect(folds[0].train).toEqual([...Array(12).keys()]);
    expect(folds[0].test[0]).toBe(15);
    expect(folds[1].train).toEqual([...Array(22).keys()]);
    expect(folds[1].test[0]).toBe(25);
  });

  it('property: no training or validation label window [d, d+H] reaches a test date; tests tile the period', () => {
    const rng = mulberry32(20240601);
    let checked = 0;
    for (let trial = 0; trial < 400; trial++) {
      const H = 1 + randInt(rng, 25);
      const n = 200 + randInt(rng, 800);
      const dates = calendar(n);
      const labeledCount = n - H;
      const opts: WalkForwardOptions = {
        horizonDays: H,
        window: rng() < 0.5 ? 'anchored' : 'rolling',
        trainDays: 2 * H + 10 + randInt(rng, 150),
        testDays: 1 + randInt(rng, 80),
        validationFraction: rng() < 0.3 ? 0 : 0.05 + 0.3 * rng(),
        embargoDays: H + (rng() < 0.3 ? randInt(rng, 5) : 0),
        includeUnlabeled: rng() < 0.5,
      };
      let folds;
      try {
        folds = walkForwardSplits(dates, labeledCount, opts);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError); // too small a span for validation + embargo
        continue;
      }
      checked++;
      const covered: number[] = [];
      const bad: string[] = [];
      for (const f of folds) {
        const firstTestDate = dates[f.test[0]];
        if (f.train.length === 0) bad.push(`fold ${f.index}: empty train`);
        for (const i of [...f.train, ...f.val]) {
          if (i >= labeledCount) bad.push(`fold ${f.index}: unlabeled ${i} in train/val`);
          // the label window ends at dates[i + H]: strictly before the first test date
          if (!(dates[i + H] < firstTestDate))
            bad.push(`fold ${f.index}: label window of ${i} reaches test ${firstTestDate}`);
        }
        if (f.val.length > 0)
          for (const i of f.train)
            if (!(dates[i + H] < dates[f.val[0]])) bad.push(`fold ${f.index}: train ${i} overlaps val`);
        if (
          opts.window === 'rolling' &&
          f.train.length + f.val.length + (f.val.length ? opts.embargoDays! : 0) !== opts.trainDays
        )
          bad.push('rolling span');
        for (const t of f.test) if (t >= labeledCount) bad.push(`unlabeled test ${t}`);
        for (const t of f.predictOnly) if (t < labeledCount) bad.push(`labeled predictOnly ${t}`);
        covered.push(...f.test);
      }
      // contiguous, no overlap, ends at the last labeled sample
      for (let k = 1; k < covered.length; k++)
        if (covered[k] !== covered[k - 1] + 1) bad.push(`gap/overlap at ${covered[k]}`);
      if (covered[covered.length - 1] !== labeledCount - 1) bad.push('does not reach last labeled');
      expect(bad, JSON.stringify(opts)).toEqual([]);
      const predicted = folds.flatMap((f) => f.predictOnly);
      expect(predicted.length).toBe(opts.includeUnlabeled ? H : 0);
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('testFrom / testTo / maxFolds, and refuses an embargo below H', () => {
    const dates = calendar(300);
    const folds = walkForwardSplits(dates, 290, {
      horizonDays: 10,
      window: 'anchored',
      trainDays: 100,
      testDays: 50,
      validationFraction: 0.15,
      testFrom: dates[150],
      testTo: dates[260],
      maxFolds: 5,
    });
    expect(folds[0].testStart).toBe(dates[150]);
    expect(folds[folds.length - 1].testEnd).toBe(dates[260]);
    expect(folds.map((f) => f.test.length)).toEqual([50, 61]); // 11-sample remainder joins the last fold
    expect(() =>
      walkForwardSplits(dates, 290, {
        horizonDays: 10,
        window: 'anchored',
        trainDays: 100,
        testDays: 50,
        validationFraction: 0,
        embargoDays: 5,
      }),
    ).toThrow(/embargoDays/);
    expect(() =>
      walkForwardSplits(dates, 290, {
        horizonDays: 10,
        window: 'anchored',
        trainDays: 100,
        testDays: 50,
        validationFraction: 0,
        stepDays: 20,
      }),
    ).toThrow(/stepDays/);
  });
});
