/**
 * The scenarios of the Raft paper (https://raft.github.io/raft.pdf), after etcd raft's
 * raft_paper_test.go: each test pins a few sentences of the section it cites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Raft } from '../../src/raft/raft.js';
import type { MemoryStorage } from '../../src/raft/memory-storage.js';
import { MessageType, NONE, StateType, type Entry, type Message } from '../../src/raft/types.js';
import {
  BLACK_HOLE,
  Network,
  advanceMessagesAfterAppend,
  brief,
  bytes,
  entriesAt,
  entry,
  hup,
  idsBySize,
  msg,
  mustAppendEntry,
  newTestMemoryStorage,
  newTestRaft,
  logString,
  propose,
  readMessages,
  sortMessages,
  text,
} from './network.js';

const peers3 = (): MemoryStorage => newTestMemoryStorage({ peers: [1, 2, 3] });

function acceptAndReply(m: Message): Message {
  assert.equal(m.type, MessageType.App);
  return msg({
    type: MessageType.AppResp,
    from: m.to,
    to: m.from,
    term: m.term,
    index: m.index + m.entries.length,
  });
}

/** Lets the followers ack the new leader's no-op, then persists and applies it. */
function commitNoopEntry(r: Raft, s: MemoryStorage): void {
  assert.equal(r.state, StateType.Leader);
  r.bcastAppend();
  for (const m of readMessages(r)) {
    assert.ok(
      m.type === MessageType.App && m.entries.length === 1 && m.entries[0]?.data.length === 0,
    );
    r.step(acceptAndReply(m));
  }
  readMessages(r);
  s.append(r.raftLog.nextUnstableEnts());
  r.raftLog.appliedTo(r.raftLog.committed, 0);
  r.raftLog.stableTo(r.raftLog.lastIndex(), r.raftLog.lastTerm());
}

const plain = (ents: readonly Entry[]): string[] =>
  ents.map((e) => `${e.index}/${e.term}/${text(e.data)}`);

function becomeState(r: Raft, state: StateType): void {
  if (state === StateType.Follower) r.becomeFollower(1, 2);
  if (state === StateType.Candidate || state === StateType.Leader) r.becomeCandidate();
  if (state === StateType.Leader) r.becomeLeader();
}

for (const state of [StateType.Follower, StateType.Candidate, StateType.Leader]) {
  test(`§5.1: a server (state ${state}) seeing a larger term adopts it and becomes follower`, () => {
    const r = newTestRaft(1, 10, 1, peers3());
    becomeState(r, state);
    r.step(msg({ type: MessageType.App, term: 2 }));
    assert.equal(r.term, 2);
    assert.equal(r.state, StateType.Follower);
  });
}

test('§5.1: a request with a stale term is ignored (etcd ignores rather than rejects)', () => {
  const r = newTestRaft(1, 10, 1, peers3());
  r.loadState({ term: 2, vote: NONE, commit: 0 });
  r.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, entries: [entry(1, 1)] }));
  assert.deepEqual(readMessages(r), []);
  assert.equal(r.raftLog.lastIndex(), 0);
  assert.equal(r.term, 2);
});

test('§5.2: servers start up as followers', () => {
  assert.equal(newTestRaft(1, 10, 1, peers3()).state, StateType.Follower);
});

test('§5.2: on a heartbeat tick the leader sends empty heartbeats to all followers', () => {
  const r = newTestRaft(1, 10, 1, peers3());
  r.becomeCandidate();
  r.becomeLeader();
  for (let i = 0; i < 10; i++) mustAppendEntry(r, entry(i + 1, 0));
  r.tick();
  const msgs = sortMessages(readMessages(r)).map(brief);
  assert.deepEqual(msgs, [
    { type: MessageType.Heartbeat, from: 1, to: 2, term: 1 },
    { type: MessageType.Heartbeat, from: 1, to: 3, term: 1 },
  ]);
});

for (const state of [StateType.Follower, StateType.Candidate]) {
  test(`§5.2: a ${state === StateType.Follower ? 'follower' : 'candidate'} that hears nothing for an election timeout starts an election`, () => {
    const et = 10;
    const r = newTestRaft(1, et, 1, peers3());
    becomeState(r, state);
    for (let i = 1; i < 2 * et; i++) r.tick();
    advanceMessagesAfterAppend(r);
    assert.equal(r.term, 2);
    assert.equal(r.state, StateType.Candidate);
    assert.equal(r.trk.votes.get(r.id), true);
    assert.deepEqual(sortMessages(readMessages(r)).map(brief), [
      { type: MessageType.Vote, from: 1, to: 2, term: 2 },
      { type: MessageType.Vote, from: 1, to: 3, term: 2 },
    ]);
  });
}

test('§5.2: an election is won by a majority, lost by a majority of denials, else pending', () => {
  const cases: [number, [number, boolean][], StateType][] = [
    [1, [], StateType.Leader],
    [
      3,
      [
        [2, true],
        [3, true],
      ],
      StateType.Leader,
    ],
    [3, [[2, true]], StateType.Leader],
    [
      5,
      [
        [2, true],
        [3, true],
        [4, true],
        [5, true],
      ],
      StateType.Leader,
    ],
    [
      5,
      [
        [2, true],
        [3, true],
        [4, true],
      ],
      StateType.Leader,
    ],
    [
      5,
      [
        [2, true],
        [3, true],
      ],
      StateType.Leader,
    ],
    [
      3,
      [
        [2, false],
        [3, false],
      ],
      StateType.Follower,
    ],
    [
      5,
      [
        [2, false],
        [3, false],
        [4, false],
        [5, false],
      ],
      StateType.Follower,
    ],
    [
      5,
      [
        [2, true],
        [3, false],
        [4, false],
        [5, false],
      ],
      StateType.Follower,
    ],
    [3, [], StateType.Candidate],
    [5, [[2, true]], StateType.Candidate],
    [
      5,
      [
        [2, false],
        [3, false],
      ],
      StateType.Candidate,
    ],
    [5, [], StateType.Candidate],
  ];
  cases.forEach(([size, votes, want], i) => {
    const r = newTestRaft(1, 10, 1, newTestMemoryStorage({ peers: idsBySize(size) }));
    r.step(hup(1));
    advanceMessagesAfterAppend(r);
    for (const [id, granted] of votes) {
      r.step(msg({ type: MessageType.VoteResp, from: id, to: 1, term: r.term, reject: !granted }));
    }
    assert.equal(r.state, want, `#${i}`);
    assert.equal(r.term, 1, `#${i}`);
  });
});

test('§5.2: a follower votes for at most one candidate per term, first come first served', () => {
  const cases: [number, number, boolean][] = [
    [NONE, 2, false],
    [NONE, 3, false],
    [2, 2, false],
    [3, 3, false],
    [2, 3, true],
    [3, 2, true],
  ];
  cases.forEach(([vote, candidate, reject], i) => {
    const r = newTestRaft(1, 10, 1, peers3());
    r.loadState({ term: 1, vote, commit: 0 });
    r.step(msg({ type: MessageType.Vote, from: candidate, to: 1, term: 1 }));
    const want = {
      type: MessageType.VoteResp,
      from: 1,
      to: candidate,
      term: 1,
      ...(reject ? { reject } : {}),
    };
    assert.deepEqual(r.msgsAfterAppend.map(brief), [want], `#${i}`);
  });
});

test('§5.2: a candidate hearing from a leader of at least its term becomes follower', () => {
  for (const term of [1, 2]) {
    const r = newTestRaft(1, 10, 1, peers3());
    r.step(hup(1));
    assert.equal(r.state, StateType.Candidate);
    r.step(msg({ type: MessageType.App, from: 2, to: 1, term }));
    assert.equal(r.state, StateType.Follower);
    assert.equal(r.term, term);
  }
});

for (const state of [StateType.Follower, StateType.Candidate]) {
  test(`§5.2: election timeouts are randomized over [et, 2et) (state ${state})`, () => {
    const et = 10;
    const r = newTestRaft(1, et, 1, peers3());
    const seen = new Set<number>();
    for (let round = 0; round < 50 * et; round++) {
      if (state === StateType.Follower) r.becomeFollower(r.term + 1, 2);
      else r.becomeCandidate();
      let time = 0;
      while (readMessages(r).length === 0) {
        r.tick();
        time++;
      }
      seen.add(time);
    }
    for (let d = et; d < 2 * et; d++) assert.ok(seen.has(d), `timeout in ${d} ticks should happen`);
    assert.ok([...seen].every((d) => d >= et && d < 2 * et));
  });

  test(`§5.2: randomized timeouts rarely make several servers time out at once (state ${state})`, () => {
    const ids = idsBySize(5);
    const rs = ids.map((id) => newTestRaft(id, 10, 1, newTestMemoryStorage({ peers: ids })));
    let conflicts = 0;
    for (let round = 0; round < 1000; round++) {
      for (const r of rs) {
        if (state === StateType.Follower) r.becomeFollower(r.term + 1, NONE);
        else r.becomeCandidate();
      }
      let timedOut = 0;
      while (timedOut === 0) {
        for (const r of rs) {
          r.tick();
          if (readMessages(r).length > 0) timedOut++;
        }
      }
      if (timedOut > 1) conflicts++;
    }
    assert.ok(conflicts / 1000 <= 0.3, `conflict rate ${conflicts / 1000}`);
  });
}

test('§5.3: the leader appends a proposal and sends it with the preceding (index, term)', () => {
  const s = peers3();
  const r = newTestRaft(1, 10, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  commitNoopEntry(r, s);
  const li = r.raftLog.lastIndex();
  r.step(propose(1, 1, bytes('some data')));
  assert.equal(r.raftLog.lastIndex(), li + 1);
  assert.equal(r.raftLog.committed, li);
  const ents = [{ index: li + 1, term: 1, data: 'some data' }];
  assert.deepEqual(sortMessages(readMessages(r)).map(brief), [
    {
      type: MessageType.App,
      from: 1,
      to: 2,
      term: 1,
      index: li,
      logTerm: 1,
      commit: li,
      entries: ents,
    },
    {
      type: MessageType.App,
      from: 1,
      to: 3,
      term: 1,
      index: li,
      logTerm: 1,
      commit: li,
      entries: ents,
    },
  ]);
  assert.deepEqual(plain(r.raftLog.nextUnstableEnts()), [`${li + 1}/1/some data`]);
});

test('§5.3: a replicated entry is committed, handed out to apply, and its commit sent on', () => {
  const s = peers3();
  const r = newTestRaft(1, 10, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  commitNoopEntry(r, s);
  const li = r.raftLog.lastIndex();
  r.step(propose(1, 1, bytes('some data')));
  for (const m of readMessages(r)) r.step(acceptAndReply(m));
  assert.equal(r.raftLog.committed, li + 1);
  assert.deepEqual(plain(r.raftLog.nextCommittedEnts(true)), [`${li + 1}/1/some data`]);
  const msgs = sortMessages(readMessages(r));
  msgs.forEach((m, i) => {
    assert.equal(m.to, i + 2);
    assert.equal(m.type, MessageType.App);
    assert.equal(m.commit, li + 1);
  });
});

test('§5.3: an entry is committed once the leader has it on a majority', () => {
  const cases: [number, number[], boolean][] = [
    [1, [], true],
    [3, [], false],
    [3, [2], true],
    [3, [2, 3], true],
    [5, [], false],
    [5, [2], false],
    [5, [2, 3], true],
    [5, [2, 3, 4], true],
    [5, [2, 3, 4, 5], true],
  ];
  cases.forEach(([size, acceptors, acked], i) => {
    const s = newTestMemoryStorage({ peers: idsBySize(size) });
    const r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    const li = r.raftLog.lastIndex();
    r.step(propose(1, 1, bytes('some data')));
    advanceMessagesAfterAppend(r);
    for (const m of r.msgs) if (acceptors.includes(m.to)) r.step(acceptAndReply(m));
    assert.equal(r.raftLog.committed > li, acked, `#${i}`);
  });
});

test('§5.3: committing an entry commits all preceding ones, of earlier leaders too', () => {
  const cases: Entry[][] = [[], [entry(1, 2)], entriesAt(1, 1, 2), [entry(1, 1)]];
  cases.forEach((prior, i) => {
    const storage = peers3();
    storage.append(prior);
    const r = newTestRaft(1, 10, 1, storage);
    r.loadState({ term: 2, vote: NONE, commit: 0 });
    r.becomeCandidate();
    r.becomeLeader();
    r.step(propose(1, 1, bytes('some data')));
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    const li = prior.length;
    assert.deepEqual(
      plain(r.raftLog.nextCommittedEnts(true)),
      [...plain(prior), `${li + 1}/3/`, `${li + 2}/3/some data`],
      `#${i}`,
    );
  });
});

test('§5.3: a follower learning of a commit hands the entries out to apply, in order', () => {
  const d = bytes('some data');
  const d2 = bytes('some data2');
  const cases: [Entry[], number][] = [
    [[entry(1, 1, d)], 1],
    [[entry(1, 1, d), entry(2, 1, d2)], 2],
    [[entry(1, 1, d2), entry(2, 1, d)], 2],
    [[entry(1, 1, d), entry(2, 1, d2)], 1],
  ];
  cases.forEach(([ents, commit], i) => {
    const r = newTestRaft(1, 10, 1, peers3());
    r.becomeFollower(1, 2);
    r.step(msg({ type: MessageType.App, from: 2, to: 1, term: 1, entries: ents, commit }));
    assert.equal(r.raftLog.committed, commit, `#${i}`);
    assert.deepEqual(
      plain(r.raftLog.nextCommittedEnts(true)),
      plain(ents.slice(0, commit)),
      `#${i}`,
    );
  });
});

test('§5.3: a follower refuses an append whose preceding entry it does not hold', () => {
  const ents = entriesAt(1, 1, 2);
  const cases: [number, number, number, boolean, number, number][] = [
    [0, 0, 1, false, 0, 0], // matches committed entries
    [1, 1, 1, false, 0, 0],
    [2, 2, 2, false, 0, 0], // matches an uncommitted entry
    [1, 2, 2, true, 1, 1], // mismatch at an existing entry
    [3, 3, 3, true, 2, 2], // no such entry
  ];
  cases.forEach(([logTerm, index, wIndex, reject, wHint, wLogTerm], i) => {
    const storage = peers3();
    storage.append(ents);
    const r = newTestRaft(1, 10, 1, storage);
    r.loadState({ term: 0, vote: NONE, commit: 1 });
    r.becomeFollower(2, 2);
    r.step(msg({ type: MessageType.App, from: 2, to: 1, term: 2, logTerm, index }));
    const want: Record<string, unknown> = {
      type: MessageType.AppResp,
      from: 1,
      to: 2,
      term: 2,
      index: wIndex,
    };
    if (reject) Object.assign(want, { reject, rejectHint: wHint, logTerm: wLogTerm });
    assert.deepEqual(readMessages(r).map(brief), [want], `#${i}`);
  });
});

test('§5.3: a follower deletes conflicting entries and appends the new ones', () => {
  const cases: [number, number, Entry[], Entry[], Entry[]][] = [
    [2, 2, entriesAt(3, 3), entriesAt(1, 1, 2, 3), entriesAt(3, 3)],
    [1, 1, entriesAt(2, 3, 4), entriesAt(1, 1, 3, 4), entriesAt(2, 3, 4)],
    [0, 0, entriesAt(1, 1), entriesAt(1, 1, 2), []],
    [0, 0, entriesAt(1, 3), entriesAt(1, 3), entriesAt(1, 3)],
  ];
  cases.forEach(([index, logTerm, ents, wEnts, wUnstable], i) => {
    const storage = peers3();
    storage.append(entriesAt(1, 1, 2));
    const r = newTestRaft(1, 10, 1, storage);
    r.becomeFollower(2, 2);
    r.step(msg({ type: MessageType.App, from: 2, to: 1, term: 2, logTerm, index, entries: ents }));
    assert.deepEqual(plain(r.raftLog.allEntries()), plain(wEnts), `#${i}`);
    assert.deepEqual(plain(r.raftLog.nextUnstableEnts()), plain(wUnstable), `#${i}`);
  });
});

test('§5.3, figure 7: the leader brings any follower log into agreement with its own', () => {
  const leaderTerms = [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const term = 8;
  const followers = [
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6],
    [0, 1, 1, 1, 4, 4],
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    [0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    [0, 1, 1, 1, 4, 4, 4, 4],
    [0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  ];
  followers.forEach((followerTerms, i) => {
    const leadStorage = peers3();
    leadStorage.append(entriesAt(0, ...leaderTerms));
    const lead = newTestRaft(1, 10, 1, leadStorage);
    lead.loadState({ commit: lead.raftLog.lastIndex(), term, vote: NONE });
    const followerStorage = peers3();
    followerStorage.append(entriesAt(0, ...followerTerms));
    const follower = newTestRaft(2, 10, 1, followerStorage);
    follower.loadState({ term: term - 1, vote: NONE, commit: 0 });
    // Three nodes: the follower may have the longer log, so the leader needs node 3's vote.
    const n = new Network([lead, follower, BLACK_HOLE]);
    n.send(hup(1));
    n.send(msg({ type: MessageType.VoteResp, from: 3, to: 1, term: term + 1 }));
    n.send(propose(1, 1, new Uint8Array(0)));
    assert.equal(logString(follower.raftLog), logString(lead.raftLog), `#${i}`);
  });
});

test('§5.4.1: a vote request carries the candidate’s last (index, term) to every peer', () => {
  const cases: [Entry[], number][] = [
    [entriesAt(1, 1), 2],
    [entriesAt(1, 1, 2), 3],
  ];
  cases.forEach(([ents, wTerm], j) => {
    const r = newTestRaft(1, 10, 1, peers3());
    r.step(msg({ type: MessageType.App, from: 2, to: 1, term: wTerm - 1, entries: ents }));
    readMessages(r);
    for (let i = 1; i < r.electionTimeout * 2; i++) r.tick();
    const msgs = sortMessages(readMessages(r));
    assert.equal(msgs.length, 2, `#${j}`);
    const last = ents[ents.length - 1];
    msgs.forEach((m, i) => {
      assert.equal(m.type, MessageType.Vote);
      assert.equal(m.to, i + 2);
      assert.equal(m.term, wTerm);
      assert.equal(m.index, last?.index);
      assert.equal(m.logTerm, last?.term);
    });
  });
});

test('§5.4.1: a voter denies its vote to a candidate whose log is less up to date', () => {
  const cases: [Entry[], number, number, boolean][] = [
    [entriesAt(1, 1), 1, 1, false], // same last term
    [entriesAt(1, 1), 1, 2, false],
    [entriesAt(1, 1, 1), 1, 1, true],
    [entriesAt(1, 1), 2, 1, false], // candidate has the higher last term
    [entriesAt(1, 1), 2, 2, false],
    [entriesAt(1, 1, 1), 2, 1, false],
    [entriesAt(1, 2), 1, 1, true], // voter has the higher last term
    [entriesAt(1, 2), 1, 2, true],
    [entriesAt(1, 2, 2), 1, 1, true],
    [entriesAt(1, 1, 1), 1, 1, true],
  ];
  cases.forEach(([ents, logTerm, index, reject], i) => {
    const storage = newTestMemoryStorage({ peers: [1, 2] });
    storage.append(ents);
    const r = newTestRaft(1, 10, 1, storage);
    r.step(msg({ type: MessageType.Vote, from: 2, to: 1, term: 3, logTerm, index }));
    const msgs = readMessages(r);
    assert.equal(msgs.length, 1, `#${i}`);
    assert.equal(msgs[0]?.type, MessageType.VoteResp, `#${i}`);
    assert.equal(msgs[0]?.reject, reject, `#${i}`);
  });
});

test('§5.4.2: only entries of the leader’s current term are committed by counting replicas', () => {
  const cases: [number, number][] = [
    [1, 0],
    [2, 0],
    [3, 3],
  ];
  cases.forEach(([index, wCommit], i) => {
    const storage = newTestMemoryStorage({ peers: [1, 2] });
    storage.append(entriesAt(1, 1, 2));
    const r = newTestRaft(1, 10, 1, storage);
    r.loadState({ term: 2, vote: NONE, commit: 0 });
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.step(propose(1, 1, new Uint8Array(0)));
    r.step(msg({ type: MessageType.AppResp, from: 2, to: 1, term: r.term, index }));
    advanceMessagesAfterAppend(r);
    assert.equal(r.raftLog.committed, wCommit, `#${i}`);
  });
});
