// Restart time with 1M keys, AiKv against the real redis-server, and the event loop's
// longest stall while AiKv takes a background snapshot of them.
//
// Both servers get the same N keys (key:<12 digits>, 16-byte values) over a pipelined
// raw socket. redis-server: SAVE, SHUTDOWN NOSAVE, start again on its dump.rdb. AiKv
// (started with `--save ""`, so nothing but the log is on disk): kill -9 and start again
// (the whole log is replayed); then BGSAVE, timed, with its longest event-loop delay from
// INFO (aikv_last_snapshot_max_loop_delay_ms, perf_hooks in the server) and the longest
// PING round trip a client saw meanwhile; then a clean shutdown (SIGTERM) and a start on
// that snapshot. Restart-to-serving is from spawning the process to its first +PONG
// (redis answers -LOADING until its data is in; AiKv listens once its log is applied).
//
//   npm run build && node dist/bench/restart.js [--keys 1000000] [--rounds 1]
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AIKV_NODE_FLAGS,
  ROOT,
  cli,
  formatNumber,
  freePort,
  infoField,
  machineLines,
  markdownTable,
  median,
  runMain,
  sleep,
  startProcess,
  tempDir,
  textTable,
} from './lib.js';

interface Options {
  keys: number;
  batch: number;
  rounds: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '1' },
    },
  });
  return { keys: Number(values.keys), batch: Number(values.batch), rounds: Number(values.rounds) };
}

/** A server process on a fixed port and data dir, restartable. */
interface Node {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  child: ChildProcess | null;
  start(): ChildProcess;
}

function redisNode(port: number): Node {
  const dir = tempDir('aikv-restart-redis-');
  const args = ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  return node('redis', port, dir, 'redis-server', [...args, '--dir', dir]);
}

function aikvNode(port: number): Node {
  const dir = tempDir('aikv-restart-aikv-');
  const script = join(ROOT, 'bin', 'aikv-server.js');
  const args = [...AIKV_NODE_FLAGS, script, '--port', `${port}`, '--dir', dir, '--save', ''];
  return node('aikv', port, dir, process.execPath, args);
}

function node(name: string, port: number, dir: string, cmd: string, args: string[]): Node {
  const n: Node = {
    name,
    port,
    dir,
    child: null,
    start: () => (n.child = startProcess(cmd, args, join(dir, 'server.log'))),
  };
  return n;
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The first line the server answers to `command` on a fresh connection (null: refused). */
async function ask(port: number, command: string): Promise<string | null> {
  let socket: Socket;
  try {
    socket = await connect(port);
  } catch {
    return null;
  }
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve(text.slice(0, end));
    });
    socket.on('error', () => resolve(null));
    socket.on('close', () => resolve(null));
    socket.write(command);
  });
}

const PING = '*1\r\n$4\r\nPING\r\n';

/** Starts the node and returns the seconds until it first answers +PONG. */
async function timedStart(n: Node): Promise<number> {
  const t0 = performance.now();
  const child = n.start();
  while ((await ask(n.port, PING)) !== '+PONG') {
    if (child.exitCode !== null) throw new Error(`${n.name} exited with ${child.exitCode}`);
    await sleep(5);
  }
  return (performance.now() - t0) / 1000;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stop(n: Node, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const child = n.child;
  if (child === null) return;
  const gone = exited(child);
  child.kill(signal);
  await gone;
  n.child = null;
}

const pad12 = (i: number): string => String(i).padStart(12, '0');

/** MSET batches of key:<12 digits> val:<12 digits>, 32 in flight, each checked for +OK. */
async function loadKeys(port: number, opts: Options): Promise<void> {
  const socket = await connect(port);
  const batches = Math.ceil(opts.keys / opts.batch);
  let [sent, acked, pending] = [0, 0, ''];
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      for (; sent < batches && sent - acked < 32; sent++) {
        const first = sent * opts.batch;
        const count = Math.min(opts.batch, opts.keys - first);
        const parts = [`*${1 + 2 * count}\r\n$4\r\nMSET\r\n`];
        for (let i = first; i < first + count; i++) {
          parts.push(`$16\r\nkey:${pad12(i)}\r\n$16\r\nval:${pad12(i)}\r\n`);
        }
        socket.write(parts.join(''));
      }
    };
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        if (!pending.startsWith('+OK')) return reject(new Error(`MSET: ${pending.slice(0, end)}`));
        pending = pending.slice(end + 2);
        acked++;
      }
      if (acked === batches) resolve();
      else pump();
    });
    socket.on('error', reject);
    pump();
  });
  socket.destroy();
}

async function checkKeys(n: Node, keys: number): Promise<void> {
  const dbsize = Number(await cli(n.port, 'DBSIZE'));
  if (dbsize !== keys) throw new Error(`${n.name} has ${dbsize} keys after a restart, not ${keys}`);
}

interface Stall {
  seconds: number;
  loopDelayMs: number;
  pingMaxMs: number;
}

/** BGSAVE on AiKv: its duration, the server's longest loop delay, a client's longest PING. */
async function bgsaveStall(n: Node): Promise<Stall> {
  const socket = await connect(n.port);
  let pingMaxMs = 0;
  let saving = true;
  const pinger = (async (): Promise<void> => {
    while (saving) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        socket.once('data', () => resolve());
        socket.write(PING);
      });
      pingMaxMs = Math.max(pingMaxMs, performance.now() - t0);
      await sleep(1);
    }
  })();
  const t0 = performance.now();
  const reply = await cli(n.port, 'BGSAVE');
  if (reply !== 'Background saving started') throw new Error(`BGSAVE: ${reply}`);
  let info = await cli(n.port, 'INFO', 'persistence');
  while (infoField(info, 'rdb_bgsave_in_progress') === 1) {
    await sleep(20);
    info = await cli(n.port, 'INFO', 'persistence');
  }
  const seconds = (performance.now() - t0) / 1000;
  saving = false;
  await pinger;
  socket.destroy();
  if (!/^rdb_last_bgsave_status:ok/m.test(info)) throw new Error('BGSAVE failed');
  const delay = /^aikv_last_snapshot_max_loop_delay_ms:([\d.]+)/m.exec(info)?.[1];
  return { seconds, loopDelayMs: Number(delay), pingMaxMs };
}

interface Round {
  redis: number;
  aikvKill: number;
  aikvClean: number;
  stall: Stall;
  snapshotBytes: number;
  rdbBytes: number;
}

async function round(opts: Options): Promise<Round> {
  const redis = redisNode(await freePort());
  const aikv = aikvNode(await freePort());
  try {
    await timedStart(redis);
    await loadKeys(redis.port, opts);
    if ((await cli(redis.port, 'SAVE')) !== 'OK') throw new Error('redis SAVE failed');
    const rdbBytes = statSync(join(redis.dir, 'dump.rdb')).size;
    await cli(redis.port, 'SHUTDOWN', 'NOSAVE').catch(() => '');
    if (redis.child !== null) await exited(redis.child);
    const redisSeconds = await timedStart(redis);
    await checkKeys(redis, opts.keys);
    console.error(`redis: restart in ${redisSeconds.toFixed(2)} s`);

    await timedStart(aikv);
    await loadKeys(aikv.port, opts);
    await stop(aikv, 'SIGKILL');
    const aikvKill = await timedStart(aikv);
    await checkKeys(aikv, opts.keys);
    console.error(`aikv: restart after kill -9 (log replay) in ${aikvKill.toFixed(2)} s`);
    const stall = await bgsaveStall(aikv);
    const info = await cli(aikv.port, 'INFO', 'persistence');
    const snapshotBytes = infoField(info, 'aikv_log_snapshot_bytes');
    console.error(
      `aikv: BGSAVE in ${stall.seconds.toFixed(2)} s, loop delay ${stall.loopDelayMs} ms`,
    );
    await stop(aikv, 'SIGTERM');
    const aikvClean = await timedStart(aikv);
    await checkKeys(aikv, opts.keys);
    console.error(`aikv: restart after shutdown (snapshot) in ${aikvClean.toFixed(2)} s`);
    return { redis: redisSeconds, aikvKill, aikvClean, stall, snapshotBytes, rdbBytes };
  } finally {
    await Promise.all([stop(redis, 'SIGKILL'), stop(aikv, 'SIGKILL')]);
  }
}

const HEADER = ['case', 'restart-to-serving s', 'vs redis'];

function rows(rounds: Round[]): string[][] {
  const redis = median(rounds.map((r) => r.redis));
  const kill = median(rounds.map((r) => r.aikvKill));
  const clean = median(rounds.map((r) => r.aikvClean));
  const ratio = (s: number): string => `${formatNumber(s / redis, 2)}x`;
  return [
    ['redis-server: SAVE, restart on dump.rdb', formatNumber(redis, 2), '1.00x'],
    ['AiKv: kill -9, restart replaying the log', formatNumber(kill, 2), ratio(kill)],
    ['AiKv: BGSAVE, SIGTERM, restart on the snapshot', formatNumber(clean, 2), ratio(clean)],
  ];
}

function stallLines(rounds: Round[]): string[] {
  const worst = (f: (s: Stall) => number): number => Math.max(...rounds.map((r) => f(r.stall)));
  const last = rounds[rounds.length - 1] as Round;
  return [
    `- AiKv BGSAVE of the keys: ${formatNumber(median(rounds.map((r) => r.stall.seconds)), 2)} s;` +
      ` longest event-loop delay in the server ${formatNumber(
        worst((s) => s.loopDelayMs),
        1,
      )} ms` +
      ` (target < 50 ms); longest PING round trip seen by a client meanwhile` +
      ` ${formatNumber(
        worst((s) => s.pingMaxMs),
        1,
      )} ms`,
    `- AiKv snapshot file ${formatNumber(last.snapshotBytes / 1e6, 1)} MB; redis dump.rdb` +
      ` ${formatNumber(last.rdbBytes / 1e6, 1)} MB`,
  ];
}

async function main(): Promise<void> {
  const opts = readOptions();
  const rounds: Round[] = [];
  for (let i = 0; i < opts.rounds; i++) rounds.push(await round(opts));
  const table = rows(rounds);
  const notes = stallLines(rounds);
  console.log(textTable(HEADER, table));
  console.log(['', ...notes, '', 'Markdown (for docs/BENCHMARKS.md):', ''].join('\n'));
  const machine = (await machineLines()).filter((l) => !l.startsWith('- command:'));
  const flags = process.argv.slice(2).join(' ');
  const command = `npm run build && node dist/bench/restart.js${flags === '' ? '' : ` ${flags}`}`;
  const setup = `${formatNumber(opts.keys)} keys of 16 bytes with 16-byte values, MSET batches of ${opts.batch}, ${opts.rounds} round(s), medians`;
  console.log([...machine, `- command: \`${command}\``, `- setup: ${setup}`, ''].join('\n'));
  console.log([markdownTable(HEADER, table), '', ...notes].join('\n'));
}

runMain(main);
