/**
 * Generic key commands (Redis's db.c, expire.c and OBJECT from object.c): DEL, EXISTS,
 * TYPE, RENAME, COPY, MOVE, KEYS, SCAN, RANDOMKEY, the EXPIRE and TTL families,
 * PERSIST, TOUCH and OBJECT. DUMP/RESTORE live in dump.ts.
 *
 * Writes take every time from ctx.now (the entry's time), so a relative TTL becomes the
 * same absolute deadline on every replica. Reads treat keys past their deadline as
 * absent and never delete them; the node replicates deletions.
 */
import { Entry, type Db, type StringForm } from '../keyspace/db.js';
import { typeOf, type Value } from '../keyspace/value.js';
import { OK, error, simple, type ErrorReply, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import {
  DB_INDEX_RANGE,
  NOT_INTEGER,
  NO_SUCH_KEY,
  SYNTAX,
  cString,
  invalidExpireTime,
} from './errors.js';
import type { CommandSpec, DataHandler } from './spec.js';

const SAME_OBJECT = error('ERR source and destination objects are the same');
const INVALID_CURSOR = error('ERR invalid cursor');
const INT_RANGE = error('ERR value is out of range, value must between -2147483648 and 2147483647');
const NX_CONFLICT = error('ERR NX and XX, GT or LT options at the same time are not compatible');
const GT_LT_CONFLICT = error('ERR GT and LT options at the same time are not compatible');
const LFU_NOT_SELECTED = error(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const NONE = simple('none');

// ---------------------------------------------------------------------------------------
// Lookups and small helpers

function isExpired(e: Entry, now: number): boolean {
  return e.expireAt !== 0 && e.expireAt <= now;
}

/**
 * Redis's LOOKUP_NOTOUCH (TTL, TYPE, EXISTS, OBJECT): hides expired keys and counts
 * hits and misses like any read, but leaves the access time alone.
 */
function lookupNoTouch(ctx: ExecContext, key: string, db: Db = ctx.db): Entry | undefined {
  return ctx.lookupRead(key, db, false);
}

/** A key met while iterating is past its deadline: the node proposes its deletion. */
function reportExpired(ctx: ExecContext, db: Db, key: string): void {
  if (!ctx.options.applying) ctx.options.onExpiredRead?.(db.id, key);
}

/** Case-insensitive option match; the length check keeps 'ß' from matching 'SS'. */
function isOption(arg: string | undefined, upper: string): boolean {
  return arg !== undefined && arg.length === upper.length && arg.toUpperCase() === upper;
}

/** Redis's getIntFromObjectOrReply + selectDb: a database index for MOVE and COPY DB. */
function parseDbIndex(ctx: ExecContext, arg: string): number | ErrorReply {
  const n = parseInt64(arg);
  if (n === null) return NOT_INTEGER;
  if (n < -2147483648 || n > 2147483647) return INT_RANGE;
  if (n < 0 || n >= ctx.keyspace.dbs.length) return DB_INDEX_RANGE;
  return Number(n);
}

/** An integer reply from a ms quantity that may lie beyond 2^53 (huge deadlines). */
function int64Reply(x: number): number | bigint {
  if (Number.isSafeInteger(x)) return x;
  const big = BigInt(x);
  if (big > INT64_MAX) return INT64_MAX;
  return big < INT64_MIN ? INT64_MIN : big;
}

function cloneValue(value: Value): Value {
  return typeof value === 'string' ? value : value.clone();
}

// ---------------------------------------------------------------------------------------
// DEL UNLINK EXISTS TYPE TOUCH

/** DEL and UNLINK: there is no lazy freeing to do, so both delete at once. */
function del(ctx: ExecContext, argv: readonly string[]): Reply {
  const db = ctx.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    if (ctx.lookupWrite(key, db) !== undefined && db.delete(key)) deleted++;
  }
  return deleted;
}

function exists(ctx: ExecContext, argv: readonly string[]): Reply {
  let count = 0;
  for (let i = 1; i < argv.length; i++) {
    if (lookupNoTouch(ctx, argv[i] as string) !== undefined) count++;
  }
  return count;
}

function type(ctx: ExecContext, argv: readonly string[]): Reply {
  const e = lookupNoTouch(ctx, argv[1] as string);
  return e === undefined ? NONE : simple(typeOf(e.value));
}

function touch(ctx: ExecContext, argv: readonly string[]): Reply {
  let count = 0;
  for (let i = 1; i < argv.length; i++) {
    if (ctx.lookupRead(argv[i] as string) !== undefined) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------
// RENAME RENAMENX MOVE COPY

/** The entry moves whole: value, deadline and access time go with the new name. */
function renameGeneric(ctx: ExecContext, argv: readonly string[], nx: boolean): Reply {
  const from = argv[1] as string;
  const to = argv[2] as string;
  const db = ctx.db;
  const entry = ctx.lookupWrite(from, db);
  if (entry === undefined) return NO_SUCH_KEY;
  if (from === to) return nx ? 0 : OK;
  if (ctx.lookupWrite(to, db) !== undefined && nx) return 0;
  db.delete(from);
  db.insert(to, entry);
  return nx ? 1 : OK;
}

function move(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const target = parseDbIndex(ctx, argv[2] as string);
  if (typeof target !== 'number') return target;
  if (target === ctx.dbIndex) return SAME_OBJECT;
  const src = ctx.db;
  const dst = ctx.keyspace.db(target);
  const entry = ctx.lookupWrite(key, src);
  if (entry === undefined || ctx.lookupWrite(key, dst) !== undefined) return 0;
  src.delete(key);
  dst.insert(key, entry);
  return 1;
}

interface CopyOptions {
  readonly db: number;
  readonly replace: boolean;
}

function parseCopyOptions(ctx: ExecContext, argv: readonly string[]): CopyOptions | ErrorReply {
  let db = ctx.dbIndex;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (isOption(arg, 'REPLACE')) {
      replace = true;
    } else if (isOption(arg, 'DB') && i + 1 < argv.length) {
      const index = parseDbIndex(ctx, argv[++i] as string);
      if (typeof index !== 'number') return index;
      db = index;
    } else {
      return SYNTAX;
    }
  }
  return { db, replace };
}

/** COPY: a deep copy with the source's deadline; the copy is a new object, freshly accessed. */
function copy(ctx: ExecContext, argv: readonly string[]): Reply {
  const from = argv[1] as string;
  const to = argv[2] as string;
  const options = parseCopyOptions(ctx, argv);
  if ('kind' in options) return options;
  if (options.db === ctx.dbIndex && from === to) return SAME_OBJECT;
  const source = ctx.lookupRead(from);
  if (source === undefined) return 0;
  const dst = ctx.keyspace.db(options.db);
  if (ctx.lookupWrite(to, dst) !== undefined && !options.replace) return 0;
  const entry = new Entry(cloneValue(source.value), source.expireAt, ctx.lruClock);
  // dupStringObject keeps the encoding, but an int copy is a private object.
  if (typeof source.value === 'string') {
    entry.stringForm = stringEncoding(source.value, source.stringForm);
  }
  dst.insert(to, entry);
  return 1;
}

// ---------------------------------------------------------------------------------------
// KEYS SCAN RANDOMKEY

/** KEYS skips keys past their deadline without deleting them, as Redis 7.0 does. */
function keys(ctx: ExecContext, argv: readonly string[]): Reply {
  const pattern = argv[1] as string;
  const all = pattern === '*';
  const out: string[] = [];
  for (const [key, e] of ctx.db.entries()) {
    if (isExpired(e, ctx.now)) continue;
    if (all || globMatch(pattern, key)) out.push(key);
  }
  return out;
}

const ULONG_MAX = 18446744073709551615n;

/**
 * Redis's strtoul-based cursor parse: optional sign, decimal digits, nothing else, at
 * most ULONG_MAX ('-n' wraps, as strtoul does); the empty string is cursor 0. Returns
 * null when Redis says "invalid cursor".
 */
export function parseCursor(arg: string): number | null {
  if (arg.length === 0) return 0;
  if (!/^[+-]?[0-9]+$/.test(arg)) return null;
  const negative = arg.charCodeAt(0) === 45;
  const digits = arg.charCodeAt(0) === 45 || arg.charCodeAt(0) === 43 ? arg.slice(1) : arg;
  if (digits.length <= 15 && !negative) return Number(digits);
  const magnitude = BigInt(digits);
  if (magnitude > ULONG_MAX) return null;
  return Number(negative ? (ULONG_MAX + 1n - magnitude) % (ULONG_MAX + 1n) : magnitude);
}

interface ScanOptions {
  readonly count: number;
  /** null when absent or exactly "*", which matches everything. */
  readonly pattern: string | null;
  /** Lower-cased type name, or null. */
  readonly type: string | null;
}

function parseScanOptions(argv: readonly string[]): ScanOptions | ErrorReply {
  let count = 10;
  let pattern: string | null = null;
  let type: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const arg = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined) return SYNTAX;
    if (isOption(arg, 'COUNT')) {
      const n = parseInt64(value);
      if (n === null) return NOT_INTEGER;
      if (n < 1) return SYNTAX;
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (isOption(arg, 'MATCH')) {
      pattern = value === '*' ? null : value;
    } else if (isOption(arg, 'TYPE')) {
      type = value.toLowerCase();
    } else {
      return SYNTAX;
    }
  }
  return { count, pattern, type };
}

/**
 * SCAN over the database's live iterator cursors (see Db.scan): every key present for
 * the whole scan is returned at least once. Filters run in Redis's order: pattern,
 * type (a no-touch lookup, which counts keyspace hits), deadline.
 */
function scan(ctx: ExecContext, argv: readonly string[]): Reply {
  const cursor = parseCursor(argv[1] as string);
  if (cursor === null) return INVALID_CURSOR;
  const options = parseScanOptions(argv);
  if ('kind' in options) return options;
  const db = ctx.db;
  const found: string[] = [];
  const next = db.scan(cursor, options.count, (key) => {
    if (options.pattern !== null && !globMatch(options.pattern, key)) return;
    if (options.type !== null) {
      // The lookup hides (and reports) a key past its deadline: its type reads as none.
      const e = lookupNoTouch(ctx, key, db);
      if (e !== undefined && typeOf(e.value) === options.type) found.push(key);
      return;
    }
    const e = db.peek(key);
    if (e === undefined) return;
    if (isExpired(e, ctx.now)) reportExpired(ctx, db, key);
    else found.push(key);
  });
  return [String(next), found];
}

/** Random picks that may land on keys past their deadline before falling back to a walk. */
const RANDOMKEY_TRIES = 100;

/**
 * RANDOMKEY: seeded picks along the database's random walk, skipping keys past their
 * deadline (reported for deletion, as Redis deletes them). If every pick was expired,
 * a walk finds a live key, so null means the database holds none.
 */
function randomKey(ctx: ExecContext): Reply {
  const db = ctx.db;
  for (let i = 0; i < RANDOMKEY_TRIES; i++) {
    const key = db.randomKey(ctx.rng.nextUint32());
    if (key === undefined) return null;
    const e = db.peek(key);
    if (e !== undefined && !isExpired(e, ctx.now)) return key;
    reportExpired(ctx, db, key);
  }
  for (const [key, e] of db.entries()) {
    if (!isExpired(e, ctx.now)) return key;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function parseExpireFlags(argv: readonly string[]): number | ErrorReply {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (isOption(opt, 'NX')) flags |= EXPIRE_NX;
    else if (isOption(opt, 'XX')) flags |= EXPIRE_XX;
    else if (isOption(opt, 'GT')) flags |= EXPIRE_GT;
    else if (isOption(opt, 'LT')) flags |= EXPIRE_LT;
    else return error(`ERR Unsupported option ${cString(opt)}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) return NX_CONFLICT;
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) return GT_LT_CONFLICT;
  return flags;
}

/** Below this magnitude `when * 1000 + base` stays an exact JS integer. */
const EXACT_WHEN_MAX = 2 ** 40;

/**
 * `when * unitMs + baseMs` as an absolute ms deadline, or null where Redis's
 * expireGenericCommand reports an int64 overflow.
 */
export function absoluteDeadline(
  when: number | bigint,
  unitMs: 1 | 1000,
  baseMs: number,
): number | null {
  if (typeof when === 'number' && Math.abs(when) <= EXACT_WHEN_MAX) return when * unitMs + baseMs;
  let ms = BigInt(when);
  if (unitMs === 1000) {
    if (ms > INT64_MAX / 1000n || ms < INT64_MIN / 1000n) return null;
    ms *= 1000n;
  }
  const base = BigInt(baseMs);
  if (ms > INT64_MAX - base) return null;
  return Number(ms + base);
}

/** NX/XX/GT/LT against the current deadline (0: none, which GT and LT read as infinite). */
function expireAllowed(flags: number, current: number, when: number): boolean {
  if (flags & EXPIRE_NX && current !== 0) return false;
  if (flags & EXPIRE_XX && current === 0) return false;
  if (flags & EXPIRE_GT && (current === 0 || when <= current)) return false;
  if (flags & EXPIRE_LT && current !== 0 && when >= current) return false;
  return true;
}

interface ExpireKind {
  readonly name: string;
  readonly unitMs: 1 | 1000;
  /** Relative to ctx.now (EXPIRE, PEXPIRE) or absolute (the *AT forms). */
  readonly relative: boolean;
}

/** Redis's expireGenericCommand; a deadline at or before now deletes the key (reply 1). */
function expireGeneric(ctx: ExecContext, argv: readonly string[], kind: ExpireKind): Reply {
  const key = argv[1] as string;
  const flags = parseExpireFlags(argv);
  if (typeof flags !== 'number') return flags;
  const when = parseInt64(argv[2] as string);
  if (when === null) return NOT_INTEGER;
  const deadline = absoluteDeadline(when, kind.unitMs, kind.relative ? ctx.now : 0);
  if (deadline === null) return invalidExpireTime(kind.name);
  const e = ctx.lookupWrite(key);
  if (e === undefined) return 0;
  if (flags !== 0 && !expireAllowed(flags, e.expireAt, deadline)) return 0;
  if (deadline <= ctx.now) ctx.db.delete(key);
  else ctx.db.setExpire(key, deadline);
  return 1;
}

function expireCommand(kind: ExpireKind): (ctx: ExecContext, argv: readonly string[]) => Reply {
  return (ctx, argv) => expireGeneric(ctx, argv, kind);
}

function persist(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const e = ctx.lookupWrite(key);
  if (e === undefined || e.expireAt === 0) return 0;
  ctx.db.setExpire(key, 0);
  return 1;
}

// ---------------------------------------------------------------------------------------
// TTL PTTL EXPIRETIME PEXPIRETIME

/** Redis's ttlGenericCommand: -2 missing, -1 no deadline; seconds round to nearest. */
function ttlGeneric(ctx: ExecContext, key: string, ms: boolean, absolute: boolean): Reply {
  const e = lookupNoTouch(ctx, key);
  if (e === undefined) return -2;
  if (e.expireAt === 0) return -1;
  const ttl = Math.max(0, absolute ? e.expireAt : e.expireAt - ctx.now);
  return int64Reply(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttlCommand(ms: boolean, absolute: boolean) {
  return (ctx: ExecContext, argv: readonly string[]): Reply =>
    ttlGeneric(ctx, argv[1] as string, ms, absolute);
}

// ---------------------------------------------------------------------------------------
// OBJECT

/** Redis shares the integer objects 0..9999; their refcount reads as INT_MAX. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;
/** Strings up to this length sit in the object's allocation (OBJ_ENCODING_EMBSTR). */
const EMBSTR_SIZE_LIMIT = 44;

/**
 * A string's encoding: by content for the 'auto' form (tryObjectEncoding: "int" for an
 * int64 of at most 20 chars, else "embstr" up to 44 bytes, else "raw"), otherwise as the
 * command that built it left it (see StringForm).
 */
export function stringEncoding(
  value: string,
  stringForm: StringForm = 'auto',
): Exclude<StringForm, 'auto'> {
  if (stringForm === 'raw' || stringForm === 'int') return stringForm;
  if (stringForm === 'auto' && value.length <= 20 && parseInt64(value) !== null) return 'int';
  return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/**
 * Only 'auto' strings holding 0..9999 are Redis's shared integers. Approximation: Redis
 * stops sharing them when maxmemory is set with an LRU/LFU policy.
 */
export function refCount(entry: Entry): number {
  const { value } = entry;
  if (typeof value !== 'string' || entry.stringForm !== 'auto' || value.length > 4) return 1;
  const n = parseInt64(value);
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

function objectEncoding(ctx: ExecContext, argv: readonly string[]): Reply {
  const e = lookupNoTouch(ctx, argv[2] as string);
  if (e === undefined) return null;
  return typeof e.value === 'string' ? stringEncoding(e.value, e.stringForm) : e.value.encoding();
}

function objectRefcount(ctx: ExecContext, argv: readonly string[]): Reply {
  const e = lookupNoTouch(ctx, argv[2] as string);
  return e === undefined ? null : refCount(e);
}

/** Seconds since the last access; the maxmemory policy is never LFU here (noeviction). */
function objectIdletime(ctx: ExecContext, argv: readonly string[]): Reply {
  const e = lookupNoTouch(ctx, argv[2] as string);
  return e === undefined ? null : e.idleSeconds(ctx.lruClock);
}

/** Access frequency exists only under an LFU maxmemory policy, which is never selected. */
function objectFreq(ctx: ExecContext, argv: readonly string[]): Reply {
  return lookupNoTouch(ctx, argv[2] as string) === undefined ? null : LFU_NOT_SELECTED;
}

const OBJECT_HELP: readonly Reply[] = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => simple(line));

function objectHelp(): Reply {
  return OBJECT_HELP;
}

// ---------------------------------------------------------------------------------------
// Specs (arity, flags, ACL categories and key positions as in Redis's src/commands/*.json)

const ONE_KEY = { first: 1, last: 1, step: 1 } as const;
const ALL_KEYS = { first: 1, last: -1, step: 1 } as const;
const TWO_KEYS = { first: 1, last: 2, step: 1 } as const;
const OBJECT_KEY = { first: 2, last: 2, step: 1 } as const;
const EXPIRE_FLAGS = ['write', 'fast'] as const;
const WRITE_FAST_ACL = ['keyspace', 'write', 'fast'] as const;
const READ_FAST_ACL = ['keyspace', 'read', 'fast'] as const;

function expireSpec(kind: ExpireKind, since: string, summary: string, syntax: string): CommandSpec {
  return {
    name: kind.name,
    arity: -3,
    flags: EXPIRE_FLAGS,
    acl: WRITE_FAST_ACL,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    syntax,
    keys: ONE_KEY,
    keyAccess: ['RW', 'update'],
    data: expireCommand(kind),
  };
}

function ttlSpec(
  name: string,
  since: string,
  summary: string,
  mode: { ms: boolean; absolute: boolean },
): CommandSpec {
  return {
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: READ_FAST_ACL,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RO', 'access'],
    data: ttlCommand(mode.ms, mode.absolute),
  };
}

function objectSpec(sub: string, since: string, summary: string, data: DataHandler): CommandSpec {
  return {
    name: `object|${sub}`,
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    syntax: 'key',
    keys: OBJECT_KEY,
    keyAccess: ['RO'],
    data,
  };
}

const deleteSpecs: CommandSpec[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Delete a key',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RM', 'delete'],
    data: del,
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: WRITE_FAST_ACL,
    group: 'generic',
    since: '4.0.0',
    summary:
      'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RM', 'delete'],
    data: del,
  },
];

const lookupSpecs: CommandSpec[] = [
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: READ_FAST_ACL,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine if a key exists',
    complexity: 'O(N) where N is the number of keys to check.',
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RO'],
    data: exists,
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: READ_FAST_ACL,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine the type stored at key',
    complexity: 'O(1)',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RO'],
    data: type,
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: READ_FAST_ACL,
    group: 'generic',
    since: '3.2.1',
    summary:
      'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    syntax: 'key [key ...]',
    keys: ALL_KEYS,
    keyAccess: ['RO'],
    data: touch,
  },
];

/** RENAME and COPY have two key specs with different access flags: keyAccess is left out. */
const relocateSpecs: CommandSpec[] = [
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key',
    complexity: 'O(1)',
    syntax: 'key newkey',
    keys: TWO_KEYS,
    data: (ctx, argv) => renameGeneric(ctx, argv, false),
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    acl: WRITE_FAST_ACL,
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key, only if the new key does not exist',
    complexity: 'O(1)',
    syntax: 'key newkey',
    keys: TWO_KEYS,
    data: (ctx, argv) => renameGeneric(ctx, argv, true),
  },
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow'],
    group: 'generic',
    since: '6.2.0',
    summary: 'Copy a key',
    complexity:
      'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    syntax: 'source destination [DB destination-db] [REPLACE]',
    keys: TWO_KEYS,
    data: copy,
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    acl: WRITE_FAST_ACL,
    group: 'generic',
    since: '1.0.0',
    summary: 'Move a key to another database',
    complexity: 'O(1)',
    syntax: 'key db',
    keys: ONE_KEY,
    keyAccess: ['RW', 'access', 'update'],
    data: move,
  },
];

const iterateSpecs: CommandSpec[] = [
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Find all keys matching the given pattern',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    syntax: 'pattern',
    data: keys,
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    group: 'generic',
    since: '2.8.0',
    summary: 'Incrementally iterate the keys space',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    syntax: 'cursor [MATCH pattern] [COUNT count] [TYPE type]',
    data: scan,
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Return a random key from the keyspace',
    complexity: 'O(1)',
    data: randomKey,
  },
];

const expireSpecs: CommandSpec[] = [
  expireSpec(
    { name: 'expire', unitMs: 1000, relative: true },
    '1.0.0',
    "Set a key's time to live in seconds",
    'key seconds [NX | XX | GT | LT]',
  ),
  expireSpec(
    { name: 'pexpire', unitMs: 1, relative: true },
    '2.6.0',
    "Set a key's time to live in milliseconds",
    'key milliseconds [NX | XX | GT | LT]',
  ),
  expireSpec(
    { name: 'expireat', unitMs: 1000, relative: false },
    '1.2.0',
    'Set the expiration for a key as a UNIX timestamp',
    'key unix-time-seconds [NX | XX | GT | LT]',
  ),
  expireSpec(
    { name: 'pexpireat', unitMs: 1, relative: false },
    '2.6.0',
    'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    'key unix-time-milliseconds [NX | XX | GT | LT]',
  ),
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: WRITE_FAST_ACL,
    group: 'generic',
    since: '2.2.0',
    summary: 'Remove the expiration from a key',
    complexity: 'O(1)',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RW', 'update'],
    data: persist,
  },
  ttlSpec('ttl', '1.0.0', 'Get the time to live for a key in seconds', {
    ms: false,
    absolute: false,
  }),
  ttlSpec('pttl', '2.6.0', 'Get the time to live for a key in milliseconds', {
    ms: true,
    absolute: false,
  }),
  ttlSpec('expiretime', '7.0.0', 'Get the expiration Unix timestamp for a key', {
    ms: false,
    absolute: true,
  }),
  ttlSpec('pexpiretime', '7.0.0', 'Get the expiration Unix timestamp for a key in milliseconds', {
    ms: true,
    absolute: true,
  }),
];

const objectContainer: CommandSpec = {
  name: 'object',
  arity: -2,
  flags: [],
  acl: ['slow'],
  group: 'generic',
  since: '2.2.3',
  summary: 'A container for object introspection commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    objectSpec(
      'encoding',
      '2.2.3',
      'Inspect the internal encoding of a Redis object',
      objectEncoding,
    ),
    objectSpec(
      'freq',
      '4.0.0',
      'Get the logarithmic access frequency counter of a Redis object',
      objectFreq,
    ),
    objectSpec(
      'idletime',
      '2.2.3',
      'Get the time since a Redis object was last accessed',
      objectIdletime,
    ),
    objectSpec(
      'refcount',
      '2.2.3',
      'Get the number of references to the value of the key',
      objectRefcount,
    ),
    {
      name: 'object|help',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['keyspace', 'slow'],
      group: 'generic',
      since: '6.2.0',
      summary: 'Show helpful text about the different subcommands',
      complexity: 'O(1)',
      data: objectHelp,
    },
  ],
};

export const keyCommands: readonly CommandSpec[] = [
  ...deleteSpecs,
  ...lookupSpecs,
  ...relocateSpecs,
  ...iterateSpecs,
  ...expireSpecs,
  objectContainer,
];
