/**
 * Sorted set commands through the Harness (writes as log entries through the state
 * machine). Expected replies and error strings were checked against redis-server
 * 7.0.15; the behaviours are those type/zset.tcl pins, run with Redis's default
 * encoding limits (128/64) unless a test says otherwise. The differential test compares
 * the same commands with a real redis-server byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import type { ExecSettings } from '../../src/commands/context.js';
import { isBlockRequest, keyIndexes, type BlockRequest } from '../../src/commands/spec.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { NULL_ARRAY, error, type Reply } from '../../src/resp/reply.js';
import { ZSetValue } from '../../src/keyspace/zset.js';

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const NOT_FLOAT = error('ERR value is not a valid float');

/** A Harness whose writes see the given encoding limits and record ready keys. */
class ZHarness extends Harness {
  override readonly machine: StateMachine;
  readonly ready: string[] = [];

  constructor(entries = 128, value = 64) {
    super();
    const limits = new Map([
      ['zset-max-listpack-entries', entries],
      ['zset-max-listpack-value', value],
      ['set-max-intset-entries', 512],
    ]);
    const settings: ExecSettings = {
      protoMaxBulkLen: 512 * 1024 * 1024,
      number: (name) => limits.get(name) ?? 0,
    };
    this.machine = new StateMachine(this.keyspace, this.registry, settings, {
      onReady: (_db, key) => this.ready.push(key),
    });
  }

  /** The reply as RESP bytes, for shapes that differ between protocols. */
  resp(proto: 2 | 3, ...argv: string[]): string {
    return encodeReply(this.run(...argv), proto).toString('latin1');
  }

  encoding(key: string): string {
    const v = this.keyspace.db(0).peek(key)?.value;
    return v instanceof ZSetValue ? v.encoding() : 'none';
  }
}

/** RESP2 text of a reply, the way redis-cli shows flat answers. */
function flat(reply: Reply): string[] {
  const out: string[] = [];
  const walk = (r: Reply): void => {
    if (Array.isArray(r)) (r as readonly Reply[]).forEach(walk);
    else if (r === null || typeof r !== 'object') out.push(String(r));
    else if ('items' in r) r.items.forEach(walk);
    else if ('value' in r && typeof r.value === 'number') out.push(String(r.value));
    else out.push(JSON.stringify(r));
  };
  walk(reply);
  return out;
}

function script(
  h: Harness,
  steps: readonly (readonly [readonly string[], Reply | string[]])[],
): void {
  for (const [argv, expected] of steps) {
    const r = h.run(...argv);
    if (Array.isArray(expected) && expected.every((x) => typeof x === 'string')) {
      assert.deepEqual(flat(r), expected, argv.join(' '));
    } else {
      assert.deepEqual(r, expected, argv.join(' '));
    }
  }
}

for (const [encoding, entries, value] of [
  ['listpack', 128, 64],
  ['skiplist', 0, 0],
] as const) {
  test(`ZADD options, counts and errors - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    script(h, [
      [['ZADD', 'z', '10', 'x'], 1],
      [['ZADD', 'z', '20', 'y', '30', 'z'], 2],
      [['ZADD', 'z', '1', 'y'], 0],
      [
        ['ZRANGE', 'z', '0', '-1'],
        ['y', 'x', 'z'],
      ],
      [['ZADD', 'z', 'XX', '10', 'x', '20'], SYNTAX],
      [['ZADD', 'none', 'XX', '10', 'x'], 0],
      [['EXISTS', 'none'], 0],
      [['ZADD', 'z', 'XX', '11', 'x', '5', 'new'], 0],
      [['ZSCORE', 'z', 'x'], ['11']],
      [['ZADD', 'z', 'NX', '12', 'x', '100', 'a'], 1],
      [['ZSCORE', 'z', 'x'], ['11']],
      [['ZADD', 'z', 'GT', 'CH', '5', 'foo', '12', 'x', '0', 'y'], 2],
      [['ZADD', 'z', 'LT', 'CH', '13', 'x', '0', 'y'], 1],
      [['ZADD', 'z', 'CH', '0', 'y', '30', 'z'], 0],
      [
        ['ZADD', 'z', 'XX', 'NX', '1', 'x'],
        error('ERR XX and NX options at the same time are not compatible'),
      ],
      [
        ['ZADD', 'z', 'GT', 'NX', '1', 'x'],
        error('ERR GT, LT, and/or NX options at the same time are not compatible'),
      ],
      [
        ['ZADD', 'z', 'LT', 'GT', '1', 'x'],
        error('ERR GT, LT, and/or NX options at the same time are not compatible'),
      ],
      [
        ['ZADD', 'z', 'INCR', '1', 'x', '2', 'y'],
        error('ERR INCR option supports a single increment-element pair'),
      ],
      [['ZADD', 'z', 'nan', 'x'], NOT_FLOAT],
      [['ZADD', 'z', '', 'x'], NOT_FLOAT],
      [['ZADD', 'z', '1e400', 'x'], NOT_FLOAT],
      [['ZADD', 'z', ' 1', 'x'], NOT_FLOAT],
      [['ZADD', 'v', '10', 'a', '20', 'b', '30.badscore', 'c'], NOT_FLOAT],
      [['EXISTS', 'v'], 0],
      [
        ['ZINCRBY', 'z', '10', 'a', '20'],
        error("ERR wrong number of arguments for 'zincrby' command"),
      ],
    ]);
  });

  test(`ZADD INCR and ZINCRBY, NaN and LT/GT with infinities - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    script(h, [
      [['ZINCRBY', 'z', '1', 'foo'], ['1']],
      [['ZADD', 'z', 'INCR', '15', 'foo'], ['16']],
      [['ZADD', 'z', 'LT', 'INCR', '1', 'foo'], null],
      [['ZADD', 'z', 'GT', 'INCR', '-1', 'foo'], null],
      [['ZADD', 'z', 'XX', 'INCR', '1', 'nope'], null],
      [['ZADD', 'z', '+inf', 'x', '-inf', 'y'], 2],
      [['ZADD', 'z', 'LT', 'INCR', '-1', 'x'], null],
      [['ZADD', 'z', 'GT', 'INCR', '1', 'y'], null],
      [['ZSCORE', 'z', 'x'], ['Infinity']],
      [['ZINCRBY', 'z', '-inf', 'x'], error('ERR resulting score is not a number (NaN)')],
      [['ZSCORE', 'z', 'x'], ['Infinity']],
      [['ZINCRBY', 'z', 'nan', 'x'], NOT_FLOAT],
    ]);
  });

  test(`ZREM, ZCARD, ZRANK and ZREVRANK; empty sets are deleted - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    script(h, [
      [['ZADD', 'z', '10', 'x', '20', 'y', '30', 'z'], 3],
      [['ZRANK', 'z', 'x'], 0],
      [['ZREVRANK', 'z', 'x'], 2],
      [['ZRANK', 'z', 'foo'], null],
      [['ZREM', 'z', 'y', 'k'], 1],
      [['ZRANK', 'z', 'z'], 1],
      [['ZCARD', 'z'], 2],
      [['ZCARD', 'missing'], 0],
      [['ZREM', 'z', 'x', 'z', 'x'], 2],
      [['EXISTS', 'z'], 0],
      [['ZREM', 'z', 'x'], 0],
    ]);
  });

  test(`ZRANGE by rank, score and lex with REV, LIMIT and WITHSCORES - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    h.run('ZADD', 'z', '-inf', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f', '+inf', 'g');
    h.run('ZADD', 'lex', '0', 'alpha', '0', 'bar', '0', 'cool', '0', 'down', '0', 'elephant');
    script(h, [
      [
        ['ZRANGE', 'z', '-9', '2'],
        ['a', 'b', 'c'],
      ],
      [['ZRANGE', 'z', '6', '-2'], []],
      [
        ['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'],
        ['g', 'Infinity', 'f', '5'],
      ],
      [['ZRANGEBYSCORE', 'z', '(-inf', '(2'], ['b']],
      [
        ['ZRANGEBYSCORE', 'z', '0', '10', 'LIMIT', '2', '3'],
        ['d', 'e', 'f'],
      ],
      [['ZRANGEBYSCORE', 'z', '0', '10', 'LIMIT', '-1', '3'], []],
      [
        ['ZRANGEBYSCORE', 'z', '0', '10', 'LIMIT', '1', '-1'],
        ['c', 'd', 'e', 'f'],
      ],
      [
        ['ZREVRANGEBYSCORE', 'z', '10', '0', 'LIMIT', '2', '3'],
        ['d', 'c', 'b'],
      ],
      [
        ['ZRANGEBYSCORE', 'z', '2', '5', 'LIMIT', '2', '3', 'WITHSCORES'],
        ['e', '4', 'f', '5'],
      ],
      [
        ['ZRANGE', 'z', '5', '0', 'BYSCORE', 'REV', 'LIMIT', '0', '2', 'WITHSCORES'],
        ['f', '5', 'e', '4'],
      ],
      [['ZRANGEBYSCORE', 'z', '2', '(2'], []],
      [['ZRANGEBYSCORE', 'z', 'str', '1'], error('ERR min or max is not a float')],
      [['ZRANGEBYSCORE', 'z', '1', 'NaN'], error('ERR min or max is not a float')],
      [
        ['ZRANGEBYLEX', 'lex', '-', '[cool'],
        ['alpha', 'bar', 'cool'],
      ],
      [['ZRANGEBYLEX', 'lex', '(bar', '(down'], ['cool']],
      [
        ['ZREVRANGEBYLEX', 'lex', '+', '(bar', 'LIMIT', '1', '2'],
        ['down', 'cool'],
      ],
      [
        ['ZRANGE', 'lex', '[b', '[d', 'BYLEX'],
        ['bar', 'cool'],
      ],
      [['ZLEXCOUNT', 'lex', '-', '+'], 5],
      [['ZLEXCOUNT', 'lex', '+', '-'], 0],
      [['ZRANGEBYLEX', 'lex', 'foo', 'bar'], error('ERR min or max not valid string range item')],
      [['ZRANGEBYLEX', 'lex', '+x', '[bar'], error('ERR min or max not valid string range item')],
      [['ZCOUNT', 'z', '(0', '(3'], 2],
      [
        ['ZRANGE', 'z', '0', '-1', 'LIMIT', '1', '2'],
        error(
          'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
        ),
      ],
      [
        ['ZRANGE', 'z', '0', '-1', 'BYLEX', 'WITHSCORES'],
        error('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
      ],
      [['ZREVRANGE', 'z', '0', '-1', 'BYSCORE'], SYNTAX],
      [['ZRANGEBYSCORE', 'z', '0', '-1', 'REV'], SYNTAX],
      [['ZRANGE', 'z', 'x', '1'], NOT_INTEGER],
      [['ZRANGE', 'missing', '0', '-1'], []],
    ]);
  });

  test(`ZREMRANGEBYRANK, BYSCORE and BYLEX - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    const fill = (): void => {
      h.run('DEL', 'z');
      h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    };
    fill();
    script(h, [
      [['ZREMRANGEBYRANK', 'z', '1', '3'], 3],
      [
        ['ZRANGE', 'z', '0', '-1'],
        ['a', 'e'],
      ],
    ]);
    fill();
    script(h, [
      [['ZREMRANGEBYRANK', 'z', '10', '-1'], 0],
      [['ZREMRANGEBYRANK', 'z', '0', '10'], 5],
    ]);
    script(h, [[['EXISTS', 'z'], 0]]);
    fill();
    script(h, [
      [['ZREMRANGEBYSCORE', 'z', '(1', '(5'], 3],
      [
        ['ZRANGE', 'z', '0', '-1'],
        ['a', 'e'],
      ],
    ]);
    script(h, [[['ZREMRANGEBYSCORE', 'z', 'str', '1'], error('ERR min or max is not a float')]]);
    h.run('DEL', 'z');
    h.run('ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
    script(h, [
      [['ZREMRANGEBYLEX', 'z', '(a', '[c'], 2],
      [
        ['ZRANGE', 'z', '0', '-1'],
        ['a', 'd'],
      ],
    ]);
    script(h, [[['ZREMRANGEBYRANK', 'z', 'x', '1'], NOT_INTEGER]]);
  });

  test(`ZPOPMIN, ZPOPMAX and ZMPOP shapes in RESP2 and RESP3 - ${encoding}`, () => {
    const h = new ZHarness(entries, value);
    h.run('ZADD', 'z', '-1', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e');
    assert.equal(h.resp(3, 'ZPOPMIN', 'z'), '*2\r\n$1\r\na\r\n,-1\r\n');
    assert.equal(h.resp(2, 'ZPOPMAX', 'z', '1'), '*2\r\n$1\r\ne\r\n$1\r\n4\r\n');
    assert.equal(h.resp(3, 'ZPOPMAX', 'z', '1'), '*1\r\n*2\r\n$1\r\nd\r\n,3\r\n');
    assert.equal(
      h.resp(3, 'ZMPOP', '1', 'z', 'MIN'),
      '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,1\r\n',
    );
    assert.equal(
      h.resp(2, 'ZMPOP', '1', 'z', 'MAX', 'COUNT', '5'),
      '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n',
    );
    script(h, [
      [['EXISTS', 'z'], 0],
      [['ZPOPMIN', 'z'], []],
      [['ZMPOP', '1', 'z', 'MIN'], NULL_ARRAY],
      [['ZADD', 'z', '1', 'a'], 1],
      [['ZPOPMIN', 'z', '0'], []],
      [['ZPOPMIN', 'z', '-1'], error('ERR value is out of range, must be positive')],
      [['ZPOPMIN', 'z', 'x'], error('ERR value is out of range, must be positive')],
      [['ZPOPMIN', 'z', '1', '2'], SYNTAX],
      [['ZMPOP', '0', 'z', 'MIN'], error('ERR numkeys should be greater than 0')],
      [['ZMPOP', 'a', 'z', 'MIN'], error('ERR numkeys should be greater than 0')],
      [['ZMPOP', '1', 'z', 'bad'], SYNTAX],
      [['ZMPOP', '1', 'z', 'MAX', 'MIN'], SYNTAX],
      [['ZMPOP', '1', 'z', 'MAX', 'COUNT', '1', 'COUNT', '2'], SYNTAX],
      [['ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'], error('ERR count should be greater than 0')],
      [['ZMPOP', '2', 'z', 'MIN'], SYNTAX],
    ]);
  });
}

test('ZADD and stores pick listpack or skiplist by Redis thresholds', () => {
  const h = new ZHarness(2, 5);
  h.run('ZADD', 'a', '1', 'x', '2', 'y');
  assert.equal(h.encoding('a'), 'listpack');
  h.run('ZADD', 'a', '3', 'z');
  assert.equal(h.encoding('a'), 'skiplist');
  h.run('ZADD', 'b', '1', 'toolong');
  assert.equal(h.encoding('b'), 'skiplist');
  // ZRANGESTORE: a rank range longer than the limit starts as a skiplist (#10767).
  assert.deepEqual(h.run('ZRANGESTORE', 'c', 'a', '0', '0'), 1);
  assert.equal(h.encoding('c'), 'listpack');
  assert.deepEqual(h.run('ZRANGESTORE', 'c', 'a', '0', '-1'), 3);
  assert.equal(h.encoding('c'), 'skiplist');
  // Store results that fit become listpacks even from skiplist inputs.
  assert.deepEqual(h.run('ZUNIONSTORE', 'd', '1', 'a', 'WEIGHTS', '2'), 3);
  assert.equal(h.encoding('d'), 'skiplist');
  assert.deepEqual(h.run('ZINTERSTORE', 'd', '2', 'a', 'c'), 3);
  assert.deepEqual(h.run('ZDIFFSTORE', 'd', '2', 'a', 'b'), 3);
  assert.deepEqual(h.run('ZINTERSTORE', 'd', '2', 'a', 'b'), 0);
  assert.equal(h.encoding('d'), 'none');
  const zero = new ZHarness(0, 64);
  zero.run('ZADD', 'z', '1', 'a');
  assert.deepEqual(zero.run('ZRANGESTORE', 'dst', 'z', '0', '-1'), 1);
  assert.equal(zero.encoding('dst'), 'skiplist');
});

test('A listpack keeps -0 as 0, a skiplist keeps the sign, as Redis does', () => {
  const lp = new ZHarness();
  lp.run('ZADD', 'z', '-0', 'a');
  assert.equal(lp.resp(2, 'ZSCORE', 'z', 'a'), '$1\r\n0\r\n');
  assert.equal(lp.resp(2, 'ZINCRBY', 'y', '-0', 'a'), '$2\r\n-0\r\n');
  const sl = new ZHarness(0, 0);
  sl.run('ZADD', 'z', '-0', 'a');
  assert.equal(sl.resp(2, 'ZSCORE', 'z', 'a'), '$2\r\n-0\r\n');
});

test('WITHSCORES replies are flat in RESP2 and nested pairs in RESP3', () => {
  const h = new ZHarness();
  h.run('ZADD', 'z', '1', 'a', '2.5', 'b');
  assert.equal(
    h.resp(2, 'ZRANGE', 'z', '0', '-1', 'WITHSCORES'),
    '*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n',
  );
  assert.equal(
    h.resp(3, 'ZRANGE', 'z', '0', '-1', 'WITHSCORES'),
    '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n',
  );
  assert.equal(
    h.resp(3, 'ZUNION', '1', 'z', 'WITHSCORES'),
    '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n',
  );
  assert.equal(h.resp(3, 'ZRANDMEMBER', 'z', '1', 'WITHSCORES').slice(0, 8), '*1\r\n*2\r\n');
  assert.equal(h.resp(3, 'ZSCORE', 'z', 'b'), ',2.5\r\n');
  assert.equal(h.resp(3, 'ZMSCORE', 'z', 'b', 'x'), '*2\r\n,2.5\r\n_\r\n');
  assert.equal(h.resp(3, 'ZRANGE', 'z', '0', '-1'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
});

test('ZUNION, ZINTER, ZDIFF and their STORE forms with weights, aggregates and sets', () => {
  const h = new ZHarness();
  h.run('ZADD', 'za', '1', 'a', '2', 'b', '3', 'c');
  h.run('ZADD', 'zb', '1', 'b', '2', 'c', '3', 'd');
  h.run('SADD', 'seta', 'a', 'b', 'c');
  h.run('SET', 'str', 'x');
  script(h, [
    [['ZUNIONSTORE', 'zc', '2', 'za', 'zb'], 4],
    [
      ['ZRANGE', 'zc', '0', '-1', 'WITHSCORES'],
      ['a', '1', 'b', '3', 'd', '3', 'c', '5'],
    ],
    [
      ['ZUNION', '2', 'za', 'zb', 'WEIGHTS', '2', '3', 'WITHSCORES'],
      ['a', '2', 'b', '7', 'd', '9', 'c', '12'],
    ],
    [
      ['ZUNION', '2', 'za', 'zb', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['a', '1', 'b', '1', 'c', '2', 'd', '3'],
    ],
    [
      ['ZINTER', '2', 'za', 'zb', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['b', '2', 'c', '3'],
    ],
    [['ZINTERSTORE', 'zc', '2', 'seta', 'zb', 'WEIGHTS', '2', '3'], 2],
    [
      ['ZRANGE', 'zc', '0', '-1', 'WITHSCORES'],
      ['b', '5', 'c', '8'],
    ],
    [
      ['ZDIFF', '2', 'za', 'zb', 'WITHSCORES'],
      ['a', '1'],
    ],
    [['ZDIFFSTORE', 'zc', '2', 'seta', 'zb'], 1],
    [['ZDIFFSTORE', 'zc', '2', 'za', 'za'], 0],
    [['EXISTS', 'zc'], 0],
    [['ZINTERCARD', '2', 'za', 'zb'], 2],
    [['ZINTERCARD', '2', 'za', 'zb', 'LIMIT', '1'], 1],
    [['ZINTERCARD', '1', 'za', 'LIMIT', '-1'], error("ERR LIMIT can't be negative")],
    [['ZINTERCARD', '1', 'za', 'za'], SYNTAX],
    [['ZUNION', '2', 'za', 'str'], WRONGTYPE],
    [['ZUNION', '0', 'za'], error("ERR at least 1 input key is needed for 'zunion' command")],
    [
      ['ZINTERSTORE', 'd', '0', 'za'],
      error("ERR at least 1 input key is needed for 'zinterstore' command"),
    ],
    [['ZUNION', '3', 'za', 'zb'], SYNTAX],
    [['ZUNIONSTORE', 'd', '2', 'za', 'zb', 'WITHSCORES'], SYNTAX],
    [
      ['ZUNION', '2', 'za', 'zb', 'WEIGHTS', 'nan', 'nan'],
      error('ERR weight value is not a float'),
    ],
    [['ZUNION', '2', 'za', 'zb', 'AGGREGATE', 'avg'], SYNTAX],
  ]);
  h.run('ZADD', 'inf1', '+inf', 'k');
  h.run('ZADD', 'inf2', '-inf', 'k');
  script(h, [
    [
      ['ZUNION', '2', 'inf1', 'inf2', 'WITHSCORES'],
      ['k', '0'],
    ],
    [
      ['ZUNION', '1', 'inf2', 'WEIGHTS', '0', 'WITHSCORES'],
      ['k', '0'],
    ],
  ]);
});

test('ZRANDMEMBER: seeded picks of real members, unique for a positive count', () => {
  const h = new ZHarness();
  const members = 'abcdefghij'.split('');
  h.run('ZADD', 'z', ...members.flatMap((m, i) => [String(i), m]));
  const all = h.run('ZRANDMEMBER', 'z', '20', 'WITHSCORES');
  assert.deepEqual(
    flat(all),
    members.flatMap((m, i) => [m, String(i)]),
  );
  for (const n of [1, 2, 8]) {
    const got = flat(h.run('ZRANDMEMBER', 'z', String(n)));
    assert.equal(new Set(got).size, n);
    for (const m of got) assert.ok(members.includes(m));
  }
  const dup = flat(h.run('ZRANDMEMBER', 'z', '-1000'));
  assert.equal(dup.length, 1000);
  assert.equal(new Set(dup).size, 10, 'every member turns up in 1000 picks');
  script(h, [
    [['ZRANDMEMBER', 'z', '0'], []],
    [['ZRANDMEMBER', 'missing', '5'], []],
    [['ZRANDMEMBER', 'missing'], null],
    [['ZRANDMEMBER', 'z', '1', 'bad'], SYNTAX],
    [
      ['ZRANDMEMBER', 'z', '-9223372036854770000', 'WITHSCORES'],
      error('ERR value is out of range'),
    ],
    [
      ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      error(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      ),
    ],
  ]);
  // Same history, same seeds: the same picks on every replica.
  const [one, two] = [new ZHarness(), new ZHarness()];
  for (const r of [one, two]) r.run('ZADD', 'z', ...members.flatMap((m, i) => [String(i), m]));
  assert.deepEqual(one.run('ZRANDMEMBER', 'z', '3'), two.run('ZRANDMEMBER', 'z', '3'));
});

test('ZSCAN: a listpack in one call, a skiplist by live cursor, MATCH and COUNT', () => {
  const h = new ZHarness();
  h.run('ZADD', 'small', '1', 'a', '1e17', 'b', '2.5', 'c');
  assert.deepEqual(h.run('ZSCAN', 'small', '0'), [
    '0',
    ['a', '1', 'c', '2.5', 'b', '100000000000000000'],
  ]);
  assert.deepEqual(h.run('ZSCAN', 'small', '0', 'MATCH', 'b*'), ['0', ['b', '100000000000000000']]);
  const big = new ZHarness(0, 0);
  big.run('ZADD', 'z', ...Array.from({ length: 500 }, (_, i) => [String(i), `m${i}`]).flat());
  const seen = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, items] = big.run('ZSCAN', 'z', cursor, 'COUNT', '7') as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    cursor = next;
  } while (cursor !== '0');
  assert.equal(seen.size, 500);
  assert.equal(seen.get('m42'), '42');
  script(h, [
    [
      ['ZSCAN', 'missing', '0'],
      ['0', []],
    ],
    [['ZSCAN', 'small', 'x'], error('ERR invalid cursor')],
    [['ZSCAN', 'small', '0', 'COUNT', '0'], SYNTAX],
    [['ZSCAN', 'small', '0', 'TYPE', 'zset'], SYNTAX],
  ]);
});

test('BZPOPMIN and BZMPOP pop at once, block on empty keys, and time out in MULTI', () => {
  const h = new ZHarness();
  const r = h.exec('BZPOPMIN', 'z1', 'z2', '1.5') as BlockRequest;
  assert.ok(isBlockRequest(r));
  assert.deepEqual(r, {
    kind: 'block',
    keys: ['z1', 'z2'],
    timeoutMs: 1500,
    timeoutReply: NULL_ARRAY,
  });
  h.run('ZADD', 'z2', '1', 'a', '2', 'b');
  assert.deepEqual(h.ready, ['z2']);
  assert.equal(
    encodeReply(h.run('BZPOPMIN', 'z1', 'z2', '0'), 2).toString('latin1'),
    '*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n',
  );
  assert.equal(
    encodeReply(h.run('BZMPOP', '0', '2', 'z1', 'z2', 'MAX', 'COUNT', '5'), 3).toString('latin1'),
    '*2\r\n$2\r\nz2\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n',
  );
  const m = h.exec('BZMPOP', '0.01', '1', 'z2', 'MIN') as BlockRequest;
  assert.equal(m.timeoutMs, 10);
  assert.equal((h.exec('BZPOPMAX', 'z1', '0') as BlockRequest).timeoutMs, 0);
  h.run('SET', 'str', 'x');
  script(h, [
    [['BZPOPMIN', 'str', '0'], WRONGTYPE],
    [['BZMPOP', '0', '1', 'str', 'MIN'], WRONGTYPE],
    [['BZPOPMIN', 'z1', 'abc'], error('ERR timeout is not a float or out of range')],
    [['BZPOPMIN', 'z1', '-1'], error('ERR timeout is negative')],
    [['BZPOPMIN', 'z1', 'inf'], error('ERR timeout is negative')],
    [['BZMPOP', '1', '1', 'z1', 'bad'], SYNTAX],
    [['BZMPOP', 'x', '1', 'z1', 'MIN'], error('ERR timeout is not a float or out of range')],
  ]);
  const multi = h.machine.apply(
    { kind: 'multi', commands: [{ db: 0, argv: ['BZPOPMIN', 'z1', '0'] }], time: h.now, seed: 9 },
    true,
  );
  assert.deepEqual(multi, [NULL_ARRAY]);
});

test('Key positions of the numkeys commands', () => {
  const keys = (argv: string[]): number[] => {
    const spec = new ZHarness().registry.get(argv[0] as string);
    assert.ok(spec !== undefined);
    return keyIndexes(spec, argv);
  };
  assert.deepEqual(keys(['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2']), [1, 3, 4]);
  assert.deepEqual(keys(['zinter', '2', 'a', 'b']), [2, 3]);
  assert.deepEqual(keys(['zmpop', '1', 'a', 'MIN']), [2]);
  assert.deepEqual(keys(['bzmpop', '0', '2', 'a', 'b', 'MIN']), [3, 4]);
  assert.deepEqual(keys(['bzpopmin', 'a', 'b', '0']), [1, 2]);
  assert.deepEqual(keys(['zrangestore', 'd', 's', '0', '-1']), [1, 2]);
});

test('A skiplist of thousands keeps ranks and ranges exact through updates', () => {
  const h = new ZHarness();
  const n = 5000;
  for (let i = 0; i < n; i += 100) {
    h.run(
      'ZADD',
      'z',
      ...Array.from({ length: 100 }, (_, j) => [String((i + j) % 97), `e${i + j}`]).flat(),
    );
  }
  const all = flat(h.run('ZRANGE', 'z', '0', '-1', 'WITHSCORES'));
  for (let i = 2; i < all.length; i += 2) {
    const prev = [Number(all[i - 1]), all[i - 2] as string] as const;
    const cur = [Number(all[i + 1]), all[i] as string] as const;
    assert.ok(prev[0] < cur[0] || (prev[0] === cur[0] && prev[1] < cur[1]), `order at ${i / 2}`);
  }
  for (const idx of [0, 1, 777, 4999]) {
    const m = all[idx * 2] as string;
    assert.deepEqual(h.run('ZRANK', 'z', m), idx);
  }
  assert.deepEqual(
    h.run('ZCOUNT', 'z', '10', '(20'),
    all.filter((_, i) => i % 2 === 1 && Number(_) >= 10 && Number(_) < 20).length,
  );
  assert.deepEqual(h.run('ZREMRANGEBYRANK', 'z', '100', '-101'), n - 200);
  assert.deepEqual(h.run('ZCARD', 'z'), 200);
  const z = h.keyspace.db(0).peek('z')?.value;
  assert.ok(z instanceof ZSetValue);
  z.validate();
});
