/**
 * The set family (Redis's t_set.c), Redis 7.0.15-exact in replies and errors. Member
 * order in replies is the set's iteration order (ascending for an intset, insertion
 * order for a hashtable), and every random choice is drawn from ctx.rng, so a write
 * applies identically on every replica.
 */
import { SetValue } from '../keyspace/set.js';
import { error, set, type ErrorReply, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { INT64_MIN, parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, NOT_POSITIVE, SYNTAX, WRONGTYPE } from './errors.js';
import { parseCursor } from './keys.js';
import type { CommandSpec, KeyRange } from './spec.js';

const INVALID_CURSOR = error('ERR invalid cursor');
const SRANDMEMBER_RANGE = error(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const NUMKEYS = error('ERR numkeys should be greater than 0');
const NUMKEYS_TOO_MANY = error("ERR Number of keys can't be greater than number of args");
const LIMIT_NEGATIVE = error("ERR LIMIT can't be negative");
const EMPTY_SET = set([]);
const EMPTY_SCAN: Reply = ['0', []];

/** SPOP rebuilds the set from the survivors when fewer than 1 in this many remain. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER copies and thins the set when it is not this many times the count. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

// ---------------------------------------------------------------------------------------
// Lookups

/** Whether a lookup or parse step answered an error reply instead of its value. */
function failed<T>(v: T | ErrorReply): v is ErrorReply {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'error';
}

/** The set at `key` for reading: undefined when absent, WRONGTYPE for another type. */
function readSet(ctx: ExecContext, key: string): SetValue | undefined | ErrorReply {
  const e = ctx.lookupRead(key);
  if (e === undefined) return undefined;
  return e.value instanceof SetValue ? e.value : WRONGTYPE;
}

/** The set at `key` for writing (an expired key is deleted first). */
function writeSet(ctx: ExecContext, key: string): SetValue | undefined | ErrorReply {
  const e = ctx.lookupWrite(key);
  if (e === undefined) return undefined;
  return e.value instanceof SetValue ? e.value : WRONGTYPE;
}

function maxIntsetEntries(ctx: ExecContext): number {
  return ctx.settings.number('set-max-intset-entries');
}

/**
 * Looks up every key in order as Redis does (a missing key is an empty set); the
 * first key of another type stops the lookup with WRONGTYPE.
 */
function readSets(
  ctx: ExecContext,
  keys: readonly string[],
): (SetValue | undefined)[] | ErrorReply {
  const out: (SetValue | undefined)[] = [];
  for (const key of keys) {
    const s = readSet(ctx, key);
    if (s !== undefined && !(s instanceof SetValue)) return s;
    out.push(s);
  }
  return out;
}

/** setKey or dbDelete for the *STORE commands: replies the stored cardinality. */
function store(ctx: ExecContext, dst: string, result: SetValue): Reply {
  if (result.size === 0) {
    if (ctx.db.delete(dst)) ctx.signalModified(dst);
    return 0;
  }
  ctx.lookupWrite(dst);
  ctx.db.set(dst, result, ctx.lruClock);
  ctx.signalModified(dst);
  return result.size;
}

// ---------------------------------------------------------------------------------------
// SADD SREM SMOVE SISMEMBER SMISMEMBER SCARD

function sadd(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  let value = writeSet(ctx, key);
  if (failed(value)) return value;
  if (value === undefined) {
    value = SetValue.forMember(argv[2] as string);
    ctx.db.set(key, value, ctx.lruClock);
  }
  const max = maxIntsetEntries(ctx);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (value.add(argv[i] as string, max)) added++;
  if (added > 0) ctx.signalModified(key);
  return added;
}

function srem(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const value = writeSet(ctx, key);
  if (value === undefined || failed(value)) return value ?? 0;
  let removed = 0;
  for (let i = 2; i < argv.length; i++) {
    if (!value.remove(argv[i] as string)) continue;
    removed++;
    if (value.size === 0) {
      ctx.db.delete(key);
      break;
    }
  }
  if (removed > 0) ctx.signalModified(key);
  return removed;
}

/** SMOVE: a missing source answers 0 before any type check, as in Redis. */
function smove(ctx: ExecContext, argv: readonly string[]): Reply {
  const [, from, to, member] = argv as [string, string, string, string];
  const src = writeSet(ctx, from);
  const dst = writeSet(ctx, to);
  if (src === undefined) return 0;
  if (failed(src)) return src;
  if (dst !== undefined && failed(dst)) return dst;
  if (src === dst) return src.has(member) ? 1 : 0;
  if (!src.remove(member)) return 0;
  if (src.size === 0) ctx.db.delete(from);
  let target = dst;
  if (target === undefined) {
    target = SetValue.forMember(member);
    ctx.db.set(to, target, ctx.lruClock);
  }
  ctx.signalModified(from);
  if (target.add(member, maxIntsetEntries(ctx))) ctx.signalModified(to);
  return 1;
}

function sismember(ctx: ExecContext, argv: readonly string[]): Reply {
  const value = readSet(ctx, argv[1] as string);
  if (value === undefined || failed(value)) return value ?? 0;
  return value.has(argv[2] as string) ? 1 : 0;
}

function smismember(ctx: ExecContext, argv: readonly string[]): Reply {
  const value = readSet(ctx, argv[1] as string);
  if (value !== undefined && failed(value)) return value;
  const out: number[] = [];
  for (let i = 2; i < argv.length; i++) out.push(value?.has(argv[i] as string) === true ? 1 : 0);
  return out;
}

function scard(ctx: ExecContext, argv: readonly string[]): Reply {
  const value = readSet(ctx, argv[1] as string);
  if (value === undefined || failed(value)) return value ?? 0;
  return value.size;
}

// ---------------------------------------------------------------------------------------
// SPOP SRANDMEMBER

function spop(ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length === 3) return spopWithCount(ctx, argv);
  if (argv.length > 3) return SYNTAX;
  const key = argv[1] as string;
  const value = writeSet(ctx, key);
  if (value === undefined || failed(value)) return value ?? null;
  const member = value.randomMember(ctx.rng);
  value.remove(member);
  if (value.size === 0) ctx.db.delete(key);
  ctx.signalModified(key);
  return member;
}

/** spopWithCountCommand and its three cases. */
function spopWithCount(ctx: ExecContext, argv: readonly string[]): Reply {
  const n = parseInt64(argv[2] as string);
  if (n === null || n < 0) return NOT_POSITIVE;
  const key = argv[1] as string;
  const value = writeSet(ctx, key);
  if (value === undefined || failed(value)) return value ?? EMPTY_SET;
  if (n === 0) return EMPTY_SET;
  const count = Number(n);
  const size = value.size;
  ctx.signalModified(key);
  // CASE 1: everything, in the order SUNION of the one set would give.
  if (count >= size) {
    const all = union([value], maxIntsetEntries(ctx));
    ctx.db.delete(key);
    return set([...all.members()]);
  }
  const remaining = size - count;
  // CASE 2: few to pop: pick and remove them one by one.
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    const popped: string[] = [];
    for (let i = 0; i < count; i++) {
      const member = value.randomMember(ctx.rng);
      value.remove(member);
      popped.push(member);
    }
    return set(popped);
  }
  // CASE 3: most to pop: move the survivors to a new set and answer what is left.
  return set(spopRebuild(ctx, key, value, remaining));
}

function spopRebuild(ctx: ExecContext, key: string, value: SetValue, remaining: number): string[] {
  const max = maxIntsetEntries(ctx);
  let survivors: SetValue | undefined;
  for (let i = 0; i < remaining; i++) {
    const member = value.randomMember(ctx.rng);
    survivors ??= SetValue.forMember(member);
    survivors.add(member, max);
    value.remove(member);
  }
  const popped = [...value.members()];
  if (survivors !== undefined) {
    survivors.continueCursorIdsFrom(value);
    ctx.db.set(key, survivors, ctx.lruClock, true);
  }
  return popped;
}

function srandmember(ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length === 3) return srandmemberWithCount(ctx, argv);
  if (argv.length > 3) return SYNTAX;
  const value = readSet(ctx, argv[1] as string);
  if (value === undefined || failed(value)) return value ?? null;
  return value.randomMember(ctx.rng);
}

/**
 * srandmemberWithCountCommand: a negative count allows repeats; a positive one answers
 * distinct members by one of three strategies, chosen as Redis chooses.
 */
function srandmemberWithCount(ctx: ExecContext, argv: readonly string[]): Reply {
  const n = parseInt64(argv[2] as string);
  if (n === null) return NOT_INTEGER;
  if (n === INT64_MIN) return SRANDMEMBER_RANGE;
  const unique = n >= 0;
  const count = Number(unique ? n : -n);
  const value = readSet(ctx, argv[1] as string);
  if (value === undefined || failed(value)) return value ?? [];
  if (count === 0) return [];
  // CASE 1: with repeats (or just one): independent picks.
  if (!unique || count === 1) {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(value.randomMember(ctx.rng));
    return out;
  }
  const size = value.size;
  // CASE 2: the whole set.
  if (count >= size) return [...value.members()];
  // CASE 3: close to the size: drop random members from a copy.
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) return thinned(ctx, value, count);
  // CASE 4: far below the size: pick until enough distinct members.
  const picked = new Set<string>();
  while (picked.size < count) picked.add(value.randomMember(ctx.rng));
  return [...picked];
}

/** `count` distinct members of `value`, by removing random ones; in the set's order. */
function thinned(ctx: ExecContext, value: SetValue, count: number): string[] {
  const all = [...value.members()];
  const keep = new Uint8Array(all.length).fill(1);
  const pool = Uint32Array.from(all.keys());
  for (let live = all.length; live > count; live--) {
    const k = ctx.rng.below(live);
    keep[pool[k] as number] = 0;
    pool[k] = pool[live - 1] as number;
  }
  return all.filter((_, i) => keep[i] === 1);
}

// ---------------------------------------------------------------------------------------
// SINTER SMEMBERS SINTERCARD SINTERSTORE

/**
 * The intersection in the order of the smallest set (sinterGenericCommand), up to
 * `limit` members (0 = all). A missing key makes it empty.
 */
function intersection(sets: readonly (SetValue | undefined)[], limit: number): string[] {
  const present: SetValue[] = [];
  for (const s of sets) {
    if (s === undefined) return [];
    present.push(s);
  }
  present.sort((a, b) => a.size - b.size);
  const first = present[0] as SetValue;
  const out: string[] = [];
  for (const member of first.members()) {
    if (!present.every((s) => s === first || s.has(member))) continue;
    out.push(member);
    if (limit !== 0 && out.length >= limit) break;
  }
  return out;
}

function sinter(ctx: ExecContext, argv: readonly string[]): Reply {
  const sets = readSets(ctx, argv.slice(1));
  if (failed(sets)) return sets;
  return set(intersection(sets, 0));
}

function sinterstore(ctx: ExecContext, argv: readonly string[]): Reply {
  const sets = readSets(ctx, argv.slice(2));
  if (failed(sets)) return sets;
  const result = SetValue.emptyIntset();
  const max = maxIntsetEntries(ctx);
  for (const member of intersection(sets, 0)) result.add(member, max);
  return store(ctx, argv[1] as string, result);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercard(ctx: ExecContext, argv: readonly string[]): Reply {
  const numkeys = parseInt64(argv[1] as string);
  if (numkeys === null || numkeys < 1) return NUMKEYS;
  if (numkeys > argv.length - 2) return NUMKEYS_TOO_MANY;
  const keysEnd = 2 + Number(numkeys);
  let limit = 0;
  for (let i = keysEnd; i < argv.length; i++) {
    const more = i < argv.length - 1;
    if ((argv[i] as string).toUpperCase() !== 'LIMIT' || !more) return SYNTAX;
    const n = parseInt64(argv[++i] as string);
    if (n === null || n < 0) return LIMIT_NEGATIVE;
    limit = Number(n);
  }
  const sets = readSets(ctx, argv.slice(2, keysEnd));
  if (failed(sets)) return sets;
  return intersection(sets, limit).length;
}

// ---------------------------------------------------------------------------------------
// SUNION SDIFF and their STORE forms

/** sunionDiffGenericCommand's union: into a set that starts as an intset. */
function union(sets: readonly (SetValue | undefined)[], max: number): SetValue {
  const result = SetValue.emptyIntset();
  for (const s of sets) {
    if (s === undefined) continue;
    for (const member of s.members()) result.add(member, max);
  }
  return result;
}

/**
 * sunionDiffGenericCommand's difference, with Redis's choice between walking the first
 * set (algorithm 1) and adding it then removing the others (algorithm 2).
 */
function difference(sets: readonly (SetValue | undefined)[], max: number): SetValue {
  const result = SetValue.emptyIntset();
  const first = sets[0];
  if (first === undefined || sets.some((s, j) => j > 0 && s === first)) return result;
  let algoOneWork = 0;
  let algoTwoWork = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    algoOneWork += first.size;
    algoTwoWork += s.size;
  }
  const others = sets.slice(1).filter((s): s is SetValue => s !== undefined);
  if (Math.floor(algoOneWork / 2) <= algoTwoWork) {
    // Largest first: an element found in a big set is rejected soonest.
    others.sort((a, b) => b.size - a.size);
    for (const member of first.members()) {
      if (!others.some((s) => s.has(member))) result.add(member, max);
    }
    return result;
  }
  for (const member of first.members()) result.add(member, max);
  for (const s of others) {
    for (const member of s.members()) result.remove(member);
    if (result.size === 0) break;
  }
  return result;
}

type SetOp = typeof union;

function unionDiffReply(ctx: ExecContext, argv: readonly string[], op: SetOp): Reply {
  const sets = readSets(ctx, argv.slice(1));
  if (failed(sets)) return sets;
  return set([...op(sets, maxIntsetEntries(ctx)).members()]);
}

function unionDiffStore(ctx: ExecContext, argv: readonly string[], op: SetOp): Reply {
  const sets = readSets(ctx, argv.slice(2));
  if (failed(sets)) return sets;
  return store(ctx, argv[1] as string, op(sets, maxIntsetEntries(ctx)));
}

// ---------------------------------------------------------------------------------------
// SSCAN

interface ScanOptions {
  readonly count: number;
  /** null when absent or exactly "*". */
  readonly pattern: string | null;
}

/** scanGenericCommand's options for a key's elements: COUNT and MATCH only. */
function parseScanOptions(argv: readonly string[]): ScanOptions | ErrorReply {
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < argv.length; i += 2) {
    const option = (argv[i] as string).toUpperCase();
    const arg = argv[i + 1];
    if (arg === undefined) return SYNTAX;
    if (option === 'COUNT') {
      const n = parseInt64(arg);
      if (n === null) return NOT_INTEGER;
      if (n < 1) return SYNTAX;
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (option === 'MATCH') {
      pattern = arg === '*' ? null : arg;
    } else {
      return SYNTAX;
    }
  }
  return { count, pattern };
}

/** SSCAN: the cursor is checked first; a missing key answers an empty scan unparsed. */
function sscan(ctx: ExecContext, argv: readonly string[]): Reply {
  const cursor = parseCursor(argv[2] as string);
  if (cursor === null) return INVALID_CURSOR;
  const value = readSet(ctx, argv[1] as string);
  if (value === undefined) return EMPTY_SCAN;
  if (failed(value)) return value;
  const options = parseScanOptions(argv);
  if (!('count' in options)) return options;
  const found: string[] = [];
  const next = value.scan(cursor, options.count, (member) => {
    if (options.pattern === null || globMatch(options.pattern, member)) found.push(member);
  });
  return [String(next), found];
}

// ---------------------------------------------------------------------------------------
// Specs

const ONE_KEY: KeyRange = { first: 1, last: 1, step: 1 };
const ALL_KEYS: KeyRange = { first: 1, last: -1, step: 1 };
const DST_AND_KEYS: KeyRange = { first: 1, last: -1, step: 1 };

/** SINTERCARD's keys: numkeys of them after argv[1]. */
function sintercardKeys(argv: readonly string[]): number[] {
  const n = parseInt64(argv[1] ?? '');
  if (typeof n !== 'number' || n < 1 || n > argv.length - 2) return [];
  return Array.from({ length: n }, (_, i) => i + 2);
}

interface SpecShape {
  readonly name: string;
  readonly arity: number;
  readonly flags: CommandSpec['flags'];
  readonly since: string;
  readonly summary: string;
  readonly complexity: string;
  readonly syntax: string;
  readonly data: (ctx: ExecContext, argv: readonly string[]) => Reply;
  readonly keys?: KeyRange;
  readonly keyAccess?: NonNullable<CommandSpec['keyAccess']>;
  readonly tips?: readonly string[];
}

/** Every set command is in @set and @read or @write, plus @fast or @slow by its flags. */
function setSpec(shape: SpecShape): CommandSpec {
  const { keys, ...rest } = shape;
  return {
    ...rest,
    acl: [
      shape.flags.includes('write') ? 'write' : 'read',
      'set',
      shape.flags.includes('fast') ? 'fast' : 'slow',
    ],
    group: 'set',
    ...(keys === undefined ? { keyFinder: sintercardKeys } : { keys }),
  };
}

const ORDER_TIP = ['nondeterministic_output_order'];
const OUTPUT_TIP = ['nondeterministic_output'];
const SCAN_COMPLEXITY =
  'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..';
const INTER_COMPLEXITY =
  'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

export const setCommands: readonly CommandSpec[] = [
  setSpec({
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    since: '1.0.0',
    summary: 'Add one or more members to a set',
    complexity:
      'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    syntax: 'key member [member ...]',
    keys: ONE_KEY,
    keyAccess: ['RW', 'insert'],
    data: sadd,
  }),
  setSpec({
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    since: '1.0.0',
    summary: 'Remove one or more members from a set',
    complexity: 'O(N) where N is the number of members to be removed.',
    syntax: 'key member [member ...]',
    keys: ONE_KEY,
    keyAccess: ['RW', 'delete'],
    data: srem,
  }),
  setSpec({
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    since: '1.0.0',
    summary: 'Determine if a given value is a member of a set',
    complexity: 'O(1)',
    syntax: 'key member',
    keys: ONE_KEY,
    keyAccess: ['RO'],
    data: sismember,
  }),
  setSpec({
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    since: '6.2.0',
    summary: 'Returns the membership associated with the given elements for a set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    syntax: 'key member [member ...]',
    keys: ONE_KEY,
    keyAccess: ['RO', 'access'],
    data: smismember,
  }),
  setSpec({
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    since: '1.0.0',
    summary: 'Get all the members in a set',
    complexity: 'O(N) where N is the set cardinality.',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RO', 'access'],
    tips: ORDER_TIP,
    data: sinter,
  }),
  setSpec({
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    since: '1.0.0',
    summary: 'Get the number of members in a set',
    complexity: 'O(1)',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RO'],
    data: scard,
  }),
  setSpec({
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    since: '1.0.0',
    summary: 'Remove and return one or multiple random members from a set',
    complexity:
      'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    syntax: 'key [count]',
    keys: ONE_KEY,
    keyAccess: ['RW', 'access', 'delete'],
    tips: OUTPUT_TIP,
    data: spop,
  }),
  setSpec({
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    since: '1.0.0',
    summary: 'Get one or multiple random members from a set',
    complexity:
      'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    syntax: 'key [count]',
    keys: ONE_KEY,
    keyAccess: ['RO', 'access'],
    tips: OUTPUT_TIP,
    data: srandmember,
  }),
  setSpec({
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    since: '1.0.0',
    summary: 'Move a member from one set to another',
    complexity: 'O(1)',
    syntax: 'source destination member',
    // Two key specs with different access flags (RW access delete / RW insert).
    keys: { first: 1, last: 2, step: 1 },
    data: smove,
  }),
  setSpec({
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    since: '1.0.0',
    summary: 'Add multiple sets',
    complexity: UNION_COMPLEXITY,
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RO', 'access'],
    tips: ORDER_TIP,
    data: (ctx, argv) => unionDiffReply(ctx, argv, union),
  }),
  setSpec({
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    since: '1.0.0',
    summary: 'Intersect multiple sets',
    complexity: INTER_COMPLEXITY,
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RO', 'access'],
    tips: ORDER_TIP,
    data: sinter,
  }),
  setSpec({
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    since: '1.0.0',
    summary: 'Subtract multiple sets',
    complexity: UNION_COMPLEXITY,
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RO', 'access'],
    tips: ORDER_TIP,
    data: (ctx, argv) => unionDiffReply(ctx, argv, difference),
  }),
  setSpec({
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    since: '1.0.0',
    summary: 'Add multiple sets and store the resulting set in a key',
    complexity: UNION_COMPLEXITY,
    syntax: 'destination key [key ...]',
    keys: DST_AND_KEYS,
    data: (ctx, argv) => unionDiffStore(ctx, argv, union),
  }),
  setSpec({
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    since: '1.0.0',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    complexity: INTER_COMPLEXITY,
    syntax: 'destination key [key ...]',
    keys: DST_AND_KEYS,
    data: sinterstore,
  }),
  setSpec({
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    since: '1.0.0',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    complexity: UNION_COMPLEXITY,
    syntax: 'destination key [key ...]',
    keys: DST_AND_KEYS,
    data: (ctx, argv) => unionDiffStore(ctx, argv, difference),
  }),
  setSpec({
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    since: '7.0.0',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    complexity: INTER_COMPLEXITY,
    syntax: 'numkeys key [key ...] [LIMIT limit]',
    keyAccess: ['RO', 'access'],
    data: sintercard,
  }),
  setSpec({
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    since: '2.8.0',
    summary: 'Incrementally iterate Set elements',
    complexity: SCAN_COMPLEXITY,
    syntax: 'key cursor [MATCH pattern] [COUNT count]',
    keys: ONE_KEY,
    keyAccess: ['RO', 'access'],
    tips: OUTPUT_TIP,
    data: sscan,
  }),
];
