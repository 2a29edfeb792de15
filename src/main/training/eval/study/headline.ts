/**
 * The study's conclusions in words: the ablation sentence (the Holm-adjusted family of overlay comparisons) and
 * the headline (the primary CNN against chance and the best baseline measured on the same rows, the verdict of
 * the statistics with its power figure, and the costed strategy against buy-and-hold on the same test days).
 */
import type { StudyStatistics } from '../../../../shared/study-statistics';
import type { Stats } from '../stats';
import type { StudyConfig } from '../study-config';
import type { CellResult } from './result';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)} %`;
const levelText = (level: number) => `${Math.round(level * 100)} %`;

/** What the channel ablation says, with its family and adjustment named. */
export function ablationSentence(
  config: StudyConfig,
  statistics: StudyStatistics,
  reference: CellResult | undefined,
  labeledDays: number,
): string {
  const a = statistics.ablation;
  if (!reference)
    return 'No single-index channel set was run, so the overlays could not be compared with the CSI 300 alone.';
  if (!a || a.comparisons.length === 0)
    return 'Only the CSI 300 channel set was run; there is no overlay to compare.';
  const k = a.comparisons.length;
  const family = `the family of ${k} overlay comparison(s) with ${a.reference}, balanced accuracy, two-level ${levelText(statistics.level)} intervals on the same ${labeledDays} test days, Holm-adjusted two-sided at ${a.alpha}`;
  const sig = a.comparisons.filter((c) => c.verdict !== 'no-difference');
  if (sig.length === 0)
    return `No overlay set added information beyond noise: in ${family}, no difference is significant.`;
  const what = sig
    .map(
      (c) =>
        `${c.channels.join('+')} ${c.verdict} (${pct(c.difference.estimate)} [${pct(c.difference.lo)}, ${pct(c.difference.hi)}], Holm p ${c.pHolm?.toFixed(3) ?? '–'})`,
    )
    .join('; ');
  return `In ${family}: ${what}; the other sets show no difference.${config.ablation.layouts.length > 1 ? ' Layouts count as separate comparisons.' : ''}`;
}

/** The one-paragraph headline: the primary CNN's out-of-sample numbers beside chance, the best baseline and buy-and-hold. */
export function headline(
  config: StudyConfig,
  t: {
    firstDate: string;
    lastDate: string;
    labeledDays: number;
    folds: number;
    primary: CellResult;
    statistics: StudyStatistics;
    buyHold: Stats;
  },
): string {
  const s = t.statistics;
  const lvl = levelText(s.level);
  const pm = t.primary;
  const st = s.cells.find((c) => c.key === pm.key)!;
  const ba = st.balancedAccuracy;
  const chance = (name: string) => s.chance.baselines.find((b) => b.name === name)?.pooled;
  const bh = t.buyHold;
  const bt = config.backtest;
  const hold = bt.holdDays > 1 ? `in ${bt.holdDays}-day tranches` : 'for a day at a time';
  return (
    `Out of sample (${t.firstDate}..${t.lastDate}, ${t.labeledDays} test days, ${t.folds} folds, ${config.seeds.length} seed(s)), ` +
    `the ${pm.channels.join('+')} CNN reached balanced accuracy ${pct(ba.pooled)} [${lvl} two-level interval ${pct(ba.interval.lo)}, ${pct(ba.interval.hi)}; per-fold mean ${pct(ba.foldMean)}], ` +
    `against ${pct(s.chance.best.balancedAccuracy)} for the best baseline on the same rows (${s.chance.best.name}); chance on the same rows: majority ${pct(chance('majority'))}, random ${pct(chance('random'))}. ` +
    `${s.verdict.sentence} ` +
    `Its strategy (long on 'up' ${hold} from the next open, ${bt.commissionBps + bt.slippageBps} bp per side, cash at ${pct(bt.cashRatePerYear)} a year) returned ${pct(pm.stats.annualReturn)} a year (excess-return Sharpe ${Number.isFinite(pm.stats.sharpe) ? pm.stats.sharpe.toFixed(2) : '–'}, max drawdown ${pct(pm.stats.maxDrawdown)}) ` +
    `against ${pct(bh.annualReturn)} (Sharpe ${Number.isFinite(bh.sharpe) ? bh.sharpe.toFixed(2) : '–'}, max drawdown ${pct(bh.maxDrawdown)}) for buy-and-hold on the same ${bh.days} test days.`
  );
}
