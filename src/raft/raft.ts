/**
 * The Raft state machine of one node in one group (etcd raft's `raft`): follower,
 * pre-candidate, candidate and leader, driven by `tick` and `step`. It never does I/O:
 * what it wants sent is queued in `msgs` / `msgsAfterAppend`, what it wants written is
 * the unstable tail of `raftLog`; RawNode hands both out as a Ready.
 *
 * Exported for RawNode and for tests that drive the state machine directly; everything
 * else uses RawNode.
 */
import { decodeConfChange, encodeConfChange } from './codec.js';
import { Changer, enterJointOf, leaveJointOf, restore as restoreConfig } from './confchange.js';
import { CompactedError, SnapshotUnavailableError, type LogStorage } from './log-storage.js';
import {
  NO_ENTRIES,
  makeMessage,
  messageTypeName,
  newMessage,
  voteResponseType,
  type MessageInit,
} from './message.js';
import { Progress, ProgressState } from './progress.js';
import { RaftLog, entriesSize } from './raft-log.js';
import { ReadOnly, type ReadOnlyOption } from './read-only.js';
import { ProgressTracker, type ProgressMap, type TrackerConfig } from './tracker.js';
import {
  ConfChangeTransition,
  EMPTY_BYTES,
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
  type ReadState,
  type Snapshot,
  type SoftState,
} from './types.js';

export interface RaftConfig {
  /** This node; never 0. */
  id: NodeId;
  group: GroupId;
  storage: LogStorage;
  /** Ticks without hearing from a leader before a follower campaigns; > heartbeatTicks. */
  electionTicks: number;
  /** Ticks between a leader's heartbeats. */
  heartbeatTicks: number;
  /** The last applied index at restart: entries up to it are not handed out again. */
  applied?: number;
  /** Bytes of entries per MsgApp (default 1 MiB; 0 = one entry per message). */
  maxSizePerMsg?: number;
  /** Bytes of committed entries handed out to apply at a time (default maxSizePerMsg). */
  maxCommittedSizePerReady?: number;
  /** Bytes of uncommitted entries a leader accepts before dropping proposals; 0 = no limit. */
  maxUncommittedEntriesSize?: number;
  /** MsgApp messages in flight per follower (default 256). */
  maxInflightMsgs?: number;
  /** Bytes of MsgApp entries in flight per follower; 0 = no limit. */
  maxInflightBytes?: number;
  /** A leader that has not heard from a quorum for an election timeout steps down. */
  checkQuorum?: boolean;
  /** Pre-Vote (thesis §9.6): a node only campaigns if it could win. */
  preVote?: boolean;
  /** How reads are confirmed; 'lease' requires checkQuorum. Default 'safe'. */
  readOnly?: ReadOnlyOption;
  /** Followers drop proposals instead of forwarding them to the leader. */
  disableProposalForwarding?: boolean;
  /** A leader removed from the configuration (or demoted) steps down. */
  stepDownOnRemoval?: boolean;
  /** An integer in [0, n): the only randomness (election timeouts). */
  random: (n: number) => number;
  logger?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

/** Thrown to a caller whose proposal was not appended (no leader, transfer, limit). */
export class ProposalDroppedError extends Error {
  constructor() {
    super('raft proposal dropped');
  }
}

export type CampaignType = 'preElection' | 'election' | 'transfer';

const DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024;
const DEFAULT_MAX_INFLIGHT_MSGS = 256;

/** The context of a MsgVote for a leader transfer: voters grant it despite a lease. */
const CAMPAIGN_TRANSFER = Uint8Array.from('CampaignTransfer', (c) => c.charCodeAt(0));

/** The data of the ConfChange a leader proposes to leave a joint configuration. */
const LEAVE_JOINT_DATA = encodeConfChange({
  transition: ConfChangeTransition.Auto,
  changes: [],
  context: EMPTY_BYTES,
});

const EMPTY_SNAPSHOT: Snapshot = {
  meta: {
    index: 0,
    term: 0,
    confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
  },
  data: EMPTY_BYTES,
};

interface Limits {
  maxSizePerMsg: number;
  maxCommittedSizePerReady: number;
  maxUncommittedSize: number;
  maxInflightMsgs: number;
  maxInflightBytes: number;
}

function validate(c: RaftConfig): Limits {
  if (c.id === NONE) throw new Error('cannot use none as id');
  if (c.heartbeatTicks <= 0) throw new Error('heartbeat tick must be greater than 0');
  if (c.electionTicks <= c.heartbeatTicks) {
    throw new Error('election tick must be greater than heartbeat tick');
  }
  const maxSizePerMsg = c.maxSizePerMsg ?? DEFAULT_MAX_SIZE_PER_MSG;
  const maxCommittedSizePerReady = c.maxCommittedSizePerReady || maxSizePerMsg;
  if (maxCommittedSizePerReady <= 0) {
    throw new Error('max committed size per ready must be greater than 0');
  }
  const maxInflightMsgs = c.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS;
  if (maxInflightMsgs <= 0) throw new Error('max inflight messages must be greater than 0');
  const maxInflightBytes = c.maxInflightBytes ?? 0;
  if (maxInflightBytes !== 0 && maxInflightBytes < maxSizePerMsg) {
    throw new Error('max inflight bytes must be >= max message size');
  }
  if (c.readOnly === 'lease' && c.checkQuorum !== true) {
    throw new Error('CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased');
  }
  return {
    maxSizePerMsg,
    maxCommittedSizePerReady,
    maxUncommittedSize: c.maxUncommittedEntriesSize || Infinity,
    maxInflightMsgs,
    maxInflightBytes,
  };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes counted against the uncommitted limit. */
function payloadSize(ents: readonly Entry[]): number {
  let size = 0;
  // Conf changes are exempt: they are small, one at a time, and leaving a joint
  // configuration must never be refused.
  for (const e of ents) if (e.type === EntryType.Normal) size += e.data.length;
  return size;
}

export class Raft {
  readonly id: NodeId;
  readonly group: GroupId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = StateType.Follower;
  /** This node is a learner of the current configuration. */
  isLearner = false;
  readonly raftLog: RaftLog;
  trk: ProgressTracker;
  /** Members in ascending id order, kept with `trk.progress`. */
  peerIds: NodeId[] = [];

  /** To send as soon as the Ready's state is persisted (or at once, see RawNode). */
  msgs: Message[] = [];
  /**
   * Votes and append acknowledgements: sent (or, addressed to ourselves, stepped) only
   * once the state they vouch for is durable (thesis §3.8).
   */
  msgsAfterAppend: Message[] = [];
  readStates: ReadState[] = [];

  /** The node being handed leadership, or NONE. */
  leadTransferee: NodeId = NONE;
  /**
   * At or above the index of the latest conf change in the log; another one may be
   * proposed only once it is applied.
   */
  pendingConfIndex = 0;
  /** Bytes of the uncommitted tail (leader only); an estimate that never overshoots. */
  uncommittedSize = 0;
  readOnly: ReadOnly;
  /** Read requests held until this leader commits an entry of its term. */
  pendingReadIndexMessages: Message[] = [];

  /** Ticks since the last election timeout, or since hearing from the leader. */
  electionElapsed = 0;
  /** Ticks since the last heartbeat (leader only). */
  heartbeatElapsed = 0;
  /** In [electionTimeout, 2 * electionTimeout); drawn anew on each state change. */
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;

  checkQuorum: boolean;
  preVote: boolean;
  readonly disableProposalForwarding: boolean;
  readonly stepDownOnRemoval: boolean;
  readonly maxMsgSize: number;
  readonly maxUncommittedSize: number;
  private readonly random: (n: number) => number;
  private readonly logger: RaftConfig['logger'];

  constructor(config: RaftConfig) {
    const limits = validate(config);
    this.id = config.id;
    this.group = config.group;
    this.raftLog = new RaftLog(config.storage, limits.maxCommittedSizePerReady);
    this.trk = new ProgressTracker(limits.maxInflightMsgs, limits.maxInflightBytes);
    this.electionTimeout = config.electionTicks;
    this.heartbeatTimeout = config.heartbeatTicks;
    this.checkQuorum = config.checkQuorum ?? false;
    this.preVote = config.preVote ?? false;
    this.readOnly = new ReadOnly(config.readOnly ?? 'safe');
    this.disableProposalForwarding = config.disableProposalForwarding ?? false;
    this.stepDownOnRemoval = config.stepDownOnRemoval ?? false;
    this.maxMsgSize = limits.maxSizePerMsg;
    this.maxUncommittedSize = limits.maxUncommittedSize;
    this.random = config.random;
    this.logger = config.logger;

    const { hardState, confState } = config.storage.initialState();
    const restored = restoreConfig(new Changer(this.trk, this.raftLog.lastIndex()), confState);
    assertConfStatesEquivalent(confState, this.switchToConfig(restored.config, restored.progress));
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) {
      this.loadState(hardState);
    }
    if (config.applied !== undefined && config.applied > 0) {
      this.raftLog.appliedTo(config.applied, 0);
    }
    this.becomeFollower(this.term, NONE);
    this.log(
      'info',
      `newRaft ${this.id} [peers: [${this.trk.voterNodes().join(',')}], term: ${this.term}, ` +
        `commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, ` +
        `lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
    );
  }

  hasLeader(): boolean {
    return this.lead !== NONE;
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  // --- sending -------------------------------------------------------------------

  /**
   * Queues a message from this node. Votes carry the term they are about; the other
   * messages get the current term, except proposals and read requests, which are
   * forwarded like local messages.
   */
  send(init: MessageInit): void {
    const type = init.type;
    let term = init.term ?? 0;
    if (isVoteOrResponse(type)) {
      if (term === 0) throw new Error(`term should be set when sending ${messageTypeName(type)}`);
    } else {
      if (term !== 0) {
        throw new Error(
          `term should not be set when sending ${messageTypeName(type)} (was ${term})`,
        );
      }
      if (type !== MessageType.Prop && type !== MessageType.ReadIndex) term = this.term;
    }
    const m = makeMessage(this.group, init.from || this.id, term, init);
    if (
      type === MessageType.AppResp ||
      type === MessageType.VoteResp ||
      type === MessageType.PreVoteResp
    ) {
      this.msgsAfterAppend.push(m);
      return;
    }
    if (m.to === this.id) {
      throw new Error(`message should not be self-addressed when sending ${messageTypeName(type)}`);
    }
    this.msgs.push(m);
  }

  /** Passes a request on to the leader, keeping its sender. */
  private forward(m: Message, to: NodeId): void {
    this.send({ type: m.type, to, from: m.from, entries: m.entries, context: m.context });
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends the entries `to` is missing (and the commit index), or a snapshot if they are
   * compacted away. Without `sendIfEmpty`, a message with no entries is not sent.
   * Returns whether a message was sent.
   */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) return this.maybeSendSnapshot(to, pr);
    let ents: readonly Entry[] = NO_ENTRIES;
    // A throttled follower gets an empty append, so that a lost window still ends in
    // an ack or a rejection that clears it.
    if (pr.state !== ProgressState.Replicate || !pr.inflights.full()) {
      try {
        ents = this.raftLog.entries(pr.next, this.maxMsgSize);
      } catch (err) {
        if (err instanceof CompactedError) return this.maybeSendSnapshot(to, pr);
        throw err;
      }
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    const commit = this.raftLog.committed;
    this.send({
      type: MessageType.App,
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries: ents,
      commit,
    });
    pr.sentEntries(ents.length, entriesSize(ents));
    pr.sentCommitTo(commit);
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) {
      this.log('debug', `ignore sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      if (err instanceof SnapshotUnavailableError) return false;
      throw err;
    }
    if (snapshot.meta.index === 0) throw new Error('need non-empty snapshot');
    pr.becomeSnapshot(snapshot.meta.index);
    this.log('debug', `${this.id} sent snapshot[index: ${snapshot.meta.index}] to ${to} [${pr}]`);
    this.send({ type: MessageType.Snap, to, snapshot });
    return true;
  }

  private sendHeartbeat(to: NodeId, pr: Progress, context: Uint8Array): void {
    // Never beyond what the follower is known to have: it may not hold the entries.
    const commit = Math.min(pr.match, this.raftLog.committed);
    this.send({ type: MessageType.Heartbeat, to, commit, context });
    pr.sentCommitTo(commit);
  }

  bcastAppend(): void {
    for (const id of this.peerIds) if (id !== this.id) this.sendAppend(id);
  }

  bcastHeartbeat(): void {
    const context = this.readOnly.heartbeatCtx();
    for (const id of this.peerIds) {
      const pr = this.trk.progress.get(id);
      if (id !== this.id && pr !== undefined) this.sendHeartbeat(id, pr, context);
    }
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: MessageType.TimeoutNow, to });
  }

  // --- state transitions ---------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      this.trk.progress.set(
        id,
        new Progress({
          match: id === this.id ? last : 0,
          next: last + 1,
          inflights: this.trk.newInflights(),
          isLearner: pr.isLearner,
        }),
      );
    }
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
    this.log('info', `${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === StateType.Leader)
      throw new Error('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
    this.log('info', `${this.id} became candidate at term ${this.term}`);
  }

  /** Like a candidate, but without raising the term or voting: only asks who would vote. */
  becomePreCandidate(): void {
    if (this.state === StateType.Leader) {
      throw new Error('invalid transition [leader -> pre-candidate]');
    }
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
    this.log('info', `${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === StateType.Follower)
      throw new Error('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    const pr = this.trk.progress.get(this.id);
    if (pr !== undefined) {
      // The leader trivially replicates to itself, and is always active.
      pr.becomeReplicate();
      pr.recentActive = true;
    }
    // There may be an unapplied conf change in the tail; waiting for all of it to
    // apply is safe and spares scanning it.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The no-op of the new term: committing it commits everything before (§5.4.2).
    if (!this.appendEntry([{ term: 0, index: 0, type: EntryType.Normal, data: EMPTY_BYTES }])) {
      throw new Error('empty entry was dropped');
    }
    this.log('info', `${this.id} became leader at term ${this.term}`);
  }

  // --- ticks ---------------------------------------------------------------------

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.pastElectionTimeout() && this.promotable()) {
      this.electionElapsed = 0;
      this.step(this.localMessage(MessageType.Hup));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(this.localMessage(MessageType.CheckQuorum));
      // A transfer that did not finish within an election timeout is given up.
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) {
        this.abortLeaderTransfer();
      }
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(this.localMessage(MessageType.Beat));
    }
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.random(this.electionTimeout);
  }

  private localMessage(type: MessageType): Message {
    return newMessage(this.group, { type, from: this.id });
  }

  // --- elections -----------------------------------------------------------------

  /** Whether this node may become leader: a voter, not waiting on a snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot();
  }

  private hup(t: CampaignType): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) {
      this.log('warn', `${this.id} is unpromotable and can not campaign`);
      return;
    }
    // A committed conf change not yet applied could make this node's view of the
    // voters wrong; it campaigns once it has applied it.
    if (this.hasUnappliedConfChanges()) {
      this.log(
        'warn',
        `${this.id} cannot campaign at term ${this.term} since there are still pending configuration changes to apply`,
      );
      return;
    }
    this.log('info', `${this.id} is starting a new election at term ${this.term}`);
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    let found = false;
    log.scan(log.applied + 1, log.committed + 1, log.maxApplyingEntsSize, (ents) => {
      found = ents.some((e) => e.type === EntryType.ConfChange);
      return !found;
    });
    return found;
  }

  campaign(t: CampaignType): void {
    let term: number;
    let voteType: MessageType;
    if (t === 'preElection') {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      // Asked about the next term, without moving to it yet.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    const index = this.raftLog.lastIndex();
    const logTerm = this.raftLog.lastTerm();
    const context = t === 'transfer' ? CAMPAIGN_TRANSFER : EMPTY_BYTES;
    for (const id of this.trk.config.voters.ids()) {
      if (id === this.id) {
        // Our own vote counts once it is durable, like anyone's.
        this.send({ type: voteResponseType(voteType), to: id, term });
        continue;
      }
      this.send({ type: voteType, to: id, term, index, logTerm, context });
    }
  }

  private poll(m: Message): void {
    this.trk.recordVote(m.from, !m.reject);
    const { granted, rejected, result } = this.trk.tallyVotes();
    this.log(
      'info',
      `${this.id} has received ${granted} ${messageTypeName(m.type)} votes and ${rejected} vote rejections`,
    );
    if (result === 'won') {
      if (this.state === StateType.PreCandidate) {
        this.campaign('election');
      } else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === 'lost') {
      // A PreVoteResp carries the future term; ours stays.
      this.becomeFollower(this.term, NONE);
    }
  }

  // --- step ----------------------------------------------------------------------

  /** Advances the state machine by one message; false when a proposal was dropped. */
  step(m: Message): boolean {
    if (m.term > this.term) {
      if (!this.stepHigherTerm(m)) return true;
    } else if (m.term !== 0 && m.term < this.term) {
      this.stepLowerTerm(m);
      return true;
    }
    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.preVote ? 'preElection' : 'election');
        return true;
      case MessageType.Vote:
      case MessageType.PreVote:
        this.handleVoteRequest(m);
        return true;
      default:
        if (this.state === StateType.Leader) return this.stepLeader(m);
        if (this.state === StateType.Follower) return this.stepFollower(m);
        return this.stepCandidate(m);
    }
  }

  /** A message from a later term; false if it is to be ignored. */
  private stepHigherTerm(m: Message): boolean {
    if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
      const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
      const inLease =
        this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
      // Within the minimum election timeout of hearing from a leader, a vote request
      // neither raises the term nor is granted (thesis §4.2.3): a removed or
      // partitioned node cannot disrupt the group.
      if (!force && inLease) {
        this.log(
          'info',
          `${this.id} ignored ${messageTypeName(m.type)} from ${m.from} at term ${this.term}: lease is not expired`,
        );
        return false;
      }
    }
    if (m.type === MessageType.PreVote) return true; // never changes our term
    // A granted pre-vote carries the term we would campaign in; we move there on winning.
    if (m.type === MessageType.PreVoteResp && !m.reject) return true;
    this.log(
      'info',
      `${this.id} [term: ${this.term}] received a ${messageTypeName(m.type)} message with higher term from ${m.from} [term: ${m.term}]`,
    );
    const fromLeader =
      m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap;
    this.becomeFollower(m.term, fromLeader ? m.from : NONE);
    return true;
  }

  private stepLowerTerm(m: Message): void {
    if (
      (this.checkQuorum || this.preVote) &&
      (m.type === MessageType.Heartbeat || m.type === MessageType.App)
    ) {
      // A stale leader, or we moved to a later term while cut off: answering with our
      // term lets a stale leader step down, and frees a node stuck at a higher term
      // that check-quorum or pre-vote would otherwise keep out of elections.
      this.send({ type: MessageType.AppResp, to: m.from });
    } else if (m.type === MessageType.PreVote) {
      // Rejecting rather than ignoring keeps a cluster upgrading to pre-vote live.
      this.send({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true });
    }
  }

  private handleVoteRequest(m: Message): void {
    const canVote =
      // a repeat of our vote, or we have not voted and know no leader this term,
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      // or a pre-vote for a future term;
      (m.type === MessageType.PreVote && m.term > this.term);
    // and the candidate's log is at least as up to date as ours (§5.4.1). Learners
    // vote too: the candidate may know of a promotion the learner has not applied yet.
    const respType = voteResponseType(m.type);
    if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
      // The term of the request, not ours: a pre-candidate is ahead of our term.
      this.send({ type: respType, to: m.from, term: m.term });
      if (m.type === MessageType.Vote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  // --- leader --------------------------------------------------------------------

  private stepLeader(m: Message): boolean {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat();
        return true;
      case MessageType.CheckQuorum:
        this.checkQuorumActive();
        return true;
      case MessageType.Prop:
        return this.leaderPropose(m);
      case MessageType.ReadIndex:
        this.leaderReadIndex(m);
        return true;
    }
    const pr = this.trk.progress.get(m.from);
    if (pr === undefined) return true;
    switch (m.type) {
      case MessageType.AppResp:
        pr.recentActive = true;
        if (m.reject) this.handleAppendRejection(m, pr);
        else this.handleAppendAck(m, pr);
        break;
      case MessageType.HeartbeatResp:
        this.handleHeartbeatResponse(m, pr);
        break;
      case MessageType.SnapStatus:
        this.handleSnapStatus(m, pr);
        break;
      case MessageType.Unreachable:
        // An append to it was probably lost: stop streaming, probe.
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        break;
      case MessageType.TransferLeader:
        this.handleTransferLeader(m, pr);
        break;
    }
    return true;
  }

  private checkQuorumActive(): void {
    if (!this.trk.quorumActive()) {
      this.log('warn', `${this.id} stepped down to follower since quorum is not active`);
      this.becomeFollower(this.term, NONE);
    }
    // Everyone but us must prove to be active again before the next check.
    for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
  }

  private leaderPropose(m: Message): boolean {
    if (m.entries.length === 0) throw new Error(`${this.id} stepped empty MsgProp`);
    // Removed from the configuration while leading: take nothing new.
    if (!this.trk.progress.has(this.id)) return false;
    if (this.leadTransferee !== NONE) {
      this.log(
        'debug',
        `${this.id} [term ${this.term}] transfer leadership to ${this.leadTransferee} is in progress; dropping proposal`,
      );
      return false;
    }
    const entries = this.screenConfChanges(m.entries);
    if (!this.appendEntry(entries)) return false;
    this.bcastAppend();
    return true;
  }

  /**
   * Replaces a conf change that may not be proposed now by an empty entry, and notes
   * the index of one that may. Returns `ents` itself when nothing was replaced.
   */
  private screenConfChanges(ents: readonly Entry[]): readonly Entry[] {
    let copy: Entry[] | undefined;
    let i = 0;
    for (const e of ents) {
      if (e.type === EntryType.ConfChange) {
        const refusal = this.confChangeRefusal(e);
        if (refusal === undefined) {
          this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
        } else {
          this.log(
            'info',
            `${this.id} ignoring conf change at config ${this.trk.config.voters.toString()}: ${refusal}`,
          );
          copy ??= ents.slice();
          copy[i] = { term: 0, index: 0, type: EntryType.Normal, data: EMPTY_BYTES };
        }
      }
      i++;
    }
    return copy ?? ents;
  }

  private confChangeRefusal(e: Entry): string | undefined {
    if (this.pendingConfIndex > this.raftLog.applied) {
      return `possible unapplied conf change at index ${this.pendingConfIndex} (applied to ${this.raftLog.applied})`;
    }
    let cc: ConfChange;
    try {
      cc = decodeConfChange(e.data);
    } catch (err) {
      return `malformed conf change: ${(err as Error).message}`;
    }
    const alreadyJoint = this.trk.config.voters.isJoint();
    const wantsLeaveJoint = cc.changes.length === 0;
    if (alreadyJoint && !wantsLeaveJoint) return 'must transition out of joint config first';
    if (!alreadyJoint && wantsLeaveJoint) return 'not in joint state; refusing empty conf change';
    return undefined;
  }

  /** Appends entries of the current term; false if the uncommitted limit refuses them. */
  appendEntry(ents: readonly Entry[]): boolean {
    const appended: Entry[] = [];
    let index = this.raftLog.lastIndex();
    for (const e of ents)
      appended.push({ term: this.term, index: ++index, type: e.type, data: e.data });
    if (!this.increaseUncommittedSize(appended)) {
      this.log(
        'warn',
        `${this.id} appending new entries to log would exceed uncommitted entry size limit; dropping proposal`,
      );
      return false;
    }
    const last = this.raftLog.append(appended);
    // The leader acks its own entries once they are durable, like any follower.
    this.send({ type: MessageType.AppResp, to: this.id, index: last });
    return true;
  }

  private handleAppendRejection(m: Message, pr: Progress): void {
    // rejectHint is where the follower's log may match, logTerm its term there. Every
    // index of ours whose term exceeds that term cannot match either: skip them all,
    // probing at most once per term (fast backtracking).
    let nextProbe = m.rejectHint;
    if (m.logTerm > 0) nextProbe = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      if (pr.state === ProgressState.Replicate) pr.becomeProbe();
      this.sendAppend(m.from);
    }
  }

  private handleAppendAck(m: Message, pr: Progress): void {
    // A probe answered at the known match also moves a follower back to replicating.
    if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === ProgressState.Probe)) {
      return;
    }
    if (pr.state === ProgressState.Probe) {
      pr.becomeReplicate();
    } else if (pr.state === ProgressState.Snapshot && pr.match + 1 >= this.raftLog.firstIndex()) {
      // Whatever snapshot it applied, the log can now catch it up; probe first so that
      // next is right, then stream.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === ProgressState.Replicate) {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      // An entry of this term is committed: held reads may be answered now.
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (m.from !== this.id && pr.canBumpCommit(this.raftLog.committed)) {
      this.sendAppend(m.from);
    }
    if (m.from !== this.id) {
      // The window may have opened for several messages.
      while (this.maybeSendAppend(m.from, false));
    }
    if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
      this.log('info', `${this.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
      this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    pr.msgAppFlowPaused = false;
    // Also when its window is full: an empty append lets it recover from lost appends.
    if (pr.match < this.raftLog.lastIndex() || pr.state === ProgressState.Probe) {
      this.sendAppend(m.from);
    }
    if (this.readOnly.option !== 'safe' || m.context.length === 0) return;
    this.readOnly.recvAck(m.from, m.context);
    for (const rs of this.readOnly.maybeAdvance(this.trk.config.voters)) {
      this.respondToReadIndex(rs.req, rs.index);
    }
  }

  private handleSnapStatus(m: Message, pr: Progress): void {
    if (pr.state !== ProgressState.Snapshot) return;
    // On failure, forget the snapshot first, or it would probe from its index.
    if (m.reject) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    this.log(
      'debug',
      `${this.id} snapshot ${m.reject ? 'failed' : 'succeeded'}, resumed sending replication messages to ${m.from} [${pr}]`,
    );
    // After success, wait for its MsgAppResp; after failure, for the next heartbeat.
    pr.msgAppFlowPaused = true;
  }

  private handleTransferLeader(m: Message, pr: Progress): void {
    if (pr.isLearner) return;
    const transferee = m.from;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return;
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return;
    this.log(
      'info',
      `${this.id} [term ${this.term}] starts to transfer leadership to ${transferee}`,
    );
    // The transfer must finish within an election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
    else this.sendAppend(transferee);
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  // --- reads ---------------------------------------------------------------------

  private leaderReadIndex(m: Message): void {
    if (this.trk.isSingleton()) {
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    // Until an entry of its term commits, a new leader may not know the latest commit
    // index (thesis §6.4): hold the read.
    if (!this.committedEntryInCurrentTerm()) {
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.sendReadIndexResponse(m);
  }

  private sendReadIndexResponse(m: Message): void {
    if (this.readOnly.option === 'lease') {
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    this.readOnly.addRequest(this.raftLog.committed, m);
    // The leader confirms itself.
    this.readOnly.recvAck(this.id, this.readOnly.heartbeatCtx());
    this.bcastHeartbeat();
  }

  private respondToReadIndex(req: Message, index: number): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, context: req.context });
      return;
    }
    this.send({ type: MessageType.ReadIndexResp, to: req.from, index, context: req.context });
  }

  committedEntryInCurrentTerm(): boolean {
    return (this.raftLog.term(this.raftLog.committed) ?? 0) === this.term;
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    if (!this.committedEntryInCurrentTerm()) return;
    const held = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of held) this.sendReadIndexResponse(m);
  }

  // --- candidate and follower ----------------------------------------------------

  private stepCandidate(m: Message): boolean {
    // Only answers to our own candidacy count (a candidate may still get pre-votes).
    const myVoteResp =
      this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.Prop:
        this.log('info', `${this.id} no leader at term ${this.term}; dropping proposal`);
        return false;
      case MessageType.App:
        this.becomeFollower(m.term, m.from); // m.term === this.term
        this.handleAppendEntries(m);
        return true;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return true;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return true;
    }
    if (m.type === myVoteResp) this.poll(m);
    return true;
  }

  private stepFollower(m: Message): boolean {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === NONE || this.disableProposalForwarding) return false;
        this.forward(m, this.lead);
        return true;
      case MessageType.App:
      case MessageType.Heartbeat:
      case MessageType.Snap:
        this.electionElapsed = 0;
        this.lead = m.from;
        if (m.type === MessageType.App) this.handleAppendEntries(m);
        else if (m.type === MessageType.Heartbeat) this.handleHeartbeat(m);
        else this.handleSnapshot(m);
        return true;
      case MessageType.TransferLeader:
      case MessageType.ReadIndex:
        if (this.lead !== NONE) this.forward(m, this.lead);
        return true;
      case MessageType.TimeoutNow:
        // A transfer skips pre-vote: the leader asked for it, no partition to guard against.
        this.hup('transfer');
        return true;
      case MessageType.ReadIndexResp:
        this.readStates.push({ index: m.index, context: m.context });
        return true;
    }
    return true;
  }

  handleAppendEntries(m: Message): void {
    const log = this.raftLog;
    if (m.index < log.committed) {
      this.send({ type: MessageType.AppResp, to: m.from, index: log.committed });
      return;
    }
    const last = log.maybeAppend(m.index, m.logTerm, m.entries, m.commit);
    if (last !== undefined) {
      this.send({ type: MessageType.AppResp, to: m.from, index: last });
      return;
    }
    // No match at m.index: hint the largest (index, term) at or below it whose term
    // is <= m.logTerm, skipping our divergent tail at once.
    const [hintIndex, hintTerm] = log.findConflictByTerm(
      Math.min(m.index, log.lastIndex()),
      m.logTerm,
    );
    this.send({
      type: MessageType.AppResp,
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hintIndex,
      logTerm: hintTerm,
    });
  }

  handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send({ type: MessageType.HeartbeatResp, to: m.from, context: m.context });
  }

  handleSnapshot(m: Message): void {
    const s = m.snapshot ?? EMPTY_SNAPSHOT;
    const index = this.restore(s) ? this.raftLog.lastIndex() : this.raftLog.committed;
    this.send({ type: MessageType.AppResp, to: m.from, index });
  }

  /**
   * Resets the log and configuration to a snapshot from the leader. False if it was
   * ignored: not newer than our commit, or our log already holds its last entry (then
   * only the commit index moves).
   */
  restore(s: Snapshot): boolean {
    const meta = s.meta;
    if (meta.index <= this.raftLog.committed) return false;
    if (this.state !== StateType.Follower) {
      // Never happens: only followers get here. Step down rather than apply it.
      this.log('warn', `${this.id} attempted to restore snapshot as leader; should never happen`);
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    const cs = meta.confState;
    if (![cs.voters, cs.learners, cs.votersOutgoing].some((ids) => ids.includes(this.id))) {
      this.log(
        'warn',
        `${this.id} attempted to restore snapshot but it is not in the ConfState; should never happen`,
      );
      return false;
    }
    if (this.raftLog.matchTerm(meta.index, meta.term)) {
      this.raftLog.commitTo(meta.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk = new ProgressTracker(this.trk.maxInflight, this.trk.maxInflightBytes);
    const restored = restoreConfig(new Changer(this.trk, this.raftLog.lastIndex()), cs);
    assertConfStatesEquivalent(cs, this.switchToConfig(restored.config, restored.progress));
    this.log(
      'info',
      `${this.id} [commit: ${this.raftLog.committed}] restored snapshot [index: ${meta.index}, term: ${meta.term}]`,
    );
    return true;
  }

  // --- persistence and application -----------------------------------------------

  loadState(hs: HardState): void {
    const log = this.raftLog;
    if (hs.commit < log.committed || hs.commit > log.lastIndex()) {
      throw new Error(
        `${this.id} state.commit ${hs.commit} is out of range [${log.committed}, ${log.lastIndex()}]`,
      );
    }
    log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /**
   * The write of a Ready finished: entries up to (index, logTerm) and `snapshot` are
   * durable. `term` is the term when the Ready was taken; if it has changed since,
   * those entries may have been replaced and only the snapshot counts.
   */
  onAppendPersisted(term: number, index: number, logTerm: number, snapshot: Snapshot | null): void {
    if (term >= this.term && index !== 0) this.raftLog.stableTo(index, logTerm);
    if (snapshot !== null) this.appliedSnap(snapshot);
  }

  /** The application applied `ents`, handed out earlier. */
  onApplied(ents: readonly Entry[]): void {
    const last = ents[ents.length - 1];
    if (last === undefined) return;
    this.appliedTo(last.index, entriesSize(ents));
    this.reduceUncommittedSize(payloadSize(ents));
  }

  appliedTo(index: number, size: number): void {
    const applied = Math.max(index, this.raftLog.applied);
    this.raftLog.appliedTo(applied, size);
    if (
      this.trk.config.autoLeave &&
      applied >= this.pendingConfIndex &&
      this.state === StateType.Leader
    ) {
      // The joint configuration is applied: leave it. Dropped only during a leader
      // transfer; then it is retried on the next apply, or the new leader does it.
      const accepted = this.step(
        newMessage(this.group, {
          type: MessageType.Prop,
          from: this.id,
          entries: [{ term: 0, index: 0, type: EntryType.ConfChange, data: LEAVE_JOINT_DATA }],
        }),
      );
      this.log(
        'info',
        `${accepted ? 'initiating' : 'not initiating'} automatic transition out of joint configuration`,
      );
    }
  }

  appliedSnap(snapshot: Snapshot): void {
    this.raftLog.stableSnapTo(snapshot.meta.index);
    this.appliedTo(snapshot.meta.index, 0);
  }

  /** Whether `ents` fit under the uncommitted limit; if so they are counted. */
  increaseUncommittedSize(ents: readonly Entry[]): boolean {
    const size = payloadSize(ents);
    // An empty tail takes a proposal of any size, and empty entries always fit (the
    // new leader's no-op, leaving a joint config).
    if (
      this.uncommittedSize > 0 &&
      size > 0 &&
      this.uncommittedSize + size > this.maxUncommittedSize
    ) {
      return false;
    }
    this.uncommittedSize += size;
    return true;
  }

  reduceUncommittedSize(size: number): void {
    this.uncommittedSize = size > this.uncommittedSize ? 0 : this.uncommittedSize - size;
  }

  // --- configuration -------------------------------------------------------------

  applyConfChange(cc: ConfChange): ConfState {
    const changer = new Changer(this.trk, this.raftLog.lastIndex());
    let result: { config: TrackerConfig; progress: ProgressMap };
    if (leaveJointOf(cc)) {
      result = changer.leaveJoint();
    } else {
      const { autoLeave, joint } = enterJointOf(cc);
      result = joint ? changer.enterJoint(autoLeave, cc.changes) : changer.simple(cc.changes);
    }
    return this.switchToConfig(result.config, result.progress);
  }

  /**
   * Makes a configuration current and reacts to it: a removed leader may step down; a
   * leader commits what the new quorum allows and probes new members at once.
   */
  switchToConfig(config: TrackerConfig, progress: ProgressMap): ConfState {
    this.trk.config = config;
    this.trk.progress = progress;
    this.peerIds = [...progress.keys()].sort((a, b) => a - b);
    this.log('info', `${this.id} switched to configuration voters=${config.voters.toString()}`);
    const cs = this.trk.confState();
    const pr = progress.get(this.id);
    this.isLearner = pr !== undefined && pr.isLearner;
    if ((pr === undefined || this.isLearner) && this.state === StateType.Leader) {
      if (this.stepDownOnRemoval) this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.state !== StateType.Leader || cs.voters.length === 0) return cs;
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      for (const id of this.peerIds) if (id !== this.id) this.maybeSendAppend(id, false);
    }
    if (this.leadTransferee !== NONE && !config.voters.ids().has(this.leadTransferee)) {
      this.abortLeaderTransfer();
    }
    return cs;
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    if (this.logger !== undefined) this.logger(level, message);
  }
}

function isVoteOrResponse(type: MessageType): boolean {
  return (
    type === MessageType.Vote ||
    type === MessageType.VoteResp ||
    type === MessageType.PreVote ||
    type === MessageType.PreVoteResp
  );
}

function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((id, i) => id === y[i]);
}

/** A restored configuration must be the one asked for, or the tracker is corrupt. */
function assertConfStatesEquivalent(want: ConfState, got: ConfState): void {
  const same =
    sameIds(want.voters, got.voters) &&
    sameIds(want.learners, got.learners) &&
    sameIds(want.votersOutgoing, got.votersOutgoing) &&
    sameIds(want.learnersNext, got.learnersNext) &&
    want.autoLeave === got.autoLeave;
  if (!same) {
    throw new Error(
      `ConfStates not equivalent after restore: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`,
    );
  }
}
