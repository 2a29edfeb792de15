/**
 * The study's own composition of its statistics (evaluate -> baselines -> statistics -> verdict), on synthetic
 * studies that need no training: prices a random walk, labels from their 14-day forward returns, two seeds of
 * predicted probabilities per cell that know the label with a chosen strength (0 = pure noise), the chance and
 * rule baselines on the same rows, every cell and baseline backtested per test block. Fast stand-ins for whole
 * studies (issue 11, done when): on pure noise the verdict's false-positive rate over many studies is near the
 * nominal one-sided 5 %; a strong planted signal is detected with its interval above the best baseline, a low
 * PBO and a high DSR.
 */
import { describe, expect, it } from 'vitest';
import { labelSeries } from '../../../src/main/training/labels/labels';
import { mulberry32, randNormal } from '../../../src/main/training/random';
import { NUM_CLASSES } from '../../../src/main/training/eval/metrics';
import { runBaselines } from '../../../src/main/training/eval/study/baselines';
import {
  evaluateCell,
  evaluationContext,
  primaryAndReference,
} from '../../../src/main/training/eval/study/evaluate';
import type { PlannedCell, StudyPlan } from '../../../src/main/training/eval/study/plan';
import { composeStatistics } from '../../../src/main/training/eval/study/statistics';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import type { FactorDataset } from '../../../src/main/training/images/dataset';

const H = 14;
const TRAIN = 400;

function businessDates(n: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(2010, 0, 4));
  while (out.length < n) {
    const w = d.getUTCDay();
    if (w !== 0 && w !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** One synthetic study: its plan, target bars, and two cells whose seeds know the label with logit `edge`. */
function synthetic(seed: number, edge: number, folds = 4, block = 100) {
  const rng = mulberry32(seed);
  const N = TRAIN + folds * block + H + 1;
  const dates = businessDates(N);
  const close = new Float64Array(N);
  const open = new Float64Array(N);
  close[0] = 3000;
  open[0] = 3000;
  for (let t = 1; t < N; t++) {
    open[t] = close[t - 1] * (1 + 0.003 * randNormal(rng));
    close[t] = open[t] * (1 + 0.0003 + 0.012 * randNormal(rng));
  }
  const { labels, forward } = labelSeries(close, H, 0.025, -0.01);
  const foldList = Array.from({ length: folds }, (_, k) => {
    const start = TRAIN + k * block;
    const test = Array.from({ length: block }, (_, i) => start + i);
    return {
      index: k,
      train: Array.from({ length: start - H }, (_, i) => i),
      val: [] as number[],
      test,
      predictOnly: [] as number[],
      testStart: dates[test[0]],
      testEnd: dates[test[block - 1]],
    };
  });
  const rowsCommon = foldList.flatMap((f) => f.test);
  const truth = Int8Array.from(rowsCommon, (j) => labels[j]);
  const plan = {
    common: dates,
    labelsAll: labels,
    fwdAll: forward,
    closeAll: close,
    folds: foldList,
    rowsCommon,
    rowFold: Int32Array.from(rowsCommon, (_, r) => Math.floor(r / block)),
    rowDates: rowsCommon.map((j) => dates[j]),
    truth,
    labeledRows: [...truth.keys()],
    fingerprint: 'synthetic',
  } as unknown as StudyPlan;
  const seedProbs = () => {
    const p = new Float64Array(rowsCommon.length * NUM_CLASSES);
    for (let r = 0; r < rowsCommon.length; r++) {
      const z = [0, 1, 2].map((c) => 0.3 * randNormal(rng) + (c === truth[r] ? edge : 0));
      const m = Math.max(...z);
      const e = z.map((x) => Math.exp(x - m));
      for (let c = 0; c < NUM_CLASSES; c++) p[r * NUM_CLASSES + c] = e[c] / (e[0] + e[1] + e[2]);
    }
    return p;
  };
  const cells = [
    { key: '000300_time-factor', channels: ['000300'] },
    { key: '000300+000905_time-factor', channels: ['000300', '000905'] },
  ].map((c) => ({
    ...c,
    layout: 'time-factor' as const,
    ds: { imageShape: [56, 56, c.channels.length] } as unknown as FactorDataset,
    probs: new Map([1, 2].map((s) => [s, seedProbs()] as const)),
  }));
  return { plan, cells, bars: { date: dates, open, close } };
}

const config = parseStudyConfig({
  seeds: [1, 2],
  bootstrap: { reps: 99, level: 0.9, seed: 11 },
  baselines: { include: 'rules' },
  randomDraws: 2,
  outDir: '/tmp/unused',
});

function verdictOf(seed: number, edge: number, folds = 4, block = 100) {
  const s = synthetic(seed, edge, folds, block);
  const ctx = evaluationContext(config, s.plan, s.bars);
  const cells = s.cells.map((c) =>
    evaluateCell(ctx, c as unknown as PlannedCell, (seedNo) => c.probs.get(seedNo)!),
  );
  const { primary, reference } = primaryAndReference(cells);
  const primaryDs = { targetDaily: s.bars } as unknown as FactorDataset;
  const baselines = runBaselines({ eval: ctx, primary, primaryDs });
  return composeStatistics({ ctx, cells, primary, reference, baselines });
}

describe('the study composition on synthetic studies (no training)', () => {
  it('scores every cell and baseline on the same rows, with every backtested one a trial', () => {
    const st = verdictOf(1, 0);
    expect(st.labeledRows).toBe(400);
    expect(st.chance.baselines.map((b) => b.name)).toEqual([
      'majority',
      'persistence',
      'random',
      'momentum 14+60d',
      'trend MA200',
    ]);
    for (const b of st.chance.baselines) expect(b.folds.map((f) => f.n)).toEqual([100, 100, 100, 100]);
    // 2 cells and 4 backtested baselines (random has no backtest)
    expect(st.overfitting.strategies.map((x) => x.kind)).toEqual([
      'cell',
      'cell',
      'baseline',
      'baseline',
      'baseline',
      'baseline',
    ]);
    expect(st.overfitting.deflatedSharpe!.trials).toBe(6);
    expect(st.blockLength.value).toBeGreaterThanOrEqual(H);
    expect(st.ablation!.members).toEqual(['000300+000905_time-factor']);
  });

  it('pure noise: the false-positive rate over 100 studies is near the nominal one-sided 5 %', () => {
    let detected = 0;
    const runs = 100;
    for (let k = 0; k < runs; k++) if (verdictOf(1000 + k, 0).verdict.edgeDetected) detected++;
    // binomial sd at 5 % over 100 studies is 2.2 pp; the best of five baselines makes the bar a little higher
    expect(detected / runs).toBeLessThanOrEqual(0.1);
  }, 120_000);

  it('a strong planted signal is detected: interval above the best baseline, low PBO, high DSR', () => {
    // ten years of test blocks: the DSR needs the sample length to tell a Sharpe of ~2.5 from the best of trials
    const st = verdictOf(77, 1.2, 10, 250);
    expect(st.verdict.edgeDetected).toBe(true);
    for (const c of st.cells) {
      expect(c.vsBestBaseline.edge).toBe(true);
      expect(c.vsBestBaseline.difference.lo!).toBeGreaterThan(0);
      expect(c.balancedAccuracy.interval.lo!).toBeGreaterThan(st.chance.best.balancedAccuracy!);
    }
    expect(st.overfitting.pbo!.value).toBeLessThan(0.2);
    expect(['000300_time-factor', '000300+000905_time-factor']).toContain(
      st.overfitting.deflatedSharpe!.best,
    );
    expect(st.overfitting.deflatedSharpe!.dsr!).toBeGreaterThan(0.95);
    expect(st.verdict.sentence).toMatch(/^Edge detected/);
  }, 60_000);
});
