/**
 * The Proposer of a node whose keyspace is a Raft group's state: an entry is encoded,
 * proposed, committed, made durable and applied by the StateMachine on every replica;
 * the proposer's reply comes from its own apply. The group's snapshots are images of
 * the whole keyspace.
 */
import type { BlockRequest } from '../commands/spec.js';
import type { LoadSettings } from '../keyspace/serialize.js';
import {
  KeyspaceSnapshotWriter,
  readKeyspaceSnapshot,
  writeKeyspaceSnapshot,
} from '../keyspace/snapshot.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ConfChange, ConfState, Snapshot } from '../raft/types.js';
import { error, type Reply } from '../resp/reply.js';
import { decodeEntry, encodedEntryLength, encodeEntryInto } from './entry-codec.js';
import type { LogEntry } from './entry.js';
import type { SnapshotSource } from './background-snapshot.js';
import type { GroupMetadata } from './group-metadata.js';
import {
  PROPOSAL_HEADER_BYTES,
  type GroupApplier,
  type ProposalFailure,
  type Proposal,
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

const NO_METADATA = new Uint8Array(0);

/** How much of the keyspace a background snapshot writes per event-loop turn. */
export interface SnapshotPiece {
  /** At most this many keys, a big collection's elements each counting as one... */
  readonly keys: number;
  /** ...and the piece ends soon after this many bytes (within one record or slice). */
  readonly bytes: number;
}

/**
 * About 3 ms a piece at 1M small keys on the benchmark machine (docs/BENCHMARKS.md); a
 * big collection is written in slices across pieces, unless a write to it first makes
 * its copy-on-write copy, which is written whole.
 */
export const SNAPSHOT_PIECE: SnapshotPiece = { keys: 4096, bytes: 256 * 1024 };

/**
 * Applies a group's committed entries to the keyspace through the state machine. The
 * group's `metadata`, if any, travels in its snapshots beside the keyspace; a snapshot
 * without it (taken before the group had any) loads as an empty image.
 */
export class KeyspaceApplier implements GroupApplier {
  /** The background snapshot under way: it must know when entries apply (copy-on-write). */
  private writer: KeyspaceSnapshotWriter | null = null;

  constructor(
    private readonly machine: StateMachine,
    private readonly keyspace: Keyspace,
    private readonly settings: LoadSettings,
    private readonly metadata?: GroupMetadata,
    private readonly piece: SnapshotPiece = SNAPSHOT_PIECE,
  ) {}

  apply(
    _index: number,
    payload: Uint8Array,
    own: { readonly context: unknown } | undefined,
  ): unknown {
    // The proposer applies the entry it encoded rather than a decoded copy of it.
    const entry = (own?.context as LogEntry | undefined) ?? decodeEntry(payload);
    const writer = this.writer;
    if (writer === null) return this.machine.apply(entry, own !== undefined);
    writer.applying = true;
    try {
      return this.machine.apply(entry, own !== undefined);
    } finally {
      writer.applying = false;
    }
  }

  /** Entries the state machine has applied since the node started. */
  get appliedEntries(): number {
    return this.machine.appliedIndex;
  }

  snapshot(): Uint8Array {
    return writeKeyspaceSnapshot(this.keyspace, this.metadata?.save() ?? null);
  }

  /**
   * DEBUG RELOAD: the keyspace replaced by a load of its own snapshot, in one turn, so
   * it is the same state (as a restart would load it) at the same index. Loaded entries
   * take `lruClock` as their access time; the metadata is left as it is.
   */
  reload(lruClock: number): void {
    const bytes = writeKeyspaceSnapshot(this.keyspace);
    readKeyspaceSnapshot(bytes, this.keyspace, this.settings, lruClock);
  }

  /** The keyspace as of now, written in pieces while entries keep applying. */
  beginSnapshot(): SnapshotSource {
    this.writer?.abort();
    const writer = new KeyspaceSnapshotWriter(this.keyspace, {
      aux: this.metadata?.save() ?? null,
      copyOnWrite: true,
    });
    this.writer = writer;
    const release = (): void => {
      if (this.writer === writer) this.writer = null;
    };
    return {
      next: () => {
        const piece = writer.next(this.piece.keys, this.piece.bytes);
        if (writer.done) release();
        return piece;
      },
      abort: () => {
        writer.abort();
        release();
      },
      get copiedBytes() {
        return writer.copiedBytes;
      },
    };
  }

  restore(snapshot: Snapshot): void {
    this.writer?.abort();
    this.writer = null;
    const image = readKeyspaceSnapshot(snapshot.data, this.keyspace, this.settings);
    this.metadata?.load(image ?? NO_METADATA);
  }

  /** Membership changes are replicated state of the metadata too (node addresses). */
  onConfChange(cc: ConfChange, cs: ConfState): void {
    this.metadata?.onConfChange?.(cc, cs);
  }
}

export class RaftLog implements Proposer {
  constructor(readonly group: RaftGroup) {}

  propose(entry: LogEntry, done: (reply: Reply | BlockRequest) => void): void {
    // Every byte is written below; the shared pool spares one ArrayBuffer per write.
    const data = Buffer.allocUnsafe(PROPOSAL_HEADER_BYTES + encodedEntryLength(entry));
    encodeEntryInto(entry, data, PROPOSAL_HEADER_BYTES);
    this.group.proposeFramed(data, new EntryProposal(entry, done));
  }
}

/** A command entry waiting in the group: the applier gets the entry back as `context`. */
class EntryProposal implements Proposal {
  deadline = 0;
  index = 0;

  constructor(
    readonly context: LogEntry,
    private readonly done: (reply: Reply | BlockRequest) => void,
  ) {}

  applied(value: unknown): void {
    this.done(value as Reply | BlockRequest);
  }

  failed(failure: ProposalFailure): void {
    this.done(FAILURE_REPLIES[failure]);
  }
}
