/**
 * SHUTDOWN on a real process, with Redis's rule for the final snapshot: SAVE takes one,
 * NOSAVE not, plain SHUTDOWN iff a `save` schedule is set. A restart shows it: the
 * snapshot it loads covers every write (aikv_log_snapshot_index), or it is the one the
 * node had before and the writes are replayed from the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connectOnce, startServer, type RunningServer } from '../support/server.js';

const KEYS = 500;

function client(server: RunningServer): Promise<Redis> {
  return connectOnce(server.port);
}

async function field(r: Redis, name: string): Promise<string> {
  const text = await r.info('persistence');
  return new RegExp(`^${name}:(.*)\r$`, 'm').exec(text)?.[1] ?? '';
}

/**
 * Writes KEYS keys, sends `shutdown` (the process must exit 0), restarts on the same
 * directory and tells whether the restart loaded a snapshot of every write.
 */
async function shutdownAndRestart(save: string, shutdown: string[]): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'aikv-shutdown-'));
  try {
    const first = await startServer(['--save', save], { dir });
    const r = await client(first);
    // A new group snapshots its founding configuration once: let that one be taken.
    while ((await field(r, 'aikv_log_snapshot_index')) === '0') {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let i = 0; i < KEYS; i += 100) {
      await r.mset(...Array.from({ length: 100 }, (_, j) => [`k:${i + j}`, 'v']).flat());
    }
    const lastIndex = Number(await field(r, 'aikv_log_last_index'));
    const snapshotBefore = Number(await field(r, 'aikv_log_snapshot_index'));
    assert.ok(snapshotBefore < lastIndex);
    const exited = new Promise<number | null>((resolve) => first.process.once('exit', resolve));
    // Success closes the connection without a reply, as in Redis.
    await r.call('SHUTDOWN', ...shutdown).catch(() => undefined);
    assert.equal(await exited, 0, first.output());
    r.disconnect();
    const second = await startServer(['--save', save], { dir });
    const s = await client(second);
    try {
      assert.equal(await s.dbsize(), KEYS, 'every key is back, from snapshot or log');
      const snapshotIndex = Number(await field(s, 'aikv_log_snapshot_index'));
      const saved = snapshotIndex >= lastIndex;
      assert.ok(saved || snapshotIndex === snapshotBefore, `snapshot at ${snapshotIndex}`);
      return saved;
    } finally {
      s.disconnect();
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SHUTDOWN SAVE takes a snapshot first: the restart loads it', async () => {
  assert.equal(await shutdownAndRestart('', ['SAVE']), true);
});

test('SHUTDOWN NOSAVE takes none even with a save schedule: the restart replays the log', async () => {
  assert.equal(await shutdownAndRestart('3600 1', ['NOSAVE']), false);
});

test('plain SHUTDOWN saves iff a save schedule is set', async () => {
  assert.equal(await shutdownAndRestart('', []), false);
  assert.equal(await shutdownAndRestart('3600 1', []), true);
});

test('SHUTDOWN ABORT with no shutdown in progress, and bad combinations, as Redis', async () => {
  const server = await startServer(['--save', '']);
  const r = await client(server);
  try {
    const abort = await r.call('SHUTDOWN', 'ABORT').catch((e: Error) => e.message);
    assert.equal(abort, 'ERR No shutdown in progress.');
    const both = await r.call('SHUTDOWN', 'SAVE', 'NOSAVE').catch((e: Error) => e.message);
    assert.equal(both, 'ERR syntax error');
    const mixed = await r.call('SHUTDOWN', 'ABORT', 'NOW').catch((e: Error) => e.message);
    assert.equal(mixed, 'ERR syntax error');
    assert.equal(await r.ping(), 'PONG', 'still running');
  } finally {
    r.disconnect();
    await server.stop();
  }
});
