/**
 * Test helpers for the Raft core, after etcd raft's raft_test.go: building nodes on a
 * MemoryStorage, draining their messages, and an in-memory network that delivers
 * messages at once, with drops, cuts, isolation and ignored types.
 */
import { newMessage, type MessageInit } from '../../src/raft/message.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { Raft, type RaftConfig } from '../../src/raft/raft.js';
import type { RaftLog } from '../../src/raft/raft-log.js';
import type { LogStorage } from '../../src/raft/log-storage.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  type ConfChange,
  type Entry,
  type Message,
  type NodeId,
} from '../../src/raft/types.js';
import { Rng } from '../../src/util/rng.js';

/** A message of group 0 (every test node is in group 0). */
export function msg(init: MessageInit): Message {
  return newMessage(0, init);
}

export const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const text = (b: Uint8Array): string => String.fromCharCode(...b);

export function entry(index: number, term: number, data: Uint8Array = EMPTY_BYTES): Entry {
  return { index, term, type: EntryType.Normal, data };
}

/** Entries at consecutive indexes from `first`, with the given terms (etcd index(i).terms(...)). */
export function entriesAt(first: number, ...terms: number[]): Entry[] {
  return terms.map((term, i) => entry(first + i, term));
}

/** A proposal of one entry per payload. */
export function propose(from: NodeId, to: NodeId, ...payloads: Uint8Array[]): Message {
  const entries = payloads.map((data) => entry(0, 0, data));
  return msg({ type: MessageType.Prop, from, to, entries });
}

export function hup(id: NodeId): Message {
  return msg({ type: MessageType.Hup, from: id, to: id });
}

export function beat(id: NodeId): Message {
  return msg({ type: MessageType.Beat, from: id, to: id });
}

export function idsBySize(size: number): NodeId[] {
  return Array.from({ length: size }, (_, i) => i + 1);
}

export function newTestMemoryStorage(
  opts: { peers?: NodeId[]; learners?: NodeId[] } = {},
): MemoryStorage {
  return new MemoryStorage({
    voters: opts.peers ?? [],
    learners: opts.learners ?? [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  });
}

export function newTestConfig(
  id: NodeId,
  election: number,
  heartbeat: number,
  storage: LogStorage,
): RaftConfig {
  const rng = new Rng(0x5eed + id);
  return {
    id,
    group: 0,
    storage,
    electionTicks: election,
    heartbeatTicks: heartbeat,
    maxSizePerMsg: Infinity,
    maxInflightMsgs: 256,
    random: (n) => rng.below(n),
  };
}

export function newTestRaft(
  id: NodeId,
  election: number,
  heartbeat: number,
  storage: LogStorage,
  tweak?: (c: RaftConfig) => void,
): Raft {
  const config = newTestConfig(id, election, heartbeat, storage);
  tweak?.(config);
  return new Raft(config);
}

export function preVoteConfig(c: RaftConfig): void {
  c.preVote = true;
}

/** Steps our own durable-state messages, until none are left (etcd advanceMessagesAfterAppend). */
export function advanceMessagesAfterAppend(r: Raft): void {
  for (;;) {
    const msgs = r.msgsAfterAppend;
    if (msgs.length === 0) return;
    r.msgsAfterAppend = [];
    for (const m of msgs) {
      if (m.to === r.id) r.step(m);
      else r.msgs.push(m);
    }
  }
}

/** Everything `r` has to send, after stepping its messages to itself. */
export function readMessages(r: Raft): Message[] {
  advanceMessagesAfterAppend(r);
  const msgs = r.msgs;
  r.msgs = [];
  return msgs;
}

/** Persists `r`'s unstable entries to `s` and returns what may be applied, marking it applied. */
export function nextEnts(r: Raft, s: MemoryStorage): Entry[] {
  s.append(r.raftLog.nextUnstableEnts());
  r.raftLog.stableTo(r.raftLog.lastIndex(), r.raftLog.lastTerm());
  advanceMessagesAfterAppend(r);
  const ents = r.raftLog.nextCommittedEnts(true);
  r.raftLog.appliedTo(r.raftLog.committed, 0);
  return ents;
}

export function mustAppendEntry(r: Raft, ...ents: Entry[]): void {
  if (!r.appendEntry(ents)) throw new Error('entry unexpectedly dropped');
}

/** etcd's messageSlice order: by recipient, then type, then sender. */
export function sortMessages(msgs: Message[]): Message[] {
  return msgs.sort((a, b) => a.to - b.to || a.type - b.type || a.from - b.from);
}

/** The parts of a message a test usually pins, without the defaults. */
export function brief(m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = { type: m.type, from: m.from, to: m.to, term: m.term };
  if (m.logTerm !== 0) out['logTerm'] = m.logTerm;
  if (m.index !== 0) out['index'] = m.index;
  if (m.commit !== 0) out['commit'] = m.commit;
  if (m.reject) out['reject'] = true;
  if (m.rejectHint !== 0) out['rejectHint'] = m.rejectHint;
  if (m.entries.length > 0) {
    out['entries'] = m.entries.map((e) => ({ index: e.index, term: e.term, data: text(e.data) }));
  }
  return out;
}

/** A log as a comparable string: its entries and commit index. */
export function logString(l: RaftLog): string {
  const ents = l.allEntries().map((e) => `${e.index}/${e.term}/${e.type}/${text(e.data)}`);
  return `committed: ${l.committed}\n${ents.join('\n')}`;
}

export function confChange(
  type: ConfChangeType,
  node: NodeId,
  transition: ConfChangeTransition = ConfChangeTransition.Auto,
): ConfChange {
  return { transition, changes: [{ type, node }], context: EMPTY_BYTES };
}

export const addNode = (id: NodeId): ConfChange => confChange(ConfChangeType.AddNode, id);
export const removeNode = (id: NodeId): ConfChange => confChange(ConfChangeType.RemoveNode, id);
export const addLearner = (id: NodeId): ConfChange => confChange(ConfChangeType.AddLearner, id);

/** A raft whose log holds one entry per term given (etcd entsWithConfig). */
export function entsWithConfig(
  tweak: ((c: RaftConfig) => void) | undefined,
  ...terms: number[]
): PeerFactory {
  return (id, peers) => {
    const storage = newTestMemoryStorage({ peers });
    storage.append(terms.map((term, i) => entry(i + 1, term)));
    const r = newTestRaft(id, 5, 1, storage, tweak);
    r.becomeFollower(terms[terms.length - 1] ?? 0, 0);
    return r;
  };
}

/** A raft that voted for `vote` in `term` but has no entries (etcd votedWithConfig). */
export function votedWithConfig(
  tweak: ((c: RaftConfig) => void) | undefined,
  vote: NodeId,
  term: number,
): PeerFactory {
  return (id, peers) => {
    const storage = newTestMemoryStorage({ peers });
    storage.setHardState({ term, vote, commit: 0 });
    const r = newTestRaft(id, 5, 1, storage, tweak);
    r.becomeFollower(term, 0);
    return r;
  };
}

/** Builds a node with a given id for a network of the given peers. */
export type PeerFactory = (id: NodeId, peers: NodeId[]) => Raft;

/** A peer that swallows every message (etcd nopStepper). */
export const BLACK_HOLE = 'blackhole';

export type PeerSpec = Raft | PeerFactory | typeof BLACK_HOLE | null;

export class Network {
  readonly peers = new Map<NodeId, Raft | typeof BLACK_HOLE>();
  readonly storage = new Map<NodeId, MemoryStorage>();
  /** Per "from-to", the probability of dropping a message. */
  private dropm = new Map<string, number>();
  private ignorem = new Set<MessageType>();
  private readonly rng = new Rng(42);
  /** Called for each message; false drops it. */
  msgHook: ((m: Message) => boolean) | undefined;

  /** Nodes 1..n: null makes a fresh node, a Raft is used as is (its id must match). */
  constructor(specs: PeerSpec[], tweak?: (c: RaftConfig) => void) {
    const ids = idsBySize(specs.length);
    specs.forEach((spec, i) => {
      const id = ids[i] ?? 0;
      if (spec === null) {
        const storage = newTestMemoryStorage({ peers: ids });
        this.storage.set(id, storage);
        this.peers.set(id, newTestRaft(id, 10, 1, storage, tweak));
      } else if (typeof spec === 'function') {
        this.peers.set(id, spec(id, ids));
      } else {
        if (spec !== BLACK_HOLE && spec.id !== id) throw new Error(`peer ${i} has id ${spec.id}`);
        this.peers.set(id, spec);
      }
    });
  }

  /** The node `id` (throws for a black hole). */
  raft(id: NodeId): Raft {
    const p = this.peers.get(id);
    if (p === undefined || p === BLACK_HOLE) throw new Error(`no raft ${id}`);
    return p;
  }

  /** Delivers the messages and everything they cause, until the network is quiet. */
  send(...msgs: Message[]): void {
    const queue = msgs.slice();
    for (let i = 0; i < queue.length; i++) {
      const m = queue[i] as Message;
      const p = this.peers.get(m.to);
      if (p === undefined || p === BLACK_HOLE) continue;
      p.step(m);
      for (const out of this.filter(readMessages(p))) queue.push(out);
    }
  }

  drop(from: NodeId, to: NodeId, probability: number): void {
    this.dropm.set(`${from}-${to}`, probability);
  }

  cut(one: NodeId, other: NodeId): void {
    this.drop(one, other, 2);
    this.drop(other, one, 2);
  }

  isolate(id: NodeId): void {
    for (const other of this.peers.keys()) {
      if (other !== id) this.cut(id, other);
    }
  }

  ignore(type: MessageType): void {
    this.ignorem.add(type);
  }

  recover(): void {
    this.dropm = new Map();
    this.ignorem = new Set();
  }

  private filter(msgs: Message[]): Message[] {
    return msgs.filter((m) => {
      if (this.ignorem.has(m.type)) return false;
      if (m.type === MessageType.Hup) throw new Error('unexpected msgHup');
      const p = this.dropm.get(`${m.from}-${m.to}`) ?? 0;
      if (this.rng.next() < p) return false;
      return this.msgHook === undefined || this.msgHook(m);
    });
  }
}
