/**
 * Lets tfjs-backend-wasm 4.22 use its threaded-SIMD binary in Node. tfjs disables it there
 * (WASM_HAS_MULTITHREAD_SUPPORT is false under Node, tfjs issue #3830) because Emscripten's pthread workers are
 * started from blob: URLs, which node:worker_threads rejects. We hand the workers real files instead: the two
 * scripts tfjs wraps in Blobs (the pthread worker and the module factory) are recorded when created, written once
 * to a cache directory, and their paths are given to `new Worker` and to the worker's `importScripts`. The factory
 * text was cut out of tfjs' Node bundle and refers to four of that bundle's module variables, which we define.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER_PREFIX = '"use strict";var Module={};var ENVIRONMENT_IS_NODE';
const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd';
const FACTORY_PRELUDE =
  "var require$$0 = require('fs'); var require$$1 = require('path'); var require$$3 = require('perf_hooks');" +
  " var require$$4 = require('os'); var commonjsGlobal = globalThis;\n";

const texts = new WeakMap<object, string>();
let installed = false;

/** Writes `text` to a content-addressed .cjs file (atomically) and returns its absolute path. */
function scriptFile(text: string): string {
  const dir = path.join(os.tmpdir(), 'factor-inception-wasm-threads');
  const file = path.join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 24)}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return file;
}

function fileFor(blob: object): string | undefined {
  const text = texts.get(blob);
  if (text === undefined) return undefined;
  return scriptFile(text.startsWith(FACTORY_PREFIX) ? FACTORY_PRELUDE + text : text);
}

/**
 * Installs the shims (idempotent). They stay installed because Emscripten may start more pthread workers later;
 * they only act on the two tfjs scripts and leave every other Blob, object URL and worker message untouched.
 */
export function installWasmThreadShims(): void {
  if (installed) return;
  installed = true;
  const RealBlob = globalThis.Blob;
  class RecordingBlob extends RealBlob {
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args);
      const parts = args[0] as unknown[] | undefined;
      if (
        parts?.length === 1 &&
        typeof parts[0] === 'string' &&
        (parts[0].startsWith(WORKER_PREFIX) || parts[0].startsWith(FACTORY_PREFIX))
      ) {
        texts.set(this, parts[0]);
      }
    }
  }
  globalThis.Blob = RecordingBlob;
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob) => fileFor(obj) ?? createObjectURL(obj);
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (
    this: Worker,
    msg: unknown,
    transfer?: Parameters<Worker['postMessage']>[1],
  ) {
    const m = msg as { cmd?: string; urlOrBlob?: unknown } | null;
    if (m && m.cmd === 'load' && typeof m.urlOrBlob === 'object' && m.urlOrBlob !== null) {
      const file = fileFor(m.urlOrBlob);
      if (file) msg = { ...m, urlOrBlob: file };
    }
    return postMessage.call(this, msg, transfer);
  };
}
