/** factor-inception power: the power analysis of a study configuration, at its own size, model and budget. */
import path from 'node:path';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { powerFileOf } from '../../main/training/eval/power/power-file';
import { estimatePower, runPower, trainPowerShard } from '../../main/training/eval/power/run-power';
import { loadStudyBars } from '../../main/training/eval/study/plan';
import { describeBackend, selectBackend } from '../../main/training/train/backend';
import { parse } from '../args';
import { formatSeconds } from '../progress';
import { parseJobs, parseShard, runJobs, runShard, withoutJobs } from '../jobs';
import { STUDY_FLAGS, studyConfigFromFlags } from './study';

export const usage = `factor-inception power [--preset quick|medium|overnight] [--config <file.json>] [--out <study dir>] [--data <dir>]
                      [--strengths 0,0.02,0.05,0.1,0.2] [--replicates N] [--cells primary|all] [--tell-rate 1]
                      [--backend auto|tensorflow|wasm|cpu] [--estimate-only] [--jobs N]
  Could this study have seen an edge? Runs the study's own pipeline (same data span, folds, seeds, model and
  epochs) on surrogate bars — real days shuffled jointly across the indices, so nothing real is left to learn —
  with a planted candle tell and a drift of each swept strength after it, R replicates each, and writes
  power.json into the study folder (or the config's power.file). \`factor-inception study\` with the same
  config then states the smallest balanced-accuracy edge it detects with 80 % power, or that the model did not
  learn even the planted signal. The cost is estimated and printed first (--estimate-only stops there).
  Resumable: every surrogate study keeps its fold cache and every finished replicate its result under
  <study dir>/power/; rerun the same command to continue. Ctrl-C stops after the current batch. --jobs N trains
  the surrogate studies' folds in N processes at once, then runs the analysis here from their caches.`;

const list = (flag: string, s: string | undefined) =>
  s === undefined
    ? undefined
    : s.split(',').map((x) => {
        const v = Number(x.trim());
        if (!Number.isFinite(v)) throw new Error(`--${flag} must be numbers separated by commas, got '${s}'`);
        return v;
      });

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...STUDY_FLAGS,
    strengths: { type: 'string' },
    replicates: { type: 'string' },
    cells: { type: 'string' },
    'tell-rate': { type: 'string' },
    'estimate-only': { type: 'boolean' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const power: Record<string, unknown> = {};
  if (values.strengths) power.strengths = list('strengths', values.strengths);
  if (values.replicates) power.replicates = Number(values.replicates);
  if (values.cells) power.cells = values.cells;
  if (values['tell-rate']) power.tellRate = Number(values['tell-rate']);
  const config = studyConfigFromFlags(values, { power });
  const dataDir = resolveDataDir(values.data);
  const backend = await selectBackend(config.train.backend);
  const { bars } = loadStudyBars(config, { dataDir }, (l) => console.log(l));
  const p = config.power;
  console.log(
    `power: ${path.resolve(config.outDir)} | data ${dataDir} | backend ${describeBackend(backend)}\n` +
      `sweep: strengths ${p.strengths.join(', ')} x ${p.replicates} replicate(s), tells on ${Math.round(p.tellRate * 100)} % of the ${config.dataset.horizonDays}-day blocks, cells: ${p.cells}`,
  );
  const shard = parseShard(values.shard);
  if (shard)
    return runShard((signal, onProgress) =>
      trainPowerShard({
        config,
        realBars: bars,
        shard,
        hooks: { backend, signal, onProgress, log: (l) => console.log(l) },
      }),
    );
  const jobs = parseJobs(values.jobs);
  const est = await estimatePower(config, bars, { backend });
  console.log(
    `cost estimate: ${est.studies} surrogate studies x ${est.trainingsPerStudy} fold trainings (${est.cells.length} cell(s) x ${config.seeds.length} seed(s) x ${est.folds} folds) = ${est.studies * est.trainingsPerStudy} trainings; ` +
      `fold times ${est.foldSeconds.map((s) => formatSeconds(s)).join(', ')} from ${est.source}; ` +
      `about ${formatSeconds(est.totalSeconds)} in all (plus the rules' backtests and the statistics, seconds per study; replicates already finished are read back)`,
  );
  if (values['estimate-only']) return 0;
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    console.log(
      'stopping after the current batch (Ctrl-C again to quit at once); finished replicates are kept',
    );
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const t0 = Date.now();
  try {
    if (jobs > 1) {
      const r = await runJobs({
        command: 'power',
        argv: withoutJobs(argv),
        jobs,
        signal: ac.signal,
        log: (l) => console.log(l),
      });
      if (r === 'cancelled') throw new Error('study cancelled');
    }
    const out = await runPower({
      config,
      realBars: bars,
      hooks: { backend, signal: ac.signal, log: (l) => console.log(l) },
      estimateSeconds: est.totalSeconds,
      startedAt: t0,
      onRun: (r, i, total) => {
        const spent = (Date.now() - t0) / 1000;
        console.log(
          `[${i}/${total}] strength ${r.strength} replicate ${r.replicate}: ${r.detected ? 'edge detected' : 'no edge'} (measured edge ${r.edge === null ? '–' : `${(r.edge * 100).toFixed(1)} pp`}, planted rule ${r.plantedEdge === null || r.plantedEdge === undefined ? '–' : `${(r.plantedEdge * 100).toFixed(1)} pp`}); elapsed ${formatSeconds(spent)}`,
        );
      },
    });
    const a = out.analysis;
    console.log(
      '\n| planted strength | power | mean measured edge | mean planted-rule edge |\n|---|---|---|---|',
    );
    a.strengths.forEach((s, i) => {
      const e = a.meanEdge[i];
      const pe = a.meanPlantedEdge[i];
      console.log(
        `| ${s} | ${Math.round(a.power[i] * 100)} % | ${e === null ? '–' : `${(e * 100).toFixed(1)} pp`} | ${pe === null ? '–' : `${(pe * 100).toFixed(1)} pp`} |`,
      );
    });
    console.log(
      `\n${out.power.edge === null ? 'No swept strength reached 80 % power: the model did not learn even the strongest planted signal often enough.' : `80 % power from planted strength ${a.minimumStrength}: an edge of ${(out.power.edge * 100).toFixed(1)} pp or more is detected.`}` +
        (a.falsePositiveRate !== null
          ? ` False positives at strength 0: ${Math.round(a.falsePositiveRate * 100)} %.`
          : '') +
        `\npower.json: ${powerFileOf(config)} (${formatSeconds(out.seconds)}; estimated ${formatSeconds(est.totalSeconds)}). Rerun \`factor-inception study\` with the same config to put it into the verdict.`,
    );
    return 0;
  } catch (err) {
    if (ac.signal.aborted && err instanceof Error && err.message === 'study cancelled') {
      console.log('cancelled: finished replicates are kept; rerun the same command to continue');
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
