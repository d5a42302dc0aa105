// Shared by the benchmark scripts: start redis-server and AiKv on free loopback ports in
// their own temp dirs, run redis-benchmark, read process memory, print tables.
// Every child is killed and every temp dir removed on exit, error or Ctrl-C.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { createServer, createConnection, type Socket } from 'node:net';
import { tmpdir, cpus, availableParallelism, loadavg, constants } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The repository root (this file runs from dist/bench/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Side = 'redis' | 'aikv';

export interface Server {
  side: Side;
  port: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanupSync(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    cleanupSync();
    process.exit(128 + constants.signals[signal]);
  });
}

/** Runs a program to completion and returns its stdout; it is killed if we exit first. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 1 << 24 }, (err, stdout) => {
      children.delete(child);
      if (err) reject(err);
      else resolve(stdout);
    });
    children.add(child);
  });
}

/** Runs a script's main; a failure prints its message and exits 1 (children are killed). */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when the server at `port` answers PING with +PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let text = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (text.includes('\r\n')) done(text.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

async function waitReady(child: ChildProcess, port: number, logPath: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await pingOnce(port)) return;
    await sleep(100);
  }
  const log = readFileSync(logPath, 'latin1').split('\n').slice(-20).join('\n');
  throw new Error(`server on port ${port} did not answer PING; log tail:\n${log}`);
}

function stopChild(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      children.delete(child);
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
      resolve();
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    if (child.exitCode !== null || child.signalCode !== null) return finish();
    child.once('exit', finish);
    child.kill('SIGTERM');
  });
}

/**
 * Node flags AiKv runs with, as `npm start` and the `aikv-server` bin give them: a 4 MiB
 * young generation keeps RSS near the live heap (1M keys: 1.31x-1.49x redis used_memory
 * over three runs, against 1.51x-1.60x without) with no throughput cost we could measure.
 */
export const AIKV_NODE_FLAGS = ['--max-semi-space-size=4'];

function commandFor(
  side: Side,
  port: number,
  dir: string,
  extraArgs: readonly string[],
): [string, string[]] {
  if (side === 'aikv') {
    const script = join(ROOT, 'bin', 'aikv-server.js');
    const args = [...AIKV_NODE_FLAGS, script, '--port', `${port}`, '--dir', dir];
    return [process.execPath, [...args, ...extraArgs]];
  }
  const args = ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  return ['redis-server', [...args, '--dir', dir, ...extraArgs]];
}

/**
 * Starts one server. `as` is what actually runs: 'redis' for both sides in a self-test
 * of the scripts (--against-redis), otherwise the side itself. `extraArgs` come last and
 * override the defaults (e.g. `--appendonly yes`).
 */
export async function startServer(
  side: Side,
  as: Side = side,
  extraArgs: readonly string[] = [],
): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `aikv-bench-${side}-`));
  tempDirs.add(dir);
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const [cmd, args] = commandFor(as, port, dir, extraArgs);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  children.add(child);
  await waitReady(child, port, logPath);
  if (child.pid === undefined) throw new Error(`${cmd} has no pid`);
  return { side, port, pid: child.pid, dir, stop: () => stopChild(child, dir) };
}

export interface BenchOptions {
  port: number;
  test: string;
  clients: number;
  pipeline: number;
  requests: number;
  randomKeys: number;
  dataSize: number;
}

export interface BenchRow {
  test: string;
  rps: number;
  /** Latency columns (p50_latency_ms, ...) when redis-benchmark printed them. */
  latencyMs: Map<string, number>;
}

/** Parses redis-benchmark --csv output: a quoted header line, then one line per test. */
export function parseBenchCsv(text: string): BenchRow[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('"'));
  const split = (line: string): string[] => line.slice(1, -1).split('","');
  const [header, ...rows] = lines.map(split);
  if (header === undefined || header[0] !== 'test') return [];
  return rows.map((cells) => {
    const latencyMs = new Map<string, number>();
    header.forEach((name, i) => {
      if (name.endsWith('_latency_ms')) latencyMs.set(name, Number(cells[i]));
    });
    return { test: cells[0] ?? '', rps: Number(cells[1]), latencyMs };
  });
}

/**
 * Tests redis-benchmark has no -t name for, as the command it sends; they read what
 * the built-in tests before them wrote (ZADD fills myzset).
 */
export const CUSTOM_TESTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['zrangebyscore', ['ZRANGEBYSCORE', 'myzset', '-inf', '+inf', 'LIMIT', '0', '10']],
]);

/**
 * The row of the test asked for: LRANGE_* first print the LPUSH that fills their list,
 * "LPUSH (needed to benchmark LRANGE)", which is not what was asked.
 */
export function measuredRow(rows: readonly BenchRow[]): BenchRow | undefined {
  return rows.find((row) => !row.test.includes('(needed to benchmark'));
}

/** Runs redis-benchmark for one test and returns its row. */
export async function redisBenchmark(opts: BenchOptions): Promise<BenchRow> {
  const custom = CUSTOM_TESTS.get(opts.test);
  const args = ['-h', '127.0.0.1', '-p', String(opts.port)];
  if (custom === undefined) args.push('-t', opts.test);
  args.push('-c', String(opts.clients), '-P', String(opts.pipeline), '-n', String(opts.requests));
  args.push('-r', String(opts.randomKeys), '-d', String(opts.dataSize), '--csv');
  if (custom !== undefined) args.push(...custom);
  const stdout = await run('redis-benchmark', args);
  const row = measuredRow(parseBenchCsv(stdout));
  if (row === undefined) throw new Error(`redis-benchmark printed no CSV row:\n${stdout}`);
  return row;
}

/** Runs one command through redis-cli and returns its raw output. */
export async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).trim();
}

/** A numeric field of an INFO reply (`used_memory:1234`). */
export function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  if (match?.[1] === undefined) throw new Error(`INFO has no ${field}`);
  return Number(match[1]);
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

/** A plain-text table with right-aligned columns, for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** 1-minute load average when the script started, for the record and a warning. */
const loadAtStart = loadavg()[0] ?? 0;
if (loadAtStart > availableParallelism()) {
  console.error(`warning: load average ${loadAtStart.toFixed(1)} exceeds the CPU count`);
}

/** Where and when a run happened, as markdown lines for docs/BENCHMARKS.md. */
export async function machineLines(): Promise<string[]> {
  const redisVersion = (await run('redis-server', ['--version'])).trim();
  const model = cpus()[0]?.model ?? 'unknown CPU';
  const load = `load average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end`;
  return [
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: nproc ${availableParallelism()}, ${model}; ${load}`,
    `- node ${process.version}; ${redisVersion.replace(/ sha=.*/, '')}`,
    `- command: \`${commandLine()}\``,
  ];
}

/** The npm script that runs the current benchmark file (dist/bench/<name>.js). */
const SCRIPTS = new Map([
  ['throughput', 'bench'],
  ['memory', 'bench:memory'],
  ['raft', 'bench:raft'],
  ['cluster', 'bench:cluster'],
  ['restart', 'bench:restart'],
  ['floor', 'bench:floor'],
]);

function commandLine(): string {
  const file = process.argv[1] ?? '';
  const name = /([\w-]+)\.js$/.exec(file)?.[1] ?? '';
  const script = SCRIPTS.get(name);
  const flags = process.argv.slice(2);
  const args = flags.length > 0 ? ` ${flags.join(' ')}` : '';
  if (script === undefined) return `node dist/bench/${name}.js${args}`;
  return `npm run ${script}${args === '' ? '' : ` --${args}`}`;
}

export function formatNumber(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export function formatMiB(bytes: number): string {
  return `${formatNumber(bytes / 1024 / 1024, 1)} MiB`;
}

export interface Bar {
  label: string;
  ratio: number;
  target: number | undefined;
  note: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart of ratios, with a line at 1.0 (parity) and a tick per target. */
export function barChartSvg(title: string, bars: Bar[]): string {
  const [left, barWidth, rowHeight, top] = [110, 400, 28, 44];
  const finite = bars.map((b) => b.ratio).filter(Number.isFinite);
  const scale = barWidth / Math.max(1.2, ...finite);
  const x = (ratio: number): number => left + Math.max(0, ratio) * scale;
  const height = top + bars.length * rowHeight + 16;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${x(1)}" y1="${top - 10}" x2="${x(1)}" y2="${height - 10}" stroke="#888"/>`,
    `<text x="${x(1) + 3}" y="${top - 12}" fill="#555">1.0 = redis</text>`,
    `<text x="${left + barWidth + 20}" y="${top - 12}" fill="#555">dashed: target</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const ok = bar.target === undefined || bar.ratio >= bar.target;
    const ratio = Number.isFinite(bar.ratio) ? bar.ratio : 0;
    parts.push(`<text x="10" y="${y + 15}">${escapeXml(bar.label)}</text>`);
    const width = (x(ratio) - left).toFixed(1);
    const fill = ok ? '#3a9a5b' : '#d0493e';
    parts.push(`<rect x="${left}" y="${y + 3}" width="${width}" height="18" fill="${fill}"/>`);
    if (bar.target !== undefined) {
      const tx = x(bar.target);
      parts.push(
        `<line x1="${tx}" y1="${y}" x2="${tx}" y2="${y + 24}" stroke="black" stroke-width="2" stroke-dasharray="4,2"/>`,
      );
    }
    const label = `${formatNumber(bar.ratio, 2)}x   ${bar.note}`;
    parts.push(`<text x="${left + barWidth + 20}" y="${y + 16}">${escapeXml(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * Sends RESP commands to a server with up to `window` in flight and waits until every
 * one answered an integer (`:`); any other reply rejects with the command's name.
 */
export async function pipelineLoad(
  port: number,
  commands: Iterator<string>,
  what: string,
  window = 32,
): Promise<void> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  let [sent, acked, done, pending] = [0, 0, false, ''];
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (!done && sent - acked < window) {
        const next = commands.next();
        if (next.done === true) done = true;
        else {
          socket.write(Buffer.from(next.value, 'latin1'));
          sent++;
        }
      }
      if (done && acked === sent) resolve();
    };
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        if (pending.charAt(0) !== ':') {
          reject(new Error(`${what} replied ${pending.slice(0, end)}`));
          return;
        }
        pending = pending.slice(end + 2);
        acked++;
      }
      pump();
    });
    socket.on('error', reject);
    pump();
  });
  socket.destroy();
}

/** redis-server's used_memory after a short settle. */
export async function settledUsedMemory(port: number): Promise<number> {
  await sleep(500);
  return infoField(await cli(port, 'INFO', 'memory'), 'used_memory');
}

export interface Usage {
  heap: number;
  rss: number;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap in use and RSS after two full collections: what a structure really keeps. */
export function settledUsage(): Usage {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

/** A temp dir removed on exit, like the servers'. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Starts a long-running program with its output in `logPath`; it is killed if we exit. */
export function startProcess(cmd: string, args: readonly string[], logPath: string): ChildProcess {
  const logFd = openSync(logPath, 'a');
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a program to completion and returns its stdout (killed if we exit first). */
export function runProgram(cmd: string, args: string[]): Promise<string> {
  return run(cmd, args);
}

/** Waits until the server at `port` answers PING (or `child` exits: an error with its log). */
export async function waitPing(child: ChildProcess, port: number, logPath: string): Promise<void> {
  await waitReady(child, port, logPath);
}
