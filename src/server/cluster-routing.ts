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
 */
import type { Lookup } from '../commands/registry.js';
import { isWrite, keyIndexes } from '../commands/spec.js';
import { error, type ErrorReply, type Reply } from '../resp/reply.js';
import { keyHashSlot } from '../util/crc16.js';
import type { ClusterNode } from './cluster-node.js';
import type { Connection } from './connection.js';
import { PROXY_CLIENT_PREFIX, type LeaderProxy } from './leader-proxy.js';
import type { Queued, Transactions } from './transactions.js';

type RunnableSpec = NonNullable<Lookup['spec']>;
type ReplyFn = (r: Reply) => void;

/** What routing needs of the server. */
export interface RoutedServer {
  readonly transactions: Transactions;
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
    if (spec.node !== undefined) return spec.name === 'exec' && this.redirectExec(conn, reply);
    const write = isWrite(spec);
    if (!write && conn.readOnly) return false;
    const keys = keyIndexes(spec, argv);
    if (!write && keys.length === 0) return false;
    const slot = keys.length === 0 ? 0 : keyHashSlot(argv[keys[0] as number] as string);
    const target = this.node.leaderTarget();
    if (target !== null && this.mayProxy(conn, spec)) {
      (this.proxy as LeaderProxy).forward(conn, target, argv, reply);
      return true;
    }
    this.server.transactions.flag(conn);
    this.server.reject(this.node.redirectReply(slot), argv, reply);
    return true;
  }

  private mayProxy(conn: Connection, spec: RunnableSpec): boolean {
    return (
      this.proxy !== null &&
      this.proxy.enabled &&
      conn.multi === null &&
      !spec.flags.includes('blocking') &&
      // What a proxy sent is answered, never forwarded again (no loops mid-election).
      !conn.name.startsWith(PROXY_CLIENT_PREFIX)
    );
  }

  /** EXEC of queued data commands on a follower: the leader must run it. */
  private redirectExec(conn: Connection, reply: ReplyFn): boolean {
    const state = conn.multi;
    if (state === null || state.aborted) return false;
    const first = state.queue.find((q: Queued) => q.spec.data !== undefined);
    if (first === undefined) return false;
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
