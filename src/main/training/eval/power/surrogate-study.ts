/**
 * The power analysis's runner on the real pipeline: each (strength, replicate) builds surrogate bars from the real
 * ones (surrogate.ts; the replicate picks the shuffle and the tells, so every strength of one replicate shares
 * them), runs runStudy() on them through StudyHooks.bars, and takes the study's own statistics: the verdict
 * procedure is exactly the study's. It also reports the planted rule's own edge: predicting up after an up tell,
 * down after a down tell and the fold's majority class otherwise, minus the best baseline, on the same rows.
 */
import path from 'node:path';
import type { Bars } from '../../../../shared/domain';
import { balancedAccuracy } from '../statistics/chance';
import { runStudy, trainStudyShard, type Shard, type StudyHooks } from '../study';
import type { StudyConfig } from '../study-config';
import type { PowerAnalysisOptions } from './power-analysis';
import { surrogateBars } from './surrogate';

export interface SurrogateRunnerOptions {
  config: StudyConfig;
  /** Real daily bars of every index the config's channel sets use. */
  realBars: Map<string, Bars>;
  hooks?: Omit<StudyHooks, 'bars'>;
  tellRate?: number;
  /** Added to the replicate number to seed the shuffle (default 1). */
  baseSeed?: number;
}

/** Folder of one surrogate study under the power config's outDir. */
export const surrogateDir = (outDir: string, strength: number, replicate: number) =>
  path.join(outDir, `power-s${strength}-r${replicate}`);

/** The surrogate bars and study config of one (strength, replicate). */
function surrogateOf(o: SurrogateRunnerOptions, strength: number, replicate: number) {
  const sur = surrogateBars(o.realBars, {
    target: o.config.dataset.target,
    horizonDays: o.config.dataset.horizonDays,
    strength,
    tellRate: o.tellRate,
    seed: (o.baseSeed ?? 1) + replicate,
  });
  const config: StudyConfig = { ...o.config, outDir: surrogateDir(o.config.outDir, strength, replicate) };
  return { sur, config };
}

/** One process's share of the fold trainings of one surrogate study (`power --jobs`; see trainStudyShard). */
export function trainSurrogateShard(
  o: SurrogateRunnerOptions,
  shard: Shard,
  strength: number,
  replicate: number,
): Promise<{ computed: number; cached: number }> {
  const { sur, config } = surrogateOf(o, strength, replicate);
  return trainStudyShard(config, { ...o.hooks, bars: sur.bars, shard });
}

/** runOne for powerAnalysis() on the real study pipeline. */
export function surrogateStudyRunner(o: SurrogateRunnerOptions): PowerAnalysisOptions['runOne'] {
  return async (strength, replicate) => {
    const { sur, config } = surrogateOf(o, strength, replicate);
    const result = await runStudy(config, { ...o.hooks, bars: sur.bars });
    const statistics = result.statistics;
    const majority = result.baselines.find((b) => b.id === 'majority');
    let plantedEdge: number | null = null;
    if (majority?.pred) {
      const up = new Set(sur.upTells);
      const down = new Set(sur.downTells);
      const rule = Int8Array.from(result.dates, (d, r) =>
        up.has(d) ? 2 : down.has(d) ? 0 : majority.pred![r],
      );
      const best = statistics.chance.best.balancedAccuracy;
      plantedEdge = best === null ? null : balancedAccuracy(result.labels, rule) - best;
    }
    return { statistics, plantedEdge };
  };
}
