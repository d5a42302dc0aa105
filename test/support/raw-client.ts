/**
 * A bare TCP client for tests that must see the exact bytes a server sends (protocol
 * errors, RESP3 types), which library clients hide.
 */
import { connect, type Socket } from 'node:net';

export class RawClient {
  private data = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Sends a command as a multibulk request. */
  send(...argv: string[]): void {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.write(s);
  }

  /** Waits until at least `n` bytes arrived or the connection closed (or timeout). */
  async readBytes(n: number, timeoutMs = 2000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (this.data.length < n && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, until - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const out = this.data.subarray(0, n).toString('latin1');
    this.data = this.data.subarray(Math.min(n, this.data.length));
    return out;
  }

  /** Waits for one complete reply and returns its raw bytes. */
  async readReply(timeoutMs = 2000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const end = replyEnd(this.data, 0);
      if (end !== -1) {
        const out = this.data.subarray(0, end).toString('latin1');
        this.data = this.data.subarray(end);
        return out;
      }
      if (this.closed) break;
      await this.readMore(until);
    }
    throw new Error(`no complete reply; have ${JSON.stringify(this.data.toString('latin1'))}`);
  }

  private async readMore(until: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, until - Date.now()));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async call(...argv: string[]): Promise<string> {
    this.send(...argv);
    return this.readReply();
  }

  /** Resolves once the server closed the connection (or after the timeout). */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < until) await this.readMore(until);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Index just past one complete RESP reply starting at `pos`, or -1 if incomplete. */
function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const lineEnd = buf.indexOf('\r\n', pos);
  if (lineEnd === -1) return -1;
  const type = String.fromCharCode(buf[pos] as number);
  const head = buf.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '$':
    case '=':
    case '!': {
      const len = Number(head);
      if (len < 0) return next;
      return buf.length >= next + len + 2 ? next + len + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(head) * (type === '%' ? 2 : 1);
      let p = next;
      for (let i = 0; i < n; i++) {
        p = replyEnd(buf, p);
        if (p === -1) return -1;
      }
      return p;
    }
    default:
      return next;
  }
}
