/**
 * The epochs of a study's folds trained by `--jobs` children: each child writes its own file in the study folder,
 * and the parent folds them into epochs.jsonl before it scores the study (train/study-job.ts).
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FoldEpoch } from '../../../shared/training';
import { writeFileAtomic } from './atomic';
import { foldEpochSchema, readStudyEpochs, writeStudyEpochs } from './runs';
import { readStoredJsonLines } from './stored';

/** A `--jobs` child's own epochs file in the study folder (one writer per file); merged by the parent. */
export const shardEpochsFile = (dir: string, shard: number) => path.join(dir, `epochs.shard-${shard}.jsonl`);

/** Rewrites a `--jobs` child's epochs file (atomic). */
export function writeShardEpochs(dir: string, shard: number, epochs: FoldEpoch[]): void {
  writeFileAtomic(shardEpochsFile(dir, shard), epochs.map((m) => JSON.stringify(m)).join('\n') + '\n');
}

/**
 * Folds the children's epochs files into epochs.jsonl (a fold's epochs from a child replace those of an earlier,
 * interrupted training of it) and removes them; returns the merged epochs.
 */
export function mergeShardEpochs(dir: string): FoldEpoch[] {
  const files = readdirSync(dir).filter((f) => /^epochs\.shard-\d+\.jsonl$/.test(f));
  let epochs = readStudyEpochs(dir);
  if (!files.length) return epochs;
  for (const f of files.sort()) {
    const theirs = readStoredJsonLines(path.join(dir, f), foldEpochSchema) as FoldEpoch[];
    const folds = new Set(theirs.map((m) => m.fold));
    epochs = [...epochs.filter((m) => !folds.has(m.fold)), ...theirs];
  }
  writeStudyEpochs(dir, epochs);
  for (const f of files) rmSync(path.join(dir, f), { force: true });
  return epochs;
}
