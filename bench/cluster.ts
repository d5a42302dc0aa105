// A 3-node AiKv group as real processes: SET throughput and latency at the leader with
// redis-benchmark, failover time (kill -9 the leader, time until a surviving node
// acknowledges a write), then a 3-member etcd on the same machine measured with
// `etcdctl check perf` as the consensus anchor. Both run with fsync on every commit.
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ROOT,
  cli,
  formatNumber,
  freePort,
  machineLines,
  markdownTable,
  median,
  redisBenchmark,
  runMain,
  runProgram,
  sleep,
  startProcess,
  tempDir,
  textTable,
  waitPing,
} from './lib.js';

interface Options {
  nodes: number;
  seconds: number;
  pipelines: number[];
  failovers: number;
  timeoutMs: number;
  etcdLoad: string | null;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      pipelines: { type: 'string', default: '1,16' },
      failovers: { type: 'string', default: '3' },
      'node-timeout': { type: 'string', default: '1000' },
      'etcd-load': { type: 'string', default: 'l' },
      'no-etcd': { type: 'boolean', default: false },
    },
  });
  return {
    nodes: Number(values.nodes),
    seconds: Number(values.seconds),
    pipelines: values.pipelines.split(',').map(Number),
    failovers: Number(values.failovers),
    timeoutMs: Number(values['node-timeout']),
    etcdLoad: values['no-etcd'] ? null : values['etcd-load'],
  };
}

interface Node {
  id: number;
  port: number;
  busPort: number;
  dir: string;
  child: ChildProcess | null;
}

class Group {
  readonly nodes: Node[] = [];
  private readonly root = tempDir('aikv-bench-cluster-');

  constructor(private readonly opts: Options) {}

  async start(): Promise<void> {
    for (let id = 1; id <= this.opts.nodes; id++) {
      const dir = join(this.root, `node-${id}`);
      mkdirSync(dir, { recursive: true });
      this.nodes.push({ id, port: await freePort(), busPort: await freePort(), dir, child: null });
    }
    for (const n of this.nodes) await this.startNode(n);
    await this.waitReplicas(this.opts.nodes - 1, 30_000);
  }

  /** Starts a node on its ports and dir; a fresh one joins node 1. */
  async startNode(n: Node): Promise<void> {
    const args = [
      '--max-semi-space-size=4',
      join(ROOT, 'bin', 'aikv-server.js'),
      ...['--port', String(n.port), '--dir', n.dir, '--node-id', String(n.id)],
      ...['--cluster-port', String(n.busPort)],
      ...['--cluster-node-timeout', String(this.opts.timeoutMs)],
    ];
    const first = this.nodes[0] as Node;
    if (n !== first) args.push('--cluster-join', `127.0.0.1:${first.port}`);
    const log = join(n.dir, 'server.log');
    n.child = startProcess(process.execPath, args, log);
    await waitPing(n.child, n.port, log);
  }

  kill(n: Node): void {
    n.child?.kill('SIGKILL');
    n.child = null;
  }

  live(): Node[] {
    return this.nodes.filter((n) => n.child !== null);
  }

  /** The node whose ROLE says master, or null. */
  async leader(): Promise<Node | null> {
    for (const n of this.live()) {
      const role = await cli(n.port, 'ROLE').catch(() => '');
      if (role.startsWith('master')) return n;
    }
    return null;
  }

  /** Waits until a leader reports `count` replicas online. */
  async waitReplicas(count: number, ms: number): Promise<Node> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const leader = await this.leader();
      if (leader !== null) {
        const info = await cli(leader.port, 'INFO', 'replication').catch(() => '');
        const online = info.split('\n').filter((l) => /^slave\d+:.*state=online/.test(l));
        if (online.length >= count) return leader;
      }
      await sleep(100);
    }
    throw new Error(`no leader with ${count} online replicas within ${ms} ms`);
  }

  stop(): void {
    for (const n of this.nodes) this.kill(n);
  }
}

interface LoadRow {
  pipeline: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
}

async function setLoad(group: Group, opts: Options): Promise<LoadRow[]> {
  const leader = await group.waitReplicas(opts.nodes - 1, 30_000);
  const rows: LoadRow[] = [];
  for (const pipeline of opts.pipelines) {
    const base = { port: leader.port, test: 'set', clients: 50, pipeline, randomKeys: 100_000 };
    const pilot = await redisBenchmark({ ...base, requests: 5_000 * pipeline, dataSize: 16 });
    const requests = Math.max(10_000, Math.round((pilot.rps * opts.seconds) / 1000) * 1000);
    const row = await redisBenchmark({ ...base, requests, dataSize: 16 });
    const ms = (q: string): number => row.latencyMs.get(q) ?? NaN;
    rows.push({
      pipeline,
      requests,
      rps: row.rps,
      p50: ms('p50_latency_ms'),
      p99: ms('p99_latency_ms'),
    });
    console.error(
      `SET -P ${pipeline}: ${formatNumber(row.rps)} rps, p99 ${ms('p99_latency_ms')} ms`,
    );
  }
  return rows;
}

/** True when `port` acknowledged a SET (a follower answers MOVED, a dead node nothing). */
async function writes(port: number, n: number): Promise<boolean> {
  const reply = await runProgram('redis-cli', [
    ...['-h', '127.0.0.1', '-p', String(port)],
    ...['SET', `failover:${n}`, String(Date.now())],
  ]).catch(() => '');
  return reply.trim() === 'OK';
}

/** Kills the leader, times the first write a survivor acknowledges, restarts the node. */
async function failovers(group: Group, opts: Options): Promise<number[]> {
  const times: number[] = [];
  for (let round = 1; round <= opts.failovers; round++) {
    const leader = await group.waitReplicas(opts.nodes - 1, 30_000);
    await sleep(1_000);
    const killedAt = performance.now();
    group.kill(leader);
    let tookMs = NaN;
    for (let probe = 0; performance.now() - killedAt < 30_000 && Number.isNaN(tookMs); probe++) {
      const answers = await Promise.all(group.live().map((n) => writes(n.port, probe)));
      if (answers.some(Boolean)) tookMs = performance.now() - killedAt;
      else await sleep(10);
    }
    times.push(tookMs);
    console.error(
      `failover ${round}: node ${leader.id} killed, a write acknowledged after ${formatNumber(tookMs)} ms`,
    );
    await group.startNode(leader);
  }
  return times;
}

interface EtcdResult {
  lines: string[];
  passed: boolean;
}

/** A 3-member etcd on loopback, then `etcdctl check perf --load L`. */
async function etcdAnchor(load: string): Promise<EtcdResult> {
  const root = tempDir('aikv-bench-etcd-');
  const members = await Promise.all(
    [1, 2, 3].map(async (i) => ({
      name: `e${i}`,
      client: await freePort(),
      peer: await freePort(),
    })),
  );
  const initial = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  const children = members.map((m) =>
    startProcess(
      'etcd',
      [
        ...['--name', m.name, '--data-dir', join(root, m.name)],
        ...['--listen-client-urls', `http://127.0.0.1:${m.client}`],
        ...['--advertise-client-urls', `http://127.0.0.1:${m.client}`],
        ...['--listen-peer-urls', `http://127.0.0.1:${m.peer}`],
        ...['--initial-advertise-peer-urls', `http://127.0.0.1:${m.peer}`],
        ...['--initial-cluster', initial, '--initial-cluster-state', 'new'],
        ...['--initial-cluster-token', 'aikv-bench', '--log-level', 'error'],
      ],
      join(root, `${m.name}.log`),
    ),
  );
  try {
    const endpoints = members.map((m) => `127.0.0.1:${m.client}`).join(',');
    // etcdctl reports some results on stderr: read both.
    const ctl = (...args: string[]): Promise<string> =>
      runProgram('sh', [
        '-c',
        // check perf exits 1 on FAIL: its report is what we want either way.
        `ETCDCTL_API=3 etcdctl --endpoints=${endpoints} ${args.join(' ')} 2>&1; true`,
      ]);
    const until = Date.now() + 30_000;
    while ((await ctl('put', 'aikv-bench-probe', 'x').catch(() => '')).trim() !== 'OK') {
      if (Date.now() > until) throw new Error('etcd did not become healthy in 30 s');
      await sleep(200);
    }
    console.error(`etcd: running etcdctl check perf --load ${load} (about a minute)`);
    const out = await ctl('check', 'perf', `--load=${load}`);
    // The progress bar shares lines with carriage returns; the verdicts come after it.
    const lines = out
      .split(/[\r\n]+/)
      .filter((l) => /^(PASS|FAIL|Slowest)/.test(l.trim()))
      .map((l) => l.trim());
    return { lines, passed: !out.includes('FAIL') && out.includes('PASS') };
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const opts = readOptions();
  const group = new Group(opts);
  let load: LoadRow[];
  let times: number[];
  try {
    await group.start();
    load = await setLoad(group, opts);
    times = await failovers(group, opts);
  } finally {
    group.stop();
  }
  const etcd = opts.etcdLoad === null ? null : await etcdAnchor(opts.etcdLoad);
  const header = ['test', 'pipeline', 'requests', 'SET/s', 'p50 ms', 'p99 ms', 'target', 'meets'];
  const rows = load.map((r) => {
    const gated = r.pipeline === 1;
    const meets = r.rps >= 20_000 && r.p99 <= 10;
    return [
      `SET, ${opts.nodes}-node group`,
      `-P ${r.pipeline}`,
      formatNumber(r.requests),
      formatNumber(r.rps),
      formatNumber(r.p50, 3),
      formatNumber(r.p99, 3),
      gated ? '>= 20,000/s, p99 <= 10 ms' : '-',
      gated ? (meets ? 'yes' : 'NO') : '-',
    ];
  });
  const failover = `failover (kill -9 the leader, until a survivor acknowledges a write): ${times
    .map((t) => `${formatNumber(t)} ms`)
    .join(', ')}; median ${formatNumber(median(times))} ms (target < 2,000 ms)`;
  console.log(textTable(header, rows));
  console.log(`\n${failover}`);
  if (etcd !== null) console.log(`\netcd anchor:\n${etcd.lines.join('\n')}`);
  console.log('\nMarkdown (for docs/BENCHMARKS.md):\n');
  const setup = `redis-benchmark -t set -c 50 -r 100000 -d 16 --csv at the leader; appendfsync always on every node; cluster-node-timeout ${opts.timeoutMs} ms`;
  console.log([...(await machineLines()), `- setup: ${setup}`, ''].join('\n'));
  console.log(markdownTable(header, rows));
  console.log(`\n- ${failover}`);
  if (etcd !== null) {
    console.log(
      `- etcd ${3}-member anchor, \`etcdctl check perf --load=${opts.etcdLoad}\` (${etcd.passed ? 'PASS' : 'FAIL'}):`,
    );
    for (const l of etcd.lines) console.log(`  - ${l.trim()}`);
  }
}

runMain(main);
