/**
 * Differential tests of the wire protocol: the same raw bytes go to AiKv and to
 * redis-server 7.0.15 (inline commands and their quoting, pipelines of hundreds of
 * requests per write, requests split across writes, protocol errors) and the bytes each
 * server sends back, and whether it closed the connection, must be identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { Gen, diffConfig, show, useServerPair, type ServerPair } from '../support/differential.js';

const servers = useServerPair();

interface Outcome {
  readonly bytes: string;
  readonly closed: boolean;
}

/** Everything a server sent back, once it closed or went quiet, or echoed `token`. */
async function settle(client: RawClient, token: string | null): Promise<Outcome> {
  let bytes = '';
  let quietSince = Date.now();
  const until = Date.now() + 10_000;
  while (Date.now() < until && Date.now() - quietSince < 300) {
    const got = await client.readBytes(1 << 30, 20);
    if (got.length > 0) quietSince = Date.now();
    bytes += got;
    if ((token !== null && bytes.endsWith(`${token}\r\n`)) || (client.closed && got === '')) break;
  }
  return { bytes, closed: client.closed };
}

/** Lets a write leave the process before the next one, so chunks tend to arrive apart. */
const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

async function session(port: number, resp: 2 | 3, chunks: readonly string[], sentinel: boolean) {
  const client = await RawClient.open(port);
  try {
    // HELLO's reply names the server and the client id: never compared.
    if (resp === 3) await client.call('HELLO', '3');
    for (const chunk of chunks) {
      client.write(chunk);
      if (chunks.length > 1) await pause();
    }
    const token = sentinel ? `sentinel-${chunks.length}-${chunks.join('').length}` : null;
    if (token !== null) client.write(multibulk('ECHO', token));
    return await settle(client, token);
  } finally {
    client.close();
  }
}

interface Exchange {
  readonly name: string;
  readonly chunks: readonly string[];
  /** Whether to end with an ECHO whose reply marks the end (not after fatal errors). */
  readonly sentinel?: boolean;
}

/** Sends the exchange to both servers and requires identical bytes and closing. */
async function agree(pair: ServerPair, resp: 2 | 3, ex: Exchange, context = ''): Promise<void> {
  const sentinel = ex.sentinel ?? true;
  const [aikv, redis] = await Promise.all([
    session(pair.aikv.port, resp, ex.chunks, sentinel),
    session(pair.redis.port, resp, ex.chunks, sentinel),
  ]);
  const sent = show(ex.chunks.join(''));
  const what = `${ex.name} (RESP${resp})${context}\n  sent:  ${sent}`;
  assert.equal(
    aikv.bytes,
    redis.bytes,
    `${what}\n  redis: ${show(redis.bytes)}\n  aikv:  ${show(aikv.bytes)}`,
  );
  assert.equal(aikv.closed, redis.closed, `${what}\n  redis closed: ${redis.closed}`);
}

function multibulk(...argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

// ---------------------------------------------------------------------------------
// Hand-written exchanges

const INLINE: readonly Exchange[] = [
  { name: 'inline commands end with CRLF or a bare LF', chunks: ['PING\r\nPING\nECHO hi\r\n'] },
  { name: 'blank inline lines are skipped', chunks: ['\r\n\n\r\n  \r\nPING\r\n\n'] },
  { name: 'spaces, tabs and a lone CR separate inline arguments', chunks: ['ECHO   a\t\r\n'] },
  { name: 'a CR inside an inline line splits arguments', chunks: ['ECHO a\rb\r\nECHO a\r\n'] },
  {
    name: 'double quotes take \\r \\n \\t \\b \\a \\\\ \\" and \\xHH escapes',
    chunks: ['ECHO "a b\\r\\n\\t\\b\\a\\\\\\"\\x41\\x4g\\q"\r\n'],
  },
  { name: "single quotes take only \\'", chunks: ["ECHO 'a \\' b \\n \"c\"'\r\n"] },
  { name: 'empty quoted arguments', chunks: ['ECHO ""\r\nECHO \'\'\r\nSET "" \'\'\r\nGET ""\r\n'] },
  {
    name: 'quoted keys and values round-trip',
    chunks: ['SET "k 1" "v\\x00\\xff"\r\nGET "k 1"\r\n'],
  },
  {
    name: 'inline unknown commands and wrong arity',
    chunks: ['NOPE a "b c"\r\nGET\r\nget a b\r\n'],
  },
  { name: 'inline commands are case-insensitive', chunks: ['pInG\r\nEcHo x\r\n'] },
  // Redis finds the newline with strchr, which stops at a NUL: it waits for more input.
  { name: 'a NUL byte inside an inline line', chunks: ['ECHO a\0b\r\nPING\r\n'] },
];

const FATAL: readonly Exchange[] = [
  { name: 'unbalanced double quote', chunks: ['PING\r\nECHO "abc\r\nPING\r\n'] },
  { name: 'unbalanced single quote', chunks: ["ECHO 'abc\r\n"] },
  { name: 'a closing quote followed by a non-space', chunks: ['ECHO "a"b\r\nPING\r\n'] },
  { name: 'multibulk length not a number', chunks: ['PING\r\n*abc\r\nPING\r\n'] },
  { name: 'multibulk length with a plus sign', chunks: ['*+1\r\n$4\r\nPING\r\n'] },
  { name: 'multibulk length with a leading zero', chunks: ['*01\r\n$4\r\nPING\r\n'] },
  { name: 'multibulk length beyond INT_MAX', chunks: ['*3000000000\r\n'] },
  { name: "'+' where '$' is expected", chunks: ['*1\r\n+PING\r\n'] },
  { name: "':' where '$' is expected", chunks: ['*2\r\n$4\r\nECHO\r\n:1\r\n'] },
  { name: "CR where '$' is expected", chunks: ['*1\r\n\r\n'] },
  { name: 'negative bulk length', chunks: ['*1\r\n$-1\r\n'] },
  { name: 'bulk length not a number', chunks: ['*1\r\n$abc\r\n'] },
  { name: 'bulk length with a leading zero', chunks: ['*1\r\n$04\r\nPING\r\n'] },
  { name: 'bulk length beyond proto-max-bulk-len', chunks: ['*1\r\n$536870913\r\n'] },
  { name: 'inline request over 64 KB without a newline', chunks: ['A'.repeat(200_000)] },
  { name: 'multibulk count line over 64 KB', chunks: ['*' + '1'.repeat(200_000)] },
  { name: 'bulk count line over 64 KB', chunks: ['*1\r\n$' + '1'.repeat(200_000)] },
  {
    name: 'requests before an error are answered, those after it are not',
    chunks: [multibulk('SET', 'pe', '1') + multibulk('INCR', 'pe') + '*x\r\n' + 'INCR pe\r\n'],
  },
  { name: 'and the request after that error never ran', chunks: ['GET pe\r\n'] },
  { name: 'QUIT answers +OK and closes', chunks: ['PING\r\nQUIT\r\nPING\r\n'] },
].map((ex) => ({ ...ex, sentinel: false }));

const MULTIBULK: readonly Exchange[] = [
  { name: 'zero and negative multibulk lengths are no-ops', chunks: ['*0\r\n*-1\r\n*-100\r\n'] },
  {
    name: 'empty and binary bulk arguments',
    chunks: [multibulk('ECHO', '') + multibulk('ECHO', '\0\r\n\xff$*')],
  },
  { name: 'an empty command name', chunks: [multibulk('', 'a')] },
  {
    name: 'the two bytes after a bulk payload are skipped unchecked',
    chunks: ['*2\r\n$4\r\nECHO\r\n$3\r\nabcXYPING\r\n'],
  },
  // Redis finds line ends with strchr, which stops at a NUL: these wait for more input.
  { name: 'a NUL byte in a multibulk count line', chunks: ['*1\0\r\n$4\r\nPING\r\n'] },
  { name: "a NUL byte where '$' is expected", chunks: ['*1\r\n\0x\r\n'] },
  { name: 'a multibulk count far above what follows', chunks: ['*2000000\r\n$4\r\nPING\r\n'] },
  {
    name: 'a request split byte by byte',
    chunks: [...(multibulk('SET', 'split', 'value') + 'GET split\r\n')],
  },
  {
    name: 'a 100 KB argument split across writes',
    chunks: splitEvery(
      multibulk('SET', 'big', 'x'.repeat(100_000)) + multibulk('STRLEN', 'big'),
      7000,
    ),
  },
  {
    name: 'a 100 KB argument in one write',
    chunks: [
      multibulk('APPEND', 'big2', 'y'.repeat(100_000)) + multibulk('GETRANGE', 'big2', '-3', '-1'),
    ],
  },
];

function splitEvery(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

for (const resp of [2, 3] as const) {
  for (const [group, exchanges] of [
    ['inline commands', INLINE],
    ['multibulk requests', MULTIBULK],
    ['protocol errors close the connection', FATAL],
  ] as const) {
    test(`${group}: same bytes as redis-server (RESP${resp})`, async () => {
      await flushBoth(servers());
      for (const ex of exchanges) await agree(servers(), resp, ex);
    });
  }
}

async function flushBoth(pair: ServerPair): Promise<void> {
  for (const port of [pair.aikv.port, pair.redis.port]) {
    const c = await RawClient.open(port);
    assert.equal(await c.call('FLUSHALL'), '+OK\r\n');
    c.close();
  }
}

// ---------------------------------------------------------------------------------
// Seeded pipelines

/** Deterministic commands whose replies depend only on the request stream. */
function randomCommand(g: Gen): string[] {
  const key = g.pick(['p1', 'p2', 'p 3', '']);
  const value = g.chance(0.3) ? g.bytes(g.int(0, 12)) : String(g.int(-5, 500));
  return g.weighted<() => string[]>([
    [3, () => ['PING']],
    [3, () => ['ECHO', value]],
    [4, () => ['SET', key, value]],
    [4, () => ['GET', key]],
    [3, () => ['INCR', key]],
    [2, () => ['APPEND', key, value]],
    [2, () => ['STRLEN', key]],
    [1, () => ['DEL', key, 'p2']],
    [1, () => ['MGET', key, 'p1', 'nope']],
    [1, () => ['NOPE', value]],
    [1, () => ['GET']],
  ])();
}

/** An inline encoding of argv: bare words where possible, else double-quoted escapes. */
function inline(g: Gen, argv: readonly string[]): string {
  return argv.map((a) => (/^[\w.-]+$/.test(a) && g.chance(0.7) ? a : quote(a))).join(' ') + '\r\n';
}

function quote(arg: string): string {
  let s = '"';
  for (const ch of arg) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') s += '\\' + ch;
    else if (c < 32 || c > 126) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + '"';
}

const FATAL_FRAMES = ['*x\r\n', '*1\r\n+x\r\n', '*1\r\n$-5\r\n', 'ECHO "open\r\n', '*1\r\n$1x\r\n'];

/** Hundreds of requests, inline or multibulk, cut into writes at random points. */
function pipeline(g: Gen, requests: number): Exchange {
  let stream = '';
  for (let i = 0; i < requests; i++) {
    const argv = randomCommand(g);
    stream += g.chance(0.3) ? inline(g, argv) : multibulk(...argv);
  }
  const fatal = g.chance(0.3);
  if (fatal) stream += g.pick(FATAL_FRAMES) + multibulk('PING');
  const chunks: string[] = [];
  const writes = g.weighted([
    [3, 1],
    [2, g.int(2, 10)],
    [1, g.int(10, 200)],
  ]);
  const cuts = Array.from({ length: writes - 1 }, () => g.int(0, stream.length)).sort(
    (a, b) => a - b,
  );
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    chunks.push(stream.slice(at, cut));
    at = cut;
  }
  return { name: `pipeline of ${requests} requests in ${writes} writes`, chunks, sentinel: !fatal };
}

for (const resp of [2, 3] as const) {
  test(`seeded pipelines of hundreds of requests per write match redis-server (RESP${resp})`, async () => {
    const config = diffConfig({ seeds: 20 });
    for (const seed of config.seeds) {
      const g = new Gen(seed);
      await flushBoth(servers());
      await agree(
        servers(),
        resp,
        pipeline(g, g.int(100, 600)),
        ` seed ${seed} (DIFF_SEED=${seed})`,
      );
    }
  });
}
