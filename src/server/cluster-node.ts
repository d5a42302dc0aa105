/**
 * This node as a member of its Raft group: who leads and where it is reachable (the
 * replicated node directory), membership changes (CLUSTER ADDNODE / FORGET, learners
 * promoted to voters once caught up, the leader's own address registered), leader
 * transfer (CLUSTER FAILOVER), WAIT, and the replication figures of ROLE and INFO.
 * The transport's peers follow the directory on every node.
 */
import type { ClusterApi, ClusterMember, ClusterView } from '../commands/node.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  type ConfChange,
  type ConfChangeType as ChangeType,
  type NodeId,
} from '../raft/types.js';
import {
  encodeAddresses,
  sameAddress,
  type NodeAddress,
  type NodeDirectory,
} from '../replication/directory.js';
import type { RaftGroup } from '../replication/multi-raft.js';
import { error, OK, type ErrorReply, type Reply } from '../resp/reply.js';
import type { PeerStats } from '../transport/message-transport.js';
import type { ReplicaInfo, ReplicationInfo } from './info.js';

/** What the node needs of its transport: peers follow the directory. */
export interface ClusterTransport {
  setPeer(id: NodeId, address: { host: string; port: number } | null): void;
  removePeer(id: NodeId): void;
  peers(): PeerStats[];
}

export interface ClusterNodeOptions {
  readonly id: NodeId;
  /** Where other nodes and clients reach this node (the cluster-announce-* settings). */
  readonly self: NodeAddress;
  readonly directory: NodeDirectory;
  readonly transport: ClusterTransport | null;
  /** The Raft tick: membership work and replica figures are refreshed at this pace. */
  readonly tickMs: number;
  /** How long ADDNODE / FORGET wait for their change to commit before TRYAGAIN. */
  readonly changeTimeoutMs: number;
  readonly now: () => number;
  readonly logger: { info(message: string): void; warn(message: string): void };
}

/** A learner this close to the leader's last index is promoted to voter. */
const PROMOTE_LAG_ENTRIES = 16;
/** Ticks after which an unapplied conf change is proposed again (it may have been dropped). */
const RETRY_TICKS = 5;
/** How often a waiting WAIT looks at the replicas' progress. */
const WAIT_POLL_MS = 2;

export const CLUSTERDOWN = error('CLUSTERDOWN The cluster is down');
const TRYAGAIN_CHANGE = error(
  'TRYAGAIN The membership change did not commit in time; it may still apply',
);

interface PendingChange {
  readonly cc: ConfChange;
  /** True once the change shows in the applied membership and directory. */
  readonly applied: () => boolean;
  readonly waiters: ((reply: Reply) => void)[];
  proposedAt: number;
  readonly deadline: number;
}

interface WaitRequest {
  readonly index: number;
  readonly replicas: number;
  readonly deadline: number;
  readonly done: (reply: Reply) => void;
}

export class ClusterNode implements ClusterApi {
  private attached: RaftGroup | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  private readonly changes: PendingChange[] = [];
  private readonly waits = new Set<WaitRequest>();
  /** Per peer: messages received at the last sample, and when that count last grew. */
  private readonly heard = new Map<NodeId, { count: number; at: number }>();
  private peerStats = new Map<NodeId, PeerStats>();

  constructor(private readonly o: ClusterNodeOptions) {
    o.directory.listen((id, address) => this.peerMoved(id, address));
  }

  get id(): NodeId {
    return this.o.id;
  }

  get self(): NodeAddress {
    return this.o.self;
  }

  /** The group, once main has opened it. */
  get group(): RaftGroup {
    if (this.attached === null) throw new Error('cluster: no group attached yet');
    return this.attached;
  }

  attach(group: RaftGroup): void {
    this.attached = group;
    this.timer = setInterval(() => this.tick(), this.o.tickMs);
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    this.timer = this.waitTimer = null;
    for (const w of this.waits) w.done(0);
    this.waits.clear();
  }

  get isLeader(): boolean {
    return this.attached?.isLeader ?? false;
  }

  /** This node is the only voter: no other node can lead, so local reads are current. */
  get soleVoter(): boolean {
    const cs = this.group.confState;
    return cs.voters.length === 1 && cs.voters[0] === this.o.id && cs.votersOutgoing.length === 0;
  }

  /** `host:port` of the leader's client port, or null when no leader (or address) is known. */
  leaderTarget(): string | null {
    const leader = this.attached?.leader ?? 0;
    if (leader === 0) return null;
    const address = leader === this.o.id ? this.o.self : this.o.directory.get(leader);
    return address === undefined ? null : `${address.host}:${address.port}`;
  }

  /** What a command this node cannot serve answers: MOVED to the leader, or CLUSTERDOWN. */
  redirectReply(slot: number): ErrorReply {
    const target = this.leaderTarget();
    return target === null ? CLUSTERDOWN : error(`MOVED ${slot} ${target}`);
  }

  private peerMoved(id: NodeId, address: NodeAddress | null): void {
    const transport = this.o.transport;
    if (id === this.o.id || transport === null) return;
    if (address === null) {
      this.o.logger.info(`Node ${id} left the group`);
      transport.removePeer(id);
      return;
    }
    this.o.logger.info(`Node ${id} is at ${address.host}:${address.port} (bus ${address.busPort})`);
    transport.setPeer(id, { host: address.host, port: address.busPort });
  }

  /** Seeds the transport with a member's bus address before the directory has it. */
  knowPeer(id: NodeId, address: NodeAddress): void {
    if (id === this.o.id || this.o.directory.get(id) !== undefined) return;
    this.o.transport?.setPeer(id, { host: address.host, port: address.busPort });
  }

  // ---- the tick ----------------------------------------------------------------------

  private tick(): void {
    const now = this.o.now();
    this.sampleHeard(now);
    if (!this.isLeader) {
      this.failChanges();
      return;
    }
    this.driveChanges(now);
    if (this.changes.length > 0) return;
    if (!this.registerSelf()) this.promoteLearner();
  }

  private sampleHeard(now: number): void {
    const peers = this.o.transport?.peers() ?? [];
    this.peerStats = new Map(peers.map((p) => [p.id, p]));
    for (const p of peers) {
      const seen = this.heard.get(p.id);
      if (seen === undefined || seen.count !== p.messagesReceived) {
        this.heard.set(p.id, { count: p.messagesReceived, at: now });
      }
    }
  }

  // ---- membership changes ------------------------------------------------------------

  addNode(id: NodeId, address: NodeAddress): Reply | Promise<Reply> {
    if (!this.isLeader) return this.redirectReply(0);
    const cs = this.group.confState;
    const voter = cs.voters.includes(id);
    const member = voter || cs.learners.includes(id);
    if (member && sameAddress(this.o.directory.get(id), address)) return OK;
    // A new node starts as a learner; a member re-added keeps its role, with a new address.
    const type = voter ? ConfChangeType.AddNode : ConfChangeType.AddLearner;
    return this.change(type, id, address, () => {
      const now = this.group.confState;
      const present = now.voters.includes(id) || now.learners.includes(id);
      return present && sameAddress(this.o.directory.get(id), address);
    });
  }

  removeNode(id: NodeId): Reply | Promise<Reply> {
    if (!this.isLeader) return this.redirectReply(0);
    return this.change(ConfChangeType.RemoveNode, id, null, () => {
      const cs = this.group.confState;
      return !cs.voters.includes(id) && !cs.learners.includes(id);
    });
  }

  private change(
    type: ChangeType,
    id: NodeId,
    address: NodeAddress | null,
    applied: () => boolean,
  ): Promise<Reply> {
    return new Promise((resolve) => {
      this.enqueue(type, id, address, applied).waiters.push(resolve);
      this.driveChanges(this.o.now());
    });
  }

  private enqueue(
    type: ChangeType,
    id: NodeId,
    address: NodeAddress | null,
    applied: () => boolean,
  ): PendingChange {
    const cc: ConfChange = {
      transition: ConfChangeTransition.Auto,
      changes: [{ type, node: id }],
      context: address === null ? new Uint8Array(0) : encodeAddresses([[id, address]]),
    };
    const change = {
      cc,
      applied,
      waiters: [],
      proposedAt: 0,
      deadline: this.o.now() + this.o.changeTimeoutMs,
    };
    this.changes.push(change);
    return change;
  }

  /**
   * One change at a time, as Raft allows: the head is proposed, proposed again if it
   * has not applied after a while (it may have been dropped), and answered once applied.
   */
  private driveChanges(now: number): void {
    for (;;) {
      const head = this.changes[0];
      if (head === undefined) return;
      if (head.applied()) {
        this.changes.shift();
        for (const done of head.waiters) done(OK);
        continue;
      }
      if (now > head.deadline) {
        this.changes.shift();
        for (const done of head.waiters) done(TRYAGAIN_CHANGE);
        continue;
      }
      if (head.proposedAt === 0 || now - head.proposedAt >= RETRY_TICKS * this.o.tickMs) {
        head.proposedAt = now;
        this.group.proposeConfChange(head.cc);
      }
      return;
    }
  }

  /** Leadership moved on: changes queued here are the new leader's to make. */
  private failChanges(): void {
    for (const change of this.changes.splice(0)) {
      for (const done of change.waiters) done(this.redirectReply(0));
    }
  }

  /** The directory has no (or an old) address for the leader itself: record it. */
  private registerSelf(): boolean {
    const { id, self, directory } = this.o;
    if (sameAddress(directory.get(id), self) || !this.group.confState.voters.includes(id)) {
      return false;
    }
    this.enqueue(ConfChangeType.AddNode, id, self, () => sameAddress(directory.get(id), self));
    this.driveChanges(this.o.now());
    return true;
  }

  /** Promotes the first learner whose log is within a few entries of the leader's. */
  private promoteLearner(): boolean {
    const cs = this.group.confState;
    if (cs.learners.length === 0) return false;
    const status = this.group.node.status();
    const last = this.group.node.raft.raftLog.lastIndex();
    for (const id of cs.learners) {
      const pr = status.progress.get(id);
      const address = this.o.directory.get(id);
      if (pr === undefined || address === undefined || pr.match + PROMOTE_LAG_ENTRIES < last) {
        continue;
      }
      this.o.logger.info(`Node ${id} caught up (match ${pr.match} of ${last}): promoting to voter`);
      this.enqueue(ConfChangeType.AddNode, id, address, () =>
        this.group.confState.voters.includes(id),
      );
      this.driveChanges(this.o.now());
      return true;
    }
    return false;
  }

  // ---- leader transfer ---------------------------------------------------------------

  /** CLUSTER FAILOVER on a follower: the leader hands over to it (FORCE without a leader: campaign). */
  failover(): Reply {
    const group = this.group;
    if (group.isLeader) return error('ERR You should send CLUSTER FAILOVER to a replica');
    if (!group.confState.voters.includes(this.o.id)) {
      return error('ERR This node is a learner: it can lead once it is promoted to voter');
    }
    if (group.leader === 0) {
      this.o.logger.warn('Failover requested with no known leader: campaigning');
      group.node.campaign();
      return OK;
    }
    this.o.logger.warn(`Manual failover requested: asking node ${group.leader} to hand over`);
    group.transferLeader(this.o.id);
    return OK;
  }

  // ---- WAIT --------------------------------------------------------------------------

  /** Replicas whose log reaches `index`, as the leader's progress tracker knows it. */
  private replicasAt(index: number): number {
    if (!this.isLeader) return 0;
    let count = 0;
    for (const [id, pr] of this.group.node.status().progress) {
      if (id !== this.o.id && pr.match >= index) count++;
    }
    return count;
  }

  wait(index: number, replicas: number, timeoutMs: number): Reply | Promise<Reply> {
    const now = this.replicasAt(index);
    if (now >= replicas) return now;
    return new Promise((done) => {
      const deadline = timeoutMs === 0 ? Infinity : this.o.now() + timeoutMs;
      this.waits.add({ index, replicas, deadline, done });
      this.pollWaits();
    });
  }

  private pollWaits(): void {
    if (this.waitTimer !== null) return;
    this.waitTimer = setTimeout(() => {
      this.waitTimer = null;
      const now = this.o.now();
      for (const w of this.waits) {
        const count = this.replicasAt(w.index);
        if (count < w.replicas && now < w.deadline && this.isLeader) continue;
        this.waits.delete(w);
        w.done(count);
      }
      if (this.waits.size > 0) this.pollWaits();
    }, WAIT_POLL_MS);
  }

  // ---- views -------------------------------------------------------------------------

  private member(
    id: NodeId,
    voter: boolean,
    progress: ReadonlyMap<NodeId, { match: number }>,
  ): ClusterMember | null {
    const now = this.o.now();
    if (id === this.o.id) {
      const { host, port, busPort } = this.o.self;
      const offset = this.group.applied;
      return { id, host, port, busPort, voter, connected: true, offset, lagSeconds: 0 };
    }
    const address = this.o.directory.get(id);
    if (address === undefined) return null;
    const heard = this.heard.get(id);
    return {
      id,
      ...address,
      voter,
      connected: this.peerStats.get(id)?.connected ?? false,
      offset: progress.get(id)?.match ?? 0,
      lagSeconds: heard === undefined ? -1 : Math.floor((now - heard.at) / 1000),
    };
  }

  view(): ClusterView {
    const group = this.group;
    const cs = group.confState;
    const progress = group.isLeader
      ? group.node.status().progress
      : new Map<NodeId, { match: number }>();
    const voters = new Set([...cs.voters, ...cs.votersOutgoing]);
    const ids = [...new Set([...voters, ...cs.learners, ...cs.learnersNext])].sort((a, b) => a - b);
    const members: ClusterMember[] = [];
    for (const id of ids) {
      const m = this.member(id, voters.has(id), progress);
      if (m !== null) members.push(m);
    }
    let sent = 0;
    let received = 0;
    for (const p of this.peerStats.values()) {
      sent += p.messagesSent;
      received += p.messagesReceived;
    }
    return {
      self: this.o.id,
      leader: group.leader,
      term: group.term,
      members,
      applied: group.applied,
      messagesSent: sent,
      messagesReceived: received,
    };
  }

  /** INFO replication: the leader is a master with its replicas, any other member a slave. */
  replication(runId: string): ReplicationInfo {
    const view = this.view();
    const base = { replId: runId, replOffset: view.applied, backlogSize: 0 };
    if (view.leader === view.self) {
      const replicas = view.members
        .filter((m) => m.id !== view.self && m.connected)
        .map((m): ReplicaInfo => ({
          ip: m.host,
          port: m.port,
          state: 'online',
          offset: m.offset,
          lag: Math.max(0, m.lagSeconds),
        }));
      return { role: 'master', replicas, ...base };
    }
    const leader = view.members.find((m) => m.id === view.leader);
    const lag = leader?.lagSeconds ?? -1;
    const master = {
      host: leader?.host ?? '?',
      port: leader?.port ?? 0,
      linkUp: leader?.connected === true,
      lastIoSecondsAgo: lag,
      syncInProgress: false,
      readReplOffset: this.group.node.raft.raftLog.lastIndex(),
      replOffset: view.applied,
      linkDownSinceSeconds: lag,
      priority: view.members.find((m) => m.id === view.self)?.voter === false ? 0 : 100,
      readOnly: true,
      announced: true,
    };
    return { role: 'slave', master, replicas: [], ...base };
  }
}
