// Throughput of AiKv against the real redis-server, both started here on the same machine
// and measured alternately with redis-benchmark (redis P1, aikv P1, redis P16, aikv P16,
// ...) so that machine noise falls on both. Prints the ratio aikv/redis per test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ROOT,
  formatNumber,
  machineLines,
  markdownTable,
  median,
  redisBenchmark,
  runMain,
  startServer,
  textTable,
  barChartSvg,
  type BenchRow,
  type Server,
  type Side,
} from './lib.js';

interface Options {
  tests: string[];
  pipelines: number[];
  clients: number;
  /** Fixed request count, or undefined to size each test to `seconds` on redis. */
  requests: number | undefined;
  seconds: number;
  rounds: number;
  svgPath: string | undefined;
  againstRedis: boolean;
  /** Both sides durable with this fsync policy (redis: appendonly yes), or neither. */
  fsync: FsyncPolicy | undefined;
}

type FsyncPolicy = 'always' | 'everysec' | 'no';

/** The collection benchmarks: `--collections` runs these instead of --tests. */
const COLLECTION_TESTS = [
  'lpush',
  'rpop',
  'lrange_100',
  'lrange_600',
  'sadd',
  'spop',
  'hset',
  'zadd',
  'zrangebyscore',
  'zpopmin',
];

/** Minimum aikv/redis throughput ratio per pipeline depth (issue 2, redis without AOF). */
const TARGETS = new Map([
  [1, 0.9],
  [16, 0.5],
]);

/** Against redis with the same appendfsync (issue 4): one target at every depth. */
const DURABLE_TARGETS = new Map<FsyncPolicy, number>([
  ['always', 1.0],
  ['everysec', 0.8],
]);

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      tests: { type: 'string', default: 'set,get,incr,mset' },
      collections: { type: 'boolean', default: false },
      pipelines: { type: 'string', default: '1,16' },
      clients: { type: 'string', default: '50' },
      requests: { type: 'string' },
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      svg: { type: 'string', default: 'bench/out/throughput.svg' },
      'no-svg': { type: 'boolean', default: false },
      'against-redis': { type: 'boolean', default: false },
      fsync: { type: 'string' },
    },
  });
  const fsync = values.fsync;
  if (fsync !== undefined && !['always', 'everysec', 'no'].includes(fsync)) {
    throw new Error(`--fsync must be always, everysec or no, not ${fsync}`);
  }
  const list = (s: string): string[] => s.split(',').filter((x) => x !== '');
  return {
    tests: values.collections ? COLLECTION_TESTS : list(values.tests),
    pipelines: list(values.pipelines).map(Number),
    clients: Number(values.clients),
    requests: values.requests === undefined ? undefined : Number(values.requests),
    seconds: values.quick ? 0.5 : Number(values.seconds),
    rounds: Number(values.rounds),
    svgPath: values['no-svg'] ? undefined : join(ROOT, values.svg),
    againstRedis: values['against-redis'],
    fsync: fsync as FsyncPolicy | undefined,
  };
}

type Servers = Record<Side, Server>;

/** One (test, pipeline) cell: each side's row from every round. */
interface Cell {
  test: string;
  pipeline: number;
  requests: number;
  runs: Record<Side, BenchRow[]>;
}

async function bench(
  server: Server,
  opts: Options,
  cell: Cell,
  requests: number,
): Promise<BenchRow> {
  const { test, pipeline } = cell;
  const base = { port: server.port, test, clients: opts.clients, pipeline, requests };
  try {
    return await redisBenchmark({ ...base, randomKeys: 100_000, dataSize: 16 });
  } catch (err) {
    console.error(`${server.side} ${test} -P ${pipeline} failed: ${String(err)}`);
    return { test, rps: NaN, latencyMs: new Map<string, number>() };
  }
}

/** Warms both servers with a short run and sizes the test to `seconds` on redis. */
async function calibrate(servers: Servers, opts: Options, cell: Cell): Promise<number> {
  const pilot = 5000 * cell.pipeline;
  const redis = await bench(servers.redis, opts, cell, pilot);
  await bench(servers.aikv, opts, cell, pilot);
  if (opts.requests !== undefined) return opts.requests;
  const sized = Math.round((redis.rps * opts.seconds) / 1000) * 1000;
  return Math.max(pilot, Number.isFinite(sized) ? sized : pilot);
}

async function measure(servers: Servers, opts: Options): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const test of opts.tests) {
    for (const pipeline of opts.pipelines) {
      const cell: Cell = { test, pipeline, requests: 0, runs: { redis: [], aikv: [] } };
      cell.requests = await calibrate(servers, opts, cell);
      cells.push(cell);
    }
  }
  for (let round = 1; round <= opts.rounds; round++) {
    for (const cell of cells) {
      for (const side of ['redis', 'aikv'] as const) {
        const row = await bench(servers[side], opts, cell, cell.requests);
        cell.runs[side].push(row);
        const what = `round ${round}/${opts.rounds} ${cell.test} -P ${cell.pipeline}`;
        console.error(`${what} ${side}: ${formatNumber(row.rps)} rps`);
      }
    }
  }
  return cells;
}

interface Summary {
  cell: Cell;
  rps: Record<Side, number>;
  latency: (side: Side, column: string) => number;
  ratio: number;
  target: number | undefined;
}

function summarize(cell: Cell, opts: Options): Summary {
  const rps = {
    redis: median(cell.runs.redis.map((r) => r.rps)),
    aikv: median(cell.runs.aikv.map((r) => r.rps)),
  };
  const latency = (side: Side, column: string): number =>
    median(cell.runs[side].map((r) => r.latencyMs.get(column) ?? NaN));
  const target =
    opts.fsync === undefined ? TARGETS.get(cell.pipeline) : DURABLE_TARGETS.get(opts.fsync);
  return { cell, rps, latency, ratio: rps.aikv / rps.redis, target };
}

const HEADER = ['test', 'pipeline', 'requests', 'redis rps', 'aikv rps', 'aikv/redis'];
HEADER.push('redis p50 ms', 'aikv p50 ms', 'redis p99 ms', 'aikv p99 ms', 'target', 'meets');

function tableRows(summaries: Summary[]): string[][] {
  return summaries.map(({ cell, rps, latency, ratio, target }) => {
    const ms = (side: Side, q: string): string => formatNumber(latency(side, q), 3);
    const meets = target === undefined ? '-' : ratio >= target ? 'yes' : 'NO';
    return [
      cell.test.toUpperCase(),
      `-P ${cell.pipeline}`,
      formatNumber(cell.requests),
      formatNumber(rps.redis),
      formatNumber(rps.aikv),
      `${formatNumber(ratio, 2)}x`,
      ms('redis', 'p50_latency_ms'),
      ms('aikv', 'p50_latency_ms'),
      ms('redis', 'p99_latency_ms'),
      ms('aikv', 'p99_latency_ms'),
      target === undefined ? '-' : `>= ${target}x`,
      meets,
    ];
  });
}

async function report(summaries: Summary[], opts: Options): Promise<void> {
  const rows = tableRows(summaries);
  console.log(textTable(HEADER, rows));
  console.log('\nMarkdown (for docs/BENCHMARKS.md):\n');
  const setup = `redis-benchmark -c ${opts.clients} -r 100000 -d 16 --csv, median of ${opts.rounds} round(s)`;
  const side = opts.againstRedis ? ' (SELF-TEST: the aikv side is a second redis-server)' : '';
  const durability =
    opts.fsync === undefined
      ? '- durability: redis-server without AOF; AiKv with its defaults (appendfsync always)'
      : `- durability: both appendfsync ${opts.fsync} (redis-server with appendonly yes)`;
  const lines = [...(await machineLines()), `- setup: ${setup}${side}`, durability, ''];
  console.log(lines.join('\n'));
  console.log(markdownTable(HEADER, rows));
  if (opts.svgPath === undefined) return;
  const bars = summaries.map((s) => ({
    label: `${s.cell.test.toUpperCase()} -P ${s.cell.pipeline}`,
    ratio: s.ratio,
    target: s.target,
    note: `aikv ${formatNumber(s.rps.aikv)} / redis ${formatNumber(s.rps.redis)} rps`,
  }));
  mkdirSync(dirname(opts.svgPath), { recursive: true });
  writeFileSync(opts.svgPath, barChartSvg('AiKv throughput / redis-server', bars));
  console.error(`\nchart: ${opts.svgPath}`);
}

async function main(): Promise<void> {
  const opts = readOptions();
  const fsync = opts.fsync === undefined ? [] : ['--appendfsync', opts.fsync];
  const redis = await startServer(
    'redis',
    'redis',
    opts.fsync ? ['--appendonly', 'yes', ...fsync] : [],
  );
  const aikvAs = opts.againstRedis ? 'redis' : 'aikv';
  const aikvArgs = opts.againstRedis && opts.fsync ? ['--appendonly', 'yes', ...fsync] : fsync;
  const aikv = await startServer('aikv', aikvAs, aikvArgs);
  try {
    const cells = await measure({ redis, aikv }, opts);
    await report(
      cells.map((c) => summarize(c, opts)),
      opts,
    );
  } finally {
    await Promise.all([redis.stop(), aikv.stop()]);
  }
}

runMain(main);
