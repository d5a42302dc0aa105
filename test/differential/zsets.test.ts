/**
 * Sorted set commands against a real redis-server 7.0.15: seeded random command
 * sequences run on redis over TCP and through AiKv's state machine, and every reply must
 * encode to the same bytes, in RESP2 and RESP3, with Redis's default encoding limits
 * and with tiny ones that make sets convert between listpack and skiplist all the time.
 * Random choices (ZRANDMEMBER) and hash-order output (ZSCAN) are checked by property.
 * Lex commands run on keys whose members all score 0, where lex order is defined.
 *
 * Replay a failure with DIFF_SEED=<seed>; see test/support/differential.ts for knobs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecContext, type ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { isBlockRequest, isWrite } from '../../src/commands/spec.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { encodeListpack } from '../../src/keyspace/listpack.js';
import { RdbDecodeError, RdbReader, RdbType, RdbWriter } from '../../src/keyspace/serialize.js';
import { encodeZiplist } from '../../src/keyspace/ziplist.js';
import { DEFAULT_ZSET_LIMITS, ZSetValue } from '../../src/keyspace/zset.js';
import { loadZSet, writeZSet } from '../../src/keyspace/zset-rdb.js';
import { crc64, writeCrc64LE } from '../../src/util/crc64.js';
import { formatDouble17g } from '../../src/util/numbers.js';
import { encodeReply } from '../../src/resp/encoder.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { Gen, diffConfig, parseRaw, showArgv, show, startRedis } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';

/** AiKv's data path without a server: writes through the state machine, reads direct. */
class Local {
  readonly keyspace = new Keyspace(16);
  private readonly registry = new Registry();
  private readonly machine: StateMachine;
  private readonly settings: ExecSettings;
  private seed = 1;
  now = 1_700_000_000_000;

  constructor(limits: Map<string, number>) {
    this.settings = { protoMaxBulkLen: 512 * 1024 * 1024, number: (n) => limits.get(n) ?? 0 };
    this.machine = new StateMachine(this.keyspace, this.registry, this.settings);
  }

  exec(argv: readonly string[]): Reply {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const spec = lookup.spec;
    if (spec.data === undefined) throw new Error(`${spec.name} is not a data command`);
    let r;
    if (isWrite(spec)) {
      r = this.machine.apply(
        { kind: 'command', db: 0, argv, time: this.now, seed: this.seed++ },
        true,
      );
    } else {
      const ctx = new ExecContext(this.keyspace, 0, this.now, this.seed++, this.settings, {
        applying: false,
        proposer: true,
      });
      r = spec.data(ctx, argv);
    }
    return isBlockRequest(r) ? r.timeoutReply : r;
  }
}

const Z_KEYS = ['z1', 'z2', 'z3'];
const LEX_KEYS = ['l1', 'l2'];
const ALL_KEYS = [...Z_KEYS, ...LEX_KEYS, 's1', 'str', 'nokey'];
const MEMBERS = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'g',
  'h',
  'member:1',
  '123',
  '-5',
  'x y',
  '\x00bin',
  '\xff',
  '',
  'L'.repeat(70),
];
/** Members of the bigger mode's sets: enough for multi-level trees and long ranges. */
const MANY_MEMBERS = [...MEMBERS, ...Array.from({ length: 3000 }, (_, i) => `m${i}`)];
/** The member pool of the mode being run. */
let memberPool: readonly string[] = MEMBERS;
const SCORES = [
  '0',
  '1',
  '-1',
  '2.5',
  '-2.5',
  '1e17',
  '3.0',
  '+inf',
  '-inf',
  'inf',
  '-0',
  '0.1',
  '1e-5',
  '10',
  '100',
  '1.5e3',
  '4.9e-324',
  '123456789.123456789',
];
const BAD_SCORES = [' 1', 'abc', '', 'nan', '1e400', '1e-400', '0x'];
const SCORE_BOUNDS = [
  '-inf',
  '+inf',
  '(1',
  '1',
  '(2.5',
  '0',
  '5',
  '(inf',
  '(-inf',
  '10',
  '-1',
  '( 1',
  '',
  '(',
  'x',
  '1e400',
  'nan',
];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[c', '(c', '[e', '[zz', '(', '[', 'x', '+a', '[member'];
const INTS = ['0', '1', '2', '-1', '-2', '3', '10', '-10', '100', 'x', '9223372036854775807'];

function shuffled(g: Gen, items: readonly string[]): string[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

/**
 * A key for a lex command: mostly one whose members all score 0; sometimes a mixed-score
 * one, where Redis's listpack scan is still exact (runMode swaps it for a lex key when
 * redis holds it as a skiplist, whose answer then depends on its random levels).
 */
function pickLexKey(g: Gen): string {
  return g.chance(0.3) ? g.pick(Z_KEYS) : g.pick(LEX_KEYS);
}

const LEX_COMMANDS = new Set(['ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZLEXCOUNT', 'ZREMRANGEBYLEX']);

/** The lex key position of argv, or -1 when argv is not a lex-range command. */
function lexKeyIndex(argv: readonly string[]): number {
  const name = (argv[0] as string).toUpperCase();
  if (LEX_COMMANDS.has(name)) return 1;
  if (!argv.some((a) => a.toUpperCase() === 'BYLEX')) return -1;
  return name === 'ZRANGE' ? 1 : name === 'ZRANGESTORE' ? 2 : -1;
}

function pickScore(g: Gen): string {
  return g.chance(0.03) ? g.pick(BAD_SCORES) : g.pick(SCORES);
}

function pairsArgs(g: Gen, lex: boolean, max: number): string[] {
  const out: string[] = [];
  const n = g.int(1, memberPool === MEMBERS ? max : max * 20);
  for (let i = 0; i < n; i++) out.push(lex ? '0' : pickScore(g), g.pick(memberPool));
  return out;
}

function zaddCommand(g: Gen): string[] {
  const lex = g.chance(0.25);
  const key = lex ? g.pick(LEX_KEYS) : g.pick([...Z_KEYS, 'str']);
  const flags: string[] = [];
  for (const f of ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']) if (g.chance(0.12)) flags.push(f);
  if (lex && flags.includes('INCR')) flags.splice(flags.indexOf('INCR'), 1);
  return ['ZADD', key, ...flags, ...pairsArgs(g, lex, flags.includes('INCR') ? 1 : 6)];
}

function rangeCommand(g: Gen): string[] {
  const key = g.pick(ALL_KEYS);
  const lexKey = pickLexKey(g);
  const limit = g.chance(0.3) ? ['LIMIT', g.pick(INTS), g.pick(INTS)] : [];
  const ws = g.chance(0.4) ? ['WITHSCORES'] : [];
  switch (g.int(0, 7)) {
    case 0:
      return ['ZRANGE', key, g.pick(INTS), g.pick(INTS), ...ws, ...(g.chance(0.2) ? ['REV'] : [])];
    case 1:
      return ['ZREVRANGE', key, g.pick(INTS), g.pick(INTS), ...ws];
    case 2:
      return ['ZRANGEBYSCORE', key, g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS), ...ws, ...limit];
    case 3:
      return ['ZREVRANGEBYSCORE', key, g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS), ...limit, ...ws];
    case 4:
      return ['ZRANGEBYLEX', lexKey, g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), ...limit];
    case 5:
      return ['ZREVRANGEBYLEX', lexKey, g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), ...limit];
    case 6: {
      const by = g.pick(['', 'BYSCORE', 'BYLEX']);
      const k = by === 'BYLEX' ? lexKey : key;
      const bounds = by === 'BYLEX' ? LEX_BOUNDS : by === 'BYSCORE' ? SCORE_BOUNDS : INTS;
      const opts = [by, g.chance(0.3) ? 'REV' : '', ...limit, ...ws].filter((a) => a !== '');
      return ['ZRANGE', k, g.pick(bounds), g.pick(bounds), ...shuffled(g, opts)];
    }
    default: {
      const by = g.pick(['', 'BYSCORE', 'BYLEX']);
      const src = by === 'BYLEX' ? lexKey : key;
      const bounds = by === 'BYLEX' ? LEX_BOUNDS : by === 'BYSCORE' ? SCORE_BOUNDS : INTS;
      const opts = [by, g.chance(0.3) ? 'REV' : '', ...limit].filter((a) => a !== '');
      return [
        'ZRANGESTORE',
        g.pick([...Z_KEYS, 'dst']),
        src,
        g.pick(bounds),
        g.pick(bounds),
        ...opts,
      ];
    }
  }
}

function setOpCommand(g: Gen): string[] {
  const n = g.int(1, 3);
  const keys = Array.from({ length: n }, () => g.pick(ALL_KEYS.filter((k) => k !== 'str')));
  if (g.chance(0.03)) keys.push('str');
  const op = g.pick([
    'ZUNION',
    'ZINTER',
    'ZDIFF',
    'ZUNIONSTORE',
    'ZINTERSTORE',
    'ZDIFFSTORE',
    'ZINTERCARD',
  ]);
  const opts: string[] = [];
  if (!op.startsWith('ZDIFF') && op !== 'ZINTERCARD') {
    if (g.chance(0.3))
      opts.push('WEIGHTS', ...keys.map(() => g.pick(['1', '2', '0', '-1', '0.5', 'inf'])));
    if (g.chance(0.3)) opts.push('AGGREGATE', g.pick(['SUM', 'MIN', 'MAX', 'avg']));
  }
  if (!op.endsWith('STORE') && op !== 'ZINTERCARD' && g.chance(0.5)) opts.push('WITHSCORES');
  if (op === 'ZINTERCARD' && g.chance(0.5)) opts.push('LIMIT', g.pick(INTS));
  const numkeys = g.chance(0.03) ? g.pick(['0', '-1', 'x', '9']) : String(keys.length);
  const dst = op.endsWith('STORE') ? [g.pick([...Z_KEYS, 'dst'])] : [];
  return [op, ...dst, numkeys, ...keys, ...opts];
}

function popCommand(g: Gen): string[] {
  const key = g.pick(ALL_KEYS);
  const keys = [key, g.pick(ALL_KEYS)];
  switch (g.int(0, 3)) {
    case 0:
      return [g.pick(['ZPOPMIN', 'ZPOPMAX']), key, ...(g.chance(0.5) ? [g.pick(INTS)] : [])];
    case 1:
      return [g.pick(['BZPOPMIN', 'BZPOPMAX']), ...keys, '0.01'];
    case 2: {
      const count = g.chance(0.5) ? ['COUNT', g.pick(INTS)] : [];
      return ['ZMPOP', '2', ...keys, g.pick(['MIN', 'MAX', 'mid']), ...count];
    }
    default: {
      const count = g.chance(0.5) ? ['COUNT', g.pick(INTS)] : [];
      return ['BZMPOP', '0.01', '2', ...keys, g.pick(['MIN', 'MAX']), ...count];
    }
  }
}

function pointCommand(g: Gen): string[] {
  const key = g.pick(ALL_KEYS);
  const m = g.pick(memberPool);
  switch (g.int(0, 12)) {
    case 0:
      return ['ZSCORE', key, m];
    case 1:
      return ['ZMSCORE', key, m, g.pick(memberPool)];
    case 2:
      return ['ZCARD', key];
    case 3:
      return [g.pick(['ZRANK', 'ZREVRANK']), key, m];
    case 4:
      return ['ZCOUNT', key, g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS)];
    case 5:
      return ['ZLEXCOUNT', pickLexKey(g), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)];
    case 6:
      return ['ZREM', key, m, g.pick(memberPool)];
    case 7:
      return ['ZINCRBY', g.pick([...Z_KEYS, 'str']), pickScore(g), m];
    case 8:
      return ['ZREMRANGEBYRANK', key, g.pick(INTS), g.pick(INTS)];
    case 9:
      return ['ZREMRANGEBYSCORE', key, g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS)];
    case 10:
      return ['ZREMRANGEBYLEX', pickLexKey(g), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)];
    case 11:
      return ['OBJECT', 'ENCODING', key];
    default:
      return ['SADD', 's1', m, g.pick(memberPool)];
  }
}

function nextCommand(g: Gen): string[] {
  return g.weighted<(g: Gen) => string[]>([
    [30, zaddCommand],
    [25, rangeCommand],
    [25, pointCommand],
    [10, setOpCommand],
    [8, popCommand],
    [2, (x) => [x.pick(['DEL', 'EXISTS', 'TYPE']), x.pick(ALL_KEYS)]],
  ])(g);
}

/** Flattens a parsed reply into comparable strings: [type+body] per leaf, in order. */
function leaves(raw: string): string[] {
  const out: string[] = [];
  const walk = (n: ReturnType<typeof parseRaw>): void => {
    if (n.items === undefined) out.push(`${n.type}${n.body ?? n.head}`);
    else n.items.forEach(walk);
  };
  walk(parseRaw(raw));
  return out;
}

/** ZRANDMEMBER: same shape and size, every pick a real member with its real score. */
function sameRandom(argv: readonly string[], ours: string, theirs: string, local: Local): boolean {
  const a = parseRaw(ours);
  const r = parseRaw(theirs);
  if (a.type !== r.type) return false;
  if (argv.length === 2 && a.type === '$') {
    return local.exec(['ZSCORE', argv[1] as string, a.body ?? '']) !== null;
  }
  if (a.head !== r.head || a.items === undefined) return ours === theirs;
  const zscores = new Map<string, string>();
  const z = local.exec(['ZRANGE', argv[1] as string, '0', '-1', 'WITHSCORES']);
  const flat = leaves(encodeReply(z, 2).toString('latin1'));
  for (let i = 0; i < flat.length; i += 2) zscores.set(flat[i] as string, flat[i + 1] as string);
  const picked = leaves(ours).filter((x) => x.startsWith('$'));
  const withScores = argv.length === 4;
  const step = withScores ? 2 : 1;
  for (let i = 0; i < picked.length; i += step) if (!zscores.has(picked[i] as string)) return false;
  const names = picked.filter((_, i) => i % step === 0);
  const count = Number(argv[2]);
  if (count > 0 && new Set(names).size !== names.length) return false;
  return leaves(ours).length === leaves(theirs).length;
}

/** ZSCAN with a COUNT above every set's size: one call each, the same pairs. */
function sameScan(ours: string, theirs: string): boolean {
  const a = parseRaw(ours);
  const r = parseRaw(theirs);
  const [ac, ai] = a.items ?? [];
  const [rc, ri] = r.items ?? [];
  if (ac === undefined || ai === undefined || rc === undefined || ri === undefined) {
    return ours === theirs;
  }
  const pairsOf = (n: typeof ai): string[] => {
    const l = leaves(encodeNode(n));
    const out: string[] = [];
    for (let i = 0; i < l.length; i += 2) out.push(`${l[i]}=${l[i + 1]}`);
    return out.sort();
  };
  return ac.body === rc.body && JSON.stringify(pairsOf(ai)) === JSON.stringify(pairsOf(ri));
}

function encodeNode(n: ReturnType<typeof parseRaw>): string {
  if (n.items === undefined) {
    return n.body === undefined ? `${n.type}${n.head}\r\n` : `${n.type}${n.head}\r\n${n.body}\r\n`;
  }
  return `${n.type}${n.head}\r\n${n.items.map(encodeNode).join('')}`;
}

interface Mode {
  readonly label: string;
  readonly resp: 2 | 3;
  readonly entries: number;
  readonly value: number;
  readonly members: readonly string[];
}

async function runMode(
  redis: RawClient,
  mode: Mode,
  seed: number,
  commands: number,
): Promise<void> {
  const limits = new Map([
    ['zset-max-listpack-entries', mode.entries],
    ['zset-max-listpack-value', mode.value],
    ['set-max-intset-entries', 512],
  ]);
  await redis.call('FLUSHALL');
  await redis.call('CONFIG', 'SET', 'zset-max-listpack-entries', String(mode.entries));
  await redis.call('CONFIG', 'SET', 'zset-max-listpack-value', String(mode.value));
  await redis.call('HELLO', String(mode.resp));
  const local = new Local(limits);
  memberPool = mode.members;
  const g = new Gen(seed);
  const history: string[] = [];
  for (let i = 0; i < commands; i++) {
    let argv = nextCommand(g);
    if (argv[0] === 'ZRANDMEMBER' || g.chance(0.02)) argv = randomCommand(g);
    if (g.chance(0.01)) argv = ['ZSCAN', g.pick(ALL_KEYS), '0', 'COUNT', '100000'];
    const at = lexKeyIndex(argv);
    if (at !== -1 && Z_KEYS.includes(argv[at] as string)) {
      const encoding = await redis.call('OBJECT', 'ENCODING', argv[at] as string);
      if (encoding.includes('skiplist')) argv = argv.map((a, i) => (i === at ? 'l1' : a));
    }
    const theirs = await redis.call(...argv);
    const ours = encodeReply(local.exec(argv), mode.resp).toString('latin1');
    history.push(`${showArgv(argv)} -> ${show(theirs)}`);
    const name = (argv[0] as string).toUpperCase();
    const same =
      ours === theirs ||
      (name === 'ZRANDMEMBER' && sameRandom(argv, ours, theirs, local)) ||
      (name === 'ZSCAN' && sameScan(ours, theirs));
    if (!same) {
      assert.fail(
        `[${mode.label}] seed ${seed} command #${i + 1}: ${showArgv(argv)}\n` +
          `  redis: ${show(theirs)}\n  aikv:  ${show(ours)}\n` +
          `last commands:\n  ${history.slice(-Number(process.env.ZHIST ?? 25)).join('\n  ')}`,
      );
    }
  }
}

function randomCommand(g: Gen): string[] {
  const key = g.pick(ALL_KEYS);
  if (g.chance(0.2)) return ['ZRANDMEMBER', key];
  const count = g.pick(['0', '1', '2', '5', '-1', '-5', '100', '-100', 'x']);
  return ['ZRANDMEMBER', key, count, ...(g.chance(0.5) ? ['WITHSCORES'] : [])];
}

const MODES: readonly Mode[] = [
  { label: 'resp2 default limits', resp: 2, entries: 128, value: 64, members: MEMBERS },
  { label: 'resp3 default limits', resp: 3, entries: 128, value: 64, members: MEMBERS },
  { label: 'resp2 tiny limits', resp: 2, entries: 4, value: 8, members: MEMBERS },
  { label: 'resp3 always skiplist', resp: 3, entries: 0, value: 0, members: MEMBERS },
  { label: 'resp2 big sets', resp: 2, entries: 128, value: 64, members: MANY_MEMBERS },
];

test('sorted set commands reply byte for byte as redis-server 7.0.15', async () => {
  const server = await startRedis();
  const redis = await RawClient.open(server.port);
  try {
    const config = diffConfig({ seeds: 3, commands: 2000 });
    for (const mode of MODES) {
      for (const seed of config.seeds) await runMode(redis, mode, seed, config.commands);
    }
  } finally {
    redis.close();
    await server.stop();
  }
});

// ---------------------------------------------------------------------------------------
// DUMP / RESTORE payloads, both directions

/** A DUMP payload around an RDB object: the object, RDB version 10, CRC-64. */
function dumpPayload(object: Uint8Array): string {
  const out = Buffer.alloc(object.length + 10);
  out.set(object, 0);
  out[object.length] = 10;
  out[object.length + 1] = 0;
  writeCrc64LE(crc64(out.subarray(0, object.length + 2)), out, object.length + 2);
  return out.latin1Slice(0, out.length);
}

function ourPayload(value: ZSetValue): string {
  const w = new RdbWriter();
  writeZSet(w, value);
  return dumpPayload(w.finish());
}

function loadPayload(payload: string, limits = DEFAULT_ZSET_LIMITS): ZSetValue {
  const r = new RdbReader(Buffer.from(payload, 'latin1'));
  return loadZSet(r, r.byte(), limits);
}

/** ZRANGE key 0 -1 WITHSCORES as redis would answer it for our value. */
function rangeOf(value: ZSetValue): string[] {
  const out: string[] = [];
  value.forRange(0, value.size, false, (m, s) => out.push(m, formatDouble17g(s)));
  return out;
}

async function redisRange(redis: RawClient, key: string): Promise<string[]> {
  return leaves(await redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES')).map((x) => x.slice(1));
}

const DUMP_CASES: readonly (readonly string[])[] = [
  ['1', 'a', '2.5', 'b', '-inf', 'c', '+inf', 'd', '1e17', 'e', '-0', 'f', '4.9e-324', '\x00\xff'],
  ['3', '123', '-7', '-5', '1e-300', 'x'.repeat(64), '0.1', 'member'],
  Array.from({ length: 300 }, (_, i) => [String(((i * 7919) % 1000) / 8), `m${i}`]).flat(),
  ['-0', 'neg-zero', '1', 'long'.repeat(20)],
];

test('DUMP payloads of sorted sets load both ways with redis-server 7.0.15', async () => {
  const server = await startRedis();
  const redis = await RawClient.open(server.port);
  try {
    for (const [i, pairs] of DUMP_CASES.entries()) {
      const key = `dump${i}`;
      await redis.call('ZADD', key, ...pairs);
      const dump = parseRaw(await redis.call('DUMP', key)).body as string;
      const encoding = parseRaw(await redis.call('OBJECT', 'ENCODING', key)).body;
      const ours = loadPayload(dump);
      ours.validate();
      assert.equal(ours.encoding(), encoding, key);
      assert.deepEqual(rangeOf(ours), await redisRange(redis, key), key);
      const back = `${key}:back`;
      assert.equal(await redis.call('RESTORE', back, '0', ourPayload(ours)), '+OK\r\n', key);
      assert.deepEqual(await redisRange(redis, back), await redisRange(redis, key), key);
      assert.equal(parseRaw(await redis.call('OBJECT', 'ENCODING', back)).body, encoding);
    }
  } finally {
    redis.close();
    await server.stop();
  }
});

test('Old RDB sorted set types (ZSET with text scores, ziplist) load as redis loads them', async () => {
  const server = await startRedis();
  const redis = await RawClient.open(server.port);
  try {
    const text = Buffer.concat([
      Buffer.from([RdbType.ZSET, 3]),
      Buffer.from([1, 0x61, 3, 0x32, 0x2e, 0x35]), // "a" 2.5
      Buffer.from([1, 0x62, 254]), // "b" +inf
      Buffer.from([1, 0x63, 255]), // "c" -inf
    ]);
    const zl = encodeZiplist(['z', '-2', 'y', '1.5', 'x', '3']);
    const zip = new RdbWriter();
    zip.byte(RdbType.ZSET_ZIPLIST);
    zip.string(Buffer.from(zl).latin1Slice(0, zl.length));
    for (const [key, object] of [
      ['old:text', text],
      ['old:zip', zip.finish()],
    ] as const) {
      const payload = dumpPayload(object);
      assert.equal(await redis.call('RESTORE', key, '0', payload), '+OK\r\n', key);
      const ours = loadPayload(payload);
      assert.deepEqual(rangeOf(ours), await redisRange(redis, key), key);
      assert.equal(parseRaw(await redis.call('OBJECT', 'ENCODING', key)).body, ours.encoding());
    }
  } finally {
    redis.close();
    await server.stop();
  }
});

test('Corrupt sorted set payloads are format errors', () => {
  const empty = new RdbWriter();
  empty.byte(RdbType.ZSET_2);
  empty.len(0);
  const nan = new RdbWriter();
  nan.byte(RdbType.ZSET_2);
  nan.len(1);
  nan.string('a');
  nan.bytes(Buffer.from(new Float64Array([NaN]).buffer));
  const dup = new RdbWriter();
  dup.byte(RdbType.ZSET_2);
  dup.len(2);
  for (const s of [1, 2]) {
    dup.string('a');
    dup.bytes(Buffer.from(new Float64Array([s]).buffer));
  }
  const odd = new RdbWriter();
  odd.byte(RdbType.ZSET_LISTPACK);
  const lp = encodeListpack(['a', '1', 'b']);
  odd.string(Buffer.from(lp).latin1Slice(0, lp.length));
  for (const w of [empty, nan, dup, odd]) {
    assert.throws(() => loadPayload(dumpPayload(w.finish())), RdbDecodeError);
  }
});

test('A loaded skiplist that fits becomes a listpack, a long listpack a skiplist', () => {
  const big = ZSetValue.fromSorted(['a', 'b', 'c'], [1, 2, 3], false);
  assert.equal(loadPayload(ourPayload(big)).encoding(), 'listpack');
  assert.equal(loadPayload(ourPayload(big), { entries: 2, value: 64 }).encoding(), 'skiplist');
  const small = ZSetValue.fromSorted(['a', 'b', 'c'], [1, 2, 3], true);
  assert.equal(loadPayload(ourPayload(small), { entries: 2, value: 64 }).encoding(), 'skiplist');
  assert.equal(loadPayload(ourPayload(small), { entries: 3, value: 0 }).encoding(), 'listpack');
});
