import path from 'node:path';
import cliProgress from 'cli-progress';
import { parse } from '../args';
import { formatSeconds } from '../progress';
import { resolveDataDir } from '../../main/training/data/data-dir';
import {
  describeBackend,
  probeTargetOf,
  selectBackend,
  type BackendInfo,
} from '../../main/training/train/backend';
import type { StudyProgress } from '../../main/training/eval/study';
import { executeStudy } from '../../main/training/train/study-job';
import { trainStudyShard } from '../../main/training/eval/study';
import { parseJobs, parseShard, runJobs, runShard, withoutJobs } from '../jobs';
import {
  mergeConfig,
  parseStudyConfig,
  readJson,
  readPreset,
  type StudyConfig,
} from '../../main/training/eval/study-config';
import { headlineTable } from '../../main/training/report/markdown';
import { writeShardEpochs } from '../../main/training/train/shard-epochs';
import { withEpoch, type EpochMetrics, type FoldEpoch } from '../../shared/training';

export const usage = `factor-inception study [--config <file.json>] [--preset quick|medium|overnight|intraday] [--out <dir>] [--data <dir>]
                      [--backend auto|tensorflow|wasm|cpu] [--lang en|zh] [--jobs N]
  The walk-forward study: every channel set x layout x seed x fold is trained, its test dates predicted, and
  the out-of-sample series scored against baselines on the same dates, with block-bootstrap intervals and a
  costed backtest per test block, and the verdict's statistics (chance on the same rows, two-level intervals,
  Holm-adjusted families, DSR / PBO / SPA, calibration, importance; the power figure from <out>/power.json when
  \`factor-inception power\` has written one). Writes predictions.csv, folds.csv, summary.json and report.html
  into the study folder (default ./studies/<preset or config name>). Resumable: rerun the same command and
  finished folds are read from <out>/folds. The config file has the sections dataset, model, train,
  walkForward, seeds, backtest, ablation, bootstrap, baselines, importance, statistics, power (all optional)
  and is merged over the preset (default: quick). ablation.barSizes and ablation.models
  add bar sizes (each with its own data folder) and models as cells on the same dates (the intraday preset: SSE
  Composite 15-minute images beside its daily image). Ctrl-C stops after the current batch; finished folds are kept.
  --jobs N trains the folds in N processes at once (each with its share of the cores), then scores the study
  here from the cache: for small models on a machine with more cores than one training keeps busy.`;

/** The flags every study-shaped command takes (study, power). */
export const STUDY_FLAGS = {
  config: { type: 'string' },
  preset: { type: 'string' },
  out: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  lang: { type: 'string' },
  jobs: { type: 'string' },
  /** Set by a --jobs parent on its children: train this share of the folds only (cli/jobs.ts). */
  shard: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The study config of --preset / --config (merged over the preset, default quick), --backend, --lang, --out;
 * `over` is merged last (e.g. the power command's sweep flags).
 */
export function studyConfigFromFlags(
  values: { config?: string; preset?: string; out?: string; backend?: string; lang?: string },
  over: Record<string, unknown> = {},
): StudyConfig {
  const presetName = values.preset ?? (values.config ? undefined : 'quick');
  let raw: Record<string, unknown> = presetName ? readPreset(presetName) : {};
  if (values.config) raw = mergeConfig(raw, readJson(values.config));
  if (values.backend) raw = mergeConfig(raw, { train: { backend: values.backend } });
  if (values.lang) raw = mergeConfig(raw, { language: values.lang });
  raw = mergeConfig(raw, over);
  const name =
    (raw.name as string | undefined) ?? presetName ?? path.basename(values.config ?? 'study', '.json');
  raw.name = name;
  raw.outDir = values.out ?? (raw.outDir as string | undefined) ?? path.join('studies', name);
  return parseStudyConfig(raw, values.config ?? `preset ${presetName}`);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, STUDY_FLAGS);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const config = studyConfigFromFlags(values);
  const dataDir = resolveDataDir(values.data);
  // 'auto' times the model on the widest channel set of the ablation (the largest input) on each backend
  const widest = config.ablation.channelSets.reduce(
    (a, b) => (b.length > a.length ? b : a),
    config.dataset.channels,
  );
  const jobs = parseJobs(values.jobs);
  const shard = parseShard(values.shard);
  const backend = await selectBackend(config.train.backend, {
    probe: probeTargetOf({ ...config, dataset: { ...config.dataset, channels: widest } }),
  });
  if (shard) {
    // this child's epochs go to its own file; the parent merges them into epochs.jsonl
    const dir = path.resolve(config.outDir);
    let epochs: FoldEpoch[] = [];
    const onEpoch = (fold: string, m: EpochMetrics) => {
      epochs = withEpoch(epochs, { ...m, fold });
      writeShardEpochs(dir, shard.index, epochs);
    };
    return runShard((signal, onProgress) =>
      trainStudyShard(config, {
        dataDir,
        backend,
        shard,
        signal,
        onProgress,
        onEpoch,
        log: (l) => console.log(l),
      }),
    );
  }
  return runStudyWithDisplay(config, dataDir, backend, 'factor-inception study', {
    jobs,
    argv: withoutJobs(argv),
  });
}

/** Runs a study with a progress bar on a TTY (log lines otherwise), Ctrl-C = stop after the current batch. */
export async function runStudyWithDisplay(
  config: StudyConfig,
  dataDir: string,
  backend: BackendInfo,
  command = 'factor-inception study',
  parallel: { jobs: number; argv: string[] } = { jobs: 1, argv: [] },
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
      beforeTraining:
        parallel.jobs > 1
          ? async () => {
              const r = await runJobs({
                command: 'study',
                argv: parallel.argv,
                jobs: parallel.jobs,
                signal: ac.signal,
                log: say,
              });
              if (r === 'cancelled') throw new Error('study cancelled');
            }
          : undefined,
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
