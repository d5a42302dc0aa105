import type { Reply } from './reply.js';
import { formatDouble17g } from '../util/numbers.js';

export type Protocol = 2 | 3;

const CRLF = '\r\n';

/**
 * An output buffer that reply values are encoded into. A connection owns one and hands
 * its bytes to the socket once per event-loop turn.
 */
export class ReplyBuffer {
  private buf: Buffer;
  private len = 0;

  constructor(private readonly initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.len;
  }

  /** Hands out the encoded bytes and starts a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(Math.max(this.initialBytes, Math.min(this.len, 1 << 20)));
    this.len = 0;
    return out;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends a latin1 string: each char is one byte. */
  private raw(s: string): void {
    this.ensure(s.length);
    this.len += this.buf.latin1Write(s, this.len);
  }

  private rawBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private bulk(s: string): void {
    this.raw('$' + s.length + CRLF);
    this.raw(s);
    this.raw(CRLF);
  }

  private header(prefix: string, n: number): void {
    this.raw(prefix + n + CRLF);
  }

  write(reply: Reply, proto: Protocol): void {
    if (typeof reply === 'string') return this.bulk(reply);
    if (typeof reply === 'number') return this.raw(':' + reply + CRLF);
    if (typeof reply === 'bigint') return this.raw(':' + reply.toString() + CRLF);
    if (reply === null) return this.raw(proto === 3 ? '_\r\n' : '$-1\r\n');
    if (Array.isArray(reply)) return this.array('*', reply as readonly Reply[], proto);
    this.writeTagged(reply as Exclude<Reply, string | number | bigint | null | readonly Reply[]>, proto);
  }

  private array(prefix: string, items: readonly Reply[], proto: Protocol): void {
    this.header(prefix, items.length);
    for (const item of items) this.write(item, proto);
  }

  private writeTagged(
    reply: Exclude<Reply, string | number | bigint | null | readonly Reply[]>,
    proto: Protocol,
  ): void {
    switch (reply.kind) {
      case 'simple':
        return this.raw('+' + reply.value.replace(/[\r\n]/g, ' ') + CRLF);
      case 'error':
        return this.raw('-' + reply.message.replace(/[\r\n]/g, ' ') + CRLF);
      case 'nullarray':
        return this.raw(proto === 3 ? '_\r\n' : '*-1\r\n');
      case 'double': {
        const text = formatDouble17g(reply.value);
        return proto === 3 ? this.raw(',' + text + CRLF) : this.bulk(text);
      }
      case 'bool':
        return this.raw(proto === 3 ? (reply.value ? '#t\r\n' : '#f\r\n') : reply.value ? ':1\r\n' : ':0\r\n');
      case 'map':
        if (proto === 3) {
          this.header('%', reply.entries.length / 2);
          for (const item of reply.entries) this.write(item, proto);
          return;
        }
        return this.array('*', reply.entries, proto);
      case 'set':
        return this.array(proto === 3 ? '~' : '*', reply.items, proto);
      case 'push':
        return this.array(proto === 3 ? '>' : '*', reply.items, proto);
      case 'verbatim':
        if (proto === 3) {
          this.raw('=' + (reply.text.length + 4) + CRLF + reply.format + ':');
          this.raw(reply.text);
          return this.raw(CRLF);
        }
        return this.bulk(reply.text);
      case 'bignum':
        return proto === 3 ? this.raw('(' + reply.value + CRLF) : this.bulk(reply.value);
      case 'bytes':
        this.raw('$' + reply.value.length + CRLF);
        this.rawBytes(reply.value);
        return this.raw(CRLF);
    }
  }
}

/** Encodes one reply on its own; for tests and one-off messages. */
export function encodeReply(reply: Reply, proto: Protocol): Buffer {
  const out = new ReplyBuffer(256);
  out.write(reply, proto);
  return out.take();
}
