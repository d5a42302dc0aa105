import type { Value } from './value.js';

/**
 * How Redis would hold a string value, which depends on the command that built it and
 * not only on its bytes (OBJECT ENCODING, OBJECT REFCOUNT). 'auto': what
 * tryObjectEncoding gives by content (shared int 0..9999, int, embstr up to 44 bytes,
 * raw). 'raw': edited in place (APPEND, SETRANGE, SETBIT, BITOP). 'embstr': made by
 * createStringObject (INCRBYFLOAT): embstr up to 44 bytes, else raw, never int. 'int':
 * a private copy of an int (COPY), never shared. DUMP/RESTORE drop it (a reload
 * re-encodes by content, as Redis's RDB load does); keyspace snapshots keep it.
 */
export type StringForm = 'auto' | 'raw' | 'embstr' | 'int';

/** Redis's LRU clock: 24 bits of seconds, wrapping every 194 days. */
export const LRU_CLOCK_MAX = 0xffffff;
const FORMS: readonly StringForm[] = ['auto', 'raw', 'embstr', 'int'];

/** Entries put in a database so far, by any database of this process: see Entry.seq. */
let insertions = 0;

/** The seq of the entry put in a database last: every entry there now has one at most this. */
export function lastEntrySeq(): number {
  return insertions;
}

/**
 * One key's slot in a database. `expireAt` is an absolute ms deadline, 0 for none.
 * The access clock and the string form share one small integer, as Redis packs its
 * 24-bit LRU clock with type and encoding bits, and every byte per key counts at
 * millions of keys.
 */
export class Entry {
  private meta: number;
  /**
   * Set by its database when the entry takes its place there: larger means later in
   * the database's iteration order. A snapshot cursor uses it to tell where a key it
   * has not reached stood, and which keys came after it started (never observable).
   */
  seq = 0;

  constructor(
    public value: Value,
    public expireAt: number,
    lru: number,
  ) {
    this.meta = lru & LRU_CLOCK_MAX;
  }

  /** 24-bit seconds clock of the last access (OBJECT IDLETIME); node-local. */
  get lru(): number {
    return this.meta & LRU_CLOCK_MAX;
  }

  set lru(seconds: number) {
    this.meta = (this.meta & ~LRU_CLOCK_MAX) | (seconds & LRU_CLOCK_MAX);
  }

  /** Meaningful for string values only; every Db.set resets it. */
  get stringForm(): StringForm {
    return FORMS[this.meta >>> 24] as StringForm;
  }

  set stringForm(form: StringForm) {
    this.meta = (this.meta & LRU_CLOCK_MAX) | (FORMS.indexOf(form) << 24);
  }

  /** Seconds since the last access at `clock` (seconds), across a wrap (estimateObjectIdleTime). */
  idleSeconds(clock: number): number {
    const now = clock & LRU_CLOCK_MAX;
    const lru = this.lru;
    return now >= lru ? now - lru : now + (LRU_CLOCK_MAX - lru);
  }
}

/**
 * One numbered database. Keys are latin1 strings (binary-safe, one char per byte).
 *
 * Iteration order is insertion order (a JS Map), a function of history only, so every
 * replica iterates the same way. Keys with a TTL are also kept in `volatile`, which
 * the active-expiry cycle walks with a cursor, as Redis walks its expires dict.
 */
/**
 * Told of every change to a database's keys (Redis's signalModifiedKey and
 * touchAllWatchedKeysInDb): WATCH is built on it.
 */
export interface DbListener {
  /** After a key was set, deleted, or had its deadline changed. */
  modified(db: Db, key: string): void;
  /** Before every key of `db` goes (FLUSHDB) or is replaced by `replacement`'s (SWAPDB). */
  replacing(db: Db, replacement: Db | null): void;
}

/**
 * Told before an entry that exists is changed in place, replaced or removed
 * (`changing`), or handed out by `peek`/`get` for a command that may change it in place
 * (`exposed`): a copy-on-write snapshot keeps the old value. FLUSHDB and SWAPDB are not
 * reported: they change no entry, they move whole maps (see `contents`).
 */
export interface EntryGuard {
  changing(contents: ReadonlyMap<string, Entry>, key: string, entry: Entry): void;
  exposed(contents: ReadonlyMap<string, Entry>, key: string, entry: Entry): void;
}

export class Db {
  /** Set by the keyspace's owner; absent, changes go unreported. */
  listener: DbListener | null = null;
  /** Set while a snapshot is being written (see EntryGuard). */
  guard: EntryGuard | null = null;
  private data = new Map<string, Entry>();
  private volatile = new Set<string>();
  private scanCursors = new Map<number, IterableIterator<string>>();
  private nextScanCursor = 1;
  private expireWalk: IterableIterator<string> | null = null;
  private randomWalk: IterableIterator<string> | null = null;

  constructor(readonly id: number) {}

  get size(): number {
    return this.data.size;
  }

  get volatileCount(): number {
    return this.volatile.size;
  }

  /**
   * The map of keys to entries: FLUSHDB puts a new one in its place and SWAPDB trades
   * it with another database's, so a snapshot walks the maps it started from.
   */
  get contents(): ReadonlyMap<string, Entry> {
    return this.data;
  }

  /** The entry regardless of its deadline. */
  peek(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (e !== undefined && this.guard !== null) this.guard.exposed(this.data, key, e);
    return e;
  }

  /** The entry if it exists and is not past its deadline at `now`. */
  get(key: string, now: number): Entry | undefined {
    const e = this.data.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= now) return undefined;
    if (this.guard !== null) this.guard.exposed(this.data, key, e);
    return e;
  }

  /** Adds or replaces a key's value; its TTL is cleared unless `keepTtl`. */
  set(key: string, value: Value, lru: number, keepTtl = false): Entry {
    let e = this.data.get(key);
    if (e === undefined) {
      e = new Entry(value, 0, lru);
      e.seq = ++insertions;
      this.data.set(key, e);
    } else {
      this.guard?.changing(this.data, key, e);
      e.value = value;
      e.lru = lru;
      e.stringForm = 'auto';
      if (!keepTtl && e.expireAt !== 0) {
        e.expireAt = 0;
        this.volatile.delete(key);
      }
    }
    this.listener?.modified(this, key);
    return e;
  }

  /** Inserts an entry object as is (RENAME, MOVE, snapshot load). */
  insert(key: string, entry: Entry): void {
    const old = this.data.get(key);
    if (old !== undefined) this.guard?.changing(this.data, key, old);
    if (old !== undefined && old.expireAt !== 0) this.volatile.delete(key);
    this.data.delete(key);
    entry.seq = ++insertions;
    this.data.set(key, entry);
    if (entry.expireAt !== 0) this.volatile.add(key);
    this.listener?.modified(this, key);
  }

  /**
   * Adds an entry to a database being filled from a snapshot, unreported, in one Map
   * operation. False if the key was already there (its entry is then replaced).
   */
  load(key: string, entry: Entry): boolean {
    const size = this.data.size;
    entry.seq = ++insertions;
    this.data.set(key, entry);
    if (entry.expireAt !== 0) this.volatile.add(key);
    return this.data.size !== size;
  }

  delete(key: string): boolean {
    const e = this.data.get(key);
    if (e === undefined) return false;
    this.guard?.changing(this.data, key, e);
    this.data.delete(key);
    if (e.expireAt !== 0) this.volatile.delete(key);
    this.listener?.modified(this, key);
    return true;
  }

  setExpire(key: string, expireAt: number): void {
    const e = this.data.get(key);
    if (e === undefined) return;
    this.guard?.changing(this.data, key, e);
    e.expireAt = expireAt;
    if (expireAt === 0) this.volatile.delete(key);
    else this.volatile.add(key);
    this.listener?.modified(this, key);
  }

  clear(): void {
    this.listener?.replacing(this, null);
    this.data = new Map();
    this.volatile = new Set();
    this.scanCursors.clear();
    this.expireWalk = null;
    this.randomWalk = null;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Db): void {
    this.listener?.replacing(this, other);
    other.listener?.replacing(other, this);
    [this.data, other.data] = [other.data, this.data];
    [this.volatile, other.volatile] = [other.volatile, this.volatile];
    this.scanCursors.clear();
    other.scanCursors.clear();
    this.expireWalk = other.expireWalk = null;
    this.randomWalk = other.randomWalk = null;
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  entries(): IterableIterator<[string, Entry]> {
    return this.data.entries();
  }

  /**
   * One SCAN step. Cursors name live Map iterators, which visit every key present for
   * the whole scan exactly once in insertion order even while the map changes. A
   * cursor this node does not know (evicted, or from before a restart) starts over:
   * keys may repeat, which SCAN allows, but none present throughout is missed.
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    let it = cursor === 0 ? undefined : this.scanCursors.get(cursor);
    if (cursor !== 0) this.scanCursors.delete(cursor);
    it ??= this.data.keys();
    for (let i = 0; i < count; i++) {
      const next = it.next();
      if (next.done === true) return 0;
      visit(next.value);
    }
    if (this.scanCursors.size >= SCAN_CURSORS_MAX) {
      const oldest = this.scanCursors.keys().next();
      if (oldest.done !== true) this.scanCursors.delete(oldest.value);
    }
    const id = this.nextScanCursor++;
    this.scanCursors.set(id, it);
    return id;
  }

  /** Up to `count` keys with a TTL, continuing round-robin where the last call stopped. */
  sampleVolatile(count: number): string[] {
    const out: string[] = [];
    if (this.volatile.size === 0) return out;
    for (let i = 0; i < count && out.length < this.volatile.size; i++) {
      this.expireWalk ??= this.volatile.values();
      const next = this.expireWalk.next();
      if (next.done === true) {
        this.expireWalk = null;
        if (i > 0) break;
        continue;
      }
      out.push(next.value);
    }
    return out;
  }

  /**
   * Average remaining TTL in ms of keys with one, estimated from up to `sample` of them
   * (INFO keyspace avg_ttl); 0 when none.
   */
  averageTtl(now: number, sample = 128): number {
    let sum = 0;
    let n = 0;
    for (const key of this.volatile) {
      const e = this.data.get(key);
      if (e !== undefined && e.expireAt > now) {
        sum += e.expireAt - now;
        n++;
      }
      if (n >= sample) break;
    }
    return n === 0 ? 0 : Math.round(sum / n);
  }

  /** A key chosen by skipping a random number of keys along a rolling walk. */
  randomKey(skip: number): string | undefined {
    if (this.data.size === 0) return undefined;
    let steps = skip % this.data.size;
    while (true) {
      this.randomWalk ??= this.data.keys();
      const next = this.randomWalk.next();
      if (next.done === true) {
        this.randomWalk = null;
        continue;
      }
      if (steps-- <= 0) return next.value;
    }
  }
}

/** Live SCAN cursors kept per database; the oldest is dropped past this. */
export const SCAN_CURSORS_MAX = 4096;
