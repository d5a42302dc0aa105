/**
 * Differential tests of the set family: seeded random sequences of set commands (and
 * the generic commands that touch sets: TYPE, OBJECT ENCODING, DEL, EXISTS, DUMP,
 * RESTORE) go to AiKv and to redis-server 7.0.15 side by side, over RESP2 and RESP3.
 *
 * Replies are compared byte for byte, except where Redis's answer depends on its hash
 * table layout or its random source:
 * - member order of SMEMBERS/SUNION/SINTER/SDIFF/SPOP count >= size of a hashtable set
 *   is Redis's hash order: those compare as multisets (an intset's SMEMBERS, ascending
 *   in both, compares exactly);
 * - SPOP and SRANDMEMBER are checked by property (reply type, count, distinctness,
 *   membership), then the popped key is rebuilt identically on both servers from AiKv's
 *   survivors, so the runs stay in step;
 * - SSCAN is followed to cursor 0 on each server and the member sets compared;
 * - DUMP of a hashtable set lists members in hash order: checked for presence only,
 *   and each server's payload is RESTOREd into both.
 * Every run sets set-max-intset-entries (Redis's 512 or a small value) on both servers.
 */
import { after, before, test } from 'node:test';
import {
  ClientPair,
  diffConfig,
  Mismatch,
  parseRaw,
  runSeeds,
  startPair,
  type DiffRun,
  type Gen,
  type Replies,
  type ServerPair,
} from '../support/differential.js';
import type { RawClient } from '../support/raw-client.js';

const SET_KEYS = ['s1', 's2', 's3', 's4', '{t}s'];
const STRING_KEY = 'str';
const INT_EDGES = [
  '32767',
  '32768',
  '-32768',
  '-32769',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9223372036854775807',
  '-9223372036854775808',
];
const NOT_CANONICAL = ['007', '+1', '-0', ' 1', '1.0', '9223372036854775808', '', '0x10'];
const WORDS = 'a b c d e f g h foo bar'.split(' ');
const BAD_COUNTS = ['abc', '', '1.5', '9223372036854775808', '-9223372036854775808'];

interface State {
  readonly g: Gen;
  readonly maxIntset: string;
  configured: boolean;
}

const setKey = (g: Gen): string =>
  g.chance(0.9) ? g.pick(SET_KEYS) : g.pick([STRING_KEY, 'nokey']);

function member(g: Gen): string {
  return g.weighted<(g: Gen) => string>([
    [8, (g) => String(g.int(-5, 40))],
    [1, (g) => g.pick(INT_EDGES)],
    [1, (g) => g.pick(NOT_CANONICAL)],
    [3, (g) => g.pick(WORDS)],
    [1, (g) => g.bytes(g.int(0, 8))],
    [1, (g) => 'x'.repeat(g.int(20, 70))],
  ])(g);
}

function members(g: Gen, lo: number, hi: number): string[] {
  return Array.from({ length: g.int(lo, hi) }, () => member(g));
}

function countArg(g: Gen, lo: number, hi: number): string {
  return g.chance(0.9) ? String(g.int(lo, hi)) : g.pick(BAD_COUNTS);
}

// ---------------------------------------------------------------------------------
// Reply checks

interface Node {
  readonly type: string;
  readonly head: string;
  readonly body?: string;
  readonly items?: readonly Node[];
}

/** A reply with its top-level items in sorted order: equal for equal multisets. */
function unordered(raw: string): string {
  const node = parseRaw(raw) as Node;
  if (node.items === undefined) return raw;
  const items = node.items.map((i) => JSON.stringify([i.type, i.body ?? i.head])).sort();
  return `${node.type}${node.head}${JSON.stringify(items)}`;
}

const sameUnordered = (r: Replies): boolean => unordered(r.aikv) === unordered(r.redis);

/** The bulk items of an array/set reply, or null for anything else. */
function bulks(raw: string): string[] | null {
  const node = parseRaw(raw) as Node;
  if (node.items === undefined) return null;
  return node.items.map((i) => i.body ?? '');
}

/** AiKv's members of `key` (null if it is not a set), read without a comparison. */
async function membersOf(run: DiffRun, key: string): Promise<string[] | null> {
  const raw = await run.clients.aikv.call('SMEMBERS', key);
  return raw.startsWith('-') ? null : bulks(raw);
}

/**
 * Both replies are random picks from `pool` of the same shape: same RESP type and
 * length `length`, members of the pool, distinct if `distinct`.
 */
function samePicks(r: Replies, pool: readonly string[], length: number, distinct: boolean) {
  const inPool = new Set(pool);
  for (const raw of [r.aikv, r.redis]) {
    const picked = bulks(raw);
    if (picked === null || picked.length !== length) return false;
    if (!picked.every((m) => inPool.has(m))) return false;
    if (distinct && new Set(picked).size !== length) return false;
  }
  return r.aikv.charAt(0) === r.redis.charAt(0);
}

/** Both answered one bulk member of `pool`. */
function sameSinglePick(r: Replies, pool: readonly string[]): boolean {
  const [a, b] = [parseRaw(r.aikv) as Node, parseRaw(r.redis) as Node];
  return (
    a.type === '$' && b.type === '$' && pool.includes(a.body ?? '') && pool.includes(b.body ?? '')
  );
}

/** Rebuilds `key` on both servers from AiKv's members, so random pops leave no drift. */
async function resync(run: DiffRun, key: string): Promise<void> {
  const left = (await membersOf(run, key)) ?? [];
  await run.check(['DEL', key]);
  if (left.length > 0) await run.check(['SADD', key, ...left]);
}

// ---------------------------------------------------------------------------------
// Steps

type Step = (run: DiffRun, st: State) => Promise<unknown>;

const exact =
  (make: (g: Gen) => string[]): Step =>
  (run, st) =>
    run.check(make(st.g));

const loose =
  (make: (g: Gen) => string[]): Step =>
  (run, st) =>
    run.check(make(st.g), sameUnordered);

async function smembers(run: DiffRun, st: State): Promise<void> {
  const key = setKey(st.g);
  const encoding = await run.check(['OBJECT', 'ENCODING', key]);
  if (encoding.redis.includes('intset')) await run.check(['SMEMBERS', key]);
  else await run.check(['SMEMBERS', key], sameUnordered);
}

async function spop(run: DiffRun, st: State): Promise<void> {
  const { g } = st;
  const key = setKey(g);
  const count = g.chance(0.5) ? undefined : countArg(g, 0, 30);
  const argv = count === undefined ? ['SPOP', key] : ['SPOP', key, count];
  const pool = await membersOf(run, key);
  const n = count === undefined ? 1 : Number(count);
  if (pool === null || pool.length <= 1 || !/^[1-9][0-9]*$/.test(count ?? '1')) {
    await run.check(argv);
    return;
  }
  if (n >= pool.length) {
    await run.check(argv, sameUnordered);
    return;
  }
  await run.check(argv, (r) =>
    count === undefined ? sameSinglePick(r, pool) : samePicks(r, pool, n, true),
  );
  await run.check(['SCARD', key]);
  await resync(run, key);
}

async function srandmember(run: DiffRun, st: State): Promise<void> {
  const { g } = st;
  const key = setKey(g);
  const count = g.chance(0.3) ? undefined : countArg(g, -40, 40);
  const argv = count === undefined ? ['SRANDMEMBER', key] : ['SRANDMEMBER', key, count];
  const pool = await membersOf(run, key);
  const n = Number(count);
  if (pool === null || pool.length === 0 || (count !== undefined && !/^-?[0-9]+$/.test(count))) {
    await run.check(argv);
  } else if (count === undefined) {
    await run.check(argv, (r) => sameSinglePick(r, pool));
  } else if (n >= pool.length) {
    await run.check(argv, sameUnordered);
  } else {
    await run.check(argv, (r) => samePicks(r, pool, Math.abs(n), n > 0));
  }
}

function scanOptions(g: Gen): string[] {
  const options: string[] = [];
  if (g.chance(0.5)) options.push('COUNT', String(g.int(1, 20)));
  if (g.chance(0.3)) options.push('MATCH', g.pick(['*', '1*', '*a*', '[a-c]', '?', 'x*']));
  if (g.chance(0.1))
    options.push(g.pick(['COUNT', 'MATCH', 'TYPE', 'bogus']), g.pick(['0', 'abc', 'set']));
  if (g.chance(0.05)) options.push('COUNT');
  return options;
}

/** Every member one server's SSCAN returns, following its cursors to 0. */
async function scanAll(client: RawClient, argv: readonly string[]): Promise<string> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < 10_000; i++) {
    const raw = await client.call('SSCAN', argv[1] as string, cursor, ...argv.slice(3));
    const [next, found] = (parseRaw(raw) as Node).items ?? [];
    if (next === undefined || found === undefined) return raw;
    for (const m of found.items ?? []) seen.add(m.body ?? '');
    cursor = next.body ?? '0';
    if (cursor === '0') break;
  }
  return JSON.stringify([...seen].sort());
}

async function sscan(run: DiffRun, st: State): Promise<void> {
  const { g } = st;
  const key = setKey(g);
  const badCursor = g.chance(0.1);
  const cursor = badCursor ? g.pick(['abc', '-', '18446744073709551616', ' 0']) : '0';
  const argv = ['SSCAN', key, cursor, ...scanOptions(g)];
  const first = await run.check(argv, () => true);
  if (first.aikv.startsWith('-') || first.redis.startsWith('-') || badCursor) {
    await run.check(argv);
    return;
  }
  const [aikv, redis] = await Promise.all([
    scanAll(run.clients.aikv, argv),
    scanAll(run.clients.redis, argv),
  ]);
  if (aikv !== redis) {
    throw new Mismatch(
      `${run.describe()}\nfull SSCAN member sets differ:\n  redis: ${redis}\n  aikv:  ${aikv}`,
    );
  }
}

function sintercard(g: Gen): string[] {
  const keys = Array.from({ length: g.int(1, 3) }, () => setKey(g));
  const numkeys = g.chance(0.9) ? String(keys.length) : g.pick(['0', '-1', 'a', '4']);
  const argv = ['SINTERCARD', numkeys, ...keys];
  if (g.chance(0.4)) argv.push(g.pick(['LIMIT', 'limit']), countArg(g, -1, 5));
  if (g.chance(0.05)) argv.push(g.pick(['LIMIT', 'bogus']));
  return argv;
}

const setOp = (g: Gen): string[] => [
  g.pick(['SUNION', 'SINTER', 'SDIFF']),
  ...Array.from({ length: g.int(1, 4) }, () => setKey(g)),
];

const storeOp = (g: Gen): string[] => [
  g.pick(['SUNIONSTORE', 'SINTERSTORE', 'SDIFFSTORE']),
  g.chance(0.9) ? g.pick(SET_KEYS) : STRING_KEY,
  ...Array.from({ length: g.int(1, 3) }, () => setKey(g)),
];

/** Many integers at once: crosses set-max-intset-entries in one SADD. */
const bulkAdd = (g: Gen): string[] => {
  const base = g.int(-1000, 1000);
  return [
    'SADD',
    g.pick(SET_KEYS),
    ...Array.from({ length: g.int(20, 600) }, (_, i) => String(base + i)),
  ];
};

let dumpable = false;

/** DUMP both ways: each server's payload is restored into both. */
async function dumpRestore(run: DiffRun, st: State): Promise<void> {
  const key = st.g.pick(SET_KEYS);
  const encoding = await run.check(['OBJECT', 'ENCODING', key]);
  const dumps = await run.check(
    ['DUMP', key],
    (r) => !encoding.redis.includes('intset') && r.aikv.charAt(0) === r.redis.charAt(0),
  );
  for (const raw of [dumps.aikv, dumps.redis]) {
    const payload = (parseRaw(raw) as Node).body;
    if (payload === undefined) continue;
    await run.check(['RESTORE', 'restored', '0', payload, 'REPLACE']);
    // The loader sees set-max-intset-entries only if the DUMP wiring passes it on.
    await run.check(['OBJECT', 'ENCODING', 'restored'], () => st.maxIntset !== '512');
    await run.check(['SMEMBERS', 'restored'], sameUnordered);
  }
}

function steps(): readonly (readonly [number, Step])[] {
  const table: [number, Step][] = [
    [12, exact((g) => ['SADD', setKey(g), ...members(g, 1, 5)])],
    [1, exact(bulkAdd)],
    [5, exact((g) => ['SREM', setKey(g), ...members(g, 1, 4)])],
    [3, exact((g) => ['SISMEMBER', setKey(g), member(g)])],
    [2, exact((g) => ['SMISMEMBER', setKey(g), ...members(g, 1, 4)])],
    [3, exact((g) => ['SCARD', setKey(g)])],
    [3, exact((g) => ['SMOVE', setKey(g), setKey(g), member(g)])],
    [3, exact(storeOp)],
    [2, exact(sintercard)],
    [2, exact((g) => ['OBJECT', 'ENCODING', setKey(g)])],
    [1, exact((g) => [g.pick(['TYPE', 'EXISTS', 'DEL']), setKey(g)])],
    [1, exact(() => ['SET', STRING_KEY, 'x'])],
    [3, smembers],
    [3, loose(setOp)],
    [4, spop],
    [4, srandmember],
    [2, sscan],
  ];
  if (dumpable) table.push([1, dumpRestore]);
  return table;
}

async function step(run: DiffRun, st: State): Promise<void> {
  if (!st.configured) {
    st.configured = true;
    await run.check(['CONFIG', 'SET', 'set-max-intset-entries', st.maxIntset]);
    await run.check(['SET', STRING_KEY, 'x']);
  }
  await run.gen.weighted(steps())(run, st);
}

let pair: ServerPair;

before(async () => {
  pair = await startPair();
  const probe = await ClientPair.open(pair, 2);
  await probe.aikv.call('SADD', 'probe', '1');
  dumpable = !(await probe.aikv.call('DUMP', 'probe')).startsWith('-');
  await probe.aikv.call('DEL', 'probe');
  probe.close();
  if (!dumpable) console.log('differential: AiKv cannot DUMP sets yet');
});

after(async () => {
  await pair.stop();
});

for (const resp of [2, 3] as const) {
  test(`set commands agree with redis-server over RESP${resp}`, async () => {
    await runSeeds({
      label: `sets-resp${resp}`,
      pair,
      resp,
      config: diffConfig({ seeds: 4, commands: 2500 }),
      prepare: (run) => ({
        g: run.gen,
        maxIntset: run.gen.pick(['512', '512', '3', '16']),
        configured: false,
      }),
      step,
    });
  });
}
