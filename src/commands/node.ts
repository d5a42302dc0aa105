import type { Keyspace } from '../keyspace/keyspace.js';
import type { ExecContext } from './context.js';
import type { Registry } from './registry.js';
import type { Reply } from '../resp/reply.js';

/**
 * What node commands (connection, server, admin) may use. These are interfaces: the
 * server implements them, so commands/ never imports a socket.
 */
export interface NodeContext {
  readonly session: Session;
  readonly node: NodeServices;
  /** A read context on the session's database at the node's clock. */
  readonly read: ExecContext;
}

/**
 * CLIENT REPLY: 'off' drops every reply until ON; 'skip' (set by CLIENT REPLY SKIP,
 * never over 'off') drops that command's reply and the next command's.
 */
export type ReplyMode = 'on' | 'off' | 'skip';

/** The calling connection as commands see it. */
export interface Session {
  readonly id: number;
  /** Connected over loopback or a Unix socket (enable-debug-command local, protected configs). */
  readonly isLocal: boolean;
  db: number;
  proto: 2 | 3;
  name: string;
  libName: string;
  libVer: string;
  authenticated: boolean;
  user: string;
  replyMode: ReplyMode;
  noEvict: boolean;
  noTouch: boolean;
  /** READONLY: a follower serves this client's reads from its own state (absent: off). */
  readOnly?: boolean;
  /** The log index of this session's last write, for WAIT (absent: none). */
  readonly writeIndex?: number;
  /** QUIT: close once the replies queued so far are written. */
  closeAfterReply(): void;
  /** RESET: back to a fresh connection's state. */
  reset(): void;
}

/** One line of CLIENT LIST / CLIENT INFO, in Redis's field order. */
export interface ClientDescription {
  readonly id: number;
  readonly fields: string;
}

/** Redis's client classes (getClientType); `slave` is parsed as `replica`. */
export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/**
 * Which clients CLIENT LIST / CLIENT KILL address; every present field must match.
 * Built by parseListFilter / parseKillFilter in client-list.ts.
 */
export interface ClientFilter {
  /** Only these ids, listed in this order (CLIENT LIST ID repeats duplicates). */
  id?: number[];
  type?: ClientType;
  user?: string;
  /** The peer address exactly as CLIENT LIST prints it (`ip:port`). */
  addr?: string;
  /** The local address exactly as CLIENT LIST prints it. */
  laddr?: string;
  /** True: never the calling client. KILL's new form defaults to true, the old to false. */
  skipme?: boolean;
  /** Only clients connected at least this many seconds (CLIENT KILL MAXAGE, Redis 7.4). */
  maxage?: number;
}

export interface ClientsApi {
  /** CLIENT LIST lines for the clients matching the filter. */
  list(filter: ClientFilter, self: Session): string[];
  /** The CLIENT INFO line of one client. */
  describe(session: Session): string;
  /** Closes matching clients after their current reply; returns how many. */
  kill(filter: ClientFilter, self: Session): number;
  /** CLIENT UNBLOCK: true when the client was blocked and got unblocked. */
  unblock(id: number, withError: boolean): boolean;
  /** Whether an ACL user of that name exists (CLIENT KILL USER); absent: only `default`. */
  userExists?(name: string): boolean;
  /** CLIENT PAUSE / UNPAUSE. */
  pause(untilMs: number, writesOnly: boolean): void;
  unpause(): void;
}

/** CONFIG GET/SET/REWRITE/RESETSTAT over the node's settings. */
export interface ConfigApi {
  /** Name/value pairs of every setting matching one of the glob patterns. */
  get(patterns: readonly string[]): [string, string][];
  /**
   * Applies all pairs or none; returns the Redis error message on failure. `client.local`
   * says the caller is a loopback client (for enable-protected-configs local).
   */
  set(pairs: readonly [string, string][], client?: { readonly local: boolean }): string | null;
  /** Rewrites the config file; returns the error message on failure. */
  rewrite(): string | null;
}

export interface ShutdownOptions {
  save?: boolean;
  nosave?: boolean;
  now?: boolean;
  force?: boolean;
  abort?: boolean;
}

/** MULTI/EXEC/DISCARD/WATCH/UNWATCH over the calling session's transaction state. */
export interface TransactionsApi {
  multi(session: Session): Reply;
  /** Runs the queued commands as one entry; the reply comes once it has applied. */
  exec(session: Session): Reply | Promise<Reply>;
  discard(session: Session): Reply;
  watch(session: Session, keys: readonly string[]): Reply;
  unwatch(session: Session): Reply;
}

/** One member of this node's Raft group, as the CLUSTER commands describe it. */
export interface ClusterMember {
  /** The numeric node id (CLUSTER NODES shows it as 40 hex digits). */
  readonly id: number;
  readonly host: string;
  /** The client port. */
  readonly port: number;
  readonly busPort: number;
  /** False for a learner: a replica that never becomes leader. */
  readonly voter: boolean;
  /** This node's link with it is up (always true for itself). */
  readonly connected: boolean;
  /**
   * How far its log goes, as a replication offset: its applied index for this node, the
   * match index the leader knows for the others (0 when this node does not lead).
   */
  readonly offset: number;
  /** Seconds since this node last heard from it (0 for itself). */
  readonly lagSeconds: number;
}

/** The group as this node sees it now. */
export interface ClusterView {
  readonly self: number;
  /** The leader's id; 0 when none is known. */
  readonly leader: number;
  /** The Raft term (the config epoch of CLUSTER NODES and INFO). */
  readonly term: number;
  /** Members with a known address, ascending by id. */
  readonly members: readonly ClusterMember[];
  /** This node's applied index. */
  readonly applied: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
}

/** The membership of this node's group: what the CLUSTER commands act on. */
export interface ClusterApi {
  view(): ClusterView;
  /** Adds a node as a learner (later promoted); answers once the change is committed. */
  addNode(
    id: number,
    address: { readonly host: string; readonly port: number; readonly busPort: number },
  ): Reply | Promise<Reply>;
  /** Removes a node from the group; answers once the change is committed. */
  removeNode(id: number): Reply | Promise<Reply>;
  /** Asks the leader to hand leadership to this node. */
  failover(): Reply;
  /**
   * WAIT: how many replicas hold the log up to `index` (the session's last write), once
   * at least `replicas` do or `timeoutMs` has passed (0: no time limit).
   */
  wait(index: number, replicas: number, timeoutMs: number): Reply | Promise<Reply>;
}

/**
 * One kind of snapshot as INFO reports it. Every snapshot is written to disk and
 * compacts the log; SAVE, BGSAVE and the `save` schedule are reported as Redis's RDB
 * saves, the ones the log takes on its own (every so many entries, for a new member)
 * as its AOF rewrites.
 */
export interface SnapshotKindStatus {
  readonly inProgress: boolean;
  readonly lastOk: boolean;
  /** Seconds the last one took; -1 when none finished. */
  readonly lastTimeSec: number;
  /** Seconds the running one has taken; -1 when none runs. */
  readonly currentTimeSec: number;
  /** Started so far (Redis's rdb_saves, aof_rewrites). */
  readonly count: number;
  /** Failures since the last success. */
  readonly consecutiveFailures: number;
  readonly scheduled: boolean;
}

/** The node's log, for AiKv's fields of INFO persistence. */
export interface LogStatus {
  /** The first entry still on disk, and the last (Raft indices). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** The entry the newest snapshot is taken at. */
  readonly snapshotIndex: number;
  /** Bytes of the log's segment files, and of the newest snapshot's file. */
  readonly diskBytes: number;
  readonly snapshotBytes: number;
  /** Bytes of the log's segments when the last snapshot was durable (aof_base_size). */
  readonly diskBytesAtSnapshot: number;
  /** appendfsync: always, everysec or no. */
  readonly fsync: string;
  readonly lastWriteOk: boolean;
}

/** What INFO persistence reports. */
export interface PersistenceStatus {
  /** Entries applied after the newest snapshot's (Redis: dirty). */
  readonly changesSinceLastSave: number;
  /** Unix seconds the newest snapshot was made. */
  readonly lastSaveTime: number;
  readonly rdb: SnapshotKindStatus;
  readonly aofRewrite: SnapshotKindStatus;
  /** Bytes of old values the last snapshot kept because they changed while it ran. */
  readonly lastCowBytes: number;
  /** Keys the node loaded from its snapshot at start. */
  readonly loadKeysLoaded: number;
  /** The longest event-loop stall during the last snapshot (ms; -1 if not measured). */
  readonly lastSnapshotLoopDelayMaxMs: number;
  readonly log: LogStatus;
}

/** SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD and INFO persistence over the node's snapshots. */
export interface PersistenceApi {
  /** SAVE: answers once a snapshot is durable and the log compacted (null) or failed. */
  save(): Promise<string | null>;
  /** BGSAVE [SCHEDULE]: 'started', 'scheduled', or an error message. */
  bgsave(schedule: boolean): 'started' | 'scheduled' | { readonly error: string };
  /** BGREWRITEAOF: a snapshot that compacts the log, as the log takes by itself. */
  bgrewriteaof(): 'started' | 'scheduled' | { readonly error: string };
  /** LASTSAVE: unix seconds of the newest snapshot (the start time if there is none). */
  lastSave(): number;
  /** DEBUG RELOAD: the keyspace reloaded from a snapshot of itself, then saved if `save`. */
  reload(options: { readonly save: boolean }): Promise<string | null>;
  status(): PersistenceStatus;
}

export interface NodeServices {
  readonly transactions: TransactionsApi;
  readonly redisVersion: string;
  readonly aikvVersion: string;
  readonly keyspace: Keyspace;
  readonly registry: Registry;
  readonly clients: ClientsApi;
  readonly config: ConfigApi;
  /** Wall clock in ms. */
  now(): number;
  /** INFO text for the given lower-case section names (empty = default sections). */
  info(sections: readonly string[]): string;
  /** CONFIG RESETSTAT. */
  resetStats(): void;
  /** Checks a password for a user (requirepass is the default user's password). */
  checkPassword(user: string, password: string): 'ok' | 'wrongpass' | 'nopass';
  /** Whether clients must AUTH before running commands. */
  authRequired(): boolean;
  /**
   * SHUTDOWN: returns an error message, or never returns normally; a promise when it
   * saves first (SAVE, or a `save` schedule set).
   */
  shutdown(options: ShutdownOptions): string | null | Promise<string | null>;
  /** Unix seconds of the last successful save. */
  lastSave(): number;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  setActiveExpire(enabled: boolean): void;
  /** Writes a line to the server log (DEBUG LOG). */
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void;
  /** The node's Raft group membership; absent where the server runs without one. */
  readonly cluster?: ClusterApi | undefined;
  /** Snapshots of the node's group; absent where the server runs without a log. */
  readonly persistence?: PersistenceApi | undefined;
}
