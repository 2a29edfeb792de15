import path from 'node:path';
import { parse } from '../args';
import { listRuns } from '../../main/training/train/run-folders';
import { deleteRun } from '../../main/training/train/runs';

export const usage = `factor-inception runs [--out <runs dir>] [--json]
factor-inception runs delete <run dir>     (or: runs --delete <run dir>)
  Lists runs and studies (status, epochs or folds trained, last validation loss, backend) or deletes one run folder.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string' },
      json: { type: 'boolean' },
      delete: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const runsDir = path.resolve(values.out ?? 'runs');
  let target = values.delete;
  if (positionals[0] === 'delete') {
    if (positionals.length !== 2) {
      console.error(usage);
      return 2;
    }
    target = positionals[1];
  } else if (positionals.length) {
    console.error(`unknown argument '${positionals[0]}'\n${usage}`);
    return 2;
  }
  if (target) {
    // a bare name means a run in the runs dir
    const dir =
      path.isAbsolute(target) || target.includes(path.sep)
        ? path.resolve(target)
        : path.join(runsDir, target);
    deleteRun(dir);
    console.log(values.json ? JSON.stringify({ deleted: dir }) : `deleted ${dir}`);
    return 0;
  }
  const runs = listRuns(runsDir);
  if (values.json) {
    console.log(JSON.stringify(runs));
    return 0;
  }
  if (runs.length === 0) {
    console.log(`no runs in ${runsDir}`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.kind,
    r.name,
    r.status,
    r.preset,
    r.kind === 'study' ? `${r.epochsDone} folds` : `${r.epochsDone}/${r.epochs}`,
    r.valLoss !== undefined ? r.valLoss.toFixed(4) : '-',
    r.valAccuracy !== undefined ? r.valAccuracy.toFixed(3) : '-',
    r.backend,
    r.createdAt.slice(0, 19),
  ]);
  const head = ['kind', 'name', 'status', 'preset', 'epochs', 'val_loss', 'val_acc', 'backend', 'created'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  // broken and foreign folders: why they cannot be read
  for (const r of runs) if (r.message) console.log(`${r.name}: ${r.message}`);
  return 0;
}
