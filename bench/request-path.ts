// `node dist/bench/request-path.js`: the CPU our own code spends per command, without
// the sockets. 50 in-process connections on fake sockets each send a pipeline of
// commands to a NodeServer, wait for every reply, and go again; the server's writes go
// through a real RaftHost (one voter, its WAL in a temp dir) or, with --log local,
// apply at once. Reports CPU (user + system, all threads) and wall time per command.
// No redis-server here: `npm run bench` and `npm run bench:floor` give the ratios;
// this separates our code's cost from the sockets' (see docs/BENCHMARKS.md).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Config } from '../src/config/config.js';
import { KeyspaceApplier, RaftLog } from '../src/replication/raft-log.js';
import { Connection } from '../src/server/connection.js';
import { RaftHost } from '../src/server/raft-host.js';
import { NodeServer } from '../src/server/server.js';
import type { SyncPolicy } from '../src/storage/wal.js';
import { Rng } from '../src/util/rng.js';
import { runMain } from './lib.js';

const CLIENTS = 50;
const KEYS = 100_000;

interface Options {
  test: 'get' | 'set' | 'incr';
  pipeline: number;
  log: 'raft' | 'local';
  fsync: SyncPolicy;
  rounds: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      test: { type: 'string', default: 'set' },
      pipeline: { type: 'string', default: '16' },
      log: { type: 'string', default: 'raft' },
      fsync: { type: 'string', default: 'always' },
      rounds: { type: 'string', default: '150' },
    },
  });
  const test = values.test;
  if (test !== 'get' && test !== 'set' && test !== 'incr') {
    throw new Error(`--test must be get, set or incr, not ${test}`);
  }
  if (values.log !== 'raft' && values.log !== 'local') {
    throw new Error(`--log must be raft or local, not ${values.log}`);
  }
  if (!['always', 'everysec', 'no'].includes(values.fsync)) {
    throw new Error(`--fsync must be always, everysec or no, not ${values.fsync}`);
  }
  return {
    test,
    pipeline: Number(values.pipeline),
    log: values.log,
    fsync: values.fsync as SyncPolicy,
    rounds: Number(values.rounds),
  };
}

/** What a Connection uses of its socket; counts reply lines and wakes the waiting round. */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 2;
  readonly writableLength = 0;

  constructor(private readonly onReplyBytes: (bytes: Buffer) => void) {
    super();
  }
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  isPaused(): boolean {
    return false;
  }
  end(): void {}
  destroy(): void {}
  write(bytes: Buffer): boolean {
    this.onReplyBytes(bytes);
    return true;
  }
}

function frame(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

const key = (i: number): string => 'key:' + String(i).padStart(12, '0');

/** 500 distinct pipelines of the test's command over 100k keys, spread like -r 100000. */
function pipelines(opts: Options): Buffer[] {
  const out: Buffer[] = [];
  for (let c = 0; c < 500; c++) {
    let text = '';
    for (let j = 0; j < opts.pipeline; j++) {
      const i = ((c * opts.pipeline + j) * 7919) % KEYS;
      if (opts.test === 'get') text += frame('GET', key(i));
      else if (opts.test === 'incr') text += frame('INCR', `counter:${i}`);
      else text += frame('SET', key(i), 'xxxxxxxxxxxxxxxx');
    }
    out.push(Buffer.from(text, 'latin1'));
  }
  return out;
}

async function main(): Promise<void> {
  const opts = readOptions();
  const dir = mkdtempSync(join(tmpdir(), 'aikv-request-path-'));
  const noop = (): void => {};
  const host =
    opts.log === 'local'
      ? null
      : await RaftHost.start({
          id: 1,
          clusterId: 'aikv',
          dir,
          policy: opts.fsync,
          bus: null,
          peers: new Map(),
          tickMs: 100,
          raft: { electionTicks: 10, heartbeatTicks: 1, checkQuorum: true, preVote: true },
          requestTimeoutTicks: 50,
          snapshotEntries: 10_000_000,
          quiesceAfterTicks: 0,
          logger: { info: noop, warn: noop, error: (m) => console.error(m) },
          onFatal: (err) => {
            throw err;
          },
        });
  const config = Config.defaults();
  const seeds = new Rng(1);
  const server = new NodeServer({
    config,
    logger: pino({ level: 'fatal' }),
    now: () => Date.now(),
    random32: () => seeds.nextUint32(),
    exit: noop,
    versions: { redis: '7.0.15', aikv: 'bench' },
    ...(host === null
      ? {}
      : {
          log: (machine, keyspace) =>
            new RaftLog(
              host.raft.openGroup(1, new KeyspaceApplier(machine, keyspace, config), [1]),
            ),
        }),
  });
  let replies = 0;
  let waiting: { want: number; wake: () => void } | null = null;
  const counted = (bytes: Buffer): void => {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) replies++;
    if (waiting !== null && replies >= waiting.want) {
      const w = waiting;
      waiting = null;
      w.wake();
    }
  };
  const sockets = Array.from({ length: CLIENTS }, (_, i) => {
    const socket = new FakeSocket(counted);
    new Connection(i + 1, socket as unknown as Socket, server);
    return socket;
  });
  const work = pipelines(opts);
  const round = async (k: number): Promise<void> => {
    const want = replies + CLIENTS * opts.pipeline;
    sockets.forEach((s, c) => s.emit('data', work[(k * CLIENTS + c) % work.length]));
    if (replies < want) await new Promise<void>((wake) => (waiting = { want, wake }));
  };
  // Every key exists before a GET run, as after redis-benchmark's SET run.
  const fill = { ...opts, test: 'set' as const, pipeline: 100 };
  for (const chunk of pipelines(fill)) sockets[0]?.emit('data', chunk);
  for (let k = 0; k < 100; k++) await round(k);
  const runs: { cpuNs: number; wallNs: number }[] = [];
  for (let r = 0; r < 5; r++) {
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    for (let k = 0; k < opts.rounds; k++) await round(k);
    const used = process.cpuUsage(cpu);
    const commands = opts.rounds * CLIENTS * opts.pipeline;
    runs.push({
      cpuNs: ((used.user + used.system) * 1000) / commands,
      wallNs: Number(process.hrtime.bigint() - wall) / commands,
    });
    console.log(`run ${r + 1}: ${runs[r]?.cpuNs.toFixed(0)} ns CPU per command`);
  }
  const cpu = runs.map((r) => r.cpuNs).sort((a, b) => a - b);
  const wall = runs.map((r) => r.wallNs).sort((a, b) => a - b);
  console.log(
    `${opts.test.toUpperCase()} pipeline ${opts.pipeline}, log ${opts.log}` +
      (opts.log === 'raft' ? `, fsync ${opts.fsync}` : '') +
      `: CPU per command min ${cpu[0]?.toFixed(0)} ns, median ${cpu[2]?.toFixed(0)} ns; ` +
      `wall median ${wall[2]?.toFixed(0)} ns`,
  );
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

runMain(main);
