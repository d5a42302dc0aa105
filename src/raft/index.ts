/** The public surface of the Raft core. See README.md. */
export * from './types.js';
export * from './log-storage.js';
export {
  RawNode,
  LocalMessageError,
  PeerNotFoundError,
  ProposalDroppedError,
  type ProgressStatus,
  type RaftConfig,
  type RaftStatus,
} from './raw-node.js';
export { MemoryStorage, SnapshotOutOfDateError } from './memory-storage.js';
export { ProgressState } from './progress.js';
export type { ReadOnlyOption } from './read-only.js';
export { ConfChangeError } from './confchange.js';
export { newMessage, messageTypeName, type MessageInit } from './message.js';
export * from './codec.js';
