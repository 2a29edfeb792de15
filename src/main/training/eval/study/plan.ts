/**
 * The study's plan, before any training: the bars of every index (from each bar size's source), one dataset per
 * channel set x bar size x layout (skipping layouts that give the identical image) and one cell per model on it,
 * the common sample dates every cell is scored on (intraday datasets skip short days, so dates are intersected),
 * the walk-forward folds over them, and the study rows (every test date of every fold, then the unlabeled dates).
 */
import path from 'node:path';
import { barSizeName, type BarSize } from '../../../../shared/config';
import type { Bars, DatasetConfig, ImageLayout } from '../../../../shared/domain';
import { ConfigError } from '../../../../shared/errors';
import { buildDataset, CORE_FACTOR_COUNT, imageShapeOf, type FactorDataset } from '../../images/dataset';
import { modelInput, type ModelSpec } from '../../model/spec';
import { walkForwardSplits, type Fold } from '../splits';
import { variantSpec, type StudyConfig } from '../study-config';
import type { StudyHooks } from './result';

export { barSizeName } from '../../../../shared/config';
import { DEFAULT_SOURCE, labelBarSize, loadSources, sourceOf, type StudySources } from './sources';

/**
 * Key of an ablation cell, e.g. '000300+000905_time-factor'; a study listing bar sizes or models adds them
 * ('000001_seed_15min_googlenet'). Without those the key is what it always was, and so are the cache files.
 */
export function cellKey(
  channels: string[],
  layout: ImageLayout,
  barsPerDay?: number,
  modelName?: string,
): string {
  const bar = barsPerDay === undefined ? '' : `_${barSizeName(barsPerDay)}`;
  return `${channels.join('+')}_${layout}${bar}${modelName ? `_${modelName}` : ''}`;
}

export interface PlannedCell {
  key: string;
  channels: string[];
  layout: ImageLayout;
  /** Bars a day of this cell's images (its dataset's barsPerDay). */
  barsPerDay: number;
  /** The bar size of ablation.barSizes this cell belongs to (undefined when the study lists none). */
  barSize?: BarSize;
  /** The model it trains: the study's, or a variant of ablation.models merged over it. */
  model: ModelSpec;
  /** The variant's name (undefined when the study lists no models). */
  modelName?: string;
  input: 'image' | 'last-bar';
  /** Set when another source's daily closes label the cell, not its own bars' (enters the fold hash). */
  labelsFrom?: string;
  ds: FactorDataset;
  /** Sample index in ds of each common date. */
  index: Map<string, number>;
}

export interface StudyPlan {
  outDir: string;
  /** Bars of every index the ablation uses (daily or finer), as loaded. */
  bars: Map<string, Bars>;
  foldDir: string;
  /** The input of the study's own model (config.model); each cell has its own in `input`. */
  input: 'image' | 'last-bar';
  notes: string[];
  files: string[];
  fingerprint: string;
  cells: PlannedCell[];
  /** The bar size whose target daily closes label every cell (only when the study lists bar sizes). */
  labelBarSize?: BarSize;
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

/**
 * Every index of the channel sets from the study's own data folder (or `hooks.bars`), once: the daily bars the
 * power command plants signals into.
 */
export function loadStudyBars(
  config: StudyConfig,
  hooks: StudyHooks,
  log: (l: string) => void,
): { bars: Map<string, Bars>; files: string[] } {
  const { sources } = loadSources(
    { ...config, ablation: { ...config.ablation, barSizes: undefined } },
    hooks,
    log,
  );
  const own = sources.get(DEFAULT_SOURCE)!;
  return { bars: own.bars, files: own.files };
}

/**
 * One dataset per channel set x bar size x layout, skipping layouts that produce the identical image, and one
 * cell per model on it. Every cell of a bar-size study is labelled from the label bar size's target closes.
 */
function buildCells(
  config: StudyConfig,
  data: StudySources,
  notes: string[],
  log: (l: string) => void,
): Omit<PlannedCell, 'index'>[] {
  const factorCount = config.dataset.factors?.length ?? CORE_FACTOR_COUNT;
  const { barSizes, models } = config.ablation;
  const variants = models
    ? models.map((v) => ({ name: v.name as string | undefined, spec: variantSpec(config.model, v) }))
    : [{ name: undefined, spec: config.model }];
  const labelSize = barSizes ? labelBarSize(barSizes) : undefined;
  const labelSource = labelSize ? data.sources.get(sourceOf(labelSize))! : undefined;
  const cells: Omit<PlannedCell, 'index'>[] = [];
  for (const channels of config.ablation.channelSets) {
    for (const barSize of barSizes ?? [undefined]) {
      const source = data.sources.get(sourceOf(barSize))!;
      const bars = new Map(channels.map((c) => [c, source.bars.get(c)!]));
      const barsPerDay = barSize?.barsPerDay ?? config.dataset.barsPerDay;
      const keyBars = barSize ? barsPerDay : undefined;
      const labelBars = labelSource && labelSource !== source ? labelSource.bars.get(channels[0]) : undefined;
      const seen: { layout: ImageLayout; shape: string; model?: string }[] = [];
      for (const layout of config.ablation.layouts) {
        const dcfg: DatasetConfig = { ...config.dataset, channels, layout, barsPerDay };
        let ds: FactorDataset | undefined;
        for (const variant of variants) {
          const input = modelInput(variant.spec.preset);
          let shape: string;
          try {
            shape = input === 'last-bar' ? 'last-bar' : imageShapeOf(dcfg, factorCount).join('x');
          } catch (err) {
            const msg = `layout '${layout}' skipped for ${channels.join('+')}: ${err instanceof Error ? err.message : String(err)}`;
            if (!notes.includes(msg)) notes.push(msg);
            continue;
          }
          const same = seen.find((s) => s.shape === shape && s.model === variant.name);
          if (same) {
            // Both layouts read the same bar-major run of values; equal shapes mean an identical tensor.
            const msg =
              input === 'last-bar'
                ? `The model reads last-bar vectors, so the image layout does not matter: '${layout}' was not trained separately from '${same.layout}'.`
                : `With ${config.dataset.lookbackDays} days x ${barsPerDay} bar(s)/day x ${factorCount} factors, the '${layout}' image is identical to the '${same.layout}' image (${shape}); it was not trained twice.`;
            if (!notes.includes(msg)) notes.push(msg);
            continue;
          }
          seen.push({ layout, shape, model: variant.name });
          if (!ds) {
            ds = buildDataset(dcfg, bars, { labelBars });
            log(
              `dataset ${cellKey(channels, layout, keyBars)}: ${ds.dates.length} samples ${ds.dates[0]}..${ds.dates[ds.dates.length - 1]}, image ${ds.imageShape.join('x')}`,
            );
          }
          cells.push({
            key: cellKey(channels, layout, keyBars, variant.name),
            channels,
            layout,
            barsPerDay,
            barSize,
            model: variant.spec,
            modelName: variant.name,
            input,
            labelsFrom: labelBars
              ? `${barSizeName(labelSize!.barsPerDay)} bars of ${labelSource!.key || 'the data folder'}`
              : undefined,
            ds,
          });
        }
      }
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
  const data = loadSources(config, hooks, log);
  const { files, fingerprint } = data;
  // the bars of the label bar size's source (daily when listed): the baselines' features and prices
  const labelSource = config.ablation.barSizes
    ? sourceOf(labelBarSize(config.ablation.barSizes))
    : DEFAULT_SOURCE;
  const bars = data.sources.get(labelSource)!.bars;
  const input = modelInput(config.model.preset);
  const built = buildCells(config, data, notes, log);
  for (const n of notes) log(n);
  const labelSize = config.ablation.barSizes && labelBarSize(config.ablation.barSizes);
  if (labelSize)
    log(
      `labels, forward returns and backtest prices of every cell: the ${config.dataset.target} daily closes of the ${barSizeName(labelSize.barsPerDay)} bar size (${labelSize.dataDir ?? 'the data folder'})`,
    );

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
    bars,
    foldDir: path.join(outDir, 'folds'),
    input,
    notes,
    files,
    fingerprint,
    cells,
    labelBarSize: labelSize || undefined,
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
