/**
 * The one reader of the files the engine stores (run.json, config.json, status.json, metrics.jsonl, checkpoint
 * manifests and binaries, model.json and weights.bin, the fold cache, lock files, summary.json ...): every read
 * goes through here, and every refusal names the file and, where there is one, the line and the field. Binaries
 * are checked against the length and sha256 their manifest records, the way git checks an object's hash on read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { configErrorFromZod } from '../../../shared/config';
import { DataError } from '../../../shared/errors';
import { jsonErrorOffset, lineOf } from '../../../shared/json';

/** sha256 of bytes or UTF-8 text, hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes of a stored file; a missing, unreadable or folder path is refused naming the file. */
export function readStoredBytes(file: string, expect: { bytes?: number; sha256?: string } = {}): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'is missing'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
    throw new DataError(file, why);
  }
  if (expect.bytes !== undefined && buf.byteLength !== expect.bytes)
    throw new DataError(
      file,
      `has ${buf.byteLength} bytes, its manifest says ${expect.bytes}: the file is truncated or corrupt`,
    );
  if (expect.sha256 !== undefined) {
    const got = sha256Hex(buf);
    if (got !== expect.sha256)
      throw new DataError(
        file,
        `does not match the sha256 its manifest records (${expect.sha256.slice(0, 12)}…, the file has ${got.slice(0, 12)}…): the file is corrupt`,
      );
  }
  return buf;
}

/** A stored text file (UTF-8, a leading byte-order mark dropped). */
export function readStoredText(file: string): string {
  return readStoredBytes(file)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** JSON text of `file` to a value; a syntax error names the file and its line. */
export function parseStoredJson(text: string, file: string): unknown {
  if (!text.trim()) throw new DataError(file, 'is empty (an interrupted write, or not this program’s file)');
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = jsonErrorOffset(text);
    throw new DataError(file, `is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, {
      line: lineOf(text, at < 0 ? text.length : at),
    });
  }
}

/**
 * A value checked against a schema; the first bad field is named with the file. Returns the value itself, not
 * the schema's copy: key order is what the writer wrote (configs are hashed into fingerprints and the fold
 * cache key), and the schemas here never transform.
 */
export function checkStored<T>(file: string, raw: unknown, schema: z.ZodType<T>, line?: number): T {
  const r = schema.safeParse(raw);
  if (r.success) return raw as T;
  const e = configErrorFromZod(r.error);
  throw new DataError(file, e.message.slice(e.field.length + 2), { field: e.field, line });
}

/** Reads and validates a JSON file the program wrote; refuses it naming the file and the first bad field. */
export function readStoredJson<T>(file: string, schema: z.ZodType<T>): T {
  return checkStored(file, parseStoredJson(readStoredText(file), file), schema);
}

/** A JSON-lines file: one value per non-blank line, each validated; refusals name the file and line. */
export function readStoredJsonLines<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  readStoredText(file)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new DataError(file, 'is not a JSON line (an interrupted write?)', { line: i + 1 });
      }
      out.push(checkStored(file, raw, schema, i + 1));
    });
  return out;
}
