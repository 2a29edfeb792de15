/**
 * Pieces of report.html: formatting, the SVG renderer, and the statistics sections (verdict, chance and baselines,
 * cells against the best baseline, families and their adjustments, backtest overfitting, power, the label check,
 * importance). The page itself is html.ts. Every number comes from the study result; nothing is computed here.
 */
import * as echarts from 'echarts';
import { importanceOption, reliabilityOption, REPORT_COLORS } from '../../../shared/study-charts';
import type { IntervalDto, StudyStatistics } from '../../../shared/study-statistics';
import type { Interval } from '../eval/bootstrap';
import type { Stats } from '../eval/stats';
import type { StudyResult } from '../eval/study/result';

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const pct = (x: number | null | undefined, d = 1) =>
  x !== null && x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(d)} %` : '–';
export const num = (x: number | null | undefined, d = 2) =>
  x !== null && x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '–';
export const pval = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x < 0.001 ? '< 0.001' : x.toFixed(3);
export const ivl = (i: Interval | IntervalDto | undefined, f: (x: number | null) => string) =>
  i ? `${f(i.estimate)} <small>[${f(i.lo)}, ${f(i.hi)}]</small>` : '–';
const pp = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}`);

/** Renders an ECharts option to an inline SVG string without a DOM; namespace URIs are dropped (HTML5 needs none). */
export function renderSvg(option: Record<string, unknown>, width = 900, height = 320): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}

export function statsRow(name: string, s: Stats | undefined): string {
  if (!s) return `<tr><td>${esc(name)}</td><td colspan="11">–</td></tr>`;
  return `<tr><td>${esc(name)}</td><td>${s.days}</td><td>${s.segments}</td><td>${pct(s.totalReturn)}</td><td>${pct(s.annualReturn)}</td><td>${pct(s.annualVolatility)}</td><td>${num(s.sharpe)}</td><td>${pct(s.maxDrawdown)}</td><td>${num(s.calmar)}</td><td>${num(s.turnover, 1)}</td><td>${pct(s.exposure)}</td><td>${pct(s.hitRate)}</td></tr>`;
}

/** The verdict, the cells against the best baseline, and chance on the same rows. */
export function verdictSection(r: StudyResult): string {
  const s = r.statistics;
  const lvl = `${Math.round(s.level * 100)} %`;
  const cellRows = s.cells
    .map((c) => {
      const v = c.vsBestBaseline;
      const seeds = c.balancedAccuracy.perSeed
        .map((p) => `s${p.seed}: ${pp(p.interval.estimate)} [${pp(p.interval.lo)}, ${pp(p.interval.hi)}]`)
        .join('<br>');
      return `<tr><td>${esc(c.key)}</td><td>${ivl(c.balancedAccuracy.interval, pct)}</td><td>${pct(c.balancedAccuracy.foldMean)}</td><td><small>${seeds}</small></td><td>${ivl(v.difference, (x) => (x === null ? '–' : `${(x * 100).toFixed(1)} pp`))}</td><td>${pval(v.pValue)}</td><td>${pval(v.pHolm)}</td><td>${pval(v.pRomanoWolf)}</td><td>${v.edge ? '<b>edge</b>' : 'no edge'}</td></tr>`;
    })
    .join('');
  const chanceRows = s.chance.baselines
    .map(
      (b) =>
        `<tr><td>${esc(b.name)}${b.name === s.chance.best.name ? ' <b>(best)</b>' : ''}</td><td>${pct(b.pooled)}</td><td>${pct(b.foldMean)}</td><td>${b.folds.map((f) => pct(f.balancedAccuracy)).join(', ')}</td></tr>`,
    )
    .join('');
  const bl = s.blockLength;
  return `<h2>Verdict</h2>
<p class="verdict">${esc(s.verdict.sentence)}</p>
<p><small>${esc(r.powerNote)}</small></p>
<h3>Every CNN cell against the best baseline on the same ${s.labeledRows} rows</h3>
<table><tr><th>cell</th><th>balanced accuracy [${lvl} two-level]</th><th>per-fold mean</th><th>single seeds [${lvl}]</th><th>minus best baseline (${esc(s.chance.best.name)})</th><th>p (one-sided)</th><th>Holm</th><th>Romano–Wolf</th><th>verdict</th></tr>${cellRows}</table>
<p><small>Family: ${esc(s.cellFamily.adjustment)}, at α = ${s.cellFamily.alpha}; a cell has an edge when its Holm-adjusted p-value is below α. Two-level bootstrap: the seeds drawn with replacement (training randomness), their ensemble formed, then circular blocks of ${bl.value} test dates (${esc(bl.rule)}; the label horizon ${bl.horizonFloor} is the floor).</small></p>
<h3>Chance and baselines on the same rows (balanced accuracy)</h3>
<table><tr><th>baseline</th><th>pooled</th><th>per-fold mean</th><th>per fold</th></tr>${chanceRows}</table>
<p><small>Chance is measured, never assumed: the majority class of each training fold and draws with each training fold's class rates, on exactly these rows; their balanced accuracy exceeds 1/3 when class rates shift between folds.</small></p>`;
}

/** Brier, reliability, IC and the underfitting flag of every cell, with the reliability diagram. */
export function calibrationSection(r: StudyResult): string {
  const s = r.statistics;
  const rows = s.cells
    .map(
      (c) =>
        `<tr><td>${esc(c.key)}</td><td>${num(c.brier, 4)}</td><td>${num(c.brierReference, 4)}</td><td>${num(c.reliability.ece, 3)}</td><td>${ivl(c.informationCoefficient, (x) => num(x, 3))}</td><td>${num(c.topClassProbability.median, 3)} <small>(5–95 %: ${num(c.topClassProbability.p05, 3)}–${num(c.topClassProbability.p95, 3)})</small></td><td>${c.topClassProbability.underfit ? '<b>underfit</b>' : 'no'}</td></tr>`,
    )
    .join('');
  const chart = renderSvg(
    reliabilityOption(
      s.cells.map((c) => ({ name: c.key, bins: c.reliability.bins })),
      REPORT_COLORS,
      {
        forecast: 'mean top-class probability in the bin',
        observed: 'share right',
        perfect: 'perfectly calibrated',
        title: 'Reliability diagram (top label, quantile bins)',
      },
    ),
    900,
    360,
  );
  return `<h2>Calibration and ranking</h2>
<table><tr><th>cell</th><th>Brier</th><th>Brier of the training class rates</th><th>ECE</th><th>IC (Spearman of p_up − p_down with the forward return) [${Math.round(s.level * 100)} %]</th><th>median top-class probability</th><th>underfitting (below ${s.cells[0]?.topClassProbability.threshold ?? 0.4})</th></tr>${rows}</table>
${chart}`;
}

/** Holm / Romano–Wolf over the overlays, DSR over every trial, PBO by CSCV, Hansen's SPA, PSR per strategy. */
export function overfittingSection(r: StudyResult): string {
  const o: StudyStatistics['overfitting'] = r.statistics.overfitting;
  const a = r.statistics.ablation;
  const ablation = a
    ? `<h3>Index rotation: the family of overlay comparisons</h3>
<table><tr><th>channels</th><th>Δ balanced accuracy vs ${esc(a.reference)} [two-level]</th><th>p</th><th>Holm</th><th>Romano–Wolf</th><th>verdict</th></tr>${a.comparisons
        .map(
          (c) =>
            `<tr><td>${esc(c.channels.join('+'))}</td><td>${ivl(c.difference, (x) => (x === null ? '–' : `${(x * 100).toFixed(1)} pp`))}</td><td>${pval(c.pValue)}</td><td>${pval(c.pHolm)}</td><td>${pval(c.pRomanoWolf)}</td><td>${c.verdict}</td></tr>`,
        )
        .join('')}</table><p><small>${esc(a.adjustment)}, α = ${a.alpha}.</small></p>`
    : '';
  const d = o.deflatedSharpe;
  const p = o.pbo;
  const spa = o.spa;
  const psr = o.strategies
    .map(
      (x) =>
        `<tr><td>${esc(x.name)}</td><td>${x.kind}</td><td>${num(x.sharpeAnnual)}</td><td>${num(x.psr, 3)}</td></tr>`,
    )
    .join('');
  return `<h2>Multiple testing and backtest overfitting</h2>
${ablation}
<p>Trials: ${esc(r.trials.text)}. Daily excess returns over the cash rate inside the test blocks (${o.returnDays} days, ${num(o.tradingDaysPerYear, 1)} trading days a year counted in the data).</p>
<ul>
<li><b>Deflated Sharpe ratio</b> (Bailey &amp; López de Prado 2014) of the best strategy ${d ? `${esc(d.best)}: per-day Sharpe ${num(d.sharpe, 4)} against the expected maximum of ${d.trials} trials SR0 = ${num(d.sr0, 4)} (variance of the trials' Sharpe ratios ${num(d.variance, 6)}, skewness ${num(d.skewness)}, kurtosis ${num(d.kurtosis)}): DSR = ${num(d.dsr, 3)}` : '–'}.</li>
<li><b>Probability of backtest overfitting</b> (Bailey, Borwein, López de Prado &amp; Zhu 2017, CSCV) ${p ? `over ${o.strategies.length} strategies, ${p.blocks} blocks, ${p.combinations} combinations: PBO = ${num(p.value, 3)} (median logit ${num(p.medianLogit)}; chance the in-sample best loses out of sample ${num(p.probOosLoss, 3)})` : '– (too few strategies or days)'}.</li>
<li><b>Hansen's SPA</b> (2005) of every strategy against buy-and-hold ${spa ? `(best ${esc(spa.best)}, studentised, stationary bootstrap of mean block ${spa.blockLength} days, ${spa.reps} resamples): p consistent ${pval(spa.pConsistent)}, lower ${pval(spa.pLower)}, upper ${pval(spa.pUpper)}` : '–'}.</li>
</ul>
<table><tr><th>strategy</th><th>kind</th><th>annualised excess Sharpe</th><th>PSR (SR &gt; 0)</th></tr>${psr}</table>`;
}

/** The power analysis the verdict reads. */
export function powerSection(r: StudyResult): string {
  const p = r.statistics.power;
  if (!p) return `<h2>Power</h2><p>${esc(r.powerNote)}</p>`;
  const rows = p.strengths.map((s, i) => `<tr><td>${s}</td><td>${pct(p.power[i], 0)}</td></tr>`).join('');
  return `<h2>Power</h2>
<p>${p.edge === null ? 'No swept strength was detected with 80 % power.' : `Smallest balanced-accuracy edge detected with 80 % power: <b>${(p.edge * 100).toFixed(1)} pp</b>.`} ${esc(p.note)}</p>
<table><tr><th>planted strength (log drift over the horizon)</th><th>share of surrogate studies with an edge detected</th></tr>${rows}</table>
<p><small>${esc(r.powerNote)}</small></p>`;
}

/** The same predictions against the other label price. */
export function labelSection(r: StudyResult): string {
  const l = r.labelCheck;
  if (!l) return '';
  const name = (p: string) => (p === 'close' ? 'close → close' : 'next open → open');
  const rows = l.models
    .map(
      (m) =>
        `<tr><td>${esc(m.key)}</td><td>${m.kind}</td><td>${pct(m.balancedAccuracy)}</td><td>${pct(m.otherBalancedAccuracy)}</td></tr>`,
    )
    .join('');
  return `<h2>Label price</h2>
<p>${esc(l.note)} On ${l.rows} test dates with both labels known, ${pct(l.changed)} change class between them.</p>
<table><tr><th>model</th><th>kind</th><th>balanced accuracy, ${name(l.labelPrice)} (trained on)</th><th>balanced accuracy, ${name(l.otherPrice)}</th></tr>${rows}</table>`;
}

/** Permutation importance bars with intervals, and the table. */
export function importanceSection(r: StudyResult): string {
  const imp = r.importance;
  if (!imp || imp.cells.length === 0)
    return `<h2>Channel and factor importance</h2><p>${imp?.missing.length ? esc(imp.missing.join(' ')) : r.config.importance.enabled ? 'Not computed (the model does not read images).' : 'Not computed (importance.enabled is false).'}</p>`;
  const parts = imp.cells.map((c) => {
    const chart = renderSvg(
      importanceOption(c.groups, 'logLossIncrease', REPORT_COLORS, {
        axis: 'log-loss increase when the group is permuted',
        channel: 'channel',
        family: 'factor family',
        title: `Permutation importance, ${c.key} (${c.rows} test dates, seeds ${c.seeds.join(', ')})`,
      }),
      900,
      Math.max(260, 70 + 24 * c.groups.length),
    );
    const rows = c.groups
      .map(
        (g) =>
          `<tr><td>${esc(g.name)}</td><td>${g.kind}</td><td>${ivl(g.logLossIncrease, (x) => num(x, 4))}</td><td>${ivl(g.balancedAccuracyDrop, (x) => (x === null ? '–' : `${(x * 100).toFixed(2)} pp`))}</td></tr>`,
      )
      .join('');
    return `${chart}<table><tr><th>group</th><th>kind</th><th>log-loss increase [${Math.round(r.statistics.level * 100)} %]</th><th>balanced-accuracy drop</th></tr>${rows}</table>`;
  });
  return `<h2>Channel and factor importance</h2><p><small>${esc(imp.method)}.</small></p>${parts.join('')}${imp.missing.length ? `<p><small>${esc(imp.missing.join(' '))}</small></p>` : ''}`;
}
