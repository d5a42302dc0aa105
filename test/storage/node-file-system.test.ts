import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { EMPTY_CONF_STATE } from '../../src/raft/types.js';
import type { Done } from '../../src/storage/file-system.js';
import { NodeFileSystem } from '../../src/storage/node-file-system.js';
import { SnapshotFiles, type SnapshotReader } from '../../src/storage/snapshot-file.js';
import { Wal, type WalOptions } from '../../src/storage/wal.js';
import { ents } from './helpers.js';

function tempDir(): string {
  return mkdtempSync('/tmp/aikv-storage-test-');
}

function promised(op: (done: Done) => void): Promise<void> {
  return new Promise((resolve, reject) => op((err) => (err === null ? resolve() : reject(err))));
}

test('on the real disk: the WAL survives a restart across segments and a torn tail', async () => {
  const dir = tempDir();
  try {
    const fs = new NodeFileSystem();
    const logs: string[] = [];
    const options: WalOptions = {
      fs,
      dir,
      policy: 'always',
      now: () => 0,
      segmentBytes: 4096,
      logger: (level, m) => logs.push(`${level} ${m}`),
    };
    const wal = Wal.open(options);
    for (let i = 1; i <= 100; i += 10) {
      wal.save(1, { entries: ents(i, i + 9, 1), hardState: { term: 1, vote: 1, commit: i } });
      wal.save(2, { entries: ents(i, i + 9, 2, 2) });
      await promised((d) => wal.flush(d));
    }
    const last = wal.segmentSeqs().at(-1) ?? 0;
    assert.ok(last > 1, 'rotated');
    wal.save(2, { entries: ents(101, 101, 2, 2) });
    await promised((d) => wal.close(d));
    const path = `${dir}/wal/${last.toString(16).padStart(16, '0')}.wal`;
    truncateSync(path, statSync(path).size - 3);
    const reopened = Wal.open(options);
    assert.equal(reopened.group(1).lastIndex(), 100);
    assert.deepEqual(reopened.group(1).initialState().hardState, { term: 1, vote: 1, commit: 91 });
    assert.equal(reopened.group(2).lastIndex(), 100, 'the torn record is gone');
    assert.deepEqual(reopened.group(2).entries(95, 97, Infinity), ents(95, 96, 2, 2));
    assert.ok(logs.some((l) => l.includes('truncating a torn tail of')));
    await promised((d) => reopened.close(d));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on the real disk: a snapshot file is written atomically and read back', async () => {
  const dir = tempDir();
  try {
    const files = new SnapshotFiles(new NodeFileSystem(), dir);
    const meta = { index: 9, term: 2, confState: { ...EMPTY_CONF_STATE, voters: [1] } };
    const writer = files.create(3, meta);
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    for (let at = 0; at < data.length; at += 65536) {
      await promised((d) => writer.write(data.subarray(at, at + 65536), d));
    }
    await promised((d) => writer.finish((err) => d(err)));
    const info = files.latest(3);
    assert.ok(info !== null);
    const reader = await new Promise<SnapshotReader>((resolve, reject) =>
      files.open(info.path, (err, r) => (err !== null || r === null ? reject(err) : resolve(r))),
    );
    assert.deepEqual(reader.meta, meta);
    const got: Uint8Array[] = [];
    await promised((d) => reader.readAll(100_000, (c) => got.push(c.slice()), d));
    assert.deepEqual(Buffer.concat(got), Buffer.from(data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
