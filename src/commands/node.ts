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
  /** SHUTDOWN: returns an error message, or never returns normally. */
  shutdown(options: ShutdownOptions): string | null;
  /** Unix seconds of the last successful save. */
  lastSave(): number;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  setActiveExpire(enabled: boolean): void;
  /** Writes a line to the server log (DEBUG LOG). */
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void;
}
