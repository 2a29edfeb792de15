/** The study's headline table as Markdown: what `study` prints at the end and what the README quotes. */
import { barSizeName } from '../../../shared/config';
import type { StudyResult } from '../eval/study/result';
import { describeBackend } from '../train/backend-info';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`;
const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d);
const pval = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x < 0.001 ? '< 0.001' : x.toFixed(3);

/**
 * One row per CNN cell and per baseline (metrics on the same out-of-sample dates, the backtest beside
 * buy-and-hold), then the verdict's statistics in lines: chance, the best baseline, DSR, PBO, SPA, power.
 */
export function headlineTable(r: StudyResult): string {
  const seeds = r.config.seeds.length;
  const s = r.statistics;
  const lvl = `${Math.round(s.level * 100)} %`;
  const head =
    `| model | accuracy | balanced accuracy [${lvl} CI] | per-fold mean | macro-F1 | log-loss | strategy annual return | excess Sharpe | max drawdown |\n` +
    '|---|---|---|---|---|---|---|---|---|';
  const foldMean = (name: string) => s.chance.baselines.find((b) => b.name === name)?.foldMean;
  const rows = r.cells.map((c) => {
    const st = s.cells.find((x) => x.key === c.key)!;
    const seedNote =
      seeds > 1
        ? ` (seeds: ${pct(c.seedMean.balancedAccuracy)} ± ${(100 * c.seedStd.balancedAccuracy).toFixed(1)})`
        : '';
    const ci = c.ci.balancedAccuracy;
    const variant = `${c.barsPerDay ? ` ${barSizeName(c.barsPerDay)}` : ''}${c.model ? ` ${c.model}` : ''}`;
    return `| CNN ${c.channels.join('+')} ${c.layout}${variant} | ${pct(c.metrics.accuracy)} | ${pct(c.metrics.balancedAccuracy)} [${pct(ci.lo)}, ${pct(ci.hi)}]${seedNote} | ${pct(st.balancedAccuracy.foldMean)} | ${pct(c.metrics.macroF1)} | ${num(c.metrics.logLoss, 3)} | ${pct(c.stats.annualReturn)} | ${num(c.stats.sharpe)} | ${pct(c.stats.maxDrawdown)} |`;
  });
  const base = r.baselines.map((b) => {
    const ci = b.ci?.balancedAccuracy;
    const best = b.name === s.chance.best.name ? ' (best baseline)' : '';
    return `| ${b.name}${best} | ${pct(b.metrics.accuracy)} | ${pct(b.metrics.balancedAccuracy)}${ci ? ` [${pct(ci.lo)}, ${pct(ci.hi)}]` : ''} | ${pct(foldMean(b.name))} | ${pct(b.metrics.macroF1)} | ${num(b.metrics.logLoss, 3)} | ${pct(b.stats?.annualReturn)} | ${num(b.stats?.sharpe)} | ${pct(b.stats?.maxDrawdown)} |`;
  });
  const bh = `| buy-and-hold | | | | | | ${pct(r.buyHold.annualReturn)} | ${num(r.buyHold.sharpe)} | ${pct(r.buyHold.maxDrawdown)} |`;
  const first = r.dates[0];
  const labeled = r.labels.filter((l) => l >= 0).length;
  const bt = r.config.backtest;
  const caption =
    `Out of sample ${first}..${r.dates[labeled - 1] ?? ''}: ${labeled} labeled test dates, ${r.folds.length} folds, ${seeds} seed(s) ` +
    `(CNN rows: seed-ensemble probabilities, two-level intervals over seeds and dates), backend ${r.backend ? describeBackend(r.backend) : '?'}; ` +
    `block bootstrap with blocks of ${s.blockLength.value} days (${s.blockLength.rule}). Strategy = long on 'up', flat otherwise, next-day open, ` +
    `${bt.holdDays > 1 ? `${bt.holdDays}-day overlapping tranches, ` : ''}${bt.commissionBps} + ${bt.slippageBps} bp per side, cash at ${pct(bt.cashRatePerYear)} a year; Sharpe on returns in excess of it; each test block its own segment.`;
  const o = s.overfitting;
  const d = o.deflatedSharpe;
  const lines = [
    `- Verdict: ${s.verdict.sentence}`,
    `- Chance on the same rows: ${s.chance.baselines
      .filter((b) => b.name === 'majority' || b.name === 'random')
      .map((b) => `${b.name} ${pct(b.pooled)} (per-fold mean ${pct(b.foldMean)})`)
      .join(', ')}; best baseline ${s.chance.best.name} ${pct(s.chance.best.balancedAccuracy)}.`,
    `- Family: ${s.cellFamily.adjustment}, α = ${s.cellFamily.alpha}.` +
      (s.ablation ? ` Ablation: ${s.ablation.adjustment}, α = ${s.ablation.alpha}.` : ''),
    `- DSR: ${d ? `best ${d.best}, per-day Sharpe ${num(d.sharpe, 4)} vs SR0 ${num(d.sr0, 4)} over ${d.trials} trials (${r.trials.text}): DSR ${num(d.dsr, 3)}` : '–'}.`,
    `- PBO (CSCV): ${o.pbo ? `${num(o.pbo.value, 3)} over ${o.strategies.length} strategies, ${o.pbo.blocks} blocks, ${o.pbo.combinations} combinations` : '– (too few strategies or days)'}.`,
    `- SPA vs buy-and-hold: ${o.spa ? `best ${o.spa.best}, p = ${pval(o.spa.pConsistent)} (consistent; lower ${pval(o.spa.pLower)}, upper ${pval(o.spa.pUpper)}), ${o.spa.reps} resamples` : '–'}.`,
    `- Power: ${s.power ? (s.power.edge === null ? `no swept strength reached 80 % power (${s.power.note})` : `80 % power to detect an edge of ${(s.power.edge * 100).toFixed(1)} pp (${s.power.note})`) : r.powerNote}`,
    `- Underfitting: median top-class probability ${s.cells.map((c) => `${c.key} ${num(c.topClassProbability.median, 3)}`).join(', ')} (flag below ${s.cells[0]?.topClassProbability.threshold ?? 0.4}).`,
  ];
  return [caption, '', head, ...rows, ...base, bh, '', ...lines].join('\n');
}
