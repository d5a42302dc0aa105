/**
 * One group's view of the write-ahead log, in memory: the entries since the last
 * compaction, the hard state and the latest snapshot's metadata. The Raft core reads it
 * through LogStorage; the WAL changes it as records are saved or replayed.
 */
import { CompactedError, UnavailableError, type LogStorage } from '../raft/log-storage.js';
import {
  EMPTY_BYTES,
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  type ConfState,
  type Entry,
  type GroupId,
  type HardState,
  type Snapshot,
  type SnapshotMeta,
} from '../raft/types.js';

export const EMPTY_SNAPSHOT_META: SnapshotMeta = { index: 0, term: 0, confState: EMPTY_CONF_STATE };

/** Supplies the data of the newest snapshot (which lives in a snapshot file, not the WAL). */
export type SnapshotDataLoader = (group: GroupId, meta: SnapshotMeta) => Uint8Array;

export const noSnapshotData: SnapshotDataLoader = () => EMPTY_BYTES;

/** What a segment's head records about a group: its state when the segment began. */
export interface GroupCheckpoint {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta;
  readonly compactedIndex: number;
  readonly compactedTerm: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
}

export class GroupLog implements LogStorage {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshotMeta: SnapshotMeta = EMPTY_SNAPSHOT_META;
  /** The memory floor: entries <= compacted are not held here (Raft's firstIndex - 1). */
  private compacted = 0;
  private compactedTerm = 0;
  /**
   * The floor on disk: what compaction records say. It trails `compacted` when entries
   * were released from memory (see `release`) but are still needed for replay.
   */
  private diskCompacted = 0;
  private diskCompactedTerm = 0;
  /**
   * Entries live at ents[head..]; compaction moves `head`, clearing the slots it passes
   * (a dead entry held until the next trim would outlive young-generation collections),
   * and trims now and then.
   */
  private ents: (Entry | null)[] = [];
  private head = 0;
  /**
   * During replay only: entries up to this index sat in deleted segments, so a later
   * compaction must cover them (0 = none missing).
   */
  missingUntil = 0;

  constructor(
    readonly group: GroupId,
    private readonly loadSnapshotData: SnapshotDataLoader = noSnapshotData,
  ) {}

  initialState(): { hardState: HardState; confState: ConfState } {
    // Only committed entries are applied, so a snapshot's index is committed even when
    // the state machine ran ahead of the last HardState saved (entries applied while a
    // flush was under way) and the process stopped before the next one.
    const { hardState, snapshotMeta } = this;
    const commit = Math.max(hardState.commit, snapshotMeta.index);
    return {
      hardState: commit === hardState.commit ? hardState : { ...hardState, commit },
      confState: snapshotMeta.confState,
    };
  }

  firstIndex(): number {
    return this.compacted + 1;
  }

  /** The index of the snapshot the log starts after (0 for none). */
  get snapshotIndex(): number {
    return this.snapshotMeta.index;
  }

  lastIndex(): number {
    return this.compacted + this.ents.length - this.head;
  }

  term(i: number): number {
    if (i < this.compacted) throw new CompactedError(i);
    if (i === this.compacted) return this.compactedTerm;
    if (i > this.lastIndex()) throw new UnavailableError(i);
    return this.at(i).term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo <= this.compacted) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.at(i);
      bytes += e.data.length;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  snapshot(): Snapshot {
    const meta = this.snapshotMeta;
    return { meta, data: meta.index === 0 ? EMPTY_BYTES : this.loadSnapshotData(this.group, meta) };
  }

  /** Whether anything about this group would need a checkpoint. */
  hasState(): boolean {
    return (
      this.lastIndex() > 0 ||
      this.hardState.term > 0 ||
      this.hardState.vote > 0 ||
      this.hardState.commit > 0
    );
  }

  checkpoint(): GroupCheckpoint {
    const lastIndex = this.lastIndex();
    return {
      hardState: this.hardState,
      snapshot: this.snapshotMeta,
      compactedIndex: this.diskCompacted,
      compactedTerm: this.diskCompactedTerm,
      lastIndex,
      lastTerm: this.term(lastIndex),
    };
  }

  private at(i: number): Entry {
    return this.ents[this.head + i - this.compacted - 1] as Entry;
  }

  /**
   * Raft's append: entries at or below the last index replace the conflicting suffix.
   * A gap after the last index is a programmer error, except in replay (`replaying`),
   * where it means the entries before it were in a segment deleted after compaction.
   */
  append(entries: readonly Entry[], replaying = false): void {
    const first = entries[0];
    if (first === undefined) return;
    const last = this.lastIndex();
    if (first.index > last + 1) {
      if (!replaying) {
        throw new Error(`wal: group ${this.group} append at ${first.index} after ${last}`);
      }
      this.resetAt(first.index - 1, 0);
      this.missingUntil = first.index - 1;
    }
    let skip = 0;
    // Entries at or below the compaction point are already part of the snapshot.
    while (skip < entries.length && (entries[skip] as Entry).index <= this.compacted) skip++;
    if (skip === entries.length) return;
    const from = (entries[skip] as Entry).index;
    this.ents.length = this.head + from - this.compacted - 1;
    for (let i = skip; i < entries.length; i++) this.ents.push(entries[i] as Entry);
  }

  /** The compaction point on disk (see diskCompacted). */
  get compactedOnDisk(): number {
    return this.diskCompacted;
  }

  /** Drops entries <= index; `term` is the term of entry `index`. */
  compactTo(index: number, term: number): void {
    if (index >= this.missingUntil) this.missingUntil = 0;
    if (index >= this.diskCompacted) {
      this.diskCompacted = index;
      this.diskCompactedTerm = term;
    }
    this.trimTo(index, term);
  }

  /**
   * Drops entries <= index from memory only: they stay on disk for replay and count for
   * nothing in segment deletion. For a group no peer will ever ask for them again (one
   * voter, no learners), applied entries need not be held.
   */
  release(index: number): void {
    if (index <= this.compacted || index > this.lastIndex()) return;
    this.trimTo(index, this.term(index));
  }

  private trimTo(index: number, term: number): void {
    if (index < this.compacted) return;
    if (index === this.compacted) {
      // Replay may have reset here without knowing the term; the record knows it.
      this.compactedTerm = term;
      return;
    }
    if (index >= this.lastIndex()) {
      this.resetAt(index, term);
      return;
    }
    const head = this.head + index - this.compacted;
    this.ents.fill(null, this.head, head);
    this.head = head;
    this.compacted = index;
    this.compactedTerm = term;
    // Trim the dead prefix once it outweighs the live part, so compaction stays O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.ents.length) {
      this.ents = this.ents.slice(this.head);
      this.head = 0;
    }
  }

  /** An installed snapshot: the log restarts after it. */
  restart(meta: SnapshotMeta): void {
    this.resetAt(meta.index, meta.term);
    this.diskCompacted = meta.index;
    this.diskCompactedTerm = meta.term;
    this.snapshotMeta = meta;
    this.missingUntil = 0;
  }

  /** A snapshot taken locally: snapshot() returns it from now on; the log is kept. */
  noteSnapshot(meta: SnapshotMeta): void {
    if (meta.index > this.snapshotMeta.index) this.snapshotMeta = meta;
  }

  /** Replays a segment head's record of this group's state at that point. */
  applyCheckpoint(cp: GroupCheckpoint): void {
    this.hardState = cp.hardState;
    this.snapshotMeta = cp.snapshot;
    this.compactTo(cp.compactedIndex, cp.compactedTerm);
    if (this.holds(cp.lastIndex, cp.lastTerm)) {
      this.ents.length = this.head + cp.lastIndex - this.compacted;
      return;
    }
    // The entries after the compaction point were in deleted segments: a later record
    // must compact past them, or start-up fails.
    this.resetAt(cp.lastIndex, cp.lastTerm);
    if (cp.lastIndex > cp.compactedIndex) {
      this.missingUntil = Math.max(this.missingUntil, cp.lastIndex);
    }
  }

  private holds(index: number, term: number): boolean {
    return index >= this.compacted && index <= this.lastIndex() && this.term(index) === term;
  }

  private resetAt(index: number, term: number): void {
    this.ents = [];
    this.head = 0;
    this.compacted = index;
    this.compactedTerm = term;
  }
}
