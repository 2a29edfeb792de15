/**
 * Resolves a URL path against a root folder and refuses anything that would leave it: `..` segments, encoded
 * dots or slashes, absolute paths, NUL bytes, and symlinks that point outside. Returns undefined when refused.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function safeResolve(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:$/.test(s))) return undefined;
  const rootReal = realpathSync(root);
  const candidate = path.join(rootReal, ...segments);
  if (!inside(rootReal, candidate)) return undefined;
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  if (!inside(rootReal, real)) return undefined;
  try {
    if (!statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return real;
}
