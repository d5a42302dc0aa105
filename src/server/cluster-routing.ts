/**
 * Cluster routing, the dispatcher's step between "resolved" and "execute": where a
 * command may run given this node's place in its group.
 *
 * - On the leader, writes and node commands run here; a read waits for a ReadIndex
 *   round (batched: every read of an event-loop turn shares one) so that a leader that
 *   has been deposed without knowing it never serves stale data. A sole voter needs no
 *   round: nobody else can lead.
 * - On a follower, a keyed command (or a keyless write) answers `-MOVED <slot> <leader>`,
 *   or is forwarded to the leader with follower-proxy; READONLY clients read here;
 *   keyless reads and node commands run here. With no known leader: CLUSTERDOWN, and
 *   nothing is proposed, so nothing half-applies.
 * - In MULTI, a queued command that would be redirected is answered with the redirect
 *   and fails the transaction (Redis's flagTransaction); EXEC of data commands on a
 *   follower is redirected whole and discards the transaction.
 * - With follower-proxy, a follower queues MULTI's commands itself (so queueing errors
 *   answer as in Redis) and EXEC sends the transaction to the leader; WATCH is held on
 *   the leader over the client's own connection, which its EXEC then uses; a blocking
 *   command blocks on its own connection to the leader (see leader-proxy.ts).
 */
import type { Lookup } from '../commands/registry.js';
import { isWrite, keyIndexes } from '../commands/spec.js';
import { error, NULL_ARRAY, type ErrorReply, type Reply } from '../resp/reply.js';
import { keyHashSlot } from '../util/crc16.js';
import type { ClusterNode } from './cluster-node.js';
import type { Connection } from './connection.js';
import { execReply, PROXY_CLIENT_PREFIX, type LeaderProxy } from './leader-proxy.js';
import type { MultiState, Queued, Transactions } from './transactions.js';

type RunnableSpec = NonNullable<Lookup['spec']>;
type ReplyFn = (r: Reply) => void;

/** What routing needs of the server. */
export interface RoutedServer {
  readonly transactions: Transactions;
  readonly connections: ReadonlyMap<number, Connection>;
  /** Runs a resolved command on this node now. */
  runHere(spec: RunnableSpec, conn: Connection, argv: string[], reply: ReplyFn): void;
  /** Answers a command refused before it ran (counted as Redis counts rejections). */
  reject(err: ErrorReply, argv: readonly string[], reply: ReplyFn): void;
}

const TRYAGAIN_READ = error('TRYAGAIN The read could not be confirmed by a quorum in time');

interface HeldRead {
  readonly spec: RunnableSpec;
  readonly conn: Connection;
  readonly argv: string[];
  readonly reply: ReplyFn;
}

function slotOf(spec: RunnableSpec, argv: readonly string[]): number {
  const keys = keyIndexes(spec, argv);
  return keys.length === 0 ? 0 : keyHashSlot(argv[keys[0] as number] as string);
}

export class ClusterRouter {
  /** Reads of this turn, waiting for the ReadIndex round that starts at its end. */
  private held: HeldRead[] = [];
  private roundScheduled = false;

  constructor(
    private readonly node: ClusterNode,
    private readonly proxy: LeaderProxy | null,
    private readonly server: RoutedServer,
  ) {}

  /** True when routing took the command (answered, redirected, forwarded or held). */
  route(conn: Connection, spec: RunnableSpec, argv: string[], reply: ReplyFn): boolean {
    if (this.node.isLeader) {
      if (spec.node !== undefined || conn.multi !== null || isWrite(spec)) return false;
      if (this.node.soleVoter) return false;
      this.hold({ spec, conn, argv, reply });
      return true;
    }
    if (spec.node !== undefined) return this.routeNode(conn, spec, argv, reply);
    const write = isWrite(spec);
    if (!write && conn.readOnly) return false;
    const keys = keyIndexes(spec, argv);
    if (!write && keys.length === 0) return false;
    const slot = keys.length === 0 ? 0 : keyHashSlot(argv[keys[0] as number] as string);
    const target = this.node.leaderTarget();
    const proxy = this.proxyFor(conn);
    if (target !== null && proxy !== null) {
      // In MULTI it is queued here; EXEC runs the transaction on the leader.
      if (conn.multi !== null) return false;
      if (spec.flags.includes('blocking')) this.block(proxy, conn, target, argv, reply);
      else proxy.forward(conn, target, argv, reply);
      return true;
    }
    this.server.transactions.flag(conn);
    this.server.reject(this.node.redirectReply(slot), argv, reply);
    return true;
  }

  /** The proxy, when it may forward this client's commands. */
  private proxyFor(conn: Connection): LeaderProxy | null {
    const proxy = this.proxy;
    if (proxy === null || !proxy.enabled) return null;
    // What a proxy sent is answered, never forwarded again (no loops mid-election).
    return conn.name.startsWith(PROXY_CLIENT_PREFIX) ? null : proxy;
  }

  /** Node commands on a follower: the transaction commands may involve the leader. */
  private routeNode(conn: Connection, spec: RunnableSpec, argv: string[], reply: ReplyFn): boolean {
    switch (spec.name) {
      case 'exec':
        return this.exec(conn, reply);
      case 'discard':
        // DISCARD (in MULTI) also forgets the watched keys, held on the leader.
        if (conn.multi !== null) this.proxy?.unwatched(conn.id);
        return false;
      case 'watch':
        return this.watch(conn, spec, argv, reply);
      case 'unwatch':
        return this.proxy?.unwatch(conn, argv, reply) ?? false;
      default:
        return false;
    }
  }

  /** WATCH with follower-proxy: held on the leader, or CLUSTERDOWN when there is none. */
  private watch(conn: Connection, spec: RunnableSpec, argv: string[], reply: ReplyFn): boolean {
    const proxy = this.proxyFor(conn);
    if (conn.multi !== null || proxy === null) return false;
    const target = this.node.leaderTarget();
    if (target === null) {
      this.server.reject(this.node.redirectReply(slotOf(spec, argv)), argv, reply);
      return true;
    }
    proxy.watch(conn, target, argv, reply);
    return true;
  }

  /**
   * A blocking command on the client's own upstream connection. The client is blocked
   * here too: its later commands wait, and CLIENT UNBLOCK finds it.
   */
  private block(
    proxy: LeaderProxy,
    conn: Connection,
    target: string,
    argv: string[],
    reply: ReplyFn,
  ): void {
    conn.blocked = true;
    proxy.block(conn, target, argv, (r) => {
      conn.blocked = false;
      if (!conn.isClosed) reply(r);
    });
  }

  /** CLIENT UNBLOCK of a client blocked through the proxy. */
  unblock(connId: number, withError: boolean): boolean {
    const conn = this.server.connections.get(connId);
    return conn !== undefined && this.proxy !== null && conn.blocked
      ? this.proxy.unblock(connId, conn.proto, withError)
      : false;
  }

  /** The client went away or RESET: its upstream session (WATCH, blocked command) ends. */
  forget(connId: number): void {
    this.proxy?.forget(connId);
  }

  /**
   * EXEC on a follower. Queued data commands run on the leader: with follower-proxy the
   * whole transaction is forwarded (and must be when the client's WATCH is held there),
   * else it is redirected. A transaction of node commands alone runs here.
   */
  private exec(conn: Connection, reply: ReplyFn): boolean {
    const state = conn.multi;
    if (state === null) return false;
    const watching = this.proxy?.watching(conn.id) ?? false;
    if (state.aborted) {
      if (watching) this.proxy?.unwatched(conn.id);
      return false;
    }
    const hasData = state.queue.some((q: Queued) => q.spec.data !== undefined);
    if (!hasData && !watching) return false;
    const target = this.node.leaderTarget();
    // Keys watched here (before follower-proxy was on) cannot be checked on the leader.
    const local = this.server.transactions.watchesHere(conn);
    if (watching || (target !== null && this.proxyFor(conn) !== null && !local)) {
      this.proxyExec(conn, state.queue, target, reply);
      return true;
    }
    return this.redirectExec(conn, reply);
  }

  /**
   * The leader runs MULTI, the data commands (and SELECTs, which move them between
   * databases) and EXEC; node commands run here afterwards, in order, if it committed,
   * as a local EXEC runs them.
   */
  private proxyExec(
    conn: Connection,
    queue: readonly Queued[],
    target: string | null,
    reply: ReplyFn,
  ): void {
    this.server.transactions.discard(conn);
    const batch: string[][] = [['MULTI']];
    for (const q of queue) {
      if (q.spec.data !== undefined || q.spec.name === 'select') batch.push(q.argv);
    }
    batch.push(['EXEC']);
    (this.proxy as LeaderProxy).exec(conn, target, batch, (replies) => {
      const result = execReply(replies);
      if (!conn.isClosed) this.finishExec(conn, queue, result, reply);
    });
  }

  private finishExec(
    conn: Connection,
    queue: readonly Queued[],
    result: Reply,
    reply: ReplyFn,
  ): void {
    // A null EXEC (a watched key changed) is RESP3's null; a RESP2 client sees *-1.
    if (!Array.isArray(result)) {
      reply(result === null ? NULL_ARRAY : result);
      return;
    }
    const applied = result as readonly Reply[];
    const out: Reply[] = new Array<Reply>(queue.length).fill(null);
    let at = 0;
    let waiting = 1;
    const arrived = (): void => {
      if (--waiting === 0) reply(out);
    };
    queue.forEach(({ spec, argv }, i) => {
      if (spec.data !== undefined) {
        out[i] = applied[at++] ?? null;
        return;
      }
      // SELECT ran on the leader for the commands after it; it runs here for the session.
      if (spec.name === 'select') at++;
      waiting++;
      this.server.runHere(spec, conn, argv, (r) => {
        out[i] = r;
        arrived();
      });
    });
    arrived();
  }

  /** EXEC of queued data commands on a follower without the proxy: the leader must run it. */
  private redirectExec(conn: Connection, reply: ReplyFn): boolean {
    const state = conn.multi as MultiState;
    const first = state.queue.find((q: Queued) => q.spec.data !== undefined) as Queued;
    this.server.transactions.discard(conn);
    reply(this.node.redirectReply(slotOf(first.spec, first.argv)));
    return true;
  }

  private hold(read: HeldRead): void {
    this.held.push(read);
    if (this.roundScheduled) return;
    this.roundScheduled = true;
    // The round starts after every read that shares it has arrived (linearizability).
    setImmediate(() => this.startRound());
  }

  private startRound(): void {
    this.roundScheduled = false;
    const reads = this.held;
    this.held = [];
    if (!this.node.isLeader) {
      for (const r of reads) this.refuse(r);
      return;
    }
    this.node.group.read((err) => {
      for (const r of reads) {
        if (err === null) this.server.runHere(r.spec, r.conn, r.argv, r.reply);
        else this.refuse(r);
      }
    });
  }

  /** A read the leader could not confirm: redirect if leadership moved, else TRYAGAIN. */
  private refuse(r: HeldRead): void {
    const reply = this.node.isLeader
      ? TRYAGAIN_READ
      : this.node.redirectReply(slotOf(r.spec, r.argv));
    this.server.reject(reply, r.argv, r.reply);
  }
}
