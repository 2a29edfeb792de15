/**
 * The one place tests find real market data: $FACTOR_INCEPTION_DATA's parent or ../shared/data.
 * Tests that need it call requireSharedData(); CI always has ../shared beside the clone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sharedDataRoot } from '../../src/main/training/data/data-dir';

export const SHARED_DATA = sharedDataRoot();

export function requireSharedData(): string {
  if (!SHARED_DATA)
    throw new Error('../shared/data is missing: the tests read the real index files from there.');
  return SHARED_DATA;
}

export const dailyDir = () => path.join(requireSharedData(), 'cn-index-daily');
export const rawDir = (vendor: 'baostock' | 'sina' | 'eastmoney' | 'tdx-1min' | 'czsc-1min') =>
  path.join(requireSharedData(), 'raw', vendor);
export const dailyFile = (code: string) => path.join(dailyDir(), `${code}.csv`);
export const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures', name);
export const exists = existsSync;
/** The SSE Composite 1-minute file of the czsc vendor (2015-01-05..2017-12-29). */
export const czscFile = () => path.join(rawDir('czsc-1min'), '000001.XSHG_1min.csv');
