import { arch, release, totalmem, type } from 'node:os';
import { persistenceInfo, renderInfo, type InfoSnapshot, type KeyspaceInfo } from './info.js';
import type { NodeServer } from './server.js';

/** Bytes in use by the process as an allocator would count them. */
function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Per-process figures INFO reports that the server itself does not track. */
class ProcessFigures {
  readonly startupMemory = usedMemory();
  peakMemory = this.startupMemory;
}

const figures = new ProcessFigures();

function keyspaceInfo(server: NodeServer): KeyspaceInfo[] {
  const now = server.now();
  return server.keyspace.dbs.map((db) => ({
    db: db.id,
    keys: db.size,
    expires: db.volatileCount,
    avgTtl: db.averageTtl(now),
  }));
}

/** Gathers what INFO prints from a running server, then renders the requested sections. */
export function buildInfo(server: NodeServer, sections: readonly string[]): string {
  const memory = process.memoryUsage();
  const used = usedMemory();
  figures.peakMemory = Math.max(figures.peakMemory, used);
  const now = server.now();
  const cpu = process.cpuUsage();
  const stats = server.stats;
  const config = server.config;
  // A node whose group has other members serves the Redis Cluster protocol's view.
  const grouped = (server.cluster?.view().members.length ?? 1) > 1;
  const snapshot: InfoSnapshot = {
    server: {
      redisVersion: server.redisVersion,
      aikvVersion: server.aikvVersion,
      mode: grouped ? 'cluster' : 'standalone',
      os: `${type()} ${release()} ${arch()}`,
      archBits: 64,
      multiplexingApi: process.platform === 'linux' ? 'epoll' : 'kqueue',
      nodeVersion: process.version,
      processId: process.pid,
      runId: server.runId,
      tcpPort: server.port,
      serverTimeUsec: now * 1000,
      uptimeSeconds: Math.floor((now - server.startedAt) / 1000),
      hz: config.number('hz'),
      configuredHz: config.number('hz'),
      lruClock: Math.floor(now / 1000) % 2 ** 24,
      executable: process.argv[1] ?? '',
      configFile: server.configFile,
    },
    clients: {
      connected: server.connections.size,
      clusterConnections: 0,
      maxClients: config.number('maxclients'),
      recentMaxInputBuffer: 0,
      recentMaxOutputBuffer: 0,
      // Parked here, or blocked on the leader through follower-proxy: both are blocked
      // clients of this node, as Redis counts them.
      blocked: countBlocked(server.connections.values()),
      tracking: 0,
      inTimeoutTable: 0,
    },
    memory: {
      used,
      rss: memory.rss,
      peak: figures.peakMemory,
      startup: figures.startupMemory,
      totalSystem: totalmem(),
      maxmemory: config.number('maxmemory'),
      maxmemoryPolicy: config.string('maxmemory-policy'),
      allocator: 'libc',
    },
    persistence: persistenceInfo(server.persistence?.status(), {
      lastSaveTime: server.lastSave(),
      changesSinceLastSave: server.machine.appliedIndex,
    }),
    stats: {
      totalConnectionsReceived: stats.totalConnections,
      totalCommandsProcessed: stats.totalCommands,
      instantaneousOpsPerSec: stats.opsPerSec,
      totalNetInputBytes: stats.netInputBytes,
      totalNetOutputBytes: stats.netOutputBytes,
      instantaneousInputKbps: 0,
      instantaneousOutputKbps: 0,
      rejectedConnections: stats.rejectedConnections,
      expiredKeys: server.keyspace.stats.expiredKeys,
      evictedKeys: 0,
      keyspaceHits: server.keyspace.stats.hits,
      keyspaceMisses: server.keyspace.stats.misses,
      pubsubChannels: 0,
      pubsubPatterns: 0,
      pubsubShardChannels: 0,
      totalErrorReplies: [...stats.errors.values()].reduce((a, b) => a + b, 0),
      totalReadsProcessed: stats.totalCommands,
      totalWritesProcessed: stats.totalCommands,
    },
    replication: server.cluster?.replication(server.runId) ?? {
      role: 'master',
      replicas: [],
      replId: server.runId,
      replOffset: server.machine.appliedIndex,
      backlogSize: 0,
    },
    cpu: {
      sysUsec: cpu.system,
      userUsec: cpu.user,
      childrenSysUsec: 0,
      childrenUserUsec: 0,
    },
    commandstats: [...stats.commands].map(([name, s]) => ({
      name,
      calls: s.calls,
      usec: s.usec,
      rejectedCalls: s.rejectedCalls,
      failedCalls: s.failedCalls,
    })),
    errorstats: [...stats.errors].map(([code, count]) => ({ code, count })),
    clusterEnabled: grouped,
    keyspace: keyspaceInfo(server),
  };
  return renderInfo(snapshot, sections);
}

function countBlocked(connections: Iterable<{ readonly blocked: boolean }>): number {
  let n = 0;
  for (const conn of connections) if (conn.blocked) n++;
  return n;
}
