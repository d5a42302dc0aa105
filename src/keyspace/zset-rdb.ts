/**
 * Sorted sets in Redis's RDB object encoding (rdb.c rdbSaveObject / rdbLoadObject), for
 * DUMP/RESTORE and snapshots. Redis 7.0 writes RDB_TYPE_ZSET_LISTPACK for a listpack
 * (member, score, member, score, ...) and RDB_TYPE_ZSET_2 for a skiplist (length, then
 * member and little-endian binary double from the greatest element down). It still
 * loads RDB_TYPE_ZSET (scores as length-prefixed text) and RDB_TYPE_ZSET_ZIPLIST.
 */
import { parseDouble } from '../util/numbers.js';
import { decodeListpack, encodeListpack } from './listpack.js';
import { RdbDecodeError, RdbType, type RdbReader, type RdbWriter } from './serialize.js';
import { decodeZiplist } from './ziplist.js';
import {
  DEFAULT_ZSET_LIMITS,
  ZSetValue,
  compareElements,
  fitsListpack,
  listpackScoreText,
  type ZSetLimits,
} from './zset.js';

/** rdbSaveDoubleValue's one-byte markers for non-finite scores. */
const TEXT_NEG_INF = 255;
const TEXT_POS_INF = 254;
const TEXT_NAN = 253;

function corrupt(): never {
  throw new RdbDecodeError({ kind: 'format' });
}

/** The type byte, then the listpack blob as one string, or the elements one by one. */
export function writeZSet(w: RdbWriter, value: ZSetValue): void {
  if (value.isListpack) {
    const entries: string[] = [];
    value.forRange(0, value.size, false, (m, s) => entries.push(m, listpackScoreText(s)));
    const blob = encodeListpack(entries);
    w.byte(RdbType.ZSET_LISTPACK);
    w.string(Buffer.from(blob.buffer, blob.byteOffset, blob.length).latin1Slice(0, blob.length));
    return;
  }
  w.byte(RdbType.ZSET_2);
  w.len(value.size);
  const score = Buffer.alloc(8);
  // Greatest first, as Redis writes it (its loader then inserts at the skiplist head).
  value.forRange(0, value.size, true, (m, s) => {
    w.string(m);
    score.writeDoubleLE(s, 0);
    w.bytes(score);
  });
}

/**
 * Reads a sorted set payload of RDB type `rdbType` with Redis's conversions: a
 * ZSET/ZSET_2 becomes a listpack when it fits `limits`; a listpack or ziplist longer
 * than `limits.entries` becomes a skiplist. An empty set, a NaN score or a repeated
 * member is corrupt.
 */
export function loadZSet(
  r: RdbReader,
  rdbType: number,
  limits: ZSetLimits = DEFAULT_ZSET_LIMITS,
): ZSetValue {
  switch (rdbType) {
    case RdbType.ZSET:
    case RdbType.ZSET_2:
      return loadElements(r, rdbType === RdbType.ZSET_2, limits);
    case RdbType.ZSET_LISTPACK:
      return loadPacked(decodeListpack(blob(r)), limits);
    case RdbType.ZSET_ZIPLIST:
      return loadPacked(decodeZiplist(blob(r)), limits);
    default:
      return corrupt();
  }
}

function blob(r: RdbReader): Buffer {
  return Buffer.from(r.string(), 'latin1');
}

function loadElements(r: RdbReader, binary: boolean, limits: ZSetLimits): ZSetValue {
  const length = r.len();
  if (length === 0) corrupt();
  const members: string[] = [];
  const scores: number[] = [];
  let longest = 0;
  for (let i = 0; i < length; i++) {
    const member = r.string();
    const score = binary ? r.take(8).readDoubleLE(0) : textScore(r);
    if (Number.isNaN(score)) corrupt();
    if (member.length > longest) longest = member.length;
    members.push(member);
    scores.push(score);
  }
  return build(members, scores, fitsListpack(length, longest, limits));
}

/** rdbLoadDoubleValue: a length byte (or an infinity/NaN marker), then "%.17g" text. */
function textScore(r: RdbReader): number {
  const len = r.byte();
  if (len === TEXT_NEG_INF) return -Infinity;
  if (len === TEXT_POS_INF) return Infinity;
  if (len === TEXT_NAN) return NaN;
  const text = r.take(len).latin1Slice(0, len);
  return parseDouble(text.trim()) ?? corrupt();
}

/** Member, score pairs from a listpack or ziplist; scores are strtod text or integers. */
function loadPacked(entries: string[], limits: ZSetLimits): ZSetValue {
  if (entries.length === 0 || entries.length % 2 !== 0) corrupt();
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < entries.length; i += 2) {
    const score = parseDouble(entries[i + 1] as string);
    if (score === null) corrupt();
    members.push(entries[i] as string);
    scores.push(score);
  }
  return build(members, scores, members.length <= limits.entries);
}

/** Orders the elements (a payload need not be ordered) and rejects repeated members. */
function build(members: string[], scores: number[], listpack: boolean): ZSetValue {
  const idx = members.map((_, i) => i);
  idx.sort((a, b) =>
    compareElements(
      scores[a] as number,
      members[a] as string,
      scores[b] as number,
      members[b] as string,
    ),
  );
  const seen = new Set<string>();
  const ms: string[] = [];
  const ss: number[] = [];
  for (const i of idx) {
    const m = members[i] as string;
    if (seen.has(m)) corrupt();
    seen.add(m);
    ms.push(m);
    ss.push(scores[i] as number);
  }
  return ZSetValue.fromSorted(ms, ss, listpack);
}
