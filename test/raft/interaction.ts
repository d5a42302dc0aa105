/**
 * An interaction environment in the style of etcd's rafttest.InteractionEnv: a group
 * of RawNodes on MemoryStorage, driven step by step from data-driven scripts. Nothing
 * happens unless a command says so: messages wait in `messages` until delivered (or
 * dropped), Readys wait until processed. Output mimics etcd's so that its
 * testdata/*.txt scripts read (and compare) the same.
 *
 * Commands: add-nodes, campaign, propose, propose-conf-change, process-ready,
 * deliver-msgs, stabilize, tick-heartbeat, tick-election, log-level, raft-log,
 * raft-state, status, transfer-leadership, compact, report-unreachable,
 * set-randomized-election-timeout, _breakpoint.
 */
import { decodeConfChange } from '../../src/raft/codec.js';
import type { LogStorage } from '../../src/raft/log-storage.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { messageTypeName } from '../../src/raft/message.js';
import { RawNode, type RaftConfig } from '../../src/raft/raw-node.js';
import { progressMapString } from '../../src/raft/tracker.js';
import {
  ConfChangeTransition,
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  NONE,
  StateType,
  type ConfChange,
  type ConfChangeSingle,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type Ready,
  type Snapshot,
} from '../../src/raft/types.js';
import type { TestData } from '../support/datadriven.js';

const LEVEL_NAMES = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'NONE'] as const;
const RAFT_LEVELS = { debug: 0, info: 1, warn: 2 } as const;
const QUIET = LEVEL_NAMES.length - 1;

/** A failure of a command, printed into the output as etcd's handler does. */
class CommandError extends Error {}

/** A malformed script (etcd's t.Fatal): fails the test instead of being printed. */
class ScriptError extends Error {}

/** Errors that mean a bug in the test or the code, never an expected output. */
function isFatal(err: unknown): boolean {
  return (
    !(err instanceof Error) ||
    err instanceof ScriptError ||
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err.name === 'AssertionError'
  );
}

/** What a command prints; raft's log lines go here too, filtered by level. */
class Output {
  text = '';
  level = 0;

  get quiet(): boolean {
    return this.level === QUIET;
  }

  write(s: string): void {
    if (!this.quiet) this.text += s;
  }

  log(level: number, message: string): void {
    if (this.level <= level) this.write(`${LEVEL_NAMES[level] ?? '?'} ${message}\n`);
  }
}

interface Node {
  readonly raw: RawNode;
  readonly storage: MemoryStorage;
  readonly config: RaftConfig;
  /** State-machine images, one per applied entry; the last is what snapshots send. */
  readonly history: Snapshot[];
}

// ---------------------------------------------------------------------------------
// Formatting, following etcd's raft/util.go.

/** Go's %q of a byte string (our test data is ASCII). */
export function goQuote(data: Uint8Array): string {
  const escapes = new Map([
    [7, '\\a'],
    [8, '\\b'],
    [9, '\\t'],
    [10, '\\n'],
    [11, '\\v'],
    [12, '\\f'],
    [13, '\\r'],
    [34, '\\"'],
    [92, '\\\\'],
  ]);
  let out = '"';
  for (const b of data) {
    const escaped = escapes.get(b);
    if (escaped !== undefined) out += escaped;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const STATE_NAMES: Record<StateType, string> = {
  [StateType.Follower]: 'StateFollower',
  [StateType.Candidate]: 'StateCandidate',
  [StateType.Leader]: 'StateLeader',
  [StateType.PreCandidate]: 'StatePreCandidate',
};

const CHANGE_LETTERS: Record<ConfChangeType, string> = {
  [ConfChangeType.AddNode]: 'v',
  [ConfChangeType.RemoveNode]: 'r',
  [ConfChangeType.AddLearner]: 'l',
};

export function confChangesToString(changes: readonly ConfChangeSingle[]): string {
  return changes.map((c) => `${CHANGE_LETTERS[c.type]}${c.node}`).join(' ');
}

/**
 * `term/index type data`. Every conf change of ours is etcd's ConfChangeV2, so it is
 * printed under that name.
 */
export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    const changes = confChangesToString(decodeConfChange(e.data).changes);
    return `${e.term}/${e.index} EntryConfChangeV2${changes === '' ? '' : ` ${changes}`}`;
  }
  return `${e.term}/${e.index} EntryNormal ${goQuote(e.data)}`;
}

export function describeEntries(entries: readonly Entry[]): string {
  return entries.map((e) => `${describeEntry(e)}\n`).join('');
}

const list = (ids: readonly number[]): string => `[${ids.join(' ')}]`;

export function describeConfState(cs: ConfState): string {
  return (
    `Voters:${list(cs.voters)} VotersOutgoing:${list(cs.votersOutgoing)} ` +
    `Learners:${list(cs.learners)} LearnersNext:${list(cs.learnersNext)} AutoLeave:${cs.autoLeave}`
  );
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.meta.index} Term:${s.meta.term} ConfState:${describeConfState(s.meta.confState)}`;
}

const target = (id: NodeId): string => (id === NONE ? 'None' : id.toString(16));

export function describeMessage(m: Message): string {
  let out = `${target(m.from)}->${target(m.to)} ${messageTypeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) out += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) out += ` Commit:${m.commit}`;
  if (m.entries.length === 1 && m.entries[0] !== undefined) {
    out += ` Entries:[${describeEntry(m.entries[0])}]`;
  } else if (m.entries.length > 1) {
    out += ` Entries:[${m.entries.map((e) => `\n  ${describeEntry(e)}`).join('')}\n]`;
  }
  if (m.snapshot !== null && m.snapshot.meta.index !== 0) {
    out += `\n  Snapshot: ${describeSnapshot(m.snapshot)}`;
  }
  return out;
}

export function describeReady(rd: Ready): string {
  let out = '';
  if (rd.softState !== null) {
    out += `Lead:${rd.softState.lead} State:${STATE_NAMES[rd.softState.state]}\n`;
  }
  const hs = rd.hardState;
  if (hs !== null && (hs.term !== 0 || hs.vote !== 0 || hs.commit !== 0)) {
    out += `HardState Term:${hs.term}${hs.vote !== 0 ? ` Vote:${hs.vote}` : ''} Commit:${hs.commit}\n`;
  }
  if (rd.readStates.length > 0) {
    // Go's %v of []ReadState{Index, RequestCtx []byte}.
    const states = rd.readStates.map((s) => `{${s.index} [${[...s.context].join(' ')}]}`);
    out += `ReadStates [${states.join(' ')}]\n`;
  }
  if (rd.entries.length > 0) out += `Entries:\n${describeEntries(rd.entries)}`;
  if (rd.snapshot !== null && rd.snapshot.meta.index !== 0) {
    out += `Snapshot ${describeSnapshot(rd.snapshot)}\n`;
  }
  if (rd.committedEntries.length > 0) {
    out += `CommittedEntries:\n${describeEntries(rd.committedEntries)}`;
  }
  if (rd.messages.length > 0) {
    out += `Messages:\n${rd.messages.map((m) => `${describeMessage(m)}\n`).join('')}`;
  }
  return out === '' ? '<empty Ready>' : `Ready MustSync=${rd.mustSync}:\n${out}`;
}

// ---------------------------------------------------------------------------------
// Argument helpers (etcd's firstAsInt / nodeIdxs).

function firstInt(d: TestData): number {
  const key = d.args[0]?.key ?? '';
  if (!/^\d+$/.test(key)) throw new ScriptError(`${d.pos}: expected a number first, got ${key}`);
  return Number(key);
}

/** The bare numeric arguments (node ids), skipping key=value ones. */
function nodeIds(d: TestData): number[] {
  return d.args.filter((a) => a.vals.length === 0).map((a) => Number(a.key));
}

function parseBool(raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new CommandError(`invalid boolean ${raw}`);
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** etcd's ConfChangesFromString: `v1 l2 r3` (uN, an update, changes nothing here). */
export function confChangesFromString(s: string): ConfChangeSingle[] {
  const types = new Map<string, ConfChangeType>([
    ['v', ConfChangeType.AddNode],
    ['l', ConfChangeType.AddLearner],
    ['r', ConfChangeType.RemoveNode],
  ]);
  const out: ConfChangeSingle[] = [];
  for (const token of s
    .trim()
    .split(' ')
    .filter((t) => t !== '')) {
    if (token.length < 2) throw new CommandError(`unknown token ${token}`);
    const letter = token[0] ?? '';
    const node = Number(token.slice(1));
    if (!/^\d+$/.test(token.slice(1))) throw new CommandError(`invalid node id in ${token}`);
    const type = types.get(letter);
    if (type !== undefined) out.push({ type, node });
    else if (letter !== 'u') throw new CommandError(`unknown input: ${token}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------

interface AddNodesOptions {
  snapshot: { voters: number[]; learners: number[]; index: number; data: Uint8Array };
  config: Partial<RaftConfig>;
}

function parseAddNodes(d: TestData): AddNodesOptions {
  const snapshot = {
    voters: [] as number[],
    learners: [] as number[],
    index: 0,
    data: EMPTY_BYTES,
  };
  const config: Partial<RaftConfig> = {};
  for (const arg of d.args.slice(1)) {
    for (const val of arg.vals) {
      switch (arg.key) {
        case 'voters':
          snapshot.voters.push(Number(val));
          break;
        case 'learners':
          snapshot.learners.push(Number(val));
          break;
        case 'inflight':
          config.maxInflightMsgs = Number(val);
          break;
        case 'index':
          snapshot.index = Number(val);
          config.applied = snapshot.index;
          break;
        case 'content':
          snapshot.data = latin1(val);
          break;
        case 'prevote':
          config.preVote = parseBool(val);
          break;
        case 'checkquorum':
          config.checkQuorum = parseBool(val);
          break;
        case 'max-committed-size-per-ready':
          config.maxCommittedSizePerReady = Number(val);
          break;
        case 'step-down-on-removal':
          config.stepDownOnRemoval = parseBool(val);
          break;
        case 'read-only':
          if (val !== 'safe' && val !== 'lease-based') {
            throw new CommandError(`invalid read-only option "${val}"`);
          }
          config.readOnly = val === 'safe' ? 'safe' : 'lease';
          break;
        default:
          throw new CommandError(`unsupported add-nodes option ${arg.key}`);
      }
    }
  }
  return { snapshot, config };
}

/** Delegates to the MemoryStorage, but snapshots come from the node's applied history. */
function storageView(storage: MemoryStorage, snapshot: () => Snapshot): LogStorage {
  return {
    initialState: () => storage.initialState(),
    entries: (lo, hi, maxBytes) => storage.entries(lo, hi, maxBytes),
    term: (i) => storage.term(i),
    firstIndex: () => storage.firstIndex(),
    lastIndex: () => storage.lastIndex(),
    snapshot,
  };
}

export class InteractionEnv {
  readonly nodes: Node[] = [];
  /** Messages sent and not yet delivered, in the order they were sent. */
  messages: Message[] = [];
  private readonly output = new Output();

  /** Runs one script command; returns what it printed ("ok" when nothing). */
  handle(d: TestData): string {
    this.output.text = '';
    try {
      this.dispatch(d);
    } catch (err) {
      if (isFatal(err)) throw err;
      const message = (err as Error).message;
      if (this.output.quiet) return message;
      this.output.text += message;
    }
    return this.output.text === '' ? 'ok' : this.output.text;
  }

  private dispatch(d: TestData): void {
    switch (d.cmd) {
      case '_breakpoint':
        return;
      case 'add-nodes':
        return this.addNodes(firstInt(d), parseAddNodes(d));
      case 'campaign':
        return this.node(firstInt(d)).raw.campaign();
      case 'propose':
        return this.propose(d);
      case 'propose-conf-change':
        return this.proposeConfChange(d);
      case 'process-ready':
        return this.handleProcessReady(nodeIds(d));
      case 'deliver-msgs':
        return this.handleDeliverMsgs(d);
      case 'stabilize':
        return this.handleStabilize(d);
      case 'tick-heartbeat':
        return this.tick(firstInt(d), this.node(firstInt(d)).config.heartbeatTicks);
      case 'tick-election':
        return this.tick(firstInt(d), this.node(firstInt(d)).config.electionTicks);
      case 'log-level':
        return this.setLogLevel(d.args[0]?.key ?? '');
      case 'raft-log':
        return this.raftLog(firstInt(d));
      case 'raft-state':
        return this.raftState();
      case 'status':
        return this.status(firstInt(d));
      case 'transfer-leadership':
        return this.node(d.int('from')).raw.transferLeader(d.int('to'));
      case 'compact':
        return this.compact(firstInt(d), Number(d.args[1]?.key));
      case 'report-unreachable':
        return this.reportUnreachable(nodeIds(d));
      case 'set-randomized-election-timeout':
        this.node(firstInt(d)).raw.raft.randomizedElectionTimeout = d.int('timeout');
        return;
      default:
        throw new CommandError('unknown command');
    }
  }

  private node(id: number): Node {
    const node = this.nodes[id - 1];
    if (node === undefined) throw new ScriptError(`no node ${id}`);
    return node;
  }

  private addNodes(n: number, options: AddNodesOptions): void {
    const { snapshot: s } = options;
    const bootstrap =
      s.voters.length > 0 || s.learners.length > 0 || s.index > 0 || s.data.length > 0;
    for (let i = 0; i < n; i++) {
      const id = this.nodes.length + 1;
      const snap: Snapshot = {
        meta: {
          index: s.index,
          term: bootstrap ? 1 : 0,
          confState: {
            voters: s.voters,
            learners: s.learners,
            votersOutgoing: [],
            learnersNext: [],
            autoLeave: false,
          },
        },
        data: s.data,
      };
      const storage = new MemoryStorage();
      if (bootstrap) {
        if (s.index <= 1) throw new CommandError('index must be specified as > 1 due to bootstrap');
        storage.applySnapshot(snap);
      }
      const history: Snapshot[] = [snap];
      const config: RaftConfig = {
        id,
        group: 1,
        storage: storageView(storage, () => history[history.length - 1] ?? snap),
        electionTicks: 3,
        heartbeatTicks: 1,
        maxSizePerMsg: Number.MAX_SAFE_INTEGER,
        maxInflightMsgs: 2 ** 31 - 1,
        // The shortest timeout: scripts that tick followers then behave the same each run.
        random: () => 0,
        logger: (level, message) => this.output.log(RAFT_LEVELS[level], message),
        ...options.config,
      };
      this.nodes.push({ raw: new RawNode(config), storage, config, history });
    }
  }

  private propose(d: TestData): void {
    const data = d.args[1];
    if (d.args.length !== 2 || data === undefined || data.vals.length > 0) {
      throw new ScriptError(`${d.pos}: expected exactly one key with no vals`);
    }
    if (!this.node(firstInt(d)).raw.propose(latin1(data.key))) {
      throw new CommandError('raft proposal dropped');
    }
  }

  private proposeConfChange(d: TestData): void {
    let v1 = false;
    let transition: ConfChangeTransition = ConfChangeTransition.Auto;
    const transitions = new Map<string, ConfChangeTransition>([
      ['auto', ConfChangeTransition.Auto],
      ['implicit', ConfChangeTransition.Implicit],
      ['explicit', ConfChangeTransition.Explicit],
    ]);
    for (const arg of d.args.slice(1)) {
      for (const val of arg.vals) {
        if (arg.key === 'v1') v1 = parseBool(val);
        else if (arg.key === 'transition') {
          const t = transitions.get(val);
          if (t === undefined) throw new CommandError(`unknown transition ${val}`);
          transition = t;
        } else throw new CommandError(`unknown command ${arg.key}`);
      }
    }
    const changes = confChangesFromString(d.input);
    // A V1 change is a single change with the auto transition; ours are all V2.
    if (v1 && (changes.length > 1 || transition !== ConfChangeTransition.Auto)) {
      throw new CommandError('v1 conf change can only have one operation and no transition');
    }
    const cc: ConfChange = { transition, changes, context: EMPTY_BYTES };
    if (!this.node(firstInt(d)).raw.proposeConfChange(cc)) {
      throw new CommandError('raft proposal dropped');
    }
  }

  /** Runs `fn`, indenting everything it prints by two spaces. */
  private withIndent(fn: () => void): void {
    const saved = this.output.text;
    this.output.text = '';
    try {
      fn();
    } finally {
      const inner = this.output.text;
      const lines = inner.split('\n');
      if (lines.at(-1) === '') lines.pop();
      this.output.text = saved + lines.map((l) => `  ${l}\n`).join('');
    }
  }

  private handleProcessReady(ids: number[]): void {
    for (const id of ids) {
      if (ids.length > 1) {
        this.output.write(`> ${id} handling Ready\n`);
        this.withIndent(() => this.processReady(id));
      } else {
        this.processReady(id);
      }
    }
  }

  /** Persists, applies and sends what the node's Ready asks, then advances it. */
  processReady(id: number): void {
    const node = this.node(id);
    const rd = node.raw.ready();
    this.output.write(describeReady(rd));
    const hs = rd.hardState;
    if (hs !== null && (hs.term !== 0 || hs.vote !== 0 || hs.commit !== 0))
      node.storage.setHardState(hs);
    if (rd.snapshot !== null && rd.snapshot.meta.index !== 0) {
      if (rd.entries.length > 0)
        throw new CommandError("can't apply snapshot and entries at the same time");
      node.storage.applySnapshot(rd.snapshot);
    } else {
      node.storage.append(rd.entries);
    }
    this.apply(node, rd.committedEntries);
    this.messages.push(...rd.messages);
    node.raw.advance(rd);
  }

  /** Applies entries: conf changes go to the node; each entry extends the history. */
  private apply(node: Node, entries: readonly Entry[]): void {
    for (const e of entries) {
      let update = e.data;
      let cs: ConfState | null = null;
      if (e.type === EntryType.ConfChange) {
        const cc = decodeConfChange(e.data);
        cs = node.raw.applyConfChange(cc);
        update = cc.context;
      }
      const last = node.history[node.history.length - 1];
      if (last === undefined) throw new ScriptError('empty history');
      node.history.push({
        meta: { index: e.index, term: e.term, confState: cs ?? last.meta.confState },
        data: concatBytes(last.data, update),
      });
    }
  }

  private handleDeliverMsgs(d: TestData): void {
    const recipients: { id: number; drop: boolean }[] = [];
    let type: MessageType | null = null;
    for (const arg of d.args) {
      if (arg.vals.length === 0) recipients.push({ id: Number(arg.key), drop: false });
      for (const val of arg.vals) {
        if (arg.key === 'drop') {
          const id = Number(val);
          if (recipients.some((r) => r.id === id))
            throw new ScriptError(`can't both deliver and drop msgs to ${id}`);
          recipients.push({ id, drop: true });
        } else if (arg.key === 'type') {
          const found = Object.values(MessageType).find((t) => messageTypeName(t) === val);
          if (found === undefined) throw new ScriptError(`unknown message type ${val}`);
          type = found;
        }
      }
    }
    if (this.deliverMsgs(type, recipients) === 0) this.output.write('no messages\n');
  }

  /** Delivers (or drops) the waiting messages to each recipient; returns how many. */
  private deliverMsgs(
    type: MessageType | null,
    recipients: readonly { id: number; drop: boolean }[],
  ): number {
    let n = 0;
    for (const r of recipients) {
      const picked = this.takeMessages(r.id, type, r.drop);
      n += picked.length;
      for (const m of picked) {
        if (r.drop) this.output.write('dropped: ');
        this.output.write(`${describeMessage(m)}\n`);
        if (r.drop) continue;
        try {
          this.node(m.to).raw.step(m);
        } catch (err) {
          this.output.write(`${(err as Error).message}\n`);
        }
      }
    }
    return n;
  }

  /** Removes and returns the messages to `to` (of `type` if given). */
  private takeMessages(to: number, type: MessageType | null, drop: boolean): Message[] {
    const taken: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.messages) {
      const local = m.from === m.to;
      if (m.to === to && !(drop && local) && (type === null || m.type === type)) taken.push(m);
      else kept.push(m);
    }
    this.messages = kept;
    return taken;
  }

  private handleStabilize(d: TestData): void {
    const saved = this.output.level;
    try {
      const level = d.arg('log-level')?.vals[0];
      if (level !== undefined) this.setLogLevel(level);
      this.stabilize(nodeIds(d));
    } finally {
      this.output.level = saved;
    }
  }

  /** Processes Readys and delivers messages among `ids` (all nodes if none) until quiet. */
  stabilize(ids: readonly number[]): void {
    const nodes = ids.length > 0 ? ids : this.nodes.map((_, i) => i + 1);
    for (let done = false; !done;) {
      done = true;
      for (const id of nodes) {
        if (!this.node(id).raw.hasReady()) continue;
        this.output.write(`> ${id} handling Ready\n`);
        this.withIndent(() => this.processReady(id));
        done = false;
      }
      for (const id of nodes) {
        if (!this.messages.some((m) => m.to === id)) continue;
        this.output.write(`> ${id} receiving messages\n`);
        this.withIndent(() => this.deliverMsgs(null, [{ id, drop: false }]));
        done = false;
      }
    }
  }

  private tick(id: number, times: number): void {
    for (let i = 0; i < times; i++) this.node(id).raw.tick();
  }

  private setLogLevel(name: string): void {
    const level = LEVEL_NAMES.findIndex((l) => l === name.toUpperCase());
    if (level === -1)
      throw new CommandError(`log levels must be either of [${LEVEL_NAMES.join(' ')}]`);
    this.output.level = level;
  }

  private raftLog(id: number): void {
    const { storage } = this.node(id);
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    if (last < first) {
      this.output.write(`log is empty: first index=${first}, last index=${last}`);
      return;
    }
    this.output.write(describeEntries(storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER)));
  }

  private raftState(): void {
    for (const node of this.nodes) {
      const st = node.raw.status();
      const voter =
        st.confState.voters.includes(st.id) || st.confState.votersOutgoing.includes(st.id);
      this.output.write(
        `${st.id}: ${STATE_NAMES[st.softState.state]} ${voter ? '(Voter)' : '(Non-Voter)'} ` +
          `Term:${st.hardState.term} Lead:${st.softState.lead}\n`,
      );
    }
  }

  /** The leader's progress of every member (nothing on other nodes), as etcd prints it. */
  private status(id: number): void {
    const r = this.node(id).raw.raft;
    if (r.state === StateType.Leader) this.output.write(progressMapString(r.trk.progress));
  }

  private compact(id: number, newFirstIndex: number): void {
    this.node(id).storage.compact(newFirstIndex);
    this.raftLog(id);
  }

  private reportUnreachable(ids: number[]): void {
    const [on, about] = ids;
    if (ids.length !== 2 || on === undefined || about === undefined) {
      throw new CommandError(
        'must specify exactly two node indexes: node on which to report, and reported node',
      );
    }
    this.node(on).raw.reportUnreachable(about);
  }
}
