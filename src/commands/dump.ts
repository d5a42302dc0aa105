/**
 * DUMP and RESTORE (redis src/cluster.c dumpCommand, restoreCommand), in Redis's exact
 * payload format: payloads move both ways between AiKv and redis-server 7.0.
 */
import { Entry, LRU_CLOCK_MAX } from '../keyspace/db.js';
import { createDumpPayload, decodeDumpPayload, type DecodeError } from '../keyspace/serialize.js';
import { error, OK, type ErrorReply, type Reply } from '../resp/reply.js';
import { INT64_MAX, parseInt64 } from '../util/numbers.js';
import { Args } from './args.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandSpec } from './spec.js';

const BUSYKEY = error('BUSYKEY Target key name already exists.');
const INVALID_TTL = error('ERR Invalid TTL value, must be >= 0');
const INVALID_IDLETIME = error('ERR Invalid IDLETIME value, must be >= 0');
const INVALID_FREQ = error('ERR Invalid FREQ value, must be >= 0 and <= 255');
const BAD_PAYLOAD = error('ERR DUMP payload version or checksum are wrong');
const BAD_FORMAT = error('ERR Bad data format');

const FREQ_MAX = 255;
/**
 * The 24-bit access clock Redis stores for RESTORE ... IDLETIME (objectSetLRUOrLFU): the
 * idle seconds are scaled by 1000/1000 in int64 (so huge values wrap), and an access
 * time before the clock's zero moves up one clock cycle (LRU_CLOCK_MAX). OBJECT
 * IDLETIME then reads it back through Entry.idleSeconds exactly as Redis does.
 */
export function restoredLru(idle: bigint, nowSeconds: number): number {
  const clock = nowSeconds & LRU_CLOCK_MAX;
  const scaled = BigInt.asIntN(64, idle * 1000n) / 1000n;
  let accessed = BigInt(clock) - scaled;
  if (accessed < 0n) accessed += BigInt(LRU_CLOCK_MAX);
  return Number(BigInt.asUintN(24, accessed));
}

function dump(ctx: ExecContext, argv: readonly string[]): Reply {
  const entry = ctx.lookupRead(argv[1]!);
  if (entry === undefined) return null;
  const result = createDumpPayload(entry.value);
  if (!result.ok) return error(`ERR DUMP of ${result.type} values is not supported yet`);
  return result.payload.latin1Slice(0, result.payload.length);
}

interface RestoreOptions {
  replace: boolean;
  absTtl: boolean;
  /** IDLETIME seconds (any non-negative int64); null when not given. */
  idleSeconds: bigint | null;
  /** FREQ: validated as Redis does; AiKv keeps no LFU counter, so it is not stored. */
  freq: number | null;
}

/** The options after the payload, parsed and checked in Redis's order. */
function parseRestoreOptions(argv: readonly string[]): RestoreOptions | ErrorReply {
  const opts: RestoreOptions = { replace: false, absTtl: false, idleSeconds: null, freq: null };
  const args = new Args(argv, 4);
  while (!args.done) {
    if (args.flag('REPLACE')) {
      opts.replace = true;
    } else if (args.flag('ABSTTL')) {
      opts.absTtl = true;
    } else if (args.remaining >= 2 && opts.freq === null && args.flag('IDLETIME')) {
      const idle = args.int();
      if (idle === null) return NOT_INTEGER;
      if (idle < 0) return INVALID_IDLETIME;
      opts.idleSeconds = BigInt(idle);
    } else if (args.remaining >= 2 && opts.idleSeconds === null && args.flag('FREQ')) {
      const freq = args.int();
      if (freq === null) return NOT_INTEGER;
      if (freq < 0 || freq > FREQ_MAX) return INVALID_FREQ;
      opts.freq = Number(freq);
    } else {
      return SYNTAX;
    }
  }
  return opts;
}

/** No expiry (a TTL of 0, relative or absolute), as restoreCommand reads `if (ttl)`. */
const NO_EXPIRY = 0;
/** The deadline is already past: the key is not created. */
const ALREADY_EXPIRED = -1;

/**
 * The absolute deadline for `ttl` at `now`. A relative TTL that overflows int64 wraps
 * negative in Redis and so counts as already expired; the same answer here.
 */
function deadlineOf(ttl: number | bigint, absTtl: boolean, now: number): number {
  if (ttl === 0) return NO_EXPIRY;
  const when = absTtl ? BigInt(ttl) : BigInt(ttl) + BigInt(now);
  if (when > INT64_MAX || when <= BigInt(now)) return ALREADY_EXPIRED;
  return Number(when);
}

function decodeErrorReply(e: DecodeError): ErrorReply {
  switch (e.kind) {
    case 'checksum':
      return BAD_PAYLOAD;
    case 'format':
      return BAD_FORMAT;
    case 'unsupported':
      return error(`ERR Bad data format: RDB type ${e.rdbType} (${e.type}) is not supported yet`);
  }
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(ctx: ExecContext, argv: readonly string[]): Reply {
  const opts = parseRestoreOptions(argv);
  if ('kind' in opts) return opts;
  const key = argv[1]!;
  if (!opts.replace && ctx.lookupWrite(key) !== undefined) return BUSYKEY;
  const ttl = parseInt64(argv[2]!);
  if (ttl === null) return NOT_INTEGER;
  if (ttl < 0) return INVALID_TTL;
  const decoded = decodeDumpPayload(argv[3]!, ctx.settings);
  if (!decoded.ok) return decodeErrorReply(decoded.error);
  if (opts.replace) ctx.db.delete(key);
  const deadline = deadlineOf(ttl, opts.absTtl, ctx.now);
  if (deadline === ALREADY_EXPIRED) return OK;
  const idle = opts.idleSeconds;
  const lru = idle === null ? ctx.lruClock : restoredLru(idle, ctx.lruClock);
  ctx.db.insert(key, new Entry(decoded.value, deadline, lru));
  return OK;
}

export const dumpCommands: readonly CommandSpec[] = [
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    group: 'generic',
    since: '2.6.0',
    summary: 'Return a serialized version of the value stored at the specified key.',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    syntax: 'key',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: dump,
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'generic',
    since: '2.6.0',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    syntax: 'key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['OW', 'update'],
    data: restore,
  },
];
