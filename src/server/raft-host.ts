/**
 * A node's Raft machinery on real I/O: the MultiRaft driver over the write-ahead log in
 * `dir`, the TCP transport on the bus port, and the one timer that ticks every group
 * (and runs the everysec fsync).
 */
import { randomInt } from 'node:crypto';
import { MultiRaft } from '../replication/multi-raft.js';
import { WalStore } from '../replication/wal-store.js';
import type { RaftConfig } from '../raft/raw-node.js';
import type { NodeId } from '../raft/types.js';
import { NodeFileSystem } from '../storage/node-file-system.js';
import type { SyncPolicy } from '../storage/wal.js';
import type { PeerAddress } from '../transport/message-transport.js';
import { TcpTransport } from '../transport/tcp-transport.js';

export interface RaftHostOptions {
  readonly id: NodeId;
  readonly clusterId: string;
  readonly dir: string;
  readonly policy: SyncPolicy;
  /** Where this node's transport listens; none for a node without peers. */
  readonly bus: PeerAddress | null;
  /**
   * A bus that cannot be opened (port in use, or beyond 65535) is only a warning: a
   * lone node still serves, it just cannot be joined until restarted on a free port.
   */
  readonly busOptional?: boolean;
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  readonly tickMs: number;
  readonly raft: Omit<RaftConfig, 'id' | 'group' | 'storage' | 'random' | 'applied'>;
  readonly requestTimeoutTicks: number;
  readonly snapshotEntries: number;
  /** See MultiRaftOptions.quiesceAfterTicks. */
  readonly quiesceAfterTicks?: number;
  readonly logger: {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
  /** The node can no longer keep its durability promise (a failed fsync, say). */
  readonly onFatal: (err: Error) => void;
}

export class RaftHost {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly raft: MultiRaft,
    readonly store: WalStore,
    readonly transport: TcpTransport | null,
  ) {}

  static async start(o: RaftHostOptions): Promise<RaftHost> {
    const store = new WalStore({
      fs: new NodeFileSystem(),
      dir: o.dir,
      policy: o.policy,
      now: () => Date.now(),
      logger: (level, message) => o.logger[level](message),
    });
    let raft: MultiRaft | null = null;
    const transport = o.bus === null ? null : await RaftHost.openBus(o, o.bus, () => raft);
    raft = new MultiRaft({
      id: o.id,
      store,
      sender: transport ?? { send: () => {} },
      defer: setImmediate,
      random: (n) => randomInt(n),
      raft: o.raft,
      requestTimeoutTicks: o.requestTimeoutTicks,
      snapshotEntries: o.snapshotEntries,
      ...(o.quiesceAfterTicks !== undefined ? { quiesceAfterTicks: o.quiesceAfterTicks } : {}),
      onFatal: o.onFatal,
      logger: (level, message) => (level === 'debug' ? undefined : o.logger[level](message)),
    });
    const host = new RaftHost(raft, store, transport);
    host.timer = setInterval(() => host.tick(), o.tickMs);
    return host;
  }

  /** The transport on the bus port, or null when an optional bus cannot be opened. */
  private static async openBus(
    o: RaftHostOptions,
    bus: PeerAddress,
    raft: () => MultiRaft | null,
  ): Promise<TcpTransport | null> {
    const transport = new TcpTransport({
      nodeId: o.id,
      clusterId: o.clusterId,
      host: bus.host,
      port: bus.port,
      logger: o.logger,
      onMessages: (ms) => raft()?.receive(ms),
      onUnreachable: (peer) => raft()?.reportUnreachable(peer),
      onSnapshotStatus: (peer, group, ok) => raft()?.reportSnapshot(peer, group, ok),
    });
    try {
      await transport.listen();
    } catch (err) {
      await transport.close();
      if (o.busOptional !== true) throw err;
      o.logger.warn(
        `Cannot open the cluster bus on ${bus.host}:${bus.port} (${(err as Error).message}): ` +
          'serving alone; no node can join this one until it restarts with a free cluster-port',
      );
      return null;
    }
    for (const [id, address] of o.peers) transport.setPeer(id, address);
    return transport;
  }

  private tick(): void {
    this.raft.tick();
    this.store.syncIfDue();
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.raft.stop();
    await this.transport?.close();
    await new Promise<void>((resolve) => this.store.close(() => resolve()));
  }
}
