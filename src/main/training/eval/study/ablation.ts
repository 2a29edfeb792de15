/**
 * The channel ablation: each cell minus the single-index reference on the same dates. Balanced accuracy comes from
 * the statistics (two-level bootstrap, paired, the family Holm-adjusted: its verdicts); the other metrics are a
 * paired circular block bootstrap of the seed ensembles with the study's block length, shown without a verdict.
 */
import type { IntervalDto, StudyStatistics } from '../../../../shared/study-statistics';
import { blockBootstrap, type Interval } from '../bootstrap';
import { metricsOnRows, metricValue, type BootstrapSettings, type EvaluationContext } from './evaluate';
import { METRIC_NAMES, type AblationRow, type CellResult, type MetricName } from './result';

/** Verdict of a difference interval: better or worse only when it lies wholly above or below zero. */
export function verdictOf(diff: Interval): AblationRow['verdict'] {
  return diff.lo > 0 ? 'better' : diff.hi < 0 ? 'worse' : 'no-difference';
}

/** A statistics interval (nulls for what could not be computed) as an engine interval. */
export const intervalFromDto = (i: IntervalDto): Interval => {
  const n = (x: number | null) => (x === null ? NaN : x);
  return {
    estimate: n(i.estimate),
    lo: n(i.lo),
    hi: n(i.hi),
    se: n(i.se),
    reps: i.reps,
    level: i.level,
    blockLength: i.blockLength,
  };
};

/** One cell minus another on the labeled study rows, every metric with a paired block-bootstrap interval. */
export function pairedDiff(
  ctx: EvaluationContext,
  cell: CellResult,
  reference: CellResult,
  boot: BootstrapSettings,
): Record<MetricName, Interval> {
  const lt = ctx.labeledTruth;
  const n = ctx.plan.labeledRows.length;
  const refPred = ctx.onLabeled(reference.pred);
  const refProbs = ctx.probsOnLabeled(reference.probs);
  const cp = ctx.onLabeled(cell.pred);
  const cpr = ctx.probsOnLabeled(cell.probs);
  const diff = {} as Record<MetricName, Interval>;
  for (const m of METRIC_NAMES) {
    diff[m] = blockBootstrap(
      n,
      (idx) =>
        metricValue(metricsOnRows(lt, cp, cpr, idx), m) -
        metricValue(metricsOnRows(lt, refPred, refProbs, idx), m),
      boot,
    );
  }
  return diff;
}

export function ablate(
  ctx: EvaluationContext,
  cells: CellResult[],
  reference: CellResult | undefined,
  boot: BootstrapSettings,
  statistics: StudyStatistics,
): AblationRow[] {
  const ablation: AblationRow[] = [];
  if (!reference) return ablation;
  for (const c of cells) {
    if (c.key === reference.key) continue;
    const diff = pairedDiff(ctx, c, reference, boot);
    const st = statistics.ablation?.comparisons.find((x) => x.key === c.key);
    if (st) diff.balancedAccuracy = intervalFromDto(st.difference);
    ablation.push({
      key: c.key,
      channels: c.channels,
      layout: c.layout,
      diff,
      verdict: st ? st.verdict : verdictOf(diff.balancedAccuracy),
      pHolm: st?.pHolm ?? null,
    });
  }
  return ablation;
}
