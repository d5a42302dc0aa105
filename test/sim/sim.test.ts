import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCENARIO, runScenario } from './scenario.js';
import { World } from './world.js';

// CI's bounded batch; `npm run sim -- --seeds 10000` runs many more.
const CI_SEEDS = 16;

test(`${CI_SEEDS} seeded simulations keep every safety, liveness and linearizability check`, () => {
  for (let seed = 1; seed <= CI_SEEDS; seed++) {
    const r = runScenario(seed, DEFAULT_SCENARIO);
    assert.deepEqual(r.violations, [], `seed ${seed}: replay with npm run sim -- --seed ${seed}`);
    assert.ok(r.operations > 100, `seed ${seed} ran only ${r.operations} client operations`);
    assert.equal(r.linearizability, 'ok', `seed ${seed}: the history check ran out of budget`);
  }
});

test('a seed replays exactly: the same history, faults and outcome', () => {
  const a = runScenario(7, DEFAULT_SCENARIO);
  assert.deepEqual(runScenario(7, DEFAULT_SCENARIO), a);
  assert.notEqual(runScenario(8, DEFAULT_SCENARIO).historyDigest, a.historyDigest);
});

test('a replica whose state drifts from the others is caught by the digest checks', () => {
  const world = new World({
    seed: 11,
    nodes: 3,
    groups: 1,
    clientsPerGroup: 2,
    snapshotEntries: 0,
    membership: false,
  });
  world.startClients(1500);
  // A key only node 2 has, as if it had applied one entry differently.
  world.scheduler.schedule(1000, () =>
    world.nodes.get(2)?.replicas.get(1)?.keyspace.db(0).set('drift', 'x', 0),
  );
  world.scheduler.runUntil(3500);
  world.checkConvergence();
  // DEBUG DIGEST itself differs (not only the deadlines beside it).
  const state =
    /^replica state: group 1 after index \d+: node \d has (\w{40}).*, node \d has (\w{40})/;
  const [, a, b] = state.exec(world.violations[0] ?? '') ?? [];
  assert.ok(a !== undefined && b !== undefined && a !== b, world.violations[0]);
  assert.match(world.violations[1] ?? '', /^convergence: group 1 replicas differ/);
  assert.equal(world.violations.length, 2);
});
