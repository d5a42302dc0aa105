/**
 * LeaderProxy against a fake leader (a RESP server that records what each connection
 * sends): transactions written contiguously on the pool, WATCH on a session connection
 * that closes after EXEC and is never silently replaced, a client's order kept across
 * the switch from the pool to its session, and what a forwarded EXEC answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ReplyBuffer } from '../../src/resp/encoder.js';
import { RequestDecoder } from '../../src/resp/decoder.js';
import { error, NULL_ARRAY, OK, QUEUED, type Reply } from '../../src/resp/reply.js';
import { execReply, LeaderProxy } from '../../src/server/leader-proxy.js';

interface FakeConn {
  readonly socket: Socket;
  readonly seen: string[];
  closed: boolean;
}

/** A leader that answers OK/QUEUED, EXEC with one OK per queued command, SLOW after 50 ms. */
class FakeLeader {
  readonly conns: FakeConn[] = [];
  /** Every request in arrival order, across connections. */
  readonly arrivals: string[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(): Promise<{ leader: FakeLeader; target: string }> {
    const leader = new FakeLeader();
    await new Promise<void>((resolve) => leader.server.listen(0, '127.0.0.1', resolve));
    const address = leader.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return { leader, target: `127.0.0.1:${port}` };
  }

  private accept(socket: Socket): void {
    const conn: FakeConn = { socket, seen: [], closed: false };
    const id = this.conns.push(conn);
    let queued = -1;
    const send = (r: Reply): void => {
      const out = new ReplyBuffer();
      out.write(r, 2);
      socket.write(out.take());
    };
    const decoder = new RequestDecoder(
      { bulkBytesMax: 1 << 20 },
      {
        command: (argv) => {
          const line = argv.join(' ');
          conn.seen.push(line);
          this.arrivals.push(line);
          const name = (argv[0] as string).toUpperCase();
          if (name === 'HELLO') send(['id', id]);
          else if (name === 'SLOW') setTimeout(() => send(OK), 50);
          else if (name === 'MULTI') send(((queued = 0), OK));
          else if (name === 'EXEC') send(Array.from({ length: queued }, () => ((queued = -1), OK)));
          else if (queued >= 0) send((queued++, QUEUED));
          else send(OK);
        },
        protocolError: () => socket.destroy(),
      },
    );
    socket.on('data', (chunk: Buffer) => decoder.feed(chunk));
    socket.on('close', () => (conn.closed = true));
    socket.on('error', () => undefined);
  }

  /** Commands of the connection that sent `first` after its HELLO. */
  connWith(first: string): FakeConn | undefined {
    return this.conns.find((c) => c.seen[1] === first);
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function newProxy(): LeaderProxy {
  return new LeaderProxy({ enabled: () => true, connections: 4, nodeId: 9, password: () => '' });
}

function call(fn: (done: (r: Reply) => void) => void): Promise<Reply> {
  return new Promise((resolve) => fn(resolve));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition never held');
}

const client = (id: number): { id: number; db: number; proto: 2 } => ({ id, db: 0, proto: 2 });

test('a transaction is written contiguously on a pooled connection shared with others', async () => {
  const { leader, target } = await FakeLeader.start();
  const proxy = newProxy();
  try {
    // Clients 1 and 5 share a pooled connection (id modulo 4).
    const a = call((d) => proxy.forward(client(5), target, ['SET', 'a', '1'], d));
    const tx = new Promise<Reply[]>((resolve) =>
      proxy.exec(client(1), target, [['MULTI'], ['INCR', 'x'], ['INCR', 'y'], ['EXEC']], resolve),
    );
    const b = call((d) => proxy.forward(client(5), target, ['SET', 'b', '2'], d));
    assert.deepEqual(await Promise.all([a, b]), [OK, OK]);
    assert.deepEqual(await tx, [OK, QUEUED, QUEUED, [OK, OK]]);
    const conn = leader.connWith('SET a 1');
    assert.deepEqual(conn?.seen.slice(1), [
      'SET a 1',
      'MULTI',
      'INCR x',
      'INCR y',
      'EXEC',
      'SET b 2',
    ]);
  } finally {
    proxy.close();
    await leader.close();
  }
});

test('WATCH opens a connection of its own, used until EXEC, then closed', async () => {
  const { leader, target } = await FakeLeader.start();
  const proxy = newProxy();
  try {
    assert.deepEqual(await call((d) => proxy.watch(client(1), target, ['WATCH', 'k'], d)), OK);
    assert.equal(proxy.watching(1), true);
    assert.deepEqual(await call((d) => proxy.forward(client(1), target, ['GET', 'k'], d)), OK);
    const batch = [['MULTI'], ['SET', 'k', 'v'], ['EXEC']];
    const replies = await new Promise<Reply[]>((r) => proxy.exec(client(1), target, batch, r));
    assert.deepEqual(replies, [OK, QUEUED, [OK]]);
    assert.equal(proxy.watching(1), false);
    const session = leader.connWith('WATCH k') as FakeConn;
    assert.deepEqual(session.seen.slice(1), ['WATCH k', 'GET k', 'MULTI', 'SET k v', 'EXEC']);
    await until(() => session.closed);
    // The client's next command goes down the pool again.
    await call((d) => proxy.forward(client(1), target, ['GET', 'after'], d));
    assert.ok(leader.connWith('GET after') !== undefined);
  } finally {
    proxy.close();
    await leader.close();
  }
});

test("a lost session connection is never replaced: the watcher's EXEC is not sent", async () => {
  const { leader, target } = await FakeLeader.start();
  const proxy = newProxy();
  try {
    await call((d) => proxy.watch(client(2), target, ['WATCH', 'k'], d));
    const session = leader.connWith('WATCH k') as FakeConn;
    session.socket.destroy();
    await until(() => session.closed);
    await new Promise((r) => setTimeout(r, 20));
    const batch = [['MULTI'], ['SET', 'k', 'v'], ['EXEC']];
    const replies = await new Promise<Reply[]>((r) => proxy.exec(client(2), target, batch, r));
    assert.match((execReply(replies) as { message: string }).message, /^TRYAGAIN .*not sent/);
    assert.ok(!leader.arrivals.includes('SET k v'), 'nothing of the transaction was sent');
    assert.equal(leader.conns.length, 1, 'no new connection');
  } finally {
    proxy.close();
    await leader.close();
  }
});

test("a client's WATCH waits for its pooled requests: the leader sees them in order", async () => {
  const { leader, target } = await FakeLeader.start();
  const proxy = newProxy();
  try {
    const slow = call((d) => proxy.forward(client(3), target, ['SLOW'], d));
    const watch = call((d) => proxy.watch(client(3), target, ['WATCH', 'k'], d));
    assert.deepEqual(await Promise.all([slow, watch]), [OK, OK]);
    const order = leader.arrivals.filter((a) => a === 'SLOW' || a === 'WATCH k');
    assert.deepEqual(order, ['SLOW', 'WATCH k']);
  } finally {
    proxy.close();
    await leader.close();
  }
});

test('a client that goes closes its session at once', async () => {
  const { leader, target } = await FakeLeader.start();
  const proxy = newProxy();
  try {
    await call((d) => proxy.watch(client(4), target, ['WATCH', 'k'], d));
    proxy.forget(4);
    await until(() => (leader.connWith('WATCH k') as FakeConn).closed);
    assert.equal(proxy.watching(4), false);
  } finally {
    proxy.close();
    await leader.close();
  }
});

test("EXEC's reply: the leader's, or EXECABORT naming what a queued command met there", () => {
  assert.deepEqual(execReply([OK, QUEUED, [OK]]), [OK]);
  assert.equal(execReply([OK, QUEUED, NULL_ARRAY]), NULL_ARRAY);
  const moved = error('MOVED 0 127.0.0.1:7001');
  const abort = error('EXECABORT Transaction discarded because of previous errors.');
  assert.deepEqual(
    execReply([OK, moved, abort]),
    error('EXECABORT Transaction discarded because of: MOVED 0 127.0.0.1:7001'),
  );
  assert.deepEqual(execReply([OK, QUEUED, abort]), abort);
  const lost = error('TRYAGAIN lost');
  assert.deepEqual(execReply([lost, lost, lost]), lost, 'a lost EXEC is not called aborted');
});
