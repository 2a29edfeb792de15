/**
 * One writer per run folder (issue 16, item 4). In this process: the lock names its holder, a stale lock (dead
 * process, reused process id) is taken over, a lock of another host or an unreadable one is not. With real
 * child processes on the real daily files: while `factor-inception train` trains a folder, `resume`, `batch`
 * and the app's training worker are refused with the holder named and write nothing; after a kill -9 the lock
 * is stale, the folder lists as interrupted, and `resume` takes it over and finishes the run once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forkWorker } from '../../../src/host/fork-worker';
import type { FromWorker } from '../../../src/main/worker/protocol';
import { listRuns } from '../../../src/main/training/train/run-folders';
import {
  acquireRunLock,
  isStaleLock,
  LOCK_FILE,
  lockHolder,
  processStartOf,
} from '../../../src/main/training/train/run-lock';
import { readRunStatus } from '../../../src/main/training/train/runs';
import { cli, trainingProgress } from '../../helpers/cli';
import { dailyDir } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The id of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const lockAt = (dir: string, over: Record<string, unknown>) =>
  writeFileSync(
    path.join(dir, LOCK_FILE),
    JSON.stringify({
      pid: process.pid,
      host: os.hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
      command: 'test',
      ...over,
    }),
  );

describe('run lock in one process', () => {
  it('names its holder to a second writer and is gone once released', () => {
    const dir = path.join(tmp, 'a');
    mkdirSync(dir);
    const lock = acquireRunLock(dir, 'first writer');
    const held = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'first writer' });
    expect(() => acquireRunLock(dir, 'second')).toThrow(
      `is being trained by process ${process.pid} on ${os.hostname()} (first writer, since ${String(held.startedAt)}); wait for it to finish or stop it`,
    );
    expect(lockHolder(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    acquireRunLock(dir, 'again').release();
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = path.join(tmp, 'b');
    mkdirSync(dir);
    const pid = deadPid();
    lockAt(dir, { pid });
    expect(lockHolder(dir)).toBeUndefined();
    const lock = acquireRunLock(dir, 'after a crash');
    expect(lock.info.pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(processStartOf(process.pid) !== undefined)(
    'takes over a lock whose process id now belongs to a later process (id reuse)',
    () => {
      const dir = path.join(tmp, 'c');
      mkdirSync(dir);
      // this very process is alive, but it is not the process that took the lock
      lockAt(dir, { processStart: 'another-boot:12345' });
      expect(isStaleLock(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')))).toBe(true);
      acquireRunLock(dir, 'reused id').release();
      // with its real start time, the same id is a live holder
      lockAt(dir, { processStart: processStartOf(process.pid) });
      expect(() => acquireRunLock(dir, 'x')).toThrow(/is being trained by process/);
    },
  );

  it('does not take over a lock of another host, nor an unreadable one; both messages say what to do', () => {
    const dir = path.join(tmp, 'd');
    mkdirSync(dir);
    lockAt(dir, { pid: deadPid(), host: 'other-machine' });
    expect(() => acquireRunLock(dir, 'x')).toThrow(
      new RegExp(
        `on other-machine .*another host: if it no longer trains this folder, delete ${path.join(dir, LOCK_FILE)}`,
      ),
    );
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid": ');
    expect(() => acquireRunLock(dir, 'x')).toThrow(
      new RegExp(`lock\\.json, line 1: is not valid JSON.*if no process trains this folder, delete`),
    );
  });
});

// the small real-data config of the command-line tests: a last-bar MLP on cpu, many short epochs
const config = (epochs: number) => ({
  dataset: { from: '2020-01-01', to: '2020-12-31', channels: ['000300', '000905'] },
  model: { preset: 'mlp', dropout: 0.2 },
  train: { epochs, batchSize: 4, backend: 'cpu', earlyStoppingPatience: 0 },
});

describe('run lock between processes', () => {
  const data = dailyDir();
  const runs = path.join(tmp, 'runs');

  it('refuses resume, batch and the app worker beside a live train, which alone writes the folder', async () => {
    const cfgFile = path.join(tmp, 'long.json');
    writeFileSync(cfgFile, JSON.stringify(config(200)));
    const dir = path.join(runs, 'live');
    const train = cli(['train', '--config', cfgFile, '--out', runs, '--name', 'live', '--data', data]);
    await train.waitFor(trainingProgress);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: train.pid,
      command: 'factor-inception train',
    });
    const holder = `is being trained by process ${train.pid} on ${os.hostname()} (factor-inception train`;

    const queue = path.join(tmp, 'queue.json');
    writeFileSync(queue, JSON.stringify({ out: runs, data, runs: [{ name: 'live', config: config(200) }] }));
    const resume = cli(['resume', dir, '--data', data]);
    const batch = cli(['batch', queue]);
    const fromWorker = new Promise<FromWorker[]>((resolve) => {
      const w = forkWorker();
      const seen: FromWorker[] = [];
      w.onMessage((m) => seen.push(m));
      w.onExit(() => resolve(seen));
      w.send({ type: 'start', job: { kind: 'train', dataDir: data, runsDir: runs, resumeRunDir: dir } });
    });

    expect(await resume.code).toBe(1);
    expect(resume.err()).toContain(holder);
    expect(await batch.code).toBe(1);
    expect(batch.out()).toContain(`live: failed: ${dir}: ${holder}`);
    const seen = await fromWorker;
    const error = seen.find((m) => m.type === 'error') as { message: string } | undefined;
    expect(error?.message).toContain(holder);

    // the live run was never touched by the refused writers: still running, one start in its log
    expect(readRunStatus(dir)?.status).toBe('running');
    expect(listRuns(runs).find((r) => r.name === 'live')?.status).toBe('running');
    train.signal('SIGTERM');
    expect(await train.code).toBe(130);
    const log = readFileSync(path.join(dir, 'train.log'), 'utf8');
    expect(log.match(/\] backend /g)).toHaveLength(1);
    expect(log).not.toMatch(/failed/);
    expect(readRunStatus(dir)?.status).toBe('cancelled');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('after kill -9 the lock is stale: the run lists as interrupted and resume finishes it once', async () => {
    const cfgFile = path.join(tmp, 'short.json');
    writeFileSync(cfgFile, JSON.stringify(config(3)));
    const dir = path.join(runs, 'killed');
    const train = cli(['train', '--config', cfgFile, '--out', runs, '--name', 'killed', '--data', data]);
    await train.waitFor(trainingProgress);
    train.signal('SIGKILL');
    await train.code;
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(train.pid);
    expect(listRuns(runs).find((r) => r.name === 'killed')?.status).toBe('interrupted');
    const resume = cli(['resume', dir, '--data', data]);
    expect(await resume.code).toBe(0);
    expect(readRunStatus(dir)?.status).toBe('finished');
    expect(readFileSync(path.join(dir, 'train.log'), 'utf8').match(/finished after/g)).toHaveLength(1);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
