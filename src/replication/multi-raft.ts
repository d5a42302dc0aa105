/**
 * The Raft groups of one node, driven together: one timer ticks them all, every group
 * with work hands its Ready over in the same event-loop turn, and the whole batch is
 * made durable with one log write and one fsync before any of its messages leave the
 * node (the rule written on Ready). Proposals are tracked from `propose` to the apply
 * that answers them; linearizable reads wait for a read index to be applied.
 *
 * Production and the simulator drive this same code: the log store, the message sender,
 * the deferral of work to a later turn and randomness are all passed in.
 */
import { RawNode, type RaftConfig } from '../raft/raw-node.js';
import { decodeConfChange } from '../raft/codec.js';
import type { LogStorage } from '../raft/log-storage.js';
import { NODE_GROUP, Quiescence } from './quiescence.js';
import { SeqWindow } from '../util/seq-window.js';
import {
  GroupSnapshots,
  type SnapshotOutcome,
  type SnapshotSink,
  type SnapshotSource,
} from './background-snapshot.js';
import {
  ConfChangeType,
  EntryType,
  StateType,
  type ConfChange,
  type ConfState,
  type Entry,
  type GroupId,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type Snapshot,
  type SnapshotMeta,
  sentAfterPersist,
} from '../raft/types.js';

/** The node's durable Raft state: the write-ahead log of storage/, or the simulator's. */
export interface RaftStore {
  log(group: GroupId): LogStorage;
  save(
    group: GroupId,
    update: { hardState?: HardState; entries?: readonly Entry[]; snapshot?: Snapshot },
  ): void;
  /** Makes everything saved so far durable; one write and one fsync for all groups. */
  flush(done: (err: Error | null) => void): void;
  /** The state machine has a snapshot at `snapshot.meta.index`: the log before it may go. */
  compact(group: GroupId, snapshot: Snapshot): void;
  /**
   * Takes a snapshot at `meta` streamed in pieces; its `finish` makes it durable and then
   * compacts as `compact` does. Absent: streamed snapshots are gathered for `compact`.
   */
  beginSnapshot?(group: GroupId, meta: SnapshotMeta): SnapshotSink;
  /**
   * Entries up to `index` are applied and no peer will need them: the store may drop
   * them from memory (it keeps them on disk until `compact`).
   */
  release?(group: GroupId, index: number): void;
}

export interface MessageSender {
  send(messages: readonly Message[]): void;
  /** Called once per batch, after all of its sends. */
  flush?(): void;
}

/** The replicated state of one group, as the application defines it. */
export interface GroupApplier {
  /**
   * Applies one committed proposal; the result goes to the proposer's callback. `own`
   * is set when this node proposed it and waits for the result (replicas elsewhere drop
   * theirs); its `context` is what the proposer passed to proposeFramed.
   */
  apply(
    index: number,
    payload: Uint8Array,
    own: { readonly context: unknown } | undefined,
  ): unknown;
  /** An image of the state after the last applied entry. */
  snapshot(): Uint8Array;
  /**
   * The same image, made in pieces while entries keep applying (background-snapshot.ts):
   * the pieces are the state after the last entry applied before this call.
   */
  beginSnapshot?(): SnapshotSource;
  /** Replaces the state with a snapshot's. */
  restore(snapshot: Snapshot): void;
  onConfChange?(cc: ConfChange, cs: ConfState): void;
}

export type ProposalFailure = 'dropped' | 'timeout' | 'superseded' | 'leader-changed';

/** `ok`: applied, with the applier's result; otherwise why it did not (or may not) apply. */
export type ProposalOutcome =
  | { readonly ok: true; readonly value: unknown; readonly index: number }
  | { readonly ok: false; readonly failure: ProposalFailure };

export interface MultiRaftOptions {
  readonly id: NodeId;
  readonly store: RaftStore;
  readonly sender: MessageSender;
  /** Runs `fn` in a later event-loop turn (setImmediate, or the simulator's queue). */
  readonly defer: (fn: () => void) => void;
  readonly random: (n: number) => number;
  /** Raft settings shared by every group. */
  readonly raft: Omit<RaftConfig, 'id' | 'group' | 'storage' | 'random' | 'applied'>;
  /** Ticks a proposal or read may wait before it fails with `timeout`. */
  readonly requestTimeoutTicks: number;
  /** Entries applied after the last snapshot before the next one is taken. */
  readonly snapshotEntries: number;
  /**
   * Idle ticks after which a leader quiesces its group (see quiescence.ts); 0 never.
   * Default: one election timeout, or never under lease reads.
   */
  readonly quiesceAfterTicks?: number;
  /** A storage failure: the node must stop, as it can no longer promise durability. */
  readonly onFatal: (err: Error) => void;
  readonly logger?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

/** Bytes a proposal's header takes before its payload (see writeHeader). */
export const PROPOSAL_HEADER_BYTES = 16;
const HEADER_BYTES = PROPOSAL_HEADER_BYTES;
/** Proposals handed to Raft in one call (one MsgProp). */
const PROPOSE_BATCH_MAX = 4096;

/**
 * A proposal waiting for its entry, told once how it ended. The proposer's object keeps
 * the group's bookkeeping too, so a pending proposal is one object, not a callback, a
 * record and an outcome.
 */
export interface Proposal {
  /** What comes back to this node's applier with the entry (see GroupApplier.apply). */
  readonly context: unknown;
  /** Set by the group: the tick after which it fails with `timeout`. */
  deadline: number;
  /** Set by the group: its log index once placed (0 until then). */
  index: number;
  /** It applied here; `value` is the applier's result. */
  applied(value: unknown, index: number): void;
  /** It did not apply, or cannot be known to have. */
  failed(failure: ProposalFailure): void;
}

/** A Proposal for a callback that takes a ProposalOutcome (RaftGroup.propose). */
class OutcomeProposal implements Proposal {
  deadline = 0;
  index = 0;
  readonly context = undefined;
  constructor(private readonly done: (outcome: ProposalOutcome) => void) {}
  applied(value: unknown, index: number): void {
    this.done({ ok: true, value, index });
  }
  failed(failure: ProposalFailure): void {
    this.done({ ok: false, failure });
  }
}

interface PendingRead {
  readonly done: (err: ProposalFailure | null) => void;
  readonly deadline: number;
  index: number;
}

/**
 * Every proposal carries a 16-byte header naming its proposer (node id, incarnation,
 * sequence number): an entry that applies on the proposer answers its callback, and an
 * entry of someone else applied at the index the proposal took proves that it lost.
 * The incarnation keeps a restarted node from mistaking its old entries for new ones.
 */
function writeHeader(data: Uint8Array, node: NodeId, incarnation: number, seq: number): void {
  writeU32(data, 0, node % 0x1_0000_0000);
  writeU32(data, 4, Math.floor(node / 0x1_0000_0000));
  writeU32(data, 8, incarnation);
  writeU32(data, 12, seq);
}

function writeU32(data: Uint8Array, at: number, v: number): void {
  data[at] = v & 0xff;
  data[at + 1] = (v >>> 8) & 0xff;
  data[at + 2] = (v >>> 16) & 0xff;
  data[at + 3] = v >>> 24;
}

function readU32(data: Uint8Array, at: number): number {
  return (
    ((data[at] as number) |
      ((data[at + 1] as number) << 8) |
      ((data[at + 2] as number) << 16) |
      ((data[at + 3] as number) << 24)) >>>
    0
  );
}

export class RaftGroup {
  readonly node: RawNode;
  /** This node's proposals awaiting their entries, under their sequence numbers. */
  private readonly proposals = new SeqWindow<Proposal>();
  /** Proposals of this turn not yet handed to Raft, and their sequence numbers. */
  private unproposed: Uint8Array[] = [];
  private unproposedSeqs: number[] = [];
  private readonly reads = new Map<number, PendingRead>();
  private readonly readsByIndex: PendingRead[] = [];
  private readSeq = 0;
  applied: number;
  /** The index up to which the store was told it may drop entries from memory. */
  private released = 0;
  private appliedTerm: number;
  private snapshotIndex: number;
  private snapshotDue = false;
  /** The group's snapshots, one at a time (SAVE and BGSAVE take them too). */
  readonly snapshots: GroupSnapshots;
  confState: ConfState;
  leader: NodeId = 0;
  term = 0;

  constructor(
    readonly id: GroupId,
    private readonly host: MultiRaft,
    private readonly applier: GroupApplier,
    storage: LogStorage,
  ) {
    this.confState = storage.initialState().confState;
    const snapshot = storage.snapshot();
    if (snapshot.meta.index > 0) applier.restore(snapshot);
    this.snapshotIndex = this.applied = snapshot.meta.index;
    this.appliedTerm = snapshot.meta.term;
    const o = host.options;
    this.snapshots = new GroupSnapshots(id, applier, o.store, o.defer);
    this.node = new RawNode({
      // A leader that removed itself would otherwise keep heartbeating while refusing
      // proposals, and no member would ever campaign.
      stepDownOnRemoval: true,
      ...o.raft,
      id: o.id,
      group: id,
      storage,
      random: o.random,
      applied: this.applied,
    });
  }

  hasPending(): boolean {
    return this.proposals.size > 0 || this.reads.size > 0 || this.readsByIndex.length > 0;
  }

  get isLeader(): boolean {
    return this.leader === this.host.options.id;
  }

  /** Proposes a payload; `done` runs once it applied here or cannot be known to. */
  propose(payload: Uint8Array, done: (outcome: ProposalOutcome) => void): void {
    const data = new Uint8Array(HEADER_BYTES + payload.length);
    data.set(payload, HEADER_BYTES);
    this.proposeFramed(data, new OutcomeProposal(done));
  }

  /**
   * Proposes `data`, whose first PROPOSAL_HEADER_BYTES are left for the header (saving
   * the copy `propose` makes). The proposal's `context` comes back to this node's
   * applier with the entry, so the proposer can skip decoding what it just encoded.
   */
  proposeFramed(data: Uint8Array, proposal: Proposal): void {
    const o = this.host.options;
    proposal.deadline = this.host.ticks + o.requestTimeoutTicks;
    proposal.index = 0;
    const seq = this.proposals.add(proposal);
    writeHeader(data, o.id, this.host.incarnation, seq);
    this.unproposed.push(data);
    this.unproposedSeqs.push(seq);
    this.host.touch(this);
  }

  /**
   * Hands the turn's proposals to Raft as one batch (one message, one append), just
   * before the Ready is taken; if Raft drops them, they fail as `dropped`.
   */
  proposeBatch(): void {
    if (this.unproposed.length === 0) return;
    const payloads = this.unproposed;
    const seqs = this.unproposedSeqs;
    this.unproposed = [];
    this.unproposedSeqs = [];
    // Spread arguments are bounded by the engine: a turn's backlog goes in slices.
    for (let at = 0; at < payloads.length; at += PROPOSE_BATCH_MAX) {
      const end = at + PROPOSE_BATCH_MAX;
      if (this.node.propose(...payloads.slice(at, end))) continue;
      for (const seq of seqs.slice(at, end)) {
        this.proposals.delete(seq)?.failed('dropped');
      }
    }
  }

  /** Calls `done(null)` once a read served now from this replica is linearizable. */
  read(done: (err: ProposalFailure | null) => void): void {
    const seq = (this.readSeq = (this.readSeq + 1) >>> 0);
    const ctx = new Uint8Array(4);
    new DataView(ctx.buffer).setUint32(0, seq, true);
    const deadline = this.host.ticks + this.host.options.requestTimeoutTicks;
    this.reads.set(seq, { done, deadline, index: 0 });
    this.node.readIndex(ctx);
    this.host.touch(this);
  }

  proposeConfChange(cc: ConfChange): boolean {
    const ok = this.node.proposeConfChange(cc);
    this.host.touch(this);
    return ok;
  }

  transferLeader(to: NodeId): void {
    this.node.transferLeader(to);
    this.host.touch(this);
  }

  /** Hands what a Ready asks to persist to the store (durable at the next flush). */
  persist(rd: Ready): void {
    const update: { hardState?: HardState; entries?: readonly Entry[]; snapshot?: Snapshot } = {};
    if (rd.hardState !== null) update.hardState = rd.hardState;
    if (rd.entries.length > 0) {
      update.entries = rd.entries;
      this.noteProposalIndices(rd.entries);
    }
    if (rd.snapshot !== null) update.snapshot = rd.snapshot;
    if (rd.hardState !== null || rd.entries.length > 0 || rd.snapshot !== null) {
      this.host.options.store.save(this.id, update);
    }
  }

  /**
   * Applies what a Ready delivers and answers proposers and readers. Committed entries
   * are durable on a quorum already (a leader counts itself only after its own flush),
   * so this need not wait for the flush of the Ready's own entries.
   */
  applyReady(rd: Ready): void {
    if (rd.softState !== null) this.onSoftState(rd.softState.lead);
    if (rd.hardState !== null) this.term = rd.hardState.term;
    if (rd.snapshot !== null) this.restore(rd.snapshot);
    for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) this.onReadState(rs.index, rs.context);
    this.serveReads();
  }

  /**
   * While a flush runs, applies what became committed among entries already durable
   * here (a quorum's acknowledgements arrived): their clients need not wait for the
   * flush of later entries.
   */
  applyCommittedEarly(): void {
    const ents = this.node.takeCommitted();
    if (ents.length === 0) return;
    for (const e of ents) this.applyEntry(e);
    this.node.appliedEarly(ents);
    this.serveReads();
  }

  /** Once the Ready is durable and its messages sent. */
  advance(rd: Ready): void {
    this.node.advance(rd);
    this.maybeSnapshot();
    this.leadIfSoleVoter();
    // Entries applied early (applyCommittedEarly) count too: under steady load a Ready
    // rarely carries committed entries of its own.
    if (this.applied > this.released && this.isSoleMember()) {
      this.released = this.applied;
      this.host.options.store.release?.(this.id, this.applied);
    }
  }

  /** This node is the group's only member: nobody will ever ask it for old entries. */
  private isSoleMember(): boolean {
    const { voters, learners, votersOutgoing } = this.confState;
    return (
      voters.length === 1 &&
      voters[0] === this.host.options.id &&
      learners.length === 0 &&
      votersOutgoing.length === 0
    );
  }

  /**
   * A group whose only voter is this node need not wait an election timeout to lead;
   * Raft refuses to campaign until the bootstrap's conf changes are applied, so this
   * runs after every advance until it leads.
   */
  leadIfSoleVoter(): void {
    const raft = this.node.raft;
    if (raft.state === StateType.Leader || raft.state === StateType.Candidate) return;
    const { voters, votersOutgoing } = this.confState;
    if (voters.length !== 1 || voters[0] !== this.host.options.id || votersOutgoing.length > 0) {
      return;
    }
    this.node.campaign();
    this.host.touch(this);
  }

  private noteProposalIndices(entries: readonly Entry[]): void {
    for (const e of entries) {
      const seq = this.ownSeq(e);
      if (seq < 0) continue;
      const p = this.proposals.get(seq);
      if (p !== undefined) p.index = e.index;
    }
  }

  /** The sequence number of a proposal this incarnation of this node made, or -1. */
  private ownSeq(e: Entry): number {
    const d = e.data;
    if (e.type !== EntryType.Normal || d.length < HEADER_BYTES) return -1;
    const node = readU32(d, 0) + readU32(d, 4) * 0x1_0000_0000;
    if (node !== this.host.options.id || readU32(d, 8) !== this.host.incarnation) return -1;
    return readU32(d, 12);
  }

  private applyEntry(e: Entry): void {
    if (e.index <= this.applied) return;
    this.applied = e.index;
    this.appliedTerm = e.term;
    if (e.type === EntryType.ConfChange) {
      this.applyConfChange(e);
      return;
    }
    const seq = this.ownSeq(e);
    if (this.proposals.size > 0) this.failSuperseded(e.index, seq);
    if (e.data.length < HEADER_BYTES) return;
    const p = seq < 0 ? undefined : this.proposals.get(seq);
    const value = this.applier.apply(e.index, e.data.subarray(HEADER_BYTES), p);
    if (p === undefined) return;
    this.proposals.delete(seq);
    p.applied(value, e.index);
  }

  /**
   * Entry `index` applies, and it is proposal `seq` (-1: not one of ours): a proposal
   * whose entry was written at or before it and is not it lost its place to another
   * leader's entry. Proposals get their indices in sequence order, so the sweep stops at
   * the first one placed later or not placed yet (if that one never is, it times out).
   */
  private failSuperseded(index: number, seq: number): void {
    const window = this.proposals;
    for (let s = window.firstSeq; s !== window.nextSeq; s = (s + 1) >>> 0) {
      const p = window.get(s);
      if (p === undefined) continue;
      if (p.index === 0 || p.index > index) return;
      if (s === seq) continue;
      window.delete(s);
      p.failed('superseded');
    }
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    this.confState = this.node.applyConfChange(cc);
    this.host.membersChanged();
    this.applier.onConfChange?.(cc, this.confState);
    // A node added after a compaction can only start from a snapshot that names it.
    const adds = cc.changes.some((c) => c.type !== ConfChangeType.RemoveNode);
    if (adds && this.node.raft.raftLog.firstIndex() > 1) this.snapshotDue = true;
  }

  private restore(snapshot: Snapshot): void {
    // A snapshot of our own still being written is older than this state.
    this.snapshots.abort();
    this.applier.restore(snapshot);
    this.failCoveredBy(snapshot.meta.index);
    this.applied = snapshot.meta.index;
    this.appliedTerm = snapshot.meta.term;
    this.snapshotIndex = snapshot.meta.index;
    this.confState = snapshot.meta.confState;
    this.host.membersChanged();
    this.snapshots.restored(snapshot.meta);
  }

  /**
   * Proposals placed at or below a snapshot this node installs never apply here one by
   * one: whether their entries survived in the leader's log is not known, so they end
   * as "may or may not have applied" rather than being judged by a later entry.
   */
  private failCoveredBy(index: number): void {
    const window = this.proposals;
    for (let s = window.firstSeq; s !== window.nextSeq; s = (s + 1) >>> 0) {
      const p = window.get(s);
      if (p === undefined) continue;
      if (p.index === 0 || p.index > index) return;
      window.delete(s);
      p.failed('leader-changed');
    }
  }

  private onSoftState(lead: NodeId): void {
    if (lead === this.leader) return;
    this.leader = lead;
    // A read index requested from the old leader will never come back.
    for (const [seq, r] of this.reads) {
      if (r.index !== 0) continue;
      this.reads.delete(seq);
      r.done('leader-changed');
    }
  }

  private onReadState(index: number, context: Uint8Array): void {
    if (context.length !== 4) return;
    const seq = new DataView(context.buffer, context.byteOffset, 4).getUint32(0, true);
    const r = this.reads.get(seq);
    if (r === undefined) return;
    r.index = index;
    this.reads.delete(seq);
    this.readsByIndex.push(r);
  }

  private serveReads(): void {
    let kept = 0;
    for (const r of this.readsByIndex) {
      if (r.index <= this.applied) r.done(null);
      else this.readsByIndex[kept++] = r;
    }
    this.readsByIndex.length = kept;
  }

  /** Every `snapshotEntries` applied entries, or when a new member needs one. */
  private maybeSnapshot(): void {
    const every = this.host.options.snapshotEntries;
    const due = this.snapshotDue || (every > 0 && this.applied - this.snapshotIndex >= every);
    if (!due || this.applied === this.snapshotIndex || this.snapshots.running) return;
    this.snapshotDue = false;
    this.snapshotNow();
  }

  /**
   * Starts a snapshot of the state after the last applied entry (SAVE, BGSAVE); `done`
   * runs once it is durable and the log compacted to it, or failed. False while one runs.
   */
  snapshotNow(done?: (outcome: SnapshotOutcome) => void): boolean {
    const meta = { index: this.applied, term: this.appliedTerm, confState: this.confState };
    if (!this.snapshots.take(meta, done)) return false;
    this.snapshotIndex = this.applied;
    return true;
  }

  /** Fails what has waited past its deadline. */
  expire(now: number): void {
    // Deadlines grow with insertion order: the first one still in time ends the sweep.
    for (const [seq, p] of this.proposals.entries()) {
      if (p.deadline > now) break;
      this.proposals.delete(seq);
      p.failed('timeout');
    }
    for (const [seq, r] of this.reads) {
      if (r.deadline > now) break;
      this.reads.delete(seq);
      r.done('timeout');
    }
  }
}

export class MultiRaft {
  readonly groups = new Map<GroupId, RaftGroup>();
  /** Distinguishes this run's proposals from a previous run's still in the log. */
  readonly incarnation: number;
  ticks = 0;
  private readonly dirty = new Set<RaftGroup>();
  private scheduled = false;
  private flushing = false;
  private stopped = false;
  private readonly quiescence: Quiescence<RaftGroup>;
  /** The other members of this node's groups; null when it must be recomputed. */
  private peers: Set<NodeId> | null = null;

  constructor(readonly options: MultiRaftOptions) {
    this.incarnation = options.random(0x1_0000_0000);
    const { electionTicks, readOnly } = options.raft;
    const after = options.quiesceAfterTicks ?? (readOnly === 'lease' ? 0 : electionTicks);
    if (after > 0 && readOnly === 'lease') throw new Error('lease reads rule out quiescence');
    this.quiescence = new Quiescence(options.id, after, electionTicks);
  }

  /** Groups that tick (the others are quiesced). */
  get activeGroups(): number {
    return this.quiescence.active.size;
  }

  /** Groups this node quiesced as their leader, since it started. */
  get quiescedTotal(): number {
    return this.quiescence.quiescedTotal;
  }

  membersChanged(): void {
    this.peers = null;
  }

  private memberPeers(): Set<NodeId> {
    if (this.peers !== null) return this.peers;
    const peers = new Set<NodeId>();
    for (const g of this.groups.values()) {
      const cs = g.confState;
      for (const id of [...cs.voters, ...cs.learners, ...cs.votersOutgoing]) peers.add(id);
    }
    peers.delete(this.options.id);
    return (this.peers = peers);
  }

  /** Opens a group from its stored state; `bootstrap` makes a new group of these voters. */
  openGroup(id: GroupId, applier: GroupApplier, bootstrap?: readonly NodeId[]): RaftGroup {
    if (this.groups.has(id)) throw new Error(`group ${id} is already open`);
    const storage = this.options.store.log(id);
    const group = new RaftGroup(id, this, applier, storage);
    if (bootstrap !== undefined && storage.lastIndex() === 0) group.node.bootstrap(bootstrap);
    this.groups.set(id, group);
    group.leadIfSoleVoter();
    this.membersChanged();
    this.touch(group);
    return group;
  }

  group(id: GroupId): RaftGroup | undefined {
    return this.groups.get(id);
  }

  /** One tick of every group that is not quiesced: the node's single timer calls this. */
  tick(): void {
    this.ticks++;
    const q = this.quiescence;
    for (const g of q.active) {
      g.node.tick();
      g.expire(this.ticks);
      this.dirty.add(g);
      if (g.isLeader) q.maybeQuiesce(g);
    }
    if (q.enabled) {
      this.options.sender.send(q.heartbeats(this.memberPeers()));
      q.wakeOrphans(this.ticks);
    }
    this.kick();
  }

  /** Messages from peers, from the transport. */
  receive(messages: readonly Message[]): void {
    const q = this.quiescence;
    for (const m of messages) {
      q.heard(m.from, this.ticks);
      try {
        if (m.group === NODE_GROUP) {
          q.onHeartbeat(m, this.groups);
          continue;
        }
        const g = this.groups.get(m.group);
        if (g === undefined) continue;
        if (q.wakes(g, m)) q.wake(g);
        g.node.step(m);
        this.dirty.add(g);
      } catch (err) {
        this.options.logger?.('debug', `group ${m.group}: ${(err as Error).message}`);
      }
    }
    if (this.flushing) for (const g of this.dirty) g.applyCommittedEarly();
    this.kick();
  }

  reportUnreachable(peer: NodeId): void {
    for (const g of this.groups.values()) g.node.reportUnreachable(peer);
  }

  reportSnapshot(peer: NodeId, group: GroupId, ok: boolean): void {
    const g = this.groups.get(group);
    if (g === undefined) return;
    g.node.reportSnapshot(peer, ok);
    this.touch(g);
  }

  /** Stops processing; pending work is dropped (the process is going away). */
  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) g.snapshots.abort();
  }

  /** Work for a group from this node (a proposal, a read, ...): it must tick. */
  touch(g: RaftGroup): void {
    this.quiescence.wake(g);
    this.dirty.add(g);
    this.kick();
  }

  private kick(): void {
    if (this.scheduled || this.flushing || this.stopped) return;
    this.scheduled = true;
    this.options.defer(() => this.process());
  }

  /**
   * Collects every group's Ready and persists the batch; a batch that must be durable
   * before its messages leave waits for one flush, one that need not completes at once,
   * and either way the groups it woke (a leader's own acknowledgement, say) go next.
   */
  private process(): void {
    this.scheduled = false;
    while (!this.flushing && !this.stopped) {
      const batch: [RaftGroup, Ready][] = [];
      let mustSync = false;
      for (const g of this.dirty) {
        g.proposeBatch();
        if (!g.node.hasReady()) continue;
        const rd = g.node.ready();
        g.persist(rd);
        mustSync ||= rd.mustSync || rd.snapshot !== null;
        batch.push([g, rd]);
      }
      this.dirty.clear();
      if (batch.length === 0) return;
      if (mustSync) {
        this.sendEarly(batch);
        // Committed entries apply while the disk writes the new ones; a snapshot is
        // restored only once its file is durable.
        this.flush(batch, () => {
          for (const [g, rd] of batch) if (rd.snapshot === null) g.applyReady(rd);
        });
      } else {
        this.complete(batch, false);
      }
    }
  }

  /** Starts the store's flush, runs `meanwhile`, and completes the batch once durable. */
  private flush(batch: readonly [RaftGroup, Ready][], meanwhile: () => void): void {
    this.flushing = true;
    let running = true;
    let early: { err: Error | null } | null = null;
    this.options.store.flush((err) => {
      if (running) early = { err };
      else this.flushed(batch, err);
    });
    meanwhile();
    running = false;
    // A store with nothing to write may answer at once: complete after `meanwhile`.
    if (early !== null) this.flushed(batch, (early as { err: Error | null }).err);
  }

  private flushed(batch: readonly [RaftGroup, Ready][], err: Error | null): void {
    this.flushing = false;
    if (this.stopped) return;
    if (err !== null) {
      this.stopped = true;
      this.options.onFatal(err);
      return;
    }
    this.complete(batch, true);
    this.process();
  }

  /** Messages that vouch for nothing on our disk leave while it syncs (see Ready). */
  private sendEarly(batch: readonly [RaftGroup, Ready][]): void {
    const { sender } = this.options;
    for (const [, rd] of batch) {
      const early = rd.messages.filter((m) => !sentAfterPersist(m));
      if (early.length > 0) sender.send(early);
    }
    sender.flush?.();
  }

  /** Sends what is due, applies what was not applied yet, and advances every group. */
  private complete(batch: readonly [RaftGroup, Ready][], flushed: boolean): void {
    const { sender } = this.options;
    for (const [, rd] of batch) {
      const due = flushed ? rd.messages.filter(sentAfterPersist) : rd.messages;
      if (due.length > 0) sender.send(due);
    }
    sender.flush?.();
    for (const [g, rd] of batch) {
      if (!flushed || rd.snapshot !== null) g.applyReady(rd);
      g.advance(rd);
      this.dirty.add(g);
    }
  }
}
