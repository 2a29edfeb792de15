import path from 'node:path';
import cliProgress from 'cli-progress';
import { parse } from '../args';
import { formatSeconds } from '../progress';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { describeBackend, selectBackend, type BackendInfo } from '../../main/training/train/backend';
import type { StudyProgress } from '../../main/training/eval/study';
import { executeStudy } from '../../main/training/train/study-job';
import {
  mergeConfig,
  parseStudyConfig,
  readJson,
  readPreset,
  type StudyConfig,
} from '../../main/training/eval/study-config';
import { headlineTable } from '../../main/training/report/markdown';

export const usage = `factor-inception study [--config <file.json>] [--preset quick|medium|overnight] [--out <dir>] [--data <dir>]
                      [--backend auto|tensorflow|wasm|cpu] [--lang en|zh]
  The walk-forward study: every channel set x layout x seed x fold is trained, its test dates predicted, and
  the out-of-sample series scored against baselines on the same dates, with block-bootstrap intervals and a
  costed backtest. Writes predictions.csv, folds.csv, summary.json and report.html into the study folder
  (default ./studies/<preset or config name>). Resumable: rerun the same command and finished folds are read
  from <out>/folds. The config file has the sections dataset, model, train, walkForward, seeds, backtest,
  ablation, bootstrap (all optional) and is merged over the preset (default: quick). Ctrl-C stops after the
  current batch; finished folds are kept.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string' },
    preset: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    backend: { type: 'string' },
    lang: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const presetName = values.preset ?? (values.config ? undefined : 'quick');
  let raw: Record<string, unknown> = presetName ? readPreset(presetName) : {};
  if (values.config) raw = mergeConfig(raw, readJson(values.config));
  if (values.backend) raw = mergeConfig(raw, { train: { backend: values.backend } });
  if (values.lang) raw = mergeConfig(raw, { language: values.lang });
  const name =
    (raw.name as string | undefined) ?? presetName ?? path.basename(values.config ?? 'study', '.json');
  raw.name = name;
  raw.outDir = values.out ?? (raw.outDir as string | undefined) ?? path.join('studies', name);
  const config = parseStudyConfig(raw, values.config ?? `preset ${presetName}`);
  const dataDir = resolveDataDir(values.data);
  return runStudyWithDisplay(config, dataDir, await selectBackend(config.train.backend));
}

/** Runs a study with a progress bar on a TTY (log lines otherwise), Ctrl-C = stop after the current batch. */
export async function runStudyWithDisplay(
  config: StudyConfig,
  dataDir: string,
  backend: BackendInfo,
  command = 'factor-inception study',
): Promise<number> {
  const tty = !!process.stdout.isTTY;
  // the bar redraws itself on its next update, so a log line only needs its own cleared line
  const say = (line: string) => (tty && bar ? process.stdout.write(`\r\x1b[K${line}\n`) : console.log(line));
  console.log(
    `study: ${path.resolve(config.outDir)} | data ${dataDir} | backend ${describeBackend(backend)}`,
  );
  let bar: cliProgress.SingleBar | undefined;
  let lastPrint = 0;
  const onProgress = (p: StudyProgress) => {
    const eta = formatSeconds(p.etaSeconds);
    if (tty) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: 'study |{bar}| {value}/{total} folds | ETA {eta} | {msg}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, p.done, { eta, msg: p.message });
      }
      bar.update(p.done, { eta, msg: p.message });
    } else if (Date.now() - lastPrint > 5000 || !p.epoch) {
      lastPrint = Date.now();
      console.log(
        `[${p.done}/${p.total} folds, ${p.cached} cached, elapsed ${formatSeconds(p.elapsedSeconds)}, ETA ${eta}] ${p.message}`,
      );
    }
  };
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    say('stopping after the current batch (Ctrl-C again to quit at once); finished folds are kept');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await executeStudy(config, {
      onProgress,
      log: say,
      signal: ac.signal,
      dataDir,
      backend,
      command,
    });
    bar?.stop();
    if (!r) {
      console.log(
        `\ncancelled: finished folds are kept; continue with: factor-inception resume ${path.resolve(config.outDir)}`,
      );
      return 130;
    }
    console.log(`\n${r.headline}\n${r.ablationSentence}\n\n${headlineTable(r)}\n`);
    for (const n of r.notes) console.log(`note: ${n}`);
    console.log(
      `\nreport: ${path.join(r.outDir, 'report.html')} (${r.computedFolds} folds trained, ${r.cachedFolds} cached, ${formatSeconds(r.seconds)})`,
    );
    return 0;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
