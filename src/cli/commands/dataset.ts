/** factor-inception dataset: what a dataset configuration yields on the data (samples, shape, classes, drops). */
import { resolveDataDir } from '../../main/training/data/data-dir';
import { loadDataset } from '../../main/training/images/dataset';
import { parse } from '../args';
import { DATASET_FLAGS, datasetConfigFromFlags } from '../dataset-flags';

export const usage =
  'factor-inception dataset --data <dir> --target 000300 --channels 000300,000001,000905,399006 --horizon 14 --up 0.025 --down -0.01 [--lookback 56] [--bars-per-day 1|16] [--layout time-factor|seed] [--from] [--to] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, DATASET_FLAGS);
  const dir = resolveDataDir(values.data);
  const t0 = performance.now();
  const { dataset: ds, files } = loadDataset(datasetConfigFromFlags(values), dir);
  const seconds = (performance.now() - t0) / 1000;
  const { unlabeled, ...classes } = ds.counts;
  const summary = {
    samples: ds.dates.length,
    imageShape: ds.imageShape,
    classes,
    unlabeled,
    firstDate: ds.dates[0] ?? null,
    lastDate: ds.dates[ds.dates.length - 1] ?? null,
    factors: ds.factorNames.length,
    channels: ds.config.channels,
    layout: ds.config.layout,
    barsPerDay: ds.config.barsPerDay,
    dropped: ds.dropped,
    warmupBars: ds.warmupBars,
    alignDropped: ds.alignDropped,
    shortDays: ds.shortDays,
    filledBars: ds.filledBars,
    files,
  };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const [h, w, c] = ds.imageShape;
  console.log(`Dataset from ${dir} (${seconds.toFixed(2)} s)`);
  console.log(`  channels     ${summary.channels.join(', ')} (target first)`);
  console.log(`  samples      ${summary.samples}  (${summary.firstDate} .. ${summary.lastDate})`);
  console.log(
    `  image        ${h} x ${w} x ${c}  (${ds.config.layout}; ${ds.config.lookbackDays} days x ${ds.config.barsPerDay} bars x ${summary.factors} factors)`,
  );
  console.log(
    `  classes      down ${classes.down}, flat ${classes.flat}, up ${classes.up}; unlabeled ${unlabeled} (latest dates, for prediction)`,
  );
  console.log(
    `  data losses  warm-up bars per index: ${ds.config.channels.map((k) => `${k} ${ds.warmupBars[k]}`).join(', ')}`,
  );
  const aligned = Object.entries(ds.alignDropped).filter(([, v]) => v > 0);
  if (aligned.length)
    console.log(
      `  alignment    bars dropped (not on every index): ${aligned.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
  if (ds.shortDays.length)
    console.log(
      `  short days   ${ds.shortDays.join(', ')} (trading stopped before 15:00; carried flat to 15:00 at zero volume, not sample dates)`,
    );
  const filled = Object.entries(ds.filledBars).filter(([, v]) => v > 0);
  if (filled.length)
    console.log(
      `  carried bars ${filled.map(([k, v]) => `${k} ${v}`).join(', ')} (no trade in the bar: last close, zero volume)`,
    );
  for (const d of ds.dropped) console.log(`  dropped      ${d.count} dates: ${d.reason}`);
  return 0;
}
