/**
 * FileSystem on the real disk through node:fs: the only file of storage/ that does I/O
 * of its own.
 */
import * as fs from 'node:fs';
import type { Done, Fd, FileStat, FileSystem, OpenMode } from './file-system.js';

const FLAGS: Record<OpenMode, string> = { append: 'a', truncate: 'w', read: 'r' };

/**
 * Appends up to this size are written on the calling thread, as Redis writes its AOF:
 * copying a turn's log records into the page cache takes microseconds, while a round
 * trip through libuv's thread pool costs the event loop a turn of waiting.
 */
const INLINE_WRITE_MAX = 256 * 1024;

function appendNow(fd: Fd, data: Uint8Array): Error | null {
  try {
    for (let offset = 0; offset < data.length;) {
      offset += fs.writeSync(fd, data, offset, data.length - offset);
    }
    return null;
  } catch (err) {
    return err as Error;
  }
}

/** A plain Uint8Array over a Buffer's memory (no copy). */
function plain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

export class NodeFileSystem implements FileSystem {
  readFile(path: string): Uint8Array {
    return plain(fs.readFileSync(path));
  }

  readdir(path: string): string[] {
    return fs.readdirSync(path).sort();
  }

  stat(path: string): FileStat | null {
    const st = fs.statSync(path, { throwIfNoEntry: false });
    return st === undefined ? null : { size: st.size, isDirectory: st.isDirectory() };
  }

  mkdir(path: string): void {
    fs.mkdirSync(path, { recursive: true });
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  truncate(path: string, size: number): void {
    fs.truncateSync(path, size);
  }

  open(path: string, mode: OpenMode): Fd {
    return fs.openSync(path, FLAGS[mode]);
  }

  append(fd: Fd, data: Uint8Array, done: Done): void {
    if (data.length <= INLINE_WRITE_MAX) {
      done(appendNow(fd, data));
      return;
    }
    // A regular file may take a write in parts; the rest goes on until all is written.
    const writeFrom = (offset: number): void => {
      fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
        if (err !== null) return done(err);
        if (offset + written < data.length) return writeFrom(offset + written);
        done(null);
      });
    };
    writeFrom(0);
  }

  read(
    fd: Fd,
    position: number,
    length: number,
    done: (err: Error | null, bytes: Uint8Array) => void,
  ): void {
    const buf = Buffer.allocUnsafe(length);
    fs.read(fd, buf, 0, length, position, (err, bytesRead) => {
      if (err !== null) return done(err, new Uint8Array(0));
      done(null, plain(buf).subarray(0, bytesRead));
    });
  }

  fdatasync(fd: Fd, done: Done): void {
    fs.fdatasync(fd, (err) => done(err));
  }

  syncDir(path: string, done: Done): void {
    fs.open(path, 'r', (err, fd) => {
      if (err !== null) return done(err);
      fs.fsync(fd, (syncErr) => {
        fs.close(fd, (closeErr) => done(syncErr ?? closeErr));
      });
    });
  }

  close(fd: Fd, done: Done): void {
    fs.close(fd, (err) => done(err));
  }
}
