#!/usr/bin/env node
// Builds the optional native kernel addon (native/: OpenBLAS convolutions for the wasm backend) with node-gyp.
// Run by `npm ci`/`npm install` (the root "install" script) and by `npm run build:native`.
// As an install step it never fails the install: without a C compiler or libopenblas-dev it prints why and
// training runs on the wasm kernels alone (slower; `npm run bench -- training` shows by how much).
// `--strict` (npm run build:native) fails instead. FACTOR_INCEPTION_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const off = ['0', 'off', 'false', 'no'].includes((process.env.FACTOR_INCEPTION_NATIVE ?? '').toLowerCase());
if (off) {
  console.log('native kernels: skipped (FACTOR_INCEPTION_NATIVE=0)');
  process.exit(0);
}
const header = [
  '/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h',
  '/usr/include/openblas/cblas.h',
  '/usr/include/cblas.h',
];
if (!strict && !header.some((h) => existsSync(h))) {
  console.log(
    'native kernels: not built (no OpenBLAS headers; on Debian/Ubuntu: apt-get install libopenblas-dev, then npm run build:native). ' +
      'Training uses the wasm kernels alone.',
  );
  process.exit(0);
}
// Inside npm scripts node-gyp is on PATH (npm's bundled copy) and npm's nodedir setting reaches it. Without a
// nodedir node-gyp downloads Node's headers, which fails offline; an installed Node has them under its prefix.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir =
  !process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))
    ? [`--nodedir=${prefix}`]
    : [];
const r = spawnSync('node-gyp', ['rebuild', '--directory', path.join(root, 'native'), ...nodedir], {
  stdio: strict ? 'inherit' : ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (r.status === 0) {
  console.log('native kernels: built native/build/Release/factor_inception_native.node');
  process.exit(0);
}
const why = r.error
  ? r.error.message
  : (r.stderr ?? '')
      .split('\n')
      .filter((l) => /error/i.test(l))
      .slice(0, 3)
      .join(' | ');
console.log(
  `native kernels: build failed (${why || `node-gyp exit ${r.status}`}). Training uses the wasm kernels alone.`,
);
process.exit(strict ? 1 : 0);
