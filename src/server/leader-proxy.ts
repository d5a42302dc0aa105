/**
 * follower-proxy: a follower forwards a command it cannot serve to its leader over a
 * small pool of RESP connections and relays the reply. A client always uses the same
 * pooled connection, so its commands reach the leader in order and its replies come
 * back in order; the pooled connection follows the client's database with SELECT and
 * speaks the client's protocol (RESP2 or RESP3), so replies relay unchanged.
 */
import { error, type Reply } from '../resp/reply.js';
import { RespClient, type ReplyCallback } from './resp-client.js';

/** Client names of pooled connections: a node never proxies what a proxy sent it. */
export const PROXY_CLIENT_PREFIX = 'aikv-proxy-';

const LOST = error(
  'TRYAGAIN The connection to the leader was lost; the command may or may not have applied',
);
const UNREACHABLE = error('CLUSTERDOWN The leader cannot be reached');
const CONNECT_TIMEOUT_MS = 2000;
const ignore: ReplyCallback = () => undefined;

export interface LeaderProxyOptions {
  /** follower-proxy, read per command (CONFIG SET applies at once). */
  readonly enabled: () => boolean;
  /** Pooled connections per leader and protocol. */
  readonly connections: number;
  /** This node's id, in the pooled connections' names. */
  readonly nodeId: number;
  /** The password pooled connections authenticate with ('' = none). */
  readonly password: () => string;
}

/** One pooled connection; requests wait in order while it (re)connects. */
class ProxyLink {
  private client: RespClient | null = null;
  private connecting = false;
  private backlog: { argv: readonly string[]; done: ReplyCallback }[] = [];
  /** The database the requests sent so far leave selected. */
  private db = 0;
  private retired = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly proto: 2 | 3,
    private readonly o: LeaderProxyOptions,
  ) {}

  get idle(): boolean {
    return this.backlog.length === 0 && (this.client === null || this.client.pending === 0);
  }

  send(db: number, argv: readonly string[], done: ReplyCallback): void {
    if (db !== this.db) {
      this.raw(['SELECT', String(db)], ignore);
      this.db = db;
    }
    this.raw(argv, done);
  }

  /** Closes once its last reply is in. */
  retire(): void {
    this.retired = true;
    if (this.idle) this.client?.close();
  }

  private raw(argv: readonly string[], done: ReplyCallback): void {
    const client = this.client;
    if (client !== null && !client.closed) {
      client.send(argv, (r) => this.answered(r, done));
      return;
    }
    this.backlog.push({ argv, done });
    this.connect();
  }

  private answered(reply: Reply, done: ReplyCallback): void {
    done(reply);
    if (this.retired && this.idle) this.client?.close();
  }

  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    this.client = null;
    RespClient.connect(this.host, this.port, CONNECT_TIMEOUT_MS, LOST).then(
      (client) => this.connected(client),
      () => this.unreachable(),
    );
  }

  private connected(client: RespClient): void {
    this.connecting = false;
    this.client = client;
    client.onClose(() => {
      if (this.client === client) this.client = null;
      // A new connection starts in database 0; later requests SELECT from there.
      this.db = 0;
    });
    const hello = ['HELLO', String(this.proto)];
    const password = this.o.password();
    if (password !== '') hello.push('AUTH', 'default', password);
    hello.push('SETNAME', `${PROXY_CLIENT_PREFIX}${this.o.nodeId}`);
    client.send(hello, ignore);
    const backlog = this.backlog;
    this.backlog = [];
    for (const { argv, done } of backlog) client.send(argv, (r) => this.answered(r, done));
  }

  private unreachable(): void {
    this.connecting = false;
    this.db = 0;
    for (const { done } of this.backlog.splice(0)) done(UNREACHABLE);
  }
}

export class LeaderProxy {
  private links = new Map<string, ProxyLink[]>();
  private target = '';

  constructor(private readonly o: LeaderProxyOptions) {}

  get enabled(): boolean {
    return this.o.enabled();
  }

  /** Sends argv to the leader at `target` (host:port) in the client's db; relays the reply. */
  forward(
    client: { readonly id: number; readonly db: number; readonly proto: 2 | 3 },
    target: string,
    argv: readonly string[],
    reply: ReplyCallback,
  ): void {
    if (target !== this.target) this.retarget(target);
    const key = `${target}/${client.proto}`;
    let pool = this.links.get(key);
    if (pool === undefined) {
      const colon = target.lastIndexOf(':');
      const host = target.slice(0, colon);
      const port = Number(target.slice(colon + 1));
      pool = Array.from(
        { length: this.o.connections },
        () => new ProxyLink(host, port, client.proto, this.o),
      );
      this.links.set(key, pool);
    }
    (pool[client.id % pool.length] as ProxyLink).send(client.db, argv, reply);
  }

  /** The leader moved: connections to the old one close once their replies are in. */
  private retarget(target: string): void {
    this.target = target;
    for (const [key, pool] of this.links) {
      if (key.startsWith(`${target}/`)) continue;
      for (const link of pool) link.retire();
      this.links.delete(key);
    }
  }

  close(): void {
    for (const pool of this.links.values()) for (const link of pool) link.retire();
    this.links.clear();
  }
}
