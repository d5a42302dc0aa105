/**
 * The disk as the write-ahead log and the snapshot files see it. Every byte they read or
 * write goes through one of these, so production (node-file-system.ts) and the
 * deterministic simulator (a virtual disk that loses unsynced writes on a crash) drive the
 * same code.
 *
 * Synchronous methods are for start-up and small metadata operations; the hot path
 * (appends, reads of large files, syncs, closes) takes callbacks. Paths are POSIX paths.
 */

/** An open file. */
export type Fd = number;

/** `append`: create if missing, every write goes to the end; `truncate`: create or empty. */
export type OpenMode = 'append' | 'truncate' | 'read';

export interface FileStat {
  readonly size: number;
  readonly isDirectory: boolean;
}

export type Done = (err: Error | null) => void;

export interface FileSystem {
  /** The whole file's current contents. */
  readFile(path: string): Uint8Array;
  /** Names in a directory, sorted by code unit. */
  readdir(path: string): string[];
  /** null when nothing exists at `path`. */
  stat(path: string): FileStat | null;
  /** Creates the directory and its missing parents; no error when it exists. */
  mkdir(path: string): void;
  /** Atomically replaces `to`; durable only once the directory is synced. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Shortens a file; durable with the file's next fdatasync. */
  truncate(path: string, size: number): void;
  open(path: string, mode: OpenMode): Fd;

  /** Writes all of `data` at the end of the file; `data` must not change until `done`. */
  append(fd: Fd, data: Uint8Array, done: Done): void;
  /** Up to `length` bytes at `position`; fewer only at the end of the file. */
  read(
    fd: Fd,
    position: number,
    length: number,
    done: (err: Error | null, bytes: Uint8Array) => void,
  ): void;
  /** Makes every write completed before this call durable. */
  fdatasync(fd: Fd, done: Done): void;
  /** Makes the directory's entries (created, renamed, removed names) durable. */
  syncDir(path: string, done: Done): void;
  close(fd: Fd, done: Done): void;
}

/** Runs callback steps one after another; the first error stops the rest. */
export type Step = (next: Done) => void;

export function series(steps: readonly Step[], done: Done): void {
  let i = 0;
  const next: Done = (err) => {
    if (err !== null) return done(err);
    const step = steps[i++];
    if (step === undefined) return done(null);
    step(next);
  };
  next(null);
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
