import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDumpPayload,
  decodeDumpPayload,
  RDB_VERSION,
  RdbReader,
  RdbType,
  RdbWriter,
  verifyDumpPayload,
  type DecodeResult,
} from '../../src/keyspace/serialize.js';
import type { Value } from '../../src/keyspace/value.js';
import { crc64, writeCrc64LE } from '../../src/util/crc64.js';
import { Rng } from '../../src/util/rng.js';

/** Redis's default encoding thresholds, which decide a loaded value's encoding. */
const LOAD = { number: (name: string): number => (name === 'set-max-intset-entries' ? 512 : 128) };

/** Incompressible bytes: (i*i*31 + i*7 + 3) & 255. */
function scrambled(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode((i * i * 31 + i * 7 + 3) & 255);
  return s;
}

/** DUMP replies of redis-server 7.0.15 for these string values, as hex. */
const GOLDEN: readonly (readonly [string, string, string])[] = [
  ['short string', 'bar', '00036261720a00e6be4960ee66fd17'],
  ['empty string', '', '00000a005d9b5c400f7fa2da'],
  ['int8 0', '0', '00c0000a009840a778f8500308'],
  ['int8 1', '1', '00c0010a002678e7b6d10111fc'],
  ['int8 -1', '-1', '00c0ff0a000c937e2485089dc5'],
  ['int8 127', '127', '00c07f0a000db5eb315254c514'],
  ['int16 128', '128', '00c180000a00eb7ab3b510cf4b65'],
  ['int8 -128', '-128', '00c0800a009966326d2f0c5bd9'],
  ['int16 -129', '-129', '00c17fff0a001760822854808480'],
  ['int16 32767', '32767', '00c1ff7f0a00495a37da17f4d52b'],
  ['int32 32768', '32768', '00c2008000000a0045d82eedd5bda910'],
  ['int16 -32768', '-32768', '00c100800a00b540064753bb1ace'],
  ['int32 -32769', '-32769', '00c2ff7fffff0a00aee34c4d06c68536'],
  ['int32 max', '2147483647', '00c2ffffff7f0a002c74e59ee02eada1'],
  ['int32 min', '-2147483648', '00c2000000800a00c74f873e33558187'],
  ['just over int32', '2147483648', '000a323134373438333634380a00e7b129a34c1d76ee'],
  ['just under int32', '-2147483649', '000b2d323134373438333634390a00c261377908f2028c'],
  [
    'int64 max stays a string',
    '9223372036854775807',
    '0013393232333337323033363835343737353830370a003a657e9481e85f22',
  ],
  ['"-0" is not canonical', '-0', '00022d300a00d5411fd9d6d050cc'],
  ['leading zero is not canonical', '007', '00033030370a007258e27b4c69bad9'],
  [
    '20 bytes: too short to try LZF',
    'a'.repeat(20),
    '0014' + '61'.repeat(20) + '0a0083b46b5e1b11acf1',
  ],
  ['21 bytes of a: LZF', 'a'.repeat(21), '00c30615016161e00a000a00fd0cb36807413f68'],
  ['100 bytes of a: LZF', 'a'.repeat(100), '00c3094064016161e057000161610a00e8a3b507b06df271'],
  [
    'LZF never references byte 0',
    'abc'.repeat(7),
    '00c30b150361626361e006020162630a000201710c8eebf946',
  ],
  [
    'repeated words: LZF',
    'hello world '.repeat(10),
    '00c31440780c68656c6c6f20776f726c642068e0600b0164200a00d4035f436c9a1bd7',
  ],
  [
    'binary runs: LZF',
    '\0'.repeat(40) + '\xff'.repeat(40),
    '00c30e4050010000e01d0000ffe01c0001ffff0a0045d47317d361bfee',
  ],
  [
    'incompressible 36 bytes stay raw',
    'abcdefghijklmnopqrstuvwxyz0123456789',
    '00246162636465666768696a6b6c6d6e6f707172737475767778797a303132333435363738390a00c3d18e5aec8d8f0d',
  ],
  ['binary bytes', '\x00\x01\x02\xff\xfe\x80\n\r', '0008000102fffe800a0d0a00b87e7e156448dad3'],
  [
    'incompressible 64 bytes: 14-bit length',
    scrambled(64),
    '00404003298d2f0f2d8923fb1165f7c7d521ab7379bd3ffffd39b36b619507b7a5d13be3c9ed4fefcde943dbb1c517a77581cb53191d5fdf9d99d34b01f5279745315b0a00a66ff2feaf14513c',
  ],
];

function dumpHex(value: Value): string {
  const result = createDumpPayload(value);
  assert.ok(result.ok);
  return result.payload.toString('hex');
}

/** `body` (hex) with an RDB version and a correct CRC-64 after it, as a latin1 string. */
function withFooter(body: string, version = RDB_VERSION): string {
  const bytes = Buffer.concat([
    Buffer.from(body, 'hex'),
    Buffer.from([version & 255, version >> 8]),
  ]);
  const crc = Buffer.alloc(8);
  writeCrc64LE(crc64(bytes), crc, 0);
  return Buffer.concat([bytes, crc]).latin1Slice(0, bytes.length + 8);
}

function decodedString(result: DecodeResult): Value {
  assert.ok(result.ok, `decodes: ${JSON.stringify(result)}`);
  return result.value;
}

test('DUMP payloads of strings are byte-identical to redis-server 7.0', () => {
  for (const [why, value, hex] of GOLDEN) assert.equal(dumpHex(value), hex, why);
});

test('payloads from redis-server decode to the original strings', () => {
  for (const [why, value, hex] of GOLDEN) {
    const payload = Buffer.from(hex, 'hex').latin1Slice(0, hex.length / 2);
    assert.equal(decodedString(decodeDumpPayload(payload, LOAD)), value, why);
  }
});

test('random strings round-trip through a DUMP payload', () => {
  const rng = new Rng(11);
  for (let round = 0; round < 300; round++) {
    const length = rng.below(round % 20 === 0 ? 20000 : 80);
    const alphabet = 1 + rng.below(256);
    let value = '';
    for (let i = 0; i < length; i++) value += String.fromCharCode(rng.below(alphabet));
    const result = createDumpPayload(value);
    assert.ok(result.ok);
    const payload = result.payload.latin1Slice(0, result.payload.length);
    assert.equal(decodedString(decodeDumpPayload(payload, LOAD)), value, `round ${round}`);
  }
});

test('flipping any byte of a payload fails the version or checksum check', () => {
  const result = createDumpPayload('hello world '.repeat(4));
  assert.ok(result.ok);
  for (let i = 0; i < result.payload.length; i++) {
    const damaged: Buffer = Buffer.from(result.payload);
    damaged[i] = damaged[i]! ^ 0x20;
    assert.deepEqual(decodeDumpPayload(damaged.latin1Slice(0, damaged.length), LOAD), {
      ok: false,
      error: { kind: 'checksum' },
    });
  }
});

test('the footer check: short payloads and newer RDB versions fail, older versions pass', () => {
  assert.equal(verifyDumpPayload(Buffer.from('0123456789')), false);
  assert.equal(verifyDumpPayload(Buffer.from('short')), false);
  assert.equal(verifyDumpPayload(Buffer.from(withFooter('0003616263', 11), 'latin1')), false);
  assert.equal(decodedString(decodeDumpPayload(withFooter('0003616263', 9), LOAD)), 'abc');
  assert.equal(decodedString(decodeDumpPayload(withFooter('0003616263', 0), LOAD)), 'abc');
});

test('malformed objects with a valid footer are format errors', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['type byte without a value', '00'],
    ['type 8 is not an object type', '0800'],
    ['type 20 is not an object type', '1400'],
    ['module values need the module', '0600'],
    ['module values (v2) need the module', '0700'],
    ['unknown string encoding', '00c4'],
    ['unknown length prefix', '0082000000'],
    ['string longer than the payload', '007f61'],
    ['LZF block that expands short', '00c30205016162'],
    ['LZF block that runs past its end', '00c3040402616263'],
    ['LZF length beyond 2^53', '00c30381ffffffffffffffff'],
  ];
  for (const [why, body] of cases) {
    assert.deepEqual(
      decodeDumpPayload(withFooter(body), LOAD),
      { ok: false, error: { kind: 'format' } },
      why,
    );
  }
});

test('malformed collection payloads are refused, and streams answer "unsupported"', () => {
  const collections = [
    RdbType.LIST,
    RdbType.SET,
    RdbType.ZSET,
    RdbType.HASH,
    RdbType.ZSET_2,
    RdbType.HASH_ZIPMAP,
    RdbType.LIST_ZIPLIST,
    RdbType.SET_INTSET,
    RdbType.ZSET_ZIPLIST,
    RdbType.HASH_ZIPLIST,
    RdbType.LIST_QUICKLIST,
    RdbType.HASH_LISTPACK,
    RdbType.ZSET_LISTPACK,
    RdbType.LIST_QUICKLIST_2,
  ];
  for (const rdbType of collections) {
    // An empty collection or an empty encoded blob: Redis refuses both.
    const body = rdbType.toString(16).padStart(2, '0') + '00';
    const result = decodeDumpPayload(withFooter(body), LOAD);
    assert.equal(result.ok, false, `type ${rdbType}`);
  }
  for (const rdbType of [RdbType.STREAM_LISTPACKS, RdbType.STREAM_LISTPACKS_2]) {
    const body = rdbType.toString(16).padStart(2, '0') + '0100';
    assert.deepEqual(decodeDumpPayload(withFooter(body), LOAD), {
      ok: false,
      error: { kind: 'unsupported', rdbType, type: 'stream' },
    });
  }
});

test('as in Redis, the object may run into the footer and trailing bytes are ignored', () => {
  // With no object at all, the version byte (10) is read as the type: a list ziplist,
  // which the rest of the footer cannot be.
  assert.equal(decodeDumpPayload(withFooter(''), LOAD).ok, false);
  // redis-server 7.0.15 answers these RESTOREs with OK and these values.
  assert.equal(decodedString(decodeDumpPayload(withFooter('0005616263'), LOAD)), 'abc\n\0');
  assert.equal(decodedString(decodeDumpPayload(withFooter('000361626358595a'), LOAD)), 'abc');
  assert.equal(decodedString(decodeDumpPayload(withFooter('00c0'), LOAD)), '10');
});

test('lengths decode in every form Redis writes, and LZF headers read encoded bytes as lengths', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['004003616263', '14-bit length'],
    ['008000000003616263', '32-bit length'],
    ['00810000000000000003616263', '64-bit length'],
    ['00c3c4c302616263', 'LZF lengths given as 0xc4 and 0xc3'],
  ];
  for (const [body, why] of cases) {
    assert.equal(decodedString(decodeDumpPayload(withFooter(body), LOAD)), 'abc', why);
  }
  assert.equal(decodedString(decodeDumpPayload(withFooter('00c30000'), LOAD)), '', 'empty LZF');
});

test('RdbWriter.len picks the shortest of Redis length forms at each boundary', () => {
  const cases: readonly (readonly [number, string])[] = [
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '8000004000'],
    [0xffffffff, '80ffffffff'],
    [2 ** 32, '810000000100000000'],
    [2 ** 53 - 1, '81001fffffffffffff'],
  ];
  for (const [n, hex] of cases) {
    const w = new RdbWriter();
    w.len(n);
    const bytes = w.finish();
    assert.equal(bytes.toString('hex'), hex, `len ${n}`);
    assert.equal(new RdbReader(Buffer.from(bytes)).len(), n, `read back ${n}`);
  }
});
