/**
 * A 3-node group of real processes formed with cluster-join: writes go to the leader and
 * reach every replica; followers redirect (MOVED), serve READONLY reads, or forward with
 * follower-proxy; ioredis.Cluster follows the redirections; ROLE, INFO replication and
 * WAIT describe the group.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from 'ioredis';
import { TestCluster, errorText } from '../support/cluster.js';

let c: TestCluster;
let leader: number;
let followers: number[];

before(async () => {
  // A generous election timeout: no election under CI load moves the leader mid-test.
  c = await TestCluster.start(3, { timeoutMs: 1000 });
  leader = await c.leader();
  followers = [1, 2, 3].filter((id) => id !== leader);
});

after(async () => {
  await c.close();
});

test('writes on the leader reach every replica: the same DEBUG DIGEST on all three', async () => {
  const r = await c.client(leader);
  try {
    for (let i = 0; i < 50; i++) await r.set(`key:${i}`, `value:${i}`);
    await r.rpush('list', 'a', 'b', 'c');
    await r.hset('hash', 'f', 'v');
    await r.set('ttl', 'x', 'PX', 600_000);
  } finally {
    r.disconnect();
  }
  const digest = await c.sameDigest([1, 2, 3]);
  assert.match(digest, /^[0-9a-f]{40}$/);
  assert.notEqual(digest, '0'.repeat(40));
});

test("a follower answers MOVED <slot> with the leader's address, for reads and writes", async () => {
  const target = `127.0.0.1:${c.node(leader).port}`;
  const follower = followers[0] as number;
  assert.equal(errorText(await c.call(follower, 'GET', 'foo')), `MOVED 12182 ${target}`);
  assert.equal(errorText(await c.call(follower, 'SET', 'foo', 'x')), `MOVED 12182 ${target}`);
  assert.equal(errorText(await c.call(follower, 'FLUSHALL')), `MOVED 0 ${target}`);
  assert.equal(await c.call(leader, 'GET', 'foo'), null, 'the redirected SET did not apply');
  // Keyless reads and node commands run on the follower itself.
  assert.equal(typeof (await c.call(follower, 'DBSIZE')), 'number');
  assert.equal(await c.call(follower, 'PING'), 'PONG');
});

test('in MULTI on a follower, a redirected command fails the transaction', async () => {
  const r = await c.client(followers[0] as number);
  try {
    const answers = await r
      .multi()
      .set('m1', 'x')
      .exec()
      .catch((err: Error) => err);
    assert.ok(answers instanceof Error, 'EXEC aborts');
    assert.match(answers.message, /EXECABORT/);
  } finally {
    r.disconnect();
  }
  assert.equal(await c.call(leader, 'GET', 'm1'), null);
});

test('after READONLY a follower serves reads from its own state; writes still redirect', async () => {
  await c.call(leader, 'SET', 'ro-key', 'seen');
  await c.sameDigest([1, 2, 3]);
  const r = await c.client(followers[1] as number);
  try {
    assert.equal(await r.call('READONLY'), 'OK');
    assert.match(String(await r.call('CLIENT', 'INFO')), / flags=r /);
    assert.equal(await r.get('ro-key'), 'seen');
    await assert.rejects(r.set('ro-key', 'no'), /^ReplyError: MOVED \d+ 127\.0\.0\.1:\d+$/);
    assert.equal(await r.call('READWRITE'), 'OK');
    await assert.rejects(r.get('ro-key'), /MOVED/);
  } finally {
    r.disconnect();
  }
});

test('follower-proxy forwards writes and reads to the leader, in order, per database', async () => {
  const follower = followers[0] as number;
  assert.equal(await c.call(follower, 'CONFIG', 'SET', 'follower-proxy', 'yes'), 'OK');
  const r = await c.client(follower);
  try {
    const results = await Promise.all([
      r.set('proxied', '1'),
      r.incr('proxied'),
      r.get('proxied'),
      r.select(3),
      r.set('in-db-3', 'three'),
      r.get('in-db-3'),
    ]);
    assert.deepEqual(results, ['OK', 2, '2', 'OK', 'OK', 'three']);
  } finally {
    r.disconnect();
    await c.call(follower, 'CONFIG', 'SET', 'follower-proxy', 'no');
  }
  const l = await c.client(leader);
  try {
    assert.equal(await l.get('proxied'), '2');
    await l.select(3);
    assert.equal(await l.get('in-db-3'), 'three');
  } finally {
    l.disconnect();
  }
});

test('ioredis.Cluster does SET/GET through MOVED redirections from a follower seed', async () => {
  const cluster = new Cluster([{ host: '127.0.0.1', port: c.node(followers[0] as number).port }], {
    enableOfflineQueue: true,
    redisOptions: { maxRetriesPerRequest: 1 },
  });
  try {
    for (let i = 0; i < 20; i++) assert.equal(await cluster.set(`cl:${i}`, String(i)), 'OK');
    for (let i = 0; i < 20; i++) assert.equal(await cluster.get(`cl:${i}`), String(i));
  } finally {
    cluster.disconnect();
  }
  assert.equal(await c.call(leader, 'GET', 'cl:7'), '7');
});

test('CLUSTER SLOTS names the leader as master of 0-16383 and both followers', async () => {
  for (const id of [1, 2, 3]) {
    const slots = (await c.call(id, 'CLUSTER', 'SLOTS')) as unknown[][];
    assert.equal(slots.length, 1);
    const [start, end, master, ...replicas] = slots[0] as unknown[];
    assert.deepEqual([start, end], [0, 16383]);
    assert.equal((master as unknown[])[1], c.node(leader).port);
    assert.equal(replicas.length, 2, `seen from node ${id}`);
  }
});

test('ROLE, INFO replication and WAIT describe the group', async () => {
  const role = (await c.call(leader, 'ROLE')) as unknown[];
  assert.equal(role[0], 'master');
  assert.equal((role[2] as unknown[]).length, 2);
  const info = (await c.call(leader, 'INFO', 'replication')) as string;
  assert.match(info, /role:master\r\nconnected_slaves:2\r\n/);
  assert.match(info, /slave0:ip=127\.0\.0\.1,port=\d+,state=online,offset=\d+,lag=\d+\r\n/);
  const f = (await c.call(followers[0] as number, 'INFO', 'replication')) as string;
  assert.match(
    f,
    new RegExp(
      `role:slave\\r\\nmaster_host:127\\.0\\.0\\.1\\r\\nmaster_port:${c.node(leader).port}\\r\\nmaster_link_status:up\\r\\n`,
    ),
  );
  const r = await c.client(leader);
  try {
    await r.set('waited', '1');
    assert.equal(await r.call('WAIT', '2', '5000'), 2);
    assert.equal(await r.call('WAIT', '5', '50'), 2, 'times out with the replicas it has');
  } finally {
    r.disconnect();
  }
  const hello = (await c.call(followers[0] as number, 'HELLO', '2')) as unknown[];
  assert.deepEqual(hello.slice(8, 12), ['mode', 'cluster', 'role', 'replica']);
  assert.match(
    errorText(await c.call(followers[0] as number, 'WAIT', '1', '0')),
    /^ERR WAIT cannot be used with replica instances/,
  );
});
