/**
 * Linearizable reads without a log entry (Raft thesis §6.4, etcd raft's `readOnly`).
 *
 * Safe mode: the leader records the commit index when a read arrives, then proves it is
 * still leader by a round of heartbeats. Reads are numbered in arrival order; a
 * heartbeat carries the number of the newest pending read, and a follower's response
 * echoes it. Once a quorum has echoed a number, every read up to it is confirmed: no
 * per-read bookkeeping and no per-read heartbeat round.
 */
import type { JointConfig } from './quorum.js';
import { EMPTY_BYTES, type Message, type NodeId } from './types.js';

export type ReadOnlyOption = 'safe' | 'lease';

/** A read waiting for confirmation: the request and the commit index it may read at. */
export interface ReadIndexRequest {
  readonly req: Message;
  readonly index: number;
}

const CTX_BYTES = 8;

export class ReadOnly {
  /** Per voter, the highest read number it confirmed. */
  private readonly acks = new Map<NodeId, number>();
  /** Reads numbered confirmedReads + 1, + 2, ... in order. */
  private unconfirmed: ReadIndexRequest[] = [];
  /** Reads up to this number are confirmed. */
  private confirmedReads = 0;
  private readonly ackedBy = (id: NodeId): number | undefined => this.acks.get(id);

  constructor(readonly option: ReadOnlyOption) {}

  /** Reads not yet confirmed by a quorum. */
  pendingCount(): number {
    return this.unconfirmed.length;
  }

  addRequest(commitIndex: number, req: Message): void {
    this.unconfirmed.push({ req, index: commitIndex });
  }

  /** A voter echoed a heartbeat context. */
  recvAck(from: NodeId, ctx: Uint8Array): void {
    const position = decodePosition(ctx);
    if (position === undefined) return;
    this.acks.set(from, Math.max(this.acks.get(from) ?? 0, position));
  }

  /** The reads a quorum of `voters` has now confirmed, oldest first. */
  maybeAdvance(voters: JointConfig): ReadIndexRequest[] {
    const total = this.confirmedReads + this.unconfirmed.length;
    const confirmed = Math.min(voters.committedIndex(this.ackedBy), total);
    if (confirmed <= this.confirmedReads) return [];
    const released = this.unconfirmed.splice(0, confirmed - this.confirmedReads);
    this.confirmedReads = confirmed;
    return released;
  }

  /** What a heartbeat carries: the number of the newest pending read; empty if none. */
  heartbeatCtx(): Uint8Array {
    if (this.unconfirmed.length === 0) return EMPTY_BYTES;
    return encodePosition(this.confirmedReads + this.unconfirmed.length);
  }
}

function encodePosition(position: number): Uint8Array {
  const out = new Uint8Array(CTX_BYTES);
  let rest = position;
  for (let i = 0; i < CTX_BYTES; i++) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** A context of any other length is not one of ours (or is empty): ignored. */
function decodePosition(ctx: Uint8Array): number | undefined {
  if (ctx.length !== CTX_BYTES) return undefined;
  let position = 0;
  for (let i = CTX_BYTES - 1; i >= 0; i--) position = position * 256 + (ctx[i] ?? 0);
  return position;
}
