/**
 * The power analysis of a study configuration, at the study's own size, model and training budget (issue 11
 * item 7): the same dataset, folds, seeds, model, epochs and verdict procedure run on surrogate bars with a
 * planted signal of each swept strength (surrogate.ts, surrogate-study.ts), R replicates each, then power.json.
 *
 * Differences from the real study, each stated in power.json: by default only the primary cell is trained (the
 * real verdict adjusts over every cell, so it is somewhat less powerful than this); the CNN is judged against
 * chance on the same rows (majority and random), because on surrogate data the planted drift is momentum that
 * persistence and the rules follow and a candle the fitted models read; no importance is scored.
 *
 * Resumable: each surrogate study keeps its fold cache, and each finished (strength, replicate) its statistics in
 * <power dir>/runs/; a rerun reads them. The cost is estimated before the run from the real study's fold cache
 * when it has the primary cell's folds, otherwise from a short training probe.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bars } from '../../../../shared/domain';
import type { StudyStatistics } from '../../../../shared/study-statistics';
import { writeFileAtomic } from '../../train/atomic';
import { trainModel } from '../../train/trainer';
import type { Shard, StudyHooks } from '../study';
import { barsFingerprint, isFoldFile, sha, type CachedFold } from '../study/fold-cache';
import { planStudy } from '../study/plan';
import type { StudyConfig } from '../study-config';
import { powerAnalysis, powerDto, type PowerRun } from './power-analysis';
import { powerFileOf, powerKey, type PowerFile } from './power-file';
import { surrogateStudyRunner, trainSurrogateShard } from './surrogate-study';

/** The channel set of the primary cell: the largest one (eval/study/evaluate.ts primaryAndReference). */
function primarySet(config: StudyConfig): string[] {
  return [...config.ablation.channelSets].sort((a, b) => b.length - a.length)[0];
}

/** The configuration every surrogate study runs (see the file comment). */
export function powerStudyConfig(config: StudyConfig): StudyConfig {
  const dir = path.join(path.dirname(powerFileOf(config)), 'power');
  return {
    ...config,
    outDir: dir,
    ablation:
      config.power.cells === 'all'
        ? config.ablation
        : { channelSets: [primarySet(config)], layouts: config.ablation.layouts },
    importance: { ...config.importance, enabled: false },
    baselines: { ...config.baselines, include: 'chance' },
  };
}

/** The real bars' fingerprint as the study computes it (every index of the channel sets). */
export function realFingerprint(config: StudyConfig, bars: Map<string, Bars>): string {
  const codes = [...new Set(config.ablation.channelSets.flat())];
  return barsFingerprint(new Map(codes.map((c) => [c, bars.get(c)!])));
}

export interface PowerEstimate {
  studies: number;
  /** Fold trainings per surrogate study (cells x seeds x folds). */
  trainingsPerStudy: number;
  cells: string[];
  folds: number;
  /** Estimated seconds of one training of each fold. */
  foldSeconds: number[];
  source: string;
  totalSeconds: number;
}

/** The cost of a power run before it starts (see the file comment). */
export async function estimatePower(
  config: StudyConfig,
  realBars: Map<string, Bars>,
  hooks: Pick<StudyHooks, 'backend' | 'log'> = {},
): Promise<PowerEstimate> {
  const pc = powerStudyConfig(config);
  const plan = planStudy(pc, { bars: realBars }, () => {});
  const cells = plan.cells.map((c) => c.key);
  const folds = plan.folds.length;
  const studies = config.power.strengths.length * config.power.replicates;
  const trainingsPerStudy = cells.length * config.seeds.length * folds;
  // 1. the real study's own fold cache: the same cells, folds and training budget
  const foldDir = path.join(path.resolve(config.outDir), 'folds');
  const seen = new Map<number, number[]>();
  if (existsSync(foldDir))
    for (const f of readdirSync(foldDir)) {
      if (!isFoldFile(f)) continue;
      try {
        const c = JSON.parse(readFileSync(path.join(foldDir, f), 'utf8')) as CachedFold;
        if (!cells.includes(c.record.cell)) continue;
        const xs = seen.get(c.record.fold) ?? [];
        xs.push(c.record.seconds);
        seen.set(c.record.fold, xs);
      } catch {
        // an unreadable cache file says nothing about the cost
      }
    }
  let foldSeconds: number[];
  let source: string;
  if (seen.size === folds) {
    foldSeconds = plan.folds.map((f) => {
      const xs = seen.get(f.index)!;
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
    source = `fold times of the real study's cache (${foldDir})`;
  } else {
    // 2. a probe: two epochs on a slice of the first fold's training samples, the second epoch timed
    const cell = plan.cells[0];
    const at = (j: number) => cell.index.get(plan.common[j])!;
    const sample = plan.folds[0].train.slice(-Math.min(192, plan.folds[0].train.length)).map(at);
    const r = await trainModel({
      model: config.model,
      settings: { ...config.train, epochs: 2, earlyStoppingPatience: 0, seed: config.seeds[0] },
      trainSet: cell.ds.source(sample, plan.input),
      backend: hooks.backend?.name,
    });
    r.model.dispose();
    const perSample = r.history[r.history.length - 1].seconds / sample.length;
    foldSeconds = plan.folds.map((f) => perSample * config.train.epochs * (f.train.length + f.val.length));
    source = `a training probe (${Math.round(1 / perSample)} samples/s; all ${config.train.epochs} epochs assumed, early stopping may end folds sooner)`;
  }
  const perStudy = cells.length * config.seeds.length * foldSeconds.reduce((a, b) => a + b, 0);
  return { studies, trainingsPerStudy, cells, folds, foldSeconds, source, totalSeconds: studies * perStudy };
}

interface CachedRun {
  key: string;
  statistics: StudyStatistics;
  plantedEdge: number | null;
  seconds: number;
}

/** The surrogate shuffle's base seed (added to the replicate number). */
const BASE_SEED = 1;

/** Where one (strength, replicate)'s statistics are kept, under what key, and the cached run when it matches. */
function powerRunFile(config: StudyConfig, fingerprint: string, strength: number, replicate: number) {
  const key = sha({
    key: powerKey(config),
    fingerprint,
    strength,
    replicate,
    tellRate: config.power.tellRate,
    baseSeed: BASE_SEED,
  });
  const file = path.join(powerStudyConfig(config).outDir, 'runs', `s${strength}-r${replicate}.json`);
  let cached: CachedRun | undefined;
  if (existsSync(file)) {
    try {
      const c = JSON.parse(readFileSync(file, 'utf8')) as CachedRun;
      if (c.key === key) cached = c;
    } catch {
      // rerun
    }
  }
  return { key, file, cached };
}

const runnerOptions = (
  config: StudyConfig,
  realBars: Map<string, Bars>,
  hooks: Omit<StudyHooks, 'bars'>,
) => ({
  config: powerStudyConfig(config),
  realBars,
  hooks,
  tellRate: config.power.tellRate,
  baseSeed: BASE_SEED,
});

/**
 * One process's share of every surrogate study's fold trainings (`power --jobs`): the process that runs the
 * power analysis afterwards reads them from the surrogate studies' fold caches. Finished runs are skipped.
 */
export async function trainPowerShard(o: {
  config: StudyConfig;
  realBars: Map<string, Bars>;
  shard: Shard;
  hooks?: Pick<StudyHooks, 'backend' | 'log' | 'signal' | 'onProgress'>;
}): Promise<{ computed: number; cached: number }> {
  const fingerprint = realFingerprint(o.config, o.realBars);
  // strongest plant first: a sweep stopped early has finished its most telling surrogate study
  const strongestFirst = [...o.config.power.strengths].sort((a, b) => b - a);
  const pending = strongestFirst.flatMap((strength) =>
    Array.from({ length: o.config.power.replicates }, (_, replicate) => ({ strength, replicate })).filter(
      (r) => !powerRunFile(o.config, fingerprint, r.strength, r.replicate).cached,
    ),
  );
  // progress over every pending surrogate study: each has the same folds, so the same share of them
  const t0 = Date.now();
  let before = 0;
  const onProgress = o.hooks?.onProgress;
  const opts = runnerOptions(o.config, o.realBars, {
    ...o.hooks,
    onProgress: onProgress
      ? (p) => {
          const done = before + p.done;
          const total = p.total * pending.length;
          const spent = (Date.now() - t0) / 1000;
          onProgress({ ...p, done, total, etaSeconds: done ? (spent / done) * (total - done) : NaN });
        }
      : undefined,
  });
  let computed = 0;
  let cached = 0;
  for (const { strength, replicate } of pending) {
    if (o.hooks?.signal?.aborted) throw new Error('study cancelled');
    const r = await trainSurrogateShard(opts, o.shard, strength, replicate);
    computed += r.computed;
    cached += r.cached;
    before += r.computed + r.cached;
  }
  return { computed, cached };
}

/** Runs (or resumes) the power analysis of `config` and writes power.json; returns its contents. */
export async function runPower(o: {
  config: StudyConfig;
  realBars: Map<string, Bars>;
  hooks?: Pick<StudyHooks, 'backend' | 'log' | 'signal' | 'onProgress'>;
  estimateSeconds?: number | null;
  /**
   * When the analysis started (ms since the epoch), if before this call: `power --jobs` trains the surrogate folds
   * in child processes first, and power.json's seconds are the whole run's, not only the scoring afterwards.
   */
  startedAt?: number;
  onRun?: (run: PowerRun, index: number, total: number) => void;
}): Promise<PowerFile> {
  const t0 = o.startedAt ?? Date.now();
  const { config } = o;
  const pc = powerStudyConfig(config);
  const key = powerKey(config);
  const fingerprint = realFingerprint(config, o.realBars);
  mkdirSync(path.join(pc.outDir, 'runs'), { recursive: true });
  const { backend, signal, onProgress } = o.hooks ?? {};
  const runner = surrogateStudyRunner(runnerOptions(config, o.realBars, { backend, signal, onProgress }));
  const total = config.power.strengths.length * config.power.replicates;
  let done = 0;
  const analysis = await powerAnalysis({
    strengths: config.power.strengths,
    replicates: config.power.replicates,
    onRun: (run) => o.onRun?.(run, ++done, total),
    runOne: async (strength, replicate) => {
      const { key: runKey, file, cached: c } = powerRunFile(config, fingerprint, strength, replicate);
      if (c) {
        o.hooks?.log?.(`power s${strength} r${replicate}: read from ${file}`);
        return { statistics: c.statistics, plantedEdge: c.plantedEdge };
      }
      if (o.hooks?.signal?.aborted) throw new Error('study cancelled');
      const ts = Date.now();
      const r = await runner(strength, replicate);
      const cached: CachedRun = {
        key: runKey,
        statistics: r.statistics,
        plantedEdge: r.plantedEdge ?? null,
        seconds: (Date.now() - ts) / 1000,
      };
      writeFileAtomic(file, JSON.stringify(cached));
      o.hooks?.log?.(
        `power s${strength} r${replicate}: ${r.statistics.verdict.edgeDetected ? 'detected' : 'not detected'} in ${cached.seconds.toFixed(0)} s`,
      );
      return r;
    },
  });
  const cells = pc.ablation.channelSets.map((s) => s.join('+'));
  const description =
    `planted candle tells on ${Math.round(config.power.tellRate * 100)} % of the ${config.dataset.horizonDays}-day blocks of surrogate bars (real days shuffled jointly across indices), drift ±strength over the next ${config.dataset.horizonDays} days, strengths ${config.power.strengths.join(', ')}; ` +
    `same data span, folds, seeds, model and epochs as the study; ${config.power.cells === 'all' ? 'every cell trained' : `the primary cell only (${cells.join(', ')}): the study's verdict adjusts over all its cells, so it is somewhat less powerful than this`}; ` +
    'judged against chance on the same rows (majority, random): on surrogate data the planted drift is momentum that persistence and the rules follow, and a candle the fitted models read';
  const out: PowerFile = {
    version: 1,
    key,
    fingerprint,
    createdAt: new Date().toISOString(),
    description,
    cells,
    analysis,
    power: powerDto(analysis, description),
    estimateSeconds: o.estimateSeconds ?? null,
    seconds: (Date.now() - t0) / 1000,
  };
  const file = powerFileOf(config);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(out, null, 2) + '\n');
  return out;
}
