import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpCommands, restoredLru } from '../../src/commands/dump.js';
import { Entry } from '../../src/keyspace/db.js';
import { RDB_VERSION } from '../../src/keyspace/serialize.js';
import { error, OK } from '../../src/resp/reply.js';
import { crc64, writeCrc64LE } from '../../src/util/crc64.js';
import { Harness } from '../support/harness.js';

const fromHex = (hex: string): string => Buffer.from(hex, 'hex').latin1Slice(0, hex.length / 2);
const toHex = (s: unknown): string => Buffer.from(s as string, 'latin1').toString('hex');

/** redis-server 7.0.15: DUMP of "bar", and of 100 times "a" (an LZF payload). */
const BAR = fromHex('00036261720a00e6be4960ee66fd17');
const A100 = fromHex('00c3094064016161e057000161610a00e8a3b507b06df271');

const BUSYKEY = error('BUSYKEY Target key name already exists.');
const BAD_PAYLOAD = error('ERR DUMP payload version or checksum are wrong');
const BAD_FORMAT = error('ERR Bad data format');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');

/** A payload with a correct footer around `bodyHex`. */
function payload(bodyHex: string, version = RDB_VERSION): string {
  const body = Buffer.concat([
    Buffer.from(bodyHex, 'hex'),
    Buffer.from([version & 255, version >> 8]),
  ]);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  writeCrc64LE(crc64(body), out, body.length);
  return out.latin1Slice(0, out.length);
}

function withKey(key: string, value: string, expireAt = 0): Harness {
  const h = new Harness();
  const db = h.keyspace.db(0);
  db.set(key, value, 0);
  if (expireAt !== 0) db.setExpire(key, expireAt);
  return h;
}

test('DUMP of a missing key is a null bulk', () => {
  assert.equal(new Harness().run('DUMP', 'nonexisting_key'), null);
});

test('DUMP of a string is the payload redis-server gives, as a latin1 bulk', () => {
  assert.equal(toHex(withKey('foo', 'bar').run('DUMP', 'foo')), toHex(BAR));
  assert.equal(toHex(withKey('foo', 'a'.repeat(100)).run('DUMP', 'foo')), toHex(A100));
});

test('DUMP of a key past its deadline is a null bulk', () => {
  const h = withKey('foo', 'bar', 1_700_000_000_000 + 10);
  h.now += 10;
  assert.equal(h.run('DUMP', 'foo'), null);
});

test('DUMP then RESTORE recreates the key with no TTL', () => {
  const h = withKey('foo', 'bar');
  const encoded = h.run('DUMP', 'foo') as string;
  h.keyspace.db(0).delete('foo');
  assert.equal(h.run('RESTORE', 'foo', '0', encoded), OK);
  const e = h.keyspace.db(0).peek('foo');
  assert.equal(e?.value, 'bar');
  assert.equal(e?.expireAt, 0);
});

test('RESTORE accepts payloads made by redis-server, LZF included', () => {
  const h = new Harness();
  assert.equal(h.run('RESTORE', 'a', '0', A100), OK);
  assert.equal(h.keyspace.db(0).peek('a')?.value, 'a'.repeat(100));
});

test('RESTORE with a TTL sets a deadline relative to the entry time', () => {
  const h = new Harness();
  assert.equal(h.run('RESTORE', 'foo', '5000', BAR), OK);
  assert.equal(h.keyspace.db(0).peek('foo')?.expireAt, h.now + 5000);
  assert.equal(h.run('RESTORE', 'big', '2569591501', BAR), OK, 'a TTL beyond 32 bits');
  assert.equal(h.keyspace.db(0).peek('big')?.expireAt, h.now + 2569591501);
});

test('RESTORE ABSTTL takes the TTL as an absolute deadline; 0 means none', () => {
  const h = new Harness();
  assert.equal(h.run('RESTORE', 'foo', String(h.now + 3000), BAR, 'ABSTTL'), OK);
  assert.equal(h.keyspace.db(0).peek('foo')?.expireAt, h.now + 3000);
  assert.equal(h.run('RESTORE', 'bar', '0', BAR, 'absttl'), OK);
  assert.equal(h.keyspace.db(0).peek('bar')?.expireAt, 0);
});

test('RESTORE with a deadline already past answers OK and leaves no key', () => {
  const h = withKey('foo', 'old');
  assert.equal(h.run('RESTORE', 'foo', String(h.now - 3000), BAR, 'ABSTTL', 'REPLACE'), OK);
  assert.equal(h.keyspace.db(0).peek('foo'), undefined, 'REPLACE deleted the old key');
  assert.equal(h.run('RESTORE', 'now', String(h.now), BAR, 'ABSTTL'), OK);
  assert.equal(h.keyspace.db(0).peek('now'), undefined);
});

test('RESTORE with a relative TTL that overflows int64 counts as expired, as in Redis', () => {
  const h = new Harness();
  assert.equal(h.run('RESTORE', 'foo', '9223372036854775807', BAR), OK);
  assert.equal(h.keyspace.db(0).peek('foo'), undefined);
});

test('RESTORE on an existing key is BUSYKEY, checked before the TTL and the payload', () => {
  const h = withKey('foo', 'bar');
  assert.deepEqual(h.run('RESTORE', 'foo', '0', '...'), BUSYKEY);
  assert.deepEqual(h.run('RESTORE', 'foo', 'x', 'junk'), BUSYKEY);
  assert.deepEqual(h.run('RESTORE', 'foo', '-1', 'junk'), BUSYKEY);
});

test('RESTORE over a key past its deadline is not BUSYKEY', () => {
  const h = withKey('foo', 'old', 1_700_000_000_000 + 10);
  h.now += 10;
  assert.equal(h.run('RESTORE', 'foo', '0', BAR), OK);
  assert.equal(h.keyspace.db(0).peek('foo')?.value, 'bar');
});

test('RESTORE REPLACE overwrites an existing key and drops its old TTL', () => {
  const h = withKey('foo', 'bar1', 1_700_000_000_000 + 60_000);
  assert.equal(h.run('RESTORE', 'foo', '0', payload('000462617232'), 'REPLACE'), OK);
  const e = h.keyspace.db(0).peek('foo');
  assert.equal(e?.value, 'bar2');
  assert.equal(e?.expireAt, 0);
  assert.equal(h.keyspace.db(0).volatileCount, 0);
});

test('RESTORE rejects unknown options with a syntax error before anything else', () => {
  const h = withKey('foo', 'bar');
  assert.deepEqual(h.run('RESTORE', 'foo', '0', '...', 'invalid-option'), SYNTAX);
  assert.deepEqual(h.run('RESTORE', 'foo', '-1', 'junk', 'BAD'), SYNTAX);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'IDLETIME'), SYNTAX, 'IDLETIME needs a value');
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'FREQ'), SYNTAX, 'FREQ needs a value');
});

test('RESTORE validates the TTL exactly as Redis', () => {
  const h = new Harness();
  assert.deepEqual(h.run('RESTORE', 'k', '-1', BAR), error('ERR Invalid TTL value, must be >= 0'));
  assert.deepEqual(h.run('RESTORE', 'k', 'x', BAR), NOT_INTEGER);
  assert.deepEqual(h.run('RESTORE', 'k', '9223372036854775808', BAR), NOT_INTEGER);
  assert.deepEqual(
    h.run('RESTORE', 'k', '-1', 'junk'),
    error('ERR Invalid TTL value, must be >= 0'),
  );
});

test('RESTORE IDLETIME sets the access clock that many seconds back', () => {
  const h = new Harness();
  assert.equal(h.run('RESTORE', 'foo', '0', BAR, 'IDLETIME', '1000'), OK);
  assert.equal(
    h.keyspace
      .db(0)
      .peek('foo')
      ?.idleSeconds(Math.floor(h.now / 1000)),
    1000,
  );
  assert.equal(h.run('RESTORE', 'bar', '0', BAR), OK);
  assert.equal(
    h.keyspace
      .db(0)
      .peek('bar')
      ?.idleSeconds(Math.floor(h.now / 1000)),
    0,
    'no IDLETIME: now',
  );
  assert.equal(h.run('RESTORE', 'baz', '0', BAR, 'IDLETIME', '1', 'idletime', '5'), OK);
  assert.equal(
    h.keyspace
      .db(0)
      .peek('baz')
      ?.idleSeconds(Math.floor(h.now / 1000)),
    5,
    'the last wins',
  );
});

test('RESTORE IDLETIME reads back as Redis does on its 24-bit LRU clock', () => {
  // redis-server 7.0.15 at unix time 1795313771 (found by test/differential/strings-keys).
  const cases: [string, number][] = [
    ['5', 5],
    ['200000', 200000],
    ['16777215', 0],
    ['16777216', 1],
    ['9223372036854775806', 16777213],
    ['9223372036854775807', 16777214],
    ['4611686018427387904', 0],
    ['10000000000000000', 16406544],
  ];
  for (const [idle, seconds] of cases) {
    const entry = new Entry('v', 0, restoredLru(BigInt(idle), 1795313771));
    assert.equal(entry.idleSeconds(1795313771), seconds, idle);
  }
  const h = new Harness();
  h.now = 1795313771_000;
  assert.equal(h.run('RESTORE', 'k', '0', BAR, 'IDLETIME', '9223372036854775806'), OK);
  assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 16777213);
});

test('RESTORE IDLETIME and FREQ values are checked, and exclude each other', () => {
  const h = withKey('foo', 'bar');
  const idle = error('ERR Invalid IDLETIME value, must be >= 0');
  const freq = error('ERR Invalid FREQ value, must be >= 0 and <= 255');
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'IDLETIME', '-1'), idle);
  assert.deepEqual(h.run('RESTORE', 'foo', '-1', 'junk', 'IDLETIME', '-5'), idle, 'before BUSYKEY');
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'IDLETIME', 'x'), NOT_INTEGER);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'FREQ', '256'), freq);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'FREQ', '-1'), freq);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'FREQ', 'x'), NOT_INTEGER);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'FREQ', '1', 'IDLETIME', '1'), SYNTAX);
  assert.deepEqual(h.run('RESTORE', 'k', '0', BAR, 'IDLETIME', '1', 'FREQ', '1'), SYNTAX);
  assert.equal(h.run('RESTORE', 'k', '0', BAR, 'FREQ', '100'), OK);
  assert.equal(h.keyspace.db(0).peek('k')?.value, 'bar');
});

test('RESTORE refuses damaged payloads with Redis errors', () => {
  const h = new Harness();
  const flipped = BAR.slice(0, 2) + String.fromCharCode(BAR.charCodeAt(2) ^ 1) + BAR.slice(3);
  assert.deepEqual(h.run('RESTORE', 'k', '0', flipped), BAD_PAYLOAD);
  assert.deepEqual(h.run('RESTORE', 'k', '0', 'short'), BAD_PAYLOAD);
  assert.deepEqual(h.run('RESTORE', 'k', '0', payload('0003616263', 11)), BAD_PAYLOAD);
  assert.deepEqual(h.run('RESTORE', 'k', '0', payload('0800')), BAD_FORMAT);
  assert.deepEqual(h.run('RESTORE', 'k', '0', payload('00c4')), BAD_FORMAT);
  assert.deepEqual(h.run('RESTORE', 'k', '0', payload('00c30205016162')), BAD_FORMAT);
  assert.equal(h.keyspace.db(0).size, 0);
});

test('RESTORE of a type AiKv does not have yet names it and creates nothing', () => {
  const h = new Harness();
  assert.deepEqual(
    h.run('RESTORE', 'k', '0', payload('130100')),
    error('ERR Bad data format: RDB type 19 (stream) is not supported yet'),
  );
  assert.equal(h.keyspace.db(0).size, 0);
});

test('DUMP and RESTORE arity errors', () => {
  const h = new Harness();
  assert.deepEqual(h.run('DUMP'), error("ERR wrong number of arguments for 'dump' command"));
  assert.deepEqual(
    h.run('DUMP', 'a', 'b'),
    error("ERR wrong number of arguments for 'dump' command"),
  );
  assert.deepEqual(
    h.run('RESTORE', 'k', '0'),
    error("ERR wrong number of arguments for 'restore' command"),
  );
});

test('specs carry the flags, ACL categories and key positions of COMMAND INFO', () => {
  const [dump, restore] = dumpCommands;
  assert.equal(dump?.name, 'dump');
  assert.equal(dump?.arity, 2);
  assert.deepEqual(dump?.flags, ['readonly']);
  assert.deepEqual(dump?.acl, ['keyspace', 'read', 'slow']);
  assert.deepEqual(dump?.keys, { first: 1, last: 1, step: 1 });
  assert.equal(restore?.name, 'restore');
  assert.equal(restore?.arity, -4);
  assert.deepEqual(restore?.flags, ['write', 'denyoom']);
  assert.deepEqual(restore?.acl, ['keyspace', 'write', 'slow', 'dangerous']);
  assert.deepEqual(restore?.keys, { first: 1, last: 1, step: 1 });
});
