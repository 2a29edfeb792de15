/** The channel ablation: each cell minus the single-index reference on the same dates (paired block bootstrap). */
import { blockBootstrap, type Interval } from '../bootstrap';
import { metricsOnRows, metricValue, type EvaluationContext } from './evaluate';
import { METRIC_NAMES, type AblationRow, type CellResult, type MetricName } from './result';

/** Verdict of a difference interval: better or worse only when it lies wholly above or below zero. */
export function verdictOf(diff: Interval): AblationRow['verdict'] {
  return diff.lo > 0 ? 'better' : diff.hi < 0 ? 'worse' : 'no-difference';
}

/** One cell minus another on the labeled study rows, every metric with a paired block-bootstrap interval. */
export function pairedDiff(
  ctx: EvaluationContext,
  cell: CellResult,
  reference: CellResult,
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
      ctx.bootstrap,
    );
  }
  return diff;
}

export function ablate(ctx: EvaluationContext, cells: CellResult[], reference?: CellResult): AblationRow[] {
  const ablation: AblationRow[] = [];
  if (!reference) return ablation;
  for (const c of cells) {
    if (c.key === reference.key) continue;
    const diff = pairedDiff(ctx, c, reference);
    ablation.push({
      key: c.key,
      channels: c.channels,
      layout: c.layout,
      diff,
      verdict: verdictOf(diff.balancedAccuracy),
    });
  }
  return ablation;
}
