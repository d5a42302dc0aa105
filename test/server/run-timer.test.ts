/** RunTimer (src/server/run-timer.ts): one clock read per command within a synchronous stretch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunTimer } from '../../src/server/run-timer.js';

function clockOf(readings: number[]): { clock: () => number; reads: () => number } {
  let reads = 0;
  return {
    clock: () => {
      const r = readings[reads++];
      if (r === undefined) throw new Error('clock read more often than expected');
      return r;
    },
    reads: () => reads,
  };
}

test('a run that follows another in the same stretch starts where it ended, without a read', () => {
  const c = clockOf([1.0, 1.002, 1.0035]);
  const timer = new RunTimer(c.clock);
  const first = timer.start();
  assert.equal(timer.stop(first), 2);
  const second = timer.start();
  assert.equal(second, 1.002);
  assert.equal(timer.stop(second), 2);
  assert.equal(c.reads(), 3);
});

test('after the stretch ends (a microtask checkpoint), a run starts from a fresh reading', async () => {
  const c = clockOf([5.0, 5.001, 9.0, 9.004]);
  const timer = new RunTimer(c.clock);
  timer.stop(timer.start());
  await Promise.resolve();
  const started = timer.start();
  assert.equal(started, 9.0);
  assert.equal(timer.stop(started), 4);
});
