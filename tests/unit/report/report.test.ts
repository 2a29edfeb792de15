import { describe, expect, it } from 'vitest';
import { backtest, DEFAULT_BACKTEST } from '../../../src/main/training/eval/backtest';
import { blockBootstrap } from '../../../src/main/training/eval/bootstrap';
import { classMetrics } from '../../../src/main/training/eval/metrics';
import { computeStats } from '../../../src/main/training/eval/stats';
import type { CellResult, StudyResult } from '../../../src/main/training/eval/study';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import {
  BOM,
  FOLD_COLUMNS,
  foldsCsv,
  PREDICTION_COLUMNS,
  predictionsCsv,
} from '../../../src/main/training/report/csv';
import { renderSvg, reportHtml } from '../../../src/main/training/report/html';

/** A hand-made five-day study result (no training): enough to exercise every report writer. */
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
    foldAccuracy: [{ fold: 0, testStart: dates[0], testEnd: dates[2], accuracy: m.accuracy, n: 3 }],
  };
  const config = parseStudyConfig({ outDir: '/nonexistent' });
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
    baselines: [{ name: 'majority', description: 'x', metrics: m }],
    buyHold: computeStats(bt.buyHold),
    ablation: [],
    ablationSentence: 'Only the CSI 300 channel set was run; there is no overlay to compare.',
    headline: 'Headline.',
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
});
