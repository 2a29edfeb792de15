/**
 * The bars a study reads, by source: the study's data folder (or `hooks.bars`), and the folder of each bar size
 * that names its own (ablation.barSizes[].dataDir, relative to the study's data folder). Every source holds every
 * index the channel sets name, so a cell of any bar size can be built from its source alone.
 *
 * The data fingerprint of a study with one source is that source's fingerprint, computed as it always was, so a
 * study without bar sizes keeps the fold hashes of its cache; with several sources it is a hash of theirs.
 */
import path from 'node:path';
import type { BarSize } from '../../../../shared/config';
import type { Bars } from '../../../../shared/domain';
import { ConfigError } from '../../../../shared/errors';
import { findIndexFile, resolveDataDir } from '../../data/data-dir';
import { importFile } from '../../data/import';
import type { StudyConfig } from '../study-config';
import { barsFingerprint, sha } from './fold-cache';
import type { StudyHooks } from './result';

/** The study's own data folder (--data, or hooks.bars) as a source key. */
export const DEFAULT_SOURCE = '';

export interface DataSource {
  /** DEFAULT_SOURCE, or a bar size's dataDir as the config writes it. */
  key: string;
  /** Bars by index code. */
  bars: Map<string, Bars>;
  /** Files read (none when the bars came from hooks). */
  files: string[];
  fingerprint: string;
}

export interface StudySources {
  sources: Map<string, DataSource>;
  files: string[];
  fingerprint: string;
}

/** The source key of a bar size. */
export const sourceOf = (b: BarSize | undefined): string => b?.dataDir ?? DEFAULT_SOURCE;

/** Which bar size labels every cell: the daily one when the study lists it (official closes), else the first. */
export function labelBarSize(barSizes: BarSize[]): BarSize {
  return barSizes.find((b) => b.barsPerDay === 1) ?? barSizes[0];
}

function loadFolder(
  dir: string,
  codes: string[],
  log: (l: string) => void,
): { bars: Map<string, Bars>; files: string[] } {
  const bars = new Map<string, Bars>();
  const files: string[] = [];
  for (const code of codes) {
    const file = findIndexFile(dir, code);
    const { bars: b, report } = importFile(file, { code });
    const errors = report.issues.filter((i) => i.severity === 'error').length;
    if (errors) log(`${file}: ${errors} row(s) dropped by validation`);
    bars.set(code, b);
    files.push(file);
  }
  return { bars, files };
}

/** Every source the study's bar sizes need, with every index of the channel sets loaded once per source. */
export function loadSources(config: StudyConfig, hooks: StudyHooks, log: (l: string) => void): StudySources {
  const codes = [...new Set(config.ablation.channelSets.flat())];
  const keys = [...new Set((config.ablation.barSizes ?? [undefined]).map(sourceOf))];
  const sources = new Map<string, DataSource>();
  for (const key of keys) {
    let loaded: { bars: Map<string, Bars>; files: string[] } | undefined;
    const given = key === DEFAULT_SOURCE ? hooks.bars : hooks.barsByDataDir?.get(key);
    if (given) loaded = { bars: given, files: [] };
    else {
      // a bar size's folder is named relative to the study's data folder, so a preset works from any directory
      const home = resolveDataDir(hooks.dataDir);
      loaded = loadFolder(key === DEFAULT_SOURCE ? home : path.resolve(home, key), codes, log);
    }
    for (const code of codes)
      if (!loaded.bars.has(code))
        throw new ConfigError(
          'ablation.channelSets',
          `no bars for index ${code}${key === DEFAULT_SOURCE ? '' : ` in ${key}`}`,
        );
    const fingerprint = barsFingerprint(new Map(codes.map((c) => [c, loaded.bars.get(c)!])));
    sources.set(key, { key, bars: loaded.bars, files: loaded.files, fingerprint });
  }
  const all = [...sources.values()];
  const fingerprint =
    all.length === 1
      ? all[0].fingerprint
      : sha(all.map((s) => [s.key, s.fingerprint]).sort((a, b) => (a[0] < b[0] ? -1 : 1))).slice(0, 16);
  return { sources, files: all.flatMap((s) => s.files), fingerprint };
}
