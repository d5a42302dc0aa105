import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from '../../src/util/queue.js';

test('a queue gives items back first in, first out, across its internal compactions', () => {
  const q = new Queue<number>();
  let next = 0;
  let expected = 0;
  // Interleave pushes and shifts so the consumed prefix is dropped many times.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 3000; i++) q.push(next++);
    for (let i = 0; i < 2000; i++) assert.equal(q.shift(), expected++);
    assert.equal(q.length, next - expected);
    assert.equal(q.peek(), expected);
  }
  while (q.length > 0) assert.equal(q.shift(), expected++);
  assert.equal(expected, next);
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
});

test('clear empties the queue, which then works as new', () => {
  const q = new Queue<string>();
  q.push('a');
  q.push('b');
  q.clear();
  assert.equal(q.length, 0);
  q.push('c');
  assert.equal(q.shift(), 'c');
});
