/**
 * The app's data directory: which index files are in it, importing new files (validated by the engine's
 * importer before they are kept), and bars for the charts. Plain Node; used by Electron main and the web host.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Bars } from '../../shared/domain';
import type { BarsDto, ImportOutcome, IndexInfo } from '../../shared/ipc-contract';
import { findIndexFile } from '../training/data/data-dir';
import { importFile, type ImportResult } from '../training/data/import';

const DATA_FILE = /\.(csv|txt|tsv)$/i;
const cache = new Map<string, { key: string; result: ImportResult }>();

/** Imports a file through the engine, cached by path, size and modification time. */
export function readIndexFile(file: string, code?: string): ImportResult {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}:${code ?? ''}`;
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit.result;
  const result = importFile(file, code ? { code } : undefined);
  cache.set(file, { key, result });
  return result;
}

/** Index files in dataDir that the importer accepts, one entry per code (the file findIndexFile would pick). */
export function listIndices(dataDir: string): IndexInfo[] {
  if (!existsSync(dataDir)) return [];
  const out = new Map<string, IndexInfo>();
  for (const name of readdirSync(dataDir)
    .filter((f) => DATA_FILE.test(f))
    .sort()) {
    const file = path.join(dataDir, name);
    try {
      const { bars, report } = readIndexFile(file);
      if (out.has(report.code) || bars.time.length === 0) continue;
      out.set(report.code, {
        code: report.code,
        file,
        rows: bars.time.length,
        barsPerDay: bars.barsPerDay,
        first: bars.time[0],
        last: bars.time[bars.time.length - 1],
        format: report.format,
      });
    } catch {
      // a file the importer refuses is not an index; the import report already told the user why
    }
  }
  return [...out.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** A file name that stays inside the data directory. */
function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._-]+/gu, '_');
  if (!base || base.startsWith('.')) throw new Error(`'${name}' is not a usable file name.`);
  return base;
}

/**
 * Validates each uploaded file with the engine's importer and keeps the usable ones in dataDir as `<code><ext>`
 * (replacing an earlier import of the same code). A refused file is not kept and its outcome says why.
 */
export function importFiles(dataDir: string, files: { name: string; base64: string }[]): ImportOutcome[] {
  mkdirSync(dataDir, { recursive: true });
  const outcomes: ImportOutcome[] = [];
  for (const f of files) {
    let name = f.name;
    const tmpDir = path.join(dataDir, `.incoming-${randomUUID()}`);
    try {
      name = safeName(f.name);
      if (!DATA_FILE.test(name)) throw new Error(`${name}: only .csv, .txt and .tsv files can be imported.`);
      mkdirSync(tmpDir);
      const tmp = path.join(tmpDir, name);
      writeFileSync(tmp, Buffer.from(f.base64, 'base64'));
      const { report } = importFile(tmp);
      const target = path.join(dataDir, `${report.code}${path.extname(name).toLowerCase()}`);
      renameSync(tmp, target);
      cache.delete(target);
      outcomes.push({
        name,
        ok: true,
        report: { ...report, file: name, issues: report.issues.map((i) => ({ ...i, file: name })) },
      });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      outcomes.push({ name, ok: false, error: msg.split(tmpDir + path.sep).join('') });
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  return outcomes;
}

/** Bars of one index as plain arrays. */
export function barsDto(b: Bars): BarsDto {
  return {
    code: b.code,
    barsPerDay: b.barsPerDay,
    time: b.time,
    open: Array.from(b.open),
    high: Array.from(b.high),
    low: Array.from(b.low),
    close: Array.from(b.close),
    volume: Array.from(b.volume),
  };
}

/** The bars of an index in dataDir, found by code. */
export function loadBars(dataDir: string, code: string): Bars {
  if (!existsSync(dataDir))
    throw new Error(`The data directory ${dataDir} does not exist: import index files first.`);
  return readIndexFile(findIndexFile(dataDir, code), code).bars;
}
