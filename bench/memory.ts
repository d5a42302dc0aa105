// Memory per key of AiKv against the real redis-server: loads the same N keys
// (key:000000000000 ... with 16-byte values) into each over a pipelined raw socket and
// compares AiKv's RSS growth with redis's used_memory and RSS growth.
import { createConnection, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import {
  cli,
  formatMiB,
  formatNumber,
  infoField,
  machineLines,
  markdownTable,
  rssBytes,
  runMain,
  sleep,
  startServer,
  textTable,
  type Server,
} from './lib.js';

/** AiKv's RSS growth may be at most this multiple of redis's used_memory growth. */
const TARGET_RATIO = 1.5;
/** MSET commands in flight on the loader's connection. */
const WINDOW = 32;

interface Options {
  keys: number;
  batch: number;
  settleMs: number;
  againstRedis: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '100' },
      'settle-ms': { type: 'string', default: '3000' },
      'against-redis': { type: 'boolean', default: false },
    },
  });
  return {
    keys: Number(values.keys),
    batch: Number(values.batch),
    settleMs: Number(values['settle-ms']),
    againstRedis: values['against-redis'],
  };
}

const pad12 = (i: number): string => String(i).padStart(12, '0');

/** MSET key:<12 digits> val:<12 digits> ... for keys [first, first + count). */
function msetCommand(first: number, count: number): Buffer {
  const parts = [`*${1 + 2 * count}\r\n$4\r\nMSET\r\n`];
  for (let i = first; i < first + count; i++) {
    parts.push(`$16\r\nkey:${pad12(i)}\r\n$16\r\nval:${pad12(i)}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends every key in MSET batches, WINDOW commands in flight, and checks each +OK. */
async function loadKeys(port: number, opts: Options): Promise<void> {
  const socket = await connect(port);
  const batches = Math.ceil(opts.keys / opts.batch);
  let [sent, acked, pending] = [0, 0, ''];
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      for (; sent < batches && sent - acked < WINDOW; sent++) {
        const first = sent * opts.batch;
        socket.write(msetCommand(first, Math.min(opts.batch, opts.keys - first)));
      }
    };
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line !== '+OK') return reject(new Error(`MSET replied ${line}`));
        acked++;
      }
      if (acked === batches) resolve();
      else pump();
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('server closed the loader connection')));
    pump();
  });
  socket.destroy();
}

interface Sample {
  rss: number;
  /** redis's INFO used_memory; undefined for AiKv. */
  usedMemory: number | undefined;
}

async function sample(server: Server, settleMs: number): Promise<Sample> {
  await sleep(settleMs);
  const isRedis = server.side === 'redis';
  const usedMemory = isRedis
    ? infoField(await cli(server.port, 'INFO', 'memory'), 'used_memory')
    : undefined;
  return { rss: rssBytes(server.pid), usedMemory };
}

interface Result {
  server: Server;
  before: Sample;
  after: Sample;
  loadSeconds: number;
}

async function measure(server: Server, opts: Options): Promise<Result> {
  const before = await sample(server, opts.settleMs);
  const start = process.hrtime.bigint();
  await loadKeys(server.port, opts);
  const loadSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const dbsize = Number(await cli(server.port, 'DBSIZE'));
  if (dbsize !== opts.keys) throw new Error(`${server.side} DBSIZE is ${dbsize}, not ${opts.keys}`);
  const after = await sample(server, opts.settleMs);
  console.error(
    `${server.side}: loaded ${formatNumber(opts.keys)} keys in ${loadSeconds.toFixed(1)} s`,
  );
  return { server, before, after, loadSeconds };
}

const HEADER = ['server', 'keys', 'RSS before', 'RSS after', 'RSS growth', 'RSS growth/key'];
HEADER.push('used_memory growth', 'used_memory/key', 'load keys/s');

function row(result: Result, keys: number): string[] {
  const { before, after } = result;
  const rssGrowth = after.rss - before.rss;
  const used =
    after.usedMemory !== undefined && before.usedMemory !== undefined
      ? after.usedMemory - before.usedMemory
      : undefined;
  return [
    result.server.side,
    formatNumber(keys),
    formatMiB(before.rss),
    formatMiB(after.rss),
    formatMiB(rssGrowth),
    `${formatNumber(rssGrowth / keys)} B`,
    used === undefined ? '-' : formatMiB(used),
    used === undefined ? '-' : `${formatNumber(used / keys)} B`,
    formatNumber(keys / result.loadSeconds),
  ];
}

function ratioLines(redis: Result, aikv: Result): string[] {
  const aikvGrowth = aikv.after.rss - aikv.before.rss;
  const redisUsed = (redis.after.usedMemory ?? NaN) - (redis.before.usedMemory ?? NaN);
  const redisGrowth = redis.after.rss - redis.before.rss;
  const target = aikvGrowth / redisUsed;
  const verdict = target <= TARGET_RATIO ? 'meets' : 'DOES NOT meet';
  return [
    `- AiKv RSS growth / redis used_memory growth: **${formatNumber(target, 2)}x** (${verdict} the target <= ${TARGET_RATIO}x)`,
    `- AiKv RSS growth / redis RSS growth: ${formatNumber(aikvGrowth / redisGrowth, 2)}x`,
    `- AiKv RSS / redis RSS (after loading): ${formatNumber(aikv.after.rss / redis.after.rss, 2)}x`,
  ];
}

async function main(): Promise<void> {
  const opts = readOptions();
  const redis = await startServer('redis');
  const aikv = await startServer('aikv', opts.againstRedis ? 'redis' : 'aikv');
  try {
    const results = [await measure(redis, opts), await measure(aikv, opts)] as const;
    const rows = results.map((r) => row(r, opts.keys));
    const ratios = ratioLines(...results);
    console.log(textTable(HEADER, rows));
    console.log(['', ...ratios, '', 'Markdown (for docs/BENCHMARKS.md):', ''].join('\n'));
    const setup = `${formatNumber(opts.keys)} keys of 16 bytes, 16-byte values, MSET batches of ${opts.batch}, settle ${opts.settleMs} ms`;
    const side = opts.againstRedis ? ' (SELF-TEST: the aikv side is a second redis-server)' : '';
    console.log([...(await machineLines()), `- setup: ${setup}${side}`, ''].join('\n'));
    console.log([markdownTable(HEADER, rows), '', ...ratios].join('\n'));
  } finally {
    await Promise.all([redis.stop(), aikv.stop()]);
  }
}

runMain(main);
