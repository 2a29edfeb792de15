/**
 * The app's data directory: which series are in it (a daily and an intraday file of one index are two series),
 * importing new files (validated by the engine's importer before they are kept, and never over another series
 * without the user's word), and bars for the charts. Plain Node; used by Electron main and the web host.
 */
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Bars } from '../../shared/domain';
import type { BarsDto, DirCheck, ImportOutcome, IndexInfo, SeriesSummary } from '../../shared/ipc-contract';
import { findSeriesFile } from '../training/data/series-file';
import { importFile, type ImportResult } from '../training/data/import';
import { BACKUP_DIR } from '../training/data/update/write';
import { atResolution, barSizesOf } from '../training/images/dataset';

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

function infoOf(file: string, { bars, report }: ImportResult): IndexInfo {
  return {
    code: report.code,
    file,
    name: path.basename(file),
    rows: bars.time.length,
    barsPerDay: bars.barsPerDay,
    barSizes: barSizesOf(bars.barsPerDay),
    first: bars.time[0],
    last: bars.time[bars.time.length - 1],
    format: report.format,
  };
}

/** Every series in dataDir the importer accepts, by code, daily before intraday. */
export function listIndices(dataDir: string): IndexInfo[] {
  if (!existsSync(dataDir)) return [];
  const out: IndexInfo[] = [];
  for (const name of readdirSync(dataDir)
    .filter((f) => DATA_FILE.test(f) && !f.startsWith('.'))
    .sort()) {
    const file = path.join(dataDir, name);
    try {
      const r = readIndexFile(file);
      if (r.bars.time.length) out.push(infoOf(file, r));
    } catch {
      // a file the importer refuses is not an index; the import report already told the user why
    }
  }
  return out.sort(
    (a, b) => a.code.localeCompare(b.code) || a.barsPerDay - b.barsPerDay || a.name.localeCompare(b.name),
  );
}

/** What the host sees at a folder the user typed: nothing is created. */
export function checkDir(dir: string): DirCheck {
  if (!path.isAbsolute(dir)) return { dir, exists: false, isDirectory: false, indexFiles: 0 };
  const exists = existsSync(dir);
  const isDirectory = exists && statSync(dir).isDirectory();
  return { dir, exists, isDirectory, indexFiles: isDirectory ? listIndices(dir).length : 0 };
}

/** A file name that stays inside the data directory. */
function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._-]+/gu, '_');
  if (!base || base.startsWith('.')) throw new Error(`'${name}' is not a usable file name.`);
  return base;
}

/**
 * The name a validated file is kept under: `<code><ext>` for daily bars, `<code>_<N>min<ext>` for N-minute bars,
 * so a daily and an intraday file of one index sit side by side as two series.
 */
export function keptName(code: string, barsPerDay: number, ext: string): string {
  if (barsPerDay <= 1) return `${code}${ext}`;
  const size = 240 % barsPerDay === 0 ? `${240 / barsPerDay}min` : `${barsPerDay}bars`;
  return `${code}_${size}${ext}`;
}

const summary = (i: IndexInfo): SeriesSummary => ({
  name: i.name,
  first: i.first,
  last: i.last,
  rows: i.rows,
  barsPerDay: i.barsPerDay,
  format: i.format,
});

function stamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Validates each uploaded file with the engine's importer and keeps the usable ones in dataDir under keptName.
 * A file that would replace a series already there (the same index at the same kind of bar: daily or intraday,
 * whatever its file name) is not kept unless `replace` is set; its outcome carries the conflict to ask about.
 * Replaced files are copied to backups/ first. A refused file is not kept and its outcome says why.
 */
export function importFiles(
  dataDir: string,
  files: { name: string; base64: string; replace?: boolean }[],
): ImportOutcome[] {
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
      const { bars, report } = importFile(tmp);
      const targetName = keptName(report.code, report.barsPerDay, path.extname(name).toLowerCase());
      const target = path.join(dataDir, targetName);
      const intraday = report.barsPerDay > 1;
      const replaces = listIndices(dataDir).filter(
        (i) => i.code === report.code && i.barsPerDay > 1 === intraday,
      );
      if (existsSync(target) && !replaces.some((r) => r.name === targetName))
        replaces.push({ ...summaryOfUnreadable(targetName) });
      const shown = { ...report, file: name, issues: report.issues.map((i) => ({ ...i, file: name })) };
      if (replaces.length && !f.replace) {
        outcomes.push({
          name,
          ok: false,
          report: shown,
          conflict: {
            target: targetName,
            replaces: replaces.map(summary),
            incoming: {
              name,
              first: bars.time[0],
              last: bars.time.at(-1),
              rows: bars.time.length,
              barsPerDay: bars.barsPerDay,
              format: report.format,
            },
          },
        });
        continue;
      }
      if (replaces.length) {
        const backups = path.join(dataDir, BACKUP_DIR);
        mkdirSync(backups, { recursive: true });
        const at = stamp();
        for (const r of replaces) {
          const old = path.join(dataDir, r.name);
          copyFileSync(old, path.join(backups, `${r.name}.${at}.bak`));
          if (r.name !== targetName) rmSync(old);
          cache.delete(old);
        }
      }
      renameSync(tmp, target);
      cache.delete(target);
      outcomes.push({ name, ok: true, report: shown });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      outcomes.push({ name, ok: false, error: msg.split(tmpDir + path.sep).join('') });
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  return outcomes;
}

/** A file in the way that the importer cannot read: replaced like any other, described by its name only. */
function summaryOfUnreadable(name: string): IndexInfo {
  return {
    code: '',
    file: name,
    name,
    rows: 0,
    barsPerDay: 0,
    barSizes: [],
    first: '',
    last: '',
    format: 'unreadable',
  };
}

/** Bars shown for an intraday file: 15-minute bars (a 1-minute file's 175,000 rows are too many to draw). */
export const DISPLAY_BARS_PER_DAY = 16;

/** Bars of one index as plain arrays. */
export function barsDto(b: Bars, resampledFrom?: number): BarsDto {
  return {
    code: b.code,
    barsPerDay: b.barsPerDay,
    ...(resampledFrom ? { resampledFrom } : {}),
    time: b.time,
    open: Array.from(b.open),
    high: Array.from(b.high),
    low: Array.from(b.low),
    close: Array.from(b.close),
    volume: Array.from(b.volume),
  };
}

/** One series for the Data view's chart: by file name when given, else the code's daily series; intraday resampled. */
export function seriesBars(dataDir: string, code: string, name?: string): BarsDto {
  let bars: Bars;
  if (name) {
    const info = listIndices(dataDir).find((i) => i.name === name && i.code === code);
    if (!info) throw new Error(`${name} is not a series of ${code} in ${dataDir}.`);
    bars = readIndexFile(info.file, code).bars;
  } else bars = loadBars(dataDir, code);
  if (bars.barsPerDay > DISPLAY_BARS_PER_DAY)
    return barsDto(atResolution(bars, DISPLAY_BARS_PER_DAY), bars.barsPerDay);
  return barsDto(bars);
}

/** The bars of an index in dataDir, found by code (the file a dataset of `barsPerDay` bars a day reads). */
export function loadBars(dataDir: string, code: string, barsPerDay = 1): Bars {
  if (!existsSync(dataDir))
    throw new Error(`The data directory ${dataDir} does not exist: import index files first.`);
  return readIndexFile(findSeriesFile(dataDir, code, barsPerDay), code).bars;
}
