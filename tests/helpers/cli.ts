/** The command line in a child process, as the tests that need a real second process use it. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'bin/factor-inception.js');

export interface Child {
  pid: number;
  /** Exit code (null when killed by a signal). */
  code: Promise<number | null>;
  lines: string[];
  out: () => string;
  err: () => string;
  signal: (s: NodeJS.Signals) => void;
  /** Resolves with the first stdout line that satisfies `pred`. */
  waitFor: (pred: (line: string) => boolean, timeoutMs?: number) => Promise<string>;
}

// tfjs prints a banner on stderr when it runs without tfjs-node
const BANNER = /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js[^\n]*\n=+\n?/g;

/**
 * Runs `node <entry> ...args` (the CLI by default); stdout is a pipe, so progress comes as JSON lines.
 * `entry` may be another script run through tsx (the fault-injection CLI).
 */
export function cli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; entry?: string } = {},
): Child {
  const argv = opts.entry ? ['--import', 'tsx', opts.entry, ...args] : [BIN, ...args];
  const p = spawn(process.execPath, argv, {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let buf = '';
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const child: Child = {
    pid: p.pid!,
    code: new Promise((resolve) => p.on('close', (c) => resolve(c))),
    lines: [],
    out: () => out,
    err: () => err.replace(BANNER, '').trim(),
    signal: (s) => void p.kill(s),
    waitFor(pred, timeoutMs = 240_000) {
      const hit = child.lines.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching line within ${timeoutMs} ms; stderr: ${child.err()}`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void child.code.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before a matching line; stderr: ${child.err()}`));
        });
      });
    },
  };
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      child.lines.push(line);
      for (const w of [...waiters])
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return child;
}

/** A JSON progress line of the training loop, for waitFor. */
export const trainingProgress = (line: string): boolean => {
  if (!line.startsWith('{')) return false;
  const m = JSON.parse(line) as { type?: string; phase?: string };
  return m.type === 'progress' && m.phase === 'train';
};
