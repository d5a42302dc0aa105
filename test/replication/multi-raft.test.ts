import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MultiRaft } from '../../src/replication/multi-raft.js';
import type { NodeId } from '../../src/raft/types.js';
import { Cluster, propose } from './cluster.js';
import { MemoryRaftStore } from './memory-raft-store.js';

/** Memory stores that outlive a node's stop(), as a disk would. */
function memoryCluster(ids: readonly NodeId[], snapshotEntries = 0): Cluster {
  const stores = new Map<NodeId, MemoryRaftStore>();
  return new Cluster(ids, snapshotEntries, (id) => {
    let store = stores.get(id);
    if (store === undefined) stores.set(id, (store = new MemoryRaftStore(setImmediate)));
    return store;
  });
}

test('a single-node group elects itself and applies proposals in order', async () => {
  const c = memoryCluster([1]);
  const leader = await c.elect();
  const outcomes = await Promise.all(['a', 'b', 'c'].map((p) => propose(leader, p)));
  assert.deepEqual(
    outcomes.map((o) => (o.ok ? o.value : o.failure)),
    [1, 2, 3],
  );
  assert.deepEqual(c.appliers.get(1)?.items, ['a', 'b', 'c']);
});

test('proposals of one turn share one flush (group commit)', async () => {
  const c = memoryCluster([1]);
  const leader = await c.elect();
  const store = c.stores.get(1) as MemoryRaftStore;
  const before = store.flushes;
  const all = Array.from({ length: 200 }, (_, i) => propose(leader, `p${i}`));
  const outcomes = await Promise.all(all);
  assert.ok(outcomes.every((o) => o.ok));
  assert.ok(store.flushes - before <= 2, `${store.flushes - before} flushes for one batch`);
});

test('a sole voter under steady load tells its store applied entries may leave memory', async () => {
  const c = memoryCluster([1]);
  const leader = await c.elect();
  const store = c.stores.get(1) as MemoryRaftStore;
  // New proposals every turn keep a flush running, so entries apply early, while the
  // next flush is under way, rather than from a Ready of their own.
  let lag = 0;
  for (let turn = 0; turn < 50; turn++) {
    for (let i = 0; i < 10; i++) void propose(leader, `t${turn}-${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    const applied = c.appliers.get(1)?.items.length as number;
    lag = Math.max(lag, applied - (store.released.get(1) ?? 0));
  }
  assert.ok((c.appliers.get(1)?.items.length as number) > 300);
  assert.ok(lag <= 40, `applied entries ran ${lag} ahead of what memory could drop`);
});

test('three replicas apply the same entries; a follower proposal is forwarded', async () => {
  const c = memoryCluster([1, 2, 3]);
  const leader = await c.elect();
  const follower = [...c.nodes.values()].find((n) => n !== leader) as MultiRaft;
  assert.ok((await propose(leader, 'from-leader')).ok);
  const forwarded = await propose(follower, 'from-follower');
  assert.ok(forwarded.ok);
  await c.ticks(3);
  for (const a of c.appliers.values()) assert.deepEqual(a.items, ['from-leader', 'from-follower']);
});

test('a read completes once the read index is applied on the leader', async () => {
  const c = memoryCluster([1, 2, 3]);
  const leader = await c.elect();
  await propose(leader, 'x');
  const err = await new Promise((resolve) => leader.group(1)?.read(resolve));
  assert.equal(err, null);
});

test('an isolated leader cannot commit: its proposal fails, the majority moves on', async () => {
  const c = memoryCluster([1, 2, 3]);
  const old = await c.elect();
  c.cut.add(old.options.id);
  const lost = propose(old, 'lost');
  const next = await c.elect();
  assert.notEqual(next, old);
  assert.ok((await propose(next, 'kept')).ok);
  c.cut.delete(old.options.id);
  const outcome = await c.settle(lost);
  assert.deepEqual(outcome, { ok: false, failure: 'superseded' });
  await c.ticks(5);
  for (const a of c.appliers.values()) assert.deepEqual(a.items, ['kept']);
});

test('snapshots compact the log and a restarted node restores snapshot plus log', async () => {
  const c = memoryCluster([1], 5);
  const leader = await c.elect();
  for (let i = 0; i < 12; i++) assert.ok((await propose(leader, `v${i}`)).ok);
  const store = c.stores.get(1) as MemoryRaftStore;
  assert.ok(store.log(1).firstIndex() > 5, 'the log was compacted');
  leader.stop();
  const restarted = c.start(1);
  await c.ticks(30);
  assert.ok(restarted.group(1)?.isLeader);
  const expected = Array.from({ length: 12 }, (_, i) => `v${i}`);
  assert.deepEqual(c.appliers.get(1)?.items, expected);
});

test('a turn with more proposals than one call can spread still commits them all', async () => {
  const c = memoryCluster([1]);
  const leader = await c.elect();
  const all = Array.from({ length: 200_000 }, (_, i) => propose(leader, `p${i}`));
  const outcomes = await Promise.all(all);
  assert.ok(outcomes.every((o) => o.ok));
  assert.equal(c.appliers.get(1)?.items.length, 200_000);
});
