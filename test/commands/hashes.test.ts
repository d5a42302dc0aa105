/**
 * Hash commands through the state machine with Redis 7.0.15's default thresholds
 * (hash-max-listpack-entries 512, hash-max-listpack-value 64). Replies and error
 * strings were checked against redis-server 7.0.15; type/hash.tcl is ported where it
 * needs no DEBUG, with sorting where Redis's order is its hash order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { OK, error, map, pairs, type Reply } from '../../src/resp/reply.js';

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const NOT_FLOAT = error('ERR value is not a valid float');

/** The Harness with Redis's default hash thresholds, changeable per test (CONFIG SET). */
class HashHarness extends Harness {
  readonly config = new Map<string, number>([
    ['hash-max-listpack-entries', 512],
    ['hash-max-listpack-value', 64],
  ]);
  override readonly machine = new StateMachine(this.keyspace, this.registry, {
    protoMaxBulkLen: 512 * 1024 * 1024,
    number: (name) => this.config.get(name) ?? 0,
  });
}

function script(h: Harness, steps: readonly (readonly [readonly string[], Reply])[]): void {
  for (const [argv, expected] of steps) assert.deepEqual(h.run(...argv), expected, argv.join(' '));
}

function encoding(h: Harness, key: string): Reply {
  return h.run('OBJECT', 'ENCODING', key);
}

function strings(reply: Reply): string[] {
  assert.ok(Array.isArray(reply), `not an array: ${JSON.stringify(reply)}`);
  return reply as string[];
}

/** f0 v0 f1 v1 ... for n fields: what withFields(n) holds, in order. */
function allPairs(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`f${i}`, `v${i}`);
  return out;
}

function withFields(count: number, valueOf = (i: number) => `v${i}`): HashHarness {
  const h = new HashHarness();
  for (let i = 0; i < count; i++) h.run('HSET', 'h', `f${i}`, valueOf(i));
  return h;
}

test('HSET answers how many fields are new; HMSET answers OK', () => {
  script(new HashHarness(), [
    [['HSET', 'h', 'a', '1', 'b', '2'], 2],
    [['HSET', 'h', 'a', 'x', 'c', '3', 'c', '4'], 1],
    [['HMSET', 'h', 'd', '5'], OK],
    [['HLEN', 'h'], 4],
    [['HGET', 'h', 'c'], '4'],
    [['TYPE', 'h'], { kind: 'simple', value: 'hash' }],
  ]);
});

test('HSET/HMSET with a field and no value is an arity error naming the command', () => {
  script(new HashHarness(), [
    [['HSET', 'h', 'a', '1', 'b'], error("ERR wrong number of arguments for 'hset' command")],
    [['hmset', 'h', 'a', '1', 'b'], error("ERR wrong number of arguments for 'hmset' command")],
    [['EXISTS', 'h'], 0],
  ]);
});

test('small hashes are listpacks; more than 512 fields make a hashtable', () => {
  const h = withFields(512);
  assert.equal(encoding(h, 'h'), 'listpack');
  h.run('HSET', 'h', 'one-more', 'v');
  assert.equal(encoding(h, 'h'), 'hashtable');
  assert.equal(h.run('HLEN', 'h'), 513);
  assert.equal(h.run('HGET', 'h', 'f100'), 'v100');
});

test('a value longer than hash-max-listpack-value promotes the hash (hash.tcl)', () => {
  const h = withFields(3);
  h.run('HSET', 'h', 'foo', 'a'.repeat(1024));
  assert.equal(encoding(h, 'h'), 'hashtable');
  assert.equal(h.run('HGET', 'h', 'foo'), 'a'.repeat(1024));
});

test('HGET/HMGET: missing keys and fields are nulls; wrong types are WRONGTYPE', () => {
  const h = withFields(2);
  h.run('SET', 's', 'x');
  script(h, [
    [['HGET', 'h', 'f1'], 'v1'],
    [['HGET', 'h', 'nope'], null],
    [['HGET', 'missing', 'f'], null],
    [
      ['HMGET', 'h', 'f0', 'nope', 'f1'],
      ['v0', null, 'v1'],
    ],
    [
      ['HMGET', 'missing', 'a', 'b'],
      [null, null],
    ],
    [['HGET', 's', 'f'], WRONGTYPE],
    [['HMGET', 's', 'f'], WRONGTYPE],
    [['HSET', 's', 'f', 'v'], WRONGTYPE],
    [['HLEN', 's'], WRONGTYPE],
  ]);
});

test('HSETNX sets only a missing field', () => {
  script(new HashHarness(), [
    [['HSETNX', 'h', 'f', 'foo'], 1],
    [['HSETNX', 'h', 'f', 'bar'], 0],
    [['HGET', 'h', 'f'], 'foo'],
  ]);
});

test('HDEL counts deletions and removes the key when the hash empties', () => {
  script(new HashHarness(), [
    [['HDEL', 'missing', 'a'], 0],
    [['HMSET', 'h', 'a', '1', 'b', '2', 'c', '3'], OK],
    [['HDEL', 'h', 'x', 'y'], 0],
    [['HDEL', 'h', 'a', 'c', 'f'], 2],
    [['HGETALL', 'h'], map(['b', '2'])],
    [['HDEL', 'h', 'b', 'b', 'z'], 1],
    [['EXISTS', 'h'], 0],
  ]);
});

test('HEXISTS, HLEN and HSTRLEN, on missing keys and fields too', () => {
  script(withFields(2), [
    [['HEXISTS', 'h', 'f0'], 1],
    [['HEXISTS', 'h', 'nope'], 0],
    [['HEXISTS', 'missing', 'f0'], 0],
    [['HLEN', 'missing'], 0],
    [['HSTRLEN', 'h', 'f1'], 2],
    [['HSTRLEN', 'h', 'nope'], 0],
    [['HSTRLEN', 'missing', 'f'], 0],
  ]);
});

test('HSTRLEN corner cases match the value length in both encodings (hash.tcl)', () => {
  const h = withFields(600);
  h.run('HSET', 'small', 'a', '1');
  for (const v of [
    '-9223372036854775808',
    '9223372036854775807',
    '9223372036854775808',
    '',
    '0',
    '-1',
    'x',
  ]) {
    h.run('HMSET', 'small', 'field', v);
    h.run('HMSET', 'h', 'field', v);
    assert.equal(h.run('HSTRLEN', 'small', 'field'), v.length);
    assert.equal(h.run('HSTRLEN', 'h', 'field'), v.length);
  }
});

test('HKEYS, HVALS and HGETALL in insertion order; missing keys are empty', () => {
  script(new HashHarness(), [
    [['HSET', 'h', 'b', '1', 'a', '2'], 2],
    [
      ['HKEYS', 'h'],
      ['b', 'a'],
    ],
    [
      ['HVALS', 'h'],
      ['1', '2'],
    ],
    [['HGETALL', 'h'], map(['b', '1', 'a', '2'])],
    [['HKEYS', 'missing'], []],
    [['HVALS', 'missing'], []],
    [['HGETALL', 'missing'], map([])],
  ]);
});

test('HGETALL of a hashtable is a copy: later writes leave an earlier reply alone', () => {
  const h = withFields(600);
  const reply = h.run('HGETALL', 'h');
  h.run('HDEL', 'h', 'f0');
  assert.ok(typeof reply === 'object' && reply !== null && 'kind' in reply && reply.kind === 'map');
  assert.equal(reply.entries.length, 1200);
  assert.equal(reply.entries[0], 'f0');
});

test('HINCRBY: creates, increments, and reports errors as Redis (hash.tcl)', () => {
  const h = new HashHarness();
  script(h, [
    [['HINCRBY', 'h', 'tmp', '2'], 2],
    [['HINCRBY', 'h', 'tmp', '3'], 5],
    [['HSET', 'h', 'big', '17179869184'], 1],
    [['HINCRBY', 'h', 'big', '17179869184'], 34359738368],
    [['HINCRBY', 'h', 'tmp', 'x'], NOT_INTEGER],
    [['HINCRBY', 'h', 'tmp', '1.5'], NOT_INTEGER],
    [['HSET', 'h', 'str', ' 11'], 1],
    [['HINCRBY', 'h', 'str', '1'], error('ERR hash value is not an integer')],
    [['HSET', 'h', 'str', '11 '], 0],
    [['HINCRBY', 'h', 'str', '1'], error('ERR hash value is not an integer')],
    [['HSET', 'h', 'n', '-9223372036854775484'], 1],
    [['HINCRBY', 'h', 'n', '-1'], -9223372036854775485n],
    [['HINCRBY', 'h', 'n', '-10000'], error('ERR increment or decrement would overflow')],
    [['SET', 's', 'x'], OK],
    [['HINCRBY', 's', 'f', 'x'], NOT_INTEGER],
    [['HINCRBY', 's', 'f', '1'], WRONGTYPE],
  ]);
});

test('HINCRBYFLOAT: long double arithmetic and formatting, errors as Redis (hash.tcl)', () => {
  const h = new HashHarness();
  script(h, [
    [['HINCRBYFLOAT', 'h', 'f', '2.5'], '2.5'],
    [['HINCRBYFLOAT', 'h', 'f', '3.5'], '6'],
    [['HINCRBYFLOAT', 'h', 'float', '1.23'], '1.23'],
    [['HINCRBYFLOAT', 'h', 'float', '0.77'], '2'],
    [['HINCRBYFLOAT', 'h', 'float', '-0.1'], '1.9'],
    [['HSET', 'h', 'big', '17179869184'], 1],
    [['HINCRBYFLOAT', 'h', 'big', '17179869184'], '34359738368'],
    [['HINCRBYFLOAT', 'h', 'k', '5000'], '5000'],
    [['HINCRBYFLOAT', 'h', 'k', '0.1'], '5000.10000000000000009'],
    [['HSET', 'h', 'str', ' 11'], 1],
    [['HINCRBYFLOAT', 'h', 'str', '1'], error('ERR hash value is not a float')],
    [['HSET', 'h', 'nul', '1\x002'], 1],
    [['HINCRBYFLOAT', 'h', 'nul', '1'], error('ERR hash value is not a float')],
    [['HINCRBYFLOAT', 'h', 'f', 'abc'], NOT_FLOAT],
    [['HSET', 'h', 'inf', 'inf'], 1],
    [['HINCRBYFLOAT', 'h', 'inf', '1'], error('ERR increment would produce NaN or Infinity')],
    [['HINCRBYFLOAT', 'hfoo', 'field', '+inf'], error('ERR value is NaN or Infinity')],
    [['EXISTS', 'hfoo'], 0],
  ]);
});

test('HINCRBYFLOAT converts when its field or result outgrows the value limit (hash.tcl)', () => {
  const h = new HashHarness();
  h.config.set('hash-max-listpack-value', 8);
  script(h, [
    [['HSET', 'small', 'tmp', '0'], 1],
    [['HSET', 'big', 'tmp', '0'], 1],
    [['HINCRBYFLOAT', 'small', 'tmp', '0.000005'], '0.000005'],
    [['HINCRBYFLOAT', 'big', 'tmp', '0.0000005'], '0.0000005'],
    [['OBJECT', 'ENCODING', 'small'], 'listpack'],
    [['OBJECT', 'ENCODING', 'big'], 'hashtable'],
    [['HINCRBYFLOAT', 'small2', 'abcdefgh', '1'], '1'],
    [['HINCRBYFLOAT', 'big2', 'abcdefghi', '1'], '1'],
    [['OBJECT', 'ENCODING', 'small2'], 'listpack'],
    [['OBJECT', 'ENCODING', 'big2'], 'hashtable'],
  ]);
});

test('hash-max-listpack-entries is read at each write (CONFIG SET takes effect)', () => {
  const h = new HashHarness();
  h.config.set('hash-max-listpack-entries', 32);
  for (let i = 0; i < 64; i++) h.run('HSET', 'h', `k${i}`, 'v');
  assert.equal(encoding(h, 'h'), 'hashtable');
});

test('an expired hash is absent to reads and replaced by writes', () => {
  const h = withFields(3);
  h.run('PEXPIRE', 'h', '100');
  h.now += 200;
  script(h, [
    [['HGET', 'h', 'f0'], null],
    [['HLEN', 'h'], 0],
    [['HSET', 'h', 'new', '1'], 1],
    [['HKEYS', 'h'], ['new']],
    [['TTL', 'h'], -1],
  ]);
});

test('COPY makes an independent hash', () => {
  const h = withFields(3);
  h.run('COPY', 'h', 'c');
  h.run('HSET', 'c', 'f0', 'changed');
  assert.equal(h.run('HGET', 'h', 'f0'), 'v0');
  assert.equal(h.run('HGET', 'c', 'f0'), 'changed');
});

// ---------------------------------------------------------------------------------------
// HRANDFIELD

test('HRANDFIELD without count: one field, null for a missing key', () => {
  const h = withFields(5);
  const field = h.run('HRANDFIELD', 'h');
  assert.ok(typeof field === 'string' && /^f[0-4]$/.test(field));
  assert.equal(h.run('HRANDFIELD', 'missing'), null);
  h.run('SET', 's', 'x');
  assert.deepEqual(h.run('HRANDFIELD', 's'), WRONGTYPE);
});

test("HRANDFIELD argument errors come before the key lookup, with Redis's messages", () => {
  const h = withFields(1);
  h.run('SET', 's', 'x');
  script(h, [
    [['HRANDFIELD', 's', 'abc'], NOT_INTEGER],
    [['HRANDFIELD', 's', '1', 'foo'], SYNTAX],
    [['HRANDFIELD', 'h', '1', 'withvalues', 'x'], SYNTAX],
    [['HRANDFIELD', 's', '1'], WRONGTYPE],
    [
      ['HRANDFIELD', 'h', '-9223372036854775808'],
      error(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      ),
    ],
    [['HRANDFIELD', 'h', '-9223372036854770000', 'withvalues'], error('ERR value is out of range')],
    [
      ['HRANDFIELD', 'h', '-9223372036854775808', 'withvalues'],
      error(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      ),
    ],
    [['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], error('ERR value is out of range')],
  ]);
});

test('HRANDFIELD count 0 and missing keys answer an empty array', () => {
  const h = withFields(3);
  script(h, [
    [['HRANDFIELD', 'h', '0'], []],
    [['HRANDFIELD', 'missing', '100'], []],
    [['HRANDFIELD', 'missing', '-5', 'WITHVALUES'], []],
  ]);
});

for (const [label, count] of [
  ['listpack', 10],
  ['hashtable', 600],
] as const) {
  test(`HRANDFIELD on a ${label}: the four shapes of Redis's algorithm`, () => {
    const h = withFields(count);
    assert.equal(encoding(h, 'h'), label);
    // Negative: with repetition, exactly |count| picks, all real fields.
    const repeated = strings(h.run('HRANDFIELD', 'h', '-1001'));
    assert.equal(repeated.length, 1001);
    assert.ok(repeated.every((f) => /^f\d+$/.test(f) && Number(f.slice(1)) < count));
    assert.ok(new Set(repeated).size < 1001);
    // Count covering the hash: all of it, in its order.
    assert.deepEqual(h.run('HRANDFIELD', 'h', String(count + 5)), h.run('HKEYS', 'h'));
    // Close to the size (copy and thin) and much smaller (distinct draws): distinct fields.
    for (const n of [Math.floor(count * 0.8), 2]) {
      const picked = strings(h.run('HRANDFIELD', 'h', String(n)));
      assert.equal(picked.length, n);
      assert.equal(new Set(picked).size, n);
    }
  });
}

test('HRANDFIELD WITHVALUES replies pairs: flat in RESP2, nested in RESP3', () => {
  const h = withFields(10);
  for (const args of [['-3'], ['3'], ['1'], ['20']]) {
    const reply = h.run('HRANDFIELD', 'h', ...args, 'WITHVALUES');
    assert.ok(
      typeof reply === 'object' && reply !== null && 'kind' in reply && reply.kind === 'pairs',
    );
    for (let i = 0; i < reply.items.length; i += 2) {
      assert.equal(reply.items[i + 1], `v${String(reply.items[i]).slice(1)}`);
    }
  }
  assert.deepEqual(h.run('HRANDFIELD', 'h', '20', 'WITHVALUES'), pairs(allPairs(10)));
});

test('HRANDFIELD is a function of the seed and the history (deterministic replicas)', () => {
  const a = withFields(50);
  const b = withFields(50);
  for (const args of [[], ['-20'], ['5'], ['40'], ['7', 'WITHVALUES']]) {
    assert.deepEqual(a.run('HRANDFIELD', 'h', ...args), b.run('HRANDFIELD', 'h', ...args));
  }
});

test('HRANDFIELD -N is roughly uniform (chi-square, as hash.tcl checks)', () => {
  const h = withFields(10);
  const counts = new Map<string, number>();
  for (const f of strings(h.run('HRANDFIELD', 'h', '-10000')))
    counts.set(f, (counts.get(f) ?? 0) + 1);
  let chi = 0;
  for (const c of counts.values()) chi += (c - 1000) ** 2 / 1000;
  assert.equal(counts.size, 10);
  assert.ok(chi < 40, `chi-square ${chi}`);
});

test('HRANDFIELD with a positive count eventually returns every field', () => {
  for (const size of [10, 600]) {
    const h = withFields(size);
    const seen = new Set<string>();
    for (let i = 0; i < 5000 && seen.size < size; i++) {
      for (const f of strings(h.run('HRANDFIELD', 'h', '2'))) seen.add(f);
    }
    assert.equal(seen.size, size);
  }
});

// ---------------------------------------------------------------------------------------
// HSCAN

test('HSCAN argument errors, missing keys and wrong types', () => {
  const h = withFields(3);
  h.run('SET', 's', 'x');
  script(h, [
    [['HSCAN', 'h', 'abc'], error('ERR invalid cursor')],
    [['HSCAN', 'h', ' 1'], error('ERR invalid cursor')],
    [['HSCAN', 'h', '18446744073709551616'], error('ERR invalid cursor')],
    [['HSCAN', 's', '0'], WRONGTYPE],
    [
      ['HSCAN', 'missing', '0', 'bogus'],
      ['0', []],
    ],
    [['HSCAN', 'h', '0', 'COUNT', '0'], SYNTAX],
    [['HSCAN', 'h', '0', 'COUNT', 'x'], NOT_INTEGER],
    [['HSCAN', 'h', '0', 'MATCH'], SYNTAX],
    [['HSCAN', 'h', '0', 'TYPE', 'hash'], SYNTAX],
  ]);
});

test('HSCAN of a listpack returns all pairs at once, filtered by MATCH', () => {
  script(withFields(12), [
    [
      ['HSCAN', 'h', '0', 'COUNT', '1'],
      ['0', allPairs(12)],
    ],
    [
      ['HSCAN', 'h', '0', 'MATCH', 'f1*'],
      ['0', ['f1', 'v1', 'f10', 'v10', 'f11', 'v11']],
    ],
    [
      ['HSCAN', 'h', '77', 'match', '*'],
      ['0', allPairs(12)],
    ],
  ]);
});

test('HSCAN of a hashtable covers every field over several calls (scan.tcl)', () => {
  const h = withFields(1000);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, found] = h.run('HSCAN', 'h', cursor, 'COUNT', '50') as [string, string[]];
    for (let i = 0; i < found.length; i += 2) seen.set(found[i] as string, found[i + 1] as string);
    cursor = next;
    calls++;
  } while (cursor !== '0');
  assert.equal(seen.size, 1000);
  assert.equal(seen.get('f999'), 'v999');
  assert.ok(calls >= 20);
});

test('HSCAN MATCH filters fields only, not values', () => {
  const h = withFields(600, (i) => (i % 2 === 0 ? 'even' : 'odd'));
  let cursor = '0';
  const found: string[] = [];
  do {
    const [next, batch] = h.run('HSCAN', 'h', cursor, 'MATCH', 'f1?', 'COUNT', '100') as [
      string,
      string[],
    ];
    found.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const fields = found.filter((_, i) => i % 2 === 0).sort();
  assert.deepEqual(fields, ['f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19']);
});

test('hash fuzzing: random HSET/HDEL agree with a model in both encodings (hash.tcl)', () => {
  for (const size of [10, 600]) {
    const h = new HashHarness();
    const model = new Map<string, string>();
    let x = size;
    const rand = (): number => (x = (x * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < size * 3; i++) {
      const field = String(rand() % (size * 2));
      if (rand() % 3 === 0) {
        h.run('HDEL', 'h', field);
        model.delete(field);
      } else {
        const value = String.fromCharCode(rand() % 256).repeat(rand() % 5);
        h.run('HSET', 'h', field, value);
        model.set(field, value);
      }
    }
    for (const [f, v] of model) assert.equal(h.run('HGET', 'h', f), v);
    assert.equal(h.run('HLEN', 'h'), model.size);
  }
});

test('writes that change a hash report the key (WATCH); writes that change nothing do not', () => {
  const h = withFields(3);
  const modified: string[] = [];
  h.keyspace.listen({ modified: (_db, key) => modified.push(key), replacing: () => {} });
  const reports = (...argv: string[]): boolean => {
    const before = modified.length;
    h.run(...argv);
    return modified.slice(before).includes('h');
  };
  assert.equal(reports('HSET', 'h', 'f0', 'changed'), true);
  assert.equal(reports('HINCRBY', 'h', 'n', '1'), true);
  assert.equal(reports('HINCRBYFLOAT', 'h', 'n', '1.5'), true);
  assert.equal(reports('HSETNX', 'h', 'new', 'v'), true);
  assert.equal(reports('HDEL', 'h', 'new'), true);
  assert.equal(reports('HSETNX', 'h', 'f0', 'v'), false);
  assert.equal(reports('HDEL', 'h', 'nope'), false);
  assert.equal(reports('HINCRBY', 'h', 'f0', '1'), false);
  assert.equal(reports('HGET', 'h', 'f0'), false);
});
