import path from 'node:path';
import { parse } from '../args';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { loadDataset } from '../../main/training/images/dataset';
import { modelInput } from '../../main/training/model/spec';
import { selectBackend, type BackendPreference } from '../../main/training/train/backend';
import { backendLabel, describeBackend } from '../../main/training/train/backend-info';
import { predictDates } from '../../main/training/train/run-job';
import { loadRunModel } from '../../main/training/train/model-io';
import { readRunConfigOf } from '../../main/training/train/runs';
import { CLASS_NAMES } from '../../shared/domain';
import { ConfigError } from '../../shared/errors';

export const usage = `factor-inception predict --run <run dir> [--data <dir>] [--date YYYY-MM-DD|latest|all] [--backend B] [--json]
  Rebuilds the run's dataset on the given data (its 'to' date is ignored, so the newest dates, which have no
  label yet, are included) and prints [down, flat, up] probabilities for the date(s). Default --date latest.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    run: { type: 'string' },
    data: { type: 'string' },
    date: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help || !values.run) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const runDir = path.resolve(values.run);
  const config = readRunConfigOf(runDir);
  const backend = await selectBackend((values.backend ?? config.train.backend) as BackendPreference);
  const dataDir = resolveDataDir(values.data);
  // images are causal (a date's image uses bars up to that date only), so dropping 'to' changes no earlier image
  const { dataset } = loadDataset({ ...config.dataset, to: undefined }, dataDir);
  const want = values.date ?? 'latest';
  let indices: number[];
  if (want === 'all') indices = dataset.dates.map((_, i) => i);
  else if (want === 'latest') indices = [dataset.dates.length - 1];
  else {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(want))
      throw new ConfigError('--date', `must be YYYY-MM-DD, latest or all, got '${want}'`);
    const i = dataset.dates.indexOf(want);
    if (i < 0)
      throw new ConfigError(
        '--date',
        `${want} is not a sample date of this dataset (${dataset.dates[0]}..${dataset.dates.at(-1)}; weekends, holidays and warm-up days have none)`,
      );
    indices = [i];
  }
  const model = await loadRunModel(runDir);
  const p = predictDates(model, dataset, indices, modelInput(config.model.preset), backendLabel(backend));
  model.dispose();
  if (values.json) {
    console.log(JSON.stringify({ run: runDir, classes: CLASS_NAMES, ...p }));
  } else {
    console.log(`run ${runDir} (backend ${describeBackend(backend)})`);
    console.log(['date      ', ...CLASS_NAMES.map((c) => c.padStart(6)), ' label'].join(' '));
    p.dates.forEach((d, k) => {
      const l = p.labels[k];
      console.log(
        [
          d,
          ...p.probs[k].map((v) => v.toFixed(3).padStart(6)),
          l >= 0 ? ` ${CLASS_NAMES[l]}` : ' (no label yet)',
        ].join(' '),
      );
    });
  }
  return 0;
}
