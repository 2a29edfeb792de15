/**
 * One writer per run or study folder: while a process trains a folder it holds <folder>/lock.json (its process
 * id, host name, process start time and command). A second writer (`resume` or `batch` beside a live `train`,
 * the app beside the CLI) is refused with a message naming the holder. A lock whose process is gone, or whose
 * process id now belongs to a process that started later (the id was reused), is stale and taken over.
 *
 * The lock is created whole: its content goes to a temp file that is hard-linked to lock.json, and link() fails
 * when lock.json exists, so two starters can never both win and nobody ever reads a half-written lock.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../shared/errors';
import { readStoredJson } from './stored';

export const LOCK_FILE = 'lock.json';

export interface RunLockInfo {
  pid: number;
  host: string;
  /** When the lock was taken (ISO time). */
  startedAt: string;
  /** What holds it, for the message a refused writer prints ('train', 'resume', 'study', 'app worker' ...). */
  command: string;
  /** Linux: boot id and start time of the process in clock ticks, so a reused process id is not taken for it. */
  processStart?: string;
}

const lockSchema = z.looseObject({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  command: z.string(),
  processStart: z.string().optional(),
});

/** Boot id and start time (clock ticks since boot) of a process on Linux; undefined elsewhere or when gone. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}:${fields[19]}`;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's process is known to be gone (same host: not alive, or its id now names a newer process). */
export function isStaleLock(info: RunLockInfo): boolean {
  if (info.host !== os.hostname()) return false;
  if (!alive(info.pid)) return true;
  const now = info.processStart ? processStartOf(info.pid) : undefined;
  return now !== undefined && now !== info.processStart;
}

/** The lock of a folder as written, or undefined when there is none. Refuses a malformed one naming the file. */
export function readRunLock(dir: string): RunLockInfo | undefined {
  const file = path.join(dir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  return readStoredJson(file, lockSchema);
}

/** The live holder of a folder's lock; undefined when nobody holds it or the lock is stale. */
export function lockHolder(dir: string): RunLockInfo | undefined {
  let info: RunLockInfo | undefined;
  try {
    info = readRunLock(dir);
  } catch {
    // an unreadable lock file cannot name a holder; lockOrThrow reports it
    return undefined;
  }
  return info && !isStaleLock(info) ? info : undefined;
}

export function describeHolder(info: RunLockInfo): string {
  return `process ${info.pid} on ${info.host} (${info.command}, since ${info.startedAt})`;
}

export interface RunLock {
  readonly file: string;
  readonly info: RunLockInfo;
  /** Removes the lock if it is still ours. */
  release(): void;
}

/** Creates `file` holding `text` only if it does not exist yet; false when it exists. */
function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // a file system without hard links: exclusive create (a crash mid-write leaves an unreadable lock)
    try {
      const fd2 = openSync(file, 'wx');
      try {
        writeSync(fd2, text);
      } finally {
        closeSync(fd2);
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Takes the folder's lock for this process or throws naming the live holder. A stale lock is moved aside and
 * checked again after the move, so two processes that both judged it stale cannot both take it.
 */
export function acquireRunLock(dir: string, command: string): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const info: RunLockInfo = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command,
    processStart: processStartOf(process.pid),
  };
  const text = JSON.stringify(info, null, 2) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, text)) {
      return {
        file,
        info,
        release() {
          try {
            const now = JSON.parse(readFileSync(file, 'utf8')) as RunLockInfo;
            if (now.pid === info.pid && now.startedAt === info.startedAt) unlinkSync(file);
          } catch {
            /* gone or replaced: nothing of ours to remove */
          }
        },
      };
    }
    let held: RunLockInfo;
    try {
      held = readStoredJson(file, lockSchema);
    } catch (err) {
      throw new ConfigError(
        dir,
        `${err instanceof Error ? err.message : String(err)}; if no process trains this folder, delete ${file}`,
      );
    }
    if (!isStaleLock(held)) {
      const where =
        held.host === os.hostname()
          ? ''
          : ` (another host: if it no longer trains this folder, delete ${file})`;
      throw new ConfigError(
        dir,
        `is being trained by ${describeHolder(held)}${where}; wait for it to finish or stop it (a second writer would corrupt the folder)`,
      );
    }
    const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else moved it first: try again
    }
    if (!isStale(readFileSync(aside, 'utf8'))) {
      // a live lock was taken between our read and our move: put it back; the next round reports it
      try {
        linkSync(aside, file);
      } catch {
        /* a third process has locked meanwhile: theirs stands */
      }
    }
    unlinkSync(aside);
  }
  throw new ConfigError(dir, `could not take ${file}: other processes keep taking it`);
}

function isStale(text: string): boolean {
  try {
    const r = lockSchema.safeParse(JSON.parse(text));
    return r.success ? isStaleLock(r.data) : true;
  } catch {
    return true;
  }
}

/** Runs fn while holding the folder's lock. */
export async function withRunLock<T>(dir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireRunLock(dir, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
