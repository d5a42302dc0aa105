import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inflights } from '../../src/raft/inflights.js';
import { Progress, ProgressState } from '../../src/raft/progress.js';

function progress(
  fields: Partial<
    Pick<Progress, 'match' | 'next' | 'state' | 'pendingSnapshot' | 'msgAppFlowPaused'>
  >,
): Progress {
  const pr = new Progress({
    match: fields.match ?? 0,
    next: fields.next ?? 1,
    inflights: new Inflights(256, 0),
    isLearner: false,
  });
  pr.state = fields.state ?? ProgressState.Probe;
  pr.pendingSnapshot = fields.pendingSnapshot ?? 0;
  pr.msgAppFlowPaused = fields.msgAppFlowPaused ?? false;
  return pr;
}

test('toString prints every flag in etcd format', () => {
  const inflights = new Inflights(1, 0);
  inflights.add(123, 1);
  const pr = new Progress({ match: 1, next: 2, inflights, isLearner: true });
  pr.state = ProgressState.Snapshot;
  pr.pendingSnapshot = 123;
  pr.msgAppFlowPaused = true;
  assert.equal(
    pr.toString(),
    'StateSnapshot match=1 next=2 learner paused pendingSnap=123 inactive inflight=1[full]',
  );
  const plain = progress({ match: 4, next: 5, state: ProgressState.Replicate });
  plain.recentActive = true;
  assert.equal(plain.toString(), 'StateReplicate match=4 next=5');
});

test('isPaused: probe and replicate follow the flow flag, snapshot always pauses', () => {
  const cases: [ProgressState, boolean, boolean][] = [
    [ProgressState.Probe, false, false],
    [ProgressState.Probe, true, true],
    [ProgressState.Replicate, false, false],
    [ProgressState.Replicate, true, true],
    [ProgressState.Snapshot, false, true],
    [ProgressState.Snapshot, true, true],
  ];
  for (const [state, paused, want] of cases) {
    assert.equal(progress({ state, msgAppFlowPaused: paused }).isPaused(), want);
  }
});

test('maybeUpdate and maybeDecrTo resume a paused flow', () => {
  const pr = progress({ next: 2, msgAppFlowPaused: true });
  pr.maybeDecrTo(1, 1);
  assert.equal(pr.msgAppFlowPaused, false);
  pr.msgAppFlowPaused = true;
  pr.maybeUpdate(2);
  assert.equal(pr.msgAppFlowPaused, false);
});

test('becomeProbe restarts after match, or after a snapshot that finished', () => {
  const cases: [Progress, number][] = [
    [progress({ state: ProgressState.Replicate, match: 1, next: 5 }), 2],
    [progress({ state: ProgressState.Snapshot, match: 1, next: 5, pendingSnapshot: 10 }), 11],
    [progress({ state: ProgressState.Snapshot, match: 1, next: 5, pendingSnapshot: 0 }), 2],
  ];
  for (const [pr, next] of cases) {
    pr.becomeProbe();
    assert.equal(pr.state, ProgressState.Probe);
    assert.equal(pr.match, 1);
    assert.equal(pr.next, next);
    assert.equal(pr.pendingSnapshot, 0);
  }
});

test('becomeReplicate sends from match+1; becomeSnapshot waits for the snapshot', () => {
  const pr = progress({ match: 1, next: 5 });
  pr.becomeReplicate();
  assert.equal(pr.state, ProgressState.Replicate);
  assert.equal(pr.next, 2);
  pr.becomeSnapshot(10);
  assert.equal(pr.state, ProgressState.Snapshot);
  assert.equal(pr.match, 1);
  assert.equal(pr.pendingSnapshot, 10);
  assert.equal(pr.next, 11);
  assert.equal(pr.isPaused(), true);
});

test('maybeUpdate never moves match or next backwards', () => {
  const cases: [number, number, number, boolean][] = [
    [2, 3, 5, false],
    [3, 3, 5, false],
    [4, 4, 5, true],
    [5, 5, 6, true],
  ];
  for (const [update, match, next, ok] of cases) {
    const pr = progress({ match: 3, next: 5 });
    assert.equal(pr.maybeUpdate(update), ok);
    assert.equal(pr.match, match);
    assert.equal(pr.next, next);
  }
});

test('maybeDecrTo ignores stale rejections and backs off by the hint', () => {
  const { Probe, Replicate } = ProgressState;
  // [state, match, next, rejected, hint, accepted, next after]
  const cases: [ProgressState, number, number, number, number, boolean, number][] = [
    [Replicate, 5, 10, 5, 5, false, 10],
    [Replicate, 5, 10, 4, 4, false, 10],
    [Replicate, 5, 10, 9, 9, true, 6],
    [Probe, 0, 0, 0, 0, false, 0],
    [Probe, 0, 10, 5, 5, false, 10],
    [Probe, 0, 10, 9, 9, true, 9],
    [Probe, 0, 2, 1, 1, true, 1],
    [Probe, 0, 1, 0, 0, true, 1],
    [Probe, 0, 10, 9, 2, true, 3],
    [Probe, 0, 10, 9, 0, true, 1],
  ];
  for (const [state, match, next, rejected, hint, ok, wantNext] of cases) {
    const pr = progress({ state, match, next });
    assert.equal(pr.maybeDecrTo(rejected, hint), ok);
    assert.equal(pr.match, match);
    assert.equal(pr.next, wantNext);
  }
});

test('sentEntries: replicate advances next and fills the window; probe pauses', () => {
  const pr = new Progress({ match: 0, next: 1, inflights: new Inflights(2, 0), isLearner: false });
  pr.becomeReplicate();
  pr.sentEntries(3, 30);
  assert.equal(pr.next, 4);
  assert.equal(pr.msgAppFlowPaused, false);
  pr.sentEntries(2, 20);
  assert.equal(pr.next, 6);
  assert.equal(pr.msgAppFlowPaused, true, 'a full window pauses the flow');
  pr.maybeUpdate(3);
  pr.inflights.freeLE(3);
  assert.equal(pr.msgAppFlowPaused, false);

  const probe = progress({ next: 5 });
  probe.sentEntries(0, 0);
  assert.equal(probe.msgAppFlowPaused, false, 'an empty probe does not pause');
  probe.sentEntries(1, 10);
  assert.equal(probe.msgAppFlowPaused, true);
  assert.equal(probe.next, 5, 'probing does not advance next');

  const snap = progress({ state: ProgressState.Snapshot });
  assert.throws(() => snap.sentEntries(1, 1), /StateSnapshot/);
});

test('canBumpCommit: only while the follower may not yet know a commit up to next-1', () => {
  const pr = progress({ match: 3, next: 6 });
  assert.equal(pr.canBumpCommit(4), true);
  pr.sentCommitTo(4);
  assert.equal(pr.canBumpCommit(4), false);
  assert.equal(pr.canBumpCommit(5), true);
  pr.sentCommitTo(5);
  assert.equal(pr.canBumpCommit(9), false, 'already sent commit next-1');
  pr.becomeSnapshot(8);
  assert.equal(pr.sentCommit, 8);
  pr.becomeProbe();
  assert.equal(pr.next, 9);
  assert.equal(pr.sentCommit, 8);
});

test('clone copies every field and gets its own inflights', () => {
  const pr = progress({ match: 2, next: 4, state: ProgressState.Replicate });
  pr.inflights.add(3, 10);
  pr.recentActive = true;
  const copy = pr.clone();
  assert.equal(copy.toString(), pr.toString());
  copy.inflights.freeLE(3);
  assert.equal(pr.inflights.count(), 1);
});
