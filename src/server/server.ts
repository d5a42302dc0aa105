import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { ExecContext, type ExecOptions, type ExecSettings } from '../commands/context.js';
import type {
  ConfigApi,
  NodeContext,
  NodeServices,
  PersistenceApi,
  Session,
  ShutdownOptions,
} from '../commands/node.js';
import { Registry } from '../commands/registry.js';
import { isBlockRequest, isWrite, type BlockRequest } from '../commands/spec.js';
import type { Lookup } from '../commands/registry.js';
import { Keyspace } from '../keyspace/keyspace.js';
import { error, isError, type ErrorReply, type Reply } from '../resp/reply.js';
import type { LogEntry } from '../replication/entry.js';
import type { Proposer } from '../replication/proposer.js';
import { saveSchedule } from '../replication/persistence.js';
import { StateMachine } from '../replication/state-machine.js';
import { LocalLog } from '../replication/proposer.js';
import type { Logger } from '../observability/logger.js';
import { Connection, type ConnectionHost } from './connection.js';
import { ServerStats } from './stats.js';
import { RunTimer } from './run-timer.js';
import { ActiveExpiry } from './expiry.js';
import { ClientRegistry } from './clients.js';
import { BlockedClients } from './blocking.js';
import { RUN_IN_MULTI, Transactions, type Queued } from './transactions.js';
import type { ClusterNode } from './cluster-node.js';
import { ClusterRouter, type RoutedServer } from './cluster-routing.js';
import type { LeaderProxy } from './leader-proxy.js';

type RunnableSpec = NonNullable<Lookup['spec']>;

/** The node's settings as the server reads them. */
export interface ServerConfig extends ConfigApi, ExecSettings {
  /** The config file CONFIG REWRITE writes, or null. */
  readonly configFile: string | null;
  string(name: string): string;
  onChange(name: string, listener: () => void): void;
}

/** Everything outside the server's own code, injected so tests can drive it. */
export interface ServerDeps {
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** Wall clock, ms. */
  now(): number;
  /** A fresh 32-bit random number for entry seeds and read contexts. */
  random32(): number;
  /** Called by SHUTDOWN once the server has stopped. */
  exit(code: number): void;
  readonly versions: { readonly redis: string; readonly aikv: string };
  /** Gathers the INFO text; set by main once all sources are wired. */
  info?: (server: NodeServer, sections: readonly string[]) => string;
  /**
   * The log that takes this node's writes, given the state machine that must apply
   * them: a Raft group (main wires it) or, by default, a local log that applies at once.
   */
  log?: (machine: StateMachine, keyspace: Keyspace) => Proposer;
  /** The node's place in its Raft group: CLUSTER commands and routing (main wires it). */
  cluster?: ClusterNode;
  /** With follower-proxy: forwards what a follower cannot serve to the leader. */
  proxy?: LeaderProxy;
  /** SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, INFO persistence (main wires it). */
  persistence?: PersistenceApi;
}

const NOAUTH = error('NOAUTH Authentication required.');
const DEBUG_NOT_ALLOWED = error(
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
    'you can run it from a local connection, otherwise you need to set this option ' +
    'in the configuration file, and then restart the server.',
);
const SNAPSHOT_POLL_MS = 20;
/** Redis's reply to a SHUTDOWN that did not exit (failed save, or aborted). */
const SHUTDOWN_FAILED = 'Errors trying to SHUTDOWN. Check logs.';
const MAXCLIENTS = Buffer.from('-ERR max number of clients reached\r\n');

/** A single AiKv node: client listener, dispatcher, keyspace and its log. */
export class NodeServer implements ConnectionHost, NodeServices, RoutedServer {
  readonly keyspace: Keyspace;
  readonly registry = new Registry();
  private readonly timer = new RunTimer(() => performance.now());
  private resolvedArgv: readonly string[] = [];
  private resolved: Lookup = this.registry.resolve(['ping']);
  readonly machine: StateMachine;
  readonly stats = new ServerStats();
  readonly clients: ClientRegistry;
  readonly blocked: BlockedClients;
  readonly transactions: Transactions;
  readonly connections = new Map<number, Connection>();
  readonly startedAt: number;
  /** 40 hex chars, new at every start, as Redis's run_id. */
  readonly runId: string;
  private proposer: Proposer;
  private readonly listeners: NetServer[] = [];
  private nextClientId = 1;
  private lastEntryTime = 0;
  private readonly expiry: ActiveExpiry;
  private timers: NodeJS.Timeout[] = [];
  private lastSaveAt: number;
  private listening = false;
  private readonly router: ClusterRouter | null;

  constructor(private readonly deps: ServerDeps) {
    this.keyspace = new Keyspace(deps.config.number('databases'));
    this.blocked = new BlockedClients({
      retry: (conn, argv, reply) => {
        const lookup = this.resolve(argv);
        if (lookup.spec !== undefined) this.run(lookup.spec, conn, argv, reply, true);
      },
      servable: (argv, db, key) => this.servable(argv, db, key),
    });
    this.transactions = new Transactions({
      keyspace: this.keyspace,
      connection: (session) => this.connections.get(session.id) as Connection,
      now: () => this.now(),
      execute: (conn, queue) => this.executeQueue(conn, queue),
    });
    this.keyspace.listen({
      modified: (db, key) => {
        this.transactions.modified(db, key);
        // Redis signals a key ready whenever one is added (dbAdd): RENAME, RESTORE, ...
        this.blocked.signalReady(db.id, key);
      },
      replacing: (db, replacement) => {
        this.transactions.replacing(db, replacement);
        this.blocked.databaseReplaced(db.id);
      },
    });
    this.machine = new StateMachine(this.keyspace, this.registry, deps.config, {
      onReady: (db, key) => this.blocked.signalReady(db, key),
      timer: this.timer,
    });
    this.proposer = deps.log?.(this.machine, this.keyspace) ?? new LocalLog(this.machine);
    this.startedAt = this.lastSaveAt = deps.now();
    this.runId = Array.from({ length: 5 }, () =>
      deps.random32().toString(16).padStart(8, '0'),
    ).join('');
    this.clients = new ClientRegistry({
      connections: this.connections,
      now: () => this.now(),
      unblock: (id, withError) =>
        this.blocked.unblock(id, withError) || (this.router?.unblock(id, withError) ?? false),
    });
    this.expiry = new ActiveExpiry(this.keyspace, (db, keys) => this.proposeExpire(db, keys));
    const cluster = deps.cluster;
    this.router =
      cluster === undefined ? null : new ClusterRouter(cluster, deps.proxy ?? null, this);
  }

  get cluster(): ClusterNode | undefined {
    return this.deps.cluster;
  }

  get persistence(): PersistenceApi | undefined {
    return this.deps.persistence;
  }

  /** Only a leader deletes expired keys (followers apply the leader's deletions). */
  private get expiresKeys(): boolean {
    return this.deps.cluster?.isLeader !== false;
  }

  get redisVersion(): string {
    return this.deps.versions.redis;
  }
  get aikvVersion(): string {
    return this.deps.versions.aikv;
  }
  get config(): ServerConfig {
    return this.deps.config;
  }
  get configFile(): string {
    return this.deps.config.configFile ?? '';
  }
  get bulkBytesMax(): number {
    return this.deps.config.protoMaxBulkLen;
  }
  get queryBufferBytesMax(): number {
    return this.deps.config.number('client-query-buffer-limit');
  }

  /**
   * The wall clock, read once per event-loop callback, as Redis caches its clock per
   * command: a pipeline of many commands costs one clock read, not several each.
   */
  now(): number {
    if (!this.clockFresh) {
      this.clockMs = this.deps.now();
      this.clockFresh = true;
      queueMicrotask(this.staleClock);
    }
    return this.clockMs;
  }

  private clockMs = 0;
  private clockFresh = false;
  private readonly staleClock = (): void => {
    this.clockFresh = false;
  };

  /** Starts listening on every `bind` address at `port`. */
  async listen(): Promise<void> {
    const port = this.deps.config.number('port');
    if (port === 0) {
      throw new Error(
        'port 0 disables TCP, and AiKv has no Unix socket listener yet: nothing to serve',
      );
    }
    this.listening = true;
    const binds = this.deps.config.string('bind').split(/\s+/).filter(Boolean);
    for (const host of binds) {
      const optional = host.startsWith('-');
      const address = optional ? host.slice(1) : host;
      const server = createServer((socket) => this.accept(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(
            { port, host: address, backlog: this.deps.config.number('tcp-backlog') },
            () => resolve(),
          );
        });
        this.listeners.push(server);
      } catch (err) {
        if (!optional) throw err;
      }
    }
    this.scheduleCron();
    this.deps.logger.info({ port, bind: binds }, 'Ready to accept connections');
  }

  /** The port actually bound (port 0 picks a free one). */
  get port(): number {
    const address = this.listeners[0]?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.deps.config.number('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end(MAXCLIENTS);
      return;
    }
    this.stats.totalConnections++;
    const keepAliveSeconds = this.deps.config.number('tcp-keepalive');
    if (keepAliveSeconds > 0) socket.setKeepAlive(true, keepAliveSeconds * 1000);
    const conn = new Connection(this.nextClientId++, socket, this);
    this.connections.set(conn.id, conn);
  }

  /** The type a blocking command pops from, by its ACL category (list, sortedset, stream). */
  private servable(argv: readonly string[], db: number, key: string): boolean {
    const lookup = this.resolve(argv);
    const acl = lookup.spec?.acl ?? [];
    const entry = this.keyspace.db(db).get(key, this.now());
    if (entry === undefined || typeof entry.value === 'string') return false;
    const type = entry.value.type;
    return (
      (type === 'list' && acl.includes('list')) ||
      (type === 'zset' && acl.includes('sortedset')) ||
      (type === 'stream' && acl.includes('stream'))
    );
  }

  private debugAllowed(conn: Connection): boolean {
    const setting = this.deps.config.string('enable-debug-command');
    return setting === 'yes' || (setting === 'local' && conn.isLocal);
  }

  resetSession(conn: Connection): void {
    this.transactions.forget(conn);
    this.router?.forget(conn.id);
  }

  closed(conn: Connection): void {
    this.connections.delete(conn.id);
    this.blocked.dropped(conn.id);
    this.transactions.forget(conn);
    this.router?.forget(conn.id);
  }

  log(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void {
    const l = this.deps.logger;
    if (level === 'warning') l.warn(message);
    else if (level === 'notice') l.info(message);
    else l.debug(message);
  }

  authRequired(): boolean {
    return this.deps.config.string('requirepass') !== '';
  }

  checkPassword(user: string, password: string): 'ok' | 'wrongpass' | 'nopass' {
    const required = this.deps.config.string('requirepass');
    if (user !== 'default') return 'wrongpass';
    if (required === '') return 'nopass';
    return password === required ? 'ok' : 'wrongpass';
  }

  /** Whether CLIENT PAUSE holds this command back for now. */
  paused(argv: readonly string[]): boolean {
    return this.clients.pausing && this.clients.holds(this.isWrite(argv));
  }

  /**
   * The registry's lookup, remembered for the last argv: a command is looked up by the
   * connection's checks and then by dispatch, and argv is never changed after decoding.
   */
  private resolve(argv: readonly string[]): Lookup {
    if (argv !== this.resolvedArgv) {
      this.resolvedArgv = argv;
      this.resolved = this.registry.resolve(argv);
    }
    return this.resolved;
  }

  isWrite(argv: readonly string[]): boolean {
    const lookup = this.resolve(argv);
    return lookup.spec !== undefined && lookup.spec.data !== undefined && isWrite(lookup.spec);
  }

  /** The one dispatch pipeline: lookup, arity, auth, then execute or propose. */
  dispatch(conn: Connection, argv: string[], reply: (r: Reply) => void): void {
    this.stats.totalCommands++;
    const lookup = this.resolve(argv);
    if (lookup.error) {
      this.transactions.flag(conn);
      this.reject(lookup.error, argv, reply);
      return;
    }
    const spec = lookup.spec;
    conn.lastCommand = spec.name;
    if (spec.name === 'debug' && !this.debugAllowed(conn)) {
      this.transactions.flag(conn);
      this.reject(DEBUG_NOT_ALLOWED, argv, reply);
      return;
    }
    if (!conn.authenticated && !spec.flags.includes('no_auth')) {
      this.transactions.flag(conn);
      this.stats.command(spec.name).rejectedCalls++;
      this.stats.error('NOAUTH');
      reply(NOAUTH);
      return;
    }
    if (this.router !== null && this.router.route(conn, spec, argv, reply)) return;
    if (conn.multi !== null && !RUN_IN_MULTI.has(spec.name)) {
      reply(this.transactions.queue(conn, spec, argv));
      return;
    }
    this.run(spec, conn, argv, reply);
  }

  /**
   * A write of this connection has just applied (its reply is being made): the group's
   * applied index is its log index, which WAIT waits for replicas to reach.
   */
  private noteWrite(conn: Connection): void {
    const cluster = this.deps.cluster;
    if (cluster !== undefined) conn.writeIndex = cluster.group.applied;
  }

  /** Runs a command routing held back (a read confirmed by a ReadIndex round). */
  runHere(spec: RunnableSpec, conn: Connection, argv: string[], reply: (r: Reply) => void): void {
    this.run(spec, conn, argv, reply);
  }

  /**
   * Executes a resolved command: node commands here, writes through the log, reads now.
   * INFO commandstats counts a command's run time as Redis does: a write's is its apply
   * (not its wait for the log), a read's its execution.
   */
  private run(
    spec: RunnableSpec,
    conn: Connection,
    argv: string[],
    reply: (r: Reply) => void,
    retry = false,
  ): void {
    if (spec.node !== undefined) {
      const started = this.timer.start();
      const r = spec.node(this.nodeContext(conn), argv);
      if (r instanceof Promise) {
        void r.then((done) => this.finish(spec, conn, argv, reply, done, started, retry));
      } else {
        this.finish(spec, conn, argv, reply, r, started, retry);
      }
    } else if (isWrite(spec)) {
      const entry: LogEntry = {
        kind: 'command',
        db: conn.db,
        argv,
        time: this.entryTime(),
        seed: this.deps.random32(),
      };
      this.proposer.propose(entry, (r) => this.finish(spec, conn, argv, reply, r, -1, retry));
    } else {
      const started = this.timer.start();
      this.finish(spec, conn, argv, reply, spec.data(this.readContext(conn), argv), started, retry);
    }
  }

  /** Counts a command that ran (`started` -1: a write, timed by its apply) and answers it. */
  private finish(
    spec: RunnableSpec,
    conn: Connection,
    argv: string[],
    reply: (r: Reply) => void,
    r: Reply | BlockRequest,
    started: number,
    retry: boolean,
  ): void {
    if (isBlockRequest(r)) {
      this.blocked.park(conn, argv, r, reply);
      return;
    }
    // A write's reply waits for the blocked clients it readied (a retry never waits).
    const holds = !retry && isWrite(spec);
    if (holds || retry) this.noteWrite(conn);
    const stat = this.stats.command(spec.name);
    stat.calls++;
    stat.usec += started < 0 ? this.machine.takeRunMicros() : this.timer.stop(started);
    if (isError(r)) {
      stat.failedCalls++;
      this.stats.error(r.message);
    }
    if (holds && !this.blocked.idle) this.blocked.afterRetries(() => reply(r));
    else reply(r);
  }

  /**
   * EXEC: node commands run here in queue order (SELECT moves the later commands to its
   * database); the data commands apply as one entry, so the transaction is atomic on
   * every replica.
   */
  private executeQueue(conn: Connection, queue: readonly Queued[]): Reply | Promise<Reply> {
    const replies: Reply[] = new Array<Reply>(queue.length).fill(null);
    const commands: { db: number; argv: string[] }[] = [];
    const positions: number[] = [];
    queue.forEach(({ spec, argv }, i) => {
      if (spec.node !== undefined) {
        const r = spec.node(this.nodeContext(conn), argv);
        replies[i] = r instanceof Promise ? null : r;
      } else {
        commands.push({ db: conn.db, argv });
        positions.push(i);
      }
    });
    if (commands.length === 0) return replies;
    return new Promise((resolve) => {
      const entry = {
        kind: 'multi',
        commands,
        time: this.entryTime(),
        seed: this.deps.random32(),
      } as const;
      this.proposer.propose(entry, (r) => {
        this.noteWrite(conn);
        const applied = r as readonly Reply[];
        positions.forEach((at, j) => (replies[at] = applied[j] ?? null));
        resolve(replies);
      });
    });
  }

  reject(err: ErrorReply, argv: readonly string[], reply: (r: Reply) => void): void {
    const name = (argv[0] as string).toLowerCase();
    const top = this.registry.get(name);
    if (top !== undefined) this.stats.command(top.name).rejectedCalls++;
    this.stats.error(err.message);
    reply(err);
  }

  /** The leader's clock for entries: monotonic, so deadlines never go backwards. */
  private entryTime(): number {
    const now = this.now();
    if (now > this.lastEntryTime) this.lastEntryTime = now;
    return this.lastEntryTime;
  }

  readContext(session: Session): ExecContext {
    const options = session.noTouch ? this.readOptionsNoTouch : this.readOptions;
    const now = this.now();
    return new ExecContext(
      this.keyspace,
      session.db,
      now,
      this.drawSeed,
      this.deps.config,
      options,
    );
  }

  /** A read's rng seed, drawn only by the few reads that use randomness. */
  private readonly drawSeed = (): number => this.deps.random32();

  /** Read contexts share these, so a read allocates only its context. */
  private readonly readOptions: ExecOptions = {
    applying: false,
    proposer: true,
    onExpiredRead: (db, key) => this.expiry.noteExpired(db, key),
  };
  private readonly readOptionsNoTouch: ExecOptions = { ...this.readOptions, noTouch: true };

  private nodeContext(conn: Connection): NodeContext {
    return { session: conn, node: this, read: this.readContext(conn) };
  }

  private proposeExpire(db: number, keys: readonly string[]): void {
    if (!this.expiresKeys) return;
    this.proposer.propose({ kind: 'expire', db, keys, time: this.entryTime() }, () => undefined);
  }

  /** The cron runs `hz` times a second, as Redis's serverCron; CONFIG SET hz applies at once. */
  private scheduleCron(): void {
    const timer = setTimeout(
      () => {
        this.timers = this.timers.filter((t) => t !== timer);
        this.cron();
        if (this.listening) this.scheduleCron();
      },
      1000 / Math.min(500, Math.max(1, this.deps.config.number('hz'))),
    );
    this.timers.push(timer);
  }

  private cron(): void {
    const now = this.now();
    this.stats.sampleOps(now);
    if (this.expiresKeys) this.expiry.cycle(now);
    this.closeIdleClients(now);
  }

  private closeIdleClients(now: number): void {
    const timeoutMs = this.deps.config.number('timeout') * 1000;
    if (timeoutMs <= 0) return;
    for (const conn of this.connections.values()) {
      if (now - conn.lastInteraction > timeoutMs && conn.pendingReplies === 0) {
        this.log('verbose', `Closing idle client id=${conn.id}`);
        conn.destroy();
      }
    }
  }

  info(sections: readonly string[]): string {
    return this.deps.info ? this.deps.info(this, sections) : '';
  }

  resetStats(): void {
    this.stats.reset();
    this.keyspace.stats.reset();
  }

  lastSave(): number {
    return Math.floor(this.lastSaveAt / 1000);
  }

  setActiveExpire(enabled: boolean): void {
    this.expiry.enabled = enabled;
  }

  /**
   * SHUTDOWN, as Redis's prepareForShutdown/finishShutdown: a snapshot first with SAVE,
   * or without NOSAVE when a `save` schedule is set; a failed save keeps the server
   * running unless FORCE. ABORT cancels a shutdown still saving.
   */
  shutdown(options: ShutdownOptions): string | null | Promise<string | null> {
    if (options.abort === true) {
      if (this.shutdownSave === null) return 'No shutdown in progress.';
      this.shutdownAborted = true;
      this.deps.logger.info('Shutdown manually aborted.');
      return null;
    }
    if (this.shutdownSave !== null) return this.shutdownSave;
    this.deps.logger.warn('User requested shutdown...');
    const scheduled = saveSchedule(this.deps.config.string('save')).length > 0;
    const persistence = this.deps.persistence;
    if (persistence === undefined || !(options.save === true || (scheduled && !options.nosave))) {
      this.exitNow();
      return null;
    }
    this.shutdownAborted = false;
    const saving = this.saveThenExit(persistence, options.force === true);
    this.shutdownSave = saving;
    void saving.then(() => (this.shutdownSave = null));
    return saving;
  }

  /** SHUTDOWN in progress: its final snapshot is being taken. */
  private shutdownSave: Promise<string | null> | null = null;
  private shutdownAborted = false;

  private async saveThenExit(persistence: PersistenceApi, force: boolean): Promise<string | null> {
    this.deps.logger.info('Saving the final RDB snapshot before exiting.');
    await this.snapshotsDone();
    const failure = await persistence.save();
    if (this.shutdownAborted) return SHUTDOWN_FAILED;
    if (failure !== null) {
      if (!force) {
        this.deps.logger.warn(`Error trying to save the DB, can't exit: ${failure}`);
        return SHUTDOWN_FAILED;
      }
      this.deps.logger.warn(`Error trying to save the DB. Exit anyway: ${failure}`);
    }
    this.exitNow();
    return null;
  }

  private exitNow(): void {
    void this.close()
      .then(() => this.snapshotsDone())
      .then(() => this.deps.exit(0));
  }

  /**
   * Redis kills a saving child at shutdown; a snapshot here cannot be cut short, and the
   * log must stay open until it is recorded, so it is waited out.
   */
  private async snapshotsDone(): Promise<void> {
    const persistence = this.deps.persistence;
    if (persistence === undefined) return;
    const running = (): boolean => {
      const status = persistence.status();
      return status.rdb.inProgress || status.aofRewrite.inProgress;
    };
    while (running()) await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
  }

  /** Stops listening, closes every client and the timers. */
  async close(): Promise<void> {
    this.listening = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    for (const conn of [...this.connections.values()]) conn.destroy();
    await Promise.all(
      this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))),
    );
    this.listeners.length = 0;
    this.deps.logger.info('Server stopped');
  }
}
