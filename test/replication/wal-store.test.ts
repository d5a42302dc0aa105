import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '../../src/storage/node-file-system.js';
import { WalStore } from '../../src/replication/wal-store.js';
import type { NodeId } from '../../src/raft/types.js';
import { Cluster, propose } from './cluster.js';

/** Nodes whose state lives in real WAL and snapshot files under a temp folder. */
function diskCluster(ids: readonly NodeId[], snapshotEntries: number): [Cluster, () => void] {
  const root = mkdtempSync(join(tmpdir(), 'aikv-walstore-'));
  const fs = new NodeFileSystem();
  const cluster = new Cluster(
    ids,
    snapshotEntries,
    (id) => new WalStore({ fs, dir: join(root, `n${id}`), policy: 'always', now: () => 0 }),
    20,
  );
  return [cluster, () => rmSync(root, { recursive: true, force: true })];
}

test('a node restarted on its WAL and snapshot files applies every acknowledged entry', async () => {
  const [c, cleanup] = diskCluster([1], 10);
  try {
    const leader = await c.elect();
    for (let i = 0; i < 35; i++) assert.ok((await propose(leader, `v${i}`)).ok);
    leader.stop();
    const restarted = c.start(1);
    await c.elect();
    // Entries past the persisted commit index apply once the new term's no-op commits.
    await c.ticks(3);
    assert.ok(restarted.group(1)?.isLeader);
    const expected = Array.from({ length: 35 }, (_, i) => `v${i}`);
    assert.deepEqual(c.appliers.get(1)?.items, expected);
  } finally {
    cleanup();
  }
});

test('a follower that missed compacted entries catches up from a snapshot file', async () => {
  const [c, cleanup] = diskCluster([1, 2, 3], 10);
  try {
    const leader = await c.elect();
    const lagging = [1, 2, 3].find((id) => id !== leader.options.id) as NodeId;
    c.cut.add(lagging);
    for (let i = 0; i < 40; i++) assert.ok((await propose(leader, `v${i}`)).ok);
    c.cut.delete(lagging);
    await c.ticks(30);
    const expected = Array.from({ length: 40 }, (_, i) => `v${i}`);
    assert.deepEqual(c.appliers.get(lagging)?.items, expected);
    c.nodes.get(lagging)?.stop();
    c.start(lagging);
    await c.ticks(10);
    assert.deepEqual(c.appliers.get(lagging)?.items, expected, 'restored from its own files');
  } finally {
    cleanup();
  }
});

test('a single node drops applied entries from memory and still replays them after a crash', async () => {
  const [c, cleanup] = diskCluster([1], 0);
  try {
    const leader = await c.elect();
    for (let i = 0; i < 30; i++) assert.ok((await propose(leader, `v${i}`)).ok);
    const store = c.stores.get(1) as WalStore;
    assert.ok(store.log(1).firstIndex() > 30, 'applied entries left memory');
    leader.stop();
    c.start(1);
    await c.elect();
    await c.ticks(3);
    assert.deepEqual(
      c.appliers.get(1)?.items,
      Array.from({ length: 30 }, (_, i) => `v${i}`),
    );
  } finally {
    cleanup();
  }
});
