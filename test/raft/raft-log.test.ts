/** RaftLog and Unstable, after etcd raft's log_test.go and log_unstable_test.go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError } from '../../src/raft/log-storage.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { RaftLog } from '../../src/raft/raft-log.js';
import { Unstable } from '../../src/raft/unstable.js';
import { EMPTY_BYTES, EMPTY_CONF_STATE, type Entry, type Snapshot } from '../../src/raft/types.js';
import { bytes, entriesAt, entry } from './network.js';

const ids = (ents: readonly Entry[]): string[] => ents.map((e) => `${e.index}/${e.term}`);

function snap(index: number, term: number): Snapshot {
  return { meta: { index, term, confState: EMPTY_CONF_STATE }, data: EMPTY_BYTES };
}

/** Entries at consecutive indexes from `first` with terms from..to-1 (etcd termRange). */
function termRange(first: number, from: number, to: number): Entry[] {
  return Array.from({ length: to - from }, (_, i) => entry(first + i, from + i));
}

function logWith(ents: Entry[], storage = new MemoryStorage()): RaftLog {
  const l = new RaftLog(storage);
  l.append(ents);
  return l;
}

test('raft log: findConflict finds the first new or conflicting entry', () => {
  const cases: [Entry[], number][] = [
    [[], 0],
    [entriesAt(1, 1, 2, 3), 0],
    [entriesAt(2, 2, 3), 0],
    [entriesAt(3, 3), 0],
    [entriesAt(1, 1, 2, 3, 4, 4), 4],
    [entriesAt(2, 2, 3, 4, 5), 4],
    [entriesAt(3, 3, 4, 4), 4],
    [entriesAt(4, 4, 4), 4],
    [entriesAt(1, 4, 4), 1],
    [entriesAt(2, 1, 4, 4), 2],
    [entriesAt(3, 1, 2, 4, 4), 3],
  ];
  cases.forEach(([ents, want], i) => {
    assert.equal(logWith(entriesAt(1, 1, 2, 3)).findConflict(ents), want, `#${i}`);
  });
});

test('raft log: findConflictByTerm returns the last index at or below with a term <= the given', () => {
  // [snapshot (index, term), entry terms after it, index, term, want]
  const cases: [[number, number], number[], number, number, number][] = [
    [[0, 0], [2, 2, 5, 5, 5], 100, 2, 100], // unavailable
    [[0, 0], [2, 2, 5, 5, 5], 5, 6, 5],
    [[0, 0], [2, 2, 5, 5, 5], 5, 5, 5],
    [[0, 0], [2, 2, 5, 5, 5], 5, 4, 2],
    [[0, 0], [2, 2, 5, 5, 5], 5, 2, 2],
    [[0, 0], [2, 2, 5, 5, 5], 5, 1, 0],
    [[0, 0], [2, 2, 5, 5, 5], 1, 2, 1],
    [[0, 0], [2, 2, 5, 5, 5], 1, 1, 0],
    [[0, 0], [2, 2, 5, 5, 5], 0, 0, 0],
    [[10, 3], [3, 3, 4, 4, 4], 30, 3, 30], // unavailable
    [[10, 3], [3, 3, 4, 4, 4], 14, 9, 14],
    [[10, 3], [3, 3, 4, 4, 4], 14, 4, 14],
    [[10, 3], [3, 3, 4, 4, 4], 14, 3, 12],
    [[10, 3], [3, 3, 4, 4, 4], 14, 2, 9],
    [[10, 3], [3, 3, 4, 4, 4], 11, 5, 11],
    [[10, 3], [3, 3, 4, 4, 4], 10, 5, 10],
    [[10, 3], [3, 3, 4, 4, 4], 10, 3, 10],
    [[10, 3], [3, 3, 4, 4, 4], 10, 2, 9],
    [[10, 3], [3, 3, 4, 4, 4], 9, 2, 9], // compacted
    [[10, 3], [3, 3, 4, 4, 4], 4, 2, 4], // compacted
    [[10, 3], [3, 3, 4, 4, 4], 0, 0, 0],
  ];
  cases.forEach(([[si, st], terms, index, term, want], i) => {
    const s = new MemoryStorage();
    s.applySnapshot(snap(si, st));
    const l = logWith(entriesAt(si + 1, ...terms), s);
    const [gotIndex, gotTerm] = l.findConflictByTerm(index, term);
    assert.equal(gotIndex, want, `#${i}`);
    assert.equal(gotTerm, l.term(gotIndex) ?? 0, `#${i}`);
  });
});

test('raft log: isUpToDate compares last terms, then last indexes (§5.4.1)', () => {
  const l = logWith(entriesAt(1, 1, 2, 3));
  const last = l.lastIndex();
  const cases: [number, number, boolean][] = [
    [last - 1, 4, true],
    [last, 4, true],
    [last + 1, 4, true],
    [last - 1, 2, false],
    [last, 2, false],
    [last + 1, 2, false],
    [last - 1, 3, false],
    [last, 3, true],
    [last + 1, 3, true],
  ];
  for (const [index, term, want] of cases) assert.equal(l.isUpToDate(index, term), want);
});

test('raft log: append overwrites a conflicting tail and moves the unstable offset', () => {
  const cases: [Entry[], number, Entry[], number][] = [
    [[], 2, entriesAt(1, 1, 2), 3],
    [entriesAt(3, 2), 3, entriesAt(1, 1, 2, 2), 3],
    [entriesAt(1, 2), 1, entriesAt(1, 2), 1],
    [entriesAt(2, 3, 3), 3, entriesAt(1, 1, 3, 3), 2],
  ];
  cases.forEach(([ents, wIndex, wEnts, wUnstable], i) => {
    const s = new MemoryStorage();
    s.append(entriesAt(1, 1, 2));
    const l = new RaftLog(s);
    assert.equal(l.append(ents), wIndex, `#${i}`);
    assert.deepEqual(ids(l.entries(1, Infinity)), ids(wEnts), `#${i}`);
    assert.equal(l.unstable.offset, wUnstable, `#${i}`);
  });
});

test('raft log: maybeAppend appends after a matching entry and commits up to the last new one', () => {
  const lastIndex = 3;
  const lastTerm = 3;
  const commit = 1;
  // [prevIndex, prevTerm, leaderCommit, ents, wLast (undefined: no match), wCommit, throws]
  const cases: [number, number, number, Entry[], number | undefined, number, boolean][] = [
    [lastIndex, lastTerm - 1, lastIndex, entriesAt(lastIndex + 1, 4), undefined, commit, false],
    [lastIndex + 1, lastTerm, lastIndex, entriesAt(lastIndex + 2, 4), undefined, commit, false],
    [lastIndex, lastTerm, lastIndex, [], lastIndex, lastIndex, false],
    [lastIndex, lastTerm, lastIndex + 1, [], lastIndex, lastIndex, false],
    [lastIndex, lastTerm, lastIndex - 1, [], lastIndex, lastIndex - 1, false],
    [lastIndex, lastTerm, 0, [], lastIndex, commit, false],
    [0, 0, lastIndex, [], 0, commit, false],
    [lastIndex, lastTerm, lastIndex, entriesAt(lastIndex + 1, 4), lastIndex + 1, lastIndex, false],
    [
      lastIndex,
      lastTerm,
      lastIndex + 1,
      entriesAt(lastIndex + 1, 4),
      lastIndex + 1,
      lastIndex + 1,
      false,
    ],
    [
      lastIndex,
      lastTerm,
      lastIndex + 2,
      entriesAt(lastIndex + 1, 4),
      lastIndex + 1,
      lastIndex + 1,
      false,
    ],
    [
      lastIndex,
      lastTerm,
      lastIndex + 2,
      entriesAt(lastIndex + 1, 4, 4),
      lastIndex + 2,
      lastIndex + 2,
      false,
    ],
    [lastIndex - 1, lastTerm - 1, lastIndex, entriesAt(lastIndex, 4), lastIndex, lastIndex, false],
    [
      lastIndex - 2,
      lastTerm - 2,
      lastIndex,
      entriesAt(lastIndex - 1, 4),
      lastIndex - 1,
      lastIndex - 1,
      false,
    ],
    // Conflicts with a committed entry.
    [lastIndex - 3, lastTerm - 3, lastIndex, entriesAt(lastIndex - 2, 4), undefined, 0, true],
    [
      lastIndex - 2,
      lastTerm - 2,
      lastIndex,
      entriesAt(lastIndex - 1, 4, 4),
      lastIndex,
      lastIndex,
      false,
    ],
  ];
  cases.forEach(([prevIndex, prevTerm, leaderCommit, ents, wLast, wCommit, throws], i) => {
    const l = logWith(entriesAt(1, 1, 2, 3));
    l.committed = commit;
    if (throws) {
      assert.throws(
        () => l.maybeAppend(prevIndex, prevTerm, ents, leaderCommit),
        /conflicts with committed/,
        `#${i}`,
      );
      return;
    }
    assert.equal(l.maybeAppend(prevIndex, prevTerm, ents, leaderCommit), wLast, `#${i}`);
    assert.equal(l.committed, wCommit, `#${i}`);
    if (wLast !== undefined && ents.length > 0) {
      const got = l.slice(l.lastIndex() - ents.length + 1, l.lastIndex() + 1, Infinity);
      assert.deepEqual(ids(got), ids(ents), `#${i}`);
    }
  });
});

test('raft log: everything works after storage compacts under the log', () => {
  const s = new MemoryStorage();
  s.append(termRange(1, 1, 751));
  const l = new RaftLog(s);
  l.append(termRange(751, 751, 1001));
  assert.equal(l.maybeCommit(l.lastIndex(), l.lastTerm()), true);
  l.appliedTo(l.committed, 0);
  s.compact(500);
  assert.equal(l.lastIndex(), 1000);
  for (let j = 500; j <= l.lastIndex(); j++) {
    assert.equal(l.term(j), j);
    assert.equal(l.matchTerm(j, j), true);
  }
  const unstable = l.nextUnstableEnts();
  assert.equal(unstable.length, 250);
  assert.equal(unstable[0]?.index, 751);
  const prev = l.lastIndex();
  l.append([entry(l.lastIndex() + 1, l.lastIndex() + 1)]);
  assert.equal(l.lastIndex(), prev + 1);
  assert.equal(l.entries(l.lastIndex(), Infinity).length, 1);
  assert.throws(() => l.entries(400, Infinity), CompactedError);
});

/** Snapshot at 3, entry 4 stable, 5 and 6 unstable, committed to 5. */
function applyFixture(maxSize = Infinity): RaftLog {
  const s = new MemoryStorage();
  s.applySnapshot(snap(3, 1));
  const ents = entriesAt(4, 1, 1, 1);
  s.append(ents.slice(0, 1));
  const l = new RaftLog(s, maxSize);
  l.append(ents);
  l.stableTo(4, 1);
  l.maybeCommit(5, 1);
  return l;
}

test('raft log: committed entries are handed out once, within what is stable when asked', () => {
  // [applied, applying, allowUnstable, paused, snapshot, want]
  const cases: [number, number, boolean, boolean, boolean, string[]][] = [
    [3, 3, true, false, false, ['4/1', '5/1']],
    [3, 4, true, false, false, ['5/1']],
    [3, 5, true, false, false, []],
    [4, 4, true, false, false, ['5/1']],
    [4, 5, true, false, false, []],
    [5, 5, true, false, false, []],
    [3, 3, false, false, false, ['4/1']],
    [3, 4, false, false, false, []],
    [3, 5, false, false, false, []],
    [4, 4, false, false, false, []],
    [4, 5, false, false, false, []],
    [5, 5, false, false, false, []],
    [3, 3, true, true, false, []],
    [3, 3, true, false, true, []],
  ];
  cases.forEach(([applied, applying, allowUnstable, paused, withSnap, want], i) => {
    const l = applyFixture();
    l.appliedTo(applied, 0);
    l.acceptApplying(applying, 0, allowUnstable);
    l.applyingEntsPaused = paused;
    if (withSnap) l.restore(snap(4, 1));
    assert.equal(l.hasNextCommittedEnts(allowUnstable), want.length > 0, `#${i}`);
    assert.deepEqual(ids(l.nextCommittedEnts(allowUnstable)), want, `#${i}`);
  });
});

test('raft log: handing out entries pauses at the size budget or a cut-short batch', () => {
  const max = 100;
  const cases: [number, boolean, number, boolean][] = [
    [3, true, max - 1, true],
    [3, true, max, true],
    [3, true, max + 1, true],
    [4, true, max - 1, true],
    [4, true, max, true],
    [4, true, max + 1, true],
    [5, true, max - 1, false],
    [5, true, max, true],
    [5, true, max + 1, true],
    [3, false, max - 1, true],
    [3, false, max, true],
    [3, false, max + 1, true],
    [4, false, max - 1, false],
    [4, false, max, true],
    [4, false, max + 1, true],
    [5, false, max - 1, false],
    [5, false, max, true],
    [5, false, max + 1, true],
  ];
  cases.forEach(([index, allowUnstable, size, paused], i) => {
    const l = applyFixture(max);
    l.appliedTo(3, 0);
    l.acceptApplying(index, size, allowUnstable);
    assert.equal(l.applyingEntsPaused, paused, `#${i}`);
  });
});

test('raft log: applying releases the size budget', () => {
  const max = 100;
  const over = 5;
  const cases: [number, number, number, boolean][] = [
    [4, over - 1, max + 1, true],
    [4, over, max, true],
    [4, over + 1, max - 1, false],
    [5, over - 1, max + 1, true],
    [5, over, max, true],
    [5, over + 1, max - 1, false],
    [4, max + over, 0, false],
    [4, max + over + 1, 0, false], // never negative
  ];
  cases.forEach(([index, size, wSize, wPaused], i) => {
    const l = applyFixture(max);
    l.appliedTo(3, 0);
    l.acceptApplying(5, max + over, false);
    l.appliedTo(index, size);
    assert.equal(l.applied, index, `#${i}`);
    assert.equal(l.applying, 5, `#${i}`);
    assert.equal(l.applyingEntsSize, wSize, `#${i}`);
    assert.equal(l.applyingEntsPaused, wPaused, `#${i}`);
  });
});

test('raft log: next unstable entries, and stableTo moving the offset', () => {
  const prev = entriesAt(1, 1, 2);
  for (const [unstableFrom, want] of [
    [3, []],
    [1, ['1/1', '2/2']],
  ] as const) {
    const s = new MemoryStorage();
    s.append(prev.slice(0, unstableFrom - 1));
    const l = new RaftLog(s);
    l.append(prev.slice(unstableFrom - 1));
    const ents = l.nextUnstableEnts();
    const last = ents[ents.length - 1];
    if (last !== undefined) l.stableTo(last.index, last.term);
    assert.deepEqual(ids(ents), want);
    assert.equal(l.unstable.offset, 3);
  }
  const cases: [number, number, number][] = [
    [1, 1, 2],
    [2, 2, 3],
    [2, 1, 1], // wrong term
    [3, 1, 1], // wrong index
  ];
  for (const [index, term, want] of cases) {
    const l = logWith(entriesAt(1, 1, 2));
    l.stableTo(index, term);
    assert.equal(l.unstable.offset, want);
  }
});

test('raft log: stableTo after a snapshot', () => {
  const si = 5;
  const st = 2;
  const cases: [number, number, Entry[], number][] = [
    [si + 1, st, [], si + 1],
    [si, st, [], si + 1],
    [si - 1, st, [], si + 1],
    [si + 1, st + 1, [], si + 1],
    [si, st + 1, [], si + 1],
    [si - 1, st + 1, [], si + 1],
    [si + 1, st, entriesAt(si + 1, st), si + 2],
    [si, st, entriesAt(si + 1, st), si + 1],
    [si - 1, st, entriesAt(si + 1, st), si + 1],
    [si + 1, st + 1, entriesAt(si + 1, st), si + 1],
    [si, st + 1, entriesAt(si + 1, st), si + 1],
    [si - 1, st + 1, entriesAt(si + 1, st), si + 1],
  ];
  cases.forEach(([index, term, ents, want], i) => {
    const s = new MemoryStorage();
    s.applySnapshot(snap(si, st));
    const l = logWith(ents, s);
    l.stableTo(index, term);
    assert.equal(l.unstable.offset, want, `#${i}`);
  });
});

test('raft log: commitTo never decreases and never passes the last index', () => {
  const l = logWith(entriesAt(1, 1, 2, 3));
  l.committed = 2;
  l.commitTo(3);
  assert.equal(l.committed, 3);
  l.commitTo(1);
  assert.equal(l.committed, 3);
  assert.throws(() => l.commitTo(4), /out of range/);
  assert.throws(() => l.appliedTo(4, 0), /out of range/);
});

test('raft log: entries left after successive compactions', () => {
  const s = new MemoryStorage();
  s.append(termRange(1, 1, 1001));
  const l = new RaftLog(s);
  l.commitTo(1000);
  l.appliedTo(l.committed, 0);
  const steps: [number, number][] = [
    [300, 700],
    [500, 500],
    [800, 200],
    [900, 100],
  ];
  for (const [at, left] of steps) {
    s.compact(at);
    assert.equal(l.allEntries().length, left);
  }
  assert.throws(() => s.compact(899), CompactedError);
  assert.throws(() => s.compact(1001), /out of bound/);
});

test('raft log: a log over a snapshot starts after it', () => {
  const s = new MemoryStorage();
  s.applySnapshot(snap(1000, 1000));
  const l = new RaftLog(s);
  assert.equal(l.allEntries().length, 0);
  assert.equal(l.firstIndex(), 1001);
  assert.equal(l.committed, 1000);
  assert.equal(l.unstable.offset, 1001);
  assert.equal(l.term(1000), 1000);
});

test('raft log: term of compacted, held, snapshotted and missing indexes', () => {
  const s = new MemoryStorage();
  s.applySnapshot(snap(100, 1));
  const l = logWith(termRange(101, 1, 100), s);
  assert.equal(l.term(99), undefined);
  assert.equal(l.term(100), 1);
  assert.equal(l.term(150), 50);
  assert.equal(l.term(199), 99);
  assert.equal(l.term(200), undefined);
  // With an unstable snapshot beyond storage's, the gap is compacted.
  const s2 = new MemoryStorage();
  s2.applySnapshot(snap(100, 1));
  const l2 = new RaftLog(s2);
  l2.restore(snap(105, 1));
  assert.equal(l2.term(100), undefined);
  assert.equal(l2.term(101), undefined);
  assert.equal(l2.term(104), undefined);
  assert.equal(l2.term(105), 1);
  assert.equal(l2.term(106), undefined);
  assert.equal(l2.hasNextOrInProgressSnapshot(), true);
  assert.equal(l2.firstIndex(), 106);
});

test('raft log: slice joins storage and unstable entries within a byte limit', () => {
  const offset = 100;
  const num = 100;
  const last = offset + num;
  const half = offset + num / 2;
  const size = 8;
  const ents = (from: number, to: number): Entry[] =>
    Array.from({ length: to - from }, (_, i) => entry(from + i, from + i, bytes('x'.repeat(size))));
  const s = new MemoryStorage();
  s.applySnapshot(snap(offset, 0));
  s.append(ents(offset + 1, half));
  const l = logWith(ents(half, last), s);
  assert.throws(() => l.slice(offset - 1, offset + 1, Infinity), CompactedError);
  assert.throws(() => l.slice(offset, offset + 1, Infinity), CompactedError);
  assert.throws(() => l.slice(half, half - 1, Infinity), /invalid slice/);
  assert.throws(() => l.slice(last, last + 1, Infinity), /out of bound/);
  const cases: [number, number, number, [number, number]][] = [
    [offset + 1, offset + 1, Infinity, [offset + 1, offset + 1]],
    [offset + 1, half - 1, Infinity, [offset + 1, half - 1]],
    [offset + 1, half, Infinity, [offset + 1, half]],
    [offset + 1, half + 1, Infinity, [offset + 1, half + 1]],
    [offset + 1, last, Infinity, [offset + 1, last]],
    [half - 1, half + 1, Infinity, [half - 1, half + 1]],
    [half, last, Infinity, [half, last]],
    [last - 1, last, Infinity, [last - 1, last]],
    // At least one entry.
    [offset + 1, last, 0, [offset + 1, offset + 2]],
    [half - 1, half + 1, 0, [half - 1, half]],
    [half, last, 0, [half, half + 1]],
    [half + 1, last, 0, [half + 1, half + 2]],
    [offset + 1, last, size - 1, [offset + 1, offset + 2]],
    [half - 1, half + 1, size, [half - 1, half]],
    [half, last, size + 1, [half, half + 1]],
    [offset + 1, last, size * 2, [offset + 1, offset + 3]],
    [half - 2, half + 1, size * 2, [half - 2, half]],
    [half - 1, half + 1, size * 2, [half - 1, half + 1]],
    [half, last, size * 2, [half, half + 2]],
    [half - 2, half + 1, size * 3 - 1, [half - 2, half]],
    [half - 1, half + 2, size * 3, [half - 1, half + 2]],
  ];
  for (const [lo, hi, lim, [wLo, wHi]] of cases) {
    assert.deepEqual(ids(l.slice(lo, hi, lim)), ids(ents(wLo, wHi)), `[${lo},${hi}) @ ${lim}`);
  }
});

test('raft log: scan pages through the same entries as slice', () => {
  const offset = 47;
  const num = 20;
  const last = offset + num;
  const half = offset + num / 2;
  const ents = (from: number, to: number): Entry[] =>
    Array.from({ length: to - from }, (_, i) => entry(from + i, from + i, bytes('yy')));
  const s = new MemoryStorage();
  s.applySnapshot(snap(offset, 0));
  s.append(ents(offset + 1, half));
  const l = logWith(ents(half, last), s);
  for (const pageSize of [0, 1, 2, 3, 10, 100]) {
    for (let lo = offset + 1; lo < last; lo++) {
      for (let hi = lo; hi <= last; hi++) {
        const got: Entry[] = [];
        l.scan(lo, hi, pageSize, (page) => {
          assert.ok(page.length === 1 || page.length * 2 <= pageSize);
          got.push(...page);
          return true;
        });
        assert.deepEqual(ids(got), ids(l.slice(lo, hi, Infinity)));
      }
    }
  }
  let pages = 0;
  assert.equal(
    l.scan(offset + 1, half, 0, () => ++pages < 2),
    false,
  );
  assert.equal(pages, 2);
});

// --- unstable ------------------------------------------------------------------------

function unstable(entries: Entry[], offset: number, snapshot: Snapshot | null = null): Unstable {
  const u = new Unstable(offset);
  u.entries = entries;
  u.snapshot = snapshot;
  return u;
}

test('unstable: first, last index and term come from entries or the snapshot', () => {
  assert.equal(unstable(entriesAt(5, 1), 5).maybeFirstIndex(), undefined);
  assert.equal(unstable([], 0).maybeFirstIndex(), undefined);
  assert.equal(unstable(entriesAt(5, 1), 5, snap(4, 1)).maybeFirstIndex(), 5);
  assert.equal(unstable([], 5, snap(4, 1)).maybeFirstIndex(), 5);

  assert.equal(unstable(entriesAt(5, 1), 5).maybeLastIndex(), 5);
  assert.equal(unstable(entriesAt(5, 1), 5, snap(4, 1)).maybeLastIndex(), 5);
  assert.equal(unstable([], 5, snap(4, 1)).maybeLastIndex(), 4);
  assert.equal(unstable([], 0).maybeLastIndex(), undefined);

  const cases: [Unstable, number, number | undefined][] = [
    [unstable(entriesAt(5, 1), 5), 5, 1],
    [unstable(entriesAt(5, 1), 5), 6, undefined],
    [unstable(entriesAt(5, 1), 5), 4, undefined],
    [unstable(entriesAt(5, 1), 5, snap(4, 1)), 5, 1],
    [unstable(entriesAt(5, 1), 5, snap(4, 1)), 6, undefined],
    [unstable(entriesAt(5, 1), 5, snap(4, 1)), 4, 1],
    [unstable(entriesAt(5, 1), 5, snap(4, 1)), 3, undefined],
    [unstable([], 5, snap(4, 1)), 5, undefined],
    [unstable([], 5, snap(4, 1)), 4, 1],
    [unstable([], 0), 5, undefined],
  ];
  cases.forEach(([u, i, want], n) => assert.equal(u.maybeTerm(i), want, `#${n}`));
});

test('unstable: entries and snapshot are handed out once (accept in progress)', () => {
  const u = unstable(entriesAt(5, 1, 1), 5, snap(4, 1));
  assert.deepEqual(ids(u.nextEntries()), ['5/1', '6/1']);
  assert.ok(u.nextSnapshot());
  u.acceptInProgress();
  assert.deepEqual(u.nextEntries(), []);
  assert.equal(u.nextSnapshot(), null);
  assert.equal(u.offsetInProgress, 7);
  u.truncateAndAppend(entriesAt(7, 1));
  assert.deepEqual(ids(u.nextEntries()), ['7/1']);
});

test('unstable: stableTo drops durable entries unless they were replaced', () => {
  const cases: [Entry[], number, number, Snapshot | null, number, number, number][] = [
    [[], 0, 0, null, 5, 1, 0],
    [entriesAt(5, 1), 5, 6, null, 5, 1, 6], // stable to the first entry
    [entriesAt(5, 1, 1), 5, 6, null, 5, 1, 6],
    [entriesAt(5, 1, 1), 5, 7, null, 5, 1, 6], // in progress beyond
    [entriesAt(6, 2), 6, 7, null, 6, 1, 6], // wrong term
    [entriesAt(5, 1), 5, 6, null, 4, 1, 5], // before the offset
    [entriesAt(5, 1), 5, 6, snap(4, 1), 5, 1, 6],
    [entriesAt(5, 1), 5, 6, snap(4, 1), 4, 1, 5], // the snapshot's index
  ];
  cases.forEach(([ents, offset, inProgress, s, index, term, wOffset], i) => {
    const u = unstable(ents, offset, s);
    u.offsetInProgress = inProgress;
    u.stableTo(index, term);
    assert.equal(u.offset, wOffset, `#${i}`);
    assert.ok(u.offsetInProgress >= u.offset, `#${i}`);
  });
  const u = unstable([], 5, snap(4, 1));
  u.stableSnapTo(3);
  assert.ok(u.snapshot);
  u.stableSnapTo(4);
  assert.equal(u.snapshot, null);
});

test('unstable: truncateAndAppend appends, replaces or truncates', () => {
  // [entries, offset, inProgress, toAppend, wOffset, wInProgress, wEntries]
  const cases: [Entry[], number, number, Entry[], number, number, string[]][] = [
    [entriesAt(5, 1), 5, 5, entriesAt(6, 1, 1), 5, 5, ['5/1', '6/1', '7/1']],
    [entriesAt(5, 1), 5, 6, entriesAt(6, 1, 1), 5, 6, ['5/1', '6/1', '7/1']],
    [entriesAt(5, 1), 5, 5, entriesAt(5, 2, 2), 5, 5, ['5/2', '6/2']],
    [entriesAt(5, 1), 5, 5, entriesAt(4, 2, 2, 2), 4, 4, ['4/2', '5/2', '6/2']],
    [entriesAt(5, 1), 5, 6, entriesAt(5, 2, 2), 5, 5, ['5/2', '6/2']],
    [entriesAt(5, 1, 1, 1), 5, 5, entriesAt(6, 2), 5, 5, ['5/1', '6/2']],
    [entriesAt(5, 1, 1, 1), 5, 5, entriesAt(7, 2, 2), 5, 5, ['5/1', '6/1', '7/2', '8/2']],
    [entriesAt(5, 1, 1, 1), 5, 7, entriesAt(6, 2), 5, 6, ['5/1', '6/2']],
    [entriesAt(5, 1, 1, 1), 5, 8, entriesAt(6, 2), 5, 6, ['5/1', '6/2']],
  ];
  cases.forEach(([ents, offset, inProgress, app, wOffset, wInProgress, wEnts], i) => {
    const u = unstable(ents, offset);
    u.offsetInProgress = inProgress;
    u.truncateAndAppend(app);
    assert.equal(u.offset, wOffset, `#${i}`);
    assert.equal(u.offsetInProgress, wInProgress, `#${i}`);
    assert.deepEqual(ids(u.entries), wEnts, `#${i}`);
  });
  // Appended entries do not alias the caller's array.
  const given = entriesAt(1, 1);
  const u = unstable([], 1);
  u.truncateAndAppend(given);
  u.truncateAndAppend(entriesAt(2, 1));
  assert.equal(given.length, 1);
});

test('unstable: restore replaces everything by the snapshot', () => {
  const u = unstable(entriesAt(5, 1), 5, snap(4, 1));
  u.offsetInProgress = 6;
  u.snapshotInProgress = true;
  const s = snap(6, 2);
  u.restore(s);
  assert.equal(u.offset, 7);
  assert.equal(u.offsetInProgress, 7);
  assert.deepEqual(u.entries, []);
  assert.equal(u.snapshot, s);
  assert.equal(u.snapshotInProgress, false);
});
