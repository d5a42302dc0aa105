import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHuman, renderInfo, type InfoSnapshot } from '../../src/server/info.js';

const SNAPSHOT: InfoSnapshot = {
  server: {
    redisVersion: '7.0.15',
    aikvVersion: '0.1.0',
    mode: 'standalone',
    os: 'Linux 6.1.0 x86_64',
    archBits: 64,
    multiplexingApi: 'epoll',
    nodeVersion: 'v20.11.0',
    processId: 4242,
    runId: 'a'.repeat(40),
    tcpPort: 6379,
    serverTimeUsec: 1_700_000_000_123_456,
    uptimeSeconds: 200_000,
    hz: 10,
    configuredHz: 10,
    lruClock: 148069,
    executable: '/usr/bin/node',
    configFile: '',
  },
  clients: {
    connected: 3,
    clusterConnections: 0,
    maxClients: 10000,
    recentMaxInputBuffer: 20,
    recentMaxOutputBuffer: 0,
    blocked: 1,
    tracking: 0,
    inTimeoutTable: 1,
  },
  memory: {
    used: 2_000_000,
    rss: 4_000_000,
    peak: 1_000_000,
    startup: 1_000_000,
    totalSystem: 8 * 1024 ** 3,
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
    allocator: 'libc',
  },
  persistence: {
    loading: false,
    changesSinceLastSave: 5,
    bgsaveInProgress: false,
    lastSaveTime: 1_700_000_000,
    lastBgsaveOk: true,
    lastBgsaveTimeSec: -1,
    currentBgsaveTimeSec: -1,
    saves: 0,
    lastLoadKeysExpired: 0,
    lastLoadKeysLoaded: 0,
    aofEnabled: false,
    aofLastWriteOk: true,
  },
  stats: {
    totalConnectionsReceived: 10,
    totalCommandsProcessed: 100,
    instantaneousOpsPerSec: 7,
    totalNetInputBytes: 1000,
    totalNetOutputBytes: 2000,
    instantaneousInputKbps: 0.5,
    instantaneousOutputKbps: 1.25,
    rejectedConnections: 0,
    expiredKeys: 2,
    evictedKeys: 0,
    keyspaceHits: 40,
    keyspaceMisses: 4,
    pubsubChannels: 0,
    pubsubPatterns: 0,
    pubsubShardChannels: 0,
    totalErrorReplies: 3,
    totalReadsProcessed: 110,
    totalWritesProcessed: 100,
  },
  replication: {
    role: 'master',
    replicas: [],
    replId: 'b'.repeat(40),
    replOffset: 0,
    backlogSize: 1048576,
  },
  cpu: {
    sysUsec: 5194,
    userUsec: 1_250_000,
    childrenSysUsec: 0,
    childrenUserUsec: 0,
    mainThreadSysUsec: 5001,
    mainThreadUserUsec: 0,
  },
  commandstats: [
    { name: 'set', calls: 3, usec: 10, rejectedCalls: 0, failedCalls: 0 },
    { name: 'get', calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 },
    { name: 'config|set', calls: 1, usec: 15, rejectedCalls: 1, failedCalls: 1 },
    { name: 'we:ird#name', calls: 1, usec: 1, rejectedCalls: 0, failedCalls: 0 },
  ],
  errorstats: [
    { code: 'WRONGTYPE', count: 1 },
    { code: 'ERR', count: 2 },
  ],
  latencystats: [
    {
      name: 'set',
      percentiles: [
        [50, 7.007],
        [99, 15.039],
        [99.9, 15.039],
      ],
    },
  ],
  clusterEnabled: false,
  keyspace: [
    { db: 0, keys: 1, expires: 0, avgTtl: 0 },
    { db: 1, keys: 0, expires: 0, avgTtl: 0 },
    { db: 3, keys: 5, expires: 2, avgTtl: 1234 },
  ],
};

/** Field names per section of redis-server 7.0.15's INFO default, in order. */
const REDIS_FIELDS: Record<string, string> = {
  Server:
    'redis_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode os arch_bits monotonic_clock multiplexing_api atomicvar_api gcc_version process_id process_supervised run_id tcp_port server_time_usec uptime_in_seconds uptime_in_days hz configured_hz lru_clock executable config_file io_threads_active',
  Clients:
    'connected_clients cluster_connections maxclients client_recent_max_input_buffer client_recent_max_output_buffer blocked_clients tracking_clients clients_in_timeout_table',
  Memory:
    'used_memory used_memory_human used_memory_rss used_memory_rss_human used_memory_peak used_memory_peak_human used_memory_peak_perc used_memory_overhead used_memory_startup used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active allocator_resident total_system_memory total_system_memory_human used_memory_lua used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total used_memory_vm_total_human used_memory_functions used_memory_scripts used_memory_scripts_human maxmemory maxmemory_human maxmemory_policy allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers mem_clients_slaves mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator active_defrag_running lazyfree_pending_objects lazyfreed_objects',
  Persistence:
    'loading async_loading current_cow_peak current_cow_size current_cow_size_age current_fork_perc current_save_keys_processed current_save_keys_total rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time rdb_last_bgsave_status rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size module_fork_in_progress module_fork_last_cow_size',
  Stats:
    'total_connections_received total_commands_processed instantaneous_ops_per_sec total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full sync_partial_ok sync_partial_err expired_keys expired_stale_perc expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies dump_payload_sanitizations total_reads_processed total_writes_processed io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks reply_buffer_expands',
  Replication:
    'role connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen',
  CPU: 'used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children used_cpu_sys_main_thread used_cpu_user_main_thread',
  Modules: '',
  Errorstats: 'errorstat_ERR errorstat_WRONGTYPE',
  Cluster: 'cluster_enabled',
  Keyspace: 'db0 db3',
};

/** AiKv's own fields, which Redis does not print. */
const AIKV_FIELDS = new Set(['aikv_version', 'node_version']);

/** Section title → field names, parsed from INFO text. */
function fieldsBySection(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) out.set(line.slice(2), (current = []));
    else if (line !== '') current.push(line.slice(0, line.indexOf(':')));
  }
  return out;
}

function field(text: string, name: string): string | undefined {
  const line = text.split('\r\n').find((l) => l.startsWith(name + ':'));
  return line?.slice(name.length + 1);
}

test('INFO default has the sections and fields of redis-server 7.0.15, in its order', () => {
  const sections = fieldsBySection(renderInfo(SNAPSHOT, []));
  assert.deepEqual([...sections.keys()], Object.keys(REDIS_FIELDS));
  for (const [title, names] of sections) {
    const redis = REDIS_FIELDS[title] ?? '';
    const ours = names.filter((n) => !AIKV_FIELDS.has(n)).join(' ');
    assert.equal(ours, redis, `section ${title}`);
  }
});

test('INFO text layout: headers, CRLF lines, one blank line between sections', () => {
  const text = renderInfo(SNAPSHOT, ['server', 'cluster']);
  assert.ok(text.startsWith('# Server\r\nredis_version:7.0.15\r\naikv_version:0.1.0\r\n'));
  assert.ok(text.endsWith('io_threads_active:0\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n'));
  assert.equal(field(text, 'redis_mode'), 'standalone');
  assert.equal(field(text, 'uptime_in_days'), '2');
  assert.equal(field(text, 'tcp_port'), '6379');
});

test('INFO default and "default" leave out commandstats and latencystats; all adds them', () => {
  assert.equal(renderInfo(SNAPSHOT, []), renderInfo(SNAPSHOT, ['default']));
  assert.ok(!renderInfo(SNAPSHOT, []).includes('rejected_calls'));
  for (const word of ['all', 'everything']) {
    const text = renderInfo(SNAPSHOT, [word]);
    assert.ok(text.includes('# Commandstats\r\n') && text.includes('# Latencystats\r\n'));
    assert.ok(text.includes('rejected_calls'));
  }
});

test('INFO with several sections prints each once, in Redis order', () => {
  const text = renderInfo(SNAPSHOT, ['cpu', 'server', 'cpu']);
  assert.deepEqual([...fieldsBySection(text).keys()], ['Server', 'CPU']);
  const withAll = renderInfo(SNAPSHOT, ['cpu', 'all']);
  assert.equal(withAll.split('used_cpu_user_children').length, 2);
  const withDefault = renderInfo(SNAPSHOT, ['commandstats', 'default']);
  assert.ok(withDefault.includes('# Commandstats') && withDefault.includes('# Keyspace'));
  assert.equal(renderInfo(SNAPSHOT, ['sentinel']), '');
  assert.deepEqual([...fieldsBySection(renderInfo(SNAPSHOT, ['modules'])).keys()], ['Modules']);
});

test('INFO commandstats: Redis line format, float usec_per_call, safe names, idle commands left out', () => {
  const text = renderInfo(SNAPSHOT, ['commandstats']);
  assert.equal(
    text,
    '# Commandstats\r\n' +
      'cmdstat_set:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\n' +
      'cmdstat_config|set:calls=1,usec=15,usec_per_call=15.00,rejected_calls=1,failed_calls=1\r\n' +
      'cmdstat_we_ird_name:calls=1,usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0\r\n',
  );
});

test('INFO errorstats prints codes in byte order; latencystats trims percentile names', () => {
  assert.equal(
    renderInfo(SNAPSHOT, ['errorstats']),
    '# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n',
  );
  assert.equal(
    renderInfo(SNAPSHOT, ['latencystats']),
    '# Latencystats\r\nlatency_percentiles_usec_set:p50=7.007,p99=15.039,p99.9=15.039\r\n',
  );
});

test('INFO keyspace lists non-empty databases as dbN:keys=..,expires=..,avg_ttl=..', () => {
  assert.equal(
    renderInfo(SNAPSHOT, ['keyspace']),
    '# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=5,expires=2,avg_ttl=1234\r\n',
  );
});

test('INFO memory derives human sizes, peak and ratios as Redis does', () => {
  const text = renderInfo(SNAPSHOT, ['memory']);
  assert.equal(field(text, 'used_memory_human'), '1.91M');
  assert.equal(field(text, 'used_memory_peak'), '2000000');
  assert.equal(field(text, 'used_memory_peak_perc'), '100.00%');
  assert.equal(field(text, 'used_memory_dataset'), '1000000');
  assert.equal(field(text, 'used_memory_dataset_perc'), '100.00%');
  assert.equal(field(text, 'mem_fragmentation_ratio'), '2.00');
  assert.equal(field(text, 'total_system_memory_human'), '8.00G');
  assert.equal(field(text, 'maxmemory_human'), '0B');
});

test('INFO cpu prints seconds with six decimals', () => {
  const text = renderInfo(SNAPSHOT, ['cpu']);
  assert.equal(field(text, 'used_cpu_sys'), '0.005194');
  assert.equal(field(text, 'used_cpu_user'), '1.250000');
});

test('INFO persistence adds the AOF fields only when the log is on', () => {
  assert.equal(field(renderInfo(SNAPSHOT, ['persistence']), 'aof_current_size'), undefined);
  const aof = {
    ...SNAPSHOT,
    persistence: { ...SNAPSHOT.persistence, aofEnabled: true, aofCurrentSize: 99 },
  };
  const text = renderInfo(aof, ['persistence']);
  assert.equal(field(text, 'aof_enabled'), '1');
  assert.equal(field(text, 'aof_current_size'), '99');
});

// redis-server 7.0.15 as a replica whose master is unreachable (REPLICAOF 127.0.0.1 1).
test('INFO replication of a replica has the master link fields of Redis', () => {
  const replica: InfoSnapshot = {
    ...SNAPSHOT,
    replication: {
      ...SNAPSHOT.replication,
      role: 'slave',
      master: {
        host: '127.0.0.1',
        port: 1,
        linkUp: false,
        lastIoSecondsAgo: -1,
        syncInProgress: false,
        readReplOffset: 0,
        replOffset: 0,
        linkDownSinceSeconds: -1,
        priority: 100,
        readOnly: true,
        announced: true,
      },
    },
  };
  const names = fieldsBySection(renderInfo(replica, ['replication'])).get('Replication');
  assert.equal(
    names?.join(' '),
    'role master_host master_port master_link_status master_last_io_seconds_ago master_sync_in_progress slave_read_repl_offset slave_repl_offset master_link_down_since_seconds slave_priority slave_read_only replica_announced connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen',
  );
  const master: InfoSnapshot = {
    ...SNAPSHOT,
    replication: {
      ...SNAPSHOT.replication,
      replicas: [{ ip: '10.0.0.2', port: 6380, state: 'online', offset: 42, lag: 0 }],
    },
  };
  const text = renderInfo(master, ['replication']);
  assert.equal(field(text, 'connected_slaves'), '1');
  assert.equal(field(text, 'slave0'), 'ip=10.0.0.2,port=6380,state=online,offset=42,lag=0');
  assert.equal(field(text, 'master_replid2'), '0'.repeat(40));
});

test('bytesToHuman matches Redis for each unit', () => {
  assert.equal(bytesToHuman(0), '0B');
  assert.equal(bytesToHuman(1023), '1023B');
  assert.equal(bytesToHuman(965832), '943.20K');
  assert.equal(bytesToHuman(6656000), '6.35M');
  assert.equal(bytesToHuman(25276502016), '23.54G');
  assert.equal(bytesToHuman(1024 ** 4 * 3), '3.00T');
  assert.equal(bytesToHuman(1024 ** 5), '1.00P');
});
