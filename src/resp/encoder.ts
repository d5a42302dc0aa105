/**
 * Reply encoder: turns Reply values into the bytes redis 7.0.15 sends, for RESP2 or
 * RESP3 (networking.c addReply*). Headers, integers and short strings are written
 * straight into the output buffer, so the common replies (status, integer, bulk,
 * arrays of them) allocate nothing per reply.
 */
import { OK, type Reply } from './reply.js';
import { formatDouble17g } from '../util/numbers.js';

export type Protocol = 2 | 3;

type TaggedReply = Exclude<Reply, string | number | bigint | null | readonly Reply[]>;

const CR = 13;
const LF = 10;
/** Room for a one-byte prefix, a safe integer and CRLF. */
const HEADER_BYTES_MAX = 24;
/** Strings up to this length are copied by a JS loop: cheaper than a native latin1Write call. */
const SHORT_STRING_CHARS_MAX = 32;
/** After take(), a buffer with less room than this is replaced rather than reused. */
const SPARE_BYTES_MIN = 1024;
/** After take(), a buffer grown beyond this is dropped so one big reply is not kept alive. */
const RETAINED_BYTES_MAX = 1 << 20;

/**
 * An output buffer that reply values are encoded into. A connection owns one and hands
 * its bytes to the socket once per event-loop turn. Each take() returns a view of the
 * bytes written since the last one; later writes never touch bytes already taken, so
 * consecutive small takes share one allocation.
 */
export class ReplyBuffer {
  private buf: Buffer;
  /** Start of the bytes not yet taken. */
  private start = 0;
  private len = 0;

  constructor(private readonly initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.len - this.start;
  }

  /** Hands out the bytes written since the last take. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.len);
    if (this.buf.length > RETAINED_BYTES_MAX || this.buf.length - this.len < SPARE_BYTES_MIN) {
      this.buf = Buffer.allocUnsafe(this.initialBytes);
      this.len = 0;
    }
    this.start = this.len;
    return out;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const pending = this.len - this.start;
    let size = Math.max(this.initialBytes, this.buf.length);
    while (size < pending + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.start, this.len);
    this.buf = next;
    this.start = 0;
    this.len = pending;
  }

  write(reply: Reply, proto: Protocol): void {
    if (typeof reply === 'string') return this.bulk(reply);
    if (typeof reply === 'number') return this.integer(reply);
    if (reply === null) return this.ascii(proto === 3 ? '_\r\n' : '$-1\r\n');
    if (typeof reply === 'bigint') return this.line(58 /* : */, reply.toString());
    if (Array.isArray(reply)) return this.aggregate(42 /* * */, reply as readonly Reply[], proto);
    // Every SET's reply: no need to check a constant for line breaks.
    if (reply === OK) return this.ascii('+OK\r\n');
    this.writeTagged(reply as TaggedReply, proto);
  }

  private writeTagged(reply: TaggedReply, proto: Protocol): void {
    switch (reply.kind) {
      case 'simple':
        return this.line(43 /* + */, sanitizeLine(reply.value));
      case 'error':
        return this.line(45 /* - */, sanitizeLine(trimLineEnd(reply.message)));
      case 'nullarray':
        return this.ascii(proto === 3 ? '_\r\n' : '*-1\r\n');
      case 'double':
        return this.double(reply.value, proto);
      case 'bool':
        if (proto === 3) return this.ascii(reply.value ? '#t\r\n' : '#f\r\n');
        return this.ascii(reply.value ? ':1\r\n' : ':0\r\n');
      case 'map':
        if (proto === 2) return this.aggregate(42 /* * */, reply.entries, proto);
        this.header(37 /* % */, reply.entries.length / 2);
        return this.items(reply.entries, proto);
      case 'set':
        return this.aggregate(proto === 3 ? 126 /* ~ */ : 42, reply.items, proto);
      case 'push':
        return this.aggregate(proto === 3 ? 62 /* > */ : 42, reply.items, proto);
      case 'verbatim':
        return proto === 3 ? this.verbatim(reply.format, reply.text) : this.bulk(reply.text);
      case 'bignum':
        if (proto === 3) return this.line(40 /* ( */, sanitizeLine(reply.value));
        return this.bulk(reply.value);
      case 'bytes':
        return this.bytes(reply.value);
      case 'pairs':
        return this.pairs(reply.items, proto);
    }
  }

  private pairs(items: readonly Reply[], proto: Protocol): void {
    if (proto === 2) return this.aggregate(42 /* * */, items, proto);
    this.header(42 /* * */, items.length / 2);
    for (let i = 0; i < items.length; i += 2) {
      this.header(42 /* * */, 2);
      this.write(items[i] as Reply, proto);
      this.write(items[i + 1] as Reply, proto);
    }
  }

  private aggregate(prefix: number, items: readonly Reply[], proto: Protocol): void {
    this.header(prefix, items.length);
    this.items(items, proto);
  }

  private items(items: readonly Reply[], proto: Protocol): void {
    for (let i = 0; i < items.length; i++) this.write(items[i] as Reply, proto);
  }

  /** Redis's addReplyDouble: inf/-inf spelled out, otherwise "%.17g". */
  private double(value: number, proto: Protocol): void {
    const text = formatDouble17g(value);
    if (proto === 2) return this.bulk(text);
    this.line(44 /* , */, text);
  }

  /** Redis's addReplyVerbatim: the format is exactly 3 chars, padded with spaces or cut. */
  private verbatim(format: string, text: string): void {
    const ext = (format + '   ').slice(0, 3);
    this.header(61 /* = */, text.length + 4);
    this.ensure(text.length + 6);
    this.len += this.buf.latin1Write(ext + ':', this.len);
    this.latin1(text);
    this.crlf();
  }

  private bulk(s: string): void {
    this.header(36 /* $ */, s.length);
    this.ensure(s.length + 2);
    this.latin1(s);
    this.crlf();
  }

  private bytes(b: Uint8Array): void {
    this.header(36 /* $ */, b.length);
    this.ensure(b.length + 2);
    this.buf.set(b, this.len);
    this.len += b.length;
    this.crlf();
  }

  private integer(n: number): void {
    if (!Number.isSafeInteger(n)) return this.line(58 /* : */, String(n));
    this.header(58 /* : */, n);
  }

  /** `<prefix><n>\r\n` for a safe integer n. */
  private header(prefix: number, n: number): void {
    this.ensure(HEADER_BYTES_MAX);
    const buf = this.buf;
    buf[this.len++] = prefix;
    if (n < 0) {
      buf[this.len++] = 45; /* - */
      n = -n;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let at = this.len + digits;
    this.len = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
    buf[this.len++] = CR;
    buf[this.len++] = LF;
  }

  /** `<prefix><text>\r\n`; text must hold no CR or LF. */
  private line(prefix: number, text: string): void {
    this.ensure(text.length + 3);
    this.buf[this.len++] = prefix;
    this.latin1(text);
    this.crlf();
  }

  /** Writes a latin1 string (one byte per char) into room already ensured. */
  private latin1(s: string): void {
    const n = s.length;
    if (n > SHORT_STRING_CHARS_MAX) {
      this.len += this.buf.latin1Write(s, this.len);
      return;
    }
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.len = at;
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    this.latin1(s);
  }

  private crlf(): void {
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
  }
}

/** Encodes one reply on its own; for tests and one-off messages. */
export function encodeReply(reply: Reply, proto: Protocol): Buffer {
  const out = new ReplyBuffer(256);
  out.write(reply, proto);
  return out.take();
}

/** CR and LF become spaces, as Redis does before sending a status or error line. */
function sanitizeLine(s: string): string {
  return s.includes('\r') || s.includes('\n') ? s.replace(/[\r\n]/g, ' ') : s;
}

/** addReplyErrorFormat trims CR and LF off the end of an error before mapping the rest. */
function trimLineEnd(s: string): string {
  let end = s.length;
  for (let c = s.charCodeAt(end - 1); c === CR || c === LF; c = s.charCodeAt(end - 1)) end--;
  return end === s.length ? s : s.slice(0, end);
}
