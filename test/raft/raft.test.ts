/**
 * The Raft state machine, after etcd raft's raft_test.go, raft_flow_control_test.go and
 * raft_snap_test.go: elections (pre-vote, check-quorum), replication and flow control,
 * commit rules, reads, leader transfer, learners, membership, snapshots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConfChange } from '../../src/raft/codec.js';
import { ConfChangeError } from '../../src/raft/confchange.js';
import type { MemoryStorage } from '../../src/raft/memory-storage.js';
import { ProgressState } from '../../src/raft/progress.js';
import type { Raft, RaftConfig } from '../../src/raft/raft.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  NONE,
  StateType,
  type ConfChange,
  type Entry,
  type Message,
  type Snapshot,
} from '../../src/raft/types.js';
import {
  BLACK_HOLE,
  Network,
  addLearner,
  addNode,
  advanceMessagesAfterAppend,
  beat,
  bytes,
  entriesAt,
  entry,
  entsWithConfig,
  hup,
  idsBySize,
  logString,
  msg,
  mustAppendEntry,
  newTestMemoryStorage,
  newTestRaft,
  nextEnts,
  preVoteConfig,
  propose,
  readMessages,
  removeNode,
  text,
  votedWithConfig,
  type PeerSpec,
} from './network.js';

const peers = (...ids: number[]): MemoryStorage => newTestMemoryStorage({ peers: ids });
const withCheckQuorum = (c: RaftConfig): void => {
  c.checkQuorum = true;
};

function rafts(n: number, tweak?: (c: RaftConfig) => void): Raft[] {
  const ids = idsBySize(n);
  return ids.map((id) => newTestRaft(id, 10, 1, peers(...ids), tweak));
}

function snapshotAt(
  index: number,
  term: number,
  voters: number[],
  extra: Partial<Snapshot['meta']['confState']> = {},
): Snapshot {
  const confState = {
    voters,
    learners: [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
    ...extra,
  };
  return { meta: { index, term, confState }, data: EMPTY_BYTES };
}

function confChangeEntry(cc: ConfChange): Entry {
  return { term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(cc) };
}

function proposeConfChange(from: number, cc: ConfChange): Message {
  return msg({ type: MessageType.Prop, from, to: from, entries: [confChangeEntry(cc)] });
}

function transfer(from: number, to: number): Message {
  return msg({ type: MessageType.TransferLeader, from, to });
}

function readIndex(from: number, to: number, ctx: string): Message {
  return msg({ type: MessageType.ReadIndex, from, to, context: bytes(ctx) });
}

function checkLeaderTransferState(r: Raft, state: StateType, lead: number): void {
  assert.equal(r.state, state);
  assert.equal(r.lead, lead);
  assert.equal(r.leadTransferee, NONE);
}

/** Read through a call, so that an earlier assertion does not narrow the type. */
const stateOf = (r: Raft): StateType => r.state;

function progress(r: Raft, id: number) {
  const pr = r.trk.progress.get(id);
  assert.ok(pr, `no progress for ${id}`);
  return pr;
}

// --- elections ---------------------------------------------------------------------

for (const preVote of [false, true]) {
  const cfg = preVote ? preVoteConfig : undefined;
  const tag = preVote ? ' (pre-vote)' : '';

  test(`elections: a candidate wins with a majority of votes, else waits${tag}`, () => {
    const candState = preVote ? StateType.PreCandidate : StateType.Candidate;
    const candTerm = preVote ? 0 : 1;
    const cases: [PeerSpec[], StateType, number][] = [
      [[null, null, null], StateType.Leader, 1],
      [[null, null, BLACK_HOLE], StateType.Leader, 1],
      [[null, BLACK_HOLE, BLACK_HOLE], candState, candTerm],
      [[null, BLACK_HOLE, BLACK_HOLE, null], candState, candTerm],
      [[null, BLACK_HOLE, BLACK_HOLE, null, null], StateType.Leader, 1],
      // Three logs further along, in the same term: rejections, not silence.
      [
        [null, entsWithConfig(cfg, 1), entsWithConfig(cfg, 1), entsWithConfig(cfg, 1, 1), null],
        StateType.Follower,
        1,
      ],
    ];
    cases.forEach(([specs, state, term], i) => {
      const n = new Network(specs, cfg);
      n.send(hup(1));
      assert.equal(n.raft(1).state, state, `#${i}`);
      assert.equal(n.raft(1).term, term, `#${i}`);
    });
  });

  test(`elections: every node can be elected in turn${tag}`, () => {
    const n = new Network([null, null, null], cfg);
    for (let campaigner = 1; campaigner <= 3; campaigner++) {
      n.send(hup(campaigner));
      for (const id of [1, 2, 3]) {
        assert.equal(n.raft(id).state, id === campaigner ? StateType.Leader : StateType.Follower);
      }
    }
  });

  test(`elections: a new leader overwrites newer uncommitted entries of others${tag}`, () => {
    const n = new Network(
      [
        entsWithConfig(cfg, 1), // won the first election
        entsWithConfig(cfg, 1), // got its entry
        entsWithConfig(cfg, 2), // won the second election
        votedWithConfig(cfg, 3, 2), // voted, got nothing
        votedWithConfig(cfg, 3, 2),
      ],
      cfg,
    );
    // A quorum knows of term 2: the first campaign fails but moves node 1 to term 2.
    n.send(hup(1));
    assert.equal(n.raft(1).state, StateType.Follower);
    assert.equal(n.raft(1).term, 2);
    n.send(hup(1));
    assert.equal(n.raft(1).state, StateType.Leader);
    assert.equal(n.raft(1).term, 3);
    for (const id of idsBySize(5)) {
      const ents = n.raft(id).raftLog.allEntries();
      assert.deepEqual(
        ents.map((e) => e.term),
        [1, 3],
        `node ${id}`,
      );
    }
  });

  test(`elections: a lone node elects itself${tag}`, () => {
    const n = new Network([null], cfg);
    n.send(hup(1));
    assert.equal(n.raft(1).state, StateType.Leader);
  });

  test(`elections: campaigning while leader changes nothing${tag}`, () => {
    const r = newTestRaft(1, 5, 1, peers(1), cfg);
    r.step(hup(1));
    advanceMessagesAfterAppend(r);
    assert.equal(r.state, StateType.Leader);
    const term = r.term;
    r.step(hup(1));
    advanceMessagesAfterAppend(r);
    assert.equal(r.state, StateType.Leader);
    assert.equal(r.term, term);
  });

  test(`elections: a lost (pre-)candidate ignores its own late self-vote${tag}`, () => {
    const r = newTestRaft(1, 5, 1, peers(1, 2, 3), cfg);
    r.step(hup(1));
    const steps = r.msgsAfterAppend;
    r.msgsAfterAppend = [];
    r.step(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: r.term }));
    assert.equal(r.state, StateType.Follower);
    for (const m of steps) if (m.to === 1) r.step(m);
    assert.equal(r.state, StateType.Follower);
    assert.equal(r.trk.tallyVotes().granted, 0);
  });
}

for (const type of [MessageType.Vote, MessageType.PreVote]) {
  test(`elections: a ${type === MessageType.Vote ? 'vote' : 'pre-vote'} for a later term is granted from any state`, () => {
    for (const st of [
      StateType.Follower,
      StateType.Candidate,
      StateType.Leader,
      StateType.PreCandidate,
    ]) {
      const r = newTestRaft(1, 10, 1, peers(1, 2, 3));
      r.term = 1;
      if (st === StateType.Follower) r.becomeFollower(r.term, 3);
      if (st === StateType.PreCandidate) r.becomePreCandidate();
      if (st === StateType.Candidate) r.becomeCandidate();
      if (st === StateType.Leader) {
        r.becomeCandidate();
        r.becomeLeader();
      }
      const origTerm = r.term;
      const newTerm = r.term + 1;
      r.step(msg({ type, from: 2, to: 1, term: newTerm, logTerm: newTerm, index: 42 }));
      const msgs = readMessages(r);
      assert.equal(msgs.length, 1);
      assert.equal(
        msgs[0]?.type,
        type === MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp,
      );
      assert.equal(msgs[0]?.reject, false);
      if (type === MessageType.Vote) {
        assert.equal(r.state, StateType.Follower);
        assert.equal(r.term, newTerm);
        assert.equal(r.vote, 2);
      } else {
        // A pre-vote changes nothing.
        assert.equal(r.state, st);
        assert.equal(r.term, origTerm);
        assert.ok(r.vote === NONE || r.vote === 1);
      }
    }
  });

  test(`elections: ${type === MessageType.Vote ? 'vote' : 'pre-vote'} requests are judged by log and prior vote`, () => {
    // [state, index, logTerm, votedFor, reject]
    const cases: [StateType, number, number, number, boolean][] = [
      [StateType.Follower, 0, 0, NONE, true],
      [StateType.Follower, 0, 1, NONE, true],
      [StateType.Follower, 0, 2, NONE, true],
      [StateType.Follower, 0, 3, NONE, false],
      [StateType.Follower, 1, 0, NONE, true],
      [StateType.Follower, 1, 1, NONE, true],
      [StateType.Follower, 1, 2, NONE, true],
      [StateType.Follower, 1, 3, NONE, false],
      [StateType.Follower, 2, 0, NONE, true],
      [StateType.Follower, 2, 1, NONE, true],
      [StateType.Follower, 2, 2, NONE, false],
      [StateType.Follower, 2, 3, NONE, false],
      [StateType.Follower, 3, 0, NONE, true],
      [StateType.Follower, 3, 1, NONE, true],
      [StateType.Follower, 3, 2, NONE, false],
      [StateType.Follower, 3, 3, NONE, false],
      [StateType.Follower, 3, 2, 2, false],
      [StateType.Follower, 3, 2, 1, true],
      [StateType.Leader, 3, 3, 1, true],
      [StateType.PreCandidate, 3, 3, 1, true],
      [StateType.Candidate, 3, 3, 1, true],
    ];
    cases.forEach(([state, index, logTerm, voteFor, reject], i) => {
      const s = peers(1);
      s.append(entriesAt(1, 2, 2));
      const r = newTestRaft(1, 10, 1, s);
      r.state = state;
      r.vote = voteFor;
      const term = Math.max(2, logTerm);
      r.term = term;
      r.step(msg({ type, term, from: 2, index, logTerm }));
      const msgs = readMessages(r);
      assert.equal(msgs.length, 1, `#${i}`);
      assert.equal(msgs[0]?.reject, reject, `#${i}`);
    });
  });
}

test('elections: a learner may vote (it may not know yet that it was promoted)', () => {
  const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  n2.becomeFollower(1, NONE);
  n2.step(msg({ type: MessageType.Vote, from: 1, to: 2, term: 2, logTerm: 11, index: 11 }));
  const msgs = readMessages(n2);
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0]?.type, MessageType.VoteResp);
  assert.equal(msgs[0]?.reject, false);
});

test('elections: state transitions allowed and refused', () => {
  const cases: [StateType, StateType, boolean, number, number][] = [
    [StateType.Follower, StateType.Follower, true, 1, NONE],
    [StateType.Follower, StateType.PreCandidate, true, 0, NONE],
    [StateType.Follower, StateType.Candidate, true, 1, NONE],
    [StateType.Follower, StateType.Leader, false, 0, NONE],
    [StateType.PreCandidate, StateType.Follower, true, 0, NONE],
    [StateType.PreCandidate, StateType.PreCandidate, true, 0, NONE],
    [StateType.PreCandidate, StateType.Candidate, true, 1, NONE],
    [StateType.PreCandidate, StateType.Leader, true, 0, 1],
    [StateType.Candidate, StateType.Follower, true, 0, NONE],
    [StateType.Candidate, StateType.PreCandidate, true, 0, NONE],
    [StateType.Candidate, StateType.Candidate, true, 1, NONE],
    [StateType.Candidate, StateType.Leader, true, 0, 1],
    [StateType.Leader, StateType.Follower, true, 1, NONE],
    [StateType.Leader, StateType.PreCandidate, false, 0, NONE],
    [StateType.Leader, StateType.Candidate, false, 1, NONE],
    [StateType.Leader, StateType.Leader, true, 0, 1],
  ];
  cases.forEach(([from, to, allowed, wTerm, wLead], i) => {
    const r = newTestRaft(1, 10, 1, peers(1));
    r.state = from;
    const go = (): void => {
      if (to === StateType.Follower) r.becomeFollower(wTerm, wLead);
      if (to === StateType.PreCandidate) r.becomePreCandidate();
      if (to === StateType.Candidate) r.becomeCandidate();
      if (to === StateType.Leader) r.becomeLeader();
    };
    if (!allowed) {
      assert.throws(go, /invalid transition/, `#${i}`);
      return;
    }
    go();
    assert.equal(r.term, wTerm, `#${i}`);
    assert.equal(r.lead, wLead, `#${i}`);
  });
});

test('elections: every state steps down on a message of a later term', () => {
  const cases: [StateType, number][] = [
    [StateType.Follower, 0],
    [StateType.PreCandidate, 0],
    [StateType.Candidate, 0],
    [StateType.Leader, 1],
  ];
  for (const [state, wIndex] of cases) {
    for (const type of [MessageType.Vote, MessageType.App]) {
      const r = newTestRaft(1, 10, 1, peers(1, 2, 3));
      if (state === StateType.Follower) r.becomeFollower(1, NONE);
      if (state === StateType.PreCandidate) r.becomePreCandidate();
      if (state === StateType.Candidate || state === StateType.Leader) r.becomeCandidate();
      if (state === StateType.Leader) r.becomeLeader();
      r.step(msg({ type, from: 2, term: 3, logTerm: 3 }));
      assert.equal(r.state, StateType.Follower);
      assert.equal(r.term, 3);
      assert.equal(r.raftLog.lastIndex(), wIndex);
      assert.equal(r.raftLog.allEntries().length, wIndex);
      assert.equal(r.lead, type === MessageType.Vote ? NONE : 2);
    }
  }
});

test('elections: dueling candidates: the one with the shorter log loses', () => {
  const [a, b, c] = rafts(3) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  n.cut(1, 3);
  n.send(hup(1));
  n.send(hup(3));
  assert.equal(a.state, StateType.Leader);
  assert.equal(c.state, StateType.Candidate);
  n.recover();
  // 3 disrupts the leader with its higher term, but neither 1 nor 2 votes for its log.
  n.send(hup(3));
  const want: [Raft, StateType, number, number][] = [
    [a, StateType.Follower, 2, 1],
    [b, StateType.Follower, 2, 1],
    [c, StateType.Follower, 2, 0],
  ];
  for (const [r, state, term, lastIndex] of want) {
    assert.equal(r.state, state);
    assert.equal(r.term, term);
    assert.equal(r.raftLog.lastIndex(), lastIndex);
  }
});

test('pre-vote: dueling pre-candidates: the partitioned one cannot disrupt the leader', () => {
  const [a, b, c] = rafts(3, preVoteConfig) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  n.cut(1, 3);
  n.send(hup(1));
  n.send(hup(3));
  assert.equal(a.state, StateType.Leader);
  assert.equal(c.state, StateType.Follower);
  n.recover();
  n.send(hup(3));
  const want: [Raft, StateType, number, number][] = [
    [a, StateType.Leader, 1, 1],
    [b, StateType.Follower, 1, 1],
    [c, StateType.Follower, 1, 0],
  ];
  for (const [r, state, term, lastIndex] of want) {
    assert.equal(r.state, state);
    assert.equal(r.term, term);
    assert.equal(r.raftLog.lastIndex(), lastIndex);
  }
});

test('elections: a candidate concedes to the leader it learns of', () => {
  const n = new Network([null, null, null]);
  n.isolate(1);
  n.send(hup(1));
  n.send(hup(3));
  n.recover();
  n.send(beat(3));
  n.send(propose(3, 3, bytes('force follower')));
  n.send(beat(3));
  const a = n.raft(1);
  assert.equal(a.state, StateType.Follower);
  assert.equal(a.term, 1);
  for (const id of [1, 2, 3]) {
    assert.equal(logString(n.raft(id).raftLog), 'committed: 2\n1/1/0/\n2/1/0/force follower');
  }
});

test('elections: a candidate reverts to follower on an append or heartbeat of its term', () => {
  for (const type of [MessageType.Heartbeat, MessageType.App]) {
    const [a, b, c] = rafts(3) as [Raft, Raft, Raft];
    const n = new Network([a, b, c]);
    n.send(hup(1));
    assert.equal(a.state, StateType.Leader);
    n.isolate(3);
    n.send(hup(2));
    n.send(hup(1));
    assert.equal(a.state, StateType.Leader);
    assert.equal(b.state, StateType.Follower);
    c.resetRandomizedElectionTimeout();
    for (let i = 0; i < c.randomizedElectionTimeout; i++) c.tick();
    advanceMessagesAfterAppend(c);
    assert.equal(c.state, StateType.Candidate);
    n.recover();
    n.send(msg({ type, from: 1, to: 3, term: a.term }));
    assert.equal(c.state, StateType.Follower);
    assert.equal(c.term, a.term);
  }
});

test('pre-vote: a candidate ignores its delayed pre-vote self-vote', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2, 3), preVoteConfig);
  r.step(hup(1));
  assert.equal(r.state, StateType.PreCandidate);
  let steps = r.msgsAfterAppend;
  r.msgsAfterAppend = [];
  // Pre-votes carry the local term + 1.
  r.step(msg({ type: MessageType.PreVoteResp, from: 2, to: 1, term: r.term + 1 }));
  r.step(msg({ type: MessageType.PreVoteResp, from: 3, to: 1, term: r.term + 1 }));
  assert.equal(r.state, StateType.Candidate);
  for (const m of steps) if (m.to === 1) r.step(m);
  assert.equal(r.state, StateType.Candidate);
  steps = r.msgsAfterAppend;
  r.msgsAfterAppend = [];
  assert.equal(r.trk.tallyVotes().granted, 0);
  r.step(msg({ type: MessageType.VoteResp, from: 2, to: 1, term: r.term }));
  assert.equal(r.state, StateType.Candidate);
  // Our own vote counts once durable: with it, a quorum.
  for (const m of steps) if (m.to === 1) r.step(m);
  assert.equal(r.state, StateType.Leader);
});

test('elections: the election timeout is randomized in [et, 2et)', () => {
  const cases: [number, number, boolean][] = [
    [5, 0, false],
    [10, 0.1, true],
    [13, 0.4, true],
    [15, 0.6, true],
    [18, 0.9, true],
    [20, 1, false],
  ];
  for (const [elapse, want, round] of cases) {
    const r = newTestRaft(1, 10, 1, peers(1));
    r.electionElapsed = elapse;
    let c = 0;
    for (let j = 0; j < 10000; j++) {
      r.resetRandomizedElectionTimeout();
      if (r.pastElectionTimeout()) c++;
    }
    let got = c / 10000;
    if (round) got = Math.floor(got * 10 + 0.5) / 10;
    assert.equal(got, want, `elapse ${elapse}`);
  }
});

test('elections: a node not in the configuration does not campaign on TimeoutNow', () => {
  const r = newTestRaft(1, 5, 1, peers(2, 3, 4));
  r.step(msg({ type: MessageType.TimeoutNow, from: 2, to: 1 }));
  r.step(msg({ type: MessageType.VoteResp, from: 2, to: 1 }));
  r.step(msg({ type: MessageType.VoteResp, from: 3, to: 1 }));
  assert.equal(r.state, StateType.Follower);
});

test('elections: promotable only when a voter of the configuration', () => {
  const cases: [number[], boolean][] = [
    [[1], true],
    [[1, 2, 3], true],
    [[], false],
    [[2, 3], false],
  ];
  for (const [ids, want] of cases)
    assert.equal(newTestRaft(1, 5, 1, peers(...ids)).promotable(), want);
  assert.deepEqual(newTestRaft(1, 10, 1, peers(3, 2, 1)).trk.voterNodes(), [1, 2, 3]);
});

test('elections: no campaign while a committed conf change is unapplied', () => {
  const n = new Network([null, null, null]);
  const [n1, n2] = [n.raft(1), n.raft(2)];
  n.send(hup(1));
  assert.equal(n1.state, StateType.Leader);
  n.send(proposeConfChange(1, removeNode(2)));
  for (let i = 0; i < n2.randomizedElectionTimeout; i++) n2.tick();
  assert.equal(n2.state, StateType.Follower);
  n.send(transfer(2, 1));
  assert.equal(n1.state, StateType.Leader);
  assert.equal(n2.state, StateType.Follower);
  for (let i = 0; i < n1.electionTimeout; i++) n1.tick(); // aborts the transfer
  nextEnts(n2, n.storage.get(2) as MemoryStorage);
  n.send(transfer(2, 1));
  assert.equal(n1.state, StateType.Follower);
  assert.equal(n2.state, StateType.Leader);
  nextEnts(n1, n.storage.get(1) as MemoryStorage);
  for (let i = 0; i < n1.randomizedElectionTimeout; i++) n1.tick();
  assert.equal(n1.state, StateType.Candidate);
});

// --- check quorum, pre-vote: disruption ------------------------------------------------

test('check-quorum: a leader hearing from a quorum stays leader', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2, 3), withCheckQuorum);
  r.becomeCandidate();
  r.becomeLeader();
  for (let i = 0; i < r.electionTimeout + 1; i++) {
    r.step(msg({ type: MessageType.HeartbeatResp, from: 2, term: r.term }));
    r.tick();
  }
  assert.equal(r.state, StateType.Leader);
});

test('check-quorum: a leader that loses its quorum steps down', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2, 3), withCheckQuorum);
  r.becomeCandidate();
  r.becomeLeader();
  for (let i = 0; i < r.electionTimeout + 1; i++) r.tick();
  assert.equal(r.state, StateType.Follower);
});

test('check-quorum: votes are refused within the lease of a known leader', () => {
  const [a, b, c] = rafts(3, withCheckQuorum) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  assert.equal(c.state, StateType.Follower);
  n.send(hup(3));
  // b has heard from the leader within an election timeout: it does not vote.
  assert.equal(c.state, StateType.Candidate);
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(3));
  assert.equal(c.state, StateType.Leader);
});

test('check-quorum: an election succeeds once the lease expired everywhere', () => {
  const [a, b, c] = rafts(3, withCheckQuorum) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  a.randomizedElectionTimeout = a.electionTimeout + 1;
  b.randomizedElectionTimeout = b.electionTimeout + 2;
  // Right after creation votes are granted regardless of the lease.
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  assert.equal(c.state, StateType.Follower);
  a.randomizedElectionTimeout = a.electionTimeout + 1;
  b.randomizedElectionTimeout = b.electionTimeout + 2;
  for (let i = 0; i < a.electionTimeout; i++) a.tick();
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(3));
  assert.equal(a.state, StateType.Follower);
  assert.equal(c.state, StateType.Leader);
});

test('check-quorum: a candidate stuck at a higher term is freed by the leader’s heartbeat', () => {
  const [a, b, c] = rafts(3, withCheckQuorum) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  n.isolate(1);
  n.send(hup(3));
  assert.equal(b.state, StateType.Follower);
  assert.equal(c.state, StateType.Candidate);
  assert.equal(c.term, b.term + 1);
  n.send(hup(3));
  assert.equal(b.state, StateType.Follower);
  assert.equal(c.state, StateType.Candidate);
  assert.equal(c.term, b.term + 2);
  n.recover();
  // The stale-term heartbeat is answered with the higher term: the leader steps down.
  n.send(msg({ type: MessageType.Heartbeat, from: 1, to: 3, term: a.term }));
  assert.equal(a.state, StateType.Follower);
  assert.equal(a.term, c.term);
  n.send(hup(3));
  assert.equal(c.state, StateType.Leader);
});

test('check-quorum: a node removed from the configuration never campaigns', () => {
  const a = newTestRaft(1, 10, 1, peers(1, 2), withCheckQuorum);
  const b = newTestRaft(2, 10, 1, peers(1, 2), withCheckQuorum);
  const n = new Network([a, b]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  b.applyConfChange(removeNode(2));
  assert.equal(b.promotable(), false);
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  assert.equal(b.state, StateType.Follower);
  assert.equal(b.lead, 1);
});

for (const preVote of [false, true]) {
  test(`disruption: a removed node that does not know it cannot disrupt the group (check-quorum${preVote ? ', pre-vote' : ''})`, () => {
    const tweak = (c: RaftConfig): void => {
      c.checkQuorum = true;
      c.preVote = preVote;
    };
    const n = new Network([null, null, null], tweak);
    n.send(hup(1));
    n.send(propose(1, 1, bytes('x')));
    const [a, b, c] = [n.raft(1), n.raft(2), n.raft(3)];
    // 1 and 2 remove 3; 3 never hears of it.
    a.applyConfChange(removeNode(3));
    b.applyConfChange(removeNode(3));
    const term = a.term;
    for (let round = 0; round < 5; round++) {
      n.send(hup(3));
      n.send(beat(1));
    }
    assert.equal(a.state, StateType.Leader);
    assert.equal(a.term, term);
    assert.equal(b.term, term);
    assert.equal(b.lead, 1);
    assert.notEqual(c.state, StateType.Leader);
  });
}

test('disruption: without pre-vote an isolated follower’s higher term deposes the leader', () => {
  const [n1, n2, n3] = rafts(3, withCheckQuorum) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  const n = new Network([n1, n2, n3]);
  n.send(hup(1));
  assert.equal(n1.state, StateType.Leader);
  n3.randomizedElectionTimeout = n3.electionTimeout + 2;
  for (let i = 0; i < n3.randomizedElectionTimeout; i++) n3.tick();
  assert.equal(n3.state, StateType.Candidate);
  assert.deepEqual([n1.term, n2.term, n3.term], [2, 2, 3]);
  // The leader's delayed heartbeat is answered with term 3: the leader steps down.
  n.send(msg({ type: MessageType.Heartbeat, from: 1, to: 3, term: n1.term }));
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Follower, StateType.Follower, StateType.Candidate],
  );
  assert.deepEqual([n1.term, n2.term, n3.term], [3, 2, 3]);
});

test('pre-vote: a partitioned follower with a shorter log cannot disrupt the leader', () => {
  const [n1, n2, n3] = rafts(3, withCheckQuorum) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  const n = new Network([n1, n2, n3]);
  n.send(hup(1));
  n.isolate(3);
  for (let i = 0; i < 3; i++) n.send(propose(1, 1, bytes('somedata')));
  for (const r of [n1, n2, n3]) r.preVote = true;
  n.recover();
  n.send(hup(3));
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Leader, StateType.Follower, StateType.PreCandidate],
  );
  assert.deepEqual([n1.term, n2.term, n3.term], [2, 2, 2]);
  n.send(msg({ type: MessageType.Heartbeat, from: 1, to: 3, term: n1.term }));
  assert.equal(n1.state, StateType.Leader);
});

test('pre-vote: a node that fell behind in term can still complete an election', () => {
  const [n1, n2, n3] = rafts(3, preVoteConfig) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  const n = new Network([n1, n2, n3]);
  n.cut(1, 3);
  n.cut(2, 3);
  n.send(hup(1));
  assert.equal(n1.state, StateType.Leader);
  n.send(hup(3));
  assert.equal(n3.state, StateType.PreCandidate);
  n.send(hup(2));
  assert.deepEqual([n1.term, n2.term, n3.term], [3, 3, 1]);
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Follower, StateType.Leader, StateType.PreCandidate],
  );
  n.recover();
  n.cut(2, 1);
  n.cut(2, 3);
  n.send(hup(3));
  n.send(hup(1));
  assert.ok(n1.state === StateType.Leader || n3.state === StateType.Leader);
});

test('pre-vote: after a split vote the next round elects a leader', () => {
  const [n1, n2, n3] = rafts(3, preVoteConfig) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  const n = new Network([n1, n2, n3]);
  n.send(hup(1));
  n.isolate(1);
  n.send(hup(2), hup(3));
  assert.deepEqual([n2.term, n3.term], [3, 3]);
  assert.deepEqual([n2.state, n3.state], [StateType.Candidate, StateType.Candidate]);
  n.send(hup(2));
  assert.deepEqual([n2.term, n3.term], [4, 4]);
  assert.deepEqual([n2.state, n3.state], [StateType.Leader, StateType.Follower]);
});

test('pre-vote: with check-quorum, followers that know a leader ignore pre-votes', () => {
  const tweak = (c: RaftConfig): void => {
    c.preVote = true;
    c.checkQuorum = true;
  };
  const [n1, n2, n3] = rafts(3, tweak) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  const n = new Network([n1, n2, n3]);
  n.send(hup(1));
  n.isolate(1);
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Leader, StateType.Follower, StateType.Follower],
  );
  n.send(hup(3));
  n.send(hup(2));
  assert.ok(stateOf(n2) === StateType.Leader || stateOf(n3) === StateType.Follower);
});

/** n1 leader at term 2, n2 follower, n3 cut off at term 4 with a shorter log (no pre-vote then). */
function preVoteMigrationCluster(): Network {
  const [n1, n2, n3] = rafts(3) as [Raft, Raft, Raft];
  for (const r of [n1, n2, n3]) r.becomeFollower(1, NONE);
  n1.preVote = true;
  n2.preVote = true;
  const n = new Network([n1, n2, n3]);
  n.send(hup(1));
  n.isolate(3);
  n.send(propose(1, 1, bytes('some data')));
  n.send(hup(3));
  n.send(hup(3));
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Leader, StateType.Follower, StateType.Candidate],
  );
  assert.deepEqual([n1.term, n2.term, n3.term], [2, 2, 4]);
  n3.preVote = true;
  n.recover();
  return n;
}

test('pre-vote: a cluster migrating to pre-vote can complete an election', () => {
  const n = preVoteMigrationCluster();
  const [n2, n3] = [n.raft(2), n.raft(3)];
  n.isolate(1);
  n.send(hup(3));
  n.send(hup(2));
  assert.equal(n2.state, StateType.Follower);
  assert.equal(n3.state, StateType.PreCandidate);
  n.send(hup(3));
  n.send(hup(2));
  assert.ok(stateOf(n2) === StateType.Leader || stateOf(n3) === StateType.Follower);
});

test('pre-vote: a pre-candidate stuck at a higher term is freed by the leader’s heartbeat', () => {
  const n = preVoteMigrationCluster();
  const [n1, n2, n3] = [n.raft(1), n.raft(2), n.raft(3)];
  n.send(hup(3));
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Leader, StateType.Follower, StateType.PreCandidate],
  );
  n.send(hup(3));
  assert.deepEqual(
    [n1.state, n2.state, n3.state],
    [StateType.Leader, StateType.Follower, StateType.PreCandidate],
  );
  n.send(msg({ type: MessageType.Heartbeat, from: 1, to: 3, term: n1.term }));
  assert.equal(n1.state, StateType.Follower);
  assert.equal(n1.term, n3.term);
});

// --- replication and commit ------------------------------------------------------------

test('replication: proposals are replicated and committed everywhere', () => {
  const cases: [Message[], number][] = [
    [[propose(1, 1, bytes('somedata'))], 2],
    [[propose(1, 1, bytes('somedata')), hup(2), propose(1, 2, bytes('somedata'))], 4],
  ];
  cases.forEach(([msgs, wCommitted], i) => {
    const n = new Network([null, null, null]);
    n.send(hup(1));
    for (const m of msgs) n.send(m.type === MessageType.Hup ? hup(m.to) : m);
    for (const id of [1, 2, 3]) {
      const r = n.raft(id);
      assert.equal(r.raftLog.committed, wCommitted, `#${i}.${id}`);
      const data = nextEnts(r, n.storage.get(id) as MemoryStorage)
        .filter((e) => e.data.length > 0)
        .map((e) => text(e.data));
      const props = msgs
        .filter((m) => m.type === MessageType.Prop)
        .map((m) => text(m.entries[0]?.data ?? EMPTY_BYTES));
      assert.deepEqual(data, props, `#${i}.${id}`);
    }
  });
});

test('replication: a single node commits on its own', () => {
  const n = new Network([null]);
  n.send(hup(1));
  n.send(propose(1, 1, bytes('some data')));
  n.send(propose(1, 1, bytes('some data')));
  assert.equal(n.raft(1).raftLog.committed, 3);
});

test('commit: entries of an earlier term are committed only with one of the current term (§5.4.2)', () => {
  const n = new Network([null, null, null, null, null]);
  n.send(hup(1));
  n.cut(1, 3);
  n.cut(1, 4);
  n.cut(1, 5);
  n.send(propose(1, 1, bytes('some data')));
  n.send(propose(1, 1, bytes('some data')));
  assert.equal(n.raft(1).raftLog.committed, 1);
  n.recover();
  // Keep the new leader's no-op from being replicated.
  n.ignore(MessageType.App);
  n.send(hup(2));
  const r2 = n.raft(2);
  assert.equal(r2.raftLog.committed, 1);
  n.recover();
  n.send(beat(2));
  n.send(propose(2, 2, bytes('some data')));
  assert.equal(r2.raftLog.committed, 5);
});

test('commit: the new leader’s no-op commits the entries of earlier terms', () => {
  const n = new Network([null, null, null, null, null]);
  n.send(hup(1));
  n.cut(1, 3);
  n.cut(1, 4);
  n.cut(1, 5);
  n.send(propose(1, 1, bytes('some data')));
  n.send(propose(1, 1, bytes('some data')));
  assert.equal(n.raft(1).raftLog.committed, 1);
  n.recover();
  n.send(hup(2));
  assert.equal(n.raft(1).raftLog.committed, 4);
});

test('commit: the new leader appends an empty entry of its term', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2, 3));
  r.becomeCandidate();
  r.becomeLeader();
  const ents = r.raftLog.nextUnstableEnts();
  assert.equal(ents.length, 1);
  assert.deepEqual(
    [ents[0]?.index, ents[0]?.term, ents[0]?.data.length, ents[0]?.type],
    [1, 1, 0, EntryType.Normal],
  );
  assert.equal(r.uncommittedSize, 0);
});

test('commit: the quorum index commits only at an entry of the current term', () => {
  const cases: [number[], number[], number, number][] = [
    [[1], [1], 1, 1],
    [[1], [1], 2, 0],
    [[2], [1, 2], 2, 2],
    [[1], [2], 2, 1],
    [[2, 1, 1], [1, 2], 1, 1],
    [[2, 1, 1], [1, 1], 2, 0],
    [[2, 1, 2], [1, 2], 2, 2],
    [[2, 1, 2], [1, 1], 2, 0],
    [[2, 1, 1, 1], [1, 2], 1, 1],
    [[2, 1, 1, 1], [1, 1], 2, 0],
    [[2, 1, 1, 2], [1, 2], 1, 1],
    [[2, 1, 1, 2], [1, 1], 2, 0],
    [[2, 1, 2, 2], [1, 2], 2, 2],
    [[2, 1, 2, 2], [1, 1], 2, 0],
  ];
  cases.forEach(([matches, terms, smTerm, want], i) => {
    const s = peers(1);
    s.append(entriesAt(1, ...terms));
    s.setHardState({ term: smTerm, vote: NONE, commit: 0 });
    const r = newTestRaft(1, 10, 2, s);
    matches.forEach((match, j) => {
      const id = j + 1;
      if (id > 1) r.applyConfChange(addNode(id));
      const pr = progress(r, id);
      pr.match = match;
      pr.next = match + 1;
    });
    r.maybeCommit();
    assert.equal(r.raftLog.committed, want, `#${i}`);
  });
});

test('replication: old messages of a former leader are ignored', () => {
  const n = new Network([null, null, null]);
  n.send(hup(1));
  n.send(hup(2));
  n.send(hup(1));
  // A former leader of term 2 trying to make progress.
  n.send(msg({ type: MessageType.App, from: 2, to: 1, term: 2, entries: entriesAt(3, 2) }));
  n.send(propose(1, 1, bytes('somedata')));
  for (const id of [1, 2, 3]) {
    assert.equal(
      logString(n.raft(id).raftLog),
      'committed: 4\n1/1/0/\n2/2/0/\n3/3/0/\n4/3/0/somedata',
    );
  }
});

test('replication: a proposal succeeds only with a quorum', () => {
  const cases: [PeerSpec[], boolean][] = [
    [[null, null, null], true],
    [[null, null, BLACK_HOLE], true],
    [[null, BLACK_HOLE, BLACK_HOLE], false],
    [[null, BLACK_HOLE, BLACK_HOLE, null], false],
    [[null, BLACK_HOLE, BLACK_HOLE, null, null], true],
  ];
  cases.forEach(([specs, success], j) => {
    const n = new Network(specs);
    n.send(hup(1));
    n.send(propose(1, 1, bytes('somedata')));
    const want = success ? 'committed: 2\n1/1/0/\n2/1/0/somedata' : 'committed: 0\n';
    for (const [id, p] of n.peers) {
      if (p !== BLACK_HOLE) assert.equal(logString(p.raftLog), want, `#${j}, peer ${id}`);
    }
    assert.equal(n.raft(1).term, 1);
  });
});

test('replication: a follower forwards proposals to the leader', () => {
  for (const specs of [
    [null, null, null],
    [null, null, BLACK_HOLE],
  ] as PeerSpec[][]) {
    const n = new Network(specs);
    n.send(hup(1));
    n.send(propose(2, 2, bytes('somedata')));
    for (const [, p] of n.peers) {
      if (p !== BLACK_HOLE)
        assert.equal(logString(p.raftLog), 'committed: 2\n1/1/0/\n2/1/0/somedata');
    }
  }
});

test('replication: proposals are dropped without a leader or with forwarding disabled', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2, 3));
  assert.equal(r.step(propose(1, 1, bytes('x'))), false);
  r.becomeCandidate();
  assert.equal(r.step(propose(1, 1, bytes('x'))), false);
  const f = newTestRaft(2, 10, 1, peers(1, 2, 3), (c) => {
    c.disableProposalForwarding = true;
  });
  f.becomeFollower(1, 1);
  assert.equal(f.step(propose(2, 2, bytes('x'))), false);
  assert.deepEqual(readMessages(f), []);
});

test('replication: proposals of several entries are appended as one batch', () => {
  const n = new Network([null, null, null]);
  n.send(hup(1));
  const r1 = n.raft(1);
  r1.step(propose(1, 1, bytes('a'), bytes('b'), bytes('c')));
  const msgs = readMessages(r1);
  // One append per follower carries the whole batch.
  assert.deepEqual(
    msgs.map((m) => [m.to, m.entries.map((e) => text(e.data))]),
    [
      [2, ['a', 'b', 'c']],
      [3, ['a', 'b', 'c']],
    ],
  );
  n.send(...msgs);
  assert.equal(r1.raftLog.committed, 4);
  assert.equal(n.raft(3).raftLog.committed, 4);
});

test('replication: a follower handles appends by the rules of §5.3', () => {
  // [prevIndex, prevTerm, leaderCommit, entries, wIndex, wCommit, wReject]
  const cases: [number, number, number, Entry[], number, number, boolean][] = [
    [2, 3, 3, [], 2, 0, true], // previous entry mismatch
    [3, 3, 3, [], 2, 0, true], // previous entry missing
    [1, 1, 1, [], 2, 1, false],
    [0, 0, 1, entriesAt(1, 2), 1, 1, false],
    [2, 2, 3, entriesAt(3, 2, 2), 4, 3, false],
    [2, 2, 4, entriesAt(3, 2), 3, 3, false],
    [1, 1, 4, entriesAt(2, 2), 2, 2, false],
    [1, 1, 3, [], 2, 1, false], // commit up to the last new entry
    [1, 1, 3, entriesAt(2, 2), 2, 2, false],
    [2, 2, 3, [], 2, 2, false],
    [2, 2, 4, [], 2, 2, false], // commit up to the log's end
  ];
  cases.forEach(([index, logTerm, commit, entries, wIndex, wCommit, wReject], i) => {
    const s = peers(1);
    s.append(entriesAt(1, 1, 2));
    const r = newTestRaft(1, 10, 1, s);
    r.becomeFollower(2, NONE);
    r.handleAppendEntries(msg({ type: MessageType.App, term: 2, logTerm, index, commit, entries }));
    assert.equal(r.raftLog.lastIndex(), wIndex, `#${i}`);
    assert.equal(r.raftLog.committed, wCommit, `#${i}`);
    const m = readMessages(r);
    assert.equal(m.length, 1, `#${i}`);
    assert.equal(m[0]?.reject, wReject, `#${i}`);
  });
});

test('replication: a heartbeat moves the follower’s commit forward, never back', () => {
  const cases: [number, number][] = [
    [3, 3],
    [1, 2],
  ];
  for (const [commit, want] of cases) {
    const s = peers(1, 2);
    s.append(entriesAt(1, 1, 2, 3));
    const r = newTestRaft(1, 5, 1, s);
    r.becomeFollower(2, 2);
    r.raftLog.commitTo(2);
    r.handleHeartbeat(msg({ type: MessageType.Heartbeat, from: 2, to: 1, term: 2, commit }));
    assert.equal(r.raftLog.committed, want);
    const m = readMessages(r);
    assert.deepEqual(
      m.map((x) => x.type),
      [MessageType.HeartbeatResp],
    );
  }
});

test('replication: a heartbeat response re-sends entries to a lagging follower', () => {
  const s = peers(1, 2);
  s.append(entriesAt(1, 1, 2, 3));
  const r = newTestRaft(1, 5, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  r.raftLog.commitTo(r.raftLog.lastIndex());
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2 }));
  let msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => m.type),
    [MessageType.App],
  );
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2 }));
  msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => m.type),
    [MessageType.App],
  );
  const m = msgs[0] as Message;
  r.step(msg({ type: MessageType.AppResp, from: 2, index: m.index + m.entries.length }));
  readMessages(r);
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2 }));
  assert.deepEqual(readMessages(r), []);
});

test('replication: an append response moves match/next, or probes lower on rejection', () => {
  // [index, reject, wMatch, wNext, wMsgs, wIndex, wCommitted]
  const cases: [number, boolean, number, number, number, number, number][] = [
    [3, true, 0, 3, 0, 0, 0], // stale rejection: nothing
    [2, true, 0, 2, 1, 1, 0], // rejection: next decreases, probe sent
    [2, false, 2, 4, 2, 2, 2], // ack: commit, broadcast
    [0, false, 0, 4, 1, 0, 0], // probe answered at match: replicate everything
  ];
  cases.forEach(([index, reject, wMatch, wNext, wMsgs, wIndex, wCommitted], i) => {
    const s = peers(1, 2, 3);
    s.append(entriesAt(1, 1, 1));
    s.setHardState({ term: 0, vote: NONE, commit: 0 });
    const r = newTestRaft(1, 10, 1, s);
    // With the log (1/1, 2/1) the leader of term 1 can commit both.
    r.term = 0;
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.step(
      msg({ type: MessageType.AppResp, from: 2, index, term: r.term, reject, rejectHint: index }),
    );
    const pr = progress(r, 2);
    assert.equal(pr.match, wMatch, `#${i}`);
    assert.equal(pr.next, wNext, `#${i}`);
    const msgs = readMessages(r);
    assert.equal(msgs.length, wMsgs, `#${i}`);
    for (const m of msgs) {
      assert.equal(m.index, wIndex, `#${i}`);
      assert.equal(m.commit, wCommitted, `#${i}`);
    }
  });
});

test('replication: heartbeats carry min(match, commit) and no entries', () => {
  const s = peers(1, 2, 3);
  s.applySnapshot(snapshotAt(1000, 1, [1, 2, 3]));
  const r = newTestRaft(1, 10, 1, s);
  r.term = 1;
  r.becomeCandidate();
  r.becomeLeader();
  for (let i = 0; i < 10; i++) mustAppendEntry(r, entry(i + 1, 0));
  advanceMessagesAfterAppend(r);
  Object.assign(progress(r, 2), { match: 5, next: 6 });
  Object.assign(progress(r, 3), { match: r.raftLog.lastIndex(), next: r.raftLog.lastIndex() + 1 });
  r.step(msg({ type: MessageType.Beat }));
  const msgs = readMessages(r);
  assert.equal(msgs.length, 2);
  const want = new Map([
    [2, Math.min(r.raftLog.committed, 5)],
    [3, Math.min(r.raftLog.committed, r.raftLog.lastIndex())],
  ]);
  for (const m of msgs) {
    assert.equal(m.type, MessageType.Heartbeat);
    assert.equal(m.index, 0);
    assert.equal(m.logTerm, 0);
    assert.equal(m.commit, want.get(m.to));
    assert.equal(m.entries.length, 0);
  }
});

test('replication: only a leader answers MsgBeat', () => {
  const cases: [StateType, number][] = [
    [StateType.Leader, 2],
    [StateType.Candidate, 0],
    [StateType.Follower, 0],
  ];
  for (const [state, want] of cases) {
    const s = peers(1, 2, 3);
    s.append(entriesAt(1, 1, 1));
    const r = newTestRaft(1, 10, 1, s);
    r.term = 1;
    r.state = state;
    r.step(beat(1));
    const msgs = readMessages(r);
    assert.equal(msgs.length, want);
    for (const m of msgs) assert.equal(m.type, MessageType.Heartbeat);
  }
});

test('flow control: a probing follower gets one append per heartbeat response', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  progress(r, 2).becomeProbe();
  for (let i = 0; i < 3; i++) {
    if (i === 0) {
      mustAppendEntry(r, entry(0, 0, bytes('somedata')));
      r.sendAppend(2);
      const m = readMessages(r);
      assert.equal(m.length, 1);
      assert.equal(m[0]?.index, 0);
    }
    assert.equal(progress(r, 2).msgAppFlowPaused, true);
    for (let j = 0; j < 10; j++) {
      mustAppendEntry(r, entry(0, 0, bytes('somedata')));
      r.sendAppend(2);
      assert.deepEqual(readMessages(r), []);
    }
    for (let j = 0; j < r.heartbeatTimeout; j++) r.step(beat(1));
    assert.equal(progress(r, 2).msgAppFlowPaused, true);
    assert.deepEqual(
      readMessages(r).map((m) => m.type),
      [MessageType.Heartbeat],
    );
  }
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2, to: 1 }));
  const m = readMessages(r);
  assert.equal(m.length, 1);
  assert.equal(m[0]?.index, 0);
  assert.equal(progress(r, 2).msgAppFlowPaused, true);
});

test('flow control: a replicating follower gets every append; a snapshotting one none', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  progress(r, 2).becomeReplicate();
  for (let i = 0; i < 10; i++) {
    mustAppendEntry(r, entry(0, 0, bytes('somedata')));
    r.sendAppend(2);
    assert.equal(readMessages(r).length, 1);
  }
  progress(r, 2).becomeSnapshot(10);
  for (let i = 0; i < 10; i++) {
    mustAppendEntry(r, entry(0, 0, bytes('somedata')));
    r.sendAppend(2);
    assert.deepEqual(readMessages(r), []);
  }
});

test('flow control: probe → replicate; next advances optimistically only while replicating', () => {
  for (const [state, wNext] of [
    [ProgressState.Replicate, 6],
    [ProgressState.Probe, 2],
  ] as const) {
    const r = newTestRaft(1, 10, 1, peers(1, 2));
    r.raftLog.append(entriesAt(1, 1, 2, 3));
    r.becomeCandidate();
    r.becomeLeader();
    const pr = progress(r, 2);
    pr.state = state;
    pr.next = 2;
    r.step(propose(1, 1, bytes('somedata')));
    assert.equal(pr.next, wNext);
  }
  // An ack of the probe moves the follower to replicating and streams the rest.
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  r.step(propose(1, 1, bytes('a')));
  const first = readMessages(r);
  assert.equal(progress(r, 2).state, ProgressState.Probe);
  r.step(
    msg({
      type: MessageType.AppResp,
      from: 2,
      to: 1,
      term: 1,
      index: (first[0]?.index ?? 0) + (first[0]?.entries.length ?? 0),
    }),
  );
  assert.equal(progress(r, 2).state, ProgressState.Replicate);
});

test('flow control: the inflight window fills, then nothing is sent until acks', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  const pr2 = progress(r, 2);
  pr2.becomeReplicate();
  for (let i = 0; i < r.trk.maxInflight; i++) {
    r.step(propose(1, 1, bytes('somedata')));
    assert.deepEqual(
      readMessages(r).map((m) => m.type),
      [MessageType.App],
    );
  }
  assert.equal(pr2.isPaused(), true);
  for (let i = 0; i < 10; i++) {
    r.step(propose(1, 1, bytes('somedata')));
    assert.deepEqual(readMessages(r), []);
  }
});

test('flow control: an ack moves the inflight window forward; stale acks do not', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  const pr2 = progress(r, 2);
  pr2.becomeReplicate();
  for (let i = 0; i < r.trk.maxInflight; i++) {
    r.step(propose(1, 1, bytes('somedata')));
    readMessages(r);
  }
  // 1 is the no-op, 2 the first proposal.
  for (let tt = 2; tt < r.trk.maxInflight; tt++) {
    r.step(msg({ type: MessageType.AppResp, from: 2, to: 1, index: tt }));
    readMessages(r);
    r.step(propose(1, 1, bytes('somedata')));
    assert.deepEqual(
      readMessages(r).map((m) => m.type),
      [MessageType.App],
    );
    assert.equal(pr2.isPaused(), true);
    for (let i = 0; i < tt; i++) {
      r.step(msg({ type: MessageType.AppResp, from: 2, to: 1, index: i }));
      assert.equal(pr2.isPaused(), true);
    }
  }
});

test('flow control: a heartbeat response lets one empty append through a full window', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  const pr2 = progress(r, 2);
  pr2.becomeReplicate();
  for (let i = 0; i < r.trk.maxInflight; i++) {
    r.step(propose(1, 1, bytes('somedata')));
    readMessages(r);
  }
  for (let tt = 1; tt < 5; tt++) {
    for (let i = 0; i < tt; i++) {
      assert.equal(pr2.isPaused(), true);
      r.step(msg({ type: MessageType.HeartbeatResp, from: 2, to: 1 }));
      const ms = readMessages(r);
      assert.equal(ms.length, 1);
      assert.equal(ms[0]?.type, MessageType.App);
      assert.equal(ms[0]?.entries.length, 0);
    }
    for (let i = 0; i < 10; i++) {
      assert.equal(pr2.isPaused(), true);
      r.step(propose(1, 1, bytes('somedata')));
      assert.deepEqual(readMessages(r), []);
    }
    r.step(msg({ type: MessageType.HeartbeatResp, from: 2, to: 1 }));
    readMessages(r);
  }
});

test('flow control: appends are limited by message size, inflight count and inflight bytes', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2), (c) => {
    c.maxInflightMsgs = 3;
    c.maxSizePerMsg = 2048;
    c.maxInflightBytes = 9000;
  });
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  progress(r, 2).becomeProbe();
  const blob = bytes('a'.repeat(1000));
  const large = bytes('b'.repeat(5000));
  for (let i = 0; i < 22; i++) r.step(propose(1, 1, i >= 10 && i < 16 ? large : blob));
  const ms = readMessages(r);
  // Probing: one append with the no-op and the first proposal.
  assert.equal(ms.length, 1);
  assert.deepEqual(
    ms[0]?.entries.map((e) => e.data.length),
    [0, 1000],
  );
  const ackAndVerify = (index: number, ...expEntries: number[]): number => {
    r.step(msg({ type: MessageType.AppResp, from: 2, to: 1, index }));
    const out = readMessages(r);
    assert.deepEqual(
      out.map((m) => m.entries.length),
      expEntries,
    );
    for (const m of out) assert.equal(m.type, MessageType.App);
    const last = out[out.length - 1]?.entries ?? [];
    return last.length === 0 ? index : (last[last.length - 1]?.index ?? index);
  };
  let index = ackAndVerify(ms[0]?.entries[1]?.index ?? 0, 2, 2, 2);
  index = ackAndVerify(index, 2, 1, 1);
  // Large entries: two messages fill the byte window.
  index = ackAndVerify(index, 1, 1);
  index = ackAndVerify(index, 1, 1);
  index = ackAndVerify(index, 1, 2, 2);
  ackAndVerify(index, 2);
});

test('flow control: an ack after a rejection resumes from the match index (reordered messages)', () => {
  const r1 = newTestRaft(1, 10, 1, peers(1, 2));
  r1.becomeCandidate();
  r1.becomeLeader();
  readMessages(r1);
  progress(r1, 2).becomeReplicate();
  const r2 = newTestRaft(2, 10, 1, peers(1, 2));
  mustAppendEntry(r1, entry(0, 0, bytes('somedata')));
  r1.sendAppend(2);
  const [req1] = readMessages(r1) as [Message];
  mustAppendEntry(r1, entry(0, 0, bytes('somedata')));
  r1.sendAppend(2);
  const [req2] = readMessages(r1) as [Message];
  r2.step(req2);
  const [resp2] = readMessages(r2) as [Message];
  assert.equal(resp2.reject, true);
  assert.equal(resp2.rejectHint, 0);
  assert.equal(resp2.index, 2);
  r2.step(req1);
  const [m] = readMessages(r2) as [Message];
  assert.equal(m.reject, false);
  assert.equal(m.index, 2);
  r1.step(m);
  readMessages(r1);
  assert.equal(progress(r1, 2).match, 2);
  r1.step(msg({ type: MessageType.Unreachable, from: 2, to: 1 }));
  assert.equal(progress(r1, 2).state, ProgressState.Probe);
  r1.step(resp2);
  const [again] = readMessages(r1) as [Message];
  assert.equal(again.index, progress(r1, 2).match);
});

test('flow control: an unreachable follower goes back to probing', () => {
  const s = peers(1, 2);
  s.append(entriesAt(1, 1, 2, 3));
  const r = newTestRaft(1, 10, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  const pr = progress(r, 2);
  pr.match = 3;
  pr.becomeReplicate();
  pr.next = 6;
  r.step(msg({ type: MessageType.Unreachable, from: 2, to: 1 }));
  assert.equal(pr.state, ProgressState.Probe);
  assert.equal(pr.next, pr.match + 1);
});

test('flow control: only followers not waiting get the next append', () => {
  const s = peers(1, 2, 3);
  const r = newTestRaft(1, 5, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  nextEnts(r, s);
  r.step(msg({ type: MessageType.AppResp, from: 2, index: 1 }));
  assert.equal(r.raftLog.committed, 1);
  readMessages(r);
  r.step(propose(1, 1, new Uint8Array(0)));
  let msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => [m.type, m.to, m.entries.map((e) => e.index)]),
    [[MessageType.App, 2, [2]]],
  );
  r.step(msg({ type: MessageType.AppResp, from: 3, index: 1 }));
  msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => [m.type, m.to, m.entries.map((e) => e.index)]),
    [[MessageType.App, 3, [2]]],
  );
});

test('fast log backtracking: rejections skip a divergent tail a term at a time', () => {
  // [leaderTerms, followerTerms, followerCompact, hintTerm, hintIndex, nextTerm, nextIndex]
  const cases: [number[], number[], number, number, number, number, number][] = [
    [[1, 2, 2, 4, 4, 4, 4], [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], 0, 3, 7, 2, 3],
    [[1, 2, 2, 3, 4, 4, 4, 5], [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], 0, 3, 8, 3, 4],
    [[1, 1, 1, 1], [1, 2, 2, 4], 0, 1, 1, 1, 1],
    [[1, 1, 1, 1, 1, 1], [1, 2, 2, 4], 0, 1, 1, 1, 1],
    [[1, 1, 1, 1], [1, 2, 2, 4, 4, 4], 0, 1, 1, 1, 1],
    [[1, 1, 1, 4, 5], [1, 1, 1, 4], 0, 4, 4, 4, 4],
    [[2, 5, 5, 5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], 0, 4, 6, 2, 1],
    [[2, 2, 2, 2, 2], [2, 4, 4, 4, 4, 4, 4, 4], 0, 2, 1, 2, 1],
    // A stale append arrives after the follower compacted past it.
    [[1, 1, 3], [1, 1, 3, 3, 3], 5, 0, 3, 1, 2],
  ];
  cases.forEach(
    ([leaderTerms, followerTerms, compact, hintTerm, hintIndex, nextTerm, nextIndex], i) => {
      const s1 = peers(1, 2, 3);
      s1.append(entriesAt(1, ...leaderTerms));
      const lastTerm = leaderTerms[leaderTerms.length - 1] ?? 0;
      s1.setHardState({ term: lastTerm - 1, vote: NONE, commit: leaderTerms.length });
      const n1 = newTestRaft(1, 10, 1, s1);
      n1.becomeCandidate();
      n1.becomeLeader();
      const s2 = peers(1, 2, 3);
      s2.append(entriesAt(1, ...followerTerms));
      s2.setHardState({ term: lastTerm, vote: 1, commit: 0 });
      const n2 = newTestRaft(2, 10, 1, s2);
      if (compact !== 0) s2.compact(compact);
      n2.step(msg({ type: MessageType.Heartbeat, from: 1, to: 2 }));
      let msgs = readMessages(n2);
      assert.deepEqual(
        msgs.map((m) => m.type),
        [MessageType.HeartbeatResp],
        `#${i}`,
      );
      n1.step(msgs[0] as Message);
      msgs = readMessages(n1);
      assert.deepEqual(
        msgs.map((m) => m.type),
        [MessageType.App],
        `#${i}`,
      );
      n2.step(msgs[0] as Message);
      msgs = readMessages(n2);
      assert.equal(msgs.length, 1, `#${i}`);
      assert.equal(msgs[0]?.reject, true, `#${i}`);
      assert.equal(msgs[0]?.logTerm, hintTerm, `#${i} hint term`);
      assert.equal(msgs[0]?.rejectHint, hintIndex, `#${i} hint index`);
      n1.step(msgs[0] as Message);
      msgs = readMessages(n1);
      assert.equal(msgs[0]?.logTerm, nextTerm, `#${i} next term`);
      assert.equal(msgs[0]?.index, nextIndex, `#${i} next index`);
    },
  );
});

test('uncommitted size limit: proposals over the limit are dropped, empty entries never', () => {
  const maxEntries = 1024;
  const data = bytes('testdata');
  const r = newTestRaft(1, 5, 1, peers(1, 2, 3), (c) => {
    c.maxUncommittedEntriesSize = maxEntries * data.length;
    c.maxInflightMsgs = 2 * 1024;
  });
  r.becomeCandidate();
  r.becomeLeader();
  assert.equal(r.uncommittedSize, 0);
  progress(r, 2).becomeReplicate();
  progress(r, 3).becomeReplicate();
  r.uncommittedSize = 0;
  for (let i = 0; i < maxEntries; i++) assert.equal(r.step(propose(1, 1, data)), true, `#${i}`);
  assert.equal(r.step(propose(1, 1, data)), false);
  assert.equal(readMessages(r).length, maxEntries * 2);
  r.reduceUncommittedSize(maxEntries * data.length);
  assert.equal(r.uncommittedSize, 0);
  // Below the limit, one proposal of any size fits.
  const large = Array.from({ length: 2 * maxEntries }, () => data);
  assert.equal(r.step(propose(1, 1, ...large)), true);
  assert.equal(r.step(propose(1, 1, data)), false);
  assert.equal(r.step(propose(1, 1, new Uint8Array(0))), true);
  assert.equal(readMessages(r).length, 4);
  r.reduceUncommittedSize(2 * maxEntries * data.length);
  assert.equal(r.uncommittedSize, 0);
});

// --- reads ---------------------------------------------------------------------------

function readsAt(n: Network, cases: [Raft, number, number, string][], each?: () => void): void {
  cases.forEach(([r, proposals, wIndex, wCtx], i) => {
    for (let j = 0; j < proposals; j++) {
      n.send(propose(1, 1, new Uint8Array(0)));
      each?.();
    }
    n.send(readIndex(r.id, r.id, wCtx));
    assert.ok(r.readStates.length > 0, `#${i}`);
    assert.equal(r.readStates[0]?.index, wIndex, `#${i}`);
    assert.equal(text(r.readStates[0]?.context ?? EMPTY_BYTES), wCtx, `#${i}`);
    r.readStates = [];
  });
}

test('reads (safe): a ReadIndex is answered with the commit index after a heartbeat round', () => {
  const [a, b, c] = rafts(3) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  readsAt(n, [
    [a, 10, 11, 'ctx1'],
    [b, 10, 21, 'ctx2'],
    [c, 10, 31, 'ctx3'],
    [a, 10, 41, 'ctx4'],
    [b, 10, 51, 'ctx5'],
    [c, 10, 61, 'ctx6'],
  ]);
});

test('reads (safe): the leader waits for a quorum of heartbeat acks', () => {
  const r = newTestRaft(1, 5, 1, peers(1, 2, 3));
  r.becomeCandidate();
  r.becomeLeader();
  r.raftLog.commitTo(r.raftLog.lastIndex());
  r.step(readIndex(2, 1, 'ctx'));
  const msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => m.type),
    [MessageType.Heartbeat, MessageType.Heartbeat],
  );
  assert.equal(r.readOnly.pendingCount(), 1);
  const ctx = msgs[0]?.context ?? EMPTY_BYTES;
  // An ack without the read's context confirms nothing.
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2 }));
  assert.equal(r.readOnly.pendingCount(), 1);
  r.step(msg({ type: MessageType.HeartbeatResp, from: 2, context: ctx }));
  assert.equal(r.readOnly.pendingCount(), 0);
  const resp = readMessages(r).filter((m) => m.type === MessageType.ReadIndexResp);
  assert.deepEqual(
    resp.map((m) => [m.to, m.index, text(m.context)]),
    [[2, 1, 'ctx']],
  );
});

test('reads (safe): learners are not needed to confirm a read', () => {
  const s = newTestMemoryStorage({ peers: [1], learners: [2] });
  const a = newTestRaft(1, 10, 1, s);
  const b = newTestRaft(2, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  const n = new Network([a, b]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  readsAt(
    n,
    [
      [a, 10, 11, 'ctx1'],
      [b, 10, 21, 'ctx2'],
      [a, 10, 31, 'ctx3'],
      [b, 10, 41, 'ctx4'],
    ],
    () => nextEnts(a, s),
  );
});

test('reads (lease): with check-quorum the leader answers at once', () => {
  const tweak = (c: RaftConfig): void => {
    c.readOnly = 'lease';
    c.checkQuorum = true;
  };
  const [a, b, c] = rafts(3, tweak) as [Raft, Raft, Raft];
  const n = new Network([a, b, c]);
  b.randomizedElectionTimeout = b.electionTimeout + 1;
  for (let i = 0; i < b.electionTimeout; i++) b.tick();
  n.send(hup(1));
  assert.equal(a.state, StateType.Leader);
  readsAt(n, [
    [a, 10, 11, 'ctx1'],
    [b, 10, 21, 'ctx2'],
    [c, 10, 31, 'ctx3'],
    [a, 10, 41, 'ctx4'],
    [b, 10, 51, 'ctx5'],
    [c, 10, 61, 'ctx6'],
  ]);
  // The lease read sends no heartbeat round.
  a.step(readIndex(1, 1, 'x'));
  assert.equal(readMessages(a).filter((m) => m.type === MessageType.Heartbeat).length, 0);
  assert.equal(a.readStates.length, 1);
});

test('reads (lease): refused without check-quorum', () => {
  assert.throws(
    () => newTestRaft(1, 10, 1, peers(1), (c) => void (c.readOnly = 'lease')),
    /CheckQuorum must be enabled/,
  );
});

test('reads: a new leader holds reads until it commits an entry of its term', () => {
  const nodes: [number, number, number, number][] = [
    [1, 1, 1, 0],
    [2, 2, 2, 2],
    [3, 2, 2, 2],
  ];
  const specs = nodes.map(([id, committed, applied, compactIndex]) => {
    const s = peers(1, 2, 3);
    s.append(entriesAt(1, 1, 1));
    s.setHardState({ term: 1, vote: NONE, commit: committed });
    if (compactIndex !== 0) s.compact(compactIndex);
    return newTestRaft(id, 10, 1, s, (c) => void (c.applied = applied));
  });
  const n = new Network(specs);
  n.ignore(MessageType.App);
  n.send(hup(1));
  const r = n.raft(1);
  assert.equal(r.state, StateType.Leader);
  n.send(readIndex(1, 1, 'ctx'));
  assert.equal(r.readStates.length, 0);
  n.recover();
  for (let i = 0; i < r.heartbeatTimeout; i++) r.tick();
  n.send(propose(1, 1, new Uint8Array(0)));
  assert.equal(r.raftLog.committed, 4);
  assert.equal(r.raftLog.term(r.raftLog.committed), r.term);
  assert.deepEqual(
    r.readStates.map((rs) => [rs.index, text(rs.context)]),
    [[4, 'ctx']],
  );
  n.send(readIndex(1, 1, 'ctx'));
  assert.deepEqual(
    r.readStates.map((rs) => [rs.index, text(rs.context)]),
    [
      [4, 'ctx'],
      [4, 'ctx'],
    ],
  );
});

test('reads: duplicated and delayed requests never yield a stale read index', () => {
  const [r1, r2, r3] = rafts(3) as [Raft, Raft, Raft];
  const n = new Network([r1, r2, r3]);
  const delayed: Message[] = [];
  n.send(hup(1));
  const readA = readIndex(2, 1, 'A');
  const minA = r1.raftLog.committed;
  delayed.push(readA);
  n.msgHook = (m) => {
    if (m.type !== MessageType.HeartbeatResp) return true;
    delayed.push(m);
    return false;
  };
  n.send(readA);
  n.msgHook = undefined;
  r1.tick();
  n.send(...readMessages(r1));
  n.isolate(1);
  n.send(hup(2));
  n.send(propose(2, 2, bytes('someOp')));
  const readB = readIndex(1, 1, 'B');
  const minB = r2.raftLog.committed;
  n.send(readB);
  n.recover();
  n.send(...delayed);
  for (const rs of [...r1.readStates, ...r2.readStates, ...r3.readStates]) {
    const ctx = text(rs.context);
    if (ctx === 'A') assert.ok(rs.index >= minA, `A read at ${rs.index}`);
    if (ctx === 'B') assert.ok(rs.index >= minB, `B read at ${rs.index}`);
  }
});

// --- leader transfer ---------------------------------------------------------------

function electedNetwork(): Network {
  const n = new Network([null, null, null]);
  n.send(hup(1));
  return n;
}

test('transfer: to an up-to-date follower, asked of the leader or of the follower', () => {
  for (const viaFollower of [false, true]) {
    const n = electedNetwork();
    const lead = n.raft(1);
    assert.equal(lead.lead, 1);
    n.send(viaFollower ? transfer(2, 2) : transfer(2, 1));
    checkLeaderTransferState(lead, StateType.Follower, 2);
    n.send(propose(1, 1, new Uint8Array(0)));
    n.send(viaFollower ? transfer(1, 1) : transfer(1, 2));
    checkLeaderTransferState(lead, StateType.Leader, 1);
  }
});

test('transfer: works within the leader lease (check-quorum), TimeoutNow forces the vote', () => {
  const n = new Network([null, null, null]);
  for (const id of [1, 2, 3]) {
    const r = n.raft(id);
    r.checkQuorum = true;
    r.randomizedElectionTimeout = r.electionTimeout + id;
  }
  const f = n.raft(2);
  for (let i = 0; i < f.electionTimeout; i++) f.tick();
  n.send(hup(1));
  const lead = n.raft(1);
  assert.equal(lead.state, StateType.Leader);
  n.send(transfer(2, 1));
  checkLeaderTransferState(lead, StateType.Follower, 2);
  n.send(propose(1, 1, new Uint8Array(0)));
  n.send(transfer(1, 2));
  checkLeaderTransferState(lead, StateType.Leader, 1);
});

test('transfer: to a lagging follower, which is caught up first', () => {
  const n = electedNetwork();
  n.isolate(3);
  n.send(propose(1, 1, new Uint8Array(0)));
  n.recover();
  const lead = n.raft(1);
  assert.equal(progress(lead, 3).match, 1);
  n.send(transfer(3, 1));
  checkLeaderTransferState(lead, StateType.Follower, 3);
});

test('transfer: to a follower that needs a snapshot first', () => {
  const n = electedNetwork();
  n.isolate(3);
  n.send(propose(1, 1, new Uint8Array(0)));
  const lead = n.raft(1);
  const s1 = n.storage.get(1) as MemoryStorage;
  nextEnts(lead, s1);
  s1.createSnapshot(
    lead.raftLog.applied,
    snapshotAt(0, 0, lead.trk.voterNodes()).meta.confState,
    EMPTY_BYTES,
  );
  s1.compact(lead.raftLog.applied);
  n.recover();
  assert.equal(progress(lead, 3).match, 1);
  let filtered: Message | undefined;
  // The snapshot must be applied before its MsgAppResp goes out.
  n.msgHook = (m) => {
    if (m.type !== MessageType.AppResp || m.from !== 3 || m.reject) return true;
    filtered = m;
    return false;
  };
  n.send(transfer(3, 1));
  assert.equal(lead.state, StateType.Leader);
  assert.ok(filtered);
  const follower = n.raft(3);
  const snap = follower.raftLog.nextUnstableSnapshot();
  assert.ok(snap);
  (n.storage.get(3) as MemoryStorage).applySnapshot(snap);
  follower.appliedSnap(snap);
  n.msgHook = undefined;
  n.send(filtered);
  checkLeaderTransferState(lead, StateType.Follower, 3);
});

test('transfer: to itself or to a non-member is a no-op', () => {
  const n = electedNetwork();
  n.send(transfer(1, 1));
  checkLeaderTransferState(n.raft(1), StateType.Leader, 1);
  n.send(transfer(4, 1));
  checkLeaderTransferState(n.raft(1), StateType.Leader, 1);
});

test('transfer: aborted when it does not finish within an election timeout', () => {
  const n = electedNetwork();
  n.isolate(3);
  const lead = n.raft(1);
  n.send(transfer(3, 1));
  assert.equal(lead.leadTransferee, 3);
  for (let i = 0; i < lead.heartbeatTimeout; i++) lead.tick();
  assert.equal(lead.leadTransferee, 3);
  for (let i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) lead.tick();
  checkLeaderTransferState(lead, StateType.Leader, 1);
});

test('transfer: proposals are dropped while a transfer is under way', () => {
  const s = peers(1, 2, 3);
  const r = newTestRaft(1, 10, 1, s);
  const n = new Network([r, null, null]);
  n.send(hup(1));
  n.isolate(3);
  nextEnts(r, s);
  n.send(transfer(3, 1));
  assert.equal(r.leadTransferee, 3);
  n.send(propose(1, 1, new Uint8Array(0)));
  assert.equal(r.step(propose(1, 1, new Uint8Array(0))), false);
  assert.equal(progress(r, 1).match, 1);
});

test('transfer: a higher-term vote ends it; so do removing or demoting the transferee', () => {
  let n = electedNetwork();
  n.isolate(3);
  n.send(transfer(3, 1));
  assert.equal(n.raft(1).leadTransferee, 3);
  n.send(hup(2));
  checkLeaderTransferState(n.raft(1), StateType.Follower, 2);

  n = electedNetwork();
  n.ignore(MessageType.TimeoutNow);
  n.send(transfer(3, 1));
  assert.equal(n.raft(1).leadTransferee, 3);
  n.raft(1).applyConfChange(removeNode(3));
  checkLeaderTransferState(n.raft(1), StateType.Leader, 1);

  n = electedNetwork();
  n.ignore(MessageType.TimeoutNow);
  n.send(transfer(3, 1));
  const lead = n.raft(1);
  lead.applyConfChange({
    transition: ConfChangeTransition.Auto,
    changes: [
      { type: ConfChangeType.RemoveNode, node: 3 },
      { type: ConfChangeType.AddLearner, node: 3 },
    ],
    context: EMPTY_BYTES,
  });
  lead.applyConfChange({
    transition: ConfChangeTransition.Auto,
    changes: [],
    context: EMPTY_BYTES,
  });
  checkLeaderTransferState(lead, StateType.Leader, 1);
});

test('transfer: a second request to another node replaces the first; to the same node, not', () => {
  let n = electedNetwork();
  n.isolate(3);
  n.send(transfer(3, 1));
  n.send(transfer(1, 1)); // back to self
  checkLeaderTransferState(n.raft(1), StateType.Leader, 1);

  n = electedNetwork();
  n.isolate(3);
  n.send(transfer(3, 1));
  n.send(transfer(2, 1));
  checkLeaderTransferState(n.raft(1), StateType.Follower, 2);

  n = electedNetwork();
  n.isolate(3);
  const lead = n.raft(1);
  n.send(transfer(3, 1));
  for (let i = 0; i < lead.heartbeatTimeout; i++) lead.tick();
  // The repeat does not extend the timeout.
  n.send(transfer(3, 1));
  for (let i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) lead.tick();
  checkLeaderTransferState(lead, StateType.Leader, 1);
});

// --- learners ----------------------------------------------------------------------

test('learners: a learner never campaigns, not on timeout, MsgHup or TimeoutNow', () => {
  const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  n2.becomeFollower(1, NONE);
  n2.randomizedElectionTimeout = n2.electionTimeout;
  for (let i = 0; i < n2.electionTimeout; i++) n2.tick();
  assert.equal(n2.state, StateType.Follower);

  const a = newTestRaft(1, 10, 1, peers(1));
  a.applyConfChange(addLearner(2));
  const b = newTestRaft(2, 10, 1, peers(1));
  b.applyConfChange(addLearner(2));
  const n = new Network([a, b]);
  n.send(hup(2));
  assert.equal(b.isLearner, true);
  assert.equal(b.state, StateType.Follower);
  n.send(hup(1));
  assert.ok(a.state === StateType.Leader && a.lead === 1);
  n.send(msg({ type: MessageType.TimeoutNow, from: 1, to: 2 }));
  assert.equal(b.state, StateType.Follower);
});

test('learners: a learner receives the log and campaigns once promoted', () => {
  const n1 = newTestRaft(1, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  n1.becomeFollower(1, NONE);
  n2.becomeFollower(1, NONE);
  const n = new Network([n1, n2]);
  n1.randomizedElectionTimeout = n1.electionTimeout;
  for (let i = 0; i < n1.electionTimeout; i++) n1.tick();
  advanceMessagesAfterAppend(n1);
  assert.equal(n1.state, StateType.Leader);
  assert.equal(n2.state, StateType.Follower);
  n.send(beat(1));
  n.send(propose(1, 1, bytes('somedata')));
  assert.equal(n1.raftLog.committed, 2);
  assert.equal(n2.raftLog.committed, 2);
  assert.equal(progress(n1, 2).match, 2);
  n1.applyConfChange(addNode(2));
  n2.applyConfChange(addNode(2));
  assert.equal(n2.isLearner, false);
  n2.randomizedElectionTimeout = n2.electionTimeout;
  for (let i = 0; i < n2.electionTimeout; i++) n2.tick();
  advanceMessagesAfterAppend(n2);
  n.send(beat(2));
  assert.equal(n1.state, StateType.Follower);
  assert.equal(n2.state, StateType.Leader);
});

// --- membership ----------------------------------------------------------------------

test('membership: a conf change proposal is appended and remembered as pending', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  const index = r.raftLog.lastIndex();
  r.step(proposeConfChange(1, addNode(3)));
  assert.equal(r.raftLog.lastIndex(), index + 1);
  assert.equal(r.pendingConfIndex, index + 1);
  // A second one while the first is unapplied becomes an empty normal entry.
  r.step(proposeConfChange(1, addNode(4)));
  const ents = r.raftLog.entries(index + 2, Infinity);
  assert.deepEqual(
    ents.map((e) => [e.type, e.term, e.index, e.data.length]),
    [[EntryType.Normal, 1, 3, 0]],
  );
  assert.equal(r.pendingConfIndex, index + 1);
});

test('membership: a new leader treats its whole unapplied tail as a pending conf change', () => {
  for (const [addEntry, want] of [
    [false, 0],
    [true, 1],
  ] as const) {
    const r = newTestRaft(1, 10, 1, peers(1, 2));
    if (addEntry) mustAppendEntry(r, entry(0, 0));
    r.becomeCandidate();
    r.becomeLeader();
    assert.equal(r.pendingConfIndex, want);
  }
});

test('membership: joint-state conf changes are screened at proposal', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.becomeCandidate();
  r.becomeLeader();
  r.raftLog.commitTo(1);
  r.raftLog.appliedTo(1, 0);
  const leave: ConfChange = {
    transition: ConfChangeTransition.Auto,
    changes: [],
    context: EMPTY_BYTES,
  };
  // Not joint: an empty (leave) conf change is refused.
  r.step(proposeConfChange(1, leave));
  assert.equal(r.raftLog.entries(2, Infinity)[0]?.type, EntryType.Normal);
  // Joint: only leaving is allowed.
  r.applyConfChange({
    transition: ConfChangeTransition.Explicit,
    changes: [{ type: ConfChangeType.AddNode, node: 3 }],
    context: EMPTY_BYTES,
  });
  r.step(proposeConfChange(1, addNode(4)));
  assert.equal(r.raftLog.entries(3, Infinity)[0]?.type, EntryType.Normal);
  r.step(proposeConfChange(1, leave));
  assert.equal(r.raftLog.entries(4, Infinity)[0]?.type, EntryType.ConfChange);
  // A malformed conf change is neutralized, not thrown.
  r.pendingConfIndex = 0;
  r.raftLog.commitTo(0);
  r.step(
    msg({
      type: MessageType.Prop,
      from: 1,
      to: 1,
      entries: [{ term: 0, index: 0, type: EntryType.ConfChange, data: bytes('junk') }],
    }),
  );
  assert.equal(r.raftLog.entries(5, Infinity)[0]?.type, EntryType.Normal);
});

test('membership: add and remove voters and learners, promote and demote', () => {
  let r = newTestRaft(1, 10, 1, peers(1));
  r.applyConfChange(addNode(2));
  assert.deepEqual(r.trk.voterNodes(), [1, 2]);

  r = newTestRaft(1, 10, 1, peers(1));
  r.applyConfChange(addLearner(2));
  assert.equal(r.isLearner, false);
  assert.deepEqual(r.trk.learnerNodes(), [2]);
  assert.equal(progress(r, 2).isLearner, true);
  r.applyConfChange(addNode(2));
  assert.equal(progress(r, 2).isLearner, false);
  r.applyConfChange(addLearner(1));
  assert.equal(progress(r, 1).isLearner, true);
  assert.equal(r.isLearner, true);
  r.applyConfChange(addNode(1));
  assert.equal(progress(r, 1).isLearner, false);
  assert.equal(r.isLearner, false);

  r = newTestRaft(1, 10, 1, peers(1, 2));
  r.applyConfChange(removeNode(2));
  assert.deepEqual(r.trk.voterNodes(), [1]);
  assert.throws(() => r.applyConfChange(removeNode(1)), ConfChangeError);

  r = newTestRaft(1, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  r.applyConfChange(removeNode(2));
  assert.deepEqual(r.trk.voterNodes(), [1]);
  assert.deepEqual(r.trk.learnerNodes(), []);
  assert.throws(() => r.applyConfChange(removeNode(1)), ConfChangeError);
});

test('membership: an added node does not trip check-quorum before it could answer', () => {
  const r = newTestRaft(1, 10, 1, peers(1), withCheckQuorum);
  r.becomeCandidate();
  r.becomeLeader();
  for (let i = 0; i < r.electionTimeout - 1; i++) r.tick();
  r.applyConfChange(addNode(2));
  r.tick();
  assert.equal(r.state, StateType.Leader);
  for (let i = 0; i < r.electionTimeout; i++) r.tick();
  assert.equal(r.state, StateType.Follower);
});

test('membership: removing a node lowers the quorum and commits what waited', () => {
  const s = peers(1, 2);
  const r = newTestRaft(1, 5, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  r.step(proposeConfChange(1, removeNode(2)));
  assert.deepEqual(nextEnts(r, s), []);
  const ccIndex = r.raftLog.lastIndex();
  r.step(propose(1, 1, bytes('hello')));
  r.step(msg({ type: MessageType.AppResp, from: 2, index: ccIndex }));
  let ents = nextEnts(r, s);
  assert.deepEqual(
    ents.map((e) => [e.type, e.data.length]),
    [
      [EntryType.Normal, 0],
      [EntryType.ConfChange, ents[1]?.data.length ?? -1],
    ],
  );
  r.applyConfChange(removeNode(2));
  ents = nextEnts(r, s);
  assert.deepEqual(
    ents.map((e) => [e.type, text(e.data)]),
    [[EntryType.Normal, 'hello']],
  );
});

test('membership: a leader removed from the config steps down only with stepDownOnRemoval', () => {
  for (const stepDown of [false, true]) {
    const r = newTestRaft(1, 10, 1, peers(1, 2), (c) => void (c.stepDownOnRemoval = stepDown));
    r.becomeCandidate();
    r.becomeLeader();
    r.applyConfChange(removeNode(1));
    assert.equal(r.state, stepDown ? StateType.Follower : StateType.Leader);
    if (!stepDown) assert.equal(r.step(propose(1, 1, bytes('x'))), false);
  }
});

for (const [name, transition, auto] of [
  ['auto', ConfChangeTransition.Auto, true],
  ['implicit', ConfChangeTransition.Implicit, true],
  ['explicit', ConfChangeTransition.Explicit, false],
] as const) {
  test(`membership: joint consensus, enter and leave (${name})`, () => {
    const s = peers(1, 2, 3);
    const r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    nextEnts(r, s);
    r.raftLog.commitTo(1);
    r.raftLog.appliedTo(1, 0);
    const cc: ConfChange = {
      transition,
      changes: [
        { type: ConfChangeType.AddNode, node: 4 },
        { type: ConfChangeType.RemoveNode, node: 3 },
      ],
      context: EMPTY_BYTES,
    };
    assert.equal(r.step(proposeConfChange(1, cc)), true);
    advanceMessagesAfterAppend(r);
    const ccIndex = r.raftLog.lastIndex();
    // Committed by the old configuration.
    r.step(msg({ type: MessageType.AppResp, from: 2, term: r.term, index: ccIndex }));
    assert.equal(r.raftLog.committed, ccIndex);
    readMessages(r);
    const cs = r.applyConfChange(cc);
    assert.deepEqual([cs.voters, cs.votersOutgoing, cs.autoLeave], [[1, 2, 4], [1, 2, 3], auto]);
    assert.equal(r.trk.config.voters.isJoint(), true);
    nextEnts(r, s);
    const before = r.raftLog.lastIndex();
    r.appliedTo(ccIndex, 0);
    if (auto) {
      // Applied: the leader proposes leaving the joint configuration itself.
      assert.equal(r.raftLog.lastIndex(), before + 1);
    } else {
      assert.equal(r.raftLog.lastIndex(), before);
      r.step(
        proposeConfChange(1, {
          transition: ConfChangeTransition.Auto,
          changes: [],
          context: EMPTY_BYTES,
        }),
      );
      assert.equal(r.raftLog.lastIndex(), before + 1);
    }
    advanceMessagesAfterAppend(r);
    const leave = r.raftLog.entries(before + 1, Infinity)[0];
    assert.equal(leave?.type, EntryType.ConfChange);
    // A joint commit needs both halves: 4 makes a majority of (1 2 4) but not of (1 2 3).
    const committed = r.raftLog.committed;
    r.step(msg({ type: MessageType.AppResp, from: 4, term: r.term, index: before + 1 }));
    assert.equal(r.raftLog.committed, committed);
    r.step(msg({ type: MessageType.AppResp, from: 2, term: r.term, index: before + 1 }));
    assert.equal(r.raftLog.committed, before + 1);
    const left = r.applyConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [],
      context: EMPTY_BYTES,
    });
    assert.deepEqual([left.voters, left.votersOutgoing, left.autoLeave], [[1, 2, 4], [], false]);
    assert.equal(r.trk.progress.has(3), false);
  });
}

test('membership: a joint commit needs a majority of both configurations', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2, 3));
  r.becomeCandidate();
  r.becomeLeader();
  r.applyConfChange({
    transition: ConfChangeTransition.Explicit,
    changes: [
      { type: ConfChangeType.AddNode, node: 4 },
      { type: ConfChangeType.AddNode, node: 5 },
      { type: ConfChangeType.RemoveNode, node: 2 },
      { type: ConfChangeType.RemoveNode, node: 3 },
    ],
    context: EMPTY_BYTES,
  });
  advanceMessagesAfterAppend(r);
  readMessages(r);
  // Incoming (1 4 5) has a majority with 4, outgoing (1 2 3) does not yet.
  r.step(msg({ type: MessageType.AppResp, from: 4, term: r.term, index: 1 }));
  assert.equal(r.raftLog.committed, 0);
  r.step(msg({ type: MessageType.AppResp, from: 2, term: r.term, index: 1 }));
  assert.equal(r.raftLog.committed, 1);
});

// --- snapshots ------------------------------------------------------------------------

test('snapshots: restore resets the log and the configuration', () => {
  const s = snapshotAt(11, 11, [1, 2, 3]);
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  assert.equal(r.restore(s), true);
  assert.equal(r.raftLog.lastIndex(), 11);
  assert.equal(r.raftLog.term(11), 11);
  assert.deepEqual(r.trk.voterNodes(), [1, 2, 3]);
  assert.equal(r.restore(s), false);
  // No campaign before the snapshot is applied.
  for (let i = 0; i < r.randomizedElectionTimeout; i++) r.tick();
  assert.equal(r.state, StateType.Follower);
});

test('snapshots: restore with learners, outgoing voters, demotion and promotion', () => {
  let s = snapshotAt(11, 11, [1, 2], { learners: [3] });
  let r = newTestRaft(3, 8, 2, newTestMemoryStorage({ peers: [1, 2], learners: [3] }));
  assert.equal(r.restore(s), true);
  assert.deepEqual(r.trk.voterNodes(), [1, 2]);
  assert.deepEqual(r.trk.learnerNodes(), [3]);
  assert.equal(progress(r, 3).isLearner, true);
  assert.equal(progress(r, 1).isLearner, false);
  assert.equal(r.restore(s), false);

  s = snapshotAt(11, 11, [2, 3, 4], { votersOutgoing: [1, 2, 3] });
  r = newTestRaft(1, 10, 1, peers(1, 2));
  assert.equal(r.restore(s), true);
  assert.deepEqual(r.trk.voterNodes(), [1, 2, 3, 4]);
  for (let i = 0; i < r.randomizedElectionTimeout; i++) r.tick();
  assert.equal(r.state, StateType.Follower);

  // A voter may learn from a snapshot that it is now a learner, and back.
  r = newTestRaft(3, 10, 1, peers(1, 2, 3));
  assert.equal(r.isLearner, false);
  assert.equal(r.restore(snapshotAt(11, 11, [1, 2], { learners: [3] })), true);
  r = newTestRaft(3, 10, 1, newTestMemoryStorage({ peers: [1, 2], learners: [3] }));
  assert.equal(r.isLearner, true);
  assert.equal(r.restore(snapshotAt(11, 11, [1, 2, 3])), true);
  assert.equal(r.isLearner, false);
});

test('snapshots: an old snapshot is ignored; a known last entry only moves the commit', () => {
  const r = newTestRaft(1, 10, 1, peers(1, 2));
  r.raftLog.append(entriesAt(1, 1, 1, 1));
  r.raftLog.commitTo(1);
  assert.equal(r.restore(snapshotAt(1, 1, [1, 2])), false);
  assert.equal(r.raftLog.committed, 1);
  assert.equal(r.restore(snapshotAt(2, 1, [1, 2])), false);
  assert.equal(r.raftLog.committed, 2);
  // A snapshot that does not include us is refused.
  assert.equal(r.restore(snapshotAt(5, 2, [2, 3])), false);
});

test('snapshots: the leader sends a snapshot when the follower is behind its first index', () => {
  const r = newTestRaft(1, 10, 1, peers(1));
  r.restore(snapshotAt(11, 11, [1, 2]));
  r.becomeCandidate();
  r.becomeLeader();
  progress(r, 2).next = r.raftLog.firstIndex();
  r.step(
    msg({
      type: MessageType.AppResp,
      from: 2,
      to: 1,
      index: progress(r, 2).next - 1,
      reject: true,
    }),
  );
  const msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => m.type),
    [MessageType.Snap],
  );
  assert.equal(msgs[0]?.snapshot?.meta.index, 11);
  assert.equal(progress(r, 2).state, ProgressState.Snapshot);
  assert.equal(progress(r, 2).pendingSnapshot, 11);
});

test('snapshots: none is sent to a follower not recently active', () => {
  const r = newTestRaft(1, 10, 1, peers(1));
  r.restore(snapshotAt(11, 11, [1, 2]));
  r.becomeCandidate();
  r.becomeLeader();
  progress(r, 2).next = r.raftLog.firstIndex() - 1;
  progress(r, 2).recentActive = false;
  r.step(propose(1, 1, bytes('somedata')));
  assert.deepEqual(readMessages(r), []);
});

test('snapshots: a pending snapshot pauses replication; its report resumes probing', () => {
  const setup = (): Raft => {
    const r = newTestRaft(1, 10, 1, peers(1));
    r.restore(snapshotAt(11, 11, [1, 2]));
    r.becomeCandidate();
    r.becomeLeader();
    return r;
  };
  let r = setup();
  progress(r, 2).becomeSnapshot(11);
  r.step(propose(1, 1, bytes('somedata')));
  assert.deepEqual(readMessages(r), []);

  // Failure: probe again from match, after a heartbeat.
  r = setup();
  progress(r, 2).next = 1;
  progress(r, 2).becomeSnapshot(11);
  r.step(msg({ type: MessageType.SnapStatus, from: 2, to: 1, reject: true }));
  assert.equal(progress(r, 2).pendingSnapshot, 0);
  assert.equal(progress(r, 2).next, 1);
  assert.equal(progress(r, 2).msgAppFlowPaused, true);

  // Success: probe from the snapshot index.
  r = setup();
  progress(r, 2).next = 1;
  progress(r, 2).becomeSnapshot(11);
  r.step(msg({ type: MessageType.SnapStatus, from: 2, to: 1 }));
  assert.equal(progress(r, 2).state, ProgressState.Probe);
  assert.equal(progress(r, 2).next, 12);
  assert.equal(progress(r, 2).msgAppFlowPaused, true);

  // An ack beyond the snapshot ends the snapshot state at once.
  r = setup();
  progress(r, 2).next = 1;
  progress(r, 2).becomeSnapshot(11);
  r.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: r.term, index: 11 }));
  assert.equal(progress(r, 2).state, ProgressState.Replicate);
  assert.equal(progress(r, 2).match, 11);
});

test('snapshots: a follower restores from MsgSnap and takes its sender as leader', () => {
  const r = newTestRaft(2, 10, 1, peers(1, 2));
  r.step(msg({ type: MessageType.Snap, from: 1, term: 2, snapshot: snapshotAt(11, 11, [1, 2]) }));
  assert.equal(r.lead, 1);
  assert.equal(r.raftLog.committed, 11);
  const msgs = readMessages(r);
  assert.deepEqual(
    msgs.map((m) => [m.type, m.index]),
    [[MessageType.AppResp, 11]],
  );
});

test('snapshots: a slow node catches up from a snapshot and then the log', () => {
  const n = new Network([null, null, null]);
  n.send(hup(1));
  n.isolate(3);
  for (let j = 0; j <= 100; j++) n.send(propose(1, 1, new Uint8Array(0)));
  const lead = n.raft(1);
  const s1 = n.storage.get(1) as MemoryStorage;
  nextEnts(lead, s1);
  s1.createSnapshot(
    lead.raftLog.applied,
    snapshotAt(0, 0, lead.trk.voterNodes()).meta.confState,
    EMPTY_BYTES,
  );
  s1.compact(lead.raftLog.applied);
  n.recover();
  // Heartbeats until the leader hears from 3 again.
  do n.send(beat(1));
  while (!progress(lead, 3).recentActive);
  n.send(propose(1, 1, new Uint8Array(0)));
  const follower = n.raft(3);
  n.send(propose(1, 1, new Uint8Array(0)));
  assert.equal(follower.raftLog.committed, lead.raftLog.committed);
});

test('snapshots: a learner receives a snapshot', () => {
  const store = newTestMemoryStorage({ peers: [1], learners: [2] });
  const n1 = newTestRaft(1, 10, 1, store);
  const n2 = newTestRaft(2, 10, 1, newTestMemoryStorage({ peers: [1], learners: [2] }));
  n1.restore(snapshotAt(11, 11, [1], { learners: [2] }));
  const snap = n1.raftLog.nextUnstableSnapshot();
  assert.ok(snap);
  store.applySnapshot(snap);
  n1.appliedSnap(snap);
  const n = new Network([n1, n2]);
  n1.randomizedElectionTimeout = n1.electionTimeout;
  for (let i = 0; i < n1.electionTimeout; i++) n1.tick();
  n.send(beat(1));
  assert.equal(n2.raftLog.committed, n1.raftLog.committed);
});

test('config: invalid configurations are refused', () => {
  const s = peers(1);
  assert.throws(() => newTestRaft(0, 10, 1, s), /none as id/);
  assert.throws(() => newTestRaft(1, 10, 0, s), /heartbeat tick/);
  assert.throws(() => newTestRaft(1, 1, 1, s), /election tick/);
  assert.throws(
    () => newTestRaft(1, 10, 1, s, (c) => void (c.maxInflightMsgs = 0)),
    /inflight messages/,
  );
  assert.throws(
    () =>
      newTestRaft(1, 10, 1, s, (c) =>
        Object.assign(c, { maxSizePerMsg: 100, maxInflightBytes: 10 }),
      ),
    /inflight bytes/,
  );
});
