import { mkdirSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Config, ConfigError, commandLineAction, helpText, versionText } from '../config/config.js';
import { fsPath } from '../config/parse.js';
import { createLogger, setLogLevel, type LogLevel } from '../observability/logger.js';
import { NodeServer } from '../server/server.js';
import { Rng } from '../util/rng.js';
import { buildInfo } from '../server/info-source.js';
import { RaftHost } from '../server/raft-host.js';
import { KeyspaceApplier, RaftLog } from '../replication/raft-log.js';
import type { RaftGroup } from '../replication/multi-raft.js';
import type { SyncPolicy } from '../storage/wal.js';
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

async function start(config: Config): Promise<void> {
  const logger = createLogger(
    config.string('loglevel') as LogLevel,
    fsPath(config.string('logfile')),
  );
  config.onChange('loglevel', () => setLogLevel(logger, config.string('loglevel') as LogLevel));
  mkdirSync(fsPath(config.string('dir')), { recursive: true });
  const seeds = new Rng(randomInt(2 ** 31));
  let host: RaftHost;
  try {
    host = await startLog(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'Could not open the log');
    process.exit(1);
  }
  config.onChange('appendfsync', () =>
    host.store.wal.setPolicy(config.string('appendfsync') as SyncPolicy),
  );
  const opened: { group: RaftGroup | null } = { group: null };
  const server = new NodeServer({
    config,
    logger,
    now: () => Date.now(),
    random32: () => seeds.nextUint32(),
    // SHUTDOWN: the log's last writes are synced before the process goes.
    exit: (code) => void host.close().then(() => process.exit(code)),
    versions: { redis: REDIS_VERSION, aikv: AIKV_VERSION },
    info: buildInfo,
    log: (machine, keyspace) => {
      const applier = new KeyspaceApplier(machine, keyspace, config);
      opened.group = host.raft.openGroup(SINGLE_NODE_GROUP, applier, [SINGLE_NODE_ID]);
      return new RaftLog(opened.group);
    },
  });
  try {
    if (opened.group === null) throw new Error('the server opened no log');
    await caughtUp(opened.group, logger);
    await server.listen();
  } catch (err) {
    logger.fatal({ err }, 'Could not start the server');
    process.exit(1);
  }
  const stop = (signal: string): void => {
    logger.warn(`Received ${signal}, shutting down`);
    void server
      .close()
      .then(() => host.close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** A node with no peers is one Raft group of one voter, this node. */
const SINGLE_NODE_ID = 1;
const SINGLE_NODE_GROUP = 1;
/** Applied entries between snapshots of the keyspace (each snapshot compacts the log). */
const SNAPSHOT_ENTRIES = 1_000_000;

/** Opens the write-ahead log and snapshots in `dir` (logging what it finds). */
async function startLog(config: Config, logger: Logger): Promise<RaftHost> {
  const started = Date.now();
  const host = await RaftHost.start({
    id: SINGLE_NODE_ID,
    clusterId: 'aikv',
    dir: fsPath(config.string('dir')),
    policy: config.string('appendfsync') as SyncPolicy,
    bus: null,
    peers: new Map(),
    tickMs: 100,
    raft: { electionTicks: 10, heartbeatTicks: 1, checkQuorum: true, preVote: true },
    requestTimeoutTicks: 50,
    snapshotEntries: SNAPSHOT_ENTRIES,
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

/** Waits until the group leads and has applied its whole log (restart replay). */
async function caughtUp(group: RaftGroup, logger: Logger): Promise<void> {
  const started = Date.now();
  const last = (): number => group.node.raft.raftLog.lastIndex();
  let reported = Date.now();
  while (!group.isLeader || group.applied < last()) {
    if (Date.now() - reported > 1000) {
      logger.info(`Replaying the log: ${group.applied} of ${last()} entries applied`);
      reported = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  logger.info(`Log replayed up to entry ${group.applied} in ${Date.now() - started} ms`);
}
