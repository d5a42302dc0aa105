/**
 * The leader's (and candidate's) bookkeeping for a configuration (etcd
 * tracker.ProgressTracker): the voters and learners, one Progress per member, and the
 * votes of an election.
 */
import { Inflights } from './inflights.js';
import { JointConfig, MajorityConfig, type VoteResult } from './quorum.js';
import { Progress } from './progress.js';
import type { ConfState, NodeId } from './types.js';

export interface TrackerConfig {
  voters: JointConfig;
  /** Never intersects either half of `voters`. */
  learners: Set<NodeId>;
  /**
   * Voters of the outgoing config to become learners when the joint state is left: a
   * node cannot be a voter and a learner at once, so a demotion is staged here.
   */
  learnersNext: Set<NodeId>;
  /** Leave the joint configuration automatically once it is committed. */
  autoLeave: boolean;
}

export type ProgressMap = Map<NodeId, Progress>;

function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}

function emptyTrackerConfig(): TrackerConfig {
  return {
    voters: new JointConfig(new MajorityConfig()),
    learners: new Set(),
    learnersNext: new Set(),
    autoLeave: false,
  };
}

/** etcd's format: `voters=(1 2)&&(1) learners=(3) learners_next=(4) autoleave`. */
export function trackerConfigString(config: TrackerConfig): string {
  let out = `voters=${config.voters.toString()}`;
  if (config.learners.size > 0)
    out += ` learners=${new MajorityConfig(config.learners).toString()}`;
  if (config.learnersNext.size > 0) {
    out += ` learners_next=${new MajorityConfig(config.learnersNext).toString()}`;
  }
  if (config.autoLeave) out += ' autoleave';
  return out;
}

/** One line per member in ascending id order: `1: StateProbe match=0 next=1`. */
export function progressMapString(progress: ProgressMap): string {
  return sortedIds(progress.keys())
    .map((id) => `${id}: ${String(progress.get(id))}\n`)
    .join('');
}

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  votes = new Map<NodeId, boolean>();

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  /** A fresh inflights window with this tracker's limits. */
  newInflights(): Inflights {
    return new Inflights(this.maxInflight, this.maxInflightBytes);
  }

  confState(): ConfState {
    return {
      voters: this.config.voters.incoming.sorted(),
      learners: sortedIds(this.config.learners),
      votersOutgoing: this.config.voters.outgoing.sorted(),
      learnersNext: sortedIds(this.config.learnersNext),
      autoLeave: this.config.autoLeave,
    };
  }

  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && !this.config.voters.isJoint();
  }

  /** The largest index acked by a quorum; Infinity without voters. */
  committed(): number {
    return this.config.voters.committedIndex((id) => this.progress.get(id)?.match);
  }

  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of sortedIds(this.progress.keys())) {
      const pr = this.progress.get(id);
      if (pr !== undefined) fn(id, pr);
    }
  }

  /** Whether a quorum of voters has been recently active. */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) active.set(id, pr.recentActive);
    });
    return this.config.voters.voteResult(active) === 'won';
  }

  voterNodes(): NodeId[] {
    return [...this.config.voters.ids()];
  }

  learnerNodes(): NodeId[] {
    return sortedIds(this.config.learners);
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records a node's vote; only its first vote counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /** Counts only the votes of current voters; the result is by quorum. */
  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      const vote = this.votes.get(id);
      if (vote === true) granted++;
      else if (vote === false) rejected++;
    }
    return { granted, rejected, result: this.config.voters.voteResult(this.votes) };
  }
}
