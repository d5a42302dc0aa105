import { NO_TRANSACTIONS, now } from '../support/node-fakes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecContext } from '../../src/commands/context.js';
import type {
  ClientsApi,
  ConfigApi,
  NodeContext,
  NodeServices,
  ReplyMode,
  Session,
  ShutdownOptions,
} from '../../src/commands/node.js';
import type { DigestView } from '../../src/keyspace/value.js';
import { Entry } from '../../src/keyspace/db.js';
import type { CollectionValue } from '../../src/keyspace/value.js';
import { OK, error, map, simple, verbatim, type Reply } from '../../src/resp/reply.js';
import { Harness, testSettings } from '../support/harness.js';

class FakeSession implements Session {
  readonly isLocal = true;
  readonly id = 7;
  db = 0;
  proto: 2 | 3 = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated = true;
  user = 'default';
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  closeAfterReply(): void {}
  reset(): void {}
}

const NO_CLIENTS: ClientsApi = {
  list: () => [],
  describe: () => '',
  kill: () => 0,
  unblock: () => false,
  pause: () => {},
  unpause: () => {},
};

class FakeConfig implements ConfigApi {
  readonly values = new Map([
    ['maxmemory', '0'],
    ['maxmemory-policy', 'noeviction'],
  ]);
  setResult: string | null = null;
  rewriteResult: string | null = null;
  lastSet: readonly [string, string][] = [];
  get(patterns: readonly string[]): [string, string][] {
    return [...this.values].filter(([name]) => patterns.includes(name));
  }
  set(pairs: readonly [string, string][]): string | null {
    this.lastSet = pairs;
    return this.setResult;
  }
  rewrite(): string | null {
    return this.rewriteResult;
  }
}

/** Node services that record what the commands asked of them. */
class FakeNode implements NodeServices {
  readonly redisVersion = '7.0.15';
  readonly aikvVersion = '0.1.0';
  readonly clients = NO_CLIENTS;
  readonly transactions = NO_TRANSACTIONS;
  readonly config = new FakeConfig();
  clock = 1_700_000_000_123.456;
  infoSections: readonly string[] | null = null;
  resets = 0;
  shutdownWith: ShutdownOptions | null = null;
  shutdownResult: string | null = null;
  activeExpire: boolean | null = null;
  logged: string[] = [];

  constructor(readonly h: Harness) {}
  get keyspace(): NodeServices['keyspace'] {
    return this.h.keyspace;
  }
  get registry(): NodeServices['registry'] {
    return this.h.registry;
  }
  now(): number {
    return this.clock;
  }
  info(sections: readonly string[]): string {
    this.infoSections = sections;
    return '# Server\r\nredis_version:7.0.15\r\n';
  }
  resetStats(): void {
    this.resets++;
  }
  checkPassword(): 'ok' {
    return 'ok';
  }
  authRequired(): boolean {
    return false;
  }
  shutdown(options: ShutdownOptions): string | null {
    this.shutdownWith = options;
    return this.shutdownResult;
  }
  lastSave(): number {
    return 1_699_999_000;
  }
  setActiveExpire(enabled: boolean): void {
    this.activeExpire = enabled;
  }
  log(level: string, message: string): void {
    this.logged.push(`${level} ${message}`);
  }
}

/** Runs a node command the way the dispatcher does: resolve, then the node handler. */
function runNode(node: FakeNode, ...argv: string[]): Reply {
  const lookup = node.h.registry.resolve(argv);
  if (lookup.error) return lookup.error;
  const handler = lookup.spec.node;
  if (handler === undefined) throw new Error(`${lookup.spec.name} is not a node command`);
  const read = new ExecContext(node.h.keyspace, 0, node.h.now, 1, testSettings, {
    applying: false,
    proposer: true,
  });
  const ctx: NodeContext = { session: new FakeSession(), node, read };
  return now(handler(ctx, argv));
}

function setup(): { h: Harness; node: FakeNode } {
  const h = new Harness();
  return { h, node: new FakeNode(h) };
}

function put(h: Harness, db: number, key: string, value: string, expireAt = 0): Entry {
  const entry = new Entry(value, expireAt, Math.floor(h.now / 1000));
  h.keyspace.db(db).insert(key, entry);
  return entry;
}

test('INFO hands the lower-cased section names to the node and replies verbatim text', () => {
  const { node } = setup();
  assert.deepEqual(
    runNode(node, 'INFO', 'Server', 'CPU'),
    verbatim('# Server\r\nredis_version:7.0.15\r\n'),
  );
  assert.deepEqual(node.infoSections, ['server', 'cpu']);
  runNode(node, 'info');
  assert.deepEqual(node.infoSections, []);
});

test('DBSIZE counts the keys of the selected database only', () => {
  const { h } = setup();
  put(h, 0, 'a', '1');
  put(h, 0, 'b', '2');
  put(h, 1, 'c', '3');
  assert.equal(h.run('DBSIZE'), 2);
  h.db = 1;
  assert.equal(h.run('DBSIZE'), 1);
});

test('FLUSHDB empties the selected database and FLUSHALL every one', () => {
  const { h } = setup();
  put(h, 0, 'a', '1');
  put(h, 1, 'b', '2');
  put(h, 2, 'c', '3');
  h.db = 1;
  assert.deepEqual(h.run('FLUSHDB'), OK);
  assert.equal(h.keyspace.db(1).size, 0);
  assert.equal(h.keyspace.db(0).size, 1);
  assert.deepEqual(h.run('FLUSHALL', 'async'), OK);
  assert.equal(h.keyspace.keyCount, 0);
  assert.deepEqual(h.run('FLUSHDB', 'SYNC'), OK);
});

test('FLUSHDB / FLUSHALL reject anything but one ASYNC or SYNC', () => {
  const { h } = setup();
  put(h, 0, 'a', '1');
  const syntax = error('ERR syntax error');
  assert.deepEqual(h.run('FLUSHDB', 'now'), syntax);
  assert.deepEqual(h.run('FLUSHALL', 'sync', 'sync'), syntax);
  assert.equal(h.keyspace.db(0).size, 1);
});

test('SWAPDB exchanges two databases, with Redis error strings for bad indexes', () => {
  const { h } = setup();
  put(h, 0, 'a', '1');
  put(h, 3, 'b', '2');
  assert.deepEqual(h.run('SWAPDB', '0', '3'), OK);
  assert.ok(h.keyspace.db(0).peek('b'));
  assert.ok(h.keyspace.db(3).peek('a'));
  assert.deepEqual(h.run('SWAPDB', 'x', '1'), error('ERR invalid first DB index'));
  assert.deepEqual(h.run('SWAPDB', '1', '1.5'), error('ERR invalid second DB index'));
  assert.deepEqual(h.run('SWAPDB', '0', '4294967296'), error('ERR invalid second DB index'));
  assert.deepEqual(h.run('SWAPDB', '0', '16'), error('ERR DB index is out of range'));
  assert.deepEqual(h.run('SWAPDB', '-1', '0'), error('ERR DB index is out of range'));
});

test('TIME replies seconds and microseconds of the node clock as bulk strings', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'TIME'), ['1700000000', '123456']);
  node.clock = 5;
  assert.deepEqual(runNode(node, 'TIME'), ['0', '5000']);
});

test('LASTSAVE replies the unix time of the last save', () => {
  const { node } = setup();
  assert.equal(runNode(node, 'LASTSAVE'), 1_699_999_000);
});

test('SHUTDOWN passes its modifiers on and rejects illegal combinations', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'nosave', 'NOW', 'force'), OK);
  assert.deepEqual(node.shutdownWith, { nosave: true, now: true, force: true });
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'ABORT'), OK);
  assert.deepEqual(node.shutdownWith, { abort: true });
  node.shutdownWith = null;
  const syntax = error('ERR syntax error');
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'save', 'nosave'), syntax);
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'abort', 'now'), syntax);
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'later'), syntax);
  assert.equal(node.shutdownWith, null);
  node.shutdownResult = 'No shutdown in progress.';
  assert.deepEqual(runNode(node, 'SHUTDOWN', 'abort'), error('ERR No shutdown in progress.'));
});

test('CONFIG GET replies a map of the matching settings', () => {
  const { node } = setup();
  assert.deepEqual(
    runNode(node, 'CONFIG', 'GET', 'maxmemory', 'maxmemory-policy', 'nope'),
    map(['maxmemory', '0', 'maxmemory-policy', 'noeviction']),
  );
  assert.deepEqual(runNode(node, 'config', 'get', 'nope'), map([]));
});

test('CONFIG SET passes every pair at once and reports failures with ERR', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '20'), OK);
  assert.deepEqual(node.config.lastSet, [
    ['maxmemory', '10mb'],
    ['hz', '20'],
  ]);
  assert.deepEqual(runNode(node, 'CONFIG', 'SET', 'a', '1', 'b'), error('ERR syntax error'));
  assert.deepEqual(
    runNode(node, 'CONFIG', 'SET', 'x'),
    error("ERR wrong number of arguments for 'config|set' command"),
  );
  node.config.setResult = "Unknown option or number of arguments for CONFIG SET - 'x'";
  assert.deepEqual(
    runNode(node, 'CONFIG', 'SET', 'x', '1'),
    error("ERR Unknown option or number of arguments for CONFIG SET - 'x'"),
  );
  node.config.setResult = 'ERR CONFIG SET failed';
  assert.deepEqual(runNode(node, 'CONFIG', 'SET', 'x', '1'), error('ERR CONFIG SET failed'));
});

test('CONFIG RESETSTAT, REWRITE and HELP', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'CONFIG', 'RESETSTAT'), OK);
  assert.equal(node.resets, 1);
  assert.deepEqual(runNode(node, 'CONFIG', 'REWRITE'), OK);
  node.config.rewriteResult = 'The server is running without a config file';
  assert.deepEqual(
    runNode(node, 'CONFIG', 'REWRITE'),
    error('ERR The server is running without a config file'),
  );
  const help = runNode(node, 'CONFIG', 'HELP') as Reply[];
  assert.deepEqual(
    help[0],
    simple('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'),
  );
  assert.deepEqual(help.at(-1), simple('    Prints this help.'));
  assert.equal(help.length, 11);
  assert.deepEqual(
    runNode(node, 'CONFIG'),
    error("ERR wrong number of arguments for 'config' command"),
  );
});

test('DEBUG SLEEP blocks the process for the given (fractional) seconds', () => {
  const { node } = setup();
  const started = performance.now();
  assert.deepEqual(runNode(node, 'DEBUG', 'SLEEP', '0.05'), OK);
  assert.ok(performance.now() - started >= 45);
  assert.deepEqual(runNode(node, 'DEBUG', 'sleep', 'abc'), OK);
});

test('DEBUG SET-ACTIVE-EXPIRE and LOG reach the node', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'), OK);
  assert.equal(node.activeExpire, false);
  assert.deepEqual(runNode(node, 'DEBUG', 'set-active-expire', '1'), OK);
  assert.equal(node.activeExpire, true);
  assert.deepEqual(runNode(node, 'DEBUG', 'LOG', 'hello'), OK);
  assert.deepEqual(node.logged, ['warning DEBUG LOG: hello']);
});

test('DEBUG OBJECT prints Redis line format and a stable address per value', () => {
  const { h, node } = setup();
  put(h, 0, 'foo', 'bar');
  put(h, 0, 'n', '100');
  put(h, 0, 'big', '20000');
  const line = (runNode(node, 'DEBUG', 'OBJECT', 'foo') as { value: string }).value;
  assert.match(
    line,
    /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:\d+ lru_seconds_idle:0$/,
  );
  assert.equal((runNode(node, 'DEBUG', 'OBJECT', 'foo') as { value: string }).value, line);
  const shared = (runNode(node, 'DEBUG', 'OBJECT', 'n') as { value: string }).value;
  assert.match(shared, / refcount:2147483647 encoding:int serializedlength:2 /);
  const int16 = (runNode(node, 'DEBUG', 'OBJECT', 'big') as { value: string }).value;
  assert.match(int16, / refcount:1 encoding:int serializedlength:3 /);
  assert.deepEqual(runNode(node, 'DEBUG', 'OBJECT', 'nokey'), error('ERR no such key'));
});

test('DEBUG OBJECT reports idle seconds from the access clock', () => {
  const { h, node } = setup();
  const entry = put(h, 0, 'k', 'v');
  entry.lru -= 30;
  const line = (runNode(node, 'DEBUG', 'OBJECT', 'k') as { value: string }).value;
  assert.match(line, / lru_seconds_idle:30$/);
});

test('DEBUG JMAP replies the V8 heap statistics as text', () => {
  const { node } = setup();
  const reply = runNode(node, 'DEBUG', 'JMAP') as { kind: string; text: string };
  assert.equal(reply.kind, 'verbatim');
  assert.match(reply.text, /^total_heap_size:\d+\r\n/m);
  assert.match(reply.text, /used_heap_size:\d+\r\n/);
});

test('DEBUG QUICKLIST-PACKED-THRESHOLD accepts memory sizes below 4gb only', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1b'), OK);
  assert.deepEqual(runNode(node, 'DEBUG', 'quicklist-packed-threshold', '0'), OK);
  assert.deepEqual(runNode(node, 'DEBUG', 'quicklist-packed-threshold', '100MB'), OK);
  const invalid = error('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
  assert.deepEqual(runNode(node, 'DEBUG', 'quicklist-packed-threshold', '5gb'), invalid);
  assert.deepEqual(runNode(node, 'DEBUG', 'quicklist-packed-threshold', '-1'), invalid);
  assert.deepEqual(runNode(node, 'DEBUG', 'quicklist-packed-threshold', '1x'), invalid);
});

test('DEBUG DIGEST is all zeros for an empty keyspace, as in Redis', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'DEBUG', 'DIGEST'), simple('0'.repeat(40)));
});

// Reference digests from redis-server 7.0.15 on the same data:
//   db0: foo=bar, n=12345, e=v (with a TTL); db3: k3=v3.
test('DEBUG DIGEST and DIGEST-VALUE equal Redis 7.0.15 on the same strings and TTLs', () => {
  const { h, node } = setup();
  put(h, 0, 'foo', 'bar');
  put(h, 0, 'n', '12345');
  put(h, 0, 'e', 'v', 99_999_999_999_999);
  put(h, 3, 'k3', 'v3');
  assert.deepEqual(
    runNode(node, 'DEBUG', 'DIGEST'),
    simple('6c3a799cffae2e3c56eed673ae76bae5f43f3f46'),
  );
  assert.deepEqual(runNode(node, 'DEBUG', 'DIGEST-VALUE', 'foo', 'n', 'e', 'missing'), [
    simple('68467c70ae30376e7ce005bcc8827f5ba7fd67dc'),
    simple('e1cf90774e995ae03de66e8109dc5cb9d9c2dc83'),
    simple('311b17018163335616e089f6b951c82c477335ac'),
    simple('0'.repeat(40)),
  ]);
  assert.deepEqual(runNode(node, 'DEBUG', 'DIGEST-VALUE'), []);
});

test('DEBUG DIGEST depends on the database a key is in and on key names', () => {
  const { h, node } = setup();
  put(h, 0, 'a', '1');
  const inDb0 = runNode(node, 'DEBUG', 'DIGEST');
  h.keyspace.swap(0, 1);
  assert.notDeepEqual(runNode(node, 'DEBUG', 'DIGEST'), inDb0);
  h.keyspace.swap(0, 1);
  h.keyspace.db(0).insert('b', h.keyspace.db(0).peek('a') as Entry);
  h.keyspace.db(0).delete('a');
  assert.notDeepEqual(runNode(node, 'DEBUG', 'DIGEST'), inDb0);
});

/** A collection that only shows itself to DEBUG DIGEST. */
function collection(view: DigestView): CollectionValue & { digestView(): DigestView } {
  const value = {
    type: view.type,
    encoding: () => 'listpack',
    clone: () => value,
    digestView: () => view,
  };
  return value;
}

// Reference: RPUSH l a b c; SADD s x y 1; HSET h f1 v1 f2 v2; ZADD z 1.5 a 2 b;
// XADD x 1-1 f v; XADD x 1-2 g w h k — then DEBUG DIGEST-VALUE l s h z x.
test('DEBUG DIGEST-VALUE of collections equals Redis 7.0.15 through digestView()', () => {
  const { h, node } = setup();
  const db = h.keyspace.db(0);
  db.insert('l', new Entry(collection({ type: 'list', elements: ['a', 'b', 'c'] }), 0, 0));
  db.insert('s', new Entry(collection({ type: 'set', members: ['1', 'y', 'x'] }), 0, 0));
  const hash = collection({
    type: 'hash',
    fields: [
      ['f2', 'v2'],
      ['f1', 'v1'],
    ],
  });
  db.insert('h', new Entry(hash, 0, 0));
  const zset = collection({
    type: 'zset',
    members: [
      ['a', 1.5],
      ['b', 2],
    ],
  });
  db.insert('z', new Entry(zset, 0, 0));
  const entries = [
    { ms: 1, seq: 1, fields: [['f', 'v']] as const },
    {
      ms: 1,
      seq: 2,
      fields: [
        ['g', 'w'],
        ['h', 'k'],
      ] as const,
    },
  ];
  db.insert('x', new Entry(collection({ type: 'stream', entries }), 0, 0));
  assert.deepEqual(runNode(node, 'DEBUG', 'DIGEST-VALUE', 'l', 's', 'h', 'z', 'x'), [
    simple('8bf72d812571eea9b927f3c11beb0c4165a6ff89'),
    simple('03ee76a1ebe8db27d61b3ea784011d5acc537675'),
    simple('047cc60ea73a34cde6d08a2721a4a26d19ee6570'),
    simple('445b877af3c3ec83af30529ddbbdda3185172254'),
    simple('819c5f76a967f34d2d5834ba15144e223b1fa027'),
  ]);
});

test('DEBUG names Redis subcommands AiKv lacks, and answers others as Redis does', () => {
  const { node } = setup();
  assert.deepEqual(
    runNode(node, 'DEBUG', 'sdslen'),
    error("ERR DEBUG subcommand 'sdslen' is not supported by AiKv"),
  );
  assert.deepEqual(
    runNode(node, 'DEBUG', 'CHANGE-REPL-ID'),
    error("ERR DEBUG subcommand 'CHANGE-REPL-ID' is not supported by AiKv"),
  );
  assert.deepEqual(
    runNode(node, 'DEBUG', 'nosuch'),
    error("ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP."),
  );
  assert.deepEqual(
    runNode(node, 'debug', 'sleep'),
    error("ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP."),
  );
  assert.deepEqual(
    runNode(node, 'DEBUG'),
    error("ERR wrong number of arguments for 'debug' command"),
  );
  const help = runNode(node, 'DEBUG', 'HELP') as Reply[];
  assert.deepEqual(
    help[0],
    simple('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'),
  );
});

test('FUNCTION LIST validates its options and lists no libraries', () => {
  const { node } = setup();
  assert.deepEqual(runNode(node, 'FUNCTION', 'LIST'), []);
  assert.deepEqual(runNode(node, 'FUNCTION', 'LIST', 'WITHCODE', 'libraryname', 'x*'), []);
  assert.deepEqual(
    runNode(node, 'FUNCTION', 'LIST', 'LIBRARYNAME'),
    error('ERR library name argument was not given'),
  );
  assert.deepEqual(runNode(node, 'FUNCTION', 'LIST', 'foo'), error('ERR Unknown argument foo'));
  assert.deepEqual(
    runNode(node, 'FUNCTION', 'LIST', 'withcode', 'WITHCODE'),
    error('ERR Unknown argument WITHCODE'),
  );
});

test('FUNCTION FLUSH is a replicated write that accepts ASYNC or SYNC only', () => {
  const { h } = setup();
  assert.deepEqual(h.run('FUNCTION', 'FLUSH'), OK);
  assert.deepEqual(h.run('FUNCTION', 'FLUSH', 'async'), OK);
  assert.deepEqual(
    h.run('FUNCTION', 'FLUSH', 'x'),
    error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option'),
  );
  assert.deepEqual(
    h.run('FUNCTION', 'FLUSH', 'async', 'x'),
    error("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP."),
  );
});

test('FUNCTION and SCRIPT answer only what is true of an empty library', () => {
  const { node } = setup();
  assert.deepEqual(
    runNode(node, 'FUNCTION', 'LOAD', 'code'),
    error("ERR unknown subcommand 'LOAD'. Try FUNCTION HELP."),
  );
  assert.deepEqual(runNode(node, 'SCRIPT', 'FLUSH', 'SYNC'), OK);
  assert.deepEqual(
    runNode(node, 'SCRIPT', 'FLUSH', 'x'),
    error('ERR SCRIPT FLUSH only support SYNC|ASYNC option'),
  );
  assert.deepEqual(runNode(node, 'SCRIPT', 'EXISTS', 'a', 'b'), [0, 0]);
  const help = runNode(node, 'FUNCTION', 'HELP') as Reply[];
  assert.deepEqual(
    help[0],
    simple('FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'),
  );
  assert.deepEqual(help[1], simple('LIST [LIBRARYNAME PATTERN] [WITHCODE]'));
});
