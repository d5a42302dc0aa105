/**
 * Quorum arithmetic (etcd raft's quorum package): which index a majority has acked and
 * whether an election is won, for a single majority and for a joint configuration.
 */
import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/** A set of voters that decides by simple majority. Immutable. */
export class MajorityConfig {
  /** Inserted in ascending order, so iterating it is deterministic. */
  readonly ids: ReadonlySet<NodeId>;

  constructor(ids: Iterable<NodeId> = []) {
    this.ids = new Set([...new Set(ids)].sort((a, b) => a - b));
  }

  get size(): number {
    return this.ids.size;
  }

  sorted(): NodeId[] {
    return [...this.ids];
  }

  /**
   * The highest index acked by a majority. A voter that has not reported counts as 0.
   * An empty config yields Infinity so that it never lowers a joint config's minimum.
   */
  committedIndex(acked: (id: NodeId) => number | undefined): number {
    const n = this.ids.size;
    if (n === 0) return Infinity;
    const indexes: number[] = [];
    for (const id of this.ids) indexes.push(acked(id) ?? 0);
    indexes.sort((a, b) => b - a);
    // Descending: the (n/2+1)-th largest is held by a majority.
    return indexes[Math.floor(n / 2)] ?? 0;
  }

  /** An empty config wins by convention, so half of a joint config can be empty. */
  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    if (this.ids.size === 0) return 'won';
    let granted = 0;
    let missing = 0;
    for (const id of this.ids) {
      const vote = votes.get(id);
      if (vote === undefined) missing++;
      else if (vote) granted++;
    }
    const quorum = Math.floor(this.ids.size / 2) + 1;
    if (granted >= quorum) return 'won';
    if (granted + missing >= quorum) return 'pending';
    return 'lost';
  }

  /** etcd's format: `(1 2 3)`, ids in hex. */
  toString(): string {
    return `(${this.sorted()
      .map((id) => id.toString(16))
      .join(' ')})`;
  }
}

const EMPTY_MAJORITY = new MajorityConfig();

/**
 * Two majority configs that must both agree: the incoming one and, during a membership
 * change, the outgoing one. Not joint when `outgoing` is empty.
 */
export class JointConfig {
  readonly incoming: MajorityConfig;
  readonly outgoing: MajorityConfig;

  constructor(incoming: MajorityConfig, outgoing: MajorityConfig = EMPTY_MAJORITY) {
    this.incoming = incoming;
    this.outgoing = outgoing;
  }

  /** The union of both halves, in ascending order. */
  ids(): Set<NodeId> {
    return new MajorityConfig([...this.incoming.ids, ...this.outgoing.ids]).ids as Set<NodeId>;
  }

  isJoint(): boolean {
    return this.outgoing.size > 0;
  }

  committedIndex(acked: (id: NodeId) => number | undefined): number {
    return Math.min(this.incoming.committedIndex(acked), this.outgoing.committedIndex(acked));
  }

  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    const a = this.incoming.voteResult(votes);
    const b = this.outgoing.voteResult(votes);
    if (a === b) return a;
    // A lost half loses the whole; otherwise one side still waits.
    if (a === 'lost' || b === 'lost') return 'lost';
    return 'pending';
  }

  /** etcd's format: `(1 2 3)&&(1 2)`, or `(1 2 3)` when not joint. */
  toString(): string {
    const incoming = this.incoming.toString();
    return this.isJoint() ? `${incoming}&&${this.outgoing.toString()}` : incoming;
  }
}
