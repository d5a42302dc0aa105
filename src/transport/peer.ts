/**
 * What the transport keeps per peer: its address, its connection, the messages queued
 * this turn, the backlog while it is unreachable, outgoing snapshots and counters.
 */
import type { GroupId, Message, NodeId } from '../raft/types.js';
import type { Link } from './link.js';
import type { PeerAddress, PeerStats } from './message-transport.js';

export interface Counters {
  connections: number;
  bytesSent: number;
  bytesReceived: number;
  framesSent: number;
  framesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  writes: number;
  messagesDropped: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
}

/** Encoded frames waiting for a connection. */
interface Backlogged {
  readonly bytes: Uint8Array;
  readonly frames: number;
  readonly messages: number;
}

/** A MsgSnap being streamed: the begin frame, then chunks of `data` from `offset`. */
export interface OutgoingSnapshot {
  readonly message: Message;
  readonly group: GroupId;
  readonly data: Uint8Array;
  readonly stream: number;
  begun: boolean;
  offset: number;
  /** Status reported; later callbacks of its writes are ignored. */
  done: boolean;
}

export class Peer {
  /** Set by setPeer; a peer known only from its inbound connection is forgotten on close. */
  configured = false;
  removed = false;
  /** The connection whose handshake is done, used in both directions. */
  link: Link | null = null;
  /** Our outbound connection while it connects and handshakes. */
  dialing: Link | null = null;
  reconnectTimer: NodeJS.Timeout | null = null;
  /** Failed dial attempts in a row, for the backoff. */
  attempts = 0;
  /** Messages queued by send() since the last flush. */
  readonly pending: Message[] = [];
  dirty = false;
  private backlog: Backlogged[] = [];
  backlogBytes = 0;
  readonly snapshots: OutgoingSnapshot[] = [];
  private nextStream = 1;
  readonly counters: Counters = {
    connections: 0,
    bytesSent: 0,
    bytesReceived: 0,
    framesSent: 0,
    framesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    writes: 0,
    messagesDropped: 0,
    snapshotsSent: 0,
    snapshotsFailed: 0,
    snapshotsReceived: 0,
  };

  constructor(
    readonly id: NodeId,
    public address: PeerAddress | null,
    /** The lower id dials: true when our id is lower than the peer's. */
    readonly dials: boolean,
  ) {}

  /** Bytes queued for this peer, counted against peerOutboundBytesMax. */
  queuedBytes(): number {
    return this.link !== null ? this.link.socket.writableLength : this.backlogBytes;
  }

  /** Writes `bytes` (holding `frames` frames of `messages` messages) now or on connect. */
  write(bytes: Uint8Array, frames: number, messages: number): void {
    if (this.link === null) {
      this.backlog.push({ bytes, frames, messages });
      this.backlogBytes += bytes.length;
      return;
    }
    this.link.socket.write(bytes);
    this.countWrite(bytes.length, frames, messages);
  }

  /** Writes the backlog on a fresh connection, as one socket write. */
  writeBacklog(): void {
    if (this.link === null || this.backlog.length === 0) return;
    const socket = this.link.socket;
    let frames = 0;
    let messages = 0;
    socket.cork();
    for (const b of this.backlog) {
      socket.write(b.bytes);
      frames += b.frames;
      messages += b.messages;
    }
    socket.uncork();
    this.countWrite(this.backlogBytes, frames, messages);
    this.dropBacklog();
  }

  dropBacklog(): void {
    this.backlog = [];
    this.backlogBytes = 0;
  }

  countWrite(bytes: number, frames: number, messages: number): void {
    this.counters.writes++;
    this.counters.bytesSent += bytes;
    this.counters.framesSent += frames;
    this.counters.messagesSent += messages;
  }

  newSnapshot(message: Message, data: Uint8Array): OutgoingSnapshot {
    const stream = this.nextStream;
    this.nextStream = (this.nextStream + 1) % 0x1_0000_0000 || 1;
    return { message, group: message.group, data, stream, begun: false, offset: 0, done: false };
  }

  stats(): PeerStats {
    return {
      id: this.id,
      address: this.address,
      dials: this.dials,
      connected: this.link !== null,
      queuedBytes: this.queuedBytes(),
      ...this.counters,
    };
  }
}
