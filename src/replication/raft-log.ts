/**
 * The Proposer of a node whose keyspace is a Raft group's state: an entry is encoded,
 * proposed, committed, made durable and applied by the StateMachine on every replica;
 * the proposer's reply comes from its own apply. The group's snapshots are images of
 * the whole keyspace.
 */
import type { BlockRequest } from '../commands/spec.js';
import type { LoadSettings } from '../keyspace/serialize.js';
import { readKeyspaceSnapshot, writeKeyspaceSnapshot } from '../keyspace/snapshot.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Snapshot } from '../raft/types.js';
import { error, type Reply } from '../resp/reply.js';
import { decodeEntry, encodedEntryLength, encodeEntryInto } from './entry-codec.js';
import type { LogEntry } from './entry.js';
import {
  PROPOSAL_HEADER_BYTES,
  type GroupApplier,
  type ProposalFailure,
  type ProposalOutcome,
  type RaftGroup,
} from './multi-raft.js';
import type { Proposer } from './proposer.js';
import type { StateMachine } from './state-machine.js';

/** Redis's replies for a write that could not be committed (or not known to be). */
const FAILURE_REPLIES: Record<ProposalFailure, Reply> = {
  dropped: error('CLUSTERDOWN The cluster is down: no leader to take the write'),
  'leader-changed': error('TRYAGAIN The leader changed: the write may or may not have applied'),
  superseded: error('TRYAGAIN The leader changed before the write committed; it did not apply'),
  timeout: error('TRYAGAIN The write was not committed in time; it may still apply'),
};

/** Applies a group's committed entries to the keyspace through the state machine. */
export class KeyspaceApplier implements GroupApplier {
  constructor(
    private readonly machine: StateMachine,
    private readonly keyspace: Keyspace,
    private readonly settings: LoadSettings,
  ) {}

  apply(
    _index: number,
    payload: Uint8Array,
    own: { readonly context: unknown } | undefined,
  ): unknown {
    // The proposer applies the entry it encoded rather than a decoded copy of it.
    const entry = (own?.context as LogEntry | undefined) ?? decodeEntry(payload);
    return this.machine.apply(entry, own !== undefined);
  }

  snapshot(): Uint8Array {
    return writeKeyspaceSnapshot(this.keyspace);
  }

  restore(snapshot: Snapshot): void {
    readKeyspaceSnapshot(snapshot.data, this.keyspace, this.settings);
  }
}

export class RaftLog implements Proposer {
  constructor(readonly group: RaftGroup) {}

  propose(entry: LogEntry, done: (reply: Reply | BlockRequest) => void): void {
    // Every byte is written below; the shared pool spares one ArrayBuffer per write.
    const data = Buffer.allocUnsafe(PROPOSAL_HEADER_BYTES + encodedEntryLength(entry));
    encodeEntryInto(entry, data, PROPOSAL_HEADER_BYTES);
    const answer = (outcome: ProposalOutcome): void => {
      if (outcome.ok) done(outcome.value as Reply | BlockRequest);
      else done(FAILURE_REPLIES[outcome.failure]);
    };
    this.group.proposeFramed(data, answer, entry);
  }
}
