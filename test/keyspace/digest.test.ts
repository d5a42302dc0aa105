/**
 * DEBUG DIGEST (src/keyspace/digest.ts) against a real redis-server 7.0.15: the same
 * commands go to redis-server and to a local keyspace (through the real command table
 * with Redis's default encoding thresholds), and the dataset digest and every key's
 * DIGEST-VALUE must be equal: every type, small and big encodings, with and without
 * TTLs, in several databases. Also pins the SHA-1 it is built on against node:crypto.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ExecContext, type ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { isWrite } from '../../src/commands/spec.js';
import { EMPTY_DIGEST, entryDigest, keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { Rng } from '../../src/util/rng.js';
import { sha1 } from '../../src/util/sha1.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { RawClient } from '../support/raw-client.js';
import { freePort } from '../support/server.js';

// ---------------------------------------------------------------------------------------
// SHA-1

test('sha1 equals node:crypto for every length across the block and padding boundaries', () => {
  const rng = new Rng(5);
  for (const n of [...Array.from({ length: 300 }, (_, i) => i), 4096, 100_003]) {
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = rng.below(256);
    const want = createHash('sha1').update(data).digest('hex');
    assert.equal(Buffer.from(sha1(data)).toString('hex'), want, `length ${n}`);
    // A prefix of a longer buffer, as digest.ts hashes its scratch buffer.
    const padded = Buffer.concat([data, Buffer.from('trailing bytes')]);
    assert.equal(Buffer.from(sha1(padded, n)).toString('hex'), want, `prefix of ${n}`);
  }
});

// ---------------------------------------------------------------------------------------
// Against redis-server

const REDIS_DEFAULTS = new Map([
  ['hash-max-listpack-entries', 512],
  ['hash-max-listpack-value', 64],
  ['set-max-intset-entries', 512],
  ['zset-max-listpack-entries', 128],
  ['zset-max-listpack-value', 64],
]);
const SETTINGS: ExecSettings = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  number: (name) => REDIS_DEFAULTS.get(name) ?? 0,
};

/** A keyspace driven through the state machine, as a replica applies entries. */
class Local {
  readonly keyspace = new Keyspace(16);
  private readonly registry = new Registry();
  private readonly machine = new StateMachine(this.keyspace, this.registry, SETTINGS);
  private seed = 1;
  private readonly now = 1_700_000_000_000;

  run(db: number, argv: readonly string[]): Reply {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const spec = lookup.spec;
    if (spec.data === undefined) throw new Error(`${spec.name} is not a data command`);
    const seed = this.seed++;
    if (isWrite(spec)) {
      return this.machine.apply({ kind: 'command', db, argv, time: this.now, seed }, true) as Reply;
    }
    const ctx = new ExecContext(this.keyspace, db, this.now, seed, SETTINGS, {
      applying: false,
      proposer: true,
      onExpiredRead: () => undefined,
    });
    return spec.data(ctx, argv) as Reply;
  }
}

/** Commands per database. */
type Script = ReadonlyMap<number, readonly (readonly string[])[]>;

let redis: ChildProcess | undefined;
let client: RawClient | undefined;

/** redis-server 7.0.15 on a free loopback port, no persistence, DEBUG allowed. */
before(async () => {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  redis = spawn('redis-server', [...args, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  for (let tries = 0; client === undefined && tries < 200; tries++) {
    client = await RawClient.open(port).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return undefined;
    });
  }
});

after(async () => {
  client?.close();
  if (redis !== undefined && redis.exitCode === null) {
    const exited = new Promise((resolve) => redis?.once('exit', resolve));
    redis.kill('SIGTERM');
    await exited;
  }
});

function redisClient(): RawClient {
  if (client === undefined) throw new Error('redis-server did not start');
  return client;
}

/** "+<hex>\r\n" lines of a status or an array of statuses. */
function statuses(raw: string): string[] {
  return [...raw.matchAll(/^\+([0-9a-f]{40})\r$/gm)].map((m) => m[1] as string);
}

/** Runs `script` on a flushed redis-server and a fresh local keyspace; compares digests. */
async function assertSameDigests(script: Script): Promise<string> {
  const c = redisClient();
  const local = new Local();
  assert.equal(await c.call('FLUSHALL'), '+OK\r\n');
  for (const [db, commands] of script) {
    assert.equal(await c.call('SELECT', String(db)), '+OK\r\n');
    for (const argv of commands) {
      const reply = await c.call(...argv);
      assert.ok(!reply.startsWith('-'), `redis: ${argv.join(' ')}: ${reply}`);
      local.run(db, argv);
    }
  }
  const digest = statuses(await c.call('DEBUG', 'DIGEST'));
  assert.deepEqual([keyspaceDigest(local.keyspace)], digest, 'DEBUG DIGEST');
  for (const [db] of script) {
    await c.call('SELECT', String(db));
    const keys = [...local.keyspace.db(db).keys(), 'no-such-key'];
    const values = statuses(await c.call('DEBUG', 'DIGEST-VALUE', ...keys));
    const mine = keys.map((k) => entryDigest(local.keyspace.db(db).peek(k)));
    assert.deepEqual(mine, values, `DEBUG DIGEST-VALUE in db ${db}`);
  }
  return digest[0] as string;
}

function range(n: number, f: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const ALL_BYTES = range(256, (i) => String.fromCharCode(i)).join('');

const STRINGS: (readonly string[])[] = [
  ['SET', 'int', '12345'],
  ['SET', 'embstr', 'hello'],
  ['SET', 'raw', 'r'.repeat(100)],
  ['SET', 'empty', ''],
  ['SET', ALL_BYTES, ALL_BYTES],
  ['SET', 'appended', '1'],
  ['APPEND', 'appended', 'xyz'],
  ['INCRBYFLOAT', 'float', '0.1'],
  ['SET', 'ttl', 'v', 'EX', '1000'],
  ['SET', 'ttl-int', '7'],
  ['PEXPIRE', 'ttl-int', '99999'],
];

const LISTS: (readonly string[])[] = [
  ['RPUSH', 'small-list', 'a', '1', '', 'a'],
  ['RPUSH', 'big-list', ...range(3000, (i) => `e${(i * 7919) % 1000}`)],
  ['LPUSH', 'big-list', 'x'.repeat(10000), '-5'],
  ['RPUSH', 'list-ttl', 'z'],
  ['EXPIRE', 'list-ttl', '1000'],
];

const HASHES: (readonly string[])[] = [
  ['HSET', 'small-hash', 'f1', 'v1', 'f2', '2', 'f3', '', '', 'empty-field'],
  ['HSET', 'big-hash', ...range(1200, (i) => (i % 2 === 0 ? `f${i}` : `v${i % 17}`))],
  ['HSET', 'long-value-hash', 'a', '1', 'long', 'v'.repeat(100)],
  ['HDEL', 'big-hash', 'f10', 'f20', 'f30'],
  ['EXPIRE', 'small-hash', '1000'],
];

const SETS: (readonly string[])[] = [
  ['SADD', 'small-intset', '5', '-3', '100000', '2', '-9223372036854775808'],
  ['SADD', 'small-set', 'b', 'a', 'c', '1'],
  ['SADD', 'big-int-set', ...range(700, (i) => String(i * 3 - 100))],
  ['SADD', 'big-set', ...range(1500, (i) => `m${i}`)],
  ['SREM', 'big-set', 'm1', 'm2', 'm3'],
  ['EXPIRE', 'big-int-set', '1000'],
];

const ZSETS: (readonly string[])[] = [
  ['ZADD', 'small-zset', '1.5', 'a', '-inf', 'b', 'inf', 'c', '0', 'e', '0.1', 'f'],
  ['ZADD', 'small-zset', '1e-300', 'g', '123456789012345678', 'h', '-2.5e20', 'i'],
  ['ZADD', 'small-zset', '3', '42', '0.3333333333333333', 'third'],
  ['ZADD', 'big-zset', ...range(600, (i) => (i % 2 === 0 ? String(i / 7) : `m${i}`))],
  ['ZADD', 'big-zset', '-inf', 'low', 'inf', 'high', '0', 'zero', '1e300', 'huge'],
  ['ZADD', 'long-member-zset', '1', 'l'.repeat(100), '2', 'b'],
  ['EXPIRE', 'small-zset', '1000'],
];

test('an empty dataset digests to 40 zeros, here and in Redis', async () => {
  assert.equal(await assertSameDigests(new Map()), EMPTY_DIGEST);
  assert.equal(keyspaceDigest(new Keyspace(16)), EMPTY_DIGEST);
  assert.equal(entryDigest(undefined), EMPTY_DIGEST);
});

test('strings, with and without TTLs, digest as in Redis', async () => {
  await assertSameDigests(new Map([[0, STRINGS]]));
});

test('lists, small and big, digest as in Redis', async () => {
  await assertSameDigests(new Map([[0, LISTS]]));
});

test('hashes as listpacks and as hashtables digest as in Redis', async () => {
  await assertSameDigests(new Map([[0, HASHES]]));
});

test('sets as intsets and as hashtables digest as in Redis', async () => {
  await assertSameDigests(new Map([[0, SETS]]));
});

test('sorted sets as listpacks and skiplists, odd scores included, digest as in Redis', async () => {
  await assertSameDigests(new Map([[0, ZSETS]]));
});

test('a negative-zero score digests as in Redis, in a listpack and in a skiplist', async () => {
  await assertSameDigests(new Map([[0, [['ZADD', 'z', '-0', 'a', '1', 'b']]]]));
  const big = ['ZADD', 'z', ...range(200, (i) => (i % 2 === 0 ? String(i) : `m${i}`))];
  await assertSameDigests(new Map([[0, [big, ['ZADD', 'z', '-0', 'a']]]]));
});

test('every type in several databases digests as in Redis, and the database counts', async () => {
  const all = [...STRINGS, ...LISTS, ...HASHES, ...SETS, ...ZSETS];
  const whole = await assertSameDigests(
    new Map([
      [0, all],
      [3, HASHES],
      [9, [['SET', 'k', 'v']]],
      [15, [...SETS, ...STRINGS]],
    ]),
  );
  const moved = await assertSameDigests(
    new Map([
      [0, all],
      [3, HASHES],
      [10, [['SET', 'k', 'v']]],
      [15, [...SETS, ...STRINGS]],
    ]),
  );
  assert.notEqual(moved, whole);
});

test('a TTL changes the digest whatever its deadline', async () => {
  const plain = await assertSameDigests(new Map([[0, [['SET', 'k', 'v']]]]));
  const short = await assertSameDigests(new Map([[0, [['SET', 'k', 'v', 'EX', '100']]]]));
  const long = await assertSameDigests(new Map([[0, [['SET', 'k', 'v', 'EX', '100000']]]]));
  assert.notEqual(short, plain);
  assert.equal(long, short);
});
