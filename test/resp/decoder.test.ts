/**
 * RequestDecoder against redis 7.0.15's networking.c. Every input is decoded whole, byte
 * by byte, split in two at every position and in fixed-size chunks, and must give the
 * same commands, errors and pending byte count each way. Expected errors and argv were
 * checked against a real redis-server 7.0.15 over a raw socket.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INLINE_MAX_BYTES, RequestDecoder } from '../../src/resp/decoder.js';
import {
  byteByByte,
  chunksOf,
  decodeChunks,
  latin1,
  splitAt,
  splittings,
  type DecodeEvent,
  type DecodeOptions,
} from './decode-support.js';

interface Expectation extends DecodeOptions {
  pendingBytes?: number;
}

/** Decodes `input` every way splittings() knows and requires `expected` from each. */
function expectDecode(
  input: Buffer | string,
  expected: DecodeEvent[],
  options: Expectation = {},
): void {
  const bytes = typeof input === 'string' ? latin1(input) : input;
  for (const [how, chunks] of splittings(bytes)) {
    const result = decodeChunks(chunks, options);
    const want = {
      how,
      events: expected,
      pendingBytes: options.pendingBytes ?? result.pendingBytes,
    };
    assert.deepStrictEqual({ how, ...result }, want);
  }
}

function cmd(...argv: string[]): DecodeEvent {
  return { argv };
}
function err(message: string): DecodeEvent {
  return { error: message };
}
function multibulk(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

const PING = multibulk('PING');

describe('RequestDecoder: inline commands', () => {
  it('splits a line ending in CRLF or a bare LF', () => {
    expectDecode('PING\r\nSET k v\nGET k\r\n', [
      cmd('PING'),
      cmd('SET', 'k', 'v'),
      cmd('GET', 'k'),
    ]);
  });

  it('ignores empty and blank lines (Redis: "Handle an empty query")', () => {
    expectDecode('\r\n\n  \t \r\n\x0b\x0c\nPING\r\n', [cmd('PING')]);
  });

  it('keeps a CR inside a line as a separator and an unterminated line pending', () => {
    expectDecode('a\rb\nPING', [cmd('a', 'b')], { pendingBytes: 4 });
    expectDecode('PING\r', [], { pendingBytes: 5 });
  });

  it('decodes quotes and escapes as sdssplitargs', () => {
    expectDecode(`ECHO "a\\x41\\n" 'b\\'c' "\\xFF\\z\\a\\b\\t\\r\\"\\\\"\n`, [
      cmd('ECHO', 'aA\n', "b'c", '\xffz\x07\b\t\r"\\'),
    ]);
    expectDecode(`ECHO "\\x4g" "\\x" 'a\\b' ""\n`, [cmd('ECHO', 'x4g', 'x', 'a\\b', '')]);
  });

  it('joins a bare prefix to a quoted part and ends it at the closing quote', () => {
    expectDecode(`SET pre"fix x" y\n`, [cmd('SET', 'prefix x', 'y')]);
  });

  it('ends an unquoted argument only at space, tab, CR or LF, not at \\v or \\f', () => {
    expectDecode('ECHO a\x0bb\x0cc\r\n', [cmd('ECHO', 'a\x0bb\x0cc')]);
    expectDecode('ECHO \x0b\x0c a\r\n', [cmd('ECHO', 'a')]);
  });

  it('keeps bytes above 127 as latin1 chars', () => {
    expectDecode(latin1('SET \xff\x80 \xe9\n'), [cmd('SET', '\xff\x80', '\xe9')]);
  });

  it('fails on unbalanced quotes and parses nothing after (Redis: "Unbalanced number of quotes")', () => {
    const error = err('Protocol error: unbalanced quotes in request');
    expectDecode('set """test-key""" test-value\r\nping\r\n', [error]);
    expectDecode('PING\r\nECHO "a"b\r\nPING\r\n', [cmd('PING'), error]);
    expectDecode("ECHO 'a'b\r\nPING\r\n", [error]);
    expectDecode('ECHO "a\\"\r\nPING\r\n', [error]);
    expectDecode("ECHO 'abc\nPING\r\n", [error]);
    expectDecode('ECHO "abc\\\nPING\r\n', [error]);
  });

  it('accepts a line of 64 KiB and fails on one byte more, however it arrives', () => {
    const ok = 'x'.repeat(INLINE_MAX_BYTES);
    expectDecode(ok + '\n' + 'PING\n', [cmd(ok), cmd('PING')]);
    expectDecode(ok.slice(1) + '\r\nPING\n', [cmd(ok.slice(1)), cmd('PING')]);
    const tooBig = err('Protocol error: too big inline request');
    expectDecode(ok + 'y\nPING\n', [tooBig]);
    expectDecode(ok + '\r\nPING\n', [tooBig]);
  });

  it('waits for up to 64 KiB of an unterminated line, then fails', () => {
    expectDecode('x'.repeat(INLINE_MAX_BYTES), [], { pendingBytes: INLINE_MAX_BYTES });
    expectDecode('PING\n' + 'x'.repeat(INLINE_MAX_BYTES + 1), [
      cmd('PING'),
      err('Protocol error: too big inline request'),
    ]);
  });
});

describe('RequestDecoder: multibulk commands', () => {
  it('decodes binary-safe arguments, including CRLF and NUL inside bulks', () => {
    const args = ['SET', 'a\r\nb', '\0\x01\xff', ''];
    expectDecode(multibulk(...args) + PING, [cmd(...args), cmd('PING')]);
  });

  it('skips *0 and negative counts (Redis: "Negative multibulk length")', () => {
    expectDecode('*0\r\n*-1\r\n*-10\r\n*-9223372036854775808\r\n' + PING, [cmd('PING')]);
  });

  it('mixes inline and multibulk requests', () => {
    expectDecode(`PING\r\n${multibulk('GET', 'k')}ECHO x\n${PING}`, [
      cmd('PING'),
      cmd('GET', 'k'),
      cmd('ECHO', 'x'),
      cmd('PING'),
    ]);
  });

  it('gives each command its own name when consecutive names differ only in some bytes', () => {
    const names = [
      'GET',
      'SET',
      'SET',
      'get',
      'GET',
      'GETDEL',
      'GETSET',
      'a'.repeat(17),
      'a'.repeat(16) + 'b',
    ];
    expectDecode(
      names.map((n) => multibulk(n, 'k')).join(''),
      names.map((n) => cmd(n, 'k')),
    );
  });

  it('decodes multibulks of more arguments than are preallocated (1024), whole and in chunks', () => {
    for (const count of [1024, 1025, 3000]) {
      const argv = Array.from({ length: count }, (_, i) => String(i % 10));
      const input = latin1(multibulk('RPUSH', ...argv) + PING);
      for (const chunks of [[input], chunksOf(input, 7), byteByByte(input)]) {
        const result = decodeChunks(chunks, {});
        assert.deepStrictEqual(result.events, [cmd('RPUSH', ...argv), cmd('PING')]);
      }
    }
  });

  it('judges length lines of every size the same: leading zeros, -0 and overflow are invalid', () => {
    const getAnd = (line: string): string => `*2\r\n$3\r\nGET\r\n${line}\r\nfoo\r\n`;
    const invalidBulk = [err('Protocol error: invalid bulk length')];
    expectDecode(getAnd('$' + '0'.repeat(25) + '3'), invalidBulk);
    expectDecode(getAnd('$-0'), invalidBulk);
    expectDecode(getAnd('$' + '9'.repeat(19)), invalidBulk);
    expectDecode(getAnd('$0003'), invalidBulk);
    expectDecode('*02\r\n$3\r\nGET\r\n', [err('Protocol error: invalid multibulk length')]);
    expectDecode(getAnd('$3'), [cmd('GET', 'foo')]);
  });

  it('skips the byte after a CR and the two bytes after a bulk without checking them', () => {
    expectDecode('*1\rX$4\r\nPINGxy' + PING, [cmd('PING'), cmd('PING')]);
  });

  it('keeps only unconsumed bytes pending: arguments already read are not counted', () => {
    expectDecode('*2\r\n$3\r\nGET\r\n$3\r\nke', [], { pendingBytes: 2 });
    expectDecode('*2\r\n$3\r\nGET\r\n', [], { pendingBytes: 0 });
    expectDecode('*2\r\n$3\r', [], { pendingBytes: 3 });
    expectDecode(PING + '*1\r\n$4\r\nPI', [cmd('PING')], { pendingBytes: 2 });
  });

  it('decodes a pipeline of thousands of commands in one buffer and in many chunks', () => {
    const expected: DecodeEvent[] = [];
    let input = '';
    for (let i = 0; i < 5000; i++) {
      const argv = ['SET', `key:${i}`, `${i}`.repeat(i % 7)];
      const inline = i % 5 === 0;
      input += inline ? `${argv.join(' ')}\r\n` : multibulk(...argv);
      // An empty last argument leaves only a trailing space on an inline line.
      expected.push(cmd(...(inline ? argv.filter((a) => a !== '') : argv)));
    }
    const bytes = latin1(input);
    for (const size of [bytes.length, 16 * 1024, 1000, 1]) {
      assert.deepStrictEqual(decodeChunks(chunksOf(bytes, size)), {
        events: expected,
        pendingBytes: 0,
      });
    }
  });

  it('assembles big bulks (>= 32 KiB) arriving in many chunks', () => {
    for (const size of [32 * 1024 - 1, 32 * 1024, 40_000, 1024 * 1024 + 3]) {
      const value = Buffer.alloc(size);
      for (let i = 0; i < size; i++) value[i] = (i * 31 + 7) & 0xff;
      const text = value.toString('latin1');
      const input = latin1(multibulk('SET', 'k', text) + PING + multibulk('SET', text, 'k'));
      const expected = [cmd('SET', 'k', text), cmd('PING'), cmd('SET', text, 'k')];
      const sizes = size < 100_000 ? [1, 1000, 65536] : [7, 1000, 65536];
      for (const chunks of [[input], ...sizes.map((n) => chunksOf(input, n))]) {
        assert.deepStrictEqual(
          decodeChunks(chunks),
          { events: expected, pendingBytes: 0 },
          `size ${size}`,
        );
      }
      const at = [5, 20, 30, 1000, size, size + 20];
      for (const offset of at) {
        const chunks = splitAt(input, [offset]);
        assert.deepStrictEqual(
          decodeChunks(chunks).events,
          expected,
          `size ${size} split at ${offset}`,
        );
      }
    }
  });

  it('counts a partial big bulk as pending', () => {
    const header = '*2\r\n$3\r\nSET\r\n$40000\r\n';
    expectDecode(header + 'x'.repeat(100), [], { pendingBytes: 100 });
    expectDecode(header, [], { pendingBytes: 0 });
    expectDecode(header + 'x'.repeat(40_001), [], { pendingBytes: 40_001 });
  });

  it('keeps no reference to a chunk after feed() returns', () => {
    const value = 'x'.repeat(50_000);
    const input = latin1(multibulk('SET', 'key', value) + multibulk('GET', 'key'));
    for (const at of [3, 15, 30, 40_000, input.length - 3]) {
      const events: DecodeEvent[] = [];
      const decoder = new RequestDecoder(
        { bulkBytesMax: 1 << 20 },
        {
          command: (argv) => events.push({ argv }),
          protocolError: (error) => events.push({ error }),
        },
      );
      const first = Buffer.from(input.subarray(0, at));
      decoder.feed(first);
      first.fill(0x21);
      decoder.feed(Buffer.from(input.subarray(at)));
      assert.deepStrictEqual(
        events,
        [cmd('SET', 'key', value), cmd('GET', 'key')],
        `split at ${at}`,
      );
    }
  });
});

describe('RequestDecoder: protocol errors (exact Redis strings, nothing parsed after)', () => {
  const cases: Array<[string, string, string]> = [
    ['out of range multibulk length', '*3000000000\r\n', 'invalid multibulk length'],
    ['multibulk length above INT_MAX', '*2147483648\r\n', 'invalid multibulk length'],
    ['multibulk length beyond int64', '*-9223372036854775809\r\n', 'invalid multibulk length'],
    ['non-number multibulk length', '*abc\r\n', 'invalid multibulk length'],
    ['"-0" multibulk length', '*-0\r\n', 'invalid multibulk length'],
    ['leading zero', '*01\r\n', 'invalid multibulk length'],
    ['plus sign', '*+1\r\n', 'invalid multibulk length'],
    ['empty multibulk length', '*\r\n', 'invalid multibulk length'],
    ['wrong payload header', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', "expected '$', got 'f'"],
    ['bulk where "$" is expected', '*1\r\nfoo\r\n', "expected '$', got 'f'"],
    ['empty line where "$" is expected', '*1\r\n\r\n', "expected '$', got ' '"],
    ['LF where "$" is expected', '*1\r\n\nxx\r\n', "expected '$', got ' '"],
    ['byte above 127 where "$" is expected', '*1\r\n\xffx\r\n', "expected '$', got '\xff'"],
    ['negative bulk length', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n', 'invalid bulk length'],
    ['"-0" bulk length', '*1\r\n$-0\r\n', 'invalid bulk length'],
    ['empty bulk length', '*1\r\n$\r\n', 'invalid bulk length'],
    ['bulk length above proto-max-bulk-len', '*1\r\n$536870913\r\n', 'invalid bulk length'],
    [
      'out of range bulk length',
      '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n',
      'invalid bulk length',
    ],
    ['non-number bulk length', '*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n', 'invalid bulk length'],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => {
      const error = err(`Protocol error: ${message}`);
      expectDecode(input + PING, [error], { pendingBytes: 0 });
      expectDecode(PING + input + PING, [cmd('PING'), error], { pendingBytes: 0 });
    });
  }

  it('accepts a bulk of exactly proto-max-bulk-len and rejects one byte more', () => {
    const bulkBytesMax = 1024;
    expectDecode(multibulk('x'.repeat(1024)), [cmd('x'.repeat(1024))], { bulkBytesMax });
    expectDecode(multibulk('x'.repeat(1025)), [err('Protocol error: invalid bulk length')], {
      bulkBytesMax,
    });
  });

  it('fails on a multibulk count line longer than 64 KiB', () => {
    const digits = '0'.repeat(INLINE_MAX_BYTES - 1);
    expectDecode(`*${digits}\r\n${PING}`, [err('Protocol error: invalid multibulk length')]);
    expectDecode(`*${digits}0\r\n${PING}`, [err('Protocol error: too big mbulk count string')]);
    expectDecode(`*${digits}`, [], { pendingBytes: INLINE_MAX_BYTES });
    expectDecode(`*${digits}00`, [err('Protocol error: too big mbulk count string')]);
  });

  it('fails on a bulk count line longer than 64 KiB', () => {
    const digits = '0'.repeat(INLINE_MAX_BYTES - 1);
    expectDecode(`*1\r\n$${digits}\r\n${PING}`, [err('Protocol error: invalid bulk length')]);
    expectDecode(`*1\r\n$${digits}0\r\n${PING}`, [
      err('Protocol error: too big bulk count string'),
    ]);
    expectDecode(`*1\r\n$${digits}`, [], { pendingBytes: INLINE_MAX_BYTES });
    expectDecode(`*1\r\n$${digits}00`, [err('Protocol error: too big bulk count string')]);
  });
});

describe('RequestDecoder: NUL bytes hide line terminators (Redis uses strchr)', () => {
  it('stalls an inline request with a NUL before its LF until 64 KiB are buffered', () => {
    const input = 'PING\r\nECHO a\0b\r\nPING\r\n';
    expectDecode(input, [cmd('PING')], { pendingBytes: input.length - 6 });
    const filler = 'x'.repeat(INLINE_MAX_BYTES - (input.length - 6));
    expectDecode(input + filler, [cmd('PING')], { pendingBytes: INLINE_MAX_BYTES });
    expectDecode(input + filler + 'x', [
      cmd('PING'),
      err('Protocol error: too big inline request'),
    ]);
  });

  it('stalls a multibulk or bulk count line with a NUL before its CR', () => {
    const mbulk = `${PING}*1\0\r\n${PING}`;
    expectDecode(mbulk, [cmd('PING')], { pendingBytes: mbulk.length - PING.length });
    const bulk = `*1\r\n$\0\r\n${PING}`;
    expectDecode(bulk, [], { pendingBytes: bulk.length - 4 });
    const bad = `*1\r\nx\0\r\n${PING}`;
    expectDecode(bad, [], { pendingBytes: bad.length - 4 });
  });

  // protocol.tcl "Protocol desync regression test #1..#3": a stalled request must end
  // in a protocol error, not grow the buffer forever.
  const desync: Array<[string, string]> = [
    ['\x00', 'too big inline request'],
    ['*\x00', 'too big mbulk count string'],
    ['$\x00', 'too big inline request'],
  ];
  for (const [prefix, message] of desync) {
    it(`ends a desync after ${JSON.stringify(prefix)} with "${message}"`, () => {
      const input = latin1(prefix + 'payload'.repeat(10_000));
      for (const chunks of [[input], chunksOf(input, 1024), byteByByte(input)]) {
        assert.deepStrictEqual(decodeChunks(chunks), {
          events: [err(`Protocol error: ${message}`)],
          pendingBytes: 0,
        });
      }
    });
  }
});

describe('RequestDecoder: limits before AUTH', () => {
  it('allows 10 arguments and 16 KiB bulks, and rejects more', () => {
    const ten = Array.from({ length: 10 }, (_, i) => String(i));
    expectDecode(multibulk(...ten), [cmd(...ten)], { authRequired: true });
    const error = err('Protocol error: unauthenticated multibulk length');
    expectDecode(multibulk(...ten, 'x') + PING, [error], { authRequired: true });
    const big = 'x'.repeat(16384);
    expectDecode(multibulk('AUTH', big), [cmd('AUTH', big)], { authRequired: true });
    const bulkError = err('Protocol error: unauthenticated bulk length');
    expectDecode(multibulk('AUTH', big + 'x') + PING, [bulkError], { authRequired: true });
  });

  it('checks the count before authentication: an invalid count is reported first', () => {
    const options = { authRequired: true };
    expectDecode('*2147483648\r\n', [err('Protocol error: invalid multibulk length')], options);
    expectDecode('*1\r\n$-1\r\n', [err('Protocol error: invalid bulk length')], options);
  });

  it('applies a change made while a command is delivered to the very next request', () => {
    const many = Array.from({ length: 12 }, () => 'a');
    const onCommand: DecodeOptions['onCommand'] = (argv, decoder) => {
      if (argv[0] === 'AUTH') decoder.authRequired = false;
    };
    expectDecode(multibulk('AUTH', 'pw') + multibulk(...many), [cmd('AUTH', 'pw'), cmd(...many)], {
      authRequired: true,
      onCommand,
    });
  });
});
