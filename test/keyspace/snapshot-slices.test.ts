/**
 * Huge collections in background snapshots: a hashtable hash or set, a skiplist sorted
 * set and a list are written a bounded number of elements per piece, their record
 * spanning as many pieces as it needs, with the very bytes of a record written whole.
 * A command about to change the collection whose record is half-written has the rest
 * of it written at once, before the change; anything else leaves it to go on in slices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import {
  RdbWriter,
  writeObject,
  writeObjectInSlices,
  writtenInSlices,
  type SliceBudget,
} from '../../src/keyspace/serialize.js';
import {
  KeyspaceSnapshotWriter,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../../src/keyspace/snapshot.js';
import type { Value } from '../../src/keyspace/value.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { Rng } from '../../src/util/rng.js';

const SETTINGS: ExecSettings = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  number: (name) => (name.endsWith('-entries') ? 128 : 64),
};

/** A keyspace driven by applied entries, telling a snapshot writer when they run. */
class Replica {
  readonly keyspace = new Keyspace(4);
  private readonly machine = new StateMachine(this.keyspace, new Registry(), SETTINGS);
  writer: KeyspaceSnapshotWriter | null = null;
  private seed = 1;

  run(db: number, ...argv: string[]): Reply {
    if (this.writer !== null) this.writer.applying = true;
    try {
      const entry = { kind: 'command' as const, db, argv, time: 1_700_000_000_000 };
      return this.machine.apply({ ...entry, seed: this.seed++ }, true) as Reply;
    } finally {
      if (this.writer !== null) this.writer.applying = false;
    }
  }
}

const KINDS = ['hash', 'set', 'iset', 'zset', 'list'] as const;
type Kind = (typeof KINDS)[number];
const HUGE = 'huge:key';
const AFTER = 'after-the-huge-key';

/**
 * `n` elements of a big encoding under `HUGE`, inserted in a shuffled order, so that a
 * set's pick order and a sorted set's ZSCAN order are not their RDB order.
 */
function addHuge(r: Replica, db: number, kind: Kind, n: number): void {
  const rng = new Rng(7);
  const ids = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
  }
  const e = ids.map((i) => `e${i}`);
  if (kind === 'hash') r.run(db, 'HSET', HUGE, ...e.flatMap((x, i) => [x, `v${i}`]));
  else if (kind === 'set') r.run(db, 'SADD', HUGE, ...e);
  else if (kind === 'iset') r.run(db, 'SADD', HUGE, ...ids.map(String));
  else if (kind === 'zset') r.run(db, 'ZADD', HUGE, ...e.flatMap((x, i) => [String(i % 97), x]));
  else r.run(db, 'RPUSH', HUGE, ...e);
  if (kind === 'set' || kind === 'iset') r.run(db, 'SPOP', HUGE, String(n >> 4));
}

function replicaWithHuge(kind: Kind, n = 3000): Replica {
  const r = new Replica();
  r.run(0, 'SET', 'before', 'x');
  addHuge(r, 0, kind, n);
  r.run(0, 'SET', AFTER, 'y');
  r.run(1, 'SET', 'other-db', 'z');
  return r;
}

/** A budget of `step` elements at a time, counting the pauses it caused. */
class StepBudget implements SliceBudget {
  pauses = 0;
  private left: number;

  constructor(private readonly step: number) {
    this.left = step;
  }

  grant(_w: RdbWriter, want: number): number {
    if (this.left === 0) {
      this.left = this.step;
      this.pauses++;
      return 0;
    }
    const n = Math.min(want, this.left);
    this.left -= n;
    return n;
  }
}

function valueOf(r: Replica): Value {
  const entry = r.keyspace.db(0).contents.get(HUGE);
  assert.ok(entry !== undefined);
  return entry.value;
}

test('a big encoding written in slices is the bytes writeObject writes whole', () => {
  for (const kind of KINDS) {
    const value = valueOf(replicaWithHuge(kind, 1000));
    assert.ok(writtenInSlices(value), kind);
    const whole = new RdbWriter();
    assert.ok(writeObject(whole, value));
    for (const step of [1, 7, 100, 5000]) {
      const w = new RdbWriter();
      const budget = new StepBudget(step);
      const slices = writeObjectInSlices(w, value, budget);
      let result = slices.next();
      while (result.done !== true) result = slices.next();
      assert.equal(result.value, true);
      assert.deepEqual(w.finish(), whole.finish(), `${kind} in steps of ${step}`);
      // A list pauses per node (up to 128 elements), the others per element.
      const perPause = kind === 'list' ? Math.max(step, 128) : step;
      const elements = kind === 'set' || kind === 'iset' ? 1000 - (1000 >> 4) : 1000;
      assert.ok(budget.pauses >= Math.floor(elements / perPause) - 1, `${kind}: ${budget.pauses}`);
    }
  }
});

test('compact encodings and strings are written whole', () => {
  const r = new Replica();
  r.run(0, 'HSET', 'h', 'f', 'v');
  r.run(0, 'SADD', 'i', '1', '2');
  r.run(0, 'ZADD', 'z', '1', 'm');
  r.run(0, 'SET', 's', 'v');
  for (const key of ['h', 'i', 'z', 's']) {
    const value = r.keyspace.db(0).contents.get(key)?.value as Value;
    assert.equal(writtenInSlices(value), false, key);
    const w = new RdbWriter();
    const slices = writeObjectInSlices(w, value, new StepBudget(0));
    assert.deepEqual(slices.next(), { done: true, value: true }, key);
  }
});

test('a huge collection spans pieces of bounded size, with the bytes of a whole write', () => {
  for (const kind of KINDS) {
    const r = replicaWithHuge(kind);
    const whole = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
    for (const [keys, bytes] of [
      [64, Infinity],
      [Infinity, 2048],
      [1, Infinity],
    ] as const) {
      const writer = new KeyspaceSnapshotWriter(r.keyspace);
      const pieces: Buffer[] = [];
      for (let p = writer.next(keys, bytes); p !== null; p = writer.next(keys, bytes)) {
        pieces.push(Buffer.from(p));
      }
      assert.deepEqual(Buffer.concat(pieces), whole, `${kind}, ${keys} keys, ${bytes} bytes`);
      // Past its bounds by at most a step: 64 elements of a few bytes, or a list node.
      const pieceMax = (bytes === Infinity ? 0 : bytes) + (kind === 'list' ? 1200 : 64 * 16);
      const largest = Math.max(...pieces.slice(1, -1).map((p) => p.length));
      assert.ok(largest <= pieceMax, `${kind}, ${keys} keys, ${bytes} bytes: ${largest}`);
      assert.ok(pieces.length > whole.length / pieceMax, `${kind}: ${pieces.length} pieces`);
    }
  }
});

/** Where the huge key's record starts and ends in a snapshot of `replicaWithHuge`. */
function hugeRecord(snapshot: Buffer): { start: number; end: number } {
  // A record: flags, the key (a one-byte length, then its bytes), ...
  const start = snapshot.indexOf(HUGE, 0, 'latin1') - 2;
  const end = snapshot.indexOf(AFTER, 0, 'latin1') - 2;
  assert.ok(start > 0 && end > start);
  return { start, end };
}

/**
 * Writes a snapshot of a huge `kind`, stops with its record written up to `fraction`
 * (0: its order is being worked out, nothing of it written yet), runs `change`, and
 * checks the snapshot is still the keyspace at its start, the record finished by the
 * next piece exactly when `finishedAtOnce`.
 */
function changeMidSlice(
  kind: Kind,
  fraction: number,
  change: (r: Replica) => void,
  finishedAtOnce: boolean,
): void {
  const r = replicaWithHuge(kind);
  const atStart = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
  const digest = keyspaceDigest(r.keyspace);
  const { start, end } = hugeRecord(atStart);
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  r.writer = writer;
  const pieces: Buffer[] = [];
  let written = 0;
  const next = (keys: number): void => {
    const piece = Buffer.from(writer.next(keys) as Uint8Array);
    pieces.push(piece);
    written += piece.length;
  };
  const stop = start + Math.floor(fraction * (end - start));
  while (written < stop) next(50);
  if (fraction === 0) next(50);
  const what = `${kind} at ${fraction}: ${change.toString()}`;
  assert.ok(written >= start && written < end, `${what}: the record is half-written`);
  change(r);
  next(1);
  assert.equal(written >= end, finishedAtOnce, `${what}: finished at once`);
  while (!writer.done) next(50);
  r.writer = null;
  assert.deepEqual(Buffer.concat(pieces), atStart, what);
  const loaded = new Keyspace(4);
  readKeyspaceSnapshot(Buffer.concat(pieces), loaded);
  assert.equal(keyspaceDigest(loaded), digest, what);
}

const WRITES: Readonly<Record<Kind, readonly string[][]>> = {
  hash: [
    ['HSET', HUGE, 'new', 'v'],
    ['HDEL', HUGE, 'e1', 'e2'],
  ],
  set: [
    ['SADD', HUGE, 'new'],
    ['SPOP', HUGE, '5'],
  ],
  iset: [
    ['SREM', HUGE, '1', '2', '3'],
    ['SMOVE', HUGE, 'dest', '4'],
  ],
  zset: [
    ['ZADD', HUGE, '0.5', 'new'],
    ['ZINCRBY', HUGE, '1000', 'e7'],
    ['ZREMRANGEBYRANK', HUGE, '0', '9'],
  ],
  list: [
    ['RPUSH', HUGE, 'new'],
    ['LPOP', HUGE],
    ['LSET', HUGE, '1500', 'changed'],
  ],
};

test('a write to a huge collection mid-slice finishes its record first', () => {
  for (const kind of KINDS) {
    for (const argv of WRITES[kind]) {
      for (const fraction of [0, 0.3, 0.97]) {
        changeMidSlice(kind, fraction, (r) => void r.run(0, ...argv), true);
      }
    }
  }
});

test('a huge collection deleted, renamed, overwritten, moved or expired mid-slice', () => {
  const changes: ((r: Replica) => void)[] = [
    (r) => void r.run(0, 'DEL', HUGE),
    (r) => void r.run(0, 'UNLINK', HUGE),
    (r) => void r.run(0, 'RENAME', HUGE, 'renamed'),
    (r) => void r.run(0, 'RENAME', 'before', HUGE),
    (r) => void r.run(0, 'SET', HUGE, 'a string now'),
    (r) => void r.run(0, 'MOVE', HUGE, '2'),
    (r) => void r.run(0, 'PEXPIRE', HUGE, '100'),
    (r) => void r.run(0, 'COPY', HUGE, 'copied'),
  ];
  for (const kind of KINDS) {
    for (const change of changes) changeMidSlice(kind, 0.5, change, true);
  }
});

test('FLUSHDB, FLUSHALL and SWAPDB mid-slice leave the record to go on in slices', () => {
  const changes: ((r: Replica) => void)[] = [
    (r) => void r.run(0, 'FLUSHDB'),
    (r) => void r.run(0, 'FLUSHALL'),
    (r) => void r.run(0, 'SWAPDB', '0', '3'),
    (r) => {
      r.run(0, 'FLUSHDB');
      addHuge(r, 0, 'hash', 100);
    },
  ];
  for (const kind of KINDS) {
    for (const change of changes) changeMidSlice(kind, 0.5, change, false);
  }
  // Swapped away, the collection is still the one the snapshot is writing.
  changeMidSlice(
    'zset',
    0.5,
    (r) => {
      r.run(0, 'SWAPDB', '0', '3');
      r.run(3, 'ZADD', HUGE, '1', 'new');
    },
    true,
  );
});

test('other keys changing mid-slice are copied; the huge record goes on in slices', () => {
  for (const kind of KINDS) {
    changeMidSlice(kind, 0.5, (r) => void r.run(0, 'SET', AFTER, 'changed'), false);
    changeMidSlice(kind, 0.5, (r) => void r.run(0, 'DEL', 'before', AFTER), false);
    changeMidSlice(kind, 0.5, (r) => void r.run(1, 'SET', 'other-db', '1'), false);
    changeMidSlice(kind, 0.5, (r) => void r.run(0, 'SET', 'added', '1'), false);
  }
});

test('a read of the huge collection mid-slice does not finish its record', () => {
  const r = replicaWithHuge('hash');
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  const whole = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
  const { start, end } = hugeRecord(whole);
  const pieces: Buffer[] = [];
  let written = 0;
  while (written < (start + end) / 2) {
    const piece = Buffer.from(writer.next(50) as Uint8Array);
    pieces.push(piece);
    written += piece.length;
  }
  // A lookup outside an applied entry (a read command) is not a change.
  assert.ok(r.keyspace.db(0).peek(HUGE) !== undefined);
  const piece = Buffer.from(writer.next(1) as Uint8Array);
  assert.ok(written + piece.length < end);
  pieces.push(piece);
  for (let p = writer.next(50); p !== null; p = writer.next(50)) pieces.push(Buffer.from(p));
  assert.deepEqual(Buffer.concat(pieces), whole);
  assert.equal(writer.copiedBytes, 0);
});
