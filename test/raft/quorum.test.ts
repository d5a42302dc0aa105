import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JointConfig, MajorityConfig, type VoteResult } from '../../src/raft/quorum.js';
import { Rng } from '../../src/util/rng.js';

type Acks = Map<number, number>;

/** Every subset of `ids` (configs here are small). */
function subsets(ids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << ids.length; mask++) {
    out.push(ids.filter((_, i) => (mask & (1 << i)) !== 0));
  }
  return out;
}

/** Brute force: the largest index i such that some majority has all acked >= i. */
function oracleCommitted(ids: readonly number[], acks: Acks): number {
  if (ids.length === 0) return Infinity;
  const majorities = subsets(ids).filter((s) => s.length > ids.length / 2);
  let best = 0;
  for (const group of majorities) {
    best = Math.max(best, Math.min(...group.map((id) => acks.get(id) ?? 0)));
  }
  return best;
}

/** Brute force: won if yes-voters form a majority, lost if no completion of the missing votes can. */
function oracleVote(ids: readonly number[], votes: Map<number, boolean>): VoteResult {
  if (ids.length === 0) return 'won';
  const isMajority = (s: readonly number[]): boolean => s.length > ids.length / 2;
  if (isMajority(ids.filter((id) => votes.get(id) === true))) return 'won';
  const missing = ids.filter((id) => !votes.has(id));
  const yes = ids.filter((id) => votes.get(id) === true);
  const canWin = subsets(missing).some((extra) => isMajority([...yes, ...extra]));
  return canWin ? 'pending' : 'lost';
}

/** Joint: both halves must reach the state; a half that cannot win decides "lost". */
function oracleJointVote(a: number[], b: number[], votes: Map<number, boolean>): VoteResult {
  const missing = [...new Set([...a, ...b])].filter((id) => !votes.has(id));
  const outcomes = subsets(missing).map((yesExtra) => {
    const full = new Map(votes);
    for (const id of missing) full.set(id, yesExtra.includes(id));
    return oracleVote(a, full) === 'won' && oracleVote(b, full) === 'won';
  });
  if (outcomes.every((won) => won)) return 'won';
  if (outcomes.some((won) => won)) return 'pending';
  return 'lost';
}

function randomIds(rng: Rng, max: number): number[] {
  const n = rng.below(max + 1);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(1 + rng.below(2 * max));
  return [...ids];
}

function randomAcks(rng: Rng, ids: readonly number[]): Acks {
  const acks: Acks = new Map();
  // Some voters have not reported at all: they count as 0.
  for (const id of ids) if (rng.below(4) !== 0) acks.set(id, rng.below(10));
  return acks;
}

function randomVotes(rng: Rng, ids: readonly number[]): Map<number, boolean> {
  const votes = new Map<number, boolean>();
  for (const id of ids) {
    const r = rng.below(3);
    if (r !== 0) votes.set(id, r === 1);
  }
  // Votes from non-members must be ignored.
  if (rng.below(2) === 0) votes.set(100 + rng.below(5), rng.below(2) === 0);
  return votes;
}

test('MajorityConfig.committedIndex agrees with a brute-force oracle', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 3000; i++) {
    const ids = randomIds(rng, 7);
    const acks = randomAcks(rng, [...ids, 99]);
    const got = new MajorityConfig(ids).committedIndex((id) => acks.get(id));
    assert.equal(got, oracleCommitted(ids, acks), `ids=${ids.join(',')}`);
  }
});

test('MajorityConfig.voteResult agrees with a brute-force oracle', () => {
  const rng = new Rng(2);
  for (let i = 0; i < 3000; i++) {
    const ids = randomIds(rng, 7);
    const votes = randomVotes(rng, ids);
    assert.equal(new MajorityConfig(ids).voteResult(votes), oracleVote(ids, votes));
  }
});

test('JointConfig.committedIndex is the smaller of what each half commits', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 3000; i++) {
    const a = randomIds(rng, 5);
    const b = randomIds(rng, 5);
    const acks = randomAcks(rng, [...new Set([...a, ...b])]);
    const joint = new JointConfig(new MajorityConfig(a), new MajorityConfig(b));
    const want = Math.min(oracleCommitted(a, acks), oracleCommitted(b, acks));
    assert.equal(
      joint.committedIndex((id) => acks.get(id)),
      want,
    );
  }
});

test('JointConfig.voteResult agrees with a brute-force oracle over every completion', () => {
  const rng = new Rng(4);
  for (let i = 0; i < 3000; i++) {
    const a = randomIds(rng, 5);
    const b = randomIds(rng, 5);
    const votes = randomVotes(rng, [...new Set([...a, ...b])]);
    const joint = new JointConfig(new MajorityConfig(a), new MajorityConfig(b));
    assert.equal(joint.voteResult(votes), oracleJointVote(a, b, votes), `${a}|${b}`);
  }
});

test('an empty config commits Infinity and wins elections (neutral half of a joint config)', () => {
  const empty = new MajorityConfig();
  assert.equal(
    empty.committedIndex(() => 5),
    Infinity,
  );
  assert.equal(empty.voteResult(new Map()), 'won');
  const joint = new JointConfig(new MajorityConfig([1, 2, 3]));
  assert.equal(joint.isJoint(), false);
  assert.equal(
    joint.committedIndex((id) => id * 10),
    20,
  );
});

test('ids are kept in ascending order and printed as etcd does', () => {
  const cfg = new MajorityConfig([12, 3, 7, 3]);
  assert.deepEqual(cfg.sorted(), [3, 7, 12]);
  assert.deepEqual([...cfg.ids], [3, 7, 12]);
  assert.equal(cfg.size, 3);
  assert.equal(cfg.toString(), '(3 7 c)');
  const joint = new JointConfig(new MajorityConfig([5, 1]), new MajorityConfig([2, 1]));
  assert.deepEqual([...joint.ids()], [1, 2, 5]);
  assert.equal(joint.toString(), '(1 5)&&(1 2)');
  assert.equal(joint.isJoint(), true);
});
