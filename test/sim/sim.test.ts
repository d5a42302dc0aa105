import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCENARIO, runScenario } from './scenario.js';

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
