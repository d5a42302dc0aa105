import type { ConfChange, ConfState } from '../raft/types.js';

/**
 * State a group replicates beside the keyspace (the cluster's node directory, say):
 * it travels inside the group's snapshots, so a node that catches up from a snapshot
 * knows it too.
 */
export interface GroupMetadata {
  /** An image of the metadata as of the last applied entry. */
  save(): Uint8Array;
  /** Replaces the metadata with a snapshot's image. */
  load(image: Uint8Array): void;
  /** A committed membership change, applied in log order on every replica. */
  onConfChange?(cc: ConfChange, cs: ConfState): void;
}
