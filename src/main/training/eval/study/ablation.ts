/** The channel ablation: each cell minus the single-index reference on the same dates (paired block bootstrap). */
import { blockBootstrap, type Interval } from '../bootstrap';
import { metricsOnRows, metricValue, type EvaluationContext } from './evaluate';
import { METRIC_NAMES, type AblationRow, type CellResult, type MetricName } from './result';

/** Verdict of a difference interval: better or worse only when it lies wholly above or below zero. */
export function verdictOf(diff: Interval): AblationRow['verdict'] {
  return diff.lo > 0 ? 'better' : diff.hi < 0 ? 'worse' : 'no-difference';
}

export function ablate(ctx: EvaluationContext, cells: CellResult[], reference?: CellResult): AblationRow[] {
  const ablation: AblationRow[] = [];
  if (!reference) return ablation;
  const lt = ctx.labeledTruth;
  const n = ctx.plan.labeledRows.length;
  const refPred = ctx.onLabeled(reference.pred);
  const refProbs = ctx.probsOnLabeled(reference.probs);
  for (const c of cells) {
    if (c.key === reference.key) continue;
    const cp = ctx.onLabeled(c.pred);
    const cpr = ctx.probsOnLabeled(c.probs);
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
