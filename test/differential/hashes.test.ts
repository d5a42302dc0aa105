/**
 * Differential tests of the hash family and SORT: seeded random command sequences go
 * to an AiKv server and to a redis-server 7.0.15 (each started here on a free port),
 * over RESP2 and RESP3, and the replies must agree byte for byte, with these
 * exceptions, each checked another way:
 *
 * - a hash that is a hashtable in Redis iterates in Redis's hash order: HGETALL, HKEYS
 *   and HVALS are compared as multisets, and HSCAN by scanning to the end on each
 *   server and comparing what was seen;
 * - HRANDFIELD is random: the shape must agree, and every field (and value) AiKv
 *   returns must be in Redis's hash;
 * - SORT of a set or sorted set loads elements in Redis's hash order, which decides
 *   the order of ties (ALPHA BY) and of an unsorted set: then compared as multisets.
 *
 * The encoding thresholds are set per seed with CONFIG SET on both servers, so both
 * encodings and the conversions between them are exercised. A second test moves hash
 * payloads both ways between hash-rdb.ts and redis-server's DUMP/RESTORE.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClientPair,
  Mismatch,
  diffConfig,
  parseRaw,
  runSeeds,
  show,
  showArgv,
  startPair,
  type DiffRun,
  type Gen,
  type Replies,
  type ServerPair,
} from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { HashValue, type HashLimits } from '../../src/keyspace/hash.js';
import { loadHash, writeHash } from '../../src/keyspace/hash-rdb.js';
import { RDB_VERSION, RdbReader, RdbWriter } from '../../src/keyspace/serialize.js';
import { crc64, writeCrc64LE } from '../../src/util/crc64.js';

type RawNode = ReturnType<typeof parseRaw>;
type Maker = (g: Gen) => string[];

const HASH_KEYS = ['h1', 'h2', 'h\x00z', '{t}h'];
const FIELD_POOL = [
  'a',
  'b',
  'c',
  '1',
  '-3',
  '007',
  '',
  '\x00',
  '\xff\xfe',
  'x'.repeat(65),
  'f'.repeat(64),
  '9223372036854775807',
  '9223372036854775808',
];
const FLOATS = [
  '1.5',
  '-0.0',
  '3.0e3',
  '1e308',
  'inf',
  '-inf',
  'nan',
  '.5',
  '0.1',
  '5e-324',
  '1e400',
  '0x10',
];
const BAD_INTEGERS = ['abc', '', '1.5', ' 1', '9223372036854775808'];
/** Elements of the list, set and sorted set that SORT works on, and weights for them. */
const ELEMENTS = ['1', '2', '3', '10', '-1', '2.5', 'a', 'b', 'c', 'ab', '', '1e3', 'inf', '0x1'];
const WEIGHTS = [
  '1',
  '2',
  '5',
  '-3',
  '0',
  '2.5',
  '1e2',
  '',
  ' 7',
  'abc',
  'inf',
  'x',
  'y',
  '1e-400',
];

function field(g: Gen): string {
  return g.chance(0.6) ? `f${g.int(0, 30)}` : g.pick(FIELD_POOL);
}

function value(g: Gen): string {
  return g.weighted<(g: Gen) => string>([
    [4, (g) => String(g.int(-1000, 100_000))],
    [1, (g) => g.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775808'])],
    [2, (g) => g.pick(FLOATS)],
    [3, (g) => g.bytes(g.int(0, 12))],
    [1, (g) => 'v'.repeat(g.int(60, 70))],
    [1, () => ''],
  ])(g);
}

function hashKey(g: Gen): string {
  return g.chance(0.08) ? 's' : g.pick(HASH_KEYS);
}

function intArg(g: Gen): string {
  if (g.chance(0.1)) return g.pick(BAD_INTEGERS);
  if (g.chance(0.1)) return g.pick(['9223372036854775807', '-9223372036854775808']);
  return String(g.int(-100, 100));
}

function fieldValuePairs(g: Gen, max: number): string[] {
  const out: string[] = [];
  for (let i = g.int(1, max); i > 0; i--) out.push(field(g), value(g));
  // Now and then an odd argument count: an arity error naming the command.
  if (g.chance(0.03)) out.pop();
  return out;
}

function fields(g: Gen, max: number): string[] {
  return Array.from({ length: g.int(1, max) }, () => field(g));
}

/** Commands whose replies are compared exactly. */
const EXACT: readonly (readonly [number, Maker])[] = [
  [10, (g) => ['HSET', hashKey(g), ...fieldValuePairs(g, 4)]],
  [2, (g) => ['HMSET', hashKey(g), ...fieldValuePairs(g, 3)]],
  [2, (g) => ['HSETNX', hashKey(g), field(g), value(g)]],
  [6, (g) => ['HGET', hashKey(g), field(g)]],
  [2, (g) => ['HMGET', hashKey(g), ...fields(g, 4)]],
  [4, (g) => ['HDEL', hashKey(g), ...fields(g, 3)]],
  [2, (g) => ['HEXISTS', hashKey(g), field(g)]],
  [2, (g) => ['HLEN', hashKey(g)]],
  [2, (g) => ['HSTRLEN', hashKey(g), field(g)]],
  [4, (g) => ['HINCRBY', hashKey(g), field(g), intArg(g)]],
  [
    4,
    (g) => [
      'HINCRBYFLOAT',
      hashKey(g),
      field(g),
      g.chance(0.7) ? String(g.int(-50, 50) / 4) : g.pick(FLOATS),
    ],
  ],
  [2, (g) => ['OBJECT', 'ENCODING', hashKey(g)]],
  [1, (g) => ['TYPE', hashKey(g)]],
  [1, (g) => ['DEL', hashKey(g)]],
  [1, () => ['SET', 's', 'x']],
  [
    1,
    (g) => [
      'HSET',
      g.pick(HASH_KEYS),
      ...Array.from({ length: 40 }, (_, i) => [`bulk${i}`, String(i)]).flat(),
    ],
  ],
  // Argument errors only: valid HRANDFIELD and HSCAN calls are checked by property below.
  [1, (g) => ['HRANDFIELD', hashKey(g), g.pick(BAD_INTEGERS), 'WITHVALUES']],
  [
    1,
    (g) => [
      'HRANDFIELD',
      hashKey(g),
      '-9223372036854775808',
      ...(g.chance(0.5) ? ['WITHVALUES'] : []),
    ],
  ],
  [
    1,
    (g) => [
      'HRANDFIELD',
      hashKey(g),
      g.pick(['4611686018427387904', '-4611686018427387904']),
      'WITHVALUES',
    ],
  ],
  [1, (g) => ['HRANDFIELD', hashKey(g), intArg(g), g.pick(['bogus', 'WITHVALUES x'])]],
  [
    1,
    (g) => [
      'HSCAN',
      hashKey(g),
      g.pick(['abc', ' 1', '1.5', '18446744073709551616']),
      'COUNT',
      '5',
    ],
  ],
  [1, (g) => ['HSCAN', hashKey(g), '0', 'COUNT', g.pick(['0', '-1', 'x']), 'MATCH']],
];

// ---------------------------------------------------------------------------------
// Comparisons that allow for Redis's hash order

function sortedItems(items: readonly RawNode[], group: number): string {
  const groups: string[] = [];
  for (let i = 0; i < items.length; i += group) {
    groups.push(JSON.stringify(items.slice(i, i + group).map((n) => [n.type, n.body ?? n.head])));
  }
  return JSON.stringify(groups.sort());
}

/** Same aggregate type and the same items in groups of `group`, in any order. */
function sameUnordered(r: Replies, group: number): boolean {
  const a = parseRaw(r.aikv);
  const b = parseRaw(r.redis);
  if (a.type !== b.type || a.items === undefined || b.items === undefined) return false;
  return sortedItems(a.items, group) === sortedItems(b.items, group);
}

function sameLength(r: Replies): boolean {
  const a = parseRaw(r.aikv);
  const b = parseRaw(r.redis);
  return a.type === b.type && a.items?.length === b.items?.length;
}

/** The hash's encoding in Redis (compared with AiKv's on the way). */
async function redisEncoding(run: DiffRun, key: string): Promise<string | undefined> {
  const r = await run.check(['OBJECT', 'ENCODING', key]);
  return parseRaw(r.redis).body;
}

async function wholeHashStep(run: DiffRun, g: Gen): Promise<void> {
  const key = hashKey(g);
  const name = g.pick(['HGETALL', 'HKEYS', 'HVALS']);
  const hashtable = (await redisEncoding(run, key)) === 'hashtable';
  const group = name === 'HGETALL' ? 2 : 1;
  await run.check([name, key], (r) => hashtable && sameUnordered(r, group));
}

/** Scans a key to the end on one server: the pairs seen, in a canonical form. */
async function fullScan(
  client: RawClient,
  key: string,
  options: readonly string[],
): Promise<string> {
  const seen = new Map<string, string>();
  let cursor = '0';
  for (let calls = 0; calls < 100_000; calls++) {
    const reply = parseRaw(await client.call('HSCAN', key, cursor, ...options));
    const [next, found] = reply.items ?? [];
    if (next?.body === undefined || found?.items === undefined)
      return `bad reply ${show(JSON.stringify(reply))}`;
    for (let i = 0; i + 1 < found.items.length; i += 2) {
      seen.set(found.items[i]?.body ?? '', found.items[i + 1]?.body ?? '');
    }
    cursor = next.body;
    if (cursor === '0') return JSON.stringify([...seen].sort());
  }
  return 'scan did not end';
}

async function hscanStep(run: DiffRun, g: Gen): Promise<void> {
  const key = hashKey(g);
  const options: string[] = [];
  if (g.chance(0.4)) options.push('MATCH', g.pick(['f1*', '*', 'f?', 'bulk*', '[ab]', '*0']));
  if (g.chance(0.6)) options.push('COUNT', String(g.int(1, 20)));
  if ((await redisEncoding(run, key)) !== 'hashtable') {
    await run.check(['HSCAN', key, '0', ...options]);
    return;
  }
  const [a, r] = await Promise.all([
    fullScan(run.clients.aikv, key, options),
    fullScan(run.clients.redis, key, options),
  ]);
  if (a !== r) {
    throw new Mismatch(
      `[${run.label}] seed ${run.seed}: full HSCAN ${showArgv([key, ...options])} differs\n  redis: ${show(r)}\n  aikv:  ${show(a)}`,
    );
  }
}

// ---------------------------------------------------------------------------------
// HRANDFIELD: the same shape, and only real fields and values

function sameShape(a: RawNode, b: RawNode): boolean {
  if (a.type !== b.type) return false;
  if (a.items === undefined || b.items === undefined)
    return a.type === '$' && a.head !== '-1' && b.head !== '-1';
  if (a.items.length !== b.items.length) return false;
  return a.items.every((item, i) => {
    const other = b.items?.[i] as RawNode;
    return item.type === other.type && (item.items?.length ?? -1) === (other.items?.length ?? -1);
  });
}

/** Field and value pairs out of an HRANDFIELD reply (value undefined without WITHVALUES). */
function randomPicks(node: RawNode, withValues: boolean): [string, string | undefined][] {
  if (node.items === undefined) return [[node.body ?? '', undefined]];
  const flat = node.items.flatMap((n) => n.items ?? [n]).map((n) => n.body ?? '');
  const out: [string, string | undefined][] = [];
  for (let i = 0; i < flat.length; i += withValues ? 2 : 1) {
    out.push([flat[i] as string, withValues ? flat[i + 1] : undefined]);
  }
  return out;
}

async function hrandfieldStep(run: DiffRun, g: Gen): Promise<void> {
  const key = hashKey(g);
  const argv = ['HRANDFIELD', key];
  if (g.chance(0.8)) argv.push(String(g.pick([-5, -1, 0, 1, 2, 3, 5, 10, 50, -100])));
  const withValues = argv.length === 3 && g.chance(0.5);
  if (withValues) argv.push('WITHVALUES');
  const replies = await run.check(argv, (r) => sameShape(parseRaw(r.aikv), parseRaw(r.redis)));
  const reply = parseRaw(replies.aikv);
  if (replies.aikv === replies.redis || reply.type === '-') return;
  const picks = randomPicks(reply, withValues);
  const count = Number(argv[2] ?? '1');
  if (count > 0 && new Set(picks.map(([f]) => f)).size !== picks.length) {
    throw new Mismatch(
      `[${run.label}] seed ${run.seed}: HRANDFIELD ${count} repeated a field: ${show(replies.aikv)}`,
    );
  }
  const found = parseRaw((await run.check(['HMGET', key, ...picks.map(([f]) => f)])).redis);
  found.items?.forEach((item, i) => {
    const [f, v] = picks[i] as [string, string | undefined];
    if (item.head === '-1' || item.type === '_' || (v !== undefined && item.body !== v)) {
      throw new Mismatch(
        `[${run.label}] seed ${run.seed}: HRANDFIELD gave ${show(f)}=${show(v ?? '')}, not in the hash`,
      );
    }
  });
}

// ---------------------------------------------------------------------------------
// SORT

const SORT_KEYS = ['l', 'st', 'z', 'h1', 's', 'missing'];

function sortSetup(g: Gen, hasLists: boolean): string[] {
  const elements = Array.from({ length: g.int(1, 6) }, () => g.pick(ELEMENTS));
  const e = g.pick(ELEMENTS);
  return g.weighted<() => string[]>([
    [hasLists ? 2 : 0, () => ['RPUSH', 'l', ...elements]],
    [2, () => ['SADD', 'st', ...elements]],
    [2, () => ['ZADD', 'z', ...elements.flatMap((m) => [String(g.int(-3, 3)), m])]],
    [4, () => ['SET', `w_${e}`, g.pick(WEIGHTS)]],
    [3, () => ['HSET', `o_${e}`, 'w', g.pick(WEIGHTS)]],
    [1, () => ['DEL', g.pick(['l', 'st', 'z', `w_${e}`])]],
  ])();
}

/** A SORT command and whether its order may legitimately differ (ties in hash order). */
function sortCommand(g: Gen): { argv: string[]; by: string | null; alpha: boolean; gets: number } {
  const readonly = g.chance(0.2);
  const argv = [readonly ? 'SORT_RO' : 'SORT', g.pick(SORT_KEYS)];
  let by: string | null = null;
  let alpha = false;
  let gets = 0;
  const options: string[][] = [];
  if (g.chance(0.6))
    options.push(['BY', (by = g.pick(['w_*', 'o_*->w', 'nosort', 'w_*->w', 'o_*->', '*']))]);
  if (g.chance(0.4)) options.push(['ALPHA']);
  if (g.chance(0.3)) options.push([g.pick(['ASC', 'DESC', 'desc'])]);
  if (g.chance(0.3)) options.push(['LIMIT', intArg(g), intArg(g)]);
  for (let i = g.int(0, 2); i > 0; i--)
    options.push(['GET', g.pick(['#', 'w_*', 'o_*->w', 'const', 'w_*->x'])]);
  if (g.chance(readonly ? 0.05 : 0.25)) options.push(['STORE', 'dst']);
  if (g.chance(0.02)) options.push([g.pick(['LIMIT', 'BY', 'bogus'])]);
  for (const o of options) {
    if (o[0] === 'ALPHA') alpha = true;
    if (o[0] === 'GET') gets++;
    argv.push(...o);
  }
  return { argv, by, alpha, gets };
}

/**
 * How far a SORT reply (or the list it stored) can be compared: exactly; as a multiset
 * of GET groups, when Redis's hash order decided ties or the order of an unsorted set;
 * or by length only, when a LIMIT window was cut out of such an order.
 */
type Comparison =
  | { readonly kind: 'exact' }
  | { readonly kind: 'unordered'; readonly group: number }
  | { readonly kind: 'length' };

function sortComparison(
  type: string,
  sort: ReturnType<typeof sortCommand>,
  store: boolean,
): Comparison {
  const { argv, by, alpha, gets } = sort;
  const hashOrder = type === 'set' || type === 'zset';
  // With STORE, Redis sorts an unsorted set ALPHA, so that only ties can differ.
  const unsortedSet = type === 'set' && by !== null && !by.includes('*') && !store;
  const ties = hashOrder && alpha && by !== null && by.includes('*');
  if (!unsortedSet && !ties) return { kind: 'exact' };
  if (argv.some((a) => a.toUpperCase() === 'LIMIT')) return { kind: 'length' };
  return { kind: 'unordered', group: Math.max(1, gets) };
}

function compares(c: Comparison, r: Replies): boolean {
  if (c.kind === 'exact') return false;
  return c.kind === 'length' ? sameLength(r) : sameUnordered(r, c.group);
}

/**
 * Redis tests strtod's errno without clearing it first, so an ERANGE left by an earlier
 * command (a strtold of 1e400, a cursor past ULONG_MAX, ...) makes a valid SORT fail
 * with this error: a Redis bug AiKv does not copy.
 */
function staleErrno(r: Replies): boolean {
  return (
    r.redis.startsWith("-ERR One or more scores can't be converted") && !r.aikv.startsWith('-')
  );
}

async function sortStep(run: DiffRun, state: RunState): Promise<void> {
  const sort = sortCommand(state.g);
  const type = parseRaw((await run.check(['TYPE', sort.argv[1] as string])).redis).head;
  const store = sort.argv.includes('STORE') && sort.argv[0] === 'SORT';
  const comparison = sortComparison(type, sort, store);
  const replies = await run.check(
    sort.argv,
    (r) => staleErrno(r) || (!store && compares(comparison, r)),
  );
  if (staleErrno(replies)) {
    // Put both servers back in step: AiKv stored a result that Redis did not.
    await Promise.all([run.clients.aikv.call('DEL', 'dst'), run.clients.redis.call('DEL', 'dst')]);
    state.stored = { kind: 'exact' };
    return;
  }
  if (!store || !hasLists) return;
  if (replies.redis.startsWith(':')) state.stored = comparison;
  const stored = state.stored;
  await run.check(['LRANGE', 'dst', '0', '-1'], (r) => compares(stored, r));
}

// ---------------------------------------------------------------------------------
// Runs

interface RunState {
  readonly g: Gen;
  configured: boolean;
  /** How the list the last SORT ... STORE left in dst compares. */
  stored: Comparison;
}

let pair: ServerPair;
let hasLists = false;

async function configure(run: DiffRun, g: Gen): Promise<void> {
  await run.check([
    'CONFIG',
    'SET',
    'hash-max-listpack-entries',
    String(g.pick([512, 16, 4, 1, 0])),
  ]);
  await run.check(['CONFIG', 'SET', 'hash-max-listpack-value', String(g.pick([64, 64, 16, 8]))]);
}

async function step(run: DiffRun, state: RunState): Promise<void> {
  const { g } = state;
  if (!state.configured) {
    state.configured = true;
    await configure(run, g);
  }
  const kind = g.weighted<string>([
    [50, 'exact'],
    [5, 'whole'],
    [3, 'scan'],
    [5, 'random'],
    [8, 'sort-setup'],
    [5, 'sort'],
  ]);
  if (kind === 'exact') await run.check(g.weighted(EXACT)(g));
  else if (kind === 'whole') await wholeHashStep(run, g);
  else if (kind === 'scan') await hscanStep(run, g);
  else if (kind === 'random') await hrandfieldStep(run, g);
  else if (kind === 'sort-setup') await run.check(sortSetup(g, hasLists));
  else await sortStep(run, state);
}

before(async () => {
  pair = await startPair();
  const probe = await ClientPair.open(pair, 2);
  hasLists = (await probe.aikvHas('rpush')) && (await probe.aikvHas('lrange'));
  if (!hasLists)
    console.log('differential: AiKv lacks RPUSH/LRANGE: SORT runs on sets and zsets only');
  probe.close();
});

after(async () => {
  await pair.stop();
});

for (const resp of [2, 3] as const) {
  test(`hash commands and SORT agree with redis-server over RESP${resp}`, async () => {
    await runSeeds({
      label: `hashes-resp${resp}`,
      pair,
      resp,
      config: diffConfig(),
      prepare: (run): RunState => ({ g: run.gen, configured: false, stored: { kind: 'exact' } }),
      step,
    });
  });
}

// ---------------------------------------------------------------------------------
// RDB payloads both ways with redis-server

/** type byte + payload + RDB version + CRC-64, as DUMP frames it. */
function dumpPayload(value: HashValue): string {
  const w = new RdbWriter();
  writeHash(w, value);
  w.byte(RDB_VERSION & 0xff);
  w.byte(RDB_VERSION >> 8);
  w.bytes(new Uint8Array(8));
  const out = Buffer.from(w.finish());
  writeCrc64LE(crc64(out.subarray(0, out.length - 8)), out, out.length - 8);
  return out.latin1Slice(0, out.length);
}

/** Interleaved fields and values as a canonical, order-free string. */
function canonical(flat: readonly (string | undefined)[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]]));
  return JSON.stringify(pairs.sort());
}

function pairsOf(raw: string): string {
  return canonical((parseRaw(raw).items ?? []).map((n) => n.body));
}

const RDB_CASES: readonly (readonly string[])[] = [
  ['a', '1', 'b', 'hello', 'c', '-70000', 'd', '', 'e', '127', 'f', '-9223372036854775808'],
  ['n', '12', 'big', '9223372036854775808', 'neg', '-1', 'long', 'x'.repeat(63)],
  Array.from({ length: 600 }, (_, i) => [
    `field:${i}`,
    i % 3 === 0 ? String(i) : `value ${i}`,
  ]).flat(),
  ['k', 'v'.repeat(100), 'bin\x00\xff', '\r\n'],
  ['s', 'a'.repeat(16_000), 't', 'b'.repeat(70_000)],
];

test('hash payloads move both ways between hash-rdb.ts and redis-server DUMP/RESTORE', async () => {
  const redis = await RawClient.open(pair.redis.port);
  try {
    await redis.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
    await redis.call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
    const limits: HashLimits = { maxListpackEntries: 512, maxListpackValue: 64 };
    for (const elements of RDB_CASES) {
      await redis.call('DEL', 'src', 'dst');
      await redis.call('HSET', 'src', ...elements);
      const dump = parseRaw(await redis.call('DUMP', 'src')).body ?? '';
      const reader = new RdbReader(Buffer.from(dump, 'latin1'));
      const loaded = loadHash(reader, reader.byte(), limits);
      const expectedPairs = pairsOf(await redis.call('HGETALL', 'src'));
      assert.equal(canonical(loaded.toPairs()), expectedPairs);
      assert.equal(
        `$${loaded.encoding().length}\r\n${loaded.encoding()}\r\n`,
        await redis.call('OBJECT', 'ENCODING', 'src'),
      );
      const ours = HashValue.fromPairs(elements, loaded.encoding() === 'hashtable');
      assert.equal(await redis.call('RESTORE', 'dst', '0', dumpPayload(ours)), '+OK\r\n');
      assert.equal(pairsOf(await redis.call('HGETALL', 'dst')), expectedPairs);
      assert.equal(
        await redis.call('OBJECT', 'ENCODING', 'dst'),
        await redis.call('OBJECT', 'ENCODING', 'src'),
      );
      if (loaded.encoding() === 'listpack')
        assert.equal(dumpPayload(ours), dump, 'listpack DUMP is byte-identical');
    }
  } finally {
    redis.close();
  }
});
