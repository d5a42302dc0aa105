/**
 * Membership of a 5-node group of real processes: formation, leader transfer with
 * CLUSTER FAILOVER and with aikv-admin, removing a node, and adding it back with an
 * empty directory through a follower (it joins the leader it is redirected to, dials
 * the members with higher ids itself, catches up and is promoted to voter).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { TestCluster } from '../support/cluster.js';

const run = promisify(execFile);
let c: TestCluster;

before(async () => {
  // A generous election timeout: leadership moves only when a test moves it.
  c = await TestCluster.start(5, { timeoutMs: 1000 });
});

after(async () => {
  await c.close();
});

async function admin(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['bin/aikv-admin', ...args]);
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

async function leadsWithin(id: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const role = await c.call(id, 'ROLE');
    if (Array.isArray(role) && role[0] === 'master') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`node ${id} did not lead within ${ms} ms`);
}

test('five nodes form one group; aikv-admin status lists them with one leader', async () => {
  const leader = await c.leader();
  const { code, out } = await admin('-p', String(c.node(1).port), 'status');
  assert.equal(code, 0, out);
  const rows = out.trim().split('\n');
  assert.match(rows[0] as string, /^ID\s+ADDRESS\s+ROLE\s+LINK\s+OFFSET$/);
  assert.equal(rows.length, 6);
  assert.equal(rows.filter((r) => / leader /.test(r)).length, 1);
  assert.ok(rows.some((r) => r.startsWith(`${leader} `) && / leader /.test(r)));
  assert.equal(await c.call(leader, 'SET', 'five', '5'), 'OK');
  await c.sameDigest([1, 2, 3, 4, 5]);
});

test('CLUSTER FAILOVER sent to a follower makes it the leader', async () => {
  const target = (await c.leader()) === 4 ? 3 : 4;
  assert.equal(await c.call(target, 'CLUSTER', 'FAILOVER'), 'OK');
  await leadsWithin(target, 5000);
  assert.match(
    String(await c.call(target, 'CLUSTER', 'FAILOVER')),
    /You should send CLUSTER FAILOVER to a replica/,
  );
});

test('aikv-admin transfer-leader moves leadership to the named node', async () => {
  const { code, out } = await admin('-p', String(c.node(1).port), 'transfer-leader', '5');
  assert.equal(code, 0, out);
  assert.match(out, /node 5 leads/);
  await leadsWithin(5, 1000);
});

test('a removed node leaves the group; the group keeps serving', async () => {
  // Sent to node 1, a follower: aikv-admin follows the MOVED to the leader (node 5).
  const { code, out } = await admin('-p', String(c.node(1).port), 'remove-node', '2');
  assert.equal(code, 0, out);
  assert.equal(out.trim(), 'OK');
  const nodes = String(await c.call(5, 'CLUSTER', 'NODES'));
  assert.equal(nodes.trim().split('\n').length, 4);
  assert.doesNotMatch(nodes, /^0{39}2 /m);
  assert.equal(await c.call(5, 'SET', 'after-removal', 'yes'), 'OK');
  await c.sameDigest([1, 3, 4, 5]);
});

test('the removed node comes back empty through a follower, catches up and votes again', async () => {
  await c.kill(2);
  rmSync(c.node(2).dir, { recursive: true, force: true });
  await c.startNode(2, 3);
  await c.waitFormed(5);
  assert.equal(await c.call(5, 'SET', 'after-rejoin', 'yes'), 'OK');
  await c.sameDigest([1, 2, 3, 4, 5]);
  const r = await c.client(2);
  try {
    await r.call('READONLY');
    assert.equal(await r.get('after-removal'), 'yes');
  } finally {
    r.disconnect();
  }
});
