/**
 * One node's view of the log (etcd raft's `raftLog`): the durable part in LogStorage,
 * the unstable tail in memory, and the commit/apply cursors over both.
 *
 *   storage (durable) ─────────────┬── unstable ──────────────┐
 *   firstIndex ... applied ... committed ... lastIndex
 *
 * Sizes are the sum of entry data lengths, as in LogStorage.entries.
 */
import { CompactedError, UnavailableError, type LogStorage } from './log-storage.js';
import type { Entry, Snapshot } from './types.js';
import { Unstable } from './unstable.js';

/** The byte size the limits count: the sum of data lengths. */
export function entriesSize(ents: readonly Entry[]): number {
  let size = 0;
  for (const e of ents) size += e.data.length;
  return size;
}

/**
 * The longest prefix of `ents` within `maxSize` bytes, but at least one entry. Truncates
 * `ents` in place: pass an array of your own.
 */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0 || maxSize === Infinity) return ents;
  let size = ents[0]?.data.length ?? 0;
  for (let n = 1; n < ents.length; n++) {
    size += ents[n]?.data.length ?? 0;
    if (size > maxSize) {
      ents.length = n;
      return ents;
    }
  }
  return ents;
}

export class RaftLog {
  readonly storage: LogStorage;
  readonly unstable: Unstable;
  /** The highest index known to be stored on a quorum. */
  committed: number;
  /** The highest index handed out to be applied (applied <= applying <= committed). */
  applying: number;
  /** The highest index the application reported applied. */
  applied: number;
  /** The bytes of committed entries handed out at once (MaxCommittedSizePerReady). */
  readonly maxApplyingEntsSize: number;
  /** Bytes handed out to be applied and not yet reported applied. */
  applyingEntsSize = 0;
  /** No more committed entries are handed out until some are applied. */
  applyingEntsPaused = false;

  constructor(storage: LogStorage, maxApplyingEntsSize = Infinity) {
    this.storage = storage;
    const first = storage.firstIndex();
    this.unstable = new Unstable(storage.lastIndex() + 1);
    this.maxApplyingEntsSize = maxApplyingEntsSize;
    // The compaction point of storage is committed and applied by definition.
    this.committed = first - 1;
    this.applying = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    const u = this.unstable;
    return (
      `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, ` +
      `unstable.offset=${u.offset}, unstable.offsetInProgress=${u.offsetInProgress}, ` +
      `len(unstable.Entries)=${u.entries.length}`
    );
  }

  /**
   * Appends the leader's `entries` that follow (prevIndex, prevTerm), if the log holds
   * that entry; returns the index of the last entry of the append, or undefined when
   * the log does not match there.
   */
  maybeAppend(
    prevIndex: number,
    prevTerm: number,
    entries: readonly Entry[],
    leaderCommit: number,
  ): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new Error(
          `entry ${conflict} conflicts with committed entry [committed(${this.committed})]`,
        );
      }
      const from = conflict - (prevIndex + 1);
      this.append(from === 0 ? entries : entries.slice(from));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Appends entries (they may overwrite an uncommitted tail); returns the last index. */
  append(ents: readonly Entry[]): number {
    const first = ents[0];
    if (first === undefined) return this.lastIndex();
    if (first.index - 1 < this.committed) {
      throw new Error(`after(${first.index - 1}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The index of the first entry of `ents` that is new or conflicts with the log (same
   * index, other term), or 0 if the log already holds them all.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest (index, term) at or below `index` whose term is <= `term`: where the
   * log may match a log whose entry at `index` has term `term` (fast log backtracking).
   */
  findConflictByTerm(index: number, term: number): [index: number, term: number] {
    for (; index > 0; index--) {
      const ours = this.term(index);
      if (ours === undefined) return [index, 0];
      if (ours <= term) return [index, ours];
    }
    return [0, 0];
  }

  nextUnstableEnts(): Entry[] {
    return this.unstable.nextEntries();
  }

  hasNextUnstableEnts(): boolean {
    return this.unstable.hasNextEntries();
  }

  hasNextOrInProgressUnstableEnts(): boolean {
    return this.unstable.entries.length > 0;
  }

  /**
   * Committed entries to hand out for applying, within the size budget. With
   * `allowUnstable`, entries not yet durable locally may be applied (they are durable on
   * a quorum), as the classic Ready lets the caller write and apply in one go.
   */
  nextCommittedEnts(allowUnstable: boolean): Entry[] {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return [];
    const lo = this.applying + 1;
    const hi = this.maxAppliableIndex(allowUnstable) + 1;
    if (lo >= hi) return [];
    const budget = this.maxApplyingEntsSize - this.applyingEntsSize;
    if (budget <= 0) throw new Error(`applying entry size budget ${budget} not positive`);
    return this.slice(lo, hi, budget);
  }

  hasNextCommittedEnts(allowUnstable: boolean): boolean {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return false;
    return this.applying + 1 < this.maxAppliableIndex(allowUnstable) + 1;
  }

  maxAppliableIndex(allowUnstable: boolean): number {
    return allowUnstable ? this.committed : Math.min(this.committed, this.unstable.offset - 1);
  }

  nextUnstableSnapshot(): Snapshot | null {
    return this.unstable.nextSnapshot();
  }

  hasNextUnstableSnapshot(): boolean {
    return this.unstable.nextSnapshot() !== null;
  }

  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== null;
  }

  /** The newest snapshot; throws SnapshotUnavailableError while storage makes one. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    const index = this.lastIndex();
    const t = this.term(index);
    if (t === undefined) throw new Error(`unexpected error when getting the last term at ${index}`);
    return t;
  }

  commitTo(toCommit: number): void {
    if (this.committed >= toCommit) return;
    if (this.lastIndex() < toCommit) {
      throw new Error(
        `tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]. ` +
          'Was the raft log corrupted, truncated, or lost?',
      );
    }
    this.committed = toCommit;
  }

  /** The application applied entries up to `index`, `size` bytes of them handed out earlier. */
  appliedTo(index: number, size: number): void {
    if (this.committed < index || index < this.applied) {
      throw new Error(
        `applied(${index}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`,
      );
    }
    this.applied = index;
    this.applying = Math.max(this.applying, index);
    this.applyingEntsSize = this.applyingEntsSize > size ? this.applyingEntsSize - size : 0;
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize;
  }

  /** Entries up to `index` (`size` bytes) were handed out to be applied. */
  acceptApplying(index: number, size: number, allowUnstable: boolean): void {
    if (this.committed < index) {
      throw new Error(
        `applying(${index}) is out of range [prevApplying(${this.applying}), committed(${this.committed})]`,
      );
    }
    this.applying = index;
    this.applyingEntsSize += size;
    // Pause when over budget, or when the budget cut the batch short (the rest waits
    // for the next Ready rather than being handed out in one-entry pieces).
    this.applyingEntsPaused =
      this.applyingEntsSize >= this.maxApplyingEntsSize ||
      index < this.maxAppliableIndex(allowUnstable);
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }

  acceptUnstable(): void {
    this.unstable.acceptInProgress();
  }

  /** The term of entry `i`, or undefined if it is compacted away or beyond the log. */
  term(i: number): number | undefined {
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    if (i + 1 < this.firstIndex() || i > this.lastIndex()) return undefined;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return undefined;
      throw err;
    }
  }

  /** Entries from `i` to the end, within `maxSize`; throws CompactedError below firstIndex. */
  entries(i: number, maxSize: number): Entry[] {
    const last = this.lastIndex();
    if (i > last) return [];
    return this.slice(i, last + 1, maxSize);
  }

  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Infinity);
  }

  /** Whether a log ending at (index, term) is at least as up to date as this one (§5.4.1). */
  isUpToDate(index: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && index >= this.lastIndex());
  }

  matchTerm(index: number, term: number): boolean {
    const t = this.term(index);
    return t !== undefined && t === term;
  }

  /** Commits up to `index` if the entry there has term `term` (never a 0 term). */
  maybeCommit(index: number, term: number): boolean {
    if (term !== 0 && index > this.committed && this.matchTerm(index, term)) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  restore(snapshot: Snapshot): void {
    this.committed = snapshot.meta.index;
    this.unstable.restore(snapshot);
  }

  /**
   * Visits the entries in [lo, hi) in pages of about `pageSize` bytes; stops early when
   * `visit` returns false. Returns whether it went through to the end.
   */
  scan(lo: number, hi: number, pageSize: number, visit: (ents: Entry[]) => boolean): boolean {
    while (lo < hi) {
      const ents = this.slice(lo, hi, pageSize);
      if (ents.length === 0) throw new Error(`got 0 entries in [${lo}, ${hi})`);
      if (!visit(ents)) return false;
      lo += ents.length;
    }
    return true;
  }

  /**
   * Entries in [lo, hi) within `maxSize` (at least one): from storage, then from the
   * unstable tail. Throws CompactedError if `lo` is compacted away.
   */
  slice(lo: number, hi: number, maxSize: number): Entry[] {
    this.checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    const unstable = this.unstable;
    if (lo >= unstable.offset) return limitSize(unstable.slice(lo, hi), maxSize);
    const cut = Math.min(hi, unstable.offset);
    const ents = this.storageEntries(lo, cut, maxSize);
    if (hi <= unstable.offset || ents.length < cut - lo) return ents;
    const size = entriesSize(ents);
    if (size >= maxSize) return ents;
    const tail = limitSize(unstable.slice(unstable.offset, hi), maxSize - size);
    // limitSize keeps one entry even if it is too big; here it would overflow the total.
    if (tail.length === 1 && size + entriesSize(tail) > maxSize) return ents;
    // A new array: what storage returned may be its own.
    return ents.concat(tail);
  }

  private storageEntries(lo: number, hi: number, maxSize: number): Entry[] {
    try {
      return this.storage.entries(lo, hi, maxSize);
    } catch (err) {
      if (err instanceof UnavailableError) {
        throw new Error(`entries[${lo}:${hi}) is unavailable from storage`);
      }
      throw err;
    }
  }

  private checkOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError(lo);
    const last = this.lastIndex();
    if (hi > last + 1) throw new Error(`slice[${lo},${hi}) out of bound [${first},${last}]`);
  }
}
