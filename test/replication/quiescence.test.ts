import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MultiRaft } from '../../src/replication/multi-raft.js';
import type { NodeId } from '../../src/raft/types.js';
import { Cluster, propose } from './cluster.js';
import { MemoryRaftStore } from './memory-raft-store.js';

function cluster(ids: readonly NodeId[]): Cluster {
  return new Cluster(ids, 0, () => new MemoryRaftStore(setImmediate));
}

const active = (c: Cluster): number[] => [...c.nodes.values()].map((n) => n.activeGroups);

test('an idle group stops ticking on every replica, and a proposal wakes it', async () => {
  const c = cluster([1, 2, 3]);
  const leader = await c.elect();
  assert.ok((await propose(leader, 'a')).ok);
  await c.ticks(25);
  assert.deepEqual(active(c), [0, 0, 0], 'quiesced everywhere');
  assert.equal(leader.quiescedTotal, 1);
  const follower = [...c.nodes.values()].find((n) => n !== leader) as MultiRaft;
  assert.ok((await propose(follower, 'b')).ok, 'a forwarded proposal wakes the group');
  await c.ticks(2);
  for (const a of c.appliers.values()) assert.deepEqual(a.items, ['a', 'b']);
});

test('followers of a quiesced group elect a new leader when its node goes silent', async () => {
  const c = cluster([1, 2, 3]);
  const old = await c.elect();
  await c.ticks(25);
  assert.deepEqual(active(c), [0, 0, 0]);
  c.cut.add(old.options.id);
  // No proposal or read wakes anything: only the silence of the leader's node does.
  await c.ticks(60);
  const next = c.leader();
  assert.ok(next !== undefined && next !== old, 'a new leader was elected');
  assert.ok((await propose(next, 'after')).ok);
});

test('a read on a quiesced leader is served after a heartbeat round', async () => {
  const c = cluster([1, 2, 3]);
  const leader = await c.elect();
  assert.ok((await propose(leader, 'x')).ok);
  await c.ticks(25);
  assert.equal(leader.activeGroups, 0);
  const err = await c.settle(new Promise((resolve) => leader.group(1)?.read(resolve)));
  assert.equal(err, null);
});
