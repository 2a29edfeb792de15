/**
 * Which file of an index a dataset reads when a folder holds more than one for its code: the app keeps a daily
 * file (000300.csv) beside an intraday one (000300_1min.txt), and a daily dataset must read the first while an
 * intraday dataset (barsPerDay > 1) can only be built from the second. A file's bar size is read with the
 * importer itself from the file's first 64 KB (cached by size and modification time), so no naming rule is
 * assumed. With one file for the code, that file is used whatever its bar size, as findIndexFile always did.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { findIndexFile, indexFilesOf } from './data-dir';
import { importBuffer } from './import';

const SNIFF_BYTES = 64 * 1024;
const sniffed = new Map<string, { key: string; barsPerDay: number }>();

/** Bars per day of a file, from its first 64 KB (enough rows for several intraday days); 0 when unreadable. */
export function sniffBarsPerDay(file: string): number {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = sniffed.get(file);
  if (hit?.key === key) return hit.barsPerDay;
  let barsPerDay = 0;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    const n = readSync(fd, buf, 0, buf.length, 0);
    // cut at the last line end so no half row is read
    const end = n < st.size ? buf.lastIndexOf(10, n - 1) + 1 : n;
    barsPerDay = importBuffer(buf.subarray(0, end), file).report.barsPerDay;
  } catch {
    barsPerDay = 0;
  } finally {
    closeSync(fd);
  }
  sniffed.set(file, { key, barsPerDay });
  return barsPerDay;
}

/**
 * The file of `code` to build a dataset of `barsPerDay` bars a day from: among several, a daily file for daily
 * datasets and an intraday one for intraday datasets (the one with the most bars a day); else findIndexFile's.
 */
export function findSeriesFile(dir: string, code: string, barsPerDay: number): string {
  const files = indexFilesOf(dir, code);
  if (files.length < 2) return findIndexFile(dir, code);
  const sized = files.map((f) => ({ f, b: sniffBarsPerDay(f) })).filter((x) => x.b > 0);
  if (barsPerDay === 1) {
    const daily = sized.find((x) => x.b === 1);
    if (daily) return daily.f;
  } else {
    const intraday = sized.filter((x) => x.b > 1).sort((a, b) => b.b - a.b)[0];
    if (intraday) return intraday.f;
  }
  return files[0];
}
