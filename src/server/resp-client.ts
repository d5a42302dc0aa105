/**
 * A small RESP client for node-to-node requests over the client port: a follower's
 * proxy to its leader, a joining node asking a member to add it, and aikv-admin. One
 * socket, requests pipelined, replies matched in order and parsed into Reply values
 * (RESP2 or RESP3; keys and values stay latin1 strings, one char per byte).
 */
import { connect, type Socket } from 'node:net';
import {
  bool,
  double,
  error,
  map,
  NULL_ARRAY,
  push,
  set,
  simple,
  verbatim,
  type Reply,
} from '../resp/reply.js';

/** Bytes of one reply accepted before the parser gives up on a stream. */
const REPLY_BYTES_MAX = 1024 * 1024 * 1024;

class Incomplete extends Error {}
const INCOMPLETE = new Incomplete();

/** Parses a stream of replies; `push` marks RESP3 out-of-band messages. */
export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  /** Chunks held back while fewer bytes are in than an incomplete bulk string needs. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes (from `at`) the last incomplete parse needs at least: no retry before. */
  private need = 0;

  feed(chunk: Buffer, onReply: (reply: Reply, push: boolean) => void): void {
    // A large reply arrives in many chunks: wait for the bytes a bulk string announced
    // rather than re-parsing (and copying) everything so far on every chunk.
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.buf.length - this.at + this.heldBytes < this.need) return;
    const rest = this.at < this.buf.length ? [this.buf.subarray(this.at)] : [];
    this.buf =
      rest.length === 0 && this.held.length === 1 ? chunk : Buffer.concat([...rest, ...this.held]);
    this.held = [];
    this.heldBytes = 0;
    this.at = 0;
    this.need = 0;
    for (;;) {
      const start = this.at;
      let reply: Reply;
      try {
        reply = this.value();
      } catch (err) {
        if (!(err instanceof Incomplete)) throw err;
        this.at = start;
        this.need = this.need > start ? this.need - start : 0;
        if (this.buf.length - start > REPLY_BYTES_MAX) throw new Error('reply too large');
        return;
      }
      const isPush =
        reply !== null && typeof reply === 'object' && !Array.isArray(reply) && 'kind' in reply
          ? reply.kind === 'push'
          : false;
      onReply(reply, isPush);
    }
  }

  private line(): string {
    const end = this.buf.indexOf('\r\n', this.at, 'latin1');
    if (end < 0) throw INCOMPLETE;
    const text = this.buf.latin1Slice(this.at, end);
    this.at = end + 2;
    return text;
  }

  private bytes(length: number): string {
    if (this.at + length + 2 > this.buf.length) {
      this.need = this.at + length + 2;
      throw INCOMPLETE;
    }
    const text = this.buf.latin1Slice(this.at, this.at + length);
    this.at += length + 2;
    return text;
  }

  private items(count: number): Reply[] {
    const out: Reply[] = [];
    for (let i = 0; i < count; i++) out.push(this.value());
    return out;
  }

  private value(): Reply {
    if (this.at >= this.buf.length) throw INCOMPLETE;
    const type = String.fromCharCode(this.buf[this.at] as number);
    this.at++;
    const head = this.line();
    switch (type) {
      case '+':
        return simple(head);
      case '-':
        return error(head);
      case ':':
        return integer(head);
      case '$':
        return head === '-1' ? null : this.bytes(Number(head));
      case '*':
        return head === '-1' ? NULL_ARRAY : this.items(Number(head));
      default:
        return this.resp3(type, head);
    }
  }

  private resp3(type: string, head: string): Reply {
    switch (type) {
      case '_':
        return null;
      case ',':
        return double(parseDoubleReply(head));
      case '#':
        return bool(head === 't');
      case '(':
        return { kind: 'bignum', value: head };
      case '=': {
        const text = this.bytes(Number(head));
        return verbatim(text.slice(4), text.slice(0, 3));
      }
      case '%':
        return map(this.items(Number(head) * 2));
      case '~':
        return set(this.items(Number(head)));
      case '>':
        return push(this.items(Number(head)));
      case '|':
        // Attributes describe the next reply; nothing here uses them.
        this.items(Number(head) * 2);
        return this.value();
      default:
        throw new Error(`protocol error: unexpected reply type ${JSON.stringify(type)}`);
    }
  }
}

function integer(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function parseDoubleReply(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** A request as RESP: an array of bulk strings (latin1). */
export function encodeRequest(argv: readonly string[]): Buffer {
  let size = 0;
  for (const a of argv) size += a.length;
  const out = Buffer.allocUnsafe(16 + argv.length * 16 + size);
  let at = out.write(`*${argv.length}\r\n`, 0, 'latin1');
  for (const a of argv) {
    at += out.write(`$${a.length}\r\n`, at, 'latin1');
    at += out.latin1Write(a, at);
    at += out.write('\r\n', at, 'latin1');
  }
  return out.subarray(0, at);
}

export type ReplyCallback = (reply: Reply) => void;

/** One connection to a node's client port; replies come back in request order. */
export class RespClient {
  private readonly parser = new ReplyParser();
  private readonly waiting: ReplyCallback[] = [];
  private isClosed = false;
  private readonly closeListeners: ((err: Error | null) => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    /** The reply of requests in flight when the connection goes. */
    private readonly lostReply: Reply | null,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(null));
  }

  /**
   * Connects, failing after `timeoutMs`. Requests in flight when the connection goes
   * are answered `lostReply` (default: an ERR naming the cause).
   */
  static connect(
    host: string,
    port: number,
    timeoutMs = 5000,
    lostReply: Reply | null = null,
  ): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new RespClient(socket, lostReply));
      });
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Requests sent whose reply has not come. */
  get pending(): number {
    return this.waiting.length;
  }

  onClose(listener: (err: Error | null) => void): void {
    this.closeListeners.push(listener);
  }

  send(argv: readonly string[], done: ReplyCallback): void {
    if (this.isClosed) {
      done(error('ERR connection closed'));
      return;
    }
    this.waiting.push(done);
    this.socket.write(encodeRequest(argv));
  }

  call(argv: readonly string[]): Promise<Reply> {
    return new Promise((resolve) => this.send(argv, resolve));
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.parser.feed(chunk, (reply, isPush) => {
        if (isPush) return;
        this.waiting.shift()?.(reply);
      });
    } catch (err) {
      this.socket.destroy(err as Error);
    }
  }

  private fail(err: Error | null): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const lost =
      this.lostReply ?? error(`ERR connection lost${err === null ? '' : `: ${err.message}`}`);
    for (const done of this.waiting.splice(0)) done(lost);
    for (const l of this.closeListeners) l(err);
  }
}
