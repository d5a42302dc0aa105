/**
 * The sorted set structure: the order-statistic B+tree against a sorted-array model
 * under random inserts, updates, deletes and range removals (big enough to grow and
 * shrink several levels), and the listpack/skiplist encoding rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ZSET_LIMITS,
  ScoreTree,
  ZSetValue,
  compareElements,
  fitsListpack,
} from '../../src/keyspace/zset.js';
import { Rng } from '../../src/util/rng.js';

type El = [number, string];

function byKey(a: El, b: El): number {
  return compareElements(a[0], a[1], b[0], b[1]);
}

function treeElements(tree: ScoreTree): El[] {
  const out: El[] = [];
  tree.forRange(0, tree.size, false, (m, s) => out.push([s, m]));
  return out;
}

function randomMember(rng: Rng): string {
  return `m${rng.below(5000)}`;
}

test('ScoreTree matches a sorted array under random inserts, removes and range removals', () => {
  const rng = new Rng(7);
  const tree = new ScoreTree();
  let model: El[] = [];
  const present = new Map<string, number>();
  for (let step = 0; step < 40_000; step++) {
    const op = rng.below(10);
    const m = randomMember(rng);
    if (op < 6) {
      if (present.has(m)) continue;
      const s = rng.below(50);
      tree.insert(s, m);
      present.set(m, s);
      model.push([s, m]);
    } else if (op < 9) {
      const s = present.get(m);
      assert.equal(tree.remove(s ?? 0, m), s !== undefined);
      if (s !== undefined) {
        present.delete(m);
        model = model.filter((e) => e[1] !== m);
      }
    } else if (model.length > 0) {
      model.sort(byKey);
      const start = rng.below(model.length);
      const end = Math.min(model.length, start + rng.below(300));
      const removed: string[] = [];
      tree.removeRange(start, end, (x) => removed.push(x));
      assert.deepEqual(
        removed,
        model.slice(start, end).map((e) => e[1]),
      );
      for (const x of removed) present.delete(x);
      model.splice(start, end - start);
    }
    if (step % 2000 === 0) {
      tree.validate();
      model.sort(byKey);
      assert.deepEqual(treeElements(tree), model);
    }
  }
  tree.validate();
  model.sort(byKey);
  assert.deepEqual(treeElements(tree), model);
});

test('ScoreTree.move keeps order for small and large score changes', () => {
  const rng = new Rng(3);
  const tree = new ScoreTree();
  const scores = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const s = rng.below(1000);
    tree.insert(s, `m${i}`);
    scores.set(`m${i}`, s);
  }
  for (let step = 0; step < 20_000; step++) {
    const m = `m${rng.below(3000)}`;
    const old = scores.get(m) as number;
    const next = rng.next() < 0.5 ? old + rng.below(3) - 1 + 0.5 : rng.below(1000);
    tree.move(old, m, next);
    scores.set(m, next);
  }
  tree.validate();
  const model: El[] = [...scores].map(([m, s]) => [s, m]);
  model.sort(byKey);
  assert.deepEqual(treeElements(tree), model);
});

test('ScoreTree ranks, score bounds and reverse walks agree with the model', () => {
  const rng = new Rng(11);
  const tree = new ScoreTree();
  const model: El[] = [];
  for (let i = 0; i < 5000; i++) {
    const el: El = [rng.below(1000) / 10, `k${i}`];
    tree.insert(el[0], el[1]);
    model.push(el);
  }
  model.sort(byKey);
  for (let i = 0; i < model.length; i += 37) {
    const [s, m] = model[i] as El;
    assert.equal(tree.rankOf(s, m), i);
    assert.equal(tree.countScoreBelow(s, false), model.filter((e) => e[0] < s).length);
    assert.equal(tree.countScoreBelow(s, true), model.filter((e) => e[0] <= s).length);
  }
  assert.equal(tree.rankOf(1, 'absent'), -1);
  const rev: string[] = [];
  tree.forRange(10, 20, true, (m) => rev.push(m));
  assert.deepEqual(
    rev,
    model
      .slice(10, 20)
      .reverse()
      .map((e) => e[1]),
  );
});

test('ScoreTree packs sequential appends and prepends densely and stays valid', () => {
  const tree = new ScoreTree();
  for (let i = 0; i < 100_000; i++) tree.insert(i, 'x');
  for (let i = 1; i <= 1000; i++) tree.insert(-i, 'x');
  tree.validate();
  assert.equal(tree.size, 101_000);
  assert.equal(tree.countScoreBelow(0, false), 1000);
  tree.removeRange(0, 100_500);
  tree.validate();
  assert.equal(tree.size, 500);
});

test('ScoreTree.fromSorted builds a valid tree of any size', () => {
  for (const n of [0, 1, 127, 128, 129, 5000, 70_000]) {
    const members = Array.from({ length: n }, (_, i) => `e${String(i).padStart(6, '0')}`);
    const scores = Array.from({ length: n }, () => 1);
    const tree = ScoreTree.fromSorted(members, scores);
    tree.validate();
    assert.equal(tree.size, n);
    if (n > 0) assert.equal(tree.rankOf(1, members[n - 1] as string), n - 1);
  }
});

test('ZSetValue starts as listpack and converts to skiplist past the limits', () => {
  const limits = { entries: 3, value: 5 };
  const z = ZSetValue.forFirstMember('a', limits);
  assert.equal(z.encoding(), 'listpack');
  z.insert('a', 1, limits);
  z.insert('b', 2, limits);
  z.insert('c', 3, limits);
  assert.equal(z.encoding(), 'listpack');
  z.insert('d', 4, limits);
  assert.equal(z.encoding(), 'skiplist');
  z.validate();
  const long = ZSetValue.forFirstMember('toolong', limits);
  assert.equal(long.encoding(), 'skiplist');
  const short = ZSetValue.forFirstMember('a', limits);
  short.insert('a', 1, limits);
  short.insert('sixsix', 1, limits);
  assert.equal(short.encoding(), 'skiplist');
  assert.equal(ZSetValue.forFirstMember('a', { entries: 0, value: 64 }).encoding(), 'skiplist');
});

test('ZSetValue in a listpack stores -0 as 0, a skiplist keeps -0', () => {
  const lp = ZSetValue.forFirstMember('a', DEFAULT_ZSET_LIMITS);
  lp.insert('a', -0, DEFAULT_ZSET_LIMITS);
  assert.ok(Object.is(lp.score('a'), 0));
  const sl = ZSetValue.empty(true);
  sl.insert('a', -0, DEFAULT_ZSET_LIMITS);
  assert.ok(Object.is(sl.score('a'), -0));
  assert.ok(Object.is(ZSetValue.fromSorted(['a'], [-0], true).score('a'), 0));
});

test('ZSetValue update, remove, rank and clone keep tree and dict in step', () => {
  const z = ZSetValue.empty(true);
  for (let i = 0; i < 1000; i++) z.insert(`m${i}`, i % 17, DEFAULT_ZSET_LIMITS);
  z.update('m5', 5, -1);
  assert.equal(z.rank('m5'), 0);
  assert.equal(z.remove('m5'), true);
  assert.equal(z.remove('m5'), false);
  assert.equal(z.rank('m5'), -1);
  z.removeRange(0, 100);
  z.validate();
  const copy = z.clone();
  copy.validate();
  assert.equal(copy.encoding(), 'skiplist');
  copy.insert('new', 0, DEFAULT_ZSET_LIMITS);
  assert.equal(z.score('new'), undefined);
  assert.deepEqual([...copy.entries()].length, z.size + 1);
});

test('ZSetValue.scan visits every member present for the whole scan', () => {
  const z = ZSetValue.empty(true);
  for (let i = 0; i < 500; i++) z.insert(`m${i}`, i, DEFAULT_ZSET_LIMITS);
  const seen = new Set<string>();
  let cursor = 0;
  let step = 0;
  do {
    cursor = z.scan(cursor, 10, (m) => seen.add(m));
    // Churn while scanning: new members may or may not be seen, old ones must be.
    z.insert(`new${step}`, step, DEFAULT_ZSET_LIMITS);
    z.remove(`new${step - 1}`);
    step++;
  } while (cursor !== 0);
  for (let i = 0; i < 500; i++) assert.ok(seen.has(`m${i}`), `m${i}`);
});

test('fitsListpack is Redis zsetConvertToListpackIfNeeded', () => {
  assert.equal(fitsListpack(128, 64, DEFAULT_ZSET_LIMITS), true);
  assert.equal(fitsListpack(129, 1, DEFAULT_ZSET_LIMITS), false);
  assert.equal(fitsListpack(1, 65, DEFAULT_ZSET_LIMITS), false);
});
