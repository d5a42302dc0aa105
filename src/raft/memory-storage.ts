/**
 * A LogStorage in memory (etcd raft's MemoryStorage): the log since the last
 * compaction plus the newest snapshot. Used by tests and by the simulator's model of a
 * node's disk; the caller writes what a Ready asks with `applySnapshot`, `append` and
 * `setHardState`.
 */
import { CompactedError, UnavailableError, type LogStorage } from './log-storage.js';
import { limitSize } from './raft-log.js';
import {
  EMPTY_BYTES,
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  EntryType,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

/** The snapshot asked for is not newer than the one held. */
export class SnapshotOutOfDateError extends Error {
  constructor(index: number, held: number) {
    super(`raft: snapshot at ${index} is not newer than the existing snapshot at ${held}`);
  }
}

function markerEntry(index: number, term: number): Entry {
  return { term, index, type: EntryType.Normal, data: EMPTY_BYTES };
}

export class MemoryStorage implements LogStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  /**
   * ents[0] stands for the compaction point: its index and term are the last compacted
   * entry's (or the snapshot's). The real entries follow.
   */
  private ents: Entry[] = [markerEntry(0, 0)];

  /** An empty log; `confState` is the membership it starts with (as if snapshotted). */
  constructor(confState: ConfState = EMPTY_CONF_STATE) {
    this.snap = { meta: { index: 0, term: 0, confState }, data: EMPTY_BYTES };
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.offset();
    if (i < offset) throw new CompactedError(i);
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError(i);
    return e.term;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log by `snap`. Throws SnapshotOutOfDateError if it is not newer. */
  applySnapshot(snap: Snapshot): void {
    const held = this.snap.meta.index;
    if (held !== 0 && held >= snap.meta.index) {
      throw new SnapshotOutOfDateError(snap.meta.index, held);
    }
    this.snap = snap;
    this.ents = [markerEntry(snap.meta.index, snap.meta.term)];
  }

  /**
   * Makes the snapshot at index `i` (<= lastIndex) the newest, with the state machine's
   * `data` and, if given, the configuration at `i`. Throws SnapshotOutOfDateError if it
   * is not newer than the one held. The log is not compacted: see compact().
   */
  createSnapshot(i: number, cs: ConfState | null, data: Uint8Array): Snapshot {
    const held = this.snap.meta.index;
    if (i <= held) throw new SnapshotOutOfDateError(i, held);
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    const term = this.term(i);
    this.snap = { meta: { index: i, term, confState: cs ?? this.snap.meta.confState }, data };
    return this.snap;
  }

  /**
   * Discards the entries up to `compactIndex`, which becomes the compaction point. The
   * caller must not compact past what it has applied. Throws CompactedError if it
   * already is compacted.
   */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const kept = this.ents.slice(i);
    kept[0] = markerEntry(compactIndex, kept[0]?.term ?? 0);
    this.ents = kept;
  }

  /**
   * Appends entries, replacing any entries at or after the first of them; entries at
   * or below the compaction point are skipped. They must follow the log without a gap.
   */
  append(entries: readonly Entry[]): void {
    const head = entries[0];
    if (head === undefined) return;
    const first = this.firstIndex();
    const last = head.index + entries.length - 1;
    if (last < first) return;
    // Skip what is already compacted.
    const fresh = first > head.index ? entries.slice(first - head.index) : entries;
    const at = (fresh[0]?.index ?? first) - this.offset();
    if (at > this.ents.length) {
      throw new Error(
        `missing log entry [last: ${this.lastIndex()}, append at: ${at + this.offset()}]`,
      );
    }
    if (at < this.ents.length) this.ents.length = at;
    for (const e of fresh) this.ents.push(e);
  }

  private offset(): number {
    return this.ents[0]?.index ?? 0;
  }
}
