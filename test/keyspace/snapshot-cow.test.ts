/**
 * Copy-on-write snapshots (KeyspaceSnapshotWriter with copyOnWrite): commands applied
 * between the pieces of a snapshot, to keys the cursor has passed and keys it has not
 * reached, leave the snapshot exactly the keyspace as it was when the writer was made:
 * byte for byte the snapshot a one-piece write would have made then, so its digest,
 * key order and container orders are those of the start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import {
  KeyspaceSnapshotWriter,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../../src/keyspace/snapshot.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { Rng } from '../../src/util/rng.js';

const SETTINGS: ExecSettings = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  number: (name) => (name.endsWith('-entries') ? 16 : name === 'set-max-intset-entries' ? 16 : 64),
};

/** A keyspace driven by applied entries, telling a snapshot writer when they run. */
class Replica {
  readonly keyspace = new Keyspace(4);
  private readonly machine = new StateMachine(this.keyspace, new Registry(), SETTINGS);
  writer: KeyspaceSnapshotWriter | null = null;
  now = 1_700_000_000_000;
  private seed = 1;

  run(db: number, ...argv: string[]): Reply {
    return this.apply(() =>
      this.machine.apply({ kind: 'command', db, argv, time: this.now, seed: this.seed++ }, true),
    );
  }

  expire(db: number, keys: string[]): void {
    this.apply(() => this.machine.apply({ kind: 'expire', db, keys, time: this.now }, false));
  }

  private apply(fn: () => unknown): Reply {
    if (this.writer !== null) this.writer.applying = true;
    try {
      return fn() as Reply;
    } finally {
      if (this.writer !== null) this.writer.applying = false;
    }
  }
}

const TYPES = ['str', 'hash', 'list', 'set', 'iset', 'zset'] as const;

function keyName(rng: Rng): string {
  return `${TYPES[rng.below(TYPES.length)] as string}:${rng.below(40)}`;
}

/** Makes (or grows) the key `name` with a value of the type its name says. */
function write(r: Replica, db: number, name: string, rng: Rng): Reply {
  const n = String(rng.below(1000));
  switch (name.slice(0, name.indexOf(':'))) {
    case 'str':
      return rng.below(2) === 0 ? r.run(db, 'SET', name, `v${n}`) : r.run(db, 'APPEND', name, n);
    case 'hash':
      return r.run(db, 'HSET', name, `f${rng.below(30)}`, n);
    case 'list':
      return r.run(db, 'RPUSH', name, n, `e${n}`);
    case 'set':
      return r.run(db, 'SADD', name, `m${n}`, `m${rng.below(30)}`);
    case 'iset':
      return r.run(db, 'SADD', name, n);
    default:
      return r.run(db, 'ZADD', name, String(rng.below(50) / 4), `m${rng.below(40)}`);
  }
}

function populate(r: Replica, rng: Rng): void {
  for (let i = 0; i < 600; i++) write(r, rng.below(3), keyName(rng), rng);
  for (let i = 0; i < 40; i++) r.run(rng.below(3), 'PEXPIRE', keyName(rng), '50000');
  for (let i = 0; i < 60; i++) r.run(rng.below(3), 'DEL', keyName(rng));
}

/** One random change: every kind of write, to any key, now and then a whole database. */
function change(r: Replica, rng: Rng): void {
  const db = rng.below(4);
  const key = keyName(rng);
  const other = keyName(rng);
  const pick = rng.below(100);
  if (pick < 35) write(r, db, key, rng);
  else if (pick < 45) r.run(db, 'DEL', key, other);
  else if (pick < 50) r.run(db, 'PEXPIRE', key, String(1 + rng.below(3000)));
  else if (pick < 53) r.run(db, 'PERSIST', key);
  else if (pick < 58) r.run(db, rng.below(2) === 0 ? 'RENAME' : 'RENAMENX', key, other);
  else if (pick < 61) r.run(db, 'MOVE', key, String(rng.below(4)));
  else if (pick < 63) r.run(db, 'COPY', key, other, 'DB', String(rng.below(4)), 'REPLACE');
  else if (pick < 68) r.run(db, 'SPOP', key);
  else if (pick < 72) r.run(db, 'HDEL', key, `f${rng.below(30)}`);
  else if (pick < 75) r.run(db, 'ZINCRBY', key, '2.5', `m${rng.below(40)}`);
  else if (pick < 78) r.run(db, 'LPOP', key);
  else if (pick < 80) r.run(db, 'SETRANGE', key, String(rng.below(5)), 'xy');
  else if (pick < 82) r.run(db, 'SUNIONSTORE', key, other, `set:${rng.below(40)}`);
  else if (pick < 84) r.run(db, 'INCR', `str:${rng.below(40)}`);
  else if (pick < 86) r.run(db, 'SETBIT', key, String(rng.below(64)), '1');
  else if (pick < 90) r.run(db, 'SWAPDB', String(db), String(rng.below(4)));
  else if (pick < 92) r.run(db, 'FLUSHDB');
  else if (pick < 93) r.run(db, 'FLUSHALL');
  else if (pick < 97) expireSome(r, db, rng);
  else r.run(db, 'SET', key, 'x', 'PX', String(1 + rng.below(2000)));
}

/** Time passes; some keys past their deadline go, by an expire entry or a write's lookup. */
function expireSome(r: Replica, db: number, rng: Rng): void {
  r.now += rng.below(2000);
  const due = [...r.keyspace.db(db).entries()]
    .filter(([, e]) => e.expireAt !== 0 && e.expireAt <= r.now)
    .map(([k]) => k);
  if (due.length === 0) return;
  if (rng.below(2) === 0) r.expire(db, due);
  else write(r, db, due[0] as string, rng);
}

/** Writes a snapshot in random pieces (of 1 to `pieceMax` keys) with random changes between them. */
function snapshotUnderWrites(
  r: Replica,
  rng: Rng,
  changesMax: number,
  pieceMax = 6,
  changeOf: (r: Replica, rng: Rng) => void = change,
): { bytes: Buffer; copied: number } {
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  r.writer = writer;
  const pieces: Buffer[] = [];
  while (!writer.done) {
    for (let n = rng.below(changesMax + 1); n > 0; n--) changeOf(r, rng);
    pieces.push(Buffer.from(writer.next(1 + rng.below(pieceMax)) as Uint8Array));
  }
  r.writer = null;
  return { bytes: Buffer.concat(pieces), copied: writer.copiedBytes };
}

/** A huge collection's name: "<type>:big<n>", so `write` grows it as its type. */
function bigName(rng: Rng): string {
  return `${TYPES[1 + rng.below(TYPES.length - 1)] as string}:big${rng.below(2)}`;
}

/**
 * Collections of a few thousand elements (big encodings, written in slices), with a set
 * pick order and a ZSCAN order that differ from their RDB order.
 */
function populateBig(r: Replica, rng: Rng): void {
  for (const type of TYPES.slice(1)) {
    for (let k = 0; k < 2; k++) {
      const name = `${type}:big${k}`;
      const db = rng.below(3);
      const n = 500 + rng.below(2500);
      const ints = Array.from({ length: n }, (_, i) => String(4 * i + rng.below(4)));
      if (type === 'hash') r.run(db, 'HSET', name, ...ints.flatMap((e) => [`f${e}`, e]));
      else if (type === 'list') r.run(db, 'RPUSH', name, ...ints);
      else if (type === 'iset') r.run(db, 'SADD', name, ...ints);
      else if (type === 'set') r.run(db, 'SADD', name, ...ints.map((e) => `m${e}`));
      else r.run(db, 'ZADD', name, ...ints.flatMap((e) => [String(rng.below(n)), `m${e}`]));
      if (type === 'set' || type === 'iset') r.run(db, 'SPOP', name, String(n >> 3));
    }
  }
}

/** A change as `change` makes, but to a huge collection one time in three. */
function changeWithBig(r: Replica, rng: Rng): void {
  if (rng.below(3) !== 0) return change(r, rng);
  const db = rng.below(4);
  const key = bigName(rng);
  const pick = rng.below(100);
  if (pick < 50) write(r, db, key, rng);
  else if (pick < 60) r.run(db, 'DEL', key);
  else if (pick < 70) r.run(db, 'RENAME', key, rng.below(2) === 0 ? keyName(rng) : bigName(rng));
  else if (pick < 75) r.run(db, 'PEXPIRE', key, String(1 + rng.below(3000)));
  else if (pick < 80) r.run(db, 'MOVE', key, String(rng.below(4)));
  else if (pick < 85) r.run(db, 'COPY', key, bigName(rng), 'REPLACE');
  else if (pick < 90) r.run(db, 'FLUSHDB');
  else if (pick < 95) r.run(db, 'SWAPDB', String(db), String(rng.below(4)));
  else r.run(db, 'SPOP', key, '3');
}

test('a snapshot under every kind of write is byte for byte the keyspace at its start', () => {
  let guarded = 0;
  let copiedBytes = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Rng(seed);
    const r = new Replica();
    populate(r, rng);
    const atStart = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
    const digest = keyspaceDigest(r.keyspace);
    const { bytes: written, copied } = snapshotUnderWrites(r, rng, seed % 2 === 0 ? 2 : 12);
    copiedBytes += copied;
    assert.deepEqual(written, atStart, `seed ${seed}`);
    const loaded = new Keyspace(4);
    readKeyspaceSnapshot(written, loaded);
    assert.equal(keyspaceDigest(loaded), digest, `seed ${seed}`);
    guarded += r.keyspace.dbs.filter((db) => db.guard !== null).length;
  }
  assert.equal(guarded, 0, 'no database is left guarded');
  assert.ok(copiedBytes > 0);
});

test('a snapshot under writes to huge collections mid-slice is byte for byte the keyspace at its start', () => {
  let copiedBytes = 0;
  for (let seed = 1; seed <= 16; seed++) {
    const rng = new Rng(1000 + seed);
    const r = new Replica();
    populate(r, rng);
    populateBig(r, rng);
    const atStart = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
    const digest = keyspaceDigest(r.keyspace);
    const pieceMax = seed % 2 === 0 ? 40 : 400;
    const { bytes: written, copied } = snapshotUnderWrites(r, rng, 3, pieceMax, changeWithBig);
    copiedBytes += copied;
    assert.deepEqual(written, atStart, `seed ${seed}`);
    const loaded = new Keyspace(4);
    readKeyspaceSnapshot(written, loaded);
    assert.equal(keyspaceDigest(loaded), digest, `seed ${seed}`);
    assert.ok(r.keyspace.dbs.every((db) => db.guard === null));
  }
  assert.ok(copiedBytes > 0);
});

test('entries changed before the cursor reaches them are copied; ones behind it are not', () => {
  const r = new Replica();
  for (let i = 0; i < 10; i++) r.run(0, 'SET', `k${i}`, `v${i}`);
  r.run(0, 'HSET', 'h', 'f', 'v');
  const atStart = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  r.writer = writer;
  const pieces = [Buffer.from(writer.next(3) as Uint8Array)];
  r.run(0, 'SET', 'k1', 'behind');
  assert.equal(writer.copiedBytes, 0, 'k1 was written already');
  r.run(0, 'DEL', 'k5');
  const afterDelete = writer.copiedBytes;
  assert.ok(afterDelete > 0, 'k5 was copied before it went');
  r.run(0, 'HSET', 'h', 'g', 'w');
  assert.ok(writer.copiedBytes > afterDelete, 'h was copied before it changed in place');
  r.run(0, 'HSET', 'h', 'x', 'y');
  r.run(0, 'SET', 'k5', 'again');
  const copies = writer.copiedBytes;
  r.keyspace.db(0).peek('k8');
  r.keyspace.db(0).get('k7', r.now);
  assert.equal(
    writer.copiedBytes,
    copies,
    'a second change, and reads between entries, copy nothing',
  );
  for (let p = writer.next(2); p !== null; p = writer.next(2)) pieces.push(Buffer.from(p));
  assert.deepEqual(Buffer.concat(pieces), atStart);
});

test('FLUSHDB, FLUSHALL and SWAPDB mid-snapshot leave its databases as they began', () => {
  const r = new Replica();
  for (let db = 0; db < 3; db++) for (let i = 0; i < 5; i++) r.run(db, 'SET', `k${i}`, `${db}`);
  const atStart = Buffer.from(writeKeyspaceSnapshot(r.keyspace));
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  r.writer = writer;
  const pieces = [Buffer.from(writer.next(2) as Uint8Array)];
  r.run(0, 'SWAPDB', '0', '1');
  r.run(0, 'SET', 'k3', 'was db 1');
  r.run(1, 'DEL', 'k4');
  r.run(2, 'FLUSHDB');
  r.run(2, 'SET', 'new', 'x');
  pieces.push(Buffer.from(writer.next(4) as Uint8Array));
  r.run(0, 'FLUSHALL');
  for (let p = writer.next(3); p !== null; p = writer.next(3)) pieces.push(Buffer.from(p));
  assert.deepEqual(Buffer.concat(pieces), atStart);
  assert.equal(writer.copiedBytes > 0, true, 'db 1 key k3 changed in its new place');
});

test('an aborted writer stops guarding, and only one writer may guard a keyspace', () => {
  const r = new Replica();
  r.run(0, 'SET', 'k', 'v');
  const writer = new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true });
  assert.throws(
    () => new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true }),
    /another one is guarding/,
  );
  writer.abort();
  assert.ok(writer.done);
  assert.equal(writer.next(1), null);
  assert.ok(r.keyspace.dbs.every((db) => db.guard === null));
  new KeyspaceSnapshotWriter(r.keyspace, { copyOnWrite: true }).abort();
});
