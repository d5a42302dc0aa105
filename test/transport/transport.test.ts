import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Writer } from '../../src/raft/codec.js';
import { EntryType, type Message } from '../../src/raft/types.js';
import {
  FrameType,
  PROTOCOL_VERSION,
  writeBatches,
  writeHello,
} from '../../src/transport/frame.js';
import {
  HOST,
  allConnected,
  appMessage,
  connectAll,
  describeMessage,
  freePort,
  heartbeat,
  peerOf,
  snapshotMessage,
  startNode,
  turn,
  waitFor,
  type TestNode,
} from './support.js';

const sorted = (ms: readonly Message[]): string[] => ms.map(describeMessage).sort();

/** Every node sends `perGroup` messages in each of `groups` groups to every other node. */
function sendEverywhere(nodes: readonly TestNode[], groups: number, perGroup: number): Message[] {
  const sent: Message[] = [];
  for (const a of nodes) {
    for (const b of nodes) {
      if (a === b) continue;
      const ms: Message[] = [];
      for (let g = 0; g < groups; g++) {
        for (let i = 0; i < perGroup; i++) ms.push(appMessage(a.id, b.id, g, i));
      }
      a.t.send(ms);
      sent.push(...ms);
    }
  }
  return sent;
}

function assertOneConnectionPerPair(nodes: readonly TestNode[]): void {
  let dialed = 0;
  for (const n of nodes) {
    for (const p of n.t.peers()) {
      assert.equal(p.connected, true, `${n.id} -> ${p.id} connected`);
      assert.equal(p.connections, 1, `${n.id} -> ${p.id} handshakes`);
      assert.equal(p.dials, n.id < p.id, `${n.id} dials ${p.id} only when its id is lower`);
      if (p.dials) dialed++;
    }
  }
  assert.equal(dialed, (nodes.length * (nodes.length - 1)) / 2);
}

for (const size of [2, 3]) {
  test(`${size} nodes exchange messages of many groups both ways over one connection per pair`, async (t) => {
    const nodes = await Promise.all(Array.from({ length: size }, (_, i) => startNode(t, i + 1)));
    connectAll(nodes);
    await allConnected(nodes);
    const sent = sendEverywhere(nodes, 40, 5);
    const expected = (n: TestNode) => sorted(sent.filter((m) => m.to === n.id));
    await waitFor('delivery', () => nodes.every((n) => n.received.length === expected(n).length));
    for (const n of nodes) assert.deepEqual(sorted(n.received), expected(n));
    assertOneConnectionPerPair(nodes);
  });
}

test('N sends in one turn leave in one socket write and arrive in one frame', async (t) => {
  const [a, b] = [await startNode(t, 1), await startNode(t, 2)];
  connectAll([a, b]);
  await allConnected([a, b]);
  const before = peerOf(a, 2);
  const framesBefore = peerOf(b, 1).framesReceived;
  for (let i = 0; i < 100; i++) a.t.send([appMessage(1, 2, i % 7, i)]);
  assert.equal(peerOf(a, 2).writes, before.writes, 'nothing written before the turn ends');
  await waitFor('delivery', () => b.received.length === 100);
  const after = peerOf(a, 2);
  assert.equal(after.writes - before.writes, 1);
  assert.equal(after.framesSent - before.framesSent, 1);
  assert.equal(after.messagesSent - before.messagesSent, 100);
  assert.equal(peerOf(b, 1).framesReceived - framesBefore, 1);
  assert.deepEqual(
    b.received.map((m) => m.index),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test('flush() writes what is queued at once', async (t) => {
  const [a, b] = [await startNode(t, 1), await startNode(t, 2)];
  connectAll([a, b]);
  await allConnected([a, b]);
  const writes = peerOf(a, 2).writes;
  a.t.send([heartbeat(1, 2, 0), heartbeat(1, 2, 1)]);
  a.t.flush();
  assert.equal(peerOf(a, 2).writes, writes + 1);
  await turn();
  assert.equal(peerOf(a, 2).writes, writes + 1, 'the turn-end flush finds nothing left');
  await waitFor('delivery', () => b.received.length === 2);
});

test('the dialer reconnects after the accepting peer restarts on its port', async (t) => {
  const a = await startNode(t, 1);
  let b = await startNode(t, 2);
  connectAll([a, b]);
  await allConnected([a, b]);
  const port = b.port;
  await b.t.close();
  await waitFor('disconnect seen', () => !peerOf(a, 2).connected);
  await waitFor('unreachable reported', () => a.unreachable.includes(2));
  b = await startNode(t, 2, { port });
  b.t.setPeer(1, null);
  await waitFor('reconnected', () => peerOf(a, 2).connected && peerOf(b, 1).connected);
  assert.equal(peerOf(a, 2).connections, 2);
  a.t.send([appMessage(1, 2, 5, 1)]);
  b.t.send([appMessage(2, 1, 6, 1)]);
  await waitFor('both directions', () => b.received.length === 1 && a.received.length === 1);
});

test('an accepting node takes the new connection of a dialer that restarted', async (t) => {
  let a = await startNode(t, 1);
  const b = await startNode(t, 2);
  connectAll([a, b]);
  await allConnected([a, b]);
  await a.t.close();
  a = await startNode(t, 1);
  connectAll([a, b]);
  await waitFor('new connection', () => peerOf(b, 1).connections === 2 && peerOf(b, 1).connected);
  b.t.send([appMessage(2, 1, 3, 9)]);
  await waitFor('delivery on the new connection', () => a.received.length === 1);
});

test('a node of another cluster is refused and logged on both sides', async (t) => {
  const b = await startNode(t, 20);
  const stranger = await startNode(t, 5, { clusterId: 'other-cluster' });
  stranger.t.setPeer(20, { host: HOST, port: b.port });
  await waitFor('rejection logged', () =>
    b.warnings.some((w) => w.includes('cluster id mismatch')),
  );
  await waitFor('stranger logs', () => stranger.warnings.some((w) => w.includes('cluster id')));
  assert.match(b.warnings.join('\n'), /"other-cluster"/);
  assert.equal(b.t.peers().length, 0, 'no peer entry for the stranger');
  assert.equal(peerOf(stranger, 20).connected, false);
  stranger.t.send([heartbeat(5, 20, 0)]);
  await turn();
  assert.equal(b.received.length, 0);
});

/** A raw client of a node's bus port; resolves `closed` when the node hangs up. */
function rawClient(port: number): { socket: Socket; closed: Promise<void>; received: Buffer[] } {
  const socket = connect({ host: HOST, port });
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  return { socket, closed, received };
}

function helloBytes(version: number, nodeId: number, clusterId = 'test-cluster'): Uint8Array {
  const w = new Writer();
  writeHello(w, { version, nodeId, clusterId });
  return w.finish();
}

test('a hello of an unsupported protocol version is refused and logged', async (t) => {
  const b = await startNode(t, 20);
  const raw = rawClient(b.port);
  raw.socket.write(helloBytes(PROTOCOL_VERSION + 98, 5));
  await raw.closed;
  assert.match(b.warnings.join('\n'), /unsupported protocol version 99/);
  assert.equal(b.t.peers().length, 0);
});

test('a malformed frame closes only its connection; the others keep working', async (t) => {
  const a = await startNode(t, 10);
  const b = await startNode(t, 20);
  connectAll([a, b]);
  await allConnected([a, b]);
  // Identified, then a batch whose message does not decode.
  const raw = rawClient(b.port);
  const garbage = Buffer.from([10, 0, 0, 0, FrameType.Batch, 1, 0, 0, 0, 9, 9, 9, 9, 9]);
  raw.socket.write(Buffer.concat([helloBytes(PROTOCOL_VERSION, 5), garbage]));
  await raw.closed;
  // A length no frame may have, before any hello.
  const raw2 = rawClient(b.port);
  raw2.socket.write(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1]));
  await raw2.closed;
  assert.equal(b.warnings.length, 2, b.warnings.join('\n'));
  assert.match(b.warnings[1] ?? '', /bad frame length/);
  assert.equal(b.t.peers().length, 1, 'the raw peer is forgotten');
  a.t.send([appMessage(10, 20, 1, 1)]);
  b.t.send([appMessage(20, 10, 1, 2)]);
  await waitFor('traffic', () => a.received.length === 1 && b.received.length === 1);
  assert.equal(peerOf(b, 10).connections, 1);
});

test('a message not from the connected peer closes the connection', async (t) => {
  const b = await startNode(t, 20);
  const raw = rawClient(b.port);
  const w = new Writer();
  writeHello(w, { version: PROTOCOL_VERSION, nodeId: 5, clusterId: 'test-cluster' });
  writeBatches(
    w,
    [appMessage(6, 20, 1, 1)],
    { frameBytesMax: 1 << 20, writerBytesMax: 1 << 20 },
    () => {},
  );
  raw.socket.write(w.finish());
  await raw.closed;
  assert.match(b.warnings.join('\n'), /message from 6 to 20/);
  assert.equal(b.received.length, 0);
});

test('a 20 MiB snapshot arrives intact in chunks beside other messages; status ok', async (t) => {
  const [a, b] = [await startNode(t, 1), await startNode(t, 2)];
  connectAll([a, b]);
  await allConnected([a, b]);
  const data = Buffer.alloc(20 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
  const framesBefore = peerOf(b, 1).framesReceived;
  a.t.send([snapshotMessage(1, 2, 42, data), heartbeat(1, 2, 1)]);
  await turn();
  a.t.send([heartbeat(1, 2, 2)]);
  await waitFor('snapshot', () => b.received.some((m) => m.snapshot !== null), 30_000);
  const got = b.received.find((m) => m.snapshot !== null);
  assert.equal(got?.group, 42);
  assert.equal(got?.snapshot?.meta.index, 1000);
  assert.ok(Buffer.from(got?.snapshot?.data ?? []).equals(data), 'snapshot data intact');
  // The heartbeat sent while the snapshot streamed was not held behind all of it.
  assert.deepEqual(
    b.received.map((m) => m.group),
    [1, 2, 42],
  );
  assert.ok(peerOf(b, 1).framesReceived - framesBefore >= 1 + 20 + 1);
  await waitFor('status', () => a.snapshotStatuses.length === 1);
  assert.deepEqual(a.snapshotStatuses, [{ peer: 2, group: 42, ok: true }]);
  assert.equal(peerOf(a, 2).snapshotsSent, 1);
});

test('a snapshot to a peer that is down fails at once with status not ok', async (t) => {
  const a = await startNode(t, 1);
  a.t.setPeer(2, { host: HOST, port: await freePort() });
  a.t.send([snapshotMessage(1, 2, 3, Buffer.alloc(1000))]);
  await waitFor('status', () => a.snapshotStatuses.length === 1);
  assert.deepEqual(a.snapshotStatuses, [{ peer: 2, group: 3, ok: false }]);
});

test('a snapshot whose connection breaks mid-stream is reported failed', async (t) => {
  const [a, b] = [await startNode(t, 1), await startNode(t, 2)];
  connectAll([a, b]);
  await allConnected([a, b]);
  a.t.send([snapshotMessage(1, 2, 8, Buffer.alloc(64 * 1024 * 1024))]);
  await turn();
  await b.t.close();
  await waitFor('status', () => a.snapshotStatuses.length === 1, 30_000);
  assert.deepEqual(a.snapshotStatuses, [{ peer: 2, group: 8, ok: false }]);
  assert.equal(b.received.length, 0);
});

test('beyond the per-peer byte limit a down peer drops messages and is reported', async (t) => {
  const limits = { peerOutboundBytesMax: 64 * 1024, snapshotChunkBytes: 16 * 1024 };
  const a = await startNode(t, 1, { limits });
  const port = await freePort();
  a.t.setPeer(2, { host: HOST, port });
  const payload = Buffer.alloc(1024, 1);
  for (let i = 0; i < 100; i++) {
    a.t.send([
      {
        ...appMessage(1, 2, 1, i),
        entries: [{ term: 7, index: i, type: EntryType.Normal, data: payload }],
      },
    ]);
    await turn();
  }
  await waitFor('unreachable', () => a.unreachable.includes(2));
  const stats = peerOf(a, 2);
  assert.equal(stats.connected, false);
  assert.ok(stats.queuedBytes <= limits.peerOutboundBytesMax, `${stats.queuedBytes} queued`);
  assert.ok(stats.messagesDropped > 0 && stats.messagesDropped < 100, `${stats.messagesDropped}`);
  // What fitted is delivered once the peer comes up.
  const b = await startNode(t, 2, { port, limits });
  b.t.setPeer(1, null);
  await waitFor('backlog', () => b.received.length === 100 - stats.messagesDropped);
  assert.deepEqual(
    b.received.map((m) => m.index),
    Array.from({ length: b.received.length }, (_, i) => i),
  );
});

test('a message to an unknown node is dropped and the node reported unreachable', async (t) => {
  const a = await startNode(t, 1);
  a.t.send([heartbeat(1, 9, 0)]);
  await waitFor('unreachable', () => a.unreachable.includes(9));
  assert.equal(a.t.unknownPeerDrops, 1);
  assert.throws(() => a.t.send([heartbeat(1, 1, 0)]), /itself/);
});

test('a snapshot with empty data is delivered and reported ok', async (t) => {
  const [a, b] = [await startNode(t, 1), await startNode(t, 2)];
  connectAll([a, b]);
  await allConnected([a, b]);
  a.t.send([snapshotMessage(1, 2, 4, new Uint8Array(0))]);
  await waitFor('snapshot', () => b.received.length === 1);
  assert.equal(b.received[0]?.snapshot?.data.length, 0);
  assert.equal(b.received[0]?.snapshot?.meta.index, 1000);
  await waitFor('status', () => a.snapshotStatuses.length === 1);
  assert.deepEqual(a.snapshotStatuses, [{ peer: 2, group: 4, ok: true }]);
});
