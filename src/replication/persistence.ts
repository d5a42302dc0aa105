/**
 * SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, the `save` schedule and INFO persistence over a
 * group's snapshots (background-snapshot.ts). Every snapshot is durable before the log
 * is compacted to it, so the newest one is what a restart loads: LASTSAVE is its time and
 * rdb_changes_since_last_save counts the entries applied after its index. Snapshots that
 * SAVE, BGSAVE or the schedule ask for are reported as Redis's RDB saves; the ones the
 * log takes by itself (every so many entries, for a new member) as its AOF rewrites,
 * which is what they are: the log is AiKv's append-only file, always on.
 */
import type { PersistenceApi, PersistenceStatus, SnapshotKindStatus } from '../commands/node.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { LRU_CLOCK_MAX } from '../keyspace/db.js';
import { EMPTY_CONF_STATE, type SnapshotMeta } from '../raft/types.js';
import type { SnapshotObserver, SnapshotOutcome } from './background-snapshot.js';
import type { RaftGroup } from './multi-raft.js';
import type { KeyspaceApplier } from './raft-log.js';
import type { WalStore } from './wal-store.js';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed save, the schedule waits this long. */
const RETRY_DELAY_MS = 5000;

/** The event loop's delay as the node measures it (perf_hooks in production). */
export interface LoopDelayMonitor {
  reset(): void;
  /** The longest delay since the last reset, ms. */
  maxMs(): number;
}

export interface PersistenceOptions {
  readonly store: WalStore;
  /** Wall clock, ms. */
  readonly now: () => number;
  /** Redis's `save` schedule now in force: [seconds, changes] pairs. */
  readonly schedule: () => readonly (readonly [number, number])[];
  /** appendfsync now in force. */
  readonly fsync: () => string;
  readonly loopDelay?: LoopDelayMonitor;
  readonly logger?: (level: 'info' | 'warn', message: string) => void;
}

type Kind = 'rdb' | 'aof';

class KindStats {
  startedAt = -1;
  lastOk = true;
  lastMs = -1;
  count = 0;
  failures = 0;
  scheduled = false;

  status(now: number): SnapshotKindStatus {
    return {
      inProgress: this.startedAt >= 0,
      lastOk: this.lastOk,
      lastTimeSec: this.lastMs < 0 ? -1 : Math.floor(this.lastMs / 1000),
      currentTimeSec: this.startedAt < 0 ? -1 : Math.floor((now - this.startedAt) / 1000),
      count: this.count,
      consecutiveFailures: this.failures,
      scheduled: this.scheduled,
    };
  }
}

/** Parses Redis's `save` value ("3600 1 300 100", or "" for none) into pairs. */
export function saveSchedule(value: string): [number, number][] {
  const words = value.split(' ').filter((w) => w !== '');
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
  return out;
}

export class Persistence implements PersistenceApi, SnapshotObserver {
  private group: RaftGroup | null = null;
  private applier: KeyspaceApplier | null = null;
  private readonly kinds = { rdb: new KindStats(), aof: new KindStats() };
  /** The kind of the snapshot this object asks for next, and of the one running. */
  private asking: Kind = 'aof';
  private running: Kind | null = null;
  private lastSaveMs: number;
  private lastTryMs = 0;
  /** Applied entries when the running snapshot started, and when the newest did. */
  private startMark = 0;
  private savedMark = 0;
  private lastCowBytes = 0;
  private loadedKeys = 0;
  private diskBytesAtSnapshot = 0;
  private loopDelayMaxMs = -1;

  constructor(private readonly o: PersistenceOptions) {
    this.lastSaveMs = o.now();
  }

  /**
   * The group whose snapshots these are, just opened: its snapshot is loaded into
   * `keyspace`, its log not replayed yet.
   */
  attach(group: RaftGroup, applier: KeyspaceApplier, keyspace: Keyspace): void {
    this.group = group;
    this.applier = applier;
    group.snapshots.observer = this;
    this.lastSaveMs = this.o.store.snapshotMadeAt(group.id) ?? this.lastSaveMs;
    this.loadedKeys = keyspace.keyCount;
    this.savedMark = applier.appliedEntries;
    this.diskBytesAtSnapshot = this.o.store.logFacts(group.id).diskBytes;
  }

  save(): Promise<string | null> {
    if (this.running === 'rdb') return Promise.resolve('Background save already in progress');
    return this.saveNow();
  }

  bgsave(schedule: boolean): 'started' | 'scheduled' | { readonly error: string } {
    if (this.running === 'rdb') return { error: 'Background save already in progress' };
    if (this.running !== null) {
      if (!schedule) return { error: ANOTHER_CHILD };
      this.kinds.rdb.scheduled = true;
      return 'scheduled';
    }
    this.start('rdb');
    return 'started';
  }

  bgrewriteaof(): 'started' | 'scheduled' | { readonly error: string } {
    if (this.running === 'aof') {
      return { error: 'Background append only file rewriting already in progress' };
    }
    if (this.running !== null) {
      this.kinds.aof.scheduled = true;
      return 'scheduled';
    }
    this.start('aof');
    return 'started';
  }

  lastSave(): number {
    return Math.floor(this.lastSaveMs / 1000);
  }

  reload(options: { readonly save: boolean }): Promise<string | null> {
    const applier = this.applier;
    if (applier === null) return Promise.resolve('no log to reload from');
    applier.reload(Math.floor(this.o.now() / 1000) & LRU_CLOCK_MAX);
    return options.save ? this.saveNow() : Promise.resolve(null);
  }

  /** Once a second: the `save` schedule, and a BGSAVE SCHEDULE or BGREWRITEAOF that waited. */
  tick(): void {
    if (this.group === null || this.running !== null) return;
    if (this.kinds.aof.scheduled) {
      this.start('aof');
      return;
    }
    const now = this.o.now();
    const mayTry = this.kinds.rdb.lastOk || now - this.lastTryMs > RETRY_DELAY_MS;
    if (!mayTry) return;
    if (this.kinds.rdb.scheduled) {
      this.start('rdb');
      return;
    }
    const changes = this.changes();
    for (const [seconds, min] of this.o.schedule()) {
      if (changes >= min && now - this.lastSaveMs > seconds * 1000) {
        this.o.logger?.('info', `${min} changes in ${seconds} seconds. Saving...`);
        this.start('rdb');
        return;
      }
    }
  }

  started(_meta: SnapshotMeta): void {
    const kind = (this.running = this.asking);
    this.asking = 'aof';
    const stats = this.kinds[kind];
    stats.startedAt = this.lastTryMs = this.o.now();
    stats.count++;
    this.startMark = this.applier?.appliedEntries ?? 0;
    this.o.loopDelay?.reset();
  }

  finished(outcome: SnapshotOutcome): void {
    const kind = this.running ?? 'aof';
    this.running = null;
    const stats = this.kinds[kind];
    const now = this.o.now();
    stats.lastMs = now - stats.startedAt;
    stats.startedAt = -1;
    stats.lastOk = outcome.error === null;
    stats.failures = stats.lastOk ? 0 : stats.failures + 1;
    this.loopDelayMaxMs = this.o.loopDelay?.maxMs() ?? -1;
    if (outcome.error !== null) {
      this.o.logger?.(
        'warn',
        `Snapshot at entry ${outcome.meta.index} failed: ${outcome.error.message}`,
      );
      return;
    }
    const group = this.group;
    // The time the file records (its cut), so LASTSAVE reads the same after a restart.
    this.lastSaveMs = (group === null ? null : this.o.store.snapshotMadeAt(group.id)) ?? now;
    this.savedMark = this.startMark;
    this.lastCowBytes = outcome.copiedBytes;
    if (group !== null) this.diskBytesAtSnapshot = this.o.store.logFacts(group.id).diskBytes;
  }

  /** The group's state was replaced by a snapshot from its leader (saved as ours). */
  restored(_meta: SnapshotMeta): void {
    this.lastSaveMs = this.o.now();
    this.savedMark = this.applier?.appliedEntries ?? 0;
  }

  status(): PersistenceStatus {
    const now = this.o.now();
    const group = this.group;
    const facts = group === null ? null : this.o.store.logFacts(group.id);
    return {
      changesSinceLastSave: this.changes(),
      lastSaveTime: this.lastSave(),
      rdb: this.kinds.rdb.status(now),
      aofRewrite: this.kinds.aof.status(now),
      lastCowBytes: this.lastCowBytes,
      loadKeysLoaded: this.loadedKeys,
      lastSnapshotLoopDelayMaxMs: this.loopDelayMaxMs,
      log: {
        firstIndex: facts?.firstIndex ?? 0,
        lastIndex: facts?.lastIndex ?? 0,
        snapshotIndex: facts?.snapshotIndex ?? 0,
        diskBytes: facts?.diskBytes ?? 0,
        snapshotBytes: facts?.snapshotBytes ?? 0,
        diskBytesAtSnapshot: this.diskBytesAtSnapshot,
        fsync: this.o.fsync(),
        lastWriteOk: facts?.lastWriteOk ?? true,
      },
    };
  }

  private changes(): number {
    return Math.max(0, (this.applier?.appliedEntries ?? 0) - this.savedMark);
  }

  /** A snapshot as soon as none runs; resolves once it is durable (null) or failed. */
  private saveNow(): Promise<string | null> {
    return new Promise((resolve) => {
      this.takeWhenFree('rdb', (outcome) => resolve(failureOf(outcome)));
    });
  }

  private start(kind: Kind): void {
    this.takeWhenFree(kind, () => {});
  }

  /** Takes a snapshot of `kind` once none runs; `done` when it ended. */
  private takeWhenFree(kind: Kind, done: (outcome: SnapshotOutcome) => void): void {
    const group = this.group;
    if (group === null) {
      done({ meta: NO_META, error: new Error('no log'), bytes: 0, copiedBytes: 0 });
      return;
    }
    this.kinds[kind].scheduled = false;
    this.asking = kind;
    if (group.snapshotNow(done)) return;
    this.asking = 'aof';
    group.snapshots.whenDone(() => this.takeWhenFree(kind, done));
  }
}

const ANOTHER_CHILD =
  "Another child process is active (AOF?): can't BGSAVE right now. " +
  'Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.';

const NO_META: SnapshotMeta = { index: 0, term: 0, confState: EMPTY_CONF_STATE };

function failureOf(outcome: SnapshotOutcome): string | null {
  return outcome.error === null ? null : `ERR ${outcome.error.message}`;
}
