/**
 * A self-contained report.html: inline SVG charts rendered in Node by ECharts' server-side SVG renderer
 * (no DOM, no network), plain HTML tables, no external resources — it opens offline in any browser. The charts'
 * options come from src/shared/study-charts.ts, the same builders the app's Results view uses.
 */
import { REPORT_COLORS, segmentedEquityOption } from '../../../shared/study-charts';
import type { MetricName, StudyResult } from '../eval/study/result';
import { describeBackend } from '../train/backend-info';
import { equityOf } from './equity';
import {
  calibrationSection,
  esc,
  importanceSection,
  ivl,
  labelSection,
  num,
  overfittingSection,
  pct,
  powerSection,
  renderSvg,
  statsRow,
  verdictSection,
} from './html-parts';

function confusionTable(title: string, m: number[][]): string {
  const names = ['down', 'flat', 'up'];
  const total = m.flat().reduce((a, b) => a + b, 0) || 1;
  const max = Math.max(1, ...m.flat());
  const cells = m
    .map(
      (row, a) =>
        `<tr><th>${names[a]}</th>${row
          .map(
            (v, b) =>
              `<td style="background:rgba(${a === b ? '40,140,60' : '200,60,40'},${(0.08 + (0.6 * v) / max).toFixed(2)})">${Math.round(v)}<br><small>${pct(v / total)}</small></td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<div class="cm"><h4>${esc(title)}</h4><table><tr><th>true \\ predicted</th>${names.map((n) => `<th>${n}</th>`).join('')}</tr>${cells}</table></div>`;
}

/** The model phrase of the Setup line: the study's model, or every model a model ablation compares. */
export function modelsLine(c: StudyResult['config']): string {
  const one = (m: { preset?: string; width?: number; branch3x3?: string }) =>
    `${esc(m.preset ?? c.model.preset)} (width ${m.width ?? c.model.width}${m.branch3x3 && m.branch3x3 !== 'paper' ? `, 3×3 branch ${esc(m.branch3x3)}` : ''})`;
  const variants = c.ablation.models;
  if (!variants?.length) return `Model ${one(c.model)}`;
  return `Models compared on the same dates: ${variants.map((v) => `${esc(v.name)} = ${one({ ...c.model, ...v })}`).join('; ')}`;
}

const METRICS: MetricName[] = ['accuracy', 'balancedAccuracy', 'macroF1'];

/** The report page of a finished study. */
export function reportHtml(r: StudyResult): string {
  const c = r.config;
  const primary = r.cells.find((x) => x.key === r.primary)!;
  const lvl = `${Math.round(c.bootstrap.level * 100)} %`;
  const bt = primary.backtest;
  const bl = r.statistics.blockLength.value;
  const eq = equityOf(r);

  const equity = renderSvg(
    segmentedEquityOption(
      {
        dates: eq.dates,
        segment: eq.segment,
        lines: [
          ...eq.series.map((s) => ({
            name: `CNN ${s.name}`,
            equity: s.equity,
            width: s.name === r.primary ? 1.8 : 1,
          })),
          { name: 'buy-and-hold', equity: eq.buyHold, color: '#555555', dashed: true },
        ],
      },
      REPORT_COLORS,
      { drawdown: 'drawdown', title: 'Equity (start = 1) after costs, one segment per test block' },
    ),
    900,
    420,
  );
  const foldDates = r.folds.map((f) => f.testStart);
  const foldBa = renderSvg({
    title: {
      text: 'Balanced accuracy per fold (seed ensemble), by test start',
      left: 'center',
      top: 4,
      textStyle: { fontSize: 14 },
    },
    legend: { top: 32, type: 'scroll' },
    grid: { left: 60, right: 20, top: 70, bottom: 40 },
    xAxis: { type: 'category', data: foldDates, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: r.cells.map((cell) => ({
      name: cell.key,
      type: 'line',
      data: cell.foldAccuracy.map((f) =>
        Number.isFinite(f.balancedAccuracy) ? Number(f.balancedAccuracy.toFixed(4)) : null,
      ),
    })),
  });

  const metricsRows = r.cells
    .map(
      (cell) =>
        `<tr><td>${esc(cell.key)}</td>${METRICS.map(
          (m) =>
            `<td>${ivl(cell.ci[m], (x) => pct(x))}<br><small>seeds ${pct(cell.seedMean[m])} ± ${pct(cell.seedStd[m])}</small></td>`,
        ).join(
          '',
        )}<td>${ivl(cell.ci.logLoss, (x) => num(x, 3))}<br><small>seeds ${num(cell.seedMean.logLoss, 3)} ± ${num(cell.seedStd.logLoss, 3)}</small></td></tr>`,
    )
    .join('');
  const baselineRows = r.baselines
    .map(
      (b) =>
        `<tr><td>${esc(b.name)}<br><small>${esc(b.description)}</small></td>${METRICS.map(
          (m) => `<td>${b.ci ? ivl(b.ci[m], (x) => pct(x)) : pct(b.metrics[m])}</td>`,
        ).join(
          '',
        )}<td>${b.ci?.logLoss && Number.isFinite(b.ci.logLoss.estimate) ? ivl(b.ci.logLoss, (x) => num(x, 3)) : num(b.metrics.logLoss, 3)}</td></tr>`,
    )
    .join('');
  const ablationRows = r.ablation
    .map(
      (a) =>
        `<tr><td>${esc(a.key)}${a.reference ? ` − ${esc(a.reference)}` : ''}</td>${METRICS.map((m) => `<td>${ivl(a.diff[m], (x) => pct(x))}</td>`).join('')}<td>${ivl(a.diff.logLoss, (x) => num(x, 3))}</td><td>${a.verdict}</td></tr>`,
    )
    .join('');
  const statsRows = [
    ...r.cells.map((cell) => statsRow(`CNN ${cell.key}`, cell.stats)),
    ...r.baselines.filter((b) => b.stats).map((b) => statsRow(`baseline: ${b.name}`, b.stats)),
    statsRow('buy-and-hold', r.buyHold),
  ].join('');
  const best = r.baselines.find((b) => b.name === r.statistics.chance.best.name && b.pred);
  const cms = [
    ...r.cells.map((cell) => confusionTable(`CNN ${cell.key} (seed ensemble)`, cell.metrics.confusion)),
    ...(best ? [confusionTable(`best baseline: ${best.name}`, best.metrics.confusion)] : []),
  ].join('');
  const pos = c.backtest.positionMap;
  const bp = c.backtest.commissionBps + c.backtest.slippageBps;
  const segs = bt.segments.length;
  const cash =
    c.backtest.cashRatePerYear > 0
      ? `cash earns ${pct(c.backtest.cashRatePerYear, 2)} a year (compounded per trading day)`
      : 'cash earns nothing (cashRatePerYear 0)';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Factor Inception study</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}small{color:#666}.headline{font-size:16px;background:#f4f6f8;padding:12px;border-left:4px solid #456}
.verdict{font-size:16px;background:#fff8e6;padding:12px;border-left:4px solid #c90}
.cm{display:inline-block;margin-right:16px;vertical-align:top}.cm td{text-align:center;min-width:60px}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Factor Inception — walk-forward study</h1>
<p class="headline">${esc(r.headline)}</p>
<p class="headline">${esc(r.ablationSentence)}</p>
${r.notes.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Setup</h2>
<p>Target ${esc(c.dataset.target)}, ${c.dataset.horizonDays}-day labels ${c.dataset.labelPrice === 'next-open' ? 'from the next open to the open H days later' : 'from close to close'}: up above ${pct(c.dataset.upThreshold)}, down below ${pct(c.dataset.downThreshold)}.
Samples ${esc(r.data.firstDate)}..${esc(r.data.lastDate)} (${r.data.samples}); ${r.folds.length} walk-forward folds (${esc(c.walkForward.window)} window, training span ${c.walkForward.trainDays} samples, test blocks of ${c.walkForward.testDays}),
embargo ${c.walkForward.embargoDays ?? c.dataset.horizonDays} samples before validation and before test. ${modelsLine(c)}, ${c.train.epochs} epochs max, seeds ${c.seeds.join(', ')}${c.warmStart ? ', warm start' : ', trained from scratch every fold'}.
Backend ${esc(r.backend ? describeBackend(r.backend) : 'unknown')}. Data fingerprint ${esc(r.data.fingerprint)}.</p>
<p>Intervals: ${lvl} percentile intervals. CNN cells: two-level bootstrap (seeds with replacement, then circular blocks of ${bl} test dates); baselines: circular blocks of ${bl} dates (one fit each). Block length ${bl}: ${esc(r.statistics.blockLength.rule)}; never below the ${c.dataset.horizonDays}-day label horizon, because labels overlap. ${c.bootstrap.reps} resamples. “seeds m ± s”: mean and standard deviation over single seeds; the main figure is the seed ensemble (mean probabilities).</p>
${verdictSection(r)}
${overfittingSection(r)}
${powerSection(r)}
${calibrationSection(r)}
${importanceSection(r)}
<h2>Classification (out of sample)</h2>
<table><tr><th>CNN</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th><th>log-loss</th></tr>${metricsRows}</table>
<h3>Baselines on the same dates</h3>
<table><tr><th>baseline</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th><th>log-loss</th></tr>${baselineRows}</table>
<h3>Ablation: each set minus ${esc(r.reference ?? '(no reference)')}, paired on the same dates</h3>
<table><tr><th>set</th><th>Δ accuracy</th><th>Δ balanced accuracy (two-level)</th><th>Δ macro-F1</th><th>Δ log-loss (lower is better)</th><th>verdict (Holm, balanced acc.)</th></tr>${ablationRows}</table>
${labelSection(r)}
<h3>Confusion matrices</h3>${cms}
${foldBa}
<h2>Backtest</h2>
<p>The signal traded on ${esc(c.dataset.target)} as its ETF: position ${pos[0]} / ${pos[1]} / ${pos[2]} for down / flat / up, decided at the close and executed at the ${c.backtest.execution === 'next-open' ? 'next day’s open' : 'next day’s close'};
costs ${c.backtest.commissionBps} bp commission + ${c.backtest.slippageBps} bp slippage = ${bp} bp per side; holding ${c.backtest.holdDays} day(s)${c.backtest.holdDays > 1 ? ` in ${c.backtest.holdDays} overlapping tranches of 1/${c.backtest.holdDays} each` : ''}; ${cash}.
Each of the ${segs} test block(s) is a separate segment: it starts flat and its position is closed at its last close; the days between blocks are not traded and not counted (“days” counts test days: ${bt.dates.length}${bt.carried.length ? `, of which ${bt.carried.length} carried the previous signal because an overlay index did not trade` : ''}).
Sharpe: mean / standard deviation of daily returns in excess of the cash rate × √${num(bt.tradingDaysPerYear, 1)} (trading days a year counted in the data). Turnover: traded value per year in units of mean equity. Hit rate: share of invested days with a positive return.</p>
<table><tr><th>strategy</th><th>days</th><th>segments</th><th>total</th><th>annual</th><th>volatility</th><th>Sharpe</th><th>max drawdown</th><th>Calmar</th><th>turnover</th><th>exposure</th><th>hit rate</th></tr>${statsRows}</table>
${equity}
<p><small>factor-inception ${esc(r.versions.app)}, tfjs ${esc(r.versions.tfjs)}, Node ${esc(r.versions.node)}; ${r.computedFolds} folds trained, ${r.cachedFolds} read from the cache; ${r.seconds.toFixed(0)} s.</small></p>
</body></html>
`;
}
