/**
 * The deterministic simulator's world: N nodes x G groups of the real MultiRaft driver,
 * the real write-ahead log on a virtual disk, a virtual network, a virtual clock, and
 * each group's real state machine (replica.ts: the server's keyspace, command handlers,
 * entries and streamed snapshots). Clients run GET, SET (some with PX), SET ... GET,
 * APPEND and INCR on a few keys per group, with entry times from the virtual clock.
 * Every source of nondeterminism draws from one seed, so a seed replays a run exactly.
 *
 * Safety is checked as the run goes (election safety, state-machine safety on entries
 * and on the replicas' digests, leader completeness); liveness and convergence after the
 * faults heal; the client history is checked for linearizability at the end.
 */
import { MultiRaft, type RaftGroup } from '../../src/replication/multi-raft.js';
import { WalStore } from '../../src/replication/wal-store.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  MessageType,
  StateType,
  type GroupId,
  type Message,
  type NodeId,
} from '../../src/raft/types.js';
import { isBlockRequest, type BlockRequest } from '../../src/commands/spec.js';
import type { LogEntry } from '../../src/replication/entry.js';
import { isError, type Reply } from '../../src/resp/reply.js';
import {
  checkOperations,
  describeExplanation,
  kvModel,
  type KvInput,
  type KvOperation,
  type KvOutput,
} from './linearizability.js';
import { kvArgv, kvOutput, SimReplica } from './replica.js';
import { checkLogMatching, type LogView } from './checkers.js';
import { SimNetwork, type NetworkEvent } from './network.js';
import { SimRng } from './rng.js';
import { Scheduler } from './scheduler.js';
import { SimFileSystem } from './sim-file-system.js';

export const TICK_MS = 10;
const CLIENT_TIMEOUT_MS = 1000;
const KEYS_PER_GROUP = 3;
/** SET ... PX draws its TTL up to this: several operations on the key see it pass. */
const TTL_MS_MAX = 300;

export interface WorldOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly groups: number;
  readonly clientsPerGroup: number;
  readonly snapshotEntries: number;
  /**
   * Groups start with the first three nodes as voters; the others host them empty until
   * a membership change adds them (learner first, then voter). Removed nodes are never
   * re-added, as etcd never reuses a member id.
   */
  readonly membership: boolean;
}

/** Raft entry bytes as text for the checkers: latin1 keeps every byte distinct. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).latin1Slice(0, bytes.length);
}

/** A client operation as it ended: what it asked, what it saw, and whether a reply came. */
interface Outcome {
  readonly input: KvInput;
  readonly output: KvOutput;
  readonly returned: boolean;
}

const UNKNOWN: KvOutput = { type: 'unknown' };

interface Committed {
  readonly term: number;
  readonly knownIn: number;
  readonly text: string;
}

interface SimNode {
  readonly id: NodeId;
  readonly fs: SimFileSystem;
  raft: MultiRaft | null;
  replicas: Map<GroupId, SimReplica>;
}

export class World {
  readonly scheduler = new Scheduler();
  readonly rng: SimRng;
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly groupIds: GroupId[];
  readonly violations: string[] = [];
  readonly history: KvOperation[] = [];
  /** Per group: index → the entry every replica must apply there. */
  private readonly committed = new Map<GroupId, Map<number, Committed>>();
  /** Per group: term → its leader, as observed. */
  private readonly leaders = new Map<GroupId, Map<number, NodeId>>();
  private readonly completenessChecked = new Set<string>();
  /** Per group: index → a replica's state after applying it (see checkReplicaState). */
  private readonly states = new Map<GroupId, Map<number, { node: NodeId; fingerprint: string }>>();
  private readonly divergedGroups = new Set<GroupId>();
  private opSeq = 0;
  private faulting = true;
  private readonly deliveredProposals = new WeakSet<Message>();
  /** Per group, nodes a removal was proposed for (never to be re-added). */
  private readonly removed = new Map<GroupId, NodeId[]>();

  constructor(readonly options: WorldOptions) {
    this.rng = new SimRng(options.seed);
    this.network = new SimNetwork({
      scheduler: this.scheduler,
      rng: this.rng.fork(),
      trace: (event) => this.onNetworkEvent(event),
    });
    this.groupIds = Array.from({ length: options.groups }, (_, i) => i + 1);
    for (const g of this.groupIds) {
      this.committed.set(g, new Map());
      this.leaders.set(g, new Map());
      this.states.set(g, new Map());
    }
    const diskRng = this.rng.fork();
    for (const id of this.ids()) {
      // Some nodes get a slow disk: fsync latency is where a replica falls behind.
      const slow = diskRng.chance(0.3);
      const fs = new SimFileSystem({
        rng: diskRng.fork(),
        schedule: (delay, fn) => this.scheduler.schedule(delay, fn),
        fsyncLatencyMs: slow ? [20, 80] : [1, 10],
      });
      this.nodes.set(id, { id, fs, raft: null, replicas: new Map() });
      this.network.attach(id, (m) => this.deliver(id, m));
      this.start(id);
    }
    this.scheduler.every(TICK_MS, () => this.tick());
  }

  ids(): NodeId[] {
    return Array.from({ length: this.options.nodes }, (_, i) => i + 1);
  }

  initialVoters(): NodeId[] {
    return this.options.membership ? this.ids().slice(0, 3) : this.ids();
  }

  /**
   * One membership step on group `g`'s leader: promote a learner, add a node that was
   * never a member as a learner, or remove a voter while more than three remain.
   */
  changeMembership(g: GroupId, rng: SimRng): string {
    const leader = this.leaderOf(g);
    const group = leader === undefined ? undefined : this.nodes.get(leader)?.raft?.group(g);
    if (group === undefined) return `membership g${g}: no leader`;
    const cs = group.confState;
    const members = new Set([...cs.voters, ...cs.learners, ...(this.removed.get(g) ?? [])]);
    const fresh = this.ids().filter((id) => !members.has(id));
    let change: { type: ConfChangeType; node: NodeId };
    if (cs.learners.length > 0) {
      change = { type: ConfChangeType.AddNode, node: rng.pick(cs.learners) };
    } else if (fresh.length > 0 && (cs.voters.length <= 3 || rng.chance(0.5))) {
      change = { type: ConfChangeType.AddLearner, node: rng.pick(fresh) };
    } else if (cs.voters.length > 3) {
      change = { type: ConfChangeType.RemoveNode, node: rng.pick(cs.voters) };
    } else {
      return `membership g${g}: nothing to change`;
    }
    const ok = group.proposeConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [change],
      context: EMPTY_BYTES,
    });
    if (ok && change.type === ConfChangeType.RemoveNode) {
      this.removed.set(g, [...(this.removed.get(g) ?? []), change.node]);
    }
    return `membership g${g}: ${['add', 'remove', 'add learner'][change.type]} ${change.node}${ok ? '' : ' (dropped)'}`;
  }

  /** The members of `g` as its leader (or any node) last applied them. */
  members(g: GroupId): NodeId[] {
    const at = this.leaderOf(g) ?? 1;
    const cs = this.nodes.get(at)?.raft?.group(g)?.confState;
    const removed = new Set(this.removed.get(g) ?? []);
    const all = cs === undefined ? this.ids() : [...cs.voters, ...cs.learners];
    return all.filter((id) => !removed.has(id)).sort((a, b) => a - b);
  }

  /** Opens a node's groups from its disk (a fresh node bootstraps them). */
  start(id: NodeId): void {
    const node = this.nodes.get(id) as SimNode;
    const store = new WalStore({
      fs: node.fs,
      dir: `/n${id}`,
      policy: 'always',
      now: () => this.scheduler.now,
    });
    const rng = this.rng.fork();
    const raft = new MultiRaft({
      id,
      store,
      sender: { send: (ms) => this.network.sendAll(ms) },
      defer: (fn) => this.scheduler.schedule(0, fn),
      random: (n) => rng.int(n),
      raft: {
        electionTicks: 10,
        heartbeatTicks: 1,
        checkQuorum: true,
        preVote: true,
        maxSizePerMsg: 4096,
      },
      requestTimeoutTicks: 50,
      snapshotEntries: this.options.snapshotEntries,
      onFatal: (err) => this.violations.push(`node ${id}: fatal storage error ${err.message}`),
    });
    node.raft = raft;
    node.replicas = new Map();
    for (const g of this.groupIds) {
      const replica: SimReplica = new SimReplica({
        applying: (index, term, knownIn, payload) =>
          this.recordApply(id, g, index, term, knownIn, payload),
        applied: (index) => this.checkReplicaState(id, g, index, replica),
      });
      node.replicas.set(g, replica);
      replica.attach(raft.openGroup(g, replica, this.initialVoters()));
    }
    this.network.up(id);
  }

  /** Leader quiescences so far, over every node's past and present runs. */
  quiesces = 0;

  /** Power loss: the process stops, unsynced writes are lost or torn. */
  crash(id: NodeId): void {
    const node = this.nodes.get(id) as SimNode;
    if (node.raft === null) return;
    this.quiesces += node.raft.quiescedTotal;
    node.raft.stop();
    node.raft = null;
    node.fs.crash();
    this.network.down(id);
  }

  private deliver(id: NodeId, m: Message): void {
    // A proposal forwarded over TCP arrives at most once; the simulated network's
    // duplicates model retransmission of Raft's own (idempotent) messages only.
    if (m.type === MessageType.Prop || m.type === MessageType.ReadIndex) {
      if (this.deliveredProposals.has(m)) return;
      this.deliveredProposals.add(m);
    }
    this.nodes.get(id)?.raft?.receive([m]);
  }

  /** As the TCP transport does, tell the sender how a snapshot's sending ended. */
  private onNetworkEvent(event: NetworkEvent): void {
    const m = event.message;
    if (m.type !== MessageType.Snap || (event.kind !== 'deliver' && event.kind !== 'drop')) return;
    const ok = event.kind === 'deliver';
    this.scheduler.schedule(0, () =>
      this.nodes.get(m.from)?.raft?.reportSnapshot(m.to, m.group, ok),
    );
  }

  private ticks = 0;

  private tick(): void {
    for (const node of this.nodes.values()) node.raft?.tick();
    this.observeLeaders();
    if (++this.ticks % 50 === 0) this.checkLogMatching();
  }

  /** Log matching across the live replicas of every group (see checkers.ts). */
  checkLogMatching(): void {
    const views: LogView[] = [];
    for (const node of this.nodes.values()) {
      if (node.raft === null) continue;
      for (const g of this.groupIds) {
        const log = (node.raft.group(g) as RaftGroup).node.raft.raftLog;
        const first = log.firstIndex();
        const entries = log.allEntries();
        views.push({
          node: node.id,
          group: g,
          firstIndex: first,
          lastIndex: log.lastIndex(),
          term: (i) => log.term(i) ?? -1,
          data: (i) => latin1(entries[i - first]?.data ?? new Uint8Array(0)),
        });
      }
    }
    for (const v of checkLogMatching(views)) this.violations.push(`log matching: ${v.message}`);
  }

  /**
   * `knownIn`: the applying node's term, a term by which the entry was surely committed
   * (leader completeness binds only the leaders of later terms).
   */
  recordApply(
    node: NodeId,
    group: GroupId,
    index: number,
    term: number,
    knownIn: number,
    text: string,
  ): void {
    const at = this.committed.get(group) as Map<number, Committed>;
    const known = at.get(index);
    if (known === undefined) at.set(index, { term, knownIn, text });
    else if (known.text !== text) {
      this.violations.push(
        `state-machine safety: group ${group} index ${index}: node ${node} applied ${text}, another applied ${known.text}`,
      );
    } else if (knownIn < known.knownIn) at.set(index, { ...known, knownIn });
  }

  /**
   * State-machine safety on the state itself: each replica's digest and deadlines after
   * applying the entry at an index must be the same.
   */
  private checkReplicaState(node: NodeId, g: GroupId, index: number, replica: SimReplica): void {
    if (this.divergedGroups.has(g)) return;
    const states = this.states.get(g) as Map<number, { node: NodeId; fingerprint: string }>;
    const fingerprint = replica.fingerprint();
    const known = states.get(index);
    if (known === undefined) states.set(index, { node, fingerprint });
    else if (known.fingerprint !== fingerprint) {
      // One report per group: a diverged replica differs at every later index too.
      this.divergedGroups.add(g);
      this.violations.push(
        `replica state: group ${g} after index ${index}: node ${known.node} has ${known.fingerprint}, node ${node} has ${fingerprint}`,
      );
    }
  }

  /** Election safety and leader completeness, checked on every tick. */
  private observeLeaders(): void {
    for (const node of this.nodes.values()) {
      if (node.raft === null) continue;
      for (const g of this.groupIds) {
        const group = node.raft.group(g) as RaftGroup;
        const st = group.node.status();
        if (st.softState.state !== StateType.Leader) continue;
        const term = st.hardState.term;
        const byTerm = this.leaders.get(g) as Map<number, NodeId>;
        const other = byTerm.get(term);
        if (other === undefined) byTerm.set(term, node.id);
        else if (other !== node.id) {
          this.violations.push(
            `election safety: group ${g} term ${term}: leaders ${other} and ${node.id}`,
          );
        }
        this.checkCompleteness(node.id, g, group, term);
      }
    }
  }

  /** A leader of term T holds every entry known committed in an earlier term. */
  private checkCompleteness(id: NodeId, g: GroupId, group: RaftGroup, term: number): void {
    const key = `${g}:${term}:${id}`;
    if (this.completenessChecked.has(key)) return;
    this.completenessChecked.add(key);
    const log = group.node.raft.raftLog;
    for (const [index, entry] of this.committed.get(g) as Map<number, Committed>) {
      if (entry.knownIn >= term || index < log.firstIndex()) continue;
      const have = log.term(index);
      if (have !== entry.term) {
        this.violations.push(
          `leader completeness: group ${g} leader ${id} of term ${term} has term ${have} at committed index ${index} (term ${entry.term})`,
        );
      }
    }
  }

  /** A node that thinks it leads `g`, if any is up. */
  leaderOf(g: GroupId): NodeId | undefined {
    for (const node of this.nodes.values()) {
      if (node.raft?.group(g)?.isLeader === true) return node.id;
    }
    return undefined;
  }

  /** Starts the clients of every group; each runs one operation at a time until `until`. */
  startClients(until: number): void {
    let client = 0;
    for (const g of this.groupIds) {
      for (let i = 0; i < this.options.clientsPerGroup; i++) {
        const c = client++;
        const rng = this.rng.fork();
        const loop = (): void => {
          if (this.scheduler.now >= until) return;
          // Now and then every client pauses long enough for its group to quiesce.
          const pause = (): number => (rng.chance(0.03) ? rng.range(200, 1500) : rng.int(20));
          this.clientOp(c, g, rng, () => this.scheduler.schedule(pause(), loop));
        };
        this.scheduler.schedule(rng.int(50), loop);
      }
    }
  }

  /**
   * A random operation on one of the group's keys. Values are unique (an append or a
   * put says which operation wrote it); some are not integers, so INCR meets the error;
   * some writes set a TTL short enough to pass while the keys are in use.
   */
  private randomInput(g: GroupId, rng: SimRng): KvInput {
    const key = `g${g}k${rng.int(KEYS_PER_GROUP)}`;
    const v = `${this.opSeq++}`;
    switch (rng.int(8)) {
      case 0:
      case 1:
        return { op: 'get', key };
      case 2:
        return { op: 'put', key, value: v };
      case 3:
        return { op: 'put', key, value: `x${v}` };
      case 4:
        return { op: 'append', key, value: `,${v}` };
      case 5:
        return { op: 'incr', key, by: 1 };
      case 6:
        return { op: 'swap', key, value: v };
      default:
        return { op: 'put', key, value: v, ttlMs: rng.range(1, TTL_MS_MAX) };
    }
  }

  /** One client operation against the node the client believes leads (or any node). */
  clientOp(client: number, g: GroupId, rng: SimRng, next: () => void): void {
    const input = this.randomInput(g, rng);
    const seed = rng.uint32();
    const target = this.leaderOf(g) ?? rng.pick(this.ids());
    const node = this.nodes.get(target) as SimNode;
    const replica = node.raft === null ? undefined : node.replicas.get(g);
    if (input.op === 'get') {
      const finish = this.track(client, null, next);
      if (replica === undefined) return finish(null);
      return this.readOp(target, g, replica, input, seed, finish);
    }
    // A write's time is the proposer's clock when it makes the entry.
    const stamped = { ...input, at: this.scheduler.now };
    const finish = this.track(client, stamped, next);
    if (replica === undefined) return finish(null);
    const argv = kvArgv(stamped);
    const entry: LogEntry = { kind: 'command', db: 0, argv, time: stamped.at, seed };
    replica.propose(entry, (reply) => finish(this.outcome(stamped, reply)));
  }

  /**
   * The history entry of an operation called now, once `finish` tells how it ended
   * (null: it surely did not happen). A client gives up after CLIENT_TIMEOUT_MS: then a
   * write's outcome is unknown (`write`), a read is forgotten.
   */
  private track(
    client: number,
    write: KvInput | null,
    next: () => void,
  ): (outcome: Outcome | null) => void {
    const call = this.scheduler.now;
    let finished = false;
    const finish = (outcome: Outcome | null): void => {
      if (finished) return;
      finished = true;
      if (outcome !== null) {
        const { input, output, returned } = outcome;
        this.history.push({
          client,
          input,
          output,
          call,
          return: returned ? this.scheduler.now : Infinity,
        });
      }
      next();
    };
    const unknown = write === null ? null : { input: write, output: UNKNOWN, returned: false };
    this.scheduler.schedule(CLIENT_TIMEOUT_MS, () => finish(unknown));
    return finish;
  }

  /**
   * A read as the server serves one: once a ReadIndex round proves the state current,
   * the command runs on a read context at the node's clock; an expired key it meets is
   * deleted through the log by the leader.
   */
  private readOp(
    node: NodeId,
    g: GroupId,
    replica: SimReplica,
    input: KvInput,
    seed: number,
    finish: (outcome: Outcome | null) => void,
  ): void {
    replica.group?.read((err) => {
      if (err !== null) return finish(null);
      const at = this.scheduler.now;
      const onExpired = (_db: number, key: string): void => this.expireLater(node, g, replica, key);
      const reply = replica.read(kvArgv(input), at, seed, onExpired);
      finish(this.outcome({ ...input, at }, reply));
    });
  }

  /**
   * At the end of the turn, as the server's lazy expiry does, the leader proposes the
   * deletion of a key a read found past its deadline; it goes in the history as the
   * node's own operation (one key per entry, so each has its own reply).
   */
  private expireLater(node: NodeId, g: GroupId, replica: SimReplica, key: string): void {
    this.scheduler.schedule(0, () => {
      const current = this.nodes.get(node);
      if (current?.replicas.get(g) !== replica || current.raft?.group(g)?.isLeader !== true) return;
      const at = this.scheduler.now;
      const input: KvInput = { op: 'delete', key, expiredOnly: true, at };
      const finish = this.track(-node, input, () => {});
      replica.propose({ kind: 'expire', db: 0, keys: [key], time: at }, (reply) =>
        finish(this.outcome(input, reply)),
      );
    });
  }

  /**
   * What a reply means for the history. The proposer's failure replies: CLUSTERDOWN (no
   * leader took it) and "did not apply" (superseded) mean it never applied; any other
   * TRYAGAIN (timeout, leader change) that it may have. A reply the command cannot give
   * is a violation.
   */
  private outcome(input: KvInput, reply: Reply | BlockRequest): Outcome | null {
    if (!isBlockRequest(reply) && isError(reply)) {
      const m = reply.message;
      if (m.startsWith('CLUSTERDOWN') || m.includes('did not apply')) return null;
      if (m.startsWith('TRYAGAIN')) return { input, output: UNKNOWN, returned: false };
    }
    const output = kvOutput(input, reply);
    if (typeof output !== 'string') return { input, output, returned: true };
    this.violations.push(`reply: ${output}`);
    return null;
  }

  /** Ends the faults: every node up, every link whole. */
  heal(): void {
    this.faulting = false;
    this.network.heal();
    this.network.resetLinks();
    for (const id of this.ids()) if (this.nodes.get(id)?.raft === null) this.start(id);
  }

  get isFaulting(): boolean {
    return this.faulting;
  }

  /** After healing: every group elects a leader and commits a write within `ms`. */
  checkLiveness(ms: number): void {
    const deadline = this.scheduler.now + ms;
    for (const g of this.groupIds) {
      let done = false;
      const attempt = (): void => {
        const leader = this.leaderOf(g);
        const replica = leader === undefined ? undefined : this.nodes.get(leader)?.replicas.get(g);
        if (replica === undefined) {
          this.scheduler.schedule(TICK_MS, attempt);
          return;
        }
        const argv = ['SET', `g${g}live`, 'x'];
        const entry: LogEntry = { kind: 'command', db: 0, argv, time: this.scheduler.now, seed: 0 };
        replica.propose(entry, (reply) => {
          if (isBlockRequest(reply) || !isError(reply)) done = true;
          else if (this.scheduler.now < deadline) this.scheduler.schedule(TICK_MS, attempt);
        });
      };
      attempt();
      this.scheduler.runWhile(() => !done && this.scheduler.now < deadline);
      if (!done)
        this.violations.push(`liveness: group ${g} committed nothing within ${ms} ms of healing`);
    }
  }

  /**
   * After healing and settling: every replica of a group has the same DEBUG DIGEST and
   * the same deadlines.
   */
  checkConvergence(): void {
    for (const g of this.groupIds) {
      const states = this.members(g).map(
        (id) => `node ${id}: ${(this.nodes.get(id)?.replicas.get(g) as SimReplica).fingerprint()}`,
      );
      const distinct = new Set(states.map((s) => s.slice(s.indexOf(':'))));
      if (distinct.size !== 1) {
        this.violations.push(`convergence: group ${g} replicas differ: ${states.join(' | ')}`);
      }
    }
  }

  checkLinearizable(maxSteps: number): 'ok' | 'unknown' {
    const report = checkOperations(kvModel, this.history, { maxSteps });
    if (report.result === 'illegal' && report.explanation !== null) {
      this.violations.push(`linearizability: ${describeExplanation(kvModel, report.explanation)}`);
    }
    return report.result === 'unknown' ? 'unknown' : 'ok';
  }
}
