/**
 * A virtual disk for the deterministic simulator, implementing storage's FileSystem.
 *
 * - Writes land in a file's "page cache" when they complete and are durable only once an
 *   fdatasync issued after them completes. Names (files created, renamed, unlinked) are
 *   durable only once their directory is synced. Directories themselves are durable at
 *   mkdir.
 * - `crash()` is a power loss: open files and in-flight operations vanish (their callbacks
 *   never run), every directory reverts to its durable names and every file to its durable
 *   bytes, except that a seeded draw may keep a prefix of a file's unsynced bytes, cut at a
 *   seeded byte offset (a torn write).
 * - Latencies are seeded draws and completions are scheduled through the injected
 *   `schedule`, so operations on different files may complete out of order, and a seed
 *   replays a run exactly.
 * - Faults: an fdatasync may fail (EIO, nothing made durable) with a given probability or
 *   on demand (`failNextFsync`).
 */
import { posix } from 'node:path';
import type { Done, Fd, FileStat, FileSystem, OpenMode } from '../../src/storage/file-system.js';

/** The draws the disk needs (SimRng provides them). */
export interface SimDiskRng {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export interface SimFileSystemOptions {
  readonly rng: SimDiskRng;
  readonly schedule: (delayMs: number, fn: () => void) => unknown;
  /** Latency of append, read and close, in ms, both ends included (default [0, 1]). */
  readonly writeLatencyMs?: readonly [number, number];
  /** Latency of fdatasync and directory syncs (default [1, 10]). */
  readonly fsyncLatencyMs?: readonly [number, number];
  /** Chance that a crash keeps a torn prefix of a file's unsynced bytes (default 0.5). */
  readonly tearProbability?: number;
  /** Chance that an fdatasync fails with EIO (default 0). */
  readonly fsyncFailProbability?: number;
}

export interface SimDiskStats {
  appends: number;
  fsyncs: number;
  dirSyncs: number;
  crashes: number;
}

function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** A file's bytes. Durable content is bytes[0..stable] followed by `shadow`. */
class Inode {
  private bytes = new Uint8Array(64);
  length = 0;
  private stable = 0;
  /** Durable bytes past `stable` that a not-yet-synced truncate removed from view. */
  private shadow: Uint8Array | null = null;
  /** Bumped by every truncate: a sync issued before one no longer describes the file. */
  private generation = 0;

  contents(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  slice(position: number, length: number): Uint8Array {
    const end = Math.min(this.length, position + length);
    return this.bytes.slice(Math.min(position, end), end);
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < this.length + data.length) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  truncate(size: number): void {
    this.generation++;
    if (size > this.length) {
      this.append(new Uint8Array(size - this.length));
      return;
    }
    if (size < this.stable) {
      const cut = this.bytes.slice(size, this.stable);
      this.shadow = this.shadow === null ? cut : concat(cut, this.shadow);
      this.stable = size;
    }
    this.length = size;
  }

  captureSync(): { length: number; generation: number } {
    return { length: this.length, generation: this.generation };
  }

  applySync(c: { length: number; generation: number }): void {
    if (c.generation !== this.generation) return;
    if (this.shadow !== null) {
      this.shadow = null;
      this.stable = c.length;
    } else {
      this.stable = Math.max(this.stable, c.length);
    }
  }

  /** Reverts to the durable bytes, maybe keeping a torn prefix of the unsynced ones. */
  crash(rng: SimDiskRng, tearProbability: number): void {
    if (this.shadow !== null) {
      const durable = concat(this.bytes.subarray(0, this.stable), this.shadow);
      this.length = 0;
      this.append(durable);
    } else if (this.length > this.stable) {
      const unsynced = this.length - this.stable;
      const keep = rng.float() < tearProbability ? rng.int(unsynced + 1) : 0;
      this.length = this.stable + keep;
    }
    this.stable = this.length;
    this.shadow = null;
    this.generation++;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Dir {
  live: Map<string, Inode>;
  durable: Map<string, Inode>;
  /** The newest directory sync applied, so an older one completing later changes nothing. */
  appliedSync: number;
  issuedSyncs: number;
}

interface OpenFile {
  readonly inode: Inode;
  readonly mode: OpenMode;
}

export class SimFileSystem implements FileSystem {
  readonly stats: SimDiskStats = { appends: 0, fsyncs: 0, dirSyncs: 0, crashes: 0 };
  private readonly dirs = new Map<string, Dir>();
  private readonly fds = new Map<Fd, OpenFile>();
  private nextFd = 3;
  /** Bumped by a crash: completions scheduled before it never run. */
  private epoch = 0;
  private failFsyncs = 0;
  private readonly rng: SimDiskRng;
  private readonly writeLatency: readonly [number, number];
  private readonly fsyncLatency: readonly [number, number];
  private readonly tearProbability: number;
  private readonly fsyncFailProbability: number;

  constructor(private readonly options: SimFileSystemOptions) {
    this.rng = options.rng;
    this.writeLatency = options.writeLatencyMs ?? [0, 1];
    this.fsyncLatency = options.fsyncLatencyMs ?? [1, 10];
    this.tearProbability = options.tearProbability ?? 0.5;
    this.fsyncFailProbability = options.fsyncFailProbability ?? 0;
    this.dirs.set('/', { live: new Map(), durable: new Map(), appliedSync: 0, issuedSyncs: 0 });
  }

  /** Power loss: see the file comment. */
  crash(): void {
    this.stats.crashes++;
    this.epoch++;
    this.fds.clear();
    const survivors = new Set<Inode>();
    for (const dir of this.dirs.values()) {
      dir.live = new Map(dir.durable);
      for (const inode of dir.durable.values()) survivors.add(inode);
    }
    for (const inode of survivors) inode.crash(this.rng, this.tearProbability);
  }

  /** The next `count` fdatasyncs fail with EIO. */
  failNextFsync(count = 1): void {
    this.failFsyncs += count;
  }

  readFile(path: string): Uint8Array {
    return this.file(path).contents();
  }

  readdir(path: string): string[] {
    const dirPath = normalize(path);
    const dir = this.dir(dirPath);
    const names = [...dir.live.keys()];
    for (const other of this.dirs.keys()) {
      if (other !== dirPath && posix.dirname(other) === dirPath) names.push(posix.basename(other));
    }
    return names.sort();
  }

  stat(path: string): FileStat | null {
    const p = normalize(path);
    if (this.dirs.has(p)) return { size: 0, isDirectory: true };
    const inode = this.dirs.get(posix.dirname(p))?.live.get(posix.basename(p));
    return inode === undefined ? null : { size: inode.length, isDirectory: false };
  }

  mkdir(path: string): void {
    const p = normalize(path);
    if (this.dirs.has(p)) return;
    this.mkdir(posix.dirname(p));
    this.dirs.set(p, { live: new Map(), durable: new Map(), appliedSync: 0, issuedSyncs: 0 });
  }

  rename(from: string, to: string): void {
    const inode = this.file(from);
    const [fromDir, fromName] = this.locate(from);
    const [toDir, toName] = this.locate(to);
    fromDir.live.delete(fromName);
    toDir.live.set(toName, inode);
  }

  unlink(path: string): void {
    this.file(path);
    const [dir, name] = this.locate(path);
    dir.live.delete(name);
  }

  truncate(path: string, size: number): void {
    this.file(path).truncate(size);
  }

  open(path: string, mode: OpenMode): Fd {
    const [dir, name] = this.locate(path);
    let inode = dir.live.get(name);
    if (inode === undefined) {
      if (mode === 'read') throw fsError('ENOENT', `no such file: ${path}`);
      inode = new Inode();
      dir.live.set(name, inode);
    } else if (mode === 'truncate') {
      inode.truncate(0);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, { inode, mode });
    return fd;
  }

  append(fd: Fd, data: Uint8Array, done: Done): void {
    const file = this.fds.get(fd);
    if (file === undefined || file.mode === 'read') {
      return this.later(this.writeLatency, () => done(fsError('EBADF', `append to fd ${fd}`)));
    }
    this.stats.appends++;
    this.later(this.writeLatency, () => {
      file.inode.append(data);
      done(null);
    });
  }

  read(
    fd: Fd,
    position: number,
    length: number,
    done: (err: Error | null, bytes: Uint8Array) => void,
  ): void {
    const file = this.fds.get(fd);
    this.later(this.writeLatency, () => {
      if (file === undefined) {
        return done(fsError('EBADF', `read from fd ${fd}`), new Uint8Array(0));
      }
      done(null, file.inode.slice(position, length));
    });
  }

  fdatasync(fd: Fd, done: Done): void {
    const file = this.fds.get(fd);
    if (file === undefined) {
      return this.later(this.fsyncLatency, () => done(fsError('EBADF', `fdatasync fd ${fd}`)));
    }
    this.stats.fsyncs++;
    const capture = file.inode.captureSync();
    const fail = this.drawFsyncFailure();
    this.later(this.fsyncLatency, () => {
      if (fail) return done(fsError('EIO', 'fdatasync failed'));
      file.inode.applySync(capture);
      done(null);
    });
  }

  syncDir(path: string, done: Done): void {
    const dir = this.dir(normalize(path));
    this.stats.dirSyncs++;
    const names = new Map(dir.live);
    const seq = ++dir.issuedSyncs;
    this.later(this.fsyncLatency, () => {
      if (seq > dir.appliedSync) {
        dir.durable = names;
        dir.appliedSync = seq;
      }
      done(null);
    });
  }

  close(fd: Fd, done: Done): void {
    const known = this.fds.delete(fd);
    this.later(this.writeLatency, () => done(known ? null : fsError('EBADF', `close fd ${fd}`)));
  }

  private drawFsyncFailure(): boolean {
    if (this.failFsyncs > 0) {
      this.failFsyncs--;
      return true;
    }
    return this.fsyncFailProbability > 0 && this.rng.float() < this.fsyncFailProbability;
  }

  /** Runs `fn` after a seeded latency, unless a crash came first. */
  private later(range: readonly [number, number], fn: () => void): void {
    const epoch = this.epoch;
    const [min, max] = range;
    const delay = min + (max > min ? this.rng.int(max - min + 1) : 0);
    this.options.schedule(delay, () => {
      if (epoch === this.epoch) fn();
    });
  }

  private dir(path: string): Dir {
    const dir = this.dirs.get(path);
    if (dir === undefined) throw fsError('ENOENT', `no such directory: ${path}`);
    return dir;
  }

  private locate(path: string): [Dir, string] {
    const p = normalize(path);
    return [this.dir(posix.dirname(p)), posix.basename(p)];
  }

  private file(path: string): Inode {
    const [dir, name] = this.locate(path);
    const inode = dir.live.get(name);
    if (inode === undefined) throw fsError('ENOENT', `no such file: ${path}`);
    return inode;
  }
}

function normalize(path: string): string {
  const p = posix.normalize(posix.isAbsolute(path) ? path : `/${path}`);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
