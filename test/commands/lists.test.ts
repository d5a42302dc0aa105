import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBlockRequest, type BlockRequest } from '../../src/commands/spec.js';
import { Registry } from '../../src/commands/registry.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { Db } from '../../src/keyspace/db.js';
import { ListValue } from '../../src/keyspace/list.js';
import { EMPTY_ARRAY, NULL_ARRAY, OK, error, type Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { Harness, testSettings } from '../support/harness.js';

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');
const TIMEOUT_NEGATIVE = error('ERR timeout is negative');
const TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range');

function setup(...lists: [string, ...string[]][]): Harness {
  const h = new Harness();
  for (const [key, ...items] of lists) h.run('RPUSH', key, ...items);
  h.run('SET', 'str', 'v');
  return h;
}

function range(h: Harness, key: string): Reply {
  return h.run('LRANGE', key, '0', '-1');
}

function asBlock(r: Reply | BlockRequest): BlockRequest {
  assert.ok(isBlockRequest(r), `expected a BlockRequest, got ${JSON.stringify(r)}`);
  return r;
}

test('LPUSH/RPUSH: variadic, reply the new length, create the key', () => {
  const h = setup();
  assert.equal(h.run('RPUSH', 'l', 'a', 'b'), 2);
  assert.equal(h.run('LPUSH', 'l', 'c', 'd'), 4);
  assert.deepEqual(range(h, 'l'), ['d', 'c', 'a', 'b']);
  assert.deepEqual(h.run('LPUSH', 'str', 'x'), WRONGTYPE);
  assert.deepEqual(h.run('RPUSH', 'str', 'x'), WRONGTYPE);
  assert.deepEqual(h.run('TYPE', 'l'), { kind: 'simple', value: 'list' });
});

test('LPUSHX/RPUSHX: only push onto an existing list', () => {
  const h = setup(['l', 'a']);
  assert.equal(h.run('LPUSHX', 'none', 'x'), 0);
  assert.equal(h.run('RPUSHX', 'none', 'x'), 0);
  assert.equal(h.run('EXISTS', 'none'), 0);
  assert.equal(h.run('LPUSHX', 'l', 'b', 'c'), 3);
  assert.equal(h.run('RPUSHX', 'l', 'd'), 4);
  assert.deepEqual(range(h, 'l'), ['c', 'b', 'a', 'd']);
  assert.deepEqual(h.run('LPUSHX', 'str', 'x'), WRONGTYPE);
});

test('LPOP/RPOP: single element, count, count 0, and missing-key shapes', () => {
  const h = setup(['l', 'a', 'b', 'c', 'd', 'e']);
  assert.equal(h.run('LPOP', 'l'), 'a');
  assert.equal(h.run('RPOP', 'l'), 'e');
  assert.deepEqual(h.run('LPOP', 'l', '0'), EMPTY_ARRAY);
  assert.deepEqual(h.run('RPOP', 'l', '2'), ['d', 'c']);
  assert.deepEqual(h.run('LPOP', 'l', '10'), ['b']);
  assert.equal(h.run('EXISTS', 'l'), 0);
  assert.equal(h.run('LPOP', 'l'), null);
  assert.deepEqual(h.run('LPOP', 'l', '1'), NULL_ARRAY);
  assert.deepEqual(h.run('RPOP', 'l', '0'), NULL_ARRAY);
});

test('LPOP/RPOP: argument errors come before the key lookup', () => {
  const h = setup();
  const positive = error('ERR value is out of range, must be positive');
  assert.deepEqual(h.run('LPOP', 'str', '-1'), positive);
  assert.deepEqual(h.run('RPOP', 'none', 'abc'), positive);
  assert.deepEqual(
    h.run('LPOP', 'l', '1', '2'),
    error("ERR wrong number of arguments for 'lpop' command"),
  );
  assert.deepEqual(
    h.run('RPOP', 'l', '1', '2'),
    error("ERR wrong number of arguments for 'rpop' command"),
  );
  assert.deepEqual(h.run('LPOP', 'str'), WRONGTYPE);
  assert.deepEqual(h.run('RPOP', 'str', '0'), WRONGTYPE);
});

test('LLEN and LINDEX', () => {
  const h = setup(['l', 'a', 'b', 'c']);
  assert.equal(h.run('LLEN', 'l'), 3);
  assert.equal(h.run('LLEN', 'none'), 0);
  assert.deepEqual(h.run('LLEN', 'str'), WRONGTYPE);
  assert.equal(h.run('LINDEX', 'l', '0'), 'a');
  assert.equal(h.run('LINDEX', 'l', '-1'), 'c');
  assert.equal(h.run('LINDEX', 'l', '3'), null);
  assert.equal(h.run('LINDEX', 'l', '-4'), null);
  // Redis looks the key up before it parses the index.
  assert.equal(h.run('LINDEX', 'none', 'abc'), null);
  assert.deepEqual(h.run('LINDEX', 'str', 'abc'), WRONGTYPE);
  assert.deepEqual(h.run('LINDEX', 'l', 'abc'), NOT_INTEGER);
});

test('LRANGE: negative, inverted and out-of-range indexes', () => {
  const h = setup(['l', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(h.run('LRANGE', 'l', '1', '-2'), ['1', '2', '3', '4', '5', '6', '7', '8']);
  assert.deepEqual(h.run('LRANGE', 'l', '-3', '-1'), ['7', '8', '9']);
  assert.deepEqual(h.run('LRANGE', 'l', '6', '2'), EMPTY_ARRAY);
  assert.deepEqual(h.run('LRANGE', 'l', '-100', '100'), h.run('LRANGE', 'l', '0', '-1'));
  assert.deepEqual(h.run('LRANGE', 'l', '0', '-11'), EMPTY_ARRAY);
  assert.deepEqual(h.run('LRANGE', 'l', '10', '20'), EMPTY_ARRAY);
  assert.equal(
    (h.run('LRANGE', 'l', '-9223372036854775808', '9223372036854775807') as Reply[]).length,
    10,
  );
  assert.deepEqual(h.run('LRANGE', 'none', '0', '-1'), EMPTY_ARRAY);
  assert.deepEqual(h.run('LRANGE', 'str', 'a', '1'), NOT_INTEGER);
  assert.deepEqual(h.run('LRANGE', 'str', '0', '1'), WRONGTYPE);
});

test('LSET: replaces, errors for a missing key, a bad index and out of range', () => {
  const h = setup(['l', 'a', 'b', 'c']);
  assert.deepEqual(h.run('LSET', 'l', '1', 'B'), OK);
  assert.deepEqual(h.run('LSET', 'l', '-1', 'C'), OK);
  assert.deepEqual(range(h, 'l'), ['a', 'B', 'C']);
  assert.deepEqual(h.run('LSET', 'l', '3', 'x'), error('ERR index out of range'));
  assert.deepEqual(h.run('LSET', 'none', 'abc', 'x'), error('ERR no such key'));
  assert.deepEqual(h.run('LSET', 'str', 'abc', 'x'), WRONGTYPE);
  assert.deepEqual(h.run('LSET', 'l', 'abc', 'x'), NOT_INTEGER);
});

test('LREM: from the head, from the tail, all; deletes an emptied key', () => {
  const h = setup(['l', 'x', 'a', 'x', 'b', 'x', 'c', 'x']);
  assert.equal(h.run('LREM', 'l', '1', 'x'), 1);
  assert.equal(h.run('LREM', 'l', '-2', 'x'), 2);
  assert.deepEqual(range(h, 'l'), ['a', 'x', 'b', 'c']);
  assert.equal(h.run('LREM', 'l', '0', 'x'), 1);
  assert.equal(h.run('LREM', 'l', '0', 'zzz'), 0);
  assert.equal(h.run('LREM', 'l', '0', 'a'), 1);
  assert.equal(h.run('LREM', 'l', '5', 'b'), 1);
  assert.equal(h.run('LREM', 'l', '-5', 'c'), 1);
  assert.equal(h.run('EXISTS', 'l'), 0);
  assert.equal(h.run('LREM', 'none', '0', 'x'), 0);
  assert.deepEqual(h.run('LREM', 'none', 'abc', 'x'), NOT_INTEGER);
  assert.deepEqual(h.run('LREM', 'str', '0', 'x'), WRONGTYPE);
});

test('LREM: integer-looking elements compare as exact strings', () => {
  const h = setup(['l', '1', '01', '1', ' 1']);
  assert.equal(h.run('LREM', 'l', '0', '1'), 2);
  assert.deepEqual(range(h, 'l'), ['01', ' 1']);
});

test('LTRIM: keeps the range; an empty range deletes the key', () => {
  const h = setup(['l', 'a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(h.run('LTRIM', 'l', '1', '-2'), OK);
  assert.deepEqual(range(h, 'l'), ['b', 'c', 'd']);
  assert.deepEqual(h.run('LTRIM', 'l', '-100', '100'), OK);
  assert.deepEqual(range(h, 'l'), ['b', 'c', 'd']);
  assert.deepEqual(h.run('LTRIM', 'l', '2', '1'), OK);
  assert.equal(h.run('EXISTS', 'l'), 0);
  assert.deepEqual(h.run('LTRIM', 'none', '0', '1'), OK);
  assert.deepEqual(h.run('LTRIM', 'none', 'a', '1'), NOT_INTEGER);
  assert.deepEqual(h.run('LTRIM', 'str', '0', '1'), WRONGTYPE);
});

test('LINSERT: before/after the first pivot, -1 without pivot, 0 without key', () => {
  const h = setup(['l', 'a', 'b', 'a']);
  assert.equal(h.run('LINSERT', 'l', 'BEFORE', 'a', 'x'), 4);
  assert.equal(h.run('LINSERT', 'l', 'after', 'a', 'y'), 5);
  assert.deepEqual(range(h, 'l'), ['x', 'a', 'y', 'b', 'a']);
  assert.equal(h.run('LINSERT', 'l', 'AFTER', 'zzz', 'q'), -1);
  assert.equal(h.run('LINSERT', 'none', 'BEFORE', 'a', 'q'), 0);
  assert.deepEqual(h.run('LINSERT', 'none', 'MIDDLE', 'a', 'q'), SYNTAX);
  assert.deepEqual(h.run('LINSERT', 'str', 'BEFORE', 'a', 'q'), WRONGTYPE);
});

test('LPOS: RANK, COUNT, MAXLEN and their errors', () => {
  const h = setup(['l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c']);
  assert.equal(h.run('LPOS', 'l', 'c'), 2);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '2'), 6);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '-1'), 7);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '10'), null);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '0'), [2, 6, 7]);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '-1'), [7, 6]);
  assert.deepEqual(h.run('LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'), [2, 6]);
  assert.deepEqual(h.run('LPOS', 'l', 'x', 'COUNT', '5'), []);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '-9223372036854775808'), 7);
  assert.equal(h.run('LPOS', 'l', 'c', 'RANK', '9223372036854775807'), null);
  assert.equal(h.run('LPOS', 'l', 'x'), null);
  assert.equal(h.run('LPOS', 'none', 'x'), null);
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'COUNT', '1'), EMPTY_ARRAY);
  assert.deepEqual(
    h.run('LPOS', 'none', 'x', 'RANK', '0'),
    error(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    ),
  );
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'RANK', 'a'), NOT_INTEGER);
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'COUNT', '-1'), error("ERR COUNT can't be negative"));
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'COUNT', 'a'), error("ERR COUNT can't be negative"));
  assert.deepEqual(
    h.run('LPOS', 'none', 'x', 'MAXLEN', '-1'),
    error("ERR MAXLEN can't be negative"),
  );
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'RANK'), SYNTAX);
  assert.deepEqual(h.run('LPOS', 'none', 'x', 'FOO', '1'), SYNTAX);
  assert.deepEqual(h.run('LPOS', 'str', 'x'), WRONGTYPE);
});

test('LMOVE/RPOPLPUSH: every side pair, same list, missing source, wrong types', () => {
  const h = setup(['src', 'a', 'b', 'c'], ['dst', 'x']);
  assert.equal(h.run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'), 'a');
  assert.equal(h.run('LMOVE', 'src', 'dst', 'right', 'left'), 'c');
  assert.deepEqual(range(h, 'dst'), ['c', 'x', 'a']);
  assert.equal(h.run('RPOPLPUSH', 'dst', 'new'), 'a');
  assert.deepEqual(range(h, 'new'), ['a']);
  assert.equal(h.run('LMOVE', 'src', 'src', 'LEFT', 'RIGHT'), 'b');
  assert.deepEqual(range(h, 'src'), ['b']);
  assert.equal(h.run('LMOVE', 'src', 'new', 'LEFT', 'LEFT'), 'b');
  assert.equal(h.run('EXISTS', 'src'), 0);
  assert.equal(h.run('LMOVE', 'none', 'dst', 'LEFT', 'LEFT'), null);
  assert.equal(h.run('RPOPLPUSH', 'none', 'str'), null);
  assert.deepEqual(h.run('LMOVE', 'none', 'dst', 'UP', 'LEFT'), SYNTAX);
  assert.deepEqual(h.run('LMOVE', 'str', 'dst', 'LEFT', 'LEFT'), WRONGTYPE);
  assert.deepEqual(h.run('LMOVE', 'dst', 'str', 'LEFT', 'LEFT'), WRONGTYPE);
  assert.deepEqual(range(h, 'dst'), ['c', 'x'], 'a failed move leaves the source alone');
});

test('RPOPLPUSH on a one-element list onto itself keeps the key', () => {
  const h = setup(['l', 'only']);
  assert.equal(h.run('RPOPLPUSH', 'l', 'l'), 'only');
  assert.deepEqual(range(h, 'l'), ['only']);
});

test('LMPOP: first non-empty key, COUNT, and argument errors', () => {
  const h = setup(['a', '1', '2', '3'], ['b', 'x']);
  assert.deepEqual(h.run('LMPOP', '2', 'none', 'a', 'LEFT'), ['a', ['1']]);
  assert.deepEqual(h.run('LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'), ['a', ['3', '2']]);
  assert.deepEqual(h.run('LMPOP', '2', 'a', 'b', 'left', 'count', '1'), ['b', ['x']]);
  assert.deepEqual(h.run('LMPOP', '2', 'a', 'b', 'LEFT'), NULL_ARRAY);
  const numkeys = error('ERR numkeys should be greater than 0');
  assert.deepEqual(h.run('LMPOP', '0', 'a', 'LEFT'), numkeys);
  assert.deepEqual(h.run('LMPOP', 'x', 'a', 'LEFT'), numkeys);
  assert.deepEqual(h.run('LMPOP', '9223372036854775807', 'a', 'LEFT'), SYNTAX);
  assert.deepEqual(h.run('LMPOP', '2', 'a', 'LEFT'), SYNTAX);
  assert.deepEqual(h.run('LMPOP', '1', 'a', 'MIDDLE'), SYNTAX);
  assert.deepEqual(
    h.run('LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'),
    error('ERR count should be greater than 0'),
  );
  assert.deepEqual(h.run('LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'), SYNTAX);
  assert.deepEqual(h.run('LMPOP', '1', 'a', 'LEFT', 'COUNT'), SYNTAX);
  assert.deepEqual(h.run('LMPOP', '2', 'none', 'str', 'LEFT'), WRONGTYPE);
});

test('LMPOP/BLMPOP key finders name exactly the numkeys keys', () => {
  const registry = new Registry();
  const keysOf = (...argv: string[]): number[] => {
    const found = registry.resolve(argv);
    assert.ok(!found.error);
    return found.spec.keyFinder?.(argv) ?? [];
  };
  assert.deepEqual(keysOf('LMPOP', '2', 'a', 'b', 'LEFT'), [2, 3]);
  assert.deepEqual(keysOf('BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '2'), [3]);
  assert.deepEqual(keysOf('LMPOP', '5', 'a', 'LEFT'), []);
  assert.deepEqual(keysOf('LMPOP', 'x', 'a', 'LEFT'), []);
});

test('BLPOP/BRPOP: pop from the first non-empty key when there is one', () => {
  const h = setup(['a', '1', '2'], ['b', 'x']);
  assert.deepEqual(h.exec('BLPOP', 'none', 'a', 'b', '0'), ['a', '1']);
  assert.deepEqual(h.exec('BRPOP', 'none', 'b', '1.5'), ['b', 'x']);
  assert.equal(h.run('EXISTS', 'b'), 0);
  assert.deepEqual(h.exec('BLPOP', 'a', 'str', '0'), ['a', '2']);
  assert.deepEqual(h.exec('BLPOP', 'none', 'str', '0'), WRONGTYPE);
});

test('BLPOP/BRPOP: block on every key with the timeout in ms, or fail the timeout', () => {
  const h = setup();
  const r = asBlock(h.exec('BLPOP', 'k1', 'k2', '1.5'));
  assert.deepEqual(r.keys, ['k1', 'k2']);
  assert.equal(r.timeoutMs, 1500);
  assert.deepEqual(r.timeoutReply, NULL_ARRAY);
  assert.equal(asBlock(h.exec('BRPOP', 'k', '0')).timeoutMs, 0);
  assert.equal(asBlock(h.exec('BRPOP', 'k', '0.0001')).timeoutMs, 1);
  // ceil(-0.1) is -0: Redis blocks for ever.
  assert.equal(asBlock(h.exec('BRPOP', 'k', '-0.0001')).timeoutMs, 0);
  assert.deepEqual(h.exec('BLPOP', 'k', '-1'), TIMEOUT_NEGATIVE);
  assert.deepEqual(h.exec('BLPOP', 'k', 'inf'), TIMEOUT_NEGATIVE);
  assert.deepEqual(h.exec('BLPOP', 'k', '1e300'), TIMEOUT_NEGATIVE);
  assert.deepEqual(h.exec('BLPOP', 'k', 'abc'), TIMEOUT_NOT_FLOAT);
  assert.deepEqual(h.exec('BLPOP', 'str', 'abc'), TIMEOUT_NOT_FLOAT);
});

test('BLMOVE/BRPOPLPUSH: move when possible, else block on the source only', () => {
  const h = setup(['src', 'a', 'b']);
  assert.equal(h.exec('BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0'), 'a');
  assert.equal(h.exec('BRPOPLPUSH', 'src', 'dst', '0'), 'b');
  assert.deepEqual(range(h, 'dst'), ['b', 'a']);
  const r = asBlock(h.exec('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '2'));
  assert.deepEqual(r.keys, ['src']);
  assert.equal(r.timeoutMs, 2000);
  // A blocked BLMOVE that times out answers a null array, as every blocked list pop.
  assert.deepEqual(r.timeoutReply, NULL_ARRAY);
  assert.deepEqual(asBlock(h.exec('BRPOPLPUSH', 'src', 'dst', '0')).timeoutReply, NULL_ARRAY);
  assert.deepEqual(h.exec('BLMOVE', 'src', 'dst', 'UP', 'LEFT', '0'), SYNTAX);
  assert.deepEqual(h.exec('BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '-1'), TIMEOUT_NEGATIVE);
  assert.deepEqual(h.exec('BRPOPLPUSH', 'src', 'dst', 'x'), TIMEOUT_NOT_FLOAT);
  assert.deepEqual(h.exec('BRPOPLPUSH', 'str', 'dst', '0'), WRONGTYPE);
  assert.deepEqual(h.exec('BRPOPLPUSH', 'dst', 'str', '0'), WRONGTYPE);
});

test('BLMPOP: pops like LMPOP, blocks on its keys, parses the timeout after the rest', () => {
  const h = setup(['a', '1', '2', '3']);
  assert.deepEqual(h.exec('BLMPOP', '0', '2', 'none', 'a', 'RIGHT', 'COUNT', '2'), [
    'a',
    ['3', '2'],
  ]);
  const r = asBlock(h.exec('BLMPOP', '0.5', '2', 'x', 'y', 'LEFT'));
  assert.deepEqual(r.keys, ['x', 'y']);
  assert.equal(r.timeoutMs, 500);
  assert.deepEqual(r.timeoutReply, NULL_ARRAY);
  assert.deepEqual(
    h.exec('BLMPOP', 'abc', '0', 'a', 'LEFT'),
    error('ERR numkeys should be greater than 0'),
  );
  assert.deepEqual(h.exec('BLMPOP', 'abc', '1', 'a', 'LEFT'), TIMEOUT_NOT_FLOAT);
  assert.deepEqual(h.exec('BLMPOP', '-1', '1', 'a', 'LEFT'), TIMEOUT_NEGATIVE);
});

test('blocking commands inside MULTI answer the timeout reply at once', () => {
  const h = setup(['src', 'a']);
  const replies = h.machine.apply(
    {
      kind: 'multi',
      commands: [
        { db: 0, argv: ['BLPOP', 'none', '0'] },
        { db: 0, argv: ['BLMOVE', 'none', 'dst', 'LEFT', 'LEFT', '0'] },
        { db: 0, argv: ['BRPOPLPUSH', 'none', 'dst', '0'] },
        { db: 0, argv: ['BLMPOP', '0', '1', 'none', 'LEFT'] },
        { db: 0, argv: ['BRPOP', 'src', '0'] },
      ],
      time: h.now,
      seed: 99,
    },
    true,
  );
  assert.deepEqual(replies, [NULL_ARRAY, null, null, NULL_ARRAY, ['src', 'a']]);
});

test('pushes that create a list signal it ready; in-place changes signal modified', () => {
  const keyspace = new Keyspace(16);
  const ready: string[] = [];
  const modified: string[] = [];
  const machine = new StateMachine(keyspace, new Registry(), testSettings, {
    onReady: (_db, key) => ready.push(key),
  });
  keyspace.db(0).listener = {
    modified: (_db: Db, key: string) => modified.push(key),
    replacing: () => undefined,
  };
  let seed = 1;
  const run = (...argv: string[]): void => {
    machine.apply({ kind: 'command', db: 0, argv, time: 1, seed: seed++ }, true);
  };
  run('RPUSH', 'a', '1');
  run('RPUSH', 'a', '2');
  run('LMOVE', 'a', 'b', 'LEFT', 'LEFT');
  run('LSET', 'a', '0', 'x');
  run('LPOP', 'a');
  assert.deepEqual(ready, ['a', 'b']);
  assert.deepEqual(modified, ['a', 'a', 'b', 'b', 'a', 'a', 'a']);
});

test('expired lists are gone for every list command', () => {
  const h = setup(['l', 'a', 'b']);
  h.run('PEXPIRE', 'l', '100');
  h.now += 200;
  assert.equal(h.run('LLEN', 'l'), 0);
  assert.equal(h.run('RPUSHX', 'l', 'x'), 0);
  assert.equal(h.run('LPUSH', 'l', 'c'), 1);
  assert.equal(h.run('TTL', 'l'), -1);
});

test('OBJECT ENCODING reports quicklist, as Redis 7.0 does for every list', () => {
  const h = setup(['l', 'a']);
  assert.deepEqual(h.run('OBJECT', 'ENCODING', 'l'), 'quicklist');
});

test('a large list works end to end through the commands', () => {
  const h = setup();
  const items = Array.from({ length: 3000 }, (_, i) => `item:${i}`);
  for (let i = 0; i < items.length; i += 500) h.run('RPUSH', 'big', ...items.slice(i, i + 500));
  assert.equal(h.run('LLEN', 'big'), 3000);
  assert.deepEqual(h.run('LRANGE', 'big', '1000', '1599'), items.slice(1000, 1600));
  assert.equal(h.run('LINDEX', 'big', '2222'), 'item:2222');
  assert.equal(h.run('LPOS', 'big', 'item:2999'), 2999);
  assert.deepEqual(h.run('LSET', 'big', '1500', 'changed'), OK);
  assert.equal(h.run('LINSERT', 'big', 'AFTER', 'changed', 'new'), 3001);
  assert.deepEqual(h.run('LRANGE', 'big', '1499', '1502'), [
    'item:1499',
    'changed',
    'new',
    'item:1501',
  ]);
  assert.deepEqual(h.run('RPOP', 'big', '3'), ['item:2999', 'item:2998', 'item:2997']);
  assert.deepEqual(h.run('LTRIM', 'big', '100', '199'), OK);
  assert.deepEqual(h.run('LRANGE', 'big', '0', '-1'), items.slice(100, 200));
  const value = h.keyspace.db(0).peek('big')?.value;
  assert.ok(value instanceof ListValue);
});
