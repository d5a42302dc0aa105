/**
 * Streaming RESP request decoder: multibulk (`*N\r\n$L\r\n...`) and inline commands,
 * with the limits, error strings and quirks of redis 7.0.15 (networking.c
 * processInlineBuffer / processMultibulkBuffer).
 *
 * Results do not depend on how the input is split into chunks. Where Redis's own result
 * does (its size checks run after each read), we decide as Redis does when the bytes
 * arrive one at a time: a line longer than 64 KiB is "too big" even if it arrives whole.
 *
 * Buffering: a chunk is parsed in place when nothing is pending; only a partial frame is
 * copied, into a growable buffer, so a pipeline costs one copy of its last partial
 * command per read. A bulk of 32 KiB or more gets a buffer of its exact final size, as
 * Redis's PROTO_MBULK_BIG_ARG path does, and is copied once however it is split.
 *
 * Arguments come out as latin1 strings (one char per byte), binary-safe.
 */

import { splitArgs } from '../util/split-args.js';

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request or length line. */
export const INLINE_MAX_BYTES = 64 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: bulks at least this long get an exactly sized buffer. */
const BIG_ARG_BYTES = 32 * 1024;
/** Redis's PROTO_IOBUF_LEN: smallest buffer a partial frame is copied into. */
const IOBUF_BYTES = 16 * 1024;
/** A buffer for partial frames up to this size is kept for reuse; a larger one is dropped. */
const STORE_KEPT_BYTES_MAX = 4 * IOBUF_BYTES;
const INT_MAX = 2147483647;
/** Before AUTH, Redis caps a multibulk at 10 arguments and a bulk at 16 KiB. */
const UNAUTH_MULTIBULK_MAX = 10;
const UNAUTH_BULK_BYTES_MAX = 16384;

const LF = 10;
const CR = 13;
const STAR = 42;
const DOLLAR = 36;
const EMPTY = Buffer.alloc(0);
/** `<prefix>` and up to 20 digits or a sign: longer length lines take the general search. */
const SHORT_LINE_BYTES = 22;
/**
 * Arguments of a multibulk up to this count get their array sized from its header, as
 * Redis sizes argv up to 1024: a grown empty array starts at room for 17. Beyond it,
 * the array grows with what actually arrives.
 */
const ARGV_PREALLOCATED_MAX = 1024;
/** Command names up to this length are compared with the previous one to reuse its string. */
const NAME_REUSE_BYTES_MAX = 16;

const TOO_BIG_INLINE = 'Protocol error: too big inline request';
const UNBALANCED_QUOTES = 'Protocol error: unbalanced quotes in request';
const TOO_BIG_MBULK = 'Protocol error: too big mbulk count string';
const INVALID_MBULK = 'Protocol error: invalid multibulk length';
const UNAUTH_MBULK = 'Protocol error: unauthenticated multibulk length';
const TOO_BIG_BULK = 'Protocol error: too big bulk count string';
const INVALID_BULK = 'Protocol error: invalid bulk length';
const UNAUTH_BULK = 'Protocol error: unauthenticated bulk length';

export interface DecoderLimits {
  /** proto-max-bulk-len */
  bulkBytesMax: number;
}

export interface DecoderSink {
  command(argv: string[]): void;
  /**
   * A protocol error, called at most once: reply `-ERR <message>` and close after the
   * reply. The message is final (no CR or LF). Nothing after it is parsed.
   */
  protocolError(message: string): void;
}

export class RequestDecoder {
  /** Received bytes; `buf.length` is the end of the data. A view of `store` or of a chunk. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Owned storage for partial frames, kept between them for reuse. */
  private store: Buffer | null = null;
  /** Whether `buf` is a view of `store` (else of the chunk being fed). */
  private inStore = false;
  /** Bytes from `pos` already searched for the current line's terminator. */
  private scanned = 0;
  /** Bulks still to read for the current multibulk; 0 between commands. */
  private remaining = 0;
  /** Length of the bulk being read, or -1 while its `$N` line is awaited. */
  private bulkLen = -1;
  private argv: string[] = [];
  /** Arguments of the current multibulk read so far. */
  private argc = 0;
  /** The last command name read: a client sends the same few, and reusing the string spares a copy. */
  private lastName = '';
  /**
   * Set when a NUL byte precedes a line's terminator. Redis finds terminators with
   * strchr, which stops at NUL, so that request can never complete: it waits until more
   * than 64 KiB are buffered and then fails with this error.
   */
  private stalled: string | null = null;
  private failed = false;
  /**
   * Set by the connection: before AUTH, Redis caps multibulk and bulk lengths. A change
   * made inside `command()` applies to the very next request, as in Redis, which runs
   * each command before it parses the next.
   */
  authRequired = false;

  constructor(
    private readonly limits: DecoderLimits,
    private readonly sink: DecoderSink,
  ) {}

  /**
   * Bytes received and not yet turned into arguments: Redis's query buffer length
   * (CLIENT LIST qbuf, client-query-buffer-limit). Arguments of an incomplete multibulk
   * that were already read are not counted, as in Redis.
   */
  get pendingBytes(): number {
    return this.buf.length - this.pos;
  }

  /** Parses what `chunk` completes. No reference to `chunk` is kept after it returns. */
  feed(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length && !this.failed) {
      let to = chunk.length;
      // Stop at the end of a big bulk so its exactly sized buffer never has to grow.
      if (this.bulkLen >= BIG_ARG_BYTES) {
        const need = this.bulkLen + 2 - this.pendingBytes;
        if (need > 0 && need < to - from) to = from + need;
      }
      this.append(chunk, from, to);
      from = to;
      this.parse();
    }
    if (!this.inStore && this.pendingBytes > 0) this.makeRoom(0);
  }

  /** Adds chunk[from, to) after the pending bytes; parses it in place when none are pending. */
  private append(chunk: Buffer, from: number, to: number): void {
    // A big bulk already has its exactly sized buffer, even while it is still empty.
    if (this.pos === this.buf.length && this.bulkLen < BIG_ARG_BYTES) {
      this.buf = from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
      this.pos = 0;
      this.inStore = false;
      if (this.store !== null && this.store.length > STORE_KEPT_BYTES_MAX) this.store = null;
      return;
    }
    const n = to - from;
    const filled = this.makeRoom(n);
    chunk.copy(filled, this.buf.length, from, to);
    this.buf = filled.subarray(0, this.buf.length + n);
  }

  /** Ensures the pending bytes are in `store` with n bytes free after them; returns it. */
  private makeRoom(n: number): Buffer {
    const pending = this.pendingBytes;
    let store = this.store;
    if (this.inStore && store !== null && this.buf.length + n <= store.length) return store;
    if (store !== null && pending + n <= store.length) {
      if (this.inStore) store.copyWithin(0, this.pos, this.buf.length);
      else this.buf.copy(store, 0, this.pos);
    } else {
      // Doubling keeps a frame that arrives in many small reads linear to assemble.
      store = Buffer.allocUnsafe(Math.max(IOBUF_BYTES, 2 * (pending + n)));
      this.buf.copy(store, 0, this.pos);
    }
    this.store = store;
    this.inStore = true;
    this.buf = store.subarray(0, pending);
    this.pos = 0;
    return store;
  }

  /** Moves the pending bytes into a buffer of exactly `total` bytes (a big bulk + CRLF). */
  private reserve(total: number): void {
    const store = Buffer.allocUnsafe(total);
    const pending = this.buf.copy(store, 0, this.pos);
    this.store = store;
    this.inStore = true;
    this.buf = store.subarray(0, pending);
    this.pos = 0;
  }

  private advance(to: number): void {
    this.pos = to;
    this.scanned = 0;
  }

  private fail(message: string): false {
    this.failed = true;
    this.buf = EMPTY;
    this.store = null;
    this.inStore = false;
    this.pos = 0;
    this.argv = [];
    this.sink.protocolError(message);
    return false;
  }

  private parse(): void {
    while (!this.failed && this.pos < this.buf.length) {
      if (this.stalled !== null) {
        if (this.pendingBytes > INLINE_MAX_BYTES) this.fail(this.stalled);
        return;
      }
      if (this.remaining === 0) {
        const ready = this.buf[this.pos] === STAR ? this.readMultibulkHeader() : this.readInline();
        if (!ready) return;
      }
      if (this.remaining > 0 && !this.readBulks()) return;
    }
  }

  /**
   * Finds the line terminator `byte` from `pos`. Returns its index, or -1 when the line
   * is incomplete or (after failing with `tooBig`) longer than 64 KiB.
   */
  private findLineEnd(byte: number, tooBig: string): number {
    const at = this.buf.indexOf(byte, this.pos + this.scanned);
    if (at === -1 || at - this.pos > INLINE_MAX_BYTES) {
      this.scanned = this.pendingBytes;
      if (this.pendingBytes > INLINE_MAX_BYTES) this.fail(tooBig);
      return -1;
    }
    this.scanned = at - this.pos;
    return at;
  }

  private stall(tooBig: string): false {
    this.stalled = tooBig;
    if (this.pendingBytes > INLINE_MAX_BYTES) this.fail(tooBig);
    return false;
  }

  /** Whether a NUL precedes `end` in the current line (cold path: only after a parse failure). */
  private hasNul(end: number): boolean {
    return this.buf.subarray(this.pos, end).includes(0);
  }

  /** A malformed length line, unless a NUL hides its terminator from Redis (then it stalls). */
  private badLine(end: number, tooBig: string, message: string): false {
    return this.hasNul(end) ? this.stall(tooBig) : this.fail(message);
  }

  private readInline(): boolean {
    const nl = this.findLineEnd(LF, TOO_BIG_INLINE);
    if (nl === -1) return false;
    const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const line = this.buf.latin1Slice(this.pos, end);
    if (line.includes('\0')) return this.stall(TOO_BIG_INLINE);
    const argv = splitArgs(line);
    if (argv === null) return this.fail(UNBALANCED_QUOTES);
    this.advance(nl + 1);
    if (argv.length > 0) this.sink.command(argv);
    return true;
  }

  /**
   * Index of the CR ending a complete `<prefix>N\r\n` line, or -1. Like Redis, the line
   * is complete once any byte follows the CR; that byte is skipped unchecked.
   */
  private findLengthLine(tooBig: string): number {
    if (this.scanned === 0) {
      const short = this.shortLengthLine();
      if (short !== -1) return short;
    }
    const cr = this.findLineEnd(CR, tooBig);
    if (cr === -1 || cr + 1 < this.buf.length) return cr;
    // Redis would not have seen this CR past a NUL, and applies its size check instead.
    if (this.pendingBytes > INLINE_MAX_BYTES && this.hasNul(cr)) this.stall(tooBig);
    return -1;
  }

  /**
   * The CR of a complete `<prefix>N\r` line of digits and signs, with a byte after it,
   * found by a JS scan: a native indexOf per length line costs more than the line.
   * -1 for anything else, which the general search then judges.
   */
  private shortLengthLine(): number {
    const buf = this.buf;
    const end = Math.min(buf.length - 1, this.pos + SHORT_LINE_BYTES);
    for (let i = this.pos + 1; i < end; i++) {
      const c = buf[i] as number;
      if (c === CR) return i;
      if ((c < 48 || c > 57) && c !== 45) return -1;
    }
    return -1;
  }

  private readMultibulkHeader(): boolean {
    const cr = this.findLengthLine(TOO_BIG_MBULK);
    if (cr === -1) return false;
    const n = parseLength(this.buf, this.pos + 1, cr);
    if (n === null || n > INT_MAX) return this.badLine(cr, TOO_BIG_MBULK, INVALID_MBULK);
    if (n > UNAUTH_MULTIBULK_MAX && this.authRequired) return this.fail(UNAUTH_MBULK);
    this.advance(cr + 2);
    if (n > 0) {
      this.remaining = n;
      this.argv = n <= ARGV_PREALLOCATED_MAX ? new Array<string>(n) : [];
      this.argc = 0;
    }
    return true;
  }

  private readBulkHeader(): boolean {
    const cr = this.findLengthLine(TOO_BIG_BULK);
    if (cr === -1) return false;
    const first = this.buf[this.pos] as number;
    if (first !== DOLLAR) return this.badLine(cr, TOO_BIG_BULK, expectedDollar(first));
    const n = parseLength(this.buf, this.pos + 1, cr);
    if (n === null || n < 0 || n > this.limits.bulkBytesMax) {
      return this.badLine(cr, TOO_BIG_BULK, INVALID_BULK);
    }
    if (n > UNAUTH_BULK_BYTES_MAX && this.authRequired) return this.fail(UNAUTH_BULK);
    this.advance(cr + 2);
    this.bulkLen = n;
    if (n >= BIG_ARG_BYTES && this.pendingBytes < n + 2) this.reserve(n + 2);
    return true;
  }

  private readBulks(): boolean {
    while (this.remaining > 0) {
      if (this.bulkLen === -1 && !this.readBulkHeader()) return false;
      const len = this.bulkLen;
      if (this.pendingBytes < len + 2) return false;
      // Like Redis, the two bytes after the data are skipped without checking for CRLF.
      const at = this.argc++;
      const arg = at === 0 ? this.name(len) : this.slice(len);
      if (at < this.argv.length) this.argv[at] = arg;
      else this.argv.push(arg);
      this.advance(this.pos + len + 2);
      this.bulkLen = -1;
      this.remaining--;
    }
    const argv = this.argv;
    this.argv = [];
    this.sink.command(argv);
    return true;
  }

  private slice(len: number): string {
    return this.buf.latin1Slice(this.pos, this.pos + len);
  }

  /** The command name at `pos`: the previous one's string when the bytes are the same. */
  private name(len: number): string {
    const last = this.lastName;
    if (len !== last.length || len > NAME_REUSE_BYTES_MAX) return (this.lastName = this.slice(len));
    const buf = this.buf;
    for (let i = 0; i < len; i++) {
      if (buf[this.pos + i] !== last.charCodeAt(i)) return (this.lastName = this.slice(len));
    }
    return last;
  }
}

/** Redis's "%c" of the byte, with CR and LF mapped to spaces as addReplyErrorFormat does. */
function expectedDollar(byte: number): string {
  const shown = byte === CR || byte === LF ? ' ' : String.fromCharCode(byte);
  return `Protocol error: expected '$', got '${shown}'`;
}

const INT64_DIGITS = '9223372036854775807';

/**
 * Redis's string2ll over buf[start, end): optional '-', no leading zeros, no '+', within
 * int64 ("-0" is invalid). Returns null when invalid; the value is exact below 2^53,
 * which every limit it is compared with is.
 */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  if (len === 1 && buf[start] === 48) return 0;
  const negative = buf[start] === 45;
  const digitsStart = negative ? start + 1 : start;
  const first = buf[digitsStart];
  if (first === undefined || digitsStart === end || first < 49 || first > 57) return null;
  let n = 0;
  for (let i = digitsStart; i < end; i++) {
    const c = (buf[i] as number) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  const digits = end - digitsStart;
  if (digits > 19 || (digits === 19 && beyondInt64(buf, digitsStart, negative))) return null;
  return negative ? -n : n;
}

/** Whether the 19 digits at buf[start] exceed INT64_MAX (or INT64_MIN's magnitude). */
function beyondInt64(buf: Buffer, start: number, negative: boolean): boolean {
  for (let i = 0; i < 19; i++) {
    const limit = i === 18 && negative ? 56 : INT64_DIGITS.charCodeAt(i);
    const c = buf[start + i] as number;
    if (c !== limit) return c > limit;
  }
  return false;
}

/** isspace() in the C locale: the whitespace that separates arguments. */
