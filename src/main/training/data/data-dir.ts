import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variable that points at a directory of index files. */
export const DATA_ENV = 'FACTOR_INCEPTION_DATA';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared data folder next to the checkout (../shared/data), or undefined when absent. */
export function sharedDataRoot(): string | undefined {
  const candidates = [
    path.resolve(repoRoot, '../shared/data'),
    path.resolve(process.cwd(), '../shared/data'),
  ];
  return candidates.find((p) => existsSync(p));
}

/**
 * The directory of index files to use: an explicit argument, else $FACTOR_INCEPTION_DATA,
 * else ../shared/data/cn-index-daily when it exists. Throws a message a person can act on otherwise.
 */
export function resolveDataDir(explicit?: string): string {
  const chosen =
    explicit ?? process.env[DATA_ENV] ?? (sharedDataRoot() && path.join(sharedDataRoot()!, 'cn-index-daily'));
  if (!chosen) {
    throw new Error(
      `No data directory: pass --data <dir> or set ${DATA_ENV} (looked for ../shared/data/cn-index-daily beside the checkout).`,
    );
  }
  const abs = path.resolve(chosen);
  if (!existsSync(abs)) throw new Error(`Data directory ${abs} does not exist.`);
  return abs;
}

/** Every index file of `code` in `dir` (names containing the code, .csv/.txt/.tsv), sorted by name. */
export function indexFilesOf(dir: string, code: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.includes(code) && /\.(csv|txt|tsv)$/i.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Finds the file of an index code in a directory: the first file whose name contains the code
 * (e.g. 000300.csv, sh000300.csv, SH-000300.txt, 399006.SZ.csv). Throws naming the directory otherwise.
 * A folder holding a daily and an intraday file of one code: see data/series-file.ts.
 */
export function findIndexFile(dir: string, code: string): string {
  const files = indexFilesOf(dir, code);
  if (files.length === 0) {
    const have = readdirSync(dir).filter((f) => /\.(csv|txt|tsv)$/i.test(f));
    throw new Error(`No file for index ${code} in ${dir} (files there: ${have.join(', ') || 'none'}).`);
  }
  return files[0];
}
