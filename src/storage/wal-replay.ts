/**
 * Start-up: reads every segment in order and rebuilds each group's view. A torn tail (the
 * last record of the last segment incomplete or failing its CRC, or a zero-filled tail) is
 * cut off; any other bad record stops start-up with the file and byte offset.
 */
import { CodecError } from '../raft/codec.js';
import type { GroupId } from '../raft/types.js';
import { joinPath, type FileSystem } from './file-system.js';
import { GroupLog, type GroupCheckpoint, type SnapshotDataLoader } from './group-log.js';
import {
  RECORD_HEADER_BYTES,
  RecordType,
  SEGMENT_HEADER_BYTES,
  checkSegmentHeader,
  compactionOf,
  decodeRecord,
  type EntryFloor,
  recordCrc,
  type WalRecord,
} from './records.js';

export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`wal: ${file} at byte ${offset}: ${reason}`);
  }
}

export type WalLogger = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Per group, the highest entry index this segment holds: it may go once compacted past. */
  readonly maxIndex: Map<GroupId, number>;
  /** Its checkpoint is durable, so the segments before it matter only for their entries. */
  headDurable: boolean;
}

export interface Replayed {
  readonly groups: Map<GroupId, GroupLog>;
  readonly segments: Segment[];
  /** Bytes of the last segment after any torn tail was cut (0 when there is none). */
  readonly lastBytes: number;
}

const SEGMENT_NAME = /^([0-9a-f]{16})\.wal$/;

export function segmentName(seq: number): string {
  return `${seq.toString(16).padStart(16, '0')}.wal`;
}

export function listSegments(fs: FileSystem, walDir: string): { seq: number; path: string }[] {
  const out: { seq: number; path: string }[] = [];
  for (const name of fs.readdir(walDir)) {
    const m = SEGMENT_NAME.exec(name);
    if (m !== null) out.push({ seq: parseInt(m[1] as string, 16), path: joinPath(walDir, name) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

interface ReplayContext {
  readonly groups: Map<GroupId, GroupLog>;
  readonly loader: SnapshotDataLoader;
  /** Where each group's missing entries were first noticed, for the error message. */
  readonly gaps: Map<GroupId, string>;
  /** Which entries the log drops later, so replay need not keep them (entryDrops). */
  readonly drops: EntryFloorAt;
}

export function replay(
  fs: FileSystem,
  walDir: string,
  loader: SnapshotDataLoader,
  logger: WalLogger,
): Replayed {
  const files = listSegments(fs, walDir);
  const ctx: ReplayContext = {
    groups: new Map(),
    loader,
    gaps: new Map(),
    drops: entryDrops(fs, files),
  };
  const segments: Segment[] = [];
  let lastBytes = 0;
  files.forEach(({ seq, path }, i) => {
    const isLast = i === files.length - 1;
    const seg: Segment = { seq, path, maxIndex: new Map(), headDurable: !isLast };
    const bytes = fs.readFile(path);
    const end = replaySegment(bytes, seg, isLast, ctx);
    if (end === null) {
      logger('warn', `wal: ${path}: its head was torn by a crash; removing the segment`);
      fs.unlink(path);
      const prev = segments[segments.length - 1];
      lastBytes = prev === undefined ? 0 : (fs.stat(prev.path)?.size ?? 0);
      return;
    }
    if (end < bytes.length) {
      logger(
        'warn',
        `wal: ${path}: truncating a torn tail of ${bytes.length - end} bytes at ${end}`,
      );
      fs.truncate(path, end);
    }
    segments.push(seg);
    lastBytes = end;
  });
  checkNoGaps(ctx);
  return { groups: ctx.groups, segments, lastBytes };
}

/** A group's record that drops entries: a compaction to `index`, or a restart (Infinity). */
interface Drop {
  /** The record's place: its number among the log's valid records. */
  readonly at: number;
  /** Entries of records before it, at or below this, are gone by the end of the log. */
  floor: number;
}

/**
 * For every group, the records that drop its entries (Compact: those at or below its
 * index; Snapshot: all, as the log restarts), each with the floor at or below which an
 * entry written before it is gone by the end of the log. Replay need not copy such
 * entries' data: it keeps them without (the log's shape, its indices, terms and the
 * tails appends cut, stays exactly as written), and they are gone before it ends. A
 * first, cheap pass: it checks each record's CRC, decodes only these records, and stops
 * at the first bad record, where the full pass stops or fails too; both number the
 * records alike.
 */
function entryDrops(fs: FileSystem, files: readonly { seq: number; path: string }[]): EntryFloorAt {
  const drops = new Map<GroupId, Drop[]>();
  let at = 0;
  scan: for (const { seq, path } of files) {
    const bytes = fs.readFile(path);
    if (bytes.length < SEGMENT_HEADER_BYTES) break;
    if (checkSegmentHeader(bytes.subarray(0, SEGMENT_HEADER_BYTES), seq) !== null) break;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = SEGMENT_HEADER_BYTES;
    while (offset < bytes.length) {
      if (recordProblem(bytes, view, offset) !== null) break scan;
      const end = offset + RECORD_HEADER_BYTES + view.getUint32(offset, true);
      let found: ReturnType<typeof compactionOf>;
      try {
        found = compactionOf(bytes.subarray(offset + RECORD_HEADER_BYTES, end));
      } catch {
        break scan;
      }
      if (found !== null) {
        let list = drops.get(found.group);
        if (list === undefined) drops.set(found.group, (list = []));
        list.push({ at, floor: found.restart ? Infinity : found.index });
      }
      at++;
      offset = end;
    }
  }
  // A drop's floor covers those of the drops after it.
  for (const list of drops.values()) {
    for (let k = list.length - 2; k >= 0; k--) {
      const d = list[k] as Drop;
      d.floor = Math.max(d.floor, (list[k + 1] as Drop).floor);
    }
  }
  return new EntryFloorAt(drops);
}

/** The floors of entryDrops, asked for records in increasing order of their number. */
class EntryFloorAt {
  private readonly next = new Map<GroupId, number>();
  /** The number of the record being replayed. */
  at = 0;

  constructor(private readonly drops: ReadonlyMap<GroupId, readonly Drop[]>) {}

  readonly floor: EntryFloor = (group) => {
    const list = this.drops.get(group);
    if (list === undefined) return 0;
    let k = this.next.get(group) ?? 0;
    while (k < list.length && (list[k] as Drop).at <= this.at) k++;
    this.next.set(group, k);
    return list[k]?.floor ?? 0;
  };
}

function checkNoGaps(ctx: ReplayContext): void {
  for (const [group, log] of ctx.groups) {
    if (log.missingUntil === 0) continue;
    const where = ctx.gaps.get(group) ?? 'unknown';
    throw new Error(
      `wal: group ${group} is missing entries up to ${log.missingUntil} (noticed at ${where}): ` +
        'a segment was deleted before its entries were compacted',
    );
  }
}

/** Replays one segment; returns the end of its valid records, or null if its head is torn. */
function replaySegment(
  bytes: Uint8Array,
  seg: Segment,
  isLast: boolean,
  ctx: ReplayContext,
): number | null {
  const corrupt = (offset: number, reason: string): WalCorruptionError =>
    new WalCorruptionError(seg.path, offset, reason);
  if (bytes.length < SEGMENT_HEADER_BYTES || isZero(bytes, 0)) {
    if (isLast) return null;
    throw corrupt(
      0,
      bytes.length < SEGMENT_HEADER_BYTES ? 'incomplete segment header' : 'zeroed segment',
    );
  }
  const headerProblem = checkSegmentHeader(bytes.subarray(0, SEGMENT_HEADER_BYTES), seg.seq);
  if (headerProblem !== null) throw corrupt(0, headerProblem);
  let checkpoint: { group: GroupId; checkpoint: GroupCheckpoint }[] | null = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SEGMENT_HEADER_BYTES;
  while (offset < bytes.length) {
    const problem = recordProblem(bytes, view, offset);
    if (problem !== null) {
      if (isLast && (problem.atEnd || isZero(bytes, offset))) break;
      throw corrupt(offset, problem.reason);
    }
    const end = offset + RECORD_HEADER_BYTES + view.getUint32(offset, true);
    const body = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
    const rec = decodeAt(body, ctx.drops.floor, corrupt, offset);
    ctx.drops.at++;
    checkpoint = applyRecord(rec, checkpoint, seg, ctx, () => corrupt(offset, 'misplaced record'));
    noteGap(rec, ctx, `${seg.path} byte ${offset}`);
    offset = end;
  }
  if (checkpoint !== null) {
    if (isLast) return null;
    throw corrupt(offset, 'segment ends inside its checkpoint');
  }
  return offset;
}

/** Why the record at `offset` is unreadable; `atEnd` when it reaches the end of the file. */
function recordProblem(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
): { reason: string; atEnd: boolean } | null {
  if (bytes.length - offset < RECORD_HEADER_BYTES) {
    return { reason: 'incomplete record header', atEnd: true };
  }
  const length = view.getUint32(offset, true);
  const end = offset + RECORD_HEADER_BYTES + length;
  if (length === 0) return { reason: 'empty record', atEnd: false };
  if (end > bytes.length) return { reason: 'record runs past the end of the file', atEnd: true };
  const crc = view.getUint32(offset + 4, true);
  if (recordCrc(bytes.subarray(offset + RECORD_HEADER_BYTES, end)) !== crc) {
    return { reason: 'checksum mismatch', atEnd: end === bytes.length };
  }
  return null;
}

function decodeAt(
  body: Uint8Array,
  floor: EntryFloor,
  corrupt: (offset: number, reason: string) => WalCorruptionError,
  offset: number,
): WalRecord {
  try {
    return decodeRecord(body, floor);
  } catch (err) {
    if (err instanceof CodecError) throw corrupt(offset, `undecodable record: ${err.message}`);
    throw err;
  }
}

function isZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function groupLog(ctx: ReplayContext, group: GroupId): GroupLog {
  let log = ctx.groups.get(group);
  if (log === undefined) {
    log = new GroupLog(group, ctx.loader);
    ctx.groups.set(group, log);
  }
  return log;
}

/**
 * Applies one record. Checkpoint records are held until CheckpointEnd (a torn head must
 * change nothing); returns the held list, or null once the head is complete.
 */
function applyRecord(
  rec: WalRecord,
  held: { group: GroupId; checkpoint: GroupCheckpoint }[] | null,
  seg: Segment,
  ctx: ReplayContext,
  misplaced: () => Error,
): { group: GroupId; checkpoint: GroupCheckpoint }[] | null {
  if (rec.type === RecordType.Checkpoint) {
    if (held === null) throw misplaced();
    held.push(rec);
    return held;
  }
  if (rec.type === RecordType.CheckpointEnd) {
    if (held === null) throw misplaced();
    for (const { group, checkpoint } of held) groupLog(ctx, group).applyCheckpoint(checkpoint);
    return null;
  }
  if (held !== null) throw misplaced();
  const log = groupLog(ctx, rec.group);
  if (rec.type === RecordType.Entries) {
    log.append(rec.entries, true);
    const last = rec.entries[rec.entries.length - 1];
    if (last !== undefined) {
      seg.maxIndex.set(rec.group, Math.max(seg.maxIndex.get(rec.group) ?? 0, last.index));
    }
  } else if (rec.type === RecordType.HardState) log.hardState = rec.hardState;
  else if (rec.type === RecordType.Snapshot) log.restart(rec.meta);
  else if (rec.type === RecordType.Compact) log.compactTo(rec.index, rec.term);
  else log.noteSnapshot(rec.meta);
  return null;
}

function noteGap(rec: WalRecord, ctx: ReplayContext, where: string): void {
  if (rec.type === RecordType.CheckpointEnd) {
    for (const [group, log] of ctx.groups) {
      if (log.missingUntil > 0 && !ctx.gaps.has(group)) ctx.gaps.set(group, where);
      if (log.missingUntil === 0) ctx.gaps.delete(group);
    }
    return;
  }
  const log = ctx.groups.get(rec.group);
  if (log === undefined) return;
  if (log.missingUntil === 0) ctx.gaps.delete(rec.group);
  else if (!ctx.gaps.has(rec.group)) ctx.gaps.set(rec.group, where);
}
