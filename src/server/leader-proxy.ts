/**
 * follower-proxy: a follower forwards a command it cannot serve to its leader over a
 * small pool of RESP connections and relays the reply. A client always uses the same
 * pooled connection, so its commands reach the leader in order and its replies come
 * back in order; the pooled connection follows the client's database with SELECT and
 * speaks the client's protocol (RESP2 or RESP3), so replies relay unchanged.
 *
 * What holds state on the leader's side of a connection gets a connection of its own
 * (a session): a WATCH, until EXEC, DISCARD, UNWATCH or RESET ends it, and a blocking
 * command, which holds its connection until it is served. While a client has a session
 * all its forwarded commands use it, so they stay in order; the session closes once
 * nothing needs it and its last reply is in. A transaction without WATCH goes down a
 * pooled connection as MULTI, the queued commands and EXEC written contiguously, so no
 * other client's command falls inside it.
 */
import { error, isError, type Reply } from '../resp/reply.js';
import { RespClient, type ReplyCallback } from './resp-client.js';

/** Client names of pooled connections: a node never proxies what a proxy sent it. */
export const PROXY_CLIENT_PREFIX = 'aikv-proxy-';

const LOST = error(
  'TRYAGAIN The connection to the leader was lost; the command may or may not have applied',
);
const UNREACHABLE = error('CLUSTERDOWN The leader cannot be reached');
/** A session's connection went: nothing more is sent on it (its WATCH is gone). */
const SESSION_LOST = error(
  'TRYAGAIN The connection to the leader was lost; the command was not sent',
);
const CONNECT_TIMEOUT_MS = 2000;
/** CLIENT UNBLOCK may reach the leader before the blocking command parks: retry. */
const UNBLOCK_RETRY_MS = 10;
const UNBLOCK_TRIES_MAX = 200;
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

/** The client a request is forwarded for. */
export interface ProxyClient {
  readonly id: number;
  readonly db: number;
  readonly proto: 2 | 3;
}

/** The client id a HELLO reply names (RESP2 flat array or RESP3 map). */
function helloId(reply: Reply): number | null {
  let entries: readonly Reply[] = [];
  if (Array.isArray(reply)) entries = reply as readonly Reply[];
  else if (reply !== null && typeof reply === 'object' && 'kind' in reply && reply.kind === 'map') {
    entries = reply.entries;
  }
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const value = entries[i + 1];
    if (entries[i] === 'id' && typeof value === 'number') return value;
  }
  return null;
}

function splitTarget(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(':');
  return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
}

/**
 * One connection to the leader; requests wait in order while it connects. A pooled link
 * reconnects when its connection goes; a session's link never does (a new connection
 * would not hold the old one's WATCH): once gone, it answers SESSION_LOST.
 */
class ProxyLink {
  private client: RespClient | null = null;
  private connecting = false;
  private backlog: { argv: readonly string[]; done: ReplyCallback }[] = [];
  /** The database the requests sent so far leave selected (-1: unknown). */
  private db = 0;
  private retired = false;
  private dead = false;
  /** The leader's id for this connection (CLIENT UNBLOCK names it), once HELLO answered. */
  upstreamId: number | null = null;

  constructor(
    readonly target: string,
    private proto: 2 | 3,
    private readonly o: LeaderProxyOptions,
    private readonly dedicated: boolean,
  ) {}

  /** A client of a dedicated link switched protocol (HELLO): the link follows it. */
  speak(proto: 2 | 3): void {
    if (proto === this.proto) return;
    this.proto = proto;
    this.command(['HELLO', String(proto)], ignore);
  }

  get idle(): boolean {
    return this.backlog.length === 0 && (this.client === null || this.client.pending === 0);
  }

  send(db: number, argv: readonly string[], done: ReplyCallback): void {
    this.select(db);
    this.command(argv, done);
  }

  /** Sends `batch` back to back: nothing else is written between its requests. */
  sendAll(db: number, batch: readonly (readonly string[])[], done: (r: Reply[]) => void): void {
    this.select(db);
    const replies: Reply[] = [];
    let left = batch.length;
    batch.forEach((argv, i) =>
      this.command(argv, (r) => {
        replies[i] = r;
        if (--left === 0) done(replies);
      }),
    );
    // A SELECT inside a transaction may or may not have run: select again next time.
    if (batch.some((argv) => argv[0]?.toLowerCase() === 'select')) this.db = -1;
  }

  private select(db: number): void {
    if (db === this.db) return;
    this.command(['SELECT', String(db)], ignore);
    this.db = db;
  }

  /** Sends argv in whatever database the connection is in. */
  command(argv: readonly string[], done: ReplyCallback): void {
    if (this.dead) {
      done(SESSION_LOST);
      return;
    }
    const client = this.client;
    if (client !== null && !client.closed) {
      client.send(argv, (r) => this.answered(r, done));
      return;
    }
    this.backlog.push({ argv, done });
    this.connect();
  }

  /** Closes once its last reply is in. */
  retire(): void {
    this.retired = true;
    if (this.idle) this.close();
  }

  /** Closes at once; requests in flight are answered LOST. */
  close(): void {
    this.retired = true;
    this.client?.close();
  }

  private answered(reply: Reply, done: ReplyCallback): void {
    done(reply);
    if (this.retired && this.idle) this.client?.close();
  }

  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    this.client = null;
    const { host, port } = splitTarget(this.target);
    RespClient.connect(host, port, CONNECT_TIMEOUT_MS, LOST).then(
      (client) => this.connected(client),
      () => this.unreachable(),
    );
  }

  private connected(client: RespClient): void {
    this.connecting = false;
    if (this.retired && this.dedicated) {
      // Its client went while it connected: nothing of the session is sent.
      client.close();
      this.dead = true;
      for (const { done } of this.backlog.splice(0)) done(SESSION_LOST);
      return;
    }
    this.client = client;
    client.onClose(() => {
      if (this.client === client) this.client = null;
      // A new connection starts in database 0; later requests SELECT from there.
      this.db = 0;
      if (this.dedicated) this.dead = true;
    });
    const hello = ['HELLO', String(this.proto)];
    const password = this.o.password();
    if (password !== '') hello.push('AUTH', 'default', password);
    hello.push('SETNAME', `${PROXY_CLIENT_PREFIX}${this.o.nodeId}`);
    client.send(hello, (r) => (this.upstreamId = helloId(r)));
    const backlog = this.backlog;
    this.backlog = [];
    for (const { argv, done } of backlog) client.send(argv, (r) => this.answered(r, done));
  }

  private unreachable(): void {
    this.connecting = false;
    this.db = 0;
    if (this.dedicated) this.dead = true;
    for (const { done } of this.backlog.splice(0)) done(UNREACHABLE);
  }
}

/** A client's own connection to the leader, and what keeps it open. */
class Session {
  /** A WATCH was sent and no EXEC, DISCARD or UNWATCH since. */
  watching = false;
  /** A blocking command is in flight. */
  blocking = false;
  inflight = 0;
  /** Requests held until the client's requests on its pooled connection are answered. */
  readonly gated: (() => void)[] = [];

  constructor(readonly link: ProxyLink) {}

  get needed(): boolean {
    return this.watching || this.blocking || this.inflight > 0 || this.gated.length > 0;
  }
}

/** Sends on a link in the client's database; `done` gets what came back. */
type Send<T> = (link: ProxyLink, db: number, done: (r: T) => void) => void;

/** What a forwarded MULTI ... EXEC answers, from the replies to each request sent. */
export function execReply(replies: readonly Reply[]): Reply {
  if (replies.length === 0) return LOST;
  const exec = replies[replies.length - 1] as Reply;
  if (!isError(exec) || !exec.message.startsWith('EXECABORT')) return exec;
  // Redis's execCommandAbort: the cause a queued command met on the leader (a MOVED
  // after a leader change) is named, as it was never seen when it was queued here.
  const cause = replies.slice(0, -1).find(isError);
  return cause === undefined
    ? exec
    : error(`EXECABORT Transaction discarded because of: ${cause.message}`);
}

export class LeaderProxy {
  private links = new Map<string, ProxyLink[]>();
  private target = '';
  private readonly sessions = new Map<number, Session>();
  /** Requests each client has in flight on its pooled connection. */
  private readonly pooled = new Map<number, number>();

  constructor(private readonly o: LeaderProxyOptions) {}

  get enabled(): boolean {
    return this.o.enabled();
  }

  /** Whether the client's WATCH is held on the leader (its EXEC must go there). */
  watching(clientId: number): boolean {
    return this.sessions.get(clientId)?.watching === true;
  }

  /** Sends argv to the leader at `target` (host:port) in the client's db; relays the reply. */
  forward(
    client: ProxyClient,
    target: string,
    argv: readonly string[],
    reply: ReplyCallback,
  ): void {
    const session = this.sessions.get(client.id);
    const send: Send<Reply> = (link, db, done) => link.send(db, argv, done);
    if (session !== undefined) this.viaSession(client, session, send, reply, SESSION_LOST);
    else send(this.pooledLink(client, target), client.db, this.countPooled(client.id, reply));
  }

  /** WATCH: on the client's own connection, which EXEC will use too. */
  watch(client: ProxyClient, target: string, argv: readonly string[], reply: ReplyCallback): void {
    const session = this.session(client, target);
    session.watching = true;
    const send: Send<Reply> = (link, db, done) => link.send(db, argv, done);
    this.viaSession(client, session, send, reply, SESSION_LOST);
  }

  /** UNWATCH of a client watching through a session; false when there is none. */
  unwatch(client: ProxyClient, argv: readonly string[], reply: ReplyCallback): boolean {
    const session = this.sessions.get(client.id);
    if (session === undefined) return false;
    session.watching = false;
    const send: Send<Reply> = (link, db, done) => link.send(db, argv, done);
    this.viaSession(client, session, send, reply, SESSION_LOST);
    return true;
  }

  /** DISCARD, or an EXEC that aborted here: the watch ends with the session. */
  unwatched(clientId: number): void {
    const session = this.sessions.get(clientId);
    if (session === undefined) return;
    session.watching = false;
    this.settle(clientId, session);
  }

  /**
   * MULTI, queued commands, EXEC (`batch`) written contiguously: on the client's session
   * when it has one (its WATCH is there), else on its pooled connection to `target`.
   */
  exec(
    client: ProxyClient,
    target: string | null,
    batch: readonly (readonly string[])[],
    done: (replies: Reply[]) => void,
  ): void {
    const send: Send<Reply[]> = (link, db, answered) => link.sendAll(db, batch, answered);
    const session = this.sessions.get(client.id);
    if (session !== undefined) {
      session.watching = false;
      this.viaSession(
        client,
        session,
        send,
        done,
        batch.map(() => SESSION_LOST),
      );
    } else if (target === null) {
      done(batch.map(() => UNREACHABLE));
    } else {
      send(this.pooledLink(client, target), client.db, this.countPooled(client.id, done));
    }
  }

  /** A blocking command, on the client's session: it may hold its connection a long time. */
  block(client: ProxyClient, target: string, argv: readonly string[], reply: ReplyCallback): void {
    const session = this.session(client, target);
    session.blocking = true;
    const answered = (r: Reply): void => {
      session.blocking = false;
      reply(r);
    };
    const send: Send<Reply> = (link, db, done) => link.send(db, argv, done);
    this.viaSession(client, session, send, answered, SESSION_LOST);
  }

  /**
   * CLIENT UNBLOCK of a client blocked through the proxy: the leader unblocks it (the
   * blocked command answers as it would there). False when it is not blocked.
   */
  unblock(clientId: number, proto: 2 | 3, withError: boolean): boolean {
    const session = this.sessions.get(clientId);
    if (session === undefined || !session.blocking) return false;
    const control = new ProxyLink(session.link.target, proto, this.o, true);
    const attempt = (tries: number): void => {
      const id = session.link.upstreamId;
      if (!session.blocking || tries >= UNBLOCK_TRIES_MAX) {
        // Past the tries, closing the blocked command's connection unblocks it.
        if (session.blocking) session.link.close();
        control.retire();
        return;
      }
      const again = (): void => void setTimeout(() => attempt(tries + 1), UNBLOCK_RETRY_MS);
      if (id === null) {
        again();
        return;
      }
      const argv = ['CLIENT', 'UNBLOCK', String(id), ...(withError ? ['ERROR'] : [])];
      control.command(argv, (r) => (r === 1 ? control.retire() : again()));
    };
    attempt(0);
    return true;
  }

  /** The client went away or RESET: its session closes now (the leader drops its state). */
  forget(clientId: number): void {
    const session = this.sessions.get(clientId);
    if (session === undefined) return;
    this.sessions.delete(clientId);
    session.link.close();
  }

  private session(client: ProxyClient, target: string): Session {
    let session = this.sessions.get(client.id);
    if (session === undefined) {
      session = new Session(new ProxyLink(target, client.proto, this.o, true));
      this.sessions.set(client.id, session);
    }
    return session;
  }

  /**
   * Sends on the session once the client's pooled requests are answered, so that a
   * client's commands reach the leader in the order it sent them.
   */
  private viaSession<T>(
    client: ProxyClient,
    session: Session,
    send: Send<T>,
    reply: (r: T) => void,
    lost: T,
  ): void {
    const { db, proto } = client;
    session.inflight++;
    const answered = (r: T): void => {
      session.inflight--;
      reply(r);
      this.settle(client.id, session);
    };
    const go = (): void => {
      // Forgotten (the client went) while held: nothing is sent.
      if (this.sessions.get(client.id) !== session) {
        answered(lost);
        return;
      }
      session.link.speak(proto);
      send(session.link, db, answered);
    };
    if (session.gated.length > 0 || this.pooled.has(client.id)) session.gated.push(go);
    else go();
  }

  private settle(clientId: number, session: Session): void {
    if (session.needed || this.sessions.get(clientId) !== session) return;
    this.sessions.delete(clientId);
    session.link.retire();
  }

  private countPooled<T>(clientId: number, reply: (r: T) => void): (r: T) => void {
    this.pooled.set(clientId, (this.pooled.get(clientId) ?? 0) + 1);
    return (r) => {
      const left = (this.pooled.get(clientId) ?? 1) - 1;
      if (left > 0) this.pooled.set(clientId, left);
      else this.pooled.delete(clientId);
      reply(r);
      if (left <= 0) this.releaseGated(clientId);
    };
  }

  private releaseGated(clientId: number): void {
    const session = this.sessions.get(clientId);
    if (session === undefined) return;
    for (let go = session.gated.shift(); go !== undefined; go = session.gated.shift()) go();
  }

  private pooledLink(client: ProxyClient, target: string): ProxyLink {
    if (target !== this.target) this.retarget(target);
    const key = `${target}/${client.proto}`;
    let pool = this.links.get(key);
    if (pool === undefined) {
      pool = Array.from(
        { length: this.o.connections },
        () => new ProxyLink(target, client.proto, this.o, false),
      );
      this.links.set(key, pool);
    }
    return pool[client.id % pool.length] as ProxyLink;
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
    for (const id of [...this.sessions.keys()]) this.forget(id);
  }
}
