/**
 * The INFO text in Redis 7.0.15's exact layout (server.c genRedisInfoString): sections
 * in Redis's order, each "# Name\r\n" then "field:value\r\n" lines, a blank line
 * between sections. Pure: the server gathers an InfoSnapshot, this module only formats
 * it. Fields Redis prints that have no counterpart here (forks, defrag, AOF rewrites,
 * jemalloc) keep Redis's idle values, because tools parse the full layout.
 */
import type { PersistenceStatus, SnapshotKindStatus } from '../commands/node.js';

/** Everything INFO prints, gathered by the server at the moment of the command. */
export interface InfoSnapshot {
  readonly server: ServerInfo;
  readonly clients: ClientsInfo;
  readonly memory: MemoryInfo;
  readonly persistence: PersistenceInfo;
  readonly stats: StatsInfo;
  readonly replication: ReplicationInfo;
  readonly cpu: CpuInfo;
  /** One per command or subcommand called at least once (or rejected / failed). */
  readonly commandstats: readonly CommandStatInfo[];
  /** Error replies by code (ERR, WRONGTYPE, ...); printed in code order. */
  readonly errorstats: readonly ErrorStatInfo[];
  /** Latency percentiles per command; absent or empty when latency tracking is off. */
  readonly latencystats?: readonly LatencyStatInfo[];
  readonly clusterEnabled: boolean;
  /** Per database; databases with no keys and no expires are left out of the text. */
  readonly keyspace: readonly KeyspaceInfo[];
}

export interface ServerInfo {
  /** The Redis version AiKv is compatible with (7.0.15): clients feature-detect on it. */
  readonly redisVersion: string;
  readonly aikvVersion: string;
  readonly mode: 'standalone' | 'cluster';
  /** uname: "Linux 6.1.0 x86_64". */
  readonly os: string;
  readonly archBits: number;
  /** The event loop's poller: epoll on Linux, kqueue on BSD/macOS. */
  readonly multiplexingApi: string;
  /** process.version, e.g. v20.11.0. */
  readonly nodeVersion: string;
  readonly processId: number;
  /** 40 hex chars, random per process start. */
  readonly runId: string;
  readonly tcpPort: number;
  readonly serverTimeUsec: number;
  readonly uptimeSeconds: number;
  readonly hz: number;
  readonly configuredHz: number;
  /** Seconds clock modulo 2^24, as OBJECT IDLETIME's clock. */
  readonly lruClock: number;
  readonly executable: string;
  readonly configFile: string;
  /** Set while a SHUTDOWN is waiting for replicas. */
  readonly shutdownInMilliseconds?: number;
}

export interface ClientsInfo {
  /** Client connections, replicas excluded. */
  readonly connected: number;
  readonly clusterConnections: number;
  readonly maxClients: number;
  readonly recentMaxInputBuffer: number;
  readonly recentMaxOutputBuffer: number;
  readonly blocked: number;
  readonly tracking: number;
  readonly inTimeoutTable: number;
}

/** Bytes. The allocator figures Redis takes from jemalloc are derived from these. */
export interface MemoryInfo {
  readonly used: number;
  readonly rss: number;
  /** Highest `used` seen; raised to `used` if lower, as Redis does. */
  readonly peak: number;
  /** `used` right after startup, before any data. */
  readonly startup: number;
  /** Memory that is not the dataset (clients, buffers, startup); defaults to `startup`. */
  readonly overhead?: number;
  readonly totalSystem: number;
  readonly maxmemory: number;
  readonly maxmemoryPolicy: string;
  /** mem_allocator, e.g. "libc". */
  readonly allocator: string;
  readonly clientsNormal?: number;
  readonly clientsReplicas?: number;
  readonly replicationBacklog?: number;
  readonly lazyfreePendingObjects?: number;
  readonly lazyfreedObjects?: number;
}

export interface PersistenceInfo {
  readonly loading: boolean;
  /** Writes since the last snapshot (Redis: server.dirty). */
  readonly changesSinceLastSave: number;
  readonly bgsaveInProgress: boolean;
  /** Unix seconds of the last successful save. */
  readonly lastSaveTime: number;
  readonly lastBgsaveOk: boolean;
  /** Duration of the last snapshot, seconds; -1 when none was taken. */
  readonly lastBgsaveTimeSec: number;
  /** Seconds the running snapshot has taken; -1 when none runs. */
  readonly currentBgsaveTimeSec: number;
  readonly saves: number;
  readonly lastLoadKeysExpired: number;
  readonly lastLoadKeysLoaded: number;
  /** Whether every write is logged before it is acknowledged (the log is AiKv's AOF). */
  readonly aofEnabled: boolean;
  readonly aofLastWriteOk: boolean;
  /** Bytes of the log; printed only when aofEnabled. */
  readonly aofCurrentSize?: number;
  /** Bytes of the log at the last snapshot; printed only when aofEnabled. */
  readonly aofBaseSize?: number;
  readonly aofDelayedFsync?: number;
  /** Bytes of old values the last snapshot kept (copy-on-write). */
  readonly lastCowSize?: number;
  /** Snapshots the log takes on its own, reported as AOF rewrites; absent: none ever. */
  readonly aofRewrite?: SnapshotKindStatus;
  /** AiKv's own fields: the log and the last snapshot's effect on the event loop. */
  readonly log?: LogInfo;
}

/** The `aikv_` lines at the end of INFO persistence. */
export interface LogInfo {
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly diskBytes: number;
  readonly snapshotBytes: number;
  readonly fsync: string;
  /** The longest event-loop stall while the last snapshot ran (ms; -1: not measured). */
  readonly snapshotLoopDelayMaxMs: number;
}

/**
 * INFO persistence of a node with a log (PersistenceApi.status): the log is AiKv's
 * append-only file, always on, so aof_enabled is 1 and its sizes are the log's; a
 * snapshot the log takes by itself is an AOF rewrite, one asked for an RDB save.
 * `idle` fills in for a node without a log.
 */
export function persistenceInfo(
  status: PersistenceStatus | undefined,
  idle: { readonly lastSaveTime: number; readonly changesSinceLastSave: number },
): PersistenceInfo {
  if (status === undefined) return idlePersistence(idle.lastSaveTime, idle.changesSinceLastSave);
  const { rdb, log } = status;
  return {
    loading: false,
    changesSinceLastSave: status.changesSinceLastSave,
    bgsaveInProgress: rdb.inProgress,
    lastSaveTime: status.lastSaveTime,
    lastBgsaveOk: rdb.lastOk,
    lastBgsaveTimeSec: rdb.lastTimeSec,
    currentBgsaveTimeSec: rdb.currentTimeSec,
    saves: rdb.count,
    lastLoadKeysExpired: 0,
    lastLoadKeysLoaded: status.loadKeysLoaded,
    aofEnabled: true,
    aofLastWriteOk: log.lastWriteOk,
    aofCurrentSize: log.diskBytes,
    aofBaseSize: log.diskBytesAtSnapshot,
    aofDelayedFsync: 0,
    lastCowSize: status.lastCowBytes,
    aofRewrite: status.aofRewrite,
    log: { ...log, snapshotLoopDelayMaxMs: status.lastSnapshotLoopDelayMaxMs },
  };
}

function idlePersistence(lastSaveTime: number, changesSinceLastSave: number): PersistenceInfo {
  return {
    loading: false,
    changesSinceLastSave,
    bgsaveInProgress: false,
    lastSaveTime,
    lastBgsaveOk: true,
    lastBgsaveTimeSec: -1,
    currentBgsaveTimeSec: -1,
    saves: 0,
    lastLoadKeysExpired: 0,
    lastLoadKeysLoaded: 0,
    aofEnabled: false,
    aofLastWriteOk: true,
  };
}

export interface StatsInfo {
  readonly totalConnectionsReceived: number;
  readonly totalCommandsProcessed: number;
  readonly instantaneousOpsPerSec: number;
  readonly totalNetInputBytes: number;
  readonly totalNetOutputBytes: number;
  readonly totalNetReplInputBytes?: number;
  readonly totalNetReplOutputBytes?: number;
  readonly instantaneousInputKbps: number;
  readonly instantaneousOutputKbps: number;
  readonly rejectedConnections: number;
  readonly expiredKeys: number;
  /** Share of keys past their deadline, in percent, as the expiry cycle estimates it. */
  readonly expiredStalePerc?: number;
  readonly evictedKeys: number;
  readonly evictedClients?: number;
  readonly keyspaceHits: number;
  readonly keyspaceMisses: number;
  readonly pubsubChannels: number;
  readonly pubsubPatterns: number;
  readonly pubsubShardChannels: number;
  readonly trackingTotalKeys?: number;
  readonly trackingTotalItems?: number;
  readonly trackingTotalPrefixes?: number;
  readonly unexpectedErrorReplies?: number;
  readonly totalErrorReplies: number;
  readonly dumpPayloadSanitizations?: number;
  readonly totalReadsProcessed: number;
  readonly totalWritesProcessed: number;
}

export interface ReplicationInfo {
  readonly role: 'master' | 'slave';
  /** Present when role is slave. */
  readonly master?: MasterLinkInfo;
  readonly replicas: readonly ReplicaInfo[];
  readonly failoverState?: string;
  readonly replId: string;
  readonly replId2?: string;
  readonly replOffset: number;
  readonly secondReplOffset?: number;
  readonly backlogActive?: boolean;
  readonly backlogSize: number;
  readonly backlogFirstByteOffset?: number;
  readonly backlogHistlen?: number;
}

export interface MasterLinkInfo {
  readonly host: string;
  readonly port: number;
  readonly linkUp: boolean;
  readonly lastIoSecondsAgo: number;
  readonly syncInProgress: boolean;
  readonly readReplOffset: number;
  readonly replOffset: number;
  /** Seconds since the link went down; -1 if it never was up. Printed when down. */
  readonly linkDownSinceSeconds: number;
  readonly priority: number;
  readonly readOnly: boolean;
  readonly announced: boolean;
}

export interface ReplicaInfo {
  readonly ip: string;
  readonly port: number;
  readonly state: 'wait_bgsave' | 'send_bulk' | 'online';
  readonly offset: number;
  readonly lag: number;
}

/** Microseconds of CPU, as process.cpuUsage() reports them. */
export interface CpuInfo {
  readonly sysUsec: number;
  readonly userUsec: number;
  readonly childrenSysUsec: number;
  readonly childrenUserUsec: number;
  readonly mainThreadSysUsec?: number;
  readonly mainThreadUserUsec?: number;
}

export interface CommandStatInfo {
  /** Full name: `get`, `config|set`. */
  readonly name: string;
  readonly calls: number;
  readonly usec: number;
  readonly rejectedCalls: number;
  readonly failedCalls: number;
}

export interface ErrorStatInfo {
  readonly code: string;
  readonly count: number;
}

export interface LatencyStatInfo {
  readonly name: string;
  /** [percentile, microseconds], e.g. [50, 7.007]. */
  readonly percentiles: readonly (readonly [number, number])[];
}

export interface KeyspaceInfo {
  readonly db: number;
  readonly keys: number;
  readonly expires: number;
  /** Estimated average TTL of keys with one, ms. */
  readonly avgTtl: number;
}

type Lines = string[];
type SectionRenderer = (s: InfoSnapshot) => Lines;

/** Sections in Redis's order; `aliases` are other names that select the section. */
const SECTIONS: readonly {
  name: string;
  title: string;
  aliases?: string[];
  render: SectionRenderer;
}[] = [
  { name: 'server', title: 'Server', render: (s) => serverLines(s.server) },
  { name: 'clients', title: 'Clients', render: (s) => clientsLines(s.clients) },
  { name: 'memory', title: 'Memory', render: (s) => memoryLines(s.memory) },
  { name: 'persistence', title: 'Persistence', render: (s) => persistenceLines(s.persistence) },
  { name: 'stats', title: 'Stats', render: (s) => statsLines(s.stats) },
  { name: 'replication', title: 'Replication', render: (s) => replicationLines(s.replication) },
  { name: 'cpu', title: 'CPU', render: (s) => cpuLines(s.cpu) },
  { name: 'module_list', title: 'Modules', aliases: ['modules'], render: () => [] },
  { name: 'commandstats', title: 'Commandstats', render: commandstatsLines },
  { name: 'errorstats', title: 'Errorstats', render: errorstatsLines },
  { name: 'latencystats', title: 'Latencystats', render: latencystatsLines },
  {
    name: 'cluster',
    title: 'Cluster',
    render: (s) => [`cluster_enabled:${s.clusterEnabled ? 1 : 0}`],
  },
  { name: 'keyspace', title: 'Keyspace', render: keyspaceLines },
];

/** Redis's default sections: INFO with no argument, or "default". */
export const DEFAULT_INFO_SECTIONS: readonly string[] = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

/**
 * The INFO text for the requested lower-case section names: none means the default
 * sections; "default" adds them, "all" and "everything" select every section. Unknown
 * names select nothing. Each section appears once, in Redis's order.
 */
export function renderInfo(snapshot: InfoSnapshot, sections: readonly string[]): string {
  const wanted = new Set(sections.length === 0 ? DEFAULT_INFO_SECTIONS : []);
  let all = false;
  for (const name of sections) {
    if (name === 'default') for (const d of DEFAULT_INFO_SECTIONS) wanted.add(d);
    else if (name === 'all' || name === 'everything') all = true;
    else wanted.add(name);
  }
  const parts: string[] = [];
  for (const section of SECTIONS) {
    const selected =
      all || wanted.has(section.name) || (section.aliases ?? []).some((a) => wanted.has(a));
    if (!selected) continue;
    const lines = section.render(snapshot);
    parts.push(`# ${section.title}\r\n` + lines.map((l) => l + '\r\n').join(''));
  }
  return parts.join('\r\n');
}

function serverLines(s: ServerInfo): Lines {
  const lines = [
    `redis_version:${s.redisVersion}`,
    `aikv_version:${s.aikvVersion}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0',
    `redis_mode:${s.mode}`,
    `os:${s.os}`,
    `arch_bits:${s.archBits}`,
    'monotonic_clock:POSIX clock_gettime',
    `multiplexing_api:${s.multiplexingApi}`,
    'atomicvar_api:none',
    // Redis prints 0.0.0 when it was not built by gcc; Node's version follows.
    'gcc_version:0.0.0',
    `node_version:${s.nodeVersion}`,
    `process_id:${s.processId}`,
    'process_supervised:no',
    `run_id:${s.runId}`,
    `tcp_port:${s.tcpPort}`,
    `server_time_usec:${s.serverTimeUsec}`,
    `uptime_in_seconds:${s.uptimeSeconds}`,
    `uptime_in_days:${Math.floor(s.uptimeSeconds / 86400)}`,
    `hz:${s.hz}`,
    `configured_hz:${s.configuredHz}`,
    `lru_clock:${s.lruClock}`,
    `executable:${s.executable}`,
    `config_file:${s.configFile}`,
    'io_threads_active:0',
  ];
  if (s.shutdownInMilliseconds !== undefined) {
    lines.push(`shutdown_in_milliseconds:${s.shutdownInMilliseconds}`);
  }
  return lines;
}

function clientsLines(c: ClientsInfo): Lines {
  return [
    `connected_clients:${c.connected}`,
    `cluster_connections:${c.clusterConnections}`,
    `maxclients:${c.maxClients}`,
    `client_recent_max_input_buffer:${c.recentMaxInputBuffer}`,
    `client_recent_max_output_buffer:${c.recentMaxOutputBuffer}`,
    `blocked_clients:${c.blocked}`,
    `tracking_clients:${c.tracking}`,
    `clients_in_timeout_table:${c.inTimeoutTable}`,
  ];
}

function memoryLines(m: MemoryInfo): Lines {
  const used = m.used;
  const peak = Math.max(m.peak, used);
  const overhead = m.overhead ?? m.startup;
  const dataset = Math.max(0, used - overhead);
  const netUsage = used > m.startup ? used - m.startup : 1;
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${m.rss}`,
    `used_memory_rss_human:${bytesToHuman(m.rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${fixed2(ratio(used * 100, peak))}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${m.startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${fixed2((dataset * 100) / netUsage)}%`,
    ...allocatorLines(m),
    `total_system_memory:${m.totalSystem}`,
    `total_system_memory_human:${bytesToHuman(m.totalSystem)}`,
    ...scriptingMemoryLines(),
    `maxmemory:${m.maxmemory}`,
    `maxmemory_human:${bytesToHuman(m.maxmemory)}`,
    `maxmemory_policy:${m.maxmemoryPolicy}`,
    ...fragmentationLines(m),
    'mem_not_counted_for_evict:0',
    `mem_replication_backlog:${m.replicationBacklog ?? 0}`,
    'mem_total_replication_buffers:0',
    `mem_clients_slaves:${m.clientsReplicas ?? 0}`,
    `mem_clients_normal:${m.clientsNormal ?? 0}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    `mem_allocator:${m.allocator}`,
    'active_defrag_running:0',
    `lazyfree_pending_objects:${m.lazyfreePendingObjects ?? 0}`,
    `lazyfreed_objects:${m.lazyfreedObjects ?? 0}`,
  ];
}

/** No jemalloc here: allocated and active are `used`, resident is the RSS. */
function allocatorLines(m: MemoryInfo): Lines {
  return [
    `allocator_allocated:${m.used}`,
    `allocator_active:${m.used}`,
    `allocator_resident:${m.rss}`,
  ];
}

function fragmentationLines(m: MemoryInfo): Lines {
  return [
    'allocator_frag_ratio:1.00',
    'allocator_frag_bytes:0',
    `allocator_rss_ratio:${fixed2(ratio(m.rss, m.used))}`,
    `allocator_rss_bytes:${m.rss - m.used}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${fixed2(ratio(m.rss, m.used))}`,
    `mem_fragmentation_bytes:${m.rss - m.used}`,
  ];
}

/** There is no scripting engine yet: no VM memory, no scripts, no functions. */
function scriptingMemoryLines(): Lines {
  return [
    'used_memory_lua:0',
    'used_memory_vm_eval:0',
    'used_memory_lua_human:0B',
    'used_memory_scripts_eval:0',
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    'used_memory_vm_functions:0',
    'used_memory_vm_total:0',
    'used_memory_vm_total_human:0B',
    'used_memory_functions:0',
    'used_memory_scripts:0',
    'used_memory_scripts_human:0B',
  ];
}

function persistenceLines(p: PersistenceInfo): Lines {
  const rw = p.aofRewrite;
  const lines = [
    `loading:${flag(p.loading)}`,
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    'current_save_keys_processed:0',
    'current_save_keys_total:0',
    `rdb_changes_since_last_save:${p.changesSinceLastSave}`,
    `rdb_bgsave_in_progress:${flag(p.bgsaveInProgress)}`,
    `rdb_last_save_time:${p.lastSaveTime}`,
    `rdb_last_bgsave_status:${p.lastBgsaveOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${p.lastBgsaveTimeSec}`,
    `rdb_current_bgsave_time_sec:${p.currentBgsaveTimeSec}`,
    `rdb_saves:${p.saves}`,
    `rdb_last_cow_size:${p.lastCowSize ?? 0}`,
    `rdb_last_load_keys_expired:${p.lastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${p.lastLoadKeysLoaded}`,
    `aof_enabled:${flag(p.aofEnabled)}`,
    `aof_rewrite_in_progress:${flag(rw?.inProgress ?? false)}`,
    `aof_rewrite_scheduled:${flag(rw?.scheduled ?? false)}`,
    `aof_last_rewrite_time_sec:${rw?.lastTimeSec ?? -1}`,
    `aof_current_rewrite_time_sec:${rw?.currentTimeSec ?? -1}`,
    `aof_last_bgrewrite_status:${rw?.lastOk === false ? 'err' : 'ok'}`,
    `aof_rewrites:${rw?.count ?? 0}`,
    `aof_rewrites_consecutive_failures:${rw?.consecutiveFailures ?? 0}`,
    `aof_last_write_status:${p.aofLastWriteOk ? 'ok' : 'err'}`,
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
  if (p.aofEnabled) {
    lines.push(
      `aof_current_size:${p.aofCurrentSize ?? 0}`,
      `aof_base_size:${p.aofBaseSize ?? 0}`,
      'aof_pending_rewrite:0',
      'aof_buffer_length:0',
      'aof_pending_bio_fsync:0',
      `aof_delayed_fsync:${p.aofDelayedFsync ?? 0}`,
    );
  }
  if (p.log !== undefined) lines.push(...logLines(p.log));
  return lines;
}

function logLines(log: LogInfo): Lines {
  return [
    `aikv_log_first_index:${log.firstIndex}`,
    `aikv_log_last_index:${log.lastIndex}`,
    `aikv_log_snapshot_index:${log.snapshotIndex}`,
    `aikv_log_disk_bytes:${log.diskBytes}`,
    `aikv_log_snapshot_bytes:${log.snapshotBytes}`,
    `aikv_log_fsync:${log.fsync}`,
    `aikv_last_snapshot_max_loop_delay_ms:${log.snapshotLoopDelayMaxMs}`,
  ];
}

function statsLines(s: StatsInfo): Lines {
  const replIn = s.totalNetReplInputBytes ?? 0;
  const replOut = s.totalNetReplOutputBytes ?? 0;
  return [
    `total_connections_received:${s.totalConnectionsReceived}`,
    `total_commands_processed:${s.totalCommandsProcessed}`,
    `instantaneous_ops_per_sec:${s.instantaneousOpsPerSec}`,
    `total_net_input_bytes:${s.totalNetInputBytes + replIn}`,
    `total_net_output_bytes:${s.totalNetOutputBytes + replOut}`,
    `total_net_repl_input_bytes:${replIn}`,
    `total_net_repl_output_bytes:${replOut}`,
    `instantaneous_input_kbps:${fixed2(s.instantaneousInputKbps)}`,
    `instantaneous_output_kbps:${fixed2(s.instantaneousOutputKbps)}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${s.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${s.expiredKeys}`,
    `expired_stale_perc:${fixed2(s.expiredStalePerc ?? 0)}`,
    'expired_time_cap_reached_count:0',
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${s.evictedKeys}`,
    `evicted_clients:${s.evictedClients ?? 0}`,
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${s.keyspaceHits}`,
    `keyspace_misses:${s.keyspaceMisses}`,
    `pubsub_channels:${s.pubsubChannels}`,
    `pubsub_patterns:${s.pubsubPatterns}`,
    `pubsubshard_channels:${s.pubsubShardChannels}`,
    ...idleStatsLines(),
    `tracking_total_keys:${s.trackingTotalKeys ?? 0}`,
    `tracking_total_items:${s.trackingTotalItems ?? 0}`,
    `tracking_total_prefixes:${s.trackingTotalPrefixes ?? 0}`,
    `unexpected_error_replies:${s.unexpectedErrorReplies ?? 0}`,
    `total_error_replies:${s.totalErrorReplies}`,
    `dump_payload_sanitizations:${s.dumpPayloadSanitizations ?? 0}`,
    `total_reads_processed:${s.totalReadsProcessed}`,
    `total_writes_processed:${s.totalWritesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

/** Forks, MIGRATE socket caching and active defrag do not exist here. */
function idleStatsLines(): Lines {
  return [
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
  ];
}

function replicationLines(r: ReplicationInfo): Lines {
  const lines = [`role:${r.role}`];
  if (r.master !== undefined) lines.push(...masterLinkLines(r.master));
  lines.push(`connected_slaves:${r.replicas.length}`);
  r.replicas.forEach((s, i) => {
    lines.push(
      `slave${i}:ip=${s.ip},port=${s.port},state=${s.state},offset=${s.offset},lag=${s.lag}`,
    );
  });
  lines.push(
    `master_failover_state:${r.failoverState ?? 'no-failover'}`,
    `master_replid:${r.replId}`,
    `master_replid2:${r.replId2 ?? '0'.repeat(40)}`,
    `master_repl_offset:${r.replOffset}`,
    `second_repl_offset:${r.secondReplOffset ?? -1}`,
    `repl_backlog_active:${flag(r.backlogActive ?? false)}`,
    `repl_backlog_size:${r.backlogSize}`,
    `repl_backlog_first_byte_offset:${r.backlogFirstByteOffset ?? 0}`,
    `repl_backlog_histlen:${r.backlogHistlen ?? 0}`,
  );
  return lines;
}

function masterLinkLines(m: MasterLinkInfo): Lines {
  const lines = [
    `master_host:${m.host}`,
    `master_port:${m.port}`,
    `master_link_status:${m.linkUp ? 'up' : 'down'}`,
    `master_last_io_seconds_ago:${m.lastIoSecondsAgo}`,
    `master_sync_in_progress:${flag(m.syncInProgress)}`,
    `slave_read_repl_offset:${m.readReplOffset}`,
    `slave_repl_offset:${m.replOffset}`,
  ];
  if (!m.linkUp) lines.push(`master_link_down_since_seconds:${m.linkDownSinceSeconds}`);
  lines.push(
    `slave_priority:${m.priority}`,
    `slave_read_only:${flag(m.readOnly)}`,
    `replica_announced:${flag(m.announced)}`,
  );
  return lines;
}

function cpuLines(c: CpuInfo): Lines {
  const lines = [
    `used_cpu_sys:${cpuSeconds(c.sysUsec)}`,
    `used_cpu_user:${cpuSeconds(c.userUsec)}`,
    `used_cpu_sys_children:${cpuSeconds(c.childrenSysUsec)}`,
    `used_cpu_user_children:${cpuSeconds(c.childrenUserUsec)}`,
  ];
  if (c.mainThreadSysUsec !== undefined && c.mainThreadUserUsec !== undefined) {
    lines.push(
      `used_cpu_sys_main_thread:${cpuSeconds(c.mainThreadSysUsec)}`,
      `used_cpu_user_main_thread:${cpuSeconds(c.mainThreadUserUsec)}`,
    );
  }
  return lines;
}

function commandstatsLines(s: InfoSnapshot): Lines {
  const lines: Lines = [];
  for (const c of s.commandstats) {
    if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
    // Redis divides as C floats: (float)usec / calls.
    const perCall = c.calls === 0 ? 0 : Math.fround(Math.fround(c.usec) / Math.fround(c.calls));
    lines.push(
      `cmdstat_${safeInfoString(c.name)}:calls=${c.calls},usec=${c.usec},` +
        `usec_per_call=${fixed2(perCall)},rejected_calls=${c.rejectedCalls},` +
        `failed_calls=${c.failedCalls}`,
    );
  }
  return lines;
}

function errorstatsLines(s: InfoSnapshot): Lines {
  // Redis keeps errors in a radix tree, so they print in byte order of their code.
  const sorted = [...s.errorstats].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return sorted.map((e) => `errorstat_${safeInfoString(e.code)}:count=${e.count}`);
}

function latencystatsLines(s: InfoSnapshot): Lines {
  return (s.latencystats ?? []).map((l) => {
    const values = l.percentiles.map(([p, usec]) => `p${trimNumber(p)}=${usec.toFixed(3)}`);
    return `latency_percentiles_usec_${safeInfoString(l.name)}:${values.join(',')}`;
  });
}

function keyspaceLines(s: InfoSnapshot): Lines {
  return s.keyspace
    .filter((d) => d.keys !== 0 || d.expires !== 0)
    .map((d) => `db${d.db}:keys=${d.keys},expires=${d.expires},avg_ttl=${d.avgTtl}`);
}

/** Redis's bytesToHuman: 100B, 1.50K, 2.00M, ... */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let scaled = n / 1024;
  for (const unit of units) {
    if (scaled < 1024) return `${fixed2(scaled)}${unit}`;
    scaled /= 1024;
  }
  return `${n}B`;
}

/** `#`, `:`, CR and LF would break the INFO line format; Redis maps them to `_`. */
function safeInfoString(s: string): string {
  return s.replace(/[#:\r\n]/g, '_');
}

function cpuSeconds(usec: number): string {
  const whole = Math.floor(usec);
  return `${Math.floor(whole / 1e6)}.${String(whole % 1e6).padStart(6, '0')}`;
}

/** A percentile as Redis prints it: %f with trailing zeros (and a bare dot) removed. */
function trimNumber(x: number): string {
  return x.toFixed(6).replace(/\.?0+$/, '');
}

function fixed2(x: number): string {
  return x.toFixed(2);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function flag(b: boolean): 0 | 1 {
  return b ? 1 : 0;
}
