/**
 * factor-inception command line: a dispatcher. Each sub-command lives in ./commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code) and `usage: string`.
 */
import { pathToFileURL } from 'node:url';

export const COMMANDS: Record<string, string> = {
  data: 'data check|update|reconcile ...      validate index files, update them from public sources, compare sources',
  labels: 'labels --data <dir> ...              class counts of the labels',
  dataset: 'dataset --data <dir> ...             samples, image shape, classes, drops',
  image: 'image --data <dir> --date D --out f.png   one factor image as a PNG heatmap',
  factors: 'factors [--json]                     the factor registry with formulas and warm-up',
  train: 'train --config <file.json> [--out <runs dir>]   train one model',
  batch: 'batch <queue.json>                   run many configs overnight, resuming after a crash',
  resume: 'resume <run dir>                     continue an interrupted run',
  runs: 'runs [--json] [--delete <run>]       list or delete runs',
  predict: 'predict --run <run dir> --data <dir> [--date D|latest]   class probabilities',
  explain: 'explain --run <run dir> --date D --out f.png   occlusion saliency of one date',
  study: 'study [--config <file.json>] [--preset quick|medium|overnight|intraday]   the walk-forward study',
  power: 'power [--preset ...] [--strengths ...] [--replicates N]   power of the study on planted signals',
};

export function usage(): string {
  return [
    'Usage: factor-inception <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (!(name in COMMANDS)) {
    console.error(`Unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  const mod = (await import(`./commands/${name}.ts`)) as { run: (argv: string[]) => Promise<number> };
  try {
    return await mod.run(rest);
  } catch (err) {
    console.error(`factor-inception ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.FACTOR_INCEPTION_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
