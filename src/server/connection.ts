import type { Socket } from 'node:net';
import type { ReplyMode, Session } from '../commands/node.js';
import { ReplyBuffer, type Protocol } from '../resp/encoder.js';
import { RequestDecoder } from '../resp/decoder.js';
import { error, type Reply } from '../resp/reply.js';
import { Queue } from '../util/queue.js';
import type { ServerStats } from './stats.js';
import type { MultiState } from './transactions.js';

/** What a connection needs from the server it belongs to. */
export interface ConnectionHost {
  readonly bulkBytesMax: number;
  readonly queryBufferBytesMax: number;
  readonly stats: ServerStats;
  now(): number;
  authRequired(): boolean;
  /** Runs one command; calls `reply` exactly once, possibly later. */
  dispatch(conn: Connection, argv: string[], reply: (r: Reply) => void): void;
  /** True when argv is a write that goes through the log. */
  isWrite(argv: readonly string[]): boolean;
  /** True while CLIENT PAUSE holds this command back. */
  paused(argv: readonly string[]): boolean;
  closed(conn: Connection): void;
  /** RESET: drop the session's transaction, watches and blocking state. */
  resetSession(conn: Connection): void;
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void;
}

/** A protocol error met after requests that are still held back. */
interface ProtocolFailure {
  readonly message: string;
}

/** A reply waiting for the replies before it. */
interface Slot {
  reply: Reply | undefined;
  suppressed: boolean;
}

/** Above this many unsent output bytes the connection stops reading until drained. */
const OUTPUT_PAUSE_BYTES = 64 * 1024 * 1024;

/**
 * Above this many requests in flight (waiting for the log, or held back behind it) the
 * connection stops reading; it reads again below half of it. A mass insert (redis-cli
 * --pipe) then streams through in bounded memory instead of decoding everything first.
 */
const INFLIGHT_PAUSE = 16 * 1024;

/**
 * Connections with replies written outside their own read (a write applied, a blocked
 * client served), sent together once the callback that made them returns: one socket
 * write per connection for a whole batch of applied entries, without waiting a turn.
 */
let toFlush: Connection[] = [];

function flushAll(): void {
  const conns = toFlush;
  toFlush = [];
  for (const conn of conns) conn.flushScheduledReplies();
}

/**
 * One client connection: decodes requests, runs them in order, and answers strictly
 * in request order with many requests in flight. A read waits until this connection's
 * own earlier writes have applied, so a client always reads its own writes.
 */
export class Connection implements Session {
  db = 0;
  proto: Protocol = 2;
  name = '';
  libName = '';
  libVer = '';
  user = 'default';
  private mode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  /** READONLY: reads on a follower are served from its own state. */
  readOnly = false;
  /** The log index of this connection's last write (WAIT waits for replicas to reach it). */
  writeIndex = 0;

  /** Set between MULTI and EXEC/DISCARD: the commands queued so far. */
  multi: MultiState | null = null;
  /** Parked by a blocking command: later commands wait until it is served. */
  private isBlocked = false;
  readonly createdAt: number;
  lastInteraction: number;
  lastCommand = 'NULL';
  readonly addr: string;
  readonly laddr: string;
  readonly isLocal: boolean;

  private readonly decoder: RequestDecoder;
  private readonly out = new ReplyBuffer();
  private readonly slots = new Queue<Slot>();
  /** Requests held back in order; a protocol error takes its place among them. */
  private readonly deferred = new Queue<string[] | ProtocolFailure>();
  /** Reading stopped: too many unsent output bytes, or requests in flight. */
  private pausedForOutput = false;
  private pausedForInflight = false;
  /** Commands whose reply has not come yet (writes in the log, EXEC, blocked pops). */
  private pendingWrites = 0;
  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  private skipNext = false;
  /** Whether the reply of the command now running is dropped. */
  private skipCurrent = false;
  private closing = false;
  private destroyed = false;
  private flushScheduled = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.createdAt = this.lastInteraction = host.now();
    this.addr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.laddr = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    const remote = socket.remoteAddress ?? '';
    this.isLocal = remote.startsWith('127.') || remote === '::1' || remote === '::ffff:127.0.0.1';
    this.decoder = new RequestDecoder(
      { bulkBytesMax: host.bulkBytesMax },
      { command: (argv) => this.onCommand(argv), protocolError: (m) => this.onProtocolError(m) },
    );
    this.authenticated = !host.authRequired();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.pausedForOutput = false;
      this.updateReading();
    });
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  get blocked(): boolean {
    return this.isBlocked;
  }

  set blocked(value: boolean) {
    this.isBlocked = value;
  }

  get replyMode(): ReplyMode {
    return this.mode;
  }

  /** CLIENT REPLY ON also cancels a pending SKIP, so its own OK is sent. */
  set replyMode(value: ReplyMode) {
    this.mode = value;
    if (value === 'on') this.skipCurrent = this.skipNext = false;
  }

  /** Before AUTH the decoder caps request sizes, as Redis does. */
  get authenticated(): boolean {
    return !this.decoder.authRequired;
  }

  set authenticated(value: boolean) {
    this.decoder.authRequired = !value;
  }

  get queryBufferBytes(): number {
    return this.decoder.pendingBytes;
  }

  get outputBytes(): number {
    return this.out.length + this.socket.writableLength;
  }

  get pendingReplies(): number {
    return this.slots.length;
  }

  get fd(): number {
    const handle = (this.socket as unknown as { _handle?: { fd?: number } })._handle;
    return handle?.fd ?? -1;
  }

  get isClosed(): boolean {
    return this.destroyed;
  }

  private onData(chunk: Buffer): void {
    this.lastInteraction = this.host.now();
    this.host.stats.netInputBytes += chunk.length;
    this.decoder.feed(chunk);
    if (this.decoder.pendingBytes > this.host.queryBufferBytesMax) {
      this.host.log(
        'warning',
        `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`,
      );
      this.destroy();
      return;
    }
    this.flush();
  }

  private onCommand(argv: string[]): void {
    if (this.closing) return;
    if (
      this.deferred.length > 0 ||
      this.isBlocked ||
      (this.pendingWrites > 0 && !this.host.isWrite(argv)) ||
      this.host.paused(argv)
    ) {
      this.deferred.push(argv);
      return;
    }
    this.execute(argv);
  }

  private execute(argv: string[]): void {
    this.skipCurrent = this.skipNext;
    this.skipNext = false;
    let slot: Slot | undefined;
    let sync = true;
    let syncReply: Reply | undefined;
    this.host.dispatch(this, argv, (reply) => {
      if (sync) {
        syncReply = reply;
      } else {
        this.pendingWrites--;
        (slot as Slot).reply = reply;
        this.drainSlots();
        this.drainDeferred();
        this.scheduleFlush();
      }
    });
    sync = false;
    const suppressed = this.skipCurrent || this.mode !== 'on';
    if (this.mode === 'skip') {
      this.mode = 'on';
      this.skipNext = true;
    }
    if (syncReply !== undefined) {
      this.deliver(syncReply, suppressed);
    } else {
      // Later reads wait for this reply: the connection reads its own writes.
      this.pendingWrites++;
      slot = { reply: undefined, suppressed };
      this.slots.push(slot);
    }
  }

  private deliver(reply: Reply, suppressed: boolean): void {
    if (this.slots.length > 0) {
      this.slots.push({ reply, suppressed });
      return;
    }
    if (!suppressed) this.out.write(reply, this.proto);
  }

  private drainSlots(): void {
    for (let head = this.slots.peek(); head !== undefined; head = this.slots.peek()) {
      if (head.reply === undefined) return;
      this.slots.shift();
      if (!head.suppressed) this.out.write(head.reply, this.proto);
    }
  }

  /** Runs held-back commands once a pause ends. */
  resume(): void {
    this.drainDeferred();
    this.flush();
  }

  private drainDeferred(): void {
    for (let argv = this.deferred.peek(); argv !== undefined; argv = this.deferred.peek()) {
      if (!Array.isArray(argv)) {
        this.deferred.clear();
        this.failProtocol(argv.message);
        return;
      }
      if (this.pendingWrites > 0 && !this.host.isWrite(argv)) return;
      if (this.host.paused(argv) || this.isBlocked) return;
      this.deferred.shift();
      this.execute(argv);
    }
  }

  private onProtocolError(message: string): void {
    // Requests before the bad one still answer first, in order.
    if (this.deferred.length > 0) this.deferred.push({ message });
    else this.failProtocol(message);
  }

  private failProtocol(message: string): void {
    this.host.log(
      'verbose',
      `Protocol error (${message}) from client: id=${this.id} addr=${this.addr}`,
    );
    this.deliver(error(`ERR ${message}`), false);
    this.closeAfterReply();
  }

  /** Writes a reply outside the request/reply flow (push messages, server errors). */
  sendOutOfBand(reply: Reply): void {
    this.out.write(reply, this.proto);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    if (toFlush.length === 0) queueMicrotask(flushAll);
    toFlush.push(this);
  }

  flushScheduledReplies(): void {
    this.flushScheduled = false;
    this.flush();
  }

  flush(): void {
    if (this.destroyed) return;
    if (this.out.length > 0) {
      this.host.stats.netOutputBytes += this.out.length;
      if (!this.socket.write(this.out.take()) && this.socket.writableLength > OUTPUT_PAUSE_BYTES) {
        this.pausedForOutput = true;
      }
    }
    this.updateReading();
    if (this.closing && this.slots.length === 0) {
      // Close fully once the last reply is out, as Redis does: a client still writing
      // then gets a reset instead of a half-open socket.
      this.socket.end(() => this.socket.destroy());
      this.destroyed = true;
      this.host.closed(this);
    }
  }

  private updateReading(): void {
    const inflight = this.slots.length + this.deferred.length;
    if (inflight >= INFLIGHT_PAUSE) this.pausedForInflight = true;
    else if (inflight < INFLIGHT_PAUSE / 2) this.pausedForInflight = false;
    const pause = this.pausedForOutput || this.pausedForInflight;
    if (pause !== this.socket.isPaused()) {
      if (pause) this.socket.pause();
      else this.socket.resume();
    }
  }

  closeAfterReply(): void {
    this.closing = true;
    this.scheduleFlush();
  }

  /** Closes at once, dropping unsent replies. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.socket.destroy();
    this.host.closed(this);
  }

  reset(): void {
    this.host.resetSession(this);
    this.db = 0;
    this.proto = 2;
    this.name = '';
    this.replyMode = 'on';
    this.noEvict = false;
    this.noTouch = false;
    this.readOnly = false;
    this.authenticated = !this.host.authRequired();
    this.user = 'default';
  }
}
