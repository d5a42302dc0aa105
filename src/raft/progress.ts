/**
 * The leader's view of one follower (etcd tracker.Progress): how far its log matches,
 * what to send next, and how replication to it is flowing.
 */
import type { Inflights } from './inflights.js';

export const ProgressState = {
  /** At most one append per heartbeat, to find where the follower's log matches. */
  Probe: 0,
  /** Appends are streamed optimistically, bounded by the inflights window. */
  Replicate: 1,
  /** A snapshot is on its way; appends wait. */
  Snapshot: 2,
} as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

const STATE_NAMES: Record<ProgressState, string> = {
  [ProgressState.Probe]: 'StateProbe',
  [ProgressState.Replicate]: 'StateReplicate',
  [ProgressState.Snapshot]: 'StateSnapshot',
};

/** etcd's names: StateProbe, StateReplicate, StateSnapshot. */
export function progressStateName(state: ProgressState): string {
  return STATE_NAMES[state];
}

export class Progress {
  /** Up to here the follower's log is known to match the leader's. */
  match: number;
  /** The next index to send; (match, next) is in flight. Invariant: match < next. */
  next: number;
  /** The highest commit index sent; may regress on probe or rejection. */
  sentCommit = 0;
  state: ProgressState = ProgressState.Probe;
  /** In Snapshot state, the index of the snapshot sent (next === pendingSnapshot + 1). */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round; always true for the leader itself. */
  recentActive = false;
  /** Appends are throttled (probing, or a full window) until the follower responds. */
  msgAppFlowPaused = false;
  inflights: Inflights;
  isLearner: boolean;

  constructor(init: { match: number; next: number; inflights: Inflights; isLearner: boolean }) {
    this.match = init.match;
    this.next = init.next;
    this.inflights = init.inflights;
    this.isLearner = init.isLearner;
  }

  /** A copy with its own inflights window. */
  clone(): Progress {
    const copy = new Progress({
      match: this.match,
      next: this.next,
      inflights: this.inflights.clone(),
      isLearner: this.isLearner,
    });
    copy.sentCommit = this.sentCommit;
    copy.state = this.state;
    copy.pendingSnapshot = this.pendingSnapshot;
    copy.recentActive = this.recentActive;
    copy.msgAppFlowPaused = this.msgAppFlowPaused;
    return copy;
  }

  becomeProbe(): void {
    // After a snapshot the follower is known to have everything up to it.
    const floor = this.state === ProgressState.Snapshot ? this.pendingSnapshot + 1 : 0;
    this.resetState(ProgressState.Probe);
    this.next = Math.max(this.match + 1, floor);
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.Replicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
    this.next = snapshotIndex + 1;
    this.sentCommit = snapshotIndex;
  }

  /** Updates next/inflights after sending `entries` entries of `bytes` bytes. */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case ProgressState.Replicate:
        if (entries > 0) {
          this.next += entries;
          this.inflights.add(this.next - 1, bytes);
        }
        // A message that fills the window (or was sent into a full one) acts as a probe.
        this.msgAppFlowPaused = this.inflights.full();
        return;
      case ProgressState.Probe:
        if (entries > 0) this.msgAppFlowPaused = true;
        return;
      default:
        throw new Error(`sending append in unhandled state ${progressStateName(this.state)}`);
    }
  }

  /** Sending `index` would move the follower's commit and it is not yet known to. */
  canBumpCommit(index: number): boolean {
    return index > this.sentCommit && this.sentCommit < this.next - 1;
  }

  sentCommitTo(commit: number): void {
    this.sentCommit = commit;
  }

  /** On an accepted append up to `n`; false if it says nothing new (stale). */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * On a rejected append at `rejected`, with the follower's hint of where its log may
   * match; false if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      this.sentCommit = Math.min(this.sentCommit, this.next - 1);
      return true;
    }
    // Outside Replicate one append is probed at a time: anything else is stale.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    return this.state === ProgressState.Snapshot || this.msgAppFlowPaused;
  }

  /** etcd's format, e.g. `StateReplicate match=5 next=6 inflight=1`. */
  toString(): string {
    let out = `${progressStateName(this.state)} match=${this.match} next=${this.next}`;
    if (this.isLearner) out += ' learner';
    if (this.isPaused()) out += ' paused';
    if (this.pendingSnapshot > 0) out += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) out += ' inactive';
    const inflight = this.inflights.count();
    if (inflight > 0) {
      out += ` inflight=${inflight}`;
      if (this.inflights.full()) out += '[full]';
    }
    return out;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }
}
