/**
 * Generic key commands. Expected replies and error strings were checked against
 * redis-server 7.0.15; the Tcl suites expire.tcl, keyspace.tcl and scan.tcl are ported
 * where they touch these commands (with the clock moved by hand instead of sleeping).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { OK, error, simple, type Reply } from '../../src/resp/reply.js';
import type { CollectionValue, DigestView, Value } from '../../src/keyspace/value.js';
import { keyIndexes, type CommandSpec } from '../../src/commands/spec.js';
import { absoluteDeadline, parseCursor, stringEncoding } from '../../src/commands/keys.js';
import { INT64_MAX } from '../../src/util/numbers.js';

const ULONG_MAX = 18446744073709551615n;

/** A stand-in collection until list values land: enough for TYPE, COPY and OBJECT. */
class FakeList implements CollectionValue {
  readonly type = 'list' as const;
  constructor(readonly items: string[]) {}
  encoding(): string {
    return 'quicklist';
  }
  clone(): FakeList {
    return new FakeList([...this.items]);
  }
  digestView(): DigestView {
    return { type: 'list', elements: this.items };
  }
}

/** Stores a key directly (no SET needed): `ttlMs` relative to h.now, 0 for none. */
function put(h: Harness, key: string, value: Value, ttlMs = 0, db = h.db): void {
  const d = h.keyspace.db(db);
  d.set(key, value, Math.floor(h.now / 1000));
  if (ttlMs !== 0) d.setExpire(key, h.now + ttlMs);
}

function value(h: Harness, key: string, db = h.db): Value | undefined {
  return h.keyspace.db(db).get(key, h.now)?.value;
}

function expireAt(h: Harness, key: string, db = h.db): number | undefined {
  return h.keyspace.db(db).peek(key)?.expireAt;
}

/** Keys past their deadline stay stored until a deletion is applied. */
function stored(h: Harness, key: string, db = h.db): boolean {
  return h.keyspace.db(db).peek(key) !== undefined;
}

const err = (message: string): Reply => error(message);

// --- DEL UNLINK EXISTS TYPE TOUCH ----------------------------------------------------------

test('DEL and UNLINK delete the keys that exist and count each once', () => {
  for (const cmd of ['DEL', 'UNLINK']) {
    const h = new Harness();
    put(h, 'a', '1');
    put(h, 'b', '2');
    assert.equal(h.run(cmd, 'a', 'b', 'c', 'a'), 2);
    assert.equal(stored(h, 'a') || stored(h, 'b'), false);
    assert.deepEqual(
      h.run(cmd),
      err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`),
    );
  }
});

test('DEL against a key past its deadline replies 0 and removes it', () => {
  const h = new Harness();
  put(h, 'k', 'v', 1000);
  h.now += 1100;
  assert.equal(h.run('DEL', 'k'), 0);
  assert.equal(stored(h, 'k'), false);
});

test('EXISTS counts every argument that exists, repeats included', () => {
  const h = new Harness();
  put(h, 'a', '');
  put(h, 'gone', 'v', 10);
  h.now += 10;
  assert.equal(h.run('EXISTS', 'a', 'a', 'b', 'gone'), 2);
  assert.equal(stored(h, 'gone'), false, 'the read reported the expired key for deletion');
});

test('TYPE names the value type, none for missing or expired keys', () => {
  const h = new Harness();
  put(h, 's', 'v');
  put(h, 'l', new FakeList(['a']));
  put(h, 'e', 'v', 5);
  h.now += 5;
  assert.deepEqual(h.run('TYPE', 's'), simple('string'));
  assert.deepEqual(h.run('TYPE', 'l'), simple('list'));
  assert.deepEqual(h.run('TYPE', 'nope'), simple('none'));
  assert.deepEqual(h.run('TYPE', 'e'), simple('none'));
});

test('TTL, TYPE and EXISTS do not alter the last access time; TOUCH does', () => {
  const h = new Harness();
  put(h, 'foo', 'bar');
  h.now += 3000;
  h.run('TTL', 'foo');
  h.run('PTTL', 'foo');
  h.run('TYPE', 'foo');
  h.run('EXISTS', 'foo');
  h.run('OBJECT', 'ENCODING', 'foo');
  assert.equal(h.run('OBJECT', 'IDLETIME', 'foo'), 3);
  h.run('TOUCH', 'foo');
  assert.equal(h.run('OBJECT', 'IDLETIME', 'foo'), 0);
});

test('TOUCH returns the number of existing keys specified', () => {
  const h = new Harness();
  put(h, 'key1', '1');
  put(h, 'key2', '2');
  assert.equal(h.run('TOUCH', 'key0', 'key1', 'key2', 'key3'), 2);
});

test('reads count keyspace hits and misses', () => {
  const h = new Harness();
  put(h, 'a', '1');
  h.run('EXISTS', 'a', 'b');
  h.run('TTL', 'a');
  assert.deepEqual([h.keyspace.stats.hits, h.keyspace.stats.misses], [2, 1]);
});

// --- RENAME RENAMENX ---------------------------------------------------------------------

test('RENAME moves the value and replaces an existing target', () => {
  const h = new Harness();
  put(h, 'mykey', 'hello');
  assert.deepEqual(h.run('RENAME', 'mykey', 'mykey1'), OK);
  assert.deepEqual(h.run('RENAME', 'mykey1', 'mykey2'), OK);
  assert.equal(value(h, 'mykey2'), 'hello');
  assert.equal(h.run('EXISTS', 'mykey', 'mykey1'), 0);
  put(h, 'a', 'a');
  assert.deepEqual(h.run('RENAME', 'mykey2', 'a'), OK);
  assert.equal(value(h, 'a'), 'hello');
});

test('RENAME errors on a missing source, even when source and target are equal', () => {
  const h = new Harness();
  assert.deepEqual(h.run('RENAME', 'nokey', 'foobar'), err('ERR no such key'));
  assert.deepEqual(h.run('RENAME', 'nokey', 'nokey'), err('ERR no such key'));
  assert.deepEqual(h.run('RENAMENX', 'nokey', 'x'), err('ERR no such key'));
  put(h, 'gone', 'v', 1);
  h.now += 1;
  assert.deepEqual(h.run('RENAME', 'gone', 'x'), err('ERR no such key'));
});

test('RENAME to itself is OK and RENAMENX to itself is 0 when the key exists', () => {
  const h = new Harness();
  put(h, 'mykey', 'foo');
  assert.deepEqual(h.run('RENAME', 'mykey', 'mykey'), OK);
  assert.equal(h.run('RENAMENX', 'mykey', 'mykey'), 0);
  assert.equal(value(h, 'mykey'), 'foo');
});

test('RENAME carries the TTL and does not inherit the target TTL', () => {
  const h = new Harness();
  put(h, 'src', 'foo', 100_000);
  assert.deepEqual(h.run('RENAME', 'src', 'dst'), OK);
  assert.equal(h.run('PTTL', 'dst'), 100_000);
  put(h, 'plain', 'bar');
  put(h, 'volatile', 'baz', 50_000);
  assert.deepEqual(h.run('RENAME', 'plain', 'volatile'), OK);
  assert.equal(h.run('TTL', 'volatile'), -1);
  assert.equal(h.keyspace.db(0).volatileCount, 1, 'only dst is volatile now');
});

test('RENAMENX renames only when the target is absent (or expired)', () => {
  const h = new Harness();
  put(h, 'mykey', 'foobar');
  assert.equal(h.run('RENAMENX', 'mykey', 'mykey2'), 1);
  assert.equal(value(h, 'mykey2'), 'foobar');
  assert.equal(stored(h, 'mykey'), false);
  put(h, 'mykey', 'foo');
  assert.equal(h.run('RENAMENX', 'mykey', 'mykey2'), 0);
  assert.deepEqual([value(h, 'mykey'), value(h, 'mykey2')], ['foo', 'foobar']);
  put(h, 'dead', 'x', 1);
  h.now += 1;
  assert.equal(h.run('RENAMENX', 'mykey', 'dead'), 1);
  assert.equal(value(h, 'dead'), 'foo');
});

test('RENAME refreshes the access time of the renamed key, as lookupKeyWrite does', () => {
  const h = new Harness();
  put(h, 'j', 'v');
  h.now += 5000;
  h.run('RENAME', 'j', 'j2');
  assert.equal(h.run('OBJECT', 'IDLETIME', 'j2'), 0);
});

// --- COPY ------------------------------------------------------------------------------------

test('COPY copies within a database and to another with DB', () => {
  const h = new Harness();
  put(h, 'mykey', 'foobar');
  assert.equal(h.run('COPY', 'mykey', 'mynewkey'), 1);
  assert.equal(value(h, 'mynewkey'), 'foobar');
  assert.equal(h.keyspace.db(0).size, 2);
  assert.equal(h.run('COPY', 'mykey', 'mynewkey', 'DB', '10'), 1);
  assert.equal(value(h, 'mynewkey', 10), 'foobar');
  assert.equal(h.run('COPY', 'mykey', 'mykey', 'db', '1'), 1, 'same name, other db');
});

test('COPY does not replace without REPLACE and does with it', () => {
  const h = new Harness();
  put(h, 'a', 'hello');
  put(h, 'b', 'old', 0, 10);
  assert.equal(h.run('COPY', 'a', 'b', 'DB', '10'), 0);
  assert.equal(value(h, 'b', 10), 'old');
  assert.equal(h.run('COPY', 'a', 'b', 'DB', '10', 'REPLACE'), 1);
  assert.equal(value(h, 'b', 10), 'hello');
  assert.equal(h.run('COPY', 'missing', 'b', 'replace'), 0);
});

test('COPY carries the TTL and creates none when the source has none', () => {
  const h = new Harness();
  put(h, 'mykey', 'foobar', 100_000);
  assert.equal(h.run('COPY', 'mykey', 'mynewkey', 'REPLACE'), 1);
  assert.equal(h.run('PTTL', 'mynewkey'), 100_000);
  put(h, 'mykey', 'foobar');
  assert.equal(h.run('COPY', 'mykey', 'mynewkey', 'REPLACE'), 1);
  assert.equal(h.run('TTL', 'mynewkey'), -1);
});

test('COPY deep-copies collections so the copies are independent', () => {
  const h = new Harness();
  const list = new FakeList(['a', 'b']);
  put(h, 'l', list);
  assert.equal(h.run('COPY', 'l', 'l2'), 1);
  const copied = value(h, 'l2');
  assert.ok(copied instanceof FakeList && copied !== list);
  list.items.push('c');
  assert.deepEqual(copied.items, ['a', 'b']);
});

test('COPY option and database errors, in Redis order', () => {
  const h = new Harness();
  put(h, 'foo', 'v');
  const same = err('ERR source and destination objects are the same');
  assert.deepEqual(h.run('COPY', 'foo', 'foo'), same);
  assert.deepEqual(h.run('COPY', 'foo', 'foo', 'DB', '0'), same);
  assert.deepEqual(h.run('COPY', 'nokey', 'nokey'), same);
  assert.deepEqual(h.run('COPY', 'foo', 'bar', 'DB'), err('ERR syntax error'));
  assert.deepEqual(h.run('COPY', 'foo', 'bar', 'blah'), err('ERR syntax error'));
  assert.deepEqual(
    h.run('COPY', 'foo', 'bar', 'DB', 'notanumber'),
    err('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(h.run('COPY', 'foo', 'bar', 'DB', '99'), err('ERR DB index is out of range'));
  assert.deepEqual(h.run('COPY', 'foo', 'bar', 'DB', '-1'), err('ERR DB index is out of range'));
  assert.deepEqual(
    h.run('COPY', 'foo', 'bar', 'DB', '2147483648'),
    err('ERR value is out of range, value must between -2147483648 and 2147483647'),
  );
  assert.deepEqual(h.run('COPY', 'foo'), err("ERR wrong number of arguments for 'copy' command"));
});

test('COPY gives the copy a fresh access time and touches the source', () => {
  const h = new Harness();
  put(h, 'r', 'v');
  h.now += 4000;
  h.run('COPY', 'r', 'r2');
  assert.equal(h.run('OBJECT', 'IDLETIME', 'r'), 0);
  assert.equal(h.run('OBJECT', 'IDLETIME', 'r2'), 0);
});

// --- MOVE ------------------------------------------------------------------------------------

test('MOVE moves a key with its TTL to another database', () => {
  const h = new Harness();
  put(h, 'mykey', 'foo', 100_000);
  put(h, 'plain', 'bar');
  assert.equal(h.run('MOVE', 'mykey', '10'), 1);
  assert.equal(h.run('MOVE', 'plain', '10'), 1);
  assert.equal(h.run('TTL', 'mykey'), -2);
  assert.equal(h.keyspace.db(0).size, 0);
  h.db = 10;
  assert.equal(h.run('PTTL', 'mykey'), 100_000);
  assert.equal(h.run('TTL', 'plain'), -1);
  assert.equal(value(h, 'mykey'), 'foo');
});

test('MOVE replies 0 for a missing source or an existing target', () => {
  const h = new Harness();
  put(h, 'mykey', 'hello');
  put(h, 'mykey', 'there', 0, 10);
  assert.equal(h.run('MOVE', 'mykey', '10'), 0);
  assert.equal(h.run('MOVE', 'nokey', '10'), 0);
  assert.deepEqual([value(h, 'mykey'), value(h, 'mykey', 10)], ['hello', 'there']);
});

test('MOVE errors: same database, bad index, index out of range', () => {
  const h = new Harness();
  put(h, 'foo', 'v');
  assert.deepEqual(
    h.run('MOVE', 'foo', '0'),
    err('ERR source and destination objects are the same'),
  );
  assert.deepEqual(
    h.run('MOVE', 'nokey', '0'),
    err('ERR source and destination objects are the same'),
  );
  assert.deepEqual(
    h.run('MOVE', 'foo', 'notanumber'),
    err('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(h.run('MOVE', 'foo', '16'), err('ERR DB index is out of range'));
  assert.deepEqual(h.run('MOVE', 'foo', '-1'), err('ERR DB index is out of range'));
  assert.deepEqual(
    h.run('MOVE', 'foo', '2147483648'),
    err('ERR value is out of range, value must between -2147483648 and 2147483647'),
  );
});

// --- KEYS ------------------------------------------------------------------------------------

test('KEYS with a pattern and with *', () => {
  const h = new Harness();
  for (const key of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) put(h, key, 'hello');
  assert.deepEqual(h.run('KEYS', 'foo*'), ['foo_a', 'foo_b', 'foo_c']);
  assert.deepEqual(h.run('KEYS', '*'), ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']);
  assert.deepEqual(h.run('KEYS', 'nomatch*'), []);
});

test('KEYS * includes the empty key name; other patterns never match it', () => {
  const h = new Harness();
  put(h, '', 'x');
  put(h, 'b', 'y');
  assert.deepEqual(h.run('KEYS', '*'), ['', 'b']);
  assert.deepEqual(h.run('KEYS', '**'), ['b']);
});

test('KEYS skips keys past their deadline without deleting them', () => {
  const h = new Harness();
  put(h, 'a', 'c', 5000);
  for (const key of ['t', 'e', 's', 'foo']) put(h, key, 'c');
  assert.deepEqual([...(h.run('KEYS', '*') as string[])].sort(), ['a', 'e', 'foo', 's', 't']);
  h.now += 5000;
  assert.deepEqual(h.run('KEYS', '*'), ['t', 'e', 's', 'foo']);
  assert.equal(stored(h, 'a'), true);
});

test('KEYS: pattern matching long nested loops stays fast', () => {
  const h = new Harness();
  put(h, 'a'.repeat(40), '1');
  assert.deepEqual(h.run('KEYS', 'a*'.repeat(20) + 'b'), []);
});

// --- SCAN ------------------------------------------------------------------------------------

function populate(h: Harness, n: number): void {
  for (let i = 0; i < n; i++) put(h, `key:${i}`, String(i));
}

/** Runs a SCAN to the end; returns every key seen (with repeats) and the call count. */
function scanAll(h: Harness, ...options: string[]): { keys: string[]; calls: number } {
  const keys: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const reply = h.run('SCAN', cursor, ...options) as [string, string[]];
    calls++;
    cursor = reply[0];
    keys.push(...reply[1]);
  } while (cursor !== '0');
  return { keys, calls };
}

test('SCAN basic, COUNT and MATCH cover the keyspace', () => {
  const h = new Harness();
  populate(h, 1000);
  const basic = scanAll(h);
  assert.equal(new Set(basic.keys).size, 1000);
  assert.equal(basic.calls, 101, 'default COUNT is 10');
  const counted = scanAll(h, 'count', '5');
  assert.equal(new Set(counted.keys).size, 1000);
  assert.equal(new Set(scanAll(h, 'MATCH', 'key:1??').keys).size, 100);
});

test('SCAN TYPE filters by type name, case-insensitively', () => {
  const h = new Harness();
  populate(h, 100);
  put(h, 'list', new FakeList(['a']));
  assert.deepEqual(scanAll(h, 'TYPE', 'list').keys, ['list']);
  assert.equal(scanAll(h, 'type', 'STRING').keys.length, 100);
  assert.equal(scanAll(h, 'TYPE', 'string', 'MATCH', 'key:*', 'COUNT', '10').keys.length, 100);
  assert.deepEqual(scanAll(h, 'TYPE', 'none').keys, []);
});

test('SCAN guarantees every key present throughout is returned under write load', () => {
  const h = new Harness();
  populate(h, 100);
  const seen = new Set<string>();
  let cursor = '0';
  let added = 0;
  do {
    const [next, keys] = h.run('SCAN', cursor) as [string, string[]];
    for (const k of keys) seen.add(k);
    cursor = next;
    for (let j = 0; j < 10; j++) put(h, `addedkey:${added++ % 1000}`, 'foo');
  } while (cursor !== '0');
  for (let i = 0; i < 100; i++) assert.ok(seen.has(`key:${i}`), `key:${i} missing`);
});

test('SCAN skips keys past their deadline and reports them for deletion', () => {
  const h = new Harness();
  put(h, 'foo1', 'bar', 1);
  put(h, 'foo2', 'bar', 1);
  put(h, 'live', 'bar');
  h.now += 2;
  assert.deepEqual(h.run('SCAN', '0'), ['0', ['live']]);
  assert.equal(h.keyspace.db(0).size, 1, 'the harness applied the reported deletions');
});

test('SCAN MATCH * is no filter; a lone option or an unknown one is a syntax error', () => {
  const h = new Harness();
  put(h, '', 'x');
  put(h, 'b', 'y');
  assert.deepEqual(h.run('SCAN', '0', 'MATCH', '*'), ['0', ['', 'b']]);
  assert.deepEqual(h.run('SCAN', '0', 'MATCH', '**'), ['0', ['b']]);
  const syntax = err('ERR syntax error');
  assert.deepEqual(h.run('SCAN', '0', 'MATCH'), syntax);
  assert.deepEqual(h.run('SCAN', '0', 'TYPE'), syntax);
  assert.deepEqual(h.run('SCAN', '0', 'foo', 'bar'), syntax);
  assert.deepEqual(h.run('SCAN', '0', 'COUNT', '0'), syntax);
  assert.deepEqual(h.run('SCAN', '0', 'COUNT', '-1'), syntax);
  assert.deepEqual(
    h.run('SCAN', '0', 'COUNT', 'abc'),
    err('ERR value is not an integer or out of range'),
  );
});

test('SCAN cursors parse like strtoul: sign allowed, nothing else, empty is 0', () => {
  const h = new Harness();
  const invalid = err('ERR invalid cursor');
  for (const bad of ['abc', ' 0', '0 ', '+', '-', '1x', '0x10', '18446744073709551616']) {
    assert.deepEqual(h.run('SCAN', bad), invalid, bad);
  }
  assert.deepEqual(h.run('SCAN', ''), ['0', []]);
  assert.equal(parseCursor(''), 0);
  assert.equal(parseCursor('+7'), 7);
  assert.equal(parseCursor('-0'), 0);
  assert.equal(parseCursor('-18446744073709551615'), 1, "'-n' wraps modulo 2^64");
  assert.equal(parseCursor('-1'), Number(ULONG_MAX));
  assert.equal(parseCursor('18446744073709551615'), Number(ULONG_MAX));
  assert.equal(parseCursor('1.5'), null);
});

test('SCAN with an unknown cursor starts over rather than failing', () => {
  const h = new Harness();
  populate(h, 5);
  const [cursor, keys] = h.run('SCAN', '987654', 'COUNT', '100') as [string, string[]];
  assert.equal(cursor, '0');
  assert.equal(keys.length, 5);
});

// --- RANDOMKEY -------------------------------------------------------------------------------

test('RANDOMKEY returns each key at some point and null on an empty database', () => {
  const h = new Harness();
  assert.equal(h.run('RANDOMKEY'), null);
  put(h, 'foo', 'x');
  put(h, 'bar', 'y');
  const seen = new Set<Reply>();
  for (let i = 0; i < 100; i++) seen.add(h.run('RANDOMKEY'));
  assert.deepEqual([...seen].sort(), ['bar', 'foo']);
  h.run('DEL', 'foo', 'bar');
  assert.equal(h.run('RANDOMKEY'), null);
});

test('RANDOMKEY never returns a key past its deadline', () => {
  const h = new Harness();
  for (let i = 0; i < 300; i++) put(h, `dead:${i}`, 'x', 1);
  put(h, 'live', 'y');
  h.now += 1;
  assert.equal(h.run('RANDOMKEY'), 'live');
  const h2 = new Harness();
  put(h2, 'foo1', 'bar', 1);
  put(h2, 'foo2', 'bar', 1);
  h2.now += 2;
  assert.equal(h2.run('RANDOMKEY'), null);
  assert.equal(h2.keyspace.db(0).size, 0, 'the expired keys met were reported for deletion');
});

// --- EXPIRE family -----------------------------------------------------------------------------

test('EXPIRE sets timeouts multiple times; TTL rounds to the nearest second', () => {
  const h = new Harness();
  put(h, 'x', 'foobar');
  assert.equal(h.run('EXPIRE', 'x', '5'), 1);
  assert.equal(expireAt(h, 'x'), h.now + 5000);
  h.now += 499;
  assert.equal(h.run('TTL', 'x'), 5);
  h.now += 2;
  assert.equal(h.run('TTL', 'x'), 4);
  assert.equal(h.run('EXPIRE', 'x', '10'), 1);
  assert.equal(h.run('TTL', 'x'), 10);
  assert.equal(h.run('PTTL', 'x'), 10_000);
  h.now += 10_000;
  assert.equal(h.run('TTL', 'x'), -2);
  assert.equal(h.run('EXISTS', 'x'), 0);
});

test('PEXPIRE, EXPIREAT and PEXPIREAT set absolute deadlines from the entry time', () => {
  const h = new Harness();
  put(h, 'k', 'v');
  assert.equal(h.run('PEXPIRE', 'k', '100'), 1);
  assert.equal(expireAt(h, 'k'), h.now + 100);
  const seconds = Math.floor(h.now / 1000) + 15;
  assert.equal(h.run('EXPIREAT', 'k', String(seconds)), 1);
  assert.equal(expireAt(h, 'k'), seconds * 1000);
  assert.equal(h.run('EXPIRETIME', 'k'), seconds);
  assert.equal(h.run('PEXPIREAT', 'k', String(h.now + 200)), 1);
  assert.equal(h.run('PEXPIRETIME', 'k'), h.now + 200);
  h.now += 199;
  assert.equal(value(h, 'k'), 'v');
  h.now += 1;
  assert.equal(value(h, 'k'), undefined);
});

test('a deadline at or before now deletes the key and replies 1', () => {
  for (const argv of [
    ['EXPIRE', 'k', '0'],
    ['EXPIRE', 'k', '-10'],
    ['PEXPIRE', 'k', '0'],
    ['EXPIREAT', 'k', '100'],
    ['PEXPIREAT', 'k', '-9223372036854770000'],
  ]) {
    const h = new Harness();
    put(h, 'k', 'v');
    assert.equal(h.run(...argv), 1, argv.join(' '));
    assert.equal(stored(h, 'k'), false);
    assert.equal(h.run('TTL', 'k'), -2);
  }
  const h = new Harness();
  put(h, 'k', 'v');
  assert.equal(h.run('PEXPIREAT', 'k', String(h.now)), 1);
  assert.equal(stored(h, 'k'), false, 'a deadline equal to now is in the past');
});

test('EXPIRE on a missing or already expired key replies 0 and does not resurrect it', () => {
  const h = new Harness();
  assert.equal(h.run('EXPIRE', 'none', '100'), 0);
  for (const flag of ['NX', 'XX', 'GT', 'LT'])
    assert.equal(h.run('EXPIRE', 'none', '100', flag), 0);
  put(h, 'foo', 'bar', 500);
  h.now += 1000;
  assert.equal(h.run('EXPIRE', 'foo', '10'), 0);
  assert.equal(h.run('EXISTS', 'foo'), 0);
  assert.equal(stored(h, 'foo'), false);
});

test('EXPIRE overflow checks match expireGenericCommand', () => {
  const h = new Harness();
  put(h, 'foo', 'bar');
  const expire = err("ERR invalid expire time in 'expire' command");
  for (const when of [
    '9223370399119966',
    '9223372036854776',
    '10000000000000000',
    '18446744073709561',
    '-9223372036854776',
    '-9999999999999999',
  ]) {
    assert.deepEqual(h.run('EXPIRE', 'foo', when), expire, when);
  }
  assert.deepEqual(h.run('EXPIRE', 'nokey', '9999999999999999'), expire, 'checked before lookup');
  assert.equal(h.run('TTL', 'foo'), -1);
  assert.deepEqual(
    h.run('PEXPIRE', 'foo', '9223372036854770000'),
    err("ERR invalid expire time in 'pexpire' command"),
  );
  assert.deepEqual(
    h.run('EXPIREAT', 'foo', '9223372036854776'),
    err("ERR invalid expire time in 'expireat' command"),
  );
  assert.equal(h.run('EXPIREAT', 'foo', '9223372036854775'), 1);
});

test('absoluteDeadline ports the int64 limits exactly', () => {
  assert.equal(absoluteDeadline(9223372036854775n, 1000, 0), 9223372036854775000);
  assert.equal(absoluteDeadline(9223372036854776n, 1000, 0), null);
  assert.equal(absoluteDeadline(-9223372036854775n, 1000, 0), -9223372036854775000);
  assert.equal(absoluteDeadline(-9223372036854776n, 1000, 0), null);
  assert.equal(absoluteDeadline(INT64_MAX, 1, 0), Number(INT64_MAX));
  assert.equal(absoluteDeadline(INT64_MAX, 1, 1), null);
  assert.equal(absoluteDeadline(INT64_MAX - 7n, 1, 7), Number(INT64_MAX));
  assert.equal(absoluteDeadline(5, 1000, 1000), 6000);
});

test('PEXPIREAT with a huge deadline works; the TTL replies stay within int64', () => {
  const h = new Harness();
  put(h, 'foo', 'bar');
  assert.equal(h.run('PEXPIREAT', 'foo', '9223372036854770000'), 1);
  assert.equal((h.run('TTL', 'foo') as bigint) > 9223370000000000n, true);
  assert.equal(h.run('PEXPIREAT', 'foo', '9223372036854775807'), 1);
  assert.equal(h.run('PEXPIRETIME', 'foo'), 9223372036854775807n);
  assert.equal(h.run('EXPIRETIME', 'foo'), 9223372036854776n);
});

test('EXPIRE argument errors: not an integer, unsupported and conflicting options', () => {
  const h = new Harness();
  put(h, 'foo', 'bar');
  assert.deepEqual(h.run('EXPIRE', 'foo', ''), err('ERR value is not an integer or out of range'));
  assert.deepEqual(
    h.run('EXPIRE', 'foo', '1.5'),
    err('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(h.run('EXPIRE', 'foo', '200', 'AB'), err('ERR Unsupported option AB'));
  assert.deepEqual(h.run('EXPIRE', 'foo', '200', 'XX', 'ab'), err('ERR Unsupported option ab'));
  assert.deepEqual(
    h.run('EXPIRE', 'foo', 'abc', 'ab'),
    err('ERR Unsupported option ab'),
    'options first',
  );
  const nx = err('ERR NX and XX, GT or LT options at the same time are not compatible');
  assert.deepEqual(h.run('EXPIRE', 'foo', '200', 'NX', 'GT'), nx);
  assert.deepEqual(h.run('EXPIRE', 'foo', '200', 'NX', 'LT'), nx);
  assert.deepEqual(h.run('EXPIRE', 'foo', '200', 'nx', 'xx'), nx);
  assert.deepEqual(
    h.run('PEXPIRE', 'foo', '200', 'LT', 'GT'),
    err('ERR GT and LT options at the same time are not compatible'),
  );
  assert.deepEqual(
    h.run('EXPIRE', 'foo'),
    err("ERR wrong number of arguments for 'expire' command"),
  );
  assert.equal(h.run('TTL', 'foo'), -1);
});

test('EXPIRE NX, XX, GT and LT against keys with and without a TTL', () => {
  // [ttl before (s, 0 = none), argv tail, reply, ttl after]
  const cases: [number, string[], number, number][] = [
    [100, ['200', 'NX'], 0, 100],
    [0, ['200', 'NX'], 1, 200],
    [100, ['200', 'XX'], 1, 200],
    [0, ['200', 'XX'], 0, -1],
    [100, ['200', 'GT'], 1, 200],
    [200, ['100', 'GT'], 0, 200],
    [100, ['100', 'GT'], 0, 100],
    [0, ['200', 'GT'], 0, -1],
    [100, ['200', 'LT'], 0, 100],
    [200, ['100', 'LT'], 1, 100],
    [0, ['100', 'LT'], 1, 100],
    [200, ['100', 'LT', 'XX'], 1, 100],
    [0, ['200', 'LT', 'XX'], 0, -1],
    [100, ['-10', 'LT'], 1, -2],
    [0, ['-10', 'LT'], 1, -2],
    [100, ['200', 'gt', 'xx'], 1, 200],
  ];
  for (const [before, tail, reply, after] of cases) {
    const h = new Harness();
    put(h, 'foo', 'bar', before * 1000);
    assert.equal(h.run('EXPIRE', 'foo', ...tail), reply, `${before} ${tail.join(' ')}`);
    assert.equal(h.run('TTL', 'foo'), after, `${before} ${tail.join(' ')}`);
  }
});

test('EXPIRE refreshes the access time, as lookupKeyWrite does', () => {
  const h = new Harness();
  put(h, 'k', 'v');
  h.now += 3000;
  h.run('EXPIRE', 'k', '100');
  assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 0);
});

test('PERSIST removes a TTL; 0 for missing or non-volatile keys', () => {
  const h = new Harness();
  put(h, 'x', 'foo', 50_000);
  assert.equal(h.run('TTL', 'x'), 50);
  assert.equal(h.run('PERSIST', 'x'), 1);
  assert.equal(h.run('TTL', 'x'), -1);
  assert.equal(value(h, 'x'), 'foo');
  assert.equal(h.keyspace.db(0).volatileCount, 0);
  assert.equal(h.run('PERSIST', 'x'), 0);
  assert.equal(h.run('PERSIST', 'nokeyatall'), 0);
});

// --- TTL family --------------------------------------------------------------------------------

test('TTL, PTTL, EXPIRETIME and PEXPIRETIME: -1 without a TTL, -2 for missing keys', () => {
  const h = new Harness();
  put(h, 'x', 'hello');
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
    assert.equal(h.run(cmd, 'x'), -1, cmd);
    assert.equal(h.run(cmd, 'missing'), -2, cmd);
  }
});

test('EXPIRETIME rounds the absolute deadline to the nearest second; PEXPIRETIME is exact', () => {
  const h = new Harness();
  h.now = 1_700_000_000_000;
  put(h, 'x', 'v', 100_499);
  assert.equal(h.run('EXPIRETIME', 'x'), 1_700_000_100);
  assert.equal(h.run('PEXPIRETIME', 'x'), 1_700_000_100_499);
  put(h, 'y', 'v', 100_500);
  assert.equal(h.run('EXPIRETIME', 'y'), 1_700_000_101);
});

test('TTL and PTTL of a key about to expire', () => {
  const h = new Harness();
  put(h, 'x', 'v', 1000);
  h.now += 999;
  assert.equal(h.run('PTTL', 'x'), 1);
  assert.equal(h.run('TTL', 'x'), 0);
  h.now += 1;
  assert.equal(h.run('PTTL', 'x'), -2);
});

// --- OBJECT ------------------------------------------------------------------------------------

test('OBJECT ENCODING of strings follows tryObjectEncoding', () => {
  const h = new Harness();
  const cases: [string, string][] = [
    ['123', 'int'],
    ['-5', 'int'],
    ['12345678901234567890', 'embstr'],
    ['-9223372036854775808', 'int'],
    ['+5', 'embstr'],
    ['05', 'embstr'],
    ['', 'embstr'],
    ['x'.repeat(44), 'embstr'],
    ['x'.repeat(45), 'raw'],
  ];
  for (const [v, encoding] of cases) {
    put(h, 'k', v);
    assert.equal(h.run('OBJECT', 'ENCODING', 'k'), encoding, JSON.stringify(v));
    assert.equal(stringEncoding(v), encoding);
  }
  put(h, 'l', new FakeList([]));
  assert.equal(h.run('object', 'encoding', 'l'), 'quicklist');
  assert.equal(h.run('OBJECT', 'ENCODING', 'nokey'), null);
});

test('OBJECT REFCOUNT: shared integers 0..9999 read as INT_MAX, others 1', () => {
  const h = new Harness();
  for (const [v, refcount] of [
    ['123', 2147483647],
    ['0', 2147483647],
    ['9999', 2147483647],
    ['10000', 1],
    ['-5', 1],
    ['', 1],
    ['abc', 1],
  ] as const) {
    put(h, 'k', v);
    assert.equal(h.run('OBJECT', 'REFCOUNT', 'k'), refcount, v);
  }
  put(h, 'l', new FakeList([]));
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'l'), 1);
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'nokey'), null);
});

test('OBJECT ENCODING and REFCOUNT remember how a string was built, as Redis does', () => {
  // Found by test/differential/strings-keys; each case checked against redis-server 7.0.15.
  const h = new Harness();
  const encodingAfter = (...argv: string[]): Reply => {
    h.run(...argv);
    return h.run('OBJECT', 'ENCODING', argv[1] as string);
  };
  h.run('SET', 'k', '1234');
  assert.equal(encodingAfter('SETRANGE', 'k', '0', ''), 'int', 'an empty SETRANGE writes nothing');
  assert.equal(encodingAfter('SETRANGE', 'k', '0', '2'), 'raw', 'SETRANGE edits in place');
  assert.equal(encodingAfter('SETRANGE', 'new', '0', '12'), 'raw');
  assert.equal(encodingAfter('APPEND', 'a', '5'), 'int', 'APPEND to a new key stores the argument');
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'a'), 2147483647);
  assert.equal(encodingAfter('APPEND', 'a', '6'), 'raw');
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'a'), 1, '"56" here is no shared integer');
  assert.equal(encodingAfter('SET', 'a', '56'), 'int', 'SET re-encodes by content');
  h.run('SET', 'b', '7');
  assert.equal(encodingAfter('SETBIT', 'b', '0', '0'), 'raw', 'SETBIT unshares even a no-op');
  h.run('BITOP', 'NOT', 'c', 'k');
  assert.equal(h.run('OBJECT', 'ENCODING', 'c'), 'raw', 'BITOP builds its result in place');
  assert.equal(encodingAfter('INCRBYFLOAT', 'f', '3'), 'embstr', 'INCRBYFLOAT never makes int');
  assert.equal(encodingAfter('INCR', 'f'), 'int');
  h.run('INCRBYFLOAT', 'long', '1e50');
  assert.equal(h.run('OBJECT', 'ENCODING', 'long'), 'raw', 'over 44 bytes');
});

test('COPY keeps the source encoding; a copied integer is a private object', () => {
  const h = new Harness();
  h.run('SET', 'i', '5');
  h.run('COPY', 'i', 'i2');
  assert.equal(h.run('OBJECT', 'ENCODING', 'i2'), 'int');
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'i2'), 1);
  assert.equal(h.run('OBJECT', 'REFCOUNT', 'i'), 2147483647);
  h.run('APPEND', 'r', 'x');
  h.run('APPEND', 'r', 'y');
  h.run('COPY', 'r', 'r2');
  assert.equal(h.run('OBJECT', 'ENCODING', 'r2'), 'raw');
  h.run('RENAME', 'r2', 'r3');
  assert.equal(h.run('OBJECT', 'ENCODING', 'r3'), 'raw', 'RENAME moves the object itself');
  h.run('SETRANGE', 'n', '0', '42');
  h.run('COPY', 'n', 'n2');
  assert.equal(h.run('OBJECT', 'ENCODING', 'n2'), 'raw', 'a raw "42" stays raw');
});

test('EXPIRE: an unsupported option is shown up to its first NUL byte, as printf shows it', () => {
  const h = new Harness();
  h.run('SET', 'k', 'v');
  assert.deepEqual(h.run('EXPIRE', 'k', '100', 'bo\0gus'), err('ERR Unsupported option bo'));
});

test('OBJECT IDLETIME counts seconds since the last access; FREQ needs an LFU policy', () => {
  const h = new Harness();
  put(h, 'k', 'v');
  h.now += 7_900;
  assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 7);
  assert.equal(h.run('OBJECT', 'IDLETIME', 'nokey'), null);
  assert.deepEqual(
    h.run('OBJECT', 'FREQ', 'k'),
    err(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    ),
  );
  assert.equal(h.run('OBJECT', 'FREQ', 'nokey'), null);
  put(h, 'gone', 'v', 1);
  h.now += 1;
  assert.equal(h.run('OBJECT', 'ENCODING', 'gone'), null);
});

test('OBJECT HELP lists the subcommands exactly as Redis', () => {
  const h = new Harness();
  const help = h.run('OBJECT', 'help') as Reply[];
  assert.equal(help.length, 15);
  assert.deepEqual(
    help[0],
    simple('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'),
  );
  assert.deepEqual(help[1], simple('ENCODING <key>'));
  assert.deepEqual(help[13], simple('HELP'));
  assert.deepEqual(help[14], simple('    Prints this help.'));
});

test('OBJECT arity and unknown subcommands are the dispatcher errors', () => {
  const h = new Harness();
  assert.deepEqual(
    h.run('OBJECT', 'encoding'),
    err("ERR wrong number of arguments for 'object|encoding' command"),
  );
  assert.deepEqual(h.run('OBJECT', 'foo'), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  assert.deepEqual(h.run('OBJECT'), err("ERR wrong number of arguments for 'object' command"));
  assert.deepEqual(
    h.run('OBJECT', 'HELP', 'x'),
    err("ERR wrong number of arguments for 'object|help' command"),
  );
});

// --- Specs -------------------------------------------------------------------------------------

test('specs declare Redis key positions, flags and ACL categories', () => {
  const h = new Harness();
  const spec = (name: string): CommandSpec => {
    const s = h.registry.get(name) ?? h.registry.getSub('object', name.split('|')[1] ?? '');
    assert.ok(s, name);
    return s;
  };
  assert.deepEqual(keyIndexes(spec('del'), ['DEL', 'a', 'b', 'c']), [1, 2, 3]);
  assert.deepEqual(keyIndexes(spec('touch'), ['TOUCH', 'a', 'b']), [1, 2]);
  assert.deepEqual(keyIndexes(spec('rename'), ['RENAME', 'a', 'b']), [1, 2]);
  assert.deepEqual(keyIndexes(spec('copy'), ['COPY', 'a', 'b', 'DB', '1', 'REPLACE']), [1, 2]);
  assert.deepEqual(keyIndexes(spec('move'), ['MOVE', 'a', '1']), [1]);
  assert.deepEqual(keyIndexes(spec('object|encoding'), ['OBJECT', 'ENCODING', 'k']), [2]);
  assert.deepEqual(keyIndexes(spec('keys'), ['KEYS', '*']), []);
  assert.deepEqual(keyIndexes(spec('expire'), ['EXPIRE', 'k', '1', 'NX']), [1]);
  assert.deepEqual(spec('del').acl, ['keyspace', 'write', 'slow']);
  assert.deepEqual(spec('unlink').flags, ['write', 'fast']);
  assert.deepEqual(spec('copy').flags, ['write', 'denyoom']);
  assert.deepEqual(spec('keys').acl, ['keyspace', 'read', 'slow', 'dangerous']);
  assert.deepEqual(spec('touch').flags, ['readonly', 'fast']);
  assert.deepEqual(spec('object|help').flags, ['loading', 'stale']);
  for (const name of ['expire', 'pexpire', 'expireat', 'pexpireat', 'persist']) {
    assert.deepEqual(spec(name).flags, ['write', 'fast'], name);
    assert.equal(spec(name).group, 'generic');
  }
});
