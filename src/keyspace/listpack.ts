/**
 * Redis's listpack byte format (redis src/listpack.c), the blob inside RDB payloads of
 * lists (quicklist nodes), hashes, sorted sets and streams:
 *
 *   total bytes (u32 LE) | element count (u16 LE, 65535 = unknown) | entries | 0xFF
 *
 * Each entry is an encoding byte (and length or integer bytes) followed by a backlen of
 * 1..5 bytes holding the entry's own size, so the list can be walked backwards.
 * Elements are latin1 strings; integer-encoded elements decode as decimal strings.
 * Malformed input throws RdbDecodeError ('format'), checked as deeply as Redis's
 * lpValidateIntegrity.
 */
import { parseInt64 } from '../util/numbers.js';
import { RdbDecodeError } from './serialize.js';

const HEADER_BYTES = 6;
const EOF = 0xff;
const COUNT_UNKNOWN = 0xffff;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

/** The elements of a listpack, in order. */
export function decodeListpack(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = buf.length;
  if (size < HEADER_BYTES + 1 || buf.readUInt32LE(0) !== size || buf[size - 1] !== EOF) {
    corrupt();
  }
  const declared = buf.readUInt16LE(4);
  const out: string[] = [];
  let p = HEADER_BYTES;
  while (buf[p] !== EOF) {
    const entryBytes = readEntry(buf, p, out);
    const backlenBytes = backlenSize(entryBytes);
    const end = p + entryBytes + backlenBytes;
    // The entry and its backlen must end before the terminator.
    if (end > size - 1) corrupt();
    if (decodeBacklen(buf, end - 1) !== entryBytes) corrupt();
    p = end;
  }
  if (p !== size - 1) corrupt();
  if (declared !== COUNT_UNKNOWN && declared !== out.length) corrupt();
  return out;
}

/**
 * Decodes the entry at `p` (encoding + payload, without backlen) into `out` and
 * returns its size in bytes. Reads past the buffer are caught by the caller's
 * bounds check through `need`.
 */
function readEntry(buf: Buffer, p: number, out: string[]): number {
  const b = buf[p]!;
  const limit = buf.length - 1;
  const need = (n: number): void => {
    if (p + n > limit) corrupt();
  };
  if (b < 0x80) {
    out.push(String(b));
    return 1;
  }
  if ((b & 0xc0) === 0x80) {
    const len = b & 0x3f;
    need(1 + len);
    out.push(buf.latin1Slice(p + 1, p + 1 + len));
    return 1 + len;
  }
  if ((b & 0xe0) === 0xc0) {
    need(2);
    const u = ((b & 0x1f) << 8) | buf[p + 1]!;
    out.push(String(u >= 1 << 12 ? u - (1 << 13) : u));
    return 2;
  }
  if ((b & 0xf0) === 0xe0) {
    need(2);
    const len = ((b & 0x0f) << 8) | buf[p + 1]!;
    need(2 + len);
    out.push(buf.latin1Slice(p + 2, p + 2 + len));
    return 2 + len;
  }
  return readWideEntry(buf, p, b, need, out);
}

function readWideEntry(
  buf: Buffer,
  p: number,
  b: number,
  need: (n: number) => void,
  out: string[],
): number {
  switch (b) {
    case 0xf0: {
      need(5);
      const len = buf.readUInt32LE(p + 1);
      need(5 + len);
      out.push(buf.latin1Slice(p + 5, p + 5 + len));
      return 5 + len;
    }
    case 0xf1:
      need(3);
      out.push(String(buf.readInt16LE(p + 1)));
      return 3;
    case 0xf2:
      need(4);
      out.push(String(buf.readIntLE(p + 1, 3)));
      return 4;
    case 0xf3:
      need(5);
      out.push(String(buf.readInt32LE(p + 1)));
      return 5;
    case 0xf4:
      need(9);
      out.push(String(buf.readBigInt64LE(p + 1)));
      return 9;
    default:
      return corrupt();
  }
}

/** lpEncodeBacklen(NULL, l): how many bytes the backlen of an `l`-byte entry takes. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** lpDecodeBacklen: read right to left, 7 bits a byte, high bit = more to the left. */
function decodeBacklen(buf: Buffer, last: number): number {
  let value = 0;
  let shift = 0;
  for (let p = last; ; p--) {
    const b = buf[p]!;
    value += (b & 127) * 2 ** shift;
    if ((b & 128) === 0) return value;
    shift += 7;
    if (shift > 28) return -1;
  }
}

/**
 * A listpack of `entries`, each as small as Redis would store it: strings that are
 * canonical int64s (string2ll) in the narrowest integer encoding, others as strings.
 */
export function encodeListpack(entries: readonly string[]): Uint8Array {
  let size = HEADER_BYTES + 1;
  for (const s of entries) size += entrySize(s);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(size, 0);
  buf.writeUInt16LE(Math.min(entries.length, COUNT_UNKNOWN), 4);
  let p = HEADER_BYTES;
  for (const s of entries) p = writeEntry(buf, p, s);
  buf[p] = EOF;
  return buf;
}

/** The integer value of `s` when listpack stores it as an integer. */
function asInteger(s: string): number | bigint | null {
  return s.length > 0 && s.length <= 20 ? parseInt64(s) : null;
}

function intPayloadSize(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function stringHeaderSize(len: number): number {
  if (len < 64) return 1;
  if (len < 4096) return 2;
  return 5;
}

/** Bytes of one whole entry, backlen included. */
function entrySize(s: string): number {
  const v = asInteger(s);
  const body = v === null ? stringHeaderSize(s.length) + s.length : intPayloadSize(v);
  return body + backlenSize(body);
}

function writeEntry(buf: Buffer, p: number, s: string): number {
  const v = asInteger(s);
  const body = v === null ? writeString(buf, p, s) : writeInteger(buf, p, v);
  return writeBacklen(buf, p + body, body);
}

function writeString(buf: Buffer, p: number, s: string): number {
  const len = s.length;
  let header: number;
  if (len < 64) {
    buf[p] = 0x80 | len;
    header = 1;
  } else if (len < 4096) {
    buf[p] = 0xe0 | (len >> 8);
    buf[p + 1] = len & 0xff;
    header = 2;
  } else {
    buf[p] = 0xf0;
    buf.writeUInt32LE(len, p + 1);
    header = 5;
  }
  buf.latin1Write(s, p + header, len);
  return header + len;
}

function writeInteger(buf: Buffer, p: number, v: number | bigint): number {
  const size = intPayloadSize(v);
  if (typeof v === 'bigint' || size === 9) {
    buf[p] = 0xf4;
    buf.writeBigInt64LE(BigInt(v), p + 1);
  } else if (size === 1) {
    buf[p] = v;
  } else if (size === 2) {
    const u = v < 0 ? (1 << 13) + v : v;
    buf[p] = 0xc0 | (u >> 8);
    buf[p + 1] = u & 0xff;
  } else {
    buf[p] = size === 3 ? 0xf1 : size === 4 ? 0xf2 : 0xf3;
    buf.writeIntLE(v, p + 1, size - 1);
  }
  return size;
}

/** lpEncodeBacklen: most significant group first, every byte but the first flagged. */
function writeBacklen(buf: Buffer, p: number, l: number): number {
  const n = backlenSize(l);
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(l / 2 ** (7 * (n - 1 - i))) & 127;
    buf[p + i] = i === 0 ? group : group | 128;
  }
  return p + n;
}
