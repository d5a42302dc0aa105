/**
 * SORT and SORT_RO (Redis's sort.c): sort a list, set or sorted set by its elements or
 * by weights looked up through patterns (`weight_*`, `obj_*->field`), fetch values
 * through GET patterns, and optionally STORE the result as a list.
 *
 * Ordering follows Redis exactly: numeric scores are parsed as strtod would (errors
 * make "One or more scores can't be converted into double"), equal scores fall back to
 * comparing the elements, ALPHA compares bytes (strcoll of the "C.UTF-8" locale, i.e.
 * up to the first NUL, unless STORE asks for a binary compare). A full sort is stable
 * like glibc's merge-sort qsort; BY with a narrowing LIMIT uses a port of Redis's
 * partial quicksort (pqsort.c), so ties come out in the same order as in Redis.
 */
import { HashValue } from '../keyspace/hash.js';
import { ListValue } from '../keyspace/list.js';
import { SetValue } from '../keyspace/set.js';
import { ZSetValue } from '../keyspace/zset.js';
import { error, type ErrorReply, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandSpec } from './spec.js';

const BAD_DOUBLE = error("ERR One or more scores can't be converted into double");

interface SortOptions {
  readonly desc: boolean;
  readonly alpha: boolean;
  readonly limitStart: number;
  readonly limitCount: number;
  /** The BY pattern, or null; a pattern without '*' means "do not sort". */
  readonly by: string | null;
  readonly gets: readonly string[];
  readonly store: string | null;
}

/** One element being sorted, with what it sorts by. */
interface SortItem {
  readonly element: string;
  score: number;
  /** ALPHA with BY: the looked-up value, null when there is none. */
  weight: string | null;
}

// ---------------------------------------------------------------------------------------
// Parsing

/** sortCommandGeneric's SQL-like option loop; `readonly` refuses STORE (SORT_RO). */
function parseSortOptions(argv: readonly string[], readonly: boolean): SortOptions | ErrorReply {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let by: string | null = null;
  let store: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const option = (argv[j] as string).toUpperCase();
    const left = argv.length - j - 1;
    if (option === 'ASC') desc = false;
    else if (option === 'DESC') desc = true;
    else if (option === 'ALPHA') alpha = true;
    else if (option === 'LIMIT' && left >= 2) {
      const start = parseInt64(argv[j + 1] as string);
      const count = parseInt64(argv[j + 2] as string);
      if (start === null || count === null) return NOT_INTEGER;
      limitStart = Number(start);
      limitCount = Number(count);
      j += 2;
    } else if (option === 'STORE' && !readonly && left >= 1) store = argv[++j] as string;
    else if (option === 'BY' && left >= 1) by = argv[++j] as string;
    else if (option === 'GET' && left >= 1) gets.push(argv[++j] as string);
    else return SYNTAX;
  }
  return { desc, alpha, limitStart, limitCount, by, gets, store };
}

/** C's strchr/strstr stop at the first NUL: patterns are searched only up to there. */
function searchable(pattern: string): string {
  const nul = pattern.indexOf('\0');
  return nul === -1 ? pattern : pattern.slice(0, nul);
}

/** Redis's sortGetKeys: the sorted key, and the key of the last STORE. */
function sortKeys(argv: readonly string[]): number[] {
  const keys = [1];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    if (arg === 'limit') i += 2;
    else if (arg === 'get' || arg === 'by') i += 1;
    else if (arg === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== -1) keys.push(store);
  return keys;
}

// ---------------------------------------------------------------------------------------
// Patterns

/**
 * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is
 * replaced by the element and the key read as a string, or, with `->field` after the
 * '*', as a hash field. No '*', a missing key or the wrong type give null.
 */
function lookupByPattern(ctx: ExecContext, pattern: string, element: string): string | null {
  const head = searchable(pattern);
  if (head === '#') return element;
  const star = head.indexOf('*');
  if (star === -1) return null;
  const arrow = head.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < head.length;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return null;
  const value = entry.value;
  if (!hasField) return typeof value === 'string' ? value : null;
  return value instanceof HashValue ? (value.get(pattern.slice(arrow + 2)) ?? null) : null;
}

const STRTOD_RE =
  /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)$/i;
/** DBL_MIN: smaller non-zero magnitudes are denormal, for which strtod sets ERANGE. */
const DOUBLE_NORMAL_MIN = 2.2250738585072014e-308;

/**
 * SORT's numeric weight: strtod over the C string (up to a NUL) must consume it all
 * (leading spaces allowed, the empty string is 0) without ERANGE (overflow, or a
 * denormal or zero result from a non-zero number) and not be NaN. Null on error.
 */
export function sortScore(s: string): number | null {
  const text = searchable(s);
  if (text.length === 0) return 0;
  const body = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (!STRTOD_RE.test(body)) return null;
  const lower = body.toLowerCase();
  const negative = lower.startsWith('-');
  const unsigned = negative || lower.startsWith('+') ? lower.slice(1) : lower;
  if (unsigned.startsWith('nan')) return null;
  if (unsigned.startsWith('inf')) return negative ? -Infinity : Infinity;
  const hex = unsigned.startsWith('0x');
  const mantissa = hex
    ? (unsigned.slice(2).split('p')[0] as string)
    : (unsigned.split('e')[0] as string);
  const magnitude = hex ? hexMagnitude(unsigned.slice(2)) : Number(unsigned);
  if (!Number.isFinite(magnitude)) return null;
  if (magnitude < DOUBLE_NORMAL_MIN && /[1-9a-f]/.test(mantissa)) return null;
  return negative ? -magnitude : magnitude;
}

/** A hex float's value: the digits as an exact integer, scaled by its binary exponent. */
function hexMagnitude(hex: string): number {
  const [mantissa = '', exponent = '0'] = hex.split('p');
  const [intDigits = '', fracDigits = ''] = mantissa.split('.');
  const digits = (intDigits + fracDigits).replace(/^0+/, '');
  if (digits.length === 0) return 0;
  const scale = Number(exponent) - 4 * fracDigits.length;
  return Number(BigInt('0x' + digits)) * 2 ** scale;
}

// ---------------------------------------------------------------------------------------
// Loading and ordering

type Sortable = ListValue | SetValue | ZSetValue;

function isSortable(v: unknown): v is Sortable {
  return v instanceof ListValue || v instanceof SetValue || v instanceof ZSetValue;
}

/** The value at `key` if SORT can sort it; null when absent (an empty list to Redis). */
function sortableAt(ctx: ExecContext, key: string): Sortable | null | ErrorReply {
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return null;
  return isSortable(entry.value) ? entry.value : WRONGTYPE;
}

function lengthOf(value: Sortable | null): number {
  if (value === null) return 0;
  return value instanceof ListValue ? value.length : value.size;
}

/** Inclusive output window [start, end]; empty when end < start. */
interface Window {
  start: number;
  end: number;
}

/** sortCommandGeneric's LIMIT sanity checks against the number of elements. */
function limitWindow(options: SortOptions, length: number): Window {
  let start = Math.min(Math.max(options.limitStart, 0), length);
  const count = Math.min(Math.max(options.limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  return { start, end };
}

/**
 * The elements to sort. Unsorted lists and sorted sets keep their own order (reversed
 * for DESC) and load just the window, which is then rebased to start at 0, as Redis
 * does; everything else loads whole, in iteration order.
 */
function loadElements(
  value: Sortable | null,
  dontSort: boolean,
  desc: boolean,
  window: Window,
): string[] {
  if (value === null) return [];
  if (value instanceof SetValue) return [...value.members()];
  const length = lengthOf(value);
  if (!dontSort) return rangeOf(value, 0, length - 1);
  if (window.end < window.start) return [];
  const lo = desc ? length - 1 - window.end : window.start;
  const hi = desc ? length - 1 - window.start : window.end;
  const elements = rangeOf(value, lo, hi);
  window.end -= window.start;
  window.start = 0;
  return desc ? elements.reverse() : elements;
}

/** Elements lo..hi inclusive of a list, or members of ranks lo..hi of a sorted set. */
function rangeOf(value: ListValue | ZSetValue, lo: number, hi: number): string[] {
  if (hi < lo) return [];
  if (value instanceof ListValue) return value.range(lo, hi);
  const out: string[] = [];
  value.forRange(lo, hi + 1, false, (member) => out.push(member));
  return out;
}

/** Fills in what each item sorts by; false if a numeric weight did not parse. */
function weigh(ctx: ExecContext, items: SortItem[], by: string | null, alpha: boolean): boolean {
  let ok = true;
  for (const item of items) {
    const weight = by === null ? item.element : lookupByPattern(ctx, by, item.element);
    if (weight === null) continue;
    if (alpha) {
      if (by !== null) item.weight = weight;
      continue;
    }
    const score = sortScore(weight);
    if (score === null) ok = false;
    else item.score = score;
  }
  return ok;
}

/** memcmp then length: JS compares latin1 strings by code unit, which is byte order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C.UTF-8 locale: byte order of the C strings (up to the first NUL). */
function collate(a: string, b: string): number {
  return compareBytes(searchable(a), searchable(b));
}

/** Redis's sortCompare for these options. */
function comparator(
  options: SortOptions,
  alpha: boolean,
  byPattern: boolean,
): (a: SortItem, b: SortItem) => number {
  const compareText = options.store !== null ? compareBytes : collate;
  const sign = options.desc ? -1 : 1;
  if (!alpha) {
    return (a, b) =>
      sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
  }
  if (!byPattern) return (a, b) => sign * compareText(a.element, b.element);
  return (a, b) => {
    if (a.weight === null || b.weight === null) {
      return sign * (a.weight === b.weight ? 0 : a.weight === null ? -1 : 1);
    }
    return sign * compareText(a.weight, b.weight);
  };
}

// ---------------------------------------------------------------------------------------
// Redis's pqsort.c: Bentley & McIlroy's quicksort that skips partitions outside the
// wanted range [lrange, rrange]. Ported index for index so that ties land as in Redis.

type Compare<T> = (a: T, b: T) => number;

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i] as T;
  v[i] = v[j] as T;
  v[j] = t;
}

function vecswap<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function med3<T>(v: T[], a: number, b: number, c: number, cmp: Compare<T>): number {
  const va = v[a] as T;
  const vb = v[b] as T;
  const vc = v[c] as T;
  return cmp(va, vb) < 0
    ? cmp(vb, vc) < 0
      ? b
      : cmp(va, vc) < 0
        ? c
        : a
    : cmp(vb, vc) > 0
      ? b
      : cmp(va, vc) < 0
        ? a
        : c;
}

/** Whether elements [first, first + n) touch the wanted range [lrange, rrange]. */
function overlaps(first: number, n: number, lrange: number, rrange: number): boolean {
  return !((lrange < first && rrange < first) || (lrange >= first + n && rrange >= first + n));
}

function pqsortFrom<T>(
  v: T[],
  a: number,
  n: number,
  cmp: Compare<T>,
  lr: number,
  rr: number,
): void {
  while (true) {
    if (n < 7) {
      for (let pm = a + 1; pm < a + n; pm++) {
        for (let pl = pm; pl > a && cmp(v[pl - 1] as T, v[pl] as T) > 0; pl--) swap(v, pl, pl - 1);
      }
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    const [pa, pb, pc, pd] = partition(v, a, n, cmp);
    const pn = a + n;
    const left = Math.min(pa - a, pb - pa);
    vecswap(v, a, pb - left, left);
    const right = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - right, right);
    if (pb - pa > 1 && overlaps(a, pb - pa, lr, rr)) pqsortFrom(v, a, pb - pa, cmp, lr, rr);
    if (pd - pc <= 1) return;
    n = pd - pc;
    a = pn - n;
    if (!overlaps(a, n, lr, rr)) return;
  }
}

/** The Bentley-McIlroy three-way partition around v[a]: returns pa, pb, pc, pd. */
function partition<T>(
  v: T[],
  a: number,
  n: number,
  cmp: Compare<T>,
): [number, number, number, number] {
  let pa = a + 1;
  let pb = a + 1;
  let pc = a + n - 1;
  let pd = a + n - 1;
  while (true) {
    let c: number;
    while (pb <= pc && (c = cmp(v[pb] as T, v[a] as T)) <= 0) {
      if (c === 0) swap(v, pa++, pb);
      pb++;
    }
    while (pb <= pc && (c = cmp(v[pc] as T, v[a] as T)) >= 0) {
      if (c === 0) swap(v, pc, pd--);
      pc--;
    }
    if (pb > pc) return [pa, pb, pc, pd];
    swap(v, pb++, pc--);
  }
}

// ---------------------------------------------------------------------------------------
// The command

function sortGeneric(ctx: ExecContext, argv: readonly string[], readonly: boolean): Reply {
  const options = parseSortOptions(argv, readonly);
  if ('kind' in options) return options;
  const value = sortableAt(ctx, argv[1] as string);
  if (value !== null && !isSortable(value)) return value;
  let dontSort = options.by !== null && !searchable(options.by).includes('*');
  let alpha = options.alpha;
  let by = options.by;
  // An unsorted set comes out in its hash order; with STORE Redis sorts it instead, so
  // that what is stored does not depend on that order.
  if (dontSort && value instanceof SetValue && options.store !== null) {
    dontSort = false;
    alpha = true;
    by = null;
  }
  const window = limitWindow(options, lengthOf(value));
  const items: SortItem[] = loadElements(value, dontSort, options.desc, window).map((element) => ({
    element,
    score: 0,
    weight: null,
  }));
  if (!dontSort) {
    // Redis sorts anyway before it reports a bad weight; the sort changes nothing else.
    if (!weigh(ctx, items, by, alpha)) return BAD_DOUBLE;
    const cmp = comparator(options, alpha, by !== null);
    if (by !== null && (window.start !== 0 || window.end !== items.length - 1)) {
      pqsortFrom(items, 0, items.length, cmp, window.start, window.end);
    } else {
      items.sort(cmp);
    }
  }
  const output = project(ctx, items, window, options.gets, options.store !== null);
  if (options.store === null) return output;
  return store(ctx, options.store, output as string[]);
}

/** The window's elements, or for each the GET patterns' values (null, or "" to store). */
function project(
  ctx: ExecContext,
  items: readonly SortItem[],
  window: Window,
  gets: readonly string[],
  storing: boolean,
): (string | null)[] {
  const out: (string | null)[] = [];
  for (let j = window.start; j <= window.end; j++) {
    const element = (items[j] as SortItem).element;
    if (gets.length === 0) out.push(element);
    for (const pattern of gets) {
      const found = lookupByPattern(ctx, pattern, element);
      out.push(found ?? (storing ? '' : null));
    }
  }
  return out;
}

/** STORE: the result replaces the key as a list; an empty result deletes the key. */
function store(ctx: ExecContext, key: string, elements: string[]): Reply {
  ctx.lookupWrite(key);
  if (elements.length > 0) {
    ctx.db.set(key, ListValue.from(elements), ctx.lruClock);
    ctx.signalModified(key);
    ctx.signalReady(key);
  } else if (ctx.db.delete(key)) {
    ctx.signalModified(key);
  }
  return elements.length;
}

const SORT_COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const sortCommands: readonly CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom', 'movablekeys'],
    acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Sort the elements in a list, set or sorted set',
    complexity: SORT_COMPLEXITY,
    syntax:
      'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] [STORE destination]',
    keys: { first: 1, last: 1, step: 1 },
    keyFinder: sortKeys,
    keyAccess: ['RO', 'access'],
    data: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly', 'movablekeys'],
    acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    group: 'generic',
    since: '7.0.0',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    complexity: SORT_COMPLEXITY,
    syntax:
      'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]',
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: ['RO', 'access'],
    data: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];
