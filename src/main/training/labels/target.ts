import type { Bars } from '../../../shared/domain';
import { findSeriesFile } from '../data/series-file';
import { importFile } from '../data/import';
import { toDaily } from '../data/resample';

/** The daily bars of one index from a data directory (intraday files are aggregated to days). */
export function loadDailyTarget(dataDir: string, code: string): Bars {
  const { bars } = importFile(findSeriesFile(dataDir, code, 1), { code });
  return bars.barsPerDay === 1 ? bars : toDaily(bars);
}
