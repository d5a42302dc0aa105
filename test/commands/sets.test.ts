/**
 * Set commands through the state machine, with Redis's default encoding thresholds.
 * Replies and error strings were checked against redis-server 7.0.15; the Tcl suite
 * type/set.tcl (and the SSCAN parts of scan.tcl) is ported where it does not need
 * DEBUG, with lsort where Redis's order is its hash order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecContext, type ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { isBlockRequest, isWrite } from '../../src/commands/spec.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { error, set, simple, type Reply } from '../../src/resp/reply.js';

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const NOT_POSITIVE = error('ERR value is out of range, must be positive');
const INVALID_CURSOR = error('ERR invalid cursor');

/**
 * The test Harness's flow (writes as log entries through the state machine, reads on
 * a read context) with set-max-intset-entries at Redis's default, and a record of the
 * keys each write reported modified.
 */
class SetHarness {
  readonly keyspace = new Keyspace(16);
  readonly modified: string[] = [];
  now = 1_700_000_000_000;
  private readonly registry = new Registry();
  private readonly settings: ExecSettings;
  private readonly machine: StateMachine;
  private seed: number;

  constructor(options: { maxIntsetEntries?: number; seed?: number } = {}) {
    const max = options.maxIntsetEntries ?? 512;
    this.settings = {
      protoMaxBulkLen: 512 * 1024 * 1024,
      number: (name) => (name === 'set-max-intset-entries' ? max : 0),
    };
    this.seed = options.seed ?? 1;
    this.machine = new StateMachine(this.keyspace, this.registry, this.settings);
    this.keyspace.listen({
      modified: (_db, key) => this.modified.push(key),
      replacing: () => {},
    });
  }

  run(...argv: string[]): Reply {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const spec = lookup.spec;
    if (spec.data === undefined) throw new Error(`${spec.name} is not a data command`);
    const entry = { kind: 'command', db: 0, argv, time: this.now, seed: this.seed++ } as const;
    const r = isWrite(spec)
      ? this.machine.apply(entry, true)
      : spec.data(
          new ExecContext(this.keyspace, 0, this.now, entry.seed, this.settings, {
            applying: false,
            proposer: true,
          }),
          argv,
        );
    if (isBlockRequest(r)) throw new Error('unexpected block');
    return r;
  }

  encoding(key: string): string {
    return this.run('OBJECT', 'ENCODING', key) as string;
  }

  /** Replaces `key` by a set built one SADD per member, as the Tcl create_set does. */
  create(key: string, members: readonly (string | number)[]): void {
    this.run('DEL', key);
    for (const m of members) this.run('SADD', key, String(m));
  }

  /** A multi-member reply's members, sorted as Tcl's lsort does. */
  sorted(...argv: string[]): string[] {
    return items(this.run(...argv)).sort();
  }
}

function items(r: Reply): string[] {
  if (Array.isArray(r)) return [...(r as string[])];
  if (r !== null && typeof r === 'object' && 'kind' in r && r.kind === 'set') {
    return [...(r.items as string[])];
  }
  throw new Error(`not a multi-member reply: ${JSON.stringify(r)}`);
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => String(from + i));

const lsort = (xs: readonly string[]): string[] => [...xs].sort();

describe('SADD SCARD SISMEMBER SMISMEMBER SMEMBERS', () => {
  for (const [encoding, first, second, absent] of [
    ['hashtable', 'foo', 'bar', 'bla'],
    ['intset', '17', '16', '18'],
  ] as const) {
    it(`basics - ${encoding}`, () => {
      const h = new SetHarness();
      h.create('myset', [first]);
      assert.equal(h.encoding('myset'), encoding);
      assert.equal(h.run('SADD', 'myset', second), 1);
      assert.equal(h.run('SADD', 'myset', second), 0);
      assert.equal(h.run('SCARD', 'myset'), 2);
      assert.equal(h.run('SISMEMBER', 'myset', first), 1);
      assert.equal(h.run('SISMEMBER', 'myset', second), 1);
      assert.equal(h.run('SISMEMBER', 'myset', absent), 0);
      assert.deepEqual(h.run('SMISMEMBER', 'myset', first), [1]);
      assert.deepEqual(h.run('SMISMEMBER', 'myset', first, second), [1, 1]);
      assert.deepEqual(h.run('SMISMEMBER', 'myset', absent, first), [0, 1]);
      assert.deepEqual(h.sorted('SMEMBERS', 'myset'), lsort([first, second]));
    });
  }

  it('answers SMEMBERS as a set reply (RESP3 ~, RESP2 *), an intset ascending', () => {
    const h = new SetHarness();
    h.run('SADD', 's', '3', '1', '2');
    assert.deepEqual(h.run('SMEMBERS', 's'), set(['1', '2', '3']));
    assert.deepEqual(h.run('SMEMBERS', 'nokey'), set([]));
  });

  it('answers a hashtable in insertion order', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'c', 'a', 'b');
    assert.deepEqual(h.run('SMEMBERS', 's'), set(['c', 'a', 'b']));
  });

  it('treats a missing key as empty and another type as WRONGTYPE', () => {
    const h = new SetHarness();
    h.run('SET', 'str', 'x');
    assert.deepEqual(h.run('SMISMEMBER', 'str', 'bar'), WRONGTYPE);
    assert.deepEqual(h.run('SADD', 'str', 'bar'), WRONGTYPE);
    assert.deepEqual(h.run('SCARD', 'str'), WRONGTYPE);
    assert.deepEqual(h.run('SISMEMBER', 'str', 'a'), WRONGTYPE);
    assert.deepEqual(h.run('SMEMBERS', 'str'), WRONGTYPE);
    assert.deepEqual(h.run('SMISMEMBER', 'myset1', 'foo', 'bar'), [0, 0]);
    assert.equal(h.run('SCARD', 'nokey'), 0);
    assert.equal(h.run('SISMEMBER', 'nokey', 'a'), 0);
  });

  it('checks arity before anything else', () => {
    const h = new SetHarness();
    assert.deepEqual(
      h.run('SMISMEMBER', 'k'),
      error("ERR wrong number of arguments for 'smismember' command"),
    );
    assert.deepEqual(h.run('SADD', 'k'), error("ERR wrong number of arguments for 'sadd' command"));
  });

  it('converts an intset on a non-integer, a > 64-bit integer, or the 513th member', () => {
    const h = new SetHarness();
    h.create('myset', [1, 2, 3]);
    assert.equal(h.encoding('myset'), 'intset');
    assert.equal(h.run('SADD', 'myset', 'a'), 1);
    assert.equal(h.encoding('myset'), 'hashtable');
    h.create('big', ['213244124402402314402033402']);
    assert.equal(h.encoding('big'), 'hashtable');
    assert.equal(h.run('SISMEMBER', 'big', '213244124402402314402033402'), 1);
    h.run('DEL', 'myset');
    for (let i = 0; i < 512; i++) h.run('SADD', 'myset', String(i));
    assert.equal(h.encoding('myset'), 'intset');
    assert.equal(h.run('SADD', 'myset', '512'), 1);
    assert.equal(h.encoding('myset'), 'hashtable');
  });

  it('follows set-max-intset-entries at the time of each write', () => {
    const h = new SetHarness({ maxIntsetEntries: 2 });
    h.run('SADD', 's', '1', '2');
    assert.equal(h.encoding('s'), 'intset');
    h.run('SADD', 's', '3');
    assert.equal(h.encoding('s'), 'hashtable');
    assert.equal(new SetHarness({ maxIntsetEntries: 0 }).run('SADD', 's', '1'), 1);
  });

  it('counts variadic SADD additions once each', () => {
    const h = new SetHarness();
    assert.equal(h.run('SADD', 'myset', 'a', 'b', 'c'), 3);
    assert.equal(h.run('SADD', 'myset', 'A', 'a', 'b', 'c', 'B'), 2);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset'), lsort(['A', 'a', 'b', 'c', 'B']));
  });

  it('keeps binary members exactly', () => {
    const h = new SetHarness();
    h.run('SADD', 's', '\x00\xff\r\n', '');
    assert.equal(h.run('SISMEMBER', 's', '\x00\xff\r\n'), 1);
    assert.equal(h.run('SISMEMBER', 's', ''), 1);
  });

  it('starts a new set over a key past its deadline', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'old');
    h.run('PEXPIRE', 's', '100');
    h.now += 200;
    assert.equal(h.run('SISMEMBER', 's', 'old'), 0);
    assert.equal(h.run('SADD', 's', 'new'), 1);
    assert.deepEqual(h.run('SMEMBERS', 's'), set(['new']));
    assert.equal(h.run('TTL', 's'), -1);
  });

  it('reports the key modified only when something was added', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'a');
    h.modified.length = 0;
    h.run('SADD', 's', 'a');
    assert.equal(h.modified.length, 0);
    h.run('SADD', 's', 'b');
    assert.ok(h.modified.includes('s'));
  });
});

describe('SREM', () => {
  it('basics - hashtable and intset', () => {
    const h = new SetHarness();
    h.create('myset', ['foo', 'bar', 'ciao']);
    assert.equal(h.run('SREM', 'myset', 'qux'), 0);
    assert.equal(h.run('SREM', 'myset', 'foo'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset'), ['bar', 'ciao']);
    h.create('myset', [3, 4, 5]);
    assert.equal(h.encoding('myset'), 'intset');
    assert.equal(h.run('SREM', 'myset', '6'), 0);
    assert.equal(h.run('SREM', 'myset', '4'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset'), ['3', '5']);
  });

  it('removes several members and deletes the key once empty', () => {
    const h = new SetHarness();
    h.run('SADD', 'myset', 'a', 'b', 'c', 'd');
    assert.equal(h.run('SREM', 'myset', 'k', 'k', 'k'), 0);
    assert.equal(h.run('SREM', 'myset', 'b', 'd', 'x', 'y'), 2);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset'), ['a', 'c']);
    h.run('SADD', 'ints', '1', '2', '3');
    assert.equal(h.run('SREM', 'ints', '1', '2', '3', '4', '5', '6', '7', '8'), 3);
    assert.equal(h.run('EXISTS', 'ints'), 0);
  });

  it('answers 0 for a missing key and WRONGTYPE for another type', () => {
    const h = new SetHarness();
    h.run('SET', 'str', 'x');
    assert.equal(h.run('SREM', 'nokey', 'a'), 0);
    assert.deepEqual(h.run('SREM', 'str', 'a'), WRONGTYPE);
  });
});

describe('SINTERCARD', () => {
  it('rejects illegal arguments with Redis errors', () => {
    const h = new SetHarness();
    const cases: [string[], Reply][] = [
      [['SINTERCARD'], error("ERR wrong number of arguments for 'sintercard' command")],
      [['SINTERCARD', '1'], error("ERR wrong number of arguments for 'sintercard' command")],
      [['SINTERCARD', '0', 'myset'], error('ERR numkeys should be greater than 0')],
      [['SINTERCARD', 'a', 'myset'], error('ERR numkeys should be greater than 0')],
      [
        ['SINTERCARD', '2', 'myset'],
        error("ERR Number of keys can't be greater than number of args"),
      ],
      [
        ['SINTERCARD', '3', 'myset', 'myset2'],
        error("ERR Number of keys can't be greater than number of args"),
      ],
      [['SINTERCARD', '1', 'myset', 'myset2'], SYNTAX],
      [['SINTERCARD', '1', 'myset', 'bar_arg'], SYNTAX],
      [['SINTERCARD', '1', 'myset', 'LIMIT'], SYNTAX],
      [['SINTERCARD', '1', 'myset', 'LIMIT', '-1'], error("ERR LIMIT can't be negative")],
      [['SINTERCARD', '1', 'myset', 'LIMIT', 'a'], error("ERR LIMIT can't be negative")],
      [
        ['SINTERCARD', '9223372036854775808', 'myset'],
        error('ERR numkeys should be greater than 0'),
      ],
    ];
    for (const [argv, expected] of cases)
      assert.deepEqual(h.run(...argv), expected, argv.join(' '));
  });

  it('checks options before types, and types of every key', () => {
    const h = new SetHarness();
    h.run('SADD', 'set', 'a', 'b', 'c');
    h.run('SET', 'key1', 'x');
    assert.deepEqual(h.run('SINTERCARD', '1', 'key1'), WRONGTYPE);
    assert.deepEqual(h.run('SINTERCARD', '2', 'set', 'key1'), WRONGTYPE);
    assert.deepEqual(h.run('SINTERCARD', '2', 'key1', 'noset'), WRONGTYPE);
    assert.deepEqual(h.run('SINTERCARD', '2', 'noset', 'key1'), WRONGTYPE);
    assert.deepEqual(h.run('SINTERCARD', '1', 'noset', 'key1'), SYNTAX);
  });

  it('counts 0 for missing keys and honours the last LIMIT', () => {
    const h = new SetHarness();
    assert.equal(h.run('SINTERCARD', '1', 'non-existing-key'), 0);
    assert.equal(h.run('SINTERCARD', '1', 'non-existing-key', 'limit', '0'), 0);
    h.run('SADD', 's', 'a', 'b', 'c');
    assert.equal(h.run('SINTERCARD', '1', 's', 'LIMIT', '1', 'limit', '0'), 3);
    assert.equal(h.run('SINTERCARD', '1', 's', 'LIMIT', '2'), 2);
  });
});

/** type/set.tcl's generated sets, once per encoding. */
function generatedSets(encoding: 'hashtable' | 'intset'): { h: SetHarness; large: string } {
  const h = new SetHarness();
  for (let i = 0; i < 200; i++) {
    h.run('SADD', 'set1', String(i));
    h.run('SADD', 'set2', String(i + 195));
  }
  for (const i of [199, 195, 1000, 2000]) h.run('SADD', 'set3', String(i));
  for (let i = 5; i < 200; i++) h.run('SADD', 'set4', String(i));
  h.run('SADD', 'set5', '0');
  const large = encoding === 'hashtable' ? 'foo' : '200';
  for (let i = 1; i <= 5; i++) h.run('SADD', `set${i}`, large);
  return { h, large };
}

describe('SINTER SUNION SDIFF and their STORE forms', () => {
  for (const encoding of ['hashtable', 'intset'] as const) {
    it(`give the Tcl suite's results - ${encoding}`, () => {
      const { h, large } = generatedSets(encoding);
      for (let i = 1; i <= 5; i++) assert.equal(h.encoding(`set${i}`), encoding);
      const inter = lsort(['195', '196', '197', '198', '199', large]);
      assert.deepEqual(h.sorted('SINTER', 'set1', 'set2'), inter);
      assert.equal(h.run('SINTERCARD', '2', 'set1', 'set2'), 6);
      assert.equal(h.run('SINTERCARD', '2', 'set1', 'set2', 'limit', '3'), 3);
      assert.equal(h.run('SINTERCARD', '2', 'set1', 'set2', 'limit', '10'), 6);
      h.run('SINTERSTORE', 'setres', 'set1', 'set2');
      assert.equal(h.encoding('setres'), encoding);
      assert.deepEqual(h.sorted('SMEMBERS', 'setres'), inter);
      const union = lsort([...new Set([...range(0, 200), ...range(195, 395), large])]);
      assert.deepEqual(h.sorted('SUNION', 'set1', 'set2'), union);
      assert.deepEqual(h.sorted('SUNION', 'nokey1', 'set1', 'set2', 'nokey2'), union);
      h.run('SUNIONSTORE', 'setres', 'set1', 'set2');
      assert.equal(h.encoding('setres'), encoding);
      assert.deepEqual(h.sorted('SMEMBERS', 'setres'), union);
      assert.deepEqual(h.sorted('SINTER', 'set1', 'set2', 'set3'), lsort(['195', '199', large]));
      assert.equal(h.run('SINTERCARD', '3', 'set1', 'set2', 'set3', 'limit', '2'), 2);
      assert.deepEqual(h.sorted('SDIFF', 'set1', 'set4'), ['0', '1', '2', '3', '4']);
      assert.deepEqual(h.sorted('SDIFF', 'set1', 'set4', 'set5'), ['1', '2', '3', '4']);
      h.run('SDIFFSTORE', 'setres', 'set1', 'set4', 'set5');
      assert.equal(h.encoding('setres'), 'intset');
      assert.deepEqual(h.sorted('SMEMBERS', 'setres'), ['1', '2', '3', '4']);
      const all1 = h.sorted('SMEMBERS', 'set1');
      assert.deepEqual(h.sorted('SINTER', 'set1', 'set1', 'set1'), all1);
      assert.deepEqual(h.sorted('SUNION', 'set1', 'set1', 'set1'), all1);
      assert.deepEqual(h.sorted('SDIFF', 'set1', 'set1', 'set1'), []);
    });
  }

  it('answer in the order of a result set that starts as an intset', () => {
    const h = new SetHarness();
    h.run('SADD', 'a', '5', 'x', '1');
    h.run('SADD', 'b', '3', '1');
    assert.deepEqual(h.run('SUNION', 'b', 'a'), set(['1', '3', '5', 'x']));
    // Redis's SUNION/SDIFF build an intset and convert it at the first non-integer.
    assert.deepEqual(h.run('SDIFF', 'a', 'x'), set(['5', 'x', '1']));
    h.run('SREM', 'a', 'x');
    assert.deepEqual(h.run('SDIFF', 'a', 'b'), set(['5']));
    assert.deepEqual(h.run('SUNION', 'a'), set(['1', '5']));
  });

  it('SDIFF with the first set empty or the same set twice is empty', () => {
    const h = new SetHarness();
    h.run('SADD', 'set2', '1', '2', '3', '4');
    h.run('SADD', 'set3', 'a', 'b', 'c', 'd');
    assert.deepEqual(h.run('SDIFF', 'set1', 'set2', 'set3'), set([]));
    h.run('SADD', 'set1', 'a', 'b', 'c', '1', '2', '3', '4', '5', '6');
    assert.deepEqual(h.run('SDIFF', 'set1', 'set1'), set([]));
    assert.deepEqual(h.run('SDIFF', 'set1', 'nokey', 'set1'), set([]));
  });

  it('SDIFF matches a model on random sets, whichever algorithm Redis would choose', () => {
    const h = new SetHarness();
    let x = 7;
    const rand = (n: number): number => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
    for (let round = 0; round < 60; round++) {
      const keys: string[] = [];
      const model = new Set<string>();
      const sets = rand(10) + 1;
      for (let i = 0; i < sets; i++) {
        const key = `set_${i}`;
        h.run('DEL', key);
        keys.push(key);
        const n = i === 0 ? rand(100) : rand(i % 2 === 0 ? 5 : 200);
        for (let j = 0; j < n; j++) {
          const ele = rand(2) === 0 ? String(rand(300)) : `e${rand(300)}`;
          h.run('SADD', key, ele);
          if (i === 0) model.add(ele);
          else model.delete(ele);
        }
      }
      assert.deepEqual(h.sorted('SDIFF', ...keys), lsort([...model]));
    }
  });

  it('answer WRONGTYPE for another type in any position, before storing anything', () => {
    const h = new SetHarness();
    h.run('SET', 'key1', 'x');
    h.run('SADD', 'set1', 'a', 'b', 'c');
    for (const cmd of ['SINTER', 'SUNION', 'SDIFF']) {
      assert.deepEqual(h.run(cmd, 'key1', 'noset'), WRONGTYPE, cmd);
      assert.deepEqual(h.run(cmd, 'noset', 'key1'), WRONGTYPE, cmd);
      assert.deepEqual(h.run(cmd, 'key1', 'set1'), WRONGTYPE, cmd);
      assert.deepEqual(h.run(cmd, 'set1', 'key1'), WRONGTYPE, cmd);
    }
    for (const cmd of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      h.run('DEL', 'set3');
      assert.deepEqual(h.run(cmd, 'set3', 'key1', 'noset'), WRONGTYPE, cmd);
      assert.deepEqual(h.run(cmd, 'set3', 'noset', 'key1'), WRONGTYPE, cmd);
      assert.equal(h.run('EXISTS', 'set3'), 0);
      h.run('SADD', 'set3', 'e');
      assert.deepEqual(h.run(cmd, 'set3', 'set1', 'key1', 'noset'), WRONGTYPE, cmd);
      assert.deepEqual(h.run('SMEMBERS', 'set3'), set(['e']));
    }
  });

  it('STORE forms delete the destination when the result is empty', () => {
    const h = new SetHarness();
    for (const cmd of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      h.run('SET', 'setres', 'xxx');
      assert.equal(h.run(cmd, 'setres', 'foo111', 'bar222'), 0, cmd);
      assert.equal(h.run('EXISTS', 'setres'), 0, cmd);
    }
    h.run('SADD', 'set1', 'a', 'b', 'c');
    h.run('SADD', 'set3', 'x');
    assert.equal(h.run('SINTERSTORE', 'set3', 'set1', 'set2'), 0);
    assert.equal(h.run('EXISTS', 'set3'), 0);
    h.run('SADD', 'set2', 'x');
    h.run('SADD', 'set3', 'x');
    assert.equal(h.run('SINTERSTORE', 'set3', 'set1', 'set2'), 0);
    assert.equal(h.run('EXISTS', 'set3'), 0);
    h.run('SADD', 'set3', 'x');
    assert.equal(h.run('SDIFFSTORE', 'set3', 'set2', 'set2'), 0);
    assert.equal(h.run('EXISTS', 'set3'), 0);
  });

  it('STORE forms overwrite any destination, dropping its TTL, and may read it first', () => {
    const h = new SetHarness();
    h.run('SADD', 'set1', 'a', 'b', 'c');
    h.run('SADD', 'set2', 'b', 'c', 'd');
    h.run('SET', 'dst', 'string');
    h.run('EXPIRE', 'dst', '1000');
    assert.equal(h.run('SUNIONSTORE', 'dst', 'set1', 'set2'), 4);
    assert.deepEqual(h.run('TYPE', 'dst'), simple('set'));
    assert.equal(h.run('TTL', 'dst'), -1);
    assert.equal(h.run('SINTERSTORE', 'set1', 'set1', 'set2'), 2);
    assert.deepEqual(h.sorted('SMEMBERS', 'set1'), ['b', 'c']);
    assert.equal(h.run('SDIFFSTORE', 'set2', 'set2', 'set1'), 1);
    assert.deepEqual(h.run('SMEMBERS', 'set2'), set(['d']));
  });

  it('SUNIONSTORE of more than set-max-intset-entries integers is a hashtable', () => {
    const h = new SetHarness();
    h.run('SADD', 'a', ...range(0, 300));
    h.run('SADD', 'b', ...range(300, 600));
    assert.equal(h.run('SUNIONSTORE', 'c', 'a', 'b'), 600);
    assert.equal(h.encoding('c'), 'hashtable');
    assert.equal(h.run('SINTERSTORE', 'd', 'c', 'a'), 300);
    assert.equal(h.encoding('d'), 'intset');
  });

  it('SINTER with the same integers in different encodings', () => {
    const h = new SetHarness();
    h.run('SADD', 'set1', '1', '2', '3');
    h.run('SADD', 'set2', '1', '2', '3', 'a');
    h.run('SREM', 'set2', 'a');
    assert.equal(h.encoding('set1'), 'intset');
    assert.equal(h.encoding('set2'), 'hashtable');
    assert.deepEqual(h.sorted('SINTER', 'set1', 'set2'), ['1', '2', '3']);
  });
});

describe('SPOP', () => {
  for (const [encoding, contents] of [
    ['hashtable', ['a', 'b', 'c']],
    ['intset', ['1', '2', '3']],
  ] as const) {
    it(`pops every member once, then the key is gone - ${encoding}`, () => {
      const h = new SetHarness();
      h.create('myset', contents);
      assert.equal(h.encoding('myset'), encoding);
      const popped = [h.run('SPOP', 'myset'), h.run('SPOP', 'myset'), h.run('SPOP', 'myset')];
      assert.deepEqual(lsort(popped as string[]), contents);
      assert.equal(h.run('SCARD', 'myset'), 0);
      assert.equal(h.run('EXISTS', 'myset'), 0);
      assert.equal(h.run('SPOP', 'myset'), null);
      h.create('myset', contents);
      const ones = [1, 2, 3].flatMap(() => items(h.run('SPOP', 'myset', '1')));
      assert.deepEqual(lsort(ones), contents);
    });
  }

  for (const contents of ['abcdefghijklmnopqrstuvwxyz'.split(''), range(1, 27)]) {
    it(`pops with counts down to nothing - ${contents[0]}`, () => {
      const h = new SetHarness();
      h.create('myset', contents);
      const popped = ['11', '9', '0', '4', '1', '0', '1', '0'].flatMap((n) =>
        items(h.run('SPOP', 'myset', n)),
      );
      assert.deepEqual(lsort(popped), lsort(contents));
      assert.equal(h.run('SCARD', 'myset'), 0);
    });
  }

  it("takes each of Redis's three code paths", () => {
    const h = new SetHarness();
    const content = range(1, 21);
    h.create('myset', content);
    assert.deepEqual(lsort(items(h.run('SPOP', 'myset', '30'))), lsort(content));
    assert.equal(h.run('EXISTS', 'myset'), 0);
    for (const [count, left] of [
      [2, 18],
      [18, 2],
    ] as const) {
      h.create('myset', content);
      const res = items(h.run('SPOP', 'myset', String(count)));
      assert.equal(res.length, count);
      assert.equal(new Set(res).size, count);
      assert.equal(h.run('SCARD', 'myset'), left);
      assert.deepEqual(lsort([...h.sorted('SMEMBERS', 'myset'), ...res]), lsort(content));
    }
  });

  it('rebuilds a mostly-popped hashtable of integers as an intset, as Redis does', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'a', ...range(1, 21));
    h.run('SREM', 's', 'a');
    assert.equal(h.encoding('s'), 'hashtable');
    assert.equal(items(h.run('SPOP', 's', '18')).length, 18);
    assert.equal(h.encoding('s'), 'intset');
  });

  it('keeps the TTL when it rebuilds the set', () => {
    const h = new SetHarness();
    h.run('SADD', 's', ...range(1, 21));
    h.run('EXPIRE', 's', '1000');
    h.run('SPOP', 's', '18');
    assert.equal(h.run('TTL', 's'), 1000);
  });

  it('answers the whole set in SUNION order for a count >= size', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'b', 'a');
    h.run('SADD', 'n', '3', '1', '2', 'x');
    h.run('SREM', 'n', 'x');
    assert.deepEqual(h.run('SPOP', 's', '2'), set(['b', 'a']));
    assert.deepEqual(h.run('SPOP', 'n', '9223372036854775807'), set(['1', '2', '3']));
  });

  it('answers set replies: empty for a missing key or count 0, and checks count first', () => {
    const h = new SetHarness();
    h.run('SET', 'str', 'x');
    h.run('SADD', 's', 'a');
    assert.deepEqual(h.run('SPOP', 'nonexisting_key', '100'), set([]));
    assert.deepEqual(h.run('SPOP', 's', '0'), set([]));
    assert.equal(h.run('SCARD', 's'), 1);
    assert.deepEqual(h.run('SPOP', 's', '-1'), NOT_POSITIVE);
    assert.deepEqual(h.run('SPOP', 'nokey', 'abc'), NOT_POSITIVE);
    assert.deepEqual(h.run('SPOP', 'str', 'abc'), NOT_POSITIVE);
    assert.deepEqual(h.run('SPOP', 'str', '0'), WRONGTYPE);
    assert.deepEqual(h.run('SPOP', 'str'), WRONGTYPE);
    assert.deepEqual(h.run('SPOP', 's', '1', '2'), SYNTAX);
  });

  it('chooses from the entry seed: the same history pops the same members', () => {
    const runs = [1, 2].map(() => {
      const h = new SetHarness({ seed: 99 });
      h.run('SADD', 's', ...range(0, 50), 'x');
      h.run('SADD', 'i', ...range(0, 50));
      return [
        h.run('SPOP', 's'),
        h.run('SPOP', 's', '5'),
        h.run('SPOP', 'i', '45'),
        h.run('SMEMBERS', 's'),
        h.run('SMEMBERS', 'i'),
      ];
    });
    assert.deepEqual(runs[0], runs[1]);
  });

  it('survives the Tcl intset stress: random widths, then pop everything', () => {
    const h = new SetHarness();
    let x = 3;
    const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648), x);
    const model = new Set<string>();
    for (let i = 0; i < 900; i++) {
      const kind = rand() % 3;
      const v =
        kind === 0
          ? String(rand() % 65536)
          : kind === 1
            ? String(rand() * 2)
            : String(BigInt(rand()) * 4294967296n + BigInt(rand()));
      model.add(v);
      h.run('SADD', 's', v);
    }
    assert.deepEqual(h.sorted('SMEMBERS', 's'), lsort([...model]));
    while (model.size > 0) {
      const e = h.run('SPOP', 's') as string;
      assert.ok(model.delete(e), `popped ${e}`);
    }
    assert.equal(h.run('SCARD', 's'), 0);
  });
});

describe('SRANDMEMBER', () => {
  it('answers null, an empty array, or errors as Redis', () => {
    const h = new SetHarness();
    h.run('SADD', 'myset', 'a');
    h.run('SET', 'str', 'x');
    assert.deepEqual(h.run('SRANDMEMBER', 'myset', '0'), []);
    assert.deepEqual(h.run('SRANDMEMBER', 'nonexisting_key', '100'), []);
    assert.equal(h.run('SRANDMEMBER', 'nonexisting_key'), null);
    assert.deepEqual(
      h.run('SRANDMEMBER', 'myset', '-9223372036854775808'),
      error(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      ),
    );
    assert.deepEqual(h.run('SRANDMEMBER', 'nokey', 'abc'), NOT_INTEGER);
    assert.deepEqual(h.run('SRANDMEMBER', 'str', '0'), WRONGTYPE);
    assert.deepEqual(h.run('SRANDMEMBER', 'str'), WRONGTYPE);
    assert.deepEqual(h.run('SRANDMEMBER', 'myset', '1', '2'), SYNTAX);
    assert.equal(h.run('SRANDMEMBER', 'myset'), 'a');
    assert.deepEqual(h.run('SRANDMEMBER', 'myset', '1'), ['a']);
  });

  for (const [encoding, contents] of [
    [
      'hashtable',
      [
        ...['1', '5', '10', '50', '125', '50000', '33959417', '4775547', '65434162'],
        ...['12098459', '427716', '483706', '2726473884', '72615637475'],
        ...'MARY PATRICIA LINDA BARBARA ELIZABETH JENNIFER MARIA SUSAN MARGARET DOROTHY'.split(' '),
        ...'LISA NANCY KAREN BETTY HELEN SANDRA DONNA CAROL RUTH SHARON MICHELLE LAURA'.split(' '),
        ...'SARAH KIMBERLY DEBORAH JESSICA SHIRLEY CYNTHIA ANGELA MELISSA BRENDA AMY'.split(' '),
        ...'ANNA REBECCA VIRGINIA KATHLEEN'.split(' '),
      ],
    ],
    ['intset', range(0, 50)],
  ] as const) {
    it(`takes every code path with the right shapes - ${encoding}`, () => {
      const h = new SetHarness();
      h.create('myset', contents);
      assert.equal(h.encoding('myset'), encoding);
      const all = new Set(contents);
      // PATH 1: repeats allowed, exactly |count| answers, all members eventually.
      const res = items(h.run('SRANDMEMBER', 'myset', '-100'));
      assert.equal(res.length, 100);
      for (const m of res) assert.ok(all.has(m));
      assert.ok(res.length > new Set(res).size, 'a negative count repeats members');
      // PATH 2: the whole set.
      for (const size of ['50', '100']) {
        assert.deepEqual(h.sorted('SRANDMEMBER', 'myset', size), lsort(contents));
      }
      // PATH 3 (45 of 50) and PATH 4 (5 of 50): distinct members, every one eventually.
      for (const size of [45, 5]) {
        const seen = new Set<string>();
        for (let i = 0; i < 200 && seen.size < all.size; i++) {
          const pick = items(h.run('SRANDMEMBER', 'myset', String(size)));
          assert.equal(pick.length, size);
          assert.equal(new Set(pick).size, size);
          for (const m of pick) {
            assert.ok(all.has(m));
            seen.add(m);
          }
        }
        assert.equal(seen.size, all.size);
      }
    });
  }

  it('answers arrays, not sets, in every code path', () => {
    const h = new SetHarness();
    h.run('SADD', 's', ...range(0, 10));
    for (const count of ['-3', '1', '3', '9', '10', '20']) {
      assert.ok(Array.isArray(h.run('SRANDMEMBER', 's', count)), count);
    }
  });

  it('keeps the set order in the copy-and-thin path', () => {
    const h = new SetHarness();
    h.run('SADD', 's', ...range(0, 10));
    const pick = items(h.run('SRANDMEMBER', 's', '8')).map(Number);
    assert.deepEqual(
      pick,
      [...pick].sort((a, b) => a - b),
    );
  });

  it('is roughly uniform (chi-square, as the Tcl histogram test)', () => {
    const h = new SetHarness();
    h.create('myset', range(0, 10));
    const chi = (xs: readonly string[]): number => {
      const counts = new Map<string, number>();
      for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
      const expected = xs.length / 10;
      let sum = 0;
      for (const n of counts.values()) sum += (n - expected) ** 2 / expected;
      return sum;
    };
    assert.ok(chi(items(h.run('SRANDMEMBER', 'myset', '-1000'))) < 40);
    for (const size of [8, 2]) {
      const all: string[] = [];
      for (let i = 0; i < 1000 / size; i++)
        all.push(...items(h.run('SRANDMEMBER', 'myset', String(size))));
      assert.ok(chi(all) < 40, `size ${size}`);
    }
  });
});

describe('SMOVE', () => {
  function setupMove(): SetHarness {
    const h = new SetHarness();
    h.create('myset1', ['1', 'a', 'b']);
    h.create('myset2', ['2', '3', '4']);
    assert.equal(h.encoding('myset1'), 'hashtable');
    assert.equal(h.encoding('myset2'), 'intset');
    return h;
  }

  it('moves between encodings, converting the destination only for a non-integer', () => {
    let h = setupMove();
    assert.equal(h.run('SMOVE', 'myset1', 'myset2', 'a'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset1'), ['1', 'b']);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset2'), ['2', '3', '4', 'a']);
    assert.equal(h.encoding('myset2'), 'hashtable');
    h = setupMove();
    assert.equal(h.run('SMOVE', 'myset1', 'myset2', '1'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset2'), ['1', '2', '3', '4']);
    assert.equal(h.encoding('myset2'), 'intset');
    h = setupMove();
    assert.equal(h.run('SMOVE', 'myset2', 'myset1', '2'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset1'), ['1', '2', 'a', 'b']);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset2'), ['3', '4']);
  });

  it('answers 0 for a missing member or source', () => {
    const h = setupMove();
    assert.equal(h.run('SMOVE', 'myset1', 'myset2', 'foo'), 0);
    assert.equal(h.run('SMOVE', 'myset1', 'myset1', 'foo'), 0);
    assert.equal(h.run('SMOVE', 'noset', 'myset2', 'foo'), 0);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset1'), ['1', 'a', 'b']);
    assert.deepEqual(h.sorted('SMEMBERS', 'myset2'), ['2', '3', '4']);
  });

  it('creates the destination with the encoding the member needs', () => {
    let h = setupMove();
    assert.equal(h.run('SMOVE', 'myset1', 'myset3', 'a'), 1);
    assert.deepEqual(h.run('SMEMBERS', 'myset3'), set(['a']));
    assert.equal(h.encoding('myset3'), 'hashtable');
    h = setupMove();
    assert.equal(h.run('SMOVE', 'myset2', 'myset3', '2'), 1);
    assert.equal(h.encoding('myset3'), 'intset');
  });

  it('deletes an emptied source', () => {
    const h = new SetHarness();
    h.run('SADD', 'src', 'x');
    assert.equal(h.run('SMOVE', 'src', 'dst', 'x'), 1);
    assert.equal(h.run('EXISTS', 'src'), 0);
    assert.deepEqual(h.run('SMEMBERS', 'dst'), set(['x']));
  });

  it('checks types in Redis order: a missing source answers 0 even over a wrong destination', () => {
    const h = setupMove();
    h.run('SET', 'x', '10');
    assert.deepEqual(h.run('SMOVE', 'x', 'myset2', 'foo'), WRONGTYPE);
    assert.deepEqual(h.run('SMOVE', 'myset2', 'x', 'foo'), WRONGTYPE);
    assert.equal(h.run('SMOVE', 'nokey', 'x', 'foo'), 0);
  });

  it('is a membership test with identical source and destination', () => {
    const h = new SetHarness();
    h.run('SADD', 'set', 'a', 'b', 'c');
    assert.equal(h.run('SMOVE', 'set', 'set', 'b'), 1);
    assert.deepEqual(h.sorted('SMEMBERS', 'set'), ['a', 'b', 'c']);
  });

  it('reports the destination modified only when the member was added', () => {
    const h = new SetHarness();
    h.run('SADD', 'srcset', 'a', 'b');
    h.run('SADD', 'dstset', 'a');
    h.modified.length = 0;
    assert.equal(h.run('SMOVE', 'srcset', 'dstset', 'a'), 1);
    assert.ok(h.modified.includes('srcset'));
    assert.ok(!h.modified.includes('dstset'));
    assert.equal(h.run('SCARD', 'dstset'), 1);
  });
});

describe('SSCAN', () => {
  function fullScan(h: SetHarness, key: string, ...options: string[]): string[] {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = h.run('SSCAN', key, cursor, ...options) as [string, string[]];
      cursor = next;
      out.push(...found);
    } while (cursor !== '0');
    return out;
  }

  for (const [encoding, prefix] of [
    ['intset', ''],
    ['hashtable', 'ele:'],
  ] as const) {
    it(`returns every member - ${encoding}`, () => {
      const h = new SetHarness();
      h.run('SADD', 'set', ...range(0, 100).map((i) => prefix + i));
      assert.equal(h.encoding('set'), encoding);
      assert.equal(new Set(fullScan(h, 'set')).size, 100);
    });
  }

  it('answers an intset whole in one call with cursor 0', () => {
    const h = new SetHarness();
    h.run('SADD', 's', '3', '1', '2');
    assert.deepEqual(h.run('SSCAN', 's', '0', 'COUNT', '1'), ['0', ['1', '2', '3']]);
  });

  it('steps a hashtable COUNT at a time with a nonzero cursor until the end', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'a', 'b', 'c', 'd', 'e');
    const [c1, first] = h.run('SSCAN', 's', '0', 'COUNT', '2') as [string, string[]];
    assert.notEqual(c1, '0');
    assert.deepEqual(first, ['a', 'b']);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'COUNT', '5'), ['0', ['a', 'b', 'c', 'd', 'e']]);
  });

  it('filters with MATCH, integers included (issue #1345)', () => {
    const h = new SetHarness();
    h.run('SADD', 'set', '1', 'a');
    assert.deepEqual(
      items((h.run('SSCAN', 'set', '0', 'MATCH', '*a*', 'COUNT', '100') as Reply[])[1] as Reply),
      ['a'],
    );
    assert.deepEqual(
      items((h.run('SSCAN', 'set', '0', 'MATCH', '*1*', 'COUNT', '100') as Reply[])[1] as Reply),
      ['1'],
    );
    h.run('SADD', 'mykey', 'foo', 'fab', 'fiz', 'foobar', '1', '2', '3', '4');
    assert.deepEqual(lsort(fullScan(h, 'mykey', 'MATCH', 'foo*', 'COUNT', '10000')), [
      'foo',
      'foobar',
    ]);
  });

  it('finds every member kept while most are removed mid-scan (issue #4906)', () => {
    const h = new SetHarness();
    for (let round = 0; round < 5; round++) {
      h.run('DEL', 'set');
      h.run('SADD', 'set', 'x');
      const n = 101 + round * 200;
      h.run('SADD', 'set', ...range(0, n));
      const found = new Set<string>();
      let cursor = '0';
      let iteration = 0;
      do {
        const [next, got] = h.run('SSCAN', 'set', cursor) as [string, string[]];
        cursor = next;
        for (const m of got) found.add(m);
        if (++iteration === 1 + round) h.run('SREM', 'set', ...range(100, n));
      } while (cursor !== '0');
      for (let j = 0; j < 100; j++) assert.ok(found.has(String(j)), `missing ${j}`);
    }
  });

  it('parses cursor and options as Redis does', () => {
    const h = new SetHarness();
    h.run('SADD', 's', '1', '2');
    h.run('SET', 'str', 'x');
    assert.deepEqual(h.run('SSCAN', 's', 'abc'), INVALID_CURSOR);
    assert.deepEqual(h.run('SSCAN', 'nokey', 'abc'), INVALID_CURSOR);
    assert.deepEqual(h.run('SSCAN', 's', '18446744073709551616'), INVALID_CURSOR);
    assert.deepEqual(h.run('SSCAN', 's', '-1'), ['0', ['1', '2']]);
    assert.deepEqual(h.run('SSCAN', 'nokey', '0', 'COUNT', 'abc'), ['0', []]);
    assert.deepEqual(h.run('SSCAN', 'str', '0', 'bogus'), WRONGTYPE);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'COUNT', 'abc'), NOT_INTEGER);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'COUNT', '0'), SYNTAX);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'TYPE', 'string'), SYNTAX);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'MATCH'), SYNTAX);
    assert.deepEqual(h.run('SSCAN', 's', '0', 'count', '1', 'match', '*'), ['0', ['1', '2']]);
  });
});

describe('set keys with other commands', () => {
  it('TYPE names them, COPY copies them independently', () => {
    const h = new SetHarness();
    h.run('SADD', 's', 'a', '1');
    assert.deepEqual(h.run('TYPE', 's'), simple('set'));
    assert.equal(h.run('COPY', 's', 'c'), 1);
    h.run('SADD', 'c', 'only-in-copy');
    assert.equal(h.run('SISMEMBER', 's', 'only-in-copy'), 0);
    assert.equal(h.encoding('c'), 'hashtable');
  });
});
