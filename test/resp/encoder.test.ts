/**
 * Reply encoder, byte for byte against what redis-server 7.0.15 sends. The expected
 * bytes were captured from a real server over a raw socket (the command that produced
 * each is named), in RESP2 and after HELLO 3.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeReply, ReplyBuffer, type Protocol } from '../../src/resp/encoder.js';
import {
  bool,
  bytes,
  double,
  error,
  map,
  NULL_ARRAY,
  OK,
  push,
  set,
  simple,
  verbatim,
  type Reply,
} from '../../src/resp/reply.js';
import { PRINTF_17G } from './printf-17g.fixture.js';

function bignum(value: string): Reply {
  return { kind: 'bignum', value };
}

function encoded(reply: Reply, proto: Protocol): string {
  return encodeReply(reply, proto).toString('latin1');
}

type Case = [source: string, reply: Reply, resp2: string, resp3: string];

// prettier-ignore
const HELLO_MAP = map([
  'server', 'redis', 'version', '7.0.15', 'proto', 3, 'id', 5,
  'mode', 'standalone', 'role', 'master', 'modules', [],
]);

const CAPTURED: Case[] = [
  ['SET k v', OK, '+OK\r\n', '+OK\r\n'],
  ['GET nokey', null, '$-1\r\n', '_\r\n'],
  ['INCR n', 1, ':1\r\n', ':1\r\n'],
  [
    'INCRBY to INT64_MAX',
    9223372036854775807n,
    ':9223372036854775807\r\n',
    ':9223372036854775807\r\n',
  ],
  [
    'DECR to INT64_MIN',
    -9223372036854775808n,
    ':-9223372036854775808\r\n',
    ':-9223372036854775808\r\n',
  ],
  [
    'LPUSH on a string',
    error('WRONGTYPE Operation against a key holding the wrong kind of value'),
    '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
  ],
  ['redis.error_reply("a\\r\\nb")', error('ERR a\r\nb'), '-ERR a  b\r\n', '-ERR a  b\r\n'],
  ['redis.error_reply("ERR trail\\n")', error('ERR trail\n'), '-ERR trail\r\n', '-ERR trail\r\n'],
  ['redis.error_reply("\\nERR lead")', error('\nERR lead'), '- ERR lead\r\n', '- ERR lead\r\n'],
  ['redis.status_reply("a\\r\\nb")', simple('a\r\nb'), '+a  b\r\n', '+a  b\r\n'],
  ['ZSCORE of 1.5', double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['ZSCORE of 0.1', double(0.1), '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n'],
  [
    'ZINCRBY 0.1 by 0.2',
    double(0.1 + 0.2),
    '$19\r\n0.30000000000000004\r\n',
    ',0.30000000000000004\r\n',
  ],
  ['ZSCORE of inf', double(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
  ['ZSCORE of -inf', double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  [
    'ZSCORE of a tie',
    double(562949953421312.125),
    '$18\r\n562949953421312.12\r\n',
    ',562949953421312.12\r\n',
  ],
  [
    'ZSCORE of 1e300',
    double(1e300),
    '$23\r\n1.0000000000000001e+300\r\n',
    ',1.0000000000000001e+300\r\n',
  ],
  ['ZSCORE of 0.00001234', double(0.00001234), '$9\r\n1.234e-05\r\n', ',1.234e-05\r\n'],
  ['DEBUG PROTOCOL double', double(3.141), '$5\r\n3.141\r\n', ',3.141\r\n'],
  ['SMEMBERS', set(['m']), '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
  ['SMEMBERS of nothing', set([]), '*0\r\n', '~0\r\n'],
  ['HGETALL', map(['f', 'v']), '*2\r\n$1\r\nf\r\n$1\r\nv\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n'],
  ['HGETALL of nothing', map([]), '*0\r\n', '%0\r\n'],
  [
    'CONFIG GET maxmemory',
    map(['maxmemory', '0']),
    '*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n',
    '%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n',
  ],
  [
    "EVAL \"return {1,{2,{'a'}},'b'}\"",
    [1, [2, ['a']], 'b'],
    '*3\r\n:1\r\n*2\r\n:2\r\n*1\r\n$1\r\na\r\n$1\r\nb\r\n',
    '*3\r\n:1\r\n*2\r\n:2\r\n*1\r\n$1\r\na\r\n$1\r\nb\r\n',
  ],
  ['LRANGE of nothing', [], '*0\r\n', '*0\r\n'],
  ['GET of an empty string', '', '$0\r\n\r\n', '$0\r\n\r\n'],
  ['BLPOP timeout', NULL_ARRAY, '*-1\r\n', '_\r\n'],
  [
    'DEBUG PROTOCOL bignum',
    bignum('1234567999999999999999999999999999999'),
    '$37\r\n1234567999999999999999999999999999999\r\n',
    '(1234567999999999999999999999999999999\r\n',
  ],
  [
    'DEBUG PROTOCOL verbatim',
    verbatim('This is a verbatim\nstring'),
    '$25\r\nThis is a verbatim\nstring\r\n',
    '=29\r\ntxt:This is a verbatim\nstring\r\n',
  ],
  ['DEBUG PROTOCOL true', bool(true), ':1\r\n', '#t\r\n'],
  ['DEBUG PROTOCOL false', bool(false), ':0\r\n', '#f\r\n'],
  [
    'DEBUG PROTOCOL map',
    map([0, bool(false), 1, bool(true), 2, bool(false)]),
    '*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n',
    '%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n',
  ],
  ['DEBUG PROTOCOL set', set([0, 1, 2]), '*3\r\n:0\r\n:1\r\n:2\r\n', '~3\r\n:0\r\n:1\r\n:2\r\n'],
  [
    'DEBUG PROTOCOL push (the push part)',
    push(['server-cpu-usage', 42]),
    '*2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n',
    '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n',
  ],
  [
    'SUBSCRIBE ch',
    push(['subscribe', 'ch', 1]),
    '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n',
    '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n',
  ],
  [
    'HELLO 3',
    HELLO_MAP,
    '*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:5\r\n' +
      '$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n',
    '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:5\r\n' +
      '$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n',
  ],
];

describe('encoder: replies captured from redis-server 7.0.15', () => {
  for (const [source, reply, resp2, resp3] of CAPTURED) {
    it(source, () => {
      assert.equal(encoded(reply, 2), resp2, 'RESP2');
      assert.equal(encoded(reply, 3), resp3, 'RESP3');
    });
  }
});

describe('encoder: doubles are printf("%.17g")', () => {
  const view = new DataView(new ArrayBuffer(8));
  it(`matches glibc on ${PRINTF_17G.length} values, ties to even included`, () => {
    for (const [bits, text] of PRINTF_17G) {
      view.setBigUint64(0, BigInt('0x' + bits));
      const value = view.getFloat64(0);
      assert.equal(encoded(double(value), 3), `,${text}\r\n`, `bits ${bits} (${value})`);
      assert.equal(
        encoded(double(value), 2),
        `$${text.length}\r\n${text}\r\n`,
        `bits ${bits} (${value})`,
      );
    }
  });

  it('prints zero with its sign, NaN as nan, and integers up to 2^53 in full', () => {
    assert.equal(encoded(double(0), 3), ',0\r\n');
    assert.equal(encoded(double(-0), 3), ',-0\r\n');
    assert.equal(encoded(double(NaN), 3), ',nan\r\n');
    assert.equal(encoded(double(2 ** 53), 3), ',9007199254740992\r\n');
    assert.equal(encoded(double(-(2 ** 53) - 2), 3), ',-9007199254740994\r\n');
    assert.equal(encoded(double(1e17), 3), ',1e+17\r\n');
    assert.equal(encoded(double(99999999999999984), 3), ',99999999999999984\r\n');
  });
});

describe('encoder: every reply kind', () => {
  it('writes bulk strings binary-safe, one byte per char', () => {
    let all = '';
    for (let c = 0; c < 256; c++) all += String.fromCharCode(c);
    const out = encodeReply(all, 2);
    assert.deepStrictEqual(
      out,
      Buffer.concat([Buffer.from('$256\r\n'), Buffer.from(all, 'latin1'), Buffer.from('\r\n')]),
    );
    assert.equal(encoded('a\r\nb', 3), '$4\r\na\r\nb\r\n');
  });

  it('writes a bytes reply as a bulk string in both protocols', () => {
    const value = new Uint8Array([0, 1, 13, 10, 255]);
    for (const proto of [2, 3] as const) {
      assert.deepStrictEqual(
        encodeReply(bytes(value), proto),
        Buffer.from([...Buffer.from('$5\r\n'), ...value, 13, 10]),
      );
    }
  });

  it('writes integers at the safe limits and bigints beyond', () => {
    assert.equal(encoded(Number.MAX_SAFE_INTEGER, 2), ':9007199254740991\r\n');
    assert.equal(encoded(-Number.MAX_SAFE_INTEGER, 3), ':-9007199254740991\r\n');
    assert.equal(encoded(-0, 2), ':0\r\n');
    assert.equal(encoded(10, 2), ':10\r\n');
    assert.equal(encoded(-1, 2), ':-1\r\n');
    assert.equal(encoded(9007199254740993n, 3), ':9007199254740993\r\n');
  });

  it('writes aggregate headers with multi-digit counts', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    assert.equal(encoded(items, 2), '*12\r\n' + items.map((i) => `:${i}\r\n`).join(''));
    assert.equal(encoded(map(items), 3), '%6\r\n' + items.map((i) => `:${i}\r\n`).join(''));
  });

  it('nests every kind inside arrays, maps, sets and pushes', () => {
    const nested: Reply = [
      map(['k', set([double(1.5), null])]),
      push([NULL_ARRAY, bool(true)]),
      error('ERR x'),
    ];
    assert.equal(
      encoded(nested, 3),
      '*3\r\n%1\r\n$1\r\nk\r\n~2\r\n,1.5\r\n_\r\n>2\r\n_\r\n#t\r\n-ERR x\r\n',
    );
    assert.equal(
      encoded(nested, 2),
      '*3\r\n*2\r\n$1\r\nk\r\n*2\r\n$3\r\n1.5\r\n$-1\r\n*2\r\n*-1\r\n:1\r\n-ERR x\r\n',
    );
  });

  it('pads or cuts a verbatim format to 3 chars, as addReplyVerbatim does', () => {
    assert.equal(encoded(verbatim('hi', 'markdown'), 3), '=6\r\nmar:hi\r\n');
    assert.equal(encoded(verbatim('hi', 'md'), 3), '=6\r\nmd :hi\r\n');
    assert.equal(encoded(verbatim('', 'txt'), 3), '=4\r\ntxt:\r\n');
    assert.equal(encoded(verbatim('hi', 'markdown'), 2), '$2\r\nhi\r\n');
  });

  it('keeps status, error and big number lines free of CR and LF', () => {
    assert.equal(encoded(simple('a\nb\r'), 2), '+a b \r\n');
    assert.equal(encoded(error('ERR a\nb\r\n\r\n'), 3), '-ERR a b\r\n');
    assert.equal(encoded(bignum('12\r\n3'), 3), '(12  3\r\n');
  });
});

describe('ReplyBuffer', () => {
  it('hands out each batch once and never overwrites bytes already taken', () => {
    const out = new ReplyBuffer(64);
    out.write('first', 2);
    assert.equal(out.length, 11);
    const first = out.take();
    assert.equal(out.length, 0);
    out.write(['second', 2], 3);
    const second = out.take();
    out.write('x'.repeat(10_000), 2);
    const third = out.take();
    assert.equal(first.toString('latin1'), '$5\r\nfirst\r\n');
    assert.equal(second.toString('latin1'), '*2\r\n$6\r\nsecond\r\n:2\r\n');
    assert.equal(third.toString('latin1'), '$10000\r\n' + 'x'.repeat(10_000) + '\r\n');
    assert.equal(out.take().length, 0);
  });

  it('grows for large replies and keeps earlier untaken bytes', () => {
    const out = new ReplyBuffer(16);
    const items = Array.from({ length: 5000 }, (_, i) => `member:${i}`);
    out.write(OK, 2);
    out.write(items, 2);
    const expected = '+OK\r\n*5000\r\n' + items.map((m) => `$${m.length}\r\n${m}\r\n`).join('');
    assert.equal(out.take().toString('latin1'), expected);
  });
});
