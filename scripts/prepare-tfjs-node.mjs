#!/usr/bin/env node
// Makes @tensorflow/tfjs-node load on a machine where its install step cannot download libtensorflow (this
// offline machine, CI). On a user's machine `npm ci` installs tfjs-node the normal way and this script is not
// needed; run after `npm ci`:
//
//   node scripts/prepare-tfjs-node.mjs [--check] [--force]
//
// Steps, each skipped when its result is already there (so a second run takes about a second):
//   1. npm install --no-save --ignore-scripts @tensorflow/tfjs-node@<pinned> (npm ci drops the optional package
//      when its download fails);
//   2. the TensorFlow C library from the tensorflow-cpu wheel (pip download; its libtensorflow_cc.so.2 exports
//      every TF_/TFE_ symbol the binding uses): the two shared libraries and the C API headers, unpacked once into
//      the cache ($FACTOR_INCEPTION_CACHE, else $XDG_CACHE_HOME/factor-inception, else ~/.cache/factor-inception);
//   3. the package's deps/lib and deps/include pointed at that cache (libtensorflow.so -> libtensorflow_cc.so.2);
//   4. the N-API binding built from source by node-pre-gyp with npm's bundled node-gyp (about 40 s), or copied
//      from the cache when one was built for the same tfjs-node, wheel, Node ABI and platform.
// Exit 0 when tfjs-node loads at the end, 1 (with the reason) when not. --check only reports whether it loads.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TF_WHEEL = 'tensorflow-cpu';
const TF_VERSION = process.env.FACTOR_INCEPTION_TF_WHEEL_VERSION ?? '2.21.0';
const LIBS = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
const HEADERS = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pkgDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).optionalDependencies[
  '@tensorflow/tfjs-node'
];
const cacheRoot =
  process.env.FACTOR_INCEPTION_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'factor-inception');
const libDir = path.join(cacheRoot, `libtensorflow-${TF_VERSION}-${process.platform}-${process.arch}`);
const say = (msg) => console.log(`tfjs-node: ${msg}`);

/** Whether tfjs-node loads in a fresh process, and why not. */
function probe() {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      "const tf = require('@tensorflow/tfjs-node'); console.log(tf.getBackend(), tf.version['tfjs-node'])",
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
  );
  if (r.status === 0 && /^tensorflow /.test(r.stdout.trim())) return { ok: true, what: r.stdout.trim() };
  const why =
    (r.stderr || r.stdout || '').split('\n').find((l) => /Error|error:/.test(l)) ?? `exit ${r.status}`;
  return { ok: false, why: why.trim() };
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail}`);
  }
  return r.stdout;
}

function installedVersion() {
  try {
    return JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function ensurePackage() {
  if (installedVersion() === pinned) return;
  say(`installing @tensorflow/tfjs-node@${pinned} without its download step`);
  run(
    'npm',
    [
      'install',
      '--no-save',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `@tensorflow/tfjs-node@${pinned}`,
    ],
    {
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    },
  );
  if (installedVersion() !== pinned) throw new Error(`npm did not install @tensorflow/tfjs-node@${pinned}`);
}

/** The wheel's libraries and headers in the cache (downloaded and unpacked once). */
function ensureLibtensorflow() {
  const stamp = path.join(libDir, 'complete.json');
  if (existsSync(stamp)) return;
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) throw new Error('needs python3 with pip to fetch the tensorflow-cpu wheel');
  const tmp = `${libDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    say(`downloading the ${TF_WHEEL} ${TF_VERSION} wheel with pip`);
    run(python, [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '-d',
      tmp,
      `${TF_WHEEL}==${TF_VERSION}`,
    ]);
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip wrote no wheel for ${TF_WHEEL}==${TF_VERSION}`);
    say(`unpacking ${LIBS.join(', ')} and the C API headers`);
    // zipfile from Python's standard library: the one unzip every machine with pip has
    const extract = `
import sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
libs = {'tensorflow/' + n for n in ${JSON.stringify(LIBS)}}
heads = tuple('tensorflow/include/' + h for h in ${JSON.stringify(HEADERS)})
z = zipfile.ZipFile(whl)
names = [n for n in z.namelist() if n in libs or n.startswith(heads)]
missing = libs - set(names)
if missing: sys.exit('the wheel has no ' + ', '.join(sorted(missing)))
for n in names: z.extract(n, out)
print(len(names))`;
    run(python, ['-c', extract, path.join(tmp, wheel), tmp]);
    rmSync(path.join(tmp, wheel));
    writeFileSync(path.join(tmp, 'complete.json'), JSON.stringify({ wheel, version: TF_VERSION }) + '\n');
    rmSync(libDir, { recursive: true, force: true });
    renameSync(tmp, libDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function link(target, at) {
  try {
    lstatSync(at);
    rmSync(at, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, at);
}

/** deps/lib and deps/include as the binding.gyp of tfjs-node expects them, pointing into the cache. */
function layOutDeps() {
  const lib = path.join(pkgDir, 'deps', 'lib');
  mkdirSync(lib, { recursive: true });
  for (const so of LIBS) link(path.join(libDir, 'tensorflow', so), path.join(lib, so));
  link('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so'));
  link('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  link(path.join(libDir, 'tensorflow', 'include'), path.join(pkgDir, 'deps', 'include'));
}

/** Node's headers: node-gyp would download them, which fails offline; an install prefix has them. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** npm's bundled node-gyp (node-pre-gyp looks for it beside npm; give it the exact file). */
function nodeGyp() {
  const npmRoot = run('npm', ['root', '-g']).trim();
  const inNpm = path.join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(inNpm) ? inNpm : undefined;
}

/** The binding file node-pre-gyp builds and tfjs-node loads: lib/napi-v<highest version both support>/. */
function bindingPath() {
  const supported = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).binary.napi_versions;
  const napi = Math.max(...supported.filter((v) => v <= Number(process.versions.napi)));
  return { napi, file: path.join(pkgDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node') };
}

function ensureBinding() {
  const { napi, file: out } = bindingPath();
  const key = `tfjs-node-${pinned}-tf${TF_VERSION}-napi${napi}-abi${process.versions.modules}-${process.platform}-${process.arch}`;
  const cached = path.join(cacheRoot, 'bindings', key, 'tfjs_binding.node');
  mkdirSync(path.dirname(out), { recursive: true });
  if (existsSync(cached) && !args.includes('--force')) {
    copyFileSync(cached, out);
    say(`binding copied from the cache (${key})`);
    return;
  }
  const dir = nodeDir();
  const gyp = nodeGyp();
  say(`building the N-API binding from source against libtensorflow ${TF_VERSION} (about 40 s)`);
  const t0 = Date.now();
  run(
    process.execPath,
    [
      path.join(root, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp'),
      'install',
      '--build-from-source',
      ...(dir ? [`--nodedir=${dir}`] : []),
    ],
    { cwd: pkgDir, env: { ...process.env, ...(gyp ? { npm_config_node_gyp: gyp } : {}) } },
  );
  if (!existsSync(out)) throw new Error(`node-pre-gyp finished but ${out} is missing`);
  mkdirSync(path.dirname(cached), { recursive: true });
  copyFileSync(out, `${cached}.tmp`);
  renameSync(`${cached}.tmp`, cached);
  say(`built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const before = probe();
if (args.includes('--check')) {
  say(before.ok ? `loads (${before.what})` : `does not load: ${before.why}`);
  process.exit(before.ok ? 0 : 1);
}
if (before.ok && !args.includes('--force')) {
  say(`already loads (${before.what}); nothing to do`);
  process.exit(0);
}
try {
  ensurePackage();
  ensureLibtensorflow();
  layOutDeps();
  ensureBinding();
} catch (e) {
  say(`not prepared: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
const after = probe();
say(
  after.ok
    ? `ready (${after.what}, libtensorflow from ${TF_WHEEL} ${TF_VERSION})`
    : `still does not load: ${after.why}`,
);
process.exit(after.ok ? 0 : 1);
