import type { BlockRequest } from '../commands/spec.js';
import { error, type Reply } from '../resp/reply.js';
import type { Connection } from './connection.js';

/** A client parked on keys until a write makes its command runnable or time runs out. */
interface Parked {
  readonly conn: Connection;
  readonly argv: string[];
  readonly db: number;
  readonly keys: readonly string[];
  readonly timeoutReply: Reply;
  readonly reply: (r: Reply) => void;
  /** Arrival order; a client that blocks again after a retry keeps its place. */
  readonly seq: number;
  timer: NodeJS.Timeout | undefined;
}

export interface BlockingHost {
  /** Runs the parked command again, as a new entry; it may park again. */
  retry(conn: Connection, argv: string[], reply: (r: Reply) => void): void;
  /**
   * Whether `key` now holds a value the parked command pops from (a list for BLPOP):
   * a key that became ready and then turned into another type leaves its waiters
   * blocked, as in Redis.
   */
  servable(argv: readonly string[], db: number, key: string): boolean;
}

const TIMER_MAX_MS = 2 ** 31 - 1;
const UNBLOCKED = error('UNBLOCKED client unblocked via CLIENT UNBLOCK');

function slot(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

/**
 * Clients blocked by BLPOP-like commands. They park on the leader; when an applied write
 * signals one of their keys ready, the oldest waiters run their command again as an
 * ordinary entry, so the pop that serves them is replicated like any write (FIFO per key).
 */
export class BlockedClients {
  private readonly byKey = new Map<string, Parked[]>();
  private readonly byConn = new Map<number, Parked>();
  private readonly ready = new Set<string>();
  private serving = false;
  private nextSeq = 0;
  /** The seq of the waiter being retried, so that parking again keeps its place. */
  private retrying: number | undefined;
  /** Arrival order of each client whose command is being run again, for its re-park. */
  private readonly retrySeqs = new Map<number, number>();
  /** Retries proposed and not yet answered or parked again. */
  private inFlight = 0;
  /** Replies held until the retries they caused have run (see afterRetries). */
  private held: (() => void)[] = [];

  constructor(private readonly host: BlockingHost) {}

  get count(): number {
    return this.byConn.size;
  }

  isBlocked(connId: number): boolean {
    return this.byConn.has(connId);
  }

  park(conn: Connection, argv: string[], request: BlockRequest, reply: (r: Reply) => void): void {
    const parked: Parked = {
      conn,
      argv,
      db: conn.db,
      keys: request.keys,
      timeoutReply: request.timeoutReply,
      reply,
      seq: this.retrying ?? this.retrySeqs.get(conn.id) ?? this.nextSeq++,
      timer: undefined,
    };
    if (request.timeoutMs > 0) this.arm(parked, request.timeoutMs);
    for (const key of new Set(request.keys)) {
      const s = slot(parked.db, key);
      const waiters = this.byKey.get(s) ?? [];
      let at = waiters.length;
      while (at > 0 && (waiters[at - 1] as Parked).seq > parked.seq) at--;
      waiters.splice(at, 0, parked);
      this.byKey.set(s, waiters);
    }
    this.byConn.set(conn.id, parked);
    conn.blocked = true;
    if (this.retrySeqs.delete(conn.id)) this.retried();
  }

  /** No retry is running: a write's reply need not wait. */
  get idle(): boolean {
    return this.inFlight === 0 && !this.serving;
  }

  /**
   * Runs `fn` (a write's reply) once the blocked clients that writes readied have been
   * served, as Redis serves them before its next client command: a client that pushed
   * must see the pops its push caused (LMOVE chains, WATCH).
   */
  afterRetries(fn: () => void): void {
    if (this.idle) fn();
    else this.held.push(fn);
  }

  private retried(): void {
    this.inFlight--;
    this.release();
  }

  private release(): void {
    if (this.inFlight > 0 || this.serving || this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const fn of held) fn();
  }

  /** Node timers fire at once past 2^31-1 ms, so long timeouts are waited out in steps. */
  private arm(parked: Parked, remainingMs: number): void {
    const step = Math.min(remainingMs, TIMER_MAX_MS);
    parked.timer = setTimeout(() => {
      if (remainingMs > step) this.arm(parked, remainingMs - step);
      else this.finish(parked, parked.timeoutReply);
    }, step);
  }

  /** An applied write made a key poppable; waiters are served once this turn's apply ends. */
  signalReady(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const s = slot(db, key);
    if (!this.byKey.has(s)) return;
    this.ready.add(s);
    if (!this.serving) {
      this.serving = true;
      queueMicrotask(() => this.serveReady());
    }
  }

  private serveReady(): void {
    while (this.ready.size > 0) {
      const [s] = this.ready;
      this.ready.delete(s as string);
      const waiters = [...(this.byKey.get(s as string) ?? [])];
      for (const parked of waiters) {
        if (!this.byConn.has(parked.conn.id)) continue;
        const key = (s as string).slice((s as string).indexOf('\u0000') + 1);
        if (!this.host.servable(parked.argv, parked.db, key)) continue;
        this.unpark(parked);
        this.retrying = parked.seq;
        this.retrySeqs.set(parked.conn.id, parked.seq);
        this.inFlight++;
        const connId = parked.conn.id;
        const reply = parked.reply;
        try {
          this.host.retry(parked.conn, parked.argv, (r) => {
            if (this.retrySeqs.delete(connId)) this.retried();
            reply(r);
          });
        } finally {
          this.retrying = undefined;
        }
      }
    }
    this.serving = false;
    this.release();
  }

  /** SWAPDB, FLUSHDB: every waiter on the database gets a look at its keys again. */
  databaseReplaced(db: number): void {
    const prefix = `${db}\u0000`;
    for (const s of this.byKey.keys()) {
      if (s.startsWith(prefix)) this.signalReady(db, s.slice(prefix.length));
    }
  }

  /** CLIENT UNBLOCK: true when the client was blocked. */
  unblock(connId: number, withError: boolean): boolean {
    const parked = this.byConn.get(connId);
    if (parked === undefined) return false;
    this.finish(parked, withError ? UNBLOCKED : parked.timeoutReply);
    return true;
  }

  /** The connection went away: forget it without replying. */
  dropped(connId: number): void {
    const parked = this.byConn.get(connId);
    if (parked !== undefined) this.unpark(parked);
  }

  private finish(parked: Parked, reply: Reply): void {
    this.unpark(parked);
    parked.reply(reply);
  }

  private unpark(parked: Parked): void {
    clearTimeout(parked.timer);
    this.byConn.delete(parked.conn.id);
    parked.conn.blocked = false;
    for (const key of new Set(parked.keys)) {
      const s = slot(parked.db, key);
      const waiters = this.byKey.get(s);
      if (waiters === undefined) continue;
      const i = waiters.indexOf(parked);
      if (i !== -1) waiters.splice(i, 1);
      if (waiters.length === 0) this.byKey.delete(s);
    }
  }
}
