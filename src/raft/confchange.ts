/**
 * Membership changes (etcd raft's confchange package): computes the configuration and
 * progress map that result from a conf change, validating it first, so an invalid
 * change is refused before it touches the active configuration.
 */
import { Inflights } from './inflights.js';
import { JointConfig, MajorityConfig } from './quorum.js';
import { Progress } from './progress.js';
import type { ProgressMap, TrackerConfig } from './tracker.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  NONE,
  type ConfChange,
  type ConfChangeSingle,
  type ConfState,
  type NodeId,
} from './types.js';

export class ConfChangeError extends Error {}

export interface ChangerTracker {
  config: TrackerConfig;
  progress: ProgressMap;
  maxInflight: number;
  maxInflightBytes: number;
}

export interface ChangeResult {
  config: TrackerConfig;
  progress: ProgressMap;
}

/** A configuration being edited: plain sets, turned back into a TrackerConfig at the end. */
interface Draft {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
  progress: ProgressMap;
}

function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}

/** Computes a new configuration; never mutates the tracker it was given. */
export class Changer {
  constructor(
    readonly tracker: ChangerTracker,
    /** New members are probed from here. */
    readonly lastIndex: number,
  ) {}

  /**
   * Enters the joint configuration C_{new,old} (Raft thesis 4.3): the current voters
   * become the outgoing half, the changes apply to the incoming half.
   */
  enterJoint(autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
    const draft = this.checkedDraft();
    if (draft.outgoing.size > 0) throw new ConfChangeError('config is already joint');
    if (draft.incoming.size === 0) {
      // An empty config may grow (bootstrap, tests) but cannot be made joint.
      throw new ConfChangeError("can't make a zero-voter config joint");
    }
    draft.outgoing = new Set(draft.incoming);
    this.apply(draft, changes);
    draft.autoLeave = autoLeave;
    return finish(draft);
  }

  /** Leaves the joint configuration: the incoming half alone decides (C_new). */
  leaveJoint(): ChangeResult {
    const draft = this.checkedDraft();
    if (draft.outgoing.size === 0) throw new ConfChangeError("can't leave a non-joint config");
    for (const id of draft.learnersNext) {
      draft.learners.add(id);
      progressOf(draft, id).isLearner = true;
    }
    draft.learnersNext.clear();
    for (const id of draft.outgoing) {
      if (!draft.incoming.has(id) && !draft.learners.has(id)) draft.progress.delete(id);
    }
    draft.outgoing.clear();
    draft.autoLeave = false;
    return finish(draft);
  }

  /** Applies changes that alter the voters by at most one, outside a joint config. */
  simple(changes: readonly ConfChangeSingle[]): ChangeResult {
    const draft = this.checkedDraft();
    if (draft.outgoing.size > 0) {
      throw new ConfChangeError("can't apply simple config change in joint config");
    }
    this.apply(draft, changes);
    if (symmetricDifference(this.tracker.config.voters.incoming.ids, draft.incoming) > 1) {
      throw new ConfChangeError('more than one voter changed without entering joint config');
    }
    return finish(draft);
  }

  /** Voter changes always go to the incoming half; the outgoing half stays as it was. */
  private apply(draft: Draft, changes: readonly ConfChangeSingle[]): void {
    for (const change of changes) {
      // A node id of 0 marks a change the application decided not to apply.
      if (change.node === NONE) continue;
      switch (change.type) {
        case ConfChangeType.AddNode:
          this.makeVoter(draft, change.node);
          break;
        case ConfChangeType.AddLearner:
          this.makeLearner(draft, change.node);
          break;
        case ConfChangeType.RemoveNode:
          remove(draft, change.node);
          break;
        default:
          throw new ConfChangeError(`unexpected conf type ${String(change.type)}`);
      }
    }
    if (draft.incoming.size === 0) throw new ConfChangeError('removed all voters');
  }

  private makeVoter(draft: Draft, id: NodeId): void {
    const pr = draft.progress.get(id);
    if (pr === undefined) {
      this.addProgress(draft, id, false);
      return;
    }
    pr.isLearner = false;
    draft.learners.delete(id);
    draft.learnersNext.delete(id);
    draft.incoming.add(id);
  }

  /**
   * Adds a learner or demotes a voter of the incoming half. A node still voting in the
   * outgoing half is staged in learnersNext rather than being voter and learner at once.
   */
  private makeLearner(draft: Draft, id: NodeId): void {
    const pr = draft.progress.get(id);
    if (pr === undefined) {
      this.addProgress(draft, id, true);
      return;
    }
    if (pr.isLearner) return;
    remove(draft, id);
    draft.progress.set(id, pr);
    if (draft.outgoing.has(id)) {
      draft.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      draft.learners.add(id);
    }
  }

  private addProgress(draft: Draft, id: NodeId, isLearner: boolean): void {
    if (isLearner) draft.learners.add(id);
    else draft.incoming.add(id);
    const pr = new Progress({
      match: 0,
      // Probing from the last index (invariant match < next); a new member usually
      // needs a snapshot, which the probe's rejection leads to.
      next: Math.max(this.lastIndex, 1),
      inflights: new Inflights(this.tracker.maxInflight, this.tracker.maxInflightBytes),
      isLearner,
    });
    // Active from the start, so check-quorum does not depose the leader before the
    // new member has had a chance to talk to it.
    pr.recentActive = true;
    draft.progress.set(id, pr);
  }

  private checkedDraft(): Draft {
    const { config, progress } = this.tracker;
    const draft: Draft = {
      incoming: new Set(config.voters.incoming.ids),
      outgoing: new Set(config.voters.outgoing.ids),
      learners: new Set(config.learners),
      learnersNext: new Set(config.learnersNext),
      autoLeave: config.autoLeave,
      progress: new Map(),
    };
    for (const id of sortedIds(progress.keys())) {
      const pr = progress.get(id);
      if (pr !== undefined) draft.progress.set(id, pr.clone());
    }
    checkInvariants(draft);
    return draft;
  }
}

/** Removes a voter or learner from the incoming config; an outgoing voter keeps its Progress. */
function remove(draft: Draft, id: NodeId): void {
  if (!draft.progress.has(id)) return;
  draft.incoming.delete(id);
  draft.learners.delete(id);
  draft.learnersNext.delete(id);
  if (!draft.outgoing.has(id)) draft.progress.delete(id);
}

function progressOf(draft: Draft, id: NodeId): Progress {
  const pr = draft.progress.get(id);
  if (pr === undefined) throw new ConfChangeError(`no progress for ${id}`);
  return pr;
}

/** Checks that config and progress agree, on what a Changer gets and what it returns. */
function checkInvariants(draft: Draft): void {
  // The empty config is allowed so that the first config can be built from it.
  for (const set of [draft.incoming, draft.outgoing, draft.learners, draft.learnersNext]) {
    for (const id of set) progressOf(draft, id);
  }
  for (const id of draft.learnersNext) {
    if (!draft.outgoing.has(id)) {
      throw new ConfChangeError(`${id} is in LearnersNext, but not Voters[1]`);
    }
    if (progressOf(draft, id).isLearner) {
      throw new ConfChangeError(`${id} is in LearnersNext, but is already marked as learner`);
    }
  }
  for (const id of draft.learners) {
    if (draft.outgoing.has(id)) throw new ConfChangeError(`${id} is in Learners and Voters[1]`);
    if (draft.incoming.has(id)) throw new ConfChangeError(`${id} is in Learners and Voters[0]`);
    if (!progressOf(draft, id).isLearner) {
      throw new ConfChangeError(`${id} is in Learners, but is not marked as learner`);
    }
  }
  if (draft.outgoing.size === 0 && draft.autoLeave) {
    throw new ConfChangeError('AutoLeave must be false when not joint');
  }
}

function finish(draft: Draft): ChangeResult {
  checkInvariants(draft);
  const progress: ProgressMap = new Map();
  for (const id of sortedIds(draft.progress.keys())) {
    progress.set(id, progressOf(draft, id));
  }
  return {
    config: {
      voters: new JointConfig(
        new MajorityConfig(draft.incoming),
        new MajorityConfig(draft.outgoing),
      ),
      learners: new Set(sortedIds(draft.learners)),
      learnersNext: new Set(sortedIds(draft.learnersNext)),
      autoLeave: draft.autoLeave,
    },
    progress,
  };
}

function symmetricDifference(a: ReadonlySet<NodeId>, b: ReadonlySet<NodeId>): number {
  let n = 0;
  for (const id of a) if (!b.has(id)) n++;
  for (const id of b) if (!a.has(id)) n++;
  return n;
}

function single(type: ConfChangeType, node: NodeId): ConfChangeSingle {
  return { type, node };
}

/**
 * Rebuilds the config and progress that produce `cs` (etcd confchange.Restore): first
 * the outgoing voters one by one, then a joint step that swaps in the incoming ones.
 * For example voters=(1 2 3) outgoing=(1 2 4 6) learners=(5) learnersNext=(4) is built
 * as add 1, 2, 4, 6, then enterJoint(remove 1 2 4 6, add 1 2 3, learner 5, learner 4).
 */
export function restore(changer: Changer, cs: ConfState): ChangeResult {
  const outgoing = cs.votersOutgoing.map((id) => single(ConfChangeType.AddNode, id));
  const incoming = [
    ...cs.votersOutgoing.map((id) => single(ConfChangeType.RemoveNode, id)),
    ...cs.voters.map((id) => single(ConfChangeType.AddNode, id)),
    ...cs.learners.map((id) => single(ConfChangeType.AddLearner, id)),
    ...cs.learnersNext.map((id) => single(ConfChangeType.AddLearner, id)),
  ];
  let current: ChangeResult = {
    config: changer.tracker.config,
    progress: changer.tracker.progress,
  };
  const step = (op: (c: Changer) => ChangeResult): void => {
    current = op(new Changer({ ...changer.tracker, ...current }, changer.lastIndex));
  };
  if (outgoing.length === 0) {
    for (const change of incoming) step((c) => c.simple([change]));
  } else {
    for (const change of outgoing) step((c) => c.simple([change]));
    step((c) => c.enterJoint(cs.autoLeave, incoming));
  }
  return current;
}

/**
 * Whether `cc` goes through a joint configuration (several changes, or a transition
 * other than auto) and whether that is left automatically (etcd ConfChangeV2.EnterJoint).
 */
export function enterJointOf(cc: ConfChange): { autoLeave: boolean; joint: boolean } {
  if (cc.transition === ConfChangeTransition.Auto && cc.changes.length <= 1) {
    return { autoLeave: false, joint: false };
  }
  switch (cc.transition) {
    case ConfChangeTransition.Auto:
    case ConfChangeTransition.Implicit:
      return { autoLeave: true, joint: true };
    case ConfChangeTransition.Explicit:
      return { autoLeave: false, joint: true };
    default:
      throw new ConfChangeError(`unknown transition: ${String(cc.transition)}`);
  }
}

/** An empty auto ConfChange is the request to leave the joint configuration. */
export function leaveJointOf(cc: ConfChange): boolean {
  return cc.transition === ConfChangeTransition.Auto && cc.changes.length === 0;
}
