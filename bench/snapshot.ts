// Keyspace snapshot speed (src/keyspace/snapshot.ts), in-process: the size, the time to
// write and to read back a snapshot of 1M small string keys, and of one hash, one set
// and one sorted set of 1M elements each; the longest piece of an incremental write in
// 10,000-key pieces; and the time of a full DEBUG DIGEST. Starts no server.
//
//   node dist/bench/snapshot.js [--keys 1000000] [--piece 10000]
import { parseArgs } from 'node:util';
import { keyspaceDigest } from '../src/keyspace/digest.js';
import { HashValue } from '../src/keyspace/hash.js';
import { Keyspace } from '../src/keyspace/keyspace.js';
import { SetValue } from '../src/keyspace/set.js';
import {
  KeyspaceSnapshotWriter,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../src/keyspace/snapshot.js';
import { ZSetValue } from '../src/keyspace/zset.js';
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

/** One collection of `n` elements, inserted in a shuffled order. */
function oneCollection(kind: 'hash' | 'set' | 'zset', n: number): Keyspace {
  const ks = new Keyspace(16);
  const rng = new Rng(1);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  if (kind === 'hash') {
    const h = HashValue.fromPairs([], true);
    for (const i of order) h.set(`field:${i}`, `value:${i}`, BIG);
    ks.db(0).set('hash', h, 0);
  } else if (kind === 'set') {
    const s = SetValue.emptyTable();
    for (const i of order) s.add(`member:${i}`, 512);
    ks.db(0).set('set', s, 0);
  } else {
    const z = ZSetValue.empty(true);
    for (const i of order) z.insert(`member:${i}`, i / 7, ZSET_LIMITS);
    ks.db(0).set('zset', z, 0);
  }
  return ks;
}

function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const out = f();
  return [out, performance.now() - t];
}

/** The longest single `next(piece)` call of an incremental write. */
function longestPiece(ks: Keyspace, piece: number): number {
  const writer = new KeyspaceSnapshotWriter(ks);
  let longest = 0;
  while (!writer.done) longest = Math.max(longest, timed(() => writer.next(piece))[1]);
  return longest;
}

function row(name: string, ks: Keyspace, piece: number): string[] {
  const [bytes, writeMs] = timed(() => writeKeyspaceSnapshot(ks));
  const [, readMs] = timed(() => readKeyspaceSnapshot(bytes, new Keyspace(16)));
  const [, digestMs] = timed(() => keyspaceDigest(ks));
  return [
    name,
    formatNumber(bytes.length / 1e6, 1),
    formatNumber(writeMs),
    formatNumber(readMs),
    formatNumber(longestPiece(ks, piece), 1),
    formatNumber(digestMs),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      piece: { type: 'string', default: '10000' },
    },
  });
  const n = Number(values.keys);
  const piece = Number(values.piece);
  const rows = [
    row(`${formatNumber(n)} string keys`, stringKeys(n), piece),
    row(`1 hash of ${formatNumber(n)}`, oneCollection('hash', n), piece),
    row(`1 set of ${formatNumber(n)}`, oneCollection('set', n), piece),
    row(`1 zset of ${formatNumber(n)}`, oneCollection('zset', n), piece),
  ];
  const header = ['data', 'MB', 'write ms', 'read ms', `max piece ms (${piece} keys)`, 'digest ms'];
  console.log(textTable(header, rows));
}

runMain(main);
