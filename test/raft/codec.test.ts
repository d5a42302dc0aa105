import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodecError,
  decodeConfChange,
  decodeConfState,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshotMeta,
  encodeConfChange,
  encodeConfState,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  encodeSnapshotMeta,
  Writer,
  Reader,
} from '../../src/raft/codec.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  type Message,
} from '../../src/raft/types.js';
import { Rng } from '../../src/util/rng.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

function randomMessage(rng: Rng): Message {
  const types = Object.values(MessageType);
  const entries = Array.from({ length: rng.below(4) }, (_, i) => ({
    term: rng.below(1000),
    index: 2 ** 40 + i,
    type: rng.below(2) === 0 ? EntryType.Normal : EntryType.ConfChange,
    data: bytes('x'.repeat(rng.below(40))),
  }));
  const snapshot =
    rng.below(3) === 0
      ? {
          meta: {
            index: rng.below(1e6),
            term: rng.below(100),
            confState: {
              voters: [1, 2, 3],
              learners: [4],
              votersOutgoing: rng.below(2) === 0 ? [] : [1, 2, 5],
              learnersNext: [],
              autoLeave: rng.below(2) === 0,
            },
          },
          data: bytes('snapshot-bytes'),
        }
      : null;
  return {
    type: types[rng.below(types.length)] as Message['type'],
    group: rng.below(2 ** 31),
    from: 1 + rng.below(5),
    to: 1 + rng.below(5),
    term: Number.MAX_SAFE_INTEGER - rng.below(10),
    logTerm: rng.below(100),
    index: rng.below(1e9),
    entries,
    commit: rng.below(1e9),
    snapshot,
    reject: rng.below(2) === 0,
    rejectHint: rng.below(100),
    context: rng.below(2) === 0 ? EMPTY_BYTES : bytes('ctx'),
  };
}

test('messages survive an encode/decode round trip with every field', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 500; i++) {
    const m = randomMessage(rng);
    assert.deepEqual(decodeMessage(encodeMessage(m)), m);
  }
});

test('a message cut at any byte is a CodecError, never a wrong message', () => {
  const rng = new Rng(11);
  for (let i = 0; i < 20; i++) {
    const encoded = encodeMessage(randomMessage(rng));
    for (let cut = 0; cut < encoded.length; cut++) {
      assert.throws(() => decodeMessage(encoded.subarray(0, cut)), CodecError);
    }
  }
});

test('an unknown format version, message type or trailing byte is rejected', () => {
  const encoded = encodeMessage(randomMessage(new Rng(3)));
  const badVersion = encoded.slice();
  badVersion[0] = 9;
  assert.throws(() => decodeMessage(badVersion), /unsupported message format version 9 at byte 0/);
  const badType = encoded.slice();
  badType[1] = 200;
  assert.throws(() => decodeMessage(badType), /unknown message type 200 at byte 1/);
  const trailing = new Uint8Array(encoded.length + 1);
  trailing.set(encoded);
  assert.throws(() => decodeMessage(trailing), /trailing bytes/);
});

test('a huge entry count in a short frame fails before allocating', () => {
  const w = new Writer();
  w.u8(1).u8(MessageType.App).u8(0).u32(1);
  for (let i = 0; i < 7; i++) w.u64(0);
  w.bytesField(EMPTY_BYTES).u32(0xffffffff);
  assert.throws(() => decodeMessage(w.finish()), /entry count longer than input/);
});

test('u64 fields hold safe integers and refuse anything beyond 2^53', () => {
  const w = new Writer(1);
  w.u64(Number.MAX_SAFE_INTEGER).u32(0xffffffff).u32(0xffffffff);
  const r = new Reader(w.finish());
  assert.equal(r.u64(), Number.MAX_SAFE_INTEGER);
  assert.throws(() => r.u64(), /u64 beyond 2\^53/);
  assert.throws(() => new Writer().u64(-1), RangeError);
  assert.throws(() => new Writer().u64(2 ** 53), RangeError);
});

test('entries, hard states, conf states and snapshot metadata round trip', () => {
  const entry = { term: 3, index: 9, type: EntryType.Normal, data: bytes('\x00\xff') };
  assert.deepEqual(decodeEntry(encodeEntry(entry)), entry);
  const hs = { term: 5, vote: 2, commit: 77 };
  assert.deepEqual(decodeHardState(encodeHardState(hs)), hs);
  const cs = {
    voters: [1, 2],
    learners: [3],
    votersOutgoing: [1, 2, 4],
    learnersNext: [4],
    autoLeave: true,
  };
  assert.deepEqual(decodeConfState(encodeConfState(cs)), cs);
  const meta = { index: 100, term: 4, confState: cs };
  assert.deepEqual(decodeSnapshotMeta(encodeSnapshotMeta(meta)), meta);
});

test('conf changes round trip and a bad change type is rejected', () => {
  const cc = {
    transition: ConfChangeTransition.Explicit,
    changes: [
      { type: ConfChangeType.AddNode, node: 4 },
      { type: ConfChangeType.RemoveNode, node: 1 },
      { type: ConfChangeType.AddLearner, node: 5 },
    ],
    context: bytes('127.0.0.1:6383'),
  };
  const encoded = encodeConfChange(cc);
  assert.deepEqual(decodeConfChange(encoded), cc);
  const bad = encoded.slice();
  bad[6] = 7;
  assert.throws(() => decodeConfChange(bad), /unknown conf change type 7 at byte 6/);
});
