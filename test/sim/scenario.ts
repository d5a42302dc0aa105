/**
 * One seeded simulation: a cluster under client load while faults are injected (crashes
 * with power loss, partitions, one-way cuts, isolated nodes, lossy/duplicating/reordering
 * links, leader transfers), then healing, then the liveness, convergence and
 * linearizability checks. Everything about the run, cluster shape included, follows from
 * the seed.
 */
import { createHash } from 'node:crypto';
import type { NodeId } from '../../src/raft/types.js';
import { SimRng } from './rng.js';
import { TICK_MS, World } from './world.js';

export interface ScenarioResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly nodes: number;
  readonly groups: number;
  readonly operations: number;
  readonly faults: number;
  /** Times a leader quiesced an idle group. */
  readonly quiesces: number;
  readonly linearizability: 'ok' | 'unknown';
  /** Virtual milliseconds simulated. */
  readonly simulatedMs: number;
  /** A digest of the client history: equal runs have equal digests. */
  readonly historyDigest: string;
}

export interface ScenarioOptions {
  /** Virtual time under faults. */
  readonly faultMs: number;
  /** Give up on linearizability (report 'unknown') after this many search steps. */
  readonly checkSteps: number;
  readonly log?: (line: string) => void;
}

/** Ticks after healing within which every group must commit a write (30 election timeouts). */
export const LIVENESS_TICKS = 300;

export const DEFAULT_SCENARIO: ScenarioOptions = { faultMs: 8_000, checkSteps: 2_000_000 };

/** Injects one random fault; returns its description. */
function injectFault(world: World, rng: SimRng): string {
  const ids = world.ids();
  const net = world.network;
  switch (rng.int(8)) {
    case 0: {
      const id = rng.pick(ids);
      world.crash(id);
      const downMs = rng.range(50, 1500);
      world.scheduler.schedule(downMs, () => {
        if (world.isFaulting && world.nodes.get(id)?.raft === null) world.start(id);
      });
      return `crash ${id} for ${downMs} ms`;
    }
    case 1: {
      const shuffled = rng.shuffle([...ids]);
      const cut = 1 + rng.int(ids.length - 1);
      const sides = [shuffled.slice(0, cut), shuffled.slice(cut)];
      net.partition(...sides);
      return `partition ${sides.map((s) => s.join(',')).join(' | ')}`;
    }
    case 2: {
      const id = rng.pick(ids);
      net.isolate(id);
      return `isolate ${id}`;
    }
    case 3: {
      const [from, to] = rng.shuffle([...ids]) as [NodeId, NodeId];
      net.cut(from, to);
      return `cut ${from} -> ${to}`;
    }
    case 4: {
      const drop = rng.float() * 0.2;
      const dup = rng.float() * 0.1;
      const reorder = rng.float() * 0.3;
      net.setDefaults({ dropRate: drop, duplicateRate: dup, reorderRate: reorder });
      return `links drop ${drop.toFixed(2)} dup ${dup.toFixed(2)} reorder ${reorder.toFixed(2)}`;
    }
    case 5: {
      const g = rng.pick(world.groupIds);
      const leader = world.leaderOf(g);
      if (leader === undefined) return `transfer g${g}: no leader`;
      const to = rng.pick(ids.filter((id) => id !== leader));
      world.nodes.get(leader)?.raft?.group(g)?.transferLeader(to);
      return `transfer g${g} ${leader} -> ${to}`;
    }
    default:
      net.heal();
      net.setDefaults({ dropRate: 0, duplicateRate: 0, reorderRate: 0 });
      return 'heal network';
  }
}

export function runScenario(
  seed: number,
  options: ScenarioOptions = DEFAULT_SCENARIO,
): ScenarioResult {
  const shape = new SimRng(seed ^ 0x5eed);
  const nodes = shape.pick([3, 3, 5]);
  const world = new World({
    seed,
    nodes,
    membership: nodes === 5 && shape.chance(0.7),
    groups: 1 + shape.int(3),
    clientsPerGroup: 3,
    snapshotEntries: shape.pick([0, 20, 100]),
  });
  const log = options.log ?? (() => {});
  const faultRng = world.rng.fork();
  const { scheduler } = world;
  const faultEnd = scheduler.now + options.faultMs;
  world.startClients(faultEnd);
  let faults = 0;
  const nextFault = (): void => {
    if (scheduler.now >= faultEnd) return;
    log(`${scheduler.now} ms: ${injectFault(world, faultRng)}`);
    faults++;
    scheduler.schedule(faultRng.range(100, 800), nextFault);
  };
  scheduler.schedule(500, nextFault);
  const nextMembershipChange = (): void => {
    if (scheduler.now >= faultEnd) return;
    log(`${scheduler.now} ms: ${world.changeMembership(faultRng.pick(world.groupIds), faultRng)}`);
    scheduler.schedule(faultRng.range(300, 900), nextMembershipChange);
  };
  if (world.options.membership) scheduler.schedule(300, nextMembershipChange);
  scheduler.runUntil(faultEnd);
  world.heal();
  log(`${scheduler.now} ms: healed`);
  // Let the clients' last operations finish or time out.
  scheduler.runFor(1500);
  world.checkLiveness(LIVENESS_TICKS * TICK_MS);
  scheduler.runFor(2000);
  world.checkConvergence();
  world.checkLogMatching();
  const linearizability = world.checkLinearizable(options.checkSteps);
  return {
    seed,
    violations: world.violations,
    nodes: world.options.nodes,
    groups: world.options.groups,
    operations: world.history.length,
    faults,
    quiesces:
      world.quiesces +
      world.ids().reduce((n, id) => n + (world.nodes.get(id)?.raft?.quiescedTotal ?? 0), 0),
    linearizability,
    simulatedMs: scheduler.now,
    historyDigest: createHash('sha256').update(JSON.stringify(world.history)).digest('hex'),
  };
}
