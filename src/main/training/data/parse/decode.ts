/** Bytes -> text: UTF-16 with a byte-order mark, UTF-8 with or without one, else GBK; undecodable bytes name their line. */
import iconv from 'iconv-lite';
import { DataError } from '../../../../shared/errors';

export interface Decoded {
  text: string;
  /** 'utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be' or 'gbk'. */
  encoding: string;
}

export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function decode(buf: Uint8Array, file: string, claimed?: 'utf-8' | 'gbk'): Decoded {
  // Excel's "Unicode text" export is UTF-16 with a byte-order mark.
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const enc = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      return { text: new TextDecoder(enc, { fatal: true }).decode(buf.subarray(2)), encoding: enc };
    } catch {
      throw new DataError(
        file,
        `starts with a ${enc.toUpperCase()} byte-order mark but is not valid ${enc.toUpperCase()}`,
      );
    }
  }
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  if (claimed !== 'gbk') {
    const body = bom ? buf.subarray(3) : buf;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
    } catch {
      if (claimed === 'utf-8' || bom) {
        const loose = new TextDecoder('utf-8').decode(body);
        const at = loose.indexOf('\ufffd');
        throw new DataError(file, 'not valid UTF-8 text (is it GBK? try encoding "gbk")', {
          line: lineOfOffset(loose, at),
        });
      }
    }
  }
  const text = iconv.decode(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), 'gbk');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    throw new DataError(
      file,
      claimed === 'gbk' ? 'bytes that are not valid GBK' : 'undecodable bytes: neither valid UTF-8 nor GBK',
      { line: lineOfOffset(text, bad) },
    );
  }
  return { text, encoding: 'gbk' };
}
