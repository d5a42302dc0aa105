/**
 * Snapshot files in `<dir>/snap`, one per group once its owner has pruned the others
 * (`keepOnly`, after the log durably names the one it needs).
 *
 * A file is written as a stream of chunks into a temp file of its own, then footer,
 * fdatasync, close, rename onto its final name and a sync of the folder: after a crash
 * either the old file or the complete new one is there. Layout (little-endian):
 *
 *   header: magic "AIKS" u32, format version u32, group u32, meta length u32,
 *           creation time u64 (unix ms; version 2 on, 0 = unknown), meta
 *   data:   the snapshot's bytes, as produced
 *   footer: data length u64, crc32 of header + data u32, magic "AIKE" u32
 *
 * The reader streams the data back in chunks and checks the CRC when it reaches the end:
 * a consumer must discard what it read if the last read fails.
 */
import { crc32 } from 'node:zlib';
import { Reader, Writer, readSnapshotMeta, writeSnapshotMeta } from '../raft/codec.js';
import type { GroupId, Snapshot, SnapshotMeta } from '../raft/types.js';
import { joinPath, series, type Done, type Fd, type FileSystem } from './file-system.js';

export const SNAPSHOT_FORMAT_VERSION = 2;
/** Version 1 files (no creation time) are still read. */
const OLDEST_READ_VERSION = 1;
const HEADER_MAGIC = 0x534b4941; // "AIKS"
const FOOTER_MAGIC = 0x454b4941; // "AIKE"
const FIXED_HEADER_BYTES = 16;
const TIME_BYTES = 8;
const FOOTER_BYTES = 16;
const NAME = /^([0-9a-f]{8})-([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const TEMP_SUFFIX = '.tmp';

/** A snapshot file that is missing its parts, fails its checksum or is not one at all. */
export class SnapshotFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`snapshot: ${file}: ${reason}`);
  }
}

export interface SnapshotFileInfo {
  readonly path: string;
  readonly group: GroupId;
  readonly index: number;
  readonly term: number;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export function snapshotFileName(group: GroupId, index: number, term: number): string {
  return `${hex(group, 8)}-${hex(index, 16)}-${hex(term, 16)}.snap`;
}

export class SnapshotFiles {
  readonly dir: string;
  /** Names temp files apart: two writers of one snapshot never share one (see create). */
  private tempSerial = 0;

  /**
   * Opens `<nodeDir>/snap`, removing temp files a crash left. Which complete file each
   * group still needs is the log's to say: the owner calls `keepOnly` once the log names
   * a snapshot durably (a newer file may exist whose log record was lost in a crash).
   */
  constructor(
    private readonly fs: FileSystem,
    nodeDir: string,
  ) {
    this.dir = joinPath(nodeDir, 'snap');
    fs.mkdir(this.dir);
    for (const name of fs.readdir(this.dir)) {
      if (name.endsWith(TEMP_SUFFIX)) fs.unlink(joinPath(this.dir, name));
    }
  }

  /** Every snapshot file, by group then index. */
  list(): SnapshotFileInfo[] {
    const out: SnapshotFileInfo[] = [];
    for (const name of this.fs.readdir(this.dir)) {
      const m = NAME.exec(name);
      if (m === null) continue;
      const field = (i: number): number => parseInt(m[i] as string, 16);
      out.push({
        path: joinPath(this.dir, name),
        group: field(1),
        index: field(2),
        term: field(3),
      });
    }
    return out.sort((a, b) => a.group - b.group || a.index - b.index);
  }

  /** The group's file of the snapshot at `index`, or null. */
  find(group: GroupId, index: number): SnapshotFileInfo | null {
    return this.list().find((info) => info.group === group && info.index === index) ?? null;
  }

  /** The group's newest snapshot file, or null. */
  latest(group: GroupId): SnapshotFileInfo | null {
    let best: SnapshotFileInfo | null = null;
    for (const info of this.list()) {
      if (info.group === group && (best === null || info.index > best.index)) best = info;
    }
    return best;
  }

  /**
   * Starts writing a snapshot file for `meta`, made at `createdMs` (unix ms); the data
   * follows in chunks. A node taking a snapshot and receiving one at the same index
   * write two temp files: whichever is renamed last wins, and both hold the same state.
   */
  create(group: GroupId, meta: SnapshotMeta, createdMs = 0): SnapshotWriter {
    const info = {
      path: joinPath(this.dir, snapshotFileName(group, meta.index, meta.term)),
      group,
      index: meta.index,
      term: meta.term,
    };
    const tempPath = `${info.path}.${++this.tempSerial}${TEMP_SUFFIX}`;
    return new SnapshotWriter(this.fs, info, meta, tempPath, createdMs);
  }

  /** Opens a snapshot file for streaming; its header and footer are checked first. */
  open(path: string, done: (err: Error | null, reader: SnapshotReader | null) => void): void {
    SnapshotReader.open(this.fs, path, done);
  }

  /** Deletes every file of `group` but the one of the snapshot at `index`. */
  keepOnly(group: GroupId, index: number): void {
    for (const info of this.list()) {
      if (info.group === group && info.index !== index) this.fs.unlink(info.path);
    }
  }
}

/** Writes one snapshot file; call write/finish one at a time, each after the last's done. */
export class SnapshotWriter {
  private readonly fd: Fd;
  private readonly tempPath: string;
  private header: Uint8Array | null;
  private crc = 0;
  private dataBytes = 0;
  private busy = false;

  constructor(
    private readonly fs: FileSystem,
    readonly info: SnapshotFileInfo,
    meta: SnapshotMeta,
    tempPath: string,
    createdMs: number,
  ) {
    this.tempPath = tempPath;
    this.fd = fs.open(this.tempPath, 'truncate');
    const metaBytes = new Writer(64);
    writeSnapshotMeta(metaBytes, meta);
    const w = new Writer(FIXED_HEADER_BYTES + TIME_BYTES + metaBytes.length);
    w.u32(HEADER_MAGIC)
      .u32(SNAPSHOT_FORMAT_VERSION)
      .u32(info.group)
      .u32(metaBytes.length)
      .u64(createdMs)
      .raw(metaBytes.written());
    this.header = w.finish();
    this.crc = crc32(this.header);
  }

  /** Appends a chunk of data; `chunk` must not change until `done`. */
  write(chunk: Uint8Array, done: Done): void {
    this.enter();
    this.crc = crc32(chunk, this.crc);
    this.dataBytes += chunk.length;
    series(
      [(next) => this.writeHeader(next), (next) => this.fs.append(this.fd, chunk, next)],
      (err) => this.leave(done, err),
    );
  }

  /** Footer, fdatasync, close, rename into place, sync the folder. */
  finish(done: (err: Error | null, info: SnapshotFileInfo | null) => void): void {
    this.enter();
    const dir = this.info.path.slice(0, this.info.path.lastIndexOf('/'));
    series(
      [
        (next) => this.writeHeader(next),
        (next) => this.fs.append(this.fd, this.footer(), next),
        (next) => this.fs.fdatasync(this.fd, next),
        (next) => this.fs.close(this.fd, next),
        (next) => next(attempt(() => this.fs.rename(this.tempPath, this.info.path))),
        (next) => this.fs.syncDir(dir, next),
      ],
      (err) => this.leave((e) => done(e, e === null ? this.info : null), err),
    );
  }

  /** Gives up: closes and removes the temp file. */
  abort(done: Done): void {
    this.fs.close(this.fd, (err) => {
      const unlinkErr = attempt(() => this.fs.unlink(this.tempPath));
      done(err ?? unlinkErr);
    });
  }

  private writeHeader(next: Done): void {
    const header = this.header;
    if (header === null) return next(null);
    this.header = null;
    this.fs.append(this.fd, header, next);
  }

  private footer(): Uint8Array {
    return new Writer(FOOTER_BYTES).u64(this.dataBytes).u32(this.crc).u32(FOOTER_MAGIC).finish();
  }

  private enter(): void {
    if (this.busy) throw new Error('snapshot: a write is already in progress');
    this.busy = true;
  }

  private leave(done: Done, err: Error | null): void {
    this.busy = false;
    done(err);
  }
}

function attempt(fn: () => void): Error | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Streams a snapshot file's data back; checks the CRC when the last chunk is read. */
export class SnapshotReader {
  private position: number;
  private crc: number;
  private remaining: number;

  private constructor(
    private readonly fs: FileSystem,
    readonly path: string,
    private readonly fd: Fd,
    readonly group: GroupId,
    readonly meta: SnapshotMeta,
    private readonly header: {
      bytes: number;
      crc: number;
      dataBytes: number;
      fileCrc: number;
      createdMs: number;
    },
  ) {
    this.position = header.bytes;
    this.crc = header.crc;
    this.remaining = header.dataBytes;
  }

  get dataBytes(): number {
    return this.header.dataBytes;
  }

  /** When the file was made (unix ms); 0 when its format predates the field. */
  get createdMs(): number {
    return this.header.createdMs;
  }

  static open(
    fs: FileSystem,
    path: string,
    done: (err: Error | null, reader: SnapshotReader | null) => void,
  ): void {
    const size = fs.stat(path)?.size;
    if (size === undefined) return done(new SnapshotFileError(path, 'no such file'), null);
    let fd: Fd;
    try {
      fd = fs.open(path, 'read');
    } catch (err) {
      return done(err instanceof Error ? err : new Error(String(err)), null);
    }
    readHead(fs, fd, path, size, (err, head) => {
      if (err !== null || head === null) {
        return fs.close(fd, () => done(err ?? new SnapshotFileError(path, 'unreadable'), null));
      }
      const { group, meta, ...layout } = head;
      done(null, new SnapshotReader(fs, path, fd, group, meta, layout));
    });
  }

  /** The next chunk of at most `maxBytes`, or null at the end (after the CRC matched). */
  next(maxBytes: number, done: (err: Error | null, chunk: Uint8Array | null) => void): void {
    if (this.remaining === 0) {
      return done(this.crc === this.header.fileCrc ? null : this.error('checksum mismatch'), null);
    }
    const length = Math.min(maxBytes, this.remaining);
    this.fs.read(this.fd, this.position, length, (err, bytes) => {
      if (err !== null) return done(err, null);
      if (bytes.length !== length) {
        return done(this.error('file shorter than its footer says'), null);
      }
      this.position += length;
      this.remaining -= length;
      this.crc = crc32(bytes, this.crc);
      if (this.remaining === 0 && this.crc !== this.header.fileCrc) {
        return done(this.error('checksum mismatch'), null);
      }
      done(null, bytes);
    });
  }

  close(done: Done): void {
    this.fs.close(this.fd, done);
  }

  /** Reads the whole data, chunk by chunk, into `onChunk`; closes the file at the end. */
  readAll(chunkBytes: number, onChunk: (chunk: Uint8Array) => void, done: Done): void {
    const step = (): void => {
      this.next(chunkBytes, (err, chunk) => {
        if (err !== null || chunk === null) return this.close((closeErr) => done(err ?? closeErr));
        onChunk(chunk);
        step();
      });
    };
    step();
  }

  private error(reason: string): SnapshotFileError {
    return new SnapshotFileError(this.path, reason);
  }
}

interface Head {
  group: GroupId;
  meta: SnapshotMeta;
  createdMs: number;
  bytes: number;
  crc: number;
  dataBytes: number;
  fileCrc: number;
}

/** Reads and checks the header and footer; the data length must fill the space between. */
function readHead(
  fs: FileSystem,
  fd: Fd,
  path: string,
  size: number,
  done: (err: Error | null, head: Head | null) => void,
): void {
  const fail = (reason: string): void => done(new SnapshotFileError(path, reason), null);
  if (size < FIXED_HEADER_BYTES + FOOTER_BYTES) return fail('too short to be a snapshot file');
  fs.read(fd, 0, FIXED_HEADER_BYTES + TIME_BYTES, (err, start) => {
    if (err !== null) return done(err, null);
    const header = parse(() => parseFixedHeader(start));
    if (typeof header === 'string') return fail(header);
    const headerBytes = header.metaAt + header.metaBytes;
    if (headerBytes + FOOTER_BYTES > size) return fail('header runs past the end of the file');
    fs.read(fd, 0, headerBytes, (err2, headBytes) => {
      if (err2 !== null) return done(err2, null);
      fs.read(fd, size - FOOTER_BYTES, FOOTER_BYTES, (err3, footerBytes) => {
        if (err3 !== null) return done(err3, null);
        const footer = parse(() => parseFooter(footerBytes));
        if (typeof footer === 'string') return fail(footer);
        if (headerBytes + footer.dataBytes + FOOTER_BYTES !== size) {
          return fail('data length mismatch');
        }
        const meta = parse(() => decodeMeta(headBytes.subarray(header.metaAt)));
        if (typeof meta === 'string') return fail(`undecodable snapshot metadata: ${meta}`);
        const { group, createdMs } = header;
        const crc = crc32(headBytes);
        done(null, { group, meta, createdMs, bytes: headerBytes, crc, ...footer });
      });
    });
  });
}

interface FixedHeader {
  group: GroupId;
  metaBytes: number;
  /** Where the metadata starts: after the creation time from version 2 on. */
  metaAt: number;
  createdMs: number;
}

/** The fields before the metadata; `bytes` may run on past them. */
function parseFixedHeader(bytes: Uint8Array): FixedHeader | string {
  const r = new Reader(bytes);
  if (r.u32() !== HEADER_MAGIC) return 'not a snapshot file (bad magic)';
  const version = r.u32();
  if (version < OLDEST_READ_VERSION || version > SNAPSHOT_FORMAT_VERSION) {
    return `unsupported format version ${version}`;
  }
  const group = r.u32();
  const metaBytes = r.u32();
  if (version === 1) return { group, metaBytes, metaAt: FIXED_HEADER_BYTES, createdMs: 0 };
  return { group, metaBytes, metaAt: FIXED_HEADER_BYTES + TIME_BYTES, createdMs: r.u64() };
}

function parseFooter(bytes: Uint8Array): { dataBytes: number; fileCrc: number } | string {
  const r = new Reader(bytes, 12);
  if (r.u32() !== FOOTER_MAGIC) return 'missing footer (incomplete file)';
  r.offset = 0;
  return { dataBytes: r.u64(), fileCrc: r.u32() };
}

/** Runs a parser whose malformed input throws; the error becomes a reason string. */
function parse<T>(fn: () => T | string): T | string {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function decodeMeta(bytes: Uint8Array): SnapshotMeta {
  const r = new Reader(bytes);
  const meta = readSnapshotMeta(r);
  r.end();
  return meta;
}

/** A snapshot read back from its file, with the time the file was made (0: unknown). */
export interface SnapshotFileContents extends Snapshot {
  readonly createdMs: number;
}

/**
 * Reads a whole snapshot file at once and checks it: for start-up, and for a leader that
 * must hand Raft a snapshot to send. Throws SnapshotFileError naming the file.
 */
export function readSnapshotFile(fs: FileSystem, path: string): SnapshotFileContents {
  const bytes = fs.readFile(path);
  const fail = (reason: string): never => {
    throw new SnapshotFileError(path, reason);
  };
  if (bytes.length < FIXED_HEADER_BYTES + FOOTER_BYTES) fail('too short to be a snapshot file');
  const header = parse(() => parseFixedHeader(bytes.subarray(0, FIXED_HEADER_BYTES + TIME_BYTES)));
  if (typeof header === 'string') return fail(header);
  const headerBytes = header.metaAt + header.metaBytes;
  const footer = parse(() => parseFooter(bytes.subarray(bytes.length - FOOTER_BYTES)));
  if (typeof footer === 'string') return fail(footer);
  if (headerBytes + footer.dataBytes + FOOTER_BYTES !== bytes.length) {
    return fail('data length mismatch');
  }
  const meta = parse(() => decodeMeta(bytes.subarray(header.metaAt, headerBytes)));
  if (typeof meta === 'string') return fail(`undecodable snapshot metadata: ${meta}`);
  if (crc32(bytes.subarray(0, headerBytes + footer.dataBytes)) !== footer.fileCrc) {
    fail('checksum mismatch');
  }
  const data = bytes.subarray(headerBytes, headerBytes + footer.dataBytes);
  return { meta, data, createdMs: header.createdMs };
}
