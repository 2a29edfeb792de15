/** Starts the worker processes as Node child processes (the web host's stand-in for Electron's utilityProcess). */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComputeHandle } from '../main/services/compute';
import type { WorkerHandle } from '../main/services/jobs';
import type { FromCompute, ToCompute } from '../main/worker/compute-protocol';
import type { FromWorker, ToWorker } from '../main/worker/protocol';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A worker's entry: the built bundle when present next to this file, else the TypeScript source through tsx. */
export function workerEntry(name: 'train-worker' | 'compute-worker' = 'train-worker'): {
  file: string;
  execArgv: string[];
} {
  const built = path.join(here, `${name}.js`);
  if (existsSync(built)) return { file: built, execArgv: [] };
  return { file: path.resolve(here, `../main/worker/${name}.ts`), execArgv: ['--import', 'tsx'] };
}

function forkEntry<In, Out>(name: 'train-worker' | 'compute-worker') {
  const { file, execArgv } = workerEntry(name);
  const child = fork(file, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (msg: In) => {
      if (child.connected) child.send(msg as object);
    },
    onMessage: (cb: (m: Out) => void) => child.on('message', (m) => cb(m as Out)),
    onExit: (cb: (code: number | null) => void) => child.once('exit', (code) => cb(code)),
    kill: () => child.kill('SIGKILL'),
  };
}

export function forkWorker(): WorkerHandle {
  return forkEntry<ToWorker, FromWorker>('train-worker');
}

export function forkCompute(): ComputeHandle {
  return forkEntry<ToCompute, FromCompute>('compute-worker');
}
