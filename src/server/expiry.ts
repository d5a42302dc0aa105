import type { Keyspace } from '../keyspace/keyspace.js';

/** Keys sampled per database per pass, as Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP. */
const KEYS_PER_LOOP = 20;
/** Redis keeps sampling while more than this share of a sample was expired. */
const STALE_PERCENT = 10;
/** Time budget per cycle (Redis: 25% of a 100 ms cron tick). */
const CYCLE_BUDGET_MS = 25;

/**
 * Finds keys past their deadline and has them deleted through the log, so every
 * replica deletes the same keys: lazily (reads report what they find) and actively
 * (a cron walks each database's keys with a TTL, as Redis's activeExpireCycle does).
 */
export class ActiveExpiry {
  enabled = true;
  private readonly found = new Map<number, Set<string>>();
  private flushScheduled = false;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly propose: (db: number, keys: readonly string[]) => void,
  ) {}

  /** A read met an expired key: delete it through the log at the end of this turn. */
  noteExpired(db: number, key: string): void {
    let keys = this.found.get(db);
    if (keys === undefined) {
      keys = new Set();
      this.found.set(db, keys);
    }
    keys.add(key);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushFound());
    }
  }

  private flushFound(): void {
    this.flushScheduled = false;
    for (const [db, keys] of this.found) this.propose(db, [...keys]);
    this.found.clear();
  }

  cycle(now: number): void {
    if (!this.enabled) return;
    const started = performance.now();
    for (const db of this.keyspace.dbs) {
      while (db.volatileCount > 0) {
        const sample = db.sampleVolatile(KEYS_PER_LOOP);
        const expired = sample.filter((key) => {
          const e = db.peek(key);
          return e !== undefined && e.expireAt !== 0 && e.expireAt <= now;
        });
        if (expired.length > 0) this.propose(db.id, expired);
        if (expired.length * 100 <= sample.length * STALE_PERCENT) break;
        if (performance.now() - started > CYCLE_BUDGET_MS) return;
      }
    }
  }
}
