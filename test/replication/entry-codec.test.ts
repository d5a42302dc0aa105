import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError } from '../../src/raft/codec.js';
import {
  decodeEntry,
  encodedEntryLength,
  encodeEntry,
  encodeEntryInto,
  EntryCodecError,
  ENTRY_FORMAT_VERSION,
} from '../../src/replication/entry-codec.js';
import type { LogEntry } from '../../src/replication/entry.js';
import { Rng } from '../../src/util/rng.js';

const MB = 1024 * 1024;
/** Lengths where the encoding changes: varint widths and the JS/native string paths. */
const EDGE_LENGTHS = [0, 1, 3, 4, 7, 8, 11, 12, 13, 16, 24, 25, 127, 128, 16383, 16384];

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.below(256);
  return b;
}

function randomString(rng: Rng, n: number): string {
  return randomBytes(rng, n).latin1Slice(0, n);
}

function randomLength(rng: Rng): number {
  const pick = rng.below(10);
  if (pick < 5) return rng.below(30);
  if (pick < 8) return EDGE_LENGTHS[rng.below(EDGE_LENGTHS.length)] as number;
  return rng.below(3000);
}

function randomArgv(rng: Rng, maxArgs: number): string[] {
  return Array.from({ length: rng.below(maxArgs + 1) }, () => randomString(rng, randomLength(rng)));
}

function randomDb(rng: Rng): number {
  return [0, 1, 15, 127, 128, 2 ** 32 - 1][rng.below(6)] as number;
}

function randomTime(rng: Rng): number {
  return [0, 1_700_000_000_000 + rng.below(1e9), 2 ** 32, Number.MAX_SAFE_INTEGER - rng.below(3)][
    rng.below(4)
  ] as number;
}

function randomEntry(rng: Rng, maxArgs = 6): LogEntry {
  const time = randomTime(rng);
  const seed = rng.nextUint32();
  switch (rng.below(3)) {
    case 0:
      return { kind: 'command', db: randomDb(rng), argv: randomArgv(rng, maxArgs), time, seed };
    case 1: {
      const commands = Array.from({ length: rng.below(4) }, () => ({
        db: randomDb(rng),
        argv: randomArgv(rng, maxArgs),
      }));
      return { kind: 'multi', commands, time, seed };
    }
    default:
      return { kind: 'expire', db: randomDb(rng), keys: randomArgv(rng, maxArgs), time };
  }
}

function roundTrip(entry: LogEntry): void {
  const bytes = encodeEntry(entry);
  assert.equal(bytes.length, encodedEntryLength(entry));
  assert.deepEqual(decodeEntry(bytes), entry);
}

/** Decoding `bytes` throws an EntryCodecError matching `message` at byte `offset`. */
function assertRejected(bytes: Uint8Array, message: RegExp, offset: number): void {
  assert.throws(
    () => decodeEntry(bytes),
    (e: unknown) => {
      assert.ok(e instanceof EntryCodecError, `not an EntryCodecError: ${String(e)}`);
      assert.match(e.message, message);
      assert.equal(e.offset, offset);
      return true;
    },
  );
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

test('the version 1 layout is pinned byte for byte for every kind', () => {
  const time = 0x01_0203_0405;
  const command: LogEntry = {
    kind: 'command',
    db: 300,
    argv: ['SET', 'k', '\xff\x00'],
    time,
    seed: 0xdeadbeef,
  };
  const commandBytes = hex('01 01 0504030201000000 efbeadde ac02 03 03534554 016b 02ff00');
  assert.deepEqual(encodeEntry(command), commandBytes);
  assert.deepEqual(decodeEntry(commandBytes), command);
  const multi: LogEntry = {
    kind: 'multi',
    commands: [
      { db: 0, argv: ['INCR', 'a'] },
      { db: 1, argv: [] },
    ],
    time,
    seed: 7,
  };
  const multiBytes = hex('01 02 0504030201000000 07000000 02 00 02 04494e4352 0161 01 00');
  assert.deepEqual(encodeEntry(multi), multiBytes);
  assert.deepEqual(decodeEntry(multiBytes), multi);
  const expire: LogEntry = { kind: 'expire', db: 2, keys: ['x', ''], time };
  const expireBytes = hex('01 03 0504030201000000 02 02 0178 00');
  assert.deepEqual(encodeEntry(expire), expireBytes);
  assert.deepEqual(decodeEntry(expireBytes), expire);
  assert.equal(ENTRY_FORMAT_VERSION, 1);
});

test('random entries of every kind with binary arguments round trip exactly', () => {
  const rng = new Rng(42);
  const kinds = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const entry = randomEntry(rng);
    kinds.add(entry.kind);
    roundTrip(entry);
  }
  assert.deepEqual([...kinds].sort(), ['command', 'expire', 'multi']);
});

test('every byte value survives, alone, in short strings and in long ones', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).latin1Slice(0, 256);
  const argv = [all, all.repeat(4)];
  for (let b = 0; b < 256; b++) argv.push(String.fromCharCode(b));
  for (const len of EDGE_LENGTHS) {
    for (let start = 0; start < 256; start += 61) argv.push((all + all).slice(start, start + len));
  }
  const entry: LogEntry = { kind: 'command', db: 0, argv, time: 1, seed: 2 };
  roundTrip(entry);
  const decoded = decodeEntry(encodeEntry(entry));
  assert.ok(decoded.kind === 'command');
  for (let i = 0; i < argv.length; i++) assert.equal(decoded.argv[i], argv[i], `argument ${i}`);
});

test('empty argv, empty strings, many arguments and 1 MB arguments round trip', () => {
  const rng = new Rng(5);
  roundTrip({ kind: 'command', db: 0, argv: [], time: 0, seed: 0 });
  roundTrip({ kind: 'command', db: 0, argv: ['', '', ''], time: 0, seed: 0 });
  roundTrip({ kind: 'multi', commands: [], time: 0, seed: 0 });
  roundTrip({ kind: 'expire', db: 0, keys: [], time: 0 });
  const many = Array.from({ length: 20_000 }, (_, i) => `member:${i}`);
  roundTrip({ kind: 'command', db: 3, argv: ['SADD', 's', ...many], time: 5, seed: 6 });
  roundTrip({ kind: 'expire', db: 3, keys: many, time: 5 });
  const big = randomString(rng, MB);
  roundTrip({ kind: 'command', db: 0, argv: ['SET', 'big', big], time: 9, seed: 1 });
  roundTrip({
    kind: 'multi',
    commands: [
      { db: 0, argv: ['APPEND', 'big', big] },
      { db: 1, argv: ['SET', randomString(rng, MB - 1), ''] },
    ],
    time: 9,
    seed: 1,
  });
});

test('times up to 2^53 - 1, all 32-bit seeds and databases round trip', () => {
  const times = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER - 1];
  for (const time of [...times, Number.MAX_SAFE_INTEGER]) {
    for (const seed of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      for (const db of [0, 127, 128, 16383, 16384, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]) {
        roundTrip({ kind: 'command', db, argv: ['PING'], time, seed });
      }
    }
  }
});

test('a cut at any byte is an EntryCodecError, never a shorter entry', () => {
  const rng = new Rng(9);
  // Entries up to 2 KB keep this quadratic check quick; the 1 MB case is below.
  for (let tested = 0; tested < 200;) {
    const bytes = encodeEntry(randomEntry(rng, 4));
    if (bytes.length > 2048) continue;
    tested++;
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(
        () => decodeEntry(bytes.subarray(0, cut)),
        (e: unknown) => e instanceof EntryCodecError && e.offset <= cut,
        `cut at ${cut} of ${bytes.length}`,
      );
    }
  }
});

test('a 1 MB argument cut anywhere is rejected at its length field', () => {
  const rng = new Rng(10);
  const entry: LogEntry = {
    kind: 'command',
    db: 0,
    argv: ['SET', 'k', randomString(rng, MB)],
    time: 1,
    seed: 1,
  };
  const bytes = encodeEntry(entry);
  const lengthAt = bytes.length - MB - 3;
  for (const cut of [lengthAt + 3, lengthAt + 4, lengthAt + 3 + MB / 2, bytes.length - 1]) {
    assertRejected(bytes.subarray(0, cut), /string length 1048576 longer than input/, lengthAt);
  }
});

test('an unknown format version or kind is rejected with its offset', () => {
  const bytes = encodeEntry({ kind: 'command', db: 0, argv: ['PING'], time: 1, seed: 1 });
  for (const version of [0, 2, 255]) {
    const bad = bytes.slice();
    bad[0] = version;
    assertRejected(bad, new RegExp(`unsupported entry format version ${version} at byte 0`), 0);
  }
  for (const kind of [0, 4, 255]) {
    const bad = bytes.slice();
    bad[1] = kind;
    assertRejected(bad, new RegExp(`unknown entry kind ${kind} at byte 1`), 1);
  }
  assertRejected(new Uint8Array(0), /truncated input/, 0);
});

test('trailing bytes after a whole entry are rejected where they start', () => {
  const bytes = encodeEntry({ kind: 'expire', db: 0, keys: ['a'], time: 1 });
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assertRejected(longer, /trailing bytes/, bytes.length);
});

test('counts and lengths beyond the input are rejected before allocating', () => {
  // header: version 1, command, time 0, seed 0, db 0
  const head = '01 01 0000000000000000 00000000 00';
  assertRejected(hex(`${head} ffffffff0f`), /count 4294967295 longer than input/, 15);
  assertRejected(hex(`${head} 02 ffffffff0f 00`), /string length 4294967295 longer/, 16);
  assertRejected(hex(`${head} 01 05 6162636465ff`), /trailing bytes/, 22);
  assertRejected(hex(`${head} 01 06 6162636465`), /string length 6 longer than input/, 16);
  const multiHead = '01 02 0000000000000000 00000000';
  assertRejected(hex(`${multiHead} ffffffff0f 0000`), /count 4294967295 longer/, 14);
  // Two commands need at least four bytes.
  assertRejected(hex(`${multiHead} 02 000000`), /count 2 longer than input/, 14);
  assertRejected(hex(`01 03 0000000000000000 00 80ffffff0f`), /count \d+ longer than input/, 11);
});

test('varints wider than 32 bits or not in their shortest form are rejected', () => {
  const head = '01 03 0000000000000000';
  assertRejected(hex(`${head} ffffffff10 00`), /varint beyond 32 bits/, 10);
  assertRejected(hex(`${head} 8080808080 00`), /varint beyond 32 bits/, 10);
  assertRejected(hex(`${head} 8000 00`), /varint not in its shortest form/, 10);
  assertRejected(hex(`${head} ffffffff00 00`), /varint not in its shortest form/, 10);
  assertRejected(hex(`${head} 00 8000`), /varint not in its shortest form at byte 11/, 11);
  assert.deepEqual(decodeEntry(hex(`${head} ffffffff0f 00`)), {
    kind: 'expire',
    db: 2 ** 32 - 1,
    keys: [],
    time: 0,
  });
});

test('a time at or beyond 2^53 is rejected where the time starts', () => {
  assertRejected(hex('01 03 0000000000002000 00 00'), /time beyond 2\^53 at byte 2/, 2);
  assertRejected(hex('01 03 ffffffffffffffff 00 00'), /time beyond 2\^53/, 2);
  const max = decodeEntry(hex('01 03 ffffffffffff1f00 00 00'));
  assert.equal(max.time, Number.MAX_SAFE_INTEGER);
});

test('corrupted encodings either fail or decode to the entry that encodes to them', () => {
  const rng = new Rng(77);
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = encodeEntry(randomEntry(rng, 3)).slice();
    for (let flips = 1 + rng.below(2); flips > 0; flips--) {
      bytes[rng.below(bytes.length)] = rng.below(256);
    }
    let entry: LogEntry;
    try {
      entry = decodeEntry(bytes);
    } catch (e) {
      assert.ok(e instanceof EntryCodecError, String(e));
      continue;
    }
    decoded++;
    // One encoding per entry: whatever decodes is exactly what encoding gives back.
    assert.deepEqual(encodeEntry(entry), bytes);
  }
  assert.ok(decoded > 100, `only ${decoded} corrupted inputs decoded`);
});

test('encodeEntryInto frames an entry inside a larger buffer; decode reads views', () => {
  const rng = new Rng(3);
  const entry: LogEntry = {
    kind: 'command',
    db: 1,
    argv: ['SET', randomString(rng, 100), randomString(rng, 5000)],
    time: 123,
    seed: 456,
  };
  const size = encodedEntryLength(entry);
  const frame = new Uint8Array(size + 20);
  frame.fill(0xaa);
  const view = frame.subarray(3);
  assert.equal(encodeEntryInto(entry, view, 7), 7 + size);
  const inner = frame.subarray(10, 10 + size);
  assert.deepEqual(inner, encodeEntry(entry));
  assert.equal(frame[9], 0xaa);
  assert.equal(frame[10 + size], 0xaa);
  assert.deepEqual(decodeEntry(inner), entry);
  assert.deepEqual(decodeEntry(Buffer.from(inner)), entry);
  assert.throws(() => encodeEntryInto(entry, new Uint8Array(size - 1), 0), RangeError);
});

test('fields out of range are programming errors (RangeError), not encodings', () => {
  const ok = { kind: 'command', db: 0, argv: ['PING'], time: 1, seed: 1 } as const;
  for (const time of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
    assert.throws(() => encodeEntry({ ...ok, time }), RangeError, `time ${time}`);
  }
  for (const seed of [-1, 2 ** 32, 0.5]) {
    assert.throws(() => encodeEntry({ ...ok, seed }), RangeError, `seed ${seed}`);
  }
  for (const db of [-1, 2 ** 32, 1.5]) {
    assert.throws(() => encodeEntry({ ...ok, db }), RangeError, `db ${db}`);
    assert.throws(() => encodeEntry({ kind: 'expire', db, keys: [], time: 1 }), RangeError);
  }
});

test('EntryCodecError is a CodecError carrying its offset', () => {
  const e = new EntryCodecError('truncated input', 4);
  assert.ok(e instanceof CodecError);
  assert.equal(e.name, 'EntryCodecError');
  assert.equal(e.offset, 4);
  assert.equal(e.message, 'truncated input at byte 4');
});
