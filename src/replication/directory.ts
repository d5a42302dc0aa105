/**
 * The node directory: where each member of a group can be reached (client host and
 * port, bus port). It is replicated state: the address of a node travels in the
 * `context` of the AddNode/AddLearner conf change that adds it (or re-adds it with a
 * new address), every replica applies it with the conf change, and the group's
 * snapshots carry its image (GroupMetadata), so a node that catches up from a
 * snapshot knows every address too.
 *
 *   context / image: version (1 byte) | count (u16 LE) | count x entry
 *   entry: node id (u32 LE low, u32 LE high) | host length (1 byte) | host (latin1)
 *          | client port (u16 LE) | bus port (u16 LE)
 */
import { ConfChangeType, type ConfChange, type NodeId } from '../raft/types.js';
import type { GroupMetadata } from './group-metadata.js';

export interface NodeAddress {
  readonly host: string;
  /** The client (RESP) port, as MOVED and CLUSTER SLOTS name it. */
  readonly port: number;
  /** The node-to-node (Raft) port. */
  readonly busPort: number;
}

/** Called for every change: the new address, or null once the node is removed. */
export type DirectoryListener = (id: NodeId, address: NodeAddress | null) => void;

export const DIRECTORY_FORMAT_VERSION = 1;
const HOST_BYTES_MAX = 255;
const ENTRIES_MAX = 0xffff;

export class DirectoryFormatError extends Error {
  constructor(what: string, offset: number) {
    super(`node directory: ${what} at byte offset ${offset}`);
  }
}

/** The bytes of a list of node addresses (a conf change's context, a snapshot image). */
export function encodeAddresses(entries: readonly (readonly [NodeId, NodeAddress])[]): Uint8Array {
  if (entries.length > ENTRIES_MAX) throw new RangeError('too many directory entries');
  let size = 3;
  for (const [, a] of entries) size += 8 + 1 + Buffer.byteLength(a.host, 'latin1') + 4;
  const out = Buffer.alloc(size);
  out.writeUInt8(DIRECTORY_FORMAT_VERSION, 0);
  out.writeUInt16LE(entries.length, 1);
  let at = 3;
  for (const [id, a] of entries) {
    checkEntry(id, a);
    out.writeUInt32LE(id % 0x1_0000_0000, at);
    out.writeUInt32LE(Math.floor(id / 0x1_0000_0000), at + 4);
    out.writeUInt8(a.host.length, at + 8);
    at += 9 + out.write(a.host, at + 9, 'latin1');
    out.writeUInt16LE(a.port, at);
    out.writeUInt16LE(a.busPort, at + 2);
    at += 4;
  }
  return out;
}

function checkEntry(id: NodeId, a: NodeAddress): void {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`bad node id ${id}`);
  if (a.host.length === 0 || a.host.length > HOST_BYTES_MAX || /[^\x21-\x7e]/.test(a.host)) {
    throw new RangeError(`bad host ${JSON.stringify(a.host)}`);
  }
  for (const port of [a.port, a.busPort]) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`bad port ${port}`);
    }
  }
}

/** Reads what encodeAddresses wrote; throws DirectoryFormatError on anything else. */
export function decodeAddresses(bytes: Uint8Array): [NodeId, NodeAddress][] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 3) throw new DirectoryFormatError('truncated header', 0);
  const version = b.readUInt8(0);
  if (version !== DIRECTORY_FORMAT_VERSION) {
    throw new DirectoryFormatError(`unknown format version ${version}`, 0);
  }
  const count = b.readUInt16LE(1);
  const out: [NodeId, NodeAddress][] = [];
  let at = 3;
  for (let i = 0; i < count; i++) {
    if (at + 9 > b.length) throw new DirectoryFormatError('truncated entry', at);
    const id = b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 0x1_0000_0000;
    const hostBytes = b.readUInt8(at + 8);
    const hostAt = at + 9;
    if (hostAt + hostBytes + 4 > b.length) throw new DirectoryFormatError('truncated entry', at);
    const host = b.latin1Slice(hostAt, hostAt + hostBytes);
    const port = b.readUInt16LE(hostAt + hostBytes);
    const busPort = b.readUInt16LE(hostAt + hostBytes + 2);
    const address = { host, port, busPort };
    try {
      checkEntry(id, address);
    } catch (err) {
      throw new DirectoryFormatError((err as Error).message, at);
    }
    out.push([id, address]);
    at = hostAt + hostBytes + 4;
  }
  if (at !== b.length) throw new DirectoryFormatError('trailing bytes', at);
  return out;
}

export function sameAddress(a: NodeAddress | undefined, b: NodeAddress | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.host === b.host &&
    a.port === b.port &&
    a.busPort === b.busPort
  );
}

/** id -> address of every member, as of the last applied entry. */
export class NodeDirectory implements GroupMetadata {
  private readonly nodes = new Map<NodeId, NodeAddress>();
  private readonly listeners: DirectoryListener[] = [];

  listen(listener: DirectoryListener): void {
    this.listeners.push(listener);
  }

  get(id: NodeId): NodeAddress | undefined {
    return this.nodes.get(id);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Every known node by ascending id. */
  entries(): [NodeId, NodeAddress][] {
    return [...this.nodes].sort((a, b) => a[0] - b[0]);
  }

  /** Applies a committed conf change: removals, then the addresses in its context. */
  onConfChange(cc: ConfChange): void {
    for (const change of cc.changes) {
      if (change.type === ConfChangeType.RemoveNode) this.set(change.node, null);
    }
    const adds = cc.changes.some((c) => c.type !== ConfChangeType.RemoveNode);
    if (!adds || cc.context.length === 0) return;
    for (const [id, address] of decodeAddresses(cc.context)) this.set(id, address);
  }

  save(): Uint8Array {
    return encodeAddresses(this.entries());
  }

  /** Replaces the directory with a snapshot's image (empty: a directory of none). */
  load(image: Uint8Array): void {
    const next = new Map(image.length === 0 ? [] : decodeAddresses(image));
    for (const id of [...this.nodes.keys()]) if (!next.has(id)) this.set(id, null);
    for (const [id, address] of next) this.set(id, address);
  }

  private set(id: NodeId, address: NodeAddress | null): void {
    const old = this.nodes.get(id);
    if (address === null) {
      if (old === undefined) return;
      this.nodes.delete(id);
    } else {
      if (sameAddress(old, address)) return;
      this.nodes.set(id, address);
    }
    for (const l of this.listeners) l(id, address);
  }
}
