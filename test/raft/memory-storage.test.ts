/** MemoryStorage, after etcd raft's storage_test.go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, UnavailableError } from '../../src/raft/log-storage.js';
import { MemoryStorage, SnapshotOutOfDateError } from '../../src/raft/memory-storage.js';
import { EMPTY_BYTES, EMPTY_CONF_STATE, type Entry, type Snapshot } from '../../src/raft/types.js';
import { bytes, entriesAt, entry } from './network.js';

const CS = { ...EMPTY_CONF_STATE, voters: [1, 2, 3] };

function snapshot(index: number, term: number, data: Uint8Array = EMPTY_BYTES): Snapshot {
  return { meta: { index, term, confState: CS }, data };
}

/** Compacted at 3 (term 3), holding 4/4 and 5/5: etcd's `ents: index(3).terms(3, 4, 5)`. */
function storage345(more: Entry[] = []): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot(snapshot(3, 3));
  s.append([...entriesAt(4, 4, 5), ...more]);
  return s;
}

const ids = (ents: readonly Entry[]): string[] => ents.map((e) => `${e.index}/${e.term}`);

test('memory storage: term of compacted, held and missing indexes', () => {
  const s = storage345();
  assert.throws(() => s.term(2), CompactedError);
  assert.equal(s.term(3), 3);
  assert.equal(s.term(4), 4);
  assert.equal(s.term(5), 5);
  assert.throws(() => s.term(6), UnavailableError);
});

test('memory storage: entries within bounds and a byte limit (at least one entry)', () => {
  const s = new MemoryStorage();
  s.applySnapshot(snapshot(3, 3));
  const ten = bytes('x'.repeat(10));
  s.append([entry(4, 4, ten), entry(5, 5, ten), entry(6, 6, ten)]);
  assert.throws(() => s.entries(2, 6, Infinity), CompactedError);
  assert.throws(() => s.entries(3, 4, Infinity), CompactedError);
  assert.throws(() => s.entries(4, 8, Infinity), UnavailableError);
  const cases: [number, number, number, string[]][] = [
    [4, 5, Infinity, ['4/4']],
    [4, 6, Infinity, ['4/4', '5/5']],
    [4, 7, Infinity, ['4/4', '5/5', '6/6']],
    [4, 7, 0, ['4/4']],
    [4, 7, 20, ['4/4', '5/5']],
    [4, 7, 25, ['4/4', '5/5']],
    [4, 7, 29, ['4/4', '5/5']],
    [4, 7, 30, ['4/4', '5/5', '6/6']],
    [5, 5, Infinity, []],
  ];
  for (const [lo, hi, max, want] of cases)
    assert.deepEqual(ids(s.entries(lo, hi, max)), want, `[${lo},${hi}) ${max}`);
});

test('memory storage: first and last index follow appends and compaction', () => {
  const s = storage345();
  assert.equal(s.lastIndex(), 5);
  assert.equal(s.firstIndex(), 4);
  s.append(entriesAt(6, 5));
  assert.equal(s.lastIndex(), 6);
  s.compact(4);
  assert.equal(s.firstIndex(), 5);
  assert.equal(s.term(4), 4);
  assert.equal(s.lastIndex(), 6);
  const empty = new MemoryStorage();
  assert.equal(empty.firstIndex(), 1);
  assert.equal(empty.lastIndex(), 0);
  assert.equal(empty.term(0), 0);
});

test('memory storage: compact refuses what is already compacted', () => {
  for (const i of [2, 3]) {
    const s = storage345();
    assert.throws(() => s.compact(i), CompactedError);
    assert.equal(s.firstIndex(), 4);
  }
  const cases: [number, number, number][] = [
    [4, 4, 5],
    [5, 5, 6],
  ];
  for (const [i, wTerm, wFirst] of cases) {
    const s = storage345();
    s.compact(i);
    assert.equal(s.term(i), wTerm);
    assert.equal(s.firstIndex(), wFirst);
    assert.equal(s.lastIndex(), 5);
  }
  assert.throws(() => storage345().compact(6), /out of bound/);
});

test('memory storage: createSnapshot records index, term, conf state and data', () => {
  for (const i of [4, 5]) {
    const s = storage345();
    const snap = s.createSnapshot(i, CS, bytes('data'));
    assert.deepEqual(snap, snapshot(i, i, bytes('data')));
    assert.deepEqual(s.snapshot(), snap);
    // The log is kept until compacted.
    assert.equal(s.firstIndex(), 4);
  }
  const s = storage345();
  s.createSnapshot(5, null, EMPTY_BYTES);
  assert.throws(() => s.createSnapshot(4, CS, EMPTY_BYTES), SnapshotOutOfDateError);
  assert.throws(() => storage345().createSnapshot(6, CS, EMPTY_BYTES), /out of bound/);
});

test('memory storage: append truncates a conflicting tail and skips compacted entries', () => {
  const cases: [Entry[], string[]][] = [
    [entriesAt(1, 1, 2), ['4/4', '5/5']],
    [entriesAt(3, 3, 4, 5), ['4/4', '5/5']],
    [entriesAt(3, 3, 6, 6), ['4/6', '5/6']],
    [entriesAt(3, 3, 4, 5, 5), ['4/4', '5/5', '6/5']],
    [entriesAt(2, 3, 3, 5), ['4/5']],
    [entriesAt(4, 5), ['4/5']],
    [entriesAt(6, 5), ['4/4', '5/5', '6/5']],
  ];
  for (const [ents, want] of cases) {
    const s = storage345();
    s.append(ents);
    assert.deepEqual(ids(s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity)), want);
  }
  assert.throws(() => storage345().append(entriesAt(7, 5)), /missing log entry/);
});

test('memory storage: applySnapshot replaces the log unless it is older', () => {
  const s = new MemoryStorage();
  s.append(entriesAt(1, 1, 1));
  s.applySnapshot(snapshot(4, 4, bytes('data')));
  assert.equal(s.firstIndex(), 5);
  assert.equal(s.lastIndex(), 4);
  assert.equal(s.term(4), 4);
  assert.deepEqual(s.initialState().confState, CS);
  assert.throws(() => s.applySnapshot(snapshot(3, 3)), SnapshotOutOfDateError);
  // A snapshot at 0 only sets the configuration (bootstrap).
  const b = new MemoryStorage();
  b.applySnapshot(snapshot(0, 0));
  assert.deepEqual(b.initialState().confState, CS);
  assert.equal(b.lastIndex(), 0);
});

test('memory storage: initial state is the hard state set and the snapshot’s conf state', () => {
  const s = new MemoryStorage(CS);
  assert.deepEqual(s.initialState(), { hardState: { term: 0, vote: 0, commit: 0 }, confState: CS });
  s.setHardState({ term: 3, vote: 2, commit: 1 });
  assert.deepEqual(s.initialState().hardState, { term: 3, vote: 2, commit: 1 });
});
