/**
 * The node's one write-ahead log, shared by all of its Raft groups.
 *
 * `save` (any number of times in an event-loop turn) frames records into a buffer and
 * updates the groups' in-memory views at once; `flush(done)` writes everything buffered
 * in one write and, by policy, one fdatasync, then calls `done`. Flushes are serialized:
 * one issued while another is in flight waits for it and shares the next write.
 *
 * Segments rotate at `segmentBytes`. A segment begins with a checkpoint of every group's
 * state, so once every group with entries in a segment has compacted past them (and a
 * later segment's checkpoint is durable) the segment is deleted.
 */
import { Writer, writeHardState, writeSnapshotMeta } from '../raft/codec.js';
import type { Entry, GroupId, HardState, Snapshot, SnapshotMeta } from '../raft/types.js';
import { joinPath, series, type Done, type Fd, type FileSystem, type Step } from './file-system.js';
import { GroupLog, noSnapshotData, type SnapshotDataLoader } from './group-log.js';
import {
  RecordType,
  frameRecord,
  segmentHeader,
  writeCheckpoint,
  writeEntries,
} from './records.js';
import { replay, segmentName, type Segment, type WalLogger } from './wal-replay.js';

export { WalCorruptionError, type WalLogger } from './wal-replay.js';

/** Redis's appendfsync: when a flush is durable. */
export type SyncPolicy = 'always' | 'everysec' | 'no';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const EVERYSEC_MS = 1000;
const SPARE_WRITER_BYTES_MAX = 4 * 1024 * 1024;

export interface WalOptions {
  readonly fs: FileSystem;
  /** The node's directory; segments live in `<dir>/wal`. */
  readonly dir: string;
  readonly policy: SyncPolicy;
  /** Milliseconds, for the everysec policy. */
  readonly now: () => number;
  readonly segmentBytes?: number;
  readonly logger?: WalLogger;
  /** Loads a snapshot's data for LogStorage.snapshot() (default: empty data). */
  readonly snapshotData?: SnapshotDataLoader;
}

/** What one Ready asks to persist for a group; nulls (as in Ready) mean "nothing". */
export interface SaveRequest {
  readonly hardState?: HardState | null;
  readonly entries?: readonly Entry[];
  readonly snapshot?: Snapshot | null;
}

export interface WalStats {
  writes: number;
  syncs: number;
  bytesWritten: number;
}

/** Records bound for one segment; `fresh` when the segment is created by this chunk. */
interface Chunk {
  readonly seq: number;
  readonly fresh: boolean;
  readonly writer: Writer;
  /** Per group, the compaction point its records reach (for segment deletion). */
  readonly compactions: Map<GroupId, number>;
}

export class Wal {
  readonly stats: WalStats = { writes: 0, syncs: 0, bytesWritten: 0 };
  private readonly fs: FileSystem;
  private readonly walDir: string;
  private policy: SyncPolicy;
  private readonly now: () => number;
  private readonly segmentBytes: number;
  private readonly logger: WalLogger;
  private readonly loader: SnapshotDataLoader;
  private readonly groupLogs: Map<GroupId, GroupLog>;
  private readonly segments = new Map<number, Segment>();

  private activeFd: Fd | null = null;
  private activeSeq = 0;
  /** The segment new records go to, and its size counting what is buffered. */
  private tailSeq = 0;
  private tailBytes = 0;
  private tailHasRecords = false;
  private chunks: Chunk[] = [];
  private readonly spareWriters: Writer[] = [];

  private waiters: Done[] = [];
  private inFlight = false;
  private syncRequested = false;
  private unsyncedBytes = 0;
  private lastSyncAt: number;
  private writtenCompactions = new Map<GroupId, number>();
  private readonly syncedCompacted = new Map<GroupId, number>();
  private deletionDue = false;
  private failure: Error | null = null;
  private closed = false;
  private closeWaiter: Done | null = null;

  /** Opens (or creates) the log under `dir` and replays it; throws on corruption. */
  static open(options: WalOptions): Wal {
    return new Wal(options);
  }

  private constructor(o: WalOptions) {
    this.fs = o.fs;
    this.walDir = joinPath(o.dir, 'wal');
    this.policy = o.policy;
    this.now = o.now;
    this.segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.logger = o.logger ?? (() => {});
    this.loader = o.snapshotData ?? noSnapshotData;
    this.lastSyncAt = this.now();
    this.fs.mkdir(this.walDir);
    const replayed = replay(this.fs, this.walDir, this.loader, this.logger);
    this.groupLogs = replayed.groups;
    for (const seg of replayed.segments) this.segments.set(seg.seq, seg);
    // What replay found compacted counts as written: the first sync makes it durable.
    for (const [group, log] of this.groupLogs) {
      this.writtenCompactions.set(group, log.firstIndex() - 1);
    }
    const last = replayed.segments[replayed.segments.length - 1];
    if (last === undefined) {
      this.cut();
    } else {
      this.activeFd = this.fs.open(last.path, 'append');
      this.activeSeq = this.tailSeq = last.seq;
      this.tailBytes = replayed.lastBytes;
      this.tailHasRecords = true;
    }
  }

  /** The group's view (created empty when the log has nothing of it). */
  group(id: GroupId): GroupLog {
    let log = this.groupLogs.get(id);
    if (log === undefined) {
      if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
        throw new RangeError(`bad group ${id}`);
      }
      log = new GroupLog(id, this.loader);
      this.groupLogs.set(id, log);
    }
    return log;
  }

  /** Groups the log holds state for, ascending. */
  groups(): GroupId[] {
    return [...this.groupLogs.keys()].filter((g) => this.group(g).hasState()).sort((a, b) => a - b);
  }

  /** Buffers what a Ready asks to persist and applies it to the group's view. */
  save(group: GroupId, req: SaveRequest): void {
    this.assertOpen();
    const log = this.group(group);
    if (req.snapshot != null) {
      const meta = req.snapshot.meta;
      this.record(RecordType.Snapshot, (w) => writeSnapshotMeta(w.u32(group), meta));
      log.restart(meta);
      this.noteCompaction(group, meta.index);
    }
    const entries = req.entries;
    if (entries !== undefined && entries.length > 0) {
      this.record(RecordType.Entries, (w) => writeEntries(w, group, entries));
      log.append(entries);
      const seg = this.segments.get(this.tailSeq) as Segment;
      const last = (entries[entries.length - 1] as Entry).index;
      seg.maxIndex.set(group, Math.max(seg.maxIndex.get(group) ?? 0, last));
    }
    const hs = req.hardState;
    if (hs != null) {
      this.record(RecordType.HardState, (w) => writeHardState(w.u32(group), hs));
      log.hardState = hs;
    }
  }

  /** Drops the group's entries <= index (index <= lastIndex) and logs a marker. */
  /** `term`: the term of entry `index`, when it may already be released from memory. */
  compact(group: GroupId, index: number, term?: number): void {
    this.assertOpen();
    const log = this.group(group);
    if (index <= log.compactedOnDisk) return;
    if (index > log.lastIndex()) {
      throw new RangeError(
        `wal: group ${group} compact(${index}) past last index ${log.lastIndex()}`,
      );
    }
    term ??= log.term(index);
    this.record(RecordType.Compact, (w) => w.u32(group).u64(index).u64(term));
    log.compactTo(index, term);
    this.noteCompaction(group, index);
  }

  /** A snapshot was written locally: snapshot() returns it from now on; the log is kept. */
  recordSnapshot(group: GroupId, meta: SnapshotMeta): void {
    this.assertOpen();
    this.record(RecordType.SnapshotTaken, (w) => writeSnapshotMeta(w.u32(group), meta));
    this.group(group).noteSnapshot(meta);
  }

  /**
   * Writes everything buffered; `done` runs once it is durable per the policy (always:
   * synced; everysec, no: written). With nothing buffered or in flight, or after a
   * failure, `done` runs before flush returns. An I/O error is sticky: every later flush
   * fails with it, and the node must restart.
   */
  flush(done: Done): void {
    if (this.failure !== null) return done(this.failure);
    if (this.closed) return done(new Error('wal: closed'));
    this.waiters.push(done);
    if (!this.inFlight) this.startRound();
  }

  /** For the node's periodic timer under everysec: syncs if a second has passed. */
  syncIfDue(): void {
    if (this.policy !== 'everysec' || this.failure !== null || this.closed) return;
    if (this.now() - this.lastSyncAt < EVERYSEC_MS) return;
    if (this.unsyncedBytes === 0 && !this.inFlight) return;
    this.syncRequested = true;
    if (!this.inFlight) this.startRound();
  }

  /** CONFIG SET appendfsync: flushes from now on follow `policy`. */
  setPolicy(policy: SyncPolicy): void {
    this.policy = policy;
  }

  /** Flushes, syncs whatever the policy, and closes the active segment. */
  close(done: Done): void {
    if (this.closed || this.closeWaiter !== null) return done(new Error('wal: already closed'));
    this.closeWaiter = done;
    this.syncRequested = true;
    if (!this.inFlight) this.startRound();
  }

  /** Once nothing is buffered or in flight: closes the active segment for close(). */
  private finishClose(): void {
    const done = this.closeWaiter;
    if (done === null || this.inFlight) return;
    this.closeWaiter = null;
    this.closed = true;
    const fd = this.activeFd;
    this.activeFd = null;
    if (fd === null) return done(this.failure);
    this.fs.close(fd, (err) => done(this.failure ?? err));
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Sequence numbers of the segment files, ascending (for tests and INFO). */
  segmentSeqs(): number[] {
    return [...this.segments.keys()].filter((seq) => seq <= this.activeSeq);
  }

  private assertOpen(): void {
    if (this.closed || this.closeWaiter !== null) throw new Error('wal: closed');
  }

  private record(type: RecordType, body: (w: Writer) => void): void {
    if (this.tailBytes >= this.segmentBytes && this.tailHasRecords) this.cut();
    const chunk = this.tailChunk();
    this.tailBytes += frameRecord(chunk.writer, type, body);
    this.tailHasRecords = true;
  }

  private tailChunk(): Chunk {
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined) return last;
    const chunk = this.newChunk(this.tailSeq, false);
    this.chunks.push(chunk);
    return chunk;
  }

  private newChunk(seq: number, fresh: boolean): Chunk {
    const writer = this.spareWriters.pop() ?? new Writer(64 * 1024);
    writer.length = 0;
    return { seq, fresh, writer, compactions: new Map() };
  }

  /** Starts a new segment: its header, then every group's state as of now. */
  private cut(): void {
    const seq = this.tailSeq + 1;
    const path = joinPath(this.walDir, segmentName(seq));
    this.segments.set(seq, { seq, path, maxIndex: new Map(), headDurable: false });
    const chunk = this.newChunk(seq, true);
    this.chunks.push(chunk);
    const w = chunk.writer.raw(segmentHeader(seq));
    for (const group of this.groups()) {
      const cp = this.group(group).checkpoint();
      frameRecord(w, RecordType.Checkpoint, (w) => writeCheckpoint(w, group, cp));
    }
    frameRecord(w, RecordType.CheckpointEnd, () => {});
    this.tailSeq = seq;
    this.tailBytes = w.length;
    this.tailHasRecords = false;
  }

  private noteCompaction(group: GroupId, index: number): void {
    const compactions = this.tailChunk().compactions;
    compactions.set(group, Math.max(compactions.get(group) ?? 0, index));
  }

  /** One write per chunk (one, unless a segment was cut), then the sync the policy asks. */
  private startRound(): void {
    const chunks = this.chunks;
    this.chunks = [];
    const waiters = this.waiters;
    this.waiters = [];
    const newBytes = chunks.reduce((n, c) => n + c.writer.length, 0);
    const rotated = chunks.some((c) => c.fresh);
    const sync = rotated || this.syncDue(newBytes);
    if (newBytes === 0 && !sync) {
      this.syncRequested = false;
      notify(waiters, null);
      return this.finishClose();
    }
    this.inFlight = true;
    let notified = false;
    const notifyStep: Step = (next) => {
      notified = true;
      notify(waiters, null);
      next(null);
    };
    const steps: Step[] = [];
    for (const c of chunks) {
      if (c.fresh) {
        steps.push(
          (next) => this.seal(next),
          (next) => this.openSegment(c.seq, next),
        );
      }
      steps.push((next) => this.writeChunk(c, next));
    }
    if (this.policy !== 'always') steps.push(notifyStep);
    if (sync) steps.push((next) => this.syncActive(next));
    if (rotated) steps.push((next) => this.fs.syncDir(this.walDir, next));
    if (this.policy === 'always') steps.push(notifyStep);
    series(steps, (err) => this.endRound(err, notified ? [] : waiters));
  }

  private syncDue(newBytes: number): boolean {
    const pending = this.unsyncedBytes + newBytes;
    if (pending === 0) return false;
    if (this.policy === 'always' || this.syncRequested) return true;
    return this.policy === 'everysec' && this.now() - this.lastSyncAt >= EVERYSEC_MS;
  }

  private endRound(err: Error | null, unnotified: Done[]): void {
    this.inFlight = false;
    if (err !== null) {
      this.failure = err;
      this.logger('error', `wal: ${err.message}; the log takes no more writes`);
      const waiters = this.waiters;
      this.waiters = [];
      notify(unnotified, err);
      notify(waiters, err);
      return this.finishClose();
    }
    if (this.deletionDue) this.deleteSegments();
    if (this.waiters.length > 0 || this.syncRequested || this.closeWaiter !== null) {
      this.startRound();
    }
  }

  private writeChunk(c: Chunk, next: Done): void {
    const bytes = c.writer.written();
    this.fs.append(this.activeFd as Fd, bytes, (err) => {
      if (err !== null) return next(err);
      this.stats.writes++;
      this.stats.bytesWritten += bytes.length;
      this.unsyncedBytes += bytes.length;
      for (const [group, index] of c.compactions) {
        this.writtenCompactions.set(
          group,
          Math.max(this.writtenCompactions.get(group) ?? 0, index),
        );
      }
      // Reuse buffers of ordinary size; one grown by a huge batch goes to the GC.
      if (bytes.length <= SPARE_WRITER_BYTES_MAX) this.spareWriters.push(c.writer);
      next(null);
    });
  }

  /** fdatasync of the active segment: what was written before it becomes durable. */
  private syncActive(next: Done): void {
    const fd = this.activeFd as Fd;
    const seq = this.activeSeq;
    const compactions = this.writtenCompactions;
    this.writtenCompactions = new Map();
    this.unsyncedBytes = 0;
    this.lastSyncAt = this.now();
    this.syncRequested = false;
    this.fs.fdatasync(fd, (err) => {
      if (err !== null) return next(err);
      this.stats.syncs++;
      this.markDurable(seq, compactions);
      next(null);
    });
  }

  private markDurable(seq: number, compactions: Map<GroupId, number>): void {
    const seg = this.segments.get(seq);
    if (seg !== undefined && !seg.headDurable) {
      seg.headDurable = true;
      this.deletionDue = true;
    }
    for (const [group, index] of compactions) {
      if (index > (this.syncedCompacted.get(group) ?? 0)) {
        this.syncedCompacted.set(group, index);
        this.deletionDue = true;
      }
    }
  }

  /** Syncs and closes the active segment before the next one is opened. */
  private seal(next: Done): void {
    const fd = this.activeFd;
    if (fd === null) return next(null);
    series([(n) => this.syncActive(n), (n) => this.fs.close(fd, n)], (err) => {
      if (err === null) this.activeFd = null;
      next(err);
    });
  }

  private openSegment(seq: number, next: Done): void {
    const seg = this.segments.get(seq) as Segment;
    try {
      this.activeFd = this.fs.open(seg.path, 'truncate');
    } catch (err) {
      return next(err instanceof Error ? err : new Error(String(err)));
    }
    this.activeSeq = seq;
    next(null);
  }

  /**
   * A segment goes once every group with entries in it has durably compacted past them,
   * and a later segment's checkpoint (which supersedes its other records) is durable.
   */
  private deleteSegments(): void {
    this.deletionDue = false;
    let laterHeadDurable = false;
    for (const seg of [...this.segments.values()].reverse()) {
      if (seg.seq < this.activeSeq && laterHeadDurable && this.compactedPast(seg)) {
        this.segments.delete(seg.seq);
        this.unlinkSegment(seg);
      }
      if (seg.headDurable) laterHeadDurable = true;
    }
  }

  private compactedPast(seg: Segment): boolean {
    for (const [group, maxIndex] of seg.maxIndex) {
      if ((this.syncedCompacted.get(group) ?? 0) < maxIndex) return false;
    }
    return true;
  }

  private unlinkSegment(seg: Segment): void {
    try {
      this.fs.unlink(seg.path);
      this.logger('info', `wal: removed ${seg.path}: every group compacted past it`);
    } catch (err) {
      this.logger('warn', `wal: could not remove ${seg.path}: ${String(err)}`);
    }
  }
}

function notify(waiters: readonly Done[], err: Error | null): void {
  for (const done of waiters) done(err);
}
