import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { Writer, writeSnapshotMeta } from '../../src/raft/codec.js';
import { EMPTY_CONF_STATE, type SnapshotMeta } from '../../src/raft/types.js';
import {
  SnapshotFileError,
  SnapshotFiles,
  readSnapshotFile,
  type SnapshotFileInfo,
  type SnapshotReader,
} from '../../src/storage/snapshot-file.js';
import { DIR, simDisk, type Disk } from './helpers.js';

const META: SnapshotMeta = {
  index: 42,
  term: 3,
  confState: { ...EMPTY_CONF_STATE, voters: [1, 2, 3], learners: [4] },
};

function chunks(count: number, size: number, salt = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, c) =>
    Uint8Array.from({ length: size }, (_, i) => (c * 31 + i * 7 + salt) & 0xff),
  );
}

function wait<T>(disk: Disk, op: (done: (err: Error | null, value: T) => void) => void): T {
  let result: { err: Error | null; value: T } | undefined;
  op((err, value) => (result = { err, value }));
  disk.scheduler.runWhile(() => result === undefined);
  if (result === undefined) throw new Error('operation never completed');
  if (result.err !== null) throw result.err;
  return result.value;
}

/** Writes every chunk, then finishes (or not): the writer streams. */
function writeSnapshot(
  disk: Disk,
  files: SnapshotFiles,
  meta: SnapshotMeta,
  parts: Uint8Array[],
  finish = true,
): SnapshotFileInfo | null {
  const writer = files.create(7, meta);
  for (const part of parts) wait<void>(disk, (d) => writer.write(part, (err) => d(err, undefined)));
  return finish ? wait(disk, (d) => writer.finish(d)) : null;
}

function readSnapshot(
  disk: Disk,
  files: SnapshotFiles,
  path: string,
  chunkBytes = 1000,
): {
  reader: SnapshotReader;
  data: number[];
  sizes: number[];
} {
  const reader = wait<SnapshotReader | null>(disk, (d) => files.open(path, d));
  if (reader === null) throw new Error('no reader');
  const data: number[] = [];
  const sizes: number[] = [];
  wait<void>(disk, (d) =>
    reader.readAll(
      chunkBytes,
      (chunk) => {
        sizes.push(chunk.length);
        data.push(...chunk);
      },
      (err) => d(err, undefined),
    ),
  );
  return { reader, data, sizes };
}

test('a snapshot file streams in, then back out in chunks, with its metadata', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const parts = chunks(5, 777);
  const info = writeSnapshot(disk, files, META, parts);
  assert.deepEqual(info, {
    path: `${DIR}/snap/00000007-000000000000002a-0000000000000003.snap`,
    group: 7,
    index: 42,
    term: 3,
  });
  assert.deepEqual(files.latest(7), info);
  assert.equal(files.latest(8), null);
  const { reader, data, sizes } = readSnapshot(disk, files, info?.path ?? '');
  assert.equal(reader.group, 7);
  assert.deepEqual(reader.meta, META);
  assert.equal(reader.dataBytes, 5 * 777);
  assert.deepEqual(sizes, [1000, 1000, 1000, 885]);
  assert.deepEqual(
    data,
    parts.flatMap((p) => [...p]),
  );
});

test('an empty snapshot is a valid file', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const info = writeSnapshot(disk, files, META, []);
  assert.deepEqual(readSnapshot(disk, files, info?.path ?? '').data, []);
});

test('keepOnly removes the other files of its group only', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  writeSnapshot(disk, files, META, chunks(1, 10));
  const other = files.create(8, META);
  wait(disk, (d) => other.finish(d));
  const newer = writeSnapshot(disk, files, { ...META, index: 50, term: 4 }, chunks(2, 10));
  assert.equal(files.list().length, 3, 'a finished file deletes nothing by itself');
  files.keepOnly(7, 50);
  assert.deepEqual(
    files.list().map((f) => [f.group, f.index]),
    [
      [7, 50],
      [8, 42],
    ],
  );
  assert.deepEqual(files.latest(7), newer);
});

test('a crash before the rename leaves the old snapshot, and start-up removes the temp file', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const old = writeSnapshot(disk, files, META, chunks(2, 100));
  writeSnapshot(disk, files, { ...META, index: 60 }, chunks(3, 100, 1), false);
  assert.ok(disk.fs.readdir(`${DIR}/snap`).some((n) => n.endsWith('.tmp')));
  disk.fs.crash();
  const after = new SnapshotFiles(disk.fs, DIR);
  assert.deepEqual(after.latest(7), old);
  assert.deepEqual(disk.fs.readdir(`${DIR}/snap`), [old?.path.split('/').pop()]);
  assert.deepEqual(
    readSnapshot(disk, after, old?.path ?? '').data,
    chunks(2, 100).flatMap((p) => [...p]),
  );
});

test('a crash after the rename but before the folder sync keeps the old snapshot', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const old = writeSnapshot(disk, files, META, chunks(1, 100));
  const writer = files.create(7, { ...META, index: 70 });
  wait<void>(disk, (d) => writer.write(chunks(1, 50)[0] as Uint8Array, (err) => d(err, undefined)));
  writer.finish(() => {});
  // Run until the temp name is gone (renamed), then pull the plug before the folder sync.
  disk.scheduler.runWhile(() => disk.fs.readdir(`${DIR}/snap`).some((n) => n.endsWith('.tmp')));
  disk.fs.crash();
  assert.deepEqual(new SnapshotFiles(disk.fs, DIR).latest(7), old);
});

test('a corrupt snapshot file fails its checksum, naming the file', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const info = writeSnapshot(disk, files, META, chunks(3, 500));
  const path = info?.path ?? '';
  const bytes = disk.fs.readFile(path).slice();
  bytes[100] = (bytes[100] as number) ^ 0x10;
  const fd = disk.fs.open(path, 'truncate');
  wait<void>(disk, (d) => disk.fs.append(fd, bytes, (err) => d(err, undefined)));
  assert.throws(
    () => readSnapshot(disk, files, path),
    (err: unknown) =>
      err instanceof SnapshotFileError &&
      err.file === path &&
      err.message === `snapshot: ${path}: checksum mismatch`,
  );
});

test('a truncated or foreign file is refused when opened', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const info = writeSnapshot(disk, files, META, chunks(2, 300));
  const path = info?.path ?? '';
  disk.fs.truncate(path, 400);
  assert.throws(() => readSnapshot(disk, files, path), /missing footer|data length mismatch/);
  disk.fs.truncate(path, 10);
  assert.throws(() => readSnapshot(disk, files, path), /too short to be a snapshot file/);
  assert.throws(() => readSnapshot(disk, files, `${DIR}/snap/none.snap`), /no such file/);
});

test('the file keeps when it was made; a version 1 file (before the field) reads as 0', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const writer = files.create(7, META, 1_700_000_123_456);
  wait<void>(disk, (d) => writer.write(Uint8Array.of(1, 2, 3), (err) => d(err, undefined)));
  const info = wait<SnapshotFileInfo | null>(disk, (d) => writer.finish(d));
  const path = info?.path ?? '';
  assert.equal(readSnapshot(disk, files, path).reader.createdMs, 1_700_000_123_456);
  assert.equal(readSnapshotFile(disk.fs, path).createdMs, 1_700_000_123_456);

  const meta = new Writer(64);
  writeSnapshotMeta(meta, META);
  const body = new Writer(64)
    .u32(0x534b4941)
    .u32(1)
    .u32(7)
    .bytesField(meta.written())
    .raw(Uint8Array.of(9, 8))
    .written();
  const v1 = new Writer(64).raw(body).u64(2).u32(crc32(body)).u32(0x454b4941).finish();
  const old = `${DIR}/snap/00000007-0000000000000009-0000000000000003.snap`;
  const fd = disk.fs.open(old, 'truncate');
  wait<void>(disk, (d) => disk.fs.append(fd, v1, (err) => d(err, undefined)));
  const read = readSnapshot(disk, files, old);
  assert.deepEqual([read.reader.createdMs, read.data, read.reader.meta], [0, [9, 8], META]);
  const whole = readSnapshotFile(disk.fs, old);
  assert.deepEqual([whole.createdMs, [...whole.data]], [0, [9, 8]]);
});

test('two writers of the same snapshot write apart; the last renamed wins, whole', () => {
  const disk = simDisk();
  const files = new SnapshotFiles(disk.fs, DIR);
  const a = files.create(7, META);
  const b = files.create(7, META);
  wait<void>(disk, (d) => a.write(Uint8Array.of(1, 1), (err) => d(err, undefined)));
  wait<void>(disk, (d) => b.write(Uint8Array.of(2, 2, 2), (err) => d(err, undefined)));
  wait<void>(disk, (d) => a.write(Uint8Array.of(1), (err) => d(err, undefined)));
  assert.equal(disk.fs.readdir(`${DIR}/snap`).filter((n) => n.endsWith('.tmp')).length, 2);
  const info = wait<SnapshotFileInfo | null>(disk, (d) => b.finish(d));
  wait(disk, (d) => a.finish(d));
  assert.deepEqual(readSnapshot(disk, files, info?.path ?? '').data, [1, 1, 1]);
  assert.deepEqual(disk.fs.readdir(`${DIR}/snap`), [info?.path.split('/').pop()]);
});
