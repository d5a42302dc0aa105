import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, SchedulerBudgetError } from './scheduler.js';
import { SimRng } from './rng.js';

test('events run in time order, ties in the order they were scheduled, and move the clock', () => {
  const s = new Scheduler();
  const log: string[] = [];
  s.schedule(10, () => log.push(`a@${s.now}`));
  s.schedule(5, () => log.push(`b@${s.now}`));
  s.schedule(10, () => log.push(`c@${s.now}`));
  s.at(5, () => log.push(`d@${s.now}`));
  assert.equal(s.pending, 4);
  assert.equal(s.runUntilIdle(), 4);
  assert.deepEqual(log, ['b@5', 'd@5', 'a@10', 'c@10']);
  assert.equal(s.now, 10);
  assert.equal(s.executed, 4);
});

test('an event scheduled for now runs after those already due now', () => {
  const s = new Scheduler();
  const log: string[] = [];
  s.schedule(1, () => {
    log.push('first');
    s.schedule(0, () => log.push('nested'));
  });
  s.schedule(1, () => log.push('second'));
  s.runUntilIdle();
  assert.deepEqual(log, ['first', 'second', 'nested']);
});

test('a cancelled event never runs and stops counting as pending', () => {
  const s = new Scheduler();
  let ran = false;
  const timer = s.schedule(3, () => (ran = true));
  assert.equal(timer.active, true);
  timer.cancel();
  timer.cancel();
  assert.equal(timer.active, false);
  assert.equal(s.pending, 0);
  assert.equal(s.nextTime(), null);
  assert.equal(s.runUntilIdle(), 0);
  assert.equal(ran, false);
});

test('runUntil runs what is due by then, leaves the rest, and sets the clock', () => {
  const s = new Scheduler(100);
  const log: number[] = [];
  for (const d of [5, 10, 15]) s.schedule(d, () => log.push(s.now));
  assert.equal(s.runUntil(110), 2);
  assert.deepEqual(log, [105, 110]);
  assert.equal(s.now, 110);
  assert.equal(s.nextTime(), 115);
  s.runFor(2);
  assert.equal(s.now, 112);
  assert.throws(() => s.runUntil(100), RangeError);
});

test('every() repeats until cancelled, also from its own callback', () => {
  const s = new Scheduler();
  const times: number[] = [];
  const timer = s.every(
    10,
    () => {
      times.push(s.now);
      if (times.length === 3) timer.cancel();
    },
    1,
  );
  s.runUntil(100);
  assert.deepEqual(times, [1, 11, 21]);
  assert.equal(timer.active, false);
  assert.equal(s.pending, 0);
});

test('a run that never settles hits its budget instead of hanging', () => {
  const s = new Scheduler();
  s.every(1, () => undefined);
  assert.throws(() => s.runUntilIdle(1000), SchedulerBudgetError);
  assert.throws(() => s.runWhile(() => true, 10), SchedulerBudgetError);
});

test('runWhile stops as soon as the condition fails, or when no event is left', () => {
  const s = new Scheduler();
  let count = 0;
  for (let i = 1; i <= 10; i++) s.schedule(i, () => count++);
  assert.equal(
    s.runWhile(() => count < 4),
    true,
  );
  assert.equal(count, 4);
  assert.equal(
    s.runWhile(() => true),
    false,
  );
  assert.equal(count, 10);
});

test('bad times are refused', () => {
  const s = new Scheduler(50);
  assert.throws(() => s.schedule(-1, () => undefined), RangeError);
  assert.throws(() => s.schedule(Infinity, () => undefined), RangeError);
  assert.throws(() => s.at(49, () => undefined), RangeError);
  assert.throws(() => s.every(0, () => undefined), RangeError);
});

/** A small random workload whose trace depends only on the seed. */
function trace(seed: number): string[] {
  const rng = new SimRng(seed);
  const s = new Scheduler();
  const log: string[] = [];
  const spawn = (name: string, depth: number): void => {
    s.schedule(rng.int(20), () => {
      log.push(`${s.now}:${name}`);
      if (depth < 3) for (let i = 0; i < rng.range(0, 3); i++) spawn(`${name}.${i}`, depth + 1);
    });
  };
  for (let i = 0; i < 5; i++) spawn(String(i), 0);
  s.runUntilIdle();
  return log;
}

test('a seeded workload replays exactly; another seed differs', () => {
  assert.deepEqual(trace(11), trace(11));
  assert.notDeepEqual(trace(11), trace(12));
});
