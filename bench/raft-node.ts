// One benchmark node in a process of its own, driven by bench/raft.ts over the IPC
// channel: start → started, leader? → leader, load → result, stop → exit.
import type { RaftGroup } from '../src/replication/multi-raft.js';
import type { RaftHost } from '../src/server/raft-host.js';
import { runLoad, startNode, type NodeSpec } from './raft-lib.js';

export type ParentMessage =
  | {
      readonly type: 'start';
      readonly spec: Omit<NodeSpec, 'ports'> & { readonly ports: [number, number][] };
    }
  | { readonly type: 'leader?' }
  | {
      readonly type: 'load';
      readonly concurrency: number;
      readonly seconds: number;
      readonly payloadBytes: number;
    }
  | { readonly type: 'stop' };

let node: { host: RaftHost; group: RaftGroup } | null = null;

function reply(message: object): void {
  process.send?.(message);
}

async function handle(m: ParentMessage): Promise<void> {
  switch (m.type) {
    case 'start':
      node = await startNode({ ...m.spec, ports: new Map(m.spec.ports) });
      return reply({ type: 'started' });
    case 'leader?':
      return reply({ type: 'leader', isLeader: node?.group.isLeader === true });
    case 'load':
      if (node === null) throw new Error('load before start');
      return reply({ type: 'result', result: await runLoad(node.group, m) });
    case 'stop':
      await node?.host.close();
      process.exit(0);
  }
}

process.on('message', (m: ParentMessage) => {
  handle(m).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
