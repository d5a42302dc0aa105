/**
 * RawNode, after etcd raft's rawnode_test.go: the Ready/advance cycle, restarts,
 * bootstrap, reads, conf changes through the log, and a small cluster driven the way
 * a real driver must (persist, then send, then apply, then advance).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConfChange } from '../../src/raft/codec.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { LocalMessageError, PeerNotFoundError, RawNode } from '../../src/raft/raw-node.js';
import type { RaftConfig } from '../../src/raft/raft.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EMPTY_CONF_STATE,
  EntryType,
  MessageType,
  NONE,
  StateType,
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type Ready,
} from '../../src/raft/types.js';
import {
  addNode,
  bytes,
  entriesAt,
  entry,
  msg,
  newTestConfig,
  newTestMemoryStorage,
  text,
} from './network.js';

function rawNode(id: NodeId, storage: MemoryStorage, tweak?: (c: RaftConfig) => void): RawNode {
  const config = newTestConfig(id, 10, 1, storage);
  tweak?.(config);
  return new RawNode(config);
}

/** Persists what a Ready asks, as a driver does before sending its messages. */
function persist(s: MemoryStorage, rd: Ready): void {
  if (rd.snapshot !== null) s.applySnapshot(rd.snapshot);
  s.append(rd.entries);
  if (rd.hardState !== null) s.setHardState(rd.hardState);
}

/** Runs Ready cycles on a lone node until it is leader. */
function electLone(rn: RawNode, s: MemoryStorage): void {
  rn.campaign();
  for (let i = 0; i < 5 && rn.raft.state !== StateType.Leader; i++) {
    const rd = rn.ready();
    persist(s, rd);
    rn.advance(rd);
  }
  assert.equal(rn.raft.state, StateType.Leader);
}

const plain = (ents: readonly Entry[]): string[] =>
  ents.map((e) => `${e.index}/${e.term}/${text(e.data)}`);

test('raw node: a lone node campaigns, proposes, and applies through Ready cycles', () => {
  const s = new MemoryStorage();
  s.applySnapshot({
    meta: { index: 1, term: 0, confState: { ...EMPTY_CONF_STATE, voters: [1] } },
    data: EMPTY_BYTES,
  });
  const rn = rawNode(1, s);
  assert.equal(rn.hasReady(), false);
  rn.campaign();
  let rd = rn.ready();
  // The vote must be durable before it counts.
  assert.deepEqual(rd.hardState, { term: 1, vote: 1, commit: 1 });
  assert.equal(rd.mustSync, true);
  assert.equal(rn.raft.state, StateType.Candidate);
  persist(s, rd);
  rn.advance(rd);
  assert.equal(rn.raft.state, StateType.Leader);
  rn.propose(bytes('foo'));
  assert.equal(rn.hasReady(), true);
  rd = rn.ready();
  assert.deepEqual(plain(rd.entries), ['2/1/', '3/1/foo']);
  // Not committed until the leader's own write is durable.
  assert.deepEqual(rd.committedEntries, []);
  assert.equal(rn.raft.raftLog.committed, 1);
  persist(s, rd);
  rn.advance(rd);
  assert.equal(rn.hasReady(), true);
  rd = rn.ready();
  assert.deepEqual(rd.entries, []);
  assert.equal(rd.mustSync, false);
  assert.deepEqual(rd.hardState, { term: 1, vote: 1, commit: 3 });
  assert.deepEqual(plain(rd.committedEntries), ['2/1/', '3/1/foo']);
  rn.advance(rd);
  assert.equal(rn.hasReady(), false);
  assert.equal(rn.status().applied, 3);
});

test('raw node: bootstrap commits one AddNode entry per voter at term 1', () => {
  const s = new MemoryStorage();
  const rn = rawNode(1, s);
  rn.bootstrap([1, 2, 3]);
  assert.deepEqual(rn.status().confState.voters, [1, 2, 3]);
  const rd = rn.ready();
  assert.deepEqual(rd.hardState, { term: 1, vote: NONE, commit: 3 });
  assert.deepEqual(
    rd.entries.map((e) => [e.index, e.term, e.type]),
    [
      [1, 1, EntryType.ConfChange],
      [2, 1, EntryType.ConfChange],
      [3, 1, EntryType.ConfChange],
    ],
  );
  assert.deepEqual(
    rd.committedEntries.map((e) => decodeConfChange(e.data).changes),
    [
      [{ type: ConfChangeType.AddNode, node: 1 }],
      [{ type: ConfChangeType.AddNode, node: 2 }],
      [{ type: ConfChangeType.AddNode, node: 3 }],
    ],
  );
  persist(s, rd);
  // Applying them again (as the application does) changes nothing.
  for (const e of rd.committedEntries) rn.applyConfChange(decodeConfChange(e.data));
  rn.advance(rd);
  assert.deepEqual(rn.status().confState.voters, [1, 2, 3]);
  assert.throws(() => rawNode(1, s).bootstrap([1]), /nonempty Storage/);
  assert.throws(() => rawNode(1, new MemoryStorage()).bootstrap([]), /at least one peer/);
});

test('raw node: a restart hands out the committed entries, not the hard state', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  s.setHardState({ term: 1, vote: NONE, commit: 1 });
  s.append([entry(1, 1), entry(2, 1, bytes('foo'))]);
  const rn = rawNode(1, s);
  const rd = rn.ready();
  assert.equal(rd.hardState, null);
  assert.deepEqual(plain(rd.committedEntries), ['1/1/']);
  assert.equal(rd.mustSync, false);
  rn.advance(rd);
  assert.equal(rn.hasReady(), false);
});

test('raw node: a restart from a snapshot hands out the entries after it', () => {
  const s = new MemoryStorage();
  s.setHardState({ term: 1, vote: NONE, commit: 3 });
  s.applySnapshot({
    meta: { index: 2, term: 1, confState: { ...EMPTY_CONF_STATE, voters: [1, 2] } },
    data: EMPTY_BYTES,
  });
  s.append([entry(3, 1, bytes('foo'))]);
  const rn = rawNode(1, s);
  const rd = rn.ready();
  assert.equal(rd.hardState, null);
  assert.deepEqual(plain(rd.committedEntries), ['3/1/foo']);
  rn.advance(rd);
  assert.equal(rn.hasReady(), false);
});

test('raw node: `applied` at restart skips entries already applied', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  s.setHardState({ term: 1, vote: NONE, commit: 3 });
  s.append(entriesAt(1, 1, 1, 1));
  const rn = rawNode(1, s, (c) => void (c.applied = 2));
  assert.deepEqual(plain(rn.ready().committedEntries), ['3/1/']);
});

test('raw node: committed entries come in pages without gaps after a restart', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  s.setHardState({ term: 1, vote: 1, commit: 10 });
  s.append(Array.from({ length: 10 }, (_, i) => entry(i + 1, 1, bytes('a'))));
  s.append([entry(11, 1, bytes('boom'))]);
  const rn = rawNode(1, s, (c) => void (c.maxSizePerMsg = 8));
  let highest = 0;
  while (highest !== 11) {
    const rd = rn.ready();
    const n = rd.committedEntries.length;
    assert.notEqual(n, 0, `stopped applying at ${highest}`);
    assert.equal(rd.committedEntries[0]?.index, highest + 1, 'no gap');
    highest = rd.committedEntries[n - 1]?.index ?? 0;
    rn.advance(rd);
    rn.raft.step(msg({ type: MessageType.Heartbeat, to: 1, from: 2, term: 1, commit: 11 }));
  }
});

test('raw node: step refuses local messages, unknown peers’ responses and other groups', () => {
  const rn = rawNode(1, newTestMemoryStorage({ peers: [1] }));
  for (const type of [
    MessageType.Hup,
    MessageType.Beat,
    MessageType.Unreachable,
    MessageType.SnapStatus,
    MessageType.CheckQuorum,
  ]) {
    assert.throws(() => rn.step(msg({ type, from: 1, to: 1 })), LocalMessageError);
  }
  for (const type of [
    MessageType.AppResp,
    MessageType.VoteResp,
    MessageType.HeartbeatResp,
    MessageType.ReadIndexResp,
    MessageType.PreVoteResp,
  ]) {
    assert.throws(() => rn.step(msg({ type, from: 9, to: 1, term: 1 })), PeerNotFoundError);
  }
  assert.throws(
    () => rn.step({ ...msg({ type: MessageType.App, from: 2, to: 1 }), group: 7 }),
    /group 7/,
  );
  // A vote request from anyone is stepped.
  rn.step(msg({ type: MessageType.Vote, from: 9, to: 1, term: 5 }));
  assert.equal(rn.raft.term, 5);
});

test('raw node: readIndex yields a ReadState in a Ready, handed out once', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  electLone(rn, s);
  let rd = rn.ready();
  persist(s, rd);
  rn.advance(rd);
  rn.readIndex(bytes('somedata'));
  assert.equal(rn.hasReady(), true);
  rd = rn.ready();
  assert.deepEqual(
    rd.readStates.map((r) => [r.index, text(r.context)]),
    [[rn.raft.raftLog.committed, 'somedata']],
  );
  rn.advance(rd);
  assert.equal(rn.hasReady(), false);
  assert.deepEqual(rn.ready().readStates, []);
});

test('raw node: propose batches its payloads into consecutive entries', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  electLone(rn, s);
  const last = rn.raft.raftLog.lastIndex();
  assert.equal(rn.propose(bytes('a'), bytes('b'), bytes('c')), true);
  const rd = rn.ready();
  assert.deepEqual(
    rd.entries.filter((e) => e.index > last).map((e) => [e.index, text(e.data)]),
    [
      [last + 1, 'a'],
      [last + 2, 'b'],
      [last + 3, 'c'],
    ],
  );
  assert.throws(() => rn.propose(), /at least one payload/);
});

test('raw node: propose is refused without a leader', () => {
  const rn = rawNode(1, newTestMemoryStorage({ peers: [1, 2, 3] }));
  assert.equal(rn.propose(bytes('x')), false);
  assert.equal(rn.proposeConfChange(addNode(4)), false);
});

test('raw node: a Ready must be advanced before the next one', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  rn.campaign();
  rn.ready();
  assert.throws(() => rn.ready(), /without call to advance/);
});

test('raw node: messages handed out are not lost or repeated across Ready cycles', () => {
  const s = newTestMemoryStorage({ peers: [1, 2] });
  const rn = rawNode(1, s);
  rn.campaign();
  const rd = rn.ready();
  assert.deepEqual(
    rd.messages.map((m) => [m.type, m.to]),
    [[MessageType.Vote, 2]],
  );
  persist(s, rd);
  rn.advance(rd);
  // The self-vote counted on advance; nothing else to send yet.
  assert.equal(rn.ready().messages.length, 0);
});

test('raw node: mustSync only when entries, term or vote change', () => {
  const s = newTestMemoryStorage({ peers: [1, 2] });
  const rn = rawNode(1, s);
  rn.raft.step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 1 }));
  let rd = rn.ready();
  assert.equal(rd.mustSync, true); // term
  persist(s, rd);
  rn.advance(rd);
  rn.raft.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, entries: [entry(1, 1)] }));
  rd = rn.ready();
  assert.equal(rd.mustSync, true); // entries
  persist(s, rd);
  rn.advance(rd);
  rn.raft.step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 1, commit: 1 }));
  rd = rn.ready();
  assert.deepEqual(rd.hardState, { term: 1, vote: NONE, commit: 1 });
  assert.equal(rd.mustSync, false); // commit only
});

test('raw node: status reports progress only on the leader', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  assert.equal(rn.status().progress.size, 0);
  electLone(rn, s);
  // The leader's own match moves once its write is durable.
  const rd = rn.ready();
  persist(s, rd);
  rn.advance(rd);
  const st = rn.status();
  assert.equal(st.softState.lead, 1);
  assert.equal(st.softState.state, StateType.Leader);
  assert.equal(st.progress.get(1)?.match, rn.raft.raftLog.lastIndex());
  assert.deepEqual(st.confState.voters, [1]);
  assert.equal(st.group, 0);
});

test('raw node: a repeated AddNode is harmless and a later one still applies', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  electLone(rn, s);
  const proposeAndApply = (cc: ConfChange): void => {
    rn.proposeConfChange(cc);
    for (let i = 0; i < 3; i++) {
      const rd = rn.ready();
      persist(s, rd);
      for (const e of rd.committedEntries) {
        if (e.type === EntryType.ConfChange) rn.applyConfChange(decodeConfChange(e.data));
      }
      rn.advance(rd);
    }
  };
  proposeAndApply(addNode(1));
  proposeAndApply(addNode(1));
  proposeAndApply(addNode(2));
  const last = s.lastIndex();
  const ents = s.entries(last - 2, last + 1, Infinity);
  assert.deepEqual(
    ents.map((e) => e.type),
    [EntryType.ConfChange, EntryType.ConfChange, EntryType.ConfChange],
  );
  assert.deepEqual(decodeConfChange(ents[2]?.data ?? EMPTY_BYTES).changes, [
    { type: ConfChangeType.AddNode, node: 2 },
  ]);
  assert.deepEqual(rn.status().confState.voters, [1, 2]);
});

test('raw node: an implicit joint change is left automatically once applied by the leader', () => {
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s);
  const cc: ConfChange = {
    transition: ConfChangeTransition.Implicit,
    changes: [{ type: ConfChangeType.AddLearner, node: 2 }],
    context: EMPTY_BYTES,
  };
  rn.campaign();
  let proposed = false;
  let cs: ConfState | undefined;
  while (cs === undefined) {
    const rd = rn.ready();
    persist(s, rd);
    for (const e of rd.committedEntries) {
      if (e.type !== EntryType.ConfChange) continue;
      // Force it to step down first: only a leader leaves the joint config.
      rn.step(msg({ type: MessageType.HeartbeatResp, from: 1, to: 1, term: rn.raft.term + 1 }));
      cs = rn.applyConfChange(decodeConfChange(e.data));
    }
    rn.advance(rd);
    if (!proposed && rn.raft.state === StateType.Leader) {
      assert.equal(rn.propose(bytes('somedata')), true);
      assert.equal(rn.proposeConfChange(cc), true);
      proposed = true;
    }
  }
  assert.deepEqual(cs, {
    voters: [1],
    learners: [2],
    votersOutgoing: [1],
    learnersNext: [],
    autoLeave: true,
  });
  const last = s.lastIndex();
  const ents = s.entries(last - 1, last + 1, Infinity);
  assert.equal(text(ents[0]?.data ?? EMPTY_BYTES), 'somedata');
  assert.equal(ents[1]?.type, EntryType.ConfChange);
  assert.equal(rn.raft.pendingConfIndex, 0);
  // A follower does not leave on its own.
  const rd0 = rn.ready();
  assert.equal(rd0.entries.length, 0);
  persist(s, rd0);
  rn.advance(rd0);
  // Leader again: once the apply index moves, the leave is proposed.
  rn.campaign();
  let leave: Entry | undefined;
  for (let i = 0; i < 6 && leave === undefined; i++) {
    const rd = rn.ready();
    persist(s, rd);
    leave = rd.entries.find((e) => e.type === EntryType.ConfChange);
    rn.advance(rd);
  }
  assert.ok(leave, 'the leader proposed leaving the joint configuration');
  const leaveCc = decodeConfChange(leave.data);
  assert.deepEqual(leaveCc.changes, []);
  // Pretend it applied (one node cannot commit under the joint quorum alone).
  assert.deepEqual(rn.applyConfChange(leaveCc), {
    voters: [1],
    learners: [2],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  });
});

test('raw node: the uncommitted limit bounds a partitioned leader’s log', () => {
  const maxEntries = 16;
  const data = bytes('testdata');
  const s = newTestMemoryStorage({ peers: [1] });
  const rn = rawNode(1, s, (c) => void (c.maxUncommittedEntriesSize = maxEntries * data.length));
  rn.campaign();
  for (;;) {
    const rd = rn.ready();
    persist(s, rd);
    rn.advance(rd);
    if (rd.committedEntries.length > 0) break;
  }
  for (let i = 0; i < 1024; i++) rn.propose(data);
  assert.equal(rn.raft.uncommittedSize, maxEntries * data.length);
  let rd = rn.ready();
  assert.equal(rd.entries.length, maxEntries);
  persist(s, rd);
  rn.advance(rd);
  // Appended, not yet applied.
  assert.equal(rn.raft.uncommittedSize, maxEntries * data.length);
  rd = rn.ready();
  assert.equal(rd.entries.length, 0);
  assert.equal(rd.committedEntries.length, maxEntries);
  rn.advance(rd);
  assert.equal(rn.raft.uncommittedSize, 0);
});

// --- a cluster of RawNodes driven like production -----------------------------------

interface Member {
  readonly rn: RawNode;
  readonly storage: MemoryStorage;
  /** The state machine: the data of applied normal entries. */
  applied: string[];
  confState: ConfState;
  /** Read states received: [index, context]. */
  reads: [number, string][];
}

class Cluster {
  readonly members = new Map<NodeId, Member>();
  private queue: Message[] = [];
  /** Returns false to drop a message. */
  filter: (m: Message) => boolean = () => true;

  constructor(ids: NodeId[], tweak?: (c: RaftConfig) => void) {
    for (const id of ids) this.add(id, tweak).rn.bootstrap(ids);
    // Nobody campaigns before the bootstrap conf changes are applied.
    this.stabilize();
  }

  add(id: NodeId, tweak?: (c: RaftConfig) => void): Member {
    const storage = new MemoryStorage();
    const m: Member = {
      rn: rawNode(id, storage, tweak),
      storage,
      applied: [],
      confState: EMPTY_CONF_STATE,
      reads: [],
    };
    this.members.set(id, m);
    return m;
  }

  member(id: NodeId): Member {
    const m = this.members.get(id);
    assert.ok(m, `no member ${id}`);
    return m;
  }

  /** Ready cycles and deliveries until nothing moves. */
  stabilize(): void {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (const m of this.members.values()) busy = this.cycle(m) || busy;
      const queue = this.queue;
      this.queue = [];
      for (const msg of queue) this.deliver(msg);
      if (!busy && queue.length === 0) return;
    }
    throw new Error('cluster did not stabilize');
  }

  private cycle(m: Member): boolean {
    if (!m.rn.hasReady()) return false;
    const rd = m.rn.ready();
    // 1. persist, 2. send, 3. apply, 4. advance.
    persist(m.storage, rd);
    this.queue.push(...rd.messages);
    if (rd.snapshot !== null) {
      m.applied = JSON.parse(text(rd.snapshot.data)) as string[];
      m.confState = rd.snapshot.meta.confState;
    }
    for (const e of rd.committedEntries) this.apply(m, e);
    for (const r of rd.readStates) m.reads.push([r.index, text(r.context)]);
    m.rn.advance(rd);
    return true;
  }

  private apply(m: Member, e: Entry): void {
    if (e.type === EntryType.ConfChange)
      m.confState = m.rn.applyConfChange(decodeConfChange(e.data));
    else if (e.data.length > 0) m.applied.push(text(e.data));
  }

  private deliver(msg: Message): void {
    const to = this.members.get(msg.to);
    if (to === undefined || !this.filter(msg)) return;
    try {
      to.rn.step(msg);
    } catch (err) {
      if (!(err instanceof PeerNotFoundError)) throw err;
    }
    // The transport reports a delivered snapshot back to the leader.
    if (msg.type === MessageType.Snap) this.members.get(msg.from)?.rn.reportSnapshot(msg.to, true);
  }

  /** Makes a snapshot of `id`'s state machine at its applied index and compacts its log. */
  compact(id: NodeId): void {
    const m = this.member(id);
    const index = m.rn.status().applied;
    m.storage.createSnapshot(index, m.confState, bytes(JSON.stringify(m.applied)));
    m.storage.compact(index);
  }

  leader(): Member {
    const leaders = [...this.members.values()].filter((m) => m.rn.raft.state === StateType.Leader);
    assert.equal(leaders.length, 1);
    return leaders[0] as Member;
  }
}

test('cluster: three RawNodes elect a leader and apply the same commands in order', () => {
  const c = new Cluster([1, 2, 3]);
  c.member(1).rn.campaign();
  c.stabilize();
  const leader = c.leader();
  assert.equal(leader.rn.raft.id, 1);
  for (let i = 0; i < 20; i++) {
    // Proposals through a follower are forwarded.
    const via = c.member(i % 2 === 0 ? 1 : 2);
    assert.equal(via.rn.propose(bytes(`cmd${i}`)), true);
    if (i % 5 === 4) c.stabilize();
  }
  c.stabilize();
  const want = Array.from({ length: 20 }, (_, i) => `cmd${i}`);
  for (const id of [1, 2, 3])
    assert.deepEqual([...c.member(id).applied].sort(), [...want].sort(), `node ${id}`);
  assert.deepEqual(c.member(2).applied, c.member(1).applied);
  assert.deepEqual(c.member(3).applied, c.member(1).applied);
});

test('cluster: a linearizable read through a follower is confirmed by the leader', () => {
  const c = new Cluster([1, 2, 3]);
  c.member(1).rn.campaign();
  c.stabilize();
  c.member(1).rn.propose(bytes('x'));
  c.stabilize();
  const commit = c.member(1).rn.raft.raftLog.committed;
  c.member(3).rn.readIndex(bytes('r1'));
  c.stabilize();
  assert.deepEqual(c.member(3).reads, [[commit, 'r1']]);
  // Through the leader itself, and with the leader cut off from everyone: no answer.
  c.member(1).rn.readIndex(bytes('r2'));
  c.stabilize();
  assert.deepEqual(c.member(1).reads, [[commit, 'r2']]);
  c.filter = (m) => m.from !== 1 && m.to !== 1;
  c.member(1).rn.readIndex(bytes('r3'));
  c.stabilize();
  assert.deepEqual(c.member(1).reads, [[commit, 'r2']]);
});

test('cluster: a new member catches up by snapshot, is promoted, and votes', () => {
  const c = new Cluster([1, 2, 3]);
  c.member(1).rn.campaign();
  c.stabilize();
  for (let i = 0; i < 10; i++) c.member(1).rn.propose(bytes(`v${i}`));
  c.stabilize();
  const leader = c.member(1).rn;
  const addLearner4: ConfChange = {
    transition: ConfChangeTransition.Auto,
    changes: [{ type: ConfChangeType.AddLearner, node: 4 }],
    context: EMPTY_BYTES,
  };
  assert.equal(leader.proposeConfChange(addLearner4), true);
  c.stabilize();
  // The snapshot must hold a configuration with 4 in it, or 4 could not restore it.
  c.compact(1);
  // 4 starts empty: the leader's log no longer reaches back that far.
  c.add(4);
  // Heartbeats let the leader see 4 as active, then send the snapshot.
  for (let i = 0; i < 3; i++) {
    leader.tick();
    c.stabilize();
  }
  const m4 = c.member(4);
  assert.deepEqual(m4.applied, c.member(1).applied);
  assert.equal(m4.rn.raft.isLearner, true);
  assert.equal(leader.propose(bytes('after')), true);
  c.stabilize();
  assert.equal(m4.applied[m4.applied.length - 1], 'after');
  // Promote 4 and remove 3: joint consensus through the log, left automatically.
  const swap: ConfChange = {
    transition: ConfChangeTransition.Auto,
    changes: [
      { type: ConfChangeType.AddNode, node: 4 },
      { type: ConfChangeType.RemoveNode, node: 3 },
    ],
    context: EMPTY_BYTES,
  };
  assert.equal(leader.proposeConfChange(swap), true);
  c.stabilize();
  for (const id of [1, 2, 4]) {
    assert.deepEqual(
      c.member(id).confState,
      { voters: [1, 2, 4], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
      `node ${id}`,
    );
  }
  // 1 and 4 suffice now: 2 can be cut off and commands still commit.
  c.filter = (m) => m.to !== 2 && m.from !== 2;
  assert.equal(leader.propose(bytes('without 2')), true);
  c.stabilize();
  assert.equal(m4.applied[m4.applied.length - 1], 'without 2');
});

test('cluster: leadership transfer through RawNode', () => {
  const c = new Cluster([1, 2, 3]);
  c.member(1).rn.campaign();
  c.stabilize();
  c.member(1).rn.transferLeader(3);
  c.stabilize();
  assert.equal(c.leader().rn.raft.id, 3);
  assert.equal(c.member(1).rn.status().softState.lead, 3);
});

test('cluster: pre-vote and check-quorum keep a rejoining node from disrupting', () => {
  const c = new Cluster([1, 2, 3], (cfg) => {
    cfg.preVote = true;
    cfg.checkQuorum = true;
  });
  c.member(1).rn.campaign();
  c.stabilize();
  const term = c.member(1).rn.raft.term;
  c.filter = (m) => m.to !== 3 && m.from !== 3;
  // 3 times out repeatedly while cut off.
  for (let i = 0; i < 50; i++) {
    c.member(3).rn.tick();
    c.member(1).rn.tick();
    c.member(2).rn.tick();
    c.stabilize();
  }
  assert.equal(c.member(3).rn.raft.term, term);
  c.filter = () => true;
  for (let i = 0; i < 5; i++) {
    for (const id of [1, 2, 3]) c.member(id).rn.tick();
    c.stabilize();
  }
  assert.equal(c.leader().rn.raft.id, 1);
  assert.equal(c.member(1).rn.raft.term, term);
});
