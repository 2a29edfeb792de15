/** The study's headline table as Markdown: what `study` prints at the end and what the README quotes. */
import { barSizeName } from '../../../shared/config';
import type { StudyResult } from '../eval/study/result';
import { describeBackend } from '../train/backend-info';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`;
const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d);

/** One row per CNN cell and per baseline; metrics on the same out-of-sample dates, backtest beside buy-and-hold. */
export function headlineTable(r: StudyResult): string {
  const seeds = r.config.seeds.length;
  const head =
    '| model | accuracy | balanced accuracy [90 % CI] | macro-F1 | log-loss | strategy annual return | Sharpe | max drawdown |\n' +
    '|---|---|---|---|---|---|---|---|';
  const rows = r.cells.map((c) => {
    const seedNote =
      seeds > 1
        ? ` (seeds: ${pct(c.seedMean.balancedAccuracy)} ± ${(100 * c.seedStd.balancedAccuracy).toFixed(1)})`
        : '';
    const ci = c.ci.balancedAccuracy;
    const variant = `${c.barsPerDay ? ` ${barSizeName(c.barsPerDay)}` : ''}${c.model ? ` ${c.model}` : ''}`;
    return `| CNN ${c.channels.join('+')} ${c.layout}${variant} | ${pct(c.metrics.accuracy)} | ${pct(c.metrics.balancedAccuracy)} [${pct(ci.lo)}, ${pct(ci.hi)}]${seedNote} | ${pct(c.metrics.macroF1)} | ${num(c.metrics.logLoss, 3)} | ${pct(c.stats.annualReturn)} | ${num(c.stats.sharpe)} | ${pct(c.stats.maxDrawdown)} |`;
  });
  const base = r.baselines.map((b) => {
    const ci = b.ci?.balancedAccuracy;
    return `| ${b.name} | ${pct(b.metrics.accuracy)} | ${pct(b.metrics.balancedAccuracy)}${ci ? ` [${pct(ci.lo)}, ${pct(ci.hi)}]` : ''} | ${pct(b.metrics.macroF1)} | ${num(b.metrics.logLoss, 3)} | ${pct(b.stats?.annualReturn)} | ${num(b.stats?.sharpe)} | ${pct(b.stats?.maxDrawdown)} |`;
  });
  const bh = `| buy-and-hold | | | | | ${pct(r.buyHold.annualReturn)} | ${num(r.buyHold.sharpe)} | ${pct(r.buyHold.maxDrawdown)} |`;
  const first = r.dates[0];
  const labeled = r.labels.filter((l) => l >= 0).length;
  const caption =
    `Out of sample ${first}..${r.dates[labeled - 1] ?? ''}: ${labeled} labeled test dates, ${r.folds.length} folds, ${seeds} seed(s) ` +
    `(CNN rows: seed-ensemble probabilities), backend ${r.backend ? describeBackend(r.backend) : '?'}; CNN strategy = long on 'up', flat otherwise, ` +
    `next-day open, ${r.config.backtest.commissionBps} + ${r.config.backtest.slippageBps} bp per side.`;
  return [caption, '', head, ...rows, ...base, bh].join('\n');
}
