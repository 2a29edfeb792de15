/** The engine, the shared code, the web host and the app's plain services must run in Node without electron. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|mts|vue)$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT_ELECTRON =
  /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"](electron|electron-store)(?:\/[^'"]*)?['"]/;

function offenders(dirs: string[], allow: (rel: string) => boolean = () => false): string[] {
  return dirs
    .flatMap((d) => files(path.join(ROOT, d)))
    .map((f) => path.relative(ROOT, f))
    .filter((rel) => !allow(rel) && IMPORT_ELECTRON.test(readFileSync(path.join(ROOT, rel), 'utf8')));
}

describe('electron stays in the shell', () => {
  it('the detector sees the import forms it is meant to catch', () => {
    for (const s of [
      "import { app } from 'electron';",
      'import Store from "electron-store";',
      "const e = require('electron')",
      "await import('electron')",
      "import 'electron';",
    ])
      expect(IMPORT_ELECTRON.test(s), s).toBe(true);
    expect(IMPORT_ELECTRON.test("import x from 'electron-vite';")).toBe(false);
  });

  it('no file under src/main/training/ or src/shared/ imports electron', () => {
    expect(offenders(['src/main/training', 'src/shared'])).toEqual([]);
  });

  it('the web host, the worker and the plain services do not import electron', () => {
    expect(
      offenders(['src/host', 'src/main/worker', 'src/main/services'], (rel) =>
        rel.endsWith('settings-store.ts'),
      ),
    ).toEqual([]);
    const ipc = offenders(['src/main/ipc']);
    expect(ipc.every((f) => /register-(electron|dialog)\.ts$/.test(f))).toBe(true);
  });

  it('the IPC contract and the renderer use no node built-ins (they run in the sandboxed page)', () => {
    const node =
      /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:[^'"]+|fs|path|os|child_process|crypto)['"]/;
    const users = [
      path.join(ROOT, 'src/shared/ipc-contract.ts'),
      ...files(path.join(ROOT, 'src/renderer')),
    ].filter((f) => node.test(readFileSync(f, 'utf8')));
    expect(users.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('electron-store is used by exactly one module', () => {
    const users = ['src']
      .flatMap((d) => files(path.join(ROOT, d)))
      .filter((f) => /['"]electron-store['"]/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(users).toEqual(['src/main/services/settings-store.ts']);
  });
});
