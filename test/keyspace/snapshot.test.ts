/**
 * Keyspace snapshots (src/keyspace/snapshot.ts): a replica that loads a snapshot must
 * then be indistinguishable from the one that wrote it. Each test builds a keyspace
 * through the real command table, snapshots it, loads the bytes into a fresh keyspace,
 * and compares everything observable: each database's key order, every value, TTL,
 * OBJECT ENCODING and string form, the full iteration order of every container, and the
 * replies of seeded random commands (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER,
 * RANDOMKEY) and of complete SCAN/SSCAN/HSCAN/ZSCAN walks run the same way on both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecContext, type ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { isWrite } from '../../src/commands/spec.js';
import type { Db, DbListener } from '../../src/keyspace/db.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { HashValue } from '../../src/keyspace/hash.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { ListValue } from '../../src/keyspace/list.js';
import { SetValue } from '../../src/keyspace/set.js';
import {
  KeyspaceSnapshotWriter,
  SnapshotFormatError,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../../src/keyspace/snapshot.js';
import type { Value } from '../../src/keyspace/value.js';
import { ZSetValue } from '../../src/keyspace/zset.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { crc64, writeCrc64LE } from '../../src/util/crc64.js';
import { Rng } from '../../src/util/rng.js';

const REDIS_DEFAULTS = new Map([
  ['hash-max-listpack-entries', 512],
  ['hash-max-listpack-value', 64],
  ['set-max-intset-entries', 512],
  ['zset-max-listpack-entries', 128],
  ['zset-max-listpack-value', 64],
]);

function settingsOf(overrides: Record<string, number> = {}): ExecSettings {
  const values = new Map([...REDIS_DEFAULTS, ...Object.entries(overrides)]);
  return { protoMaxBulkLen: 512 * 1024 * 1024, number: (name) => values.get(name) ?? 0 };
}

/** A replica: a keyspace driven by log entries, with the seeds and clock a test gives it. */
class Replica {
  readonly keyspace = new Keyspace(16);
  private readonly registry = new Registry();
  private readonly machine: StateMachine;
  private seed = 1;
  now = 1_700_000_000_000;

  constructor(readonly settings: ExecSettings = settingsOf()) {
    this.machine = new StateMachine(this.keyspace, this.registry, settings);
  }

  run(db: number, ...argv: string[]): Reply {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const spec = lookup.spec;
    if (spec.data === undefined) throw new Error(`${spec.name} is not a data command`);
    const seed = this.seed++;
    if (isWrite(spec)) {
      return this.machine.apply({ kind: 'command', db, argv, time: this.now, seed }, true) as Reply;
    }
    const ctx = new ExecContext(this.keyspace, db, this.now, seed, this.settings, {
      applying: false,
      proposer: true,
      onExpiredRead: () => undefined,
    });
    return spec.data(ctx, argv) as Reply;
  }

  /** A replica restored from this one's snapshot, with the same clock and seed. */
  restored(settings: ExecSettings = this.settings): Replica {
    const copy = new Replica(settings);
    readKeyspaceSnapshot(writeKeyspaceSnapshot(this.keyspace), copy.keyspace);
    copy.seed = this.seed;
    copy.now = this.now;
    return copy;
  }
}

// ---------------------------------------------------------------------------------------
// Data

function range(n: number, f: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const ALL_BYTES = range(256, (i) => String.fromCharCode(i)).join('');

function strings(r: Replica, db: number): void {
  r.run(db, 'SET', 'int', '12345');
  r.run(db, 'SET', 'shared', '7');
  r.run(db, 'SET', 'embstr', 'hello');
  r.run(db, 'SET', 'raw', 'r'.repeat(100));
  r.run(db, 'SET', 'compressible', 'abc'.repeat(400));
  r.run(db, 'SET', 'empty', '');
  r.run(db, 'SET', ALL_BYTES, ALL_BYTES);
  r.run(db, 'SET', 'appended', '1');
  r.run(db, 'APPEND', 'appended', '2');
  r.run(db, 'INCRBYFLOAT', 'float', '1.5');
  r.run(db, 'SETRANGE', 'ranged', '3', 'xy');
  r.run(db, 'SET', 'negative', '-2147483649');
  r.run(db, 'COPY', 'int', 'copied');
  r.run(db, 'SET', 'ttl', 'v', 'PX', '100000');
  r.run(db, 'SET', 'far-ttl', 'v', 'PXAT', String(2 ** 50));
}

function lists(r: Replica, db: number, rng: Rng): void {
  r.run(db, 'RPUSH', 'small-list', 'a', '1', '');
  r.run(db, 'RPUSH', 'big-list', ...range(3000, () => `e${rng.below(50)}`));
  r.run(db, 'LPUSH', 'big-list', 'x'.repeat(20000));
  r.run(db, 'LREM', 'big-list', '5', 'e1');
  r.run(db, 'LTRIM', 'big-list', '3', '-4');
  r.run(db, 'RPUSH', 'list-ttl', 'a');
  r.run(db, 'PEXPIRE', 'list-ttl', '5000');
}

function hashes(r: Replica, db: number, rng: Rng): void {
  r.run(db, 'HSET', 'small-hash', 'f1', 'v1', 'f2', '2', 'f3', '', 'f4', 'v4');
  r.run(db, 'HDEL', 'small-hash', 'f2');
  const fields = range(2000, (i) => `f${i}`);
  for (const f of shuffled(fields, rng)) r.run(db, 'HSET', 'big-hash', f, `v${rng.below(100)}`);
  for (let i = 0; i < 300; i++) r.run(db, 'HDEL', 'big-hash', `f${rng.below(2000)}`);
  // A hashtable made by one long value, then shrunk: stays a hashtable, as in Redis.
  r.run(db, 'HSET', 'shrunk-hash', 'a', '1', 'long', 'v'.repeat(100), 'b', '2');
  r.run(db, 'HDEL', 'shrunk-hash', 'long');
}

function sets(r: Replica, db: number, rng: Rng): void {
  r.run(db, 'SADD', 'small-intset', '5', '-3', '100000', '2');
  r.run(db, 'SADD', 'small-set', 'b', 'a', 'c', 'd');
  r.run(db, 'SREM', 'small-set', 'a');
  const ints = shuffled(
    range(1500, (i) => String(i * 7 - 300)),
    rng,
  );
  r.run(db, 'SADD', 'big-int-set', ...ints);
  for (let i = 0; i < 400; i++) r.run(db, 'SREM', 'big-int-set', ints[rng.below(1500)] as string);
  r.run(db, 'SADD', 'big-set', ...range(2000, () => `m${rng.below(1e9)}`));
  for (let i = 0; i < 300; i++) r.run(db, 'SPOP', 'big-set');
  // Only integers left, but a hashtable: a plain RDB reload would make it an intset.
  r.run(db, 'SADD', 'int-table', 'x', '3', '1', '2');
  r.run(db, 'SREM', 'int-table', 'x', '1');
}

function zsets(r: Replica, db: number, rng: Rng): void {
  r.run(db, 'ZADD', 'small-zset', '1.5', 'a', '-inf', 'b', 'inf', 'c', '-0', 'd', '0', 'e');
  r.run(db, 'ZADD', 'small-zset', '1e-300', 'f', '3', 'g');
  r.run(db, 'ZREM', 'small-zset', 'g');
  for (let i = 0; i < 1500; i++) {
    r.run(db, 'ZADD', 'big-zset', String(rng.below(1000) / 8), `m${rng.below(100000)}`);
  }
  for (let i = 0; i < 200; i++) r.run(db, 'ZREM', 'big-zset', `m${rng.below(100000)}`);
  r.run(db, 'ZADD', 'big-zset', '-0', 'zero', 'inf', 'top');
  r.run(db, 'ZADD', 'shrunk-zset', '1', 'a', '2', 'l'.repeat(100), '3', 'b');
  r.run(db, 'ZREM', 'shrunk-zset', 'l'.repeat(100));
}

/** Every type in big and small encodings in db 0, a few keys in most others, db 7 empty. */
function populate(r: Replica, seed = 42): void {
  const rng = new Rng(seed);
  strings(r, 0);
  lists(r, 0, rng);
  hashes(r, 0, rng);
  sets(r, 0, rng);
  zsets(r, 0, rng);
  // Key order that differs from creation order.
  r.run(0, 'DEL', 'embstr');
  r.run(0, 'SET', 'embstr', 'again');
  r.run(0, 'RENAME', 'int', 'renamed');
  for (let db = 1; db < 16; db++) {
    if (db === 7) continue;
    r.run(db, 'SET', `s${db}`, String(db));
    if (db % 2 === 0) sets(r, db, rng);
    if (db % 3 === 0) hashes(r, db, rng);
    if (db % 5 === 0) zsets(r, db, rng);
    if (db === 15) lists(r, db, rng);
  }
}

// ---------------------------------------------------------------------------------------
// Observing

/** A value's elements in each of its iteration orders. */
function contents(value: Value): unknown {
  if (typeof value === 'string') return value;
  if (value instanceof ListValue) return [...value.values()];
  if (value instanceof HashValue) return value.toPairs();
  if (value instanceof SetValue) return { members: [...value.members()], picks: value.pickSlots() };
  if (value instanceof ZSetValue) {
    const scan: [string, number][] = [];
    let cursor = 0;
    do cursor = value.scan(cursor, 10, (m, s) => scan.push([m, s]));
    while (cursor !== 0);
    return { ranked: [...value.entries()], scan };
  }
  throw new Error(`unexpected value ${value.type}`);
}

/** Everything a database holds, in its iteration order. */
function dump(keyspace: Keyspace): unknown[] {
  return keyspace.dbs.map((db) =>
    [...db.entries()].map(([key, e]) => ({
      key,
      type: typeof e.value === 'string' ? 'string' : e.value.type,
      encoding: typeof e.value === 'string' ? null : e.value.encoding(),
      form: typeof e.value === 'string' ? e.stringForm : null,
      expireAt: e.expireAt,
      contents: contents(e.value),
    })),
  );
}

/** Full SCAN-family walks and seeded random reads and writes, run alike on a replica. */
function probe(r: Replica): Reply[] {
  const out: Reply[] = [];
  for (let db = 0; db < 16; db++) {
    out.push(walk(r, db, ['SCAN'], 7), r.run(db, 'RANDOMKEY'), r.run(db, 'RANDOMKEY'));
    for (const key of [...r.keyspace.db(db).keys()]) {
      out.push(r.run(db, 'OBJECT', 'ENCODING', key), r.run(db, 'PTTL', key));
      out.push(...probeKey(r, db, key));
    }
  }
  return out;
}

function probeKey(r: Replica, db: number, key: string): Reply[] {
  const type = r.run(db, 'TYPE', key);
  const kind = typeof type === 'object' && type !== null && 'value' in type ? type.value : '';
  switch (kind) {
    case 'set':
      return [
        walk(r, db, ['SSCAN', key], 5),
        r.run(db, 'SRANDMEMBER', key, '-20'),
        r.run(db, 'SRANDMEMBER', key, '3'),
        r.run(db, 'SPOP', key, '2'),
        r.run(db, 'SPOP', key),
      ];
    case 'hash':
      return [walk(r, db, ['HSCAN', key], 5), r.run(db, 'HRANDFIELD', key, '-20', 'WITHVALUES')];
    case 'zset':
      return [walk(r, db, ['ZSCAN', key], 5), r.run(db, 'ZRANDMEMBER', key, '-20', 'WITHSCORES')];
    case 'list':
      return [r.run(db, 'LRANGE', key, '0', '-1')];
    default:
      return [r.run(db, 'GET', key)];
  }
}

/** Follows a SCAN-family cursor to 0 and returns every page. */
function walk(r: Replica, db: number, command: string[], count: number): Reply {
  const pages: Reply[] = [];
  let cursor = '0';
  do {
    const reply = r.run(
      db,
      command[0] as string,
      ...command.slice(1),
      cursor,
      'COUNT',
      String(count),
    );
    assert.ok(Array.isArray(reply), `${command.join(' ')}: ${JSON.stringify(reply)}`);
    cursor = reply[0] as string;
    pages.push(reply[1] as Reply);
  } while (cursor !== '0');
  return pages;
}

function assertSameReplica(a: Replica, b: Replica): void {
  assert.deepEqual(dump(b.keyspace), dump(a.keyspace));
  assert.equal(keyspaceDigest(b.keyspace), keyspaceDigest(a.keyspace));
  assert.deepEqual(probe(b), probe(a));
  assert.deepEqual(dump(b.keyspace), dump(a.keyspace), 'after the same seeded commands');
}

// ---------------------------------------------------------------------------------------
// Round trips

test('a restored keyspace equals the original in every database, value, TTL and form', () => {
  const a = new Replica();
  populate(a);
  const b = a.restored();
  assert.deepEqual(dump(b.keyspace), dump(a.keyspace));
  assert.equal(keyspaceDigest(b.keyspace), keyspaceDigest(a.keyspace));
  assert.equal(b.keyspace.keyCount, a.keyspace.keyCount);
  assert.equal(b.keyspace.db(7).size, 0);
});

test('the populated data covers every type in both of its encodings, TTLs and string forms', () => {
  const a = new Replica();
  populate(a);
  const seen = new Set<string>();
  for (const db of a.keyspace.dbs) {
    for (const [, e] of db.entries()) {
      const v = e.value;
      seen.add(typeof v === 'string' ? `string:${e.stringForm}` : `${v.type}:${v.encoding()}`);
      if (e.expireAt !== 0) seen.add('ttl');
      if (v instanceof SetValue && v.encoding() === 'hashtable') seen.add('set:reordered');
      if (v instanceof ZSetValue && v.dictRanks() !== null) seen.add('zset:reordered');
    }
  }
  const want = ['string:auto', 'string:raw', 'string:embstr', 'string:int', 'list:quicklist'];
  want.push('hash:listpack', 'hash:hashtable', 'set:intset', 'set:hashtable', 'set:reordered');
  want.push('zset:listpack', 'zset:skiplist', 'zset:reordered', 'ttl');
  for (const w of want) assert.ok(seen.has(w), `no ${w} in the data`);
});

test('seeded SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, RANDOMKEY and SCAN walks agree after a restore', () => {
  const a = new Replica();
  populate(a);
  assertSameReplica(a, a.restored());
});

test('a restore agrees also after deletes reshuffled pick order and key order', () => {
  const a = new Replica();
  populate(a, 7);
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) a.run(0, 'SPOP', 'big-set');
  for (let i = 0; i < 100; i++) a.run(0, 'HDEL', 'big-hash', `f${rng.below(2000)}`);
  a.run(0, 'DEL', 'raw', 'small-set');
  a.run(0, 'SET', 'raw', 'back');
  assertSameReplica(a, a.restored());
});

test('encodings are kept whatever thresholds the loading replica has', () => {
  const small = settingsOf({
    'hash-max-listpack-entries': 4,
    'set-max-intset-entries': 4,
    'zset-max-listpack-entries': 4,
  });
  const a = new Replica(small);
  populate(a, 11);
  a.run(0, 'SADD', 'five-ints', '1', '2', '3', '4', '5');
  a.run(0, 'HSET', 'five-fields', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
  a.run(0, 'ZADD', 'five-members', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  // Loaded under Redis's defaults, where a plain RDB load would pick compact encodings.
  const b = a.restored(settingsOf());
  assert.deepEqual(dump(b.keyspace), dump(a.keyspace));
  assertSameReplica(a, b);
  assert.equal(b.run(0, 'OBJECT', 'ENCODING', 'five-ints'), 'hashtable');
  assert.equal(b.run(0, 'OBJECT', 'ENCODING', 'five-fields'), 'hashtable');
  assert.equal(b.run(0, 'OBJECT', 'ENCODING', 'five-members'), 'skiplist');
});

test('an empty keyspace round-trips, and loading it empties the target', () => {
  const empty = writeKeyspaceSnapshot(new Keyspace(16));
  assert.equal(empty.length, 8 + 2 + 1 + 8);
  const r = new Replica();
  populate(r);
  readKeyspaceSnapshot(empty, r.keyspace);
  assert.equal(r.keyspace.keyCount, 0);
});

test('loading replaces what was there and tells the listener every database changed', () => {
  const a = new Replica();
  a.run(0, 'SET', 'a', '1');
  a.run(3, 'SET', 'c', '3');
  const b = new Replica();
  b.run(0, 'SET', 'old', 'x');
  b.run(5, 'SET', 'old5', 'y');
  const replaced: number[] = [];
  const listener: DbListener = {
    modified: () => assert.fail('no per-key events on a load'),
    replacing: (db: Db) => void replaced.push(db.id),
  };
  b.keyspace.listen(listener);
  readKeyspaceSnapshot(writeKeyspaceSnapshot(a.keyspace), b.keyspace);
  assert.deepEqual(dump(b.keyspace), dump(a.keyspace));
  assert.deepEqual(replaced.sort(), [0, 3, 5]);
});

test('loaded entries take the given LRU clock', () => {
  const a = new Replica();
  a.run(0, 'SET', 'k', 'v');
  const into = new Keyspace(16);
  readKeyspaceSnapshot(writeKeyspaceSnapshot(a.keyspace), into, undefined, 12345);
  assert.equal(into.db(0).peek('k')?.lru, 12345);
});

test('the incremental writer gives the same bytes in pieces of any size', () => {
  const a = new Replica();
  populate(a);
  const whole = Buffer.from(writeKeyspaceSnapshot(a.keyspace));
  for (const size of [1, 2, 3, 50, 1000]) {
    const writer = new KeyspaceSnapshotWriter(a.keyspace);
    const pieces: Uint8Array[] = [];
    for (let p = writer.next(size); p !== null; p = writer.next(size)) pieces.push(p.slice());
    assert.ok(writer.done);
    assert.ok(pieces.length >= Math.ceil(a.keyspace.keyCount / size), `pieces of ${size}`);
    assert.deepEqual(Buffer.concat(pieces), whole, `pieces of ${size}`);
  }
});

test('the incremental writer is a cut at its start: keys added while it walks are left out', () => {
  const a = new Replica();
  a.run(0, 'SET', 'k1', '1');
  a.run(0, 'SET', 'k2', '2');
  const atStart = dump(a.keyspace);
  const writer = new KeyspaceSnapshotWriter(a.keyspace);
  const first = writer.next(1) as Uint8Array;
  a.run(0, 'SET', 'k3', '3');
  a.run(2, 'SET', 'k4', '4');
  const pieces = [first.slice()];
  for (let p = writer.next(1); p !== null; p = writer.next(1)) pieces.push(p.slice());
  const b = new Replica();
  readKeyspaceSnapshot(Buffer.concat(pieces), b.keyspace);
  assert.deepEqual(dump(b.keyspace), atStart);
});

test('a value with no RDB encoder (a stream) makes the writer throw, never drop it', () => {
  const ks = new Keyspace(1);
  const stream = {
    type: 'stream' as const,
    encoding: () => 'stream',
    clone: () => stream,
    digestView: () => ({ type: 'stream' as const, entries: [] }),
  };
  ks.db(0).set('x', stream, 0);
  assert.throws(() => writeKeyspaceSnapshot(ks), /no RDB encoder for a stream/);
});

// ---------------------------------------------------------------------------------------
// Malformed input

/** Frames a body (after the header) with the header, and a correct CRC unless told. */
function framed(body: number[] | Buffer, version = 1): Buffer {
  const head = Buffer.concat([Buffer.from('AIKVSNAP', 'latin1'), Buffer.from([version, 0])]);
  const bytes = Buffer.concat([head, Buffer.from(body), Buffer.alloc(8)]);
  writeCrc64LE(crc64(bytes.subarray(0, bytes.length - 8)), bytes, bytes.length - 8);
  return bytes;
}

function assertRejected(bytes: Uint8Array, message: RegExp, offset?: number): void {
  const r = new Replica();
  r.run(0, 'SET', 'keep', 'me');
  const before = dump(r.keyspace);
  assert.throws(
    () => readKeyspaceSnapshot(bytes, r.keyspace),
    (e: unknown) => {
      assert.ok(e instanceof SnapshotFormatError, String(e));
      assert.match(e.message, /^keyspace snapshot: .* at byte offset \d+$/);
      assert.match(e.message, message);
      if (offset !== undefined) assert.equal(e.offset, offset);
      return true;
    },
  );
  assert.deepEqual(dump(r.keyspace), before, 'the keyspace is left as it was');
}

test('every truncation of a snapshot is rejected, naming an offset, and changes nothing', () => {
  const a = new Replica();
  strings(a, 0);
  a.run(2, 'SADD', 's', 'a', 'b');
  const whole = writeKeyspaceSnapshot(a.keyspace);
  for (let n = 0; n < whole.length; n++) {
    assertRejected(whole.subarray(0, n), /too short|bad magic|CRC-64 mismatch/);
  }
});

test('every single flipped byte is rejected', () => {
  const a = new Replica();
  a.run(0, 'SET', 'k', 'v', 'PX', '5000');
  a.run(1, 'HSET', 'h', 'f', 'v');
  const whole = Buffer.from(writeKeyspaceSnapshot(a.keyspace));
  for (let i = 0; i < whole.length; i++) {
    const bad = Buffer.from(whole);
    bad[i] = (bad[i] as number) ^ 0x20;
    assertRejected(bad, /bad magic|format version|CRC-64 mismatch/);
  }
});

test('the header is checked: magic at offset 0, version at offset 8, CRC at the footer', () => {
  assertRejected(Buffer.from('REDIS0010xxxxxxxxxx', 'latin1'), /bad magic/, 0);
  assertRejected(framed([0xff], 2), /format version 2, expected 1/, 8);
  const bad = framed([0xff]);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
  assertRejected(bad, /CRC-64 mismatch/, 11);
});

test('structural errors behind a valid CRC name what and where', () => {
  // A database, a record of string "k" = "v", the database's end, the end.
  const record = [0x00, 0x01, 0x6b, 0x00, 0x01, 0x76];
  const ks = new Keyspace(16);
  readKeyspaceSnapshot(framed([0xfe, 0x00, ...record, 0xfd, 0x01, 0xff]), ks);
  assert.equal(ks.db(0).peek('k')?.value, 'v');
  assertRejected(framed([0x42]), /opcode 0x42 where a database or the end belongs/, 10);
  assertRejected(
    framed([0xfe, 0x10, 0xfd, 0x00, 0xff]),
    /database 16, but the keyspace has 16/,
    10,
  );
  assertRejected(
    framed([0xfe, 0x01, 0xfd, 0x00, 0xfe, 0x01, 0xfd, 0x00, 0xff]),
    /database 1 after database 1/,
    14,
  );
  assertRejected(
    framed([0xfe, 0x00, ...record, 0xfd, 0x02, 0xff]),
    /counts 2 keys but holds 1/,
    18,
  );
  assertRejected(framed([0xfe, 0x00, ...record, ...record, 0xfd, 0x02, 0xff]), /key repeated/, 18);
  assertRejected(framed([0xfe, 0x00, 0x40, ...record.slice(1)]), /record flags 0x40/, 12);
  assertRejected(framed([0xfe, 0x00, 0x00, 0x01, 0x6b, 0x00, 0x3f]), /malformed record/, 12);
  assertRejected(framed([0xfe, 0x00, 0x00, 0x01, 0x6b, 0x63]), /malformed record/, 12);
  assertRejected(
    framed([0xfe, 0x00, ...record, 0xfd, 0x01, 0xff, 0x00]),
    /after the end marker/,
    21,
  );
  assertRejected(framed([0xfe, 0x00, ...record]), /truncated/, 18);
  // A string form on a hash, and a deadline of 0.
  const hash = [0x01, 0x01, 0x68, 0x04, 0x01, 0x01, 0x66, 0x01, 0x76];
  assertRejected(framed([0xfe, 0x00, ...hash, 0xfd, 0x01, 0xff]), /string form on a collection/);
  const zeroTtl = [0x04, 0x01, 0x6b, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x76];
  assertRejected(framed([0xfe, 0x00, ...zeroTtl, 0xfd, 0x01, 0xff]), /deadline 0 out of range/);
});

test('an order section that does not fit its value is rejected', () => {
  // SET of two members, with an order section [0, 0] (not a permutation), and one on a string.
  const set = [0x08, 0x01, 0x73, 0x02, 0x02, 0x01, 0x61, 0x01, 0x62, 0x02, 0x00, 0x00];
  assertRejected(framed([0xfe, 0x00, ...set, 0xfd, 0x01, 0xff]), /order section/);
  const str = [0x08, 0x01, 0x6b, 0x00, 0x01, 0x76, 0x00];
  assertRejected(framed([0xfe, 0x00, ...str, 0xfd, 0x01, 0xff]), /order section/);
  // The same set with a real permutation loads, its pick order swapped.
  const ok = [0x08, 0x01, 0x73, 0x02, 0x02, 0x01, 0x61, 0x01, 0x62, 0x02, 0x01, 0x00];
  const ks = new Keyspace(16);
  readKeyspaceSnapshot(framed([0xfe, 0x00, ...ok, 0xfd, 0x01, 0xff]), ks);
  const value = ks.db(0).peek('s')?.value as SetValue;
  assert.deepEqual([...value.members()], ['a', 'b']);
  assert.deepEqual(value.pickSlots(), [1, 0]);
});
