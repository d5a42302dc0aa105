/**
 * The values the Raft core exchanges with its caller: log entries, messages, persistent
 * state and the Ready batch. Nothing here knows about Redis or about I/O; the binary
 * encodings of these values are in codec.ts.
 */

/** A node of the cluster; 0 means "none". */
export type NodeId = number;
/** A Raft group (0 is the meta group); every message carries one. */
export type GroupId = number;

export const NONE: NodeId = 0;

export const EntryType = { Normal: 0, ConfChange: 1 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque to Raft; a ConfChange entry holds an encoded ConfChange. Empty for a no-op. */
  readonly data: Uint8Array;
}

/** What must survive a crash, written before the messages of the same Ready are sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/** The membership of a group; in a joint configuration `votersOutgoing` is non-empty. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  /** Voters of the outgoing configuration that become learners when the joint state ends. */
  readonly learnersNext: readonly NodeId[];
  /** Leave the joint configuration on our own as soon as it is committed. */
  readonly autoLeave: boolean;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

/** A state-machine image at `meta.index`; `data` is opaque to Raft. */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

export const ConfChangeType = { AddNode: 0, RemoveNode: 1, AddLearner: 2 } as const;
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType];

/**
 * How a change of several members is carried out. `auto`: one change is applied in a
 * single step, several go through a joint configuration that the leader leaves on its
 * own; `implicit`: always joint, left automatically; `explicit`: always joint, left by
 * proposing an empty ConfChange.
 */
export const ConfChangeTransition = { Auto: 0, Implicit: 1, Explicit: 2 } as const;
export type ConfChangeTransition = (typeof ConfChangeTransition)[keyof typeof ConfChangeTransition];

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly node: NodeId;
}

/** A membership change; no `changes` means "leave the joint configuration". */
export interface ConfChange {
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
  /** Opaque to Raft (e.g. the address of an added node). */
  readonly context: Uint8Array;
}

export const MessageType = {
  /** Local: start an election. */
  Hup: 0,
  /** Local: the leader sends heartbeats. */
  Beat: 1,
  Prop: 2,
  App: 3,
  AppResp: 4,
  Vote: 5,
  VoteResp: 6,
  Snap: 7,
  Heartbeat: 8,
  HeartbeatResp: 9,
  /** Local: a peer could not be reached. */
  Unreachable: 10,
  /** Local: a snapshot sent to a peer finished or failed. */
  SnapStatus: 11,
  /** Local: the leader verifies it still has a quorum. */
  CheckQuorum: 12,
  TransferLeader: 13,
  TimeoutNow: 14,
  ReadIndex: 15,
  ReadIndexResp: 16,
  PreVote: 17,
  PreVoteResp: 18,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface Message {
  readonly type: MessageType;
  readonly group: GroupId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** The term of the entry at `index` (App), or of the candidate's last entry (Vote). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  /** Only on Snap. */
  readonly snapshot: Snapshot | null;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** ReadIndex request id, or the heartbeat context that confirms it. Empty when unused. */
  readonly context: Uint8Array;
}

export const StateType = { Follower: 0, Candidate: 1, Leader: 2, PreCandidate: 3 } as const;
export type StateType = (typeof StateType)[keyof typeof StateType];

/** Volatile state, reported when it changes; it need not be persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly state: StateType;
}

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  readonly index: number;
  readonly context: Uint8Array;
}

/**
 * Everything a RawNode asks of its caller after a step, in this order:
 * 1. persist `snapshot`, `entries` and `hardState` (durably, with fsync, when `mustSync`);
 * 2. only then send the `messages` for which `sentAfterPersist(m)` holds — a vote or an
 *    append acknowledgement sent before its state is durable could be forgotten by a
 *    crash and break safety. The others (appends, heartbeats, vote requests, ...) vouch
 *    for nothing on this node's disk and may leave before step 1 completes: a leader
 *    writes its log in parallel with replicating it (Raft thesis §10.2.1) and counts
 *    itself towards a commit only after `advance`;
 * 3. apply `committedEntries` (already durable in a quorum's logs) and serve `readStates`
 *    once the applied index reaches theirs;
 * 4. call `advance(ready)`.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly mustSync: boolean;
}

/** True for the messages that vouch for this node's persisted state (see Ready). */
export function sentAfterPersist(m: Message): boolean {
  return (
    m.type === MessageType.AppResp ||
    m.type === MessageType.VoteResp ||
    m.type === MessageType.PreVoteResp
  );
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
export const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};
