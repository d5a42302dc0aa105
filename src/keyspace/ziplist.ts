/**
 * Redis's ziplist byte format (redis src/ziplist.c), which RDB files before Redis 7.0
 * hold for small lists, hashes and sorted sets, and quicklist nodes of RDB type 14:
 *
 *   total bytes (u32 LE) | tail offset (u32 LE) | count (u16 LE, 65535 = unknown)
 *   | entries | 0xFF
 *
 * Each entry is the previous entry's size (1 byte, or 0xFE + u32 LE), an encoding
 * (string length or integer kind) and the payload. Only decoding is needed: Redis 7.0
 * writes listpacks. `encodeZiplist` exists for tests and tools that need ziplist input.
 * Malformed input throws RdbDecodeError ('format'), checked as Redis's
 * ziplistValidateIntegrity does.
 */
import { parseInt64 } from '../util/numbers.js';
import { RdbDecodeError } from './serialize.js';

const HEADER_BYTES = 10;
const END = 0xff;
const BIG_PREVLEN = 0xfe;
const COUNT_UNKNOWN = 0xffff;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

/** The elements of a ziplist, in order; integers as decimal strings. */
export function decodeZiplist(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = buf.length;
  if (size < HEADER_BYTES + 1 || buf.readUInt32LE(0) !== size || buf[size - 1] !== END) {
    corrupt();
  }
  const tail = buf.readUInt32LE(4);
  if (tail > size - 1) corrupt();
  const declared = buf.readUInt16LE(8);
  const out: string[] = [];
  let p = HEADER_BYTES;
  let prevSize = 0;
  let last = -1;
  while (buf[p] !== END) {
    const entrySize = readEntry(buf, p, prevSize, out);
    last = p;
    prevSize = entrySize;
    p += entrySize;
  }
  if (p !== size - 1) corrupt();
  if (last !== -1 && last !== tail) corrupt();
  if (declared !== COUNT_UNKNOWN && declared !== out.length) corrupt();
  return out;
}

/** Decodes the entry at `p` into `out`; returns its whole size in bytes. */
function readEntry(buf: Buffer, p: number, prevSize: number, out: string[]): number {
  const limit = buf.length - 1;
  const need = (n: number): void => {
    if (p + n > limit) corrupt();
  };
  need(1);
  let prevlenBytes = 1;
  let prevlen = buf[p]!;
  if (prevlen === BIG_PREVLEN) {
    need(5);
    prevlenBytes = 5;
    prevlen = buf.readUInt32LE(p + 1);
  }
  if (prevlen !== prevSize) corrupt();
  const q = p + prevlenBytes;
  need(prevlenBytes + 1);
  const enc = buf[q]!;
  if (enc < 0xc0) return prevlenBytes + readString(buf, q, enc, (n) => need(prevlenBytes + n), out);
  return prevlenBytes + readInteger(buf, q, enc, (n) => need(prevlenBytes + n), out);
}

function readString(
  buf: Buffer,
  q: number,
  enc: number,
  need: (n: number) => void,
  out: string[],
): number {
  let header: number;
  let len: number;
  switch (enc >> 6) {
    case 0:
      header = 1;
      len = enc & 0x3f;
      break;
    case 1:
      need(2);
      header = 2;
      len = ((enc & 0x3f) << 8) | buf[q + 1]!;
      break;
    default:
      if (enc !== 0x80) corrupt();
      need(5);
      header = 5;
      len = buf.readUInt32BE(q + 1);
  }
  need(header + len);
  out.push(buf.latin1Slice(q + header, q + header + len));
  return header + len;
}

function readInteger(
  buf: Buffer,
  q: number,
  enc: number,
  need: (n: number) => void,
  out: string[],
): number {
  if (enc >= 0xf1 && enc <= 0xfd) {
    out.push(String((enc & 0x0f) - 1));
    return 1;
  }
  const width = INT_WIDTH.get(enc);
  if (width === undefined) return corrupt();
  need(1 + width);
  out.push(width === 8 ? String(buf.readBigInt64LE(q + 1)) : String(buf.readIntLE(q + 1, width)));
  return 1 + width;
}

/** Integer encodings and their payload widths in bytes. */
const INT_WIDTH: ReadonlyMap<number, number> = new Map([
  [0xfe, 1],
  [0xc0, 2],
  [0xf0, 3],
  [0xd0, 4],
  [0xe0, 8],
]);

/** A ziplist of `entries`, integers encoded as Redis's ziplistPush would. */
export function encodeZiplist(entries: readonly string[]): Uint8Array {
  const parts: Buffer[] = [];
  let prevSize = 0;
  let offset = HEADER_BYTES;
  let tail = HEADER_BYTES;
  for (const s of entries) {
    const prevlen = prevSize < BIG_PREVLEN ? Buffer.from([prevSize]) : bigPrevlen(prevSize);
    const entry = Buffer.concat([prevlen, encodeBody(s)]);
    parts.push(entry);
    tail = offset;
    offset += entry.length;
    prevSize = entry.length;
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(offset + 1, 0);
  header.writeUInt32LE(tail, 4);
  header.writeUInt16LE(Math.min(entries.length, COUNT_UNKNOWN), 8);
  return Buffer.concat([header, ...parts, Buffer.from([END])]);
}

function bigPrevlen(n: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = BIG_PREVLEN;
  b.writeUInt32LE(n, 1);
  return b;
}

function encodeBody(s: string): Buffer {
  const v = s.length <= 20 ? parseInt64(s) : null;
  if (v !== null) return encodeInteger(v);
  const data = Buffer.from(s, 'latin1');
  const len = data.length;
  let header: Buffer;
  if (len <= 0x3f) header = Buffer.from([len]);
  else if (len <= 0x3fff) header = Buffer.from([0x40 | (len >> 8), len & 0xff]);
  else {
    header = Buffer.alloc(5);
    header[0] = 0x80;
    header.writeUInt32BE(len, 1);
  }
  return Buffer.concat([header, data]);
}

function encodeInteger(v: number | bigint): Buffer {
  if (typeof v === 'number' && v >= 0 && v <= 12) return Buffer.from([0xf1 + v]);
  for (const [enc, width] of INT_WIDTH) {
    if (width === 8 || fitsSigned(v, width)) {
      const b = Buffer.alloc(1 + width);
      b[0] = enc;
      if (width === 8) b.writeBigInt64LE(BigInt(v), 1);
      else b.writeIntLE(Number(v), 1, width);
      return b;
    }
  }
  return corrupt();
}

function fitsSigned(v: number | bigint, width: number): boolean {
  const half = 2 ** (8 * width - 1);
  return typeof v === 'number' && v >= -half && v < half;
}
