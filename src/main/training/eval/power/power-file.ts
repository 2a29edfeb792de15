/**
 * power.json: the power analysis of a study configuration (factor-inception power), written into the study folder
 * (or config.power.file) and read by the study's verdict. It carries a key of everything that sets the study's
 * size, model, training budget and verdict procedure, and the real data's fingerprint: a power.json of another
 * configuration is not used, and the study says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StudyStatistics } from '../../../../shared/study-statistics';
import { sha } from '../study/fold-cache';
import type { StudyConfig } from '../study-config';
import type { PowerAnalysis } from './power-analysis';

export const POWER_FILE = 'power.json';

export interface PowerFile {
  version: 1;
  /** powerKey() of the configuration it was run for. */
  key: string;
  fingerprint: string;
  createdAt: string;
  /** What was planted and swept, in words. */
  description: string;
  cells: string[];
  analysis: PowerAnalysis;
  /** The summary the verdict reads (summary.json statistics.power). */
  power: NonNullable<StudyStatistics['power']>;
  /** Cost stated before the run and measured after it. */
  estimateSeconds: number | null;
  seconds: number;
}

/** Where a study's power.json lives. */
export function powerFileOf(config: StudyConfig): string {
  return path.resolve(config.power.file ?? path.join(config.outDir, POWER_FILE));
}

/**
 * Key of the configuration a power analysis answers for: the dataset, model, training (not its backend),
 * folds, seeds, baselines, bootstrap, backtest and the sweep itself; the channel sets when every cell is run.
 */
export function powerKey(config: StudyConfig): string {
  return sha({
    v: 1,
    dataset: config.dataset,
    model: config.model,
    train: { ...config.train, backend: undefined },
    walkForward: config.walkForward,
    seeds: config.seeds,
    baselines: config.baselines,
    bootstrap: config.bootstrap,
    backtest: config.backtest,
    statistics: config.statistics,
    power: { ...config.power, file: undefined },
    ablation: config.power.cells === 'all' ? config.ablation : undefined,
  }).slice(0, 16);
}

export interface PowerRead {
  power?: StudyStatistics['power'];
  /** One line for the report: where the power figure came from, or that there is none. */
  note: string;
  /** Set when a power.json was there but could not be used. */
  problem?: string;
}

/** The power summary for this study from its power.json, when it belongs to this configuration and data. */
export function readPower(config: StudyConfig, fingerprint: string): PowerRead {
  const file = powerFileOf(config);
  const rerun = `factor-inception power --config <this study's config> (or --preset)`;
  if (!existsSync(file))
    return {
      note: `No power analysis: ${file} does not exist, so the verdict cannot say how large an edge this study would have seen; run ${rerun}.`,
    };
  let p: PowerFile;
  try {
    p = JSON.parse(readFileSync(file, 'utf8')) as PowerFile;
  } catch (err) {
    const problem = `${file} cannot be read (${err instanceof Error ? err.message : String(err)}); the verdict has no power figure`;
    return { note: problem, problem };
  }
  if (p.version !== 1 || !p.power || typeof p.key !== 'string') {
    const problem = `${file} is not a power analysis this program wrote; the verdict has no power figure`;
    return { note: problem, problem };
  }
  if (p.key !== powerKey(config) || p.fingerprint !== fingerprint) {
    const problem = `${file} was computed for another configuration or other data (key ${p.key}, this study ${powerKey(config)}); not used: rerun ${rerun}`;
    return { note: problem, problem };
  }
  return {
    power: p.power,
    note: `Power: ${file} (${p.createdAt}, ${p.analysis.runs.length} surrogate studies of ${p.cells.join(', ')}, ${Math.round(p.seconds / 60)} min).`,
  };
}
