import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Changer,
  ConfChangeError,
  enterJointOf,
  leaveJointOf,
  restore,
  type ChangeResult,
} from '../../src/raft/confchange.js';
import { ProgressTracker, progressMapString, trackerConfigString } from '../../src/raft/tracker.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  type ConfChangeSingle,
  type ConfState,
} from '../../src/raft/types.js';
import { Rng } from '../../src/util/rng.js';

const TYPES = [ConfChangeType.AddNode, ConfChangeType.RemoveNode, ConfChangeType.AddLearner];

function changer(tracker: ProgressTracker, lastIndex = 10): Changer {
  return new Changer(tracker, lastIndex);
}

function adopt(tracker: ProgressTracker, result: ChangeResult): void {
  tracker.config = result.config;
  tracker.progress = result.progress;
}

function describe(tracker: {
  config: ChangeResult['config'];
  progress: ChangeResult['progress'];
}): string {
  return `${trackerConfigString(tracker.config)}\n${progressMapString(tracker.progress)}`;
}

function runSimple(tracker: ProgressTracker, changes: readonly ConfChangeSingle[]): void {
  for (const change of changes) adopt(tracker, changer(tracker).simple([change]));
}

function runJoint(tracker: ProgressTracker, changes: readonly ConfChangeSingle[]): void {
  const joint = changer(tracker).enterJoint(false, changes);
  // With autoLeave the result is the same apart from the flag.
  const auto = changer(tracker).enterJoint(true, changes);
  assert.equal(auto.config.autoLeave, true);
  auto.config.autoLeave = false;
  assert.equal(describe(auto), describe(joint));
  adopt(tracker, joint);
  adopt(tracker, changer(tracker).leaveJoint());
}

function randomChanges(rng: Rng): ConfChangeSingle[] {
  const n = 1 + rng.below(9);
  // Node 1 is never touched so that no sequence removes every voter.
  return Array.from({ length: n }, () => ({
    type: TYPES[rng.below(TYPES.length)] ?? ConfChangeType.AddNode,
    node: 2 + rng.below(9),
  }));
}

function randomSetup(rng: Rng): ConfChangeSingle[] {
  const n = 1 + rng.below(5);
  const adds = Array.from({ length: n }, () => ({
    type: ConfChangeType.AddNode,
    node: 1 + rng.below(5),
  }));
  return [{ type: ConfChangeType.AddNode, node: 1 }, ...adds];
}

test('random changes applied one by one or through a joint config reach the same config', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 1000; i++) {
    const setup = randomSetup(rng);
    const changes = randomChanges(rng);
    const simple = new ProgressTracker(10, 0);
    const joint = new ProgressTracker(10, 0);
    runSimple(simple, setup);
    runSimple(joint, setup);
    runSimple(simple, changes);
    runJoint(joint, changes);
    assert.equal(describe(joint), describe(simple), JSON.stringify(changes));
  }
});

function randomConfState(rng: Rng): ConfState {
  const nVoters = 1 + rng.below(5);
  const nLearners = rng.below(5);
  const nRemoved = rng.below(3);
  const pool = Array.from({ length: 2 * (nVoters + nLearners + nRemoved) }, (_, i) => i + 1);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [pool[i], pool[j]] = [pool[j] ?? 0, pool[i] ?? 0];
  }
  const voters = pool.splice(0, nVoters);
  const learners = pool.splice(0, nLearners);
  const retained = rng.below(nVoters + 1);
  const removed = pool.slice(0, nRemoved);
  const votersOutgoing = [...voters.slice(0, retained), ...removed];
  // Only outgoing voters that leave the incoming config can be staged as learners.
  const learnersNext = removed.slice(0, nRemoved > 0 ? rng.below(nRemoved + 1) : 0);
  const autoLeave = votersOutgoing.length > 0 && rng.below(2) === 1;
  return { voters, learners, votersOutgoing, learnersNext, autoLeave };
}

function sortedConfState(cs: ConfState): ConfState {
  const sort = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);
  return {
    voters: sort(cs.voters),
    learners: sort(cs.learners),
    votersOutgoing: sort(cs.votersOutgoing),
    learnersNext: sort(cs.learnersNext),
    autoLeave: cs.autoLeave,
  };
}

function assertRestores(cs: ConfState): void {
  const tracker = new ProgressTracker(20, 0);
  adopt(tracker, restore(changer(tracker), cs));
  assert.deepEqual(tracker.confState(), sortedConfState(cs));
}

test('restore rebuilds the configuration of hand-picked ConfStates', () => {
  const none: number[] = [];
  const cases: ConfState[] = [
    { voters: none, learners: none, votersOutgoing: none, learnersNext: none, autoLeave: false },
    {
      voters: [1, 2, 3],
      learners: none,
      votersOutgoing: none,
      learnersNext: none,
      autoLeave: false,
    },
    {
      voters: [1, 2, 3],
      learners: [4, 5, 6],
      votersOutgoing: none,
      learnersNext: none,
      autoLeave: false,
    },
    {
      voters: [1, 2, 3],
      learners: [5],
      votersOutgoing: [1, 2, 4, 6],
      learnersNext: [4],
      autoLeave: false,
    },
    { voters: [3, 1], learners: [], votersOutgoing: [2, 1], learnersNext: [2], autoLeave: true },
  ];
  for (const cs of cases) assertRestores(cs);
});

test('restore round-trips random ConfStates', () => {
  const rng = new Rng(11);
  for (let i = 0; i < 1000; i++) assertRestores(randomConfState(rng));
});

test('restore leaves the given tracker untouched', () => {
  const tracker = new ProgressTracker(20, 0);
  runSimple(tracker, [{ type: ConfChangeType.AddNode, node: 1 }]);
  const before = describe(tracker);
  const cs: ConfState = {
    voters: [1, 2],
    learners: [3],
    votersOutgoing: [1],
    learnersNext: [],
    autoLeave: true,
  };
  const result = restore(changer(tracker), cs);
  assert.equal(describe(tracker), before);
  assert.equal(trackerConfigString(result.config), 'voters=(1 2)&&(1) learners=(3) autoleave');
});

test('a new member starts probing at the last index and counts as recently active', () => {
  const tracker = new ProgressTracker(5, 100);
  adopt(tracker, changer(tracker, 7).simple([{ type: ConfChangeType.AddNode, node: 1 }]));
  adopt(tracker, changer(tracker, 0).simple([{ type: ConfChangeType.AddLearner, node: 2 }]));
  assert.equal(
    progressMapString(tracker.progress),
    '1: StateProbe match=0 next=7\n2: StateProbe match=0 next=1 learner\n',
  );
  const pr = tracker.progress.get(1);
  assert.equal(pr?.inflights.size, 5);
  assert.equal(pr?.inflights.maxBytes, 100);
});

test('errors carry etcd messages and leave the tracker unchanged', () => {
  const tracker = new ProgressTracker(10, 0);
  const v = (node: number): ConfChangeSingle => ({ type: ConfChangeType.AddNode, node });
  const r = (node: number): ConfChangeSingle => ({ type: ConfChangeType.RemoveNode, node });
  assert.throws(
    () => changer(tracker).enterJoint(false, [v(1)]),
    new ConfChangeError("can't make a zero-voter config joint"),
  );
  assert.throws(
    () => changer(tracker).leaveJoint(),
    new ConfChangeError("can't leave a non-joint config"),
  );
  assert.throws(
    () => changer(tracker).simple([v(1), v(2)]),
    /more than one voter changed without entering joint config/,
  );
  adopt(tracker, changer(tracker).simple([v(1)]));
  assert.throws(() => changer(tracker).simple([r(1)]), /removed all voters/);
  adopt(tracker, changer(tracker).enterJoint(true, [v(2)]));
  assert.throws(() => changer(tracker).enterJoint(false, [v(3)]), /config is already joint/);
  assert.throws(
    () => changer(tracker).simple([v(3)]),
    /can't apply simple config change in joint config/,
  );
  assert.equal(trackerConfigString(tracker.config), 'voters=(1 2)&&(1) autoleave');
});

test('a change for node 0 is ignored', () => {
  const tracker = new ProgressTracker(10, 0);
  adopt(
    tracker,
    changer(tracker).simple([
      { type: ConfChangeType.AddNode, node: 1 },
      { type: ConfChangeType.AddNode, node: 0 },
    ]),
  );
  assert.equal(trackerConfigString(tracker.config), 'voters=(1)');
});

test('enterJointOf / leaveJointOf follow the transition and the number of changes', () => {
  const cc = (transition: ConfChangeTransition, n: number) => ({
    transition,
    changes: Array.from({ length: n }, (_, i) => ({ type: ConfChangeType.AddNode, node: i + 1 })),
    context: EMPTY_BYTES,
  });
  const { Auto, Implicit, Explicit } = ConfChangeTransition;
  assert.deepEqual(enterJointOf(cc(Auto, 0)), { autoLeave: false, joint: false });
  assert.deepEqual(enterJointOf(cc(Auto, 1)), { autoLeave: false, joint: false });
  assert.deepEqual(enterJointOf(cc(Auto, 2)), { autoLeave: true, joint: true });
  assert.deepEqual(enterJointOf(cc(Implicit, 1)), { autoLeave: true, joint: true });
  assert.deepEqual(enterJointOf(cc(Explicit, 1)), { autoLeave: false, joint: true });
  assert.equal(leaveJointOf(cc(Auto, 0)), true);
  assert.equal(leaveJointOf(cc(Explicit, 0)), false);
  assert.equal(leaveJointOf(cc(Auto, 1)), false);
});
