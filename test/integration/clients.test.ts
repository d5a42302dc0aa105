/**
 * Real clients against a real aikv-server process: ioredis, node-redis and redis-cli
 * must work unchanged, over RESP2 and RESP3, pipelined and not.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServer, type RunningServer } from '../support/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server.stop();
});

test('ioredis: strings, expiry, pipelines and binary values', async () => {
  const r = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  await r.connect();
  try {
    assert.equal(await r.set('io:a', 'hello'), 'OK');
    assert.equal(await r.get('io:a'), 'hello');
    assert.equal(await r.incr('io:n'), 1);
    assert.equal(await r.incrby('io:n', 41), 42);
    assert.equal(await r.set('io:t', 'v', 'EX', 100), 'OK');
    const ttl = await r.ttl('io:t');
    assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
    const binary = Buffer.from([0, 1, 2, 255, 254, 0x0d, 0x0a, 0x80]);
    await r.set(Buffer.from('io:bin'), binary);
    assert.deepEqual(await r.getBuffer('io:bin'), binary);
    const pipe = r.pipeline();
    for (let i = 0; i < 1000; i++) pipe.incr('io:p');
    const results = await pipe.exec();
    assert.equal(results?.length, 1000);
    assert.deepEqual(results?.[999], [null, 1000]);
    assert.deepEqual(await r.mget('io:a', 'io:missing', 'io:n'), ['hello', null, '42']);
    await assert.rejects(r.incr('io:a'), /ERR value is not an integer or out of range/);
  } finally {
    r.disconnect();
  }
});

test('node-redis: RESP2 and RESP3 (HELLO 3) clients', async () => {
  for (const RESP of [2, 3] as const) {
    const c = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP });
    await c.connect();
    try {
      const key = `nr:${RESP}`;
      assert.equal(await c.set(key, 'x', { EX: 50 }), 'OK');
      assert.equal(await c.get(key), 'x');
      assert.equal(await c.append(key, 'yz'), 3);
      assert.equal(await c.strLen(key), 3);
      assert.equal(await c.exists(key), 1);
      assert.equal(await c.del(key), 1);
      assert.equal(await c.get(key), null);
      assert.equal(await c.ping(), 'PONG');
    } finally {
      await c.quit();
    }
  }
});

test('redis-cli: commands and inline-quoted arguments', () => {
  const cli = (...args: string[]): string =>
    execFileSync('redis-cli', ['-p', String(server.port), ...args], { encoding: 'latin1' }).trim();
  assert.equal(cli('set', 'cli:k', 'a b c'), 'OK');
  assert.equal(cli('get', 'cli:k'), 'a b c');
  assert.equal(cli('strlen', 'cli:k'), '5');
  assert.equal(cli('ping'), 'PONG');
  assert.match(cli('info', 'server'), /redis_version:7\.0\.15/);
});
