/**
 * The compute worker: a long-lived process (Electron utilityProcess, or a Node child process in the web host)
 * that runs one task at a time for main's compute service and keeps its caches (imported files, datasets,
 * plans, a run's model) between tasks.
 */
import { runTask } from '../services/compute-tasks';
import type { FromCompute, TaskName, ToCompute } from './compute-protocol';

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(msg: FromCompute): void {
  if (parentPort) parentPort.postMessage(msg);
  // main may be gone (the host closed): nobody is left to read the answer
  else if (process.connected) process.send?.(msg, undefined, undefined, () => undefined);
}

function onMessage(msg: ToCompute): void {
  if (msg.type !== 'task') return;
  void (async () => {
    try {
      const value = await runTask(msg.task as TaskName, msg.params as never);
      post({ type: 'result', id: msg.id, ok: true, value });
    } catch (err) {
      post({
        type: 'result',
        id: msg.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  })();
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data as ToCompute));
else process.on('message', (m) => onMessage(m as ToCompute));
// main closes the channel when it goes: leave with it
process.on('disconnect', () => process.exit(0));
post({ type: 'ready' });
