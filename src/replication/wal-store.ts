/**
 * The RaftStore of a real node: entries and hard state go to the node's write-ahead
 * log, snapshot data to snapshot files. A snapshot's file is complete and synced before
 * the log records that refer to it are written, so a restart never finds a snapshot
 * marker without its data.
 */
import { joinPath, type FileSystem } from '../storage/file-system.js';
import { readSnapshotFile, SnapshotFiles } from '../storage/snapshot-file.js';
import { Wal, type SyncPolicy, type WalLogger } from '../storage/wal.js';
import type { GroupLog } from '../storage/group-log.js';
import { SnapshotUnavailableError } from '../raft/log-storage.js';
import type { Entry, GroupId, HardState, Snapshot, SnapshotMeta } from '../raft/types.js';
import type { RaftStore } from './multi-raft.js';
import type { SnapshotSink } from './background-snapshot.js';

export interface WalStoreOptions {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly policy: SyncPolicy;
  readonly now: () => number;
  readonly segmentBytes?: number;
  readonly logger?: WalLogger;
}

type Done = (err: Error | null) => void;

/** See WalStore.logFacts. */
export interface LogFacts {
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly diskBytes: number;
  readonly snapshotBytes: number;
  readonly lastWriteOk: boolean;
}

export class WalStore implements RaftStore {
  readonly wal: Wal;
  readonly snapshots: SnapshotFiles;
  /** Snapshot files being written; a flush waits for them. */
  private writing = 0;
  private afterWrites: (() => void)[] = [];
  private failure: Error | null = null;
  /** Groups taking a snapshot of their own; a second request meanwhile is skipped. */
  private readonly compacting = new Set<GroupId>();
  /** The last snapshot read back, for a leader sending it to several followers. */
  private cached: { group: GroupId; snapshot: Snapshot } | null = null;
  /** Snapshot files superseded once the next flush makes the log's record durable. */
  private prunable = new Map<GroupId, number>();
  /** When each group's newest snapshot file was made (unix ms), as read or written here. */
  private readonly madeAt = new Map<GroupId, number>();

  constructor(private readonly options: WalStoreOptions) {
    this.snapshots = new SnapshotFiles(options.fs, options.dir);
    this.wal = Wal.open({
      fs: options.fs,
      dir: options.dir,
      policy: options.policy,
      now: options.now,
      snapshotData: (group, meta) => this.snapshotData(group, meta),
      ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
    // Files the log does not name are leftovers of a crash (or of superseded snapshots).
    const groups = new Set(this.snapshots.list().map((info) => info.group));
    for (const group of groups) {
      this.snapshots.keepOnly(group, this.wal.group(group).snapshotIndex);
    }
  }

  log(group: GroupId): GroupLog {
    return this.wal.group(group);
  }

  save(
    group: GroupId,
    update: { hardState?: HardState; entries?: readonly Entry[]; snapshot?: Snapshot },
  ): void {
    if (update.snapshot !== undefined) {
      const made = this.options.now();
      this.writeSnapshot(group, update.snapshot, made, (err) => {
        if (err === null) this.madeAt.set(group, made);
      });
      this.prunable.set(group, update.snapshot.meta.index);
    }
    this.wal.save(group, update);
  }

  flush(done: Done): void {
    if (this.writing === 0) {
      this.flushWal(done);
      return;
    }
    this.afterWrites.push(() => {
      if (this.failure !== null) done(this.failure);
      else this.flushWal(done);
    });
  }

  /** Flushes the log; the snapshot files it no longer names go once it is durable. */
  private flushWal(done: Done): void {
    const prune = this.prunable;
    this.prunable = new Map();
    this.wal.flush((err) => {
      if (err === null) for (const [group, index] of prune) this.snapshots.keepOnly(group, index);
      done(err);
    });
  }

  compact(group: GroupId, snapshot: Snapshot): void {
    if (this.compacting.has(group) || this.failure !== null) return;
    this.compacting.add(group);
    const made = this.options.now();
    this.writeSnapshot(group, snapshot, made, (err) => {
      this.compacting.delete(group);
      if (err === null) this.snapshotTaken(group, snapshot.meta, made);
    });
  }

  /**
   * A snapshot streamed into its file piece by piece. Unlike a received one, a flush does
   * not wait for it, and a failure to write it is the snapshot's, not the log's.
   */
  beginSnapshot(group: GroupId, meta: SnapshotMeta): SnapshotSink {
    const made = this.options.now();
    const writer = this.snapshots.create(group, meta, made);
    return {
      write: (piece, done) => writer.write(piece, done),
      finish: (done) =>
        writer.finish((err) => {
          if (err !== null) return done(err);
          this.snapshotTaken(group, meta, made);
          // Durable once the log names it: a file the log does not name is a leftover.
          this.flush(done);
        }),
      abort: () => writer.abort(() => {}),
    };
  }

  /** Where the group's log stands on disk, for INFO. */
  logFacts(group: GroupId): LogFacts {
    const log = this.wal.group(group);
    const fs = this.options.fs;
    const walDir = joinPath(this.options.dir, 'wal');
    let diskBytes = 0;
    for (const name of fs.readdir(walDir)) diskBytes += fs.stat(joinPath(walDir, name))?.size ?? 0;
    const latest = this.snapshots.find(group, log.snapshotIndex);
    return {
      firstIndex: log.compactedOnDisk + 1,
      lastIndex: log.lastIndex(),
      snapshotIndex: log.snapshotIndex,
      diskBytes,
      snapshotBytes: latest === null ? 0 : (fs.stat(latest.path)?.size ?? 0),
      lastWriteOk: this.wal.failed === null,
    };
  }

  /** When the group's newest snapshot file was made (unix ms); null if unknown or none. */
  snapshotMadeAt(group: GroupId): number | null {
    const made = this.madeAt.get(group);
    return made === undefined || made === 0 ? null : made;
  }

  /** The group's snapshot file at `meta` is durable: the log names it and compacts to it. */
  private snapshotTaken(group: GroupId, meta: SnapshotMeta, made: number): void {
    const current = this.wal.group(group).snapshotIndex;
    // A snapshot received from the leader meanwhile is newer: this one is moot.
    if (current > meta.index) {
      this.prunable.set(group, current);
      return;
    }
    this.madeAt.set(group, made);
    if (current < meta.index) {
      this.wal.recordSnapshot(group, meta);
      this.wal.compact(group, meta.index, meta.term);
    }
    this.prunable.set(group, meta.index);
  }

  release(group: GroupId, index: number): void {
    this.wal.group(group).release(index);
  }

  /** The everysec policy's once-a-second fsync; the node's timer calls it. */
  syncIfDue(): void {
    this.wal.syncIfDue();
  }

  close(done: Done): void {
    this.wal.close(done);
  }

  private writeSnapshot(group: GroupId, snapshot: Snapshot, made: number, done: Done): void {
    this.writing++;
    const writer = this.snapshots.create(group, snapshot.meta, made);
    writer.write(snapshot.data, (err) => {
      if (err !== null) return this.snapshotWritten(err, done);
      writer.finish((err2) => this.snapshotWritten(err2, done));
    });
  }

  private snapshotWritten(err: Error | null, done: Done): void {
    this.writing--;
    if (err !== null) {
      this.failure ??= err;
      this.options.logger?.('warn', `snapshot file write failed: ${err.message}`);
    }
    done(err);
    if (this.writing > 0) return;
    const waiting = this.afterWrites;
    this.afterWrites = [];
    for (const fn of waiting) fn();
  }

  private snapshotData(group: GroupId, meta: SnapshotMeta): Uint8Array {
    const c = this.cached;
    if (c !== null && c.group === group && c.snapshot.meta.index === meta.index) {
      return c.snapshot.data;
    }
    const info = this.snapshots.find(group, meta.index);
    // The file of a snapshot just received is still being written: Raft retries later.
    if (info === null) throw new SnapshotUnavailableError();
    const read = readSnapshotFile(this.options.fs, info.path);
    if (!this.madeAt.has(group)) this.madeAt.set(group, read.createdMs);
    this.cached = { group, snapshot: read };
    return read.data;
  }
}
