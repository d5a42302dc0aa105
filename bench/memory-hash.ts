// Memory of AiKv's hash type against redis-server's, for 1M fields two ways: one hash
// of 1,000,000 fields (hashtable encoding) and 100,000 hashes of 10 fields (listpack).
// Starts nothing: AiKv's structures are built in this process and measured by the
// growth of its V8 heap (after a full GC) and of its RSS; the same data is loaded into
// a running redis-server (--port, default 7412) over a pipelined raw socket and
// measured by the growth of INFO used_memory. Keys created here are deleted afterwards.
//
//   npm run build && node dist/bench/memory-hash.js [--port 7412] [--fields 1000000]
import { parseArgs } from 'node:util';
import { Db } from '../src/keyspace/db.js';
import { HashValue, type HashLimits } from '../src/keyspace/hash.js';
import {
  cli,
  formatMiB,
  formatNumber,
  pipelineLoad,
  runMain,
  settledUsage,
  settledUsedMemory,
  type Usage,
  textTable,
} from './lib.js';

/** AiKv's memory may be at most this multiple of redis's used_memory (the issue's bar). */
const TARGET_RATIO = 2;
const LIMITS: HashLimits = { maxListpackEntries: 512, maxListpackValue: 64 };
const PAIRS_PER_COMMAND = 100;
const SMALL_FIELDS = 10;

const pad12 = (i: number): string => String(i).padStart(12, '0');
/** 16-byte strings made the way the server makes argv: a copy out of a Buffer. */
const text = (prefix: string, i: number): string => {
  const b = Buffer.from(`${prefix}${pad12(i)}`, 'latin1');
  return b.latin1Slice(0, b.length);
};

interface Scenario {
  readonly name: string;
  /** [key, field, value] for every field, in load order. */
  readonly triples: (i: number) => readonly [string, string, string];
  readonly count: number;
}

function bigHash(fields: number): Scenario {
  return {
    name: `1 hash x ${formatNumber(fields)} fields`,
    count: fields,
    triples: (i) => ['bench:big', text('fld:', i), text('val:', i)],
  };
}

function smallHashes(fields: number): Scenario {
  return {
    name: `${formatNumber(fields / SMALL_FIELDS)} hashes x ${SMALL_FIELDS} fields`,
    count: fields,
    triples: (i) => [
      `bench:h:${pad12(Math.floor(i / SMALL_FIELDS))}`,
      text('fld:', i % SMALL_FIELDS),
      text('val:', i),
    ],
  };
}

/** Builds the scenario in a Db as the server would, and returns the memory it took. */
function measureAikv(scenario: Scenario): { growth: Usage; keep: Db } {
  const before = settledUsage();
  const db = new Db(0);
  for (let i = 0; i < scenario.count; i++) {
    const [key, field, value] = scenario.triples(i);
    const found = db.peek(key)?.value;
    const hash = found instanceof HashValue ? found : new HashValue();
    if (hash !== found) db.set(key, hash, 0);
    hash.set(field, value, LIMITS);
  }
  const after = settledUsage();
  return { growth: { heap: after.heap - before.heap, rss: after.rss - before.rss }, keep: db };
}

function hsetCommand(key: string, pairs: readonly string[]): string {
  const argv = ['HSET', key, ...pairs];
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** One HSET per run of fields of the same key (at most PAIRS_PER_COMMAND pairs). */
function* commands(scenario: Scenario): Generator<string> {
  let key = '';
  let pairs: string[] = [];
  for (let i = 0; i < scenario.count; i++) {
    const [k, f, v] = scenario.triples(i);
    if ((k !== key || pairs.length >= 2 * PAIRS_PER_COMMAND) && pairs.length > 0) {
      yield hsetCommand(key, pairs);
      pairs = [];
    }
    key = k;
    pairs.push(f, v);
  }
  if (pairs.length > 0) yield hsetCommand(key, pairs);
}

async function loadRedis(port: number, scenario: Scenario): Promise<void> {
  await pipelineLoad(port, commands(scenario), 'HSET');
}

async function measureRedis(port: number, scenario: Scenario): Promise<number> {
  const before = await settledUsedMemory(port);
  await loadRedis(port, scenario);
  const after = await settledUsedMemory(port);
  const pattern = scenario.triples(0)[0].startsWith('bench:h:') ? 'bench:h:*' : 'bench:big';
  await cli(
    port,
    'EVAL',
    "for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end",
    '0',
    pattern,
  );
  return after - before;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7412' },
      fields: { type: 'string', default: '1000000' },
    },
  });
  const port = Number(values.port);
  const fields = Number(values.fields);
  const rows: string[][] = [];
  for (const scenario of [bigHash(fields), smallHashes(fields)]) {
    const redis = await measureRedis(port, scenario);
    const aikv = measureAikv(scenario);
    const ratio = aikv.growth.heap / redis;
    rows.push([
      scenario.name,
      formatMiB(redis),
      `${formatNumber(redis / fields)} B`,
      formatMiB(aikv.growth.heap),
      `${formatNumber(aikv.growth.heap / fields)} B`,
      `${formatNumber(ratio, 2)}x ${ratio <= TARGET_RATIO ? '(ok)' : '(OVER)'}`,
      `${formatNumber(aikv.growth.rss / redis, 2)}x`,
    ]);
    if (aikv.keep.size === 0) throw new Error('nothing built');
  }
  const header = [
    'data',
    'redis used_memory',
    '/field',
    'AiKv heap',
    '/field',
    'heap ratio',
    'RSS ratio',
  ];
  console.log(textTable(header, rows));
  console.log(`16-byte fields and values; target: AiKv <= ${TARGET_RATIO}x redis used_memory`);
}

runMain(main);
