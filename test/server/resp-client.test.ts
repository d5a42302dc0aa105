import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyBuffer, type Protocol } from '../../src/resp/encoder.js';
import {
  NULL_ARRAY,
  OK,
  bool,
  double,
  error,
  map,
  push,
  set,
  simple,
  verbatim,
  type Reply,
} from '../../src/resp/reply.js';
import { ReplyParser } from '../../src/server/resp-client.js';

function encode(replies: readonly Reply[], proto: Protocol): Buffer {
  const out = new ReplyBuffer();
  for (const r of replies) out.write(r, proto);
  return Buffer.from(out.take());
}

function parse(chunks: readonly Buffer[]): { replies: Reply[]; pushes: boolean[] } {
  const parser = new ReplyParser();
  const replies: Reply[] = [];
  const pushes: boolean[] = [];
  for (const c of chunks) {
    parser.feed(c, (r, isPush) => {
      replies.push(r);
      pushes.push(isPush);
    });
  }
  return { replies, pushes };
}

const RESP3: Reply[] = [
  OK,
  error('ERR wrong'),
  42,
  2n ** 70n,
  'bulk \r\n with \u00ff bytes',
  '',
  null,
  ['a', 1, ['nested', null]],
  double(1.5),
  double(Infinity),
  bool(true),
  map(['k', 'v']),
  set(['x']),
  verbatim('text'),
  push(['message', 'ch', 'hi']),
];

test('the reply parser reads back what the encoder wrote, in RESP2 and RESP3', () => {
  const resp2: Reply[] = [simple('PONG'), error('ERR x'), 7, 'v', null, ['a', ['b']], NULL_ARRAY];
  assert.deepEqual(parse([encode(resp2, 2)]).replies, resp2);
  const { replies, pushes } = parse([encode(RESP3, 3)]);
  assert.deepEqual(replies, RESP3);
  assert.deepEqual(
    pushes,
    RESP3.map((_, i) => i === RESP3.length - 1),
  );
});

test('the reply parser gives the same replies for every split of its input', () => {
  const bytes = encode(RESP3, 3);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { replies } = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(replies, RESP3, `split at ${cut}`);
  }
  const oneByOne = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(parse(oneByOne).replies, RESP3);
});

test('a large bulk string in many chunks arrives whole, once, followed by the next reply', () => {
  const big = 'x'.repeat(3_000_000);
  const bytes = encode([big, 'after'], 2);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
  assert.deepEqual(parse(chunks).replies, [big, 'after']);
});
