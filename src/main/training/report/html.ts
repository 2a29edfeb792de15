/**
 * A self-contained report.html: inline SVG charts rendered in Node by ECharts' server-side SVG renderer
 * (no DOM, no network), plain HTML tables, no external resources — it opens offline in any browser.
 */
import * as echarts from 'echarts';
import type { MetricName, StudyResult } from '../eval/study/result';
import type { Interval } from '../eval/bootstrap';
import type { Stats } from '../eval/stats';
import { drawdowns } from '../eval/stats';
import { describeBackend } from '../train/backend-info';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number, d = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(d)} %` : '–');
const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const ivl = (i: Interval | undefined, f: (x: number) => string) =>
  i ? `${f(i.estimate)} <small>[${f(i.lo)}, ${f(i.hi)}]</small>` : '–';

/** Renders an ECharts option to an inline SVG string without a DOM; namespace URIs are dropped (HTML5 needs none). */
export function renderSvg(option: echarts.EChartsCoreOption, width = 900, height = 320): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}

function lineChart(
  title: string,
  dates: string[],
  series: { name: string; data: ArrayLike<number> }[],
  yPercent = false,
): string {
  return renderSvg({
    title: { text: title, left: 'center', top: 4, textStyle: { fontSize: 14 } },
    legend: { top: 32, type: 'scroll' },
    grid: { left: 60, right: 20, top: 70, bottom: 40 },
    xAxis: { type: 'category', data: dates, axisLabel: { fontSize: 10 } },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: yPercent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {},
    },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      lineStyle: { width: 1.2 },
      data: Array.from(s.data, (v) => (Number.isFinite(v) ? Number(v.toFixed(5)) : null)),
    })),
  });
}

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

function statsRow(name: string, s: Stats | undefined): string {
  if (!s) return `<tr><td>${esc(name)}</td><td colspan="9">–</td></tr>`;
  return `<tr><td>${esc(name)}</td><td>${pct(s.totalReturn)}</td><td>${pct(s.annualReturn)}</td><td>${pct(s.annualVolatility)}</td><td>${num(s.sharpe)}</td><td>${pct(s.maxDrawdown)}</td><td>${num(s.calmar)}</td><td>${num(s.turnover, 1)}</td><td>${pct(s.exposure)}</td><td>${pct(s.hitRate)}</td></tr>`;
}

/** The report page of a finished study. */
export function reportHtml(r: StudyResult): string {
  const c = r.config;
  const primary = r.cells.find((x) => x.key === r.primary)!;
  const lvl = `${Math.round(c.bootstrap.level * 100)} %`;
  const bt = primary.backtest;
  const logreg = r.baselines.find((b) => b.name === 'logistic regression');

  const equitySeries = [
    ...r.cells.map((cell) => ({ name: `CNN ${cell.key}`, data: cell.backtest.equity })),
    { name: 'buy-and-hold', data: bt.buyHold },
  ];
  const equity = lineChart('Equity (start = 1), after costs', bt.dates, equitySeries);
  const dd = lineChart(
    'Drawdown',
    bt.dates,
    [
      { name: `CNN ${primary.key}`, data: drawdowns(bt.equity) },
      { name: 'buy-and-hold', data: drawdowns(bt.buyHold) },
    ],
    true,
  );
  const foldDates = r.folds.map((f) => f.testStart);
  const foldAcc = lineChart(
    'Accuracy per fold (seed ensemble), by test start',
    foldDates,
    r.cells.map((cell) => ({ name: cell.key, data: cell.foldAccuracy.map((f) => f.accuracy) })),
    true,
  );

  const metricsRows = r.cells
    .map(
      (cell) =>
        `<tr><td>${esc(cell.key)}</td>${(['accuracy', 'balancedAccuracy', 'macroF1'] as MetricName[])
          .map(
            (m) =>
              `<td>${ivl(cell.ci[m], (x) => pct(x))}<br><small>seeds ${pct(cell.seedMean[m])} ± ${pct(cell.seedStd[m])}</small></td>`,
          )
          .join(
            '',
          )}<td>${ivl(cell.ci.logLoss, (x) => num(x, 3))}<br><small>seeds ${num(cell.seedMean.logLoss, 3)} ± ${num(cell.seedStd.logLoss, 3)}</small></td></tr>`,
    )
    .join('');
  const baselineRows = r.baselines
    .map(
      (b) =>
        `<tr><td>${esc(b.name)}<br><small>${esc(b.description)}</small></td>${(
          ['accuracy', 'balancedAccuracy', 'macroF1'] as MetricName[]
        )
          .map((m) => `<td>${b.ci ? ivl(b.ci[m], (x) => pct(x)) : pct(b.metrics[m])}</td>`)
          .join(
            '',
          )}<td>${b.ci?.logLoss && Number.isFinite(b.ci.logLoss.estimate) ? ivl(b.ci.logLoss, (x) => num(x, 3)) : num(b.metrics.logLoss, 3)}</td></tr>`,
    )
    .join('');
  const ablationRows = r.ablation
    .map(
      (a) =>
        `<tr><td>${esc(a.key)}${a.reference ? ` − ${esc(a.reference)}` : ''}</td>${(
          ['accuracy', 'balancedAccuracy', 'macroF1'] as MetricName[]
        )
          .map((m) => `<td>${ivl(a.diff[m], (x) => pct(x))}</td>`)
          .join('')}<td>${ivl(a.diff.logLoss, (x) => num(x, 3))}</td><td>${a.verdict}</td></tr>`,
    )
    .join('');
  const statsRows = [
    ...r.cells.map((cell) => statsRow(`CNN ${cell.key}`, cell.stats)),
    ...r.baselines.filter((b) => b.stats).map((b) => statsRow(`baseline: ${b.name}`, b.stats)),
    statsRow('buy-and-hold', r.buyHold),
  ].join('');
  const cms = [
    ...r.cells.map((cell) => confusionTable(`CNN ${cell.key} (seed ensemble)`, cell.metrics.confusion)),
    ...(logreg ? [confusionTable('logistic regression', logreg.metrics.confusion)] : []),
  ].join('');
  const pos = c.backtest.positionMap;
  const bp = c.backtest.commissionBps + c.backtest.slippageBps;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Factor Inception study</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}small{color:#666}.headline{font-size:16px;background:#f4f6f8;padding:12px;border-left:4px solid #456}
.cm{display:inline-block;margin-right:16px;vertical-align:top}.cm td{text-align:center;min-width:60px}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Factor Inception — walk-forward study</h1>
<p class="headline">${esc(r.headline)}</p>
<p class="headline">${esc(r.ablationSentence)}</p>
${r.notes.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Setup</h2>
<p>Target ${esc(c.dataset.target)}, ${c.dataset.horizonDays}-day labels: up above ${pct(c.dataset.upThreshold)}, down below ${pct(c.dataset.downThreshold)}.
Samples ${esc(r.data.firstDate)}..${esc(r.data.lastDate)} (${r.data.samples}); ${r.folds.length} walk-forward folds (${esc(c.walkForward.window)} window, training span ${c.walkForward.trainDays} samples, test blocks of ${c.walkForward.testDays}),
embargo ${c.walkForward.embargoDays ?? c.dataset.horizonDays} samples before validation and before test. Model ${esc(c.model.preset)} (width ${c.model.width}), ${c.train.epochs} epochs max, seeds ${c.seeds.join(', ')}${c.warmStart ? ', warm start' : ', trained from scratch every fold'}.
Backend ${esc(r.backend ? describeBackend(r.backend) : 'unknown')}. Data fingerprint ${esc(r.data.fingerprint)}.</p>
<p>Intervals: ${lvl} percentile intervals of a circular block bootstrap over test days (block ${c.bootstrap.blockLength ?? c.dataset.horizonDays} days, ${c.bootstrap.reps} resamples), because ${c.dataset.horizonDays}-day labels overlap. “seeds m ± s”: mean and standard deviation over seeds; the main figure is the seed ensemble (mean probabilities).</p>
<h2>Classification (out of sample)</h2>
<table><tr><th>CNN</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th><th>log-loss</th></tr>${metricsRows}</table>
<h3>Baselines on the same dates</h3>
<table><tr><th>baseline</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th><th>log-loss</th></tr>${baselineRows}</table>
<h3>Ablation: each set minus ${esc(r.reference ?? '(no reference)')}, paired on the same dates</h3>
<table><tr><th>set</th><th>Δ accuracy</th><th>Δ balanced accuracy</th><th>Δ macro-F1</th><th>Δ log-loss (lower is better)</th><th>verdict (balanced acc.)</th></tr>${ablationRows}</table>
<h3>Confusion matrices</h3>${cms}
${foldAcc}
<h2>Backtest</h2>
<p>The signal traded on ${esc(c.dataset.target)} as its ETF: position ${pos[0]} / ${pos[1]} / ${pos[2]} for down / flat / up, decided at the close and executed at the ${c.backtest.execution === 'next-open' ? 'next day’s open' : 'next day’s close'};
costs ${c.backtest.commissionBps} bp commission + ${c.backtest.slippageBps} bp slippage = ${bp} bp per side; holding ${c.backtest.holdDays} day(s)${c.backtest.holdDays > 1 ? ' in overlapping tranches' : ''}; cash earns 0.
Sharpe: mean / standard deviation of daily returns x √252, risk-free rate 0. Turnover: traded value per year in units of mean equity. Hit rate: share of invested days with a positive return.</p>
<table><tr><th>strategy</th><th>total</th><th>annual</th><th>volatility</th><th>Sharpe</th><th>max drawdown</th><th>Calmar</th><th>turnover</th><th>exposure</th><th>hit rate</th></tr>${statsRows}</table>
${equity}
${dd}
<p><small>factor-inception ${esc(r.versions.app)}, tfjs ${esc(r.versions.tfjs)}, Node ${esc(r.versions.node)}; ${r.computedFolds} folds trained, ${r.cachedFolds} read from the cache; ${r.seconds.toFixed(0)} s.</small></p>
</body></html>
`;
}
