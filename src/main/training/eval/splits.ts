/**
 * Walk-forward splits with embargo.
 *
 * Units: every span is counted in SAMPLES, i.e. entries of the dataset's `dates` (one per trading day for daily
 * data). Sample dates are a subsequence of trading days, so a gap of k samples is at least k trading days: an
 * embargo of H samples is always at least H trading days.
 *
 * Layout of one fold (indices increase to the right):
 *
 *   [ train ............ ][ embargo H ][ val ... ][ embargo H ][ test ......... ]
 *
 * A label at sample d looks at closes up to d+H; the embargos make every training label window [d, d+H] end
 * before the first validation date, and every training or validation window end before the first test date.
 */
import { ConfigError } from '../../../shared/errors';

export interface WalkForwardOptions {
  /** Label horizon H in trading days; the minimum embargo. */
  horizonDays: number;
  /** 'anchored' = the training span grows from the first sample; 'rolling' = a fixed-length span. */
  window: 'anchored' | 'rolling';
  /** Samples in the training span (training + inner embargo + validation); the first fold's span for 'anchored'. */
  trainDays: number;
  /** Samples in each test block (a trailing remainder under half a block joins the last fold). */
  testDays: number;
  /** Samples between the starts of consecutive test blocks (default testDays; must be >= testDays so tests never overlap). */
  stepDays?: number;
  /** Samples skipped between the last training/validation sample and the test (default and minimum: horizonDays). */
  embargoDays?: number;
  /** Fraction of the training span used for validation (0 = no validation slice). */
  validationFraction: number;
  /** First test date ('YYYY-MM-DD'); default: as soon as the first training span fits. */
  testFrom?: string;
  /** Last test date (inclusive); default: the last labeled sample. */
  testTo?: string;
  /** Put the trailing unlabeled samples (the last H) into the last fold's `predictOnly` list. */
  includeUnlabeled?: boolean;
  /** Keep at most this many folds (the first ones). */
  maxFolds?: number;
}

export interface Fold {
  index: number;
  /** Sample indices, ascending; all labeled. */
  train: number[];
  val: number[];
  /** Labeled test samples: the only ones that enter metrics. */
  test: number[];
  /** Unlabeled samples after the test block, predicted for output only (never in metrics). */
  predictOnly: number[];
  testStart: string;
  testEnd: string;
}

function req(cond: boolean, field: string, msg: string): void {
  if (!cond) throw new ConfigError(`walkForward.${field}`, msg);
}

const range = (a: number, b: number): number[] => {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
};

/**
 * Walk-forward folds over samples 0..dates.length-1, of which the first `labeledCount` are labeled.
 * Test blocks tile [first test, last labeled] without overlap; see the file comment for the embargo layout.
 */
export function walkForwardSplits(dates: string[], labeledCount: number, opts: WalkForwardOptions): Fold[] {
  const H = opts.horizonDays;
  req(Number.isInteger(H) && H >= 1, 'horizonDays', `must be a whole number >= 1, got ${H}`);
  const embargo = opts.embargoDays ?? H;
  req(
    Number.isInteger(embargo) && embargo >= H,
    'embargoDays',
    `must be a whole number >= horizonDays (${H}), got ${embargo}`,
  );
  req(
    Number.isInteger(opts.trainDays) && opts.trainDays >= 1,
    'trainDays',
    `must be a whole number >= 1, got ${opts.trainDays}`,
  );
  req(
    Number.isInteger(opts.testDays) && opts.testDays >= 1,
    'testDays',
    `must be a whole number >= 1, got ${opts.testDays}`,
  );
  const step = opts.stepDays ?? opts.testDays;
  req(
    Number.isInteger(step) && step >= opts.testDays,
    'stepDays',
    `must be a whole number >= testDays (${opts.testDays}) so test blocks never overlap, got ${step}`,
  );
  req(
    opts.validationFraction >= 0 && opts.validationFraction < 0.9,
    'validationFraction',
    `must be in [0, 0.9), got ${opts.validationFraction}`,
  );
  req(labeledCount >= 0 && labeledCount <= dates.length, 'labeledCount', `must be within 0..${dates.length}`);

  // Smallest span that still leaves training samples after carving out validation and its embargo.
  const valLen = (span: number) =>
    opts.validationFraction > 0 ? Math.max(1, Math.round(span * opts.validationFraction)) : 0;
  const trainLen = (span: number) => {
    const v = valLen(span);
    return v > 0 ? span - v - embargo : span;
  };
  req(
    trainLen(opts.trainDays) >= 1,
    'trainDays',
    `${opts.trainDays} leaves no training samples after validation and the ${embargo}-sample embargo`,
  );

  let firstTest = opts.trainDays + embargo;
  if (opts.testFrom) {
    const i = dates.findIndex((d) => d >= opts.testFrom!);
    req(i >= 0, 'testFrom', `${opts.testFrom} is after the last sample date ${dates[dates.length - 1]}`);
    req(
      i >= firstTest,
      'testFrom',
      `${opts.testFrom} leaves fewer than trainDays + embargo = ${firstTest} samples before it (first possible test date: ${dates[firstTest] ?? 'none'})`,
    );
    firstTest = i;
  }
  let lastTest = labeledCount - 1;
  if (opts.testTo) {
    let j = -1;
    for (let i = 0; i < labeledCount; i++) if (dates[i] <= opts.testTo) j = i;
    lastTest = Math.min(lastTest, j);
  }
  req(
    firstTest <= lastTest,
    opts.testFrom || opts.testTo ? (opts.testTo ? 'testTo' : 'testFrom') : 'trainDays',
    labeledCount === 0
      ? 'the dataset has no labelled sample to train or test on'
      : `no labelled sample left to test on: the ${labeledCount} labelled samples (${dates[0]}..${dates[labeledCount - 1]}) end before the first test date the settings allow (sample ${firstTest + 1}: trainDays ${opts.trainDays} + embargo ${embargo}${opts.testFrom ? `, testFrom ${opts.testFrom}` : ''}${opts.testTo ? `, testTo ${opts.testTo}` : ''}); shorten walkForward.trainDays or widen dataset.from..to`,
  );

  const folds: Fold[] = [];
  for (let start = firstTest; start <= lastTest; start += step) {
    if (opts.maxFolds !== undefined && folds.length >= opts.maxFolds) break;
    let end = Math.min(start + opts.testDays - 1, lastTest);
    // A short remainder (under half a block) joins this fold rather than costing a whole training of its own.
    if (step === opts.testDays && lastTest - end < opts.testDays / 2) end = lastTest;
    const spanEnd = start - embargo - 1;
    const spanStart = opts.window === 'anchored' ? 0 : spanEnd - opts.trainDays + 1;
    const span = spanEnd - spanStart + 1;
    const v = valLen(span);
    const valStart = spanEnd - v + 1;
    const trainEnd = v > 0 ? valStart - embargo - 1 : spanEnd;
    const isLast = end === lastTest && lastTest === labeledCount - 1;
    folds.push({
      index: folds.length,
      train: range(spanStart, trainEnd),
      val: v > 0 ? range(valStart, spanEnd) : [],
      test: range(start, end),
      predictOnly: opts.includeUnlabeled && isLast ? range(labeledCount, dates.length - 1) : [],
      testStart: dates[start],
      testEnd: dates[end],
    });
    if (end === lastTest) break;
  }
  return folds;
}
