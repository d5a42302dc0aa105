/**
 * Background snapshots of a keyspace group (background-snapshot.ts, KeyspaceApplier,
 * WalStore.beginSnapshot): written in pieces into the snapshot file while entries keep
 * applying, the file holds the keyspace exactly as it was at the snapshot's index, the
 * log is compacted to it, a restart restores everything, a crash in the middle leaves
 * the previous snapshot in use, and a lagging follower catches up from one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { writeKeyspaceSnapshot } from '../../src/keyspace/snapshot.js';
import { EMPTY_CONF_STATE, type NodeId, type Snapshot } from '../../src/raft/types.js';
import { GroupSnapshots, type SnapshotOutcome } from '../../src/replication/background-snapshot.js';
import type { LogEntry } from '../../src/replication/entry.js';
import type { GroupApplier, MultiRaft, RaftStore } from '../../src/replication/multi-raft.js';
import { KeyspaceApplier, RaftLog, type SnapshotPiece } from '../../src/replication/raft-log.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { WalStore } from '../../src/replication/wal-store.js';
import { NodeFileSystem } from '../../src/storage/node-file-system.js';
import { readSnapshotFile } from '../../src/storage/snapshot-file.js';
import type { Reply } from '../../src/resp/reply.js';
import { Rng } from '../../src/util/rng.js';
import { DIR, ents, simDisk, type Disk } from '../storage/helpers.js';
import { Cluster } from './cluster.js';

const SETTINGS: ExecSettings = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  number: (name) => (name.endsWith('-entries') ? 128 : 64),
};

/** A KeyspaceApplier that counts the snapshots it restored. */
class CountingApplier extends KeyspaceApplier {
  restores = 0;
  override restore(snapshot: Snapshot): void {
    this.restores++;
    super.restore(snapshot);
  }
}

interface KvCluster {
  readonly c: Cluster<CountingApplier>;
  readonly keyspaces: Map<NodeId, Keyspace>;
  readonly stores: () => Map<NodeId, WalStore>;
  readonly cleanup: () => Promise<void>;
}

/** Nodes of keyspace groups on real WAL and snapshot files, snapshots in small pieces. */
function kvCluster(
  ids: readonly NodeId[],
  snapshotEntries: number,
  piece: SnapshotPiece,
): KvCluster {
  const root = mkdtempSync(join(tmpdir(), 'aikv-bgsnap-'));
  const fs = new NodeFileSystem();
  const keyspaces = new Map<NodeId, Keyspace>();
  const c = new Cluster<CountingApplier>(
    ids,
    snapshotEntries,
    (id) => new WalStore({ fs, dir: join(root, `n${id}`), policy: 'always', now: () => 0 }),
    20,
    (id) => {
      const keyspace = new Keyspace(16);
      keyspaces.set(id, keyspace);
      const machine = new StateMachine(keyspace, new Registry(), SETTINGS);
      return new CountingApplier(machine, keyspace, SETTINGS, undefined, piece);
    },
  );
  const stores = (): Map<NodeId, WalStore> => c.stores as Map<NodeId, WalStore>;
  const cleanup = async (): Promise<void> => {
    for (const n of c.nodes.values()) n.stop();
    // Writes already under way finish before their files go.
    await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(root, { recursive: true, force: true });
  };
  return { c, keyspaces, stores, cleanup };
}

let seed = 1;

function run(node: MultiRaft, db: number, ...argv: string[]): Promise<Reply> {
  const entry: LogEntry = { kind: 'command', db, argv, time: 1_700_000_000_000, seed: seed++ };
  const log = new RaftLog(node.group(1) as NonNullable<ReturnType<MultiRaft['group']>>);
  return new Promise((resolve) => log.propose(entry, (reply) => resolve(reply as Reply)));
}

/** A turn's worth of writes of every kind, proposed together. */
function writes(node: MultiRaft, rng: Rng, n: number): Promise<Reply[]> {
  const out: Promise<Reply>[] = [];
  for (let i = 0; i < n; i++) {
    const db = rng.below(3);
    const k = `k${rng.below(3000)}`;
    const pick = rng.below(10);
    if (pick < 4) out.push(run(node, db, 'SET', k, `v${rng.below(1e6)}`));
    else if (pick < 6) out.push(run(node, db, 'DEL', k));
    else if (pick < 7) out.push(run(node, db, 'HSET', `h${rng.below(50)}`, k, 'x'));
    else if (pick < 8) out.push(run(node, db, 'SADD', `s${rng.below(50)}`, k));
    else if (pick < 9) out.push(run(node, db, 'RENAME', `k${rng.below(3000)}`, k));
    else out.push(run(node, db, 'PEXPIRE', k, '100000000'));
  }
  return Promise.all(out);
}

test('a background snapshot is the keyspace at its index, though writes go on; the log is compacted to it', async () => {
  const { c, keyspaces, stores, cleanup } = kvCluster([1], 0, { keys: 40, bytes: 1 << 20 });
  try {
    const leader = await c.elect();
    const rng = new Rng(7);
    for (let i = 0; i < 20; i++) await writes(leader, rng, 150);
    const keyspace = keyspaces.get(1) as Keyspace;
    const group = leader.group(1) as NonNullable<ReturnType<MultiRaft['group']>>;
    const atStart = Buffer.from(writeKeyspaceSnapshot(keyspace));
    let outcome: SnapshotOutcome | undefined;
    assert.ok(group.snapshotNow((o) => (outcome = o)));
    assert.equal(group.snapshotNow(), false, 'one snapshot at a time');
    let rounds = 0;
    while (outcome === undefined) {
      await writes(leader, rng, 30);
      rounds++;
    }
    assert.ok(rounds > 3, `writes applied in ${rounds} rounds while it ran`);
    assert.equal(outcome.error, null);
    assert.ok(outcome.copiedBytes > 0, 'old values were kept for it');
    const store = stores().get(1) as WalStore;
    const file = store.snapshots.latest(1);
    assert.ok(file !== null);
    assert.equal(file.index, outcome.meta.index);
    assert.deepEqual(Buffer.from(readSnapshotFile(new NodeFileSystem(), file.path).data), atStart);
    assert.equal(store.log(1).compactedOnDisk, outcome.meta.index);
    assert.equal(store.logFacts(1).snapshotIndex, outcome.meta.index);

    await writes(leader, rng, 50);
    const digest = keyspaceDigest(keyspace);
    leader.stop();
    c.start(1);
    await c.elect();
    await c.ticks(3);
    assert.equal(keyspaceDigest(keyspaces.get(1) as Keyspace), digest, 'restored after a restart');
  } finally {
    await cleanup();
  }
});

test('a lagging follower catches up from a snapshot written in pieces', async () => {
  const { c, keyspaces, cleanup } = kvCluster([1, 2, 3], 100, { keys: 16, bytes: 1 << 20 });
  try {
    const leader = await c.elect();
    const lagging = [1, 2, 3].find((id) => id !== leader.options.id) as NodeId;
    c.cut.add(lagging);
    const rng = new Rng(11);
    for (let i = 0; i < 12; i++) await writes(leader, rng, 50);
    c.cut.delete(lagging);
    const target = keyspaces.get(leader.options.id) as Keyspace;
    const follower = (): Keyspace => keyspaces.get(lagging) as Keyspace;
    for (let i = 0; i < 100 && keyspaceDigest(follower()) !== keyspaceDigest(target); i++) {
      await c.ticks(1);
    }
    assert.equal(keyspaceDigest(follower()), keyspaceDigest(target));
    assert.ok((c.appliers.get(lagging)?.restores ?? 0) > 0, 'it installed a snapshot');
  } finally {
    await cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// Crashes, on a simulated disk that loses what was not synced

function wait(disk: Disk, op: (done: (err: Error | null) => void) => void): void {
  let result: Error | null | undefined;
  op((err) => (result = err));
  disk.scheduler.runWhile(() => result === undefined);
  assert.equal(result, null);
}

const META = (index: number): Snapshot['meta'] => ({
  index,
  term: 1,
  confState: { ...EMPTY_CONF_STATE, voters: [1] },
});

/** A store with entries 1..40 and a durable snapshot at 20 (data "A"). */
function storeWithSnapshot(disk: Disk): WalStore {
  const store = new WalStore({ fs: disk.fs, dir: DIR, policy: 'always', now: () => 1000 });
  store.save(1, { entries: ents(1, 40, 1), hardState: { term: 1, vote: 1, commit: 40 } });
  wait(disk, (d) => store.flush(d));
  const sink = store.beginSnapshot(1, META(20));
  wait(disk, (d) => sink.write(Buffer.from('A'), d));
  wait(disk, (d) => sink.finish(d));
  return store;
}

function reopened(disk: Disk): WalStore {
  disk.fs.crash();
  return new WalStore({ fs: disk.fs, dir: DIR, policy: 'always', now: () => 2000 });
}

test('a crash while a snapshot streams in leaves the previous one in use, and no temp file', () => {
  const disk = simDisk(3);
  const store = storeWithSnapshot(disk);
  assert.equal(store.snapshotMadeAt(1), 1000);
  const sink = store.beginSnapshot(1, META(30));
  wait(disk, (d) => sink.write(Buffer.from('BB'), d));
  const after = reopened(disk);
  const snapshot = after.log(1).snapshot();
  assert.equal(snapshot.meta.index, 20);
  assert.deepEqual(Buffer.from(snapshot.data), Buffer.from('A'));
  assert.equal(after.snapshotMadeAt(1), 1000, 'the file says when it was made');
  assert.deepEqual(disk.fs.readdir(`${DIR}/snap`), [
    after.snapshots.latest(1)?.path.split('/').pop(),
  ]);
  assert.equal(after.log(1).lastIndex(), 40, 'the log is whole');
});

test('a crash after the new file is in place but before the log names it keeps the old one', () => {
  const disk = simDisk(4);
  const store = storeWithSnapshot(disk);
  const sink = store.beginSnapshot(1, META(30));
  wait(disk, (d) => sink.write(Buffer.from('BB'), d));
  sink.finish(() => {});
  const renamed = (): boolean => store.snapshots.find(1, 30) !== null;
  disk.scheduler.runWhile(() => !renamed());
  const after = reopened(disk);
  assert.equal(after.log(1).snapshot().meta.index, 20);
  assert.deepEqual(Buffer.from(after.log(1).snapshot().data), Buffer.from('A'));
  assert.equal(after.snapshots.find(1, 30), null, 'the unnamed file was removed');
});

test('a finished snapshot is named by the log and survives a crash; the old file goes', () => {
  const disk = simDisk(5);
  const store = storeWithSnapshot(disk);
  const sink = store.beginSnapshot(1, META(30));
  wait(disk, (d) => sink.write(Buffer.from('BB'), d));
  wait(disk, (d) => sink.finish(d));
  wait(disk, (d) => store.flush(d));
  const after = reopened(disk);
  assert.equal(after.log(1).snapshot().meta.index, 30);
  assert.deepEqual(Buffer.from(after.log(1).snapshot().data), Buffer.from('BB'));
  assert.equal(after.log(1).firstIndex(), 31, 'compacted to the snapshot');
  assert.deepEqual(
    after.snapshots.list().map((f) => f.index),
    [30],
  );
});

test('a snapshot whose file cannot be made fails as a snapshot, and the group can take the next', () => {
  let fail = true;
  const written: Uint8Array[] = [];
  const store: RaftStore = {
    log: () => {
      throw new Error('unused');
    },
    save: () => {},
    flush: (done) => done(null),
    compact: () => {},
    beginSnapshot: () => {
      if (fail) throw new Error('ENOSPC: no space left on device');
      return {
        write: (piece, done) => {
          written.push(piece);
          done(null);
        },
        finish: (done) => done(null),
        abort: () => {},
      };
    },
  };
  let aborted = 0;
  const applier: GroupApplier = {
    apply: () => null,
    snapshot: () => Uint8Array.of(1),
    restore: () => {},
    beginSnapshot: () => {
      let given = false;
      return {
        next: () => (given ? null : ((given = true), Uint8Array.of(7))),
        abort: () => void aborted++,
        copiedBytes: 0,
      };
    },
  };
  const deferred: (() => void)[] = [];
  const snapshots = new GroupSnapshots(1, applier, store, (fn) => deferred.push(fn));
  const outcomes: (string | null)[] = [];
  const record = (o: SnapshotOutcome): void => void outcomes.push(o.error?.message ?? null);
  assert.ok(snapshots.take(META(5), record));
  assert.deepEqual(outcomes, ['ENOSPC: no space left on device']);
  assert.equal(snapshots.running, false);
  fail = false;
  assert.ok(snapshots.take(META(6), record));
  while (deferred.length > 0) (deferred.shift() as () => void)();
  assert.deepEqual(outcomes, ['ENOSPC: no space left on device', null]);
  assert.deepEqual(written, [Uint8Array.of(7)]);
  assert.equal(aborted, 0);

  // A piece the disk refuses ends the snapshot, and the applier stops keeping old values.
  store.beginSnapshot = () => ({
    write: (_piece, done) => done(new Error('EIO')),
    finish: () => assert.fail('never finished'),
    abort: () => {},
  });
  assert.ok(snapshots.take(META(7), record));
  while (deferred.length > 0) (deferred.shift() as () => void)();
  assert.deepEqual(outcomes.slice(2), ['EIO']);
  assert.equal(aborted, 1);
  assert.equal(snapshots.running, false);
});
