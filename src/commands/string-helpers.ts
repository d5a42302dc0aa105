/** Lookups, limits and index arithmetic shared by the string and bitmap commands. */
import type { ErrorReply } from '../resp/reply.js';
import type { ExecContext } from './context.js';
import { WRONGTYPE } from './errors.js';

/**
 * V8's longest string (2^29 - 24 one-byte chars) is below the default
 * proto-max-bulk-len (512 MiB); a string command must never try to build a longer one.
 */
const JS_STRING_LENGTH_MAX = (1 << 29) - 24;

/** The string at `key` for a read: undefined when absent, WRONGTYPE for another type. */
export function readString(ctx: ExecContext, key: string): string | undefined | ErrorReply {
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return undefined;
  return typeof entry.value === 'string' ? entry.value : WRONGTYPE;
}

/** Like readString, for a key about to be written (no hit/miss stats, as Redis). */
export function writableString(ctx: ExecContext, key: string): string | undefined | ErrorReply {
  const entry = ctx.lookupWrite(key);
  if (entry === undefined) return undefined;
  return typeof entry.value === 'string' ? entry.value : WRONGTYPE;
}

/**
 * Redis's checkStringLength: whether a string of `size` bytes grown by `append` more
 * would pass proto-max-bulk-len (or what a JS string can hold).
 */
export function exceedsMaxBulk(ctx: ExecContext, size: number, append: number): boolean {
  const total = size + append;
  return total > ctx.settings.protoMaxBulkLen || total > JS_STRING_LENGTH_MAX;
}

/**
 * An int64 index as a JS number. Beyond ±2^53 it only has to stay beyond every string
 * length, which the nearest double does; callers compare raw values first where two
 * huge indexes must be told apart.
 */
export function indexNumber(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

/**
 * Redis's range normalisation (GETRANGE, BITCOUNT, BITPOS): negative indexes count from
 * the end, then both are clamped to [0, length - 1]. The range is empty when the first
 * returned index exceeds the second.
 */
export function clampRange(
  start: number | bigint,
  end: number | bigint,
  length: number,
): [number, number] {
  let s = indexNumber(start);
  let e = indexNumber(end);
  if (s < 0) s = length + s;
  if (e < 0) e = length + e;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= length) e = length - 1;
  return [s, e];
}
