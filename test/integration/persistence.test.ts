/**
 * SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD and INFO persistence on a real server process,
 * and a restart after a background snapshot taken under writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

async function persistence(r: Redis): Promise<Map<string, string>> {
  const text = (await r.info('persistence')).split('\r\n').slice(1);
  return new Map(text.filter((l) => l.includes(':')).map((l) => l.split(':') as [string, string]));
}

async function field(r: Redis, name: string): Promise<string> {
  return (await persistence(r)).get(name) ?? '';
}

async function untilSaved(r: Redis): Promise<void> {
  while ((await field(r, 'rdb_bgsave_in_progress')) === '1') {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `count` string keys of 16-byte values, plus some collections, in db 0. */
async function load(r: Redis, count: number, prefix = 'k'): Promise<void> {
  for (let at = 0; at < count; at += 1000) {
    const args: string[] = [];
    for (let i = at; i < Math.min(count, at + 1000); i++) {
      args.push(`${prefix}:${i}`, `v${String(i).padStart(15, '0')}`);
    }
    await r.mset(...args);
  }
  await r.hset(`${prefix}:hash`, 'a', '1', 'b', '2');
  await r.sadd(`${prefix}:set`, 'x', 'y', '7');
  await r.zadd(`${prefix}:zset`, 1, 'one', 2, 'two');
  await r.rpush(`${prefix}:list`, 'l1', 'l2');
}

/** INFO persistence field names of redis-server 7.0.15 with appendonly yes, in order. */
const REDIS_FIELDS = [
  'loading',
  'async_loading',
  'current_cow_peak',
  'current_cow_size',
  'current_cow_size_age',
  'current_fork_perc',
  'current_save_keys_processed',
  'current_save_keys_total',
  'rdb_changes_since_last_save',
  'rdb_bgsave_in_progress',
  'rdb_last_save_time',
  'rdb_last_bgsave_status',
  'rdb_last_bgsave_time_sec',
  'rdb_current_bgsave_time_sec',
  'rdb_saves',
  'rdb_last_cow_size',
  'rdb_last_load_keys_expired',
  'rdb_last_load_keys_loaded',
  'aof_enabled',
  'aof_rewrite_in_progress',
  'aof_rewrite_scheduled',
  'aof_last_rewrite_time_sec',
  'aof_current_rewrite_time_sec',
  'aof_last_bgrewrite_status',
  'aof_rewrites',
  'aof_rewrites_consecutive_failures',
  'aof_last_write_status',
  'aof_last_cow_size',
  'module_fork_in_progress',
  'module_fork_last_cow_size',
  'aof_current_size',
  'aof_base_size',
  'aof_pending_rewrite',
  'aof_buffer_length',
  'aof_pending_bio_fsync',
  'aof_delayed_fsync',
];

const AIKV_FIELDS = [
  'aikv_log_first_index',
  'aikv_log_last_index',
  'aikv_log_snapshot_index',
  'aikv_log_disk_bytes',
  'aikv_log_snapshot_bytes',
  'aikv_log_fsync',
  'aikv_last_snapshot_max_loop_delay_ms',
];

test('SAVE, LASTSAVE and INFO persistence: Redis layout, a durable snapshot, the log compacted', async () => {
  const server = await startServer(['--save', '']);
  const r = await client(server);
  try {
    const started = Math.floor(Date.now() / 1000);
    assert.deepEqual([...(await persistence(r)).keys()], [...REDIS_FIELDS, ...AIKV_FIELDS]);
    await r.set('a', '1');
    await r.hset('h', 'f', 'v');
    const before = await persistence(r);
    assert.ok(Number(before.get('rdb_changes_since_last_save')) >= 2);
    assert.equal(before.get('aof_enabled'), '1');
    assert.equal(before.get('aikv_log_fsync'), 'always');
    assert.equal(await r.call('SAVE'), 'OK');
    const after = await persistence(r);
    assert.equal(after.get('rdb_changes_since_last_save'), '0');
    assert.equal(after.get('rdb_saves'), String(Number(before.get('rdb_saves')) + 1));
    assert.equal(after.get('rdb_last_bgsave_status'), 'ok');
    const covered = Number(before.get('aikv_log_last_index'));
    assert.ok(Number(after.get('aikv_log_snapshot_index')) >= covered, 'every entry before SAVE');
    const lastsave = (await r.lastsave()) as number;
    assert.ok(lastsave >= started && lastsave <= Math.ceil(Date.now() / 1000), `${lastsave}`);
    assert.equal(String(lastsave), after.get('rdb_last_save_time'));
    assert.ok(Number(after.get('aikv_log_snapshot_bytes')) > 0);
    assert.deepEqual(
      readdirSync(join(server.dir, 'snap')).filter((n) => n.endsWith('.snap')).length,
      1,
    );
    await assert.rejects(r.call('SAVE', 'x'), /ERR wrong number of arguments for 'save' command/);
    assert.deepEqual(
      await r
        .multi()
        .set('y', '1')
        .save()
        .exec()
        .catch((e: Error) => e.message),
      'EXECABORT Transaction discarded because of previous errors.',
    );
  } finally {
    r.disconnect();
    await server.stop();
  }
});

test('BGSAVE runs in the background, refuses a second one, and DEBUG RELOAD keeps the digest', async () => {
  const server = await startServer(['--save', '', '--enable-debug-command', 'yes']);
  const r = await client(server);
  try {
    await load(r, 200_000);
    assert.equal(await r.call('BGSAVE'), 'Background saving started');
    assert.equal(await field(r, 'rdb_bgsave_in_progress'), '1');
    await assert.rejects(r.call('BGSAVE'), /^ReplyError: ERR Background save already in progress$/);
    await assert.rejects(r.call('BGSAVE', 'SCHEDULE'), /ERR Background save already in progress/);
    await assert.rejects(r.call('SAVE'), /ERR Background save already in progress/);
    await assert.rejects(r.call('BGSAVE', 'NOW'), /ERR syntax error/);
    await r.set('during', 'the save');
    await untilSaved(r);
    const info = await persistence(r);
    assert.equal(info.get('rdb_last_bgsave_status'), 'ok');
    assert.equal(info.get('rdb_changes_since_last_save'), '1', 'the write made during it');
    assert.notEqual(info.get('rdb_last_bgsave_time_sec'), '-1');
    assert.ok(Number(info.get('aikv_last_snapshot_max_loop_delay_ms')) >= 0);

    const digest = await r.call('DEBUG', 'DIGEST');
    assert.equal(await r.call('DEBUG', 'RELOAD'), 'OK');
    assert.equal(await r.call('DEBUG', 'DIGEST'), digest);
    assert.equal(await field(r, 'rdb_changes_since_last_save'), '0');
    assert.equal(await r.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.equal(await r.call('DEBUG', 'DIGEST'), digest);
    await assert.rejects(
      r.call('DEBUG', 'RELOAD', 'BOGUS'),
      /ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options\./,
    );
    assert.equal(await r.dbsize(), 200_005);

    const rewrites = Number(await field(r, 'aof_rewrites'));
    assert.equal(await r.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await assert.rejects(
      r.call('BGREWRITEAOF'),
      /ERR Background append only file rewriting already in progress/,
    );
    await assert.rejects(r.call('BGSAVE'), /ERR Another child process is active \(AOF\?\)/);
    assert.equal(await r.call('BGSAVE', 'SCHEDULE'), 'Background saving scheduled');
    while ((await field(r, 'aof_rewrite_in_progress')) === '1') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await field(r, 'aof_rewrites'), String(rewrites + 1));
    assert.equal(await field(r, 'aof_last_bgrewrite_status'), 'ok');
    assert.equal(await r.call('DEBUG', 'LOADAOF'), 'OK');
    assert.equal(await r.call('DEBUG', 'DIGEST'), digest);
  } finally {
    r.disconnect();
    await server.stop();
  }
});

test('a restart after a BGSAVE under writes restores everything: same digest, same LASTSAVE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aikv-persist-'));
  try {
    let server = await startServer(['--save', ''], { dir });
    let r = await client(server);
    await load(r, 50_000, 'a');
    await r.select(3);
    await r.set('in-db-3', 'x', 'PX', '3600000');
    await r.select(0);
    assert.equal(await r.call('BGSAVE'), 'Background saving started');
    await load(r, 20_000, 'b');
    await r.del('a:1', 'a:2');
    await r.call('SWAPDB', '0', '4');
    await untilSaved(r);
    await load(r, 1_000, 'c');
    const digest = await r.call('DEBUG', 'DIGEST');
    const lastsave = await r.lastsave();
    r.disconnect();
    await server.kill();

    server = await startServer(['--save', ''], { dir });
    r = await client(server);
    try {
      assert.equal(await r.call('DEBUG', 'DIGEST'), digest);
      assert.equal(await r.lastsave(), lastsave);
      const info = await persistence(r);
      assert.ok(Number(info.get('rdb_last_load_keys_loaded')) > 50_000);
      assert.ok(Number(info.get('rdb_changes_since_last_save')) > 0, 'entries replayed after it');
      r.disconnect();
      await server.stop();
      server = await startServer(['--save', ''], { dir });
      r = await client(server);
      assert.equal(await r.call('DEBUG', 'DIGEST'), digest, 'and after a clean shutdown');
    } finally {
      r.disconnect();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the save schedule takes a snapshot once enough changes are due: 'save 1 3'", async () => {
  const server = await startServer(['--save', '1 3']);
  const r = await client(server);
  try {
    const saves = Number(await field(r, 'rdb_saves'));
    // Writes go on until the schedule saves (a snapshot the log takes meanwhile resets the count).
    for (let i = 0; i < 100 && Number(await field(r, 'rdb_saves')) === saves; i++) {
      await r.set(`k${i}`, 'v');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(Number(await field(r, 'rdb_saves')), saves + 1, 'an RDB save, not the log');
    await untilSaved(r);
    assert.equal(await field(r, 'rdb_last_bgsave_status'), 'ok');
  } finally {
    r.disconnect();
    await server.stop();
  }
});
