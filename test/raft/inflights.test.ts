import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inflights } from '../../src/raft/inflights.js';

function filled(size: number, maxBytes: number, from: number, to: number): Inflights {
  const inflights = new Inflights(size, maxBytes);
  for (let i = from; i < to; i++) inflights.add(i, 100 + i);
  return inflights;
}

test('add records messages in order and counts their bytes', () => {
  const inflights = filled(10, 0, 0, 5);
  assert.deepEqual(inflights.toArray(), [0, 1, 2, 3, 4]);
  assert.equal(inflights.byteCount(), 510);
  for (let i = 5; i < 10; i++) inflights.add(i, 100 + i);
  assert.equal(inflights.count(), 10);
  assert.equal(inflights.byteCount(), 1045);
  assert.equal(inflights.full(), true);
});

test('freeLE frees every message up to the index, across the ring wrap', () => {
  const inflights = filled(10, 0, 0, 10);
  inflights.freeLE(0);
  assert.equal(inflights.count(), 9);
  assert.equal(inflights.byteCount(), 945);
  inflights.freeLE(4);
  assert.deepEqual(inflights.toArray(), [5, 6, 7, 8, 9]);
  assert.equal(inflights.byteCount(), 535);
  inflights.freeLE(8);
  assert.deepEqual(inflights.toArray(), [9]);
  assert.equal(inflights.byteCount(), 109);
  // The ring wraps: slots 0..4 are reused.
  for (let i = 10; i < 15; i++) inflights.add(i, 100 + i);
  inflights.freeLE(12);
  assert.deepEqual(inflights.toArray(), [13, 14]);
  assert.equal(inflights.byteCount(), 227);
  inflights.freeLE(14);
  assert.equal(inflights.count(), 0);
  assert.equal(inflights.byteCount(), 0);
});

test('freeLE below the oldest message frees nothing', () => {
  const inflights = filled(10, 0, 5, 8);
  inflights.freeLE(4);
  assert.deepEqual(inflights.toArray(), [5, 6, 7]);
});

test('a wrapped window that grew from a small buffer keeps its order', () => {
  const inflights = new Inflights(8, 0);
  let next = 0;
  for (let round = 0; round < 50; round++) {
    while (!inflights.full()) inflights.add(next++, 1);
    inflights.freeLE(next - 1 - (round % 7));
    const expected = Array.from({ length: round % 7 }, (_, i) => next - (round % 7) + i);
    assert.deepEqual(inflights.toArray(), expected);
  }
});

const FULL_CASES = [
  { name: 'always-full', size: 0, maxBytes: 0, fullAt: 0, freeLE: 0, againAt: 0 },
  { name: 'single-entry', size: 1, maxBytes: 0, fullAt: 1, freeLE: 1, againAt: 2 },
  { name: 'single-entry-overflow', size: 1, maxBytes: 10, fullAt: 1, freeLE: 1, againAt: 2 },
  { name: 'multi-entry', size: 15, maxBytes: 0, fullAt: 15, freeLE: 6, againAt: 22 },
  { name: 'slight-overflow', size: 8, maxBytes: 400, fullAt: 4, freeLE: 2, againAt: 7 },
  { name: 'exact-max-bytes', size: 8, maxBytes: 406, fullAt: 4, freeLE: 3, againAt: 8 },
  { name: 'larger-overflow', size: 15, maxBytes: 408, fullAt: 5, freeLE: 1, againAt: 6 },
];

for (const tc of FULL_CASES) {
  test(`full() by count and by bytes: ${tc.name}`, () => {
    const inflights = new Inflights(tc.size, tc.maxBytes);
    const addUntilFull = (from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        assert.equal(inflights.full(), false, `full at ${i}, want ${to}`);
        inflights.add(i, 100 + i);
      }
      assert.equal(inflights.full(), true, `not full at ${to}`);
    };
    addUntilFull(0, tc.fullAt);
    inflights.freeLE(tc.freeLE);
    addUntilFull(tc.fullAt, tc.againAt);
    assert.throws(() => inflights.add(100, 1024), /full/);
  });
}

test('reset empties the window without leaking bytes', () => {
  const inflights = new Inflights(10, 1000);
  let index = 0;
  for (let epoch = 0; epoch < 100; epoch++) {
    inflights.reset();
    for (let i = 0; i < 5; i++) {
      assert.equal(inflights.full(), false);
      inflights.add(++index, 16);
    }
    inflights.freeLE(index - 2);
    assert.equal(inflights.full(), false);
    assert.equal(inflights.count(), 2);
  }
  inflights.freeLE(index);
  assert.equal(inflights.count(), 0);
});

test('clone is independent of the original', () => {
  const original = filled(4, 0, 1, 3);
  const copy = original.clone();
  copy.add(3, 1);
  original.freeLE(2);
  assert.deepEqual(copy.toArray(), [1, 2, 3]);
  assert.deepEqual(original.toArray(), []);
});
