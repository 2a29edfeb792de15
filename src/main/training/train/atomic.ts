import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** A failed write of a stored file: the message names the file; `code` is the system's (ENOSPC, EACCES ...). */
export class WriteError extends Error {
  readonly file: string;
  readonly code?: string;
  constructor(file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === 'ENOSPC'
        ? 'no space left on the device (ENOSPC)'
        : code === 'EDQUOT'
          ? 'disk quota exceeded (EDQUOT)'
          : cause instanceof Error
            ? cause.message
            : String(cause);
    super(`cannot write ${file}: ${why}`);
    this.name = 'WriteError';
    this.file = file;
    this.code = code;
  }
}

/**
 * Test seam for fault injection (tests/faults): called with the target file before its temp file is written
 * ('write'), before the rename that publishes it ('rename'), and before an in-place overwrite ('in-place'). It
 * may throw (an injected ENOSPC) or kill the process. Undefined in normal use.
 */
export type WriteFaultHook = (file: string, stage: 'write' | 'rename' | 'in-place') => void;
let faultHook: WriteFaultHook | undefined;
export function setWriteFaultHook(hook: WriteFaultHook | undefined): void {
  faultHook = hook;
}

/** The temp file name writeFileAtomic uses: `.<name>.<pid>.<ms>.tmp` beside the target. */
const TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;

/**
 * Writes a file atomically: a temp file in the same directory is written, fsynced and renamed over the target,
 * so a crash or `kill -9` leaves either the old or the new file, never a torn one. A failure (a full disk)
 * removes the temp file and throws a WriteError naming the target.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    faultHook?.(file, 'write');
    fd = openSync(tmp, 'w');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    faultHook?.(file, 'rename');
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may not exist */
    }
    throw err instanceof WriteError ? err : new WriteError(file, err);
  }
}

/**
 * Overwrites an existing small file in place (no temp file: for when the disk is full and the file's block is
 * already allocated). Not atomic: only for a last status that is better torn than missing.
 */
export function overwriteInPlace(file: string, text: string): void {
  let fd: number | undefined;
  try {
    faultHook?.(file, 'in-place');
    fd = openSync(file, 'r+');
    writeSync(fd, text, 0, 'utf8');
    ftruncateSync(fd, Buffer.byteLength(text));
    fsyncSync(fd);
  } catch (err) {
    throw new WriteError(file, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what interrupted writes left behind in dir and, `depth` levels down, its subfolders: temp files of
 * writeFileAtomic and of lock creation whose process is gone, and import folders (`.incoming-*`) older than an
 * hour. A temp file of a live process is kept (it may be writing it now). Returns the paths removed.
 */
export function cleanStaleTempFiles(dir: string, depth = 0, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (name.startsWith('.incoming-') && now - st.mtimeMs > 3_600_000) {
        rmSync(p, { recursive: true, force: true });
        removed.push(p);
      } else if (depth > 0 && !name.startsWith('.')) removed.push(...cleanStaleTempFiles(p, depth - 1, now));
      continue;
    }
    const m =
      TEMP.exec(name) ??
      /^lock\.json\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name) ??
      /^lock\.json\.stale-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(p);
      removed.push(p);
    } catch {
      /* removed meanwhile */
    }
  }
  return removed;
}
