/**
 * A group's snapshots, taken one at a time. An applier that can write its state in
 * pieces (GroupApplier.beginSnapshot) has it written piece by piece, one piece per
 * event-loop turn, straight into the store's snapshot file (RaftStore.beginSnapshot);
 * entries keep applying in between, and the applier keeps the snapshot a cut at the
 * index where it began. Once the file is durable the store compacts the log to it. An
 * applier that cannot is snapshotted at once, as a whole, and handed to
 * RaftStore.compact.
 */
import type { GroupId, SnapshotMeta } from '../raft/types.js';
import type { GroupApplier, RaftStore } from './multi-raft.js';

/** An applier's state as of one index, produced in pieces. */
export interface SnapshotSource {
  /** The next piece (a bounded amount of work: one event-loop turn's worth); null at the end. */
  next(): Uint8Array | null;
  /** Stops early; the applier stops keeping old state for it. */
  abort(): void;
  /** Bytes of state kept for the snapshot because it changed while it ran. */
  readonly copiedBytes: number;
}

/** Where a store takes a streamed snapshot; call one method at a time, each after the last's done. */
export interface SnapshotSink {
  write(piece: Uint8Array, done: (err: Error | null) => void): void;
  /** Makes the snapshot durable, then compacts the group's log to it. */
  finish(done: (err: Error | null) => void): void;
  /** Gives the snapshot up (nothing may be in progress). */
  abort(): void;
}

/** What became of a snapshot. */
export interface SnapshotOutcome {
  readonly meta: SnapshotMeta;
  /** null: durable and the log compacted to it. */
  readonly error: Error | null;
  /** Bytes written, and bytes of state kept aside for it (copy-on-write). */
  readonly bytes: number;
  readonly copiedBytes: number;
}

/** Told when a group's snapshots start and end (INFO persistence, SAVE, LASTSAVE). */
export interface SnapshotObserver {
  started(meta: SnapshotMeta): void;
  finished(outcome: SnapshotOutcome): void;
  /** The group's state was replaced by a snapshot from its leader. */
  restored?(meta: SnapshotMeta): void;
}

export class SnapshotAbortedError extends Error {
  constructor() {
    super('snapshot aborted');
  }
}

/** One snapshot being streamed from a source into a sink. */
class StreamedSnapshot {
  private bytes = 0;
  private busy = false;
  private aborted = false;

  constructor(
    readonly meta: SnapshotMeta,
    private readonly source: SnapshotSource,
    private readonly sink: SnapshotSink,
    private readonly defer: (fn: () => void) => void,
    private readonly done: (outcome: SnapshotOutcome) => void,
  ) {}

  start(): void {
    this.defer(() => this.step());
  }

  /** Stops at once: the source right away, the sink once its current write is back. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.source.abort();
    if (!this.busy) this.end(new SnapshotAbortedError());
  }

  private step(): void {
    if (this.aborted) return;
    let piece: Uint8Array | null;
    try {
      piece = this.source.next();
    } catch (err) {
      this.aborted = true;
      this.source.abort();
      return this.end(err instanceof Error ? err : new Error(String(err)));
    }
    this.busy = true;
    if (piece === null) {
      this.sink.finish((err) => this.ioDone(err, true));
      return;
    }
    this.bytes += piece.length;
    this.sink.write(piece, (err) => this.ioDone(err, false));
  }

  private ioDone(err: Error | null, finished: boolean): void {
    this.busy = false;
    if (this.aborted) return this.end(new SnapshotAbortedError());
    if (err !== null) {
      this.aborted = true;
      this.source.abort();
      return this.end(err);
    }
    if (finished) return this.end(null);
    this.defer(() => this.step());
  }

  private end(error: Error | null): void {
    if (error !== null) this.sink.abort();
    const { meta, bytes } = this;
    this.done({ meta, error, bytes, copiedBytes: this.source.copiedBytes });
  }
}

/** Collects a streamed snapshot for a store that takes only whole ones. */
function wholeSnapshotSink(store: RaftStore, group: GroupId, meta: SnapshotMeta): SnapshotSink {
  const pieces: Uint8Array[] = [];
  return {
    write: (piece, done) => {
      pieces.push(piece);
      done(null);
    },
    finish: (done) => {
      store.compact(group, { meta, data: Buffer.concat(pieces) });
      done(null);
    },
    abort: () => {},
  };
}

/** Takes a group's snapshots, one at a time. */
export class GroupSnapshots {
  observer: SnapshotObserver | null = null;
  private current: StreamedSnapshot | null = null;
  private readonly waiting: ((outcome: SnapshotOutcome) => void)[] = [];

  constructor(
    private readonly group: GroupId,
    private readonly applier: GroupApplier,
    private readonly store: RaftStore,
    private readonly defer: (fn: () => void) => void,
  ) {}

  get running(): boolean {
    return this.current !== null;
  }

  /**
   * Takes a snapshot of the applier's state at `meta.index` (its last applied entry);
   * `done` runs once it is durable and the log compacted, or failed. False, and
   * nothing done, while another one runs.
   */
  take(meta: SnapshotMeta, done?: (outcome: SnapshotOutcome) => void): boolean {
    if (this.current !== null) return false;
    this.observer?.started(meta);
    if (this.applier.beginSnapshot === undefined) {
      const data = this.applier.snapshot();
      this.store.compact(this.group, { meta, data });
      this.end({ meta, error: null, bytes: data.length, copiedBytes: 0 }, done);
      return true;
    }
    let sink: SnapshotSink;
    try {
      sink =
        this.store.beginSnapshot?.(this.group, meta) ??
        wholeSnapshotSink(this.store, this.group, meta);
    } catch (err) {
      // No file to write to (a full or failing disk): this snapshot fails, the node goes on.
      const error = err instanceof Error ? err : new Error(String(err));
      this.end({ meta, error, bytes: 0, copiedBytes: 0 }, done);
      return true;
    }
    const source = this.applier.beginSnapshot();
    this.current = new StreamedSnapshot(meta, source, sink, this.defer, (outcome) => {
      this.current = null;
      this.end(outcome, done);
    });
    this.current.start();
    return true;
  }

  /** Runs `done` when the running snapshot ends (at once, with null, if none runs). */
  whenDone(done: (outcome: SnapshotOutcome | null) => void): void {
    if (this.current === null) done(null);
    else this.waiting.push(done);
  }

  /** Gives up the running snapshot, if any (a newer state arrived, or the node stops). */
  abort(): void {
    this.current?.abort();
  }

  /** The group's state is now a snapshot received from its leader. */
  restored(meta: SnapshotMeta): void {
    this.observer?.restored?.(meta);
  }

  private end(outcome: SnapshotOutcome, done?: (outcome: SnapshotOutcome) => void): void {
    this.observer?.finished(outcome);
    done?.(outcome);
    const waiting = this.waiting.splice(0);
    for (const fn of waiting) fn(outcome);
  }
}
