/**
 * SetValue (both encodings, conversions, random picks, SSCAN cursors) and its RDB
 * form, against payloads from redis-server 7.0.15's DUMP.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeIntset } from '../../src/keyspace/intset.js';
import { RdbDecodeError, RdbReader, RdbType, RdbWriter } from '../../src/keyspace/serialize.js';
import { loadSet, writeSet } from '../../src/keyspace/set-rdb.js';
import { SetValue } from '../../src/keyspace/set.js';
import { Rng } from '../../src/util/rng.js';

const MAX = 512;

function setOf(members: readonly string[], max = MAX): SetValue {
  const s = SetValue.forMember(members[0] ?? '');
  for (const m of members) s.add(m, max);
  return s;
}

/** Every member a full SSCAN returns, following cursors until 0. */
function fullScan(s: SetValue, count: number, between: () => void = () => {}): string[] {
  const out: string[] = [];
  let cursor = 0;
  do {
    cursor = s.scan(cursor, count, (m) => out.push(m));
    between();
  } while (cursor !== 0);
  return out;
}

describe('SetValue encodings', () => {
  it('starts as an intset for an integer member and a hashtable otherwise (setTypeCreate)', () => {
    assert.equal(SetValue.forMember('17').encoding(), 'intset');
    assert.equal(SetValue.forMember('-9223372036854775808').encoding(), 'intset');
    assert.equal(SetValue.forMember('foo').encoding(), 'hashtable');
    for (const notInt of ['007', '+1', '-0', ' 1', '9223372036854775808', '1.0', '']) {
      assert.equal(SetValue.forMember(notInt).encoding(), 'hashtable', JSON.stringify(notInt));
    }
  });

  it('iterates an intset in ascending order', () => {
    const s = setOf(['5', '-3', '100000', '0']);
    assert.deepEqual([...s.members()], ['-3', '0', '5', '100000']);
  });

  it('converts to a hashtable on a non-integer member, keeping ascending order then the new one', () => {
    const s = setOf(['3', '1', '2']);
    assert.equal(s.add('a', MAX), true);
    assert.equal(s.encoding(), 'hashtable');
    assert.deepEqual([...s.members()], ['1', '2', '3', 'a']);
  });

  it('converts past set-max-intset-entries, not at it', () => {
    const s = SetValue.emptyIntset();
    for (let i = 0; i < 4; i++) s.add(String(i), 4);
    assert.equal(s.encoding(), 'intset');
    s.add('4', 4);
    assert.equal(s.encoding(), 'hashtable');
    assert.equal(s.size, 5);
  });

  it('does not convert when a duplicate integer is added at the limit', () => {
    const s = SetValue.emptyIntset();
    for (let i = 0; i < 4; i++) s.add(String(i), 4);
    assert.equal(s.add('3', 4), false);
    assert.equal(s.encoding(), 'intset');
  });

  it('never converts back when members are removed', () => {
    const s = setOf(['1', 'a']);
    s.remove('a');
    assert.equal(s.encoding(), 'hashtable');
    assert.equal(s.has('1'), true);
  });

  it('answers membership by canonical integer form only, in both encodings', () => {
    const ints = setOf(['1', '2']);
    assert.equal(ints.has('01'), false);
    assert.equal(ints.has('1'), true);
    assert.equal(ints.remove('+2'), false);
    const table = setOf(['1', 'a']);
    assert.equal(table.has('01'), false);
  });

  it('keeps insertion order in a hashtable across removals', () => {
    const s = setOf(['a', 'b', 'c', 'd']);
    s.remove('b');
    s.add('e', MAX);
    s.remove('a');
    assert.deepEqual([...s.members()], ['c', 'd', 'e']);
  });

  it('clones deeply, with the same order and the same random picks', () => {
    for (const members of [
      ['1', '2', '3'],
      ['x', 'y', 'z', 'w'],
    ]) {
      const s = setOf(members);
      s.remove(members[0] as string);
      const c = s.clone();
      assert.equal(c.encoding(), s.encoding());
      assert.deepEqual([...c.members()], [...s.members()]);
      const [r1, r2] = [new Rng(9), new Rng(9)];
      for (let i = 0; i < 10; i++) assert.equal(c.randomMember(r1), s.randomMember(r2));
      c.add('new', MAX);
      assert.equal(s.has('new'), false);
    }
  });

  it('digests its members', () => {
    const view = setOf(['b', 'a']).digestView();
    assert.equal(view.type, 'set');
    assert.deepEqual(view.type === 'set' ? [...view.members] : [], ['b', 'a']);
  });
});

describe('SetValue random picks', () => {
  it('picks only members, deterministically from the seed, and reaches every member', () => {
    for (const members of [
      ['1', '2', '3', '4', '5'],
      ['a', 'b', 'c', 'd', 'e'],
    ]) {
      const s = setOf(members);
      const seen = new Set<string>();
      const rng = new Rng(42);
      const picks: string[] = [];
      for (let i = 0; i < 200; i++) picks.push(s.randomMember(rng));
      for (const p of picks) seen.add(p);
      assert.deepEqual([...seen].sort(), members);
      const again = new Rng(42);
      assert.deepEqual(
        picks,
        picks.map(() => s.randomMember(again)),
      );
    }
  });

  it('stays uniform after swap-removals (chi-square over 10 members)', () => {
    const s = setOf(Array.from({ length: 20 }, (_, i) => `m${i}`));
    for (let i = 0; i < 20; i += 2) s.remove(`m${i}`);
    const counts = new Map<string, number>();
    const rng = new Rng(7);
    const draws = 10_000;
    for (let i = 0; i < draws; i++) {
      const m = s.randomMember(rng);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    assert.equal(counts.size, 10);
    const expected = draws / 10;
    let chi = 0;
    for (const n of counts.values()) chi += (n - expected) ** 2 / expected;
    assert.ok(chi < 40, `chi-square ${chi}`);
  });
});

describe('SetValue scan', () => {
  it('answers an intset whole with cursor 0, whatever the cursor and count', () => {
    const s = setOf(['3', '1', '2']);
    const out: string[] = [];
    assert.equal(
      s.scan(77, 1, (m) => out.push(m)),
      0,
    );
    assert.deepEqual(out, ['1', '2', '3']);
  });

  it('walks a hashtable in COUNT-sized steps and ends with cursor 0 at the last step', () => {
    const s = setOf(['a', 'b', 'c', 'd']);
    const out: string[] = [];
    const c1 = s.scan(0, 2, (m) => out.push(m));
    assert.notEqual(c1, 0);
    assert.equal(
      s.scan(c1, 2, (m) => out.push(m)),
      0,
    );
    assert.deepEqual(out, ['a', 'b', 'c', 'd']);
    assert.equal(
      s.scan(0, 4, () => {}),
      0,
    );
  });

  it('returns every member present for the whole scan while others come and go', () => {
    const s = setOf(['x', ...Array.from({ length: 500 }, (_, i) => String(i))]);
    let step = 0;
    const seen = new Set(
      fullScan(s, 7, () => {
        step++;
        s.add(`new${step}`, MAX);
        if (step === 3) for (let i = 100; i < 500; i++) s.remove(String(i));
      }),
    );
    for (let i = 0; i < 100; i++) assert.ok(seen.has(String(i)), `missing ${i}`);
    assert.ok(seen.has('x'));
  });

  it('does not answer a read-ahead member removed before the next step', () => {
    const s = setOf(['a', 'b', 'c', 'd']);
    const out: string[] = [];
    const c1 = s.scan(0, 2, (m) => out.push(m));
    s.remove('c');
    s.scan(c1, 10, (m) => out.push(m));
    assert.deepEqual(out, ['a', 'b', 'd']);
  });

  it('starts over on an unknown cursor', () => {
    const s = setOf(['a', 'b', 'c']);
    const out: string[] = [];
    assert.equal(
      s.scan(12345, 10, (m) => out.push(m)),
      0,
    );
    assert.deepEqual(out, ['a', 'b', 'c']);
  });

  it('keeps cursor ids increasing across a replacement set', () => {
    const old = setOf(['a', 'b', 'c']);
    const c1 = old.scan(0, 1, () => {});
    const replacement = setOf(['a', 'b', 'c']);
    replacement.continueCursorIdsFrom(old);
    assert.ok(replacement.scan(0, 1, () => {}) > c1);
  });
});

// ---------------------------------------------------------------------------------------
// RDB

/** DUMP bodies (type byte + payload, footer cut) from redis-server 7.0.15. */
const REDIS_HASHTABLE = Buffer.from('02050161c0010162c3091e017878e01100017878c0f9', 'hex');
const REDIS_INTSET = Buffer.from('0b14040000000300000090eefeff0300000005000000', 'hex');
const LONG = 'x'.repeat(30);

function load(body: Uint8Array, max = MAX): SetValue {
  const r = new RdbReader(Buffer.from(body));
  return loadSet(r, r.byte(), max);
}

function write(value: SetValue): Buffer {
  const w = new RdbWriter();
  writeSet(w, value);
  return Buffer.from(w.finish());
}

function rdbSet(members: readonly string[]): Buffer {
  const w = new RdbWriter();
  w.byte(RdbType.SET);
  w.len(members.length);
  for (const m of members) w.string(m);
  return Buffer.from(w.finish());
}

function rdbIntset(blob: Uint8Array): Buffer {
  const w = new RdbWriter();
  w.byte(RdbType.SET_INTSET);
  w.string(Buffer.from(blob).latin1Slice(0, blob.length));
  return Buffer.from(w.finish());
}

describe('set RDB', () => {
  it("loads redis-server's hashtable payload (int-encoded and LZF members)", () => {
    const s = load(REDIS_HASHTABLE);
    assert.equal(s.encoding(), 'hashtable');
    assert.deepEqual([...s.members()], ['a', '1', 'b', LONG, '-7']);
  });

  it("loads redis-server's intset payload", () => {
    const s = load(REDIS_INTSET);
    assert.equal(s.encoding(), 'intset');
    assert.deepEqual([...s.members()], ['-70000', '3', '5']);
  });

  it('writes an intset byte-identically to redis-server', () => {
    assert.deepEqual(write(setOf(['5', '-70000', '3'])), REDIS_INTSET);
  });

  it('writes a hashtable set as redis-server does, in its iteration order', () => {
    assert.deepEqual(write(setOf(['a', '1', 'b', LONG, '-7'])), REDIS_HASHTABLE);
  });

  it('round-trips both encodings, keeping order and encoding', () => {
    for (const members of [
      ['1', '2', '-99999999999'],
      ['a', '\x00\xff', '', '12', LONG],
    ]) {
      const s = setOf(members);
      const back = load(write(s));
      assert.equal(back.encoding(), s.encoding());
      assert.deepEqual([...back.members()], [...s.members()]);
    }
  });

  it('loads an all-integer RDB_TYPE_SET as an intset, or a hashtable past the limit', () => {
    assert.equal(load(rdbSet(['3', '1', '2'])).encoding(), 'intset');
    assert.deepEqual([...load(rdbSet(['3', '1', '2'])).members()], ['1', '2', '3']);
    assert.equal(load(rdbSet(['3', '1', '2']), 2).encoding(), 'hashtable');
    assert.equal(load(rdbSet(['1', 'a', '2'])).encoding(), 'hashtable');
    assert.deepEqual([...load(rdbSet(['1', 'a', '2'])).members()], ['1', 'a', '2']);
  });

  it('converts a loaded intset larger than set-max-intset-entries', () => {
    const values = Array.from({ length: 600 }, (_, i) => BigInt(i + 1));
    const s = load(rdbIntset(encodeIntset(values)));
    assert.equal(s.encoding(), 'hashtable');
    assert.equal(s.size, 600);
    assert.equal(load(rdbIntset(encodeIntset(values)), 1000).encoding(), 'intset');
  });

  it('rejects empty sets, duplicates and broken intsets as Bad data format', () => {
    const bad = [
      rdbSet([]),
      rdbSet(['1', '1']),
      rdbSet(['a', 'a']),
      rdbSet(['a', '1', '1']),
      rdbIntset(Buffer.from('0200000000000000', 'hex')),
      rdbIntset(Buffer.from('02000000020000000200' + '0100', 'hex')),
      rdbIntset(Buffer.from('0300000001000000' + '010000', 'hex')),
    ];
    for (const body of bad) {
      assert.throws(
        () => load(body),
        (e: unknown) => e instanceof RdbDecodeError && e.detail.kind === 'format',
        body.toString('hex'),
      );
    }
  });
});
