import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListValue } from '../../src/keyspace/list.js';
import { loadList, writeList } from '../../src/keyspace/list-rdb.js';
import { encodeListpack } from '../../src/keyspace/listpack.js';
import { RdbDecodeError, RdbReader, RdbType, RdbWriter } from '../../src/keyspace/serialize.js';
import { encodeZiplist } from '../../src/keyspace/ziplist.js';
import { Rng } from '../../src/util/rng.js';

function all(list: ListValue): string[] {
  return list.length === 0 ? [] : list.range(0, list.length - 1);
}

function numbered(n: number, prefix = 'e'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

test('list: pushes and pops at both ends keep order', () => {
  const list = new ListValue();
  list.pushTail('b');
  list.pushHead('a');
  list.pushTail('c');
  assert.deepEqual(all(list), ['a', 'b', 'c']);
  assert.equal(list.popHead(), 'a');
  assert.equal(list.popTail(), 'c');
  assert.equal(list.popTail(), 'b');
  assert.equal(list.popTail(), undefined);
  assert.equal(list.popHead(), undefined);
  assert.equal(list.length, 0);
});

test('list: a big list spans many nodes and still reads in order from either end', () => {
  const items = numbered(5000);
  const list = ListValue.from(items);
  assert.equal(list.length, 5000);
  assert.deepEqual(all(list), items);
  assert.equal(list.at(0), 'e0');
  assert.equal(list.at(2500), 'e2500');
  assert.equal(list.at(-1), 'e4999');
  assert.equal(list.at(-5000), 'e0');
  assert.equal(list.at(5000), undefined);
  assert.equal(list.at(-5001), undefined);
  assert.deepEqual(list.range(1234, 1240), items.slice(1234, 1241));
  for (let i = 0; i < 5000; i++) assert.equal(list.popHead(), `e${i}`);
  assert.equal(list.length, 0);
});

test('list: popping through packed nodes from the tail returns every element', () => {
  const items = numbered(3000);
  const list = ListValue.from(items);
  for (let i = 2999; i >= 0; i--) assert.equal(list.popTail(), `e${i}`);
});

test('list: large elements get their own node and survive packing', () => {
  const big = 'x'.repeat(100_000);
  const list = ListValue.from(['a', big, 'b', 'y'.repeat(300), ...numbered(500)]);
  assert.equal(list.at(1), big);
  assert.equal(list.at(3), 'y'.repeat(300));
  assert.equal(list.popHead(), 'a');
  assert.equal(list.popHead(), big);
});

test('list: binary elements (every byte value) round-trip through packed nodes', () => {
  const bytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
  const items = [...bytes, bytes.join(''), '', '\u0000\u00ff', ...numbered(300)];
  const list = ListValue.from(items);
  assert.deepEqual(all(list), items);
});

test('list: set replaces by index, negative counts from the tail', () => {
  const list = ListValue.from(numbered(1000));
  assert.equal(list.set(500, 'mid'), true);
  assert.equal(list.set(-1, 'last'), true);
  assert.equal(list.set(1000, 'no'), false);
  assert.equal(list.set(-1001, 'no'), false);
  assert.equal(list.at(500), 'mid');
  assert.equal(list.at(999), 'last');
  assert.equal(list.at(499), 'e499');
});

test('list: insert before and after the first pivot, splitting full nodes', () => {
  const list = ListValue.from(numbered(600));
  assert.equal(list.insert('e300', 'before', false), true);
  assert.equal(list.insert('e300', 'after', true), true);
  assert.equal(list.insert('missing', 'x', true), false);
  for (let i = 0; i < 300; i++) assert.equal(list.insert('e10', `n${i}`, true), true);
  const expected = numbered(600);
  expected.splice(300, 1, 'before', 'e300', 'after');
  const inserted = Array.from({ length: 300 }, (_, i) => `n${299 - i}`);
  expected.splice(11, 0, ...inserted);
  assert.deepEqual(all(list), expected);
});

test('list: remove from the head, from the tail, or all', () => {
  const base = Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? 'x' : `v${i}`));
  const count = base.filter((s) => s === 'x').length;
  const a = ListValue.from(base);
  assert.equal(a.remove('x', 2), 2);
  assert.deepEqual(all(a), without(base, 'x', 2, false));
  const b = ListValue.from(base);
  assert.equal(b.remove('x', -2), 2);
  assert.deepEqual(all(b), without(base, 'x', 2, true));
  const c = ListValue.from(base);
  assert.equal(c.remove('x', 0), count);
  assert.deepEqual(
    all(c),
    base.filter((s) => s !== 'x'),
  );
  assert.equal(c.remove('nothing', 0), 0);
});

function without(items: string[], value: string, n: number, fromTail: boolean): string[] {
  const out = fromTail ? [...items].reverse() : [...items];
  let left = n;
  const kept = out.filter((s) => !(s === value && left-- > 0));
  return fromTail ? kept.reverse() : kept;
}

test('list: deleteHead / deleteTail drop whole nodes and partial ones', () => {
  const items = numbered(1000);
  const list = ListValue.from(items);
  list.deleteHead(301);
  list.deleteTail(299);
  assert.deepEqual(all(list), items.slice(301, 701));
  list.deleteHead(10_000);
  assert.equal(list.length, 0);
  list.pushTail('again');
  assert.deepEqual(all(list), ['again']);
});

test('list: positions follow LPOS rank, limit and maxlen rules', () => {
  const list = ListValue.from(['a', 'b', 'c', 'b', 'b', 'd', ...numbered(400), 'b']);
  const q = (rank: number, limit: number, maxlen: number): number[] =>
    list.positions('b', { rank, limit, maxlen });
  assert.deepEqual(q(1, 1, 0), [1]);
  assert.deepEqual(q(2, 1, 0), [3]);
  assert.deepEqual(q(1, 0, 0), [1, 3, 4, 406]);
  assert.deepEqual(q(-1, 0, 0), [406, 4, 3, 1]);
  assert.deepEqual(q(-2, 2, 0), [4, 3]);
  assert.deepEqual(q(1, 0, 4), [1, 3]);
  assert.deepEqual(q(-1, 0, 3), [406]);
  assert.deepEqual(q(9, 0, 0), []);
});

test('list: clone is independent of the original', () => {
  const list = ListValue.from(numbered(700));
  const copy = list.clone();
  list.pushHead('new');
  list.set(400, 'changed');
  copy.popTail();
  assert.equal(copy.length, 699);
  assert.equal(copy.at(0), 'e0');
  assert.equal(copy.at(400), 'e400');
  assert.equal(list.at(400), 'changed');
  assert.equal(list.at(401), 'e400');
  assert.equal(list.length, 701);
});

test('list: encoding is quicklist at every size (Redis 7.0) and digest lists elements', () => {
  assert.equal(ListValue.from(['a']).encoding(), 'quicklist');
  assert.equal(ListValue.from(numbered(1000)).encoding(), 'quicklist');
  const view = ListValue.from(['a', 'b']).digestView();
  assert.equal(view.type, 'list');
  assert.deepEqual(view.type === 'list' ? [...view.elements] : [], ['a', 'b']);
});

test('list: random operations agree with a plain array model', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rng = new Rng(seed);
    const list = new ListValue();
    const model: string[] = [];
    for (let step = 0; step < 4000; step++) randomStep(rng, list, model);
    assert.deepEqual(all(list), model, `seed ${seed}`);
  }
});

function randomElement(rng: Rng): string {
  const r = rng.below(10);
  if (r < 5) return `v${rng.below(50)}`;
  if (r < 8) return String(rng.below(1000));
  return 'z'.repeat(rng.below(2000));
}

function randomStep(rng: Rng, list: ListValue, model: string[]): void {
  const s = randomElement(rng);
  const i = model.length === 0 ? 0 : rng.below(model.length);
  switch (rng.below(12)) {
    case 0:
    case 1:
      list.pushHead(s);
      model.unshift(s);
      break;
    case 2:
    case 3:
    case 4:
      list.pushTail(s);
      model.push(s);
      break;
    case 5:
      assert.equal(list.popHead(), model.shift());
      break;
    case 6:
      assert.equal(list.popTail(), model.pop());
      break;
    case 7:
      assert.equal(list.set(i, s), i < model.length);
      if (i < model.length) model[i] = s;
      break;
    case 8: {
      const pivot = model[i] ?? 'none';
      const at = model.indexOf(pivot);
      const after = rng.below(2) === 1;
      assert.equal(list.insert(pivot, s, after), at !== -1);
      if (at !== -1) model.splice(after ? at + 1 : at, 0, s);
      break;
    }
    case 9: {
      const value = model[i] ?? 'none';
      const count = rng.below(5) - 2;
      const expected = applyRemove(model, value, count);
      assert.equal(list.remove(value, count), expected);
      break;
    }
    case 10:
      assert.equal(list.at(i), model[i]);
      if (model.length > 0) assert.deepEqual(list.range(i, model.length - 1), model.slice(i));
      break;
    default: {
      const n = rng.below(4);
      if (rng.below(2) === 0) {
        list.deleteHead(n);
        model.splice(0, n);
      } else {
        list.deleteTail(n);
        model.splice(Math.max(model.length - n, 0), n);
      }
    }
  }
  assert.equal(list.length, model.length);
}

function applyRemove(model: string[], value: string, count: number): number {
  const kept = without(model, value, count === 0 ? Infinity : Math.abs(count), count < 0);
  const removed = model.length - kept.length;
  model.splice(0, model.length, ...kept);
  return removed;
}

// ---------------------------------------------------------------------------------
// RDB

function roundTrip(list: ListValue): ListValue {
  const w = new RdbWriter();
  writeList(w, list);
  const r = new RdbReader(Buffer.from(w.finish()));
  const type = r.byte();
  assert.equal(type, RdbType.LIST_QUICKLIST_2);
  return loadList(r, type);
}

test('list rdb: write then load gives the same elements', () => {
  const items = [...numbered(2000), '', 'x'.repeat(20000), '12345', '-7', '007'];
  assert.deepEqual(all(roundTrip(ListValue.from(items))), items);
});

/** redis-server 7.0.15 `DUMP` of RPUSH l a 1 bbbbbbbbbbbbbbbbbbbbbbbbb -2 (rdbcompression no), minus the footer. */
const REDIS_LIST_OBJECT = '1201022a2a0000000400816102010199' + '62'.repeat(25) + '1adffe02ff';

test('list rdb: loads a quicklist written by redis-server 7.0.15', () => {
  const r = new RdbReader(Buffer.from(REDIS_LIST_OBJECT, 'hex'));
  const type = r.byte();
  assert.deepEqual(all(loadList(r, type)), ['a', '1', 'b'.repeat(25), '-2']);
});

function load(bytes: Buffer): ListValue {
  const r = new RdbReader(bytes);
  return loadList(r, r.byte());
}

function rdbString(w: RdbWriter, data: Uint8Array): void {
  w.string(Buffer.from(data).toString('latin1'));
}

test('list rdb: loads plain lists, ziplists, quicklists of ziplists and plain nodes', () => {
  const plain = new RdbWriter();
  plain.byte(RdbType.LIST);
  plain.len(3);
  for (const s of ['a', '42', 'c']) plain.string(s);
  assert.deepEqual(all(load(plain.finish())), ['a', '42', 'c']);

  const zl = new RdbWriter();
  zl.byte(RdbType.LIST_ZIPLIST);
  rdbString(zl, encodeZiplist(['x', '7', 'y']));
  assert.deepEqual(all(load(zl.finish())), ['x', '7', 'y']);

  const ql = new RdbWriter();
  ql.byte(RdbType.LIST_QUICKLIST);
  ql.len(2);
  rdbString(ql, encodeZiplist(['1', '2']));
  rdbString(ql, encodeZiplist(['3']));
  assert.deepEqual(all(load(ql.finish())), ['1', '2', '3']);

  const ql2 = new RdbWriter();
  ql2.byte(RdbType.LIST_QUICKLIST_2);
  ql2.len(3);
  ql2.len(2);
  rdbString(ql2, encodeListpack(['p', 'q']));
  ql2.len(1);
  ql2.string('plain element');
  ql2.len(2);
  rdbString(ql2, encodeListpack([]));
  assert.deepEqual(all(load(ql2.finish())), ['p', 'q', 'plain element']);
});

function isFormatError(e: unknown): boolean {
  return e instanceof RdbDecodeError && e.detail.kind === 'format';
}

test('list rdb: empty lists, bad containers and empty nodes are format errors', () => {
  const empty = new RdbWriter();
  empty.byte(RdbType.LIST);
  empty.len(0);
  assert.throws(() => load(empty.finish()), isFormatError);

  const onlyEmptyNodes = new RdbWriter();
  onlyEmptyNodes.byte(RdbType.LIST_QUICKLIST_2);
  onlyEmptyNodes.len(1);
  onlyEmptyNodes.len(2);
  rdbString(onlyEmptyNodes, encodeListpack([]));
  assert.throws(() => load(onlyEmptyNodes.finish()), isFormatError);

  const badContainer = new RdbWriter();
  badContainer.byte(RdbType.LIST_QUICKLIST_2);
  badContainer.len(1);
  badContainer.len(3);
  badContainer.string('x');
  assert.throws(() => load(badContainer.finish()), isFormatError);

  const zeroLength = new RdbWriter();
  zeroLength.byte(RdbType.LIST_QUICKLIST);
  zeroLength.len(1);
  zeroLength.string('');
  assert.throws(() => load(zeroLength.finish()), isFormatError);
});
