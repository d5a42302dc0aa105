/**
 * The hash family (Redis's t_hash.c): HSET and friends, counters, HRANDFIELD and HSCAN.
 * Encodings and their conversion live in keyspace/hash.ts; this file parses arguments,
 * finds keys and shapes replies exactly as Redis 7.0.15 does.
 */
import { HashValue, type HashLimits } from '../keyspace/hash.js';
import { OK, error, map, pairs, type ErrorReply, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../util/long-double.js';
import { INT64_MIN, addInt64, parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONGTYPE, wrongArity } from './errors.js';
import { parseCursor } from './keys.js';
import type { CommandSpec } from './spec.js';

const HASH_NOT_INTEGER = error('ERR hash value is not an integer');
const HASH_NOT_FLOAT = error('ERR hash value is not a float');
const INCREMENT_NAN_OR_INFINITY = error('ERR value is NaN or Infinity');
const RESULT_NAN_OR_INFINITY = error('ERR increment would produce NaN or Infinity');
const INVALID_CURSOR = error('ERR invalid cursor');
const COUNT_RANGE = error(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const COUNT_RANGE_WITHVALUES = error('ERR value is out of range');
/** LONG_MAX / 2: HRANDFIELD WITHVALUES refuses counts beyond, as its reply doubles. */
const WITHVALUES_COUNT_MAX = 4611686018427387903n;
/**
 * Redis streams a huge HRANDFIELD -N reply until its client is cut off; AiKv builds the
 * reply whole, so it refuses replies that could not fit in memory.
 */
const RANDOM_REPLY_MAX = 1 << 26;
const REPLY_TOO_LARGE = error('ERR HRANDFIELD count is too large for one reply');
/** HRANDFIELD copies and thins the hash when the count is within this factor of its size. */
const SUB_STRATEGY_MUL = 3;

// ---------------------------------------------------------------------------------------
// Lookups

export function hashLimits(ctx: ExecContext): HashLimits {
  return {
    maxListpackEntries: ctx.settings.number('hash-max-listpack-entries'),
    maxListpackValue: ctx.settings.number('hash-max-listpack-value'),
  };
}

/** The hash at `key` for a read: undefined when absent, WRONGTYPE for another type. */
export function readHash(ctx: ExecContext, key: string): HashValue | undefined | ErrorReply {
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return undefined;
  return entry.value instanceof HashValue ? entry.value : WRONGTYPE;
}

/** Like readHash for a key about to change; Redis's lookupKeyWrite touches the key. */
function writableHash(ctx: ExecContext, key: string): HashValue | undefined | ErrorReply {
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return undefined;
  if (!(entry.value instanceof HashValue)) return WRONGTYPE;
  entry.lru = ctx.lruClock;
  return entry.value;
}

/** Redis's hashTypeLookupWriteOrCreate: the hash at `key`, created empty if absent. */
function hashForWrite(ctx: ExecContext, key: string): HashValue | ErrorReply {
  const found = writableHash(ctx, key);
  if (found !== undefined) return found;
  const created = new HashValue();
  ctx.db.set(key, created, ctx.lruClock);
  return created;
}

function isHash(v: HashValue | undefined | ErrorReply): v is HashValue {
  return v instanceof HashValue;
}

// ---------------------------------------------------------------------------------------
// Writes

/** HSET and HMSET (hsetCommand): the same write, different replies. */
function hsetGeneric(ctx: ExecContext, argv: readonly string[], name: 'hset' | 'hmset'): Reply {
  if (argv.length % 2 === 1) return wrongArity(name);
  const key = argv[1] as string;
  const hash = hashForWrite(ctx, key);
  if (!isHash(hash)) return hash;
  const limits = hashLimits(ctx);
  hash.prepareFor(argv, 2, limits);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (hash.set(argv[i] as string, argv[i + 1] as string, limits)) created++;
  }
  ctx.signalModified(key);
  return name === 'hset' ? created : OK;
}

function hsetnx(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const hash = hashForWrite(ctx, key);
  if (!isHash(hash)) return hash;
  if (hash.has(field)) return 0;
  const limits = hashLimits(ctx);
  hash.prepareFor(argv, 2, limits);
  hash.set(field, argv[3] as string, limits);
  ctx.signalModified(key);
  return 1;
}

function hdel(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const hash = writableHash(ctx, key);
  if (!isHash(hash)) return hash ?? 0;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (!hash.delete(argv[i] as string)) continue;
    deleted++;
    if (hash.size === 0) {
      ctx.db.delete(key);
      break;
    }
  }
  if (deleted > 0) ctx.signalModified(key);
  return deleted;
}

function hincrby(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const increment = parseInt64(argv[3] as string);
  if (increment === null) return NOT_INTEGER;
  const hash = hashForWrite(ctx, key);
  if (!isHash(hash)) return hash;
  const current = hash.get(field);
  const value = current === undefined ? 0 : parseInt64(current);
  if (value === null) return HASH_NOT_INTEGER;
  const sum = addInt64(value, increment);
  if (sum === null) return OVERFLOW;
  hash.set(field, String(sum), hashLimits(ctx));
  ctx.signalModified(key);
  return sum;
}

function hincrbyfloat(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const increment = parseLongDouble(argv[3] as string);
  if (increment === null) return NOT_FLOAT;
  if (!increment.finite) return INCREMENT_NAN_OR_INFINITY;
  const hash = hashForWrite(ctx, key);
  if (!isHash(hash)) return hash;
  const current = hash.get(field);
  const value = parseLongDouble(current ?? '0');
  if (value === null) return HASH_NOT_FLOAT;
  const sum = addLongDouble(value, increment);
  if (!sum.finite) return RESULT_NAN_OR_INFINITY;
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text, hashLimits(ctx));
  ctx.signalModified(key);
  return text;
}

// ---------------------------------------------------------------------------------------
// Reads

function hget(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? null;
  return hash.get(argv[2] as string) ?? null;
}

function hmget(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (hash !== undefined && !isHash(hash)) return hash;
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(hash?.get(argv[i] as string) ?? null);
  return out;
}

function hexists(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? 0;
  return hash.has(argv[2] as string) ? 1 : 0;
}

function hlen(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? 0;
  return hash.size;
}

function hstrlen(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? 0;
  return hash.get(argv[2] as string)?.length ?? 0;
}

/** HKEYS (0), HVALS (1): every other element of the pairs. */
function hashHalf(ctx: ExecContext, argv: readonly string[], offset: 0 | 1): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? [];
  const all = hash.pairsView();
  const out: string[] = [];
  for (let i = offset; i < all.length; i += 2) out.push(all[i] as string);
  return out;
}

function hgetall(ctx: ExecContext, argv: readonly string[]): Reply {
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? map([]);
  return map(hash.toPairs());
}

// ---------------------------------------------------------------------------------------
// HRANDFIELD

/** HRANDFIELD key [count [WITHVALUES]]: the count is checked before the key, as in Redis. */
function hrandfield(ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length >= 3) {
    const count = parseInt64(argv[2] as string);
    if (count === null) return NOT_INTEGER;
    if (count === INT64_MIN) return COUNT_RANGE;
    const option = argv[3];
    if (argv.length > 4 || (option !== undefined && option.toUpperCase() !== 'WITHVALUES')) {
      return SYNTAX;
    }
    const withValues = option !== undefined;
    if (withValues && (count < -WITHVALUES_COUNT_MAX || count > WITHVALUES_COUNT_MAX)) {
      return COUNT_RANGE_WITHVALUES;
    }
    return hrandfieldWithCount(ctx, argv[1] as string, count, withValues);
  }
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? null;
  return hash.pairsView()[2 * ctx.rng.below(hash.size)] as string;
}

/**
 * hrandfieldWithCountCommand's four cases: a negative count (or 1) draws with
 * repetition; a count covering the hash returns all of it; a count close to the size
 * thins a copy by random removals; a small count draws distinct pairs.
 */
function hrandfieldWithCount(
  ctx: ExecContext,
  key: string,
  count: number | bigint,
  withValues: boolean,
): Reply {
  const hash = readHash(ctx, key);
  if (!isHash(hash)) return hash ?? [];
  if (count === 0) return [];
  const all = hash.pairsView();
  const size = hash.size;
  const wanted = count < 0 ? -count : count;
  if (count < 0 || count === 1) {
    if (wanted > RANDOM_REPLY_MAX) return REPLY_TOO_LARGE;
    return pairsReply(all, drawWithRepetition(ctx, size, Number(wanted)), withValues);
  }
  const picks = uniquePicks(ctx, hash, wanted);
  return pairsReply(all, picks, withValues);
}

/** Cases 2 to 4: `wanted` distinct pairs (all of them when it covers the hash). */
function uniquePicks(ctx: ExecContext, hash: HashValue, wanted: number | bigint): number[] {
  const size = hash.size;
  if (wanted >= size) return allIndexes(size);
  const n = Number(wanted);
  return n * SUB_STRATEGY_MUL > size ? thinnedIndexes(ctx, size, n) : distinctIndexes(ctx, hash, n);
}

function pairsReply(all: readonly string[], picks: readonly number[], withValues: boolean): Reply {
  const out: string[] = [];
  for (const i of picks) {
    out.push(all[2 * i] as string);
    if (withValues) out.push(all[2 * i + 1] as string);
  }
  return withValues ? pairs(out) : out;
}

function drawWithRepetition(ctx: ExecContext, size: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(ctx.rng.below(size));
  return out;
}

function allIndexes(size: number): number[] {
  return Array.from({ length: size }, (_, i) => i);
}

/** CASE 3: all pairs, then random removals down to `count`. */
function thinnedIndexes(ctx: ExecContext, size: number, count: number): number[] {
  const kept = allIndexes(size);
  while (kept.length > count) {
    const j = ctx.rng.below(kept.length);
    kept[j] = kept[kept.length - 1] as number;
    kept.pop();
  }
  return kept;
}

/**
 * CASE 4: for a listpack, lpRandomPairsUnique's one pass (each pair taken with
 * probability wanted-left / pairs-left, in listpack order); for a hashtable, random
 * picks until `count` distinct ones, in the order drawn.
 */
function distinctIndexes(ctx: ExecContext, hash: HashValue, count: number): number[] {
  const size = hash.size;
  const out: number[] = [];
  if (hash.encoding() === 'listpack') {
    for (let i = 0; i < size && out.length < count; i++) {
      if (ctx.rng.next() <= (count - out.length) / (size - i)) out.push(i);
    }
    return out;
  }
  const seen = new Set<number>();
  while (out.length < count) {
    const i = ctx.rng.below(size);
    if (seen.has(i)) continue;
    seen.add(i);
    out.push(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// HSCAN

interface ScanOptions {
  readonly count: number;
  /** null when absent or exactly "*", which matches everything. */
  readonly pattern: string | null;
}

/** scanGenericCommand's option loop for a key's collection (no TYPE). */
export function parseScanOptions(argv: readonly string[], from: number): ScanOptions | ErrorReply {
  let count = 10;
  let pattern: string | null = null;
  for (let i = from; i < argv.length; i += 2) {
    const option = (argv[i] as string).toUpperCase();
    const value = argv[i + 1];
    if (value === undefined) return SYNTAX;
    if (option === 'COUNT') {
      const n = parseInt64(value);
      if (n === null) return NOT_INTEGER;
      if (n < 1) return SYNTAX;
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (option === 'MATCH') {
      pattern = value === '*' ? null : value;
    } else {
      return SYNTAX;
    }
  }
  return { count, pattern };
}

function hscan(ctx: ExecContext, argv: readonly string[]): Reply {
  const cursor = parseCursor(argv[2] as string);
  if (cursor === null) return INVALID_CURSOR;
  const hash = readHash(ctx, argv[1] as string);
  if (!isHash(hash)) return hash ?? ['0', []];
  const options = parseScanOptions(argv, 3);
  if ('kind' in options) return options;
  const found: string[] = [];
  const next = hash.scan(cursor, options.count, (field, value) => {
    if (options.pattern === null || globMatch(options.pattern, field)) found.push(field, value);
  });
  return [String(next), found];
}

// ---------------------------------------------------------------------------------------
// The table

interface HashSpecInput {
  readonly name: string;
  readonly arity: number;
  readonly write: boolean;
  readonly fast: boolean;
  readonly since?: string;
  readonly summary: string;
  readonly complexity: string;
  readonly syntax: string;
  readonly keyAccess: CommandSpec['keyAccess'];
  readonly tips?: readonly string[];
  readonly data: (ctx: ExecContext, argv: readonly string[]) => Reply;
}

function hashSpec(input: HashSpecInput): CommandSpec {
  const flags: CommandSpec['flags'] = input.write
    ? input.name === 'hdel'
      ? ['write']
      : ['write', 'denyoom']
    : ['readonly'];
  return {
    name: input.name,
    arity: input.arity,
    flags: input.fast ? [...flags, 'fast'] : flags,
    acl: [input.write ? 'write' : 'read', 'hash', input.fast ? 'fast' : 'slow'],
    group: 'hash',
    since: input.since ?? '2.0.0',
    summary: input.summary,
    complexity: input.complexity,
    syntax: input.syntax,
    keys: { first: 1, last: 1, step: 1 },
    ...(input.keyAccess !== undefined ? { keyAccess: input.keyAccess } : {}),
    ...(input.tips !== undefined ? { tips: input.tips } : {}),
    data: input.data,
  };
}

const ALL_FIELDS = 'O(N) where N is the size of the hash.';

export const hashCommands: readonly CommandSpec[] = [
  hashSpec({
    name: 'hset',
    arity: -4,
    write: true,
    fast: true,
    summary: 'Set the string value of a hash field',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    syntax: 'key field value [field value ...]',
    keyAccess: ['RW', 'update'],
    data: (ctx, argv) => hsetGeneric(ctx, argv, 'hset'),
  }),
  hashSpec({
    name: 'hsetnx',
    arity: 4,
    write: true,
    fast: true,
    summary: 'Set the value of a hash field, only if the field does not exist',
    complexity: 'O(1)',
    syntax: 'key field value',
    keyAccess: ['RW', 'insert'],
    data: hsetnx,
  }),
  hashSpec({
    name: 'hmset',
    arity: -4,
    write: true,
    fast: true,
    summary: 'Set multiple hash fields to multiple values',
    complexity: 'O(N) where N is the number of fields being set.',
    syntax: 'key field value [field value ...]',
    keyAccess: ['RW', 'update'],
    data: (ctx, argv) => hsetGeneric(ctx, argv, 'hmset'),
  }),
  hashSpec({
    name: 'hget',
    arity: 3,
    write: false,
    fast: true,
    summary: 'Get the value of a hash field',
    complexity: 'O(1)',
    syntax: 'key field',
    keyAccess: ['RO', 'access'],
    data: hget,
  }),
  hashSpec({
    name: 'hmget',
    arity: -3,
    write: false,
    fast: true,
    summary: 'Get the values of all the given hash fields',
    complexity: 'O(N) where N is the number of fields being requested.',
    syntax: 'key field [field ...]',
    keyAccess: ['RO', 'access'],
    data: hmget,
  }),
  hashSpec({
    name: 'hdel',
    arity: -3,
    write: true,
    fast: true,
    summary: 'Delete one or more hash fields',
    complexity: 'O(N) where N is the number of fields to be removed.',
    syntax: 'key field [field ...]',
    keyAccess: ['RW', 'delete'],
    data: hdel,
  }),
  hashSpec({
    name: 'hexists',
    arity: 3,
    write: false,
    fast: true,
    summary: 'Determine if a hash field exists',
    complexity: 'O(1)',
    syntax: 'key field',
    keyAccess: ['RO'],
    data: hexists,
  }),
  hashSpec({
    name: 'hlen',
    arity: 2,
    write: false,
    fast: true,
    summary: 'Get the number of fields in a hash',
    complexity: 'O(1)',
    syntax: 'key',
    keyAccess: ['RO'],
    data: hlen,
  }),
  hashSpec({
    name: 'hstrlen',
    arity: 3,
    write: false,
    fast: true,
    since: '3.2.0',
    summary: 'Get the length of the value of a hash field',
    complexity: 'O(1)',
    syntax: 'key field',
    keyAccess: ['RO'],
    data: hstrlen,
  }),
  hashSpec({
    name: 'hkeys',
    arity: 2,
    write: false,
    fast: false,
    summary: 'Get all the fields in a hash',
    complexity: ALL_FIELDS,
    syntax: 'key',
    keyAccess: ['RO', 'access'],
    tips: ['nondeterministic_output_order'],
    data: (ctx, argv) => hashHalf(ctx, argv, 0),
  }),
  hashSpec({
    name: 'hvals',
    arity: 2,
    write: false,
    fast: false,
    summary: 'Get all the values in a hash',
    complexity: ALL_FIELDS,
    syntax: 'key',
    keyAccess: ['RO', 'access'],
    tips: ['nondeterministic_output_order'],
    data: (ctx, argv) => hashHalf(ctx, argv, 1),
  }),
  hashSpec({
    name: 'hgetall',
    arity: 2,
    write: false,
    fast: false,
    summary: 'Get all the fields and values in a hash',
    complexity: ALL_FIELDS,
    syntax: 'key',
    keyAccess: ['RO', 'access'],
    tips: ['nondeterministic_output_order'],
    data: hgetall,
  }),
  hashSpec({
    name: 'hincrby',
    arity: 4,
    write: true,
    fast: true,
    summary: 'Increment the integer value of a hash field by the given number',
    complexity: 'O(1)',
    syntax: 'key field increment',
    keyAccess: ['RW', 'access', 'update'],
    data: hincrby,
  }),
  hashSpec({
    name: 'hincrbyfloat',
    arity: 4,
    write: true,
    fast: true,
    since: '2.6.0',
    summary: 'Increment the float value of a hash field by the given amount',
    complexity: 'O(1)',
    syntax: 'key field increment',
    keyAccess: ['RW', 'access', 'update'],
    data: hincrbyfloat,
  }),
  hashSpec({
    name: 'hrandfield',
    arity: -2,
    write: false,
    fast: false,
    since: '6.2.0',
    summary: 'Get one or multiple random fields from a hash',
    complexity: 'O(N) where N is the number of fields returned',
    syntax: 'key [count [WITHVALUES]]',
    keyAccess: ['RO', 'access'],
    tips: ['nondeterministic_output'],
    data: hrandfield,
  }),
  hashSpec({
    name: 'hscan',
    arity: -3,
    write: false,
    fast: false,
    since: '2.8.0',
    summary: 'Incrementally iterate hash fields and associated values',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    syntax: 'key cursor [MATCH pattern] [COUNT count]',
    keyAccess: ['RO', 'access'],
    tips: ['nondeterministic_output'],
    data: hscan,
  }),
];
