import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqWindow } from '../../src/util/seq-window.js';
import { Rng } from '../../src/util/rng.js';

test('a sequence window numbers values consecutively and finds them until deleted', () => {
  const w = new SeqWindow<string>();
  assert.equal(w.add('a'), 1);
  assert.equal(w.add('b'), 2);
  assert.equal(w.add('c'), 3);
  assert.equal(w.get(2), 'b');
  assert.equal(w.delete(2), 'b');
  assert.equal(w.get(2), undefined);
  assert.equal(w.delete(2), undefined);
  assert.equal(w.size, 2);
  assert.deepEqual(
    [...w.entries()],
    [
      [1, 'a'],
      [3, 'c'],
    ],
  );
  assert.equal(w.delete(1), 'a');
  assert.equal(w.firstSeq, 3, 'deleting the oldest moves past the hole after it');
  assert.equal(w.get(4), undefined, 'a number not given out yet is absent');
});

test('a sequence window agrees with a Map under random adds and out-of-order deletes', () => {
  const rng = new Rng(7);
  const w = new SeqWindow<number>();
  const model = new Map<number, number>();
  for (let step = 0; step < 30_000; step++) {
    if (rng.next() < 0.52 || model.size === 0) {
      const seq = w.add(step);
      assert.equal(model.has(seq), false);
      model.set(seq, step);
    } else {
      // Mostly the oldest, sometimes any: proposals complete roughly in order.
      const keys = [...model.keys()];
      const seq = keys[rng.next() < 0.8 ? 0 : rng.below(keys.length)] as number;
      assert.equal(w.delete(seq), model.get(seq));
      model.delete(seq);
    }
    assert.equal(w.size, model.size);
  }
  assert.deepEqual([...w.entries()], [...model.entries()]);
  for (const [seq, value] of model) assert.equal(w.get(seq), value);
});

test('sequence numbers wrap around 32 bits', () => {
  const w = new SeqWindow<string>(0xffff_fffe);
  assert.equal(w.add('x'), 0xffff_fffe);
  assert.equal(w.add('y'), 0xffff_ffff);
  assert.equal(w.add('z'), 0);
  assert.equal(w.get(0), 'z');
  assert.equal(w.delete(0xffff_fffe), 'x');
  assert.equal(w.delete(0xffff_ffff), 'y');
  assert.equal(w.firstSeq, 0);
  assert.deepEqual([...w.entries()], [[0, 'z']]);
});
