/**
 * The WAL's on-disk format. A segment is a 16-byte header (magic "AIKW", format version
 * u32, segment sequence u64) followed by records:
 *
 *   [length u32][crc32 u32][type u8][payload]
 *
 * `length` counts the type byte and the payload; the CRC (zlib's crc32) covers the same
 * bytes. Everything is little-endian; entries, hard states and snapshot metadata use
 * raft/codec.ts's encodings. Every segment begins with a checkpoint (one record per group
 * with state, then CheckpointEnd), so a segment's predecessors matter only for the
 * entries they hold.
 */
import { crc32 } from 'node:zlib';
import {
  CodecError,
  Reader,
  Writer,
  readEntry,
  readHardState,
  readSnapshotMeta,
  writeEntry,
  writeHardState,
  writeSnapshotMeta,
} from '../raft/codec.js';
import {
  EMPTY_BYTES,
  type Entry,
  type GroupId,
  type HardState,
  type SnapshotMeta,
} from '../raft/types.js';
import type { GroupCheckpoint } from './group-log.js';

export const WAL_FORMAT_VERSION = 1;
/** "AIKW" read as a little-endian u32. */
const SEGMENT_MAGIC = 0x574b4941;
export const SEGMENT_HEADER_BYTES = 16;
export const RECORD_HEADER_BYTES = 8;

export const RecordType = {
  /** Entries of a group (an append: entries at or below its last index replace its tail). */
  Entries: 1,
  HardState: 2,
  /** An installed snapshot: the group's log restarts after it. */
  Snapshot: 3,
  /** Entries up to an index (whose term it carries) were compacted away. */
  Compact: 4,
  /** A snapshot taken locally: the newest one, the log is kept. */
  SnapshotTaken: 5,
  /** A group's state when the segment began. */
  Checkpoint: 6,
  /** The end of a segment's checkpoint: a head without it was torn. */
  CheckpointEnd: 7,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export type WalRecord =
  | { type: 1; group: GroupId; entries: Entry[] }
  | { type: 2; group: GroupId; hardState: HardState }
  | { type: 3; group: GroupId; meta: SnapshotMeta }
  | { type: 4; group: GroupId; index: number; term: number }
  | { type: 5; group: GroupId; meta: SnapshotMeta }
  | { type: 6; group: GroupId; checkpoint: GroupCheckpoint }
  | { type: 7 };

export function segmentHeader(seq: number): Uint8Array {
  return new Writer(SEGMENT_HEADER_BYTES)
    .u32(SEGMENT_MAGIC)
    .u32(WAL_FORMAT_VERSION)
    .u64(seq)
    .finish();
}

/** Why a complete header is unusable, or null when it is good. */
export function checkSegmentHeader(bytes: Uint8Array, seq: number): string | null {
  const r = new Reader(bytes);
  if (r.u32() !== SEGMENT_MAGIC) return 'not a WAL segment (bad magic)';
  const version = r.u32();
  if (version !== WAL_FORMAT_VERSION) return `unsupported WAL format version ${version}`;
  const found = r.u64();
  return found === seq ? null : `segment header says sequence ${found}`;
}

/** Appends one framed record; `body` writes the payload after the type byte. */
export function frameRecord(w: Writer, type: RecordType, body: (w: Writer) => void): number {
  const start = w.length;
  w.u32(0).u32(0).u8(type);
  body(w);
  const end = w.length;
  w.patchU32(start, end - start - RECORD_HEADER_BYTES);
  w.patchU32(start + 4, crc32(w.written().subarray(start + RECORD_HEADER_BYTES, end)));
  return end - start;
}

export function writeEntries(w: Writer, group: GroupId, entries: readonly Entry[]): void {
  w.u32(group).u32(entries.length);
  for (const e of entries) writeEntry(w, e);
}

export function writeCheckpoint(w: Writer, group: GroupId, cp: GroupCheckpoint): void {
  w.u32(group);
  writeHardState(w, cp.hardState);
  writeSnapshotMeta(w, cp.snapshot);
  w.u64(cp.compactedIndex).u64(cp.compactedTerm).u64(cp.lastIndex).u64(cp.lastTerm);
}

function readCheckpoint(r: Reader): GroupCheckpoint {
  const hardState = readHardState(r);
  const snapshot = readSnapshotMeta(r);
  const compactedIndex = r.u64();
  const compactedTerm = r.u64();
  const lastIndex = r.u64();
  return { hardState, snapshot, compactedIndex, compactedTerm, lastIndex, lastTerm: r.u64() };
}

/**
 * Entry data is copied (a view would pin the whole segment's buffer in memory), except
 * for entries at or below `floor`, which get none: replay knows they are dropped later.
 */
function readEntries(r: Reader, floor: number): Entry[] {
  const count = r.u32();
  if (count * 21 > r.remaining) throw new CodecError('entry count longer than input', r.offset);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const e = readEntry(r);
    const data = e.index <= floor ? EMPTY_BYTES : new Uint8Array(e.data);
    out.push({ term: e.term, index: e.index, type: e.type, data });
  }
  return out;
}

/** A group's entries at or below this index may be decoded without their data. */
export type EntryFloor = (group: GroupId) => number;

const NO_FLOOR: EntryFloor = () => 0;

/**
 * Decodes a record's type and payload (its CRC already checked); throws CodecError.
 * An Entries record's entries at or below its group's `floor` come without their data.
 */
export function decodeRecord(body: Uint8Array, floor: EntryFloor = NO_FLOOR): WalRecord {
  const r = new Reader(body);
  const type = r.u8();
  if (type === RecordType.CheckpointEnd) {
    r.end();
    return { type };
  }
  const group = r.u32();
  const rec = decodeGroupRecord(type, group, r, floor);
  r.end();
  return rec;
}

/**
 * What a Compact or Snapshot record drops from a group's log (a compaction: entries at
 * or below `index`; a snapshot installed: the log restarts), read without decoding
 * anything else; null for other records.
 */
export function compactionOf(
  body: Uint8Array,
): { group: GroupId; index: number; restart: boolean } | null {
  const r = new Reader(body);
  const type = r.u8();
  if (type === RecordType.Compact) return { group: r.u32(), index: r.u64(), restart: false };
  if (type !== RecordType.Snapshot) return null;
  return { group: r.u32(), index: readSnapshotMeta(r).index, restart: true };
}

function decodeGroupRecord(type: number, group: GroupId, r: Reader, floor: EntryFloor): WalRecord {
  switch (type) {
    case RecordType.Entries:
      return { type, group, entries: readEntries(r, floor(group)) };
    case RecordType.HardState:
      return { type, group, hardState: readHardState(r) };
    case RecordType.Snapshot:
    case RecordType.SnapshotTaken:
      return { type, group, meta: readSnapshotMeta(r) };
    case RecordType.Compact:
      return { type, group, index: r.u64(), term: r.u64() };
    case RecordType.Checkpoint:
      return { type, group, checkpoint: readCheckpoint(r) };
    default:
      throw new CodecError(`unknown record type ${type}`, 0);
  }
}

export function recordCrc(body: Uint8Array): number {
  return crc32(body);
}
