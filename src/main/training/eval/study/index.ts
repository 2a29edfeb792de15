/**
 * The walk-forward study: for every channel set x (bar size x) layout (x model) x seed x fold, train from scratch
 * (or warm-start), predict the fold's test dates, and join the out-of-sample predictions into one series per cell.
 * Then metrics with block-bootstrap intervals, baselines on the same dates, a costed backtest, and the channel
 * ablation (or the bar-size / model comparison) with a paired block bootstrap. runStudy returns the result; its callers write the reports (report/write.ts).
 *
 * Every cell uses exactly the same sample dates (the intersection of the cells' dataset dates), so metrics,
 * baselines and ablation differences are paired date by date. Each finished fold's predictions are cached in
 * <outDir>/folds (fold-cache.ts); a rerun reuses them.
 *
 *   plan.ts         bars, one dataset per cell, common dates, folds, study rows
 *   train-folds.ts  every cell x seed x fold trained or read from the fold cache
 *   evaluate.ts     scoring on the study rows (metrics, bootstrap intervals, backtest), shared by all below
 *   baselines.ts    the list of baselines, scored like the cells
 *   ablation.ts     each cell minus the single-index reference, paired
 *   variant-ablation.ts  bar-size / model studies: each cell minus the cell differing only in that, paired
 *   headline.ts     the conclusions in words
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudyConfig } from '../study-config';
import { ablate } from './ablation';
import { runBaselines } from './baselines';
import { buyHoldStats, evaluateCell, evaluationContext, primaryAndReference } from './evaluate';
import { ablationSentence, headline } from './headline';
import { planStudy } from './plan';
import type { StudyHooks, StudyResult } from './result';
import { trainFolds } from './train-folds';
import { ablateVariants, hasVariants, variantPairs, variantSentence, withVariant } from './variant-ablation';

export * from './result';
export { barSizeName, cellKey } from './plan';
export { barsFingerprint } from './fold-cache';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

function packageVersions(): { app: string; tfjs: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    return { app: pkg.version, tfjs: pkg.dependencies['@tensorflow/tfjs'] ?? '?' };
  } catch {
    return { app: '?', tfjs: '?' };
  }
}

/** Runs the whole study (see the file comment); resumable through <outDir>/folds. Writes no report. */
export async function runStudy(config: StudyConfig, hooks: StudyHooks = {}): Promise<StudyResult> {
  const t0 = Date.now();
  const log = (line: string) => hooks.log?.(line);
  mkdirSync(path.join(path.resolve(config.outDir), 'folds'), { recursive: true });
  const plan = planStudy(config, hooks, log);
  const trained = await trainFolds(config, plan, hooks, t0);

  const ctx = evaluationContext(config, plan, plan.cells[0].ds.targetDaily);
  const cells = plan.cells.map((cell) =>
    withVariant(
      plan,
      evaluateCell(ctx, cell, (seed) => trained.probsByCellSeed.get(`${cell.key}#${seed}`)!),
    ),
  );
  const variants = hasVariants(config) ? variantPairs(plan, cells) : undefined;
  const { primary, reference: channelReference } = primaryAndReference(cells);
  const reference = variants
    ? (variants.find((p) => p.cell.key === primary.key)?.reference ?? variants[0]?.reference)
    : channelReference;
  const primaryDs = plan.cells.find((c) => c.key === primary.key)!.ds;
  const baselines = runBaselines({ eval: ctx, primary, primaryDs });
  const buyHold = buyHoldStats(primary.backtest);
  const ablation = variants ? ablateVariants(ctx, variants) : ablate(ctx, cells, reference);
  const labeledDays = plan.labeledRows.length;

  const versions = { ...packageVersions(), node: process.versions.node };
  if (hooks.backend?.tfjsVersion) versions.tfjs = hooks.backend.tfjsVersion;
  const { common } = plan;
  return {
    config,
    outDir: plan.outDir,
    dates: plan.rowDates,
    labels: plan.truth,
    forwardReturns: Float64Array.from(plan.rowsCommon.map((j) => plan.fwdAll[j])),
    targetClose: Float64Array.from(plan.rowsCommon.map((j) => plan.closeAll[j])),
    folds: plan.folds,
    rowFold: plan.rowFold,
    cells,
    primary: primary.key,
    reference: reference?.key,
    notes: [...plan.notes, ...trained.notes],
    baselines,
    buyHold,
    ablation,
    ablationSentence: variants
      ? variantSentence(config, plan, ablation, labeledDays)
      : ablationSentence(config, ablation, reference, labeledDays),
    headline: headline(config, {
      firstDate: plan.rowDates[0],
      lastDate: plan.folds[plan.folds.length - 1].testEnd,
      labeledDays,
      folds: plan.folds.length,
      primary,
      baselines,
      buyHold,
    }),
    foldRecords: trained.foldRecords,
    backend: hooks.backend,
    data: {
      files: plan.files,
      fingerprint: plan.fingerprint,
      firstDate: common[0],
      lastDate: common[common.length - 1],
      samples: common.length,
    },
    versions,
    seconds: (Date.now() - t0) / 1000,
    computedFolds: trained.computed,
    cachedFolds: trained.cached,
  };
}
