/**
 * Blocked clients on the real (asynchronous, logged) write path: a write's reply comes
 * only after the blocked clients it readied were served, as in Redis.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../support/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server.stop();
});

const connect = (): Redis => new Redis({ port: server.port, host: '127.0.0.1' });

async function waitBlocked(r: Redis, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = (await r.info('clients')) as string;
    if (info.includes(`blocked_clients:${n}`)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${n} clients never blocked`);
}

test('a push answers after the chain of blocked LMOVEs it set off has run', async () => {
  const [a, b, c] = [connect(), connect(), connect()];
  try {
    const first = a.blmove('chain:1', 'chain:2', 'LEFT', 'RIGHT', 0);
    const second = b.blmove('chain:2', 'chain:3', 'LEFT', 'RIGHT', 0);
    await waitBlocked(c, 2);
    await c.rpush('chain:1', 'foo');
    assert.deepEqual(await c.lrange('chain:1', 0, -1), []);
    assert.deepEqual(await c.lrange('chain:2', 0, -1), []);
    assert.deepEqual(await c.lrange('chain:3', 0, -1), ['foo']);
    assert.deepEqual(await Promise.all([first, second]), ['foo', 'foo']);
  } finally {
    for (const r of [a, b, c]) r.disconnect();
  }
});

test('blocked clients are served in arrival order, also after one blocks again', async () => {
  const clients = [connect(), connect(), connect()];
  const pusher = connect();
  try {
    // Each client blocks before the next one asks: that is the arrival order.
    const pops: Promise<[string, string] | null>[] = [];
    for (const [i, r] of clients.entries()) {
      pops.push(r.blpop('fifo', 0));
      await waitBlocked(pusher, i + 1);
    }
    for (const v of ['a', 'b', 'c']) await pusher.rpush('fifo', v);
    assert.deepEqual(await Promise.all(pops), [
      ['fifo', 'a'],
      ['fifo', 'b'],
      ['fifo', 'c'],
    ]);
  } finally {
    for (const r of [...clients, pusher]) r.disconnect();
  }
});
