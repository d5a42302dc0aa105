/**
 * The Raft safety properties (Raft paper, figure 3) as pure functions over what a
 * simulation recorded: leaders observed, logs, commits and applied entries. Each returns
 * the violations it finds (empty when the property holds), so a runner can call them
 * during a run or at its end and print the seed with the first violation.
 */
import type { GroupId, NodeId } from '../../src/raft/types.js';

export type Property =
  'election-safety' | 'log-matching' | 'leader-completeness' | 'state-machine-safety';

export interface Violation {
  readonly property: Property;
  readonly group: GroupId;
  readonly message: string;
}

/** A node seen leading `group` in `term`. */
export interface LeaderRecord {
  readonly group: GroupId;
  readonly term: number;
  readonly node: NodeId;
}

/**
 * One node's log of one group at some instant: entries firstIndex..lastIndex, after a
 * snapshot at firstIndex - 1 (index 0, term 0 when there is none). RaftLog fits it.
 */
export interface LogView {
  readonly node: NodeId;
  readonly group: GroupId;
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** The term at `index`, for firstIndex - 1 <= index <= lastIndex. */
  term(index: number): number;
  /** An identity of the entry's payload (compared when both logs give one). */
  data?(index: number): string;
}

/** A log held as an array, for recorded traces and tests. */
export function arrayLog(
  node: NodeId,
  group: GroupId,
  snapshot: { readonly index: number; readonly term: number },
  entries: readonly { readonly term: number; readonly data: string }[],
): LogView {
  const first = snapshot.index + 1;
  const at = (index: number): { term: number; data: string } => {
    const entry = entries[index - first];
    if (entry === undefined)
      throw new RangeError(`index ${index} outside ${first}..${first + entries.length - 1}`);
    return entry;
  };
  return {
    node,
    group,
    firstIndex: first,
    lastIndex: snapshot.index + entries.length,
    term: (index) => (index === snapshot.index ? snapshot.term : at(index).term),
    data: (index) => at(index).data,
  };
}

function groupBy<T extends { readonly group: GroupId }>(items: Iterable<T>): Map<GroupId, T[]> {
  const out = new Map<GroupId, T[]>();
  for (const item of items) {
    const list = out.get(item.group);
    if (list === undefined) out.set(item.group, [item]);
    else list.push(item);
  }
  return out;
}

/** Election safety: at most one leader per term in each group. */
export function checkElectionSafety(leaders: Iterable<LeaderRecord>): Violation[] {
  const seen = new Map<string, LeaderRecord>();
  const violations: Violation[] = [];
  for (const leader of leaders) {
    const key = `${leader.group}:${leader.term}`;
    const other = seen.get(key);
    if (other === undefined) seen.set(key, leader);
    else if (other.node !== leader.node) {
      violations.push({
        property: 'election-safety',
        group: leader.group,
        message: `group ${leader.group} term ${leader.term}: leaders ${other.node} and ${leader.node}`,
      });
    }
  }
  return violations;
}

/**
 * Log matching: if two logs hold an entry with the same index and term, they are equal
 * in every entry up to that index. Also checks that terms never decrease along a log.
 */
export function checkLogMatching(logs: Iterable<LogView>): Violation[] {
  const violations: Violation[] = [];
  for (const [group, views] of groupBy(logs)) {
    for (const view of views) {
      const problem = decreasingTerm(view);
      if (problem !== null) violations.push({ property: 'log-matching', group, message: problem });
    }
    for (let a = 0; a < views.length; a++) {
      for (let b = a + 1; b < views.length; b++) {
        const problem = mismatch(views[a] as LogView, views[b] as LogView);
        if (problem !== null)
          violations.push({ property: 'log-matching', group, message: problem });
      }
    }
  }
  return violations;
}

function decreasingTerm(log: LogView): string | null {
  for (let i = log.firstIndex; i <= log.lastIndex; i++) {
    if (log.term(i) < log.term(i - 1)) {
      return `group ${log.group} node ${log.node}: term ${log.term(i)} at index ${i} follows term ${log.term(i - 1)}`;
    }
  }
  return null;
}

/** The first place where two logs that agree at a later index disagree, if any. */
function mismatch(a: LogView, b: LogView): string | null {
  const low = Math.max(a.firstIndex, b.firstIndex) - 1;
  let agreed = Math.min(a.lastIndex, b.lastIndex);
  while (agreed >= low && a.term(agreed) !== b.term(agreed)) agreed--;
  const where = `group ${a.group} nodes ${a.node} and ${b.node}`;
  for (let i = low; i < agreed; i++) {
    if (a.term(i) !== b.term(i)) {
      return `${where} agree at index ${agreed} (term ${a.term(agreed)}) but not at ${i}: terms ${a.term(i)} and ${b.term(i)}`;
    }
  }
  if (a.data === undefined || b.data === undefined) return null;
  for (let i = low + 1; i <= agreed; i++) {
    if (a.data(i) !== b.data(i))
      return `${where} hold different entries of term ${a.term(i)} at index ${i}`;
  }
  return null;
}

/**
 * An entry known to be committed. `knownInTerm` is the term of the node that saw it
 * committed (the leader that advanced its commit index, or a follower told by one): the
 * entry was committed in that term or earlier.
 */
export interface CommitRecord {
  readonly group: GroupId;
  readonly index: number;
  readonly term: number;
  readonly knownInTerm: number;
}

/** A leader and its log, taken while it leads (a leader never drops entries). */
export interface LeaderLog extends LeaderRecord {
  readonly log: LogView;
}

/**
 * Leader completeness: an entry committed in term T is in the log of every leader of a
 * term after T. (A leader of a term between the entry's own term and T may lack it.)
 * Entries a leader compacted into its snapshot count as held.
 */
export function checkLeaderCompleteness(
  commits: Iterable<CommitRecord>,
  leaders: Iterable<LeaderLog>,
): Violation[] {
  const violations: Violation[] = [];
  const committedByGroup = new Map<GroupId, Map<number, CommitRecord>>();
  for (const [group, records] of groupBy(commits)) {
    const byIndex = new Map<number, CommitRecord>();
    for (const record of records) {
      const known = byIndex.get(record.index);
      if (known !== undefined && known.term !== record.term) {
        const message = `group ${group} index ${record.index} committed with terms ${known.term} and ${record.term}`;
        violations.push({ property: 'leader-completeness', group, message });
      }
      if (known === undefined || record.knownInTerm < known.knownInTerm)
        byIndex.set(record.index, record);
    }
    committedByGroup.set(group, byIndex);
  }
  for (const leader of leaders) {
    for (const commit of committedByGroup.get(leader.group)?.values() ?? []) {
      const problem = missing(leader, commit);
      if (problem !== null)
        violations.push({ property: 'leader-completeness', group: leader.group, message: problem });
    }
  }
  return violations;
}

function missing(leader: LeaderLog, commit: CommitRecord): string | null {
  const { log } = leader;
  if (commit.knownInTerm >= leader.term || commit.index < log.firstIndex - 1) return null;
  const who = `group ${leader.group} leader ${leader.node} of term ${leader.term}`;
  const what = `index ${commit.index} (term ${commit.term}, committed by term ${commit.knownInTerm})`;
  if (commit.index > log.lastIndex)
    return `${who} lacks committed ${what}: its log ends at ${log.lastIndex}`;
  const term = log.term(commit.index);
  return term === commit.term ? null : `${who} has term ${term} at committed ${what}`;
}

/** What a node's state machine did, in the order it did it. */
export type ApplyEvent =
  | {
      readonly kind: 'entry';
      readonly node: NodeId;
      readonly group: GroupId;
      readonly index: number;
      readonly term: number;
      /** An identity of the payload (e.g. its text). */
      readonly data: string;
    }
  | {
      readonly kind: 'snapshot';
      readonly node: NodeId;
      readonly group: GroupId;
      readonly index: number;
      readonly term: number;
    }
  /** The node restarted: it resumes from whatever its disk holds. */
  | { readonly kind: 'restart'; readonly node: NodeId };

/**
 * State-machine safety: every node applies the same entry at a given index, and each
 * node applies its entries in index order without gaps (a snapshot jumps ahead; after a
 * restart a node resumes where its disk says).
 */
export function checkStateMachineSafety(events: Iterable<ApplyEvent>): Violation[] {
  const violations: Violation[] = [];
  const canonical = new Map<
    GroupId,
    Map<number, { term: number; data: string | null; node: NodeId }>
  >();
  /** `${node}:${group}` → last applied index; absent after a restart. */
  const applied = new Map<string, number>();
  for (const event of events) {
    if (event.kind === 'restart') {
      for (const key of [...applied.keys()])
        if (key.startsWith(`${event.node}:`)) applied.delete(key);
      continue;
    }
    const { node, group, index } = event;
    const fail = (message: string): void => {
      violations.push({
        property: 'state-machine-safety',
        group,
        message: `group ${group} node ${node} ${message}`,
      });
    };
    const key = `${node}:${group}`;
    const last = applied.get(key);
    if (event.kind === 'entry' && last !== undefined && index !== last + 1)
      fail(`applied index ${index} after ${last}`);
    if (event.kind === 'snapshot' && last !== undefined && index <= last)
      fail(`installed a snapshot at ${index} after applying ${last}`);
    applied.set(key, index);
    let entries = canonical.get(group);
    if (entries === undefined) canonical.set(group, (entries = new Map()));
    const data = event.kind === 'entry' ? event.data : null;
    const known = entries.get(index);
    if (known === undefined) entries.set(index, { term: event.term, data, node });
    else if (
      known.term !== event.term ||
      (data !== null && known.data !== null && data !== known.data)
    ) {
      fail(
        `applied ${describe(event.term, data)} at index ${index}; node ${known.node} applied ${describe(known.term, known.data)}`,
      );
    } else if (known.data === null && data !== null) {
      entries.set(index, { term: event.term, data, node });
    }
  }
  return violations;
}

function describe(term: number, data: string | null): string {
  return data === null ? `a snapshot of term ${term}` : `term ${term} ${JSON.stringify(data)}`;
}
