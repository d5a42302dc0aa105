/**
 * Binary encodings of Raft's values: little-endian, fixed-width integers, byte strings
 * with a u32 length prefix. A message and a conf change start with a format version, so
 * a node can reject what it cannot read instead of misreading it. Terms, indices and
 * node ids travel as u64 but must be safe integers here.
 */
import {
  ConfChangeTransition,
  ConfChangeType,
  EntryType,
  MessageType,
  type ConfChange,
  type ConfChangeSingle,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Snapshot,
  type SnapshotMeta,
} from './types.js';

export const MESSAGE_FORMAT_VERSION = 1;
export const CONF_CHANGE_FORMAT_VERSION = 1;

const TWO_32 = 0x1_0000_0000;

/** Malformed or unsupported input; the reader stops at the first problem. */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

/** An append-only byte buffer that grows by doubling. */
export class Writer {
  private bytes: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.bytes[this.length++] = v;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
    return this;
  }

  /** A non-negative safe integer as u64. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a u64-safe integer: ${v}`);
    this.reserve(8);
    this.view.setUint32(this.length, v % TWO_32, true);
    this.view.setUint32(this.length + 4, Math.floor(v / TWO_32), true);
    this.length += 8;
    return this;
  }

  /** Overwrites a u32 written earlier (a length known only once its body is written). */
  patchU32(offset: number, v: number): void {
    this.view.setUint32(offset, v, true);
  }

  raw(b: Uint8Array): this {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** u32 length, then the bytes. */
  bytesField(b: Uint8Array): this {
    return this.u32(b.length).raw(b);
  }

  ids(list: readonly NodeId[]): this {
    this.u32(list.length);
    for (const id of list) this.u64(id);
    return this;
  }

  /** The written bytes (a view; valid until the next write). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** A copy of the written bytes that later writes do not disturb. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads what a Writer wrote; every read checks bounds and throws CodecError. */
export class Reader {
  private readonly view: DataView;
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new CodecError('truncated input', this.offset);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++] as number;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.offset, true);
    const hi = this.view.getUint32(this.offset + 4, true);
    if (hi >= 0x20_0000) throw new CodecError('u64 beyond 2^53', this.offset);
    this.offset += 8;
    return hi * TWO_32 + lo;
  }

  /** A view of the next n bytes (shares memory with the input). */
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  bytesField(): Uint8Array {
    return this.raw(this.u32());
  }

  ids(): NodeId[] {
    const n = this.u32();
    if (n * 8 > this.remaining) throw new CodecError('id list longer than input', this.offset);
    const out: NodeId[] = [];
    for (let i = 0; i < n; i++) out.push(this.u64());
    return out;
  }

  /** Fails unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new CodecError('trailing bytes', this.offset);
  }
}

/** The values of an enum-like constant as a lookup table, built once. */
function valuesOf<T extends number>(values: Record<string, T>): readonly (T | undefined)[] {
  const table: (T | undefined)[] = [];
  for (const v of Object.values(values)) table[v] = v;
  return table;
}

const ENTRY_TYPES = valuesOf(EntryType);
const MESSAGE_TYPES = valuesOf(MessageType);
const TRANSITIONS = valuesOf(ConfChangeTransition);
const CHANGE_TYPES = valuesOf(ConfChangeType);

function oneOf<T extends number>(r: Reader, table: readonly (T | undefined)[], what: string): T {
  const at = r.offset;
  const v = r.u8();
  const known = table[v];
  if (known === undefined) throw new CodecError(`unknown ${what} ${v}`, at);
  return known;
}

export function writeEntry(w: Writer, e: Entry): void {
  w.u64(e.term).u64(e.index).u8(e.type).bytesField(e.data);
}

export function readEntry(r: Reader): Entry {
  const term = r.u64();
  const index = r.u64();
  const type = oneOf(r, ENTRY_TYPES, 'entry type');
  return { term, index, type, data: r.bytesField() };
}

export function writeHardState(w: Writer, hs: HardState): void {
  w.u64(hs.term).u64(hs.vote).u64(hs.commit);
}

export function readHardState(r: Reader): HardState {
  return { term: r.u64(), vote: r.u64(), commit: r.u64() };
}

export function writeConfState(w: Writer, cs: ConfState): void {
  w.ids(cs.voters).ids(cs.learners).ids(cs.votersOutgoing).ids(cs.learnersNext);
  w.u8(cs.autoLeave ? 1 : 0);
}

export function readConfState(r: Reader): ConfState {
  const voters = r.ids();
  const learners = r.ids();
  const votersOutgoing = r.ids();
  const learnersNext = r.ids();
  return { voters, learners, votersOutgoing, learnersNext, autoLeave: r.u8() !== 0 };
}

export function writeSnapshotMeta(w: Writer, meta: SnapshotMeta): void {
  w.u64(meta.index).u64(meta.term);
  writeConfState(w, meta.confState);
}

export function readSnapshotMeta(r: Reader): SnapshotMeta {
  const index = r.u64();
  const term = r.u64();
  return { index, term, confState: readConfState(r) };
}

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;

export function writeMessage(w: Writer, m: Message): void {
  w.u8(MESSAGE_FORMAT_VERSION).u8(m.type);
  w.u8((m.reject ? FLAG_REJECT : 0) | (m.snapshot !== null ? FLAG_SNAPSHOT : 0));
  w.u32(m.group).u64(m.from).u64(m.to).u64(m.term).u64(m.logTerm).u64(m.index);
  w.u64(m.commit).u64(m.rejectHint).bytesField(m.context);
  w.u32(m.entries.length);
  for (const e of m.entries) writeEntry(w, e);
  if (m.snapshot !== null) {
    writeSnapshotMeta(w, m.snapshot.meta);
    w.bytesField(m.snapshot.data);
  }
}

export function readMessage(r: Reader): Message {
  const at = r.offset;
  const version = r.u8();
  if (version !== MESSAGE_FORMAT_VERSION) {
    throw new CodecError(`unsupported message format version ${version}`, at);
  }
  const type = oneOf(r, MESSAGE_TYPES, 'message type');
  const flags = r.u8();
  const group = r.u32();
  const from = r.u64();
  const to = r.u64();
  const term = r.u64();
  const logTerm = r.u64();
  const index = r.u64();
  const commit = r.u64();
  const rejectHint = r.u64();
  const context = r.bytesField();
  const count = r.u32();
  // Every entry takes at least 21 bytes: a count beyond that is a lie, not an allocation.
  if (count * 21 > r.remaining) throw new CodecError('entry count longer than input', r.offset);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) entries.push(readEntry(r));
  let snapshot: Snapshot | null = null;
  if ((flags & FLAG_SNAPSHOT) !== 0) {
    const meta = readSnapshotMeta(r);
    snapshot = { meta, data: r.bytesField() };
  }
  const reject = (flags & FLAG_REJECT) !== 0;
  return {
    type,
    group,
    from,
    to,
    term,
    logTerm,
    index,
    entries,
    commit,
    snapshot,
    reject,
    rejectHint,
    context,
  };
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new Writer(64 + m.entries.reduce((n, e) => n + 21 + e.data.length, 0));
  writeMessage(w, m);
  return w.finish();
}

/** Decodes one message that fills `bytes` exactly; byte fields are views into `bytes`. */
export function decodeMessage(bytes: Uint8Array): Message {
  const r = new Reader(bytes);
  const m = readMessage(r);
  r.end();
  return m;
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const w = new Writer(16 + cc.changes.length * 9 + cc.context.length);
  w.u8(CONF_CHANGE_FORMAT_VERSION).u8(cc.transition).u32(cc.changes.length);
  for (const c of cc.changes) w.u8(c.type).u64(c.node);
  w.bytesField(cc.context);
  return w.finish();
}

export function decodeConfChange(bytes: Uint8Array): ConfChange {
  const r = new Reader(bytes);
  const at = r.offset;
  const version = r.u8();
  if (version !== CONF_CHANGE_FORMAT_VERSION) {
    throw new CodecError(`unsupported conf change format version ${version}`, at);
  }
  const transition = oneOf(r, TRANSITIONS, 'conf change transition');
  const count = r.u32();
  if (count * 9 > r.remaining) throw new CodecError('change count longer than input', r.offset);
  const changes: ConfChangeSingle[] = [];
  for (let i = 0; i < count; i++) {
    changes.push({ type: oneOf(r, CHANGE_TYPES, 'conf change type'), node: r.u64() });
  }
  const context = r.bytesField();
  r.end();
  return { transition, changes, context };
}

function encodeWith<T>(write: (w: Writer, v: T) => void, v: T): Uint8Array {
  const w = new Writer(64);
  write(w, v);
  return w.finish();
}

function decodeWith<T>(read: (r: Reader) => T, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  const v = read(r);
  r.end();
  return v;
}

export const encodeEntry = (e: Entry): Uint8Array => encodeWith(writeEntry, e);
export const decodeEntry = (b: Uint8Array): Entry => decodeWith(readEntry, b);
export const encodeHardState = (hs: HardState): Uint8Array => encodeWith(writeHardState, hs);
export const decodeHardState = (b: Uint8Array): HardState => decodeWith(readHardState, b);
export const encodeConfState = (cs: ConfState): Uint8Array => encodeWith(writeConfState, cs);
export const decodeConfState = (b: Uint8Array): ConfState => decodeWith(readConfState, b);
export const encodeSnapshotMeta = (m: SnapshotMeta): Uint8Array => encodeWith(writeSnapshotMeta, m);
export const decodeSnapshotMeta = (b: Uint8Array): SnapshotMeta => decodeWith(readSnapshotMeta, b);
