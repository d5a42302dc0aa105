/**
 * Hashes in Redis's RDB object encoding (rdb.c rdbSaveObject / rdbLoadObject), for
 * DUMP/RESTORE and snapshots. Redis 7.0 writes RDB_TYPE_HASH_LISTPACK for a listpack and
 * RDB_TYPE_HASH for a hashtable; it still loads the older zipmap (2.4) and ziplist
 * (before 7.0) blobs, and so does this.
 */
import { DEFAULT_HASH_LIMITS, HashValue, type HashLimits } from './hash.js';
import { decodeListpack, encodeListpack } from './listpack.js';
import { RdbDecodeError, RdbType, type RdbReader, type RdbWriter } from './serialize.js';
import { decodeZiplist } from './ziplist.js';

/** zipmap.c: a length byte below this is the length; this one means 4 bytes follow. */
const ZIPMAP_BIGLEN = 254;
const ZIPMAP_END = 255;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).latin1Slice(0, bytes.length);
}

/** The type byte, then the listpack blob as one string, or the pairs one by one. */
export function writeHash(w: RdbWriter, value: HashValue): void {
  const pairs = value.toPairs();
  if (value.encoding() === 'listpack') {
    w.byte(RdbType.HASH_LISTPACK);
    w.string(latin1(encodeListpack(pairs)));
    return;
  }
  w.byte(RdbType.HASH);
  w.len(value.size);
  for (const s of pairs) w.string(s);
}

/**
 * Reads a hash payload of RDB type `rdbType` with Redis's conversions: a plain hash
 * stays a listpack while its size and elements fit `limits`; a listpack or ziplist blob
 * stays one unless it has too many pairs; a zipmap also converts for a long element.
 * An empty hash, duplicate fields or a malformed blob are corrupt.
 */
export function loadHash(
  r: RdbReader,
  rdbType: number,
  limits: HashLimits = DEFAULT_HASH_LIMITS,
): HashValue {
  switch (rdbType) {
    case RdbType.HASH:
      return loadPlain(r, limits);
    case RdbType.HASH_LISTPACK:
      return fromBlobPairs(decodeListpack(Buffer.from(r.string(), 'latin1')), limits, false);
    case RdbType.HASH_ZIPLIST:
      return fromBlobPairs(decodeZiplist(Buffer.from(r.string(), 'latin1')), limits, false);
    case RdbType.HASH_ZIPMAP:
      return fromBlobPairs(decodeZipmap(Buffer.from(r.string(), 'latin1')), limits, true);
    default:
      return corrupt();
  }
}

function loadPlain(r: RdbReader, limits: HashLimits): HashValue {
  const length = r.len();
  if (length === 0) corrupt();
  const elements: string[] = [];
  const seen = new Set<string>();
  let table = length > limits.maxListpackEntries;
  for (let i = 0; i < length; i++) {
    const field = r.string();
    const value = r.string();
    if (seen.has(field)) corrupt();
    seen.add(field);
    if (field.length > limits.maxListpackValue || value.length > limits.maxListpackValue) {
      table = true;
    }
    elements.push(field, value);
  }
  return HashValue.fromPairs(elements, table);
}

/** A listpack-like blob's elements as a hash: pairs, distinct fields, at least one. */
function fromBlobPairs(elements: string[], limits: HashLimits, checkLengths: boolean): HashValue {
  if (elements.length === 0 || elements.length % 2 !== 0) corrupt();
  const seen = new Set<string>();
  let longest = 0;
  for (let i = 0; i < elements.length; i += 2) {
    const field = elements[i] as string;
    if (seen.has(field)) corrupt();
    seen.add(field);
    longest = Math.max(longest, field.length, (elements[i + 1] as string).length);
  }
  const table =
    elements.length / 2 > limits.maxListpackEntries ||
    (checkLengths && longest > limits.maxListpackValue);
  return HashValue.fromPairs(elements, table);
}

/**
 * Redis 2.4's zipmap: a count byte, then per pair a field length, the field, a value
 * length, a free-space byte, the value and that many free bytes, then 0xFF. A length
 * byte of 254 is followed by the length as 4 bytes little-endian.
 */
export function decodeZipmap(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const size = buf.length;
  if (size < 2 || buf[size - 1] !== ZIPMAP_END) corrupt();
  const out: string[] = [];
  let p = 1;
  const length = (): number => {
    const first = buf[p]!;
    if (first < ZIPMAP_BIGLEN) {
      p += 1;
      return first;
    }
    if (first === ZIPMAP_END || p + 5 > size - 1) corrupt();
    const n = buf.readUInt32LE(p + 1);
    p += 5;
    return n;
  };
  const take = (n: number): string => {
    if (p + n > size - 1) corrupt();
    const s = buf.latin1Slice(p, p + n);
    p += n;
    return s;
  };
  while (buf[p] !== ZIPMAP_END) {
    out.push(take(length()));
    const valueLength = length();
    if (p >= size - 1) corrupt();
    const free = buf[p++]!;
    out.push(take(valueLength));
    take(free);
  }
  const declared = buf[0]!;
  if (declared !== ZIPMAP_BIGLEN && declared !== out.length / 2) corrupt();
  return out;
}
