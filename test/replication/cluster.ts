import assert from 'node:assert/strict';
import {
  MultiRaft,
  type GroupApplier,
  type ProposalOutcome,
  type RaftStore,
} from '../../src/replication/multi-raft.js';
import { MessageType, type Message, type NodeId, type Snapshot } from '../../src/raft/types.js';
import { Rng } from '../../src/util/rng.js';

export const text = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A state machine that appends every payload to a list and answers its position. */
export class ListApplier implements GroupApplier {
  items: string[] = [];
  apply(_index: number, payload: Uint8Array): unknown {
    this.items.push(str(payload));
    return this.items.length;
  }
  snapshot(): Uint8Array {
    return text(JSON.stringify(this.items));
  }
  restore(snapshot: Snapshot): void {
    this.items = JSON.parse(str(snapshot.data)) as string[];
  }
}

export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Nodes in one process; messages cross a network that can cut any node off. Each node's
 * group 1 applies with a ListApplier unless `makeApplier` makes another kind.
 */
export class Cluster<A extends GroupApplier = ListApplier> {
  readonly nodes = new Map<NodeId, MultiRaft>();
  readonly stores = new Map<NodeId, RaftStore>();
  readonly appliers = new Map<NodeId, A>();
  readonly cut = new Set<NodeId>();

  constructor(
    readonly ids: readonly NodeId[],
    private readonly snapshotEntries: number,
    /** Makes a node's store; called again when a node restarts after stop(). */
    private readonly makeStore: (id: NodeId) => RaftStore,
    /** Real time per tick: a store on disk needs its fsyncs to finish within an election. */
    private readonly tickMs = 0,
    private readonly makeApplier: (id: NodeId) => A = () => new ListApplier() as GroupApplier as A,
  ) {
    for (const id of ids) this.start(id);
  }

  start(id: NodeId): MultiRaft {
    const store = this.makeStore(id);
    this.stores.set(id, store);
    const rng = new Rng(id * 7919 + this.nodes.size);
    const node = new MultiRaft({
      id,
      store,
      sender: { send: (ms) => this.deliver(id, ms) },
      defer: setImmediate,
      random: (n) => rng.below(n),
      raft: { electionTicks: 10, heartbeatTicks: 1, checkQuorum: true, preVote: true },
      requestTimeoutTicks: 50,
      snapshotEntries: this.snapshotEntries,
      onFatal: (err) => assert.fail(err),
    });
    const applier = this.makeApplier(id);
    this.appliers.set(id, applier);
    node.openGroup(1, applier, this.ids);
    this.nodes.set(id, node);
    return node;
  }

  private deliver(from: NodeId, ms: readonly Message[]): void {
    if (this.cut.has(from)) return;
    setImmediate(() => {
      for (const m of ms) {
        const ok = !this.cut.has(m.to);
        if (ok) this.nodes.get(m.to)?.receive([m]);
        // As the TCP transport does, tell the sender how a snapshot's sending ended.
        if (m.type === MessageType.Snap) this.nodes.get(from)?.reportSnapshot(m.to, m.group, ok);
      }
    });
  }

  async ticks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) node.tick();
      for (let j = 0; j < 5; j++) await turn();
      if (this.tickMs > 0) await new Promise((resolve) => setTimeout(resolve, this.tickMs));
    }
  }

  leader(): MultiRaft | undefined {
    return [...this.nodes.values()].find(
      (n) => !this.cut.has(n.options.id) && n.group(1)?.isLeader === true,
    );
  }

  /** Ticks until `p` settles: outcomes of cut-off nodes arrive only with time. */
  async settle<T>(p: Promise<T>): Promise<T> {
    let settled = false;
    void p.then(() => (settled = true));
    for (let i = 0; i < 200 && !settled; i++) await this.ticks(1);
    return p;
  }

  async elect(): Promise<MultiRaft> {
    for (let i = 0; i < 100; i++) {
      const leader = this.leader();
      if (leader !== undefined) return leader;
      await this.ticks(1);
    }
    throw new Error('no leader elected');
  }
}

export function propose(node: MultiRaft, payload: string): Promise<ProposalOutcome> {
  return new Promise((resolve) => node.group(1)?.propose(text(payload), resolve));
}
