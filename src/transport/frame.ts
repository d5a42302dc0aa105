/**
 * The bus wire format. Every frame is `u32 LE length | u8 type | body`, the length
 * counting the type byte and the body. The first frame each side sends is a Hello; its
 * layout never changes between versions (magic, version first), so a node can always
 * tell which protocol version its peer speaks and refuse the ones it does not.
 *
 *   Hello      magic "AKVB" | u8 version | u64 node id | u32 len + cluster id (UTF-8)
 *   Batch      u32 count | count x Raft message (raft/codec writeMessage; self-delimiting)
 *   SnapBegin  u32 stream | u64 data bytes | the MsgSnap with empty snapshot data
 *   SnapChunk  u32 stream | data bytes (the rest of the frame), in order
 */
import { Reader, Writer, readMessage, writeMessage } from '../raft/codec.js';
import { EMPTY_BYTES, type Message, type NodeId } from '../raft/types.js';

export const FrameType = { Hello: 1, Batch: 2, SnapBegin: 3, SnapChunk: 4 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const PROTOCOL_VERSION = 1;
const MAGIC = Uint8Array.from([0x41, 0x4b, 0x56, 0x42]); // "AKVB"
const CLUSTER_ID_BYTES_MAX = 256;
/** Bytes before a frame's body: length and type. */
export const FRAME_HEADER_BYTES = 5;

/** The peer broke the protocol; the connection is closed, the transport carries on. */
export class ProtocolError extends Error {}

export interface Hello {
  readonly version: number;
  readonly nodeId: NodeId;
  readonly clusterId: string;
}

function beginFrame(w: Writer, type: FrameType): number {
  const start = w.length;
  w.u32(0).u8(type);
  return start;
}

function endFrame(w: Writer, start: number): void {
  w.patchU32(start, w.length - start - 4);
}

export function writeHello(w: Writer, hello: Hello): void {
  const clusterId = Buffer.from(hello.clusterId, 'utf8');
  if (clusterId.length > CLUSTER_ID_BYTES_MAX) throw new RangeError('cluster id too long');
  const start = beginFrame(w, FrameType.Hello);
  w.raw(MAGIC).u8(hello.version).u64(hello.nodeId).bytesField(clusterId);
  endFrame(w, start);
}

/** Reads a Hello body; the version is checked by the caller, the rest only if it is ours. */
export function readHello(body: Uint8Array): Hello {
  const r = new Reader(body);
  const magic = r.raw(MAGIC.length);
  if (!magic.every((b, i) => b === MAGIC[i])) throw new ProtocolError('bad magic');
  const version = r.u8();
  if (version !== PROTOCOL_VERSION) return { version, nodeId: 0, clusterId: '' };
  const nodeId = r.u64();
  const clusterId = Buffer.from(r.bytesField()).toString('utf8');
  r.end();
  return { version, nodeId, clusterId };
}

export interface BatchBudget {
  readonly frameBytesMax: number;
  /** Bytes the writer may hold in all; a message that would pass it is dropped. */
  readonly writerBytesMax: number;
}

/**
 * Appends `messages` to `w` as Batch frames of at most `frameBytesMax`, each message
 * encoded straight into the writer. A message that exceeds the budget, or a frame on
 * its own, is left out and passed to `drop`. Returns the number of frames written.
 */
export function writeBatches(
  w: Writer,
  messages: readonly Message[],
  budget: BatchBudget,
  drop: (m: Message, tooLarge: boolean) => void,
): number {
  let frames = 0;
  let start = -1;
  let count = 0;
  for (const m of messages) {
    if (start < 0) {
      start = beginFrame(w, FrameType.Batch);
      w.u32(0);
      count = 0;
    }
    const mark = w.length;
    writeMessage(w, m);
    if (w.length > budget.writerBytesMax) {
      w.length = mark;
      drop(m, false);
    } else if (w.length - start - 4 <= budget.frameBytesMax) {
      count++;
    } else if (count === 0) {
      w.length = mark;
      drop(m, true);
    } else {
      // Close the full frame and retry the message at the head of a fresh one.
      w.length = mark;
      closeBatch(w, start, count);
      frames++;
      start = beginFrame(w, FrameType.Batch);
      w.u32(0);
      writeMessage(w, m);
      count = 1;
      const tooLarge = w.length - start - 4 > budget.frameBytesMax;
      if (tooLarge || w.length > budget.writerBytesMax) {
        w.length = mark;
        start = -1;
        drop(m, tooLarge);
      }
    }
  }
  if (start >= 0 && count > 0) {
    closeBatch(w, start, count);
    frames++;
  } else if (start >= 0) {
    w.length = start;
  }
  return frames;
}

function closeBatch(w: Writer, start: number, count: number): void {
  w.patchU32(start + FRAME_HEADER_BYTES, count);
  endFrame(w, start);
}

/** Decodes a Batch body, appending its messages to `out`; returns how many. */
export function readBatch(body: Uint8Array, out: Message[]): number {
  const r = new Reader(body);
  const count = r.u32();
  for (let i = 0; i < count; i++) out.push(readMessage(r));
  r.end();
  return count;
}

/** The frame that opens a snapshot stream: the message without its (large) data. */
export function writeSnapBegin(w: Writer, stream: number, m: Message): void {
  if (m.snapshot === null) throw new Error('writeSnapBegin: message has no snapshot');
  const start = beginFrame(w, FrameType.SnapBegin);
  w.u32(stream).u64(m.snapshot.data.length);
  writeMessage(w, { ...m, snapshot: { meta: m.snapshot.meta, data: EMPTY_BYTES } });
  endFrame(w, start);
}

export interface SnapBegin {
  readonly stream: number;
  readonly dataBytes: number;
  readonly message: Message;
}

export function readSnapBegin(body: Uint8Array): SnapBegin {
  const r = new Reader(body);
  const stream = r.u32();
  const dataBytes = r.u64();
  const message = readMessage(r);
  r.end();
  if (message.snapshot === null) throw new ProtocolError('snapshot stream without a snapshot');
  return { stream, dataBytes, message };
}

/** Length, type and stream id of a chunk frame whose `dataBytes` of data follow. */
export function snapChunkHeader(stream: number, dataBytes: number): Uint8Array {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4);
  header.writeUInt32LE(1 + 4 + dataBytes, 0);
  header[4] = FrameType.SnapChunk;
  header.writeUInt32LE(stream, 5);
  return header;
}

export function readSnapChunk(body: Uint8Array): { stream: number; data: Uint8Array } {
  if (body.length < 4) throw new ProtocolError('short snapshot chunk');
  return { stream: u32At(body, 0), data: body.subarray(4) };
}

function u32At(bytes: Uint8Array, off: number): number {
  const low = (bytes[off] as number) | ((bytes[off + 1] as number) << 8);
  return low + ((bytes[off + 2] as number) << 16) + (bytes[off + 3] as number) * 0x100_0000;
}

/**
 * Splits a byte stream into frames. Complete frames inside a received chunk are handed
 * out as views without copying; only a frame cut across chunks is assembled in its own
 * buffer, sized once its length is known.
 */
export class FrameReader {
  private partial: Uint8Array | null = null;
  private filled = 0;
  private readonly header = new Uint8Array(4);

  constructor(public frameBytesMax: number) {}

  /** Calls `onFrame` for each complete frame; throws ProtocolError on a bad length. */
  push(chunk: Uint8Array, onFrame: (type: number, body: Uint8Array) => void): void {
    let off = this.partial !== null || this.filled > 0 ? this.resume(chunk, onFrame) : 0;
    while (off >= 0 && chunk.length - off >= 4) {
      const length = this.lengthAt(chunk, off);
      const end = off + 4 + length;
      if (end > chunk.length) {
        this.partial = new Uint8Array(4 + length);
        this.partial.set(chunk.subarray(off));
        this.filled = chunk.length - off;
        return;
      }
      onFrame(chunk[off + 4] as number, chunk.subarray(off + 5, end));
      off = end;
    }
    if (off >= 0 && off < chunk.length) {
      this.header.set(chunk.subarray(off));
      this.filled = chunk.length - off;
    }
  }

  /** Continues a cut frame; returns where the chunk's next frame starts, -1 if none. */
  private resume(chunk: Uint8Array, onFrame: (type: number, body: Uint8Array) => void): number {
    let off = 0;
    if (this.partial === null) {
      const take = Math.min(4 - this.filled, chunk.length);
      this.header.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      off = take;
      if (this.filled < 4) return -1;
      this.partial = new Uint8Array(4 + this.lengthAt(this.header, 0));
      this.partial.set(this.header);
    }
    const frame = this.partial;
    const take = Math.min(frame.length - this.filled, chunk.length - off);
    frame.set(chunk.subarray(off, off + take), this.filled);
    this.filled += take;
    if (this.filled < frame.length) return -1;
    this.partial = null;
    this.filled = 0;
    onFrame(frame[4] as number, frame.subarray(5));
    return off + take;
  }

  private lengthAt(bytes: Uint8Array, off: number): number {
    const length = u32At(bytes, off);
    if (length < 1 || length > this.frameBytesMax) {
      throw new ProtocolError(`bad frame length ${length} (max ${this.frameBytesMax})`);
    }
    return length;
  }
}
