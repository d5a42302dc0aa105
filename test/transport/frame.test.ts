import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from '../../src/raft/codec.js';
import type { Message } from '../../src/raft/types.js';
import {
  FrameReader,
  FrameType,
  PROTOCOL_VERSION,
  ProtocolError,
  readBatch,
  readHello,
  readSnapBegin,
  readSnapChunk,
  snapChunkHeader,
  writeBatches,
  writeHello,
  writeSnapBegin,
} from '../../src/transport/frame.js';
import { backoffMs, busPortFor, resolveLimits } from '../../src/transport/limits.js';
import { appMessage, describeMessage, snapshotMessage } from './support.js';

function frames(bytes: Uint8Array, reader = new FrameReader(1 << 20)) {
  const out: { type: number; body: Buffer }[] = [];
  reader.push(bytes, (type, body) => out.push({ type, body: Buffer.from(body) }));
  return out;
}

function batchOf(messages: Message[], frameBytesMax = 1 << 20, writerBytesMax = 1 << 30) {
  const w = new Writer();
  const dropped: { m: Message; tooLarge: boolean }[] = [];
  const count = writeBatches(w, messages, { frameBytesMax, writerBytesMax }, (m, tooLarge) =>
    dropped.push({ m, tooLarge }),
  );
  return { bytes: w.finish(), count, dropped };
}

function decodeAll(bytes: Uint8Array): Message[] {
  const out: Message[] = [];
  for (const f of frames(bytes)) {
    assert.equal(f.type, FrameType.Batch);
    readBatch(f.body, out);
  }
  return out;
}

test('the bus port is the client port + 10000, like Redis Cluster', () => {
  assert.equal(busPortFor(6379), 16379);
  assert.throws(() => busPortFor(60000), RangeError);
  assert.throws(() => busPortFor(0), RangeError);
});

test('reconnect backoff doubles from the minimum and stops at the maximum', () => {
  const limits = resolveLimits({ reconnectMinMs: 100, reconnectMaxMs: 1000 });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 50].map((n) => backoffMs(limits, n)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('limits that do not fit together are refused', () => {
  assert.throws(() => resolveLimits({ snapshotChunkBytes: 2 << 20, frameBytesMax: 1 << 20 }));
  assert.throws(() => resolveLimits({ peerOutboundBytesMax: 1024, snapshotChunkBytes: 1024 }));
  assert.throws(() => resolveLimits({ reconnectMinMs: 10, reconnectMaxMs: 5 }));
  assert.throws(() => resolveLimits({ frameBytesMax: 0 }));
});

test('a hello carries magic, version, node id and cluster id', () => {
  const w = new Writer();
  writeHello(w, { version: PROTOCOL_VERSION, nodeId: 2 ** 40, clusterId: 'prod-é' });
  const [f] = frames(w.finish());
  assert.equal(f?.type, FrameType.Hello);
  assert.deepEqual(readHello(f?.body ?? Buffer.alloc(0)), {
    version: PROTOCOL_VERSION,
    nodeId: 2 ** 40,
    clusterId: 'prod-é',
  });
});

test('a hello of another version is read only up to its version', () => {
  const w = new Writer();
  writeHello(w, { version: 99, nodeId: 1, clusterId: 'x' });
  const [f] = frames(w.finish());
  assert.equal(readHello(f?.body ?? Buffer.alloc(0)).version, 99);
  const bad = Buffer.from(f?.body ?? Buffer.alloc(0));
  bad[0] = 0x58;
  assert.throws(() => readHello(bad), ProtocolError);
});

test('a batch frame round-trips many messages of many groups', () => {
  const messages = Array.from({ length: 200 }, (_, i) => appMessage(1, 2, i % 17, i));
  const { bytes, count, dropped } = batchOf(messages);
  assert.equal(count, 1);
  assert.deepEqual(dropped, []);
  assert.deepEqual(decodeAll(bytes).map(describeMessage), messages.map(describeMessage));
});

test('a batch is split into frames of at most frameBytesMax, order kept', () => {
  const messages = Array.from({ length: 100 }, (_, i) => appMessage(1, 2, 3, i));
  const { bytes, count } = batchOf(messages, 1000);
  assert.ok(count > 5, `only ${count} frames`);
  for (const f of frames(bytes)) assert.ok(f.body.length + 1 <= 1000);
  assert.deepEqual(decodeAll(bytes).map(describeMessage), messages.map(describeMessage));
});

test('a message larger than a frame is dropped as too large, the others go', () => {
  const big = { ...appMessage(1, 2, 3, 1), context: new Uint8Array(5000) };
  const messages = [appMessage(1, 2, 3, 0), big, appMessage(1, 2, 3, 2)];
  const { bytes, dropped } = batchOf(messages, 1000);
  assert.deepEqual(
    dropped.map((d) => [d.m.index, d.tooLarge]),
    [[1, true]],
  );
  assert.deepEqual(
    decodeAll(bytes).map((m) => m.index),
    [0, 2],
  );
});

test('messages beyond the writer budget are dropped, later small ones still fit', () => {
  const big = { ...appMessage(1, 2, 3, 1), context: new Uint8Array(5000) };
  const messages = [appMessage(1, 2, 3, 0), big, appMessage(1, 2, 3, 2)];
  const { bytes, dropped } = batchOf(messages, 1 << 20, 1000);
  assert.deepEqual(
    dropped.map((d) => [d.m.index, d.tooLarge]),
    [[1, false]],
  );
  assert.deepEqual(
    decodeAll(bytes).map((m) => m.index),
    [0, 2],
  );
});

test('frames are found whole, byte by byte, and cut at every position', () => {
  const messages = Array.from({ length: 30 }, (_, i) => appMessage(1, 2, i, i));
  const bytes = Buffer.concat([
    batchOf(messages.slice(0, 10)).bytes,
    batchOf(messages.slice(10)).bytes,
  ]);
  const expected = messages.map(describeMessage);
  const collect = (pieces: Uint8Array[]): string[] => {
    const reader = new FrameReader(1 << 20);
    const out: Message[] = [];
    for (const p of pieces) reader.push(p, (_type, body) => readBatch(body, out));
    return out.map(describeMessage);
  };
  assert.deepEqual(collect([bytes]), expected);
  assert.deepEqual(collect([...bytes].map((b) => Uint8Array.of(b))), expected);
  for (let cut = 1; cut < bytes.length; cut += 7) {
    assert.deepEqual(
      collect([bytes.subarray(0, cut), bytes.subarray(cut)]),
      expected,
      `cut ${cut}`,
    );
  }
});

test('a frame length of zero or above the limit is a protocol error', () => {
  assert.throws(() => frames(Buffer.from([0, 0, 0, 0, 1])), ProtocolError);
  assert.throws(() => frames(Buffer.from([0xff, 0xff, 0xff, 0xff])), ProtocolError);
  assert.throws(() => frames(Buffer.from([11, 0, 0, 0, 1]), new FrameReader(10)), ProtocolError);
});

test('a snapshot stream is a begin frame without the data, then chunk frames', () => {
  const data = Buffer.from('0123456789abcdef');
  const m = snapshotMessage(1, 2, 9, data);
  const w = new Writer();
  writeSnapBegin(w, 77, m);
  const [begin] = frames(w.finish());
  assert.equal(begin?.type, FrameType.SnapBegin);
  const parsed = readSnapBegin(begin?.body ?? Buffer.alloc(0));
  assert.equal(parsed.stream, 77);
  assert.equal(parsed.dataBytes, 16);
  assert.equal(parsed.message.snapshot?.data.length, 0);
  assert.deepEqual(parsed.message.snapshot?.meta, m.snapshot?.meta);
  const chunk = Buffer.concat([snapChunkHeader(0x1234_5678, 4), data.subarray(0, 4)]);
  const [f] = frames(chunk);
  assert.equal(f?.type, FrameType.SnapChunk);
  const { stream, data: part } = readSnapChunk(f?.body ?? Buffer.alloc(0));
  assert.equal(stream, 0x1234_5678);
  assert.equal(Buffer.from(part).toString(), '0123');
});
