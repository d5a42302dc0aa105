// Helpers for the transport tests: nodes on 127.0.0.1 ephemeral ports that record what
// their transport reports, and message builders.
import type { TestContext } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import {
  EMPTY_BYTES,
  EntryType,
  MessageType,
  type Message,
  type NodeId,
} from '../../src/raft/types.js';
import { TcpTransport } from '../../src/transport/tcp-transport.js';
import type { TransportLimits } from '../../src/transport/limits.js';

export const HOST = '127.0.0.1';

export const FAST_RECONNECT: Partial<TransportLimits> = { reconnectMinMs: 10, reconnectMaxMs: 50 };

export interface NodeOptions {
  clusterId?: string;
  port?: number;
  limits?: Partial<TransportLimits>;
}

/** A listening transport that records everything it reports. */
export class TestNode {
  readonly t: TcpTransport;
  port = 0;
  readonly received: Message[] = [];
  /** onMessages calls. */
  deliveries = 0;
  readonly unreachable: NodeId[] = [];
  readonly snapshotStatuses: { peer: NodeId; group: number; ok: boolean }[] = [];
  readonly warnings: string[] = [];

  constructor(
    readonly id: NodeId,
    options: NodeOptions,
  ) {
    this.t = new TcpTransport({
      nodeId: id,
      clusterId: options.clusterId ?? 'test-cluster',
      host: HOST,
      port: options.port ?? 0,
      limits: { ...FAST_RECONNECT, ...options.limits },
      logger: { warn: (m) => this.warnings.push(m) },
      onMessages: (ms) => {
        this.deliveries++;
        this.received.push(...ms);
      },
      onUnreachable: (peer) => this.unreachable.push(peer),
      onSnapshotStatus: (peer, group, ok) => this.snapshotStatuses.push({ peer, group, ok }),
    });
  }
}

/** Starts a listening transport; it is closed when the test ends. */
export async function startNode(
  t: TestContext,
  id: NodeId,
  options: NodeOptions = {},
): Promise<TestNode> {
  const node = new TestNode(id, options);
  t.after(() => node.t.close());
  node.port = await node.t.listen();
  return node;
}

/** Tells every node every other node's address. */
export function connectAll(nodes: readonly TestNode[]): void {
  for (const a of nodes) {
    for (const b of nodes) if (a !== b) a.t.setPeer(b.id, { host: HOST, port: b.port });
  }
}

export async function waitFor(
  what: string,
  done: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function peerOf(node: TestNode, id: NodeId) {
  const stats = node.t.peers().find((p) => p.id === id);
  if (stats === undefined) throw new Error(`node ${node.id} has no peer ${id}`);
  return stats;
}

export async function allConnected(nodes: readonly TestNode[]): Promise<void> {
  await waitFor('all connected', () =>
    nodes.every((n) => n.t.peers().every((p) => p.connected) && n.t.peers().length > 0),
  );
}

/** A port on which nothing listens (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A MsgApp of `group` carrying one entry whose data names the message. */
export function appMessage(from: NodeId, to: NodeId, group: number, index: number): Message {
  const data = Buffer.from(`g${group}/i${index}/from${from}`, 'latin1');
  return {
    type: MessageType.App,
    group,
    from,
    to,
    term: 7,
    logTerm: 6,
    index,
    entries: [{ term: 7, index: index + 1, type: EntryType.Normal, data }],
    commit: index,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
  };
}

export function heartbeat(from: NodeId, to: NodeId, group: number): Message {
  return { ...appMessage(from, to, group, 0), type: MessageType.Heartbeat, entries: [] };
}

export function snapshotMessage(
  from: NodeId,
  to: NodeId,
  group: number,
  data: Uint8Array,
): Message {
  const confState = {
    voters: [from, to],
    learners: [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  };
  return {
    ...appMessage(from, to, group, 0),
    type: MessageType.Snap,
    entries: [],
    snapshot: { meta: { index: 1000, term: 7, confState }, data },
  };
}

/** What identifies a message in assertions (Buffers and Uint8Arrays compare equal here). */
export function describeMessage(m: Message): string {
  const data = m.entries.map((e) => Buffer.from(e.data).toString('latin1')).join(',');
  return `${m.type}:${m.group}:${m.from}->${m.to}:${m.index}:${data}`;
}
