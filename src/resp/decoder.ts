/**
 * Streaming RESP request decoder: multibulk (`*N\r\n$L\r\n...`) and inline commands,
 * with Redis's limits and error strings. Correct for every split of its input: state
 * lives between feeds, and a large bulk string is copied once into a buffer of its
 * final size rather than re-concatenated per chunk.
 *
 * Arguments come out as latin1 strings (one char per byte), binary-safe.
 */

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request or length line. */
export const INLINE_MAX_BYTES = 64 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: bulks at least this long are assembled in place. */
const BIG_ARG_BYTES = 32 * 1024;
const INT_MAX = 2147483647;

export interface DecoderLimits {
  /** proto-max-bulk-len */
  bulkBytesMax: number;
}

export interface DecoderSink {
  command(argv: string[]): void;
  /** A protocol error: reply `-ERR <message>` and close after the reply. */
  protocolError(message: string): void;
}

const enum State {
  Idle,
  Multibulk,
}

export class RequestDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private state = State.Idle;
  private remaining = 0;
  private bulkLen = -1;
  private argv: string[] = [];
  private big: Buffer | null = null;
  private bigFilled = 0;
  private failed = false;
  /** Set by the connection: before AUTH, Redis caps multibulk and bulk lengths. */
  authRequired = false;

  constructor(
    private readonly limits: DecoderLimits,
    private readonly sink: DecoderSink,
  ) {}

  /** Bytes received but not yet consumed (client-query-buffer-limit, CLIENT LIST qbuf). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + (this.big ? this.bigFilled : 0);
  }

  feed(chunk: Buffer): void {
    if (this.failed) return;
    if (this.big) {
      chunk = this.fillBig(chunk);
      if (this.big) return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
    this.parse();
  }

  private fail(message: string): void {
    this.failed = true;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.sink.protocolError(message);
  }

  private parse(): void {
    while (!this.failed && this.pos < this.buf.length) {
      if (this.state === State.Idle) {
        if (this.buf[this.pos] === 42 /* * */) {
          if (!this.readMultibulkHeader()) return;
        } else if (!this.readInline()) {
          return;
        }
      }
      if (this.state === State.Multibulk && !this.readBulks()) return;
    }
  }

  private readInline(): boolean {
    const nl = this.buf.indexOf(10, this.pos);
    if (nl === -1) {
      if (this.buf.length - this.pos > INLINE_MAX_BYTES) this.fail('Protocol error: too big inline request');
      return false;
    }
    const end = nl > this.pos && this.buf[nl - 1] === 13 ? nl - 1 : nl;
    const line = this.buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) {
      this.fail('Protocol error: unbalanced quotes in request');
      return false;
    }
    if (argv.length > 0) this.sink.command(argv);
    return true;
  }

  /** Reads the number on a `<prefix>N\r\n` line; undefined when the line is incomplete. */
  private readLengthLine(tooBig: string): { value: number | null } | undefined {
    const cr = this.buf.indexOf(13, this.pos);
    if (cr === -1) {
      if (this.buf.length - this.pos > INLINE_MAX_BYTES) this.fail(tooBig);
      return undefined;
    }
    if (cr + 1 >= this.buf.length) return undefined;
    const value = parseLength(this.buf, this.pos + 1, cr);
    this.lineEnd = cr + 2;
    return { value };
  }
  private lineEnd = 0;

  private readMultibulkHeader(): boolean {
    const line = this.readLengthLine('Protocol error: too big mbulk count string');
    if (line === undefined) return false;
    const n = line.value;
    if (n === null || n > INT_MAX) {
      this.fail('Protocol error: invalid multibulk length');
      return false;
    }
    if (n > 10 && this.authRequired) {
      this.fail('Protocol error: unauthenticated multibulk length');
      return false;
    }
    this.pos = this.lineEnd;
    if (n <= 0) return true;
    this.state = State.Multibulk;
    this.remaining = n;
    this.argv = [];
    return true;
  }

  private readBulks(): boolean {
    while (this.remaining > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= this.buf.length) return false;
        const line = this.readLengthLine('Protocol error: too big bulk count string');
        if (line === undefined) return false;
        const first = this.buf[this.pos];
        if (first !== 36 /* $ */) {
          this.fail(`Protocol error: expected '$', got '${String.fromCharCode(first ?? 0)}'`);
          return false;
        }
        const len = line.value;
        if (len === null || len < 0 || len > this.limits.bulkBytesMax) {
          this.fail('Protocol error: invalid bulk length');
          return false;
        }
        if (len > 16384 && this.authRequired) {
          this.fail('Protocol error: unauthenticated bulk length');
          return false;
        }
        this.pos = this.lineEnd;
        this.bulkLen = len;
      }
      const available = this.buf.length - this.pos;
      if (available < this.bulkLen + 2) {
        if (this.bulkLen >= BIG_ARG_BYTES) this.startBig();
        return false;
      }
      this.argv.push(this.buf.latin1Slice(this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    this.finishCommand();
    return true;
  }

  private finishCommand(): void {
    const argv = this.argv;
    this.argv = [];
    this.state = State.Idle;
    this.sink.command(argv);
  }

  /** Moves a partial big bulk into a buffer of its final size. */
  private startBig(): void {
    this.big = Buffer.allocUnsafe(this.bulkLen + 2);
    this.bigFilled = this.buf.copy(this.big, 0, this.pos);
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }

  /** Copies into the big bulk; returns what is left of the chunk after it completes. */
  private fillBig(chunk: Buffer): Buffer {
    const big = this.big as Buffer;
    const take = Math.min(chunk.length, big.length - this.bigFilled);
    chunk.copy(big, this.bigFilled, 0, take);
    this.bigFilled += take;
    if (this.bigFilled < big.length) return chunk.subarray(chunk.length);
    this.big = null;
    this.argv.push(big.latin1Slice(0, this.bulkLen));
    this.bulkLen = -1;
    this.remaining--;
    const rest = chunk.subarray(take);
    if (this.remaining === 0) {
      this.finishCommand();
    } else {
      this.buf = Buffer.alloc(0);
      this.pos = 0;
    }
    return rest;
  }
}

/** string2ll over buf[start, end): null when not a valid integer. */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 45) {
    if (len === 1) return null;
    negative = true;
    i++;
  }
  if (buf[i] === 48) return end - i === 1 ? 0 : null;
  let n = 0;
  for (; i < end; i++) {
    const c = (buf[i] as number) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return negative ? -n : n;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/**
 * Redis's sdssplitargs: whitespace-separated words, "double quotes" with C escapes and
 * \xHH, 'single quotes' with \' only. Returns null on unbalanced quotes or a closing
 * quote not followed by a space.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i] as string;
        if (c === '\\' && line[i + 1] === 'x' && hexDigit(line.charCodeAt(i + 2)) >= 0 && hexDigit(line.charCodeAt(i + 3)) >= 0) {
          current += String.fromCharCode(hexDigit(line.charCodeAt(i + 2)) * 16 + hexDigit(line.charCodeAt(i + 3)));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i] as string;
          current += ESCAPES[e] ?? e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i] as string;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (i >= n) {
        done = true;
      } else {
        const c = line[i] as string;
        if (isSpace(c.charCodeAt(0))) done = true;
        else if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      if (i < n) i++;
    }
    out.push(current);
  }
}
