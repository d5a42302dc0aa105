/**
 * The single-node server is durable: every acknowledged write survives kill -9, with
 * its TTL and database, because a write is acknowledged only once its log entry is
 * fsynced (appendfsync always).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../support/server.js';

async function client(server: RunningServer): Promise<Redis> {
  const r = new Redis({
    port: server.port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
  await r.connect();
  return r;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aikv-durable-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('kill -9 and restart: every type, TTL and database comes back with the same digest', async () => {
  await withDir(async (dir) => {
    let server = await startServer([], { dir });
    let r = await client(server);
    await r.set('s', 'v');
    await r.set('t', 'ttl', 'PX', 3_600_000);
    await r.rpush('l', 'a', 'b', 'c');
    await r.hset('h', 'f1', 'v1', 'f2', 'v2');
    await r.sadd('set', 'x', 'y', '1');
    await r.zadd('z', 1, 'one', 2.5, 'two');
    const pttl = await r.pttl('t');
    await r.select(5);
    await r.set('in-db-5', 'five');
    const digest = await r.call('DEBUG', 'DIGEST');
    r.disconnect();
    await server.kill();

    server = await startServer([], { dir });
    r = await client(server);
    try {
      assert.equal(await r.call('DEBUG', 'DIGEST'), digest);
      assert.equal(await r.dbsize(), 6);
      assert.deepEqual(await r.lrange('l', 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(await r.zrange('z', '0', '-1', 'WITHSCORES'), ['one', '1', 'two', '2.5']);
      const after = await r.pttl('t');
      assert.ok(after <= pttl && after > pttl - 60_000, `the deadline stayed absolute: ${after}`);
      await r.select(5);
      assert.equal(await r.get('in-db-5'), 'five');
    } finally {
      r.disconnect();
      await server.stop();
    }
  });
});

test('kill -9 under load from many clients loses no acknowledged write', async () => {
  await withDir(async (dir) => {
    let server = await startServer([], { dir });
    const acked = new Map<string, number>();
    const pushed: string[] = [];
    const clients = await Promise.all(Array.from({ length: 20 }, () => client(server)));
    // The crash closes every connection; that is expected, not an error to report.
    for (const c of clients) c.on('error', () => {});
    let stopping = false;
    const load = clients.map(async (r, i) => {
      for (let n = 1; !stopping; n++) {
        try {
          const v = await r.incr(`counter:${i}`);
          acked.set(`counter:${i}`, v);
          await r.rpush('log', `${i}:${n}`);
          pushed.push(`${i}:${n}`);
        } catch {
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.kill();
    stopping = true;
    await Promise.all(load);
    for (const r of clients) r.disconnect();
    assert.ok(pushed.length > 100, `only ${pushed.length} writes were acknowledged`);

    server = await startServer([], { dir });
    const r = await client(server);
    try {
      for (const [key, value] of acked) {
        const now = Number(await r.get(key));
        assert.ok(now >= value, `${key}: acknowledged ${value}, found ${now}`);
      }
      const present = new Set(await r.lrange('log', 0, -1));
      const lost = pushed.filter((e) => !present.has(e));
      assert.deepEqual(lost, [], 'acknowledged pushes missing after the crash');
    } finally {
      r.disconnect();
      await server.stop();
    }
  });
});
