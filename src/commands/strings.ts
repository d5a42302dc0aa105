/**
 * The string family (Redis's t_string.c): GET/SET and their variants, counters,
 * ranges and LCS. Values are latin1 strings, one char per byte.
 */
import { OK, error, map, type ErrorReply, type Reply } from '../resp/reply.js';
import { INT64_MAX, INT64_MIN, addInt64, parseInt64 } from '../util/numbers.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../util/long-double.js';
import type { ExecContext } from './context.js';
import {
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  STRING_TOO_LONG,
  SYNTAX,
  WRONGTYPE,
  invalidExpireTime,
  wrongArity,
} from './errors.js';
import type { CommandSpec } from './spec.js';
import { clampRange, exceedsMaxBulk, readString, writableString } from './string-helpers.js';

const DECREMENT_OVERFLOW = error('ERR decrement would overflow');
const NAN_OR_INFINITY = error('ERR increment would produce NaN or Infinity');
const OFFSET_RANGE = error('ERR offset is out of range');
const LCS_NOT_STRINGS = error('ERR The specified keys must contain string values');
const LCS_LEN_AND_IDX = error('ERR If you want both the length and indexes, please just use IDX.');
const LCS_TOO_BIG = error(
  'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
);
const LCS_ALLOC_FAILED = error(
  'ERR Insufficient memory, failed allocating transient memory for LCS',
);

// The option flags of SET and GETEX, as Redis's OBJ_* bits.
const NX = 1 << 0;
const XX = 1 << 1;
const GET = 1 << 2;
const KEEPTTL = 1 << 3;
const PERSIST = 1 << 4;
const EX = 1 << 5;
const PX = 1 << 6;
const EXAT = 1 << 7;
const PXAT = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;
const EXPIRE_OPTIONS = new Map([
  ['EX', EX],
  ['PX', PX],
  ['EXAT', EXAT],
  ['PXAT', PXAT],
]);
/** LLONG_MAX / 1000: larger second counts overflow once made milliseconds. */
const SECONDS_MAX = INT64_MAX / 1000n;

interface StringOptions {
  readonly flags: number;
  /** The EX/PX/EXAT/PXAT argument, still unparsed (Redis checks syntax first). */
  readonly expire: string | undefined;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (from argv[3]) and GETEX (from
 * argv[2]). Repeating an option is allowed; conflicting ones are a syntax error.
 */
function parseStringOptions(argv: readonly string[], forSet: boolean): StringOptions | ErrorReply {
  let flags = 0;
  let expire: string | undefined;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = (argv[j] as string).toUpperCase();
    const hasNext = j < argv.length - 1;
    const expireFlag = EXPIRE_OPTIONS.get(opt);
    if (opt === 'NX' && forSet && !(flags & XX)) flags |= NX;
    else if (opt === 'XX' && forSet && !(flags & NX)) flags |= XX;
    else if (opt === 'GET' && forSet) flags |= GET;
    else if (opt === 'KEEPTTL' && forSet && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (opt === 'PERSIST' && !forSet && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (
      expireFlag !== undefined &&
      hasNext &&
      !(flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireFlag)))
    ) {
      flags |= expireFlag;
      expire = argv[++j];
    } else {
      return SYNTAX;
    }
  }
  return { flags, expire };
}

function isError(v: StringOptions | ErrorReply): v is ErrorReply {
  return 'kind' in v;
}

/**
 * Redis's getExpireMillisecondsOrReply: an expire argument as an absolute ms deadline.
 * Relative ones (EX, PX) count from ctx.now, the entry's time, so every replica agrees.
 */
function expireDeadline(
  ctx: ExecContext,
  raw: string,
  flags: number,
  command: string,
): number | ErrorReply {
  const v = parseInt64(raw);
  if (v === null) return NOT_INTEGER;
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  if (v <= 0 || (seconds && v > SECONDS_MAX)) return invalidExpireTime(command);
  if (typeof v === 'number') {
    const ms = (seconds ? v * 1000 : v) + (relative ? ctx.now : 0);
    if (Number.isSafeInteger(ms)) return ms;
  }
  const ms = BigInt(v) * (seconds ? 1000n : 1n) + (relative ? BigInt(ctx.now) : 0n);
  // Redis's int64 sum wraps negative on overflow, which it reports as invalid.
  if (ms > INT64_MAX) return invalidExpireTime(command);
  return Number(ms);
}

/** Redis's setGenericCommand, behind SET, SETNX, SETEX and PSETEX. */
function setGeneric(
  ctx: ExecContext,
  key: string,
  value: string,
  options: StringOptions,
  replies: { readonly ok: Reply; readonly aborted: Reply; readonly command: string },
): Reply {
  const { flags, expire } = options;
  let deadline = 0;
  if (expire !== undefined) {
    const d = expireDeadline(ctx, expire, flags, replies.command);
    if (typeof d !== 'number') return d;
    deadline = d;
  }
  let reply = replies.ok;
  if (flags & GET) {
    const old = readString(ctx, key);
    if (typeof old === 'object') return old;
    reply = old ?? null;
  }
  const found = ctx.lookupWrite(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    return flags & GET ? reply : replies.aborted;
  }
  ctx.db.set(key, value, ctx.lruClock, (flags & KEEPTTL) !== 0);
  // A deadline already past (EXAT/PXAT) still sets the key, as Redis 7.0 does: it is
  // then absent to every read.
  if (expire !== undefined) ctx.db.setExpire(key, deadline);
  return reply;
}

const SET_REPLIES = { ok: OK, aborted: null, command: 'set' } as const;
const SETNX_REPLIES = { ok: 1, aborted: 0, command: 'setnx' } as const;
const SETEX_REPLIES = { ok: OK, aborted: null, command: 'setex' } as const;
const PSETEX_REPLIES = { ok: OK, aborted: null, command: 'psetex' } as const;

function set(ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length === 3) {
    const key = argv[1] as string;
    ctx.lookupWrite(key);
    ctx.db.set(key, argv[2] as string, ctx.lruClock);
    return OK;
  }
  const options = parseStringOptions(argv, true);
  if (isError(options)) return options;
  return setGeneric(ctx, argv[1] as string, argv[2] as string, options, SET_REPLIES);
}

function setnx(ctx: ExecContext, argv: readonly string[]): Reply {
  return setGeneric(
    ctx,
    argv[1] as string,
    argv[2] as string,
    { flags: NX, expire: undefined },
    SETNX_REPLIES,
  );
}

function setex(ctx: ExecContext, argv: readonly string[]): Reply {
  return setGeneric(
    ctx,
    argv[1] as string,
    argv[3] as string,
    { flags: EX, expire: argv[2] },
    SETEX_REPLIES,
  );
}

function psetex(ctx: ExecContext, argv: readonly string[]): Reply {
  return setGeneric(
    ctx,
    argv[1] as string,
    argv[3] as string,
    { flags: PX, expire: argv[2] },
    PSETEX_REPLIES,
  );
}

function get(ctx: ExecContext, argv: readonly string[]): Reply {
  const entry = ctx.lookupRead(argv[1] as string);
  if (entry === undefined) return null;
  return typeof entry.value === 'string' ? entry.value : WRONGTYPE;
}

/**
 * GETEX: GET that may also change the TTL. An EXAT/PXAT deadline already past deletes
 * the key after its value is read, as Redis does.
 */
function getex(ctx: ExecContext, argv: readonly string[]): Reply {
  const options = parseStringOptions(argv, false);
  if (isError(options)) return options;
  const key = argv[1] as string;
  const value = readString(ctx, key);
  if (value === undefined) return null;
  if (typeof value === 'object') return value;
  const { flags, expire } = options;
  if (expire !== undefined) {
    const deadline = expireDeadline(ctx, expire, flags, 'getex');
    if (typeof deadline !== 'number') return deadline;
    if (flags & (EXAT | PXAT) && deadline <= ctx.now) ctx.db.delete(key);
    else ctx.db.setExpire(key, deadline);
  } else if (flags & PERSIST) {
    ctx.db.setExpire(key, 0);
  }
  return value;
}

function getdel(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const value = readString(ctx, key);
  if (value === undefined) return null;
  if (typeof value === 'object') return value;
  ctx.db.delete(key);
  return value;
}

function getset(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const old = readString(ctx, key);
  if (typeof old === 'object') return old;
  ctx.lookupWrite(key);
  ctx.db.set(key, argv[2] as string, ctx.lruClock);
  return old ?? null;
}

function mget(ctx: ExecContext, argv: readonly string[]): Reply {
  const out: Reply[] = new Array<Reply>(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const entry = ctx.lookupRead(argv[j] as string);
    out[j - 1] = entry !== undefined && typeof entry.value === 'string' ? entry.value : null;
  }
  return out;
}

function msetGeneric(ctx: ExecContext, argv: readonly string[], nx: boolean): Reply {
  if (argv.length % 2 === 0) return wrongArity(nx ? 'msetnx' : 'mset');
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (ctx.lookupWrite(argv[j] as string) !== undefined) return 0;
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    const key = argv[j] as string;
    ctx.lookupWrite(key);
    ctx.db.set(key, argv[j + 1] as string, ctx.lruClock);
  }
  return nx ? 1 : OK;
}

function mset(ctx: ExecContext, argv: readonly string[]): Reply {
  return msetGeneric(ctx, argv, false);
}

function msetnx(ctx: ExecContext, argv: readonly string[]): Reply {
  return msetGeneric(ctx, argv, true);
}

/**
 * INCR/DECR/INCRBY/DECRBY over int64. Plain numbers while the sum stays within 2^53
 * (the common case, and INCR's speed matters); addInt64 switches to bigint beyond.
 * The TTL is kept, as Redis overwrites the value in place.
 */
function incrDecr(ctx: ExecContext, key: string, increment: number | bigint): Reply {
  const current = writableString(ctx, key);
  if (typeof current === 'object') return current;
  let value: number | bigint = 0;
  if (current !== undefined) {
    const parsed = parseInt64(current);
    if (parsed === null) return NOT_INTEGER;
    value = parsed;
  }
  const result = addInt64(value, increment);
  if (result === null) return OVERFLOW;
  ctx.db.set(key, String(result), ctx.lruClock, true);
  return result;
}

function incr(ctx: ExecContext, argv: readonly string[]): Reply {
  return incrDecr(ctx, argv[1] as string, 1);
}

function decr(ctx: ExecContext, argv: readonly string[]): Reply {
  return incrDecr(ctx, argv[1] as string, -1);
}

function incrby(ctx: ExecContext, argv: readonly string[]): Reply {
  const increment = parseInt64(argv[2] as string);
  if (increment === null) return NOT_INTEGER;
  return incrDecr(ctx, argv[1] as string, increment);
}

function decrby(ctx: ExecContext, argv: readonly string[]): Reply {
  const decrement = parseInt64(argv[2] as string);
  if (decrement === null) return NOT_INTEGER;
  if (decrement === INT64_MIN) return DECREMENT_OVERFLOW;
  return incrDecr(ctx, argv[1] as string, -decrement);
}

/** INCRBYFLOAT in x87 long double, printed as Redis prints it (see util/long-double). */
function incrbyfloat(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const current = writableString(ctx, key);
  if (typeof current === 'object') return current;
  const value = parseLongDouble(current ?? '0');
  const increment = parseLongDouble(argv[2] as string);
  if (value === null || increment === null) return NOT_FLOAT;
  const sum = addLongDouble(value, increment);
  if (!sum.finite) return NAN_OR_INFINITY;
  const text = formatLongDoubleHuman(sum);
  // createStringObject, not tryObjectEncoding: "3" is embstr, never int.
  ctx.db.set(key, text, ctx.lruClock, true).stringForm = 'embstr';
  return text;
}

function append(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const tail = argv[2] as string;
  const current = writableString(ctx, key);
  if (typeof current === 'object') return current;
  if (current === undefined) {
    ctx.db.set(key, tail, ctx.lruClock);
    return tail.length;
  }
  if (exceedsMaxBulk(ctx, current.length, tail.length)) return STRING_TOO_LONG;
  const value = current + tail;
  ctx.db.set(key, value, ctx.lruClock, true).stringForm = 'raw';
  return value.length;
}

function strlen(ctx: ExecContext, argv: readonly string[]): Reply {
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) return 0;
  return typeof value === 'object' ? value : value.length;
}

/** GETRANGE and its old name SUBSTR. */
function getrange(ctx: ExecContext, argv: readonly string[]): Reply {
  const start = parseInt64(argv[2] as string);
  if (start === null) return NOT_INTEGER;
  const end = parseInt64(argv[3] as string);
  if (end === null) return NOT_INTEGER;
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) return '';
  if (typeof value === 'object') return value;
  if (start < 0 && end < 0 && start > end) return '';
  const [s, e] = clampRange(start, end, value.length);
  if (s > e || value.length === 0) return '';
  return value.slice(s, e + 1);
}

function setrange(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const parsed = parseInt64(argv[2] as string);
  if (parsed === null) return NOT_INTEGER;
  if (parsed < 0) return OFFSET_RANGE;
  const offset = Number(parsed);
  const patch = argv[3] as string;
  const current = writableString(ctx, key);
  if (typeof current === 'object') return current;
  if (patch.length === 0) return current?.length ?? 0;
  if (exceedsMaxBulk(ctx, offset, patch.length)) return STRING_TOO_LONG;
  const old = current ?? '';
  const padded = old.length < offset ? old + '\0'.repeat(offset - old.length) : old;
  const value = padded.slice(0, offset) + patch + padded.slice(offset + patch.length);
  ctx.db.set(key, value, ctx.lruClock, true).stringForm = 'raw';
  return value.length;
}

interface LcsOptions {
  readonly len: boolean;
  readonly idx: boolean;
  readonly withMatchLen: boolean;
  readonly minMatchLen: number;
}

function parseLcsOptions(argv: readonly string[]): LcsOptions | ErrorReply {
  let len = false;
  let idx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toUpperCase();
    if (opt === 'IDX') idx = true;
    else if (opt === 'LEN') len = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && j < argv.length - 1) {
      const v = parseInt64(argv[++j] as string);
      if (v === null) return NOT_INTEGER;
      minMatchLen = v < 0 ? 0 : Number(v);
    } else {
      return SYNTAX;
    }
  }
  if (len && idx) return LCS_LEN_AND_IDX;
  return { len, idx, withMatchLen, minMatchLen };
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the classic dynamic
 * programming table, then Redis's backward walk, which emits the matching ranges
 * from the end of the strings.
 */
function lcs(ctx: ExecContext, argv: readonly string[]): Reply {
  const ea = ctx.lookupRead(argv[1] as string);
  const eb = ctx.lookupRead(argv[2] as string);
  const a = ea === undefined ? '' : ea.value;
  const b = eb === undefined ? '' : eb.value;
  if (typeof a !== 'string' || typeof b !== 'string') return LCS_NOT_STRINGS;
  const options = parseLcsOptions(argv);
  if ('kind' in options) return options;
  const cells = (a.length + 1) * (b.length + 1);
  if (cells * 4 > ctx.settings.protoMaxBulkLen) return LCS_TOO_BIG;
  let table: Uint32Array;
  try {
    table = lcsTable(a, b, cells);
  } catch {
    return LCS_ALLOC_FAILED;
  }
  const total = table[cells - 1] as number;
  if (options.len) return total;
  const walk = lcsWalk(a, b, table, options);
  if (!options.idx) return walk.common;
  return map(['matches', walk.matches, 'len', total]);
}

/** LCS(i, j) at j + i·(|b|+1): the LCS length of a[0..i) and b[0..j). */
function lcsTable(a: string, b: string, cells: number): Uint32Array {
  const table = new Uint32Array(cells);
  const width = b.length + 1;
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= b.length; j++) {
      if (ca === b.charCodeAt(j - 1)) {
        table[row + j] = (table[prev + j - 1] as number) + 1;
      } else {
        const up = table[prev + j] as number;
        const left = table[row + j - 1] as number;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  return table;
}

/** Redis's walk from LCS(|a|, |b|) back to the start, collecting the string and ranges. */
function lcsWalk(
  a: string,
  b: string,
  table: Uint32Array,
  options: LcsOptions,
): { common: string; matches: Reply[] } {
  const width = b.length + 1;
  const at = (i: number, j: number): number => table[j + i * width] as number;
  let idx = at(a.length, b.length);
  const common = new Uint8Array(idx);
  const matches: Reply[] = [];
  const unset = a.length;
  let aStart = unset;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      common[--idx] = a.charCodeAt(i - 1);
      if (aStart === unset) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
      if (aStart !== unset) emit = true;
    }
    if (!emit) continue;
    const matchLen = aEnd - aStart + 1;
    if (options.idx && (options.minMatchLen === 0 || matchLen >= options.minMatchLen)) {
      const range: Reply[] = [
        [aStart, aEnd],
        [bStart, bEnd],
      ];
      if (options.withMatchLen) range.push(matchLen);
      matches.push(range);
    }
    aStart = unset;
  }
  return { common: Buffer.from(common.buffer).latin1Slice(0, common.length), matches };
}

export const stringCommands: readonly CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the value of a key',
    complexity: 'O(1)',
    syntax: 'key',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: get,
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key',
    complexity: 'O(1)',
    syntax:
      'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'update'],
    data: set,
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the value of a key, only if the key does not exist',
    complexity: 'O(1)',
    syntax: 'key value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['OW', 'insert'],
    data: setnx,
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '2.0.0',
    summary: 'Set the value and expiration of a key',
    complexity: 'O(1)',
    syntax: 'key seconds value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['OW', 'update'],
    data: setex,
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '2.6.0',
    summary: 'Set the value and expiration in milliseconds of a key',
    complexity: 'O(1)',
    syntax: 'key milliseconds value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['OW', 'update'],
    data: psetex,
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the values of all the given keys',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    syntax: 'key [key ...]',
    keys: { first: 1, last: -1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: mget,
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values',
    complexity: 'O(N) where N is the number of keys to set.',
    syntax: 'key value [key value ...]',
    keys: { first: 1, last: -1, step: 2 },
    keyAccess: ['OW', 'update'],
    data: mset,
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    complexity: 'O(N) where N is the number of keys to set.',
    syntax: 'key value [key value ...]',
    keys: { first: 1, last: -1, step: 2 },
    keyAccess: ['OW', 'insert'],
    data: msetnx,
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key and return its old value',
    complexity: 'O(1)',
    syntax: 'key value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'update'],
    data: getset,
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and delete the key',
    complexity: 'O(1)',
    syntax: 'key',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'delete'],
    data: getdel,
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and optionally set its expiration',
    complexity: 'O(1)',
    syntax:
      'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'update'],
    data: getex,
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since: '2.0.0',
    summary: 'Append a value to a key',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    syntax: 'key value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'insert'],
    data: append,
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    group: 'string',
    since: '2.2.0',
    summary: 'Get the length of the value stored in a key',
    complexity: 'O(1)',
    syntax: 'key',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO'],
    data: strlen,
  },
  counterSpec('incr', 'key', 'Increment the integer value of a key by one', incr),
  counterSpec('decr', 'key', 'Decrement the integer value of a key by one', decr),
  counterSpec(
    'incrby',
    'key increment',
    'Increment the integer value of a key by the given amount',
    incrby,
  ),
  counterSpec(
    'decrby',
    'key decrement',
    'Decrement the integer value of a key by the given number',
    decrby,
  ),
  counterSpec(
    'incrbyfloat',
    'key increment',
    'Increment the float value of a key by the given amount',
    incrbyfloat,
    '2.6.0',
  ),
  rangeSpec('getrange', '2.4.0'),
  rangeSpec('substr', '1.0.0'),
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    group: 'string',
    since: '2.2.0',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    syntax: 'key offset value',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'update'],
    data: setrange,
  },
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    group: 'string',
    since: '7.0.0',
    summary: 'Find longest common substring',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    syntax: 'key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]',
    keys: { first: 1, last: 2, step: 1 },
    keyAccess: ['RO', 'access'],
    data: lcs,
  },
];

/** INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT share everything but these. */
function counterSpec(
  name: string,
  syntax: 'key' | 'key increment' | 'key decrement',
  summary: string,
  data: (ctx: ExecContext, argv: readonly string[]) => Reply,
  since = '1.0.0',
): CommandSpec {
  return {
    name,
    // argv[0] plus one word per syntax word.
    arity: syntax.split(' ').length + 1,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    group: 'string',
    since,
    summary,
    complexity: 'O(1)',
    syntax,
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RW', 'access', 'update'],
    data,
  };
}

/** GETRANGE and SUBSTR are one command under two names. */
function rangeSpec(name: string, since: string): CommandSpec {
  return {
    name,
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    group: 'string',
    since,
    summary: 'Get a substring of the string stored at a key',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    syntax: 'key start end',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: getrange,
  };
}
