import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/**
 * The stable log of one group as the Raft core reads it. Reads are synchronous: an
 * implementation keeps the entries since the last compaction in memory (the write-ahead
 * log in storage/ does, and rebuilds them at start-up).
 *
 * Indices: entries `firstIndex()..lastIndex()` are available; `term(firstIndex() - 1)` is
 * the term of the last compacted entry (or of the snapshot). An empty log has
 * `firstIndex() === lastIndex() + 1`.
 */
export interface LogStorage {
  /** The persisted HardState and ConfState at start-up. */
  initialState(): { readonly hardState: HardState; readonly confState: ConfState };
  /**
   * Entries in [lo, hi), at least one if any are in range, then as many as fit in
   * `maxBytes` (sum of data lengths). Throws CompactedError if lo <= the compacted index,
   * UnavailableError if hi > lastIndex() + 1.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, for firstIndex()-1 <= i <= lastIndex(); otherwise throws. */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** The newest snapshot; throws SnapshotUnavailableError while one is being made. */
  snapshot(): Snapshot;
}

/** The requested index precedes the log's first index: it was compacted away. */
export class CompactedError extends Error {
  constructor(index: number) {
    super(`raft: index ${index} is compacted`);
  }
}

/** The requested index is past the log's last index. */
export class UnavailableError extends Error {
  constructor(index: number) {
    super(`raft: index ${index} is unavailable`);
  }
}

/** No snapshot can be had right now; the leader retries later. */
export class SnapshotUnavailableError extends Error {
  constructor() {
    super('raft: snapshot is temporarily unavailable');
  }
}
