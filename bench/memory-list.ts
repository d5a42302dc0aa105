// Memory of AiKv's list type against redis-server's: one list of 1,000,000 16-byte
// elements, one of 1,000,000 small integers, and 100,000 lists of 10 elements.
// Starts nothing: AiKv's lists are built in this process (as the server's LPUSH/RPUSH
// would) and measured by the growth of its V8 heap after a full GC, and of its RSS; the
// same data is loaded into a running redis-server (--port, default 7411) over a
// pipelined raw socket with RPUSH and measured by the growth of INFO used_memory.
// Keys created there are deleted afterwards.
//
//   npm run build && node dist/bench/memory-list.js [--port 7411] [--elements 1000000]
import { parseArgs } from 'node:util';
import { Db } from '../src/keyspace/db.js';
import { ListValue } from '../src/keyspace/list.js';
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
const ELEMENTS_PER_COMMAND = 200;
const SMALL_LIST = 10;

/** A string made the way the server makes argv: a copy out of a Buffer. */
const text = (s: string): string => {
  const b = Buffer.from(s, 'latin1');
  return b.latin1Slice(0, b.length);
};
const pad12 = (i: number): string => String(i).padStart(12, '0');

interface Scenario {
  readonly name: string;
  readonly count: number;
  readonly keyPattern: string;
  /** [key, element] of the i-th element, in load order. */
  readonly pair: (i: number) => readonly [string, string];
}

const scenarios = (n: number): Scenario[] => [
  {
    name: `1 list x ${formatNumber(n)} 16-byte elements`,
    count: n,
    keyPattern: 'bench:list',
    pair: (i) => ['bench:list', text(`val:${pad12(i)}`)],
  },
  {
    name: `1 list x ${formatNumber(n)} integers`,
    count: n,
    keyPattern: 'bench:ints',
    pair: (i) => ['bench:ints', text(String(i))],
  },
  {
    name: `${formatNumber(n / SMALL_LIST)} lists x ${SMALL_LIST} 16-byte elements`,
    count: n,
    keyPattern: 'bench:l:*',
    pair: (i) => [`bench:l:${pad12(Math.floor(i / SMALL_LIST))}`, text(`val:${pad12(i)}`)],
  },
];

function measureAikv(scenario: Scenario): { growth: Usage; keep: Db } {
  const before = settledUsage();
  const db = new Db(0);
  for (let i = 0; i < scenario.count; i++) {
    const [key, element] = scenario.pair(i);
    const found = db.peek(key)?.value;
    const list = found instanceof ListValue ? found : new ListValue();
    if (list !== found) db.set(key, list, 0);
    list.pushTail(element);
  }
  const after = settledUsage();
  return { growth: { heap: after.heap - before.heap, rss: after.rss - before.rss }, keep: db };
}

function rpush(key: string, elements: readonly string[]): string {
  const argv = ['RPUSH', key, ...elements];
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** One RPUSH per run of elements of the same key (at most ELEMENTS_PER_COMMAND). */
function* commands(scenario: Scenario): Generator<string> {
  let key = '';
  let batch: string[] = [];
  for (let i = 0; i < scenario.count; i++) {
    const [k, element] = scenario.pair(i);
    if ((k !== key || batch.length >= ELEMENTS_PER_COMMAND) && batch.length > 0) {
      yield rpush(key, batch);
      batch = [];
    }
    key = k;
    batch.push(element);
  }
  if (batch.length > 0) yield rpush(key, batch);
}

async function loadRedis(port: number, scenario: Scenario): Promise<void> {
  await pipelineLoad(port, commands(scenario), 'RPUSH');
}

async function measureRedis(port: number, scenario: Scenario): Promise<number> {
  const before = await settledUsedMemory(port);
  await loadRedis(port, scenario);
  const after = await settledUsedMemory(port);
  const script = "for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end";
  await cli(port, 'EVAL', script, '0', scenario.keyPattern);
  return after - before;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7411' },
      elements: { type: 'string', default: '1000000' },
    },
  });
  const port = Number(values.port);
  const n = Number(values.elements);
  const rows: string[][] = [];
  for (const scenario of scenarios(n)) {
    const redis = await measureRedis(port, scenario);
    const aikv = measureAikv(scenario);
    const ratio = aikv.growth.heap / redis;
    rows.push([
      scenario.name,
      formatMiB(redis),
      `${formatNumber(redis / n, 1)} B`,
      formatMiB(aikv.growth.heap),
      `${formatNumber(aikv.growth.heap / n, 1)} B`,
      `${formatNumber(ratio, 2)}x ${ratio <= TARGET_RATIO ? '(ok)' : '(OVER)'}`,
      `${formatNumber(aikv.growth.rss / redis, 2)}x`,
    ]);
    if (aikv.keep.size === 0) throw new Error('nothing built');
  }
  const header = [
    'data',
    'redis used_memory',
    '/elem',
    'AiKv heap',
    '/elem',
    'heap ratio',
    'RSS ratio',
  ];
  console.log(textTable(header, rows));
  console.log(`target: AiKv <= ${TARGET_RATIO}x redis used_memory`);
}

runMain(main);
