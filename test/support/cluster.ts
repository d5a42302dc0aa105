/**
 * A group of real aikv-server processes for cluster tests: node 1 founds the group, the
 * others join it (cluster-join); each node keeps its ports and data directory across
 * kills and restarts, so a restarted node is the same member.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connectOnce, freePort, startServer, type RunningServer } from './server.js';

export interface TestNode {
  readonly id: number;
  readonly port: number;
  readonly busPort: number;
  readonly dir: string;
  server: RunningServer | null;
  paused: boolean;
}

/** A reply, or the error a command answered (its message is Redis's error line). */
export type Answer = unknown;

export interface ClusterOptions {
  /** cluster-node-timeout in ms (the election timeout). */
  readonly timeoutMs?: number;
  /** More arguments for every node. */
  readonly args?: readonly string[];
}

export class TestCluster {
  readonly nodes = new Map<number, TestNode>();
  private readonly root = mkdtempSync(join(tmpdir(), 'aikv-cluster-'));

  private constructor(private readonly options: ClusterOptions) {}

  /** Starts `size` nodes and waits until all are voters that see one leader. */
  static async start(size: number, options: ClusterOptions = {}): Promise<TestCluster> {
    const c = new TestCluster(options);
    for (let id = 1; id <= size; id++) await c.define(id);
    await c.startNode(1);
    await Promise.all([...c.nodes.keys()].filter((id) => id !== 1).map((id) => c.startNode(id)));
    await c.waitFormed(size);
    return c;
  }

  private async define(id: number): Promise<TestNode> {
    const node: TestNode = {
      id,
      port: await freePort(),
      busPort: await freePort(),
      dir: join(this.root, `node-${id}`),
      server: null,
      paused: false,
    };
    this.nodes.set(id, node);
    return node;
  }

  node(id: number): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** Starts (or restarts) a node on its ports and directory; all but node 1 join node 1. */
  async startNode(id: number, joinVia = 1): Promise<void> {
    const n = this.nodes.get(id) ?? (await this.define(id));
    const args = [
      '--node-id',
      String(id),
      '--cluster-port',
      String(n.busPort),
      '--cluster-node-timeout',
      String(this.options.timeoutMs ?? 300),
      ...(id === 1 ? [] : ['--cluster-join', `127.0.0.1:${this.node(joinVia).port}`]),
      ...(this.options.args ?? []),
    ];
    n.server = await startServer(args, { dir: n.dir, port: n.port });
    n.paused = false;
  }

  async kill(id: number): Promise<void> {
    const n = this.node(id);
    await n.server?.kill();
    n.server = null;
  }

  pause(id: number): void {
    const n = this.node(id);
    n.server?.process.kill('SIGSTOP');
    n.paused = true;
  }

  resume(id: number): void {
    const n = this.node(id);
    n.server?.process.kill('SIGCONT');
    n.paused = false;
  }

  /** Where a client goes after `err`: the node a MOVED names, else the next one in turn. */
  redirect(err: Error, current: number): number {
    const moved = /^MOVED \d+ 127\.0\.0\.1:(\d+)$/.exec(err.message);
    const port = moved === null ? 0 : Number(moved[1]);
    const next = [...this.nodes.values()].find((n) => n.port === port);
    return next?.id ?? (current % this.nodes.size) + 1;
  }

  /** Nodes that run and are not paused. */
  live(): number[] {
    return [...this.nodes.values()].filter((n) => n.server !== null && !n.paused).map((n) => n.id);
  }

  /** A connected client of one node; it never reconnects or retries on its own. */
  async client(id: number): Promise<Redis> {
    return connectOnce(this.node(id).port);
  }

  /** One command on a fresh connection: its reply, or the Error it answered. */
  async call(id: number, ...argv: (string | number)[]): Promise<Answer> {
    const r = await this.client(id);
    try {
      return await r.call(String(argv[0]), ...argv.slice(1).map(String));
    } catch (err) {
      return err;
    } finally {
      r.disconnect();
    }
  }

  /** The node that leads, as a live node's ROLE says; waits up to `timeoutMs`. */
  async leader(timeoutMs = 10_000, among = this.live()): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      for (const id of among) {
        const role = await this.call(id, 'ROLE').catch(() => null);
        if (Array.isArray(role) && role[0] === 'master') return id;
      }
      await sleep(20);
    }
    throw new Error(`no leader among ${among.join(',')} within ${timeoutMs} ms`);
  }

  /** Waits until the leader counts `size` voters it reaches, and every live node sees it. */
  async waitFormed(size: number, timeoutMs = 15_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const leader = await this.leader(Math.max(1, until - Date.now()));
      const nodes = await this.call(leader, 'CLUSTER', 'NODES');
      const lines = typeof nodes === 'string' ? nodes.trim().split('\n') : [];
      const voters = lines.filter((l) => !/nofailover|fail\?/.test(l));
      if (voters.length === size && (await this.agree(leader))) return leader;
      if (Date.now() > until) throw new Error(`group not formed:\n${String(nodes)}`);
      await sleep(50);
    }
  }

  private async agree(leader: number): Promise<boolean> {
    for (const id of this.live()) {
      const role = await this.call(id, 'ROLE');
      if (!Array.isArray(role)) return false;
      if (id !== leader && role[2] !== this.node(leader).port) return false;
    }
    return true;
  }

  /** DEBUG DIGEST of each node, once they agree (waits up to `timeoutMs`). */
  async sameDigest(ids = this.live(), timeoutMs = 10_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let digests: Answer[] = [];
    while (Date.now() < until) {
      digests = await Promise.all(ids.map((id) => this.call(id, 'DEBUG', 'DIGEST')));
      if (typeof digests[0] === 'string' && digests.every((d) => d === digests[0])) {
        return digests[0];
      }
      await sleep(50);
    }
    throw new Error(`digests differ: ${digests.map(String).join(' ')}`);
  }

  async close(): Promise<void> {
    for (const n of this.nodes.values()) {
      if (n.paused) this.resume(n.id);
      await n.server?.kill();
      n.server = null;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The message of an error reply, or '' for anything else. */
export function errorText(answer: Answer): string {
  return answer instanceof Error ? answer.message : '';
}
