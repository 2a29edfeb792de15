/**
 * The whole study on real CSI 300 / SSE data with a tiny network: report files, resume from the fold cache,
 * and the perturbation test (changing prices after a test date changes nothing at or before it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { factorNames } from '../../../src/main/training/factors/registry';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { headlineTable } from '../../../src/main/training/report/markdown';
import { runStudy, type StudyResult } from '../../../src/main/training/eval/study';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { PREDICTION_COLUMNS } from '../../../src/main/training/report/csv';
import { writeReports } from '../../../src/main/training/report/write';
import { dailyFile } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-study-'));
let backend: BackendInfo;
let bars: Map<string, Bars>;

const config = (outDir: string) =>
  parseStudyConfig(
    {
      dataset: {
        from: '2017-01-03',
        to: '2019-12-31',
        lookbackDays: 20,
        normWindowDays: 20,
        factors: factorNames().slice(0, 6),
      },
      model: { preset: 'cnn', width: 0.125, dropout: 0 },
      train: {
        epochs: 2,
        batchSize: 64,
        validationFraction: 0.15,
        earlyStoppingPatience: 0,
        backend: 'wasm',
      },
      walkForward: { window: 'rolling', trainDays: 250, testDays: 120 },
      seeds: [3],
      ablation: { channelSets: [['000300'], ['000300', '000001']], layouts: ['time-factor', 'seed'] },
      bootstrap: { reps: 100, level: 0.9, seed: 1 },
      randomDraws: 5,
      outDir,
    },
    'test config',
  );

beforeAll(async () => {
  backend = await selectBackend('wasm');
  bars = new Map(['000300', '000001'].map((c) => [c, importFile(dailyFile(c), { code: c }).bars]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The same bars with every price after `after` scaled by a date-dependent factor (a different future). */
function perturbed(src: Map<string, Bars>, after: string): Map<string, Bars> {
  const out = new Map<string, Bars>();
  for (const [code, b] of src) {
    const k = b.date.map((d, i) => (d > after ? 1 + 0.2 * Math.sin(i) : 1));
    const scale = (a: Float64Array) => a.map((v, i) => v * k[i]);
    out.set(code, {
      ...b,
      open: scale(b.open),
      high: scale(b.high),
      low: scale(b.low),
      close: scale(b.close),
      volume: scale(b.volume),
    });
  }
  return out;
}

describe('runStudy on real data (tiny network)', () => {
  let a: StudyResult;

  it('writes the report files with the stated columns, a BOM and no network references', async () => {
    a = await runStudy(config(path.join(tmp, 'a')), { bars, backend });
    writeReports(a);
    expect(a.folds.length).toBeGreaterThanOrEqual(3);
    expect(a.cells.map((c) => c.key)).toEqual(['000300_time-factor', '000300+000001_time-factor']);
    expect(a.notes.join(' ')).toMatch(/not a perfect square/); // 20 x 6 seed raster cannot be square
    const csv = readFileSync(path.join(a.outDir, 'predictions.csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0].split(',')).toEqual([...PREDICTION_COLUMNS.en]);
    expect(lines.length - 1).toBe(a.dates.length);
    // realised values are blank exactly where the label is unknown; 'correct' compares the two classes
    const unknown = Array.from(a.labels).filter((l) => l < 0).length;
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.filter((r) => r[7] === '').length).toBe(unknown);
    for (const r of rows) {
      expect(r[6] === '').toBe(r[7] === '');
      if (r[7] !== '') expect(r[8]).toBe(r[5] === r[7] ? '1' : '0');
    }
    const html = readFileSync(path.join(a.outDir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/https?:/i);
    expect(html).toContain(a.ablationSentence.slice(0, 40));
    const summary = JSON.parse(readFileSync(path.join(a.outDir, 'summary.json'), 'utf8'));
    expect(summary.backend.name).toBe('wasm');
    expect(summary.data.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const folds = readFileSync(path.join(a.outDir, 'folds.csv'), 'utf8');
    expect(folds.slice(1).trim().split('\r\n').length - 1).toBe(a.folds.length * 2);
    // baselines are scored on exactly the study's labeled dates
    const labeled = Array.from(a.labels).filter((l) => l >= 0).length;
    for (const b of a.baselines) expect(b.metrics.n).toBe(labeled);
    // the Markdown headline table: one row per cell and baseline, numbers as in the result
    const table = headlineTable(a).split('\n');
    const cellRow = table.find((l) => l.startsWith('| CNN 000300+000001 time-factor |'))!;
    const cell = a.cells[1];
    expect(cellRow.split('|')[2].trim()).toBe(`${(100 * cell.metrics.accuracy).toFixed(1)} %`);
    expect(cellRow).toContain(`${(100 * cell.ci.balancedAccuracy.lo).toFixed(1)} %`);
    expect(table.filter((l) => l.startsWith('| ')).length).toBe(1 + a.cells.length + a.baselines.length + 1);
    expect(table[0]).toContain(`${labeled} labeled test dates`);
  });

  it('a rerun reads every fold from the cache and gives the same predictions', async () => {
    const again = await runStudy(config(path.join(tmp, 'a')), { bars, backend });
    expect(again.computedFolds).toBe(0);
    expect(again.cachedFolds).toBe(a.folds.length * 2);
    expect(Array.from(again.cells[1].probs)).toEqual(Array.from(a.cells[1].probs));
  });

  it('perturbation: changing prices after a test date changes no prediction, position or equity at or before it', async () => {
    const T =
      a.folds[1].testStart < a.dates[Math.floor(a.dates.length / 2)]
        ? a.dates[Math.floor(a.dates.length / 2)]
        : a.folds[1].testStart;
    const b = await runStudy(config(path.join(tmp, 'b')), {
      bars: perturbed(bars, T),
      backend,
    });
    expect(b.dates).toEqual(a.dates);
    const upto = a.dates.filter((d) => d <= T).length;
    expect(upto).toBeGreaterThan(100);
    for (let c = 0; c < a.cells.length; c++) {
      const ca = a.cells[c];
      const cb = b.cells[c];
      expect(Array.from(cb.probs.subarray(0, upto * 3))).toEqual(Array.from(ca.probs.subarray(0, upto * 3)));
      expect(Array.from(cb.pred.subarray(0, upto))).toEqual(Array.from(ca.pred.subarray(0, upto)));
      const n = ca.backtest.dates.indexOf(T) + 1;
      expect(Array.from(cb.backtest.target.subarray(0, n))).toEqual(
        Array.from(ca.backtest.target.subarray(0, n)),
      );
      expect(Array.from(cb.backtest.equity.subarray(0, n))).toEqual(
        Array.from(ca.backtest.equity.subarray(0, n)),
      );
      expect(Array.from(cb.backtest.buyHold.subarray(0, n))).toEqual(
        Array.from(ca.backtest.buyHold.subarray(0, n)),
      );
      // and the perturbation did reach the model after T (the test could fail)
      expect(Array.from(cb.probs.subarray(upto * 3))).not.toEqual(Array.from(ca.probs.subarray(upto * 3)));
    }
  });

  it('warm start: the first fold equals the fresh run, later folds start from the previous weights', async () => {
    const cfg = {
      ...config(path.join(tmp, 'c')),
      warmStart: true,
      ablation: { channelSets: [['000300']], layouts: ['time-factor' as const] },
    };
    const w = await runStudy(cfg, { bars, backend });
    const n0 = a.folds[0].test.length * 3;
    expect(Array.from(w.cells[0].probs.subarray(0, n0))).toEqual(
      Array.from(a.cells[0].probs.subarray(0, n0)),
    );
    expect(Array.from(w.cells[0].probs.subarray(n0))).not.toEqual(Array.from(a.cells[0].probs.subarray(n0)));
  });
});
