/**
 * The paired comparison of a study that lists bar sizes or models (ablation.barSizes / ablation.models): each
 * cell against the cell that differs from it only in what the study asks about, on the same dates.
 *
 * - Bar sizes: each cell of another bar size minus the cell of the label bar size (the daily image, when listed)
 *   with the same channels and model (and layout where it has one): "does the intraday image carry information
 *   the daily image of the same dates does not?".
 * - Models only: each multi-index cell minus the single-index cell of the same model (the channel ablation,
 *   model by model).
 */
import type { StudyConfig } from '../study-config';
import { pairedDiff, verdictOf } from './ablation';
import type { BootstrapSettings, EvaluationContext } from './evaluate';
import { barSizeName, type StudyPlan } from './plan';
import type { AblationRow, CellResult } from './result';

export interface CellPair {
  cell: CellResult;
  reference: CellResult;
}

/** Whether a study compares bar sizes or models (and so uses this comparison instead of the channel ablation). */
export const hasVariants = (config: StudyConfig) =>
  Boolean(config.ablation.barSizes || config.ablation.models);

/** Bar size and model of each evaluated cell, copied from the plan (for the reports). */
export function withVariant(plan: StudyPlan, cell: CellResult): CellResult {
  const p = plan.cells.find((c) => c.key === cell.key)!;
  return {
    ...cell,
    ...(p.barSize ? { barsPerDay: p.barsPerDay } : {}),
    ...(p.modelName ? { model: p.modelName } : {}),
  };
}

/** Each cell with the cell it is compared with (see the file comment); cells that are references are left out. */
export function variantPairs(plan: StudyPlan, cells: CellResult[]): CellPair[] {
  const pairs: CellPair[] = [];
  const refBars = plan.labelBarSize?.barsPerDay;
  for (const cell of cells) {
    const candidates =
      refBars !== undefined
        ? cell.barsPerDay === refBars
          ? []
          : cells.filter(
              (r) =>
                r.barsPerDay === refBars &&
                r.model === cell.model &&
                r.channels.join('+') === cell.channels.join('+'),
            )
        : cell.channels.length === 1
          ? []
          : cells.filter((r) => r.channels.length === 1 && r.model === cell.model);
    const reference = candidates.find((r) => r.layout === cell.layout) ?? candidates[0];
    if (reference) pairs.push({ cell, reference });
  }
  return pairs;
}

/** The rows of the paired comparison, each naming its reference. */
export function ablateVariants(
  ctx: EvaluationContext,
  pairs: CellPair[],
  boot: BootstrapSettings,
): AblationRow[] {
  return pairs.map(({ cell, reference }) => {
    const diff = pairedDiff(ctx, cell, reference, boot);
    return {
      key: cell.key,
      channels: cell.channels,
      layout: cell.layout,
      reference: reference.key,
      diff,
      verdict: verdictOf(diff.balancedAccuracy),
      pHolm: null,
    };
  });
}

const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/** What the paired comparison says, in a sentence or two. */
export function variantSentence(
  config: StudyConfig,
  plan: StudyPlan,
  rows: AblationRow[],
  labeledDays: number,
): string {
  const lvl = `${Math.round(config.bootstrap.level * 100)} %`;
  if (rows.length === 0) return 'No pair of cells differs only in bar size or model; nothing was compared.';
  const ref = plan.labelBarSize;
  const what = ref
    ? `each cell minus the ${barSizeName(ref.barsPerDay)} cell of the same channels and model`
    : 'each multi-index cell minus the single-index cell of the same model';
  const list = rows
    .map((r) => {
      const d = r.diff.balancedAccuracy;
      return `${r.key}: ${pp(d.estimate)} pp [${pp(d.lo)}, ${pp(d.hi)}]`;
    })
    .join('; ');
  const better = rows.filter((r) => r.verdict === 'better');
  const question = ref
    ? `Does an image of another bar size carry information the ${barSizeName(ref.barsPerDay)} image of the same dates does not?`
    : 'Do the overlay indices add information, model by model?';
  const answer =
    better.length === 0
      ? `No: no interval lies above zero.`
      : `${better.length} of ${rows.length} intervals lie above zero (${better.map((r) => r.key).join(', ')}); with ${rows.length} comparisons, one interval above zero can still be chance.`;
  return `${question} Balanced accuracy, ${what}, ${lvl} paired block-bootstrap interval on the same ${labeledDays} test dates: ${list}. ${answer}`;
}
