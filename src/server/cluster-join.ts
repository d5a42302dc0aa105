/**
 * cluster-join: a new node asks a member (by its client port) to add it with CLUSTER
 * ADDNODE, following a MOVED to the leader, and retries with progress logs until it is
 * added. Then it learns every member's bus address from CLUSTER NODES, so it can dial
 * the members it must dial (the lower id dials) before its log brings the directory.
 */
import { parseClusterNodes } from '../commands/cluster.js';
import { isError, type Reply } from '../resp/reply.js';
import type { ClusterNode } from './cluster-node.js';
import { RespClient } from './resp-client.js';

export interface JoinOptions {
  readonly node: ClusterNode;
  readonly target: { readonly host: string; readonly port: number };
  readonly retryMs: number;
  readonly stopped: () => boolean;
  readonly logger: { info(message: string): void; warn(message: string): void };
}

/** host:port as CLUSTER NODES and MOVED print it. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const colon = text.lastIndexOf(':');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: text.slice(0, colon), port };
}

function replyText(r: Reply): string {
  if (isError(r)) return r.message;
  return typeof r === 'object' && r !== null && 'value' in r ? String(r.value) : String(r);
}

/** Resolves once this node is a member (its ADDNODE answered OK). */
export async function joinGroup(o: JoinOptions): Promise<void> {
  let target = o.target;
  for (let attempt = 1; !o.stopped(); attempt++) {
    const where = `${target.host}:${target.port}`;
    let reply: Reply;
    try {
      reply = await ask(o.node, target);
    } catch (err) {
      o.logger.warn(
        `Join: cannot reach ${where} (${(err as Error).message}); attempt ${attempt}, retrying`,
      );
      await sleep(o.retryMs);
      continue;
    }
    const text = replyText(reply);
    if (text === 'OK') {
      o.logger.info(`Join: node ${o.node.id} was added to the group by ${where}; catching up`);
      return;
    }
    const moved = /^MOVED \d+ (\S+)$/.exec(text);
    const leader = moved === null ? null : parseHostPort(moved[1] as string);
    if (leader !== null) {
      o.logger.info(`Join: ${where} is not the leader; asking ${leader.host}:${leader.port}`);
      target = leader;
      continue;
    }
    o.logger.warn(`Join: ${where} answered "${text}"; attempt ${attempt}, retrying`);
    await sleep(o.retryMs);
  }
}

/** One attempt: ADDNODE, then (once added) the members' addresses from CLUSTER NODES. */
async function ask(
  node: ClusterNode,
  target: { readonly host: string; readonly port: number },
): Promise<Reply> {
  const client = await RespClient.connect(target.host, target.port, 2000);
  try {
    const { host, port, busPort } = node.self;
    const reply = await client.call([
      'CLUSTER',
      'ADDNODE',
      String(node.id),
      host,
      String(port),
      String(busPort),
    ]);
    if (replyText(reply) !== 'OK') return reply;
    const nodes = await client.call(['CLUSTER', 'NODES']);
    const text = typeof nodes === 'object' && nodes !== null && 'text' in nodes ? nodes.text : '';
    for (const m of parseClusterNodes(typeof nodes === 'string' ? nodes : text)) {
      node.knowPeer(m.id, m);
    }
    return reply;
  } finally {
    client.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
