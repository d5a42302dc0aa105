// Memory of one big set: AiKv's SetValue built in this process against the used_memory
// growth of an already running redis-server loaded with the same members. Starts no
// server; the redis key it uses is deleted before and after.
//
//   node --expose-gc dist/bench/memory-set.js [--port 7413] [--members 1000000]
//
// Members are read out of a Buffer with latin1Slice, as the RESP decoder makes them, so
// the strings have the shape the server would hold. Two data sets: short strings
// ("member:<n>") and decimal integers (a hashtable past set-max-intset-entries in both).
import { createConnection, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { SetValue } from '../src/keyspace/set.js';
import { cli, formatMiB, formatNumber, infoField, runMain, sleep, textTable } from './lib.js';

const KEY = 'aikv:bench:memory-set';
const BATCH = 1000;
const WINDOW = 16;
const SETTLE_MS = 1000;

type Kind = 'strings' | 'integers';

/** Members [first, first + count) of a data set, each a flat latin1 string. */
function members(kind: Kind, first: number, count: number): string[] {
  const text = Array.from({ length: count }, (_, i) =>
    kind === 'strings' ? `member:${first + i}` : String(first + i),
  );
  const buf = Buffer.from(text.join(''), 'latin1');
  const out: string[] = [];
  let at = 0;
  for (const t of text) {
    out.push(buf.latin1Slice(at, at + t.length));
    at += t.length;
  }
  return out;
}

function sadd(batch: readonly string[]): Buffer {
  const parts = [`*${batch.length + 2}\r\n$4\r\nSADD\r\n$${KEY.length}\r\n${KEY}\r\n`];
  for (const m of batch) parts.push(`$${m.length}\r\n${m}\r\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Pipelined SADD batches, WINDOW in flight, each reply checked to be an integer. */
async function loadRedis(port: number, kind: Kind, total: number): Promise<void> {
  const socket = await connect(port);
  const batches = Math.ceil(total / BATCH);
  let [sent, acked, pending] = [0, 0, ''];
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      for (; sent < batches && sent - acked < WINDOW; sent++) {
        socket.write(sadd(members(kind, sent * BATCH, Math.min(BATCH, total - sent * BATCH))));
      }
    };
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (!line.startsWith(':')) return reject(new Error(`SADD replied ${line}`));
        acked++;
      }
      if (acked === batches) resolve();
      else pump();
    });
    socket.on('error', reject);
    pump();
  });
  socket.destroy();
}

async function usedMemory(port: number): Promise<number> {
  await sleep(SETTLE_MS);
  return infoField(await cli(port, 'INFO', 'memory'), 'used_memory');
}

async function redisGrowth(port: number, kind: Kind, total: number): Promise<number> {
  await cli(port, 'DEL', KEY);
  const before = await usedMemory(port);
  await loadRedis(port, kind, total);
  const card = Number(await cli(port, 'SCARD', KEY));
  if (card !== total) throw new Error(`redis SCARD is ${card}, not ${total}`);
  const after = await usedMemory(port);
  await cli(port, 'DEL', KEY);
  return after - before;
}

function heapBytes(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Heap growth of building the set in this process; the set lives until measured. */
function aikvGrowth(kind: Kind, total: number, maxIntset: number): number {
  const before = heapBytes();
  const value = SetValue.emptyIntset();
  for (let first = 0; first < total; first += BATCH) {
    for (const m of members(kind, first, Math.min(BATCH, total - first))) value.add(m, maxIntset);
  }
  const after = heapBytes();
  if (value.size !== total) throw new Error(`AiKv size is ${value.size}, not ${total}`);
  return after - before;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7413' },
      members: { type: 'string', default: '1000000' },
    },
  });
  const port = Number(values.port);
  const total = Number(values.members);
  if (globalThis.gc === undefined) console.error('warning: run with --expose-gc for exact figures');
  const maxIntset = Number(
    (await cli(port, 'CONFIG', 'GET', 'set-max-intset-entries')).split('\n')[1],
  );
  const rows: string[][] = [];
  for (const kind of ['strings', 'integers'] as const) {
    const redis = await redisGrowth(port, kind, total);
    const aikv = aikvGrowth(kind, total, maxIntset);
    rows.push([
      kind,
      formatNumber(total),
      formatMiB(redis),
      formatMiB(aikv),
      (redis / total).toFixed(1),
      (aikv / total).toFixed(1),
      (aikv / redis).toFixed(2),
    ]);
  }
  const header = ['members', 'count', 'redis used_memory', 'AiKv heap', 'redis B/member'];
  header.push('AiKv B/member', 'AiKv/redis');
  console.log(textTable(header, rows));
}

runMain(main);
