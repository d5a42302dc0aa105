/**
 * Every size and time limit of the transport, in one place, with the bus-port rule.
 */

export interface TransportLimits {
  /** Largest frame (type byte + body) sent or accepted once the handshake is done. */
  readonly frameBytesMax: number;
  /** Largest frame accepted before the handshake (a stranger cannot make us allocate). */
  readonly helloBytesMax: number;
  /**
   * Bytes of messages allowed to wait for one peer (socket buffer + backlog while it is
   * down); messages beyond are dropped and the peer reported unreachable.
   */
  readonly peerOutboundBytesMax: number;
  /** Snapshot data bytes per chunk frame; a new chunk is written only below this backlog. */
  readonly snapshotChunkBytes: number;
  /** Largest snapshot a receiver agrees to reassemble. */
  readonly snapshotBytesMax: number;
  /** First reconnect delay; doubled per failed attempt up to reconnectMaxMs. */
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  /** A connection must finish TCP connect + handshake within this time. */
  readonly handshakeTimeoutMs: number;
  /** TCP keep-alive probe delay, so a vanished peer is noticed without traffic. */
  readonly keepAliveMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: TransportLimits = {
  frameBytesMax: 16 * MiB,
  helloBytesMax: 4096,
  peerOutboundBytesMax: 64 * MiB,
  snapshotChunkBytes: 1 * MiB,
  snapshotBytesMax: 1024 * MiB,
  reconnectMinMs: 100,
  reconnectMaxMs: 5000,
  handshakeTimeoutMs: 5000,
  keepAliveMs: 10_000,
};

/** Bytes a frame needs besides a snapshot chunk's data: length, type, stream id. */
export const CHUNK_FRAME_OVERHEAD = 4 + 1 + 4;

/** Fills in defaults and checks that the limits fit together; throws on a bad set. */
export function resolveLimits(overrides: Partial<TransportLimits> = {}): TransportLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, v] of Object.entries(limits)) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`${name} must be > 0: ${v}`);
  }
  if (limits.frameBytesMax > 0xffff_ffff) throw new RangeError('frameBytesMax beyond u32');
  if (limits.snapshotChunkBytes + CHUNK_FRAME_OVERHEAD > limits.frameBytesMax) {
    throw new RangeError('snapshotChunkBytes does not fit in frameBytesMax');
  }
  if (limits.peerOutboundBytesMax < 2 * limits.snapshotChunkBytes) {
    // A snapshot keeps up to two chunks in the socket buffer; below this, every message
    // sent beside a snapshot would be dropped.
    throw new RangeError('peerOutboundBytesMax must be at least 2 * snapshotChunkBytes');
  }
  if (limits.reconnectMaxMs < limits.reconnectMinMs) {
    throw new RangeError('reconnectMaxMs must be >= reconnectMinMs');
  }
  return limits;
}

/** Redis Cluster's rule: the node-to-node bus listens on the client port + 10000. */
export function busPortFor(clientPort: number): number {
  const port = clientPort + 10000;
  if (!Number.isInteger(clientPort) || clientPort < 1 || port > 65535) {
    throw new RangeError(`no bus port for client port ${clientPort} (must be 1..55535)`);
  }
  return port;
}

/** Reconnect delay after `attempts` failed attempts in a row. */
export function backoffMs(limits: TransportLimits, attempts: number): number {
  return Math.min(limits.reconnectMaxMs, limits.reconnectMinMs * 2 ** Math.min(attempts, 30));
}
