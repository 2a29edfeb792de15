import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Thin wrapper over node:util parseArgs that turns its errors into one clear line. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (see factor-inception --help)`);
  }
}

/** Parses a number flag, naming the flag when it is not a finite number. */
export function num(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got '${value}'`);
  return n;
}

/**
 * parseArgs reads `--down -0.01` as two flags; analysts type it that way, so a string option followed by a
 * negative number is joined into `--down=-0.01` first.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(argv[i + 1] ?? '')) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}
