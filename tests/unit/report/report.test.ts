import { describe, expect, it } from 'vitest';
import { backtest, DEFAULT_BACKTEST } from '../../../src/main/training/eval/backtest';
import { blockBootstrap } from '../../../src/main/training/eval/bootstrap';
import { classMetrics } from '../../../src/main/training/eval/metrics';
import { simulatedStudyInput } from '../../../src/main/training/eval/power/simulate';
import { studyStatistics } from '../../../src/main/training/eval/statistics/study-statistics';
import { backtestStats, computeStats } from '../../../src/main/training/eval/stats';
import type { CellResult, StudyResult } from '../../../src/main/training/eval/study';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import {
  BOM,
  FOLD_COLUMNS,
  foldsCsv,
  PREDICTION_COLUMNS,
  predictionsCsv,
} from '../../../src/main/training/report/csv';
import { modelsLine, reportHtml } from '../../../src/main/training/report/html';
import { renderSvg } from '../../../src/main/training/report/html-parts';
import { studySummary, summaryJson } from '../../../src/main/training/report/write';
import { studySummarySchema } from '../../../src/main/training/report/read';

/**
 * A hand-made study result (no training): five hand-checkable rows for the CSV writers, and 80 synthetic rows in
 * two test blocks with a gap between them for the statistics, the equity segments and the HTML.
 */
function tinyResult(): StudyResult {
  const dates = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];
  const bars = { date: dates, open: [10, 10.2, 10.1, 10.4, 10.3], close: [10.1, 10.0, 10.5, 10.2, 10.6] };
  const probs = Float64Array.from([
    0.2, 0.3, 0.5, 0.6, 0.2, 0.2, 0.1, 0.1, 0.8, 0.3, 0.4, 0.3, 0.2, 0.2, 0.6,
  ]);
  const pred = Int8Array.from([2, 0, 2, 1, 2]);
  const labels = Int8Array.from([2, 1, 2, -1, -1]);
  const m = classMetrics(labels, pred, probs);
  const iv = blockBootstrap(3, () => m.accuracy, { blockLength: 2, reps: 10 });
  const ci = { accuracy: iv, balancedAccuracy: iv, macroF1: iv, logLoss: iv };
  // one-day holds keep the positions below hand-checkable (the default holds H-day tranches)
  const bt = backtest({
    bars,
    signalDates: dates,
    signals: pred,
    options: { ...DEFAULT_BACKTEST, holdDays: 1 },
  });
  const stats = computeStats(bt.equity, bt.exposure, bt.trades);
  const cell: CellResult = {
    key: '000300_time-factor',
    channels: ['000300'],
    layout: 'time-factor',
    imageShape: [56, 56, 1],
    perSeed: [{ seed: 1, probs, metrics: m }],
    probs,
    pred,
    metrics: m,
    ci,
    seedMean: {
      accuracy: m.accuracy,
      balancedAccuracy: m.balancedAccuracy,
      macroF1: m.macroF1,
      logLoss: m.logLoss,
    },
    seedStd: { accuracy: 0, balancedAccuracy: 0, macroF1: 0, logLoss: 0 },
    backtest: bt,
    stats,
    foldAccuracy: [
      {
        fold: 0,
        testStart: dates[0],
        testEnd: dates[2],
        accuracy: m.accuracy,
        balancedAccuracy: m.balancedAccuracy,
        n: 3,
      },
    ],
  };
  const config = parseStudyConfig({ outDir: '/nonexistent' });
  const statistics = studyStatistics(simulatedStudyInput({ rows: 80, folds: 2, seeds: 1, edge: 0, seed: 5 }));
  return {
    config,
    outDir: '/nonexistent',
    dates,
    labels,
    forwardReturns: Float64Array.from([0.03, 0.001, 0.04, NaN, NaN]),
    targetClose: Float64Array.from(bars.close),
    folds: [
      {
        index: 0,
        train: [0],
        val: [],
        test: [0, 1, 2],
        predictOnly: [3, 4],
        testStart: dates[0],
        testEnd: dates[2],
      },
    ],
    rowFold: new Int32Array(5),
    cells: [cell],
    primary: cell.key,
    notes: ['a <note> & more'],
    baselines: [{ id: 'majority', name: 'majority', description: 'x', metrics: m }],
    buyHold: computeStats(bt.buyHold),
    ablation: [],
    ablationSentence: 'Only the CSI 300 channel set was run; there is no overlay to compare.',
    headline: 'Headline.',
    statistics: { ...statistics, cells: statistics.cells.map((c) => ({ ...c, key: cell.key })) },
    trials: { total: 2, cells: 1, baselines: 1, prior: 0, text: '2 trials' },
    importance: null,
    labelCheck: null,
    powerNote: 'No power analysis.',
    foldRecords: [
      {
        key: 'k',
        cell: cell.key,
        seed: 1,
        fold: 0,
        testStart: dates[0],
        testEnd: dates[2],
        trainCount: 1,
        valCount: 0,
        testCount: 3,
        epochs: 2,
        stoppedEarly: false,
        seconds: 1.25,
        backend: 'wasm',
        accuracy: m.accuracy,
        balancedAccuracy: m.balancedAccuracy,
        cached: false,
      },
    ],
    data: { files: [], fingerprint: '0123456789abcdef', firstDate: dates[0], lastDate: dates[4], samples: 5 },
    versions: { app: '0', tfjs: '4.22.0', node: process.versions.node },
    seconds: 1,
    computedFolds: 1,
    cachedFolds: 0,
  };
}

/** The same result traded in two test blocks with trading days between them (two segments). */
function gappedResult(): StudyResult {
  const r = tinyResult();
  const dates = [
    '2024-01-02',
    '2024-01-03',
    '2024-01-04',
    '2024-01-05',
    '2024-01-08',
    '2024-01-09',
    '2024-01-10',
  ];
  const bars = {
    date: dates,
    open: [10, 10.2, 10.1, 10.4, 10.3, 10.5, 10.6],
    close: [10.1, 10.0, 10.5, 10.2, 10.6, 10.4, 10.8],
  };
  const signalDates = [dates[0], dates[1], dates[4], dates[5], dates[6]];
  const bt = backtest({
    bars,
    signalDates,
    signals: r.cells[0].pred,
    options: { ...DEFAULT_BACKTEST, holdDays: 1, cashRatePerYear: 0.02 },
    blocks: [0, 0, 1, 1, 1],
  });
  r.config = parseStudyConfig({ backtest: { holdDays: 1, cashRatePerYear: 0.02 }, outDir: '/nonexistent' });
  r.dates = signalDates;
  r.cells[0].backtest = bt;
  r.cells[0].stats = backtestStats(bt);
  r.buyHold = backtestStats(bt, 'buy-and-hold');
  return r;
}

describe('report writers', () => {
  const r = tinyResult();

  it('predictions.csv: BOM, stated columns in English and Chinese, blanks where the label is unknown', () => {
    for (const lang of ['en', 'zh'] as const) {
      const csv = predictionsCsv(r, lang);
      expect(csv.startsWith(BOM)).toBe(true);
      const lines = csv.slice(1).trim().split('\r\n');
      expect(lines[0].split(',')).toEqual([...PREDICTION_COLUMNS[lang]]);
      expect(lines.length).toBe(6);
    }
    const rows = predictionsCsv(r, 'en')
      .slice(1)
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows[0].slice(0, 9)).toEqual(['2024-01-02', '10.1', '0.2', '0.3', '0.5', 'up', '0.03', 'up', '1']);
    expect(rows[1].slice(5, 9)).toEqual(['down', '0.001', 'flat', '0']);
    expect(rows[4].slice(6, 9)).toEqual(['', '', '']);
    // position column = the position decided at that close; equity is the backtest's
    expect(rows.map((x) => Number(x[9]))).toEqual([1, 0, 1, 0, 1]);
    expect(Number(rows[4][10])).toBeCloseTo(r.cells[0].backtest.equity[4], 6);
    expect(predictionsCsv(r, 'zh')).toContain('上涨');
  });

  it('folds.csv has its columns', () => {
    const lines = foldsCsv(r, 'zh').slice(1).trim().split('\r\n');
    expect(lines[0].split(',')).toEqual([...FOLD_COLUMNS.zh]);
    expect(lines[1].split(',')[11]).toBe('1.3');
  });

  it('report.html is self-contained: inline SVG, escaped text, no http(s) reference', () => {
    const html = reportHtml(r);
    expect(html).toMatch(/^<!doctype html>/);
    // equity, per-fold balanced accuracy, reliability (no importance in this result)
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(html).toContain('a &lt;note&gt; &amp; more');
    expect(
      renderSvg({
        xAxis: { type: 'category', data: ['a'] },
        yAxis: {},
        series: [{ type: 'line', data: [1] }],
      }),
    ).not.toMatch(/http/);
  });

  it('report.html states the verdict, the families, the overfitting statistics and the cash rate it used', () => {
    const html = reportHtml(gappedResult());
    expect(html).toContain(r.statistics.verdict.sentence.slice(0, 30));
    expect(html).toContain('Deflated Sharpe ratio');
    expect(html).toContain('Hansen');
    expect(html).toContain('Holm');
    expect(html).toContain('cash earns 2.00 % a year');
    expect(html).not.toContain('cash earns 0');
    expect(html).not.toContain('risk-free rate 0');
    expect(html).not.toContain('√252');
    expect(html).toContain('Each of the 2 test block(s) is a separate segment');
    // the gap between the blocks is a category of its own on the equity chart, so the line breaks there
    expect(html).toContain('…');
  });

  it("the Setup line names the study's model, or every model a model ablation compares", () => {
    const base = parseStudyConfig({ model: { preset: 'compact', width: 0.25 } });
    expect(modelsLine(base)).toBe('Model compact (width 0.25)');
    const variants = parseStudyConfig({
      model: { preset: 'googlenet', width: 1 },
      ablation: {
        channelSets: [['000300']],
        layouts: ['time-factor'],
        models: [
          { name: 'googlenet' },
          { name: 'g-1x1', branch3x3: 'original-1x1' },
          { name: 'small', preset: 'compact', width: 0.25 },
        ],
      },
    });
    expect(modelsLine(variants)).toBe(
      'Models compared on the same dates: googlenet = googlenet (width 1); ' +
        'g-1x1 = googlenet (width 1, 3×3 branch original-1x1); small = compact (width 0.25)',
    );
    expect(reportHtml({ ...gappedResult(), config: variants })).toContain('g-1x1 = googlenet');
  });

  it('summary.json is the shared StudySummary shape and its reader accepts it', () => {
    const g = gappedResult();
    const text = summaryJson(g);
    const parsed = JSON.parse(text);
    // undefined fields (no reference cell, no backend here) are left out of the JSON
    expect(Object.keys(parsed)).toEqual(
      Object.entries(studySummary(g))
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k),
    );
    expect(studySummarySchema.safeParse(parsed).error).toBeUndefined();
    expect(parsed.version).toBe(2);
    expect(parsed.equity.segments).toEqual([
      { start: '2024-01-02', end: '2024-01-03' },
      { start: '2024-01-08', end: '2024-01-10' },
    ]);
    expect(parsed.equity.segment).toEqual([0, 0, 1, 1, 1]);
    // test days, not the calendar span: 2 + 3 days, the two between the blocks left out
    expect(parsed.buyHold.days).toBe(5);
    expect(parsed.cells[0].backtest.cashRatePerYear).toBe(0.02);
    expect(parsed.statistics.verdict.sentence).toBe(g.statistics.verdict.sentence);
  });
});
