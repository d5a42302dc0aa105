/**
 * KeyspaceApplier (src/replication/raft-log.ts): a group's snapshots carry its keyspace
 * and, when it has one, its GroupMetadata image, and restoring one brings both back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/commands/registry.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { GroupMetadata } from '../../src/replication/group-metadata.js';
import { KeyspaceApplier } from '../../src/replication/raft-log.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import type { Snapshot } from '../../src/raft/types.js';

const SETTINGS = { protoMaxBulkLen: 512 * 1024 * 1024, number: () => 128 };

/** Metadata that is just bytes, recording what it was asked to load. */
class Bytes implements GroupMetadata {
  loads: Uint8Array[] = [];
  constructor(public image: Uint8Array) {}
  save(): Uint8Array {
    return this.image;
  }
  load(image: Uint8Array): void {
    this.loads.push(image);
    this.image = image;
  }
}

function replica(metadata?: GroupMetadata): { applier: KeyspaceApplier; keyspace: Keyspace } {
  const keyspace = new Keyspace(16);
  const machine = new StateMachine(keyspace, new Registry(), SETTINGS);
  return { applier: new KeyspaceApplier(machine, keyspace, SETTINGS, metadata), keyspace };
}

function snapshotOf(data: Uint8Array): Snapshot {
  return { meta: { index: 5, term: 1, confState: emptyConf() }, data };
}

function emptyConf(): Snapshot['meta']['confState'] {
  return { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

test("a snapshot carries the group's metadata image, and restoring loads it", () => {
  const source = new Bytes(Uint8Array.from([1, 2, 0xfa, 0xff, 0]));
  const a = replica(source);
  a.keyspace.db(3).set('k', 'v', 0);
  const data = a.applier.snapshot();
  const target = new Bytes(new Uint8Array(0));
  const b = replica(target);
  b.applier.restore(snapshotOf(data));
  assert.deepEqual(target.loads, [Uint8Array.from([1, 2, 0xfa, 0xff, 0])]);
  assert.equal(keyspaceDigest(b.keyspace), keyspaceDigest(a.keyspace));
});

test('a snapshot without metadata loads as an empty image; one with it loads without', () => {
  const a = replica();
  a.keyspace.db(0).set('k', 'v', 0);
  const target = new Bytes(Uint8Array.from([9]));
  replica(target).applier.restore(snapshotOf(a.applier.snapshot()));
  assert.deepEqual(target.loads, [new Uint8Array(0)]);
  const withMeta = replica(new Bytes(Uint8Array.from([7, 7])));
  const plain = replica();
  plain.applier.restore(snapshotOf(withMeta.applier.snapshot()));
  assert.equal(plain.keyspace.keyCount, 0);
});
