import type { Keyspace } from '../keyspace/keyspace.js';
import type { ExecContext } from './context.js';
import type { Registry } from './registry.js';

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

export type ReplyMode = 'on' | 'off' | 'skip';

/** The calling connection as commands see it. */
export interface Session {
  readonly id: number;
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

export interface ClientFilter {
  id?: number[];
  type?: string;
  user?: string;
  addr?: string;
  laddr?: string;
  skipme?: boolean;
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
  /** CLIENT PAUSE / UNPAUSE. */
  pause(untilMs: number, writesOnly: boolean): void;
  unpause(): void;
}

/** CONFIG GET/SET/REWRITE/RESETSTAT over the node's settings. */
export interface ConfigApi {
  /** Name/value pairs of every setting matching one of the glob patterns. */
  get(patterns: readonly string[]): [string, string][];
  /** Applies all pairs or none; returns the Redis error message on failure. */
  set(pairs: readonly [string, string][]): string | null;
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

export interface NodeServices {
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
