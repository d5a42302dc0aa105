/**
 * Server commands (Redis's "server" group): INFO, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB,
 * TIME, SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE, SHUTDOWN, CONFIG, DEBUG and COMMAND
 * (command-info.ts).
 * Data commands touch only the keyspace; the rest ask the node's services.
 */
import { getHeapStatistics } from 'node:v8';
import type { Entry } from '../keyspace/db.js';
import { entryDigest, keyspaceDigest } from '../keyspace/digest.js';
import { RdbWriter, writeObject } from '../keyspace/serialize.js';
import type { Value } from '../keyspace/value.js';
import { OK, error, map, simple, verbatim, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { commandCommand, helpReply, subcommandSyntaxError } from './command-info.js';
import type { ExecContext } from './context.js';
import { DB_INDEX_RANGE, NO_SUCH_KEY, SYNTAX } from './errors.js';
import { refCount, stringEncoding } from './keys.js';
import type { NodeContext, ShutdownOptions } from './node.js';
import type { CommandSpec } from './spec.js';

/** A failure message from a node service as an error reply; Redis adds "ERR " to bare ones. */
function serviceError(message: string): Reply {
  return error(message.startsWith('ERR ') ? message : `ERR ${message}`);
}

function info(ctx: NodeContext, argv: readonly string[]): Reply {
  const sections = argv.slice(1).map((s) => s.toLowerCase());
  return verbatim(ctx.node.info(sections));
}

function dbsize(ctx: ExecContext): Reply {
  return ctx.db.size;
}

/** FLUSHDB / FLUSHALL [ASYNC | SYNC]: both modes free at once, which is deterministic. */
function flushModeValid(argv: readonly string[]): boolean {
  if (argv.length === 1) return true;
  const mode = (argv[1] as string).toLowerCase();
  return argv.length === 2 && (mode === 'sync' || mode === 'async');
}

function flushdb(ctx: ExecContext, argv: readonly string[]): Reply {
  if (!flushModeValid(argv)) return SYNTAX;
  ctx.db.clear();
  return OK;
}

function flushall(ctx: ExecContext, argv: readonly string[]): Reply {
  if (!flushModeValid(argv)) return SYNTAX;
  ctx.keyspace.flushAll();
  return OK;
}

/** getIntFromObjectOrReply: a C int, else the given message. */
function parseCInt(s: string): number | null {
  const n = parseInt64(s);
  return typeof n === 'number' && n >= -2147483648 && n <= 2147483647 ? n : null;
}

function swapdb(ctx: ExecContext, argv: readonly string[]): Reply {
  const a = parseCInt(argv[1] as string);
  if (a === null) return error('ERR invalid first DB index');
  const b = parseCInt(argv[2] as string);
  if (b === null) return error('ERR invalid second DB index');
  const count = ctx.keyspace.dbs.length;
  if (a < 0 || a >= count || b < 0 || b >= count) return DB_INDEX_RANGE;
  ctx.keyspace.swap(a, b);
  return OK;
}

function time(ctx: NodeContext): Reply {
  const usec = Math.floor(ctx.node.now() * 1000);
  return [String(Math.floor(usec / 1e6)), String(usec % 1e6)];
}

// ---------------------------------------------------------------------------------------
// SAVE BGSAVE BGREWRITEAOF LASTSAVE DEBUG RELOAD DEBUG LOADAOF: snapshots of the node's
// group (replication/persistence.ts). The log is the append-only file, always on.

const NO_LOG = error('ERR This node has no log to save');

/**
 * SAVE: answers once a snapshot is durable and the log compacted to it. Unlike Redis's
 * SAVE it does not stop the server meanwhile: the snapshot is written in the background
 * and only this client waits.
 */
function save(ctx: NodeContext): Reply | Promise<Reply> {
  const persistence = ctx.node.persistence;
  if (persistence === undefined) return NO_LOG;
  return persistence.save().then((failure) => (failure === null ? OK : serviceError(failure)));
}

function bgsave(ctx: NodeContext, argv: readonly string[]): Reply {
  const schedule = argv.length === 2 && (argv[1] as string).toLowerCase() === 'schedule';
  if (argv.length > 1 && !schedule) return SYNTAX;
  const persistence = ctx.node.persistence;
  if (persistence === undefined) return NO_LOG;
  const result = persistence.bgsave(schedule);
  if (result === 'started') return simple('Background saving started');
  if (result === 'scheduled') return simple('Background saving scheduled');
  return serviceError(result.error);
}

/** BGREWRITEAOF: a snapshot that compacts the log (what rewriting the AOF achieves). */
function bgrewriteaof(ctx: NodeContext): Reply {
  const persistence = ctx.node.persistence;
  if (persistence === undefined) return NO_LOG;
  const result = persistence.bgrewriteaof();
  if (result === 'started') return simple('Background append only file rewriting started');
  if (result === 'scheduled') return simple('Background append only file rewriting scheduled');
  return serviceError(result.error);
}

function lastsave(ctx: NodeContext): Reply {
  return ctx.node.persistence?.lastSave() ?? ctx.node.lastSave();
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: the keyspace reloaded from a snapshot of
 * itself, then (without NOSAVE) saved. AiKv never loads an older snapshot instead: that
 * would drop applied writes. NOFLUSH alone fails on a non-empty keyspace, as loading
 * keys that exist fails in Redis; with MERGE it is a plain reload.
 */
function debugReload(ctx: NodeContext, argv: readonly string[]): Reply | Promise<Reply> {
  const options = new Set<string>();
  for (const arg of argv.slice(2)) {
    const option = arg.toLowerCase();
    if (option !== 'merge' && option !== 'noflush' && option !== 'nosave') {
      return error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    }
    options.add(option);
  }
  const persistence = ctx.node.persistence;
  if (persistence === undefined) return NO_LOG;
  if (options.has('noflush') && !options.has('merge') && ctx.node.keyspace.keyCount > 0) {
    return error('ERR Error trying to load the RDB dump');
  }
  const saved = persistence.reload({ save: !options.has('nosave') });
  return saved.then((failure) => (failure === null ? OK : serviceError(failure)));
}

/** DEBUG LOADAOF: the keyspace reloaded from its log, which holds exactly what it holds. */
function debugLoadAof(ctx: NodeContext): Reply | Promise<Reply> {
  const persistence = ctx.node.persistence;
  if (persistence === undefined) return NO_LOG;
  return persistence
    .reload({ save: false })
    .then((failure) => (failure === null ? OK : serviceError(failure)));
}

function shutdown(ctx: NodeContext, argv: readonly string[]): Reply | Promise<Reply> {
  const options: ShutdownOptions = {};
  for (const arg of argv.slice(1)) {
    const word = arg.toLowerCase();
    if (word === 'nosave') options.nosave = true;
    else if (word === 'save') options.save = true;
    else if (word === 'now') options.now = true;
    else if (word === 'force') options.force = true;
    else if (word === 'abort') options.abort = true;
    else return SYNTAX;
  }
  const others = options.save || options.nosave || options.now || options.force;
  if ((options.abort && others) || (options.save && options.nosave)) return SYNTAX;
  const answer = (failure: string | null): Reply => (failure === null ? OK : serviceError(failure));
  const failure = ctx.node.shutdown(options);
  return failure instanceof Promise ? failure.then(answer) : answer(failure);
}

function configGet(ctx: NodeContext, argv: readonly string[]): Reply {
  const pairs = ctx.node.config.get(argv.slice(2));
  return map(pairs.flat());
}

function configSet(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length % 2 !== 0) return SYNTAX;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
  const failure = ctx.node.config.set(pairs, { local: ctx.session.isLocal });
  return failure === null ? OK : serviceError(failure);
}

function configResetstat(ctx: NodeContext): Reply {
  ctx.node.resetStats();
  return OK;
}

function configRewrite(ctx: NodeContext): Reply {
  const failure = ctx.node.config.rewrite();
  return failure === null ? OK : serviceError(failure);
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

// ---------------------------------------------------------------------------------------
// DEBUG DIGEST: Redis's algorithm (keyspace/digest.ts), so a dataset digests the same
// here as in Redis, and replicas can be compared.

/** DEBUG DIGEST: every key of every database, logically expired ones included. */
function datasetDigest(ctx: NodeContext): Reply {
  return simple(keyspaceDigest(ctx.node.keyspace));
}

/** DEBUG DIGEST-VALUE key ...: each value's digest, without its key name. */
function valueDigests(ctx: NodeContext, keys: readonly string[]): Reply {
  return keys.map((key) => simple(entryDigest(ctx.read.db.peek(key))));
}

// ---------------------------------------------------------------------------------------
// DEBUG OBJECT

/** rdbSavedObjectLen: RDB bytes without the type byte; 0 for a type with no encoder yet. */
function serializedLength(value: Value): number {
  const w = new RdbWriter();
  return writeObject(w, value) ? w.finish().length - 1 : 0;
}

/** Stable pseudo-addresses for DEBUG OBJECT's "Value at:": one per live entry. */
const addresses = new WeakMap<Entry, string>();
let nextAddress = 0x7f0000100000;

function addressOf(entry: Entry): string {
  let address = addresses.get(entry);
  if (address === undefined) {
    address = '0x' + nextAddress.toString(16);
    nextAddress += 0x50;
    addresses.set(entry, address);
  }
  return address;
}

function debugObject(ctx: NodeContext, key: string): Reply {
  const entry = ctx.read.db.peek(key);
  if (entry === undefined) return NO_SUCH_KEY;
  const value = entry.value;
  const encoding =
    typeof value === 'string' ? stringEncoding(value, entry.stringForm) : value.encoding();
  const idle = entry.idleSeconds(ctx.read.lruClock);
  return simple(
    `Value at:${addressOf(entry)} refcount:${refCount(entry)} encoding:${encoding} ` +
      `serializedlength:${serializedLength(value)} lru:${entry.lru} lru_seconds_idle:${idle}`,
  );
}

// ---------------------------------------------------------------------------------------
// DEBUG: one command with arity -2 whose first argument picks the action (debug.c).

const MEMORY_UNITS = new Map([
  ['b', 1n],
  ['k', 1000n],
  ['kb', 1024n],
  ['m', 1000000n],
  ['mb', 1048576n],
  ['g', 1000000000n],
  ['gb', 1073741824n],
]);

/** memtoull: digits with an optional b, k, kb, m, mb, g, gb unit. */
function parseMemory(s: string): bigint | null {
  const m = /^([0-9]*)([a-z]*)$/i.exec(s);
  const unit = MEMORY_UNITS.get((m?.[2] || 'b').toLowerCase());
  if (m === null || unit === undefined) return null;
  return BigInt(m[1] || '0') * unit;
}

function debugSleep(seconds: string): Reply {
  const parsed = Number.parseFloat(seconds);
  const ms = Number.isFinite(parsed) && parsed > 0 ? Math.floor(parsed * 1e6) / 1e3 : 0;
  // Redis blocks the whole server for the duration; so does this, on purpose.
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return OK;
}

function debugPackedThreshold(size: string): Reply {
  const bytes = parseMemory(size);
  if (bytes === null || bytes > (1n << 32n) - (1n << 20n)) {
    return error('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
  }
  // Lists here keep large elements as they are; there is no packed/plain split to tune.
  return OK;
}

function debugJmap(): Reply {
  const lines = Object.entries(getHeapStatistics()).map(([name, n]) => `${name}:${String(n)}\r\n`);
  return verbatim(lines.join(''));
}

/** atoi: the leading integer, 0 when there is none. */
function atoi(s: string): number {
  const n = Number.parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

function debugSetActiveExpire(ctx: NodeContext, argv: readonly string[]): Reply {
  ctx.node.setActiveExpire(atoi(argv[2] as string) !== 0);
  return OK;
}

function debugLog(ctx: NodeContext, argv: readonly string[]): Reply {
  ctx.node.log('warning', `DEBUG LOG: ${argv[2] as string}`);
  return OK;
}

interface DebugAction {
  /** Whether argc (argv.length) suits the action; Redis checks it per subcommand. */
  readonly argc: (n: number) => boolean;
  readonly run: (ctx: NodeContext, argv: readonly string[]) => Reply | Promise<Reply>;
}

const DEBUG_ACTIONS = new Map<string, DebugAction>([
  ['help', { argc: (n) => n === 2, run: () => helpReply('DEBUG', DEBUG_HELP) }],
  ['sleep', { argc: (n) => n === 3, run: (_ctx, argv) => debugSleep(argv[2] as string) }],
  ['set-active-expire', { argc: (n) => n === 3, run: debugSetActiveExpire }],
  ['object', { argc: (n) => n === 3, run: (ctx, argv) => debugObject(ctx, argv[2] as string) }],
  ['log', { argc: (n) => n === 3, run: debugLog }],
  ['jmap', { argc: (n) => n === 2, run: debugJmap }],
  [
    'quicklist-packed-threshold',
    { argc: (n) => n === 3, run: (_ctx, argv) => debugPackedThreshold(argv[2] as string) },
  ],
  ['digest', { argc: (n) => n === 2, run: datasetDigest }],
  ['reload', { argc: () => true, run: debugReload }],
  ['loadaof', { argc: (n) => n === 2, run: debugLoadAof }],
  ['digest-value', { argc: () => true, run: (ctx, argv) => valueDigests(ctx, argv.slice(2)) }],
]);

/** Redis DEBUG subcommands that have no meaning here (or no safe one). */
const DEBUG_UNSUPPORTED = new Set([
  'aof-flush-sleep',
  'assert',
  'change-repl-id',
  'client-eviction',
  'clusterlink',
  'config-rewrite-force-all',
  'crash-and-recover',
  'drop-cluster-packet-filter',
  'error',
  'htstats',
  'htstats-key',
  'leak',
  'listpack',
  'mallctl',
  'mallctl-str',
  'oom',
  'panic',
  'pause-cron',
  'populate',
  'protocol',
  'quicklist',
  'replicate',
  'replybuffer',
  'restart',
  'sdslen',
  'segfault',
  'set-disable-deny-scripts',
  'set-skip-checksum-validation',
  'stringmatch-test',
  'structsize',
]);

const DEBUG_HELP = [
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'JMAP',
  '    Show the JavaScript heap statistics of the server process.',
  'LOADAOF',
  '    Reload the keyspace from its log (the append only file).',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'RELOAD [MERGE] [NOFLUSH] [NOSAVE]',
  '    Save the RDB on disk and reload it back to memory. By default it will save',
  '    the RDB file and load it back.',
  '    * MERGE: with NOFLUSH, merge the loaded keys into the existing ones.',
  '    * NOFLUSH: Do not empty the current database before loading.',
  '    * NOSAVE: Do not save a snapshot on disk, only reload the keyspace.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Accepted for compatibility: lists here have no packed/plain node split.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
];

function debug(ctx: NodeContext, argv: readonly string[]): Reply | Promise<Reply> {
  const name = (argv[1] as string).toLowerCase();
  const action = DEBUG_ACTIONS.get(name);
  if (action !== undefined && action.argc(argv.length)) return action.run(ctx, argv);
  if (action === undefined && DEBUG_UNSUPPORTED.has(name)) {
    return error(
      `ERR DEBUG subcommand '${(argv[1] as string).slice(0, 128)}' is not supported by AiKv`,
    );
  }
  return subcommandSyntaxError(argv);
}

// ---------------------------------------------------------------------------------------

const CONFIG_ADMIN = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  acl: ['admin', 'slow', 'dangerous'],
  group: 'server',
} as const;

const configCommand: CommandSpec = {
  name: 'config',
  arity: -2,
  flags: [],
  acl: ['slow'],
  group: 'server',
  since: '2.0.0',
  summary: 'A container for server configuration commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      ...CONFIG_ADMIN,
      name: 'config|get',
      arity: -3,
      since: '2.0.0',
      summary: 'Get the values of configuration parameters',
      complexity: 'O(N) when N is the number of configuration parameters provided',
      syntax: 'parameter [parameter ...]',
      node: configGet,
    },
    {
      ...CONFIG_ADMIN,
      name: 'config|set',
      arity: -4,
      since: '2.0.0',
      summary: 'Set configuration parameters to the given values',
      complexity: 'O(N) when N is the number of configuration parameters provided',
      syntax: 'parameter value [parameter value ...]',
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      node: configSet,
    },
    {
      ...CONFIG_ADMIN,
      name: 'config|resetstat',
      arity: 2,
      since: '2.0.0',
      summary: 'Reset the stats returned by INFO',
      complexity: 'O(1)',
      node: configResetstat,
    },
    {
      ...CONFIG_ADMIN,
      name: 'config|rewrite',
      arity: 2,
      since: '2.8.0',
      summary: 'Rewrite the configuration file with the in memory configuration',
      complexity: 'O(1)',
      node: configRewrite,
    },
    {
      name: 'config|help',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['slow'],
      group: 'server',
      since: '5.0.0',
      summary: 'Show helpful text about the different subcommands',
      complexity: 'O(1)',
      node: () => helpReply('CONFIG', CONFIG_HELP),
    },
  ],
};

const ALL_SHARDS_SUCCEEDED = ['request_policy:all_shards', 'response_policy:all_succeeded'];

export const serverCommands: readonly CommandSpec[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get information and statistics about the server',
    complexity: 'O(1)',
    syntax: '[section [section ...]]',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    node: info,
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    group: 'server',
    since: '1.0.0',
    summary: 'Return the number of keys in the selected database',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    data: dbsize,
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from the current database',
    complexity: 'O(N) where N is the number of keys in the selected database',
    syntax: '[ASYNC | SYNC]',
    tips: ALL_SHARDS_SUCCEEDED,
    data: flushdb,
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from all databases',
    complexity: 'O(N) where N is the total number of keys in all databases',
    syntax: '[ASYNC | SYNC]',
    tips: ALL_SHARDS_SUCCEEDED,
    data: flushall,
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast', 'dangerous'],
    group: 'server',
    since: '4.0.0',
    summary: 'Swaps two Redis databases',
    complexity:
      'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    syntax: 'index1 index2',
    data: swapdb,
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast'],
    group: 'server',
    since: '2.6.0',
    summary: 'Return the current server time',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    node: time,
  },
  {
    name: 'save',
    arity: 1,
    flags: ['no_async_loading', 'admin', 'noscript', 'no_multi'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously save the dataset to disk',
    complexity: 'O(N) where N is the total number of keys in all databases',
    node: save,
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['no_async_loading', 'admin', 'noscript'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously save the dataset to disk',
    complexity: 'O(1)',
    syntax: '[SCHEDULE]',
    node: bgsave,
  },
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['no_async_loading', 'admin', 'noscript'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously rewrite the append-only file',
    complexity: 'O(1)',
    node: bgrewriteaof,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'fast', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    node: lastsave,
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    complexity:
      'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    syntax: '[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]',
    node: shutdown,
  },
  configCommand,
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'A container for debugging commands',
    complexity: 'Depends on subcommand.',
    syntax: 'subcommand [arg ...]',
    node: debug,
  },
  commandCommand,
];
