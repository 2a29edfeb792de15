/**
 * The intraday study end to end on the real files, at CI size: the `intraday` preset with
 * tests/fixtures/intraday-tiny.json over it (1 epoch, width 0.0625, 1 seed, 2 short folds). Every cell trains and is
 * scored on the same rows, and the paired comparison sets each 15-minute cell against the daily cell of the same
 * model; its differences are checked against a balanced accuracy computed here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { runStudy, type CellResult, type StudyResult } from '../../../src/main/training/eval/study';
import {
  mergeConfig,
  parseStudyConfig,
  readJson,
  readPreset,
} from '../../../src/main/training/eval/study-config';
import { headlineTable } from '../../../src/main/training/report/markdown';
import { summaryJson } from '../../../src/main/training/report/write';
import { selectBackend } from '../../../src/main/training/train/backend';
import { czscFile, dailyDir, dailyFile, fixture } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-intraday-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = parseStudyConfig(
  { ...mergeConfig(readPreset('intraday'), readJson(fixture('intraday-tiny.json'))), outDir: tmp },
  'intraday + intraday-tiny.json',
);

/** Mean recall over the classes present in truth (the labeled rows only). */
function balancedAccuracy(truth: Int8Array, pred: Int8Array): number {
  const recalls: number[] = [];
  for (let k = 0; k < 3; k++) {
    let n = 0;
    let hit = 0;
    for (let i = 0; i < truth.length; i++)
      if (truth[i] === k) {
        n++;
        if (pred[i] === k) hit++;
      }
    if (n) recalls.push(hit / n);
  }
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

let r: StudyResult;
beforeAll(async () => {
  r = await runStudy(config, { dataDir: dailyDir(), backend: await selectBackend('auto') });
}, 600_000);

describe('the intraday study at CI size (real SSE minute and daily bars)', () => {
  it('trains every cell x fold on the same rows', () => {
    expect(r.cells.map((c) => [c.key, c.barsPerDay, c.model])).toEqual([
      ['000001_seed_15min_googlenet', 16, 'googlenet'],
      ['000001_seed_15min_googlenet-1x1', 16, 'googlenet-1x1'],
      ['000001_seed_15min_compact', 16, 'compact'],
      ['000001_time-factor_15min_googlenet', 16, 'googlenet'],
      ['000001_time-factor_15min_googlenet-1x1', 16, 'googlenet-1x1'],
      ['000001_time-factor_15min_compact', 16, 'compact'],
      ['000001_seed_daily_googlenet', 1, 'googlenet'],
      ['000001_seed_daily_googlenet-1x1', 1, 'googlenet-1x1'],
      ['000001_seed_daily_compact', 1, 'compact'],
    ]);
    expect(r.folds).toHaveLength(2);
    expect(r.computedFolds).toBe(9 * 2);
    expect(r.dates).toHaveLength(46 + 46);
    // the 115th common date (2015-06-02 + a training span of 100 samples + the 14-sample embargo)
    expect(r.dates[0]).toBe('2015-11-19');
    expect(r.dates[91]).toBe('2016-04-07');
    for (const c of r.cells) expect(c.metrics.n).toBe(r.dates.length);
    for (const b of r.baselines) expect(b.metrics.n).toBe(r.dates.length);
    expect(r.primary).toBe('000001_seed_15min_googlenet');
    expect(r.reference).toBe('000001_seed_daily_googlenet');
  });

  it('compares each 15-minute cell with the daily cell of the same model, paired on the same dates', () => {
    const byKey = new Map<string, CellResult>(r.cells.map((c) => [c.key, c]));
    expect(r.ablation.map((a) => [a.key, a.reference])).toEqual(
      r.cells.filter((c) => c.barsPerDay === 16).map((c) => [c.key, `000001_seed_daily_${c.model}`]),
    );
    for (const a of r.ablation) {
      const cell = byKey.get(a.key)!;
      const ref = byKey.get(a.reference!)!;
      const d = a.diff.balancedAccuracy;
      expect(d.estimate).toBeCloseTo(
        balancedAccuracy(r.labels, cell.pred) - balancedAccuracy(r.labels, ref.pred),
        12,
      );
      expect(d.lo).toBeLessThanOrEqual(d.estimate);
      expect(d.hi).toBeGreaterThanOrEqual(d.estimate);
      expect(a.verdict).toBe(d.lo > 0 ? 'better' : d.hi < 0 ? 'worse' : 'no-difference');
    }
    expect(r.ablationSentence).toMatch(
      /^Does an image of another bar size carry information the daily image of the same dates does not\?/,
    );
    expect(r.ablationSentence).toContain(`same ${r.dates.length} test dates`);
    // summary.json keeps each row's own reference (the app and a reader need it: there is no single reference)
    const summary = JSON.parse(summaryJson(r)) as { ablation: { key: string; reference?: string }[] };
    expect(summary.ablation.map((a) => [a.key, a.reference])).toEqual(
      r.ablation.map((a) => [a.key, a.reference]),
    );
    // the statistics' ablation family is the same pairs (not every cell against one reference), its
    // balanced-accuracy differences the same numbers, and each row carries the family's Holm p-value
    const fam = r.statistics.ablation!;
    expect(fam.comparisons.map((c) => [c.key, c.reference])).toEqual(
      r.ablation.map((a) => [a.key, a.reference]),
    );
    expect(fam.adjustment).toContain(`over the ${r.ablation.length} paired comparisons`);
    for (const [j, a] of r.ablation.entries()) {
      expect(fam.comparisons[j].difference.estimate).toBeCloseTo(a.diff.balancedAccuracy.estimate, 12);
      expect(a.pHolm).toBe(fam.comparisons[j].pHolm);
      expect(a.pHolm).not.toBeNull();
    }
  });

  it('names the bar size and model of every cell in the headline table', () => {
    const rows = headlineTable(r).split('\n');
    for (const c of r.cells) {
      const name = `| CNN 000001 ${c.layout} ${c.barsPerDay === 1 ? 'daily' : '15min'} ${c.model} |`;
      expect(rows.filter((l) => l.startsWith(name))).toHaveLength(1);
    }
  });
});

/** The same bars with every price and volume after `after` scaled by a bar-dependent factor (a different future). */
function perturbed(b: Bars, after: string): Bars {
  const k = b.date.map((d, i) => (d > after ? 1 + 0.2 * Math.sin(i) : 1));
  const scale = (a: Float64Array) => a.map((v, i) => v * k[i]);
  return {
    ...b,
    open: scale(b.open),
    high: scale(b.high),
    low: scale(b.low),
    close: scale(b.close),
    volume: scale(b.volume),
  };
}

describe('no look-ahead across the two sources of the intraday study', () => {
  it('changing minute and daily prices after T changes no prediction at or before T, in any cell', async () => {
    const compactOnly = (outDir: string) =>
      parseStudyConfig(
        {
          ...mergeConfig(mergeConfig(readPreset('intraday'), readJson(fixture('intraday-tiny.json'))), {
            ablation: { models: [{ name: 'compact', preset: 'compact', width: 0.0625 }] },
          }),
          outDir,
        },
        'intraday + intraday-tiny.json, compact only',
      );
    const minute = importFile(czscFile(), { code: '000001' }).bars;
    const daily = importFile(dailyFile('000001'), { code: '000001' }).bars;
    const backend = await selectBackend('auto');
    const run = (m: Bars, d: Bars, dir: string) =>
      runStudy(compactOnly(path.join(tmp, dir)), {
        bars: new Map([['000001', d]]),
        barsByDataDir: new Map([['../raw/czsc-1min', new Map([['000001', m]])]]),
        backend,
      });
    const a = await run(minute, daily, 'look-a');
    // T in the second fold's test block, so the first fold and part of the second are before it
    const T = a.dates[70];
    const b = await run(perturbed(minute, T), perturbed(daily, T), 'look-b');
    expect(b.dates).toEqual(a.dates);
    const upto = a.dates.filter((d) => d <= T).length;
    expect(upto).toBe(71);
    expect(a.cells).toHaveLength(3);
    for (let c = 0; c < a.cells.length; c++) {
      const [ca, cb] = [a.cells[c], b.cells[c]];
      expect(Array.from(cb.probs.subarray(0, upto * 3))).toEqual(Array.from(ca.probs.subarray(0, upto * 3)));
      // the perturbation did reach the images after T (the test could fail)
      expect(Array.from(cb.probs.subarray(upto * 3))).not.toEqual(Array.from(ca.probs.subarray(upto * 3)));
    }
  }, 600_000);
});
