/**
 * Keyspace snapshots: the whole keyspace as bytes, for Raft snapshots (taken every N
 * entries, sent to lagging followers, loaded at restart). A replica that loads one must
 * then behave exactly as the one that wrote it, so a snapshot keeps more than Redis's
 * RDB does: every value's encoding (OBJECT ENCODING, and through it SPOP's picks and
 * SSCAN's shape), each string's form, and the iteration order of every database and
 * container (keys, hash fields, set members, a set's random-pick order, a skiplist's
 * ZSCAN order). The LRU clock is node-local and is not kept.
 *
 *   "AIKVSNAP" | format version (2 bytes LE)
 *   optionally 0xFA, the owner's image (RDB length + bytes; see `aux` below)
 *   per non-empty database: 0xFE, db index (RDB length), records, 0xFD, key count
 *   0xFF | CRC-64 of every byte before it (8 bytes LE, util/crc64.ts)
 *
 * A record: a flags byte (below 0x10: string form, TTL, order section), the key (RDB
 * string), the absolute deadline in ms (8 bytes LE, only with a TTL), the value in
 * Redis's RDB object encoding (serialize.ts writeObject: the type byte names the
 * encoding), then for a set or skiplist whose orders a plain RDB payload loses, the
 * permutation that restores them. Keys are written in iteration order, and the value
 * payloads list their elements in it, so loading in file order rebuilds it.
 */
import { crc64, writeCrc64LE } from '../util/crc64.js';
import { Db, Entry, lastEntrySeq, type EntryGuard, type StringForm } from './db.js';
import type { Keyspace } from './keyspace.js';
import {
  RdbReader,
  RdbType,
  RdbWriter,
  SLICE_STEP,
  nextItem,
  readObject,
  sliceRoom,
  writeObject,
  writeObjectInSlices,
  writtenInSlices,
  type LoadSettings,
  type SliceBudget,
} from './serialize.js';
import { SetValue } from './set.js';
import { typeOf, type Value } from './value.js';
import { ZSetValue, compareElements } from './zset.js';

export const SNAPSHOT_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('AIKVSNAP', 'latin1');
const HEADER_BYTES = MAGIC.length + 2;
const CRC_BYTES = 8;

/** Opcodes between records; a record's flags byte is always below them. */
const OP_AUX = 0xfa;
const OP_DB = 0xfe;
const OP_DB_END = 0xfd;
const OP_EOF = 0xff;

/** A record's flags: the string form (its index in FORMS), a TTL, an order section. */
const FORM_MASK = 0x03;
const HAS_EXPIRE = 0x04;
const HAS_ORDER = 0x08;
const FLAGS_ALL = FORM_MASK | HAS_EXPIRE | HAS_ORDER;
const FORMS: readonly StringForm[] = ['auto', 'raw', 'embstr', 'int'];

/**
 * A malformed snapshot: what is wrong and the byte offset where it was found (for a
 * bad value, where its record starts).
 */
export class SnapshotFormatError extends Error {
  constructor(
    what: string,
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super(`keyspace snapshot: ${what} at byte offset ${offset}`, options);
  }
}

function fail(what: string, offset: number): never {
  throw new SnapshotFormatError(what, offset);
}

// ---------------------------------------------------------------------------------------
// Writing

/** A record written out of turn, before its entry changed, with the entry's place. */
interface CopiedRecord {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** Copied records by place (Entry.seq), smallest first: a binary min-heap. */
class CopiedRecords {
  private readonly heap: CopiedRecord[] = [];

  get first(): CopiedRecord | undefined {
    return this.heap[0];
  }

  push(record: CopiedRecord): void {
    const h = this.heap;
    let i = h.push(record) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as CopiedRecord).seq <= record.seq) break;
      h[i] = h[parent] as CopiedRecord;
      i = parent;
    }
    h[i] = record;
  }

  pop(): void {
    const h = this.heap;
    const last = h.pop() as CopiedRecord;
    if (h.length === 0) return;
    let i = 0;
    while (true) {
      let child = 2 * i + 1;
      if (child >= h.length) break;
      const right = h[child + 1];
      if (right !== undefined && right.seq < (h[child] as CopiedRecord).seq) child++;
      if ((h[child] as CopiedRecord).seq >= last.seq) break;
      h[i] = h[child] as CopiedRecord;
      i = child;
    }
    h[i] = last;
  }
}

/**
 * One database as the snapshot began: the map it had then (FLUSHDB and SWAPDB move
 * maps, not entries) walked in order by a live iterator. Every entry the map held at
 * the start has a seq at most `lastSeqAtStart` and comes, in order, before any added
 * since; each is written exactly once, by the walk or, if it was about to change
 * first, as a copy placed back by its seq.
 */
class Walk {
  readonly copies = new CopiedRecords();
  readonly copied = new Set<number>();
  /** The seq of the last record written: entries up to it are done. */
  doneSeq = 0;
  count = 0;
  /** Taken from the iterator, not yet written (and its seq then: RENAME re-seqs). */
  held: [string, Entry] | null = null;
  heldSeq = 0;
  private exhausted = false;

  private readonly live: Iterator<[string, Entry]>;

  constructor(
    readonly dbIndex: number,
    readonly contents: ReadonlyMap<string, Entry>,
    private readonly lastSeqAtStart: number,
  ) {
    this.live = contents.entries();
  }

  /** Holds the next entry of the start's map, unless one is held or none is left. */
  fill(): void {
    if (this.held !== null || this.exhausted) return;
    const next = this.live.next();
    if (next.done === true || next.value[1].seq > this.lastSeqAtStart) {
      this.exhausted = true;
      return;
    }
    this.held = next.value;
    this.heldSeq = next.value[1].seq;
  }

  /** Whether `entry` stood in this map at the start and has not been written yet. */
  pending(entry: Entry): boolean {
    const seq = entry.seq;
    return seq <= this.lastSeqAtStart && seq > this.doneSeq && !this.copied.has(seq);
  }
}

export interface SnapshotWriterOptions {
  /**
   * An opaque image the snapshot's owner keeps beside the keyspace (a Raft group's
   * metadata), given back by readKeyspaceSnapshot.
   */
  readonly aux?: Uint8Array | null;
  /**
   * Keep writing the keyspace as it was at construction while commands change it
   * between pieces: the writer guards every database (Db.guard) until done or aborted.
   */
  readonly copyOnWrite?: boolean;
}

/**
 * What the piece being written may still take: units of work (a record; an element of
 * a collection written in slices, or a step of its order section) and bytes.
 */
class PieceBudget implements SliceBudget {
  private units = Infinity;
  private bytes = Infinity;
  private spent = 0;

  /** A new piece; with no bounds, what is left of a record is written at once. */
  start(units = Infinity, bytes = Infinity): void {
    this.units = units;
    this.bytes = bytes;
    this.spent = 0;
  }

  /** Every unit spent, or past the bytes once something was written. */
  full(w: RdbWriter): boolean {
    return this.spent >= this.units || (this.spent > 0 && w.length >= this.bytes);
  }

  grant(w: RdbWriter, want: number): number {
    if (this.full(w)) return 0;
    const n = Math.min(want, this.units - this.spent);
    this.spent += n;
    return n;
  }
}

/** No bound: a record written whole. */
const WHOLE: SliceBudget = { grant: (_w, want) => want };

/** A record being written across pieces: its walk's held entry, and the rest of it. */
interface OpenRecord {
  readonly walk: Walk;
  readonly entry: Entry;
  readonly rest: Generator<void, void, void>;
}

/**
 * Writes a snapshot in pieces, so a big keyspace can be written across event-loop
 * turns: the pieces, concatenated, are one snapshot of the keyspace as it was when the
 * writer was made. Each piece is its own buffer. A collection of a big encoding (see
 * writeObjectInSlices) is written in slices, its record spread over as many pieces as
 * its elements need: the bytes are the same as when written whole.
 *
 * With `copyOnWrite`, commands may change the keyspace between pieces: an entry about
 * to change or go before the walk reaches it is written first, into a record kept aside
 * until the walk reaches its place (Entry.seq says where that is, as keys removed or
 * re-added leave the map's order), and keys added since the start are left out. The
 * entry whose record is half-written is finished at once, into the next piece, before
 * it changes. FLUSHDB and SWAPDB need no copies: the walk goes on over the maps the
 * databases had. A copy is written whole, whatever its size.
 */
export class KeyspaceSnapshotWriter implements EntryGuard {
  private readonly walks: Walk[] = [];
  private readonly walkOf = new Map<ReadonlyMap<string, Entry>, Walk>();
  private at = 0;
  private inDb = false;
  private crc = 0n;
  private started = false;
  private finished = false;
  private guarded = false;
  private readonly aux: Uint8Array | null;
  /** The next piece so far: it may start with the rest of a record finished early. */
  private readonly out = new RdbWriter();
  private readonly budget = new PieceBudget();
  private open: OpenRecord | null = null;
  /** Bytes of the records copied before their entries changed (rdb_last_cow_size). */
  copiedBytes = 0;
  /**
   * Set by the owner while a command runs that may change entries it looks up (an
   * applied log entry): a lookup then counts as a change. Otherwise it is a read.
   */
  applying = false;

  constructor(
    private readonly keyspace: Keyspace,
    options: SnapshotWriterOptions = {},
  ) {
    this.aux = options.aux ?? null;
    const lastSeq = lastEntrySeq();
    for (const db of keyspace.dbs) {
      if (db.size === 0) continue;
      const walk = new Walk(db.id, db.contents, lastSeq);
      this.walks.push(walk);
      this.walkOf.set(db.contents, walk);
    }
    if (options.copyOnWrite === true) this.guard(true);
  }

  /** True once the last piece has been returned. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * The next piece, with up to `maxKeys` keys (at least one key or slice), ending once
   * past about `maxBytes`; null after the last. Each element of a collection written in
   * slices (and each step of its order section) counts as a key.
   */
  next(maxKeys: number, maxBytes = Infinity): Uint8Array | null {
    if (this.finished) return null;
    const w = this.out;
    if (!this.started) this.writeHeader(w);
    this.budget.start(Math.max(1, maxKeys), maxBytes);
    while (!this.budget.full(w) && this.advance(w));
    this.crc = crc64(w.finish(), this.crc);
    if (this.finished) {
      const footer = Buffer.alloc(CRC_BYTES);
      writeCrc64LE(this.crc, footer, 0);
      w.bytes(footer);
    }
    return w.take();
  }

  /** Stops early: the databases are no longer guarded. */
  abort(): void {
    this.finish();
  }

  changing(contents: ReadonlyMap<string, Entry>, key: string, entry: Entry): void {
    const open = this.open;
    if (open !== null && open.entry === entry) {
      this.budget.start();
      if (!this.resume(open)) throw new Error('keyspace snapshot: a record did not finish');
      return;
    }
    const walk = this.walkOf.get(contents);
    if (walk === undefined || !walk.pending(entry)) return;
    const w = new RdbWriter();
    writeRecord(w, key, entry);
    const bytes = w.finish().slice();
    walk.copies.push({ seq: entry.seq, bytes });
    walk.copied.add(entry.seq);
    this.copiedBytes += bytes.length;
  }

  exposed(contents: ReadonlyMap<string, Entry>, key: string, entry: Entry): void {
    if (this.applying) this.changing(contents, key, entry);
  }

  private writeHeader(w: RdbWriter): void {
    w.bytes(MAGIC);
    w.byte(SNAPSHOT_FORMAT_VERSION & 0xff);
    w.byte(SNAPSHOT_FORMAT_VERSION >> 8);
    if (this.aux !== null) {
      w.byte(OP_AUX);
      w.len(this.aux.length);
      w.bytes(this.aux);
    }
    this.started = true;
  }

  /**
   * Writes on: more of the open record, the next record, or a database's end. False at
   * the end of the snapshot, or when the open record has filled the piece.
   */
  private advance(w: RdbWriter): boolean {
    if (this.open !== null) return this.resume(this.open);
    const walk = this.walks[this.at];
    if (walk === undefined) {
      w.byte(OP_EOF);
      this.finish();
      return false;
    }
    if (!this.inDb) {
      w.byte(OP_DB);
      w.len(walk.dbIndex);
      this.inDb = true;
    }
    if (this.step(w, walk)) return true;
    w.byte(OP_DB_END);
    w.len(walk.count);
    this.inDb = false;
    this.walkOf.delete(walk.contents);
    this.at++;
    return true;
  }

  /**
   * Writes (or opens, to be written in slices) the walk's next record in order, a copy
   * or the live entry; false at its end.
   */
  private step(w: RdbWriter, walk: Walk): boolean {
    walk.fill();
    const copy = walk.copies.first;
    const held = walk.held;
    if (copy === undefined && held === null) return false;
    this.budget.grant(w, 1);
    if (copy !== undefined && (held === null || copy.seq <= walk.heldSeq)) {
      walk.copies.pop();
      walk.copied.delete(copy.seq);
      w.bytes(copy.bytes);
      if (held !== null && copy.seq === walk.heldSeq) walk.held = null;
      walk.doneSeq = copy.seq;
      walk.count++;
    } else if (held !== null) {
      const [key, entry] = held;
      if (writtenInSlices(entry.value)) {
        this.open = { walk, entry, rest: recordSlices(w, key, entry, this.budget) };
      } else {
        writeRecord(w, key, entry);
        heldWritten(walk);
      }
    }
    return true;
  }

  /** Writes on into the open record; true once it is done, false if the piece filled. */
  private resume(open: OpenRecord): boolean {
    if (open.rest.next().done !== true) return false;
    this.open = null;
    heldWritten(open.walk);
    return true;
  }

  private finish(): void {
    this.finished = true;
    this.open = null;
    this.walkOf.clear();
    this.walks.length = 0;
    this.guard(false);
  }

  private guard(on: boolean): void {
    if (on === this.guarded) return;
    this.guarded = on;
    for (const db of this.keyspace.dbs) {
      if (on && db.guard !== null) throw new Error('keyspace snapshot: another one is guarding');
      db.guard = on ? this : null;
    }
  }
}

/** The walk's held entry is written: it is done, in its place. */
function heldWritten(walk: Walk): void {
  walk.held = null;
  walk.doneSeq = walk.heldSeq;
  walk.count++;
}

const deadline = Buffer.alloc(8);

/** A record's flags, key and deadline: what comes before its value. */
function writeRecordHead(w: RdbWriter, key: string, entry: Entry, hasOrder: boolean): void {
  let flags = typeof entry.value === 'string' ? FORMS.indexOf(entry.stringForm) : 0;
  if (entry.expireAt !== 0) flags |= HAS_EXPIRE;
  if (hasOrder) flags |= HAS_ORDER;
  w.byte(flags);
  w.string(key);
  if (entry.expireAt !== 0) {
    deadline.writeUInt32LE(entry.expireAt % 2 ** 32, 0);
    deadline.writeUInt32LE(Math.floor(entry.expireAt / 2 ** 32), 4);
    w.bytes(deadline);
  }
}

function noEncoder(value: Value): Error {
  return new Error(`keyspace snapshot: no RDB encoder for a ${typeOf(value)} value`);
}

/** One key's record, whole: flags, key, deadline, value, order section. */
function writeRecord(w: RdbWriter, key: string, entry: Entry): void {
  if (writtenInSlices(entry.value)) {
    if (recordSlices(w, key, entry, WHOLE).next().done !== true) {
      throw new Error('keyspace snapshot: a record written whole paused');
    }
    return;
  }
  writeRecordHead(w, key, entry, false);
  if (!writeObject(w, entry.value)) throw noEncoder(entry.value);
}

/**
 * One key's record in slices (pausing whenever `budget` grants no more): the order
 * section is worked out first, as the flags byte says whether one follows the value.
 */
function* recordSlices(
  w: RdbWriter,
  key: string,
  entry: Entry,
  budget: SliceBudget,
): Generator<void, void, void> {
  const value = entry.value;
  const order =
    value instanceof SetValue
      ? yield* pickSlotOrder(w, value, budget)
      : value instanceof ZSetValue
        ? yield* dictRankOrder(w, value, budget)
        : null;
  writeRecordHead(w, key, entry, order !== null);
  if (!(yield* writeObjectInSlices(w, value, budget))) throw noEncoder(value);
  if (order !== null) yield* order;
}

/**
 * The order section of a hashtable set (each member's pick slot, in iteration order) to
 * write after its value, or null when it is the identity or there is none.
 */
function* pickSlotOrder(
  w: RdbWriter,
  value: SetValue,
  budget: SliceBudget,
): Generator<void, Generator<void> | null, void> {
  const checked = value.pickSlotIterator();
  const slots = value.pickSlotIterator();
  if (checked === null || slots === null) return null;
  const size = value.size;
  for (let i = 0; i < size;) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, size - i));
    for (const end = i + n; i < end; i++) {
      if (nextItem(checked) !== i) return orderSlices(w, budget, size, () => nextItem(slots));
    }
  }
  return null;
}

/**
 * The order section of a skiplist (each member's rank, in the dict's order: ZSCAN's) to
 * write after its value, or null when the dict is in rank order or there is none.
 */
function* dictRankOrder(
  w: RdbWriter,
  value: ZSetValue,
  budget: SliceBudget,
): Generator<void, Generator<void> | null, void> {
  const checked = value.dictEntries();
  const entries = value.dictEntries();
  if (checked === null || entries === null) return null;
  const size = value.size;
  let same = true;
  const compare = (m: string): void => {
    if (same && nextItem(checked)[0] !== m) same = false;
  };
  for (let rank = 0; same && rank < size;) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, size - rank));
    value.forRange(rank, rank + n, false, compare);
    rank += n;
  }
  if (same) return null;
  // Ranks by binary search in the elements laid out in rank order: a Map of a million
  // members would stall the event loop each time it grows.
  const ranked = new Array<string>(size);
  const scores = new Float64Array(size);
  let filled = 0;
  const add = (m: string, s: number): void => {
    ranked[filled] = m;
    scores[filled++] = s;
  };
  while (filled < size) {
    const n = yield* sliceRoom(budget, w, Math.min(SLICE_STEP, size - filled));
    value.forRange(filled, filled + n, false, add);
  }
  const rankOf = (): number => {
    const [m, s] = nextItem(entries);
    return rankIn(ranked, scores, s, m);
  };
  return orderSlices(w, budget, size, rankOf, RANK_LOOKUP_UNITS);
}

/** The rank of (score, member), which must be there, in elements sorted by rank. */
function rankIn(
  members: readonly string[],
  scores: Float64Array,
  score: number,
  member: string,
): number {
  let lo = 0;
  let hi = members.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareElements(scores[mid] as number, members[mid] as string, score, member);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error('keyspace snapshot: a sorted set member is not in its rank order');
}

/** A rank found by binary search takes about two keys' time: it counts as two. */
const RANK_LOOKUP_UNITS = 2;

/**
 * An order section in slices: `count`, then `count` numbers drawn from `next`, each
 * counted as `units` units of the budget.
 */
function* orderSlices(
  w: RdbWriter,
  budget: SliceBudget,
  count: number,
  next: () => number,
  units = 1,
): Generator<void> {
  w.len(count);
  for (let left = count; left > 0;) {
    const granted = yield* sliceRoom(budget, w, units * Math.min(SLICE_STEP, left));
    const n = Math.min(left, Math.ceil(granted / units));
    left -= n;
    for (let k = 0; k < n; k++) w.len(next());
  }
}

/** The whole keyspace (and `aux`, see the writer) as one snapshot, in a buffer of its exact size. */
export function writeKeyspaceSnapshot(
  keyspace: Keyspace,
  aux: Uint8Array | null = null,
): Uint8Array {
  return new KeyspaceSnapshotWriter(keyspace, { aux }).next(Infinity) as Uint8Array;
}

// ---------------------------------------------------------------------------------------
// Reading

/** Thresholds under which a loader keeps the encoding its RDB type byte names. */
const KEEP_COMPACT: LoadSettings = { number: () => Infinity };
const KEEP_BIG: LoadSettings = { number: () => -1 };
const COMPACT_TYPES: ReadonlySet<number> = new Set([
  RdbType.HASH_LISTPACK,
  RdbType.SET_INTSET,
  RdbType.ZSET_LISTPACK,
]);

/**
 * Replaces `into`'s contents with the snapshot's, or throws SnapshotFormatError and
 * leaves `into` as it was. Every value keeps the encoding it was written with, whatever
 * the thresholds in `_settings` (replicas must agree, and the writer's were in force
 * when the values were built); loaded entries get `lruClock` as their access time.
 * Returns the owner's image the snapshot carries (a copy), or null if it has none.
 */
export function readKeyspaceSnapshot(
  bytes: Uint8Array,
  into: Keyspace,
  _settings?: LoadSettings,
  lruClock = 0,
): Uint8Array | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkFrame(buf);
  const body = buf.subarray(0, buf.length - CRC_BYTES);
  const input = { r: new RdbReader(body, HEADER_BYTES), body, lruClock };
  const aux = readAux(input);
  const staged = readDbs(input, into.dbs.length);
  for (const db of into.dbs) {
    const loaded = staged.get(db.id);
    if (loaded !== undefined) db.swapWith(loaded);
    else if (db.size > 0) db.clear();
  }
  return aux;
}

/** The optional owner's image right after the header. */
function readAux(input: Input): Uint8Array | null {
  const r = input.r;
  const at = r.offset;
  if (input.body[at] !== OP_AUX) return null;
  try {
    r.byte();
    return new Uint8Array(r.take(r.len()));
  } catch (e) {
    throw formatError("truncated or malformed owner's image", at, e);
  }
}

/** Length, magic, version and CRC, before anything is parsed. */
function checkFrame(buf: Buffer): void {
  if (buf.length < HEADER_BYTES + 1 + CRC_BYTES) fail(`too short (${buf.length} bytes)`, 0);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) fail('bad magic, not a snapshot', 0);
  const version = buf.readUInt16LE(MAGIC.length);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    fail(`format version ${version}, expected ${SNAPSHOT_FORMAT_VERSION}`, MAGIC.length);
  }
  const footer = buf.length - CRC_BYTES;
  const expected = Buffer.alloc(CRC_BYTES);
  writeCrc64LE(crc64(buf.subarray(0, footer)), expected, 0);
  if (!expected.equals(buf.subarray(footer)))
    fail('CRC-64 mismatch (truncated or corrupt)', footer);
}

/** A failure while parsing as a SnapshotFormatError at `offset`, unless it is one. */
function formatError(what: string, offset: number, e: unknown): SnapshotFormatError {
  if (e instanceof SnapshotFormatError) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new SnapshotFormatError(`${what} (${why})`, offset, { cause: e });
}

/** The snapshot's body (footer excluded), a reader over it, and the loaded entries' clock. */
interface Input {
  readonly r: RdbReader;
  readonly body: Buffer;
  readonly lruClock: number;
}

function readDbs(input: Input, dbCount: number): Map<number, Db> {
  const r = input.r;
  const staged = new Map<number, Db>();
  let previous = -1;
  while (true) {
    const at = r.offset;
    let op: number;
    let index: number;
    try {
      op = r.byte();
      if (op === OP_EOF) break;
      if (op !== OP_DB) fail(`opcode 0x${op.toString(16)} where a database or the end belongs`, at);
      index = r.len();
    } catch (e) {
      throw formatError('truncated or malformed database header', at, e);
    }
    if (index >= dbCount) fail(`database ${index}, but the keyspace has ${dbCount}`, at);
    if (index <= previous) fail(`database ${index} after database ${previous}`, at);
    previous = index;
    staged.set(index, readDb(input, index));
  }
  if (r.offset !== input.body.length) fail('bytes after the end marker', r.offset);
  return staged;
}

/** One database's records, up to its end marker; a failure names its record's offset. */
function readDb(input: Input, index: number): Db {
  const r = input.r;
  const db = new Db(index);
  let at = r.offset;
  try {
    while (true) {
      at = r.offset;
      const flags = r.byte();
      if (flags === OP_DB_END) {
        const count = r.len();
        if (count !== db.size)
          fail(`database ${index} counts ${count} keys but holds ${db.size}`, at);
        return db;
      }
      if ((flags & ~FLAGS_ALL) !== 0) fail(`record flags 0x${flags.toString(16)}`, at);
      const key = r.string();
      if (!db.load(key, readEntry(input, flags))) fail('a key repeated in its database', at);
    }
  } catch (e) {
    throw formatError('truncated or malformed record', at, e);
  }
}

/** A record after its key: deadline, value (in the encoding written), order section. */
function readEntry(input: Input, flags: number): Entry {
  const r = input.r;
  const expireAt = (flags & HAS_EXPIRE) !== 0 ? readDeadline(r) : 0;
  const settings = COMPACT_TYPES.has(input.body[r.offset] ?? -1) ? KEEP_COMPACT : KEEP_BIG;
  const value = readObject(r, settings);
  const entry = new Entry(value, expireAt, input.lruClock);
  const form = flags & FORM_MASK;
  if (form !== 0) {
    if (typeof value !== 'string') throw new Error('a string form on a collection');
    entry.stringForm = FORMS[form] as StringForm;
  }
  if ((flags & HAS_ORDER) !== 0) readOrder(r, value);
  return entry;
}

function readDeadline(r: RdbReader): number {
  const b = r.take(8);
  const high = b.readUInt32LE(4);
  const ms = high * 2 ** 32 + b.readUInt32LE(0);
  if (high >= 2 ** 21 || ms === 0) throw new Error(`deadline ${ms} out of range`);
  return ms;
}

function readOrder(r: RdbReader, value: Value): void {
  const n = r.len();
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(r.len());
  const fits =
    value instanceof SetValue
      ? value.restorePickSlots(order)
      : value instanceof ZSetValue && value.restoreDictRanks(order);
  if (!fits) throw new Error(`an order section that does not fit its ${typeOf(value)}`);
}
