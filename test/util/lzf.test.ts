import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lzfCompress, lzfDecompress } from '../../src/util/lzf.js';
import { Rng } from '../../src/util/rng.js';

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const hex = (h: string): Uint8Array => Buffer.from(h, 'hex');

/**
 * LZF blocks taken from redis-server 7.0.15 DUMP payloads of these strings, which it
 * compresses with lzf_compress(s, len, out, len - 4).
 */
const GOLDEN: readonly (readonly [string, string])[] = [
  ['a'.repeat(21), '016161e00a00'],
  ['a'.repeat(100), '016161e05700016161'],
  ['a'.repeat(300), '016161e0ff00e01700016161'],
  // The match at offset 3 against offset 0 is refused: lzf never references byte 0.
  ['abc'.repeat(7), '0361626361e00602016263'],
  ['hello world '.repeat(10), '0c68656c6c6f20776f726c642068e0600b016420'],
  ['\0'.repeat(40) + '\xff'.repeat(40), '010000e01d0000ffe01c0001ffff'],
];

function randomInput(rng: Rng, length: number, alphabet: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    if (i > 0 && rng.below(4) === 0) {
      // Copy a run from earlier so that there is something to find.
      const from = i - 1 - rng.below(Math.min(i, 9000));
      const run = rng.below(300);
      for (let k = 0; k < run && i < length; k++, i++) out[i] = out[from + k]!;
      i--;
    } else {
      out[i] = rng.below(alphabet);
    }
  }
  return out;
}

test('lzfCompress produces the same bytes as Redis for the golden strings', () => {
  for (const [input, block] of GOLDEN) {
    const packed = lzfCompress(latin1(input), input.length - 4);
    assert.ok(packed !== null, `${input.slice(0, 8)}... compresses`);
    assert.equal(Buffer.from(packed).toString('hex'), block, `${input.slice(0, 8)}...`);
  }
});

test('lzfDecompress expands the golden blocks back to their strings', () => {
  for (const [input, block] of GOLDEN) {
    const out = lzfDecompress(hex(block), input.length);
    assert.ok(out !== null);
    assert.equal(Buffer.from(out).latin1Slice(0, out.length), input);
  }
});

test('compress then decompress returns the input for random data of many shapes', () => {
  const rng = new Rng(2024);
  for (let round = 0; round < 300; round++) {
    const length = 1 + rng.below(round % 10 === 0 ? 40000 : 600);
    const input = randomInput(rng, length, 1 + rng.below(256));
    const packed = lzfCompress(input, length * 2 + 16);
    assert.ok(packed !== null, `round ${round} fits in twice its size`);
    assert.deepEqual(lzfDecompress(packed, length), input, `round ${round}`);
  }
});

test('incompressible input does not fit in less than its length, but round-trips with room', () => {
  const rng = new Rng(99);
  const input = new Uint8Array(5000);
  for (let i = 0; i < input.length; i++) input[i] = rng.below(256);
  assert.equal(lzfCompress(input, input.length - 4), null);
  const packed = lzfCompress(input, input.length * 2);
  assert.ok(packed !== null && packed.length > input.length);
  assert.deepEqual(lzfDecompress(packed, input.length), input);
});

test('a smaller output limit either fails or yields the very same bytes', () => {
  const rng = new Rng(5);
  for (let round = 0; round < 100; round++) {
    const input = randomInput(rng, 1 + rng.below(400), 1 + rng.below(8));
    const full = lzfCompress(input, input.length * 2 + 16);
    assert.ok(full !== null);
    assert.equal(lzfCompress(input, full.length - 1), null, `round ${round}: cannot fit in n - 1`);
    for (let limit = full.length; limit < full.length + 5; limit++) {
      const limited = lzfCompress(input, limit);
      if (limited !== null) assert.deepEqual(limited, full, `round ${round}, limit ${limit}`);
    }
  }
});

test('empty input does not compress, and an empty block decompresses to nothing', () => {
  assert.equal(lzfCompress(new Uint8Array(0), 10), null);
  assert.deepEqual(lzfDecompress(new Uint8Array(0), 0), new Uint8Array(0));
});

test('lzfDecompress refuses corrupt blocks and wrong lengths', () => {
  const cases: readonly (readonly [string, string, number])[] = [
    ['reference before the start', '2000', 3],
    ['literal run past the end of the input', '0561', 6],
    ['back reference missing its offset', '006120', 4],
    ['long back reference missing its offset', '0061e005', 9],
    ['expands to fewer bytes than declared', '016161e00a00', 22],
    ['expands to more bytes than declared', '016161e00a00', 20],
  ];
  for (const [why, block, length] of cases) {
    assert.equal(lzfDecompress(hex(block), length), null, why);
  }
});

test('lzfDecompress refuses a length no block of that size can reach, before allocating', () => {
  assert.equal(lzfDecompress(hex('016161e0ff00'), 2 ** 40), null);
});
