/**
 * Reply values. Handlers return these; only the encoder turns them into bytes, for
 * RESP2 or RESP3 as the connection negotiated.
 *
 * The commonest shapes are bare JS values so that the hot path allocates nothing:
 * a `string` is a bulk string (latin1: one char per byte), a `number` an integer,
 * a `bigint` an integer outside the safe range, `null` a null bulk string, and a JS
 * array an array. Everything else is a tagged object.
 */
export type Reply =
  | string
  | number
  | bigint
  | null
  | readonly Reply[]
  | SimpleReply
  | ErrorReply
  | NullArrayReply
  | DoubleReply
  | BooleanReply
  | MapReply
  | SetReply
  | VerbatimReply
  | BigNumberReply
  | PushReply
  | BytesReply
  | PairsReply;

export interface SimpleReply {
  readonly kind: 'simple';
  readonly value: string;
}
export interface ErrorReply {
  readonly kind: 'error';
  /** The whole line after '-', e.g. `ERR syntax error` or `WRONGTYPE ...`. */
  readonly message: string;
}
export interface NullArrayReply {
  readonly kind: 'nullarray';
}
export interface DoubleReply {
  readonly kind: 'double';
  readonly value: number;
}
export interface BooleanReply {
  readonly kind: 'bool';
  readonly value: boolean;
}
/** Flat key/value pairs; RESP2 sends them as an array of 2n elements. */
export interface MapReply {
  readonly kind: 'map';
  readonly entries: readonly Reply[];
}
export interface SetReply {
  readonly kind: 'set';
  readonly items: readonly Reply[];
}
export interface VerbatimReply {
  readonly kind: 'verbatim';
  readonly format: string;
  readonly text: string;
}
export interface BigNumberReply {
  readonly kind: 'bignum';
  readonly value: string;
}
export interface PushReply {
  readonly kind: 'push';
  readonly items: readonly Reply[];
}
/** A bulk string whose bytes are already in a Buffer (large values, DUMP payloads). */
export interface BytesReply {
  readonly kind: 'bytes';
  readonly value: Uint8Array;
}

/**
 * Pairs (member and score, field and value) held flat: RESP2 sends one array of 2n
 * elements, RESP3 n nested two-element arrays (ZRANGE WITHSCORES, ZPOPMIN with a count),
 * as Redis 7.0 does where a map would lose the order.
 */
export interface PairsReply {
  readonly kind: 'pairs';
  readonly items: readonly Reply[];
}

export const OK: SimpleReply = Object.freeze({ kind: 'simple', value: 'OK' });
export const QUEUED: SimpleReply = Object.freeze({ kind: 'simple', value: 'QUEUED' });
export const PONG: SimpleReply = Object.freeze({ kind: 'simple', value: 'PONG' });
export const NULL_ARRAY: NullArrayReply = Object.freeze({ kind: 'nullarray' });
export const EMPTY_ARRAY: readonly Reply[] = Object.freeze([]);

export function simple(value: string): SimpleReply {
  return { kind: 'simple', value };
}
export function error(message: string): ErrorReply {
  return { kind: 'error', message };
}
export function double(value: number): DoubleReply {
  return { kind: 'double', value };
}
export function bool(value: boolean): BooleanReply {
  return { kind: 'bool', value };
}
export function map(entries: readonly Reply[]): MapReply {
  return { kind: 'map', entries };
}
export function set(items: readonly Reply[]): SetReply {
  return { kind: 'set', items };
}
export function verbatim(text: string, format = 'txt'): VerbatimReply {
  return { kind: 'verbatim', format, text };
}
export function push(items: readonly Reply[]): PushReply {
  return { kind: 'push', items };
}
export function bytes(value: Uint8Array): BytesReply {
  return { kind: 'bytes', value };
}
export function pairs(items: readonly Reply[]): PairsReply {
  return { kind: 'pairs', items };
}

export function isError(reply: Reply): reply is ErrorReply {
  return (
    reply !== null &&
    typeof reply === 'object' &&
    !Array.isArray(reply) &&
    (reply as { kind?: string }).kind === 'error'
  );
}
