import path from 'node:path';
import { parse } from '../args';
import { createProgress } from '../progress';
import {
  describeBackend,
  probeTargetOf,
  selectBackend,
  type BackendPreference,
} from '../../main/training/train/backend';
import { readRunConfigOf, readRunMeta, readRunStatus } from '../../main/training/train/runs';
import { runStudyWithDisplay } from './study';
import { runWithDisplay, summary } from './train';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { folderKind, readStudyConfigOf } from '../../main/training/train/run-folders';

export const usage = `factor-inception resume <run or study dir> [--backend B] [--data <dir>] [--json]
  Continues an interrupted or cancelled run from its last checkpoint (same weights as an uninterrupted run on the
  same backend); a finished run is left alone. A study folder (made here or by the app) is continued from its
  study.json and fold cache: folds already trained are read, the rest trained, the reports written again.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      backend: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help || positionals.length !== 1) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const runDir = path.resolve(positionals[0]);
  if (folderKind(runDir) === 'study') {
    const study = readStudyConfigOf(runDir);
    const backend = await selectBackend((values.backend ?? study.train.backend) as BackendPreference, {
      probe: probeTargetOf(study),
    });
    return runStudyWithDisplay(study, resolveDataDir(values.data), backend, 'factor-inception resume');
  }
  const config = readRunConfigOf(runDir);
  const display = createProgress({ tty: values.json ? false : undefined });
  if (readRunStatus(runDir)?.status === 'finished') {
    display.result(
      { run: runDir, status: 'finished', skipped: true },
      `${runDir} has already finished; nothing to do.`,
    );
    return 0;
  }
  // an 'auto' run continues on the backend that started it: another one would round differently, and the resumed
  // run would no longer end with the same weights as an uninterrupted one
  const started = readRunMeta(runDir).backend.name;
  const pref = (values.backend ??
    (config.train.backend === 'auto' && ['tensorflow', 'wasm', 'cpu'].includes(started)
      ? started
      : config.train.backend)) as BackendPreference;
  const backend = await selectBackend(pref, { probe: probeTargetOf(config) });
  display.log(`backend: ${describeBackend(backend)}`);
  const r = await runWithDisplay(runDir, backend, display, values.data, 'factor-inception resume');
  display.result(
    summary(runDir, r),
    `${r.cancelled ? 'Cancelled' : 'Finished'}: ${runDir} (${r.backend}, ${r.history.length} epoch(s))`,
  );
  r.model.dispose();
  return r.cancelled ? 130 : 0;
}
