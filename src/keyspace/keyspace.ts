import { Db, type DbListener } from './db.js';

/** Counters the keyspace keeps for INFO stats; node-local. */
export class KeyspaceStats {
  hits = 0;
  misses = 0;
  expiredKeys = 0;
  reset(): void {
    this.hits = this.misses = this.expiredKeys = 0;
  }
}

/** The node's databases, numbered 0..count-1. */
export class Keyspace {
  readonly dbs: Db[];
  readonly stats = new KeyspaceStats();

  constructor(count: number) {
    this.dbs = Array.from({ length: count }, (_, i) => new Db(i));
  }

  /** Reports every key change in every database to `listener` (WATCH). */
  listen(listener: DbListener): void {
    for (const db of this.dbs) db.listener = listener;
  }

  db(index: number): Db {
    const db = this.dbs[index];
    if (db === undefined) throw new RangeError(`no database ${index}`);
    return db;
  }

  get keyCount(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  flushAll(): void {
    for (const db of this.dbs) db.clear();
  }

  swap(a: number, b: number): void {
    if (a !== b) this.db(a).swapWith(this.db(b));
  }
}
