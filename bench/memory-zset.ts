// Memory of one big sorted set: builds a ZSetValue of N elements in this process and
// compares its heap growth with the used_memory growth of an already running
// redis-server (default 127.0.0.1:7414; this script starts nothing) after loading the
// same members and scores over a raw socket with pipelined ZADDs.
//
//   node --expose-gc dist/bench/memory-zset.js [--elements 1000000] [--port 7414]
//        [--scores float|int]
import { createConnection, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_ZSET_LIMITS, ZSetValue } from '../src/keyspace/zset.js';
import { formatDouble17g } from '../src/util/numbers.js';

const KEY = 'bench:memory-zset';
const BATCH = 1000;
const WINDOW = 16;

interface Options {
  elements: number;
  port: number;
  floatScores: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      elements: { type: 'string', default: '1000000' },
      port: { type: 'string', default: '7414' },
      scores: { type: 'string', default: 'float' },
    },
  });
  return {
    elements: Number(values.elements),
    port: Number(values.port),
    floatScores: values.scores !== 'int',
  };
}

/** Element i: a 13-byte member and a score (a random-looking double, or i). */
function member(i: number): string {
  return `member:${String(i).padStart(6, '0')}`;
}

function score(i: number, float: boolean): number {
  return float ? ((i * 2654435761) % 1000003) / 7 : i;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run node with --expose-gc');
  collect();
  collect();
}

/** Heap growth of building the set, members made flat as the RESP decoder makes them. */
function measureAikv(opts: Options): { bytes: number; value: ZSetValue } {
  const buf = Buffer.alloc(16);
  gc();
  const before = process.memoryUsage();
  const z = ZSetValue.empty(true);
  for (let i = 0; i < opts.elements; i++) {
    const n = buf.latin1Write(member(i), 0);
    z.insert(buf.latin1Slice(0, n), score(i, opts.floatScores), DEFAULT_ZSET_LIMITS);
  }
  gc();
  const after = process.memoryUsage();
  return { bytes: after.heapUsed - before.heapUsed + after.external - before.external, value: z };
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function command(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

/** Sends one command and waits for a complete single-line or bulk reply. */
async function call(socket: Socket, argv: readonly string[]): Promise<string> {
  socket.write(command(argv), 'latin1');
  let data = '';
  for (;;) {
    const chunk: Buffer = await new Promise((resolve) => socket.once('data', resolve));
    data += chunk.toString('latin1');
    const line = data.indexOf('\r\n');
    if (line === -1) continue;
    if (data[0] !== '$') return data.slice(0, line);
    const len = Number(data.slice(1, line));
    if (len < 0 || data.length >= line + 2 + len + 2) return data.slice(line + 2, line + 2 + len);
  }
}

async function usedMemory(socket: Socket): Promise<number> {
  const info = await call(socket, ['INFO', 'memory']);
  const m = /used_memory:(\d+)/.exec(info);
  if (m === null) throw new Error('no used_memory in INFO');
  return Number(m[1]);
}

/** Pipelined ZADDs of BATCH pairs, WINDOW in flight; counts the ':n' replies. */
async function loadRedis(socket: Socket, opts: Options): Promise<void> {
  const batches = Math.ceil(opts.elements / BATCH);
  let sent = 0;
  let acked = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      for (; sent < batches && sent - acked < WINDOW; sent++) {
        const argv = ['ZADD', KEY];
        for (let i = sent * BATCH; i < Math.min(opts.elements, (sent + 1) * BATCH); i++) {
          argv.push(formatDouble17g(score(i, opts.floatScores)), member(i));
        }
        socket.write(command(argv), 'latin1');
      }
    };
    const onData = (chunk: Buffer): void => {
      for (const b of chunk) if (b === 10) acked++;
      if (acked >= batches) {
        socket.off('data', onData);
        resolve();
      } else {
        pump();
      }
    };
    socket.on('data', onData);
    pump();
  });
}

async function measureRedis(opts: Options): Promise<number | null> {
  let socket: Socket;
  try {
    socket = await connect(opts.port);
  } catch {
    return null;
  }
  try {
    await call(socket, ['DEL', KEY]);
    const before = await usedMemory(socket);
    await loadRedis(socket, opts);
    const after = await usedMemory(socket);
    await call(socket, ['DEL', KEY]);
    return after - before;
  } finally {
    socket.destroy();
  }
}

async function main(): Promise<void> {
  const opts = readOptions();
  const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  const aikv = measureAikv(opts);
  const per = (n: number): string => (n / opts.elements).toFixed(1);
  console.log(`elements: ${opts.elements}, scores: ${opts.floatScores ? 'float' : 'int'}`);
  console.log(`aikv  heap growth: ${mib(aikv.bytes)} (${per(aikv.bytes)} B/element)`);
  const redis = await measureRedis(opts);
  if (redis === null) {
    console.log(`redis: nothing listening on 127.0.0.1:${opts.port}`);
    return;
  }
  console.log(`redis used_memory growth: ${mib(redis)} (${per(redis)} B/element)`);
  console.log(`ratio aikv / redis: ${(aikv.bytes / redis).toFixed(2)}x (target <= 2x)`);
  if (aikv.value.size !== opts.elements) throw new Error('lost elements');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
