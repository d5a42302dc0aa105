/**
 * The binary encoding of a log entry, the payload of a Raft entry. Version 1:
 *
 *   u8 version (1) · u8 kind (1 command, 2 multi, 3 expire) · u64 LE time (ms, < 2^53)
 *   command: u32 LE seed · varint db · argv
 *   multi:   u32 LE seed · varint count · count × (varint db · argv)
 *   expire:  varint db · argv (the keys)
 *   argv:    varint count · count × (varint length · length latin1 bytes)
 *
 * A varint is unsigned LEB128 of at most 32 bits in its one shortest form, so every
 * entry has exactly one encoding. `SET key:1234 <16 bytes>` takes 48 bytes (as JSON,
 * 111). Decoding checks every length and count against the input before it uses them.
 */
import { CodecError } from '../raft/codec.js';
import '../util/latin1.js';
import type { CommandEntry, ExpireEntry, LogEntry, MultiEntry } from './entry.js';

export const ENTRY_FORMAT_VERSION = 1;

const KIND_COMMAND = 1;
const KIND_MULTI = 2;
const KIND_EXPIRE = 3;

/** version, kind, time */
const HEADER_BYTES = 10;
const TWO_32 = 0x1_0000_0000;
/** The high word of a u64 below 2^53. */
const HIGH_WORD_LIMIT = 0x20_0000;
/** Up to this length a JS loop writes a string faster than a call into native code. */
const LOOP_WRITE_MAX = 24;
/**
 * Up to this length a JS loop reads a string faster than native code, and V8 still
 * copies the pieces into one flat string (longer joins become rope strings, which would
 * cost memory in the keyspace).
 */
const LOOP_READ_MAX = 12;

// Node's latin1 codecs accept any Uint8Array as `this`: no Buffer view per call.
const { latin1Slice, latin1Write } = Buffer.prototype;

/** Malformed or unsupported entry bytes; `offset` is where the problem starts. */
export class EntryCodecError extends CodecError {
  override readonly name = 'EntryCodecError';
}

// Encoding

/** The exact size of `entry`'s encoding. */
export function encodedEntryLength(entry: LogEntry): number {
  switch (entry.kind) {
    case 'command':
      return HEADER_BYTES + 4 + varintLength(entry.db) + argvLength(entry.argv);
    case 'multi': {
      let n = HEADER_BYTES + 4 + varintLength(entry.commands.length);
      for (const c of entry.commands) n += varintLength(c.db) + argvLength(c.argv);
      return n;
    }
    case 'expire':
      return HEADER_BYTES + varintLength(entry.db) + argvLength(entry.keys);
  }
}

export function encodeEntry(entry: LogEntry): Uint8Array {
  const out = new Uint8Array(encodedEntryLength(entry));
  encodeEntryInto(entry, out, 0);
  return out;
}

/**
 * Writes `entry` at `offset` of `out`, which must have encodedEntryLength(entry) bytes
 * free there (so a caller can frame an entry without a copy). Returns the end offset.
 * Throws RangeError on a field out of its range: a programming error, not bad input.
 */
export function encodeEntryInto(entry: LogEntry, out: Uint8Array, offset: number): number {
  let p: number;
  switch (entry.kind) {
    case 'command':
      p = writeSeed(out, writeHeader(out, offset, KIND_COMMAND, entry.time), entry.seed);
      p = writeCommand(out, p, entry.db, entry.argv);
      break;
    case 'multi':
      p = writeSeed(out, writeHeader(out, offset, KIND_MULTI, entry.time), entry.seed);
      p = writeVarint(out, p, entry.commands.length);
      for (const c of entry.commands) p = writeCommand(out, p, c.db, c.argv);
      break;
    case 'expire':
      p = writeCommand(
        out,
        writeHeader(out, offset, KIND_EXPIRE, entry.time),
        entry.db,
        entry.keys,
      );
      break;
  }
  if (p > out.length) throw new RangeError(`entry needs ${p - offset} bytes at ${offset}`);
  return p;
}

function writeHeader(out: Uint8Array, p: number, kind: number, time: number): number {
  checkSafeTime(time);
  out[p] = ENTRY_FORMAT_VERSION;
  out[p + 1] = kind;
  writeU32(out, p + 2, time >>> 0);
  writeU32(out, p + 6, Math.floor(time / TWO_32));
  return p + HEADER_BYTES;
}

function checkSafeTime(time: number): void {
  if (!Number.isSafeInteger(time) || time < 0)
    throw new RangeError(`entry time out of range: ${time}`);
}

function checkU32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= TWO_32)
    throw new RangeError(`${what} out of range: ${v}`);
}

function varintLength(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x20_0000 ? 3 : v < 0x1000_0000 ? 4 : 5;
}

function argvLength(argv: readonly string[]): number {
  let n = varintLength(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const len = (argv[i] as string).length;
    n += varintLength(len) + len;
  }
  return n;
}

function writeSeed(out: Uint8Array, p: number, seed: number): number {
  checkU32('entry seed', seed);
  writeU32(out, p, seed);
  return p + 4;
}

function writeU32(out: Uint8Array, p: number, v: number): void {
  out[p] = v;
  out[p + 1] = v >>> 8;
  out[p + 2] = v >>> 16;
  out[p + 3] = v >>> 24;
}

function writeVarint(out: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    out[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[p] = v;
  return p + 1;
}

function writeCommand(out: Uint8Array, p: number, db: number, argv: readonly string[]): number {
  checkU32('db', db);
  p = writeVarint(out, p, db);
  p = writeVarint(out, p, argv.length);
  for (let i = 0; i < argv.length; i++) p = writeLatin1(out, p, argv[i] as string);
  return p;
}

/** Length, then one byte per char (a char above 0xFF would lose its high bits). */
function writeLatin1(out: Uint8Array, p: number, s: string): number {
  const n = s.length;
  p = writeVarint(out, p, n);
  if (n > LOOP_WRITE_MAX) {
    latin1Write.call(out, s, p, n);
    return p + n;
  }
  for (let i = 0; i < n; i++) out[p + i] = s.charCodeAt(i);
  return p + n;
}

// Decoding

/** Decodes an entry that fills `bytes` exactly. Throws EntryCodecError on bad input. */
export function decodeEntry(bytes: Uint8Array): LogEntry {
  const r = new EntryReader(bytes);
  const version = r.byte();
  if (version !== ENTRY_FORMAT_VERSION) {
    throw new EntryCodecError(`unsupported entry format version ${version}`, 0);
  }
  const kind = r.byte();
  let entry: LogEntry;
  if (kind === KIND_COMMAND) entry = readCommandEntry(r);
  else if (kind === KIND_MULTI) entry = readMultiEntry(r);
  else if (kind === KIND_EXPIRE) entry = readExpireEntry(r);
  else throw new EntryCodecError(`unknown entry kind ${kind}`, 1);
  if (r.pos !== bytes.length) throw new EntryCodecError('trailing bytes', r.pos);
  return entry;
}

function readCommandEntry(r: EntryReader): CommandEntry {
  const time = r.time();
  const seed = r.u32();
  const db = r.varint();
  return { kind: 'command', db, argv: r.strings(), time, seed };
}

function readMultiEntry(r: EntryReader): MultiEntry {
  const time = r.time();
  const seed = r.u32();
  // A command takes at least two bytes (db, argument count).
  const count = r.count(2);
  const commands: MultiEntry['commands'][number][] = [];
  for (let i = 0; i < count; i++) {
    const db = r.varint();
    commands.push({ db, argv: r.strings() });
  }
  return { kind: 'multi', commands, time, seed };
}

function readExpireEntry(r: EntryReader): ExpireEntry {
  const time = r.time();
  const db = r.varint();
  return { kind: 'expire', db, keys: r.strings(), time };
}

/** A bounds-checked cursor over one entry's bytes; strings come straight from them. */
class EntryReader {
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new EntryCodecError('truncated input', this.pos);
    this.pos++;
    return b;
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (
      ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) +
      (b[p + 3] as number) * 0x100_0000
    );
  }

  time(): number {
    const at = this.pos;
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= HIGH_WORD_LIMIT) throw new EntryCodecError('time beyond 2^53', at);
    return hi * TWO_32 + lo;
  }

  varint(): number {
    const at = this.pos;
    let b = this.byte();
    if (b < 0x80) return b;
    let v = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      b = this.byte();
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return b === 0 ? nonCanonical(at) : v;
    }
    b = this.byte();
    if (b > 0x0f) throw new EntryCodecError('varint beyond 32 bits', at);
    return b === 0 ? nonCanonical(at) : v + b * 0x1000_0000;
  }

  /** A count of items of at least `minBytes` each, checked against what is left. */
  count(minBytes: number): number {
    const at = this.pos;
    const n = this.varint();
    if (n * minBytes > this.bytes.length - this.pos) {
      throw new EntryCodecError(`count ${n} longer than input`, at);
    }
    return n;
  }

  strings(): string[] {
    const n = this.count(1);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.latin1());
    return out;
  }

  latin1(): string {
    const at = this.pos;
    const n = this.varint();
    const start = this.pos;
    if (n > this.bytes.length - start) {
      throw new EntryCodecError(`string length ${n} longer than input`, at);
    }
    this.pos = start + n;
    if (n > LOOP_READ_MAX) return latin1Slice.call(this.bytes, start, start + n);
    return shortLatin1(this.bytes, start, n);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new EntryCodecError('truncated input', this.pos);
  }
}

function nonCanonical(at: number): never {
  throw new EntryCodecError('varint not in its shortest form', at);
}

/** At most LOOP_READ_MAX bytes as a string, up to eight chars per call. */
function shortLatin1(b: Uint8Array, p: number, n: number): string {
  const end = p + n;
  let s = '';
  if (n >= 8) {
    s = String.fromCharCode(
      b[p] as number,
      b[p + 1] as number,
      b[p + 2] as number,
      b[p + 3] as number,
      b[p + 4] as number,
      b[p + 5] as number,
      b[p + 6] as number,
      b[p + 7] as number,
    );
    p += 8;
  }
  if (end - p >= 4) {
    s += String.fromCharCode(
      b[p] as number,
      b[p + 1] as number,
      b[p + 2] as number,
      b[p + 3] as number,
    );
    p += 4;
  }
  for (; p < end; p++) s += String.fromCharCode(b[p] as number);
  return s;
}
