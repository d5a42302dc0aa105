/**
 * What the node driver needs from a network, kept small so that the simulator can plug
 * in its own: hand over the messages of a Ready, optionally push them out now.
 */
import type { GroupId, Message, NodeId } from '../raft/types.js';

export interface MessageTransport {
  /** Queues messages for their `to` nodes; cheap, may be called many times per turn. */
  send(ms: readonly Message[]): void;
  /** Writes what was queued now (e.g. after the node's group commit) instead of at turn end. */
  flush?(): void;
  close(): Promise<void> | void;
}

/** The receiving side's callbacks; none is ever called from inside send() or flush(). */
export interface TransportCallbacks {
  /** Messages of one read, in arrival order. Byte fields are views into receive buffers. */
  onMessages(messages: Message[]): void;
  /** Messages for `peer` were dropped (down, slow, unknown): call RawNode.reportUnreachable. */
  onUnreachable?(peer: NodeId): void;
  /** A snapshot's last chunk was written (ok) or its connection failed: RawNode.reportSnapshot. */
  onSnapshotStatus?(peer: NodeId, group: GroupId, ok: boolean): void;
}

/** pino's Logger satisfies this. */
export interface TransportLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** One peer's connection state and counters, for metrics and tests. */
export interface PeerStats {
  readonly id: NodeId;
  readonly address: PeerAddress | null;
  /** True when this node dials the peer (the lower id dials), false when it accepts. */
  readonly dials: boolean;
  readonly connected: boolean;
  /** Handshakes completed with this peer since the transport started. */
  readonly connections: number;
  /** Bytes waiting for the peer: socket buffer when connected, backlog when not. */
  readonly queuedBytes: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly framesSent: number;
  readonly framesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** Socket writes; one per peer per flush (the batching contract). */
  readonly writes: number;
  readonly messagesDropped: number;
  readonly snapshotsSent: number;
  readonly snapshotsFailed: number;
  readonly snapshotsReceived: number;
}
