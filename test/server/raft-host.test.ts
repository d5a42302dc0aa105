import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftHost } from '../../src/server/raft-host.js';
import type { ProposalOutcome, RaftGroup } from '../../src/replication/multi-raft.js';
import type { NodeId } from '../../src/raft/types.js';
import { ListApplier, text } from '../replication/cluster.js';

const quiet = { info: (): void => {}, warn: (): void => {}, error: (): void => {} };
const IDS: NodeId[] = [1, 2, 3];

interface Member {
  host: RaftHost;
  group: RaftGroup;
  applier: ListApplier;
}

async function startMember(id: NodeId, root: string): Promise<Member> {
  const host = await RaftHost.start({
    id,
    clusterId: 'test',
    dir: join(root, `n${id}`),
    policy: 'always',
    bus: { host: '127.0.0.1', port: 0 },
    peers: new Map(),
    tickMs: 20,
    raft: { electionTicks: 10, heartbeatTicks: 1, checkQuorum: true, preVote: true },
    requestTimeoutTicks: 100,
    snapshotEntries: 20,
    logger: quiet,
    onFatal: (err) => assert.fail(err),
  });
  const applier = new ListApplier();
  return { host, group: host.raft.openGroup(1, applier, IDS), applier };
}

/** Tells every member where every other one listens now. */
function wire(members: Map<NodeId, Member>): void {
  for (const [id, m] of members) {
    for (const [peer, other] of members) {
      if (peer !== id)
        m.host.transport?.setPeer(peer, {
          host: '127.0.0.1',
          port: other.host.transport?.port ?? 0,
        });
    }
  }
}

async function until<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const propose = (g: RaftGroup, s: string): Promise<ProposalOutcome> =>
  new Promise((resolve) => g.propose(text(s), resolve));

test('three hosts over TCP replicate, fail over when the leader stops, and a restarted node catches up', async () => {
  const root = mkdtempSync(join(tmpdir(), 'aikv-raft-host-'));
  const members = new Map<NodeId, Member>();
  try {
    for (const id of IDS) members.set(id, await startMember(id, root));
    wire(members);
    const leaderOf = (): Member | undefined => [...members.values()].find((m) => m.group.isLeader);
    let leader = await until('a leader', leaderOf);
    for (let i = 0; i < 30; i++) assert.ok((await propose(leader.group, `a${i}`)).ok);

    const oldId = leader.host.raft.options.id;
    await leader.host.close();
    members.delete(oldId);
    leader = await until('a new leader', leaderOf);
    for (let i = 0; i < 30; i++) assert.ok((await propose(leader.group, `b${i}`)).ok);

    members.set(oldId, await startMember(oldId, root));
    wire(members);
    const expected = [
      ...Array.from({ length: 30 }, (_, i) => `a${i}`),
      ...Array.from({ length: 30 }, (_, i) => `b${i}`),
    ];
    const restarted = members.get(oldId) as Member;
    await until('the restarted node to catch up', () =>
      restarted.applier.items.length === expected.length ? true : undefined,
    );
    assert.deepEqual(restarted.applier.items, expected);
  } finally {
    await Promise.all([...members.values()].map((m) => m.host.close()));
    rmSync(root, { recursive: true, force: true });
  }
});
