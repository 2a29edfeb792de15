/**
 * Writing a merged index file without risking what it holds: the candidate text is re-imported from a scratch
 * copy and must read back as every stored bar unchanged (except explicitly replaced ones) followed by the new
 * ones; then the current bytes go to a backup and the candidate replaces the file atomically.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bars } from '../../../../shared/domain';
import { writeFileAtomic } from '../../train/atomic';
import { importFile, type ImportReport } from '../import';
import { applyRows, type FileLayout } from './layout';
import type { MergePlan } from './merge';
import { BAR_FIELDS, type DailyBar } from './types';

/** Backups of replaced files go to this folder inside the data folder (not read as index files). */
export const BACKUP_DIR = 'backups';

/** A file as read before the update: its bytes and what the importer made of them. */
export interface LoadedFile {
  code: string;
  file: string;
  bytes: Buffer;
  bars: Bars;
  report: ImportReport;
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

const same = (a: number, b: number) =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * Writes the merged file: candidate text, re-imported from a scratch copy and compared with what it must hold
 * (every stored bar unchanged except replaced ones, then the new ones); backup of the current bytes; atomic
 * replace. Returns the backup's path. Throws, with the file untouched, when any check fails.
 */
export function writeMerged(
  l: LoadedFile,
  layout: FileLayout,
  plan: MergePlan,
  dataDir: string,
  now: Date,
): string {
  const current = readFileSync(l.file);
  if (!current.equals(l.bytes)) throw new Error('the file changed on disk during the update');
  const next = applyRows(current.toString('utf8'), layout, plan.append, plan.replace);

  const expected: DailyBar[] = [];
  const replaced = new Map(plan.replace.map((b) => [b.date, b]));
  for (let i = 0; i < l.bars.date.length; i++) {
    const d = l.bars.date[i];
    expected.push(
      replaced.get(d) ?? {
        date: d,
        open: l.bars.open[i],
        high: l.bars.high[i],
        low: l.bars.low[i],
        close: l.bars.close[i],
        volume: l.bars.volume[i],
        amount: l.bars.amount[i],
      },
    );
  }
  expected.push(...plan.append);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'fi-update-'));
  try {
    const tmp = path.join(scratch, path.basename(l.file));
    writeFileSync(tmp, next);
    const { bars } = importFile(tmp, {
      code: l.code,
      format: l.report.format,
      volumeUnit: l.report.volumeUnit,
    });
    if (bars.date.length !== expected.length)
      throw new Error(
        `check failed: the merged file reads as ${bars.date.length} bars, expected ${expected.length}`,
      );
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const untouched = i < l.bars.date.length && !replaced.has(e.date);
      for (const f of BAR_FIELDS) {
        const got = bars[f][i];
        // a column the file lacks reads as 0
        const absent = (f === 'amount' && !layout.hasAmount) || (f === 'volume' && !layout.hasVolume);
        const want = absent ? 0 : e[f];
        const ok = untouched ? got === want || (Number.isNaN(got) && Number.isNaN(want)) : same(got, want);
        if (bars.date[i] !== e.date || !ok)
          throw new Error(
            `check failed: ${e.date} ${f} reads back as ${got} (${bars.date[i]}), expected ${want}`,
          );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const dir = path.join(dataDir, BACKUP_DIR);
  mkdirSync(dir, { recursive: true });
  let backup = path.join(dir, `${path.basename(l.file)}.${stamp(now)}.bak`);
  if (existsSync(backup)) backup = backup.replace(/\.bak$/, `.${randomUUID().slice(0, 8)}.bak`);
  writeFileAtomic(backup, current);
  writeFileAtomic(l.file, next);
  if (!readFileSync(l.file).equals(Buffer.from(next, 'utf8'))) {
    writeFileAtomic(l.file, current);
    throw new Error('the written file read back differently and was restored from the backup');
  }
  return backup;
}
