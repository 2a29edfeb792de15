import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '../args';
import { createProgress } from '../progress';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { describeBackend, probeTargetOf, selectBackend } from '../../main/training/train/backend';
import { parseRunConfig, type RunConfig } from '../../main/training/train/config';
import { prepareRun } from '../../main/training/train/run-job';
import { isRunDir, readRunConfigOf, readRunStatus } from '../../main/training/train/runs';
import { ConfigError } from '../../shared/errors';
import { configWithOverrides, runWithDisplay, summary } from './train';

export const usage = `factor-inception batch <queue.json> [--out <runs dir>] [--data <dir>] [--json]
  Runs a queue of configs one after another. queue.json is either
    { "out": "runs", "data": "<dir>", "runs": [ { "name": "a", "config": { ...config... } | "path/to/config.json" }, ... ] }
  or an array of config file paths (the run name is then the file name without .json). Paths are relative to
  queue.json; --out/--data override the queue's. Each run lives in <out>/<name>: finished runs are skipped, an
  interrupted or cancelled one is resumed from its checkpoint, so re-running the same command after a crash or
  reboot continues the queue. A failing run is reported and the queue goes on (exit code 1 at the end).`;

export interface QueueEntry {
  name: string;
  config: RunConfig;
}

/** Reads a queue file into named, validated configs; names must be unique. */
export function readQueue(file: string): { entries: QueueEntry[]; out?: string; data?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      'queue',
      `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const base = path.dirname(path.resolve(file));
  const obj = (Array.isArray(raw) ? { runs: raw } : raw) as {
    runs?: unknown;
    out?: unknown;
    data?: unknown;
  } | null;
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.runs))
    throw new ConfigError('runs', `${file} must hold an array of config paths or { "runs": [...] }`);
  const entries = obj.runs.map((e: unknown, i: number): QueueEntry => {
    const where = `runs[${i}]`;
    const entry = (typeof e === 'string' ? { config: e } : e) as { name?: unknown; config?: unknown } | null;
    if (!entry || typeof entry !== 'object')
      throw new ConfigError(where, `must be a config path or { name, config } in ${file}`);
    let name = entry.name;
    let config: RunConfig;
    if (typeof entry.config === 'string') {
      config = configWithOverrides(path.resolve(base, entry.config), {});
      name ??= path.basename(entry.config).replace(/\.json$/i, '');
    } else if (entry.config && typeof entry.config === 'object') {
      config = parseRunConfig(entry.config, `${file} ${where}.config`);
    } else throw new ConfigError(`${where}.config`, `missing in ${file}`);
    if (typeof name !== 'string' || !name)
      throw new ConfigError(`${where}.name`, `is needed for an inline config in ${file}`);
    return { name, config };
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new ConfigError('runs', `run name '${e.name}' appears twice in ${file}`);
    seen.add(e.name);
  }
  const rel = (v: unknown) => (typeof v === 'string' ? path.resolve(base, v) : undefined);
  return { entries, out: rel(obj.out), data: rel(obj.data) };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string' },
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
  const queue = readQueue(positionals[0]);
  const runsDir = path.resolve(values.out ?? queue.out ?? 'runs');
  const dataDir = resolveDataDir(values.data ?? queue.data);
  let failed = 0;
  for (const [k, e] of queue.entries.entries()) {
    const runDir = path.join(runsDir, e.name);
    const display = createProgress({
      tty: values.json ? false : undefined,
      label: `${k + 1}/${queue.entries.length} ${e.name}`,
    });
    try {
      if (isRunDir(runDir)) {
        if (JSON.stringify(readRunConfigOf(runDir)) !== JSON.stringify(e.config))
          throw new ConfigError(
            e.name,
            `${runDir} holds a run with a different config; rename the queue entry or delete that run`,
          );
        if (readRunStatus(runDir)?.status === 'finished') {
          display.result(
            { run: runDir, status: 'finished', skipped: true },
            `${e.name}: finished earlier, skipped`,
          );
          continue;
        }
        display.log(`${e.name}: resuming ${runDir}`);
      }
      const backend = await selectBackend(e.config.train.backend, { probe: probeTargetOf(e.config) });
      display.log(`${e.name}: backend ${describeBackend(backend)}`);
      if (!isRunDir(runDir)) prepareRun(runsDir, e.name, e.config, dataDir, backend);
      const r = await runWithDisplay(runDir, backend, display, undefined, 'factor-inception batch');
      display.result(
        summary(runDir, r),
        `${e.name}: ${r.cancelled ? 'cancelled' : 'finished'} (${r.backend}, ${r.history.length} epoch(s))`,
      );
      r.model.dispose();
      if (r.cancelled) return 130;
    } catch (err) {
      failed++;
      display.stop();
      display.log(`${e.name}: failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return failed ? 1 : 0;
}
