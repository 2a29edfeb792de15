/**
 * The study's plan, before any training: the bars of every index, one dataset per ablation cell (skipping
 * layouts that give the identical image), the common sample dates every cell is scored on, the walk-forward
 * folds over them, and the study rows (every test date of every fold, then the unlabeled dates).
 */
import path from 'node:path';
import type { Bars, DatasetConfig, ImageLayout } from '../../../../shared/domain';
import { ConfigError } from '../../../../shared/errors';
import { resolveDataDir } from '../../data/data-dir';
import { findSeriesFile } from '../../data/series-file';
import { importFile } from '../../data/import';
import { buildDataset, CORE_FACTOR_COUNT, imageShapeOf, type FactorDataset } from '../../images/dataset';
import { modelInput } from '../../model/spec';
import { walkForwardSplits, type Fold } from '../splits';
import type { StudyConfig } from '../study-config';
import { barsFingerprint } from './fold-cache';
import type { StudyHooks } from './result';

/** Key of an ablation cell, e.g. '000300+000905_time-factor'. */
export function cellKey(channels: string[], layout: ImageLayout): string {
  return `${channels.join('+')}_${layout}`;
}

export interface PlannedCell {
  key: string;
  channels: string[];
  layout: ImageLayout;
  ds: FactorDataset;
  /** Sample index in ds of each common date. */
  index: Map<string, number>;
}

export interface StudyPlan {
  outDir: string;
  foldDir: string;
  input: 'image' | 'last-bar';
  notes: string[];
  files: string[];
  fingerprint: string;
  cells: PlannedCell[];
  /** The sample dates every cell has, ascending; the first `labeledCount` are labeled. */
  common: string[];
  labeledCount: number;
  labelsAll: Int8Array;
  fwdAll: Float64Array;
  closeAll: Float64Array;
  folds: Fold[];
  /** Index into `common` of each study row. */
  rowsCommon: number[];
  /** Fold of each row. */
  rowFold: Int32Array;
  rowDates: string[];
  /** Label of each row (-1 for the unlabeled rows predicted for output only). */
  truth: Int8Array;
  /** Rows that carry a label: the only rows that enter metrics. */
  labeledRows: number[];
}

/** Every index the ablation needs, once: from `hooks.bars` (tests) or the files of the data directory. */
function loadBars(
  config: StudyConfig,
  hooks: StudyHooks,
  log: (l: string) => void,
): { bars: Map<string, Bars>; files: string[]; codes: string[] } {
  const codes = [...new Set(config.ablation.channelSets.flat())];
  let bars = hooks.bars;
  const files: string[] = [];
  if (!bars) {
    const dir = resolveDataDir(hooks.dataDir);
    bars = new Map();
    for (const code of codes) {
      const file = findSeriesFile(dir, code, config.dataset.barsPerDay);
      const { bars: b, report } = importFile(file, { code });
      const errors = report.issues.filter((i) => i.severity === 'error').length;
      if (errors) log(`${file}: ${errors} row(s) dropped by validation`);
      bars.set(code, b);
      files.push(file);
    }
  }
  for (const code of codes)
    if (!bars.has(code)) throw new ConfigError('ablation.channelSets', `no bars for index ${code}`);
  return { bars, files, codes };
}

/** One dataset per channel set x layout, skipping layouts that produce the identical image. */
function buildCells(
  config: StudyConfig,
  bars: Map<string, Bars>,
  input: 'image' | 'last-bar',
  notes: string[],
  log: (l: string) => void,
): Omit<PlannedCell, 'index'>[] {
  const factorCount = config.dataset.factors?.length ?? CORE_FACTOR_COUNT;
  const cells: Omit<PlannedCell, 'index'>[] = [];
  for (const channels of config.ablation.channelSets) {
    const seen: { layout: ImageLayout; shape: string }[] = [];
    for (const layout of config.ablation.layouts) {
      const dcfg: DatasetConfig = { ...config.dataset, channels, layout };
      let shape: string;
      try {
        shape = input === 'last-bar' ? 'last-bar' : imageShapeOf(dcfg, factorCount).join('x');
      } catch (err) {
        const msg = `layout '${layout}' skipped for ${channels.join('+')}: ${err instanceof Error ? err.message : String(err)}`;
        if (!notes.includes(msg)) notes.push(msg);
        continue;
      }
      const same = seen.find((s) => s.shape === shape);
      if (same) {
        // Both layouts read the same bar-major run of values; equal shapes mean an identical tensor.
        const msg =
          input === 'last-bar'
            ? `The model reads last-bar vectors, so the image layout does not matter: '${layout}' was not trained separately from '${same.layout}'.`
            : `With ${config.dataset.lookbackDays} days x ${config.dataset.barsPerDay} bar(s)/day x ${factorCount} factors, the '${layout}' image is identical to the '${same.layout}' image (${shape}); it was not trained twice.`;
        if (!notes.includes(msg)) notes.push(msg);
        continue;
      }
      seen.push({ layout, shape });
      const ds = buildDataset(dcfg, new Map(channels.map((c) => [c, bars.get(c)!])));
      cells.push({ key: cellKey(channels, layout), channels, layout, ds });
      log(
        `dataset ${cellKey(channels, layout)}: ${ds.dates.length} samples ${ds.dates[0]}..${ds.dates[ds.dates.length - 1]}, image ${ds.imageShape.join('x')}`,
      );
    }
  }
  if (cells.length === 0)
    throw new ConfigError('ablation', 'no channel set / layout combination can be built');
  return cells;
}

/** Plans the study (see the file comment); throws ConfigError for a configuration the data cannot serve. */
export function planStudy(config: StudyConfig, hooks: StudyHooks, log: (l: string) => void): StudyPlan {
  const outDir = path.resolve(config.outDir);
  const notes: string[] = [];
  const { bars, files, codes } = loadBars(config, hooks, log);
  const fingerprint = barsFingerprint(new Map(codes.map((c) => [c, bars.get(c)!])));
  const input = modelInput(config.model.preset);
  const built = buildCells(config, bars, input, notes, log);
  for (const n of notes) log(n);

  // ---- common dates: every cell is scored on exactly the same samples
  let common = built[0].ds.dates;
  for (const c of built.slice(1)) {
    const s = new Set(c.ds.dates);
    common = common.filter((d) => s.has(d));
  }
  const cells: PlannedCell[] = built.map((c) => ({
    ...c,
    index: new Map(c.ds.dates.map((d, i) => [d, i] as const)),
  }));
  const labelsAll = new Int8Array(common.length);
  const fwdAll = new Float64Array(common.length);
  const closeAll = new Float64Array(common.length);
  common.forEach((d, j) => {
    const i0 = cells[0].index.get(d)!;
    labelsAll[j] = cells[0].ds.labels[i0];
    fwdAll[j] = cells[0].ds.forwardReturns[i0];
    closeAll[j] = cells[0].ds.targetClose[i0];
    for (let c = 1; c < cells.length; c++) {
      if (cells[c].ds.labels[cells[c].index.get(d)!] !== labelsAll[j])
        throw new Error(`label of ${d} differs between cells ${cells[0].key} and ${cells[c].key}`);
    }
  });
  let labeledCount = labelsAll.findIndex((l) => l < 0);
  if (labeledCount < 0) labeledCount = common.length;
  for (let j = labeledCount; j < common.length; j++)
    if (labelsAll[j] >= 0) throw new Error(`labeled sample ${common[j]} after an unlabeled one`);
  log(
    `common samples: ${common.length} (${common[0]}..${common[common.length - 1]}), ${labeledCount} labeled`,
  );

  const folds = walkForwardSplits(common, labeledCount, {
    ...config.walkForward,
    horizonDays: config.dataset.horizonDays,
    validationFraction: config.train.validationFraction,
    includeUnlabeled: true,
  });
  const rowsCommon = folds.flatMap((f) => [...f.test, ...f.predictOnly]);
  const rowFold = new Int32Array(rowsCommon.length);
  {
    let k = 0;
    for (const f of folds)
      for (let j = 0; j < f.test.length + f.predictOnly.length; j++) rowFold[k++] = f.index;
  }
  const rowDates = rowsCommon.map((j) => common[j]);
  const truth = Int8Array.from(rowsCommon.map((j) => labelsAll[j]));
  const labeledRows = [...truth.keys()].filter((r) => truth[r] >= 0);
  log(
    `${folds.length} folds, test ${folds[0].testStart}..${folds[folds.length - 1].testEnd} (${labeledRows.length} labeled test dates, ${rowsCommon.length - labeledRows.length} unlabeled predicted for output)`,
  );
  return {
    outDir,
    foldDir: path.join(outDir, 'folds'),
    input,
    notes,
    files,
    fingerprint,
    cells,
    common,
    labeledCount,
    labelsAll,
    fwdAll,
    closeAll,
    folds,
    rowsCommon,
    rowFold,
    rowDates,
    truth,
    labeledRows,
  };
}
