/**
 * Raft messages of every group between nodes over TCP. One connection per pair of
 * nodes, dialed by the lower id and used in both directions; messages queued during a
 * turn leave in one socket write per peer; snapshots stream in chunks beside them.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writer } from '../raft/codec.js';
import { MessageType, NONE, type GroupId, type Message, type NodeId } from '../raft/types.js';
import {
  PROTOCOL_VERSION,
  ProtocolError,
  snapChunkHeader,
  writeBatches,
  writeHello,
  writeSnapBegin,
  type Hello,
} from './frame.js';
import { backoffMs, resolveLimits, type TransportLimits } from './limits.js';
import { Link, type LinkOwner } from './link.js';
import type {
  MessageTransport,
  PeerAddress,
  PeerStats,
  TransportCallbacks,
  TransportLogger,
} from './message-transport.js';
import { Peer, type OutgoingSnapshot } from './peer.js';

export interface TcpTransportOptions extends TransportCallbacks {
  readonly nodeId: NodeId;
  /** Nodes of other clusters are refused (a mis-wired address must not join). */
  readonly clusterId: string;
  /** The bus address to listen on (see busPortFor); port 0 picks a free port. */
  readonly host: string;
  readonly port: number;
  readonly logger?: TransportLogger;
  readonly limits?: Partial<TransportLimits>;
}

const SILENT: TransportLogger = { warn: () => {} };

/** Snapshot chunk writes allowed in the socket at once: one draining, one ready. */
const SNAPSHOT_WRITES_IN_FLIGHT_MAX = 2;

export class TcpTransport implements MessageTransport, LinkOwner {
  readonly nodeId: NodeId;
  readonly limits: TransportLimits;
  readonly logger: TransportLogger;
  /** Messages dropped because their `to` node is not a known peer. */
  unknownPeerDrops = 0;
  private readonly options: TcpTransportOptions;
  private readonly hello: Uint8Array;
  private readonly peerMap = new Map<NodeId, Peer>();
  private readonly links = new Set<Link>();
  private dirty: Peer[] = [];
  private flushHandle: NodeJS.Immediate | null = null;
  private notifyHandle: NodeJS.Immediate | null = null;
  private readonly unreachable = new Set<NodeId>();
  private snapshotStatuses: { peer: NodeId; group: GroupId; ok: boolean }[] = [];
  private server: Server | null = null;
  private closed = false;

  constructor(options: TcpTransportOptions) {
    if (!Number.isSafeInteger(options.nodeId) || options.nodeId <= NONE) {
      throw new RangeError(`bad node id ${options.nodeId}`);
    }
    this.options = options;
    this.nodeId = options.nodeId;
    this.limits = resolveLimits(options.limits);
    this.logger = options.logger ?? SILENT;
    const w = new Writer(64);
    writeHello(w, { version: PROTOCOL_VERSION, nodeId: this.nodeId, clusterId: options.clusterId });
    this.hello = w.finish();
  }

  /** Starts accepting connections; resolves with the bound port. */
  listen(): Promise<number> {
    if (this.server !== null) throw new Error('transport: listen() called twice');
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.warn(`transport: listener error: ${err.message}`));
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** The bound bus port (0 before listen() resolves). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Adds a peer or changes its address. We dial peers with a higher id; a null address
   * is allowed for a lower id (it dials us).
   */
  setPeer(id: NodeId, address: PeerAddress | null): void {
    if (!Number.isSafeInteger(id) || id <= NONE || id === this.nodeId) {
      throw new RangeError(`bad peer id ${id}`);
    }
    let peer = this.peerMap.get(id);
    if (peer === undefined) {
      peer = new Peer(id, address, this.nodeId < id);
      this.peerMap.set(id, peer);
    }
    peer.address = address;
    peer.configured = true;
    if (peer.dials && peer.link === null && peer.dialing === null) {
      if (peer.reconnectTimer !== null) clearTimeout(peer.reconnectTimer);
      peer.reconnectTimer = null;
      peer.attempts = 0;
      this.dial(peer);
    }
  }

  /** Forgets a peer: its connection closes, queued messages and snapshots are dropped. */
  removePeer(id: NodeId): void {
    const peer = this.peerMap.get(id);
    if (peer === undefined) return;
    this.peerMap.delete(id);
    peer.removed = true;
    if (peer.reconnectTimer !== null) clearTimeout(peer.reconnectTimer);
    peer.reconnectTimer = null;
    this.failSnapshots(peer);
    peer.dropBacklog();
    peer.link?.socket.destroy();
    peer.dialing?.socket.destroy();
    peer.link = null;
    peer.dialing = null;
  }

  send(ms: readonly Message[]): void {
    if (this.closed) return;
    for (const m of ms) {
      const peer = this.peerMap.get(m.to);
      if (peer === undefined) {
        this.dropForUnknownPeer(m);
        continue;
      }
      if (m.type === MessageType.Snap && m.snapshot !== null) this.queueSnapshot(peer, m);
      else peer.pending.push(m);
      if (!peer.dirty) {
        peer.dirty = true;
        this.dirty.push(peer);
      }
    }
    if (this.dirty.length > 0 && this.flushHandle === null) {
      this.flushHandle = setImmediate(this.flushAtTurnEnd);
    }
  }

  /** Writes everything queued: one socket write per peer. */
  flush(): void {
    if (this.flushHandle !== null) clearImmediate(this.flushHandle);
    this.flushHandle = null;
    const dirty = this.dirty;
    this.dirty = [];
    for (const peer of dirty) this.flushPeer(peer);
  }

  /** Every known peer, by ascending id. */
  peers(): PeerStats[] {
    return [...this.peerMap.values()].sort((a, b) => a.id - b.id).map((p) => p.stats());
  }

  /** Closes the listener and every connection; queued messages are discarded. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.flushHandle !== null) clearImmediate(this.flushHandle);
    if (this.notifyHandle !== null) clearImmediate(this.notifyHandle);
    for (const peer of this.peerMap.values()) {
      if (peer.reconnectTimer !== null) clearTimeout(peer.reconnectTimer);
    }
    for (const link of this.links) link.socket.destroy();
    const server = this.server;
    if (server === null) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  // ---- LinkOwner ----

  onHello(link: Link, hello: Hello): void {
    if (hello.version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `unsupported protocol version ${hello.version} (this node speaks ${PROTOCOL_VERSION})`,
      );
    }
    if (hello.clusterId !== this.options.clusterId) {
      throw new ProtocolError(
        `cluster id mismatch: peer is in "${hello.clusterId}", this node in "${this.options.clusterId}"`,
      );
    }
    if (link.peer === null) this.adoptInbound(link, hello.nodeId);
    else if (hello.nodeId !== link.peer.id) {
      throw new ProtocolError(`dialed node ${link.peer.id} but reached node ${hello.nodeId}`);
    }
    this.bind(link);
  }

  onMessages(_link: Link, messages: Message[]): void {
    if (!this.closed) this.options.onMessages(messages);
  }

  onClosed(link: Link): void {
    this.links.delete(link);
    const peer = link.peer;
    if (peer === null || this.closed) return;
    if (peer.dialing === link) {
      peer.dialing = null;
      if (peer.attempts === 0) {
        const reason = link.error?.message ?? 'closed during handshake';
        this.logger.warn(`transport: cannot connect to node ${peer.id}: ${reason}; retrying`);
      }
      this.scheduleReconnect(peer);
      return;
    }
    if (peer.link !== link) return;
    this.detach(peer);
    this.logger.info?.(`transport: connection with node ${peer.id} lost`);
    if (peer.dials) this.scheduleReconnect(peer);
    else if (!peer.configured && !peer.removed) this.removePeer(peer.id);
  }

  // ---- connections ----

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.links.add(new Link(socket, null, this));
    socket.write(this.hello);
  }

  private dial(peer: Peer): void {
    if (this.closed || peer.removed || peer.address === null) return;
    const socket = connect({ host: peer.address.host, port: peer.address.port });
    const link = new Link(socket, peer, this);
    this.links.add(link);
    peer.dialing = link;
    socket.once('connect', () => socket.write(this.hello));
  }

  private scheduleReconnect(peer: Peer): void {
    if (this.closed || peer.removed || !peer.dials || peer.reconnectTimer !== null) return;
    const delay = backoffMs(this.limits, peer.attempts++);
    peer.reconnectTimer = setTimeout(() => {
      peer.reconnectTimer = null;
      if (peer.link === null && peer.dialing === null) this.dial(peer);
    }, delay);
  }

  /** An inbound connection said who it is: find or create its peer, replace an old link. */
  private adoptInbound(link: Link, id: NodeId): void {
    if (id === this.nodeId) throw new ProtocolError('peer claims this node id');
    if (id <= NONE || id > this.nodeId) {
      throw new ProtocolError(`node ${id} dialed node ${this.nodeId}, but the lower id dials`);
    }
    let peer = this.peerMap.get(id);
    if (peer === undefined) {
      peer = new Peer(id, null, false);
      this.peerMap.set(id, peer);
    }
    const old = peer.link;
    if (old !== null) {
      // The peer restarted, or its old connection is half-dead: the newest one wins.
      this.logger.info?.(`transport: node ${id} reconnected; replacing its old connection`);
      this.detach(peer);
      old.socket.destroy();
    }
    link.peer = peer;
  }

  private bind(link: Link): void {
    const peer = link.peer as Peer;
    link.markReady();
    peer.link = link;
    if (peer.dialing === link) peer.dialing = null;
    peer.attempts = 0;
    peer.counters.connections++;
    this.logger.info?.(`transport: connected with node ${peer.id}`);
    peer.writeBacklog();
    this.pumpSnapshots(peer);
  }

  /** The peer's connection is gone: what was in flight is lost, tell Raft. */
  private detach(peer: Peer): void {
    peer.link = null;
    this.failSnapshots(peer);
    this.notifyUnreachable(peer.id);
  }

  // ---- sending ----

  private readonly flushAtTurnEnd = (): void => {
    this.flushHandle = null;
    this.flush();
  };

  private flushPeer(peer: Peer): void {
    peer.dirty = false;
    if (peer.removed) {
      this.dropPending(peer, peer.pending.length);
      return;
    }
    if (peer.pending.length > 0) this.writeMessages(peer);
    this.pumpSnapshots(peer);
  }

  private writeMessages(peer: Peer): void {
    const messages = peer.pending;
    const room = this.limits.peerOutboundBytesMax - peer.queuedBytes();
    if (room <= 0) {
      this.dropPending(peer, messages.length);
      return;
    }
    const w = new Writer(Math.min(estimateBytes(messages), room));
    let dropped = 0;
    const budget = { frameBytesMax: this.limits.frameBytesMax, writerBytesMax: room };
    const frames = writeBatches(w, messages, budget, (m, tooLarge) => {
      dropped++;
      if (tooLarge) this.logger.warn(`transport: dropped a message to ${m.to} above frameBytesMax`);
    });
    const sent = messages.length - dropped;
    this.dropPending(peer, dropped);
    if (frames > 0) peer.write(w.written(), frames, sent);
  }

  /** Counts `dropped` messages as lost and clears the turn's queue. */
  private dropPending(peer: Peer, dropped: number): void {
    peer.pending.length = 0;
    if (dropped === 0) return;
    peer.counters.messagesDropped += dropped;
    this.notifyUnreachable(peer.id);
  }

  private dropForUnknownPeer(m: Message): void {
    if (m.to === this.nodeId) throw new Error('transport: a message to this node itself');
    this.unknownPeerDrops++;
    this.notifyUnreachable(m.to);
    if (m.type === MessageType.Snap) this.notifySnapshot(m.to, m.group, false);
  }

  // ---- snapshots ----

  private queueSnapshot(peer: Peer, m: Message): void {
    const snapshot = m.snapshot;
    if (snapshot === null) return;
    if (peer.link === null) {
      // Holding a large image for a peer that may stay down helps nobody: Raft retries.
      peer.counters.snapshotsFailed++;
      this.notifySnapshot(peer.id, m.group, false);
      return;
    }
    peer.snapshots.push(peer.newSnapshot(m, snapshot.data));
  }

  /** Writes the current snapshot's next pieces while few of its writes are in flight. */
  private pumpSnapshots(peer: Peer): void {
    const link = peer.link;
    if (link === null) return;
    while (link.snapshotWritesInFlight < SNAPSHOT_WRITES_IN_FLIGHT_MAX) {
      const snap = peer.snapshots[0];
      // Past its last piece, a snapshot waits for that write to complete.
      if (snap === undefined || (snap.begun && snap.offset === snap.data.length)) return;
      this.writeSnapshotPiece(peer, link, snap);
    }
  }

  private writeSnapshotPiece(peer: Peer, link: Link, snap: OutgoingSnapshot): void {
    let parts: Uint8Array[];
    if (!snap.begun) {
      const w = new Writer(256);
      writeSnapBegin(w, snap.stream, snap.message);
      snap.begun = true;
      parts = [w.written()];
    } else {
      const n = Math.min(this.limits.snapshotChunkBytes, snap.data.length - snap.offset);
      const chunk = snap.data.subarray(snap.offset, snap.offset + n);
      snap.offset += n;
      parts = [snapChunkHeader(snap.stream, n), chunk];
    }
    const last = snap.offset === snap.data.length;
    const socket = link.socket;
    link.snapshotWritesInFlight++;
    socket.cork();
    let bytes = 0;
    for (const [i, part] of parts.entries()) {
      bytes += part.length;
      if (i < parts.length - 1) socket.write(part);
      else socket.write(part, (err) => this.onSnapshotWritten(peer, link, snap, last, err));
    }
    socket.uncork();
    peer.countWrite(bytes, 1, 0);
  }

  private onSnapshotWritten(
    peer: Peer,
    link: Link,
    snap: OutgoingSnapshot,
    last: boolean,
    err: Error | null | undefined,
  ): void {
    link.snapshotWritesInFlight--;
    // A failed write closes the connection, whose handler reports the failure.
    if (err != null || snap.done) return;
    if (last) {
      snap.done = true;
      peer.snapshots.shift();
      peer.counters.snapshotsSent++;
      peer.counters.messagesSent++;
      this.notifySnapshot(peer.id, snap.group, true);
    }
    this.pumpSnapshots(peer);
  }

  private failSnapshots(peer: Peer): void {
    for (const snap of peer.snapshots) {
      if (snap.done) continue;
      snap.done = true;
      peer.counters.snapshotsFailed++;
      this.notifySnapshot(peer.id, snap.group, false);
    }
    peer.snapshots.length = 0;
  }

  // ---- callbacks, always from a turn of their own ----

  private notifyUnreachable(peer: NodeId): void {
    this.unreachable.add(peer);
    this.scheduleNotify();
  }

  private notifySnapshot(peer: NodeId, group: GroupId, ok: boolean): void {
    this.snapshotStatuses.push({ peer, group, ok });
    this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.notifyHandle === null && !this.closed) {
      this.notifyHandle = setImmediate(this.deliverNotifications);
    }
  }

  private readonly deliverNotifications = (): void => {
    this.notifyHandle = null;
    const statuses = this.snapshotStatuses;
    this.snapshotStatuses = [];
    const unreachable = [...this.unreachable].sort((a, b) => a - b);
    this.unreachable.clear();
    for (const s of statuses) this.options.onSnapshotStatus?.(s.peer, s.group, s.ok);
    for (const id of unreachable) this.options.onUnreachable?.(id);
  };
}

/** A starting size for a batch's writer, so that encoding rarely regrows it. */
function estimateBytes(messages: readonly Message[]): number {
  let bytes = 64;
  for (const m of messages) {
    bytes += 96 + m.context.length;
    for (const e of m.entries) bytes += 21 + e.data.length;
  }
  return bytes;
}
