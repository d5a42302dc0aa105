/**
 * Bitmap commands. Expected replies were checked against redis-server 7.0.15; the
 * Tcl suite bitops.tcl (and the SETBIT/GETBIT parts of type/string.tcl) is ported
 * where it touches these commands, its fuzzers against a model written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { OK, error, type Reply } from '../../src/resp/reply.js';
import type { CollectionValue } from '../../src/keyspace/value.js';
import { keyIndexes } from '../../src/commands/spec.js';
import { bitmapCommands } from '../../src/commands/bitmaps.js';

const LIST: CollectionValue = {
  type: 'list',
  encoding: () => 'listpack',
  clone: () => LIST,
  digestView: () => ({ type: 'list', elements: [] }),
};
const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = error('ERR syntax error');
const NOT_INTEGER = error('ERR value is not an integer or out of range');
const BIT_OFFSET = error('ERR bit offset is not an integer or out of range');
const BIT_VALUE = error('ERR bit is not an integer or out of range');

function script(h: Harness, steps: readonly (readonly [readonly string[], Reply])[]): void {
  for (const [argv, expected] of steps) {
    assert.deepEqual(h.run(...argv), expected, JSON.stringify(argv));
  }
}

function withList(key = 'l'): Harness {
  const h = new Harness();
  h.keyspace.db(0).set(key, LIST, 0);
  return h;
}

/** Bytes from a string of '0'/'1' characters (Tcl's binary format B*). */
function bits(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i += 8) {
    out += String.fromCharCode(parseInt(pattern.slice(i, i + 8).padEnd(8, '0'), 2));
  }
  return out;
}

function countBits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    for (let c = s.charCodeAt(i); c !== 0; c >>= 1) n += c & 1;
  }
  return n;
}

function bitAt(s: string, i: number): number {
  const byte = Math.floor(i / 8);
  return byte < s.length ? (s.charCodeAt(byte) >> (7 - (i % 8))) & 1 : 0;
}

function seeded(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
}

function randomBytes(rand: (n: number) => number, max: number): string {
  let s = '';
  for (let n = rand(max); n > 0; n--) s += String.fromCharCode(rand(256));
  return s;
}

// --- SETBIT GETBIT -------------------------------------------------------------------------

test('SETBIT creates, grows and edits strings and replies with the old bit', () => {
  const h = new Harness();
  script(h, [
    [['SETBIT', 'mykey', '1', '1'], 0],
    [['GET', 'mykey'], bits('01000000')],
    [['SET', 'mykey', '@'], OK],
    [['SETBIT', 'mykey', '2', '1'], 0],
    [['GET', 'mykey'], bits('01100000')],
    [['SETBIT', 'mykey', '1', '0'], 1],
    [['GET', 'mykey'], bits('00100000')],
    [['SET', 'mykey', '1'], OK],
    [['SETBIT', 'mykey', '6', '1'], 0],
    [['GET', 'mykey'], bits('00110011')],
    [['SETBIT', 'mykey', '2', '0'], 1],
    [['GET', 'mykey'], bits('00010011')],
    [['SETBIT', 'z', '100', '0'], 0],
    [['GET', 'z'], '\x00'.repeat(13)],
    [['SETBIT', 'z', '3', '0'], 0],
    [['STRLEN', 'z'], 13],
  ]);
});

test('SETBIT keeps the TTL', () => {
  const h = new Harness();
  h.run('SET', 'k', '1', 'EX', '100');
  h.run('SETBIT', 'k', '0', '1');
  assert.equal(h.keyspace.db(0).peek('k')?.expireAt, h.now + 100_000);
});

test('SETBIT errors: offset, bit value, type, in that order', () => {
  const h = withList();
  script(h, [
    [['SETBIT', 'l', '0', '1'], WRONGTYPE],
    [['SETBIT', 'l', '-1', '1'], BIT_OFFSET],
    [['SETBIT', 'l', '0', '2'], BIT_VALUE],
    [['SETBIT', 'x', String(4 * 1024 * 1024 * 1024), '1'], BIT_OFFSET],
    [['SETBIT', 'x', '9223372036854775807', '1'], BIT_OFFSET],
    [['SETBIT', 'x', 'x', '1'], BIT_OFFSET],
    [['SETBIT', 'x', '-1', 'x'], BIT_OFFSET],
    [['SETBIT', 'x', '0', '-1'], BIT_VALUE],
    [['SETBIT', 'x', '0', '2'], BIT_VALUE],
    [['SETBIT', 'x', '0', '10'], BIT_VALUE],
    [['SETBIT', 'x', '0', '20'], BIT_VALUE],
    [['SETBIT', 'x', '0', '01'], BIT_VALUE],
    [['SETBIT', 'x', '0', 'x'], BIT_VALUE],
    [['EXISTS', 'x'], 0],
  ]);
});

test('SETBIT fuzzing against a model bit string', () => {
  const h = new Harness();
  const rand = seeded(1);
  let model = '';
  for (let i = 0; i < 2000; i++) {
    const bit = rand(256 * 8);
    const value = rand(2);
    const padded = model.padEnd(bit + 1, '0');
    model = padded.slice(0, bit) + String(value) + padded.slice(bit + 1);
    h.run('SETBIT', 'mykey', String(bit), String(value));
    assert.equal(h.run('GET', 'mykey'), bits(model.padEnd(Math.ceil(model.length / 8) * 8, '0')));
  }
});

test('GETBIT reads bits, 0 past the end or for a missing key', () => {
  const h = withList();
  script(h, [
    [['GETBIT', 'mykey', '0'], 0],
    [['SET', 'mykey', '`'], OK],
    [['GETBIT', 'mykey', '0'], 0],
    [['GETBIT', 'mykey', '1'], 1],
    [['GETBIT', 'mykey', '2'], 1],
    [['GETBIT', 'mykey', '3'], 0],
    [['GETBIT', 'mykey', '8'], 0],
    [['GETBIT', 'mykey', '100'], 0],
    [['GETBIT', 'mykey', '10000'], 0],
    [['SET', 'n', '1'], OK],
    [['GETBIT', 'n', '2'], 1],
    [['GETBIT', 'n', '3'], 1],
    [['GETBIT', 'n', '4'], 0],
    [['GETBIT', 'l', '0'], WRONGTYPE],
    [['GETBIT', 'nokey', '-1'], BIT_OFFSET],
    [['GETBIT', 'nokey', String(4 * 1024 * 1024 * 1024)], BIT_OFFSET],
    [['GETBIT', 'l', 'x'], BIT_OFFSET],
  ]);
});

// --- BITCOUNT ------------------------------------------------------------------------------

test('BITCOUNT counts set bits in byte and bit ranges', () => {
  const h = new Harness();
  script(h, [
    [['BITCOUNT', 'no-key'], 0],
    [['BITCOUNT', 'no-key', '0', '1000', 'bit'], 0],
    [['SET', 'str', 'xxxx'], OK],
    [['BITCOUNT', 'str', '4', '10'], 0],
    [['BITCOUNT', 'str', '32', '87', 'bit'], 0],
    [['BITCOUNT', 'str', '-6', '-7'], 0],
    [['BITCOUNT', 'str', '-6', '-15', 'bit'], 0],
    [['SET', 's', 'foobar'], OK],
    [['BITCOUNT', 's'], 26],
    [['BITCOUNT', 's', '0', '-1'], 26],
    [['BITCOUNT', 's', '1', '-2'], countBits('ooba')],
    [['BITCOUNT', 's', '-2', '1'], 0],
    [['BITCOUNT', 's', '0', '1000'], 26],
    [['BITCOUNT', 's', '5', '5', 'BYTE'], countBits('r')],
    [['BITCOUNT', 's', '0', '-1', 'bit'], 26],
    [['BITCOUNT', 's', '10', '14', 'bit'], 4],
    [['BITCOUNT', 's', '3', '14', 'bit'], 7],
    [['BITCOUNT', 's', '3', '29', 'bit'], 16],
    [['BITCOUNT', 's', '10', '-34', 'bit'], 4],
    [['BITCOUNT', 's', '3', '-34', 'bit'], 7],
    [['BITCOUNT', 's', '3', '-19', 'bit'], 16],
    [['BITCOUNT', 's', '-2', '1', 'bit'], 0],
    [['BITCOUNT', 's', '0', '1000', 'bit'], 26],
    [['BITCOUNT', 's', '0', '4294967296'], 26],
    [['SET', 'm', 'ab'], OK],
    [['BITCOUNT', 'm', '1', '-1'], 3],
    [['SET', 'm', '__PPxxxxxxxxxxxxxxxxRR__'], OK],
    [['BITCOUNT', 'm', '2', '-3'], 74],
  ]);
});

test('BITCOUNT errors follow Redis order: type, arity, integers, then the unit', () => {
  const h = withList();
  h.run('SET', 's', 'foobar');
  script(h, [
    [['BITCOUNT', 'l'], WRONGTYPE],
    [['BITCOUNT', 's', '0'], SYNTAX],
    [['BITCOUNT', 's', '0', '1', 'hello'], SYNTAX],
    [['BITCOUNT', 's', '0', '1', 'bit', 'x'], SYNTAX],
    [['BITCOUNT', 's', 'x', '1'], NOT_INTEGER],
    [['BITCOUNT', 's', '0', 'x'], NOT_INTEGER],
    // A reversed negative range answers 0 before the unit is read.
    [['BITCOUNT', 's', '-6', '-7', 'bogus'], 0],
    // A missing key answers 0 before any argument is read.
    [['BITCOUNT', 'nokey', 'a'], 0],
    [['BITCOUNT', 'nokey', 'a', 'b', 'c'], 0],
  ]);
});

test('BITCOUNT fuzzing over byte and bit ranges', () => {
  const h = new Harness();
  const rand = seeded(2);
  for (let j = 0; j < 200; j++) {
    const str = randomBytes(rand, 300);
    h.run('SET', 'str', str);
    assert.equal(h.run('BITCOUNT', 'str'), countBits(str));
    assert.equal(h.run('BITCOUNT', 'str', '0', '-1', 'bit'), countBits(str));
    const start = rand(str.length + 2);
    const end = rand(str.length + 2);
    assert.equal(
      h.run('BITCOUNT', 'str', String(start), String(end)),
      countBits(str.slice(start, end + 1)),
    );
    const bitStart = rand(str.length * 8 + 10);
    const bitEnd = rand(str.length * 8 + 10);
    let expected = 0;
    for (let b = bitStart; b <= Math.min(bitEnd, str.length * 8 - 1); b++)
      expected += bitAt(str, b);
    assert.equal(h.run('BITCOUNT', 'str', String(bitStart), String(bitEnd), 'BIT'), expected);
  }
});

// --- BITPOS --------------------------------------------------------------------------------

test('BITPOS on missing and empty keys', () => {
  const h = new Harness();
  script(h, [
    [['BITPOS', 'str', '0'], 0],
    [['BITPOS', 'str', '0', '0', '-1', 'bit'], 0],
    [['BITPOS', 'str', '1'], -1],
    [['BITPOS', 'str', '1', '0', '-1'], -1],
    // Redis answers for a missing key before reading the range.
    [['BITPOS', 'str', '1', 'x'], -1],
    [['SET', 'e', ''], OK],
    [['BITPOS', 'e', '0'], -1],
    [['BITPOS', 'e', '1'], -1],
  ]);
});

test('BITPOS finds bits within bytes, unaligned starts and intervals', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'str', '\xff\xf0\x00'], OK],
    [['BITPOS', 'str', '0'], 12],
    [['BITPOS', 'str', '0', '0', '-1', 'bit'], 12],
    [['BITPOS', 'str', '0', '1'], 12],
    [['BITPOS', 'str', '0', '1', '-1', 'bit'], 12],
    [['SET', 'str', '\x00\x0f\xff'], OK],
    [['BITPOS', 'str', '1'], 12],
    [['BITPOS', 'str', '1', '1'], 12],
    [['BITPOS', 'str', '1', '1', '-1', 'bit'], 12],
    [['SET', 'str', '\x00\xff\x00'], OK],
    [['BITPOS', 'str', '0', '0', '-1'], 0],
    [['BITPOS', 'str', '0', '1', '-1'], 16],
    [['BITPOS', 'str', '0', '2', '-1'], 16],
    [['BITPOS', 'str', '0', '2', '200'], 16],
    [['BITPOS', 'str', '0', '1', '1'], -1],
    [['BITPOS', 'str', '0', '8', '-1', 'bit'], 16],
    [['BITPOS', 'str', '0', '16', '200', 'bit'], 16],
    [['BITPOS', 'str', '0', '8', '8', 'bit'], -1],
    [['BITPOS', 'str', '1', '0', '-1'], 8],
    [['BITPOS', 'str', '1', '2', '-1'], -1],
    [['BITPOS', 'str', '1', '2', '200'], -1],
    [['BITPOS', 'str', '1', '1', '1'], 8],
    [['BITPOS', 'str', '1', '16', '-1', 'bit'], -1],
    [['BITPOS', 'str', '1', '8', '8', 'bit'], 8],
    // No reversed-range check in BITPOS: both clamp to byte 0.
    [['BITPOS', 'str', '1', '-20', '-30'], -1],
    [['BITPOS', 'str', '0', '-20', '-30'], 0],
  ]);
});

test('BITPOS bit=0 treats the right as zero-padded unless an end is given', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'str', '\xff\xff\xff'], OK],
    [['BITPOS', 'str', '0'], 24],
    [['BITPOS', 'str', '0', '0'], 24],
    [['BITPOS', 'str', '0', '0', '-1'], -1],
    [['BITPOS', 'str', '0', '0', '-1', 'bit'], -1],
  ]);
  h.run('SET', 'str', '\xff'.repeat(27) + '\x0f');
  for (let start = 0; start <= 8; start++) {
    assert.equal(h.run('BITPOS', 'str', '0', String(start)), 216, `byte start ${start}`);
    assert.equal(h.run('BITPOS', 'str', '0', String(start * 8 + 1), '-1', 'bit'), 216);
  }
  h.run('SET', 'str', '\x00'.repeat(27) + '\xf0');
  for (let start = 0; start <= 8; start++) {
    assert.equal(h.run('BITPOS', 'str', '1', String(start)), 216, `byte start ${start}`);
    assert.equal(h.run('BITPOS', 'str', '1', String(start * 8 + 1), '-1', 'bit'), 216);
  }
});

test('BITPOS errors: bit argument, type, range syntax', () => {
  const h = withList();
  h.run('SET', 'p', '\xff\xf0\x00');
  script(h, [
    [['BITPOS', 'nokey', '2'], error('ERR The bit argument must be 1 or 0.')],
    [['BITPOS', 'nokey', 'x'], NOT_INTEGER],
    [['BITPOS', 'l', '1'], WRONGTYPE],
    [['BITPOS', 'p', '0', '1', '2', '3', '4'], SYNTAX],
    [['BITPOS', 'p', '0', '1', '2', 'bogus'], SYNTAX],
    [['BITPOS', 'p', '0', 'x'], NOT_INTEGER],
    [['BITPOS', 'p', '0', '1', 'x'], NOT_INTEGER],
    [['BITPOS', 'p', '0', 'x', '1', 'bogus'], NOT_INTEGER],
    [['BITPOS', 'p', '0', '1', 'x', 'bogus'], SYNTAX],
  ]);
});

test('BITPOS and BITCOUNT fuzzing with SETBIT, as bitops.tcl does', () => {
  const h = new Harness();
  const rand = seeded(3);
  const max = 200;
  for (const bit of [1, 0]) {
    h.run('SET', 'str', (bit === 1 ? '\x00' : '\xff').repeat(max / 8));
    let firstPos = -1;
    for (let j = 0; j < 300; j++) {
      const expected = firstPos === -1 ? (bit === 1 ? -1 : max) : firstPos;
      assert.equal(h.run('BITPOS', 'str', String(bit)), expected);
      const bounded = bit === 0 && firstPos === -1 ? -1 : expected;
      assert.equal(h.run('BITPOS', 'str', String(bit), '0', '-1', 'bit'), bounded);
      const pos = rand(max);
      h.run('SETBIT', 'str', String(pos), String(bit));
      if (firstPos === -1 || pos < firstPos) firstPos = pos;
    }
  }
  for (let j = 0; j < 300; j++) {
    const str = randomBytes(rand, 40);
    h.run('SET', 'str', str);
    const bit = rand(2);
    const start = rand(str.length * 8 + 4);
    const end = rand(str.length * 8 + 4);
    let expected = -1;
    for (let b = start; b <= Math.min(end, str.length * 8 - 1); b++) {
      if (bitAt(str, b) === bit) {
        expected = b;
        break;
      }
    }
    const argv = ['BITPOS', 'str', String(bit), String(start), String(end), 'BIT'];
    assert.equal(h.run(...argv), expected, JSON.stringify([str, ...argv]));
  }
});

// --- BITOP ---------------------------------------------------------------------------------

function simulateBitop(op: string, inputs: readonly string[]): string {
  const length = Math.max(...inputs.map((s) => s.length));
  let out = '';
  for (let i = 0; i < length; i++) {
    const byte = (k: number): number => {
      const s = inputs[k] as string;
      return i < s.length ? s.charCodeAt(i) : 0;
    };
    let b = op === 'not' ? ~byte(0) & 0xff : byte(0);
    for (let k = 1; k < inputs.length; k++) {
      b = op === 'and' ? b & byte(k) : op === 'or' ? b | byte(k) : b ^ byte(k);
    }
    out += String.fromCharCode(b);
  }
  return out;
}

test('BITOP NOT, and the same key as source and destination', () => {
  const h = new Harness();
  script(h, [
    [['SET', 's', ''], OK],
    [['BITOP', 'not', 'dest', 's'], 0],
    [['EXISTS', 'dest'], 0],
    [['SET', 's', '\xaa\x00\xff\x55'], OK],
    [['BITOP', 'not', 'dest', 's'], 4],
    [['GET', 'dest'], '\x55\xff\x00\xaa'],
    [['BITOP', 'NOT', 's', 's'], 4],
    [['GET', 's'], '\x55\xff\x00\xaa'],
  ]);
});

test('BITOP AND/OR/XOR zero-pad shorter and missing inputs', () => {
  const h = new Harness();
  script(h, [
    [['SET', 'a', '\x01\x02\xff'], OK],
    [['BITOP', 'and', 'res1', 'a'], 3],
    [['BITOP', 'or', 'res2', 'a'], 3],
    [['BITOP', 'xor', 'res3', 'a'], 3],
    [
      ['MGET', 'res1', 'res2', 'res3'],
      ['\x01\x02\xff', '\x01\x02\xff', '\x01\x02\xff'],
    ],
    [['BITOP', 'and', 'res1', 'no-such-key', 'a'], 3],
    [['BITOP', 'or', 'res2', 'no-such-key', 'a', 'no-such-key'], 3],
    [['BITOP', 'xor', 'res3', 'no-such-key', 'a'], 3],
    [
      ['MGET', 'res1', 'res2', 'res3'],
      ['\x00\x00\x00', '\x01\x02\xff', '\x01\x02\xff'],
    ],
    [['SET', 'a', '\x01\x02\xff\xff'], OK],
    [['SET', 'b', '\x01\x02\xff'], OK],
    [['BITOP', 'and', 'res1', 'a', 'b'], 4],
    [['BITOP', 'or', 'res2', 'a', 'b'], 4],
    [['BITOP', 'xor', 'res3', 'a', 'b'], 4],
    [
      ['MGET', 'res1', 'res2', 'res3'],
      ['\x01\x02\xff\x00', '\x01\x02\xff\xff', '\x00\x00\x00\xff'],
    ],
    [['SET', 'one', '1'], OK],
    [['SET', 'two', '2'], OK],
    [['BITOP', 'xor', 'dest', 'one', 'two', 'one'], 1],
    [['GET', 'dest'], '2'],
    [['SET', 'z', '\x00'.repeat(32)], OK],
    [['BITOP', 'or', 'x', 'z', 'missing'], 32],
    [['GET', 'x'], '\x00'.repeat(32)],
  ]);
});

test('BITOP fuzzing against a model', () => {
  const h = new Harness();
  const rand = seeded(4);
  for (const op of ['and', 'or', 'xor', 'not']) {
    for (let i = 0; i < 20; i++) {
      const count = op === 'not' ? 1 : rand(10) + 1;
      const inputs: string[] = [];
      const keys: string[] = [];
      for (let j = 0; j < count; j++) {
        inputs.push(randomBytes(rand, 100));
        keys.push(`vector_${j}`);
        h.run('SET', `vector_${j}`, inputs[j] as string);
      }
      const expected = simulateBitop(op, inputs);
      assert.equal(h.run('BITOP', op, 'target', ...keys), expected.length);
      assert.equal(h.run('GET', 'target'), expected.length === 0 ? null : expected);
    }
  }
});

test('BITOP with an empty result deletes the destination; it clears the TTL otherwise', () => {
  const h = new Harness();
  h.run('SET', 'd', '1', 'EX', '100');
  h.run('SET', 's', '1');
  assert.equal(h.run('BITOP', 'or', 'd', 's'), 1);
  assert.equal(h.keyspace.db(0).peek('d')?.expireAt, 0);
  assert.equal(h.run('BITOP', 'or', 'd', 'missing1', 'missing2'), 0);
  assert.equal(h.run('EXISTS', 'd'), 0);
});

test('BITOP errors: operation, NOT arity, a non-string source', () => {
  const h = withList('c');
  h.run('MSET', 'a', '1', 'b', '2');
  script(h, [
    [['BITOP', 'bogus', 'dest', 'a'], SYNTAX],
    [
      ['BITOP', 'not', 'dest', 'a', 'b'],
      error('ERR BITOP NOT must be called with a single source key.'),
    ],
    [['BITOP', 'xor', 'dest', 'a', 'b', 'c', 'd'], WRONGTYPE],
    [['EXISTS', 'dest'], 0],
    [['BITOP', 'AnD', 'dest', 'a'], 1],
  ]);
});

// --- specs ---------------------------------------------------------------------------------

test('bitmap specs carry Redis key positions, flags and ACL categories', () => {
  const spec = (name: string) => {
    const s = bitmapCommands.find((c) => c.name === name);
    assert.ok(s, name);
    return s;
  };
  assert.deepEqual(keyIndexes(spec('bitop'), ['BITOP', 'AND', 'dest', 'a', 'b']), [2, 3, 4]);
  assert.deepEqual(keyIndexes(spec('bitpos'), ['BITPOS', 'k', '1', '0']), [1]);
  assert.deepEqual(spec('getbit').flags, ['readonly', 'fast']);
  assert.deepEqual(spec('setbit').acl, ['write', 'bitmap', 'slow']);
  assert.equal(spec('bitpos').since, '2.8.7');
  for (const s of bitmapCommands) assert.equal(s.group, 'bitmap', s.name);
});
