/** Starts the training worker as a Node child process (the web host's stand-in for Electron's utilityProcess). */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerHandle } from '../main/services/jobs';
import type { FromWorker, ToWorker } from '../main/worker/protocol';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The worker entry: the built bundle when present next to this file, else the TypeScript source through tsx. */
export function workerEntry(): { file: string; execArgv: string[] } {
  const built = path.join(here, 'train-worker.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  return { file: path.resolve(here, '../main/worker/train-worker.ts'), execArgv: ['--import', 'tsx'] };
}

export function forkWorker(): WorkerHandle {
  const { file, execArgv } = workerEntry();
  const child = fork(file, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (msg: ToWorker) => {
      if (child.connected) child.send(msg);
    },
    onMessage: (cb) => child.on('message', (m) => cb(m as FromWorker)),
    onExit: (cb) => child.once('exit', (code) => cb(code)),
    kill: () => child.kill('SIGKILL'),
  };
}
