/**
 * SORT and SORT_RO through the state machine. unit/sort.tcl is ported (datasets built
 * with a seeded generator instead of Tcl's rand), plus the corners of Redis's sort.c:
 * strtod weights, LIMIT clamping, BY nosort windows, GET patterns and STORE. Replies
 * were checked against redis-server 7.0.15.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, testSettings } from '../support/harness.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { ListValue } from '../../src/keyspace/list.js';
import { sortScore } from '../../src/commands/sort.js';
import { keyIndexes } from '../../src/commands/spec.js';
import { error, type Reply } from '../../src/resp/reply.js';
import { Rng } from '../../src/util/rng.js';

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const BAD_DOUBLE = error("ERR One or more scores can't be converted into double");

/** Puts a list at `key` directly, so these tests need no list commands. */
function putList(h: Harness, key: string, elements: readonly string[]): void {
  h.keyspace.db(h.db).set(key, ListValue.from(elements), 0);
}

/** The list SORT ... STORE left at `key`, or null if there is none. */
function storedList(h: Harness, key: string): string[] | null {
  const value = h.keyspace.db(h.db).peek(key)?.value;
  if (value === undefined) return null;
  assert.ok(value instanceof ListValue, `${key} is not a list`);
  return value.length === 0 ? [] : value.range(0, value.length - 1);
}

function script(h: Harness, steps: readonly (readonly [readonly string[], Reply])[]): void {
  for (const [argv, expected] of steps) assert.deepEqual(h.run(...argv), expected, argv.join(' '));
}

/**
 * sort.tcl's create_random_dataset: elements 0..n-1 pushed with `add`, each with a
 * distinct random weight in weight_<i> and in the hash wobj_<i>; returns the elements
 * in weight order.
 */
function randomDataset(h: Harness, n: number, add: 'list' | 'set', seed: number): string[] {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const weighted: [string, number][] = [];
  const elements: string[] = [];
  for (let i = 0; i < n; i++) {
    let weight: string;
    do {
      weight = rng.next() < 0.5 ? String(rng.below(1_000_000)) : String(rng.next());
    } while (seen.has(weight));
    seen.add(weight);
    elements.push(String(i));
    h.run('SET', `weight_${i}`, weight);
    h.run('HSET', `wobj_${i}`, 'weight', weight);
    weighted.push([String(i), Number(weight)]);
  }
  if (add === 'list') putList(h, 'tosort', [...elements].reverse());
  else h.run('SADD', 'tosort', ...elements);
  return weighted.sort((a, b) => a[1] - b[1]).map(([e]) => e);
}

for (const [n, add] of [
  [16, 'list'],
  [1000, 'list'],
  [16, 'set'],
  [1000, 'set'],
] as const) {
  test(`${add} of ${n}: SORT BY key, BY key with LIMIT, BY hash field (sort.tcl)`, () => {
    const h = new Harness();
    const result = randomDataset(h, n, add, n);
    assert.deepEqual(h.run('SORT', 'tosort', 'BY', 'weight_*'), result);
    assert.deepEqual(
      h.run('SORT', 'tosort', 'BY', 'weight_*', 'LIMIT', '5', '5'),
      result.slice(5, 10),
    );
    assert.deepEqual(h.run('SORT', 'tosort', 'BY', 'wobj_*->weight'), result);
    assert.deepEqual(
      h.run('SORT_RO', 'tosort', 'BY', 'wobj_*->weight', 'DESC'),
      [...result].reverse(),
    );
  });
}

test('SORT GET #, GET <const>, GET key and hash field (sort.tcl)', () => {
  const h = new Harness();
  const result = randomDataset(h, 16, 'list', 7);
  const numeric = [...result].sort((a, b) => Number(a) - Number(b));
  assert.deepEqual(h.run('SORT', 'tosort', 'GET', '#'), numeric);
  assert.deepEqual(h.run('SORT', 'tosort', 'GET', 'foo'), new Array(16).fill(null));
  const l1 = h.run('SORT', 'tosort', 'GET', '#', 'GET', 'weight_*') as string[];
  const l2 = h.run('SORT', 'tosort', 'GET', '#', 'GET', 'wobj_*->weight') as string[];
  assert.deepEqual(l1, l2);
  for (let i = 0; i < l1.length; i += 2) assert.equal(l1[i + 1], h.run('GET', `weight_${l1[i]}`));
});

test('SORT BY key / hash field STORE writes a list (sort.tcl)', () => {
  const h = new Harness();
  const result = randomDataset(h, 16, 'list', 3);
  assert.equal(h.run('SORT', 'tosort', 'BY', 'weight_*', 'STORE', 'sort-res'), 16);
  assert.deepEqual(storedList(h, 'sort-res'), result);
  assert.equal(h.run('OBJECT', 'ENCODING', 'sort-res'), 'quicklist');
  assert.equal(h.run('SORT', 'tosort', 'BY', 'wobj_*->weight', 'store', 'sort-res'), 16);
  assert.deepEqual(storedList(h, 'sort-res'), result);
});

test('SORT key positions: the sorted key and the last STORE (sort.tcl)', () => {
  const h = new Harness();
  const spec = h.registry.get('sort');
  const ro = h.registry.get('sort_ro');
  assert.ok(spec !== undefined && ro !== undefined);
  const keysOf = (s: typeof spec, argv: string[]): string[] =>
    keyIndexes(s, argv).map((i) => argv[i] as string);
  assert.deepEqual(keysOf(spec, ['sort', 'abc', 'store', 'def']), ['abc', 'def']);
  assert.deepEqual(keysOf(ro, ['sort_ro', 'abc']), ['abc']);
  assert.deepEqual(
    keysOf(spec, ['sort', 'abc', 'store', 'invalid', 'store', 'stillbad', 'store', 'def']),
    ['abc', 'def'],
  );
  assert.deepEqual(
    keysOf(spec, ['sort', 'abc', 'get', 'store', 'limit', 'store', 'x', 'by', 'store']),
    ['abc'],
  );
  assert.deepEqual(keysOf(spec, ['sort', 'abc', 'store']), ['abc']);
  assert.ok(spec.flags.includes('write') && spec.flags.includes('denyoom'));
  assert.ok(ro.flags.includes('readonly') && !ro.flags.includes('write'));
});

test('SORT DESC, ALPHA against integers, and floats (sort.tcl)', () => {
  const h = new Harness();
  putList(h, 'mylist', ['10', '3', '1', '2']);
  putList(h, 'floats', ['1.15', '0.25', '6.12', '5.75', '2.1', '7.44', '3.10', '5.10', '1.1']);
  script(h, [
    [
      ['SORT', 'mylist', 'DESC'],
      ['10', '3', '2', '1'],
    ],
    [
      ['SORT', 'mylist', 'alpha'],
      ['1', '10', '2', '3'],
    ],
    [
      ['SORT', 'floats'],
      ['0.25', '1.1', '1.15', '2.1', '3.10', '5.10', '5.75', '6.12', '7.44'],
    ],
  ]);
});

test('SORT a sorted set: ALPHA DESC, and BY nosort keeps score order with LIMIT (sort.tcl)', () => {
  const h = new Harness();
  h.run('ZADD', 'zset', '1', 'a', '5', 'b', '2', 'c', '10', 'd', '3', 'e');
  script(h, [
    [
      ['SORT', 'zset', 'alpha', 'desc'],
      ['e', 'd', 'c', 'b', 'a'],
    ],
    [
      ['SORT', 'zset', 'by', 'nosort', 'asc'],
      ['a', 'c', 'e', 'b', 'd'],
    ],
    [
      ['SORT', 'zset', 'by', 'nosort', 'desc'],
      ['d', 'b', 'e', 'c', 'a'],
    ],
    [['SORT', 'zset', 'by', 'nosort', 'asc', 'limit', '0', '1'], ['a']],
    [['SORT', 'zset', 'by', 'nosort', 'desc', 'limit', '0', '1'], ['d']],
    [
      ['SORT', 'zset', 'by', 'nosort', 'asc', 'limit', '0', '2'],
      ['a', 'c'],
    ],
    [
      ['SORT', 'zset', 'by', 'nosort', 'desc', 'limit', '0', '2'],
      ['d', 'b'],
    ],
    [['SORT', 'zset', 'by', 'nosort', 'limit', '5', '10'], []],
    [
      ['SORT', 'zset', 'by', 'nosort', 'limit', '-10', '100'],
      ['a', 'c', 'e', 'b', 'd'],
    ],
    [
      ['SORT', 'zset', 'by', 'nosort', 'desc', 'limit', '1', '3'],
      ['b', 'e', 'c'],
    ],
    [
      ['SORT', 'zset', 'by', 'nosort', 'limit', '2', '2'],
      ['e', 'b'],
    ],
  ]);
});

test('SORT with STORE: empty results store nothing and delete the target (sort.tcl)', () => {
  const h = new Harness();
  assert.equal(h.run('SORT', 'foo', 'STORE', 'bar'), 0);
  putList(h, 'foo', ['bar']);
  assert.equal(h.run('SORT', 'foo', 'ALPHA', 'LIMIT', '10', '10', 'STORE', 'zap'), 0);
  assert.equal(h.run('EXISTS', 'zap'), 0);
  assert.equal(h.run('SORT', 'emptylist', 'STORE', 'foo'), 0);
  assert.equal(h.run('EXISTS', 'foo'), 0);
});

test('SORT STORE replaces any type and clears its TTL', () => {
  const h = new Harness();
  putList(h, 'l', ['2', '1']);
  h.run('SET', 'dst', 'x', 'EX', '100');
  assert.equal(h.run('SORT', 'l', 'STORE', 'dst'), 2);
  assert.deepEqual(storedList(h, 'dst'), ['1', '2']);
  assert.equal(h.run('TTL', 'dst'), -1);
});

test('SORT a set BY a constant with STORE sorts it ALPHA (sort.tcl)', () => {
  const h = new Harness();
  const members = [
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g',
    'h',
    'i',
    'l',
    'm',
    'n',
    'o',
    'p',
    'q',
    'r',
    's',
    't',
    'u',
    'v',
    'z',
    'aa',
    'aaa',
    'azz',
  ];
  h.run('SADD', 'myset', ...members);
  h.run('SORT', 'myset', 'alpha', 'by', '_', 'store', 'mylist');
  assert.deepEqual(storedList(h, 'mylist'), [...members].sort());
});

test('SORT complains about weights that are not doubles (sort.tcl)', () => {
  const h = new Harness();
  h.run('SADD', 'myset', '1', '2', '3', '4', 'not-a-double');
  assert.deepEqual(h.run('SORT', 'myset'), BAD_DOUBLE);
  h.run('SADD', 'myset2', '1', '2', '3', '4');
  h.run('MSET', 'score:1', '10', 'score:2', '20', 'score:3', '30', 'score:4', 'not-a-double');
  assert.deepEqual(h.run('SORT', 'myset2', 'by', 'score:*'), BAD_DOUBLE);
  // The error wins over STORE, which then writes nothing.
  assert.deepEqual(h.run('SORT', 'myset2', 'by', 'score:*', 'STORE', 'out'), BAD_DOUBLE);
  assert.equal(h.run('EXISTS', 'out'), 0);
});

test('SORT BY equal weights sub-sorts the elements byte-wise (sort.tcl)', () => {
  const h = new Harness();
  const members = [
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g',
    'h',
    'i',
    'l',
    'm',
    'n',
    'o',
    'p',
    'q',
    'r',
    's',
    't',
    'u',
    'v',
    'z',
    'aa',
    'aaa',
    'azz',
  ];
  h.run('SADD', 'myset', ...members);
  for (const m of members) h.run('SET', `score:${m}`, '100');
  assert.deepEqual(h.run('SORT', 'myset', 'by', 'score:*'), [...members].sort());
});

test('SORT GET with a pattern ending in -> reads a string key (sort.tcl)', () => {
  const h = new Harness();
  putList(h, 'mylist', ['a']);
  h.run('SET', 'x:a->', '100');
  script(h, [
    [['SORT', 'mylist', 'by', 'num', 'get', 'x:*->'], ['100']],
    [['SORT_RO', 'mylist', 'by', 'nosort', 'get', 'x:*->'], ['100']],
  ]);
});

test('SORT BY nosort keeps list order, with LIMIT and STORE (sort.tcl)', () => {
  const h = new Harness();
  putList(h, 'testa', ['5', '3', '4', '1', '2']);
  assert.deepEqual(h.run('SORT', 'testa', 'by', 'nosort'), ['5', '3', '4', '1', '2']);
  assert.deepEqual(h.run('SORT', 'testa', 'by', 'nosort', 'desc'), ['2', '1', '4', '3', '5']);
  assert.deepEqual(h.run('SORT', 'testa', 'by', 'nosort', 'desc', 'limit', '1', '2'), ['1', '4']);
  h.run('SORT', 'testa', 'by', 'nosort', 'store', 'testb');
  assert.deepEqual(storedList(h, 'testb'), ['5', '3', '4', '1', '2']);
  h.run('SORT', 'testa', 'by', 'nosort', 'limit', '0', '3', 'store', 'testb');
  assert.deepEqual(storedList(h, 'testb'), ['5', '3', '4']);
});

test('SORT_RO refuses STORE; options and LIMIT errors as Redis (sort.tcl)', () => {
  const h = new Harness();
  putList(h, 'l', ['2', '1', '0']);
  h.run('SET', 's', 'x');
  script(h, [
    [['SORT_RO', 'foolist', 'STORE', 'bar'], SYNTAX],
    [['SORT', 'l', 'LIMIT', '1'], SYNTAX],
    [['SORT', 'l', 'BY'], SYNTAX],
    [['SORT', 'l', 'GET'], SYNTAX],
    [['SORT', 'l', 'bogus'], SYNTAX],
    [['SORT', 'l', 'LIMIT', 'x', '1'], NOT_INTEGER],
    [['SORT', 'l', 'LIMIT', '0', '1.5'], NOT_INTEGER],
    [['SORT', 's'], WRONGTYPE],
    [['SORT', 's', 'bogus'], SYNTAX],
    [['SORT_RO', 'l', 'by', 'a', 'limit', '2', '9223372036854775807'], ['0']],
    [
      ['SORT', 'l', 'limit', '-5', '2'],
      ['0', '1'],
    ],
    [
      ['SORT', 'l', 'limit', '1', '-1'],
      ['1', '2'],
    ],
    [['SORT', 'l', 'limit', '1', '0'], []],
    [['SORT', 'l', 'limit', '3', '1'], []],
  ]);
});

test('SORT of a hash or a string key is WRONGTYPE; of a missing key, empty', () => {
  const h = new Harness();
  h.run('HSET', 'h', 'a', '1');
  script(h, [
    [['SORT', 'h'], WRONGTYPE],
    [['SORT', 'missing'], []],
    [['SORT', 'missing', 'GET', '#', 'GET', 'x'], []],
  ]);
});

test('SORT GET patterns: missing keys and wrong types are nulls, "" when stored', () => {
  const h = new Harness();
  putList(h, 'l', ['1', '2', '3']);
  h.run('SET', 'v_1', 'one');
  h.run('HSET', 'v_2', 'f', 'two');
  h.run('HSET', 'o_3', 'f', 'three');
  script(h, [
    [
      ['SORT', 'l', 'GET', 'v_*', 'GET', '#', 'GET', 'o_*->f'],
      ['one', '1', null, null, '2', null, null, '3', 'three'],
    ],
    [['SORT', 'l', 'GET', 'v_*', 'STORE', 'dst'], 3],
  ]);
  assert.deepEqual(storedList(h, 'dst'), ['one', '', '']);
});

test('SORT patterns: only the first * is replaced; -> needs a field after it', () => {
  const h = new Harness();
  putList(h, 'l', ['a']);
  h.run('SET', 'k_a_*', 'star');
  h.run('HSET', 'h_a', '->x', 'arrow', 'x', 'plain');
  script(h, [
    [['SORT', 'l', 'BY', 'nosort', 'GET', 'k_*_*'], ['star']],
    [['SORT', 'l', 'BY', 'nosort', 'GET', 'h_*->->x'], ['arrow']],
    [['SORT', 'l', 'BY', 'nosort', 'GET', 'h_*->x'], ['plain']],
    [['SORT', 'l', 'BY', 'nosort', 'GET', '#x'], [null]],
  ]);
});

test('SORT ALPHA BY: missing weights sort first; ties keep their order', () => {
  const h = new Harness();
  putList(h, 'l', ['d', 'c', 'b', 'a']);
  h.run('MSET', 'w_a', 'y', 'w_c', 'x');
  script(h, [
    [
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
      ['d', 'b', 'c', 'a'],
    ],
    [
      ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'],
      ['a', 'c', 'd', 'b'],
    ],
  ]);
});

test('SORT ALPHA compares bytes, and C strings up to a NUL unless STORE', () => {
  const h = new Harness();
  putList(h, 'l', ['\xe9', 'z', 'a\x00b', 'a\x00a', 'A']);
  assert.deepEqual(h.run('SORT', 'l', 'ALPHA'), ['A', 'a\x00b', 'a\x00a', 'z', '\xe9']);
  h.run('SORT', 'l', 'ALPHA', 'STORE', 'dst');
  assert.deepEqual(storedList(h, 'dst'), ['A', 'a\x00a', 'a\x00b', 'z', '\xe9']);
});

test('SORT numeric weights parse as strtod: spaces, hex, inf; ERANGE and NaN fail', () => {
  assert.equal(sortScore(''), 0);
  assert.equal(sortScore(' 1'), 1);
  assert.equal(sortScore('\t-2.5e1'), -25);
  assert.equal(sortScore('0x10'), 16);
  assert.equal(sortScore('0x1.8p1'), 3);
  assert.equal(sortScore('inf'), Infinity);
  assert.equal(sortScore('-Infinity'), -Infinity);
  assert.equal(sortScore('1e308'), 1e308);
  assert.equal(sortScore('0.0'), 0);
  assert.equal(sortScore('1\x00junk'), 1);
  for (const bad of [
    ' ',
    '1 ',
    'nan',
    '1e400',
    '1e-310',
    '1e-400',
    '0x1p-1080',
    'abc',
    '1e',
    '.',
    '0x',
    '--1',
  ]) {
    assert.equal(sortScore(bad), null, JSON.stringify(bad));
  }
});

test('SORT BY with a narrowing LIMIT (partial quicksort) agrees with a full sort', () => {
  const h = new Harness();
  const rng = new Rng(11);
  const elements: string[] = [];
  for (let i = 0; i < 300; i++) {
    elements.push(`e${i}`);
    h.run('SET', `w_e${i}`, String(rng.below(50)));
  }
  putList(h, 'l', elements);
  const full = h.run('SORT', 'l', 'BY', 'w_*') as string[];
  for (const [start, count] of [
    [0, 10],
    [37, 5],
    [290, 20],
    [100, 100],
  ] as const) {
    assert.deepEqual(
      h.run('SORT', 'l', 'BY', 'w_*', 'LIMIT', String(start), String(count)),
      full.slice(start, start + count),
    );
  }
});

test('SORT STORE reports the destination as modified and ready (blocked clients)', () => {
  const h = new Harness();
  const modified: string[] = [];
  h.keyspace.listen({ modified: (_db, key) => modified.push(key), replacing: () => {} });
  putList(h, 'l', ['b', 'a']);
  h.run('SORT', 'l', 'ALPHA', 'STORE', 'dst');
  assert.ok(modified.includes('dst'));
  modified.length = 0;
  h.run('SORT', 'missing', 'STORE', 'dst');
  assert.deepEqual([...new Set(modified)], ['dst']);
  assert.equal(h.run('EXISTS', 'dst'), 0);
  modified.length = 0;
  h.run('SORT', 'l', 'ALPHA');
  assert.deepEqual(modified, []);
  const ready: string[] = [];
  const machine = new StateMachine(h.keyspace, h.registry, testSettings, {
    onReady: (_db, key) => ready.push(key),
  });
  const argv = ['SORT', 'l', 'ALPHA', 'STORE', 'dst'];
  machine.apply({ kind: 'command', db: 0, argv, time: h.now, seed: 1 }, true);
  assert.deepEqual(ready, ['dst']);
});
