/**
 * HashValue: both encodings, the one-way conversion at Redis's thresholds, iteration
 * order as a function of history, the stateless HSCAN cursor, and the RDB payloads
 * (hash-rdb.ts) of every type byte Redis 7.0 loads. Blobs marked "from redis" were
 * produced by redis-server 7.0.15 (DUMP, type byte and payload only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HASH_LIMITS, HashValue, type HashLimits } from '../../src/keyspace/hash.js';
import { decodeZipmap, loadHash, writeHash } from '../../src/keyspace/hash-rdb.js';
import { encodeListpack } from '../../src/keyspace/listpack.js';
import { encodeZiplist } from '../../src/keyspace/ziplist.js';
import { RdbDecodeError, RdbReader, RdbType, RdbWriter } from '../../src/keyspace/serialize.js';

const SMALL: HashLimits = { maxListpackEntries: 4, maxListpackValue: 8 };

function hashOf(limits: HashLimits, ...pairs: string[]): HashValue {
  const h = new HashValue();
  for (let i = 0; i < pairs.length; i += 2)
    h.set(pairs[i] as string, pairs[i + 1] as string, limits);
  return h;
}

function scanAll(h: HashValue, count: number, between?: (round: number) => void): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let round = 0;
  do {
    cursor = h.scan(cursor, count, (f) => seen.push(f));
    between?.(round++);
  } while (cursor !== 0);
  return seen;
}

function roundTrip(h: HashValue, limits?: HashLimits): HashValue {
  const w = new RdbWriter();
  writeHash(w, h);
  const r = new RdbReader(Buffer.from(w.finish()));
  return loadHash(r, r.byte(), limits);
}

function loadBlob(type: number, blob: Uint8Array, limits?: HashLimits): HashValue {
  const w = new RdbWriter();
  w.string(Buffer.from(blob).latin1Slice(0, blob.length));
  return loadHash(new RdbReader(Buffer.from(w.finish())), type, limits);
}

function isFormatError(e: unknown): boolean {
  return e instanceof RdbDecodeError && e.detail.kind === 'format';
}

test('a small hash is a listpack kept in insertion order, updates in place', () => {
  const h = hashOf(SMALL, 'b', '1', 'a', '2', 'c', '3');
  assert.equal(h.encoding(), 'listpack');
  assert.equal(h.set('a', 'x', SMALL), false);
  assert.deepEqual(h.toPairs(), ['b', '1', 'a', 'x', 'c', '3']);
  assert.equal(h.size, 3);
  assert.equal(h.get('a'), 'x');
  assert.equal(h.get('zz'), undefined);
  assert.equal(h.has('c'), true);
});

test('listpack deletes keep the order of the rest; empty strings are elements too', () => {
  const h = hashOf(SMALL, '', '', 'a', '1', 'b', '');
  assert.equal(h.delete('a'), true);
  assert.equal(h.delete('a'), false);
  assert.deepEqual(h.toPairs(), ['', '', 'b', '']);
  assert.equal(h.get(''), '');
});

test('listpack lookups compare whole elements, not prefixes or value bytes', () => {
  const h = hashOf(DEFAULT_HASH_LIMITS, 'ab', 'abc', 'abc', 'ab', 'a\x00', '\x80\xff');
  assert.equal(h.get('a'), undefined);
  assert.equal(h.get('abc'), 'ab');
  assert.equal(h.get('a\x00'), '\x80\xff');
  assert.equal(h.has('ab\x03abc'), false);
});

test('elements longer than 127 bytes (multi-char length headers) round trip', () => {
  const limits = { maxListpackEntries: 10, maxListpackValue: 100_000 };
  const long = 'x'.repeat(200);
  const longer = 'y'.repeat(70_000);
  const h = hashOf(limits, long, longer, 'k', long);
  assert.equal(h.encoding(), 'listpack');
  assert.equal(h.get(long), longer);
  assert.equal(h.get('k'), long);
  h.set(long, 'short', limits);
  assert.deepEqual(h.toPairs(), [long, 'short', 'k', long]);
});

test('a listpack converts past hash-max-listpack-entries, keeping the order', () => {
  const h = hashOf(SMALL, 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  assert.equal(h.encoding(), 'listpack');
  h.set('e', '5', SMALL);
  assert.equal(h.encoding(), 'hashtable');
  assert.deepEqual(h.toPairs(), ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']);
});

test('a field or value longer than hash-max-listpack-value converts; equal does not', () => {
  assert.equal(hashOf(SMALL, 'f', '12345678').encoding(), 'listpack');
  assert.equal(hashOf(SMALL, 'f', '123456789').encoding(), 'hashtable');
  assert.equal(hashOf(SMALL, '123456789', 'v').encoding(), 'hashtable');
});

test('prepareFor converts before a write when any argument is too long', () => {
  const h = hashOf(SMALL, 'a', '1');
  h.prepareFor(['HSET', 'k', 'b', '2', 'c', '123456789'], 2, SMALL);
  assert.equal(h.encoding(), 'hashtable');
  const same = hashOf(SMALL, 'a', '1');
  same.prepareFor(['HSET', 'k', 'b', '2'], 2, SMALL);
  assert.equal(same.encoding(), 'listpack');
});

test('zero limits make every hash a hashtable at its first field', () => {
  assert.equal(
    hashOf({ maxListpackEntries: 0, maxListpackValue: 64 }, 'a', '1').encoding(),
    'hashtable',
  );
});

test('a hashtable delete moves the last pair into the hole', () => {
  const h = hashOf(SMALL, 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
  assert.equal(h.delete('b'), true);
  assert.deepEqual(h.toPairs(), ['a', '1', 'e', '5', 'c', '3', 'd', '4']);
  assert.equal(h.get('e'), '5');
  assert.equal(h.delete('d'), true);
  assert.equal(h.delete('zz'), false);
  assert.deepEqual(h.toPairs(), ['a', '1', 'e', '5', 'c', '3']);
  h.set('a', 'A', SMALL);
  assert.equal(h.get('a'), 'A');
  assert.equal(h.size, 3);
});

test('clone is deep in both encodings', () => {
  for (const h of [hashOf(SMALL, 'a', '1'), hashOf(SMALL, 'a', '1', 'b', '123456789')]) {
    const copy = h.clone();
    copy.set('a', 'changed', SMALL);
    copy.set('new', 'v', SMALL);
    assert.equal(h.get('a'), '1');
    assert.equal(h.has('new'), false);
    assert.equal(copy.encoding(), h.encoding());
  }
});

test('digestView lists the pairs', () => {
  const view = hashOf(SMALL, 'a', '1', 'b', '2').digestView();
  assert.equal(view.type, 'hash');
  assert.ok(view.type === 'hash');
  assert.deepEqual(
    [...view.fields],
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
});

test('HSCAN of a listpack returns everything with cursor 0, whatever the cursor', () => {
  const h = hashOf(SMALL, 'a', '1', 'b', '2');
  const seen: string[] = [];
  assert.equal(
    h.scan(12345, 1, (f, v) => seen.push(f, v)),
    0,
  );
  assert.deepEqual(seen, ['a', '1', 'b', '2']);
});

test('a hashtable scan visits every field once when nothing changes', () => {
  const h = new HashValue();
  for (let i = 0; i < 100; i++) h.set(`f${i}`, 'v', SMALL);
  const seen = scanAll(h, 7);
  assert.equal(seen.length, 100);
  assert.equal(new Set(seen).size, 100);
});

test('a hashtable scan returns every field present throughout, under deletes and adds', () => {
  const h = new HashValue();
  for (let i = 0; i < 200; i++) h.set(`f${i}`, 'v', SMALL);
  // f0..f49 are deleted during the scan, g* fields added: f50..f199 must all be seen.
  const seen = new Set(
    scanAll(h, 10, (round) => {
      for (let i = round * 5; i < round * 5 + 5 && i < 50; i++) h.delete(`f${i}`);
      h.set(`g${round}`, 'v', SMALL);
    }),
  );
  for (let i = 50; i < 200; i++) assert.ok(seen.has(`f${i}`), `f${i} missed`);
});

test('a stale cursor past the end of a shrunk hashtable still ends the scan', () => {
  const h = new HashValue();
  for (let i = 0; i < 50; i++) h.set(`f${i}`, 'v', SMALL);
  const seen: string[] = [];
  let cursor = h.scan(0, 5, (f) => seen.push(f));
  for (let i = 0; i < 45; i++) h.delete(`f${i}`);
  while (cursor !== 0) cursor = h.scan(cursor, 5, (f) => seen.push(f));
  for (let i = 45; i < 50; i++) assert.ok(seen.includes(`f${i}`));
});

test('RDB: a listpack is written as HASH_LISTPACK and reads back as a listpack', () => {
  const h = hashOf(DEFAULT_HASH_LIMITS, 'a', '1', 'n', '-12345678901', 'e', '');
  const w = new RdbWriter();
  writeHash(w, h);
  assert.equal(w.finish()[0], RdbType.HASH_LISTPACK);
  const back = roundTrip(h);
  assert.equal(back.encoding(), 'listpack');
  assert.deepEqual(back.toPairs(), h.toPairs());
});

test('RDB: a hashtable is written as HASH and keeps its order', () => {
  const h = hashOf(SMALL, 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
  const w = new RdbWriter();
  writeHash(w, h);
  assert.equal(w.finish()[0], RdbType.HASH);
  const back = roundTrip(h, SMALL);
  assert.equal(back.encoding(), 'hashtable');
  assert.deepEqual(back.toPairs(), h.toPairs());
});

test('RDB: a plain HASH small enough loads as a listpack; long elements make a hashtable', () => {
  assert.equal(
    roundTrip(hashOf(SMALL, 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5')).encoding(),
    'listpack',
  );
  const long = hashOf(SMALL, 'a', '1', 'b', 'x'.repeat(100));
  assert.equal(
    roundTrip(long, { maxListpackEntries: 512, maxListpackValue: 100 }).encoding(),
    'listpack',
  );
  assert.equal(roundTrip(long, DEFAULT_HASH_LIMITS).encoding(), 'hashtable');
});

test('RDB: a listpack blob converts only for its pair count, as Redis', () => {
  const blob = encodeListpack(['a', 'x'.repeat(100), 'b', '2']);
  assert.equal(loadBlob(RdbType.HASH_LISTPACK, blob).encoding(), 'listpack');
  const tight = { maxListpackEntries: 1, maxListpackValue: 64 };
  const h = loadBlob(RdbType.HASH_LISTPACK, blob, tight);
  assert.equal(h.encoding(), 'hashtable');
  assert.deepEqual(h.toPairs(), ['a', 'x'.repeat(100), 'b', '2']);
});

test('RDB: ziplist blobs (Redis < 7) load, integers as decimal strings', () => {
  const h = loadBlob(
    RdbType.HASH_ZIPLIST,
    encodeZiplist(['f', '127', 'g', '-9223372036854775808']),
  );
  assert.deepEqual(h.toPairs(), ['f', '127', 'g', '-9223372036854775808']);
  assert.equal(h.encoding(), 'listpack');
});

test('RDB: zipmap blobs (Redis 2.4) load, with free bytes and 4-byte lengths', () => {
  const long = 'v'.repeat(300);
  const zipmap = Buffer.concat([
    Buffer.from([2, 1]),
    Buffer.from('a'),
    Buffer.from([2, 3]),
    Buffer.from('xy\0\0\0'),
    Buffer.from([1]),
    Buffer.from('b'),
    Buffer.from([254, 0x2c, 0x01, 0, 0, 0]),
    Buffer.from(long),
    Buffer.from([255]),
  ]);
  assert.deepEqual(decodeZipmap(zipmap), ['a', 'xy', 'b', long]);
  const h = loadBlob(RdbType.HASH_ZIPMAP, zipmap);
  assert.equal(h.get('b'), long);
  // A zipmap converts for a long element too, unlike a listpack.
  assert.equal(h.encoding(), 'hashtable');
});

test('RDB: empty hashes, odd element counts, duplicate fields and bad blobs are corrupt', () => {
  assert.throws(() => loadBlob(RdbType.HASH_LISTPACK, encodeListpack([])), isFormatError);
  assert.throws(() => loadBlob(RdbType.HASH_LISTPACK, encodeListpack(['a'])), isFormatError);
  assert.throws(
    () => loadBlob(RdbType.HASH_LISTPACK, encodeListpack(['a', '1', 'a', '2'])),
    isFormatError,
  );
  assert.throws(() => loadBlob(RdbType.HASH_ZIPMAP, Buffer.from([1, 255])), isFormatError);
  assert.throws(() => loadBlob(RdbType.HASH_ZIPMAP, Buffer.from([1, 5, 97, 255])), isFormatError);
  const w = new RdbWriter();
  w.len(2);
  for (const s of ['a', '1', 'a', '2']) w.string(s);
  assert.throws(
    () => loadHash(new RdbReader(Buffer.from(w.finish())), RdbType.HASH),
    isFormatError,
  );
  const empty = new RdbWriter();
  empty.len(0);
  assert.throws(
    () => loadHash(new RdbReader(Buffer.from(empty.finish())), RdbType.HASH),
    isFormatError,
  );
});

test('RDB: a payload DUMPed by redis-server 7.0.15 loads (listpack with int entries)', () => {
  // DUMP of HSET h a 1 b hello c -70000 on redis 7.0.15: type 16 and a listpack blob.
  const payload = Buffer.from(
    '101e1e000000060081610201018162028568656c6c6f06816302f290eefe04ff',
    'hex',
  );
  const r = new RdbReader(payload);
  const h = loadHash(r, r.byte());
  assert.deepEqual(h.toPairs(), ['a', '1', 'b', 'hello', 'c', '-70000']);
});
