/**
 * The label the study trains on against the one the strategy trades (issue 11 item 6). The default label is
 * close(t) -> close(t+H), the original study's, while the strategy decides at the close and trades from the next
 * open. Every model's predictions are scored against both, on the rows where both are known, so a reader sees
 * how much of a score an untradable overnight move could carry; the backtest (H-day tranches from the next open)
 * is the tradable measure of the same predictions.
 */
import type { Bars, LabelPrice } from '../../../../shared/domain';
import { labelSeries } from '../../labels/labels';
import { balancedAccuracy } from '../statistics/chance';
import type { StudyConfig } from '../study-config';
import type { StudyPlan } from './plan';
import type { BaselineResult, CellResult, LabelCheck } from './result';

const NOTE_CLOSE =
  "The models are trained and scored on the close-to-close label (close(t) -> close(t+H)), the original study's, and the default: changing it would change every fold's training data and so every cached fold of the studies already run, and the question asked is the original one. The strategy trades from the next open in H-day tranches, so the backtest measures the tradable part; the column beside shows the same predictions against the tradable label open(t+1) -> open(t+1+H). Set dataset.labelPrice to 'next-open' to train on the tradable label.";
const NOTE_OPEN =
  'The models are trained and scored on the tradable label open(t+1) -> open(t+1+H), the position the strategy takes at the next open and holds for H days; the column beside shows the same predictions against the original close-to-close label.';

/** Scores of every cell and backtested baseline against the other label price (see the file comment). */
export function labelCheck(
  config: StudyConfig,
  plan: Pick<StudyPlan, 'rowDates' | 'truth'>,
  targetDaily: Pick<Bars, 'date' | 'open' | 'close'>,
  cells: CellResult[],
  baselines: BaselineResult[],
): LabelCheck | null {
  const d = config.dataset;
  const labelPrice: LabelPrice = d.labelPrice ?? 'close';
  const otherPrice: LabelPrice = labelPrice === 'close' ? 'next-open' : 'close';
  const other = labelSeries(targetDaily.close, d.horizonDays, d.upThreshold, d.downThreshold, {
    labelPrice: otherPrice,
    open: targetDaily.open,
  }).labels;
  const at = new Map(targetDaily.date.map((x, i) => [x, i] as const));
  const otherRow = Int8Array.from(plan.rowDates, (x) => {
    const i = at.get(x);
    return i === undefined ? -1 : other[i];
  });
  const both: number[] = [];
  for (let r = 0; r < plan.truth.length; r++) if (plan.truth[r] >= 0 && otherRow[r] >= 0) both.push(r);
  if (both.length === 0) return null;
  const changed = both.filter((r) => plan.truth[r] !== otherRow[r]).length;
  const score = (key: string, kind: 'cell' | 'baseline', pred: Int8Array) => ({
    key,
    kind,
    balancedAccuracy: balancedAccuracy(plan.truth, pred, both),
    otherBalancedAccuracy: balancedAccuracy(otherRow, pred, both),
  });
  return {
    labelPrice,
    otherPrice,
    rows: both.length,
    changed: changed / both.length,
    models: [
      ...cells.map((c) => score(c.key, 'cell', c.pred)),
      ...baselines.filter((b) => b.pred).map((b) => score(b.name, 'baseline', b.pred!)),
    ],
    note: labelPrice === 'close' ? NOTE_CLOSE : NOTE_OPEN,
  };
}
