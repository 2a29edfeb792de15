/**
 * Training speed benchmark (not a timed test): samples/s of a GoogLeNet training step (Adam, softmax
 * cross-entropy, batch 16, 4-channel images) per available backend, for width 1 and 0.25 at 224x224 (intraday
 * images) and 56x56 (daily images), beside a PyTorch CPU reference of the same architecture run in the same
 * session (bench/torch_reference.py), plus the peak RSS of one training epoch (the engine's trainModel) over a
 * synthetic 224x224x4 set the size of the 2017 intraday set. Each case's training FLOP per sample (3x the
 * forward convolutions and dense layers, less the stem's unneeded input gradient) turns samples/s into GFLOP/s,
 * set against the machine's sgemm throughput measured at the start of the same run (a large OpenBLAS sgemm on
 * all cores through the native addon, else numpy), on the CPU named in the first lines.
 *
 *   npx tsx bench/training-speed.ts [--quick] [--seconds N] [--cases a,b] [--torch-threads 2[,1]] [--no-torch]
 *                                   [--wasm-threads 1[,2]] [--native both|on|off] [--backends wasm,cpu]
 *                                   [--epoch-samples 150] [--no-epoch] [--profile]
 *
 * wasm runs twice when the native kernel addon (native/) is built: 'wasm+native' (the engine's default, OpenBLAS
 * convolutions) and 'wasm' (tfjs' wasm kernels and ours from wasm-kernels/ only). Step times are medians over
 * the timed steps (PyTorch's too), so a burst of load from another tenant moves them less than a mean would.
 *
 * Every measurement runs in its own child process: the wasm thread count is fixed per process, and the peak RSS
 * must belong to one run. The machine is shared, so run it with `nice` on a quiet machine and say when not.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, countParams } from '../src/main/training/model/build';
import { trainingFlopPerSample } from './flops';
import { DEFAULT_MODEL } from '../src/main/training/model/spec';
import { selectBackend, tfjsNodeAvailable } from '../src/main/training/train/backend';
import { loadAddon } from '../src/main/training/train/native-kernels/addon';
import { DEFAULT_TRAIN } from '../src/main/training/train/settings';
import { tf } from '../src/main/training/train/tf';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TSX = path.resolve(HERE, '../node_modules/.bin/tsx');
const BATCH = 16;
/** Wall-clock cap of one cpu-backend measurement, seconds. */
const CPU_CAP_S = 300;

interface Case {
  id: string;
  preset: 'googlenet' | 'compact';
  width: number;
  size: number;
}
const CASES: Case[] = [
  { id: 'g1-224', preset: 'googlenet', width: 1, size: 224 },
  { id: 'g025-224', preset: 'googlenet', width: 0.25, size: 224 },
  { id: 'g1-56', preset: 'googlenet', width: 1, size: 56 },
  { id: 'g025-56', preset: 'googlenet', width: 0.25, size: 56 },
  { id: 'c025-56', preset: 'compact', width: 0.25, size: 56 },
];

interface SpeedJob {
  kind: 'speed';
  backend: 'wasm' | 'cpu' | 'tensorflow';
  threads: number;
  native: boolean;
  c: Case;
  seconds: number;
  profile: boolean;
}
interface EpochJob {
  kind: 'epoch';
  backend: 'wasm' | 'tensorflow';
  threads: number;
  native: boolean;
  c: Case;
  samples: number;
}
type Job = SpeedJob | EpochJob;

interface SpeedResult {
  samplesPerSecond: number;
  /** Median step time over the timed steps. */
  msPerStep: number;
  meanMsPerStep: number;
  /** Median CPU time of a step over all threads: what a step costs, whatever share of the cores it got. */
  cpuMsPerStep: number;
  steps: number;
  firstStepMs: number;
  params: number;
  peakRssMb: number;
  backend: string;
  threads: number;
  kernels?: string;
  profile?: string;
  error?: string;
}

/** Peak resident set size of this process in MB (Linux VmHWM; elsewhere the current RSS). */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    /* not Linux */
  }
  return process.memoryUsage().rss / 2 ** 20;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs one job inside this (child) process and prints its JSON result on the last line. */
async function child(job: Job): Promise<void> {
  const info = await selectBackend(job.backend, { wasmThreads: job.threads, native: job.native });
  const spec = { ...DEFAULT_MODEL, preset: job.c.preset, width: job.c.width, auxHeads: false };
  const shape = [job.c.size, job.c.size, 4];

  if (job.kind === 'epoch') {
    // Loaded only here: the trainer is another engineer's module and the speed runs must not depend on it.
    const { trainModel } = await import('../src/main/training/train/trainer');
    const size = shape[0] * shape[1] * shape[2];
    // Synthetic source with the dataset's access pattern: each sample is written on demand into the batch buffer.
    const source = {
      count: job.samples,
      shape,
      fill(i: number, out: Float32Array, offset: number) {
        let s = (i + 1) * 2654435761;
        for (let k = 0; k < size; k++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          out[offset + k] = s / 2 ** 31 - 1;
        }
      },
      label: (i: number) => i % 3,
      date: (i: number) => new Date(Date.UTC(2017, 0, 1 + i)).toISOString().slice(0, 10),
    };
    const t0 = performance.now();
    const res = await trainModel({
      model: spec,
      settings: {
        ...DEFAULT_TRAIN,
        epochs: 1,
        batchSize: BATCH,
        validationFraction: 0,
        earlyStoppingPatience: 0,
        backend: job.backend,
      },
      trainSet: source,
    });
    const seconds = (performance.now() - t0) / 1000;
    res.model.dispose();
    console.log(
      JSON.stringify({
        seconds,
        samplesPerSecond: job.samples / seconds,
        peakRssMb: peakRssMb(),
        numTensors: tf.memory().numTensors,
        backend: info.name,
        threads: info.threads,
      }),
    );
    return;
  }

  const model = buildModel(spec, shape, { seed: 1 });
  const opt = tf.train.adam(1e-3);
  const n = BATCH * shape[0] * shape[1] * shape[2];
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = Math.sin(i * 12.9898) * 0.5;
  const x = tf.tensor4d(xs, [BATCH, ...shape] as [number, number, number, number]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const step = () => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  let t = performance.now();
  step(); // warm-up: creates the xnnpack operators and the optimizer state
  const firstStepMs = performance.now() - t;
  let steps = 0;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  t = performance.now();
  // At least 2 timed steps; the cpu backend at 224 px would take hours, so a single warm-up step over the budget ends it.
  const budgetMs = job.seconds * 1000;
  if (!(job.backend === 'cpu' && firstStepMs > budgetMs)) {
    let last = t;
    let lastCpu = process.cpuUsage();
    do {
      step();
      steps++;
      const now = performance.now();
      times.push(now - last);
      last = now;
      const cpu = process.cpuUsage(lastCpu);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      lastCpu = process.cpuUsage();
    } while (performance.now() - t < budgetMs || steps < 2);
  }
  const meanMs = steps ? (performance.now() - t) / steps : firstStepMs;
  const ms = steps ? median(times) : firstStepMs;
  let profile: string | undefined;
  if (job.profile) {
    const p = await tf.profile(() => step());
    const agg = new Map<string, number>();
    for (const k of p.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    const total = [...agg.values()].reduce((a, b) => a + b, 0);
    profile = [...agg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => `${k} ${v.toFixed(0)}ms (${((100 * v) / total).toFixed(0)}%)`)
      .join(', ');
  }
  const out: SpeedResult = {
    samplesPerSecond: (BATCH * 1000) / ms,
    msPerStep: ms,
    meanMsPerStep: meanMs,
    cpuMsPerStep: cpuTimes.length ? median(cpuTimes) : NaN,
    steps: steps || 1,
    firstStepMs,
    params: countParams(model),
    peakRssMb: peakRssMb(),
    backend: info.name,
    threads: info.threads,
    kernels: info.kernels,
    profile,
  };
  console.log(JSON.stringify(out));
}

function cpuName(): string {
  let flags = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const f = new Set((/^flags\s*:(.*)$/m.exec(info)?.[1] ?? '').trim().split(/\s+/));
    flags = ['avx512f', 'avx2', 'fma'].filter((x) => f.has(x)).join(', ');
  } catch {
    /* not Linux */
  }
  return `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.availableParallelism()}${flags ? ` (${flags})` : ''}`;
}

/** GFLOP/s of a large sgemm on all cores: OpenBLAS through the native addon, else numpy (whatever BLAS it has). */
function sgemmPeak(seconds = 2): { gflops: number; how: string } | { error: string } {
  const { addon } = loadAddon();
  const cores = os.availableParallelism();
  if (addon) {
    const runs = [2048, 3072].map((n) => addon.sgemmPeak(n, cores, seconds / 2));
    addon.setThreads(cores);
    return {
      gflops: Math.max(...runs),
      how: `${cores} single-threaded OpenBLAS sgemms at once, 2048^3 and 3072^3, best of the two`,
    };
  }
  const r = spawnSync(
    'python3',
    [
      '-c',
      'import numpy as np, time\nn=3072\na=np.random.rand(n,n).astype(np.float32)\nb=a.copy()\na@b\nt=time.perf_counter();k=0\nwhile time.perf_counter()-t<2: a@b; k+=1\nprint(2*n**3*k/(time.perf_counter()-t)/1e9)',
    ],
    { encoding: 'utf8' },
  );
  const g = Number(r.stdout?.trim());
  return Number.isFinite(g) && g > 0
    ? { gflops: g, how: 'numpy float32 matmul 3072^3' }
    : { error: 'no native addon and no numpy' };
}

function runChild<T extends { error?: string }>(job: Job, timeoutMs: number): T {
  const r = spawnSync(
    'nice',
    ['-n', '10', TSX, fileURLToPath(import.meta.url), '--child', JSON.stringify(job)],
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 },
  );
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-3).join(' | ');
    return { error: `child failed (status ${r.status}): ${why}` } as T;
  }
}

function torchReference(
  c: Case,
  threads: number,
  seconds: number,
): {
  samples_per_s?: number;
  ms_per_step?: number;
  mean_ms_per_step?: number;
  cpu_ms_per_step?: number;
  error?: string;
} {
  const r = spawnSync(
    'nice',
    [
      '-n',
      '10',
      'python3',
      path.join(HERE, 'torch_reference.py'),
      '--preset',
      c.preset,
      '--width',
      String(c.width),
      '--size',
      String(c.size),
      '--batch',
      String(BATCH),
      '--seconds',
      String(seconds),
      '--threads',
      String(threads),
    ],
    { encoding: 'utf8', timeout: 30 * 60_000 },
  );
  if (r.error) return { error: `python3 could not run: ${r.error.message}` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return { error: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ') };
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const f1 = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v)
    ? '—'
    : v >= 10
      ? v.toFixed(1)
      : v >= 0.1
        ? v.toFixed(2)
        : v.toPrecision(2);

async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const seconds = Number(flag(args, '--seconds') ?? (quick ? 8 : 30));
  const wanted = flag(args, '--cases')?.split(',');
  const cases = CASES.filter((c) => !wanted || wanted.includes(c.id));
  const torchThreads = (flag(args, '--torch-threads') ?? '2').split(',').map(Number);
  const wasmThreads = (flag(args, '--wasm-threads') ?? '1').split(',').map(Number);
  const nativeMode = flag(args, '--native') ?? 'both';
  if (!['both', 'on', 'off'].includes(nativeMode))
    throw new Error(`--native must be both, on or off, got ${nativeMode}`);
  const { addon, why } = loadAddon();
  const natives = addon ? (nativeMode === 'both' ? [true, false] : [nativeMode === 'on']) : [false];
  // the engine's default thread count, so the line below says what the 'wasm+native' runs use
  addon?.setThreads(os.availableParallelism());
  console.log(addon ? `native kernels: ${addon.info()}` : `native kernels: ${why}`);
  const epochSamples = Number(flag(args, '--epoch-samples') ?? 150);
  console.log(`CPU: ${cpuName()}`);
  const peak = sgemmPeak();
  if ('error' in peak) console.log(`sgemm peak: not measured (${peak.error})`);
  else console.log(`sgemm peak: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.how})`);
  const peakGflops = 'error' in peak ? undefined : peak.gflops;
  const load = os.loadavg()[0];
  console.log(
    `training-speed: batch ${BATCH}, 4 channels, Adam; >= ${seconds} s per measurement after a warm-up step; ${os.availableParallelism()} cores, load average ${load.toFixed(1)} at start${load > 1.5 ? ' (machine busy: figures taken under load)' : ''}`,
  );

  const backends: { backend: SpeedJob['backend']; threads: number; native: boolean; label: string }[] = [];
  if (await tfjsNodeAvailable())
    backends.push({
      backend: 'tensorflow',
      threads: os.availableParallelism(),
      native: false,
      label: 'tensorflow',
    });
  else console.log('tensorflow (tfjs-node): not installed here, skipped');
  for (const native of natives)
    for (const t of wasmThreads)
      backends.push({
        backend: 'wasm',
        threads: t,
        native,
        label: `wasm${native ? '+native' : ''}${t > 1 ? ` x${t}` : ''}`,
      });
  backends.push({ backend: 'cpu', threads: 1, native: false, label: 'cpu' });
  const only = flag(args, '--backends')?.split(',');
  if (only) backends.splice(0, backends.length, ...backends.filter((b) => only.includes(b.backend)));

  const rows: string[][] = [
    [
      'case',
      'params',
      ...backends.map((b) => `${b.label} sps`),
      ...torchThreads.map((t) => `torch x${t} sps`),
      'CPU s/sample: wasm+native',
      'tensorflow',
      'torch x2',
      'GFLOP/sample',
      'best tfjs',
      'GFLOP/s',
      'sgemm GFLOP/s',
      '% of sgemm',
      ...torchThreads.map((t) => `best / torch x${t}`),
    ],
  ];
  const fastest: Record<string, (typeof backends)[number] | undefined> = {};
  for (const c of cases) {
    // the machine's throughput again just before the case: on a shared machine the load moves between cases
    const casePeak = sgemmPeak(2);
    const caseGflops = 'error' in casePeak ? peakGflops : casePeak.gflops;
    const sps: Record<string, number | undefined> = {};
    const cpuPerSample: Record<string, number | undefined> = {};
    let params: number | undefined;
    for (const b of backends) {
      // cpu: only the small cases (56 px, width <= 0.25; it is ~1400x slower than PyTorch at 224 px), one
      // warm-up step plus a short budget, and the child is killed after CPU_CAP_S.
      const isCpu = b.backend === 'cpu';
      if (isCpu && (c.size > 56 || c.width > 0.25)) continue;
      const r = runChild<SpeedResult>(
        {
          kind: 'speed',
          backend: b.backend,
          threads: b.threads,
          native: b.native,
          c,
          seconds: isCpu ? Math.min(seconds, 10) : seconds,
          profile: args.includes('--profile'),
        },
        isCpu ? CPU_CAP_S * 1000 : 60 * 60_000,
      );
      if (r.error && isCpu)
        console.log(`  ${c.id} cpu: no result within the ${CPU_CAP_S} s cap (${r.error})`);
      else if (r.error) console.log(`  ${c.id} ${b.label}: ${r.error}`);
      else {
        sps[b.label] = r.samplesPerSecond;
        cpuPerSample[b.label] = r.cpuMsPerStep / 1000 / BATCH;
        params = r.params;
        console.log(
          `  ${c.id} ${b.label}: ${f1(r.samplesPerSecond)} samples/s (median ${r.msPerStep.toFixed(0)} ms/step, CPU ${r.cpuMsPerStep.toFixed(0)} ms/step, mean ${r.meanMsPerStep.toFixed(0)}, over ${r.steps} steps; first step ${r.firstStepMs.toFixed(0)} ms; peak RSS ${r.peakRssMb.toFixed(0)} MB)`,
        );
        if (r.profile) console.log(`    kernels: ${r.profile}`);
      }
    }
    const torch: Record<number, number | undefined> = {};
    if (!args.includes('--no-torch'))
      for (const t of torchThreads) {
        const r = torchReference(c, t, seconds);
        if (r.error) console.log(`  ${c.id} torch x${t}: skipped — ${r.error}`);
        else {
          torch[t] = r.samples_per_s;
          if (r.cpu_ms_per_step !== undefined) cpuPerSample[`torch x${t}`] = r.cpu_ms_per_step / 1000 / BATCH;
          console.log(
            `  ${c.id} torch x${t}: ${f1(r.samples_per_s)} samples/s (median ${r.ms_per_step?.toFixed(0)} ms/step, CPU ${r.cpu_ms_per_step?.toFixed(0)} ms/step, mean ${r.mean_ms_per_step?.toFixed(0)})`,
          );
        }
      }
    const measured = backends.filter((b) => b.backend !== 'cpu' && sps[b.label] !== undefined);
    const top = measured.reduce<(typeof backends)[number] | undefined>(
      (a, b) => (!a || sps[b.label]! > sps[a.label]! ? b : a),
      undefined,
    );
    fastest[c.id] = top;
    const best = top ? sps[top.label]! : NaN;
    const ratio = (ref: number | undefined) =>
      ref && Number.isFinite(best) ? `${(best / ref).toFixed(2)}x` : '—';
    const flop = trainingFlopPerSample(
      { ...DEFAULT_MODEL, preset: c.preset, width: c.width, auxHeads: false },
      [c.size, c.size, 4],
    );
    const gflops = (best * flop) / 1e9;
    rows.push([
      c.id,
      params ? String(params) : '—',
      ...backends.map((b) => f1(sps[b.label])),
      ...torchThreads.map((t) => f1(torch[t])),
      f1(cpuPerSample['wasm+native']),
      f1(cpuPerSample.tensorflow),
      f1(cpuPerSample['torch x2']),
      (flop / 1e9).toFixed(3),
      top?.label ?? '—',
      f1(gflops),
      f1(caseGflops),
      caseGflops && Number.isFinite(gflops) ? `${((100 * gflops) / caseGflops).toFixed(0)} %` : '—',
      ...torchThreads.map((t) => ratio(torch[t])),
    ]);
  }
  console.log(
    `\nsamples/s (higher is better); best tfjs = the fastest tfjs backend of the case, what 'auto' measures and takes; GFLOP/s = its samples/s x GFLOP/sample, against the sgemm throughput measured just before the case (sgemm GFLOP/s); best / torch = its samples/s over PyTorch's (target >= 1.5x with 2 threads); CPU s/sample = median CPU time of a step over all threads / batch, the cost of a sample whatever share of the cores the process got (other tenants move wall times, much less CPU times)`,
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((v, i) => v.padStart(widths[i])).join('  '));

  if (!args.includes('--no-epoch')) {
    // The engine's default configuration: the backend 'auto' takes, i.e. the fastest measured above.
    for (const c of CASES.filter((k) => k.size === 224 && (!wanted || wanted.includes(k.id)))) {
      const best = fastest[c.id] ?? backends.find((b) => b.backend === 'wasm');
      if (!best || best.backend === 'cpu') continue;
      const r = runChild<{
        seconds: number;
        samplesPerSecond: number;
        peakRssMb: number;
        numTensors: number;
        error?: string;
      }>(
        {
          kind: 'epoch',
          backend: best.backend as 'wasm',
          threads: best.threads,
          native: best.native,
          c,
          samples: epochSamples,
        },
        2 * 60 * 60_000,
      );
      if (r.error) console.log(`epoch ${c.id}: ${r.error}`);
      else
        console.log(
          `epoch ${c.id} (${best.label}, trainModel, ${epochSamples} synthetic 224x224x4 samples, batch ${BATCH}): ${r.seconds.toFixed(0)} s, ${f1(r.samplesPerSecond)} samples/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
        );
    }
  }
}

const argv = process.argv.slice(2);
const childAt = argv.indexOf('--child');
if (childAt >= 0) await child(JSON.parse(argv[childAt + 1]) as Job);
else await main(argv);
