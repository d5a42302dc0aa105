/**
 * Building messages. Every Message has all its fields, so that messages share one
 * object shape; `newMessage` fills in what a caller leaves out.
 */
import {
  EMPTY_BYTES,
  MessageType,
  type Entry,
  type GroupId,
  type Message,
  type NodeId,
  type Snapshot,
} from './types.js';

export const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** The fields of a message its sender sets; the rest default to zero/empty. */
export interface MessageInit {
  readonly type: MessageType;
  readonly to?: NodeId;
  readonly from?: NodeId;
  readonly term?: number;
  readonly logTerm?: number;
  readonly index?: number;
  readonly entries?: readonly Entry[];
  readonly commit?: number;
  readonly snapshot?: Snapshot | null;
  readonly reject?: boolean;
  readonly rejectHint?: number;
  readonly context?: Uint8Array;
}

export function newMessage(group: GroupId, m: MessageInit): Message {
  return makeMessage(group, m.from ?? 0, m.term ?? 0, m);
}

/** A message with the given sender and term; the other fields from `m`. */
export function makeMessage(group: GroupId, from: NodeId, term: number, m: MessageInit): Message {
  return {
    type: m.type,
    group,
    from,
    to: m.to ?? 0,
    term,
    logTerm: m.logTerm ?? 0,
    index: m.index ?? 0,
    entries: m.entries ?? NO_ENTRIES,
    commit: m.commit ?? 0,
    snapshot: m.snapshot ?? null,
    reject: m.reject ?? false,
    rejectHint: m.rejectHint ?? 0,
    context: m.context ?? EMPTY_BYTES,
  };
}

/** Messages a node generates for itself; they never travel. */
export function isLocalMessage(type: MessageType): boolean {
  return (
    type === MessageType.Hup ||
    type === MessageType.Beat ||
    type === MessageType.Unreachable ||
    type === MessageType.SnapStatus ||
    type === MessageType.CheckQuorum
  );
}

/** Answers to a request of ours: stepping one needs a Progress for its sender. */
export function isResponseMessage(type: MessageType): boolean {
  return (
    type === MessageType.AppResp ||
    type === MessageType.VoteResp ||
    type === MessageType.HeartbeatResp ||
    type === MessageType.Unreachable ||
    type === MessageType.ReadIndexResp ||
    type === MessageType.PreVoteResp
  );
}

export function voteResponseType(type: MessageType): MessageType {
  if (type === MessageType.Vote) return MessageType.VoteResp;
  if (type === MessageType.PreVote) return MessageType.PreVoteResp;
  throw new Error(`not a vote message: ${messageTypeName(type)}`);
}

const TYPE_NAMES = new Map<MessageType, string>(
  Object.entries(MessageType).map(([name, type]) => [type, `Msg${name}`]),
);

/** etcd's names: MsgApp, MsgVoteResp, ... */
export function messageTypeName(type: MessageType): string {
  return TYPE_NAMES.get(type) ?? `MsgUnknown(${String(type)})`;
}
