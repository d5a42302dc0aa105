/**
 * Values in Redis's RDB object encoding (redis src/rdb.c), and the DUMP payload built
 * on it (src/cluster.c createDumpPayload / verifyDumpPayload):
 *
 *   type byte | object payload | RDB version (2 bytes LE) | CRC-64 of all before (8 bytes LE)
 *
 * A DUMP of a string is byte-identical to redis-server 7.0's, and a payload from
 * redis-server (RDB version <= 10) RESTOREs here. Each collection type plugs in by
 * adding its case to `writeObject` and a `load` to its entries in OBJECT_TYPES; until
 * then its payloads decode to a clear `unsupported` error, never to a wrong value.
 */
import { crc64, writeCrc64LE } from '../util/crc64.js';
import { lzfCompress, lzfDecompress } from '../util/lzf.js';
import { parseInt64 } from '../util/numbers.js';
import { typeOf, type TypeName, type Value } from './value.js';
import { loadHash, writeHash } from './hash-rdb.js';
import { encodeListpack } from './listpack.js';
import type { HashValue } from './hash.js';
import { loadList, writeList } from './list-rdb.js';
import type { ListValue } from './list.js';
import { loadSet, writeSet } from './set-rdb.js';
import type { SetValue } from './set.js';
import { loadZSet, writeZSet } from './zset-rdb.js';
import type { ZSetValue } from './zset.js';

/** The RDB version of redis 7.0, written in every DUMP footer. */
export const RDB_VERSION = 10;

/** Redis's RDB object type bytes (rdb.h). */
export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Length prefixes (first byte's top two bits) and string encodings (rdb.h). */
const LEN_6BIT = 0;
const LEN_14BIT = 1;
const LEN_32BIT = 0x80;
const LEN_64BIT = 0x81;
const ENCVAL = 3;
const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** Under this many bytes LZF cannot gain anything, so Redis does not try (rdb.c). */
const LZF_MIN_LENGTH = 21;
/** A longest integer-encodable string: "-2147483648". */
const INT_ENCODABLE_LENGTH_MAX = 11;
const FOOTER_BYTES = 10;

/** Why a payload did not decode; `commands/` turns these into Redis's error replies. */
export type DecodeError =
  /** Too short, an RDB version newer than ours, or a CRC mismatch. */
  | { readonly kind: 'checksum' }
  /** Malformed object bytes (Redis: "Bad data format"). */
  | { readonly kind: 'format' }
  /** A well-known Redis type whose decoder AiKv does not have yet. */
  | { readonly kind: 'unsupported'; readonly rdbType: number; readonly type: TypeName };

export type DecodeResult =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly error: DecodeError };

export type EncodeResult =
  { readonly ok: true; readonly payload: Buffer } | { readonly ok: false; readonly type: TypeName };

/** Raised inside a decode; `decodeDumpPayload` turns it into a DecodeResult. */
export class RdbDecodeError extends Error {
  constructor(readonly detail: DecodeError) {
    super(detail.kind === 'unsupported' ? `unsupported RDB type ${detail.rdbType}` : detail.kind);
  }
}

const FORMAT: DecodeError = Object.freeze({ kind: 'format' });
const CHECKSUM: DecodeError = Object.freeze({ kind: 'checksum' });

function corrupt(): never {
  throw new RdbDecodeError(FORMAT);
}

/** Appends RDB primitives to a growing buffer. */
export class RdbWriter {
  private buf = Buffer.alloc(64);
  private pos = 0;

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A binary double, little-endian (rdbSaveBinaryDoubleValue). */
  doubleLE(x: number): void {
    this.reserve(8);
    this.pos = this.buf.writeDoubleLE(x, this.pos);
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  len(n: number): void {
    if (n < 1 << 6) {
      this.byte((LEN_6BIT << 6) | n);
    } else if (n < 1 << 14) {
      this.byte((LEN_14BIT << 6) | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(LEN_32BIT);
      this.reserve(4);
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    } else {
      this.byte(LEN_64BIT);
      this.reserve(8);
      this.pos = this.buf.writeUInt32BE(Math.floor(n / 2 ** 32), this.pos);
      this.pos = this.buf.writeUInt32BE(n >>> 0, this.pos);
    }
  }

  /**
   * rdbSaveRawString: a canonical integer that fits 32 bits as RDB_ENC_INT8/16/32, a
   * string over 20 bytes as LZF when that saves at least 4 bytes, else length + bytes.
   */
  string(s: string): void {
    if (s.length <= INT_ENCODABLE_LENGTH_MAX) {
      const n = parseInt64(s);
      if (typeof n === 'number' && this.intEncoded(n)) return;
    }
    if (s.length >= LZF_MIN_LENGTH) {
      const packed = lzfCompress(Buffer.from(s, 'latin1'), s.length - 4);
      if (packed !== null) {
        this.byte((ENCVAL << 6) | ENC_LZF);
        this.len(packed.length);
        this.len(s.length);
        this.bytes(packed);
        return;
      }
    }
    this.len(s.length);
    this.reserve(s.length);
    this.pos += this.buf.latin1Write(s, this.pos, s.length);
  }

  /** How many bytes have been written. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far, in a buffer of their own; the writer starts over empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  /** rdbEncodeInteger: false when `n` does not fit 32 bits. */
  private intEncoded(n: number): boolean {
    if (n >= -0x80 && n <= 0x7f) {
      this.byte((ENCVAL << 6) | ENC_INT8);
      this.byte(n & 0xff);
    } else if (n >= -0x8000 && n <= 0x7fff) {
      this.byte((ENCVAL << 6) | ENC_INT16);
      this.reserve(2);
      this.pos = this.buf.writeInt16LE(n, this.pos);
    } else if (n >= -0x80000000 && n <= 0x7fffffff) {
      this.byte((ENCVAL << 6) | ENC_INT32);
      this.reserve(4);
      this.pos = this.buf.writeInt32LE(n, this.pos);
    } else {
      return false;
    }
    return true;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/**
 * Reads RDB primitives; every short read or malformed field throws RdbDecodeError
 * ('format').
 */
export class RdbReader {
  constructor(
    private readonly buf: Buffer,
    private pos = 0,
  ) {}

  get offset(): number {
    return this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) corrupt();
    return this.buf[this.pos++]!;
  }

  take(n: number): Buffer {
    if (n > this.buf.length - this.pos) corrupt();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * rdbLoadLen without `isencoded`: a special-encoding byte reads as its low six bits,
   * as Redis reads it. Lengths beyond 2^53 are corrupt (no payload holds that much).
   */
  len(): number {
    return this.lenOrEncoding().value;
  }

  /** rdbLoadLenByRef: a length, or (`encoded`) the RDB_ENC_* kind that follows. */
  lenOrEncoding(): { readonly encoded: boolean; readonly value: number } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === ENCVAL) return { encoded: true, value: first & 0x3f };
    if (kind === LEN_6BIT) return { encoded: false, value: first & 0x3f };
    if (kind === LEN_14BIT) return { encoded: false, value: ((first & 0x3f) << 8) | this.byte() };
    if (first === LEN_32BIT) return { encoded: false, value: this.take(4).readUInt32BE(0) };
    if (first !== LEN_64BIT) corrupt();
    const b = this.take(8);
    const hi = b.readUInt32BE(0);
    if (hi >= 1 << 21) corrupt();
    return { encoded: false, value: hi * 2 ** 32 + b.readUInt32BE(4) };
  }

  /** rdbGenericLoadStringObject: a string in any of its encodings, as latin1. */
  string(): string {
    const { encoded, value } = this.lenOrEncoding();
    if (!encoded) return this.latin1(value);
    switch (value) {
      case ENC_INT8:
        return String(this.take(1).readInt8(0));
      case ENC_INT16:
        return String(this.take(2).readInt16LE(0));
      case ENC_INT32:
        return String(this.take(4).readInt32LE(0));
      case ENC_LZF:
        return this.lzfString();
      default:
        return corrupt();
    }
  }

  private latin1(n: number): string {
    const start = this.pos;
    if (n > this.buf.length - start) corrupt();
    this.pos = start + n;
    return this.buf.latin1Slice(start, start + n);
  }

  private lzfString(): string {
    const compressedLength = this.len();
    const length = this.len();
    const unpacked = lzfDecompress(this.take(compressedLength), length);
    if (unpacked === null) corrupt();
    return Buffer.from(unpacked.buffer, unpacked.byteOffset, unpacked.length).latin1Slice(
      0,
      unpacked.length,
    );
  }
}

/** The settings that choose a loaded value's encoding (set-max-intset-entries, ...). */
export interface LoadSettings {
  number(name: string): number;
}

type Loader = (r: RdbReader, rdbType: number, settings: LoadSettings) => Value;

/** How each RDB object type byte decodes; `load` is absent while AiKv lacks the type. */
interface ObjectType {
  readonly type: TypeName;
  readonly load?: Loader;
}

const loadHashObject: Loader = (r, rdbType, settings) =>
  loadHash(r, rdbType, {
    maxListpackEntries: settings.number('hash-max-listpack-entries'),
    maxListpackValue: settings.number('hash-max-listpack-value'),
  });

const loadZSetObject: Loader = (r, rdbType, settings) =>
  loadZSet(r, rdbType, {
    entries: settings.number('zset-max-listpack-entries'),
    value: settings.number('zset-max-listpack-value'),
  });

const loadListObject: Loader = (r, rdbType) => loadList(r, rdbType);

const loadSetObject: Loader = (r, rdbType, settings) =>
  loadSet(r, rdbType, settings.number('set-max-intset-entries'));

/**
 * Every object type byte Redis 7.0 writes or still reads. Module types (6, 7) are
 * left out: without the module Redis itself answers "Bad data format".
 */
const OBJECT_TYPES: ReadonlyMap<number, ObjectType> = new Map<number, ObjectType>([
  [RdbType.STRING, { type: 'string', load: (r) => r.string() }],
  [RdbType.LIST, { type: 'list', load: loadListObject }],
  [RdbType.SET, { type: 'set', load: loadSetObject }],
  [RdbType.ZSET, { type: 'zset', load: loadZSetObject }],
  [RdbType.HASH, { type: 'hash', load: loadHashObject }],
  [RdbType.ZSET_2, { type: 'zset', load: loadZSetObject }],
  [RdbType.HASH_ZIPMAP, { type: 'hash', load: loadHashObject }],
  [RdbType.LIST_ZIPLIST, { type: 'list', load: loadListObject }],
  [RdbType.SET_INTSET, { type: 'set', load: loadSetObject }],
  [RdbType.ZSET_ZIPLIST, { type: 'zset', load: loadZSetObject }],
  [RdbType.HASH_ZIPLIST, { type: 'hash', load: loadHashObject }],
  [RdbType.LIST_QUICKLIST, { type: 'list', load: loadListObject }],
  [RdbType.STREAM_LISTPACKS, { type: 'stream' }],
  [RdbType.HASH_LISTPACK, { type: 'hash', load: loadHashObject }],
  [RdbType.ZSET_LISTPACK, { type: 'zset', load: loadZSetObject }],
  [RdbType.LIST_QUICKLIST_2, { type: 'list', load: loadListObject }],
  [RdbType.STREAM_LISTPACKS_2, { type: 'stream' }],
]);

/**
 * rdbSaveObjectType + rdbSaveObject: the type byte, then the payload. False for a
 * type that has no encoder yet.
 */
export function writeObject(w: RdbWriter, value: Value): boolean {
  if (typeof value === 'string') {
    w.byte(RdbType.STRING);
    w.string(value);
    return true;
  }
  switch (value.type) {
    case 'list':
      writeList(w, value as ListValue);
      return true;
    case 'set':
      writeSet(w, value as SetValue);
      return true;
    case 'hash':
      writeHash(w, value as HashValue);
      return true;
    case 'zset':
      writeZSet(w, value as ZSetValue);
      return true;
    default:
      return false;
  }
}

/**
 * How much a write in slices may do before it pauses: `grant` says how many of the next
 * `want` elements (or steps of work) it may take now, at most `want`; 0 means pause
 * until the owner grants more.
 */
export interface SliceBudget {
  grant(w: RdbWriter, want: number): number;
}

/**
 * Elements a write in slices asks its budget for at a time: a piece goes past its bytes
 * by at most this many elements.
 */
export const SLICE_STEP = 64;
/** quicklist.h QUICKLIST_NODE_CONTAINER_PACKED, as list-rdb.ts writes every node. */
const QUICKLIST_NODE_PACKED = 2;

/** Pauses (yields) until `budget` grants some of `want`; how many it granted. */
export function* sliceRoom(
  budget: SliceBudget,
  w: RdbWriter,
  want: number,
): Generator<void, number, void> {
  for (;;) {
    const n = budget.grant(w, want);
    if (n > 0) return n;
    yield;
  }
}

/** The next item of an iterator that must have one (a collection that must not change). */
export function nextItem<T>(items: Iterator<T>): T {
  const next = items.next();
  if (next.done === true) throw new Error('RDB writer: a collection shrank while it was written');
  return next.value;
}

/**
 * Whether writeObjectInSlices writes `value` in slices: an encoding with no size bound
 * (a hashtable hash or set, a skiplist sorted set, a list). Listpacks, intsets and
 * strings are small by definition and written whole.
 */
export function writtenInSlices(value: Value): boolean {
  if (typeof value === 'string') return false;
  switch (value.type) {
    case 'hash':
      return (value as HashValue).encoding() === 'hashtable';
    case 'set':
      return (value as SetValue).intsetValues() === null;
    case 'zset':
      return !(value as ZSetValue).isListpack;
    case 'list':
      return true;
    default:
      return false;
  }
}

/**
 * writeObject's bytes, a few elements at a time: pauses (yields) whenever `budget`
 * grants no more, and goes on where it stopped when resumed. The value must not change
 * until the generator is done. Returns false, writing nothing, for a type with no
 * encoder.
 */
export function* writeObjectInSlices(
  w: RdbWriter,
  value: Value,
  budget: SliceBudget,
): Generator<void, boolean, void> {
  if (!writtenInSlices(value)) return writeObject(w, value);
  switch ((value as Exclude<Value, string>).type) {
    case 'hash':
      yield* hashSlices(w, value as HashValue, budget);
      break;
    case 'set':
      yield* setSlices(w, value as SetValue, budget);
      break;
    case 'zset':
      yield* zsetSlices(w, value as ZSetValue, budget);
      break;
    default:
      yield* listSlices(w, value as ListValue, budget);
  }
  return true;
}

/** writeHash for a hashtable: RDB_TYPE_HASH, the size, fields and values in order. */
function* hashSlices(w: RdbWriter, value: HashValue, budget: SliceBudget): Generator<void> {
  w.byte(RdbType.HASH);
  w.len(value.size);
  const pairs = value.pairsView();
  for (let i = 0; i < pairs.length;) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, (pairs.length - i) / 2));
    for (const end = i + 2 * n; i < end; i++) w.string(pairs[i] as string);
  }
}

/** writeSet for a hashtable: RDB_TYPE_SET, the size, the members in order. */
function* setSlices(w: RdbWriter, value: SetValue, budget: SliceBudget): Generator<void> {
  w.byte(RdbType.SET);
  w.len(value.size);
  const members = value.members();
  for (let left = value.size; left > 0;) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, left));
    left -= n;
    for (let k = 0; k < n; k++) w.string(nextItem(members));
  }
}

/** writeZSet for a skiplist: RDB_TYPE_ZSET_2, the size, then greatest first. */
function* zsetSlices(w: RdbWriter, value: ZSetValue, budget: SliceBudget): Generator<void> {
  w.byte(RdbType.ZSET_2);
  w.len(value.size);
  const visit = (m: string, s: number): void => {
    w.string(m);
    w.doubleLE(s);
  };
  for (let end = value.size; end > 0;) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, end));
    value.forRange(end - n, end, true, visit);
    end -= n;
  }
}

/** writeList: RDB_TYPE_LIST_QUICKLIST_2, the node count, each node as a listpack. */
function* listSlices(w: RdbWriter, value: ListValue, budget: SliceBudget): Generator<void> {
  w.byte(RdbType.LIST_QUICKLIST_2);
  w.len(value.chunkCount);
  for (const chunk of value.chunks()) {
    // A node is one step, whatever the budget granted of it.
    yield* sliceRoom(budget, w, chunk.length);
    w.len(QUICKLIST_NODE_PACKED);
    const lp = encodeListpack(chunk);
    w.string(Buffer.from(lp.buffer, lp.byteOffset, lp.byteLength).latin1Slice(0, lp.byteLength));
  }
}

/** rdbLoadObjectType + rdbLoadObject. Throws RdbDecodeError. */
export function readObject(r: RdbReader, settings: LoadSettings): Value {
  const rdbType = r.byte();
  const objectType = OBJECT_TYPES.get(rdbType);
  if (objectType === undefined) return corrupt();
  if (objectType.load === undefined) {
    throw new RdbDecodeError({ kind: 'unsupported', rdbType, type: objectType.type });
  }
  return objectType.load(r, rdbType, settings);
}

/** createDumpPayload: the object, then the RDB version and the CRC-64, little-endian. */
export function createDumpPayload(value: Value): EncodeResult {
  const w = new RdbWriter();
  if (!writeObject(w, value)) return { ok: false, type: typeOf(value) };
  w.byte(RDB_VERSION & 0xff);
  w.byte(RDB_VERSION >> 8);
  w.bytes(new Uint8Array(8));
  const payload = w.finish();
  const body = payload.length - 8;
  writeCrc64LE(crc64(payload.subarray(0, body)), payload, body);
  return { ok: true, payload };
}

/** verifyDumpPayload: long enough, an RDB version we read, and a matching CRC-64. */
export function verifyDumpPayload(payload: Uint8Array): boolean {
  if (payload.length < FOOTER_BYTES) return false;
  const footer = payload.length - FOOTER_BYTES;
  const version = payload[footer]! | (payload[footer + 1]! << 8);
  if (version > RDB_VERSION) return false;
  const expected = Buffer.alloc(8);
  writeCrc64LE(crc64(payload.subarray(0, payload.length - 8)), expected, 0);
  return expected.equals(payload.subarray(payload.length - 8));
}

/**
 * Decodes a DUMP payload given as a latin1 string (a RESTORE argument). As in Redis,
 * the object is read from the whole payload, footer included, and bytes after the
 * object are ignored: the CRC has already vouched for them.
 */
export function decodeDumpPayload(payload: string, settings: LoadSettings): DecodeResult {
  const bytes = Buffer.from(payload, 'latin1');
  if (!verifyDumpPayload(bytes)) return { ok: false, error: CHECKSUM };
  try {
    return { ok: true, value: readObject(new RdbReader(bytes), settings) };
  } catch (e) {
    if (e instanceof RdbDecodeError) return { ok: false, error: e.detail };
    throw e;
  }
}
