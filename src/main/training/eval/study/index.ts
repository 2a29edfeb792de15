/**
 * The walk-forward study: for every channel set x (bar size x) layout (x model) x seed x fold, train from scratch
 * (or warm-start), predict the fold's test dates, and join the out-of-sample predictions into one series per cell.
 * Then the baselines on the same dates (chance, rules, logistic regression, trees), a costed backtest per test
 * block, and every statistic of the verdict (chance from the same rows, two-level intervals, Holm / Romano–Wolf
 * families, PSR / DSR / PBO / SPA, calibration, IC, power), the channel ablation (or the bar-size / model
 * comparison) and permutation importance. runStudy returns the result; its callers write the reports
 * (report/write.ts).
 *
 * Every cell uses exactly the same sample dates (the intersection of the cells' dataset dates), so metrics,
 * baselines and ablation differences are paired date by date. Each finished fold's predictions are cached in
 * <outDir>/folds (fold-cache.ts); a rerun reuses them.
 *
 *   plan.ts         bars, one dataset per cell, common dates, folds, study rows
 *   train-folds.ts  every cell x seed x fold trained or read from the fold cache
 *   evaluate.ts     scoring on the study rows (metrics, bootstrap intervals, backtest), shared by all below
 *   baselines.ts    the list of baselines, scored like the cells (baseline-cache.ts: their fold cache)
 *   statistics.ts   the statistics' input from the study rows (eval/statistics/study-statistics.ts)
 *   ablation.ts     each cell minus the single-index reference, paired
 *   importance.ts   permutation importance scored while fold models are loaded, its sidecar cache
 *   label-check.ts  the predictions against the other label price
 *   variant-ablation.ts  bar-size / model studies: each cell minus the cell differing only in that, paired
 *   headline.ts     the conclusions in words
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmaxRows } from '../metrics';
import { balancedAccuracy } from '../statistics/chance';
import { readPower } from '../power/power-file';
import type { StudyConfig } from '../study-config';
import { ablate, intervalFromDto } from './ablation';
import { runBaselines } from './baselines';
import {
  buyHoldStats,
  ensembleIntervals,
  evaluateCell,
  evaluationContext,
  primaryAndReference,
} from './evaluate';
import { ablationSentence, headline } from './headline';
import { studyImportance } from './importance';
import { labelCheck } from './label-check';
import { planStudy, type StudyPlan } from './plan';
import type { FoldRecord, StudyHooks, StudyResult } from './result';
import { composeStatistics, trialsOf } from './statistics';
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

/**
 * One process's share of a study's fold trainings (hooks.shard), written to <outDir>/folds like any other; no
 * scoring. The process that runs the whole study afterwards reads them from the cache (`study --jobs`).
 */
export async function trainStudyShard(
  config: StudyConfig,
  hooks: StudyHooks & { shard: NonNullable<StudyHooks['shard']> },
): Promise<{ computed: number; cached: number }> {
  const log = (line: string) => hooks.log?.(line);
  mkdirSync(path.join(path.resolve(config.outDir), 'folds'), { recursive: true });
  const plan = planStudy(config, hooks, log);
  const { computed, cached } = await trainFolds(config, plan, hooks, Date.now());
  return { computed, cached };
}

/** Runs the whole study (see the file comment); resumable through <outDir>/folds. Writes no report. */
export async function runStudy(config: StudyConfig, hooks: StudyHooks = {}): Promise<StudyResult> {
  if (hooks.shard)
    throw new Error('runStudy scores the whole study; a shard of it trains with trainStudyShard');
  const t0 = Date.now();
  const log = (line: string) => hooks.log?.(line);
  mkdirSync(path.join(path.resolve(config.outDir), 'folds'), { recursive: true });
  const plan = planStudy(config, hooks, log);
  const trained = await trainFolds(config, plan, hooks, t0);
  const evalT0 = Date.now();

  const targetDaily = plan.cells[0].ds.targetDaily;
  const ctx = evaluationContext(config, plan, targetDaily);
  const cells = plan.cells.map((cell) =>
    withVariant(
      plan,
      evaluateCell(ctx, cell, (seed) => trained.probsByCellSeed.get(`${cell.key}#${seed}`)!),
    ),
  );
  foldBalancedAccuracy(plan, trained.foldRecords, trained.probsByCellSeed);
  const variants = hasVariants(config) ? variantPairs(plan, cells) : undefined;
  const { primary, reference: channelReference } = primaryAndReference(cells);
  const reference = variants
    ? (variants.find((p) => p.cell.key === primary.key)?.reference ?? variants[0]?.reference)
    : channelReference;
  const primaryDs = plan.cells.find((c) => c.key === primary.key)!.ds;
  log('baselines: majority, persistence, random, rules, logistic regression, trees');
  const baselines = runBaselines({
    eval: ctx,
    primary,
    primaryDs,
    bars: plan.bars,
    cacheDir: path.join(plan.outDir, 'baselines'),
    log,
  });
  const buyHold = buyHoldStats(primary.backtest);

  const powerRead = readPower(config, plan.fingerprint);
  const statistics = composeStatistics({
    ctx,
    cells,
    primary,
    reference,
    pairs: variants,
    baselines,
    power: powerRead.power,
  });
  const boot = {
    blockLength: statistics.blockLength.value,
    reps: config.bootstrap.reps,
    level: config.bootstrap.level,
    seed: config.bootstrap.seed,
  };
  for (const c of cells) {
    c.ci = ensembleIntervals(
      ctx,
      c.perSeed.map((s) => s.probs),
      boot,
    );
    // one balanced-accuracy interval per cell everywhere: the statistics' two-level interval
    const st = statistics.cells.find((x) => x.key === c.key)!;
    c.ci.balancedAccuracy = intervalFromDto(st.balancedAccuracy.interval);
  }
  for (const b of baselines) if (b.pred) b.ci = ctx.intervals(b.pred, b.probs, boot);
  // a variant row's p-value is the statistics' Holm-adjusted one over the same pairs
  const ablation = variants
    ? ablateVariants(ctx, variants, boot).map((row) => ({
        ...row,
        pHolm: statistics.ablation?.comparisons.find((c) => c.key === row.key)?.pHolm ?? null,
      }))
    : ablate(ctx, cells, reference, boot, statistics);
  const importance = studyImportance(trained.importance, cells, trained.importanceSettings, boot);
  const labels = labelCheck(config, plan, targetDaily, cells, baselines);
  const labeledDays = plan.labeledRows.length;
  log(`evaluation: ${((Date.now() - evalT0) / 1000).toFixed(1)} s (baselines, statistics, intervals)`);

  const versions = { ...packageVersions(), node: process.versions.node };
  if (hooks.backend?.tfjsVersion) versions.tfjs = hooks.backend.tfjsVersion;
  const { common } = plan;
  const notes = [...plan.notes, ...trained.notes, ...(importance?.missing ?? [])];
  if (powerRead.problem) notes.push(powerRead.problem);
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
    notes,
    baselines,
    buyHold,
    ablation,
    ablationSentence: variants
      ? variantSentence(config, plan, ablation, labeledDays)
      : ablationSentence(config, statistics, reference, labeledDays),
    headline: headline(config, {
      firstDate: plan.rowDates[0],
      lastDate: plan.folds[plan.folds.length - 1].testEnd,
      labeledDays,
      folds: plan.folds.length,
      primary,
      statistics,
      buyHold,
    }),
    statistics,
    trials: trialsOf({ ctx, cells, baselines }),
    importance,
    labelCheck: labels,
    powerNote: powerRead.note,
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

/** Fills each fold record's balanced accuracy from its seed's predictions on the fold's labeled test rows. */
function foldBalancedAccuracy(
  plan: StudyPlan,
  records: FoldRecord[],
  probs: Map<string, Float64Array>,
): void {
  for (const rec of records) {
    const p = probs.get(`${rec.cell}#${rec.seed}`);
    if (!p) continue;
    const rows: number[] = [];
    for (let r = 0; r < plan.truth.length; r++)
      if (plan.rowFold[r] === rec.fold && plan.truth[r] >= 0) rows.push(r);
    rec.balancedAccuracy = rows.length ? balancedAccuracy(plan.truth, argmaxRows(p), rows) : NaN;
  }
}
