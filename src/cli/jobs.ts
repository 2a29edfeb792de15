/**
 * `--jobs N` of the study and power commands. N child processes of the same command line, each with
 * `--shard i/N`, train disjoint shares of the fold trainings into the study folder's fold cache (fold files are
 * written atomically; each child gets an equal share of the cores for the native kernels, whose results do not
 * depend on the thread count); then the calling process runs the command as usual, reads every fold from the
 * cache and trains whatever a failed child left. Worth it where one training cannot keep the cores busy: small
 * models, whose convolutions are too small to split well over threads (README, "The command line").
 *
 * Children run in their own process group, so a terminal's Ctrl-C reaches only this process, which passes one
 * SIGINT on: each child stops after its current batch, as a single study does. SIGTERM or SIGHUP on this process
 * terminates the children too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import type { Shard, StudyProgress } from '../main/training/eval/study';
import { formatSeconds } from './progress';

/** A child's progress, one line on its stdout after this prefix. */
export const SHARD_PROGRESS = '@shard-progress ';

export interface ShardProgressLine {
  done: number;
  total: number;
  etaSeconds: number | null;
}

/** Parses --jobs: a whole number from 1 to 64 (default 1). */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`--jobs must be a whole number from 1 to 64, got '${value}'`);
  return n;
}

/** Parses --shard i/N (0 <= i < N), the flag a --jobs parent gives each child. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count)
    throw new Error(`--shard must be i/N with 0 <= i < N, got '${value}'`);
  return shard;
}

/** The command line without its --jobs flag (either form). */
export function withoutJobs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs') i++;
    else if (!argv[i].startsWith('--jobs=')) out.push(argv[i]);
  }
  return out;
}

/** The child's progress line for its parent. */
export function shardProgressLine(p: ShardProgressLine): string {
  return SHARD_PROGRESS + JSON.stringify(p);
}

/**
 * Runs `jobs` children of `command argv --shard i/jobs` and waits for all of them. Returns 'cancelled' when the
 * signal aborted (every child was asked to stop); a child that failed is logged, and its folds are left for the
 * caller, which trains them itself.
 */
export async function runJobs(o: {
  command: string;
  argv: string[];
  jobs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Default: this process's own entry script. */
  bin?: string;
}): Promise<'cancelled' | 'finished'> {
  const bin = o.bin ?? process.argv[1];
  const threads =
    process.env.FACTOR_INCEPTION_NATIVE_THREADS ??
    String(Math.max(1, Math.floor(os.availableParallelism() / o.jobs)));
  // handlers first: a signal that comes while the children start must find them
  const children: ChildProcess[] = [];
  const signalAll = (sig: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null && c.pid) c.kill(sig);
  };
  const stop = () => signalAll('SIGINT');
  // a parent that exits or is terminated takes its children with it (they are in their own process group)
  const onExit = () => signalAll('SIGTERM');
  const onTerm = (sig: NodeJS.Signals) => {
    onExit();
    process.exit(sig === 'SIGHUP' ? 129 : 143);
  };
  o.signal.addEventListener('abort', stop);
  process.on('exit', onExit);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onTerm);
  o.log(
    `${o.jobs} jobs train the folds at once (${threads} native-kernel thread(s) each); this process then reads them from the cache`,
  );
  const t0 = Date.now();
  const progress: (ShardProgressLine | undefined)[] = new Array(o.jobs).fill(undefined);
  let lastPrint = 0;
  let lastDone = -1;
  const report = (force = false) => {
    const known = progress.filter((p): p is ShardProgressLine => !!p);
    const done = known.reduce((a, p) => a + p.done, 0);
    // a line when a fold is done (at most every 10 s) or once a minute, once every job has reported
    const due = done !== lastDone ? 10_000 : 60_000;
    if (!force && (Date.now() - lastPrint < due || known.length < o.jobs)) return;
    lastPrint = Date.now();
    lastDone = done;
    const total = known.reduce((a, p) => a + p.total, 0);
    const etas = known.map((p) => p.etaSeconds).filter((e): e is number => e !== null);
    o.log(
      `[jobs: ${done}/${total} folds, elapsed ${formatSeconds((Date.now() - t0) / 1000)}, ETA ${etas.length === known.length && etas.length ? formatSeconds(Math.max(...etas)) : '?'}]`,
    );
  };
  const exits = Array.from({ length: o.jobs }, (_, i) => {
    const child = spawn(process.execPath, [bin, o.command, ...o.argv, '--shard', `${i}/${o.jobs}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FACTOR_INCEPTION_NATIVE_THREADS: threads },
    });
    children.push(child);
    const tag = `[job ${i + 1}/${o.jobs}]`;
    lines(child.stdout!, (line) => {
      if (line.startsWith(SHARD_PROGRESS)) {
        try {
          progress[i] = JSON.parse(line.slice(SHARD_PROGRESS.length)) as ShardProgressLine;
          report();
        } catch {
          o.log(`${tag} ${line}`);
        }
      } else if (relayed(line)) o.log(`${tag} ${line}`);
    });
    lines(child.stderr!, (line) => relayed(line) && o.log(`${tag} ${line}`));
    return new Promise<number | null>((resolve) => {
      child.on('error', (err) => {
        o.log(`${tag} could not start: ${err.message}`);
        resolve(-1);
      });
      child.on('close', (code) => resolve(code));
    });
  });
  try {
    const codes = await Promise.all(exits);
    report(true);
    if (o.signal.aborted) return 'cancelled';
    codes.forEach((c, i) => {
      if (c !== 0)
        o.log(`job ${i + 1}/${o.jobs} exited with code ${c}; its folds are trained by this process`);
    });
    return 'finished';
  } finally {
    o.signal.removeEventListener('abort', stop);
    process.off('exit', onExit);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onTerm);
  }
}

/**
 * Whether a child's line is shown: not blank, not tfjs' install banner, not the plan's dataset lines (the parent
 * prints those itself when it scores the study).
 */
const relayed = (line: string) =>
  line.trim() !== '' &&
  !/^=+$/.test(line) &&
  !line.startsWith('Hi, looks like you are running TensorFlow.js') &&
  !/^(dataset |common samples: |\d+ folds?, test |With \d+ days x |power: |sweep: |study: )/.test(line);

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

/**
 * A --jobs child: trains its shard, printing progress lines for its parent; Ctrl-C (passed on by the parent)
 * stops after the current batch.
 */
export async function runShard(
  train: (signal: AbortSignal, onProgress: (p: StudyProgress) => void) => Promise<unknown>,
): Promise<number> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  let last = 0;
  let latest: StudyProgress | undefined;
  const print = (p: StudyProgress) => {
    const eta = Number.isFinite(p.etaSeconds) ? p.etaSeconds : null;
    console.log(shardProgressLine({ done: p.done, total: p.total, etaSeconds: eta }));
  };
  const onProgress = (p: StudyProgress) => {
    latest = p;
    if (Date.now() - last < 5000 && p.phase !== 'trained') return;
    last = Date.now();
    print(p);
  };
  try {
    await train(ac.signal, onProgress);
    // the last count, which the throttle may have held back (a run of cached folds)
    if (latest) print(latest);
    return 0;
  } catch (err) {
    if (ac.signal.aborted && err instanceof Error && err.message === 'study cancelled') return 130;
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
