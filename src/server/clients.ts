import {
  formatClientFlags,
  formatClientInfo,
  selectClients,
  type ClientInfo,
} from '../commands/client-list.js';
import type { ClientFilter, ClientsApi, Session } from '../commands/node.js';
import type { Connection } from './connection.js';

/** What the registry needs from the server. */
export interface ClientsHost {
  readonly connections: ReadonlyMap<number, Connection>;
  now(): number;
  /** CLIENT UNBLOCK: true when that client was blocked. */
  unblock(id: number, withError: boolean): boolean;
}

/**
 * CLIENT LIST / INFO / KILL / PAUSE over the server's connections. While a pause is
 * on, connections hold back the commands it covers (all, or writes only) and resume
 * them in order when it ends.
 */
export class ClientRegistry implements ClientsApi {
  private pauseUntil = 0;
  private pauseWritesOnly = false;
  private pauseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: ClientsHost) {}

  private infoOf(conn: Connection): ClientInfo {
    const now = this.host.now();
    const qbuf = conn.queryBufferBytes;
    const omem = conn.outputBytes;
    return {
      id: conn.id,
      addr: conn.addr,
      laddr: conn.laddr,
      fd: conn.fd,
      name: conn.name,
      age: Math.floor((now - conn.createdAt) / 1000),
      idle: Math.floor((now - conn.lastInteraction) / 1000),
      flags: formatClientFlags({
        noEvict: conn.noEvict,
        noTouch: conn.noTouch,
        blocked: conn.blocked,
        readonly: conn.readOnly,
      }),
      db: conn.db,
      sub: 0,
      psub: 0,
      ssub: 0,
      multi: -1,
      qbuf,
      qbufFree: 0,
      argvMem: 0,
      multiMem: 0,
      rbs: 16384,
      rbp: 0,
      obl: 0,
      oll: conn.pendingReplies,
      omem,
      totMem: qbuf + omem,
      events: omem > 0 ? 'rw' : 'r',
      cmd: conn.lastCommand,
      user: conn.user,
      redir: -1,
      resp: conn.proto,
      libName: conn.libName,
      libVer: conn.libVer,
    };
  }

  private all(): ClientInfo[] {
    return [...this.host.connections.values()].map((c) => this.infoOf(c));
  }

  list(filter: ClientFilter, self: Session): string[] {
    return selectClients(this.all(), filter, self.id).map(formatClientInfo);
  }

  describe(session: Session): string {
    const conn = this.host.connections.get(session.id);
    return conn === undefined ? '' : formatClientInfo(this.infoOf(conn));
  }

  kill(filter: ClientFilter, self: Session): number {
    const chosen = selectClients(this.all(), filter, self.id);
    for (const info of chosen) this.host.connections.get(info.id)?.closeAfterReply();
    return chosen.length;
  }

  unblock(id: number, withError: boolean): boolean {
    return this.host.unblock(id, withError);
  }

  pause(untilMs: number, writesOnly: boolean): void {
    // A new pause can only extend the deadline or widen it to all commands (Redis).
    this.pauseWritesOnly = this.isPaused() ? this.pauseWritesOnly && writesOnly : writesOnly;
    this.pauseUntil = Math.max(this.pauseUntil, untilMs);
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(
      () => this.unpause(),
      Math.max(0, this.pauseUntil - this.host.now()),
    );
  }

  unpause(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.pauseUntil = 0;
    for (const conn of this.host.connections.values()) conn.resume();
  }

  private isPaused(): boolean {
    return this.pauseUntil > this.host.now();
  }

  /** Whether a command must wait for the pause to end. */
  holds(write: boolean): boolean {
    return this.pausing && (write || !this.pauseWritesOnly);
  }

  /** Whether a CLIENT PAUSE is in force (commands then ask `holds`). */
  get pausing(): boolean {
    return this.pauseUntil !== 0;
  }
}
