/**
 * The tail of the log not yet known to be durable (etcd raft's `unstable`): entries and,
 * possibly, an incoming snapshot that a Ready has handed out (or will) and whose write
 * has not been acknowledged. Entries `offset..` live here; everything before is in
 * LogStorage.
 */
import type { Entry, Snapshot } from './types.js';

export class Unstable {
  /** A snapshot received from the leader, not yet written. */
  snapshot: Snapshot | null = null;
  /** Entries from `offset` on; `entries[i].index === offset + i`. */
  entries: Entry[] = [];
  offset: number;
  /** The snapshot was handed out in a Ready and is being written. */
  snapshotInProgress = false;
  /** Entries before this index were handed out in a Ready and are being written. */
  offsetInProgress: number;

  constructor(offset: number) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** The first index, known only while a snapshot is pending. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === null ? undefined : this.snapshot.meta.index + 1;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot === null ? undefined : this.snapshot.meta.index;
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      const snap = this.snapshot;
      return snap !== null && snap.meta.index === i ? snap.meta.term : undefined;
    }
    return this.entries[i - this.offset]?.term;
  }

  /** Entries not yet handed out for writing. */
  nextEntries(): Entry[] {
    const inProgress = this.offsetInProgress - this.offset;
    if (this.entries.length === inProgress) return [];
    return this.entries.slice(inProgress);
  }

  hasNextEntries(): boolean {
    return this.entries.length > this.offsetInProgress - this.offset;
  }

  /** The snapshot, if not yet handed out for writing. */
  nextSnapshot(): Snapshot | null {
    return this.snapshotInProgress ? null : this.snapshot;
  }

  /** Marks everything here as handed out (a Ready was accepted). */
  acceptInProgress(): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined) this.offsetInProgress = last.index + 1;
    if (this.snapshot !== null) this.snapshotInProgress = true;
  }

  /**
   * Entries up to (index, term) are durable. Ignored if that entry is no longer here or
   * was replaced by one of another term since the write started.
   */
  stableTo(index: number, term: number): void {
    if (index < this.offset) return;
    const t = this.maybeTerm(index);
    if (t === undefined || t !== term) return;
    const count = index + 1 - this.offset;
    this.entries = count === this.entries.length ? [] : this.entries.slice(count);
    this.offset = index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  stableSnapTo(index: number): void {
    if (this.snapshot !== null && this.snapshot.meta.index === index) {
      this.snapshot = null;
      this.snapshotInProgress = false;
    }
  }

  restore(snapshot: Snapshot): void {
    this.offset = snapshot.meta.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotInProgress = false;
  }

  /** Appends `ents` (contiguous), dropping any entries here at or after their first index. */
  truncateAndAppend(ents: readonly Entry[]): void {
    const first = ents[0];
    if (first === undefined) return;
    const from = first.index;
    if (from === this.offset + this.entries.length) {
      for (const e of ents) this.entries.push(e);
    } else if (from <= this.offset) {
      // The whole unstable tail is replaced; the write in progress, if any, is moot.
      this.entries = ents.slice();
      this.offset = from;
      this.offsetInProgress = from;
    } else {
      const kept = this.slice(this.offset, from);
      for (const e of ents) kept.push(e);
      this.entries = kept;
      this.offsetInProgress = Math.min(this.offsetInProgress, from);
    }
  }

  /** A copy of the entries in [lo, hi), which must lie within this tail. */
  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    if (lo > hi) throw new Error(`invalid unstable.slice ${lo} > ${hi}`);
    if (lo < this.offset || hi > upper) {
      throw new Error(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`);
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
