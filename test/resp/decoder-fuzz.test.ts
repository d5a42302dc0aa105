/**
 * Seeded fuzzing of RequestDecoder. Valid command streams (multibulk and quoted inline,
 * with empty lines, *0 and *-1 between them) must decode to the argv lists they encode,
 * however they are split. Random and mutated bytes must never throw, must yield
 * commands then at most one protocol error, and must give the same result whole, byte
 * by byte and in random chunks. Replay a failure with RESP_FUZZ_SEED=<seed>.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import {
  byteByByte,
  decodeChunks,
  latin1,
  type DecodeEvent,
  type DecodeResult,
} from './decode-support.js';

const replaySeed = process.env['RESP_FUZZ_SEED'];
/** Fixed seeds keep the suite reproducible; one fresh seed per run widens coverage over time. */
const SEEDS =
  replaySeed !== undefined ? [Number(replaySeed)] : [1, 2, 3, 42, 1337, Date.now() % 1_000_000_007];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.below(items.length)] as T;
}

function randomBytes(rng: Rng, length: number, alphabet?: readonly number[]): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s += String.fromCharCode(alphabet === undefined ? rng.below(256) : pick(rng, alphabet));
  }
  return s;
}

const PROTOCOL_BYTES = [...'*$\r\n\r\n0123456789-+ \t"\'\\xX\0aZ']
  .map((c) => c.charCodeAt(0))
  .concat([0xff, 0x0b]);
const SAFE_BYTES = [...'abcXYZ019_:.-'].map((c) => c.charCodeAt(0));

function randomArg(rng: Rng): string {
  const roll = rng.below(200);
  if (roll === 0) return randomBytes(rng, 32 * 1024 + rng.below(40_000), SAFE_BYTES);
  if (roll < 60) return randomBytes(rng, rng.below(20), PROTOCOL_BYTES);
  if (roll < 120) return randomBytes(rng, 1 + rng.below(12), SAFE_BYTES);
  return randomBytes(rng, rng.below(30));
}

function multibulk(argv: readonly string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

/** sdscatrepr-style double quoting: what sdssplitargs reads back as `arg`. */
function doubleQuoted(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c === 34 || c === 92) out += '\\' + arg[i];
    else if (c >= 32 && c < 127) out += arg[i];
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

function inlineArg(rng: Rng, arg: string): string {
  if (
    arg.length > 0 &&
    [...arg].every((c) => SAFE_BYTES.includes(c.charCodeAt(0))) &&
    rng.below(2) === 0
  ) {
    return arg;
  }
  if (/^[ -&(-[\]-~]*$/.test(arg) && rng.below(2) === 0) return `'${arg}'`;
  return doubleQuoted(arg);
}

/** A stream of commands with noise the decoder must skip, and the argv lists it encodes. */
function validStream(rng: Rng): { input: Buffer; expected: DecodeEvent[] } {
  const expected: DecodeEvent[] = [];
  let input = '';
  const commands = 1 + rng.below(60);
  for (let i = 0; i < commands; i++) {
    input += pick(rng, ['', '', '', '\r\n', '\n', '*0\r\n', '*-1\r\n', ' \t\r\n']);
    const argv = Array.from({ length: 1 + rng.below(6) }, () => randomArg(rng));
    const inline = rng.below(3) === 0 && argv.every((a) => a.length < 1000);
    input += inline
      ? argv.map((a) => inlineArg(rng, a)).join(pick(rng, [' ', '  ', ' \t'])) +
        pick(rng, ['\r\n', '\n'])
      : multibulk(argv);
    expected.push({ argv });
  }
  return { input: latin1(input), expected };
}

/** Cuts input into chunks of random sizes: tiny, packet-sized or large. */
function randomChunks(rng: Rng, input: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  const scale = pick(rng, [4, 100, 2000, 70_000]);
  for (let i = 0; i < input.length;) {
    const size = 1 + rng.below(scale);
    chunks.push(input.subarray(i, i + size));
    i += size;
  }
  return chunks;
}

function garbage(rng: Rng): Buffer {
  const kind = rng.below(4);
  if (kind === 0) return latin1(randomBytes(rng, rng.below(3000)));
  if (kind === 1) return latin1(randomBytes(rng, rng.below(3000), PROTOCOL_BYTES));
  if (kind === 2) {
    // Plausible frames with random counts and lengths.
    let s = '';
    while (s.length < 2000) {
      s += pick(rng, ['*', '$', '', '*-', '$-']) + String(rng.below(rng.below(2) ? 20 : 100_000));
      s +=
        pick(rng, ['\r\n', '\r\n', '\n', '\r', '\0']) +
        randomBytes(rng, rng.below(30), PROTOCOL_BYTES);
    }
    return latin1(s);
  }
  return mutate(rng, validStream(rng).input);
}

function mutate(rng: Rng, input: Buffer): Buffer {
  const bytes = Buffer.from(input);
  const edits = 1 + rng.below(5);
  for (let i = 0; i < edits && bytes.length > 0; i++) {
    bytes[rng.below(bytes.length)] = pick(rng, PROTOCOL_BYTES);
  }
  return rng.below(3) === 0 ? bytes.subarray(0, rng.below(bytes.length + 1)) : bytes;
}

function checkShape(result: DecodeResult, context: string): void {
  const errorAt = result.events.findIndex((e) => 'error' in e);
  if (errorAt === -1) return;
  assert.equal(
    errorAt,
    result.events.length - 1,
    `${context}: nothing may follow a protocol error`,
  );
  assert.equal(result.pendingBytes, 0, `${context}: a failed decoder holds no bytes`);
}

describe('RequestDecoder fuzzing', () => {
  for (const seed of SEEDS) {
    it(`decodes random valid streams split at random (seed ${seed})`, () => {
      const rng = new Rng(seed);
      for (let round = 0; round < 150; round++) {
        const context = `seed ${seed} round ${round} (replay: RESP_FUZZ_SEED=${seed})`;
        const { input, expected } = validStream(rng);
        const result = decodeChunks(randomChunks(rng, input));
        assert.deepStrictEqual(result, { events: expected, pendingBytes: 0 }, context);
      }
    });

    it(`survives random and mutated bytes the same way however split (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const started = performance.now();
      for (let round = 0; round < 300; round++) {
        const context = `seed ${seed} round ${round} (replay: RESP_FUZZ_SEED=${seed})`;
        const input = garbage(rng);
        const options = { bulkBytesMax: pick(rng, [64, 64 * 1024, 512 * 1024 * 1024]) };
        const whole = decodeChunks([input], options);
        checkShape(whole, context);
        const splits = [randomChunks(rng, input), randomChunks(rng, input)];
        if (input.length <= 3000) splits.push(byteByByte(input));
        for (const chunks of splits)
          assert.deepStrictEqual(decodeChunks(chunks, options), whole, context);
      }
      const elapsedMs = performance.now() - started;
      assert.ok(elapsedMs < 20_000, `seed ${seed}: garbage took ${Math.round(elapsedMs)} ms`);
    });
  }

  it('fails fast on large garbage with no line end or a NUL before it, fed byte by byte', () => {
    for (const first of ['x', '\0', '*', '$']) {
      for (const unit of ['ab', 'ab\0\r\n']) {
        const input = latin1(first + unit.repeat(60_000));
        const context = JSON.stringify(first + unit);
        const started = performance.now();
        const result = decodeChunks(byteByByte(input));
        const elapsedMs = performance.now() - started;
        assert.equal(result.events.length, 1, context);
        assert.ok(elapsedMs < 5000, `${context}: took ${Math.round(elapsedMs)} ms`);
      }
    }
  });
});
