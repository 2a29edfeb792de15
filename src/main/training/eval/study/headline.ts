/**
 * The study's conclusions in words: the ablation sentence and the headline (the primary CNN against the best
 * simple baseline, chance and buy-and-hold). Verdicts that later statistics add belong here, beside these.
 */
import type { Stats } from '../stats';
import type { StudyConfig } from '../study-config';
import type { AblationRow, BaselineResult, CellResult } from './result';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const levelText = (config: StudyConfig) => `${Math.round(config.bootstrap.level * 100)} %`;

/** What the channel ablation says, in one or two sentences. */
export function ablationSentence(
  config: StudyConfig,
  ablation: AblationRow[],
  reference: CellResult | undefined,
  labeledDays: number,
): string {
  const lvl = levelText(config);
  const overlays = ablation.filter((a) => a.layout === reference?.layout);
  const better = overlays.filter((a) => a.verdict === 'better');
  if (!reference)
    return 'No single-index channel set was run, so the overlays could not be compared with the CSI 300 alone.';
  if (overlays.length === 0) return 'Only the CSI 300 channel set was run; there is no overlay to compare.';
  if (better.length === 0)
    return `No overlay set added information beyond noise: for every set the ${lvl} block-bootstrap interval of the balanced-accuracy difference to the CSI 300-only CNN (same dates, ${labeledDays} test days) includes zero or lies below it.`;
  return `${better.map((a) => a.channels.join('+')).join(', ')} beat the CSI 300-only CNN in balanced accuracy with a ${lvl} block-bootstrap interval above zero (${better.map((a) => `${a.channels.join('+')}: ${pct(a.diff.balancedAccuracy.estimate)} [${pct(a.diff.balancedAccuracy.lo)}, ${pct(a.diff.balancedAccuracy.hi)}]`).join('; ')}); the other sets did not. With ${overlays.length} comparisons, one interval above zero can still be chance.`;
}

/** The one-paragraph headline: the primary CNN's out-of-sample numbers beside the best baseline and buy-and-hold. */
export function headline(
  config: StudyConfig,
  t: {
    firstDate: string;
    lastDate: string;
    labeledDays: number;
    folds: number;
    primary: CellResult;
    baselines: BaselineResult[];
    buyHold: Stats;
  },
): string {
  const lvl = levelText(config);
  const best = t.baselines
    .filter((b) => b.name !== 'random')
    .reduce((a, b) => (b.metrics.balancedAccuracy > a.metrics.balancedAccuracy ? b : a));
  const pm = t.primary;
  const bh = t.buyHold;
  return (
    `Out of sample (${t.firstDate}..${t.lastDate}, ${t.labeledDays} test days, ${t.folds} folds, ${config.seeds.length} seed(s)), ` +
    `the ${pm.channels.join('+')} CNN reached balanced accuracy ${pct(pm.metrics.balancedAccuracy)} [${lvl} interval ${pct(pm.ci.balancedAccuracy.lo)}, ${pct(pm.ci.balancedAccuracy.hi)}] ` +
    `and accuracy ${pct(pm.metrics.accuracy)}, against ${pct(best.metrics.balancedAccuracy)} balanced accuracy for the best simple baseline (${best.name}) ` +
    `and 33.3 % for chance. Its long-on-up strategy returned ${pct(pm.stats.annualReturn)} a year (Sharpe ${pm.stats.sharpe.toFixed(2)}, max drawdown ${pct(pm.stats.maxDrawdown)}) ` +
    `after ${config.backtest.commissionBps + config.backtest.slippageBps} bp per side, against ${pct(bh.annualReturn)} (Sharpe ${bh.sharpe.toFixed(2)}, max drawdown ${pct(bh.maxDrawdown)}) for buy-and-hold on the same dates.`
  );
}
