/**
 * Repeated crashes of a 3-node group under write load: kill -9 of the leader, of a
 * follower, and of every node at once, round after round. Every acknowledged write is
 * there after recovery, and no write is half-applied: each MSET of a pair of keys left
 * both or neither, whatever its client saw.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { TestCluster, sleep } from '../support/cluster.js';

let c: TestCluster;

before(async () => {
  c = await TestCluster.start(3);
});

after(async () => {
  await c.close();
});

/** Writes MSET pairs through whichever node leads; remembers what was acknowledged. */
class PairWriter {
  private r: Redis | null = null;
  private node: number;
  readonly acked: string[] = [];
  readonly attempted: string[] = [];

  constructor(
    private readonly name: string,
    start: number,
  ) {
    this.node = start;
  }

  async run(stopped: () => boolean): Promise<void> {
    for (let n = 0; !stopped(); n++) {
      const id = `${this.name}:${n}`;
      this.attempted.push(id);
      if (await this.write(id)) this.acked.push(id);
      else await sleep(20);
    }
    this.r?.disconnect();
  }

  private async write(id: string): Promise<boolean> {
    try {
      this.r ??= await c.client(this.node);
      return (await this.r.mset(`a:${id}`, id, `b:${id}`, id)) === 'OK';
    } catch (err) {
      this.r?.disconnect();
      this.r = null;
      this.node = c.redirect(err as Error, this.node);
      return false;
    }
  }
}

async function values(leader: number, keys: readonly string[]): Promise<(string | null)[]> {
  const r = await c.client(leader);
  try {
    const out: (string | null)[] = [];
    for (let i = 0; i < keys.length; i += 500)
      out.push(...(await r.mget(...keys.slice(i, i + 500))));
    return out;
  } finally {
    r.disconnect();
  }
}

type Crash = 'leader' | 'follower' | 'all';

async function crash(kind: Crash): Promise<void> {
  const leader = await c.leader();
  if (kind === 'all') {
    await Promise.all([1, 2, 3].map((id) => c.kill(id)));
    await sleep(200);
    await Promise.all([1, 2, 3].map((id) => c.startNode(id)));
    return;
  }
  const victim = kind === 'leader' ? leader : ([1, 2, 3].find((id) => id !== leader) as number);
  await c.kill(victim);
  await sleep(700);
  await c.startNode(victim);
}

test('kill -9 of the leader, a follower and all nodes, repeatedly: nothing acknowledged is lost, nothing half-applies', async (t) => {
  const writers = Array.from({ length: 6 }, (_, i) => new PairWriter(`p${i}`, (i % 3) + 1));
  let stop = false;
  const load = writers.map((w) => w.run(() => stop));
  const rounds: Crash[] = ['leader', 'follower', 'all', 'leader', 'all'];
  for (const kind of rounds) {
    await sleep(800);
    await crash(kind);
  }
  await sleep(1_000);
  stop = true;
  await Promise.all(load);

  const leader = await c.leader();
  const attempted = writers.flatMap((w) => w.attempted);
  const acked = new Set(writers.flatMap((w) => w.acked));
  t.diagnostic(
    `${attempted.length} MSETs sent, ${acked.size} acknowledged, crashes: ${rounds.join(', ')}`,
  );
  assert.ok(acked.size > 200, `enough load: ${acked.size} acknowledged pairs`);
  const a = await values(
    leader,
    attempted.map((id) => `a:${id}`),
  );
  const b = await values(
    leader,
    attempted.map((id) => `b:${id}`),
  );
  const lost = attempted.filter((id, i) => acked.has(id) && a[i] !== id);
  const half = attempted.filter((id, i) => (a[i] === null) !== (b[i] === null));
  assert.deepEqual(lost, [], 'acknowledged pairs missing');
  assert.deepEqual(half, [], 'pairs with one key only');
  await c.sameDigest([1, 2, 3]);
});
