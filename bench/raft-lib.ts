// One benchmark node (RaftHost: MultiRaft + WAL + TCP transport) with a counting state
// machine, and the closed-loop load that measures commit throughput and latency on it.
// bench/raft.ts runs several in one process; bench/raft-node.ts runs one per process.
import { performance } from 'node:perf_hooks';
import type { GroupApplier, RaftGroup } from '../src/replication/multi-raft.js';
import type { NodeId, Snapshot } from '../src/raft/types.js';
import { RaftHost } from '../src/server/raft-host.js';
import type { SyncPolicy } from '../src/storage/wal.js';

export const TICK_MS = 100;
const GROUP = 1;

export interface NodeSpec {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly dir: string;
  readonly policy: SyncPolicy;
  /** Bus port of every voter; 0 for this node picks a free one (in-process runs). */
  readonly ports: ReadonlyMap<NodeId, number>;
}

/** Counts applied entries; its snapshot is the count. */
class CountingApplier implements GroupApplier {
  applied = 0;
  apply(): unknown {
    return ++this.applied;
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(String(this.applied));
  }
  restore(snapshot: Snapshot): void {
    this.applied = Number(new TextDecoder().decode(snapshot.data));
  }
}

const quiet = { info: (): void => {}, warn: (): void => {}, error: console.error };

export async function startNode(spec: NodeSpec): Promise<{ host: RaftHost; group: RaftGroup }> {
  const peers = new Map<NodeId, { host: string; port: number }>();
  for (const [id, port] of spec.ports) {
    if (id !== spec.id && port !== 0) peers.set(id, { host: '127.0.0.1', port });
  }
  const host = await RaftHost.start({
    id: spec.id,
    clusterId: 'bench',
    dir: spec.dir,
    policy: spec.policy,
    bus: { host: '127.0.0.1', port: spec.ports.get(spec.id) ?? 0 },
    peers,
    tickMs: TICK_MS,
    raft: {
      electionTicks: 10,
      heartbeatTicks: 1,
      checkQuorum: true,
      preVote: true,
      maxInflightMsgs: 256,
      maxSizePerMsg: 1 << 20,
    },
    requestTimeoutTicks: 50,
    snapshotEntries: 200_000,
    logger: quiet,
    onFatal: (err) => {
      console.error(err);
      process.exit(1);
    },
  });
  const group = host.raft.openGroup(GROUP, new CountingApplier(), spec.voters);
  return { host, group };
}

export interface LoadResult {
  readonly commits: number;
  readonly failed: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

/**
 * Keeps `concurrency` proposals of `payloadBytes` in flight on the leader's group for
 * `seconds` after a one-second warm-up, like that many clients each waiting for its
 * write to commit before sending the next.
 */
export function runLoad(
  group: RaftGroup,
  o: { concurrency: number; seconds: number; payloadBytes: number },
): Promise<LoadResult> {
  const payload = new Uint8Array(o.payloadBytes).fill(0x78);
  const latencies: number[] = [];
  let failed = 0;
  let inflight = 0;
  const start = performance.now();
  const measureFrom = start + 1000;
  const end = measureFrom + o.seconds * 1000;
  return new Promise((resolve) => {
    const finish = (): void => {
      const sorted = Float64Array.from(latencies).sort();
      resolve({
        commits: latencies.length,
        failed,
        seconds: o.seconds,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
      });
    };
    const issue = (): void => {
      const t0 = performance.now();
      inflight++;
      group.propose(payload, (outcome) => {
        inflight--;
        const now = performance.now();
        if (t0 >= measureFrom && now <= end) {
          if (outcome.ok) latencies.push(now - t0);
          else failed++;
        }
        if (now < end) setImmediate(issue);
        else if (inflight === 0) finish();
      });
    };
    for (let i = 0; i < o.concurrency; i++) issue();
  });
}

/** Waits until `group` (on this node) leads, up to `ms`. */
export async function waitLeader(groups: readonly RaftGroup[], ms: number): Promise<RaftGroup> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const leader = groups.find((g) => g.isLeader);
    if (leader !== undefined) return leader;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no leader elected');
}
