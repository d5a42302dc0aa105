/**
 * Quiescence: a group with nothing to do stops ticking on every replica, so a node with
 * thousands of idle groups sends no per-group heartbeats and does no per-group work.
 *
 * A leader whose log is fully replicated, committed and applied, with nothing pending,
 * quiesces after `afterTicks` idle ticks and tells its followers in the node heartbeat
 * (one message per peer per tick for all groups, group NODE_GROUP). A follower quiesces
 * when that notice names its current leader and term and it has the commit index the
 * notice carries. Failure detection moves to the node heartbeat: a quiesced follower
 * wakes when its leader's node has been silent for an election timeout, then elects as
 * usual. Any message that asks for work (new entries, votes, proposals, reads) wakes a
 * group; a heartbeat from the leader or an acknowledgement of one does not, or the last
 * heartbeats in flight when a group quiesces would wake it straight away.
 *
 * Lease reads trust the leader's tick count, which stops while it is quiesced: a group
 * with `readOnly: 'lease'` never quiesces.
 */
import { Reader, Writer } from '../raft/codec.js';
import { newMessage } from '../raft/message.js';
import {
  EMPTY_BYTES,
  MessageType,
  StateType,
  type GroupId,
  type Message,
  type NodeId,
} from '../raft/types.js';

/** The group id of node-to-node messages that belong to no Raft group. */
export const NODE_GROUP: GroupId = 0xffff_ffff;

/** What quiescence needs to know of a group. */
export interface QuiescentGroup {
  readonly id: GroupId;
  readonly applied: number;
  /** Proposals, reads or conf changes waiting on this node. */
  hasPending(): boolean;
  readonly node: {
    readonly raft: {
      readonly id: NodeId;
      readonly state: StateType;
      readonly term: number;
      readonly lead: NodeId;
      readonly leadTransferee: NodeId;
      readonly pendingConfIndex: number;
      readonly raftLog: { readonly committed: number; lastIndex(): number };
      readonly trk: { readonly progress: ReadonlyMap<NodeId, { readonly match: number }> };
    };
  };
}

interface Notice {
  readonly group: GroupId;
  readonly term: number;
  readonly commit: number;
}

export class Quiescence<G extends QuiescentGroup> {
  /** Groups that tick. */
  readonly active = new Set<G>();
  /** Quiesced follower groups by the node that leads them. */
  private readonly byLeader = new Map<NodeId, Set<G>>();
  private readonly lastHeard = new Map<NodeId, number>();
  private readonly idleSince = new Map<G, { lastIndex: number; ticks: number }>();
  private notices = new Map<NodeId, Notice[]>();
  /** Groups this node quiesced as their leader, since it started. */
  quiescedTotal = 0;

  constructor(
    private readonly self: NodeId,
    /** Idle ticks before a leader quiesces its group; 0 disables quiescence. */
    private readonly afterTicks: number,
    private readonly electionTicks: number,
  ) {}

  get enabled(): boolean {
    return this.afterTicks > 0;
  }

  wake(g: G): void {
    if (this.active.has(g)) return;
    this.active.add(g);
    this.idleSince.delete(g);
    for (const set of this.byLeader.values()) set.delete(g);
  }

  heard(peer: NodeId, now: number): void {
    this.lastHeard.set(peer, now);
  }

  /** Whether a message for a quiesced group must wake it (see the file comment). */
  wakes(g: G, m: Message): boolean {
    if (this.active.has(g)) return false;
    const raft = g.node.raft;
    if (m.type === MessageType.HeartbeatResp) return false;
    if (m.type === MessageType.AppResp && !m.reject) return false;
    if (m.type === MessageType.Heartbeat) {
      return m.from !== raft.lead || m.term !== raft.term || m.commit > raft.raftLog.committed;
    }
    return true;
  }

  /** On a leader's tick: quiesces the group once it has been idle long enough. */
  maybeQuiesce(g: G): boolean {
    if (!this.enabled || !this.idle(g)) return false;
    const raft = g.node.raft;
    const lastIndex = raft.raftLog.lastIndex();
    const seen = this.idleSince.get(g);
    if (seen === undefined || seen.lastIndex !== lastIndex) {
      this.idleSince.set(g, { lastIndex, ticks: 0 });
      return false;
    }
    if (++seen.ticks < this.afterTicks) return false;
    this.active.delete(g);
    this.idleSince.delete(g);
    this.quiescedTotal++;
    const notice = { group: g.id, term: raft.term, commit: raft.raftLog.committed };
    for (const id of raft.trk.progress.keys()) {
      if (id === this.self) continue;
      let list = this.notices.get(id);
      if (list === undefined) this.notices.set(id, (list = []));
      list.push(notice);
    }
    return true;
  }

  private idle(g: G): boolean {
    const raft = g.node.raft;
    const log = raft.raftLog;
    const last = log.lastIndex();
    if (raft.state !== StateType.Leader || raft.leadTransferee !== 0 || g.hasPending())
      return false;
    if (log.committed !== last || g.applied !== last || raft.pendingConfIndex > g.applied) {
      return false;
    }
    for (const pr of raft.trk.progress.values()) if (pr.match !== last) return false;
    return true;
  }

  /** The node heartbeats of this tick: one per peer, with the notices due to it. */
  heartbeats(peers: Iterable<NodeId>): Message[] {
    const out: Message[] = [];
    for (const to of peers) {
      const notices = this.notices.get(to) ?? [];
      out.push(nodeHeartbeat(this.self, to, encodeNotices(notices)));
    }
    this.notices = new Map();
    return out;
  }

  /** A node heartbeat arrived: quiesce the follower groups its notices name. */
  onHeartbeat(m: Message, groups: ReadonlyMap<GroupId, G>): void {
    if (m.context.length === 0) return;
    for (const n of decodeNotices(m.context)) {
      const g = groups.get(n.group);
      if (g === undefined || !this.active.has(g)) continue;
      const raft = g.node.raft;
      if (raft.lead !== m.from || raft.term !== n.term || raft.state !== StateType.Follower)
        continue;
      if (raft.raftLog.committed < n.commit || g.hasPending()) continue;
      this.active.delete(g);
      let set = this.byLeader.get(m.from);
      if (set === undefined) this.byLeader.set(m.from, (set = new Set()));
      set.add(g);
    }
  }

  /** Wakes the quiesced followers of leaders whose nodes went silent. */
  wakeOrphans(now: number): void {
    for (const [leader, set] of this.byLeader) {
      if (set.size === 0) continue;
      if (now - (this.lastHeard.get(leader) ?? 0) <= this.electionTicks) continue;
      for (const g of [...set]) this.wake(g);
    }
  }
}

function nodeHeartbeat(from: NodeId, to: NodeId, context: Uint8Array): Message {
  return newMessage(NODE_GROUP, { type: MessageType.Heartbeat, from, to, context });
}

function encodeNotices(notices: readonly Notice[]): Uint8Array {
  if (notices.length === 0) return EMPTY_BYTES;
  const w = new Writer(4 + notices.length * 20);
  w.u32(notices.length);
  for (const n of notices) w.u32(n.group).u64(n.term).u64(n.commit);
  return w.finish();
}

function decodeNotices(bytes: Uint8Array): Notice[] {
  const r = new Reader(bytes);
  const count = r.u32();
  const out: Notice[] = [];
  for (let i = 0; i < count; i++) out.push({ group: r.u32(), term: r.u64(), commit: r.u64() });
  r.end();
  return out;
}
