import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Intset,
  IntsetFormatError,
  decodeIntset,
  encodeIntset,
  intsetWidthOf,
} from '../../src/keyspace/intset.js';

/** Intset blobs taken from DUMP payloads of redis-server 7.0.15 (SADD a 3 1 2 -5 / b 1 70000 -2). */
const REDIS_INT16 = Buffer.from('0200000004000000' + 'fbff010002000300', 'hex');
const REDIS_INT32 = Buffer.from('0400000003000000' + 'feffffff0100000070110100', 'hex');

describe('encodeIntset / decodeIntset', () => {
  it('encodes 16-bit values byte-identically to redis-server', () => {
    assert.deepEqual(Buffer.from(encodeIntset([3n, 1n, 2n, -5n])), REDIS_INT16);
  });

  it('encodes with the width the widest value needs, as redis-server', () => {
    assert.deepEqual(Buffer.from(encodeIntset([1n, 70000n, -2n])), REDIS_INT32);
  });

  it('decodes redis-server blobs to ascending decimal strings', () => {
    assert.deepEqual(decodeIntset(REDIS_INT16), ['-5', '1', '2', '3']);
    assert.deepEqual(decodeIntset(REDIS_INT32), ['-2', '1', '70000']);
  });

  it('round-trips the int64 extremes in a 64-bit intset', () => {
    const values = [-9223372036854775808n, 0n, 9223372036854775807n, 2n ** 53n + 1n];
    const blob = encodeIntset(values);
    assert.equal(blob[0], 8);
    assert.equal(blob.length, 8 + 4 * 8);
    assert.deepEqual(decodeIntset(blob), [
      '-9223372036854775808',
      '0',
      '9007199254740993',
      '9223372036854775807',
    ]);
  });

  it('drops duplicate values (an intset is a set)', () => {
    assert.deepEqual(decodeIntset(encodeIntset([5n, 5n, 1n])), ['1', '5']);
  });

  it('decodes a blob inside a larger buffer at an odd offset', () => {
    const host = Buffer.alloc(REDIS_INT32.length + 3);
    REDIS_INT32.copy(host, 3);
    assert.deepEqual(decodeIntset(host.subarray(3)), ['-2', '1', '70000']);
  });

  it('rejects what intsetValidateIntegrity rejects', () => {
    const bad: [string, Uint8Array][] = [
      ['short header', Buffer.from('0200000001', 'hex')],
      ['unknown width', Buffer.from('030000000100000001', 'hex')],
      ['size mismatch', Buffer.from('02000000020000000100', 'hex')],
      ['empty', Buffer.from('0200000000000000', 'hex')],
      ['duplicate', Buffer.from('0200000002000000' + '01000100', 'hex')],
      ['descending', Buffer.from('0200000002000000' + '02000100', 'hex')],
    ];
    for (const [name, blob] of bad) {
      assert.throws(() => decodeIntset(blob), IntsetFormatError, name);
    }
  });
});

describe('Intset', () => {
  it('keeps values sorted and distinct', () => {
    const s = new Intset();
    for (const v of [5, -1, 3, 5, 0]) s.add(v);
    assert.deepEqual([...s.values()], [-1, 0, 3, 5]);
    assert.equal(s.add(3), false);
    assert.equal(s.size, 4);
  });

  it('upgrades its width on a wider value, prepending negatives and appending positives', () => {
    const s = new Intset();
    s.add(1);
    s.add(2);
    assert.equal(s.encodingWidth, 2);
    s.add(-40000);
    assert.equal(s.encodingWidth, 4);
    s.add(2n ** 40n);
    assert.equal(s.encodingWidth, 8);
    assert.deepEqual([...s.values()], [-40000, 1, 2, 2 ** 40]);
  });

  it('never narrows its width on removal, as Redis', () => {
    const s = new Intset();
    s.add(1);
    s.add(5_000_000_000);
    assert.equal(s.remove(5_000_000_000), true);
    assert.equal(s.encodingWidth, 8);
    assert.equal(s.toBytes()[0], 8);
  });

  it('finds and removes values, and misses values wider than its width', () => {
    const s = new Intset();
    for (let i = 0; i < 100; i++) s.add(i * 3);
    assert.equal(s.has(99), true);
    assert.equal(s.has(100), false);
    assert.equal(s.has(1n << 62n), false);
    assert.equal(s.remove(1n << 62n), false);
    assert.equal(s.remove(99), true);
    assert.equal(s.has(99), false);
    assert.equal(s.size, 99);
  });

  it('answers numbers for safe values and bigints beyond 2^53', () => {
    const s = new Intset();
    s.add(9223372036854775807n);
    s.add(7n);
    assert.equal(s.at(0), 7);
    assert.equal(s.at(1), 9223372036854775807n);
  });

  it('stays sorted under a random mix of adds and removes (against a model)', () => {
    const s = new Intset();
    const model = new Set<bigint>();
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const pick = BigInt(x % 200) * (x % 7 === 0 ? 100000000000n : x % 5 === 0 ? 1000n : 1n);
      const v = x % 3 === 0 ? -pick : pick;
      if (x % 4 === 0) assert.equal(s.remove(v), model.delete(v));
      else assert.equal(s.add(v), !model.has(v) && model.add(v) !== undefined);
    }
    const sorted = [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual([...s.values()].map(BigInt), sorted);
  });

  it('clones independently', () => {
    const s = new Intset();
    s.add(1);
    const c = s.clone();
    c.add(2);
    assert.equal(s.size, 1);
    assert.equal(c.size, 2);
  });

  it('computes Redis widths at the int16/int32 boundaries', () => {
    assert.equal(intsetWidthOf(32767), 2);
    assert.equal(intsetWidthOf(-32768), 2);
    assert.equal(intsetWidthOf(32768), 4);
    assert.equal(intsetWidthOf(-2147483648), 4);
    assert.equal(intsetWidthOf(2147483648), 8);
  });
});
