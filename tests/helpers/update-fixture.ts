/**
 * Shared setup of the data-update tests: a local quote server over the real daily files, and temp data folders
 * holding the real files without their last CUT rows (they end 2023-12-15; the server knows up to 2023-12-29).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { updateData, type UpdateOptions } from '../../src/main/training/data/update/update';
import type { FileUpdate } from '../../src/main/training/data/update/types';
import { readDailyCsv, type DailyColumns } from './csv';
import { dailyFile } from './data';
import { startQuoteServer, type QuoteServer } from './quote-server';

export const CODES = ['000001', '000300', '000905', '399006'];
export const CUT = 10;
/** The trading days the copies lack: the last ten of 2023. */
export const CUT_DATES = [
  '2023-12-18',
  '2023-12-19',
  '2023-12-20',
  '2023-12-21',
  '2023-12-22',
  '2023-12-25',
  '2023-12-26',
  '2023-12-27',
  '2023-12-28',
  '2023-12-29',
];
/** 16:00 in Shanghai on Friday 2023-12-29: that day's bar is final. */
export const AFTER_CLOSE = new Date('2023-12-29T08:00:00Z');
export const FAST = { timeoutMs: 2000, retries: 2, backoffMs: 5, minIntervalMs: 0 };

export interface Fixture {
  truth: Record<string, DailyColumns>;
  server: QuoteServer;
  /** A temp data folder (optionally a sub-folder named `sub`, which the importer reads as a vendor hint). */
  dataDir(cut?: number, sub?: string): { dir: string; before: Record<string, Buffer> };
  run(dir: string, extra?: Partial<UpdateOptions>): ReturnType<typeof updateData>;
}

/** Registers the hooks; call once at the top of a test file. */
export function useUpdateFixture(): Fixture {
  const dirs: string[] = [];
  const fx = { truth: {} } as Fixture;
  beforeAll(async () => {
    for (const c of CODES) fx.truth[c] = readDailyCsv(dailyFile(c));
    fx.server = await startQuoteServer(fx.truth, '2023-12-29');
  });
  afterAll(() => fx.server.close());
  afterEach(() => {
    fx.server.reset();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  fx.dataDir = (cut = CUT, sub = '') => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fi-update-test-'));
    dirs.push(root);
    const dir = sub ? path.join(root, sub) : root;
    if (sub) mkdirSync(dir);
    const before: Record<string, Buffer> = {};
    for (const c of CODES) {
      const lines = readFileSync(dailyFile(c), 'utf8').split('\n');
      // the file ends with a newline, so lines.at(-1) is ''
      const kept = lines.slice(0, lines.length - 1 - cut).join('\n') + '\n';
      writeFileSync(path.join(dir, `${c}.csv`), kept);
      before[c] = Buffer.from(kept);
    }
    return { dir, before };
  };
  fx.run = (dir, extra = {}) =>
    updateData({
      dataDir: dir,
      baseUrl: fx.server.baseUrl,
      source: 'eastmoney',
      now: () => AFTER_CLOSE,
      http: FAST,
      ...extra,
    });
  return fx;
}

export const fileBytes = (dir: string, code: string, name = `${code}.csv`) =>
  readFileSync(path.join(dir, name));
export const byCode = (files: FileUpdate[], code: string) => files.find((f) => f.code === code)!;

/** Every file unchanged, byte for byte. */
export function expectUnchanged(dir: string, before: Record<string, Buffer>, codes = CODES) {
  for (const c of codes) expect(fileBytes(dir, c).equals(before[c]), `${c} changed`).toBe(true);
}

/** The file starts with exactly the old bytes (nothing stored was changed) and then holds rows of `dates`. */
export function expectAppended(dir: string, code: string, old: Buffer, dates: string[]): string[] {
  const now = fileBytes(dir, code);
  expect(now.subarray(0, old.length).equals(old)).toBe(true);
  const added = now.subarray(old.length).toString('utf8').split('\n').filter(Boolean);
  expect(added.map((l) => l.split(',')[0])).toEqual(dates);
  return added;
}
