/**
 * The API of one Raft group's node (etcd raft's RawNode, classic Ready/Advance flow):
 * feed it ticks, proposals and messages; take a Ready (what to persist, then send,
 * then apply); call advance() once all of that is done.
 */
import { encodeConfChange } from './codec.js';
import { isLocalMessage, isResponseMessage, newMessage, type MessageInit } from './message.js';
import type { ProgressState } from './progress.js';
import { Raft, type RaftConfig } from './raft.js';
import { entriesSize } from './raft-log.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EMPTY_HARD_STATE,
  EntryType,
  MessageType,
  NONE,
  StateType,
  type ConfChange,
  type ConfState,
  type Entry,
  type GroupId,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type ReadState,
  type Snapshot,
  type SoftState,
} from './types.js';

export { ProposalDroppedError, type RaftConfig } from './raft.js';

/** step() was given a message only a node sends itself (Hup, Beat, ...). */
export class LocalMessageError extends Error {
  constructor() {
    super('raft: cannot step raft local message');
  }
}

/** step() was given a response from a node that is not a member. */
export class PeerNotFoundError extends Error {
  constructor(id: NodeId) {
    super(`raft: cannot step as peer ${id} not found`);
  }
}

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly recentActive: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  /** Per member, in ascending id order; empty unless this node is the leader. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

const NO_READ_STATES: readonly ReadState[] = Object.freeze([]);

/** What advance() reports back to the state machine for the last Ready. */
interface PendingAdvance {
  /** Messages to ourselves (self-votes, the leader's own append ack). */
  readonly selfMessages: Message[];
  /** The Ready's write: its term, the last entry written, its snapshot. */
  readonly persisted: {
    term: number;
    index: number;
    logTerm: number;
    snapshot: Snapshot | null;
  } | null;
  readonly applied: readonly Entry[];
}

export class RawNode {
  /** The state machine; exposed for tests and the simulator, not for drivers. */
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private pending: PendingAdvance | null = null;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /**
   * Writes the initial membership into an empty log: one AddNode conf-change entry per
   * voter at term 1, committed and applied (etcd Bootstrap). Every founding member runs
   * it with the same voters.
   */
  bootstrap(voters: readonly NodeId[]): void {
    if (voters.length === 0) throw new Error('must provide at least one peer to Bootstrap');
    const r = this.raft;
    if (r.raftLog.storage.lastIndex() !== 0) throw new Error("can't bootstrap a nonempty Storage");
    // The HardState of the bootstrap must be written with it.
    this.prevHardState = EMPTY_HARD_STATE;
    r.becomeFollower(1, NONE);
    const changes = voters.map((node) => addNode(node));
    const entries = changes.map((cc, i) => ({
      term: 1,
      index: i + 1,
      type: EntryType.ConfChange,
      data: encodeConfChange(cc),
    }));
    r.raftLog.append(entries);
    r.raftLog.committed = entries.length;
    for (const cc of changes) r.applyConfChange(cc);
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election (a pre-vote first, when enabled). */
  campaign(): void {
    this.raft.step(this.local({ type: MessageType.Hup }));
  }

  /**
   * Proposes the payloads as consecutive entries of one MsgProp (proposal batching).
   * False when dropped: no known leader, forwarding disabled, a leader transfer under
   * way, or the uncommitted-size limit.
   */
  propose(...payloads: Uint8Array[]): boolean {
    if (payloads.length === 0) throw new Error('propose needs at least one payload');
    const entries: Entry[] = [];
    for (const data of payloads) entries.push({ term: 0, index: 0, type: EntryType.Normal, data });
    return this.raft.step(this.local({ type: MessageType.Prop, from: this.raft.id, entries }));
  }

  /**
   * Proposes a membership change. Once it is committed, the caller applies it with
   * applyConfChange(). A change the leader may not take now (another is pending, or it
   * does not fit the joint state) is replaced by an empty entry.
   */
  proposeConfChange(cc: ConfChange): boolean {
    const entry: Entry = {
      term: 0,
      index: 0,
      type: EntryType.ConfChange,
      data: encodeConfChange(cc),
    };
    return this.raft.step(
      this.local({ type: MessageType.Prop, from: this.raft.id, entries: [entry] }),
    );
  }

  /** Applies a committed conf change to the configuration; returns the new one. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** A message from a peer. Throws on local message types and unknown peers' responses. */
  step(m: Message): void {
    const r = this.raft;
    if (m.group !== r.group)
      throw new Error(`message for group ${m.group} stepped into group ${r.group}`);
    if (isLocalMessage(m.type)) throw new LocalMessageError();
    if (isResponseMessage(m.type) && !r.trk.progress.has(m.from))
      throw new PeerNotFoundError(m.from);
    r.step(m);
  }

  /**
   * Asks for a linearizable read: a ReadState with this `context` comes in a later Ready
   * with the index the state machine must have applied before serving it.
   */
  readIndex(context: Uint8Array): void {
    this.raft.step(this.local({ type: MessageType.ReadIndex, context }));
  }

  /** Asks the leader to hand leadership to `to` (dropped if no leader is known). */
  transferLeader(to: NodeId): void {
    this.raft.step(this.local({ type: MessageType.TransferLeader, from: to }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(this.local({ type: MessageType.Unreachable, from: id }));
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(this.local({ type: MessageType.SnapStatus, from: id, reject: !ok }));
  }

  hasReady(): boolean {
    const r = this.raft;
    const log = r.raftLog;
    return (
      r.lead !== this.prevSoftState.lead ||
      r.state !== this.prevSoftState.state ||
      this.hardStateChanged() ||
      log.hasNextUnstableSnapshot() ||
      r.msgs.length > 0 ||
      r.msgsAfterAppend.length > 0 ||
      log.hasNextUnstableEnts() ||
      log.hasNextCommittedEnts(true) ||
      r.readStates.length > 0
    );
  }

  /** What to persist, send and apply now; acknowledge it with advance(). */
  ready(): Ready {
    if (this.pending !== null)
      throw new Error('two accepted Ready structs without call to advance');
    const r = this.raft;
    const log = r.raftLog;
    const messages = r.msgs;
    for (const m of r.msgsAfterAppend) if (m.to !== r.id) messages.push(m);
    const softChanged = r.lead !== this.prevSoftState.lead || r.state !== this.prevSoftState.state;
    const hardState = this.hardStateChanged() ? r.hardState() : null;
    const entries = log.nextUnstableEnts();
    const snapshot = log.nextUnstableSnapshot();
    const rd: Ready = {
      softState: softChanged ? r.softState() : null,
      hardState,
      // A fresh array is handed out only when there is something in it (see accept).
      readStates: r.readStates.length > 0 ? r.readStates : NO_READ_STATES,
      entries,
      snapshot,
      committedEntries: log.nextCommittedEnts(true),
      messages,
      mustSync:
        entries.length > 0 ||
        snapshot !== null ||
        (hardState !== null &&
          (hardState.term !== this.prevHardState.term ||
            hardState.vote !== this.prevHardState.vote)),
    };
    this.accept(rd);
    return rd;
  }

  /** Everything in the Ready is done: persisted, sent, applied. */
  advance(_rd: Ready): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const r = this.raft;
    for (const m of pending.selfMessages) r.step(m);
    const p = pending.persisted;
    if (p !== null) r.onAppendPersisted(p.term, p.index, p.logTerm, p.snapshot);
    if (pending.applied.length > 0) r.onApplied(pending.applied);
  }

  /**
   * Committed entries already durable on this node that no Ready has handed out: they
   * may be applied while an earlier Ready is still being persisted, since they were
   * persisted before it. Report them with `appliedEarly` once applied.
   */
  takeCommitted(): Entry[] {
    const log = this.raft.raftLog;
    if (!log.hasNextCommittedEnts(false)) return [];
    const ents = log.nextCommittedEnts(false);
    const last = ents[ents.length - 1];
    if (last !== undefined) log.acceptApplying(last.index, entriesSize(ents), false);
    return ents;
  }

  /** Entries from takeCommitted are applied. */
  appliedEarly(ents: readonly Entry[]): void {
    this.raft.onApplied(ents);
  }

  status(): RaftStatus {
    const r = this.raft;
    const progress = new Map<NodeId, ProgressStatus>();
    if (r.state === StateType.Leader) {
      for (const id of r.peerIds) {
        const pr = r.trk.progress.get(id);
        if (pr === undefined) continue;
        const { match, next, state, isLearner, recentActive } = pr;
        progress.set(id, { match, next, state, isLearner, recentActive });
      }
    }
    return {
      id: r.id,
      group: r.group,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      confState: r.trk.confState(),
      progress,
    };
  }

  /** Takes the Ready as handed out: what advance() will then report done. */
  private accept(rd: Ready): void {
    const r = this.raft;
    const log = r.raftLog;
    if (rd.softState !== null) this.prevSoftState = rd.softState;
    if (rd.hardState !== null) this.prevHardState = rd.hardState;
    if (rd.readStates.length > 0) r.readStates = [];
    const selfMessages: Message[] = [];
    for (const m of r.msgsAfterAppend) if (m.to === r.id) selfMessages.push(m);
    let persisted: PendingAdvance['persisted'] = null;
    if (log.hasNextOrInProgressUnstableEnts() || rd.snapshot !== null) {
      const hasEntries = log.hasNextOrInProgressUnstableEnts();
      persisted = {
        term: r.term,
        index: hasEntries ? log.lastIndex() : 0,
        logTerm: hasEntries ? log.lastTerm() : 0,
        snapshot: rd.snapshot,
      };
    }
    r.msgs = [];
    r.msgsAfterAppend = [];
    log.acceptUnstable();
    const last = rd.committedEntries[rd.committedEntries.length - 1];
    if (last !== undefined) log.acceptApplying(last.index, entriesSize(rd.committedEntries), true);
    if (selfMessages.length > 0 || persisted !== null || last !== undefined) {
      this.pending = { selfMessages, persisted, applied: rd.committedEntries };
    }
  }

  private hardStateChanged(): boolean {
    const r = this.raft;
    const prev = this.prevHardState;
    return r.term !== prev.term || r.vote !== prev.vote || r.raftLog.committed !== prev.commit;
  }

  private local(m: MessageInit): Message {
    return newMessage(this.raft.group, m);
  }
}

function addNode(node: NodeId): ConfChange {
  return {
    transition: ConfChangeTransition.Auto,
    changes: [{ type: ConfChangeType.AddNode, node }],
    context: EMPTY_BYTES,
  };
}
