/** Writes the report files of a study into its folder, each atomically. */
import path from 'node:path';
import { writeFileAtomic } from '../train/atomic';
import type { StudyResult } from '../eval/study/result';
import { foldsCsv, predictionsCsv } from './csv';
import { reportHtml } from './html';

/** summary.json: configuration, backend, versions, data fingerprint, metrics, intervals, baselines, ablation. */
export function summaryJson(r: StudyResult): string {
  const cells = r.cells.map((c) => ({
    key: c.key,
    channels: c.channels,
    layout: c.layout,
    imageShape: c.imageShape,
    metrics: c.metrics,
    intervals: c.ci,
    seedMean: c.seedMean,
    seedStd: c.seedStd,
    perSeed: c.perSeed.map((s) => ({ seed: s.seed, metrics: s.metrics })),
    backtest: c.stats,
    foldAccuracy: c.foldAccuracy,
  }));
  const out = {
    headline: r.headline,
    ablationSentence: r.ablationSentence,
    notes: r.notes,
    primary: r.primary,
    reference: r.reference,
    backend: r.backend,
    versions: r.versions,
    data: r.data,
    config: r.config,
    folds: r.folds.map((f) => ({
      index: f.index,
      train: f.train.length,
      val: f.val.length,
      test: f.test.length,
      predictOnly: f.predictOnly.length,
      testStart: f.testStart,
      testEnd: f.testEnd,
    })),
    cells,
    baselines: r.baselines,
    buyHold: r.buyHold,
    ablation: r.ablation,
    seconds: r.seconds,
    computedFolds: r.computedFolds,
    cachedFolds: r.cachedFolds,
  };
  return JSON.stringify(out, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

/** Writes predictions.csv, folds.csv, summary.json and report.html into r.outDir. */
export function writeReports(r: StudyResult): string[] {
  const lang = r.config.language;
  const files: [string, string][] = [
    ['predictions.csv', predictionsCsv(r, lang)],
    ['folds.csv', foldsCsv(r, lang)],
    ['summary.json', summaryJson(r)],
    ['report.html', reportHtml(r)],
  ];
  return files.map(([name, text]) => {
    const file = path.join(r.outDir, name);
    writeFileAtomic(file, text);
    return file;
  });
}
