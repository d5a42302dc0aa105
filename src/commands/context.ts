import type { Db, Entry } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Rng } from '../util/rng.js';

/** Settings that change what commands do; read, never written, by handlers. */
export interface ExecSettings {
  /** proto-max-bulk-len: the longest string a command may build. */
  readonly protoMaxBulkLen: number;
  /** Any other setting by its redis.conf name (encoding thresholds, ...). */
  number(name: string): number;
}

/** Called when a read finds a key past its deadline; the node proposes its deletion. */
export type ExpiredKeyHook = (db: number, key: string) => void;

/** Receives key events from command execution (WATCH, blocked clients). */
export type KeyEventHook = (db: number, key: string) => void;

/** How a context runs: fixed per kind of execution, so one object serves many commands. */
export interface ExecOptions {
  /** True for a write being applied; false for a read on the node's own state. */
  readonly applying: boolean;
  /** True where the reply goes back to a client (the proposer, or a read). */
  readonly proposer: boolean;
  /** CLIENT NO-TOUCH: reads leave access times alone. */
  readonly noTouch?: boolean;
  readonly onExpiredRead?: ExpiredKeyHook;
  /**
   * Whether a blocking command may answer a BlockRequest: true for a client's own
   * command, false inside MULTI or a script, where blocking commands never block.
   */
  readonly canBlock?: boolean;
  /** Redis's signalKeyAsReady: clients blocked on the key may now be served. */
  readonly onReady?: KeyEventHook;
}

/**
 * Everything a data command may use. For a write it is built from the log entry
 * (`now` = entry time, `rng` seeded by the entry), so applying an entry is a pure
 * function of (state, entry) on every replica. For a read it is built from the node's
 * clock and sees the node's state.
 */
export class ExecContext {
  /** The seconds clock that OBJECT IDLETIME counts from. */
  readonly lruClock: number;
  private rngInstance: Rng | undefined;

  constructor(
    readonly keyspace: Keyspace,
    public dbIndex: number,
    readonly now: number,
    /** The rng's seed, or where to draw one when a command first needs it (reads). */
    private readonly seed: number | (() => number),
    readonly settings: ExecSettings,
    readonly options: ExecOptions,
  ) {
    this.lruClock = Math.floor(now / 1000);
  }

  /** The seeded random source: created on first use, as most commands need none. */
  get rng(): Rng {
    return (this.rngInstance ??= new Rng(typeof this.seed === 'number' ? this.seed : this.seed()));
  }

  get db(): Db {
    return this.keyspace.db(this.dbIndex);
  }

  get canBlock(): boolean {
    return this.options.canBlock === true;
  }

  /**
   * Records that a collection changed in place (Redis's signalModifiedKey). Changes
   * through Db (set, delete, expire) are reported by the Db itself.
   */
  signalModified(key: string, db: number = this.dbIndex): void {
    const target = this.keyspace.db(db);
    target.listener?.modified(target, key);
  }

  /** Records that clients blocked on a key may now be served (signalKeyAsReady). */
  signalReady(key: string, db: number = this.dbIndex): void {
    this.options.onReady?.(db, key);
  }

  /**
   * A key for reading: absent if past its deadline at `now` (reported to the node,
   * which replicates the deletion). Counts keyspace hits and misses and touches the
   * access time.
   */
  lookupRead(key: string, db: Db = this.db, touch = true): Entry | undefined {
    const e = db.peek(key);
    if (e === undefined) {
      this.keyspace.stats.misses++;
      return undefined;
    }
    if (e.expireAt !== 0 && e.expireAt <= this.now) {
      this.keyspace.stats.misses++;
      if (this.options.applying) this.expireNow(db, key);
      else this.options.onExpiredRead?.(db.id, key);
      return undefined;
    }
    this.keyspace.stats.hits++;
    if (touch && this.options.noTouch !== true) e.lru = this.lruClock;
    return e;
  }

  /**
   * A key about to be written: deleted first if past its deadline at `now`, which is
   * deterministic because `now` is the entry's time. Touches the access time, as
   * Redis's lookupKeyWrite does even when the command then fails (INCR on a non-number).
   */
  lookupWrite(key: string, db: Db = this.db): Entry | undefined {
    const e = db.peek(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.now) {
      if (this.options.applying) this.expireNow(db, key);
      return undefined;
    }
    if (this.options.noTouch !== true) e.lru = this.lruClock;
    return e;
  }

  /** Whether a key exists at `now`, without stats or touching (EXISTS-like internals). */
  exists(key: string, db: Db = this.db): boolean {
    return db.get(key, this.now) !== undefined;
  }

  private expireNow(db: Db, key: string): void {
    db.delete(key);
    this.keyspace.stats.expiredKeys++;
  }
}
