import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DirectoryFormatError,
  NodeDirectory,
  decodeAddresses,
  encodeAddresses,
  type NodeAddress,
} from '../../src/replication/directory.js';
import { Registry } from '../../src/commands/registry.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { KeyspaceApplier } from '../../src/replication/raft-log.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  type ConfChange,
  type ConfState,
} from '../../src/raft/types.js';

const A: NodeAddress = { host: '127.0.0.1', port: 7001, busPort: 17001 };
const B: NodeAddress = { host: 'node-b.example', port: 7002, busPort: 17002 };

function change(type: ConfChangeType, node: number, context: Uint8Array = EMPTY_BYTES): ConfChange {
  return { transition: ConfChangeTransition.Auto, changes: [{ type, node }], context };
}

const CS: ConfState = {
  voters: [1],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};

test('the address codec round-trips ids up to 2^53 and names its version', () => {
  const entries: [number, NodeAddress][] = [
    [1, A],
    [Number.MAX_SAFE_INTEGER, B],
  ];
  const bytes = encodeAddresses(entries);
  assert.equal(bytes[0], 1, 'format version 1');
  assert.deepEqual(decodeAddresses(bytes), entries);
  assert.deepEqual(decodeAddresses(encodeAddresses([])), []);
});

test('the codec refuses bad input with the byte offset', () => {
  const bytes = encodeAddresses([[2, A]]);
  assert.throws(() => decodeAddresses(bytes.subarray(0, bytes.length - 1)), DirectoryFormatError);
  assert.throws(() => decodeAddresses(Buffer.concat([bytes, Buffer.from([0])])), /trailing bytes/);
  const badVersion = Buffer.from(bytes);
  badVersion[0] = 9;
  assert.throws(() => decodeAddresses(badVersion), /unknown format version 9 at byte offset 0/);
  const zeroPort = Buffer.from(bytes);
  zeroPort.writeUInt16LE(0, bytes.length - 4);
  assert.throws(() => decodeAddresses(zeroPort), /bad port 0 at byte offset 3/);
  assert.throws(() => encodeAddresses([[0, A]]), RangeError);
  assert.throws(() => encodeAddresses([[1, { ...A, host: 'has space' }]]), RangeError);
});

test('conf changes carry addresses in; a removal takes one out; listeners hear each change', () => {
  const d = new NodeDirectory();
  const heard: [number, NodeAddress | null][] = [];
  d.listen((id, address) => heard.push([id, address]));
  d.onConfChange(change(ConfChangeType.AddNode, 1, encodeAddresses([[1, A]])));
  d.onConfChange(change(ConfChangeType.AddLearner, 2, encodeAddresses([[2, B]])));
  // The same address again is no change; a change without context (bootstrap) adds none.
  d.onConfChange(change(ConfChangeType.AddNode, 2, encodeAddresses([[2, B]])));
  d.onConfChange(change(ConfChangeType.AddNode, 3));
  assert.deepEqual(d.entries(), [
    [1, A],
    [2, B],
  ]);
  d.onConfChange(change(ConfChangeType.RemoveNode, 1));
  assert.equal(d.get(1), undefined);
  assert.deepEqual(heard, [
    [1, A],
    [2, B],
    [1, null],
  ]);
});

test('a snapshot image restores the directory exactly; an empty image empties it', () => {
  const d = new NodeDirectory();
  d.onConfChange(change(ConfChangeType.AddNode, 1, encodeAddresses([[1, A]])));
  d.onConfChange(change(ConfChangeType.AddNode, 2, encodeAddresses([[2, B]])));
  const image = d.save();
  const other = new NodeDirectory();
  other.onConfChange(change(ConfChangeType.AddNode, 9, encodeAddresses([[9, A]])));
  const heard: number[] = [];
  other.listen((id) => heard.push(id));
  other.load(image);
  assert.deepEqual(other.entries(), d.entries());
  assert.deepEqual(heard, [9, 1, 2], 'node 9 removed, 1 and 2 added');
  other.load(new Uint8Array(0));
  assert.equal(other.size, 0);
});

test("the group's applier hands each committed conf change to its directory", () => {
  const keyspace = new Keyspace(16);
  const settings = { protoMaxBulkLen: 512 * 1024 * 1024, number: () => 128 };
  const machine = new StateMachine(keyspace, new Registry(), settings);
  const directory = new NodeDirectory();
  const applier = new KeyspaceApplier(machine, keyspace, settings, directory);
  applier.onConfChange(change(ConfChangeType.AddLearner, 4, encodeAddresses([[4, B]])), CS);
  assert.deepEqual(directory.get(4), B);
});
