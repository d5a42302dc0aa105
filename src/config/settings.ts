/**
 * Every setting of the AiKv server, declared once: name, alias, type, default,
 * validation, whether CONFIG SET may change it, and help text. Names, defaults, bounds
 * and error messages are those of redis 7.0.15 (src/config.c) unless marked "AiKv:".
 * Settings marked `compat` are Redis settings AiKv accepts, stores and reports so that
 * redis.conf files and tools keep working, but does not act on.
 */
import {
  bool,
  enumeration,
  INT_MAX,
  INT_MIN,
  LLONG_MAX,
  numeric,
  string,
  UINT_MAX,
  ULLONG_MAX,
} from './kinds.js';
import {
  bindSetting,
  dirSetting,
  keyspaceEventsSetting,
  oomScoreValuesSetting,
  outputBufferLimitSetting,
  percentilesSetting,
  replicaOfSetting,
  saveSetting,
} from './special.js';
import type { Setting } from './types.js';

const KB = 1024;
const MB = 1024 * 1024;
const GB = 1024 * 1024 * 1024;

const YES_NO_LOCAL: readonly (readonly [string, number])[] = [
  ['no', 0],
  ['yes', 1],
  ['local', 2],
];

const SHUTDOWN_FLAGS: readonly (readonly [string, number])[] = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
];

function shutdownFlagsError(value: number): string | null {
  return (value & 1) !== 0 && (value & 2) !== 0
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;
}

function baseNameError(what: string, noun: string): (value: string) => string | null {
  return (value) =>
    value.includes('/') || value.includes('\\') ? `${what} can't be a path, just a ${noun}` : null;
}

function nonEmptyBaseNameError(what: string, noun: string): (value: string) => string | null {
  const baseName = baseNameError(what, noun);
  return (value) => (value === '' ? `${what} can't be empty` : baseName(value));
}

function hostnameError(value: string): string | null {
  if (value.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(value)
    ? null
    : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** cluster-join: empty, or host:port with a port in 1..65535. */
function joinAddressError(value: string): string | null {
  if (value === '') return null;
  const colon = value.lastIndexOf(':');
  const port = Number(value.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    return 'cluster-join must be host:port';
  }
  return null;
}

const PROC_TITLE_VARIABLES = new Map<string, string>([
  ['title', ''],
  ['listen-addr', '127.0.0.1:6379'],
  ['server-mode', ''],
  ['config-file', ''],
  ['port', '6379'],
  ['tls-port', '0'],
  ['unixsocket', ''],
]);

/** validateProcTitleTemplate: known {variables}, {{ for a brace, not empty once expanded. */
function procTitleError(template: string): string | null {
  const invalid = 'template format is invalid or contains unknown variables';
  let expanded = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      expanded += template.slice(i);
      break;
    }
    expanded += template.slice(i, open);
    if (template[open + 1] === '{') {
      expanded += '{';
      i = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    const value = close < 0 ? undefined : PROC_TITLE_VARIABLES.get(template.slice(open + 1, close));
    if (value === undefined) return invalid;
    expanded += value;
    i = close + 1;
  }
  return expanded.trim() === '' ? invalid : null;
}

const NETWORK: readonly Setting[] = [
  numeric({
    name: 'port',
    default: 6379,
    min: 0,
    max: 65535,
    help: 'TCP port for clients; 0 disables the TCP listener.',
  }),
  bindSetting({
    name: 'bind',
    default: '127.0.0.1',
    help: 'AiKv: addresses to listen on (Redis: "* -::*"); a leading "-" makes an address optional.',
  }),
  bool({
    name: 'protected-mode',
    default: 'no',
    help: 'AiKv: off by default (Redis: yes); when yes, only loopback clients are served if no password is set and bind is default.',
  }),
  numeric({
    name: 'tcp-backlog',
    default: 511,
    min: 0,
    max: INT_MAX,
    mutable: false,
    help: 'Backlog of the listening socket.',
  }),
  numeric({
    name: 'timeout',
    default: 0,
    min: 0,
    max: INT_MAX,
    help: 'Close a client idle for this many seconds (0 = never).',
  }),
  numeric({
    name: 'tcp-keepalive',
    default: 300,
    min: 0,
    max: INT_MAX,
    help: 'TCP keepalive period in seconds for client sockets (0 = off).',
  }),
  string({
    name: 'unixsocket',
    default: '',
    emptyIsNull: true,
    mutable: false,
    help: 'Path of a Unix socket to listen on ("" = none).',
  }),
  numeric({
    name: 'unixsocketperm',
    default: 0,
    min: 0,
    max: 0o777,
    octal: true,
    unsigned: true,
    mutable: false,
    help: 'Permissions of the Unix socket, in octal.',
  }),
  numeric({
    name: 'socket-mark-id',
    default: 0,
    min: 0,
    max: UINT_MAX,
    unsigned: true,
    mutable: false,
    compat: true,
    help: 'Socket mark for listening sockets (Linux SO_MARK).',
  }),
  string({
    name: 'bind-source-addr',
    default: '',
    emptyIsNull: true,
    compat: true,
    help: 'Source address of outgoing connections.',
  }),
  numeric({
    name: 'maxclients',
    default: 10000,
    min: 1,
    max: UINT_MAX,
    unsigned: true,
    help: 'Most clients connected at once.',
  }),
];

const GENERAL: readonly Setting[] = [
  bool({
    name: 'daemonize',
    default: 'no',
    mutable: false,
    validate: (on) => (on ? 'aikv-server does not daemonize; run it under a supervisor' : null),
    help: 'AiKv: only "no" is accepted; run the server under systemd or a container runtime.',
  }),
  enumeration({
    name: 'supervised',
    default: 'no',
    mutable: false,
    compat: true,
    values: [
      ['upstart', 3],
      ['systemd', 2],
      ['auto', 1],
      ['no', 0],
    ],
    help: 'Supervision tree interaction.',
  }),
  string({
    name: 'pidfile',
    default: '',
    emptyIsNull: true,
    mutable: false,
    help: 'Write the process id to this file ("" = none).',
  }),
  enumeration({
    name: 'loglevel',
    default: 'notice',
    values: [
      ['debug', 0],
      ['verbose', 1],
      ['notice', 2],
      ['warning', 3],
    ],
    help: 'Log verbosity: debug, verbose, notice or warning.',
  }),
  string({
    name: 'logfile',
    default: '',
    mutable: false,
    help: 'Log file path ("" = standard output).',
  }),
  bool({
    name: 'syslog-enabled',
    default: 'no',
    mutable: false,
    compat: true,
    help: 'Log to syslog.',
  }),
  string({
    name: 'syslog-ident',
    default: 'redis',
    mutable: false,
    compat: true,
    help: 'Syslog identity.',
  }),
  enumeration({
    name: 'syslog-facility',
    default: 'local0',
    mutable: false,
    compat: true,
    values: [
      'user',
      'local0',
      'local1',
      'local2',
      'local3',
      'local4',
      'local5',
      'local6',
      'local7',
    ].map((n, i) => [n, i] as const),
    help: 'Syslog facility.',
  }),
  numeric({
    name: 'databases',
    default: 16,
    min: 1,
    max: INT_MAX,
    mutable: false,
    help: 'Number of databases (SELECT 0..n-1).',
  }),
  bool({
    name: 'always-show-logo',
    default: 'no',
    mutable: false,
    compat: true,
    help: 'Show the ASCII logo at start-up.',
  }),
  bool({
    name: 'set-proc-title',
    default: 'yes',
    mutable: false,
    compat: true,
    help: 'Change the process title.',
  }),
  string({
    name: 'proc-title-template',
    default: '{title} {listen-addr} {server-mode}',
    validate: procTitleError,
    compat: true,
    help: 'Process title template.',
  }),
  numeric({
    name: 'hz',
    default: 10,
    min: 0,
    max: INT_MAX,
    adjust: (v) => (v < 1n ? 1n : v > 500n ? 500n : v),
    help: 'Background task frequency per second, kept within 1..500.',
  }),
  bool({
    name: 'dynamic-hz',
    default: 'yes',
    compat: true,
    help: 'Scale hz with the number of clients.',
  }),
  dirSetting({
    name: 'dir',
    default: './data',
    protected: true,
    help: 'AiKv: data directory (log, snapshots), relative to the working directory (Redis: ".").',
  }),
  string({
    name: 'ignore-warnings',
    default: '',
    compat: true,
    help: 'Start-up warnings to silence.',
  }),
  enumeration({
    name: 'enable-protected-configs',
    default: 'no',
    mutable: false,
    values: YES_NO_LOCAL,
    help: 'Allow CONFIG SET of protected settings (dir, dbfilename): no, yes or local.',
  }),
  enumeration({
    name: 'enable-debug-command',
    default: 'local',
    mutable: false,
    values: YES_NO_LOCAL,
    help: 'AiKv: allow DEBUG: no, yes, or local = from loopback clients only (Redis: no).',
  }),
  enumeration({
    name: 'enable-module-command',
    default: 'no',
    mutable: false,
    values: YES_NO_LOCAL,
    compat: true,
    help: 'Allow MODULE: no, yes or local.',
  }),
  bool({
    name: 'crash-log-enabled',
    default: 'yes',
    compat: true,
    help: 'Log a stack trace on crash.',
  }),
  bool({
    name: 'crash-memcheck-enabled',
    default: 'yes',
    compat: true,
    help: 'Run a memory check on crash.',
  }),
  bool({
    name: 'use-exit-on-panic',
    default: 'no',
    hidden: true,
    compat: true,
    help: 'Exit instead of abort on panic (testing).',
  }),
  bool({
    name: 'disable-thp',
    default: 'yes',
    mutable: false,
    compat: true,
    help: 'Disable transparent huge pages.',
  }),
  enumeration({
    name: 'shutdown-on-sigint',
    default: 'default',
    flags: true,
    values: SHUTDOWN_FLAGS,
    validate: shutdownFlagsError,
    help: 'SHUTDOWN flags used on SIGINT: default or any of save, nosave, now, force.',
  }),
  enumeration({
    name: 'shutdown-on-sigterm',
    default: 'default',
    flags: true,
    values: SHUTDOWN_FLAGS,
    validate: shutdownFlagsError,
    help: 'SHUTDOWN flags used on SIGTERM: default or any of save, nosave, now, force.',
  }),
  numeric({
    name: 'shutdown-timeout',
    default: 10,
    min: 0,
    max: INT_MAX,
    help: 'Seconds SHUTDOWN waits for replicas to catch up.',
  }),
  numeric({
    name: 'watchdog-period',
    default: 0,
    min: 0,
    max: INT_MAX,
    hidden: true,
    compat: true,
    help: 'Software watchdog period in ms (debugging).',
  }),
];

const SECURITY: readonly Setting[] = [
  string({
    name: 'requirepass',
    default: '',
    emptyIsNull: true,
    sensitive: true,
    help: 'Password of the default user ("" = no password).',
  }),
  string({
    name: 'aclfile',
    default: '',
    mutable: false,
    help: 'ACL file with user definitions ("" = none).',
  }),
  numeric({
    name: 'acllog-max-len',
    default: 128,
    min: 0,
    max: LLONG_MAX,
    help: 'Entries kept by ACL LOG.',
  }),
  enumeration({
    name: 'acl-pubsub-default',
    default: 'resetchannels',
    values: [
      ['allchannels', 1],
      ['resetchannels', 0],
    ],
    help: 'Default channel permissions of new ACL users.',
  }),
  enumeration({
    name: 'sanitize-dump-payload',
    default: 'no',
    values: [
      ['no', 0],
      ['yes', 1],
      ['clients', 2],
    ],
    help: 'Deep-check RESTORE payloads: no, yes or clients.',
  }),
];

const SNAPSHOTS: readonly Setting[] = [
  saveSetting({
    name: 'save',
    default: '3600 1 300 100 60 10000',
    help: 'Snapshot after <seconds> if at least <changes> writes, as pairs ("" = never).',
  }),
  bool({
    name: 'stop-writes-on-bgsave-error',
    default: 'yes',
    help: 'Refuse writes while the last snapshot failed.',
  }),
  bool({
    name: 'rdbcompression',
    default: 'yes',
    compat: true,
    help: 'Compress strings in RDB files.',
  }),
  bool({
    name: 'rdbchecksum',
    default: 'yes',
    mutable: false,
    compat: true,
    help: 'Checksum RDB files.',
  }),
  string({
    name: 'dbfilename',
    default: 'dump.rdb',
    protected: true,
    validate: baseNameError('dbfilename', 'filename'),
    help: 'Snapshot file name inside dir.',
  }),
  bool({
    name: 'rdb-del-sync-files',
    default: 'no',
    compat: true,
    help: 'Delete RDB files used only for replication.',
  }),
  bool({
    name: 'rdb-save-incremental-fsync',
    default: 'yes',
    compat: true,
    help: 'fsync the RDB file every 4 MB while saving.',
  }),
  numeric({
    name: 'rdb-key-save-delay',
    default: 0,
    min: INT_MIN,
    max: INT_MAX,
    hidden: true,
    help: 'Delay in microseconds per key while saving (testing).',
  }),
  numeric({
    name: 'key-load-delay',
    default: 0,
    min: INT_MIN,
    max: INT_MAX,
    hidden: true,
    help: 'Delay in microseconds per key while loading (testing).',
  }),
  numeric({
    name: 'loading-process-events-interval-bytes',
    default: 2 * MB,
    min: 1024,
    max: INT_MAX,
    hidden: true,
    compat: true,
    help: 'Bytes between event processing while loading.',
  }),
];

const APPEND_ONLY: readonly Setting[] = [
  bool({
    name: 'appendonly',
    default: 'no',
    help: 'Redis AOF switch, reported for compatibility: AiKv always writes its log.',
  }),
  string({
    name: 'appendfilename',
    default: 'appendonly.aof',
    mutable: false,
    compat: true,
    validate: nonEmptyBaseNameError('appendfilename', 'filename'),
    help: 'Base name of AOF files.',
  }),
  string({
    name: 'appenddirname',
    default: 'appendonlydir',
    mutable: false,
    compat: true,
    validate: nonEmptyBaseNameError('appenddirname', 'dirname'),
    help: 'Directory of AOF files.',
  }),
  enumeration({
    name: 'appendfsync',
    default: 'always',
    values: [
      ['everysec', 0],
      ['always', 1],
      ['no', 2],
    ],
    help: 'AiKv: when the log is fsynced: always (default; Redis: everysec), everysec or no.',
  }),
  bool({
    name: 'no-appendfsync-on-rewrite',
    default: 'no',
    compat: true,
    help: 'Skip fsync during rewrites.',
  }),
  numeric({
    name: 'auto-aof-rewrite-percentage',
    default: 100,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'AOF growth that triggers a rewrite.',
  }),
  numeric({
    name: 'auto-aof-rewrite-min-size',
    default: 64 * MB,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    compat: true,
    help: 'Smallest AOF that may be rewritten.',
  }),
  bool({ name: 'aof-load-truncated', default: 'yes', compat: true, help: 'Load a truncated AOF.' }),
  bool({
    name: 'aof-use-rdb-preamble',
    default: 'yes',
    compat: true,
    help: 'Start rewritten AOFs with an RDB preamble.',
  }),
  bool({
    name: 'aof-rewrite-incremental-fsync',
    default: 'yes',
    compat: true,
    help: 'fsync every 4 MB during AOF rewrite.',
  }),
  bool({
    name: 'aof-timestamp-enabled',
    default: 'no',
    compat: true,
    help: 'Write timestamps in the AOF.',
  }),
  bool({ name: 'aof-disable-auto-gc', default: 'no', compat: true, help: 'Keep old AOF files.' }),
];

const REPLICATION: readonly Setting[] = [
  replicaOfSetting({
    name: 'replicaof',
    alias: 'slaveof',
    default: 'no one',
    mutable: false,
    help: 'AiKv: only "no one"; AiKv replicates through Raft, not from a Redis master.',
  }),
  string({
    name: 'masterauth',
    default: '',
    emptyIsNull: true,
    sensitive: true,
    compat: true,
    help: 'Password for the master.',
  }),
  string({
    name: 'masteruser',
    default: '',
    emptyIsNull: true,
    sensitive: true,
    compat: true,
    help: 'User for the master.',
  }),
  bool({
    name: 'replica-serve-stale-data',
    alias: 'slave-serve-stale-data',
    default: 'yes',
    compat: true,
    help: 'Serve reads while out of sync.',
  }),
  bool({
    name: 'replica-read-only',
    alias: 'slave-read-only',
    default: 'yes',
    help: 'Replicas refuse writes.',
  }),
  bool({
    name: 'repl-diskless-sync',
    default: 'yes',
    compat: true,
    help: 'Send snapshots to replicas without disk.',
  }),
  numeric({
    name: 'repl-diskless-sync-delay',
    default: 5,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Seconds to wait for more replicas.',
  }),
  numeric({
    name: 'repl-diskless-sync-max-replicas',
    default: 0,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Start the transfer early once this many replicas wait.',
  }),
  enumeration({
    name: 'repl-diskless-load',
    default: 'disabled',
    values: [
      ['disabled', 0],
      ['on-empty-db', 1],
      ['swapdb', 2],
    ],
    compat: true,
    help: 'Load replication snapshots without disk.',
  }),
  numeric({
    name: 'repl-ping-replica-period',
    alias: 'repl-ping-slave-period',
    default: 10,
    min: 1,
    max: INT_MAX,
    compat: true,
    help: 'Seconds between pings to replicas.',
  }),
  numeric({
    name: 'repl-timeout',
    default: 60,
    min: 1,
    max: INT_MAX,
    compat: true,
    help: 'Replication timeout in seconds.',
  }),
  bool({
    name: 'repl-disable-tcp-nodelay',
    default: 'no',
    compat: true,
    help: 'Disable TCP_NODELAY on the replica link.',
  }),
  numeric({
    name: 'repl-backlog-size',
    default: MB,
    min: 1,
    max: LLONG_MAX,
    memory: true,
    compat: true,
    help: 'Replication backlog size.',
  }),
  numeric({
    name: 'repl-backlog-ttl',
    default: 3600,
    min: 0,
    max: LLONG_MAX,
    compat: true,
    help: 'Seconds to keep the backlog without replicas.',
  }),
  numeric({
    name: 'replica-priority',
    alias: 'slave-priority',
    default: 100,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Sentinel promotion priority.',
  }),
  bool({
    name: 'replica-announced',
    default: 'yes',
    compat: true,
    help: 'Announce this replica to Sentinel.',
  }),
  numeric({
    name: 'min-replicas-to-write',
    alias: 'min-slaves-to-write',
    default: 0,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Refuse writes with fewer good replicas.',
  }),
  numeric({
    name: 'min-replicas-max-lag',
    alias: 'min-slaves-max-lag',
    default: 10,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Lag in seconds for a good replica.',
  }),
  string({
    name: 'replica-announce-ip',
    alias: 'slave-announce-ip',
    default: '',
    emptyIsNull: true,
    compat: true,
    help: 'IP address announced to the master.',
  }),
  numeric({
    name: 'replica-announce-port',
    alias: 'slave-announce-port',
    default: 0,
    min: 0,
    max: 65535,
    compat: true,
    help: 'Port announced to the master.',
  }),
  bool({
    name: 'replica-lazy-flush',
    alias: 'slave-lazy-flush',
    default: 'no',
    compat: true,
    help: 'Free the old dataset in the background.',
  }),
  bool({
    name: 'replica-ignore-maxmemory',
    alias: 'slave-ignore-maxmemory',
    default: 'yes',
    compat: true,
    help: 'Replicas ignore maxmemory.',
  }),
  bool({
    name: 'replica-ignore-disk-write-errors',
    default: 'no',
    compat: true,
    help: 'Keep replicating after disk errors.',
  }),
  enumeration({
    name: 'propagation-error-behavior',
    default: 'ignore',
    values: [
      ['ignore', 0],
      ['panic', 1],
      ['panic-on-replicas', 2],
    ],
    compat: true,
    help: 'What to do when a replicated command fails.',
  }),
];

const LIMITS: readonly Setting[] = [
  numeric({
    name: 'maxmemory',
    default: 0,
    min: 0,
    max: ULLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Memory limit for data in bytes (0 = none); units like 100mb, 1gb.',
  }),
  enumeration({
    name: 'maxmemory-policy',
    default: 'noeviction',
    values: [
      ['volatile-lru', 1],
      ['volatile-lfu', 258],
      ['volatile-random', 768],
      ['volatile-ttl', 512],
      ['allkeys-lru', 1029],
      ['allkeys-lfu', 1286],
      ['allkeys-random', 1540],
      ['noeviction', 1792],
    ],
    help: 'What to evict at maxmemory: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random or noeviction.',
  }),
  numeric({
    name: 'maxmemory-samples',
    default: 5,
    min: 1,
    max: INT_MAX,
    help: 'Keys sampled per eviction.',
  }),
  numeric({
    name: 'maxmemory-eviction-tenacity',
    default: 10,
    min: 0,
    max: 100,
    help: 'Eviction effort per command, 0..100.',
  }),
  numeric({
    name: 'maxmemory-clients',
    default: 0,
    min: -100,
    max: LLONG_MAX,
    memory: true,
    percent: true,
    help: 'Memory limit for all clients, in bytes or N% of maxmemory (0 = none).',
  }),
  numeric({
    name: 'lfu-log-factor',
    default: 10,
    min: 0,
    max: INT_MAX,
    help: 'LFU counter logarithm factor.',
  }),
  numeric({
    name: 'lfu-decay-time',
    default: 1,
    min: 0,
    max: INT_MAX,
    help: 'Minutes per LFU counter decay.',
  }),
  numeric({
    name: 'proto-max-bulk-len',
    default: 512 * MB,
    min: MB,
    max: LLONG_MAX,
    memory: true,
    help: 'Longest bulk string accepted (at least 1mb).',
  }),
  numeric({
    name: 'client-query-buffer-limit',
    default: GB,
    min: MB,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Largest query buffer of one client (at least 1mb).',
  }),
  outputBufferLimitSetting({
    name: 'client-output-buffer-limit',
    default: 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60',
    help: 'Per class (normal, replica, pubsub): <hard> <soft> <soft seconds> output buffer limits.',
  }),
  numeric({
    name: 'tracking-table-max-keys',
    default: 1000000,
    min: 0,
    max: LLONG_MAX,
    unsigned: true,
    help: 'Keys tracked for client-side caching.',
  }),
  numeric({
    name: 'active-expire-effort',
    default: 1,
    min: 1,
    max: 10,
    help: 'Effort of active expiry, 1..10.',
  }),
  numeric({
    name: 'busy-reply-threshold',
    alias: 'lua-time-limit',
    default: 5000,
    min: 0,
    max: LLONG_MAX,
    help: 'Milliseconds a script may run before other clients get BUSY.',
  }),
];

const LAZY_FREE: readonly Setting[] = [
  bool({
    name: 'lazyfree-lazy-eviction',
    default: 'no',
    help: 'Free evicted values in the background.',
  }),
  bool({
    name: 'lazyfree-lazy-expire',
    default: 'no',
    help: 'Free expired values in the background.',
  }),
  bool({
    name: 'lazyfree-lazy-server-del',
    default: 'no',
    help: 'Free values deleted by the server in the background.',
  }),
  bool({ name: 'lazyfree-lazy-user-del', default: 'no', help: 'DEL behaves as UNLINK.' }),
  bool({
    name: 'lazyfree-lazy-user-flush',
    default: 'no',
    help: 'FLUSHALL/FLUSHDB default to ASYNC.',
  }),
];

const PROCESS: readonly Setting[] = [
  numeric({
    name: 'io-threads',
    default: 1,
    min: 1,
    max: 128,
    mutable: false,
    compat: true,
    help: 'I/O threads.',
  }),
  bool({
    name: 'io-threads-do-reads',
    default: 'no',
    mutable: false,
    compat: true,
    help: 'Use I/O threads for reads.',
  }),
  bool({
    name: 'jemalloc-bg-thread',
    default: 'yes',
    compat: true,
    help: 'jemalloc background purging.',
  }),
  string({
    name: 'server_cpulist',
    default: '',
    emptyIsNull: true,
    mutable: false,
    compat: true,
    help: 'CPU affinity of the main thread.',
  }),
  string({
    name: 'bio_cpulist',
    default: '',
    emptyIsNull: true,
    mutable: false,
    compat: true,
    help: 'CPU affinity of background threads.',
  }),
  string({
    name: 'aof_rewrite_cpulist',
    default: '',
    emptyIsNull: true,
    mutable: false,
    compat: true,
    help: 'CPU affinity of AOF rewrite.',
  }),
  string({
    name: 'bgsave_cpulist',
    default: '',
    emptyIsNull: true,
    mutable: false,
    compat: true,
    help: 'CPU affinity of background saves.',
  }),
  enumeration({
    name: 'oom-score-adj',
    default: 'no',
    values: [
      ['no', 0],
      ['yes', 1],
      ['relative', 1],
      ['absolute', 2],
    ],
    compat: true,
    help: 'Adjust the OOM killer score.',
  }),
  oomScoreValuesSetting({
    name: 'oom-score-adj-values',
    default: '0 200 800',
    compat: true,
    help: 'OOM scores of master, replica and child.',
  }),
  bool({
    name: 'activedefrag',
    default: 'no',
    validate: (on) =>
      on
        ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
        : null,
    help: 'Active defragmentation; AiKv cannot enable it.',
  }),
  numeric({
    name: 'active-defrag-ignore-bytes',
    default: 100 * MB,
    min: 1,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    compat: true,
    help: 'Defrag threshold in bytes.',
  }),
  numeric({
    name: 'active-defrag-threshold-lower',
    default: 10,
    min: 0,
    max: 1000,
    compat: true,
    help: 'Defrag threshold, percent.',
  }),
  numeric({
    name: 'active-defrag-threshold-upper',
    default: 100,
    min: 0,
    max: 1000,
    compat: true,
    help: 'Defrag full-effort threshold, percent.',
  }),
  numeric({
    name: 'active-defrag-cycle-min',
    default: 1,
    min: 1,
    max: 99,
    compat: true,
    help: 'Least CPU for defrag, percent.',
  }),
  numeric({
    name: 'active-defrag-cycle-max',
    default: 25,
    min: 1,
    max: 99,
    compat: true,
    help: 'Most CPU for defrag, percent.',
  }),
  numeric({
    name: 'active-defrag-max-scan-fields',
    default: 1000,
    min: 1,
    max: LLONG_MAX,
    compat: true,
    help: 'Fields scanned per defrag step.',
  }),
  bool({
    name: 'activerehashing',
    default: 'yes',
    compat: true,
    help: 'Rehash hash tables incrementally.',
  }),
];

const MONITORING: readonly Setting[] = [
  numeric({
    name: 'slowlog-log-slower-than',
    default: 10000,
    min: -1,
    max: LLONG_MAX,
    help: 'Log commands slower than this many microseconds (-1 = off, 0 = all).',
  }),
  numeric({
    name: 'slowlog-max-len',
    default: 128,
    min: 0,
    max: LLONG_MAX,
    help: 'Entries kept by SLOWLOG.',
  }),
  numeric({
    name: 'latency-monitor-threshold',
    default: 0,
    min: 0,
    max: LLONG_MAX,
    help: 'Record events slower than this many ms (0 = off).',
  }),
  bool({
    name: 'latency-tracking',
    default: 'yes',
    help: 'Track per-command latency percentiles.',
  }),
  percentilesSetting({
    name: 'latency-tracking-info-percentiles',
    default: '50 99 99.9',
    help: 'Percentiles shown by INFO latencystats.',
  }),
  keyspaceEventsSetting({
    name: 'notify-keyspace-events',
    default: '',
    help: 'Keyspace notification classes, letters of "KEg$lshzxetdmnA" ("" = off).',
  }),
];

const ENCODINGS: readonly Setting[] = [
  numeric({
    name: 'hash-max-listpack-entries',
    alias: 'hash-max-ziplist-entries',
    default: 512,
    min: 0,
    max: LLONG_MAX,
    unsigned: true,
    help: 'Largest hash, in fields, kept as a listpack.',
  }),
  numeric({
    name: 'hash-max-listpack-value',
    alias: 'hash-max-ziplist-value',
    default: 64,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Longest hash field or value kept in a listpack.',
  }),
  numeric({
    name: 'list-max-listpack-size',
    alias: 'list-max-ziplist-size',
    default: -2,
    min: INT_MIN,
    max: INT_MAX,
    help: 'List node size: entries if positive, -1..-5 for 4..64 KB.',
  }),
  numeric({
    name: 'list-compress-depth',
    default: 0,
    min: 0,
    max: INT_MAX,
    help: 'List nodes left uncompressed at each end (0 = no compression).',
  }),
  numeric({
    name: 'set-max-intset-entries',
    default: 512,
    min: 0,
    max: LLONG_MAX,
    unsigned: true,
    help: 'Largest set of integers kept as an intset.',
  }),
  numeric({
    name: 'set-max-listpack-entries',
    default: 128,
    min: 0,
    max: LLONG_MAX,
    unsigned: true,
    help: 'AiKv (Redis 7.2): largest set kept as a listpack.',
  }),
  numeric({
    name: 'set-max-listpack-value',
    default: 64,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'AiKv (Redis 7.2): longest member of a listpack set.',
  }),
  numeric({
    name: 'zset-max-listpack-entries',
    alias: 'zset-max-ziplist-entries',
    default: 128,
    min: 0,
    max: LLONG_MAX,
    unsigned: true,
    help: 'Largest sorted set kept as a listpack.',
  }),
  numeric({
    name: 'zset-max-listpack-value',
    alias: 'zset-max-ziplist-value',
    default: 64,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Longest member of a listpack sorted set.',
  }),
  numeric({
    name: 'hll-sparse-max-bytes',
    default: 3000,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Largest sparse HyperLogLog.',
  }),
  numeric({
    name: 'stream-node-max-bytes',
    default: 4096,
    min: 0,
    max: LLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Largest stream node in bytes (0 = no limit).',
  }),
  numeric({
    name: 'stream-node-max-entries',
    default: 100,
    min: 0,
    max: LLONG_MAX,
    help: 'Most entries per stream node (0 = no limit).',
  }),
];

const CLUSTER: readonly Setting[] = [
  bool({
    name: 'cluster-enabled',
    default: 'no',
    mutable: false,
    help: 'Serve the Redis Cluster protocol (slots, MOVED, CLUSTER).',
  }),
  string({
    name: 'cluster-config-file',
    default: 'nodes.conf',
    mutable: false,
    compat: true,
    help: 'Cluster state file.',
  }),
  numeric({
    name: 'cluster-port',
    default: 0,
    min: 0,
    max: 65535,
    mutable: false,
    help: 'Node-to-node (Raft) bus port (0 = port + 10000).',
  }),
  numeric({
    name: 'cluster-node-timeout',
    default: 1000,
    min: 10,
    max: INT_MAX,
    mutable: false,
    help:
      'AiKv: the Raft election timeout in ms (Redis: 15000); a group ticks every timeout/10 ms, ' +
      'and a new leader serves within about twice this after its leader fails.',
  }),
  bool({
    name: 'cluster-require-full-coverage',
    default: 'yes',
    compat: true,
    help: 'Refuse queries when slots are uncovered.',
  }),
  bool({
    name: 'cluster-replica-no-failover',
    alias: 'cluster-slave-no-failover',
    default: 'no',
    compat: true,
    help: 'Never fail over to this replica.',
  }),
  numeric({
    name: 'cluster-replica-validity-factor',
    alias: 'cluster-slave-validity-factor',
    default: 10,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Replica data age factor.',
  }),
  numeric({
    name: 'cluster-migration-barrier',
    default: 1,
    min: 0,
    max: INT_MAX,
    compat: true,
    help: 'Replicas a master keeps before one migrates.',
  }),
  bool({
    name: 'cluster-allow-replica-migration',
    default: 'yes',
    compat: true,
    help: 'Let replicas migrate to orphaned masters.',
  }),
  bool({
    name: 'cluster-allow-reads-when-down',
    default: 'no',
    help: 'Serve reads while the cluster is down.',
  }),
  bool({
    name: 'cluster-allow-pubsubshard-when-down',
    default: 'yes',
    help: 'Serve sharded pub/sub while the cluster is down.',
  }),
  string({
    name: 'cluster-announce-ip',
    default: '',
    emptyIsNull: true,
    mutable: false,
    help: 'IP address other nodes and MOVED replies use for this node (default: the first bind address).',
  }),
  string({
    name: 'cluster-announce-hostname',
    default: '',
    emptyIsNull: true,
    validate: hostnameError,
    help: 'Hostname announced to clients and nodes.',
  }),
  numeric({
    name: 'cluster-announce-port',
    default: 0,
    min: 0,
    max: 65535,
    mutable: false,
    help: 'Client port other nodes and MOVED replies use for this node (0 = port).',
  }),
  numeric({
    name: 'cluster-announce-bus-port',
    default: 0,
    min: 0,
    max: 65535,
    mutable: false,
    help: 'Bus port other nodes dial for this node (0 = cluster-port).',
  }),
  numeric({
    name: 'cluster-announce-tls-port',
    default: 0,
    min: 0,
    max: 65535,
    help: 'TLS port announced (0 = tls-port).',
  }),
  enumeration({
    name: 'cluster-preferred-endpoint-type',
    default: 'ip',
    values: [
      ['ip', 0],
      ['hostname', 1],
      ['unknown-endpoint', 2],
    ],
    help: 'Endpoint in MOVED and CLUSTER SLOTS: ip, hostname or unknown-endpoint.',
  }),
  numeric({
    name: 'cluster-link-sendbuf-limit',
    default: 0,
    min: 0,
    max: ULLONG_MAX,
    memory: true,
    unsigned: true,
    help: 'Send buffer limit of a node link (0 = none).',
  }),
];

const TLS: readonly Setting[] = [
  numeric({
    name: 'tls-port',
    default: 0,
    min: 0,
    max: 65535,
    help: 'TLS port for clients (0 = none).',
  }),
  string({
    name: 'tls-cert-file',
    default: '',
    emptyIsNull: true,
    help: 'Server certificate (PEM).',
  }),
  string({
    name: 'tls-key-file',
    default: '',
    emptyIsNull: true,
    help: 'Server private key (PEM).',
  }),
  string({
    name: 'tls-key-file-pass',
    default: '',
    emptyIsNull: true,
    sensitive: true,
    help: 'Passphrase of tls-key-file.',
  }),
  string({
    name: 'tls-client-cert-file',
    default: '',
    emptyIsNull: true,
    help: 'Certificate for outgoing connections.',
  }),
  string({
    name: 'tls-client-key-file',
    default: '',
    emptyIsNull: true,
    help: 'Key for outgoing connections.',
  }),
  string({
    name: 'tls-client-key-file-pass',
    default: '',
    emptyIsNull: true,
    sensitive: true,
    help: 'Passphrase of tls-client-key-file.',
  }),
  string({
    name: 'tls-dh-params-file',
    default: '',
    emptyIsNull: true,
    help: 'DH parameters file.',
  }),
  string({
    name: 'tls-ca-cert-file',
    default: '',
    emptyIsNull: true,
    help: 'CA certificates file.',
  }),
  string({
    name: 'tls-ca-cert-dir',
    default: '',
    emptyIsNull: true,
    help: 'CA certificates directory.',
  }),
  enumeration({
    name: 'tls-auth-clients',
    default: 'yes',
    values: [
      ['no', 0],
      ['yes', 1],
      ['optional', 2],
    ],
    help: 'Require client certificates: no, yes or optional.',
  }),
  bool({ name: 'tls-replication', default: 'no', help: 'Use TLS between replicas.' }),
  bool({ name: 'tls-cluster', default: 'no', help: 'Use TLS on the cluster bus.' }),
  string({
    name: 'tls-protocols',
    default: '',
    emptyIsNull: true,
    help: 'TLS versions allowed ("TLSv1.2 TLSv1.3").',
  }),
  string({ name: 'tls-ciphers', default: '', emptyIsNull: true, help: 'TLS 1.2 cipher list.' }),
  string({
    name: 'tls-ciphersuites',
    default: '',
    emptyIsNull: true,
    help: 'TLS 1.3 cipher suites.',
  }),
  bool({
    name: 'tls-prefer-server-ciphers',
    default: 'no',
    help: 'Prefer the server cipher order.',
  }),
  bool({ name: 'tls-session-caching', default: 'yes', help: 'Cache TLS sessions.' }),
  numeric({
    name: 'tls-session-cache-size',
    default: 20 * KB,
    min: 0,
    max: INT_MAX,
    help: 'TLS sessions cached.',
  }),
  numeric({
    name: 'tls-session-cache-timeout',
    default: 300,
    min: 0,
    max: INT_MAX,
    help: 'Seconds a cached TLS session lives.',
  }),
];

const AIKV: readonly Setting[] = [
  numeric({
    name: 'node-id',
    default: 1,
    min: 1,
    max: INT_MAX,
    mutable: false,
    help: "AiKv: this node's id in its Raft group, unique in the cluster.",
  }),
  string({
    name: 'cluster-join',
    default: '',
    mutable: false,
    validate: joinAddressError,
    help:
      'AiKv: host:port (client port) of a member to join at the first start; empty: a new ' +
      'node founds a group of itself. Ignored once dir holds state.',
  }),
  bool({
    name: 'follower-proxy',
    default: 'no',
    help:
      'AiKv: a follower forwards commands it cannot serve to its group leader and relays the ' +
      'reply, instead of answering MOVED.',
  }),
];

/** The table, in the order help text and CONFIG GET list it. */
export const SETTINGS: readonly Setting[] = [
  ...NETWORK,
  ...GENERAL,
  ...SECURITY,
  ...SNAPSHOTS,
  ...APPEND_ONLY,
  ...REPLICATION,
  ...LIMITS,
  ...LAZY_FREE,
  ...PROCESS,
  ...MONITORING,
  ...ENCODINGS,
  ...CLUSTER,
  ...TLS,
  ...AIKV,
];

/**
 * Names Redis still accepts in a config file and ignores (they no longer mean
 * anything), with the argument counts it accepts.
 */
export const DEPRECATED_DIRECTIVES = new Map<string, number>([
  ['list-max-ziplist-entries', 2],
  ['list-max-ziplist-value', 2],
  ['lua-replicate-commands', 2],
]);
