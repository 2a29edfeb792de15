/**
 * Vite plugin for the main-process bundle: electron-vite's ESM shim prepends
 * `const require = createRequire(import.meta.url)` to every chunk that mentions `require(`; a module that already
 * declares its own `require` (src/main/training/train/backend.ts does) then fails to load with "Identifier
 * 'require' has already been declared". Drop the shim's line in exactly those chunks.
 */
import type { Plugin } from 'vite';

export const SHIM_LINE = 'const require = __shims_module__.createRequire(import.meta.url);';

/** The chunk without the shim's `require` when the chunk declares one itself; null when nothing needs changing. */
export function dedupeRequire(code: string): string | null {
  if (!code.includes(SHIM_LINE)) return null;
  const rest = code.replace(SHIM_LINE, '');
  return /(^|[\s;])(?:var|let|const)\s+require\s*=/.test(rest) ? rest : null;
}

export function dedupeRequireShim(): Plugin {
  return {
    name: 'dedupe-require-shim',
    apply: 'build',
    enforce: 'post',
    renderChunk(code) {
      const out = dedupeRequire(code);
      return out === null ? null : { code: out, map: null };
    },
  };
}
