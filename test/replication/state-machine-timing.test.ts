/**
 * StateMachine run times (INFO commandstats): a write counts the time its command took
 * to apply, once, on the node whose client waits for it; never the wait for the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/commands/registry.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { StateMachine, type RunTiming } from '../../src/replication/state-machine.js';

const SETTINGS = { protoMaxBulkLen: 512 * 1024 * 1024, number: () => 128 };

/** Every run takes 7 us; counts the runs it timed. */
class FixedTiming implements RunTiming {
  timed = 0;
  start(): number {
    return 0;
  }
  stop(): number {
    this.timed++;
    return 7;
  }
}

function machine(timing: FixedTiming): StateMachine {
  return new StateMachine(new Keyspace(16), new Registry(), SETTINGS, { timer: timing });
}

const SET = { kind: 'command', db: 0, argv: ['SET', 'k', 'v'], time: 1000, seed: 1 } as const;

test('the run time of a write applied for its own client is taken once', () => {
  const timing = new FixedTiming();
  const sm = machine(timing);
  sm.apply(SET, true);
  assert.equal(sm.takeRunMicros(), 7);
  assert.equal(sm.takeRunMicros(), 0, 'a write that failed before applying counts nothing');
});

test("another node's entries are not timed: their clients are elsewhere", () => {
  const timing = new FixedTiming();
  const sm = machine(timing);
  sm.apply(SET, false);
  assert.equal(timing.timed, 0);
  assert.equal(sm.takeRunMicros(), 0);
});
