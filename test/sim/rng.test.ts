import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimRng, seed32 } from './rng.js';

const draws = (rng: SimRng, n: number): number[] => Array.from({ length: n }, () => rng.uint32());

test('the same seed gives the same stream; another seed another one', () => {
  assert.deepEqual(draws(new SimRng(42), 100), draws(new SimRng(42), 100));
  assert.notDeepEqual(draws(new SimRng(42), 100), draws(new SimRng(43), 100));
});

test('seeds beyond 32 bits and negative seeds are not folded onto small ones', () => {
  assert.notEqual(seed32(2 ** 32 + 5), seed32(5));
  assert.notEqual(seed32(-5), seed32(5));
  assert.notDeepEqual(draws(new SimRng(2 ** 40 + 1), 10), draws(new SimRng(1), 10));
  assert.throws(() => new SimRng(1.5), RangeError);
  assert.throws(() => new SimRng(2 ** 60), RangeError);
});

test('int, range and float stay in bounds and are roughly uniform', () => {
  const rng = new SimRng(1);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const n = rng.int(10);
    assert.ok(Number.isInteger(n) && n >= 0 && n < 10);
    counts[n]!++;
  }
  for (const c of counts) assert.ok(c > 9_000 && c < 11_000, `bucket of ${c}`);
  for (let i = 0; i < 1000; i++) {
    const r = rng.range(-3, 3);
    assert.ok(r >= -3 && r <= 3 && Number.isInteger(r));
    const f = rng.float();
    assert.ok(f >= 0 && f < 1);
  }
  assert.equal(rng.range(7, 7), 7);
  assert.throws(() => rng.int(0), RangeError);
  assert.throws(() => rng.int(2.5), RangeError);
  assert.throws(() => rng.range(2, 1), RangeError);
});

test('chance(p) is true about p of the time, never for 0 and always for 1', () => {
  const rng = new SimRng(2);
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (rng.chance(0.3)) hits++;
  assert.ok(hits > 29_000 && hits < 31_000, `${hits} hits`);
  for (let i = 0; i < 1000; i++) {
    assert.equal(rng.chance(0), false);
    assert.equal(rng.chance(1), true);
  }
});

test('pick and shuffle are deterministic and shuffle permutes', () => {
  const a = new SimRng(9).shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
  const b = new SimRng(9).shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(a, b);
  assert.deepEqual([...a].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(new SimRng(4).pick(['x', 'y', 'z']), new SimRng(4).pick(['x', 'y', 'z']));
  assert.throws(() => new SimRng(4).pick([]), RangeError);
});

test('a fork is reproducible and does not move with later draws of its parent', () => {
  const parent1 = new SimRng(5);
  const parent2 = new SimRng(5);
  const fork1 = parent1.fork();
  const fork2 = parent2.fork();
  draws(parent2, 50);
  assert.deepEqual(draws(fork1, 20), draws(fork2, 20));
  assert.notDeepEqual(draws(parent1.fork(), 20), draws(new SimRng(5).fork(), 20));
});
