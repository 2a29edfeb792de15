/**
 * Permutation importance inside the study (issue 14 item 3): while a fold's model of an importance cell is loaded,
 * its labeled test dates are scored with intact inputs and with each overlay channel and each factor family moved
 * to other dates in blocks (eval/importance.ts permutationScores). The per-row scores go to a sidecar file beside
 * the fold's cache file, keyed by the same fold hash (the fold file itself is not changed, so its hash and every
 * cached fold stay valid). A cached fold without its sidecar has no model to score: the study says so instead of
 * retraining. At the end the scores are joined over folds, averaged over seeds, and given block-bootstrap
 * intervals with the study's block length.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { CellImportanceDto, StudyImportance } from '../../../../shared/study-summary';
import { factorInfo } from '../../factors/registry';
import type { FactorDataset } from '../../images/dataset';
import { writeFileAtomic } from '../../train/atomic';
import { readStoredJson } from '../../train/stored';
import { blockBootstrap } from '../bootstrap';
import {
  defaultImageGroups,
  joinScores,
  permutationScores,
  type ImageGroup,
  meanOn,
  type PermutationScores,
} from '../importance';
import type { ImagePredictor } from '../predictor';
import { balancedAccuracy as baOn } from '../statistics/chance';
import { intervalDto } from '../statistics/study-statistics';
import { sha } from './fold-cache';

export interface ImportanceSettings {
  groups: ImageGroup[];
  repeats: number;
  /** Dates per permuted block (the label horizon). */
  blockDays: number;
  /** Seed of the permutations of fold 0 (fold f uses seed + f; every model seed of a fold sees the same ones). */
  seed: number;
}

/** The groups and settings of a cell: one group per channel, one per factor family of the registry. */
export function importanceSettings(
  ds: FactorDataset,
  repeats: number,
  horizonDays: number,
  seed: number,
): ImportanceSettings {
  return {
    groups: defaultImageGroups(
      ds.config.channels,
      ds.factorNames.map((f) => factorInfo(f).group),
    ),
    repeats,
    blockDays: horizonDays,
    seed,
  };
}

interface Sidecar {
  version: 1;
  /** The fold's cache hash and the settings' hash: both must match. */
  foldHash: string;
  settings: string;
  rows: number[];
  truth: number[];
  base: { nll: number[]; pred: number[] };
  perms: { nll: number[]; pred: number[] }[][];
}

const scoresSchema = z.looseObject({ nll: z.array(z.number()), pred: z.array(z.number().int()) });
const sidecarSchema = z.looseObject({
  version: z.literal(1),
  foldHash: z.string(),
  settings: z.string(),
  rows: z.array(z.number().int()),
  truth: z.array(z.number().int()),
  base: scoresSchema,
  perms: z.array(z.array(scoresSchema)),
});

export const sidecarFile = (foldFile: string) => foldFile.replace(/\.json$/, '.importance.json');

const settingsHash = (s: ImportanceSettings, fold: number) =>
  sha({ groups: s.groups, repeats: s.repeats, blockDays: s.blockDays, seed: s.seed + fold });

/** Scores one fold's labeled test dates with the fold's model and writes the sidecar. */
export function scoreFold(
  file: string,
  foldHash: string,
  fold: number,
  ds: FactorDataset,
  testIdx: number[],
  predict: ImagePredictor,
  s: ImportanceSettings,
): PermutationScores {
  const sc = permutationScores(ds.source(testIdx, 'image'), ds.factorNames.length, predict, s.groups, {
    blockLength: s.blockDays,
    repeats: s.repeats,
    seed: s.seed + fold,
  });
  const payload: Sidecar = {
    version: 1,
    foldHash,
    settings: settingsHash(s, fold),
    rows: sc.rows,
    truth: Array.from(sc.truth),
    base: { nll: Array.from(sc.base.nll, (x) => Number(x.toPrecision(9))), pred: Array.from(sc.base.pred) },
    perms: sc.perms.map((g) =>
      g.map((p) => ({ nll: Array.from(p.nll, (x) => Number(x.toPrecision(9))), pred: Array.from(p.pred) })),
    ),
  };
  writeFileAtomic(sidecarFile(file), JSON.stringify(payload));
  return sc;
}

/**
 * The sidecar's scores when it belongs to this fold and these settings; undefined otherwise. A sidecar that cannot
 * be read (truncated, not valid JSON, a field missing) is logged with its reason and recomputed by the caller.
 */
export function readFoldScores(
  file: string,
  foldHash: string,
  fold: number,
  s: ImportanceSettings,
  log?: (line: string) => void,
): PermutationScores | undefined {
  const f = sidecarFile(file);
  if (!existsSync(f)) return undefined;
  let c: Sidecar;
  try {
    c = readStoredJson(f, sidecarSchema) as Sidecar;
  } catch (err) {
    log?.(`${err instanceof Error ? err.message : String(err)}; its importance scores are not used`);
    return undefined;
  }
  if (c.foldHash !== foldHash || c.settings !== settingsHash(s, fold)) return undefined;
  return {
    groups: s.groups,
    truth: Int8Array.from(c.truth),
    base: { nll: Float64Array.from(c.base.nll), pred: Int8Array.from(c.base.pred) },
    perms: c.perms.map((g) =>
      g.map((p) => ({ nll: Float64Array.from(p.nll), pred: Int8Array.from(p.pred) })),
    ),
    rows: c.rows,
  };
}

/**
 * Importance of each group for a cell whose seeds were each scored on the same rows with the same permutations:
 * the drop averaged over seeds and repeats (log-loss increase; balanced-accuracy drop), its interval a circular
 * block bootstrap of the dates (block length of the study) with the seeds' models fixed.
 */
export function importanceOverSeeds(
  perSeed: PermutationScores[],
  boot: { blockLength: number; reps: number; level: number; seed: number },
): { logLoss: number; balancedAccuracy: number; groups: CellImportanceDto['groups'] } {
  const first = perSeed[0];
  const n = first.truth.length;
  for (const s of perSeed)
    if (s.truth.length !== n || s.truth.some((y, i) => y !== first.truth[i]))
      throw new Error('importance: the seeds were not scored on the same rows');
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const S = perSeed.length;
  const groups = first.groups.map((group, gi) => {
    const ll = (idx: ArrayLike<number>) => {
      let s = 0;
      for (const sc of perSeed) {
        let p = 0;
        for (const r of sc.perms[gi]) p += meanOn(r.nll, idx);
        s += p / sc.perms[gi].length - meanOn(sc.base.nll, idx);
      }
      return s / S;
    };
    const ba = (idx: ArrayLike<number>) => {
      let s = 0;
      for (const sc of perSeed) {
        let p = 0;
        for (const r of sc.perms[gi]) p += baOn(sc.truth, r.pred, idx);
        s += baOn(sc.truth, sc.base.pred, idx) - p / sc.perms[gi].length;
      }
      return s / S;
    };
    return {
      name: group.name,
      kind: group.kind,
      logLossIncrease: intervalDto(blockBootstrap(n, ll, boot)),
      balancedAccuracyDrop: intervalDto(blockBootstrap(n, ba, boot)),
    };
  });
  let logLoss = 0;
  let balancedAccuracy = 0;
  for (const sc of perSeed) {
    logLoss += meanOn(sc.base.nll, all) / S;
    balancedAccuracy += baOn(sc.truth, sc.base.pred, all) / S;
  }
  return { logLoss, balancedAccuracy, groups };
}

/** Scores collected while training: by cell, then seed, then fold (undefined where a cached fold had none). */
export type ImportanceScores = Map<string, Map<number, (PermutationScores | undefined)[]>>;

/** The study's importance section from the collected scores (see the file comment). */
export function studyImportance(
  scores: ImportanceScores,
  cells: { key: string; channels: string[] }[],
  settings: Map<string, ImportanceSettings>,
  boot: { blockLength: number; reps: number; level: number; seed: number },
): StudyImportance | null {
  if (scores.size === 0) return null;
  const missing: string[] = [];
  const missingFolds: NonNullable<StudyImportance['missingFolds']> = [];
  const out: CellImportanceDto[] = [];
  for (const [key, bySeed] of scores) {
    const cell = cells.find((c) => c.key === key)!;
    const s = settings.get(key)!;
    const complete = [...bySeed].filter(([, folds]) => folds.every((f) => f));
    const folds = [...bySeed].flatMap(([seed, fs]) =>
      fs.flatMap((f, k) => (f ? [] : [{ seed, fold: k + 1 }])),
    );
    const gaps = folds.map((f) => `seed ${f.seed} fold ${f.fold}`);
    if (gaps.length) {
      missingFolds.push({ key, folds });
      missing.push(
        `${key}: no importance scores for ${gaps.length} cached fold(s) (${gaps.slice(0, 4).join(', ')}${gaps.length > 4 ? ', ...' : ''}): their models were not kept and the study does not retrain them; delete those fold files to recompute`,
      );
    }
    if (complete.length === 0) continue;
    const perSeed = complete.map(([, folds]) => joinScores(folds as PermutationScores[]));
    const r = importanceOverSeeds(perSeed, boot);
    out.push({
      key,
      channels: cell.channels,
      seeds: complete.map(([seed]) => seed),
      rows: perSeed[0].truth.length,
      repeats: s.repeats,
      permutationBlockDays: s.blockDays,
      logLoss: Number.isFinite(r.logLoss) ? r.logLoss : null,
      balancedAccuracy: Number.isFinite(r.balancedAccuracy) ? r.balancedAccuracy : null,
      groups: r.groups,
    });
  }
  return {
    method:
      'permutation importance: one overlay channel or one factor family moved to other test dates in blocks of the label horizon (block permutation within each fold), the drop in log-loss and balanced accuracy averaged over permutations and seeds; intervals: circular block bootstrap of the test dates with the study block length, the fold models fixed',
    cells: out,
    missing,
    missingFolds,
  };
}
