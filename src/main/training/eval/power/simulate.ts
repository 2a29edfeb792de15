/**
 * A fast stand-in for a whole study: simulated study rows whose labels come from overlapping H-day sums of daily
 * returns (so neighbouring labels share most of their window, as in the real study), S seeds of predicted
 * probabilities that know the label with strength `edge` (0 = pure noise), a majority and a random baseline from
 * the class rates of a simulated training span. No training: a study's statistics in milliseconds, for testing the
 * verdict procedure's false-positive rate and the power driver.
 */
import { mulberry32, randNormal } from '../../random';
import { classify } from '../../labels/labels';
import { NUM_CLASSES } from '../metrics';
import type { StudyStatisticsInput } from '../statistics/study-statistics';

export interface SimulatedStudyOptions {
  /** Labeled study rows. */
  rows: number;
  folds: number;
  seeds: number;
  /** Logit added to the true class of every row, per seed (0 = no information). */
  edge: number;
  horizonDays?: number;
  seed: number;
  reps?: number;
  level?: number;
}

/** studyStatistics() input of one simulated study (one cell, no strategies). */
export function simulatedStudyInput(o: SimulatedStudyOptions): StudyStatisticsInput {
  const rng = mulberry32(o.seed);
  const H = o.horizonDays ?? 14;
  const train = 750;
  const total = train + o.rows + H;
  const ret = Float64Array.from({ length: total }, () => 0.0004 + 0.013 * randNormal(rng));
  const labelOf = (t: number) => {
    let s = 0;
    for (let k = 1; k <= H; k++) s += ret[t + k];
    return classify(Math.exp(s) - 1, 0.025, -0.01);
  };
  const counts = [0, 0, 0];
  for (let t = 0; t < train - H; t++) counts[labelOf(t)]++;
  const tot = counts[0] + counts[1] + counts[2];
  const rates = counts.map((c) => c / tot);
  const majority = counts.indexOf(Math.max(...counts));
  const labels = Int8Array.from({ length: o.rows }, (_, i) => labelOf(train + i));
  const fwd = Float64Array.from(labels, (_, i) => {
    let s = 0;
    for (let k = 1; k <= H; k++) s += ret[train + i + k];
    return Math.exp(s) - 1;
  });
  const perFold = Math.ceil(o.rows / o.folds);
  const rowFold = Int32Array.from({ length: o.rows }, (_, i) => Math.floor(i / perFold));
  const seeds = Array.from({ length: o.seeds }, (_, s) => {
    const probs = new Float64Array(o.rows * NUM_CLASSES);
    for (let i = 0; i < o.rows; i++) {
      const z = [0, 1, 2].map((c) => 0.3 * randNormal(rng) + (c === labels[i] ? o.edge : 0));
      const m = Math.max(...z);
      const e = z.map((x) => Math.exp(x - m));
      const sum = e[0] + e[1] + e[2];
      for (let c = 0; c < NUM_CLASSES; c++) probs[i * NUM_CLASSES + c] = e[c] / sum;
    }
    return { seed: s + 1, probs };
  });
  return {
    horizonDays: H,
    dates: Array.from({ length: o.rows }, (_, i) => `row-${i}`),
    labels,
    forwardReturns: fwd,
    rowFold,
    cells: [{ key: 'simulated', channels: ['000300'], seeds }],
    baselines: [
      { name: 'majority', kind: 'classes', pred: new Int8Array(o.rows).fill(majority) },
      { name: 'random', kind: 'rates', rates: Array.from({ length: o.rows }, () => rates) },
    ],
    strategies: [],
    buyHold: [],
    cashRatePerDay: 0,
    tradingDaysPerYear: 243,
    bootstrap: { reps: o.reps ?? 199, level: o.level ?? 0.9, seed: o.seed + 1 },
  };
}
