import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arrayLog,
  checkElectionSafety,
  checkLeaderCompleteness,
  checkLogMatching,
  checkStateMachineSafety,
  type ApplyEvent,
  type LogView,
} from './checkers.js';

/** A log of group 1 from terms, e.g. log(2, '1 1 2'): entries 1..3; data is `${index}/${term}`. */
function log(node: number, terms: string, snapshot = { index: 0, term: 0 }): LogView {
  const entries = terms
    .split(' ')
    .filter((t) => t !== '')
    .map((t, i) => ({ term: Number(t), data: `${snapshot.index + 1 + i}/${t}` }));
  return arrayLog(node, 1, snapshot, entries);
}

test('election safety: one leader per term and group', () => {
  assert.deepEqual(
    checkElectionSafety([
      { group: 1, term: 1, node: 1 },
      { group: 1, term: 1, node: 1 },
      { group: 1, term: 2, node: 2 },
      { group: 2, term: 1, node: 3 },
    ]),
    [],
  );
  const violations = checkElectionSafety([
    { group: 1, term: 3, node: 1 },
    { group: 1, term: 3, node: 2 },
  ]);
  assert.equal(violations.length, 1);
  assert.equal(violations[0]?.property, 'election-safety');
  assert.match(violations[0]?.message ?? '', /term 3: leaders 1 and 2/);
});

test('log matching holds for logs sharing a prefix and diverging after it', () => {
  assert.deepEqual(
    checkLogMatching([log(1, '1 1 2 2'), log(2, '1 1 2'), log(3, '1 1 3 3 3'), log(4, '')]),
    [],
  );
});

test('log matching: an agreeing later entry over a disagreeing earlier one is a violation', () => {
  const violations = checkLogMatching([log(1, '1 1 2 3'), log(2, '1 2 2 3')]);
  assert.equal(violations.length, 1);
  assert.match(
    violations[0]?.message ?? '',
    /agree at index 4 \(term 3\) but not at 2: terms 1 and 2/,
  );
});

test('log matching compares payloads, and logs starting after a snapshot', () => {
  const a = arrayLog(1, 1, { index: 0, term: 0 }, [{ term: 1, data: 'x' }]);
  const b = arrayLog(2, 1, { index: 0, term: 0 }, [{ term: 1, data: 'y' }]);
  assert.match(
    checkLogMatching([a, b])[0]?.message ?? '',
    /different entries of term 1 at index 1/,
  );
  assert.deepEqual(checkLogMatching([log(1, '1 1 2 2'), log(2, '2 2', { index: 2, term: 1 })]), []);
  const bad = checkLogMatching([log(1, '1 2 2 2'), log(2, '2 2', { index: 2, term: 1 })]);
  assert.match(bad[0]?.message ?? '', /not at 2: terms 2 and 1/);
});

test('log matching: terms never decrease along a log', () => {
  const violations = checkLogMatching([log(1, '1 3 2')]);
  assert.match(violations[0]?.message ?? '', /term 2 at index 3 follows term 3/);
});

test('leader completeness: later leaders hold what was committed before their term', () => {
  const commits = [
    { group: 1, index: 1, term: 1, knownInTerm: 1 },
    { group: 1, index: 2, term: 1, knownInTerm: 2 },
  ];
  const good = [
    { group: 1, term: 2, node: 2, log: log(2, '1') },
    { group: 1, term: 3, node: 3, log: log(3, '1 1 3') },
    { group: 1, term: 4, node: 1, log: log(1, '4', { index: 2, term: 1 }) },
  ];
  assert.deepEqual(checkLeaderCompleteness(commits, good), []);
  const lacking = checkLeaderCompleteness(commits, [
    { group: 1, term: 3, node: 3, log: log(3, '1') },
  ]);
  assert.equal(lacking.length, 1);
  assert.match(lacking[0]?.message ?? '', /leader 3 of term 3 lacks committed index 2 .*ends at 1/);
  const overwritten = checkLeaderCompleteness(commits, [
    { group: 1, term: 3, node: 3, log: log(3, '1 2') },
  ]);
  assert.match(overwritten[0]?.message ?? '', /has term 2 at committed index 2/);
});

test('leader completeness: an entry committed in a later term need not be in a leader between', () => {
  // Entry 2 of term 1 was committed only in term 5; a leader of term 3 may lack it.
  const commits = [{ group: 1, index: 2, term: 1, knownInTerm: 5 }];
  assert.deepEqual(
    checkLeaderCompleteness(commits, [{ group: 1, term: 3, node: 2, log: log(2, '1') }]),
    [],
  );
  assert.equal(
    checkLeaderCompleteness(commits, [{ group: 1, term: 6, node: 2, log: log(2, '1') }]).length,
    1,
  );
  // The earliest term it is known committed in counts.
  const both = [...commits, { group: 1, index: 2, term: 1, knownInTerm: 2 }];
  assert.equal(
    checkLeaderCompleteness(both, [{ group: 1, term: 3, node: 2, log: log(2, '1') }]).length,
    1,
  );
});

test('leader completeness: one index committed with two terms is reported', () => {
  const commits = [
    { group: 1, index: 1, term: 1, knownInTerm: 1 },
    { group: 1, index: 1, term: 2, knownInTerm: 2 },
  ];
  assert.match(
    checkLeaderCompleteness(commits, [])[0]?.message ?? '',
    /index 1 committed with terms 1 and 2/,
  );
});

const entry = (node: number, index: number, term: number, data: string): ApplyEvent => ({
  kind: 'entry',
  node,
  group: 1,
  index,
  term,
  data,
});

test('state-machine safety: the same entries in the same order everywhere', () => {
  const events: ApplyEvent[] = [
    entry(1, 1, 1, 'a'),
    entry(2, 1, 1, 'a'),
    entry(1, 2, 1, 'b'),
    { kind: 'snapshot', node: 3, group: 1, index: 2, term: 1 },
    entry(3, 3, 2, 'c'),
    entry(2, 2, 1, 'b'),
    { kind: 'restart', node: 2 },
    entry(2, 1, 1, 'a'),
    entry(2, 2, 1, 'b'),
    entry(2, 3, 2, 'c'),
  ];
  assert.deepEqual(checkStateMachineSafety(events), []);
});

test('state-machine safety: a different entry at an index is a violation', () => {
  const violations = checkStateMachineSafety([entry(1, 1, 1, 'a'), entry(2, 1, 1, 'b')]);
  assert.equal(violations.length, 1);
  assert.match(
    violations[0]?.message ?? '',
    /node 2 applied term 1 "b" at index 1; node 1 applied term 1 "a"/,
  );
  const byTerm = checkStateMachineSafety([
    { kind: 'snapshot', node: 1, group: 1, index: 5, term: 2 },
    entry(2, 5, 3, 'x'),
  ]);
  assert.equal(byTerm.length, 1);
});

test('state-machine safety: gaps, repeats and backward snapshots are violations', () => {
  const gap = checkStateMachineSafety([entry(1, 1, 1, 'a'), entry(1, 3, 1, 'c')]);
  assert.match(gap[0]?.message ?? '', /applied index 3 after 1/);
  const repeat = checkStateMachineSafety([entry(1, 1, 1, 'a'), entry(1, 1, 1, 'a')]);
  assert.match(repeat[0]?.message ?? '', /applied index 1 after 1/);
  const backwards = checkStateMachineSafety([
    entry(1, 1, 1, 'a'),
    entry(1, 2, 1, 'b'),
    { kind: 'snapshot', node: 1, group: 1, index: 1, term: 1 },
  ]);
  assert.match(backwards[0]?.message ?? '', /snapshot at 1 after applying 2/);
});

test('groups are checked separately', () => {
  const events: ApplyEvent[] = [
    entry(1, 1, 1, 'a'),
    { kind: 'entry', node: 1, group: 2, index: 1, term: 1, data: 'z' },
  ];
  assert.deepEqual(checkStateMachineSafety(events), []);
  const logs = [log(1, '1 1'), arrayLog(2, 2, { index: 0, term: 0 }, [{ term: 2, data: '' }])];
  assert.deepEqual(checkLogMatching(logs), []);
});
