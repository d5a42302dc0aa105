/**
 * The list family (Redis's t_list.c): pushes and pops at both ends, ranges, indexes,
 * LINSERT/LREM/LTRIM/LPOS, moves between lists, and the blocking pops. Blocking
 * commands that find nothing to pop return a BlockRequest (when `ctx.canBlock`); the
 * server runs them again when a push creates one of their keys.
 */
import { ListValue } from '../keyspace/list.js';
import { EMPTY_ARRAY, NULL_ARRAY, OK, error, type ErrorReply, type Reply } from '../resp/reply.js';
import { parseDouble, parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, NOT_POSITIVE, NO_SUCH_KEY, SYNTAX, WRONGTYPE, wrongArity } from './errors.js';
import type { BlockRequest, CommandSpec, DataHandler, KeyAccess } from './spec.js';

const INDEX_RANGE = error('ERR index out of range');
const RANK_ZERO = error(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
const COUNT_NEGATIVE = error("ERR COUNT can't be negative");
const MAXLEN_NEGATIVE = error("ERR MAXLEN can't be negative");
const NUMKEYS_RANGE = error('ERR numkeys should be greater than 0');
const COUNT_RANGE = error('ERR count should be greater than 0');
const TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range');
const TIMEOUT_NEGATIVE = error('ERR timeout is negative');

const LONG_MIN = -(2 ** 63);
/** 2^63: a timeout in ms at or past this wraps negative in Redis's long long. */
const TIMEOUT_MS_LIMIT = 2 ** 63;

// ---------------------------------------------------------------------------------
// Shared helpers

/** A C long from an argument (int64; beyond 2^53 approximately, which no list reaches). */
function parseLong(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** The list at `key` for a write: null if absent, WRONGTYPE if another type. */
function listForWrite(ctx: ExecContext, key: string): ListValue | null | ErrorReply {
  const e = ctx.lookupWrite(key);
  if (e === undefined) return null;
  return e.value instanceof ListValue ? e.value : WRONGTYPE;
}

function listForRead(ctx: ExecContext, key: string): ListValue | null | ErrorReply {
  const e = ctx.lookupRead(key);
  if (e === undefined) return null;
  return e.value instanceof ListValue ? e.value : WRONGTYPE;
}

/** Adds an empty list at `key`; clients blocked on it may now be served (dbAdd). */
function createList(ctx: ExecContext, key: string): ListValue {
  const list = new ListValue();
  ctx.db.set(key, list, ctx.lruClock);
  ctx.signalReady(key);
  return list;
}

/** After elements left a list: an empty list's key goes, as Redis never keeps one. */
function removedFrom(ctx: ExecContext, key: string, list: ListValue): void {
  if (list.length === 0) ctx.db.delete(key);
  else ctx.signalModified(key);
}

function pop(list: ListValue, fromTail: boolean): string {
  return (fromTail ? list.popTail() : list.popHead()) as string;
}

function push(list: ListValue, s: string, toTail: boolean): void {
  if (toTail) list.pushTail(s);
  else list.pushHead(s);
}

/** Pops up to `count` elements, in pop order. */
function popMany(list: ListValue, fromTail: boolean, count: number): string[] {
  const n = Math.min(count, list.length);
  if (!fromTail) {
    const out = list.range(0, n - 1);
    list.deleteHead(n);
    return out;
  }
  const out = list.range(list.length - n, list.length - 1).reverse();
  list.deleteTail(n);
  return out;
}

/** LEFT / RIGHT (case-insensitive): true for RIGHT, null otherwise. */
function parseSide(s: string): boolean | null {
  const upper = s.toUpperCase();
  if (upper === 'RIGHT') return true;
  if (upper === 'LEFT') return false;
  return null;
}

/**
 * Redis's getTimeoutFromObjectOrReply in seconds: a long double, made ms with ceil.
 * Returns the relative timeout in ms, 0 meaning for ever.
 */
function parseTimeout(s: string): number | ErrorReply {
  const v = parseDouble(s);
  if (v === null) return TIMEOUT_NOT_FLOAT;
  const ms = Math.ceil(v * 1000);
  // Infinite or too large values wrap to a negative long long in Redis.
  if (!(ms >= 0 && ms < TIMEOUT_MS_LIMIT)) return TIMEOUT_NEGATIVE;
  return ms === 0 ? 0 : ms;
}

/**
 * Parks the client, or answers at once where blocking is not allowed. A blocked list
 * command that times out answers a null array, whatever the command (Redis's
 * replyToBlockedClientTimedOut); BLMOVE refused a block answers a null bulk instead.
 */
function block(
  ctx: ExecContext,
  keys: readonly string[],
  timeoutMs: number,
  refusedReply: Reply = NULL_ARRAY,
): Reply | BlockRequest {
  if (!ctx.canBlock) return refusedReply;
  return { kind: 'block', keys, timeoutMs, timeoutReply: NULL_ARRAY };
}

// ---------------------------------------------------------------------------------
// Pushes and pops

/** LPUSH, RPUSH, LPUSHX, RPUSHX. */
function pushCommand(toTail: boolean, onlyIfExists: boolean): DataHandler {
  return (ctx, argv) => {
    const key = argv[1] as string;
    const found = listForWrite(ctx, key);
    if (found !== null && !(found instanceof ListValue)) return found;
    if (found === null && onlyIfExists) return 0;
    const list = found ?? createList(ctx, key);
    if (toTail) for (let j = 2; j < argv.length; j++) list.pushTail(argv[j] as string);
    else for (let j = 2; j < argv.length; j++) list.pushHead(argv[j] as string);
    if (found !== null) ctx.signalModified(key);
    return list.length;
  };
}

/** LPOP, RPOP: one element as a bulk, or with a count an array of up to count. */
function popCommand(fromTail: boolean): DataHandler {
  return (ctx, argv) => {
    if (argv.length > 3) return wrongArity(fromTail ? 'rpop' : 'lpop');
    let count = -1;
    if (argv.length === 3) {
      const c = parseLong(argv[2] as string);
      if (c === null || c < 0) return NOT_POSITIVE;
      count = c;
    }
    const key = argv[1] as string;
    const list = listForWrite(ctx, key);
    if (list === null) return count === -1 ? null : NULL_ARRAY;
    if (!(list instanceof ListValue)) return list;
    if (count === 0) return EMPTY_ARRAY;
    const reply = count === -1 ? pop(list, fromTail) : popMany(list, fromTail, count);
    removedFrom(ctx, key, list);
    return reply;
  };
}

interface MpopArgs {
  readonly keys: readonly string[];
  readonly fromTail: boolean;
  readonly count: number;
}

/** LMPOP / BLMPOP arguments from `numkeysIndex` on: numkeys keys... LEFT|RIGHT [COUNT n]. */
function parseMpop(argv: readonly string[], numkeysIndex: number): MpopArgs | ErrorReply {
  const numkeys = parseLong(argv[numkeysIndex] as string);
  if (numkeys === null || numkeys < 1) return NUMKEYS_RANGE;
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) return SYNTAX;
  const fromTail = parseSide(argv[whereIndex] as string);
  if (fromTail === null) return SYNTAX;
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    const more = j < argv.length - 1;
    if (count === -1 && more && (argv[j] as string).toUpperCase() === 'COUNT') {
      const c = parseLong(argv[++j] as string);
      if (c === null || c < 1) return COUNT_RANGE;
      count = c;
    } else {
      return SYNTAX;
    }
  }
  const keys = argv.slice(numkeysIndex + 1, whereIndex);
  return { keys, fromTail, count: count === -1 ? 1 : count };
}

/** Pops from the first non-empty list: [key, [elements]], or null when all are empty. */
function mpop(ctx: ExecContext, args: MpopArgs): Reply | null {
  for (const key of args.keys) {
    const list = listForWrite(ctx, key);
    if (list === null) continue;
    if (!(list instanceof ListValue)) return list;
    const elements = popMany(list, args.fromTail, args.count);
    removedFrom(ctx, key, list);
    return [key, elements];
  }
  return null;
}

function lmpop(ctx: ExecContext, argv: readonly string[]): Reply {
  const args = parseMpop(argv, 1);
  if ('kind' in args) return args;
  return mpop(ctx, args) ?? NULL_ARRAY;
}

function blmpop(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  const args = parseMpop(argv, 2);
  if ('kind' in args) return args;
  const timeoutMs = parseTimeout(argv[1] as string);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  return mpop(ctx, args) ?? block(ctx, args.keys, timeoutMs);
}

/** BLPOP, BRPOP: [key, element] from the first non-empty list, or block. */
function blockingPop(fromTail: boolean): DataHandler {
  return (ctx, argv) => {
    const timeoutMs = parseTimeout(argv[argv.length - 1] as string);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const keys = argv.slice(1, -1);
    for (const key of keys) {
      const list = listForWrite(ctx, key);
      if (list === null) continue;
      if (!(list instanceof ListValue)) return list;
      const element = pop(list, fromTail);
      removedFrom(ctx, key, list);
      return [key, element];
    }
    return block(ctx, keys, timeoutMs);
  };
}

// ---------------------------------------------------------------------------------
// Moves

/** Redis's lmoveGenericCommand: pop from `src`, push onto `dst`, reply the element. */
function move(
  ctx: ExecContext,
  src: string,
  dst: string,
  fromTail: boolean,
  toTail: boolean,
): Reply {
  const source = listForWrite(ctx, src);
  if (source === null) return null;
  if (!(source instanceof ListValue)) return source;
  // The destination is looked up before the pop, so src == dst gets its element back.
  const found = listForWrite(ctx, dst);
  if (found !== null && !(found instanceof ListValue)) return found;
  const element = pop(source, fromTail);
  const dest = found ?? createList(ctx, dst);
  push(dest, element, toTail);
  ctx.signalModified(dst);
  removedFrom(ctx, src, source);
  return element;
}

function lmove(ctx: ExecContext, argv: readonly string[]): Reply {
  const fromTail = parseSide(argv[3] as string);
  const toTail = parseSide(argv[4] as string);
  if (fromTail === null || toTail === null) return SYNTAX;
  return move(ctx, argv[1] as string, argv[2] as string, fromTail, toTail);
}

function rpoplpush(ctx: ExecContext, argv: readonly string[]): Reply {
  return move(ctx, argv[1] as string, argv[2] as string, true, false);
}

/** BLMOVE / BRPOPLPUSH once sides and timeout are parsed. */
function blockingMove(
  ctx: ExecContext,
  argv: readonly string[],
  sides: readonly [boolean, boolean],
  timeoutMs: number,
): Reply | BlockRequest {
  const src = argv[1] as string;
  const source = listForWrite(ctx, src);
  if (source === WRONGTYPE) return WRONGTYPE;
  if (source === null) return block(ctx, [src], timeoutMs, null);
  return move(ctx, src, argv[2] as string, sides[0], sides[1]);
}

function blmove(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  const fromTail = parseSide(argv[3] as string);
  const toTail = parseSide(argv[4] as string);
  if (fromTail === null || toTail === null) return SYNTAX;
  const timeoutMs = parseTimeout(argv[5] as string);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  return blockingMove(ctx, argv, [fromTail, toTail], timeoutMs);
}

function brpoplpush(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  const timeoutMs = parseTimeout(argv[3] as string);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  return blockingMove(ctx, argv, [true, false], timeoutMs);
}

// ---------------------------------------------------------------------------------
// Reads and in-place edits

function llen(ctx: ExecContext, argv: readonly string[]): Reply {
  const list = listForRead(ctx, argv[1] as string);
  if (list === null) return 0;
  return list instanceof ListValue ? list.length : list;
}

function lrange(ctx: ExecContext, argv: readonly string[]): Reply {
  const start = parseLong(argv[2] as string);
  const end = parseLong(argv[3] as string);
  if (start === null || end === null) return NOT_INTEGER;
  const list = listForRead(ctx, argv[1] as string);
  if (list === null) return EMPTY_ARRAY;
  if (!(list instanceof ListValue)) return list;
  const len = list.length;
  const from = Math.max(start < 0 ? len + start : start, 0);
  const to = Math.min(end < 0 ? len + end : end, len - 1);
  if (from > to || from >= len) return EMPTY_ARRAY;
  return list.range(from, to);
}

function lindex(ctx: ExecContext, argv: readonly string[]): Reply {
  const list = listForRead(ctx, argv[1] as string);
  if (list === null) return null;
  if (!(list instanceof ListValue)) return list;
  const index = parseLong(argv[2] as string);
  if (index === null) return NOT_INTEGER;
  return list.at(index) ?? null;
}

function lset(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const list = listForWrite(ctx, key);
  if (list === null) return NO_SUCH_KEY;
  if (!(list instanceof ListValue)) return list;
  const index = parseLong(argv[2] as string);
  if (index === null) return NOT_INTEGER;
  if (!list.set(index, argv[3] as string)) return INDEX_RANGE;
  ctx.signalModified(key);
  return OK;
}

function lrem(ctx: ExecContext, argv: readonly string[]): Reply {
  const count = parseLong(argv[2] as string);
  if (count === null) return NOT_INTEGER;
  const key = argv[1] as string;
  const list = listForWrite(ctx, key);
  if (list === null) return 0;
  if (!(list instanceof ListValue)) return list;
  const removed = list.remove(argv[3] as string, count);
  if (removed > 0) removedFrom(ctx, key, list);
  return removed;
}

function ltrim(ctx: ExecContext, argv: readonly string[]): Reply {
  const start = parseLong(argv[2] as string);
  const end = parseLong(argv[3] as string);
  if (start === null || end === null) return NOT_INTEGER;
  const key = argv[1] as string;
  const list = listForWrite(ctx, key);
  if (list === null) return OK;
  if (!(list instanceof ListValue)) return list;
  const len = list.length;
  const from = Math.max(start < 0 ? len + start : start, 0);
  const to = Math.min(end < 0 ? len + end : end, len - 1);
  if (from > to || from >= len) {
    list.deleteHead(len);
  } else {
    list.deleteTail(len - 1 - to);
    list.deleteHead(from);
  }
  removedFrom(ctx, key, list);
  return OK;
}

function linsert(ctx: ExecContext, argv: readonly string[]): Reply {
  const where = (argv[2] as string).toUpperCase();
  if (where !== 'BEFORE' && where !== 'AFTER') return SYNTAX;
  const key = argv[1] as string;
  const list = listForWrite(ctx, key);
  if (list === null) return 0;
  if (!(list instanceof ListValue)) return list;
  if (!list.insert(argv[3] as string, argv[4] as string, where === 'AFTER')) return -1;
  ctx.signalModified(key);
  return list.length;
}

interface LposArgs {
  readonly rank: number;
  /** -1 when COUNT was not given. */
  readonly count: number;
  readonly maxlen: number;
}

function parseLpos(argv: readonly string[]): LposArgs | ErrorReply {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toUpperCase();
    const more = j < argv.length - 1;
    if (!more || (opt !== 'RANK' && opt !== 'COUNT' && opt !== 'MAXLEN')) return SYNTAX;
    const v = parseLong(argv[++j] as string);
    if (opt === 'RANK') {
      if (v === null) return NOT_INTEGER;
      if (v === 0) return RANK_ZERO;
      // Redis negates LONG_MIN to itself, after which every match qualifies: RANK -1.
      rank = v === LONG_MIN ? -1 : v;
    } else if (opt === 'COUNT') {
      if (v === null || v < 0) return COUNT_NEGATIVE;
      count = v;
    } else {
      if (v === null || v < 0) return MAXLEN_NEGATIVE;
      maxlen = v;
    }
  }
  return { rank, count, maxlen };
}

function lpos(ctx: ExecContext, argv: readonly string[]): Reply {
  const args = parseLpos(argv);
  if ('kind' in args) return args;
  const list = listForRead(ctx, argv[1] as string);
  if (list === null) return args.count === -1 ? null : EMPTY_ARRAY;
  if (!(list instanceof ListValue)) return list;
  const limit = args.count === -1 ? 1 : args.count;
  const found = list.positions(argv[2] as string, { rank: args.rank, limit, maxlen: args.maxlen });
  return args.count === -1 ? (found[0] ?? null) : found;
}

// ---------------------------------------------------------------------------------
// The command table

const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const POP_ACCESS: readonly KeyAccess[] = ['RW', 'access', 'delete'];
const PUSH_ACCESS: readonly KeyAccess[] = ['RW', 'insert'];
const PUSH_COMPLEXITY =
  'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';
const MPOP_COMPLEXITY =
  'O(N+M) where N is the number of provided keys and M is the number of elements returned.';

/** LMPOP / BLMPOP keys: numkeys at `numkeysIndex`, the keys after it. */
function mpopKeys(numkeysIndex: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const numkeys = parseLong(argv[numkeysIndex] ?? '');
    if (numkeys === null || numkeys < 1 || numkeysIndex + numkeys >= argv.length) return [];
    const out: number[] = [];
    for (let i = 1; i <= numkeys; i++) out.push(numkeysIndex + i);
    return out;
  };
}

function pushSpec(name: string, since: string, summary: string, handler: DataHandler): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'list', 'fast'],
    group: 'list',
    since,
    summary,
    complexity: PUSH_COMPLEXITY,
    syntax: 'key element [element ...]',
    keys: ONE_KEY,
    keyAccess: PUSH_ACCESS,
    data: handler,
  };
}

function popSpec(name: string, summary: string, handler: DataHandler): CommandSpec {
  return {
    name,
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'list', 'fast'],
    group: 'list',
    since: '1.0.0',
    summary,
    complexity: 'O(N) where N is the number of elements returned',
    syntax: 'key [count]',
    keys: ONE_KEY,
    keyAccess: POP_ACCESS,
    data: handler,
  };
}

function blockingPopSpec(name: string, summary: string, handler: DataHandler): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    group: 'list',
    since: '2.0.0',
    summary,
    complexity: 'O(N) where N is the number of provided keys.',
    syntax: 'key [key ...] timeout',
    keys: { first: 1, last: -2, step: 1 },
    keyAccess: POP_ACCESS,
    data: handler,
  };
}

const pushAndPopSpecs: readonly CommandSpec[] = [
  pushSpec(
    'lpush',
    '1.0.0',
    'Prepend one or multiple elements to a list',
    pushCommand(false, false),
  ),
  pushSpec('rpush', '1.0.0', 'Append one or multiple elements to a list', pushCommand(true, false)),
  pushSpec(
    'lpushx',
    '2.2.0',
    'Prepend an element to a list, only if the list exists',
    pushCommand(false, true),
  ),
  pushSpec(
    'rpushx',
    '2.2.0',
    'Append an element to a list, only if the list exists',
    pushCommand(true, true),
  ),
  popSpec('lpop', 'Remove and get the first elements in a list', popCommand(false)),
  popSpec('rpop', 'Remove and get the last elements in a list', popCommand(true)),
  blockingPopSpec(
    'blpop',
    'Remove and get the first element in a list, or block until one is available',
    blockingPop(false),
  ),
  blockingPopSpec(
    'brpop',
    'Remove and get the last element in a list, or block until one is available',
    blockingPop(true),
  ),
  {
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    acl: ['write', 'list', 'slow'],
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list',
    complexity: MPOP_COMPLEXITY,
    syntax: 'numkeys key [key ...] LEFT | RIGHT [COUNT count]',
    keyFinder: mpopKeys(1),
    keyAccess: POP_ACCESS,
    data: lmpop,
  },
  {
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list, or block until one is available',
    complexity: MPOP_COMPLEXITY,
    syntax: 'timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]',
    keyFinder: mpopKeys(2),
    keyAccess: POP_ACCESS,
    data: blmpop,
  },
];

const moveSpecs: readonly CommandSpec[] = [
  {
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    group: 'list',
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it',
    complexity: 'O(1)',
    syntax: 'source destination LEFT | RIGHT LEFT | RIGHT',
    keys: TWO_KEYS,
    keyAccess: POP_ACCESS,
    data: lmove,
  },
  {
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    group: 'list',
    since: '1.2.0',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    complexity: 'O(1)',
    syntax: 'source destination',
    keys: TWO_KEYS,
    keyAccess: POP_ACCESS,
    data: rpoplpush,
  },
  {
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    group: 'list',
    since: '6.2.0',
    summary:
      'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    syntax: 'source destination LEFT | RIGHT LEFT | RIGHT timeout',
    keys: TWO_KEYS,
    keyAccess: POP_ACCESS,
    data: blmove,
  },
  {
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    group: 'list',
    since: '2.2.0',
    summary:
      'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    syntax: 'source destination timeout',
    keys: TWO_KEYS,
    keyAccess: POP_ACCESS,
    data: brpoplpush,
  },
];

function readSpec(
  name: string,
  arity: number,
  fast: boolean,
  fields: { summary: string; complexity: string; syntax: string; since?: string },
  handler: DataHandler,
): CommandSpec {
  return {
    name,
    arity,
    flags: fast ? ['readonly', 'fast'] : ['readonly'],
    acl: ['read', 'list', fast ? 'fast' : 'slow'],
    group: 'list',
    since: fields.since ?? '1.0.0',
    summary: fields.summary,
    complexity: fields.complexity,
    syntax: fields.syntax,
    keys: ONE_KEY,
    keyAccess: fast ? ['RO'] : ['RO', 'access'],
    data: handler,
  };
}

function editSpec(
  name: string,
  arity: number,
  denyoom: boolean,
  fields: { summary: string; complexity: string; syntax: string; since?: string },
  keyAccess: readonly KeyAccess[],
  handler: DataHandler,
): CommandSpec {
  return {
    name,
    arity,
    flags: denyoom ? ['write', 'denyoom'] : ['write'],
    acl: ['write', 'list', 'slow'],
    group: 'list',
    since: fields.since ?? '1.0.0',
    summary: fields.summary,
    complexity: fields.complexity,
    syntax: fields.syntax,
    keys: ONE_KEY,
    keyAccess,
    data: handler,
  };
}

const readAndEditSpecs: readonly CommandSpec[] = [
  readSpec(
    'llen',
    2,
    true,
    { summary: 'Get the length of a list', complexity: 'O(1)', syntax: 'key' },
    llen,
  ),
  readSpec(
    'lrange',
    4,
    false,
    {
      summary: 'Get a range of elements from a list',
      complexity:
        'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
      syntax: 'key start stop',
    },
    lrange,
  ),
  readSpec(
    'lindex',
    3,
    false,
    {
      summary: 'Get an element from a list by its index',
      complexity:
        'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
      syntax: 'key index',
    },
    lindex,
  ),
  readSpec(
    'lpos',
    -3,
    false,
    {
      summary: 'Return the index of matching elements on a list',
      complexity:
        'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
      syntax: 'key element [RANK rank] [COUNT num-matches] [MAXLEN len]',
      since: '6.0.6',
    },
    lpos,
  ),
  editSpec(
    'lset',
    4,
    true,
    {
      summary: 'Set the value of an element in a list by its index',
      complexity:
        'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
      syntax: 'key index element',
    },
    ['RW', 'update'],
    lset,
  ),
  editSpec(
    'lrem',
    4,
    false,
    {
      summary: 'Remove elements from a list',
      complexity:
        'O(N+M) where N is the length of the list and M is the number of elements removed.',
      syntax: 'key count element',
    },
    ['RW', 'delete'],
    lrem,
  ),
  editSpec(
    'ltrim',
    4,
    false,
    {
      summary: 'Trim a list to the specified range',
      complexity: 'O(N) where N is the number of elements to be removed by the operation.',
      syntax: 'key start stop',
    },
    ['RW', 'delete'],
    ltrim,
  ),
  editSpec(
    'linsert',
    5,
    true,
    {
      summary: 'Insert an element before or after another element in a list',
      complexity:
        'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
      syntax: 'key BEFORE | AFTER pivot element',
      since: '2.2.0',
    },
    PUSH_ACCESS,
    linsert,
  ),
];

export const listCommands: readonly CommandSpec[] = [
  ...pushAndPopSpecs,
  ...moveSpecs,
  ...readAndEditSpecs,
];
