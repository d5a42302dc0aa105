/**
 * Bitmap commands over string values (Redis's bitops.c): bit 0 is the most
 * significant bit of the first byte.
 */
import { error, type ErrorReply, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, STRING_TOO_LONG, SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandSpec } from './spec.js';
import { clampRange, exceedsMaxBulk, readString, writableString } from './string-helpers.js';

const BIT_OFFSET_RANGE = error('ERR bit offset is not an integer or out of range');
const BIT_VALUE_RANGE = error('ERR bit is not an integer or out of range');
const BIT_ARGUMENT = error('ERR The bit argument must be 1 or 0.');
const BITOP_NOT_ARITY = error('ERR BITOP NOT must be called with a single source key.');

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

/**
 * Redis's getBitOffsetFromArgument: a non-negative int64 whose byte lies below
 * proto-max-bulk-len. Offsets may exceed 2^31, so no bitwise operators on them.
 */
function parseBitOffset(ctx: ExecContext, raw: string): number | ErrorReply {
  const v = parseInt64(raw);
  if (v === null || v < 0) return BIT_OFFSET_RANGE;
  const offset = Number(v);
  if (Math.floor(offset / 8) >= ctx.settings.protoMaxBulkLen) return BIT_OFFSET_RANGE;
  return offset;
}

function setbit(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const offset = parseBitOffset(ctx, argv[2] as string);
  if (typeof offset !== 'number') return offset;
  const on = parseInt64(argv[3] as string);
  if (on !== 0 && on !== 1) return BIT_VALUE_RANGE;
  const current = writableString(ctx, key);
  if (typeof current === 'object') return current;
  const old = current ?? '';
  const byte = Math.floor(offset / 8);
  if (exceedsMaxBulk(ctx, byte + 1, 0)) return STRING_TOO_LONG;
  const shift = 7 - (offset % 8);
  const byteValue = byte < old.length ? old.charCodeAt(byte) : 0;
  const bitValue = (byteValue >> shift) & 1;
  // Like Redis, the string grows to hold the bit even when the bit is unchanged.
  const grows = byte >= old.length;
  if (current === undefined || grows || bitValue !== on) {
    const padded = grows ? old + '\0'.repeat(byte + 1 - old.length) : old;
    const next = (byteValue & ~(1 << shift)) | (on << shift);
    const value = padded.slice(0, byte) + String.fromCharCode(next) + padded.slice(byte + 1);
    ctx.db.set(key, value, ctx.lruClock, true);
  }
  // Redis unshares the value (making it raw) even when the bit was already set.
  const entry = ctx.db.peek(key);
  if (entry !== undefined) entry.stringForm = 'raw';
  return bitValue;
}

function getbit(ctx: ExecContext, argv: readonly string[]): Reply {
  const offset = parseBitOffset(ctx, argv[2] as string);
  if (typeof offset !== 'number') return offset;
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) return 0;
  if (typeof value === 'object') return value;
  const byte = Math.floor(offset / 8);
  if (byte >= value.length) return 0;
  return (value.charCodeAt(byte) >> (7 - (offset % 8))) & 1;
}

function popcount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += POPCOUNT[s.charCodeAt(i)] as number;
  return n;
}

/** Parses an optional BYTE | BIT unit: true for BIT, null when neither. */
function parseUnit(raw: string): boolean | null {
  const unit = raw.toUpperCase();
  if (unit === 'BIT') return true;
  if (unit === 'BYTE') return false;
  return null;
}

/** BITCOUNT key [start end [BYTE | BIT]], checking arguments in Redis's order. */
function bitcount(ctx: ExecContext, argv: readonly string[]): Reply {
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) return 0;
  if (typeof value === 'object') return value;
  if (argv.length === 2) return popcount(value, 0, value.length);
  if (argv.length !== 4 && argv.length !== 5) return SYNTAX;
  const start = parseInt64(argv[2] as string);
  if (start === null) return NOT_INTEGER;
  const end = parseInt64(argv[3] as string);
  if (end === null) return NOT_INTEGER;
  if (start < 0 && end < 0 && start > end) return 0;
  const isBit = argv.length === 5 ? parseUnit(argv[4] as string) : false;
  if (isBit === null) return SYNTAX;
  const [s, e] = clampRange(start, end, isBit ? value.length * 8 : value.length);
  if (s > e) return 0;
  if (!isBit) return popcount(value, s, e + 1);
  const first = Math.floor(s / 8);
  const last = Math.floor(e / 8);
  // Count whole bytes, then take away the bits before s and after e.
  const beforeMask = ~((1 << (8 - (s % 8))) - 1) & 0xff;
  const afterMask = (1 << (7 - (e % 8))) - 1;
  return (
    popcount(value, first, last + 1) -
    (POPCOUNT[value.charCodeAt(first) & beforeMask] as number) -
    (POPCOUNT[value.charCodeAt(last) & afterMask] as number)
  );
}

/**
 * Redis's redisBitpos over `count` bytes from `from`: the offset (from bit from·8) of
 * the first bit equal to `bit`; when there is none, -1 for a 1 and count·8 for a 0
 * (the string is taken as zero-padded on the right).
 */
function firstBit(s: string, from: number, count: number, bit: number): number {
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = s.charCodeAt(from + i);
    if (b !== skip) return i * 8 + firstBitInByte(b, bit);
  }
  return bit === 1 ? -1 : count * 8;
}

/** redisBitpos of a single byte: 0..7, else -1 for a 1 and 8 for a 0. */
function firstBitInByte(b: number, bit: number): number {
  for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return k;
  return bit === 1 ? -1 : 8;
}

interface BitposRange {
  /** First and last byte. */
  readonly start: number;
  readonly end: number;
  /** Bits of the first/last byte outside a BIT range (Redis's neg masks), else 0. */
  readonly firstMask: number;
  readonly lastMask: number;
  readonly endGiven: boolean;
}

/** BITPOS's range arguments, in Redis's order: start, unit, end. */
function parseBitposRange(argv: readonly string[], length: number): BitposRange | ErrorReply {
  if (argv.length === 3) {
    return { start: 0, end: length - 1, firstMask: 0, lastMask: 0, endGiven: false };
  }
  if (argv.length > 6) return SYNTAX;
  const start = parseInt64(argv[3] as string);
  if (start === null) return NOT_INTEGER;
  const isBit = argv.length === 6 ? parseUnit(argv[5] as string) : false;
  if (isBit === null) return SYNTAX;
  let end: number | bigint = length - 1;
  if (argv.length >= 5) {
    const parsed = parseInt64(argv[4] as string);
    if (parsed === null) return NOT_INTEGER;
    end = parsed;
  }
  const endGiven = argv.length >= 5;
  const [s, e] = clampRange(start, end, isBit ? length * 8 : length);
  if (!isBit || s > e) return { start: s, end: e, firstMask: 0, lastMask: 0, endGiven };
  return {
    start: Math.floor(s / 8),
    end: Math.floor(e / 8),
    firstMask: ~((1 << (8 - (s % 8))) - 1) & 0xff,
    lastMask: (1 << (7 - (e % 8))) - 1,
    endGiven,
  };
}

/** BITPOS key bit [start [end [BYTE | BIT]]]. */
function bitpos(ctx: ExecContext, argv: readonly string[]): Reply {
  const bit = parseInt64(argv[2] as string);
  if (bit === null) return NOT_INTEGER;
  if (bit !== 0 && bit !== 1) return BIT_ARGUMENT;
  // Redis answers for a missing key before it looks at the range arguments.
  const entry = ctx.lookupRead(argv[1] as string);
  if (entry === undefined) return bit === 1 ? -1 : 0;
  if (typeof entry.value !== 'string') return WRONGTYPE;
  const value = entry.value;
  const range = parseBitposRange(argv, value.length);
  if ('kind' in range) return range;
  if (range.start > range.end) return -1;
  const [pos, start, bytes] = searchRange(value, bit, range);
  // With an explicit end, the zero padding past the range does not count.
  if (range.endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + start * 8;
}

/**
 * Redis's bitposCommand search: a masked first byte, the whole bytes, a masked last
 * byte. Returns [position from byte `start`, start, bytes left] where it stopped.
 */
function searchRange(s: string, bit: number, r: BitposRange): [number, number, number] {
  let start = r.start;
  let bytes = r.end - r.start + 1;
  if (r.firstMask !== 0) {
    let b = s.charCodeAt(start);
    b = bit === 1 ? b & ~r.firstMask : b | r.firstMask;
    if (r.lastMask !== 0 && bytes === 1) b = bit === 1 ? b & ~r.lastMask : b | r.lastMask;
    const pos = firstBitInByte(b & 0xff, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) return [pos, start, bytes];
    start++;
    bytes--;
  }
  const whole = bytes - (r.lastMask !== 0 ? 1 : 0);
  if (whole > 0) {
    const pos = firstBit(s, start, whole, bit);
    if (bytes === whole || (pos !== -1 && pos !== whole * 8)) return [pos, start, bytes];
    start += whole;
    bytes -= whole;
  }
  const last = s.charCodeAt(r.end);
  const b = bit === 1 ? last & ~r.lastMask : last | r.lastMask;
  return [firstBitInByte(b & 0xff, bit), start, bytes];
}

type BitOp = 'AND' | 'OR' | 'XOR' | 'NOT';
const BIT_OPS: ReadonlySet<string> = new Set<BitOp>(['AND', 'OR', 'XOR', 'NOT']);

/**
 * BITOP op destkey key [key ...]: shorter inputs are zero-padded to the longest; an
 * all-empty result deletes destkey. Replies with the result's length.
 */
function bitop(ctx: ExecContext, argv: readonly string[]): Reply {
  const op = (argv[1] as string).toUpperCase();
  if (!BIT_OPS.has(op)) return SYNTAX;
  if (op === 'NOT' && argv.length !== 4) return BITOP_NOT_ARITY;
  const sources: Buffer[] = [];
  let maxLength = 0;
  for (let j = 3; j < argv.length; j++) {
    const value = readString(ctx, argv[j] as string);
    if (typeof value === 'object') return value;
    const bytes = Buffer.from(value ?? '', 'latin1');
    sources.push(bytes);
    if (bytes.length > maxLength) maxLength = bytes.length;
  }
  const dest = argv[2] as string;
  if (maxLength === 0) {
    ctx.db.delete(dest);
    return 0;
  }
  const result = combine(op as BitOp, sources, maxLength);
  ctx.lookupWrite(dest);
  ctx.db.set(dest, result.latin1Slice(0, maxLength), ctx.lruClock).stringForm = 'raw';
  return maxLength;
}

function combine(op: BitOp, sources: readonly Buffer[], length: number): Buffer {
  const out = Buffer.alloc(length);
  (sources[0] as Buffer).copy(out);
  if (op === 'NOT') {
    for (let i = 0; i < length; i++) out[i] = ~(out[i] as number) & 0xff;
    return out;
  }
  for (let k = 1; k < sources.length; k++) {
    const src = sources[k] as Buffer;
    for (let i = 0; i < length; i++) {
      const b = i < src.length ? (src[i] as number) : 0;
      const o = out[i] as number;
      out[i] = op === 'AND' ? o & b : op === 'OR' ? o | b : o ^ b;
    }
  }
  return out;
}

export const bitmapCommands: readonly CommandSpec[] = [
  {
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    complexity: 'O(1)',
    syntax: 'key offset value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'update'],
    data: setbit,
  },
  {
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'bitmap', 'fast'],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Returns the bit value at offset in the string value stored at key',
    complexity: 'O(1)',
    syntax: 'key offset',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: getbit,
  },
  {
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Count set bits in a string',
    complexity: 'O(N)',
    syntax: 'key [start end [BYTE | BIT]]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: bitcount,
  },
  {
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    group: 'bitmap',
    since: '2.8.7',
    summary: 'Find first bit set or clear in a string',
    complexity: 'O(N)',
    syntax: 'key bit [start [end [BYTE | BIT]]]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: bitpos,
  },
  {
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Perform bitwise operations between strings',
    complexity: 'O(N)',
    syntax: 'operation destkey key [key ...]',
    keys: { first: 2, last: -1, step: 1 },
    data: bitop,
  },
];
