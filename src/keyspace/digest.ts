/**
 * DEBUG DIGEST: Redis 7.0's dataset digest (debug.c computeDatasetDigest and
 * xorObjectDigest), so the same dataset digests the same here as in redis-server, and
 * replicas can prove they hold the same data.
 *
 * Two ways to fold bytes into a 20-byte digest: xor (digest ^= SHA1(data)), which
 * ignores order, for keys, set members, hash fields and zset members; and mix
 * (digest = SHA1(digest ^ SHA1(data))), which keeps it, for list elements and for the
 * parts of one element. A key with a TTL xors in "!!expire!!", whatever the deadline.
 * Every key counts, logically expired ones included, as in Redis.
 */
import { formatDouble17g } from '../util/numbers.js';
import { sha1 } from '../util/sha1.js';
import type { Entry } from './db.js';
import type { Keyspace } from './keyspace.js';
import type { DigestView, TypeName } from './value.js';

/** Redis's OBJ_* type numbers, mixed into each value's digest. */
const TYPE_IDS: Readonly<Record<TypeName, number>> = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  stream: 6,
};
const DIGEST_BYTES = 20;
const EXPIRE_MARK = '!!expire!!';

/** The digest of an empty dataset and of a missing key: 40 zeros. */
export const EMPTY_DIGEST = '0'.repeat(2 * DIGEST_BYTES);

/** Where strings are copied as bytes for hashing; grown to the longest seen. */
let scratch = Buffer.alloc(256);

function xorBytes(digest: Uint8Array, data: Uint8Array, length: number): void {
  const h = sha1(data, length);
  for (let i = 0; i < DIGEST_BYTES; i++) digest[i]! ^= h[i]!;
}

/** xorDigest: digest ^= SHA1(s), s taken as latin1 bytes. */
function xorString(digest: Uint8Array, s: string): void {
  if (s.length > scratch.length) scratch = Buffer.alloc(Math.max(s.length, 2 * scratch.length));
  scratch.latin1Write(s, 0, s.length);
  xorBytes(digest, scratch, s.length);
}

/** The second half of mixDigest: digest = SHA1(digest). */
function rehash(digest: Uint8Array): void {
  digest.set(sha1(digest, DIGEST_BYTES));
}

/** mixDigest: digest = SHA1(digest ^ SHA1(s)). */
function mixString(digest: Uint8Array, s: string): void {
  xorString(digest, s);
  rehash(digest);
}

/** SHA1 of each 32-bit number mixed so far: type ids and database ids recur per key. */
const numberHashes = new Map<number, Uint8Array>();

/** mixDigest of a 32-bit big-endian number (htonl of a type or database id). */
function mixNumber(digest: Uint8Array, n: number): void {
  let h = numberHashes.get(n);
  if (h === undefined) {
    const bytes = new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    h = sha1(bytes).slice();
    numberHashes.set(n, h);
  }
  for (let i = 0; i < DIGEST_BYTES; i++) digest[i]! ^= h[i]!;
  rehash(digest);
}

const pairDigest = new Uint8Array(DIGEST_BYTES);

/** A pair mixed in order into a fresh digest, whose SHA1 is xored in (hash, zset). */
function xorPair(digest: Uint8Array, a: string, b: string): void {
  pairDigest.fill(0);
  mixString(pairDigest, a);
  mixString(pairDigest, b);
  xorBytes(digest, pairDigest, DIGEST_BYTES);
}

function mixView(digest: Uint8Array, view: DigestView): void {
  switch (view.type) {
    case 'list':
      for (const e of view.elements) mixString(digest, e);
      return;
    case 'set':
      for (const m of view.members) xorString(digest, m);
      return;
    case 'hash':
      for (const [f, v] of view.fields) xorPair(digest, f, v);
      return;
    case 'zset':
      for (const [m, score] of view.members) xorPair(digest, m, formatDouble17g(score));
      return;
    case 'stream':
      for (const e of view.entries) {
        mixString(digest, `${e.ms}.${e.seq}`);
        for (const [f, v] of e.fields) {
          mixString(digest, f);
          mixString(digest, v);
        }
      }
  }
}

/** xorObjectDigest: the type, the value, and whether the key has a TTL, into `digest`. */
function mixEntry(digest: Uint8Array, entry: Entry): void {
  const value = entry.value;
  if (typeof value === 'string') {
    mixNumber(digest, TYPE_IDS.string);
    mixString(digest, value);
  } else {
    mixNumber(digest, TYPE_IDS[value.type]);
    mixView(digest, value.digestView());
  }
  if (entry.expireAt !== 0) xorString(digest, EXPIRE_MARK);
}

function hex(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.length).toString('hex');
}

/** computeDatasetDigest as 40 hex chars: every key of every database. */
export function keyspaceDigest(keyspace: Keyspace): string {
  const final = new Uint8Array(DIGEST_BYTES);
  const digest = new Uint8Array(DIGEST_BYTES);
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    // The database id goes in, so the same keys in another database digest differently.
    mixNumber(final, db.id);
    for (const [key, entry] of db.entries()) {
      digest.fill(0);
      mixString(digest, key);
      mixEntry(digest, entry);
      xorBytes(final, digest, DIGEST_BYTES);
    }
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE of one key: its value's digest without the key name. */
export function entryDigest(entry: Entry | undefined): string {
  if (entry === undefined) return EMPTY_DIGEST;
  const digest = new Uint8Array(DIGEST_BYTES);
  mixEntry(digest, entry);
  return hex(digest);
}
