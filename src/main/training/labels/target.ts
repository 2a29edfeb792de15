import type { Bars } from '../../../shared/domain';
import { findIndexFile } from '../data/data-dir';
import { importFile } from '../data/import';
import { toDaily } from '../data/resample';

/** The daily bars of one index from a data directory (intraday files are aggregated to days). */
export function loadDailyTarget(dataDir: string, code: string): Bars {
  const { bars } = importFile(findIndexFile(dataDir, code), { code });
  return bars.barsPerDay === 1 ? bars : toDaily(bars);
}
