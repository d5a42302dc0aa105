/**
 * One TCP connection between two nodes: frames in, the handshake state, snapshot
 * reassembly and message checks. A peer that breaks the protocol loses this connection
 * only; the owner (the transport) decides everything that concerns peers.
 */
import type { Socket } from 'node:net';
import { CodecError } from '../raft/codec.js';
import type { Message, NodeId } from '../raft/types.js';
import {
  FrameReader,
  FrameType,
  ProtocolError,
  readBatch,
  readHello,
  readSnapBegin,
  readSnapChunk,
  type Hello,
} from './frame.js';
import type { TransportLimits } from './limits.js';
import type { TransportLogger } from './message-transport.js';
import type { Peer } from './peer.js';

export interface LinkOwner {
  readonly nodeId: NodeId;
  readonly limits: TransportLimits;
  readonly logger: TransportLogger;
  /** Binds the link to a peer (link.peer) or throws ProtocolError to refuse it. */
  onHello(link: Link, hello: Hello): void;
  onMessages(link: Link, messages: Message[]): void;
  onClosed(link: Link): void;
}

/** A snapshot whose chunks are arriving. */
interface IncomingSnapshot {
  readonly stream: number;
  readonly message: Message;
  readonly data: Buffer;
  filled: number;
}

export class Link {
  ready = false;
  /** Chunk writes of an outgoing snapshot not yet handed to the kernel. */
  snapshotWritesInFlight = 0;
  private readonly reader: FrameReader;
  private incoming: IncomingSnapshot | null = null;
  private batch: Message[] = [];
  /** Why the socket failed, if it did (for the owner's log line). */
  error: Error | null = null;

  constructor(
    readonly socket: Socket,
    /** The peer: known up front when we dial, set by the owner on the hello otherwise. */
    public peer: Peer | null,
    private readonly owner: LinkOwner,
  ) {
    this.reader = new FrameReader(owner.limits.helloBytesMax);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, owner.limits.keepAliveMs);
    socket.setTimeout(owner.limits.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.fail('handshake timed out'));
    // 'close' follows every error; the owner hears of it there.
    socket.on('error', (err) => {
      this.error = err;
    });
    socket.on('close', () => owner.onClosed(this));
  }

  describe(): string {
    const who = this.peer !== null ? `node ${this.peer.id}` : 'unidentified peer';
    return `${who} (${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'})`;
  }

  /** The handshake is done: lift the pre-handshake limits. */
  markReady(): void {
    this.ready = true;
    this.socket.setTimeout(0);
    this.reader.frameBytesMax = this.owner.limits.frameBytesMax;
  }

  /** Logs why and closes this connection. */
  fail(reason: string): void {
    if (this.socket.destroyed) return;
    this.owner.logger.warn(`transport: closing connection with ${this.describe()}: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.peer !== null && this.ready) this.peer.counters.bytesReceived += chunk.length;
    const out = this.batch;
    try {
      this.reader.push(chunk, (type, body) => this.onFrame(type, body, out));
    } catch (err) {
      if (!(err instanceof ProtocolError || err instanceof CodecError)) throw err;
      this.fail(err.message);
    }
    if (out.length === 0 || this.socket.destroyed) return;
    this.batch = [];
    this.owner.onMessages(this, out);
  }

  private onFrame(type: number, body: Uint8Array, out: Message[]): void {
    if (this.socket.destroyed) return;
    if (!this.ready) {
      if (type !== FrameType.Hello) throw new ProtocolError(`frame type ${type} before hello`);
      this.owner.onHello(this, readHello(body));
      return;
    }
    const peer = this.peer as Peer;
    peer.counters.framesReceived++;
    const before = out.length;
    switch (type) {
      case FrameType.Batch:
        readBatch(body, out);
        break;
      case FrameType.SnapBegin:
        this.onSnapBegin(body, out);
        break;
      case FrameType.SnapChunk:
        this.onSnapChunk(body, out);
        break;
      default:
        throw new ProtocolError(`unexpected frame type ${type}`);
    }
    for (let i = before; i < out.length; i++) this.check(out[i] as Message, peer.id);
    peer.counters.messagesReceived += out.length - before;
  }

  /** A message must come from the peer of this connection and be addressed to us. */
  private check(m: Message, from: NodeId): void {
    if (m.from !== from || m.to !== this.owner.nodeId) {
      throw new ProtocolError(`message from ${m.from} to ${m.to} on this connection`);
    }
  }

  private onSnapBegin(body: Uint8Array, out: Message[]): void {
    if (this.incoming !== null) throw new ProtocolError('snapshot stream already open');
    const { stream, dataBytes, message } = readSnapBegin(body);
    if (dataBytes > this.owner.limits.snapshotBytesMax) {
      throw new ProtocolError(`snapshot of ${dataBytes} bytes exceeds snapshotBytesMax`);
    }
    if (dataBytes === 0) {
      out.push(message);
      (this.peer as Peer).counters.snapshotsReceived++;
      return;
    }
    // Filled completely by the chunks before anyone sees it.
    this.incoming = { stream, message, data: Buffer.allocUnsafe(dataBytes), filled: 0 };
  }

  private onSnapChunk(body: Uint8Array, out: Message[]): void {
    const { stream, data } = readSnapChunk(body);
    const snap = this.incoming;
    if (snap === null || snap.stream !== stream) throw new ProtocolError(`no snapshot ${stream}`);
    if (snap.filled + data.length > snap.data.length) {
      throw new ProtocolError('snapshot chunks exceed the announced size');
    }
    snap.data.set(data, snap.filled);
    snap.filled += data.length;
    if (snap.filled < snap.data.length) return;
    this.incoming = null;
    const meta = (snap.message.snapshot as NonNullable<Message['snapshot']>).meta;
    out.push({ ...snap.message, snapshot: { meta, data: snap.data } });
    (this.peer as Peer).counters.snapshotsReceived++;
  }
}
