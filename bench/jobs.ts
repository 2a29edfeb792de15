/**
 * `study --jobs`: the same small study (the overnight preset's model and training budget, CSI 300 only, its first
 * two folds, four seeds: 8 fold trainings) trained by one process with every core, then by `--jobs N` children,
 * each through the real command line into a fresh folder; prints both wall times, the ratio, and whether the
 * two printed tables agree (they must: the native kernels' results do not depend on the thread count).
 *
 *   npm run bench -- jobs [--jobs 2] [--seeds 4] [--data <dir>]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function benchJobs(argv: string[]): void {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const jobs = Number(flag('jobs') ?? os.availableParallelism());
  const data = flag('data');
  const seeds = Number(flag('seeds') ?? 4);
  const bin = path.resolve(import.meta.dirname, '../bin/factor-inception.js');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-bench-jobs-'));
  const cfg = path.join(tmp, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      dataset: { to: '2018-06-29' },
      seeds: Array.from({ length: seeds }, (_, i) => i + 1),
      ablation: { channelSets: [['000300']], layouts: ['time-factor'] },
      importance: { enabled: false },
    }),
  );
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`${cpu}, ${os.availableParallelism()} cores; load average ${os.loadavg()[0].toFixed(1)}`);
  const run = (label: string, extra: string[]) => {
    const t0 = Date.now();
    const args = ['study', '--preset', 'overnight', '--config', cfg, '--out', path.join(tmp, label)];
    const r = spawnSync(process.execPath, [bin, ...args, ...(data ? ['--data', data] : []), ...extra], {
      encoding: 'utf8',
    });
    const seconds = (Date.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const table = r.stdout.split('\n').filter((l) => l.startsWith('| '));
    const trained = /\((\d+) folds trained, (\d+) cached/.exec(r.stdout);
    console.log(`${label.padEnd(12)} ${seconds.toFixed(1)} s wall (${trained?.[0].slice(1) ?? '?'})`);
    return { seconds, table };
  };
  try {
    const one = run('one process', []);
    const many = run(`--jobs ${jobs}`, ['--jobs', String(jobs)]);
    console.log(
      `--jobs ${jobs} / one process: ${(one.seconds / many.seconds).toFixed(2)}x faster; tables ${one.table.join() === many.table.join() ? 'identical' : 'DIFFER'}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
