// Keyspace snapshot speed (src/keyspace/snapshot.ts), in-process: the size, the time to
// write and to read back a snapshot of 1M small string keys, and of one hash, one set,
// one sorted set and one list of 1M elements each, and the time of a full DEBUG DIGEST.
// Then a background snapshot's cost to the event loop: the snapshot written one piece
// per event-loop turn in a server's pieces (SNAPSHOT_PIECE: 4,096 keys or elements, or
// 256 KiB), with the piece count, the 99th percentile and longest piece, and the longest
// event-loop delay meanwhile (perf_hooks: garbage collection included). Starts no server.
//
//   node --expose-gc dist/bench/snapshot.js [--keys 1000000] [--piece-keys 4096]
//     [--piece-bytes 262144]   (--expose-gc: the data's build garbage is collected first)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { keyspaceDigest } from '../src/keyspace/digest.js';
import { HashValue } from '../src/keyspace/hash.js';
import { Keyspace } from '../src/keyspace/keyspace.js';
import { ListValue } from '../src/keyspace/list.js';
import { SetValue } from '../src/keyspace/set.js';
import {
  KeyspaceSnapshotWriter,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../src/keyspace/snapshot.js';
import { ZSetValue } from '../src/keyspace/zset.js';
import { SNAPSHOT_PIECE, type SnapshotPiece } from '../src/replication/raft-log.js';
import { Rng } from '../src/util/rng.js';
import { formatNumber, runMain, textTable } from './lib.js';

const BIG = { maxListpackEntries: 512, maxListpackValue: 64 };
const ZSET_LIMITS = { entries: 128, value: 64 };

/** 1M keys "key:<n>" holding 16-byte values, as bench/memory.ts stores them. */
function stringKeys(n: number): Keyspace {
  const ks = new Keyspace(16);
  const db = ks.db(0);
  for (let i = 0; i < n; i++) db.set(`key:${i}`, `value:${String(i).padStart(10, '0')}`, 0);
  return ks;
}

type Kind = 'hash' | 'set' | 'zset' | 'list';

/**
 * One collection of `n` elements, inserted in a shuffled order: a set's pick order and
 * a sorted set's ZSCAN order then differ from their RDB order, so the snapshot carries
 * their order sections too.
 */
function oneCollection(kind: Kind, n: number): Keyspace {
  const ks = new Keyspace(16);
  const rng = new Rng(1);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  ks.db(0).set(kind, collection(kind, order), 0);
  return ks;
}

function collection(
  kind: Kind,
  order: readonly number[],
): HashValue | SetValue | ZSetValue | ListValue {
  if (kind === 'hash') {
    const h = HashValue.fromPairs([], true);
    for (const i of order) h.set(`field:${i}`, `value:${i}`, BIG);
    return h;
  }
  if (kind === 'set') {
    const s = SetValue.emptyTable();
    for (const i of order) s.add(`member:${i}`, 512);
    // Deletes (and re-adds) move members in the pick array: the pick order is not the identity.
    for (let i = 0; i < order.length; i += 100) s.remove(`member:${i}`);
    for (let i = 0; i < order.length; i += 100) s.add(`member:${i}`, 512);
    return s;
  }
  if (kind === 'zset') {
    const z = ZSetValue.empty(true);
    for (const i of order) z.insert(`member:${i}`, i / 7, ZSET_LIMITS);
    return z;
  }
  const l = new ListValue();
  for (const i of order) l.pushTail(`element:${i}`);
  return l;
}

function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const out = f();
  return [out, performance.now() - t];
}

interface Background {
  readonly p99PieceMs: number;
  readonly longestPieceMs: number;
  readonly maxLoopDelayMs: number;
  readonly pieces: number;
}

/** A snapshot written as a server's background snapshot is: one piece per event-loop turn. */
function background(ks: Keyspace, piece: SnapshotPiece): Promise<Background> {
  const writer = new KeyspaceSnapshotWriter(ks, { copyOnWrite: true });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const times: number[] = [];
  delay.enable();
  return new Promise((resolve) => {
    const step = (): void => {
      times.push(timed(() => writer.next(piece.keys, piece.bytes))[1]);
      if (!writer.done) return void setImmediate(step);
      delay.disable();
      times.sort((a, b) => a - b);
      resolve({
        p99PieceMs: times[Math.floor(0.99 * (times.length - 1))] as number,
        longestPieceMs: times[times.length - 1] as number,
        maxLoopDelayMs: delay.max / 1e6,
        pieces: times.length,
      });
    };
    setImmediate(step);
  });
}

/** Collects the garbage of building the data first, when node runs with --expose-gc. */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function row(name: string, ks: Keyspace, piece: SnapshotPiece): Promise<string[]> {
  settle();
  // First, before the whole write and read leave their garbage to collect meanwhile.
  const bg = await background(ks, piece);
  const [bytes, writeMs] = timed(() => writeKeyspaceSnapshot(ks));
  const [, readMs] = timed(() => readKeyspaceSnapshot(bytes, new Keyspace(16)));
  const [, digestMs] = timed(() => keyspaceDigest(ks));
  return [
    name,
    formatNumber(bytes.length / 1e6, 1),
    formatNumber(writeMs),
    formatNumber(readMs),
    formatNumber(bg.pieces),
    formatNumber(bg.p99PieceMs, 1),
    formatNumber(bg.longestPieceMs, 1),
    formatNumber(bg.maxLoopDelayMs, 1),
    formatNumber(digestMs),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      'piece-keys': { type: 'string', default: String(SNAPSHOT_PIECE.keys) },
      'piece-bytes': { type: 'string', default: String(SNAPSHOT_PIECE.bytes) },
    },
  });
  const n = Number(values.keys);
  const piece = { keys: Number(values['piece-keys']), bytes: Number(values['piece-bytes']) };
  const rows = [await row(`${formatNumber(n)} string keys`, stringKeys(n), piece)];
  for (const kind of ['hash', 'set', 'zset', 'list'] as const) {
    rows.push(await row(`1 ${kind} of ${formatNumber(n)}`, oneCollection(kind, n), piece));
  }
  const header = [
    'data',
    'MB',
    'write ms',
    'read ms',
    'pieces',
    'p99 piece ms',
    'max piece ms',
    'max loop delay ms',
    'digest ms',
  ];
  console.log(
    `pieces of ${formatNumber(piece.keys)} keys or elements, ${formatNumber(piece.bytes)} bytes`,
  );
  console.log(textTable(header, rows));
}

runMain(main);
