/**
 * One node's replica of one group in the simulator: the server's own state machine
 * (Keyspace, StateMachine, KeyspaceApplier with its streamed snapshots) behind a thin
 * GroupApplier that records each applied entry for the safety checkers, the server's
 * proposer (RaftLog) for writes, and reads run by the real command handlers on a read
 * context, as the server runs them once a ReadIndex confirmed its leadership.
 *
 * The client operations of the linearizability model map to real commands here, and
 * the real replies back to the model's outputs.
 */
import { ExecContext, type ExpiredKeyHook } from '../../src/commands/context.js';
import { NOT_INTEGER } from '../../src/commands/errors.js';
import { Registry } from '../../src/commands/registry.js';
import { isBlockRequest, type BlockRequest } from '../../src/commands/spec.js';
import { Config } from '../../src/config/config.js';
import { keyspaceDigest } from '../../src/keyspace/digest.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { ConfChange, ConfState, Snapshot } from '../../src/raft/types.js';
import type { SnapshotSource } from '../../src/replication/background-snapshot.js';
import type { LogEntry } from '../../src/replication/entry.js';
import type { GroupApplier, RaftGroup } from '../../src/replication/multi-raft.js';
import { KeyspaceApplier, RaftLog, type SnapshotPiece } from '../../src/replication/raft-log.js';
import { StateMachine } from '../../src/replication/state-machine.js';
import { isError, type Reply } from '../../src/resp/reply.js';
import type { KvInput, KvOutput } from './linearizability.js';

/** The server's defaults (databases, encodings, proto-max-bulk-len). */
const settings = Config.defaults();
/** Stateless but for its lookup caches: one serves every replica. */
const registry = new Registry();

/**
 * A snapshot piece of one key: a group holds a handful, so snapshots stream over several
 * scheduler turns with entries applying in between (the copy-on-write path).
 */
const SIM_SNAPSHOT_PIECE: SnapshotPiece = { keys: 1, bytes: 1 };

/** What the checkers learn of each entry a replica applies. */
export interface ApplyObserver {
  /** Before: its index, its Raft term, the applying node's term, and its payload. */
  applying(index: number, term: number, knownIn: number, payload: string): void;
  /**
   * After (or after restoring a snapshot at `index`): the replica's state is now the one
   * every replica has after `index`.
   */
  applied(index: number): void;
}

export class SimReplica implements GroupApplier {
  readonly keyspace = new Keyspace(settings.number('databases'));
  private readonly applier: KeyspaceApplier;
  group: RaftGroup | null = null;
  private proposer: RaftLog | null = null;

  constructor(private readonly observer: ApplyObserver) {
    const machine = new StateMachine(this.keyspace, registry, settings);
    this.applier = new KeyspaceApplier(
      machine,
      this.keyspace,
      settings,
      undefined,
      SIM_SNAPSHOT_PIECE,
    );
  }

  /** The group this replica is the state of, once MultiRaft opened it. */
  attach(group: RaftGroup): void {
    this.group = group;
    this.proposer = new RaftLog(group);
  }

  apply(
    index: number,
    payload: Uint8Array,
    own: { readonly context: unknown } | undefined,
  ): unknown {
    const raft = this.group?.node.raft;
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.length).latin1Slice(
      0,
      payload.length,
    );
    this.observer.applying(index, raft?.raftLog.term(index) ?? -1, raft?.term ?? 0, text);
    const result = this.applier.apply(index, payload, own);
    this.observer.applied(index);
    return result;
  }

  snapshot(): Uint8Array {
    return this.applier.snapshot();
  }

  beginSnapshot(): SnapshotSource {
    return this.applier.beginSnapshot();
  }

  restore(snapshot: Snapshot): void {
    this.applier.restore(snapshot);
    this.observer.applied(snapshot.meta.index);
  }

  onConfChange(cc: ConfChange, cs: ConfState): void {
    this.applier.onConfChange(cc, cs);
  }

  /** Proposes an entry as the server does; `done` gets the proposer's reply. */
  propose(entry: LogEntry, done: (reply: Reply | BlockRequest) => void): void {
    this.proposer?.propose(entry, done);
  }

  /** Runs a read-only command on this replica's state at `now`, as a read context does. */
  read(
    argv: readonly string[],
    now: number,
    seed: number,
    onExpiredRead: ExpiredKeyHook,
  ): Reply | BlockRequest {
    const lookup = registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const handler = lookup.spec.data;
    if (handler === undefined) throw new Error(`${argv[0]} is not a data command`);
    const options = { applying: false, proposer: true, onExpiredRead };
    return handler(new ExecContext(this.keyspace, 0, now, seed, settings, options), argv);
  }

  /**
   * DEBUG DIGEST, and the deadlines it leaves out (it marks that a key has one, not
   * which): two replicas that applied the same entries agree on both.
   */
  fingerprint(): string {
    const deadlines: string[] = [];
    for (const db of this.keyspace.dbs) {
      for (const [key, entry] of db.entries()) {
        if (entry.expireAt !== 0)
          deadlines.push(`${db.id}:${JSON.stringify(key)}@${entry.expireAt}`);
      }
    }
    return `${keyspaceDigest(this.keyspace)} ${deadlines.sort().join(',')}`;
  }
}

/** The command a client operation sends. */
export function kvArgv(input: KvInput): string[] {
  switch (input.op) {
    case 'get':
      return ['GET', input.key];
    case 'put':
      return input.ttlMs === undefined
        ? ['SET', input.key, input.value]
        : ['SET', input.key, input.value, 'PX', String(input.ttlMs)];
    case 'swap':
      return ['SET', input.key, input.value, 'GET'];
    case 'append':
      return ['APPEND', input.key, input.value];
    case 'incr':
      return input.by === 1 ? ['INCR', input.key] : ['INCRBY', input.key, String(input.by)];
    case 'delete':
      return ['DEL', input.key];
  }
}

/**
 * What a command's reply means to the model; a string when the reply is not one the
 * command can give (a bug the caller reports). Errors that say the write was not
 * committed are the caller's to sort out first.
 */
export function kvOutput(input: KvInput, reply: Reply | BlockRequest): KvOutput | string {
  if (isBlockRequest(reply)) return `${input.op} asked to block`;
  const output = expectedShape(input, reply);
  return output ?? `${input.op} replied ${describeReply(reply)}`;
}

function expectedShape(input: KvInput, reply: Reply): KvOutput | null {
  switch (input.op) {
    case 'get':
    case 'swap':
      return reply === null || typeof reply === 'string' ? { type: 'value', value: reply } : null;
    case 'put':
      return isOk(reply) ? { type: 'ok' } : null;
    case 'incr':
      // The exact error Redis gives for INCR on a value that is not an integer.
      if (isError(reply)) return reply.message === NOT_INTEGER.message ? { type: 'error' } : null;
      return typeof reply === 'number' ? { type: 'int', value: reply } : null;
    case 'append':
    case 'delete':
      return typeof reply === 'number' ? { type: 'int', value: reply } : null;
  }
}

function isOk(reply: Reply): boolean {
  return (
    reply !== null &&
    typeof reply === 'object' &&
    'kind' in reply &&
    reply.kind === 'simple' &&
    reply.value === 'OK'
  );
}

function describeReply(reply: Reply): string {
  return JSON.stringify(reply, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
