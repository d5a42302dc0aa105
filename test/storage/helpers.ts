/**
 * Shared by the storage tests: a virtual disk on a virtual clock, a FileSystem that counts
 * calls, entry builders and a way to read a group's whole state for comparison.
 */
import assert from 'node:assert/strict';
import { EntryType, type Entry, type GroupId } from '../../src/raft/types.js';
import type { Done, Fd, FileSystem, OpenMode } from '../../src/storage/file-system.js';
import type { GroupLog } from '../../src/storage/group-log.js';
import { Wal, type SyncPolicy, type WalOptions } from '../../src/storage/wal.js';
import { Scheduler } from '../sim/scheduler.js';
import { SimRng } from '../sim/rng.js';
import { SimFileSystem, type SimFileSystemOptions } from '../sim/sim-file-system.js';

export const DIR = '/node1';

export interface Disk {
  readonly fs: SimFileSystem;
  readonly scheduler: Scheduler;
}

export function simDisk(
  seed = 1,
  options: Partial<Omit<SimFileSystemOptions, 'rng' | 'schedule'>> = {},
): Disk {
  const scheduler = new Scheduler();
  const fs = new SimFileSystem({
    rng: new SimRng(seed),
    schedule: (delayMs, fn) => scheduler.schedule(delayMs, fn),
    ...options,
  });
  return { fs, scheduler };
}

export interface OpenOptions {
  policy?: SyncPolicy;
  segmentBytes?: number;
  logs?: string[];
  fs?: FileSystem;
}

export function openWal(disk: Disk, o: OpenOptions = {}): Wal {
  const options: WalOptions = {
    fs: o.fs ?? disk.fs,
    dir: DIR,
    policy: o.policy ?? 'always',
    now: () => disk.scheduler.now,
    logger: (level, message) => o.logs?.push(`${level}: ${message}`),
    ...(o.segmentBytes === undefined ? {} : { segmentBytes: o.segmentBytes }),
  };
  return Wal.open(options);
}

/** Flushes and runs the clock until the flush is done; fails on an error. */
export function flushNow(wal: Wal, disk: Disk): void {
  let result: Error | null | undefined;
  wal.flush((err) => (result = err));
  disk.scheduler.runWhile(() => result === undefined);
  assert.equal(result, null);
}

export function closeNow(wal: Wal, disk: Disk): void {
  let result: Error | null | undefined;
  wal.close((err) => (result = err));
  disk.scheduler.runWhile(() => result === undefined);
  assert.equal(result, null);
}

export function data(group: GroupId, index: number, term: number): Uint8Array {
  return new TextEncoder().encode(`g${group}-i${index}-t${term}`);
}

/** Entries [from, to] of `term` with recognizable data. */
export function ents(from: number, to: number, term: number, group: GroupId = 1): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) {
    out.push({ term, index: i, type: EntryType.Normal, data: data(group, i, term) });
  }
  return out;
}

/** Everything LogStorage exposes about a group, as plain data. */
export function stateOf(log: GroupLog): unknown {
  const first = log.firstIndex();
  const last = log.lastIndex();
  const entries =
    last >= first
      ? log.entries(first, last + 1, Infinity).map((e) => ({ ...e, data: [...e.data] }))
      : [];
  return {
    initial: log.initialState(),
    first,
    last,
    compactedTerm: log.term(first - 1),
    snapshot: log.snapshot().meta,
    entries,
  };
}

/** Counts the calls of the hot path; everything else passes through. */
export class CountingFileSystem implements FileSystem {
  appends = 0;
  fdatasyncs = 0;
  constructor(private readonly inner: FileSystem) {}
  readFile(path: string): Uint8Array {
    return this.inner.readFile(path);
  }
  readdir(path: string): string[] {
    return this.inner.readdir(path);
  }
  stat(path: string): ReturnType<FileSystem['stat']> {
    return this.inner.stat(path);
  }
  mkdir(path: string): void {
    this.inner.mkdir(path);
  }
  rename(from: string, to: string): void {
    this.inner.rename(from, to);
  }
  unlink(path: string): void {
    this.inner.unlink(path);
  }
  truncate(path: string, size: number): void {
    this.inner.truncate(path, size);
  }
  open(path: string, mode: OpenMode): Fd {
    return this.inner.open(path, mode);
  }
  append(fd: Fd, bytes: Uint8Array, done: Done): void {
    this.appends++;
    this.inner.append(fd, bytes, done);
  }
  read(fd: Fd, position: number, length: number, done: Parameters<FileSystem['read']>[3]): void {
    this.inner.read(fd, position, length, done);
  }
  fdatasync(fd: Fd, done: Done): void {
    this.fdatasyncs++;
    this.inner.fdatasync(fd, done);
  }
  syncDir(path: string, done: Done): void {
    this.inner.syncDir(path, done);
  }
  close(fd: Fd, done: Done): void {
    this.inner.close(fd, done);
  }
}
