import type { Session, TransactionsApi } from '../commands/node.js';
import type { Lookup } from '../commands/registry.js';
import type { Db, DbListener } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { error, NULL_ARRAY, OK, QUEUED, type Reply } from '../resp/reply.js';
import type { Connection } from './connection.js';

type RunnableSpec = NonNullable<Lookup['spec']>;

export interface Queued {
  readonly spec: RunnableSpec;
  readonly argv: string[];
}

/** A session's MULTI state: the queue, and whether queueing failed (EXECABORT). */
export class MultiState {
  readonly queue: Queued[] = [];
  aborted = false;
}

interface WatchedKey {
  readonly conn: Connection;
  readonly db: number;
  readonly key: string;
  /** Already past its deadline at WATCH: its later deletion is no change. */
  expiredAtWatch: boolean;
}

/** What running a queued transaction needs from the server. */
export interface TransactionHost {
  readonly keyspace: Keyspace;
  connection(session: Session): Connection;
  now(): number;
  /**
   * Runs the queue: node commands on this node in order, data commands as one log
   * entry; resolves to the replies in queue order.
   */
  execute(conn: Connection, queue: readonly Queued[]): Reply | Promise<Reply>;
}

/** Commands a session in MULTI runs at once instead of queueing (Redis's processCommand). */
export const RUN_IN_MULTI: ReadonlySet<string> = new Set([
  'exec',
  'discard',
  'multi',
  'watch',
  'quit',
  'reset',
]);

const EXECABORT = error('EXECABORT Transaction discarded because of previous errors.');

function slot(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

/**
 * MULTI/EXEC with optimistic locking (WATCH), as Redis's multi.c: a change to a watched
 * key marks the watching sessions dirty (CAS), and their EXEC then answers a null array.
 */
export class Transactions implements TransactionsApi, DbListener {
  private readonly watchers = new Map<string, WatchedKey[]>();
  private readonly watchedBy = new Map<number, WatchedKey[]>();
  private readonly dirty = new Set<number>();

  constructor(private readonly host: TransactionHost) {}

  multi(session: Session): Reply {
    const conn = this.host.connection(session);
    if (conn.multi !== null) return error('ERR MULTI calls can not be nested');
    conn.multi = new MultiState();
    return OK;
  }

  /** Queues a command of a session in MULTI; returns the reply to send now. */
  queue(conn: Connection, spec: RunnableSpec, argv: string[]): Reply {
    if (spec.flags.includes('no_multi')) {
      this.flag(conn);
      return error('ERR Command not allowed inside a transaction');
    }
    (conn.multi as MultiState).queue.push({ spec, argv });
    return QUEUED;
  }

  /** A queueing error (unknown command, arity, auth): EXEC will abort. */
  flag(conn: Connection): void {
    if (conn.multi !== null) conn.multi.aborted = true;
  }

  exec(session: Session): Reply | Promise<Reply> {
    const conn = this.host.connection(session);
    const state = conn.multi;
    if (state === null) return error('ERR EXEC without MULTI');
    conn.multi = null;
    const casFailed = this.dirty.has(conn.id) || this.watchedKeyExpired(conn);
    this.unwatchAll(conn);
    if (state.aborted) return EXECABORT;
    if (casFailed) return NULL_ARRAY;
    return this.host.execute(conn, state.queue);
  }

  discard(session: Session): Reply {
    const conn = this.host.connection(session);
    if (conn.multi === null) return error('ERR DISCARD without MULTI');
    conn.multi = null;
    this.unwatchAll(conn);
    return OK;
  }

  watch(session: Session, keys: readonly string[]): Reply {
    const conn = this.host.connection(session);
    if (conn.multi !== null) return error('ERR WATCH inside MULTI is not allowed');
    if (this.dirty.has(conn.id)) return OK;
    const now = this.host.now();
    const mine = this.watchedBy.get(conn.id) ?? [];
    for (const key of keys) {
      if (mine.some((w) => w.db === conn.db && w.key === key)) continue;
      const entry = this.host.keyspace.db(conn.db).peek(key);
      const expired = entry !== undefined && entry.expireAt !== 0 && entry.expireAt <= now;
      const w: WatchedKey = { conn, db: conn.db, key, expiredAtWatch: expired };
      mine.push(w);
      const s = slot(conn.db, key);
      const list = this.watchers.get(s) ?? [];
      list.push(w);
      this.watchers.set(s, list);
    }
    this.watchedBy.set(conn.id, mine);
    return OK;
  }

  unwatch(session: Session): Reply {
    this.unwatchAll(this.host.connection(session));
    return OK;
  }

  /** The session is gone or reset: forget its transaction and watches. */
  forget(conn: Connection): void {
    conn.multi = null;
    this.unwatchAll(conn);
  }

  /** Whether the session WATCHes keys here (or a watched key already changed). */
  watchesHere(conn: Connection): boolean {
    return this.watchedBy.has(conn.id) || this.dirty.has(conn.id);
  }

  get watchingClients(): number {
    return this.watchedBy.size;
  }

  modified(db: Db, key: string): void {
    if (this.watchers.size === 0) return;
    const list = this.watchers.get(slot(db.id, key));
    if (list === undefined) return;
    for (const w of [...list]) {
      if (w.expiredAtWatch) {
        // Deleting a key that was already expired at WATCH is no logical change.
        if (db.peek(key) === undefined) w.expiredAtWatch = false;
        continue;
      }
      this.dirty.add(w.conn.id);
      this.unwatchKeys(w.conn);
    }
  }

  replacing(db: Db, replacement: Db | null): void {
    if (this.watchers.size === 0) return;
    const now = this.host.now();
    const expiredIn = (d: Db, key: string): boolean => {
      const e = d.peek(key);
      return e !== undefined && e.expireAt !== 0 && e.expireAt <= now;
    };
    for (const list of [...this.watchers.values()]) {
      for (const w of [...list]) {
        if (w.db !== db.id) continue;
        const inEmptied = db.peek(w.key) !== undefined;
        const inReplacement = replacement?.peek(w.key) !== undefined;
        if (!inEmptied && !inReplacement) continue;
        if (w.expiredAtWatch) {
          if (!inReplacement) w.expiredAtWatch = false;
          else if (replacement !== null && expiredIn(replacement, w.key)) continue;
          else this.dirty.add(w.conn.id);
          continue;
        }
        if (!inEmptied && replacement !== null && expiredIn(replacement, w.key)) {
          w.expiredAtWatch = true;
          continue;
        }
        this.dirty.add(w.conn.id);
      }
    }
  }

  /** isWatchedKeyExpired: a key alive at WATCH that is now past its deadline. */
  private watchedKeyExpired(conn: Connection): boolean {
    const now = this.host.now();
    for (const w of this.watchedBy.get(conn.id) ?? []) {
      if (w.expiredAtWatch) continue;
      const e = this.host.keyspace.db(w.db).peek(w.key);
      if (e !== undefined && e.expireAt !== 0 && e.expireAt <= now) return true;
    }
    return false;
  }

  private unwatchAll(conn: Connection): void {
    this.unwatchKeys(conn);
    this.dirty.delete(conn.id);
  }

  private unwatchKeys(conn: Connection): void {
    const mine = this.watchedBy.get(conn.id);
    if (mine === undefined) return;
    this.watchedBy.delete(conn.id);
    for (const w of mine) {
      const s = slot(w.db, w.key);
      const list = this.watchers.get(s);
      if (list === undefined) continue;
      const rest = list.filter((x) => x !== w);
      if (rest.length === 0) this.watchers.delete(s);
      else this.watchers.set(s, rest);
    }
  }
}
