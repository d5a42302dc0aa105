// Commit throughput and latency of one Raft group with 1, 3 and 5 replicas on the real
// WAL with fsync: all nodes in this process over loopback TCP, and each node in a
// process of its own. A closed loop of `--concurrency` proposals of `--payload` bytes
// runs on the leader. As anchors from the same run: redis-server with appendonly yes and
// the same fsync policy under redis-benchmark SET at the same concurrency, and the
// disk's own fdatasync rate.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { NodeId } from '../src/raft/types.js';
import type { SyncPolicy } from '../src/storage/wal.js';
import {
  ROOT,
  barChartSvg,
  formatNumber,
  freePort,
  machineLines,
  markdownTable,
  redisBenchmark,
  runMain,
  startServer,
  textTable,
  type Bar,
} from './lib.js';
import { RaftHost } from '../src/server/raft-host.js';
import { TICK_MS, runLoad, startNode, waitLeader, type LoadResult } from './raft-lib.js';
import type { ParentMessage } from './raft-node.js';

interface Options {
  replicas: number[];
  modes: ('inproc' | 'procs')[];
  policy: SyncPolicy;
  concurrency: number;
  seconds: number;
  payloadBytes: number;
  idleGroups: number;
  svgPath: string | undefined;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '1,3,5' },
      modes: { type: 'string', default: 'inproc,procs' },
      policy: { type: 'string', default: 'always' },
      concurrency: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '5' },
      payload: { type: 'string', default: '100' },
      'idle-groups': { type: 'string', default: '1000' },
      svg: { type: 'string', default: join(ROOT, 'bench', 'out', 'raft.svg') },
      'no-svg': { type: 'boolean', default: false },
    },
  });
  const policy = values.policy as SyncPolicy;
  if (!['always', 'everysec', 'no'].includes(policy)) throw new Error(`bad --policy ${policy}`);
  return {
    replicas: values.replicas.split(',').map(Number),
    modes: values.modes.split(',') as Options['modes'],
    policy,
    concurrency: Number(values.concurrency),
    seconds: Number(values.seconds),
    payloadBytes: Number(values.payload),
    idleGroups: Number(values['idle-groups']),
    svgPath: values['no-svg'] ? undefined : values.svg,
  };
}

const ids = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => i + 1);

async function inProcess(n: number, o: Options, root: string): Promise<LoadResult> {
  const nodes = await Promise.all(
    ids(n).map((id) =>
      startNode({
        id,
        voters: ids(n),
        dir: join(root, `n${id}`),
        policy: o.policy,
        ports: new Map([[id, 0]]),
      }),
    ),
  );
  for (const a of nodes) {
    for (const b of nodes) {
      if (a !== b)
        a.host.transport?.setPeer(b.host.raft.options.id, bus(b.host.transport?.port ?? 0));
    }
  }
  try {
    const leader = await waitLeader(
      nodes.map((x) => x.group),
      15_000,
    );
    return await runLoad(leader, o);
  } finally {
    await Promise.all(nodes.map((x) => x.host.close()));
  }
}

const bus = (port: number): { host: string; port: number } => ({ host: '127.0.0.1', port });

/** Sends a message to a child and waits for its answer of `type`. */
function ask<T>(child: ChildProcess, m: ParentMessage, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { type: string } & Record<string, unknown>): void => {
      if (reply.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as T);
    };
    const onExit = (code: number | null): void => reject(new Error(`node exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(m);
  });
}

async function separateProcesses(n: number, o: Options, root: string): Promise<LoadResult> {
  const ports: [number, number][] = [];
  for (const id of ids(n)) ports.push([id, await freePort()]);
  const script = join(ROOT, 'dist', 'bench', 'raft-node.js');
  const children = ids(n).map(() => fork(script, [], { stdio: 'inherit' }));
  try {
    await Promise.all(
      children.map((child, i) => {
        const spec = { id: i + 1, voters: ids(n), dir: join(root, `n${i + 1}`), policy: o.policy };
        return ask(child, { type: 'start', spec: { ...spec, ports } }, 'started');
      }),
    );
    const deadline = performance.now() + 15_000;
    while (performance.now() < deadline) {
      for (const child of children) {
        const { isLeader } = await ask<{ isLeader: boolean }>(child, { type: 'leader?' }, 'leader');
        if (!isLeader) continue;
        const load = { type: 'load', ...loadShape(o) } as const;
        return (await ask<{ result: LoadResult }>(child, load, 'result')).result;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no leader elected');
  } finally {
    for (const child of children) if (child.connected) child.send({ type: 'stop' });
    await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  }
}

const loadShape = (o: Options): { concurrency: number; seconds: number; payloadBytes: number } => ({
  concurrency: o.concurrency,
  seconds: o.seconds,
  payloadBytes: o.payloadBytes,
});

/** How many 4 KiB write + fdatasync pairs the disk under tmpdir does per second. */
function fdatasyncRate(root: string): number {
  const fd = openSync(join(root, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 2000) {
    writeSync(fd, block);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  return n / ((performance.now() - start) / 1000);
}

async function redisAnchor(o: Options): Promise<{ rps: number; p50: number; p99: number }> {
  const fsync = o.policy === 'no' ? 'no' : o.policy;
  const server = await startServer('redis', 'redis', [
    '--appendonly',
    'yes',
    '--appendfsync',
    fsync,
  ]);
  try {
    const requests = Math.max(20_000, o.seconds * 20_000);
    const row = await redisBenchmark({
      port: server.port,
      test: 'set',
      clients: o.concurrency,
      pipeline: 1,
      requests,
      randomKeys: 100_000,
      dataSize: o.payloadBytes,
    });
    return {
      rps: row.rps,
      p50: row.latencyMs.get('p50_latency_ms') ?? NaN,
      p99: row.latencyMs.get('p99_latency_ms') ?? NaN,
    };
  } finally {
    await server.stop();
  }
}

/**
 * What idle groups cost: 3 nodes in this process host `groups` groups with no traffic;
 * after elections settle, CPU time (per node, share of one core) and messages sent per
 * node per second over 5 s, with quiescence and without.
 */
async function idleCost(
  groups: number,
  quiesce: boolean,
  root: string,
): Promise<{ cpuPercent: number; messagesPerSecond: number }> {
  const voters = ids(3);
  const hosts = await Promise.all(
    voters.map((id) =>
      RaftHost.start({
        id,
        clusterId: 'bench-idle',
        dir: join(root, `n${id}`),
        policy: 'always',
        bus: bus(0),
        peers: new Map(),
        tickMs: TICK_MS,
        raft: { electionTicks: 10, heartbeatTicks: 1, checkQuorum: true, preVote: true },
        requestTimeoutTicks: 50,
        snapshotEntries: 0,
        ...(quiesce ? {} : { quiesceAfterTicks: 0 }),
        logger: { info: () => {}, warn: () => {}, error: console.error },
        onFatal: (err) => {
          throw err;
        },
      }),
    ),
  );
  for (const a of hosts) {
    for (const b of hosts)
      if (a !== b) a.transport?.setPeer(b.raft.options.id, bus(b.transport?.port ?? 0));
  }
  const applier = { apply: () => null, snapshot: () => new Uint8Array(0), restore: () => {} };
  for (const h of hosts) for (let g = 1; g <= groups; g++) h.raft.openGroup(g, applier, voters);
  const sent = (): number =>
    hosts.reduce(
      (n, h) => n + (h.transport?.peers() ?? []).reduce((m, p) => m + p.messagesSent, 0),
      0,
    );
  try {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const cpu0 = process.cpuUsage();
    const sent0 = sent();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      cpuPercent: (100 * (cpu.user + cpu.system)) / 1e6 / seconds / hosts.length,
      messagesPerSecond: (sent() - sent0) / seconds / hosts.length,
    };
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
  }
}

function row(where: string, n: number, rate: number, p50: number, p99: number, failed: number) {
  return [
    where,
    String(n),
    formatNumber(rate),
    formatNumber(p50, 2),
    formatNumber(p99, 2),
    `${failed}`,
  ];
}

async function main(): Promise<void> {
  const o = parseOptions();
  const root = mkdtempSync(join(tmpdir(), 'aikv-bench-raft-'));
  try {
    const syncs = fdatasyncRate(root);
    console.error(`disk: ${formatNumber(syncs)} fdatasync/s`);
    console.error('redis-server appendonly yes, redis-benchmark SET ...');
    const redis = await redisAnchor(o);
    const rows = [
      row(`redis-server appendfsync ${o.policy}`, 1, redis.rps, redis.p50, redis.p99, 0),
    ];
    const bars: Bar[] = [];
    for (const mode of o.modes) {
      for (const n of o.replicas) {
        console.error(`${mode}: ${n} replica(s), ${o.seconds}s at -c ${o.concurrency} ...`);
        const dir = join(root, `${mode}-${n}`);
        const r =
          mode === 'inproc' ? await inProcess(n, o, dir) : await separateProcesses(n, o, dir);
        rmSync(dir, { recursive: true, force: true });
        const rate = r.commits / r.seconds;
        const where = mode === 'inproc' ? 'one process' : 'processes';
        rows.push(row(where, n, rate, r.p50Ms, r.p99Ms, r.failed));
        const label = `${n}x, ${mode === 'inproc' ? '1 proc' : `${n} procs`}`;
        const note = `${formatNumber(rate)}/s, p99 ${formatNumber(r.p99Ms, 1)} ms`;
        bars.push({ label, ratio: rate / redis.rps, target: undefined, note });
      }
    }
    const header = ['where', 'replicas', 'commits/s', 'p50 ms', 'p99 ms', 'failed'];
    console.log(textTable(header, rows));
    const idleRows: string[][] = [];
    if (o.idleGroups > 0) {
      for (const quiesce of [true, false]) {
        console.error(
          `idle: 3 nodes x ${o.idleGroups} groups, quiescence ${quiesce ? 'on' : 'off'} ...`,
        );
        const r = await idleCost(o.idleGroups, quiesce, join(root, `idle-${quiesce}`));
        idleRows.push([
          `${o.idleGroups} idle groups, quiescence ${quiesce ? 'on' : 'off'}`,
          `${formatNumber(r.cpuPercent, 1)}%`,
          formatNumber(r.messagesPerSecond),
        ]);
      }
      console.log('');
      console.log(
        textTable(['3 nodes in one process', 'CPU per node', 'messages/s per node'], idleRows),
      );
    }
    console.log('');
    for (const line of await machineLines()) console.log(line);
    console.log(`- policy ${o.policy}, -c ${o.concurrency}, ${o.payloadBytes}-byte payloads`);
    console.log(`- disk: ${formatNumber(syncs)} fdatasync/s (4 KiB writes)`);
    console.log('');
    console.log(markdownTable(header, rows));
    if (idleRows.length > 0) {
      console.log('');
      console.log(
        markdownTable(['3 nodes in one process', 'CPU per node', 'messages/s per node'], idleRows),
      );
    }
    if (o.svgPath !== undefined) {
      mkdirSync(dirname(o.svgPath), { recursive: true });
      const title = `Raft commits/s against redis-server SET, appendfsync ${o.policy}`;
      writeFileSync(o.svgPath, barChartSvg(title, bars));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

runMain(main);
