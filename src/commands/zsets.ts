/**
 * The sorted set family (Redis's t_zset.c), Redis 7.0.15-exact: reply shapes, error
 * strings and the order in which arguments, keys and types are checked.
 *
 * Scores reply as doubles (RESP2 bulk "%.17g", RESP3 ','); WITHSCORES pairs as `pairs`
 * replies, flat in RESP2 and nested [member, score] arrays in RESP3, as Redis 7.0 does.
 * Random picks (ZRANDMEMBER) come from ctx.rng over ranks, so they are a function of the
 * seed and the set's contents only.
 */
import { SetValue } from '../keyspace/set.js';
import {
  ZSetValue,
  compareElements,
  fitsListpack,
  listpackScoreText,
  type ZSetLimits,
} from '../keyspace/zset.js';
import {
  EMPTY_ARRAY,
  NULL_ARRAY,
  double,
  error,
  pairs,
  type ErrorReply,
  type Reply,
} from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { parseLongDouble } from '../util/long-double.js';
import { INT64_MIN, formatDouble17g, parseDouble, parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_FLOAT, NOT_INTEGER, NOT_POSITIVE, SYNTAX, WRONGTYPE } from './errors.js';
import { parseCursor } from './keys.js';
import type { BlockRequest, CommandSpec, KeyRange } from './spec.js';

const NOT_FLOAT_RANGE = error('ERR min or max is not a float');
const NOT_LEX_RANGE = error('ERR min or max not valid string range item');
const NAN_RESULT = error('ERR resulting score is not a number (NaN)');
const XX_AND_NX = error('ERR XX and NX options at the same time are not compatible');
const GT_LT_NX = error('ERR GT, LT, and/or NX options at the same time are not compatible');
const INCR_ONE_PAIR = error('ERR INCR option supports a single increment-element pair');
const WEIGHT_NOT_FLOAT = error('ERR weight value is not a float');
const LIMIT_NEGATIVE = error("ERR LIMIT can't be negative");
const NUMKEYS_POSITIVE = error('ERR numkeys should be greater than 0');
const COUNT_POSITIVE = error('ERR count should be greater than 0');
const TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range');
const TIMEOUT_NEGATIVE = error('ERR timeout is negative');
const LIMIT_NEEDS_RANGE = error(
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
);
const WITHSCORES_BYLEX = error(
  'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
);
const OUT_OF_RANGE = error('ERR value is out of range');
const COUNT_RANGE = error(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const INVALID_CURSOR = error('ERR invalid cursor');

/** LONG_MAX / 2: ZRANDMEMBER's bound on a count WITHSCORES (it doubles the reply). */
const HALF_LONG_MAX = 4611686018427387903n;
/**
 * The most elements one ZRANDMEMBER may return. Redis streams any count into the
 * client's output buffer; a reply here is built whole, so absurd counts are refused.
 */
const RANDOM_REPLY_MAX = 10_000_000;
/** LLONG_MAX + 1 as a double: a larger timeout in ms wraps negative in Redis's cast. */
const MS_OVERFLOW = 2 ** 63;

function limitsOf(ctx: ExecContext): ZSetLimits {
  return {
    entries: ctx.settings.number('zset-max-listpack-entries'),
    value: ctx.settings.number('zset-max-listpack-value'),
  };
}

// ---------------------------------------------------------------------------------------
// Argument parsing

/** Redis's getLongFromObject: an int64 as a number (huge values keep their sign). */
function parseLong(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/**
 * Redis's string2d: a whole strtod number, no leading space, no NaN, and neither an
 * overflow to infinity nor an underflow to zero (denormals are fine).
 */
function parseScore(s: string): number | null {
  const fast = plainInteger(s);
  if (fast !== null) return fast;
  const v = parseDouble(s);
  if (v === null) return null;
  if (!Number.isFinite(v) && !/inf/i.test(s)) return null;
  if (v === 0 && /[1-9]/.test(mantissaDigits(s))) return null;
  return v;
}

/**
 * The value of a short plain decimal integer ("-12", "300"), the common score, without
 * the general parser; null for anything else (which the general parser then reads).
 */
function plainInteger(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 15) return null;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === len) return null;
  let n = 0;
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return s.charCodeAt(0) === 45 ? -n : n;
}

/** The significand's digits of a strtod number (before its exponent). */
function mantissaDigits(s: string): string {
  const hex = /^[+-]?0[xX]/.test(s);
  const body = s.split(hex ? /[pP]/ : /[eE]/)[0] ?? '';
  return hex ? body.replace(/^[+-]?0[xX]/, '').replace(/[a-fA-F]/g, '1') : body;
}

interface ScoreRange {
  readonly min: number;
  readonly minex: boolean;
  readonly max: number;
  readonly maxex: boolean;
}

/**
 * One end of a score range as zslParseRange reads it: '(' for exclusive, then plain
 * strtod, which skips leading spaces, stops at a NUL byte, reads "" as 0 and lets
 * overflow become an infinity. Only NaN and trailing garbage are errors.
 */
function parseScoreBound(arg: string): { value: number; ex: boolean } | null {
  const ex = arg.charCodeAt(0) === 40; /* ( */
  let s = ex ? arg.slice(1) : arg;
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  if (s.length === 0) return { value: 0, ex };
  const value = plainInteger(s) ?? parseDouble(s.replace(/^[\t\n\v\f\r ]+/, ''));
  return value === null ? null : { value, ex };
}

function parseScoreRange(minArg: string, maxArg: string): ScoreRange | null {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (min === null || max === null) return null;
  return { min: min.value, minex: min.ex, max: max.value, maxex: max.ex };
}

/** A lex range end: '-' (below everything), '+' (above everything) or a member. */
interface LexBound {
  readonly kind: 'min' | 'max' | 'member';
  readonly member: string;
  readonly ex: boolean;
}

interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

/** zslParseLexRangeItem: "+", "-", "(member" or "[member". */
function parseLexBound(arg: string): LexBound | null {
  const c = arg.charCodeAt(0);
  if ((c === 43 || c === 45) && arg.length === 1) {
    return { kind: c === 43 ? 'max' : 'min', member: '', ex: true };
  }
  if (c === 40 || c === 91) return { kind: 'member', member: arg.slice(1), ex: c === 40 };
  return null;
}

function parseLexRange(minArg: string, maxArg: string): LexRange | null {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  return min === null || max === null ? null : { min, max };
}

/**
 * getTimeoutFromObjectOrReply in seconds: a long double, made ms with ceill; Redis's
 * cast of an infinite or overflowing product to long long wraps negative.
 */
function parseTimeoutMs(arg: string): number | ErrorReply {
  const ld = parseLongDouble(arg);
  if (ld === null) return TIMEOUT_NOT_FLOAT;
  if (!ld.finite) return TIMEOUT_NEGATIVE;
  const seconds = ld.mant === 0n ? 0 : Number(ld.mant) * 2 ** ld.exp;
  const ms = Math.ceil(seconds * 1000);
  if (!(ms < MS_OVERFLOW) || ms < 0) return TIMEOUT_NEGATIVE;
  return ms === 0 ? 0 : ms;
}

// ---------------------------------------------------------------------------------------
// Key access

/** The sorted set at `key` for reading: undefined if absent, WRONGTYPE if not a zset. */
function readZSet(ctx: ExecContext, key: string): ZSetValue | undefined | ErrorReply {
  const e = ctx.lookupRead(key);
  if (e === undefined) return undefined;
  return e.value instanceof ZSetValue ? e.value : WRONGTYPE;
}

/** The sorted set at `key` for writing (an expired key is deleted first). */
function writeZSet(ctx: ExecContext, key: string): ZSetValue | undefined | ErrorReply {
  const e = ctx.lookupWrite(key);
  if (e === undefined) return undefined;
  return e.value instanceof ZSetValue ? e.value : WRONGTYPE;
}

function isError(v: unknown): v is ErrorReply {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'error';
}

/** After removals: deletes the key if the set is now empty, and signals the change. */
function afterRemoval(ctx: ExecContext, key: string, z: ZSetValue, removed: number): void {
  if (removed === 0) return;
  if (z.size === 0) ctx.db.delete(key);
  else ctx.signalModified(key);
}

/**
 * Stores a result set at `dst` (setKey: replaces any value and its TTL), or deletes
 * `dst` when the result is empty. Replies the stored size.
 */
function storeResult(ctx: ExecContext, dst: string, value: ZSetValue | null): Reply {
  if (value === null || value.size === 0) {
    ctx.db.delete(dst);
    return 0;
  }
  ctx.lookupWrite(dst);
  ctx.db.set(dst, value, ctx.lruClock);
  ctx.signalReady(dst);
  return value.size;
}

// ---------------------------------------------------------------------------------------
// ZADD ZINCRBY ZREM

interface AddOptions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
  /** argv index of the first score. */
  first: number;
}

/** zaddGenericCommand's option loop, then its checks in Redis's order. */
function parseAddOptions(argv: readonly string[], incr: boolean): AddOptions | ErrorReply {
  const o: AddOptions = { nx: false, xx: false, gt: false, lt: false, ch: false, incr, first: 2 };
  for (; o.first < argv.length; o.first++) {
    const arg = argv[o.first] as string;
    // Every option is 2 to 4 letters; a score never needs upper-casing.
    if (arg.length < 2 || arg.length > 4) break;
    const opt = arg.toUpperCase();
    if (opt === 'NX') o.nx = true;
    else if (opt === 'XX') o.xx = true;
    else if (opt === 'CH') o.ch = true;
    else if (opt === 'INCR') o.incr = true;
    else if (opt === 'GT') o.gt = true;
    else if (opt === 'LT') o.lt = true;
    else break;
  }
  const elements = argv.length - o.first;
  if (elements === 0 || elements % 2 !== 0) return SYNTAX;
  if (o.nx && o.xx) return XX_AND_NX;
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) return GT_LT_NX;
  if (o.incr && elements > 2) return INCR_ONE_PAIR;
  return o;
}

/** What one zsetAdd did. */
const NOP = 0;
const ADDED = 1;
const UPDATED = 2;
const PROCESSED = 3;
const NAN = 4;

/** zsetAdd: one score-member pair under the options; `out[0]` gets the new score. */
function addOne(
  z: ZSetValue,
  member: string,
  score: number,
  o: AddOptions,
  limits: ZSetLimits,
  out: number[],
): number {
  const current = z.score(member);
  if (current === undefined) {
    if (o.xx) return NOP;
    z.insert(member, score, limits);
    out[0] = score;
    return ADDED;
  }
  if (o.nx) return NOP;
  if (o.incr) {
    score += current;
    if (Number.isNaN(score)) return NAN;
  }
  if ((o.lt && score >= current) || (o.gt && score <= current)) return NOP;
  out[0] = score;
  if (score === current) return PROCESSED;
  z.update(member, current, score);
  return UPDATED;
}

/** ZADD and ZINCRBY (zaddGenericCommand). */
function zaddGeneric(ctx: ExecContext, argv: readonly string[], incr: boolean): Reply {
  const o = parseAddOptions(argv, incr);
  if (isError(o)) return o;
  const scores: number[] = [];
  for (let j = o.first; j < argv.length; j += 2) {
    const score = parseScore(argv[j] as string);
    if (score === null) return NOT_FLOAT;
    scores.push(score);
  }
  const key = argv[1] as string;
  let z = writeZSet(ctx, key);
  if (isError(z)) return z;
  if (z === undefined && o.xx) return o.incr ? null : 0;
  const limits = limitsOf(ctx);
  const created = z === undefined;
  z ??= ZSetValue.forFirstMember(argv[o.first + 1] as string, limits);
  let added = 0;
  let updated = 0;
  let processed = 0;
  const out = [0];
  for (let i = 0; i < scores.length; i++) {
    const member = argv[o.first + 1 + 2 * i] as string;
    const r = addOne(z, member, scores[i] as number, o, limits, out);
    if (r === NAN) return NAN_RESULT;
    if (r === ADDED) added++;
    else if (r === UPDATED) updated++;
    if (r !== NOP) processed++;
  }
  if (created && z.size > 0) {
    ctx.db.set(key, z, ctx.lruClock);
    ctx.signalReady(key);
  } else if (added + updated > 0) {
    ctx.signalModified(key);
  }
  if (o.incr) return processed > 0 ? double(out[0] as number) : null;
  return o.ch ? added + updated : added;
}

function zadd(ctx: ExecContext, argv: readonly string[]): Reply {
  return zaddGeneric(ctx, argv, false);
}

function zincrby(ctx: ExecContext, argv: readonly string[]): Reply {
  return zaddGeneric(ctx, argv, true);
}

function zrem(ctx: ExecContext, argv: readonly string[]): Reply {
  const key = argv[1] as string;
  const z = writeZSet(ctx, key);
  if (z === undefined || isError(z)) return z ?? 0;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j] as string)) deleted++;
    if (z.size === 0) break;
  }
  afterRemoval(ctx, key, z, deleted);
  return deleted;
}

// ---------------------------------------------------------------------------------------
// ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT

function zcard(ctx: ExecContext, argv: readonly string[]): Reply {
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? 0;
  return z.size;
}

function zscore(ctx: ExecContext, argv: readonly string[]): Reply {
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? null;
  const score = z.score(argv[2] as string);
  return score === undefined ? null : double(score);
}

function zmscore(ctx: ExecContext, argv: readonly string[]): Reply {
  const z = readZSet(ctx, argv[1] as string);
  if (isError(z)) return z;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j] as string);
    out.push(score === undefined ? null : double(score));
  }
  return out;
}

function zrankGeneric(ctx: ExecContext, argv: readonly string[], reverse: boolean): Reply {
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? null;
  const rank = z.rank(argv[2] as string);
  if (rank < 0) return null;
  return reverse ? z.size - 1 - rank : rank;
}

function zrank(ctx: ExecContext, argv: readonly string[]): Reply {
  return zrankGeneric(ctx, argv, false);
}

function zrevrank(ctx: ExecContext, argv: readonly string[]): Reply {
  return zrankGeneric(ctx, argv, true);
}

/** Ranks [start, end) of the elements within a score range. */
function scoreSpan(z: ZSetValue, r: ScoreRange): [number, number] {
  const start = z.countScoreBelow(r.min, r.minex);
  const end = z.countScoreBelow(r.max, !r.maxex);
  return [start, Math.max(start, end)];
}

/** Ranks [start, end) of the elements within a lex range (for equal scores). */
function lexSpan(z: ZSetValue, r: LexRange): [number, number] {
  if (z.isListpack) return lexScan(z, r, false, 0, -1);
  const start = lexRank(z, r.min, r.min.ex);
  const end = lexRank(z, r.max, !r.max.ex);
  return [start, Math.max(start, end)];
}

/** Where a bound sorts: '-' lowest, then members, then '+' (sdscmplex). */
function compareLexBounds(a: LexBound, b: LexBound): number {
  const rank = (x: LexBound): number => (x.kind === 'min' ? 0 : x.kind === 'member' ? 1 : 2);
  if (rank(a) !== rank(b) || a.kind !== 'member') return rank(a) - rank(b);
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

function aboveMin(m: string, min: LexBound): boolean {
  if (min.kind !== 'member') return min.kind === 'min';
  return min.ex ? m > min.member : m >= min.member;
}

function belowMax(m: string, max: LexBound): boolean {
  if (max.kind !== 'member') return max.kind === 'max';
  return max.ex ? m < max.member : m <= max.member;
}

/**
 * The ranks [from, to) a lex range selects in a listpack, found by scanning as Redis's
 * zzlFirstInLexRange / zzlLastInLexRange do, then skipping `offset` and taking up to
 * `limit` (negative: all) while in range. Same answer as the tree when all scores are
 * equal, and Redis's answer when they are not.
 */
function lexScan(
  z: ZSetValue,
  r: LexRange,
  reverse: boolean,
  offset: number,
  limit: number,
): [number, number] {
  const cmp = compareLexBounds(r.min, r.max);
  if (offset < 0 || cmp > 0 || (cmp === 0 && (r.min.ex || r.max.ex))) return [0, 0];
  const ms: string[] = [];
  z.forRange(0, z.size, false, (m) => ms.push(m));
  const n = ms.length;
  if (n === 0 || !aboveMin(ms[n - 1] as string, r.min) || !belowMax(ms[0] as string, r.max)) {
    return [0, 0];
  }
  const take = limit < 0 ? Infinity : limit;
  if (!reverse) {
    let first = 0;
    while (first < n && !aboveMin(ms[first] as string, r.min)) first++;
    if (first === n || !belowMax(ms[first] as string, r.max)) return [0, 0];
    const from = first + offset;
    let to = from;
    while (to < n && to - from < take && belowMax(ms[to] as string, r.max)) to++;
    return to > from ? [from, to] : [0, 0];
  }
  let last = n - 1;
  while (last >= 0 && !belowMax(ms[last] as string, r.max)) last--;
  if (last < 0 || !aboveMin(ms[last] as string, r.min)) return [0, 0];
  const to = last - offset;
  let from = to;
  while (from >= 0 && to - from < take && aboveMin(ms[from] as string, r.min)) from--;
  return to > from ? [from + 1, to + 1] : [0, 0];
}

/** How many members sort below the bound (or at it, when `inclusive`). */
function lexRank(z: ZSetValue, b: LexBound, inclusive: boolean): number {
  if (b.kind === 'min') return 0;
  if (b.kind === 'max') return z.size;
  return z.countMemberBelow(b.member, inclusive);
}

function zcount(ctx: ExecContext, argv: readonly string[]): Reply {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  if (range === null) return NOT_FLOAT_RANGE;
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? 0;
  const [start, end] = scoreSpan(z, range);
  return end - start;
}

function zlexcount(ctx: ExecContext, argv: readonly string[]): Reply {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  if (range === null) return NOT_LEX_RANGE;
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? 0;
  const [start, end] = lexSpan(z, range);
  return end - start;
}

// ---------------------------------------------------------------------------------------
// ZRANGE and its variants, ZRANGESTORE

type RangeBy = 'auto' | 'rank' | 'score' | 'lex';

interface RangeRequest {
  readonly key: string;
  readonly by: 'rank' | 'score' | 'lex';
  readonly reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1 (or any negative) for no limit. */
  limit: number;
  /** A rank range's start and end, as given (negative counts from the end). */
  start: number;
  end: number;
  scores: ScoreRange | null;
  lex: LexRange | null;
}

interface RangeFlags {
  by: RangeBy;
  reverse: boolean | null;
  withScores: boolean;
  offset: number;
  limit: number;
}

/** zrangeGenericCommand's option loop from argv[at + 3]. */
function parseRangeFlags(
  argv: readonly string[],
  at: number,
  store: boolean,
  flags: RangeFlags,
): ErrorReply | null {
  for (let j = at + 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toUpperCase();
    const left = argv.length - j - 1;
    if (!store && opt === 'WITHSCORES') {
      flags.withScores = true;
    } else if (opt === 'LIMIT' && left >= 2) {
      const offset = parseLong(argv[j + 1] as string);
      const limit = parseLong(argv[j + 2] as string);
      if (offset === null || limit === null) return NOT_INTEGER;
      flags.offset = offset;
      flags.limit = limit;
      j += 2;
    } else if (flags.reverse === null && opt === 'REV') {
      flags.reverse = true;
    } else if (flags.by === 'auto' && opt === 'BYLEX') {
      flags.by = 'lex';
    } else if (flags.by === 'auto' && opt === 'BYSCORE') {
      flags.by = 'score';
    } else {
      return SYNTAX;
    }
  }
  return null;
}

/**
 * Parses `<src> <min> <max> [options]` starting at argv[at], for a command whose range
 * type and direction are fixed (`by`, `reverse`) or chosen by options ('auto', null).
 */
function parseRange(
  argv: readonly string[],
  at: number,
  store: boolean,
  by: RangeBy,
  reverse: boolean | null,
): RangeRequest | ErrorReply {
  const flags: RangeFlags = { by, reverse, withScores: false, offset: 0, limit: -1 };
  const bad = parseRangeFlags(argv, at, store, flags);
  if (bad !== null) return bad;
  const type = flags.by === 'auto' ? 'rank' : flags.by;
  const rev = flags.reverse === true;
  if (flags.limit !== -1 && type === 'rank') return LIMIT_NEEDS_RANGE;
  if (flags.withScores && type === 'lex') return WITHSCORES_BYLEX;
  // REV with BYSCORE/BYLEX takes the range as max then min.
  const swap = rev && type !== 'rank';
  const minArg = argv[swap ? at + 2 : at + 1] as string;
  const maxArg = argv[swap ? at + 1 : at + 2] as string;
  const req = newRequest(argv[at] as string, type, rev);
  req.withScores = flags.withScores || store;
  req.offset = flags.offset;
  req.limit = flags.limit;
  if (type === 'rank') {
    const start = parseLong(minArg);
    const end = parseLong(maxArg);
    if (start === null || end === null) return NOT_INTEGER;
    req.start = start;
    req.end = end;
  } else if (type === 'score') {
    req.scores = parseScoreRange(minArg, maxArg);
    if (req.scores === null) return NOT_FLOAT_RANGE;
  } else {
    req.lex = parseLexRange(minArg, maxArg);
    if (req.lex === null) return NOT_LEX_RANGE;
  }
  return req;
}

/** A request with no options; one object literal, so every request has one shape. */
function newRequest(key: string, by: RangeRequest['by'], reverse: boolean): RangeRequest {
  return {
    key,
    by,
    reverse,
    withScores: false,
    offset: 0,
    limit: -1,
    start: 0,
    end: 0,
    scores: null,
    lex: null,
  };
}

/**
 * The ascending ranks [from, to) a request selects; the caller walks them backwards
 * for REV. Ranks follow genericZrangebyrankCommand's clamping; score and lex ranges
 * apply LIMIT as Redis does (a negative offset skips everything, a negative count
 * means no limit).
 */
function selectRanks(z: ZSetValue, req: RangeRequest): [number, number] {
  const size = z.size;
  if (req.by === 'rank') {
    let start = req.start < 0 ? size + req.start : req.start;
    let end = req.end < 0 ? size + req.end : req.end;
    if (start < 0) start = 0;
    if (start > end || start >= size) return [0, 0];
    if (end >= size) end = size - 1;
    return req.reverse ? [size - 1 - end, size - start] : [start, end + 1];
  }
  if (req.lex !== null && z.isListpack) {
    return lexScan(z, req.lex, req.reverse, req.offset, req.limit);
  }
  const [lo, hi] = req.scores !== null ? scoreSpan(z, req.scores) : lexSpan(z, req.lex as LexRange);
  if (req.offset < 0) return [0, 0];
  const take = req.limit < 0 ? Infinity : req.limit;
  if (req.reverse) {
    const to = hi - req.offset;
    return to <= lo ? [0, 0] : [Math.max(lo, to - take), to];
  }
  const from = lo + req.offset;
  return from >= hi ? [0, 0] : [from, Math.min(hi, from + take)];
}

function rangeReply(z: ZSetValue, req: RangeRequest): Reply {
  const [from, to] = selectRanks(z, req);
  const items: Reply[] = [];
  if (req.withScores) {
    z.forRange(from, to, req.reverse, (m, s) => items.push(m, double(s)));
    return pairs(items);
  }
  z.forRange(from, to, req.reverse, (m) => items.push(m));
  return items;
}

/** ZRANGE, ZREVRANGE and the BYSCORE/BYLEX variants (zrangeGenericCommand). */
function zrangeGeneric(
  ctx: ExecContext,
  argv: readonly string[],
  by: RangeBy,
  reverse: boolean | null,
): Reply {
  const req = parseRange(argv, 1, false, by, reverse);
  if (isError(req)) return req;
  const z = readZSet(ctx, req.key);
  if (z === undefined || isError(z)) return z ?? EMPTY_ARRAY;
  return rangeReply(z, req);
}

/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
function zrangestore(ctx: ExecContext, argv: readonly string[]): Reply {
  const req = parseRange(argv, 2, true, 'auto', null);
  if (isError(req)) return req;
  const z = readZSet(ctx, req.key);
  if (isError(z)) return z;
  if (z === undefined) return storeResult(ctx, argv[1] as string, null);
  const [from, to] = selectRanks(z, req);
  return storeResult(ctx, argv[1] as string, rangeCopy(z, from, to, req, limitsOf(ctx)));
}

/**
 * The elements of ranks [from, to) as a new set, built as Redis's zrangeResultBeginStore
 * and zsetAdd build it: a listpack unless a rank range is known to be too long, turning
 * into a skiplist at the first element that does not fit. Scores added while it is a
 * listpack lose a -0 sign (integers in a listpack); those added after keep it.
 */
function rangeCopy(
  z: ZSetValue,
  from: number,
  to: number,
  req: RangeRequest,
  limits: ZSetLimits,
): ZSetValue {
  const members: string[] = [];
  const scores: number[] = [];
  let listpack = !(req.by === 'rank' && to - from > limits.entries);
  z.forRange(from, to, req.reverse, (m, s) => {
    if (listpack && (members.length + 1 > limits.entries || m.length > limits.value)) {
      listpack = false;
    }
    members.push(m);
    scores.push(listpack && s === 0 ? 0 : s);
  });
  if (req.reverse) {
    members.reverse();
    scores.reverse();
  }
  return ZSetValue.fromSorted(members, scores, listpack);
}

// ---------------------------------------------------------------------------------------
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX

function zremrangeGeneric(ctx: ExecContext, argv: readonly string[], by: RangeBy): Reply {
  const minArg = argv[2] as string;
  const maxArg = argv[3] as string;
  let span: (z: ZSetValue) => [number, number];
  if (by === 'rank') {
    const start = parseLong(minArg);
    const end = parseLong(maxArg);
    if (start === null || end === null) return NOT_INTEGER;
    const req = newRequest(argv[1] as string, 'rank', false);
    req.start = start;
    req.end = end;
    span = (z) => selectRanks(z, req);
  } else if (by === 'score') {
    const range = parseScoreRange(minArg, maxArg);
    if (range === null) return NOT_FLOAT_RANGE;
    span = (z) => scoreSpan(z, range);
  } else {
    const range = parseLexRange(minArg, maxArg);
    if (range === null) return NOT_LEX_RANGE;
    span = (z) => lexSpan(z, range);
  }
  const key = argv[1] as string;
  const z = writeZSet(ctx, key);
  if (z === undefined || isError(z)) return z ?? 0;
  const [from, to] = span(z);
  z.removeRange(from, to);
  afterRemoval(ctx, key, z, to - from);
  return to - from;
}

// ---------------------------------------------------------------------------------------
// ZPOPMIN ZPOPMAX BZPOPMIN BZPOPMAX ZMPOP BZMPOP

/**
 * Pops up to `count` elements from the min or max end: member, double(score) pairs,
 * flat. Deletes the key when it empties (genericZpopCommand).
 */
function popElements(
  ctx: ExecContext,
  key: string,
  z: ZSetValue,
  max: boolean,
  count: number,
): Reply[] {
  const n = Math.min(count, z.size);
  const items: Reply[] = [];
  const from = max ? z.size - n : 0;
  z.forRange(from, from + n, max, (m, s) => items.push(m, double(s)));
  z.removeRange(from, from + n);
  afterRemoval(ctx, key, z, n);
  return items;
}

/** [[member, score], ...] as ZMPOP nests them in RESP2 and RESP3 alike. */
function nestPairs(items: readonly Reply[]): Reply[] {
  const out: Reply[] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i] as Reply, items[i + 1] as Reply]);
  return out;
}

/** ZPOPMIN/ZPOPMAX key [count] */
function zpopGeneric(ctx: ExecContext, argv: readonly string[], max: boolean): Reply {
  if (argv.length > 3) return SYNTAX;
  let count = -1;
  if (argv.length === 3) {
    // getPositiveLongFromObjectOrReply: one message for "not a number" and "negative".
    const n = parseLong(argv[2] as string);
    if (n === null || n < 0) return NOT_POSITIVE;
    count = n;
  }
  const key = argv[1] as string;
  const z = writeZSet(ctx, key);
  if (z === undefined || isError(z)) return z ?? EMPTY_ARRAY;
  if (count === 0) return EMPTY_ARRAY;
  const items = popElements(ctx, key, z, max, count === -1 ? 1 : count);
  // A plain pop is flat in both protocols; with a count RESP3 nests the pairs.
  return count === -1 ? items : pairs(items);
}

function zpopmin(ctx: ExecContext, argv: readonly string[]): Reply {
  return zpopGeneric(ctx, argv, false);
}

function zpopmax(ctx: ExecContext, argv: readonly string[]): Reply {
  return zpopGeneric(ctx, argv, true);
}

/**
 * The first of `keys` holding a sorted set, WRONGTYPE at the first other type, or
 * undefined when none exists (genericZpopCommand's and the blocking loop's scan).
 */
function firstZSet(
  ctx: ExecContext,
  keys: readonly string[],
): { key: string; z: ZSetValue } | undefined | ErrorReply {
  for (const key of keys) {
    const z = writeZSet(ctx, key);
    if (z === undefined) continue;
    if (isError(z)) return z;
    if (z.size > 0) return { key, z };
  }
  return undefined;
}

/** What a blocking pop answers when nothing is there: block, or time out at once. */
function blockOrTimeout(
  ctx: ExecContext,
  keys: readonly string[],
  timeoutMs: number,
): Reply | BlockRequest {
  if (!ctx.canBlock) return NULL_ARRAY;
  return { kind: 'block', keys, timeoutMs, timeoutReply: NULL_ARRAY };
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout */
function bzpopGeneric(
  ctx: ExecContext,
  argv: readonly string[],
  max: boolean,
): Reply | BlockRequest {
  const timeoutMs = parseTimeoutMs(argv[argv.length - 1] as string);
  if (isError(timeoutMs)) return timeoutMs;
  const keys = argv.slice(1, -1);
  const found = firstZSet(ctx, keys);
  if (isError(found)) return found;
  if (found === undefined) return blockOrTimeout(ctx, keys, timeoutMs);
  const popped = popElements(ctx, found.key, found.z, max, 1);
  return [found.key, popped[0] as Reply, popped[1] as Reply];
}

function bzpopmin(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  return bzpopGeneric(ctx, argv, false);
}

function bzpopmax(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  return bzpopGeneric(ctx, argv, true);
}

interface MpopRequest {
  readonly keys: readonly string[];
  readonly max: boolean;
  readonly count: number;
}

/** zmpopGenericCommand's parse from argv[at] = numkeys. */
function parseMpop(argv: readonly string[], at: number): MpopRequest | ErrorReply {
  const numkeys = parseLong(argv[at] as string);
  if (numkeys === null || numkeys < 1) return NUMKEYS_POSITIVE;
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) return SYNTAX;
  const where = (argv[whereAt] as string).toUpperCase();
  if (where !== 'MIN' && where !== 'MAX') return SYNTAX;
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && (argv[j] as string).toUpperCase() === 'COUNT' && j < argv.length - 1) {
      const n = parseLong(argv[++j] as string);
      if (n === null || n < 1) return COUNT_POSITIVE;
      count = n;
    } else {
      return SYNTAX;
    }
  }
  return {
    keys: argv.slice(at + 1, whereAt),
    max: where === 'MAX',
    count: count === -1 ? 1 : count,
  };
}

function mpopReply(ctx: ExecContext, key: string, z: ZSetValue, req: MpopRequest): Reply {
  return [key, nestPairs(popElements(ctx, key, z, req.max, req.count))];
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
function zmpop(ctx: ExecContext, argv: readonly string[]): Reply {
  const req = parseMpop(argv, 1);
  if (isError(req)) return req;
  const found = firstZSet(ctx, req.keys);
  if (found === undefined || isError(found)) return found ?? NULL_ARRAY;
  return mpopReply(ctx, found.key, found.z, req);
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
function bzmpop(ctx: ExecContext, argv: readonly string[]): Reply | BlockRequest {
  const req = parseMpop(argv, 2);
  if (isError(req)) return req;
  const timeoutMs = parseTimeoutMs(argv[1] as string);
  if (isError(timeoutMs)) return timeoutMs;
  const found = firstZSet(ctx, req.keys);
  if (isError(found)) return found;
  if (found === undefined) return blockOrTimeout(ctx, req.keys, timeoutMs);
  return mpopReply(ctx, found.key, found.z, req);
}

// ---------------------------------------------------------------------------------------
// ZRANDMEMBER

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length === 2) {
    const z = readZSet(ctx, argv[1] as string);
    if (z === undefined || isError(z)) return z ?? null;
    return z.memberAt(ctx.rng.below(z.size));
  }
  const raw = parseInt64(argv[2] as string);
  if (raw === null) return NOT_INTEGER;
  if (raw === INT64_MIN) return COUNT_RANGE;
  if (
    argv.length > 4 ||
    (argv.length === 4 && (argv[3] as string).toUpperCase() !== 'WITHSCORES')
  ) {
    return SYNTAX;
  }
  const withScores = argv.length === 4;
  if (withScores && (BigInt(raw) < -HALF_LONG_MAX || BigInt(raw) > HALF_LONG_MAX)) {
    return OUT_OF_RANGE;
  }
  const z = readZSet(ctx, argv[1] as string);
  if (z === undefined || isError(z)) return z ?? EMPTY_ARRAY;
  const count = Math.abs(Number(raw));
  if (count === 0) return EMPTY_ARRAY;
  const ranks = raw < 0 ? randomRanks(ctx, z.size, count) : distinctRanks(ctx, z.size, count);
  if (ranks === null) return OUT_OF_RANGE;
  const items: Reply[] = [];
  for (const r of ranks) {
    items.push(z.memberAt(r));
    if (withScores) items.push(double(z.scoreAt(r)));
  }
  return withScores ? pairs(items) : items;
}

/** `count` ranks below `size`, repeats allowed (a negative count). */
function randomRanks(ctx: ExecContext, size: number, count: number): number[] | null {
  if (count > RANDOM_REPLY_MAX) return null;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = ctx.rng.below(size);
  return out;
}

/**
 * `count` distinct ranks below `size`: all of them in order when count >= size (as
 * Redis returns the whole set), else a seeded partial shuffle when count is close to
 * size, or rejection sampling when it is small next to it.
 */
function distinctRanks(ctx: ExecContext, size: number, count: number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  if (count * 3 > size) {
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + ctx.rng.below(size - i);
      const t = all[i] as number;
      all[i] = all[j] as number;
      all[j] = t;
    }
    all.length = count;
    return all;
  }
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const r = ctx.rng.below(size);
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a sorted set, a plain set (every member scores 1), or a missing key. */
interface OpSource {
  readonly value: ZSetValue | SetValue | null;
  readonly size: number;
  weight: number;
}

function eachElement(src: OpSource, visit: (member: string, score: number) => void): void {
  const v = src.value;
  if (v instanceof ZSetValue) v.forRange(0, v.size, false, visit);
  else if (v !== null) for (const m of v.members()) visit(m, 1);
}

/** The member's score in the source (1 for a set member), or undefined (zuiFind). */
function findIn(src: OpSource, member: string): number | undefined {
  const v = src.value;
  if (v instanceof ZSetValue) return v.score(member);
  return v !== null && v.has(member) ? 1 : undefined;
}

interface OpRequest {
  readonly op: SetOp;
  readonly sources: OpSource[];
  aggregate: Aggregate;
  withScores: boolean;
  /** ZINTERCARD's LIMIT; 0 for none. */
  limit: number;
  readonly cardinalityOnly: boolean;
  readonly store: boolean;
}

/** The numkeys and input keys of zunionInterDiffGenericCommand, looked up for reading. */
function readSources(
  ctx: ExecContext,
  argv: readonly string[],
  at: number,
): OpSource[] | ErrorReply {
  const setnum = parseLong(argv[at] as string);
  if (setnum === null) return NOT_INTEGER;
  if (setnum < 1) {
    const name = (argv[0] as string).toLowerCase();
    return error(`ERR at least 1 input key is needed for '${name}' command`);
  }
  if (setnum > argv.length - (at + 1)) return SYNTAX;
  const sources: OpSource[] = [];
  for (let i = 0; i < setnum; i++) {
    const e = ctx.lookupRead(argv[at + 1 + i] as string);
    const v = e?.value;
    if (v === undefined) sources.push({ value: null, size: 0, weight: 1 });
    else if (v instanceof ZSetValue || v instanceof SetValue) {
      sources.push({ value: v, size: v.size, weight: 1 });
    } else return WRONGTYPE;
  }
  return sources;
}

/** The WEIGHTS / AGGREGATE / WITHSCORES / LIMIT options after the keys. */
function parseOpOptions(argv: readonly string[], j: number, req: OpRequest): ErrorReply | null {
  const n = req.sources.length;
  const weighted = req.op !== 'diff' && !req.cardinalityOnly;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = (argv[j] as string).toUpperCase();
    if (weighted && remaining >= n + 1 && opt === 'WEIGHTS') {
      for (let i = 0; i < n; i++) {
        const w = parseScore(argv[j + 1 + i] as string);
        if (w === null) return WEIGHT_NOT_FLOAT;
        (req.sources[i] as OpSource).weight = w;
      }
      j += n + 1;
    } else if (weighted && remaining >= 2 && opt === 'AGGREGATE') {
      const agg = (argv[j + 1] as string).toLowerCase();
      if (agg !== 'sum' && agg !== 'min' && agg !== 'max') return SYNTAX;
      req.aggregate = agg;
      j += 2;
    } else if (!req.store && !req.cardinalityOnly && opt === 'WITHSCORES') {
      req.withScores = true;
      j++;
    } else if (req.cardinalityOnly && remaining >= 2 && opt === 'LIMIT') {
      const limit = parseLong(argv[j + 1] as string);
      if (limit === null || limit < 0) return LIMIT_NEGATIVE;
      req.limit = limit;
      j += 2;
    } else {
      return SYNTAX;
    }
  }
  return null;
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = target + value;
    // inf + -inf is NaN; Redis's convention makes it 0.
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** A weighted score; NaN (0 * inf) counts as 0. */
function weighted(score: number, weight: number): number {
  const r = score * weight;
  return Number.isNaN(r) ? 0 : r;
}

/** Members and scores of a result, not yet ordered. */
interface OpResult {
  readonly members: string[];
  readonly scores: number[];
  count: number;
}

function intersect(req: OpRequest, out: OpResult): void {
  const srcs = req.sources.slice().sort((a, b) => a.size - b.size);
  const first = srcs[0] as OpSource;
  if (first.size === 0) return;
  let done = false;
  eachElement(first, (m, s) => {
    if (done) return;
    let score = weighted(s, first.weight);
    for (let j = 1; j < srcs.length; j++) {
      const src = srcs[j] as OpSource;
      const found = src.value === first.value ? s : findIn(src, m);
      if (found === undefined) return;
      score = aggregate(score, found * src.weight, req.aggregate);
    }
    out.count++;
    if (req.cardinalityOnly) {
      done = req.limit > 0 && out.count >= req.limit;
      return;
    }
    out.members.push(m);
    out.scores.push(score);
  });
}

function unite(req: OpRequest, out: OpResult): void {
  const srcs = req.sources.slice().sort((a, b) => a.size - b.size);
  const acc = new Map<string, number>();
  for (const src of srcs) {
    eachElement(src, (m, s) => {
      const score = weighted(s, src.weight);
      const prev = acc.get(m);
      acc.set(m, prev === undefined ? score : aggregate(prev, score, req.aggregate));
    });
  }
  for (const [m, s] of acc) {
    out.members.push(m);
    out.scores.push(s);
  }
  out.count = acc.size;
}

function subtract(req: OpRequest, out: OpResult): void {
  const [first, ...rest] = req.sources as [OpSource, ...OpSource[]];
  if (first.size === 0 || rest.some((src) => src.value === first.value)) return;
  eachElement(first, (m, s) => {
    for (const src of rest) if (src.size > 0 && findIn(src, m) !== undefined) return;
    out.members.push(m);
    out.scores.push(s);
  });
  out.count = out.members.length;
}

/** Orders a result by score, then member, as the skiplist Redis builds it does. */
function sortResult(r: OpResult): { members: string[]; scores: number[]; longest: number } {
  const idx = r.members.map((_, i) => i);
  const ms = r.members;
  const ss = r.scores;
  idx.sort((a, b) =>
    compareElements(ss[a] as number, ms[a] as string, ss[b] as number, ms[b] as string),
  );
  let longest = 0;
  const members = idx.map((i) => {
    const m = ms[i] as string;
    if (m.length > longest) longest = m.length;
    return m;
  });
  return { members, scores: idx.map((i) => ss[i] as number), longest };
}

/** zunionInterDiffGenericCommand: `at` is the numkeys index; `dst` the store key. */
function setOperation(
  ctx: ExecContext,
  argv: readonly string[],
  op: SetOp,
  options: { at: number; dst?: string; cardinalityOnly?: boolean },
): Reply {
  const sources = readSources(ctx, argv, options.at);
  if (isError(sources)) return sources;
  const req: OpRequest = {
    op,
    sources,
    aggregate: 'sum',
    withScores: false,
    limit: 0,
    cardinalityOnly: options.cardinalityOnly === true,
    store: options.dst !== undefined,
  };
  const bad = parseOpOptions(argv, options.at + 1 + sources.length, req);
  if (bad !== null) return bad;
  const result: OpResult = { members: [], scores: [], count: 0 };
  if (op === 'inter') intersect(req, result);
  else if (op === 'union') unite(req, result);
  else subtract(req, result);
  if (req.cardinalityOnly) return result.count;
  const sorted = sortResult(result);
  if (options.dst !== undefined) {
    const listpack = fitsListpack(sorted.members.length, sorted.longest, limitsOf(ctx));
    return storeResult(
      ctx,
      options.dst,
      ZSetValue.fromSorted(sorted.members, sorted.scores, listpack),
    );
  }
  if (!req.withScores) return sorted.members;
  const items: Reply[] = [];
  for (let i = 0; i < sorted.members.length; i++) {
    items.push(sorted.members[i] as string, double(sorted.scores[i] as number));
  }
  return pairs(items);
}

// ---------------------------------------------------------------------------------------
// ZSCAN

/** ZSCAN's COUNT and MATCH (scanGenericCommand; TYPE is only for SCAN). */
function parseZscanOptions(
  argv: readonly string[],
): { count: number; pattern: string | null } | ErrorReply {
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toUpperCase();
    const value = argv[i + 1];
    if (value !== undefined && opt === 'COUNT') {
      const n = parseLong(value);
      if (n === null) return NOT_INTEGER;
      if (n < 1) return SYNTAX;
      count = n;
    } else if (value !== undefined && opt === 'MATCH') {
      pattern = value === '*' ? null : value;
    } else {
      return SYNTAX;
    }
  }
  return { count, pattern };
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: a listpack answers whole with cursor
 * 0, as Redis does; a skiplist walks its member map with a live cursor (ZSetValue.scan).
 */
function zscan(ctx: ExecContext, argv: readonly string[]): Reply {
  const cursor = parseCursor(argv[2] as string);
  if (cursor === null) return INVALID_CURSOR;
  const z = readZSet(ctx, argv[1] as string);
  if (isError(z)) return z;
  if (z === undefined) return ['0', EMPTY_ARRAY];
  const options = parseZscanOptions(argv);
  if (isError(options)) return options;
  const { pattern } = options;
  const items: Reply[] = [];
  const visit = (m: string, score: string): void => {
    if (pattern === null || globMatch(pattern, m)) items.push(m, score);
  };
  let next = 0;
  if (z.isListpack) z.forRange(0, z.size, false, (m, s) => visit(m, listpackScoreText(s)));
  else next = z.scan(cursor, options.count, (m, s) => visit(m, formatDouble17g(s)));
  return [String(next), items];
}

// ---------------------------------------------------------------------------------------
// Specs

const ONE_KEY: KeyRange = { first: 1, last: 1, step: 1 };

/** numkeys keys after argv[at] (ZUNION, ZMPOP, ...), plus `extra` fixed key indexes. */
function numkeysFinder(
  at: number,
  extra: readonly number[] = [],
): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = parseLong(argv[at] ?? '');
    const keys = extra.slice();
    if (n === null || n < 1 || n > argv.length - at - 1) return keys;
    for (let i = 1; i <= n; i++) keys.push(at + i);
    return keys;
  };
}

interface SpecShape {
  readonly name: string;
  readonly arity: number;
  readonly flags: CommandSpec['flags'];
  readonly since: string;
  readonly summary: string;
  readonly complexity: string;
  readonly syntax: string;
  readonly data: NonNullable<CommandSpec['data']>;
  readonly keys?: KeyRange;
  readonly keyFinder?: (argv: readonly string[]) => number[];
  readonly keyAccess: NonNullable<CommandSpec['keyAccess']>;
  readonly tips?: readonly string[];
}

/** Every sorted set command is in @sortedset, @read or @write, @fast or @slow. */
function zsetSpec(shape: SpecShape): CommandSpec {
  const acl = [
    shape.flags.includes('write') ? 'write' : 'read',
    'sortedset',
    shape.flags.includes('fast') ? 'fast' : 'slow',
  ];
  if (shape.flags.includes('blocking')) acl.push('blocking');
  return { ...shape, acl, group: 'sorted-set' };
}

const RANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';
const RANGE_BY_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).';
const REMRANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.';
const POP_COMPLEXITY =
  'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.';
const BPOP_COMPLEXITY = 'O(log(N)) with N being the number of elements in the sorted set.';
const MPOP_COMPLEXITY =
  'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.';
const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';
const COUNT_COMPLEXITY = 'O(log(N)) with N being the number of elements in the sorted set.';
const WEIGHTS_SYNTAX = '[WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]';
const RANGE_LIMIT = '[LIMIT offset count]';

const READ_ACCESS: NonNullable<CommandSpec['keyAccess']> = ['RO', 'access'];
const POP_ACCESS: NonNullable<CommandSpec['keyAccess']> = ['RW', 'access', 'delete'];
const STORE_ACCESS: NonNullable<CommandSpec['keyAccess']> = ['OW', 'update'];

function readRange(
  name: string,
  since: string,
  summary: string,
  syntax: string,
  data: NonNullable<CommandSpec['data']>,
  complexity = RANGE_BY_COMPLEXITY,
): CommandSpec {
  return zsetSpec({
    name,
    arity: -4,
    flags: ['readonly'],
    since,
    summary,
    complexity,
    syntax,
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data,
  });
}

function storeOp(
  name: string,
  op: SetOp,
  summary: string,
  complexity: string,
  syntax: string,
): CommandSpec {
  return zsetSpec({
    name,
    arity: -4,
    flags: ['write', 'denyoom'],
    since: name === 'zdiffstore' ? '6.2.0' : '2.0.0',
    summary,
    complexity,
    syntax: `destination numkeys key [key ...]${syntax}`,
    keys: ONE_KEY,
    keyFinder: numkeysFinder(2, [1]),
    keyAccess: STORE_ACCESS,
    data: (ctx, argv) => setOperation(ctx, argv, op, { at: 2, dst: argv[1] as string }),
  });
}

function readOp(
  name: string,
  op: SetOp,
  summary: string,
  complexity: string,
  syntax: string,
): CommandSpec {
  return zsetSpec({
    name,
    arity: -3,
    flags: ['readonly'],
    since: name === 'zintercard' ? '7.0.0' : '6.2.0',
    summary,
    complexity,
    syntax: `numkeys key [key ...]${syntax}`,
    keyFinder: numkeysFinder(1),
    keyAccess: READ_ACCESS,
    data: (ctx, argv) =>
      setOperation(ctx, argv, op, { at: 1, cardinalityOnly: name === 'zintercard' }),
  });
}

function popSpec(name: string, max: boolean): CommandSpec {
  return zsetSpec({
    name,
    arity: -2,
    flags: ['write', 'fast'],
    since: '5.0.0',
    summary: `Remove and return members with the ${max ? 'highest' : 'lowest'} scores in a sorted set`,
    complexity: POP_COMPLEXITY,
    syntax: 'key [count]',
    keys: ONE_KEY,
    keyAccess: POP_ACCESS,
    data: max ? zpopmax : zpopmin,
  });
}

function bpopSpec(name: string, max: boolean): CommandSpec {
  const which = max ? 'highest' : 'lowest';
  return zsetSpec({
    name,
    arity: -3,
    flags: ['write', 'noscript', 'fast', 'blocking'],
    since: '5.0.0',
    summary: `Remove and return the member with the ${which} score from one or more sorted sets, or block until one is available`,
    complexity: BPOP_COMPLEXITY,
    syntax: 'key [key ...] timeout',
    keys: { first: 1, last: -2, step: 1 },
    keyAccess: POP_ACCESS,
    data: max ? bzpopmax : bzpopmin,
  });
}

export const zsetCommands: readonly CommandSpec[] = [
  zsetSpec({
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    since: '1.2.0',
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    complexity:
      'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    syntax: 'key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]',
    keys: ONE_KEY,
    keyAccess: ['RW', 'update'],
    data: zadd,
  }),
  zsetSpec({
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    since: '1.2.0',
    summary: 'Increment the score of a member in a sorted set',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    syntax: 'key increment member',
    keys: ONE_KEY,
    keyAccess: ['RW', 'access', 'update'],
    data: zincrby,
  }),
  zsetSpec({
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    since: '1.2.0',
    summary: 'Remove one or more members from a sorted set',
    complexity:
      'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    syntax: 'key member [member ...]',
    keys: ONE_KEY,
    keyAccess: ['RW', 'delete'],
    data: zrem,
  }),
  zsetSpec({
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    since: '1.2.0',
    summary: 'Get the number of members in a sorted set',
    complexity: 'O(1)',
    syntax: 'key',
    keys: ONE_KEY,
    keyAccess: ['RO'],
    data: zcard,
  }),
  zsetSpec({
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    since: '1.2.0',
    summary: 'Get the score associated with the given member in a sorted set',
    complexity: 'O(1)',
    syntax: 'key member',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zscore,
  }),
  zsetSpec({
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    since: '6.2.0',
    summary: 'Get the score associated with the given members in a sorted set',
    complexity: 'O(N) where N is the number of members being requested.',
    syntax: 'key member [member ...]',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zmscore,
  }),
  zsetSpec({
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    since: '2.0.0',
    summary: 'Count the members in a sorted set with scores within the given values',
    complexity: COUNT_COMPLEXITY,
    syntax: 'key min max',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zcount,
  }),
  zsetSpec({
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    since: '2.8.9',
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    complexity: COUNT_COMPLEXITY,
    syntax: 'key min max',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zlexcount,
  }),
  zsetSpec({
    name: 'zrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    since: '2.0.0',
    summary: 'Determine the index of a member in a sorted set',
    complexity: 'O(log(N))',
    syntax: 'key member',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zrank,
  }),
  zsetSpec({
    name: 'zrevrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    since: '2.0.0',
    summary:
      'Determine the index of a member in a sorted set, with scores ordered from high to low',
    complexity: 'O(log(N))',
    syntax: 'key member',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    data: zrevrank,
  }),
  readRange(
    'zrange',
    '1.2.0',
    'Return a range of members in a sorted set',
    `key start stop [BYSCORE | BYLEX] [REV] ${RANGE_LIMIT} [WITHSCORES]`,
    (ctx, argv) => zrangeGeneric(ctx, argv, 'auto', null),
    'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
  ),
  zsetSpec({
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    since: '6.2.0',
    summary: 'Store a range of members from sorted set into another key',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    syntax: `dst src min max [BYSCORE | BYLEX] [REV] ${RANGE_LIMIT}`,
    keys: { first: 1, last: 2, step: 1 },
    keyAccess: STORE_ACCESS,
    data: zrangestore,
  }),
  readRange(
    'zrevrange',
    '1.2.0',
    'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    'key start stop [WITHSCORES]',
    (ctx, argv) => zrangeGeneric(ctx, argv, 'rank', true),
    RANGE_COMPLEXITY,
  ),
  readRange(
    'zrangebyscore',
    '1.0.5',
    'Return a range of members in a sorted set, by score',
    `key min max [WITHSCORES] ${RANGE_LIMIT}`,
    (ctx, argv) => zrangeGeneric(ctx, argv, 'score', false),
  ),
  readRange(
    'zrevrangebyscore',
    '2.2.0',
    'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    `key max min [WITHSCORES] ${RANGE_LIMIT}`,
    (ctx, argv) => zrangeGeneric(ctx, argv, 'score', true),
  ),
  readRange(
    'zrangebylex',
    '2.8.9',
    'Return a range of members in a sorted set, by lexicographical range',
    `key min max ${RANGE_LIMIT}`,
    (ctx, argv) => zrangeGeneric(ctx, argv, 'lex', false),
  ),
  readRange(
    'zrevrangebylex',
    '2.8.9',
    'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    `key max min ${RANGE_LIMIT}`,
    (ctx, argv) => zrangeGeneric(ctx, argv, 'lex', true),
  ),
  ...(
    [
      [
        'zremrangebyrank',
        '2.0.0',
        'Remove all members in a sorted set within the given indexes',
        'key start stop',
        'rank',
      ],
      [
        'zremrangebyscore',
        '1.2.0',
        'Remove all members in a sorted set within the given scores',
        'key min max',
        'score',
      ],
      [
        'zremrangebylex',
        '2.8.9',
        'Remove all members in a sorted set between the given lexicographical range',
        'key min max',
        'lex',
      ],
    ] as const
  ).map(([name, since, summary, syntax, by]) =>
    zsetSpec({
      name,
      arity: 4,
      flags: ['write'],
      since,
      summary,
      complexity: REMRANGE_COMPLEXITY,
      syntax,
      keys: ONE_KEY,
      keyAccess: ['RW', 'delete'],
      data: (ctx, argv) => zremrangeGeneric(ctx, argv, by),
    }),
  ),
  popSpec('zpopmin', false),
  popSpec('zpopmax', true),
  bpopSpec('bzpopmin', false),
  bpopSpec('bzpopmax', true),
  zsetSpec({
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    since: '7.0.0',
    summary: 'Remove and return members with scores in a sorted set',
    complexity: MPOP_COMPLEXITY,
    syntax: 'numkeys key [key ...] <MIN | MAX> [COUNT count]',
    keyFinder: numkeysFinder(1),
    keyAccess: POP_ACCESS,
    data: zmpop,
  }),
  zsetSpec({
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    since: '7.0.0',
    summary:
      'Remove and return members with scores in a sorted set or block until one is available',
    complexity: MPOP_COMPLEXITY,
    syntax: 'timeout numkeys key [key ...] <MIN | MAX> [COUNT count]',
    keyFinder: numkeysFinder(2),
    keyAccess: POP_ACCESS,
    data: bzmpop,
  }),
  zsetSpec({
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    since: '6.2.0',
    summary: 'Get one or multiple random elements from a sorted set',
    complexity: 'O(N) where N is the number of elements returned',
    syntax: 'key [count [WITHSCORES]]',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    tips: ['nondeterministic_output'],
    data: zrandmember,
  }),
  readOp(
    'zunion',
    'union',
    'Add multiple sorted sets',
    UNION_COMPLEXITY,
    ` ${WEIGHTS_SYNTAX} [WITHSCORES]`,
  ),
  readOp(
    'zinter',
    'inter',
    'Intersect multiple sorted sets',
    INTER_COMPLEXITY,
    ` ${WEIGHTS_SYNTAX} [WITHSCORES]`,
  ),
  readOp('zdiff', 'diff', 'Subtract multiple sorted sets', DIFF_COMPLEXITY, ' [WITHSCORES]'),
  readOp(
    'zintercard',
    'inter',
    'Intersect multiple sorted sets and return the cardinality of the result',
    'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    ' [LIMIT limit]',
  ),
  storeOp(
    'zunionstore',
    'union',
    'Add multiple sorted sets and store the resulting sorted set in a new key',
    'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    ` ${WEIGHTS_SYNTAX}`,
  ),
  storeOp(
    'zinterstore',
    'inter',
    'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    INTER_COMPLEXITY,
    ` ${WEIGHTS_SYNTAX}`,
  ),
  storeOp(
    'zdiffstore',
    'diff',
    'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    DIFF_COMPLEXITY,
    '',
  ),
  zsetSpec({
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    since: '2.8.0',
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    syntax: 'key cursor [MATCH pattern] [COUNT count]',
    keys: ONE_KEY,
    keyAccess: READ_ACCESS,
    tips: ['nondeterministic_output'],
    data: zscan,
  }),
];
