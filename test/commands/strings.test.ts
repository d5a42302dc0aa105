/**
 * String commands. Expected replies and error strings were checked against
 * redis-server 7.0.15, including the INCRBYFLOAT digits; the Tcl suites
 * type/string.tcl and type/incr.tcl (and the SET/GETEX parts of expire.tcl) are ported
 * where they touch these commands, with the clock moved by hand instead of sleeping.
 */
import type { BlockRequest } from '../../src/commands/spec.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { OK, error, map, type Reply } from '../../src/resp/reply.js';
import type { CollectionValue } from '../../src/keyspace/value.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { Registry } from '../../src/commands/registry.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { keyIndexes } from '../../src/commands/spec.js';
import { stringCommands } from '../../src/commands/strings.js';

const LIST: CollectionValue = {
  type: 'list',
  encoding: () => 'listpack',
  clone: () => LIST,
  digestView: () => ({ type: 'list', elements: [] }),
};
const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const NOT_FLOAT = error('ERR value is not a valid float');
const TOO_LONG = error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
const invalidExpire = (cmd: string): Reply => error(`ERR invalid expire time in '${cmd}' command`);

/** Runs commands in order, asserting each reply. */
function script(h: Harness, steps: readonly (readonly [readonly string[], Reply])[]): void {
  for (const [argv, expected] of steps) {
    assert.deepEqual(h.run(...argv), expected, argv.join(' '));
  }
}

function withList(key = 'l'): Harness {
  const h = new Harness();
  h.keyspace.db(0).set(key, LIST, 0);
  return h;
}

function expireAt(h: Harness, key: string): number | undefined {
  return h.keyspace.db(0).peek(key)?.expireAt;
}

/** Applies commands through a state machine whose proto-max-bulk-len is `limit`. */
function withBulkLimit(limit: number, commands: readonly string[][]): (Reply | BlockRequest)[] {
  const machine = new StateMachine(new Keyspace(16), new Registry(), {
    protoMaxBulkLen: limit,
    number: () => 0,
  });
  return commands.map((argv, seed) =>
    machine.apply({ kind: 'command', db: 0, argv, time: 1_700_000_000_000, seed }, true),
  );
}

// --- GET SET -------------------------------------------------------------------------------

test('SET and GET store binary-safe values, empty ones and big payloads', () => {
  const h = new Harness();
  const big = 'abcd'.repeat(1_000_000);
  const binary = '\x00\xff\r\n\x80';
  script(h, [
    [['SET', 'x', 'foobar'], OK],
    [['GET', 'x'], 'foobar'],
    [['SET', 'x', ''], OK],
    [['GET', 'x'], ''],
    [['SET', 'foo', big], OK],
    [['GET', 'foo'], big],
    [['SET', 'b', binary], OK],
    [['GET', 'b'], binary],
    [['GET', 'missing'], null],
  ]);
});

test('GET and SET ... GET reply WRONGTYPE for a non-string and leave it alone', () => {
  const h = withList();
  script(h, [
    [['GET', 'l'], WRONGTYPE],
    [['SET', 'l', 'bar', 'GET'], WRONGTYPE],
  ]);
  assert.equal(h.keyspace.db(0).peek('l')?.value, LIST);
  script(h, [[['SET', 'l', 'x'], OK]]);
  assert.equal(h.run('GET', 'l'), 'x', 'a plain SET overwrites any type');
});

test('SET NX and XX set only when the key is absent or present', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'foo', '1', 'nx'], OK],
    [['SET', 'foo', '2', 'NX'], null],
    [['GET', 'foo'], '1'],
    [['SET', 'bar', '1', 'xx'], null],
    [['GET', 'bar'], null],
    [['SET', 'foo', '3', 'XX'], OK],
    [['GET', 'foo'], '3'],
    [['SET', 'foo', '4', 'nx', 'nx'], null],
  ]);
});

test('SET GET replies with the old value, also combined with NX and XX', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'foo', 'bar', 'GET'], null],
    [['GET', 'foo'], 'bar'],
    [['SET', 'foo', 'bar2', 'GET'], 'bar'],
    [['GET', 'foo'], 'bar2'],
    [['SET', 'foo', 'baz', 'GET', 'XX'], 'bar2'],
    [['SET', 'nokey', 'bar', 'GET', 'XX'], null],
    [['GET', 'nokey'], null],
    [['SET', 'new', 'bar', 'GET', 'NX'], null],
    [['GET', 'new'], 'bar'],
    [['SET', 'new', 'baz', 'get', 'nx'], 'bar'],
    [['GET', 'new'], 'bar'],
    [['SET', 'new', 'v', 'GET', 'get'], 'bar'],
  ]);
});

test('SET rejects unknown and conflicting options with a syntax error', () => {
  const h = new Harness();
  for (const opts of [
    ['non-existing-option'],
    ['NX', 'XX'],
    ['XX', 'NX'],
    ['EX'],
    ['EX', '10', 'PX', '10'],
    ['PX', '10', 'EXAT', '10'],
    ['EXAT', '10', 'PXAT', '10'],
    ['KEEPTTL', 'EX', '10'],
    ['EX', '10', 'KEEPTTL'],
    ['PERSIST'],
    ['EX', 'abc', 'NX', 'XX'],
  ]) {
    assert.deepEqual(h.run('SET', 'k', 'v', ...opts), SYNTAX, opts.join(' '));
  }
  assert.equal(h.run('GET', 'k'), null);
  assert.deepEqual(h.run('SET', 'k'), error("ERR wrong number of arguments for 'set' command"));
});

test('SET EX/PX/EXAT/PXAT set an absolute deadline from the entry time', () => {
  const h = new Harness();
  const now = h.now;
  script(h, [[['SET', 'a', 'v', 'ex', '10'], OK]]);
  assert.equal(expireAt(h, 'a'), now + 10_000);
  script(h, [[['SET', 'b', 'v', 'PX', '10000'], OK]]);
  assert.equal(expireAt(h, 'b'), now + 10_000);
  script(h, [[['SET', 'c', 'v', 'EXAT', String(now / 1000 + 10)], OK]]);
  assert.equal(expireAt(h, 'c'), now + 10_000);
  script(h, [[['SET', 'd', 'v', 'pxat', String(now + 10_000)], OK]]);
  assert.equal(expireAt(h, 'd'), now + 10_000);
  script(h, [[['SET', 'e', 'v', 'EX', '10', 'EX', '20'], OK]]);
  assert.equal(expireAt(h, 'e'), now + 20_000, 'a repeated option: the last one wins');
  script(h, [[['SET', 'a', 'w', 'xx', 'px', '5000'], OK]]);
  assert.equal(expireAt(h, 'a'), now + 5000);
  h.now += 5000;
  assert.equal(h.run('GET', 'a'), null, 'gone at its deadline');
});

test('SET clears the TTL unless KEEPTTL', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'k', 'v', 'EX', '100'], OK],
    [['SET', 'k', 'v2', 'KEEPTTL'], OK],
  ]);
  assert.equal(expireAt(h, 'k'), h.now + 100_000);
  script(h, [[['SET', 'k', 'v3', 'keepttl', 'keepttl', 'GET'], 'v2']]);
  assert.equal(expireAt(h, 'k'), h.now + 100_000);
  script(h, [[['SET', 'k', 'v4'], OK]]);
  assert.equal(expireAt(h, 'k'), 0);
  assert.equal(h.keyspace.db(0).volatileCount, 0);
});

test('SET with a deadline already past sets a key that reads as absent', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'k', 'old'], OK],
    [['SET', 'k', 'v', 'PXAT', '1', 'GET'], 'old'],
    [['GET', 'k'], null],
    [['SET', 'j', 'v', 'EXAT', '1'], OK],
    [['GET', 'j'], null],
  ]);
});

test('SET reports invalid expire times, checked before GET and the type', () => {
  const h = withList();
  for (const opts of [
    ['EX', '0'],
    ['EX', '-1'],
    ['PX', '0'],
    ['EXAT', '0'],
    ['PXAT', '-5'],
    ['EX', '10000000000000000'],
    ['EX', '-9999999999999999'],
    // Seconds within LLONG_MAX/1000 that overflow once the current time is added.
    ['EX', '9223372036854775'],
    ['EX', '9223372036854776'],
    ['PX', '9223372036854775807'],
  ]) {
    assert.deepEqual(h.run('SET', 'k', 'v', ...opts), invalidExpire('set'), opts.join(' '));
  }
  assert.deepEqual(h.run('SET', 'l', 'v', 'EX', '0', 'GET'), invalidExpire('set'));
  assert.deepEqual(h.run('SET', 'k', 'v', 'EX', 'abc'), NOT_INTEGER);
  assert.deepEqual(h.run('SET', 'k', 'v', 'EX', '1.5'), NOT_INTEGER);
  assert.equal(h.run('GET', 'k'), null);
});

test('SET accepts the largest absolute deadlines', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'a', 'v', 'PXAT', '9223372036854775807'], OK],
    [['SET', 'b', 'v', 'EXAT', '9223372036854775'], OK],
  ]);
  assert.equal(expireAt(h, 'b'), 9223372036854775000);
  assert.equal(h.run('GET', 'a'), 'v');
});

test('SET on a key past its deadline counts as absent for NX and XX', () => {
  const h = new Harness();
  script(h, [[['SET', 'k', 'v', 'PX', '100'], OK]]);
  h.now += 100;
  script(h, [
    [['SET', 'k', 'w', 'XX'], null],
    [['SET', 'k', 'w', 'NX', 'GET'], null],
    [['GET', 'k'], 'w'],
  ]);
  assert.equal(expireAt(h, 'k'), 0);
});

// --- SETNX SETEX PSETEX --------------------------------------------------------------------

test('SETNX sets only a missing (or expired) key and replies 1 or 0', () => {
  const h = new Harness();
  script(h, [
    [['SETNX', 'novar', 'foobared'], 1],
    [['GET', 'novar'], 'foobared'],
    [['SETNX', 'novar', 'blabla'], 0],
    [['GET', 'novar'], 'foobared'],
    [['SET', 'x', '10', 'EX', '1'], OK],
    [['SETNX', 'x', '20'], 0],
    [['GET', 'x'], '10'],
  ]);
  h.now += 2000;
  script(h, [
    [['SETNX', 'x', '20'], 1],
    [['GET', 'x'], '20'],
  ]);
  assert.equal(expireAt(h, 'x'), 0);
});

test('SETEX and PSETEX set value and TTL, naming themselves in expire errors', () => {
  const h = new Harness();
  script(h, [
    [['SETEX', 'x', '12', 'test'], OK],
    [['GET', 'x'], 'test'],
    [['PSETEX', 'y', '100', 'v'], OK],
  ]);
  assert.equal(expireAt(h, 'x'), h.now + 12_000);
  assert.equal(expireAt(h, 'y'), h.now + 100);
  script(h, [
    [['SETEX', 'z', '-10', 'foo'], invalidExpire('setex')],
    [['SETEX', 'z', '0', 'foo'], invalidExpire('setex')],
    [['PSETEX', 'z', '0', 'foo'], invalidExpire('psetex')],
    [['SETEX', 'z', 'x', 'foo'], NOT_INTEGER],
    [['GET', 'z'], null],
  ]);
  h.now += 100;
  assert.equal(h.run('GET', 'y'), null, 'PSETEX sets sub-second expires');
});

// --- GETEX GETDEL GETSET -------------------------------------------------------------------

test('GETEX EX/PX/EXAT/PXAT set the TTL and reply with the value', () => {
  const h = new Harness();
  const now = h.now;
  h.run('SET', 'foo', 'bar');
  const cases: [string[], number][] = [
    [['ex', '10'], now + 10_000],
    [['px', '10000'], now + 10_000],
    [['exat', String(now / 1000 + 20)], now + 20_000],
    [['pxat', String(now + 30_000)], now + 30_000],
  ];
  for (const [opts, deadline] of cases) {
    assert.equal(h.run('GETEX', 'foo', ...opts), 'bar', opts.join(' '));
    assert.equal(expireAt(h, 'foo'), deadline, opts.join(' '));
  }
});

test('GETEX PERSIST removes the TTL; GETEX alone changes nothing', () => {
  const h = new Harness();
  h.run('SET', 'foo', 'bar', 'EX', '10');
  assert.equal(h.run('GETEX', 'foo'), 'bar');
  assert.equal(expireAt(h, 'foo'), h.now + 10_000);
  assert.equal(h.run('GETEX', 'foo', 'persist'), 'bar');
  assert.equal(expireAt(h, 'foo'), 0);
  assert.equal(h.run('GETEX', 'foo', 'PERSIST'), 'bar');
});

test('GETEX with EXAT/PXAT in the past replies with the value and deletes the key', () => {
  const h = new Harness();
  h.run('SET', 'foo', 'bar');
  assert.equal(h.run('GETEX', 'foo', 'EXAT', '1'), 'bar');
  assert.equal(h.keyspace.db(0).peek('foo'), undefined);
  h.run('SET', 'foo', 'bar');
  assert.equal(h.run('GETEX', 'foo', 'PXAT', String(h.now)), 'bar');
  assert.equal(h.keyspace.db(0).peek('foo'), undefined);
});

test('GETEX errors: syntax first, then missing key or type, then the expire time', () => {
  const h = withList();
  h.run('SET', 'b', 'v');
  script(h, [
    [['GETEX', 'nokey', 'non-existent-option'], SYNTAX],
    [['GETEX', 'b', 'ex'], SYNTAX],
    [['GETEX', 'b', 'persist', 'ex', '10'], SYNTAX],
    [['GETEX', 'b', 'ex', '10', 'persist'], SYNTAX],
    [['GETEX', 'b', 'ex', '10', 'px', '10'], SYNTAX],
    [['GETEX', 'b', 'nx'], SYNTAX],
    [['GETEX', 'b', 'get'], SYNTAX],
    [['GETEX', 'b', 'keepttl'], SYNTAX],
    [['GETEX', 'nokey', 'ex', '-1'], null],
    [['GETEX', 'l'], WRONGTYPE],
    [['GETEX', 'l', 'ex', '0'], WRONGTYPE],
    [['GETEX', 'b', 'ex', '0'], invalidExpire('getex')],
    [['GETEX', 'b', 'EX', '10000000000000000'], invalidExpire('getex')],
    [['GETEX', 'b', 'EX', '-9999999999999999'], invalidExpire('getex')],
    [['GETEX', 'b', 'px', 'abc'], NOT_INTEGER],
    [['GETEX'], error("ERR wrong number of arguments for 'getex' command")],
  ]);
  assert.equal(expireAt(h, 'b'), 0);
});

test('GETDEL replies with the value and deletes; GETSET replaces and clears the TTL', () => {
  const h = withList();
  script(h, [
    [['SET', 'foo', 'bar'], OK],
    [['GETDEL', 'foo'], 'bar'],
    [['GETDEL', 'foo'], null],
    [['GETDEL', 'l'], WRONGTYPE],
    [['GETSET', 'foo', 'xyz'], null],
    [['GET', 'foo'], 'xyz'],
    [['SET', 'foo', 'bar', 'EX', '100'], OK],
    [['GETSET', 'foo', 'xyz'], 'bar'],
    [['GET', 'foo'], 'xyz'],
    [['GETSET', 'l', 'x'], WRONGTYPE],
  ]);
  assert.equal(expireAt(h, 'foo'), 0);
  assert.equal(h.keyspace.db(0).peek('l')?.value, LIST);
});

// --- MGET MSET MSETNX ----------------------------------------------------------------------

test('MGET replies nil for missing and non-string keys', () => {
  const h = withList('myset');
  script(h, [
    [['SET', 'foo', 'BAR'], OK],
    [['SET', 'bar', 'FOO'], OK],
    [
      ['MGET', 'foo', 'bar'],
      ['BAR', 'FOO'],
    ],
    [
      ['MGET', 'foo', 'baazz', 'bar', 'myset'],
      ['BAR', null, 'FOO', null],
    ],
  ]);
});

test('MSET sets every pair and clears TTLs; an odd count is an arity error', () => {
  const h = new Harness();
  h.run('SET', 'x', 'old', 'EX', '100');
  script(h, [
    [['MSET', 'x', '10', 'y', 'foo bar', 'z', 'x x x x x x x\n\n\r\n'], OK],
    [
      ['MGET', 'x', 'y', 'z'],
      ['10', 'foo bar', 'x x x x x x x\n\n\r\n'],
    ],
    [
      ['MSET', 'x', '10', 'y', 'foo bar', 'z'],
      error("ERR wrong number of arguments for 'mset' command"),
    ],
    [
      ['MSETNX', 'x', '20', 'y', 'foo bar', 'z'],
      error("ERR wrong number of arguments for 'msetnx' command"),
    ],
  ]);
  assert.equal(expireAt(h, 'x'), 0);
});

test('MSETNX sets all keys or none', () => {
  const h = new Harness();
  h.run('SET', 'x', '10');
  script(h, [
    [['MSETNX', 'x1', 'xxx', 'y2', 'yyy', 'x', '20'], 0],
    [
      ['MGET', 'x1', 'y2', 'x'],
      [null, null, '10'],
    ],
    [['MSETNX', 'x1', 'xxx', 'y2', 'yyy'], 1],
    [
      ['MGET', 'x1', 'y2'],
      ['xxx', 'yyy'],
    ],
    [['DEL', 'x1'], 1],
    [['MSETNX', 'x1', 'xxx', 'x1', 'yyy'], 1],
    [['GET', 'x1'], 'yyy'],
    [['MSETNX', 'x1', 'xxx', 'x1', 'zzz'], 0],
    [['GET', 'x1'], 'yyy'],
  ]);
});

// --- INCR DECR INCRBY DECRBY ---------------------------------------------------------------

test('INCR family counts from a missing key and over 32 bits', () => {
  const h = new Harness();
  script(h, [
    [['INCR', 'novar'], 1],
    [['GET', 'novar'], '1'],
    [['INCR', 'novar'], 2],
    [['SET', 'novar', '100'], OK],
    [['INCR', 'novar'], 101],
    [['DECR', 'novar'], 100],
    [['SET', 'novar', '17179869184'], OK],
    [['INCR', 'novar'], 17179869185],
    [['SET', 'novar', '17179869184'], OK],
    [['INCRBY', 'novar', '17179869184'], 34359738368],
    [['SET', 'novar', '17179869184'], OK],
    [['DECRBY', 'novar', '17179869185'], -1],
    [['DECR', 'new'], -1],
    [['SET', 'i', '-555'], OK],
    [['INCRBY', 'i', '-5'], -560],
  ]);
});

test('INCR family goes past 2^53 exactly and stops at the int64 limits', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'n', '9007199254740991'], OK],
    [['INCR', 'n'], 9007199254740992n],
    [['INCR', 'n'], 9007199254740993n],
    [['GET', 'n'], '9007199254740993'],
    [['INCRBY', 'n', '9007199254740993'], 18014398509481986n],
    [['DECRBY', 'n', '18014398509481986'], 0],
    [['SET', 'n', '9223372036854775806'], OK],
    [['INCR', 'n'], 9223372036854775807n],
    [['INCR', 'n'], error('ERR increment or decrement would overflow')],
    [['GET', 'n'], '9223372036854775807'],
    [['SET', 'n', '-9223372036854775807'], OK],
    [['DECR', 'n'], -9223372036854775808n],
    [['DECR', 'n'], error('ERR increment or decrement would overflow')],
    [['INCRBY', 'n', '-1'], error('ERR increment or decrement would overflow')],
    [['SET', 'x', '0'], OK],
    [['DECRBY', 'x', '-9223372036854775808'], error('ERR decrement would overflow')],
    [['DECRBY', 'x', '9223372036854775807'], -9223372036854775807n],
    [['DECRBY', 'x', '1'], -9223372036854775808n],
    [['DECRBY', 'x', '1'], error('ERR increment or decrement would overflow')],
  ]);
});

test('INCR family rejects values that are not canonical int64 strings', () => {
  const h = withList('mylist');
  for (const bad of [
    '    11',
    '11    ',
    '    11    ',
    '1.5',
    '',
    '+1',
    '01',
    '-0',
    '0x10',
    '9223372036854775808',
  ]) {
    h.run('SET', 'novar', bad);
    assert.deepEqual(h.run('INCR', 'novar'), NOT_INTEGER, JSON.stringify(bad));
  }
  for (const bad of ['abc', ' 1', '+1', '01', '-0', '1e3', '9223372036854775808']) {
    assert.deepEqual(h.run('INCRBY', 'k', bad), NOT_INTEGER, JSON.stringify(bad));
    assert.deepEqual(h.run('DECRBY', 'k', bad), NOT_INTEGER, JSON.stringify(bad));
  }
  script(h, [
    [['INCR', 'mylist'], WRONGTYPE],
    [['DECRBY', 'mylist', '1'], WRONGTYPE],
    // The increment is parsed before the key is looked at.
    [['INCRBY', 'mylist', 'x'], NOT_INTEGER],
    [['DECRBY', 'mylist', '-9223372036854775808'], error('ERR decrement would overflow')],
  ]);
});

test('INCR, APPEND, SETRANGE and INCRBYFLOAT keep the TTL', () => {
  const h = new Harness();
  const cases: string[][] = [
    ['INCR', 'k'],
    ['INCRBY', 'k', '5'],
    ['INCRBYFLOAT', 'k', '1.5'],
    ['APPEND', 'k', '1'],
    ['SETRANGE', 'k', '0', '2'],
  ];
  for (const argv of cases) {
    h.run('SET', 'k', '1', 'EX', '100');
    h.run(...argv);
    assert.equal(expireAt(h, 'k'), h.now + 100_000, argv.join(' '));
  }
});

// --- INCRBYFLOAT ---------------------------------------------------------------------------

test('INCRBYFLOAT adds in long double and prints like Redis', () => {
  const h = new Harness();
  script(h, [
    [['INCRBYFLOAT', 'novar', '1'], '1'],
    [['GET', 'novar'], '1'],
    [['INCRBYFLOAT', 'novar', '0.25'], '1.25'],
    [['SET', 'novar', '1.5'], OK],
    [['INCRBYFLOAT', 'novar', '1.5'], '3'],
    [['SET', 'novar', '17179869184'], OK],
    [['INCRBYFLOAT', 'novar', '1.5'], '17179869185.5'],
    [['SET', 'novar', '17179869184'], OK],
    [['INCRBYFLOAT', 'novar', '17179869184'], '34359738368'],
    [['SET', 'foo', '1'], OK],
    [['INCRBYFLOAT', 'foo', '-1.1'], '-0.1'],
    [['SET', 'a', '10.5'], OK],
    [['INCRBYFLOAT', 'a', '0.1'], '10.6'],
    [['SET', 'b', '0.1'], OK],
    [['INCRBYFLOAT', 'b', '0.2'], '0.3'],
    [['SET', 'c', '5000'], OK],
    [['INCRBYFLOAT', 'c', '0.1'], '5000.10000000000000009'],
    [['INCRBYFLOAT', 'd', '1.23456789012345678901234567'], '1.23456789012345679'],
    [['INCRBYFLOAT', 'e', '123456789012345678901234567'], '123456789012345678899183616'],
    [['INCRBYFLOAT', 'f', '3.0e3'], '3000'],
  ]);
});

test('INCRBYFLOAT prints huge values in full and tiny ones as 0', () => {
  const h = new Harness();
  script(h, [
    [
      ['INCRBYFLOAT', 'a', '1e200'],
      '100000000000000000002458586534161025661508068040050002887327500487325785432383926208372890736129198739813658147359652238566592960617854587787845326097835852628442219969983473365844529789269081145212928',
    ],
    [['INCRBYFLOAT', 'b', '1e-400'], '0'],
    [['INCRBYFLOAT', 'c', '-1e-400'], '0'],
    [['INCRBYFLOAT', 'd', '1e-4940'], '0'],
  ]);
  const r = h.run('INCRBYFLOAT', 'e', '1e400');
  assert.equal(typeof r === 'string' && r.length, 401, '1e400 is finite in long double');
  assert.ok(typeof r === 'string' && r.startsWith('10000000000000000000281880683947586514586'));
});

test('INCRBYFLOAT never stores negative zero', () => {
  const h = new Harness();
  script(h, [
    [['INCRBYFLOAT', 'foo', String(1 / 41)], '0.02439024390243902'],
    [['INCRBYFLOAT', 'foo', String(-1 / 41)], '0'],
    [['GET', 'foo'], '0'],
    [['SET', 'z', '-0'], OK],
    [['INCRBYFLOAT', 'z', '-0'], '0'],
  ]);
});

test('INCRBYFLOAT accepts strtold syntax: hex, signs, bare dots, leading zeros', () => {
  const h = new Harness();
  const cases: [string, string][] = [
    ['0x1p3', '8'],
    ['0x1.8p1', '3'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['+.5e1', '5'],
    ['00012.5', '12.5'],
  ];
  for (const [incr, out] of cases) {
    h.run('DEL', 'k');
    assert.equal(h.run('INCRBYFLOAT', 'k', incr), out, incr);
  }
});

test('INCRBYFLOAT errors: not a float, NaN or infinity, wrong type', () => {
  const h = withList('mylist');
  for (const stored of ['    11', '11    ', ' 11 ', '1\x002', 'abc']) {
    h.run('SET', 'novar', stored);
    assert.deepEqual(h.run('INCRBYFLOAT', 'novar', '1.0'), NOT_FLOAT, JSON.stringify(stored));
  }
  h.run('SET', 'foo', '0');
  for (const bad of ['nan', ' 1', '1 ', '1e', '0x', '1_0', '1e5000', '1e-5000', '1.2e4932', '']) {
    assert.deepEqual(h.run('INCRBYFLOAT', 'foo', bad), NOT_FLOAT, JSON.stringify(bad));
  }
  for (const inf of ['+inf', 'inf', '-inf', 'infinity', '-Infinity']) {
    assert.deepEqual(
      h.run('INCRBYFLOAT', 'foo', inf),
      error('ERR increment would produce NaN or Infinity'),
      inf,
    );
  }
  h.run('SET', 'big', '1e4932');
  assert.deepEqual(
    h.run('INCRBYFLOAT', 'big', '1e4932'),
    error('ERR increment would produce NaN or Infinity'),
    'overflow of the sum',
  );
  assert.deepEqual(h.run('INCRBYFLOAT', 'mylist', '1.0'), WRONGTYPE);
  assert.equal(h.run('GET', 'foo'), '0');
});

// --- APPEND STRLEN -------------------------------------------------------------------------

test('APPEND creates or extends a string and replies with its length', () => {
  const h = withList();
  script(h, [
    [['APPEND', 'a', 'foo'], 3],
    [['APPEND', 'a', 'bar'], 6],
    [['APPEND', 'a', ''], 6],
    [['GET', 'a'], 'foobar'],
    [['APPEND', 'l', 'x'], WRONGTYPE],
    [['APPEND', 'e', ''], 0],
    [['GET', 'e'], ''],
  ]);
});

test('APPEND and SETRANGE stop at proto-max-bulk-len', () => {
  const replies = withBulkLimit(10, [
    ['APPEND', 'k', '12345678'],
    ['APPEND', 'k', '12'],
    ['APPEND', 'k', '1'],
    ['SETRANGE', 'k', '10', 'x'],
    ['SETRANGE', 'k', '9', 'x'],
    ['SETRANGE', 'n', '10', 'x'],
    ['SETRANGE', 'n', '10', ''],
    ['GET', 'k'],
  ]);
  assert.deepEqual(replies, [8, 10, TOO_LONG, TOO_LONG, 10, TOO_LONG, 0, '123456781x']);
});

test('STRLEN counts bytes; 0 for a missing key', () => {
  const h = withList();
  script(h, [
    [['STRLEN', 'notakey'], 0],
    [['SET', 'myinteger', '-555'], OK],
    [['STRLEN', 'myinteger'], 4],
    [['SET', 'mystring', 'foozzz0123456789 baz'], OK],
    [['STRLEN', 'mystring'], 20],
    [['SET', 'bin', '\xff\x00'], OK],
    [['STRLEN', 'bin'], 2],
    [['STRLEN', 'l'], WRONGTYPE],
  ]);
});

// --- SETRANGE GETRANGE SUBSTR --------------------------------------------------------------

test('SETRANGE against a missing key pads with zero bytes; an empty value creates nothing', () => {
  const h = new Harness();
  script(h, [
    [['SETRANGE', 'mykey', '0', 'foo'], 3],
    [['GET', 'mykey'], 'foo'],
    [['SETRANGE', 'none', '0', ''], 0],
    [['EXISTS', 'none'], 0],
    [['SETRANGE', 'pad', '1', 'foo'], 4],
    [['GET', 'pad'], '\x00foo'],
  ]);
});

test('SETRANGE overwrites, extends and pads an existing string', () => {
  const h = new Harness();
  const cases: [string, string, number, string][] = [
    ['0', 'b', 3, 'boo'],
    ['0', '', 3, 'foo'],
    ['1', 'b', 3, 'fbo'],
    ['4', 'bar', 7, 'foo\x00bar'],
    ['2', 'xyz', 5, 'foxyz'],
  ];
  for (const [offset, value, len, result] of cases) {
    h.run('SET', 'mykey', 'foo');
    assert.equal(h.run('SETRANGE', 'mykey', offset, value), len, `${offset} ${value}`);
    assert.equal(h.run('GET', 'mykey'), result, `${offset} ${value}`);
  }
  h.run('SET', 'mykey', '1234');
  assert.equal(h.run('SETRANGE', 'mykey', '5', '2'), 6);
  assert.equal(h.run('GET', 'mykey'), '1234\x002');
});

test('SETRANGE errors: offset, type, size', () => {
  const h = withList();
  h.run('SET', 'mykey', 'hello');
  script(h, [
    [['SETRANGE', 'l', '0', 'bar'], WRONGTYPE],
    [['SETRANGE', 'l', '0', ''], WRONGTYPE],
    [['SETRANGE', 'mykey', '-1', 'world'], error('ERR offset is out of range')],
    [['SETRANGE', 'mykey', 'x', 'world'], NOT_INTEGER],
    [['SETRANGE', 'mykey', String(512 * 1024 * 1024 - 4), 'world'], TOO_LONG],
    [['SETRANGE', 'nokey', String(512 * 1024 * 1024 - 4), 'world'], TOO_LONG],
    [['SETRANGE', 'K', '9223372036854775807', 'A'], TOO_LONG],
    [['SETRANGE', 'K', '2147483647', 'A'], TOO_LONG],
    [['GET', 'mykey'], 'hello'],
  ]);
});

test('GETRANGE clamps indexes like Redis', () => {
  const h = new Harness();
  script(h, [
    [['GETRANGE', 'mykey', '0', '-1'], ''],
    [['SET', 'mykey', 'Hello World'], OK],
    [['GETRANGE', 'mykey', '0', '3'], 'Hell'],
    [['GETRANGE', 'mykey', '0', '-1'], 'Hello World'],
    [['GETRANGE', 'mykey', '-4', '-1'], 'orld'],
    [['GETRANGE', 'mykey', '5', '3'], ''],
    [['GETRANGE', 'mykey', '5', '5000'], ' World'],
    [['GETRANGE', 'mykey', '-5000', '10000'], 'Hello World'],
    [['GETRANGE', 'mykey', '-20', '-30'], ''],
    [['GETRANGE', 'mykey', '-30', '-20'], 'H'],
    [['GETRANGE', 'mykey', '0', '4294967297'], 'Hello World'],
    [['GETRANGE', 'mykey', '-9223372036854775807', '-9223372036854775808'], ''],
    [['GETRANGE', 'mykey', '-9223372036854775808', '-9223372036854775807'], 'H'],
    [['GETRANGE', 'mykey', '9223372036854775807', '9223372036854775807'], ''],
    [['SUBSTR', 'mykey', '1', '3'], 'ell'],
    [['SET', 'n', '1234'], OK],
    [['GETRANGE', 'n', '-3', '-1'], '234'],
    [['GETRANGE', 'n', '3', '5000'], '4'],
    [['SET', 'e', ''], OK],
    [['GETRANGE', 'e', '0', '-1'], ''],
    [['GETRANGE', 'e', '-1', '0'], ''],
  ]);
});

test('GETRANGE parses its indexes before looking at the key', () => {
  const h = withList();
  script(h, [
    [['GETRANGE', 'nokey', 'x', '-1'], NOT_INTEGER],
    [['GETRANGE', 'nokey', '0', '1.5'], NOT_INTEGER],
    [['GETRANGE', 'l', '0', '1'], WRONGTYPE],
    [['SUBSTR', 'l', 'a', '1'], NOT_INTEGER],
  ]);
});

test('GETRANGE agrees with a plain slice on random binary strings', () => {
  const h = new Harness();
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (let i = 0; i < 300; i++) {
    let bin = '';
    for (let n = rand(200); n > 0; n--) bin += String.fromCharCode(rand(256));
    h.run('SET', 'bin', bin);
    const start = rand(300);
    const end = rand(300);
    assert.equal(h.run('GETRANGE', 'bin', String(start), String(end)), bin.slice(start, end + 1));
  }
});

// --- LCS -----------------------------------------------------------------------------------

const RNA1 =
  'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
const RNA2 =
  'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
const RNA_LCS =
  'ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';

test('LCS returns the common subsequence, its length, or the matching ranges', () => {
  const h = new Harness();
  h.run('MSET', 'virus1', RNA1, 'virus2', RNA2);
  assert.equal(h.run('LCS', 'virus1', 'virus2'), RNA_LCS);
  assert.equal(h.run('LCS', 'virus1', 'virus2', 'LEN'), RNA_LCS.length);
  const ranges = [
    [[238, 238], [239, 239], 1],
    [[236, 236], [238, 238], 1],
    [[229, 230], [236, 237], 2],
    [[224, 224], [235, 235], 1],
    [[1, 222], [13, 234], 222],
  ];
  assert.deepEqual(
    h.run('LCS', 'virus1', 'virus2', 'IDX'),
    map(['matches', ranges.map((r) => r.slice(0, 2)), 'len', 227]),
  );
  assert.deepEqual(
    h.run('LCS', 'virus1', 'virus2', 'IDX', 'WITHMATCHLEN'),
    map(['matches', ranges, 'len', 227]),
  );
  assert.deepEqual(
    h.run('LCS', 'virus1', 'virus2', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '5'),
    map(['matches', ranges.slice(4), 'len', 227]),
  );
  assert.deepEqual(
    h.run('LCS', 'virus1', 'virus2', 'idx', 'minmatchlen', '-5'),
    map(['matches', ranges.map((r) => r.slice(0, 2)), 'len', 227]),
  );
});

test('LCS on short and binary strings matches Redis', () => {
  const h = new Harness();
  h.run('MSET', 'a', 'ohmytext', 'b', 'mynewtext', 'c', '\x00\xff\x80abc\xff', 'd', '\xffabc\x00');
  script(h, [
    [['LCS', 'a', 'b'], 'mytext'],
    [
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      map([
        'matches',
        [
          [[4, 7], [5, 8], 4],
          [[2, 3], [0, 1], 2],
        ],
        'len',
        6,
      ]),
    ],
    [
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      map([
        'matches',
        [
          [
            [4, 7],
            [5, 8],
          ],
        ],
        'len',
        6,
      ]),
    ],
    [
      ['LCS', 'a', 'a', 'IDX'],
      map([
        'matches',
        [
          [
            [0, 7],
            [0, 7],
          ],
        ],
        'len',
        8,
      ]),
    ],
    [['LCS', 'c', 'd'], '\xffabc'],
    [
      ['LCS', 'c', 'd', 'IDX', 'WITHMATCHLEN'],
      map([
        'matches',
        [
          [[3, 5], [1, 3], 3],
          [[1, 1], [0, 0], 1],
        ],
        'len',
        4,
      ]),
    ],
    [['LCS', 'nokey', 'a'], ''],
    [['LCS', 'nokey', 'nokey2', 'IDX'], map(['matches', [], 'len', 0])],
    [['LCS', 'nokey', 'nokey2', 'LEN'], 0],
  ]);
});

test('LCS errors: type before options, LEN with IDX, bad options, memory bound', () => {
  const h = withList();
  h.run('MSET', 'a', 'x', 'b', 'y');
  script(h, [
    [['LCS', 'l', 'a'], error('ERR The specified keys must contain string values')],
    [['LCS', 'a', 'l', 'bogus'], error('ERR The specified keys must contain string values')],
    [
      ['LCS', 'a', 'b', 'LEN', 'IDX'],
      error('ERR If you want both the length and indexes, please just use IDX.'),
    ],
    [['LCS', 'a', 'b', 'MINMATCHLEN'], SYNTAX],
    [['LCS', 'a', 'b', 'MINMATCHLEN', 'x'], NOT_INTEGER],
    [['LCS', 'a', 'b', 'bogus'], SYNTAX],
  ]);
  const replies = withBulkLimit(100, [
    ['MSET', 'a', 'abcd', 'b', 'abcd'],
    ['LCS', 'a', 'b', 'LEN'],
    ['SET', 'b', 'abcde'],
    ['LCS', 'a', 'b', 'LEN'],
  ]);
  assert.deepEqual(replies.slice(1), [
    4,
    OK,
    error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  ]);
});

// --- specs ---------------------------------------------------------------------------------

test('string specs carry Redis key positions, flags and ACL categories', () => {
  const spec = (name: string) => {
    const s = stringCommands.find((c) => c.name === name);
    assert.ok(s, name);
    return s;
  };
  assert.deepEqual(keyIndexes(spec('mset'), ['MSET', 'a', '1', 'b', '2']), [1, 3]);
  assert.deepEqual(keyIndexes(spec('mget'), ['MGET', 'a', 'b', 'c']), [1, 2, 3]);
  assert.deepEqual(keyIndexes(spec('lcs'), ['LCS', 'a', 'b', 'IDX']), [1, 2]);
  assert.deepEqual(keyIndexes(spec('set'), ['SET', 'k', 'v', 'EX', '1']), [1]);
  assert.deepEqual(spec('get').flags, ['readonly', 'fast']);
  assert.deepEqual(spec('set').acl, ['write', 'string', 'slow']);
  assert.deepEqual(spec('incrbyfloat').flags, ['write', 'denyoom', 'fast']);
  assert.equal(spec('incrbyfloat').since, '2.6.0');
  assert.equal(spec('substr').arity, 4);
  assert.equal(spec('getex').arity, -2);
  for (const s of stringCommands) {
    assert.equal(s.group, 'string', s.name);
    assert.ok(s.syntax !== undefined && s.complexity !== undefined, s.name);
  }
});

test('a failing write still refreshes the access time, as lookupKeyWrite does', () => {
  // Found by test/differential/strings-keys: OBJECT IDLETIME after INCR on a non-number.
  const h = new Harness();
  for (const argv of [
    ['INCR', 'k'],
    ['SETNX', 'k', 'v'],
    ['SET', 'k', 'v', 'NX'],
    ['SETRANGE', 'k', '0', ''],
  ]) {
    h.run('SET', 'k', 'text');
    h.now += 100_000;
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 100, 'idle before');
    h.run(...argv);
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 0, argv.join(' '));
  }
});
