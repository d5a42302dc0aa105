import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simDisk, type Disk } from './helpers.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

function run(disk: Disk, op: (done: (err: Error | null) => void) => void): Error | null {
  let result: Error | null | undefined;
  op((err) => (result = err));
  disk.scheduler.runWhile(() => result === undefined);
  assert.notEqual(result, undefined, 'the operation completed');
  return result ?? null;
}

/** A file with `synced` fdatasynced (and its name synced), then `unsynced` appended. */
function prepare(disk: Disk, synced: string, unsynced: string): number {
  disk.fs.mkdir('/d');
  const fd = disk.fs.open('/d/f', 'append');
  assert.equal(
    run(disk, (d) => disk.fs.append(fd, text(synced), d)),
    null,
  );
  run(disk, (d) => disk.fs.fdatasync(fd, d));
  run(disk, (d) => disk.fs.syncDir('/d', d));
  run(disk, (d) => disk.fs.append(fd, text(unsynced), d));
  return fd;
}

test('a crash loses unsynced writes and keeps synced ones', () => {
  const disk = simDisk(1, { tearProbability: 0 });
  prepare(disk, 'durable', '-volatile');
  assert.equal(str(disk.fs.readFile('/d/f')), 'durable-volatile');
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'durable');
});

test('a crash may tear the unsynced tail at a seeded byte offset, the same for the same seed', () => {
  const outcomes = new Set<string>();
  for (let seed = 1; seed <= 40; seed++) {
    const results = [1, 2].map(() => {
      const disk = simDisk(seed, { tearProbability: 1 });
      prepare(disk, 'durable', '-volatile-tail');
      disk.fs.crash();
      return str(disk.fs.readFile('/d/f'));
    });
    assert.equal(results[0], results[1], `seed ${seed} replays`);
    const after = results[0] as string;
    assert.ok('durable-volatile-tail'.startsWith(after) && after.startsWith('durable'), after);
    outcomes.add(after);
  }
  assert.ok(outcomes.size > 5, `tears land at many offsets: ${[...outcomes].join('|')}`);
});

test('a new name is durable only once its directory is synced', () => {
  const disk = simDisk();
  disk.fs.mkdir('/d');
  const fd = disk.fs.open('/d/new', 'truncate');
  run(disk, (d) => disk.fs.append(fd, text('x'), d));
  run(disk, (d) => disk.fs.fdatasync(fd, d));
  disk.fs.crash();
  assert.equal(disk.fs.stat('/d/new'), null);
  assert.deepEqual(disk.fs.readdir('/d'), []);
});

test('rename and unlink are undone by a crash before the directory sync', () => {
  const disk = simDisk();
  prepare(disk, 'old', '');
  const fd = disk.fs.open('/d/tmp', 'truncate');
  run(disk, (d) => disk.fs.append(fd, text('new'), d));
  run(disk, (d) => disk.fs.fdatasync(fd, d));
  disk.fs.rename('/d/tmp', '/d/f');
  assert.equal(str(disk.fs.readFile('/d/f')), 'new');
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'old');
  disk.fs.unlink('/d/f');
  assert.equal(disk.fs.stat('/d/f'), null);
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'old');
});

test('an unsynced truncate is undone by a crash; a synced one holds', () => {
  const disk = simDisk(3, { tearProbability: 0 });
  const fd = prepare(disk, 'abcdef', '');
  disk.fs.truncate('/d/f', 2);
  assert.equal(str(disk.fs.readFile('/d/f')), 'ab');
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'abcdef');
  const fd2 = disk.fs.open('/d/f', 'append');
  disk.fs.truncate('/d/f', 2);
  run(disk, (d) => disk.fs.append(fd2, text('XY'), d));
  run(disk, (d) => disk.fs.fdatasync(fd2, d));
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'abXY');
  assert.notEqual(fd, fd2);
});

test('callbacks of operations in flight at a crash never run; old fds are gone', () => {
  const disk = simDisk();
  const fd = prepare(disk, 'a', '');
  let called = false;
  disk.fs.fdatasync(fd, () => (called = true));
  disk.fs.crash();
  disk.scheduler.runUntilIdle();
  assert.equal(called, false);
  assert.match(String(run(disk, (d) => disk.fs.append(fd, text('b'), d))), /EBADF/);
});

test('fsync failure: EIO, and nothing becomes durable', () => {
  const disk = simDisk(1, { tearProbability: 0 });
  const fd = prepare(disk, 'a', 'b');
  disk.fs.failNextFsync();
  assert.match(String(run(disk, (d) => disk.fs.fdatasync(fd, d))), /EIO/);
  disk.fs.crash();
  assert.equal(str(disk.fs.readFile('/d/f')), 'a');
  const always = simDisk(1, { fsyncFailProbability: 1 });
  const fd2 = prepare(always, '', 'x');
  assert.match(String(run(always, (d) => always.fs.fdatasync(fd2, d))), /EIO/);
});

test('latencies are seeded: the same seed completes operations at the same times', () => {
  const times = [5, 5, 6].map((seed) => {
    const disk = simDisk(seed);
    const fd = prepare(disk, 'x', 'y');
    run(disk, (d) => disk.fs.fdatasync(fd, d));
    return disk.scheduler.now;
  });
  assert.equal(times[0], times[1]);
});

test('reads see the page cache: stat, readdir, read at a position', () => {
  const disk = simDisk();
  const fd = prepare(disk, 'hello', ' world');
  assert.deepEqual(disk.fs.stat('/d/f'), { size: 11, isDirectory: false });
  assert.deepEqual(disk.fs.stat('/d'), { size: 0, isDirectory: true });
  disk.fs.mkdir('/d/sub/deeper');
  assert.deepEqual(disk.fs.readdir('/d'), ['f', 'sub']);
  let got = '';
  const rfd = disk.fs.open('/d/f', 'read');
  run(disk, (d) =>
    disk.fs.read(rfd, 6, 100, (err, bytes) => {
      got = str(bytes);
      d(err);
    }),
  );
  assert.equal(got, 'world');
  assert.throws(() => disk.fs.open('/d/missing', 'read'), /ENOENT/);
  assert.ok(fd > 0);
});
