/**
 * The import graph of src/: no cycles (type-only and dynamic imports count: a cycle of types is still two
 * modules that cannot be understood apart), and the layers hold after resolving every relative import to its
 * file: src/shared and src/renderer import nothing from src/main, the engine nothing from the app shell.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Module specifiers of static imports and re-exports, side-effect imports and literal dynamic imports. */
export function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

/** The file a relative specifier names (TypeScript's resolution: .ts, .vue, or a folder's index.ts). */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.vue`, path.join(base, 'index.ts')])
    if (existsSync(c) && statSync(c).isFile()) return c;
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve '${spec}'`);
}

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(SRC)) {
    const deps = specifiers(readFileSync(f, 'utf8'))
      .map((s) => resolve(f, s))
      .filter((d): d is string => d !== undefined);
    g.set(f, [...new Set(deps)]);
  }
  return g;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const rel = (f: string) => path.relative(ROOT, f);

describe('import graph of src/', () => {
  const g = graph();

  it('the parser and the cycle finder see what they must (checked on hand-made input)', () => {
    expect(
      specifiers(
        "import a from './a';\nimport type { B } from '../b';\nexport { c } from './c';\nimport './d';\nconst e = await import('./e');\nimport {\n  f,\n  g,\n} from './fg';",
      ),
    ).toEqual(['./a', '../b', './c', './fg', './d', './e']);
    const toy = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a', 'd']],
      ['e', []],
    ]);
    expect(cycles(toy)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(g.size).toBeGreaterThan(100);
  });

  it('has no import cycle', () => {
    expect(cycles(g).map((c) => c.map(rel))).toEqual([]);
  });

  it('src/shared and src/renderer import nothing from src/main', () => {
    const bad = [...g]
      .filter(([f]) => /^src\/(shared|renderer)\//.test(rel(f)))
      .flatMap(([f, deps]) =>
        deps.filter((d) => rel(d).startsWith('src/main/')).map((d) => `${rel(f)} -> ${rel(d)}`),
      );
    expect(bad).toEqual([]);
  });

  it('the engine and the CLI import nothing from the app shell (ipc, services, worker)', () => {
    const bad = [...g]
      .filter(([f]) => /^src\/(main\/training|cli|shared)\//.test(rel(f)))
      .flatMap(([f, deps]) =>
        deps
          .filter((d) => /^src\/main\/(ipc|services|worker)\//.test(rel(d)))
          .map((d) => `${rel(f)} -> ${rel(d)}`),
      );
    expect(bad).toEqual([]);
  });
});
