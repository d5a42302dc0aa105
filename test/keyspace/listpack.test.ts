import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeListpack, encodeListpack } from '../../src/keyspace/listpack.js';
import { RdbDecodeError } from '../../src/keyspace/serialize.js';
import { decodeZiplist, encodeZiplist } from '../../src/keyspace/ziplist.js';
import { Rng } from '../../src/util/rng.js';

/** Elements pushed with RPUSH on redis-server 7.0.15, one per listpack encoding. */
const GOLDEN_ELEMENTS: readonly string[] = [
  '0',
  '127',
  '128',
  '-1',
  '-4096',
  '4095',
  '4096',
  '-4097',
  '32767',
  '-32768',
  '32768',
  '8388607',
  '-8388608',
  '8388608',
  '2147483647',
  '-2147483648',
  '2147483648',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '007',
  '-0',
  '',
  'abc',
  'x'.repeat(100),
];

/** The listpack inside redis-server 7.0.15's DUMP of that list (rdbcompression no). */
const GOLDEN_LISTPACK =
  'f2000000190000017f01c08002dfff02d00002cfff02f1001003f1ffef03f1ff7f03f1008003f200800004' +
  'f2ffff7f04f200008004f30000800005f3ffffff7f05f30000008005f4000000800000000009f4ffffffff' +
  'ffffff7f09f40000000000000080099339323233333732303336383534373735383038148330303704822d' +
  '300380018361626304e064' +
  '78'.repeat(100) +
  '66ff';

function isFormatError(e: unknown): boolean {
  return e instanceof RdbDecodeError && e.detail.kind === 'format';
}

test('listpack: decodes every encoding redis-server 7.0.15 writes', () => {
  assert.deepEqual(decodeListpack(Buffer.from(GOLDEN_LISTPACK, 'hex')), GOLDEN_ELEMENTS);
});

test('listpack: encodes byte-identically to redis-server 7.0.15', () => {
  assert.equal(Buffer.from(encodeListpack(GOLDEN_ELEMENTS)).toString('hex'), GOLDEN_LISTPACK);
});

test('listpack: empty listpack is header + terminator', () => {
  const lp = encodeListpack([]);
  assert.equal(Buffer.from(lp).toString('hex'), '0700000000' + '00ff');
  assert.deepEqual(decodeListpack(lp), []);
});

test('listpack: long strings use 12-bit and 32-bit lengths with multi-byte backlens', () => {
  const items = ['y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), 'v'.repeat(20000)];
  const lp = encodeListpack(items);
  assert.deepEqual(decodeListpack(lp), items);
});

test('listpack: binary-safe latin1 bytes survive a round trip', () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  assert.deepEqual(decodeListpack(encodeListpack([all, '\u0000', '\u00ff'])), [
    all,
    '\u0000',
    '\u00ff',
  ]);
});

test('listpack: random round trips', () => {
  const rng = new Rng(7);
  for (let round = 0; round < 200; round++) {
    const items: string[] = [];
    const n = rng.below(40);
    for (let i = 0; i < n; i++) items.push(randomElement(rng));
    assert.deepEqual(decodeListpack(encodeListpack(items)), items);
  }
});

function randomElement(rng: Rng): string {
  switch (rng.below(4)) {
    case 0:
      return String(rng.below(1 << 30) - (1 << 29));
    case 1:
      return String(BigInt(rng.below(1 << 30)) * 8589934592n * (rng.below(2) ? 1n : -1n));
    case 2:
      return 'k'.repeat(rng.below(300));
    default:
      return String.fromCharCode(rng.below(256), rng.below(256));
  }
}

test('listpack: a count of 65535 means unknown and is accepted', () => {
  const lp = Buffer.from(encodeListpack(['a', 'b']));
  lp.writeUInt16LE(0xffff, 4);
  assert.deepEqual(decodeListpack(lp), ['a', 'b']);
});

test('listpack: corrupt input throws a format error', () => {
  const good = Buffer.from(encodeListpack(['hello', '1234', 'x'.repeat(200)]));
  const cases: [string, (b: Buffer) => Buffer][] = [
    ['too short', () => Buffer.from([1, 0, 0])],
    ['wrong total bytes', (b) => (b.writeUInt32LE(b.length + 1, 0), b)],
    ['no terminator', (b) => ((b[b.length - 1] = 0), b)],
    ['wrong count', (b) => (b.writeUInt16LE(2, 4), b)],
    ['wrong backlen', (b) => ((b[6 + 6] = 9), b)],
    ['string past the end', (b) => ((b[6] = 0x80 | 60), b)],
    ['invalid encoding byte', (b) => ((b[6] = 0xf5), b)],
  ];
  for (const [name, mutate] of cases) {
    assert.throws(() => decodeListpack(mutate(Buffer.from(good))), isFormatError, name);
  }
});

/** A ziplist from Redis's own corrupt-dump test suite (a valid quicklist node). */
const REDIS_ZIPLIST =
  '1b000000160000000500' + '00025f39' + '04f9' + '02025f37' + '04f7' + '02025f35' + 'ff';

test('ziplist: decodes a ziplist written by Redis, with 4-bit immediates', () => {
  assert.deepEqual(decodeZiplist(Buffer.from(REDIS_ZIPLIST, 'hex')), ['_9', '8', '_7', '6', '_5']);
});

test('ziplist: encoder reproduces that ziplist byte for byte', () => {
  assert.equal(
    Buffer.from(encodeZiplist(['_9', '8', '_7', '6', '_5'])).toString('hex'),
    REDIS_ZIPLIST,
  );
});

test('ziplist: every integer width and string length round-trips', () => {
  const items = [
    '127',
    '-128',
    '32767',
    '8388607',
    '-8388608',
    '2147483647',
    '9223372036854775807',
    '-9223372036854775808',
    '0',
    '12',
    '13',
    'x'.repeat(31),
    'x'.repeat(300),
    'x'.repeat(20000),
    '',
  ];
  assert.deepEqual(decodeZiplist(encodeZiplist(items)), items);
});

test('ziplist: entries after a 254+ byte entry carry a 5-byte prevlen', () => {
  const items = ['a'.repeat(300), 'b', 'c'.repeat(253), 'd'];
  const zl = encodeZiplist(items);
  assert.equal(zl[10 + 3 + 300], 0xfe);
  assert.deepEqual(decodeZiplist(zl), items);
});

test('ziplist: corrupt input throws a format error', () => {
  const good = Buffer.from(REDIS_ZIPLIST, 'hex');
  const cases: [string, (b: Buffer) => Buffer][] = [
    ['too short', () => Buffer.from([1, 0, 0])],
    ['wrong total bytes', (b) => (b.writeUInt32LE(5, 0), b)],
    ['tail offset wrong', (b) => (b.writeUInt32LE(18, 4), b)],
    ['wrong count', (b) => (b.writeUInt16LE(4, 8), b)],
    ['wrong prevlen', (b) => ((b[14] = 3), b)],
    ['invalid encoding', (b) => ((b[11] = 0xc8), b)],
    ['string past the end', (b) => ((b[11] = 0x3f), b)],
  ];
  for (const [name, mutate] of cases) {
    assert.throws(() => decodeZiplist(mutate(Buffer.from(good))), isFormatError, name);
  }
});
