import { MemoryStorage } from '../../src/raft/memory-storage.js';
import type { Entry, GroupId, HardState, Snapshot } from '../../src/raft/types.js';
import type { RaftStore } from '../../src/replication/multi-raft.js';

/** A RaftStore in memory whose flush completes in a later turn, counting flushes. */
export class MemoryRaftStore implements RaftStore {
  readonly logs = new Map<GroupId, MemoryStorage>();
  flushes = 0;
  /** Per group, the highest index it was told applied entries may leave memory up to. */
  readonly released = new Map<GroupId, number>();

  constructor(private readonly defer: (fn: () => void) => void) {}

  log(group: GroupId): MemoryStorage {
    let log = this.logs.get(group);
    if (log === undefined) this.logs.set(group, (log = new MemoryStorage()));
    return log;
  }

  save(
    group: GroupId,
    update: { hardState?: HardState; entries?: readonly Entry[]; snapshot?: Snapshot },
  ): void {
    const log = this.log(group);
    if (update.snapshot !== undefined) log.applySnapshot(update.snapshot);
    if (update.entries !== undefined) log.append(update.entries);
    if (update.hardState !== undefined) log.setHardState(update.hardState);
  }

  flush(done: (err: Error | null) => void): void {
    this.flushes++;
    this.defer(() => done(null));
  }

  release(group: GroupId, index: number): void {
    this.released.set(group, Math.max(this.released.get(group) ?? 0, index));
  }

  compact(group: GroupId, snapshot: Snapshot): void {
    const log = this.log(group);
    log.createSnapshot(snapshot.meta.index, snapshot.meta.confState, snapshot.data);
    log.compact(snapshot.meta.index);
  }
}
