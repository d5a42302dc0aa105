import { mkdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { Config, ConfigError, commandLineAction, helpText, versionText } from '../config/config.js';
import { fsPath } from '../config/parse.js';
import { createLogger, setLogLevel, type LogLevel } from '../observability/logger.js';
import { NodeServer } from '../server/server.js';
import { Rng } from '../util/rng.js';
import { buildInfo } from '../server/info-source.js';
import { RaftHost } from '../server/raft-host.js';
import { ClusterNode } from '../server/cluster-node.js';
import { joinGroup, parseHostPort } from '../server/cluster-join.js';
import { LeaderProxy } from '../server/leader-proxy.js';
import { NodeDirectory, type NodeAddress } from '../replication/directory.js';
import { KeyspaceApplier, RaftLog } from '../replication/raft-log.js';
import { Persistence, saveSchedule } from '../replication/persistence.js';
import type { RaftGroup } from '../replication/multi-raft.js';
import type { SyncPolicy } from '../storage/wal.js';
import { busPortFor } from '../transport/limits.js';
import type { Logger } from '../observability/logger.js';

export const REDIS_VERSION = '7.0.15';
export const AIKV_VERSION = '0.1.0';

/** Runs aikv-server with redis-server's command line: [config-file] [--name value ...]. */
export function main(args: readonly string[]): void {
  const action = commandLineAction(args);
  if (action === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (action === 'version') {
    process.stdout.write(versionText(AIKV_VERSION, REDIS_VERSION));
    return;
  }
  let config: Config;
  try {
    config = Config.load(args);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  void start(config);
}

/** This node's identity and addresses, from the cluster settings. */
interface ClusterSettings {
  readonly id: number;
  /** Where other nodes and MOVED replies reach this node. */
  readonly self: NodeAddress;
  /** Where the bus listens; null when there is no valid bus port (port > 55535). */
  readonly bus: { readonly host: string; readonly port: number } | null;
  /** cluster-join's member, or null. */
  readonly join: { readonly host: string; readonly port: number } | null;
  readonly tickMs: number;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '*', '::*']);

function clusterSettings(config: Config): ClusterSettings {
  const port = config.number('port');
  const binds = config.string('bind').split(/\s+/).filter(Boolean);
  const first = (binds[0] ?? '127.0.0.1').replace(/^-/, '');
  const bindHost = WILDCARDS.has(first) ? '0.0.0.0' : first;
  let busPort = config.number('cluster-port');
  if (busPort === 0) {
    try {
      busPort = busPortFor(port);
    } catch {
      busPort = 0;
    }
  }
  const announceIp = config.string('cluster-announce-ip');
  const host = announceIp !== '' ? announceIp : WILDCARDS.has(first) ? '127.0.0.1' : first;
  const self = {
    host,
    port: config.number('cluster-announce-port') || port,
    busPort: config.number('cluster-announce-bus-port') || busPort || 1,
  };
  const join = config.string('cluster-join');
  return {
    id: config.number('node-id'),
    self,
    bus: busPort === 0 ? null : { host: bindHost, port: busPort },
    join: join === '' ? null : parseHostPort(join),
    tickMs: Math.max(1, Math.round(config.number('cluster-node-timeout') / ELECTION_TICKS)),
  };
}

async function start(config: Config): Promise<void> {
  const logger = createLogger(
    config.string('loglevel') as LogLevel,
    fsPath(config.string('logfile')),
  );
  config.onChange('loglevel', () => setLogLevel(logger, config.string('loglevel') as LogLevel));
  mkdirSync(fsPath(config.string('dir')), { recursive: true });
  const seeds = new Rng(randomInt(2 ** 31));
  const cluster = clusterSettings(config);
  let host: RaftHost;
  try {
    host = await startLog(config, logger, cluster);
  } catch (err) {
    logger.fatal({ err }, 'Could not open the log');
    process.exit(1);
  }
  config.onChange('appendfsync', () =>
    host.store.wal.setPolicy(config.string('appendfsync') as SyncPolicy),
  );
  // A node that has state never joins again: it is a member (or was removed).
  const joining = cluster.join !== null && host.store.log(GROUP).lastIndex() === 0;
  const { directory, node, proxy } = clusterServices(config, cluster, host, logger);
  const persistence = persistenceService(config, host, logger);
  const opened: { group: RaftGroup | null } = { group: null };
  let stopping = false;
  const server = new NodeServer({
    config,
    logger,
    now: () => Date.now(),
    random32: () => seeds.nextUint32(),
    // SHUTDOWN: the log's last writes are synced before the process goes.
    exit: (code) => void closeAll().then(() => process.exit(code)),
    versions: { redis: REDIS_VERSION, aikv: AIKV_VERSION },
    info: buildInfo,
    cluster: node,
    proxy,
    persistence,
    log: (machine, keyspace) => {
      const applier = new KeyspaceApplier(machine, keyspace, config, directory);
      opened.group = host.raft.openGroup(GROUP, applier, joining ? undefined : [cluster.id]);
      node.attach(opened.group);
      persistence.attach(opened.group, applier, keyspace);
      return new RaftLog(opened.group);
    },
  });
  const closeAll = async (): Promise<void> => {
    stopping = true;
    node.close();
    proxy.close();
    await host.close();
  };
  try {
    if (opened.group === null) throw new Error('the server opened no log');
    if (!joining) await caughtUp(opened.group, node, logger);
    await server.listen();
  } catch (err) {
    logger.fatal({ err }, 'Could not start the server');
    process.exit(1);
  }
  if (joining) startJoining(cluster, node, logger, () => stopping);
  const stop = (signal: string): void => {
    logger.warn(`Received ${signal}, shutting down`);
    void server
      .close()
      .then(closeAll)
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * SAVE, BGSAVE, LASTSAVE and INFO persistence over the group's snapshots; the `save`
 * schedule is checked every second, and the event loop's delay measured for INFO.
 */
function persistenceService(config: Config, host: RaftHost, logger: Logger): Persistence {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const persistence = new Persistence({
    store: host.store,
    now: () => Date.now(),
    schedule: () => saveSchedule(config.string('save')),
    fsync: () => config.string('appendfsync'),
    loopDelay: {
      reset: () => delay.reset(),
      maxMs: () => (delay.count === 0 ? 0 : Math.round(delay.max / 1e5) / 10),
    },
    logger: (level, message) => (level === 'info' ? logger.info(message) : logger.warn(message)),
  });
  setInterval(() => persistence.tick(), 1000).unref();
  return persistence;
}

/** The node's directory, its place in the group, and the follower-proxy pool. */
function clusterServices(
  config: Config,
  cluster: ClusterSettings,
  host: RaftHost,
  logger: Logger,
): { directory: NodeDirectory; node: ClusterNode; proxy: LeaderProxy } {
  const directory = new NodeDirectory();
  const node = new ClusterNode({
    id: cluster.id,
    self: cluster.self,
    directory,
    transport: host.transport,
    tickMs: cluster.tickMs,
    changeTimeoutMs: REQUEST_TIMEOUT_TICKS * cluster.tickMs,
    now: () => Date.now(),
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
  const proxy = new LeaderProxy({
    enabled: () => config.bool('follower-proxy'),
    connections: PROXY_CONNECTIONS,
    nodeId: cluster.id,
    password: () => config.string('requirepass'),
  });
  return { directory, node, proxy };
}

/** Asks cluster-join's member to add this node, in the background, until it is added. */
function startJoining(
  cluster: ClusterSettings,
  node: ClusterNode,
  logger: Logger,
  stopped: () => boolean,
): void {
  const target = cluster.join;
  if (target === null) return;
  logger.info(`Joining the group of ${target.host}:${target.port} as node ${cluster.id}`);
  void joinGroup({
    node,
    target,
    retryMs: JOIN_RETRY_MS,
    stopped,
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
}

/** The one data group of this issue: it owns all 16384 slots. */
const GROUP = 1;
/** Applied entries between snapshots of the keyspace (each snapshot compacts the log). */
const SNAPSHOT_ENTRIES = 1_000_000;
/** cluster-node-timeout is this many ticks (the election timeout). */
const ELECTION_TICKS = 10;
/** Ticks a proposal, read or membership change may wait before TRYAGAIN. */
const REQUEST_TIMEOUT_TICKS = 50;
/** Pooled connections per leader for follower-proxy. */
const PROXY_CONNECTIONS = 4;
const JOIN_RETRY_MS = 1000;

/** Opens the write-ahead log and snapshots in `dir` (logging what it finds), and the bus. */
async function startLog(
  config: Config,
  logger: Logger,
  cluster: ClusterSettings,
): Promise<RaftHost> {
  const started = Date.now();
  if (cluster.bus === null) {
    const why = 'port + 10000 is beyond 65535 and cluster-port is not set';
    if (cluster.join !== null) throw new Error(`cluster-join needs a cluster bus: ${why}`);
    logger.warn(`No cluster bus (${why}): no node can join this one`);
  }
  const host = await RaftHost.start({
    id: cluster.id,
    clusterId: 'aikv',
    dir: fsPath(config.string('dir')),
    policy: config.string('appendfsync') as SyncPolicy,
    bus: cluster.bus,
    // A node founding its own group still serves without a bus; a joining one cannot.
    busOptional: cluster.join === null,
    peers: new Map(),
    tickMs: cluster.tickMs,
    raft: {
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: 1,
      checkQuorum: true,
      preVote: true,
      // Followers redirect or proxy writes at the door; nothing proposes through them.
      disableProposalForwarding: true,
    },
    requestTimeoutTicks: REQUEST_TIMEOUT_TICKS,
    snapshotEntries: SNAPSHOT_ENTRIES,
    // One group: quiescence would only delay failure detection by an election timeout.
    quiesceAfterTicks: 0,
    logger: {
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
    onFatal: (err) => {
      logger.fatal({ err }, 'The log can no longer be written: stopping');
      process.exit(1);
    },
  });
  logger.info(`Log opened in ${Date.now() - started} ms`);
  return host;
}

/**
 * Waits until the group has applied the log it had on disk (restart replay); a group of
 * which this node is the only voter also waits until it leads.
 */
async function caughtUp(group: RaftGroup, node: ClusterNode, logger: Logger): Promise<void> {
  const started = Date.now();
  const committed = group.node.raft.raftLog.committed;
  const alone = (): boolean => node.soleVoter;
  const last = (): number => (alone() ? group.node.raft.raftLog.lastIndex() : committed);
  let reported = Date.now();
  while ((alone() && !group.isLeader) || group.applied < last()) {
    if (Date.now() - reported > 1000) {
      logger.info(`Replaying the log: ${group.applied} of ${last()} entries applied`);
      reported = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  logger.info(`Log replayed up to entry ${group.applied} in ${Date.now() - started} ms`);
}
