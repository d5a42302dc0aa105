import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, UnavailableError } from '../../src/raft/log-storage.js';
import { EMPTY_CONF_STATE, type SnapshotMeta } from '../../src/raft/types.js';
import {
  CountingFileSystem,
  DIR,
  closeNow,
  ents,
  flushNow,
  openWal,
  simDisk,
  stateOf,
} from './helpers.js';

const CONF = { ...EMPTY_CONF_STATE, voters: [1, 2, 3] };

test('round trip: saved entries and hard state read back through LogStorage', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 5, 1), hardState: { term: 1, vote: 2, commit: 3 } });
  flushNow(wal, disk);
  const log = wal.group(1);
  assert.equal(log.firstIndex(), 1);
  assert.equal(log.lastIndex(), 5);
  assert.equal(log.term(0), 0);
  assert.equal(log.term(4), 1);
  assert.deepEqual(log.initialState().hardState, { term: 1, vote: 2, commit: 3 });
  assert.deepEqual(
    log.entries(2, 4, Infinity).map((e) => e.index),
    [2, 3],
  );
  assert.deepEqual(log.entries(1, 6, Infinity), ents(1, 5, 1));
});

test('LogStorage bounds: compacted and unavailable indices throw, maxBytes keeps at least one', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 10, 2) });
  wal.compact(1, 4);
  const log = wal.group(1);
  assert.throws(() => log.entries(4, 6, Infinity), CompactedError);
  assert.throws(() => log.entries(5, 12, Infinity), UnavailableError);
  assert.throws(() => log.term(3), CompactedError);
  assert.throws(() => log.term(11), UnavailableError);
  assert.equal(log.term(4), 2);
  const one = log.entries(5, 11, 0);
  assert.equal(one.length, 1);
  const size = (one[0]?.data.length ?? 0) * 2;
  assert.equal(log.entries(5, 11, size).length, 2);
});

test('restart rebuilds every group: entries, hard state, compaction and snapshots', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  for (let g = 1; g <= 20; g++) {
    wal.save(g, { entries: ents(1, g, 1, g), hardState: { term: 1, vote: g, commit: g - 1 } });
  }
  flushNow(wal, disk);
  wal.save(3, { entries: ents(4, 8, 2, 3), hardState: { term: 2, vote: 0, commit: 5 } });
  wal.compact(3, 5);
  const meta: SnapshotMeta = { index: 100, term: 7, confState: CONF };
  wal.save(7, { snapshot: { meta, data: new Uint8Array(0) }, entries: ents(101, 103, 7, 7) });
  wal.recordSnapshot(3, { index: 5, term: 2, confState: CONF });
  flushNow(wal, disk);
  const before = new Map(wal.groups().map((g) => [g, stateOf(wal.group(g))]));
  closeNow(wal, disk);

  const reopened = openWal(disk);
  assert.deepEqual(reopened.groups(), [...before.keys()]);
  for (const [g, state] of before) {
    assert.deepEqual(stateOf(reopened.group(g)), state, `group ${g}`);
  }
  assert.equal(reopened.group(3).firstIndex(), 6);
  assert.deepEqual(reopened.group(3).initialState().confState, CONF);
  assert.equal(reopened.group(7).firstIndex(), 101);
  assert.equal(reopened.group(7).term(100), 7);
});

test('appending at or below the last index replaces the conflicting suffix, also after restart', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 10, 1) });
  wal.save(1, { entries: ents(6, 7, 2) });
  flushNow(wal, disk);
  wal.save(1, { entries: ents(7, 8, 3) });
  flushNow(wal, disk);
  const expected = [...ents(1, 5, 1), ...ents(6, 6, 2), ...ents(7, 8, 3)];
  assert.deepEqual(wal.group(1).entries(1, 9, Infinity), expected);
  assert.equal(wal.group(1).lastIndex(), 8);
  closeNow(wal, disk);
  assert.deepEqual(openWal(disk).group(1).entries(1, 9, Infinity), expected);
});

test('an append after a gap is a programmer error', () => {
  const wal = openWal(simDisk());
  wal.save(1, { entries: ents(1, 3, 1) });
  assert.throws(() => wal.save(1, { entries: ents(5, 6, 1) }), /append at 5 after 3/);
});

test('group commit: saves of 100 groups in one turn take one write and one fdatasync', () => {
  const disk = simDisk();
  const counting = new CountingFileSystem(disk.fs);
  const wal = openWal(disk, { fs: counting });
  flushNow(wal, disk); // creates the first segment
  counting.appends = counting.fdatasyncs = 0;
  for (let g = 1; g <= 100; g++) {
    wal.save(g, { entries: ents(1, 10, 1, g), hardState: { term: 1, vote: 1, commit: 0 } });
  }
  flushNow(wal, disk);
  assert.equal(counting.appends, 1);
  assert.equal(counting.fdatasyncs, 1);
});

test('group commit: flushes issued while one is in flight share the next write', () => {
  const disk = simDisk();
  const counting = new CountingFileSystem(disk.fs);
  const wal = openWal(disk, { fs: counting });
  flushNow(wal, disk);
  counting.appends = counting.fdatasyncs = 0;
  const done: string[] = [];
  wal.save(1, { entries: ents(1, 1, 1) });
  wal.flush(() => done.push('a'));
  for (let i = 2; i <= 4; i++) {
    wal.save(1, { entries: ents(i, i, 1) });
    wal.flush(() => done.push(`b${i}`));
  }
  assert.deepEqual(done, []);
  disk.scheduler.runUntilIdle();
  assert.deepEqual(done, ['a', 'b2', 'b3', 'b4']);
  assert.equal(counting.appends, 2);
  assert.equal(counting.fdatasyncs, 2);
});

test('flush with nothing buffered or in flight is done at once', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  flushNow(wal, disk);
  let called = false;
  wal.flush(() => (called = true));
  assert.equal(called, true);
});

test('always: done only after the fdatasync, so a crash right after keeps the data', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 3, 1) });
  let done = false;
  wal.flush(() => (done = true));
  disk.scheduler.runWhile(() => !done);
  disk.fs.crash();
  assert.equal(openWal(disk).group(1).lastIndex(), 3);
});

test('everysec: flushes are done once written; one sync per second, when the timer asks', () => {
  const disk = simDisk();
  const counting = new CountingFileSystem(disk.fs);
  const wal = openWal(disk, { fs: counting, policy: 'everysec' });
  flushNow(wal, disk); // the new segment is always synced
  counting.fdatasyncs = 0;
  for (let i = 1; i <= 5; i++) {
    wal.save(1, { entries: ents(i, i, 1) });
    flushNow(wal, disk);
  }
  assert.equal(counting.fdatasyncs, 0);
  wal.syncIfDue();
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 0, 'less than a second passed');
  disk.scheduler.runFor(1000);
  wal.syncIfDue();
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 1);
  wal.syncIfDue();
  disk.scheduler.runFor(1000);
  wal.syncIfDue();
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 1, 'nothing new to sync');
  // A flush a second after the last sync syncs on its own.
  wal.save(1, { entries: ents(6, 6, 1) });
  flushNow(wal, disk);
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 2);
});

test('everysec: a crash loses at most what was written since the last sync', () => {
  const disk = simDisk(7, { tearProbability: 0 });
  const wal = openWal(disk, { policy: 'everysec' });
  wal.save(1, { entries: ents(1, 3, 1) });
  flushNow(wal, disk);
  disk.scheduler.runFor(1000);
  wal.syncIfDue();
  disk.scheduler.runUntilIdle();
  wal.save(1, { entries: ents(4, 6, 1) });
  flushNow(wal, disk);
  disk.fs.crash();
  assert.equal(openWal(disk).group(1).lastIndex(), 3);
});

test('no: never syncs on its own (but close does)', () => {
  const disk = simDisk();
  const counting = new CountingFileSystem(disk.fs);
  const wal = openWal(disk, { fs: counting, policy: 'no' });
  flushNow(wal, disk);
  counting.fdatasyncs = 0;
  for (let i = 1; i <= 5; i++) {
    wal.save(1, { entries: ents(i, i, 1) });
    flushNow(wal, disk);
    disk.scheduler.runFor(2000);
    wal.syncIfDue();
  }
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 0);
  closeNow(wal, disk);
  assert.equal(counting.fdatasyncs, 1);
});

test('a failed fdatasync fails the flush and every later one', () => {
  const disk = simDisk();
  const logs: string[] = [];
  const wal = openWal(disk, { logs });
  flushNow(wal, disk);
  disk.fs.failNextFsync();
  wal.save(1, { entries: ents(1, 1, 1) });
  let first: Error | null | undefined;
  wal.flush((err) => (first = err));
  disk.scheduler.runUntilIdle();
  assert.match(String(first), /EIO/);
  assert.equal(wal.failed, first);
  let second: Error | null | undefined;
  wal.flush((err) => (second = err));
  assert.equal(second, first);
  assert.ok(logs.some((l) => l.startsWith('error: wal: EIO')));
});

test('segments rotate at segmentBytes and a restart reads them all in order', () => {
  const disk = simDisk();
  const wal = openWal(disk, { segmentBytes: 512 });
  for (let i = 1; i <= 60; i++) {
    wal.save(1 + (i % 3), { entries: ents(Math.ceil(i / 3), Math.ceil(i / 3), 1, 1 + (i % 3)) });
    wal.save(1 + (i % 3), { hardState: { term: 1, vote: 1, commit: Math.ceil(i / 3) - 1 } });
    if (i % 4 === 0) flushNow(wal, disk);
  }
  flushNow(wal, disk);
  assert.ok(wal.segmentSeqs().length > 3, `segments: ${wal.segmentSeqs().join(',')}`);
  const before = [1, 2, 3].map((g) => stateOf(wal.group(g)));
  closeNow(wal, disk);
  const after = openWal(disk, { segmentBytes: 512 });
  assert.deepEqual(
    [1, 2, 3].map((g) => stateOf(after.group(g))),
    before,
  );
});

test('a segment is deleted only once every group with entries in it compacted past them', () => {
  const disk = simDisk();
  const wal = openWal(disk, { segmentBytes: 400 });
  for (let i = 1; i <= 30; i++) {
    wal.save(1, { entries: ents(i, i, 1, 1) });
    if (i <= 5) wal.save(2, { entries: ents(i, i, 1, 2) });
    flushNow(wal, disk);
  }
  const segs = wal.segmentSeqs();
  assert.ok(segs.length >= 4);
  const files = (): string[] => disk.fs.readdir(`${DIR}/wal`);
  const all = files();
  wal.compact(1, 30);
  flushNow(wal, disk);
  // Group 2's entries 1..5 pin the first segments; later ones only held group 1's.
  const kept = files();
  assert.ok(kept.includes(all[0] as string), 'group 2 still needs the first segment');
  assert.ok(kept.length < all.length, 'segments only group 1 used are gone');
  wal.compact(2, 5);
  flushNow(wal, disk);
  const last = wal.segmentSeqs();
  assert.equal(last.length, 1, `left: ${files().join(',')}`);
  assert.equal(files().length, 1);
  const before = [1, 2].map((g) => stateOf(wal.group(g)));
  closeNow(wal, disk);
  assert.deepEqual(
    [1, 2].map((g) => stateOf(openWal(disk).group(g))),
    before,
  );
});

test('an out-of-order deleted segment does not lose a group that lives in an older one', () => {
  const disk = simDisk();
  const wal = openWal(disk, { segmentBytes: 300 });
  wal.save(2, { entries: ents(1, 3, 1, 2), hardState: { term: 1, vote: 1, commit: 3 } });
  flushNow(wal, disk);
  for (let i = 1; i <= 40; i++) {
    wal.save(1, { entries: ents(i, i, 1, 1), hardState: { term: 1, vote: 1, commit: i } });
    flushNow(wal, disk);
    if (i % 10 === 0) {
      wal.compact(1, i);
      flushNow(wal, disk);
    }
  }
  const names = disk.fs.readdir(`${DIR}/wal`);
  assert.ok(names.includes('0000000000000001.wal'), 'group 2 pins segment 1');
  assert.ok(!names.includes('0000000000000002.wal'), 'segment 2 held only compacted entries');
  const before = [1, 2].map((g) => stateOf(wal.group(g)));
  closeNow(wal, disk);
  const after = openWal(disk);
  assert.deepEqual(
    [1, 2].map((g) => stateOf(after.group(g))),
    before,
  );
});

test('the active segment is never deleted', () => {
  const disk = simDisk();
  const wal = openWal(disk);
  wal.save(1, { entries: ents(1, 5, 1) });
  flushNow(wal, disk);
  wal.compact(1, 5);
  flushNow(wal, disk);
  assert.deepEqual(disk.fs.readdir(`${DIR}/wal`), ['0000000000000001.wal']);
});

test('setPolicy (CONFIG SET appendfsync) switches between syncing every flush and never', () => {
  const disk = simDisk();
  const counting = new CountingFileSystem(disk.fs);
  const wal = openWal(disk, { fs: counting, policy: 'always' });
  flushNow(wal, disk);
  counting.fdatasyncs = 0;
  wal.save(1, { entries: ents(1, 1, 1) });
  flushNow(wal, disk);
  assert.equal(counting.fdatasyncs, 1, 'always: one fsync for the flush');
  wal.setPolicy('no');
  wal.save(1, { entries: ents(2, 2, 1) });
  flushNow(wal, disk);
  disk.scheduler.runUntilIdle();
  assert.equal(counting.fdatasyncs, 1, 'no: the flush did not sync');
  closeNow(wal, disk);
});
