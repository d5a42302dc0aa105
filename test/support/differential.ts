/**
 * Differential testing against the real thing: one AiKv process and one redis-server
 * 7.0.15 process receive the same seeded random command sequence over TCP, and every
 * reply must be byte-identical (after the few normalisations below, each of which says
 * why the difference is legitimate). A mismatch names the seed that replays it and the
 * command history that led to it.
 *
 * Knobs: DIFF_SEEDS (seeds per test), DIFF_COMMANDS (commands per seed), DIFF_SEED_BASE
 * (first seed) or DIFF_SEED=7,42 (replay exactly these seeds); DIFF_SAVE=1 writes every
 * run's history under $TMPDIR/aikv-diff.
 */
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc64 } from '../../src/util/crc64.js';
import { Rng } from '../../src/util/rng.js';
import { RawClient } from './raw-client.js';
import { freePort, startServer, type RunningServer } from './server.js';

export interface ServerPair {
  readonly aikv: RunningServer;
  readonly redis: RunningServer;
  stop(): Promise<void>;
}

export interface Replies {
  readonly aikv: string;
  readonly redis: string;
}

/** Starts redis-server 7.0.15 on a free loopback port, with no persistence. */
export async function startRedis(): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aikv-diff-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitListening(port, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`redis-server: ${(err as Error).message}\n${out}`);
  }
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return { port, dir, process: child, output: () => out, stop, kill };
}

async function waitListening(port: number, exited: () => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (exited()) throw new Error('exited before listening');
    try {
      (await RawClient.open(port)).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`not listening on ${port}`);
}

/** An AiKv server (dist/, so build first) and a redis-server, side by side. */
export async function startPair(): Promise<ServerPair> {
  const [a, r] = await Promise.allSettled([startServer(), startRedis()]);
  if (a.status === 'fulfilled' && r.status === 'fulfilled') {
    const [aikv, redis] = [a.value, r.value];
    return { aikv, redis, stop: async () => void (await Promise.all([aikv.stop(), redis.stop()])) };
  }
  // One failed: stop the other, or its child process keeps the test runner alive.
  if (a.status === 'fulfilled') await a.value.stop();
  if (r.status === 'fulfilled') await r.value.stop();
  throw a.status === 'rejected' ? a.reason : r.status === 'rejected' ? r.reason : undefined;
}

/**
 * Registers before/after hooks that start and stop a ServerPair for the calling test
 * file; the returned function gives the running pair inside tests.
 */
export function useServerPair(onStart?: (pair: ServerPair) => Promise<void>): () => ServerPair {
  let pair: ServerPair | undefined;
  before(async () => {
    pair = await startPair();
    await onStart?.(pair);
  });
  after(async () => {
    await pair?.stop();
  });
  return () => {
    if (pair === undefined) throw new Error('servers did not start');
    return pair;
  };
}

const REPLY_TIMEOUT_MS = 15_000;

/** One connection to each server, speaking the same protocol version. */
export class ClientPair {
  private constructor(
    readonly aikv: RawClient,
    readonly redis: RawClient,
  ) {}

  static async open(pair: ServerPair, resp: 2 | 3): Promise<ClientPair> {
    const clients = new ClientPair(
      await RawClient.open(pair.aikv.port),
      await RawClient.open(pair.redis.port),
    );
    // HELLO's reply names the server and its client id, so it is never compared.
    if (resp === 3) await clients.both(['HELLO', '3']);
    return clients;
  }

  /** Sends argv to both servers and returns both raw replies. */
  async both(argv: readonly string[]): Promise<Replies> {
    this.aikv.send(...argv);
    this.redis.send(...argv);
    // Generous: a loaded machine may stall a server for a while.
    const [aikv, redis] = await Promise.all([
      this.aikv.readReply(REPLY_TIMEOUT_MS),
      this.redis.readReply(REPLY_TIMEOUT_MS),
    ]);
    return { aikv, redis };
  }

  /** Whether AiKv implements a command (COMMAND INFO returns a nil entry otherwise). */
  async aikvHas(name: string): Promise<boolean> {
    const reply = await this.aikv.call('COMMAND', 'INFO', name);
    return reply.includes(`$${name.length}\r\n${name.toLowerCase()}\r\n`);
  }

  close(): void {
    this.aikv.close();
    this.redis.close();
  }
}

/** A seeded random source with the small helpers generators need. */
export class Gen {
  private readonly rng: Rng;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + this.rng.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.rng.below(items.length)] as T;
  }

  /** Picks from [weight, item] pairs in proportion to the weights. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of table) total += w;
    let r = this.rng.next() * total;
    for (const [w, item] of table) {
      r -= w;
      if (r < 0) return item;
    }
    return (table[table.length - 1] as readonly [number, T])[1];
  }

  /** `n` random bytes as a latin1 string, biased towards the bytes protocols care about. */
  bytes(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = this.chance(0.3) ? this.pick([0, 10, 13, 32, 34, 39, 92, 255]) : this.int(0, 255);
      s += String.fromCharCode(c);
    }
    return s;
  }
}

// ---------------------------------------------------------------------------------
// Comparing replies

interface RawNode {
  readonly type: string;
  readonly head: string;
  readonly body?: string;
  readonly items?: readonly RawNode[];
}

/** Parses one raw RESP2/RESP3 reply (known to be complete) into a tree. */
export function parseRaw(raw: string): RawNode {
  const [node] = parseAt(raw, 0);
  return node;
}

function parseAt(raw: string, pos: number): [RawNode, number] {
  const lineEnd = raw.indexOf('\r\n', pos);
  const type = raw.charAt(pos);
  const head = raw.slice(pos + 1, lineEnd);
  let next = lineEnd + 2;
  if ('$=!'.includes(type) && Number(head) >= 0) {
    const len = Number(head);
    return [{ type, head, body: raw.slice(next, next + len) }, next + len + 2];
  }
  if ('*~>%'.includes(type) && Number(head) >= 0) {
    const items: RawNode[] = [];
    const n = Number(head) * (type === '%' ? 2 : 1);
    for (let i = 0; i < n; i++) {
      const [item, after] = parseAt(raw, next);
      items.push(item);
      next = after;
    }
    return [{ type, head, items }, next];
  }
  return [{ type, head }, next];
}

/** Milliseconds (or seconds, for second-resolution replies) two clocks may disagree by. */
const TIME_TOLERANCE = new Map<string, number>([
  // Relative deadlines are fixed when each server runs the command, and the remaining
  // time is measured when each runs TTL: two clocks read a moment apart, so a few ms
  // (rounded to seconds: one second) of difference is legitimate.
  ['ttl', 1],
  ['pttl', 1000],
  ['expiretime', 1],
  ['pexpiretime', 1000],
  // Idle time counts seconds since the last access on each server's own clock.
  ['object|idletime', 2],
]);

function commandName(argv: readonly string[]): string {
  const name = (argv[0] ?? '').toLowerCase();
  return name === 'object' && argv.length > 1 ? `object|${argv[1]?.toLowerCase()}` : name;
}

/**
 * Whether two replies to the same command agree. Byte equality, except where the
 * difference is legitimate and says nothing about compatibility.
 */
export function sameReply(argv: readonly string[], aikv: string, redis: string): boolean {
  if (aikv === redis) return true;
  const name = commandName(argv);
  // INFO reports process-specific figures (pids, memory, uptime): never compared.
  if (name === 'info' || name === 'hello') return true;
  const tolerance = TIME_TOLERANCE.get(name);
  if (tolerance !== undefined) return withinTolerance(name, aikv, redis, tolerance);
  // KEYS and SCAN order follows each server's hash table layout, which Redis does not
  // specify: compare the sets of keys (and, for SCAN, the cursor, which is 0 for both
  // when one call covers a small keyspace).
  if (name === 'keys') return sortedItems(parseRaw(aikv)) === sortedItems(parseRaw(redis));
  if (name === 'scan') return sameScan(parseRaw(aikv), parseRaw(redis));
  // RANDOMKEY picks a random key: only "a key" versus "no key" is comparable.
  if (name === 'randomkey') return aikv.charAt(0) === redis.charAt(0);
  if (name === 'dump') return sameUnorderedDump(aikv, redis);
  return false;
}

// ---------------------------------------------------------------------------------
// DUMP payloads of hashtable-encoded sets and hashes

const RDB_TYPE_SET = 2;
const RDB_TYPE_HASH = 4;
/** A DUMP payload ends with a 2-byte RDB version and an 8-byte CRC64. */
const FOOTER_BYTES = 10;

/**
 * DUMP of a hashtable-encoded set or hash lists the elements in dict order, which in
 * Redis follows a hash function seeded at random in each process: the same set dumps
 * differently from two redis-servers. Comparable are the type, the RDB version, the
 * multiset of elements (fields with their values), and that AiKv's checksum is valid.
 */
function sameUnorderedDump(aikv: string, redis: string): boolean {
  const a = parseRaw(aikv).body;
  const r = parseRaw(redis).body;
  if (a === undefined || r === undefined || a.length !== r.length) return false;
  const type = r.charCodeAt(0);
  if ((type !== RDB_TYPE_SET && type !== RDB_TYPE_HASH) || a.charCodeAt(0) !== type) return false;
  if (a.slice(-FOOTER_BYTES, -8) !== r.slice(-FOOTER_BYTES, -8) || !validChecksum(a)) return false;
  const width = type === RDB_TYPE_HASH ? 2 : 1;
  const elementsA = rdbElements(a, width);
  return elementsA !== null && elementsA === rdbElements(r, width);
}

function validChecksum(payload: string): boolean {
  const bytes = Buffer.from(payload, 'latin1');
  const body = bytes.subarray(0, bytes.length - 8);
  return crc64(body) === bytes.readBigUInt64LE(bytes.length - 8);
}

/** The encoded elements (grouped `width` at a time), sorted; null if malformed. */
function rdbElements(payload: string, width: number): string | null {
  const count = rdbLength(payload, 1);
  if (count === null || count.special) return null;
  const groups: string[] = [];
  let pos = count.next;
  for (let i = 0; i < count.value * width; i++) {
    const end = rdbStringEnd(payload, pos);
    if (end === null) return null;
    if (i % width === 0) groups.push('');
    groups[groups.length - 1] += JSON.stringify(payload.slice(pos, end));
    pos = end;
  }
  return pos === payload.length - FOOTER_BYTES ? JSON.stringify(groups.sort()) : null;
}

interface RdbLength {
  readonly value: number;
  /** An RDB_ENCVAL: `value` names the special string encoding. */
  readonly special: boolean;
  readonly next: number;
}

/** rdbLoadLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths, or an encoding tag. */
function rdbLength(s: string, pos: number): RdbLength | null {
  const first = s.charCodeAt(pos);
  const byteAt = (i: number): number => s.charCodeAt(pos + i);
  switch (first >> 6) {
    case 0:
      return { value: first & 0x3f, special: false, next: pos + 1 };
    case 1:
      return { value: ((first & 0x3f) << 8) | byteAt(1), special: false, next: pos + 2 };
    case 3:
      return { value: first & 0x3f, special: true, next: pos + 1 };
  }
  if (first !== 0x80) return null;
  const value = ((byteAt(1) << 24) >>> 0) + (byteAt(2) << 16) + (byteAt(3) << 8) + byteAt(4);
  return { value, special: false, next: pos + 5 };
}

/** Where one RDB string (plain, int-encoded or LZF) starting at `pos` ends. */
function rdbStringEnd(s: string, pos: number): number | null {
  const len = rdbLength(s, pos);
  if (len === null) return null;
  if (!len.special) return len.next + len.value;
  if (len.value <= 2) return len.next + (1 << len.value);
  const compressed = rdbLength(s, len.next);
  const plain = compressed === null ? null : rdbLength(s, compressed.next);
  return compressed === null || plain === null ? null : plain.next + compressed.value;
}

const LRU_CYCLE = 2n ** 24n;

/** Beyond this, a deadline can only come from an absolute EXAT/PXAT: it must be exact. */
const RELATIVE_DEADLINE_MAX = 2n ** 53n;

function withinTolerance(name: string, aikv: string, redis: string, tolerance: number): boolean {
  const a = parseRaw(aikv);
  const r = parseRaw(redis);
  if (a.type !== ':' || r.type !== ':') return false;
  const x = BigInt(a.head);
  const y = BigInt(r.head);
  // -1 (no deadline) and -2 (no key) are exact answers, never approximations.
  if (x < 0n || y < 0n) return x === y;
  if (name.endsWith('expiretime') && (x > RELATIVE_DEADLINE_MAX || y > RELATIVE_DEADLINE_MAX)) {
    return false;
  }
  const diff = x > y ? x - y : y - x;
  // Idle times live on Redis's 24-bit LRU clock: 2^24 - 1 seconds is one tick from 0.
  if (name === 'object|idletime' && LRU_CYCLE - diff <= BigInt(tolerance)) return true;
  return diff <= BigInt(tolerance);
}

function sortedItems(node: RawNode): string {
  if (node.items === undefined) return `${node.type}${node.head}`;
  const bodies = node.items.map((i) => JSON.stringify([i.type, i.body ?? i.head]));
  return `${node.type}${JSON.stringify(bodies.sort())}`;
}

function sameScan(a: RawNode, r: RawNode): boolean {
  const [aCursor, aKeys] = a.items ?? [];
  const [rCursor, rKeys] = r.items ?? [];
  if (aCursor === undefined || aKeys === undefined || rCursor === undefined) return false;
  if (rKeys === undefined || aCursor.body !== rCursor.body) return false;
  return sortedItems(aKeys) === sortedItems(rKeys);
}

// ---------------------------------------------------------------------------------
// Runs of seeded commands

export interface DiffConfig {
  readonly seeds: readonly number[];
  readonly commands: number;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number.parseInt(v, 10);
}

/** Seeds and commands per seed: 5 x 3000 unless the DIFF_* variables say otherwise. */
export function diffConfig(defaults: { seeds?: number; commands?: number } = {}): DiffConfig {
  const commands = envInt('DIFF_COMMANDS', defaults.commands ?? 3000);
  const explicit = process.env['DIFF_SEED'];
  if (explicit !== undefined && explicit !== '') {
    return { seeds: explicit.split(',').map((s) => Number.parseInt(s, 10)), commands };
  }
  const base = envInt('DIFF_SEED_BASE', 1);
  const count = envInt('DIFF_SEEDS', defaults.seeds ?? 5);
  return { seeds: Array.from({ length: count }, (_, i) => base + i), commands };
}

interface HistoryEntry {
  readonly argv: readonly string[];
  readonly aikv: string;
  readonly redis: string;
}

/** Thrown by DiffRun.check on the first disagreement of a run. */
export class Mismatch extends Error {}

/** One seed's run: the command history, compared reply by reply. */
export class DiffRun {
  readonly gen: Gen;
  private readonly history: HistoryEntry[] = [];

  constructor(
    readonly label: string,
    readonly seed: number,
    readonly clients: ClientPair,
  ) {
    this.gen = new Gen(seed);
  }

  get length(): number {
    return this.history.length;
  }

  /**
   * Sends argv to both servers; throws a Mismatch unless the replies agree or the
   * caller's `tolerate` accepts the difference (a known, reported gap).
   */
  async check(argv: readonly string[], tolerate?: (r: Replies) => boolean): Promise<Replies> {
    let replies: Replies;
    try {
      replies = await this.clients.both(argv);
    } catch (err) {
      // No reply (a hang or a crash) is a finding too, with the history that led to it.
      this.history.push({ argv, aikv: `(no reply: ${(err as Error).message})`, redis: '?' });
      throw new Mismatch(this.describe());
    }
    this.history.push({ argv, ...replies });
    if (sameReply(argv, replies.aikv, replies.redis) || tolerate?.(replies) === true) {
      return replies;
    }
    throw new Mismatch(this.describe());
  }

  /** The seed, the disagreement, the last commands, and a file with the whole history. */
  describe(): string {
    const file = this.saveHistory();
    const last = this.history[this.history.length - 1];
    const recent = this.history.slice(-40).map((h) => `  ${showArgv(h.argv)} -> ${show(h.redis)}`);
    return [
      `[${this.label}] seed ${this.seed}: replies differ at command #${this.history.length}`,
      `  command: ${last ? showArgv(last.argv) : '?'}`,
      `  redis:   ${last ? show(last.redis) : '?'}`,
      `  aikv:    ${last ? show(last.aikv) : '?'}`,
      `last ${recent.length} commands (redis replies):`,
      ...recent,
      `full history: ${file} (replay: DIFF_SEED=${this.seed})`,
    ].join('\n');
  }

  /** Writes the whole history (one JSON object per command) and returns the file. */
  saveHistory(): string {
    const dir = join(tmpdir(), 'aikv-diff');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.label.replace(/[^\w-]+/g, '_')}-seed${this.seed}.jsonl`);
    writeFileSync(file, this.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
    return file;
  }
}

export function show(raw: string): string {
  return JSON.stringify(raw.length > 300 ? `${raw.slice(0, 300)}...(${raw.length} bytes)` : raw);
}

export function showArgv(argv: readonly string[]): string {
  return argv.map((a) => show(a)).join(' ');
}

/** An unexpected error, with the end of what each server logged (a crash shows there). */
function withServerOutput(err: unknown, pair: ServerPair): Error {
  const tail = (s: string): string => s.slice(-2000);
  return new Error(
    `${(err as Error).message}\naikv output:\n${tail(pair.aikv.output())}` +
      `\nredis output:\n${tail(pair.redis.output())}`,
  );
}

export interface RunOptions<S> {
  readonly label: string;
  readonly pair: ServerPair;
  readonly resp: 2 | 3;
  readonly config: DiffConfig;
  /** The generator's own state for one run (drawn from run.gen). */
  readonly prepare: (run: DiffRun) => S;
  /** Sends one or more commands through run.check. */
  readonly step: (run: DiffRun, state: S) => Promise<void>;
}

/**
 * Runs every seed on fresh connections to emptied servers, each until its first
 * mismatch or its command budget; throws once at the end with every mismatch found.
 */
export async function runSeeds<S>(options: RunOptions<S>): Promise<void> {
  const failures: string[] = [];
  for (const seed of options.config.seeds) {
    const clients = await ClientPair.open(options.pair, options.resp);
    try {
      await clients.both(['FLUSHALL']);
      const run = new DiffRun(options.label, seed, clients);
      const state = options.prepare(run);
      while (run.length < options.config.commands) await options.step(run, state);
      // DIFF_SAVE=1 keeps every run's history, to review what the generators cover.
      if (process.env['DIFF_SAVE'] === '1') run.saveHistory();
    } catch (err) {
      if (!(err instanceof Mismatch)) throw withServerOutput(err, options.pair);
      failures.push(err.message);
    } finally {
      clients.close();
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} seed(s) disagree with redis:\n\n${failures.join('\n\n')}`);
  }
}
