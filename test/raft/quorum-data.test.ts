/**
 * etcd's quorum/testdata scripts. `committed cfg=(1,2) cfgj=(2,3) idx=(_,5,7)` prints the
 * acked indexes and the committed index; `vote cfg=... votes=(y,n,_)` prints the result.
 * Values of idx/votes go to the voters of cfg then cfgj in order, without repetition;
 * `_` means "no information" (different from 0); `cfgj=zero` is an empty joint half.
 * Like etcd's harness, each case is also computed in ways that must agree (a brute-force
 * computation, the config joined with itself or the empty config, the halves swapped),
 * and any disagreement is printed into the output.
 */
import { test } from 'node:test';
import { basename } from 'node:path';
import { runFile, sourceDir, walk, type TestData } from '../support/datadriven.js';
import { JointConfig, MajorityConfig, type VoteResult } from '../../src/raft/quorum.js';

type Acked = Map<number, number>;

interface Case {
  ids: number[];
  idsJoint: number[];
  joint: boolean;
  /** Raw values for idx or votes; 0 stands for `_`. */
  values: number[];
}

function parseCase(d: TestData): Case {
  const c: Case = { ids: [], idsJoint: [], joint: false, values: [] };
  for (const arg of d.args) {
    for (const val of arg.vals) {
      switch (arg.key) {
        case 'cfg':
          c.ids.push(Number(val));
          break;
        case 'cfgj':
          c.joint = true;
          if (val !== 'zero') c.idsJoint.push(Number(val));
          break;
        case 'idx':
          c.values.push(val === '_' ? 0 : Number(val));
          break;
        case 'votes':
          c.values.push({ _: 0, n: 1, y: 2 }[val] ?? NaN);
          break;
        default:
          throw new Error(`${d.pos}: unknown arg ${arg.key}`);
      }
    }
  }
  return c;
}

/** Hands values to the voters of both halves in order, once per voter; drops `_`. */
function assign(c: Case): Acked {
  const out: Acked = new Map();
  let next = 0;
  for (const id of [...c.ids, ...c.idsJoint]) {
    if (out.has(id) || next >= c.values.length) continue;
    out.set(id, c.values[next++] ?? 0);
  }
  for (const [id, v] of out) if (v === 0) out.delete(id);
  return out;
}

function indexString(i: number): string {
  return i === Infinity ? '∞' : String(i);
}

/** etcd's Describe: a bar per voter, longer for higher acked indexes. */
function describe(ids: readonly number[], acked: Acked): string {
  if (ids.length === 0) return '<empty majority quorum>';
  const n = ids.length;
  const info = ids.map((id) => ({ id, idx: acked.get(id) ?? 0, ok: acked.has(id), bar: 0 }));
  info.sort((a, b) => a.idx - b.idx || a.id - b.id);
  for (let i = 1; i < info.length; i++) {
    const [prev, cur] = [info[i - 1], info[i]];
    if (prev !== undefined && cur !== undefined) cur.bar = prev.idx < cur.idx ? i : prev.bar;
  }
  info.sort((a, b) => a.id - b.id);
  let out = `${' '.repeat(n)}    idx\n`;
  for (const t of info) {
    out += t.ok ? `${'x'.repeat(t.bar)}>${' '.repeat(n - t.bar)}` : `?${' '.repeat(n)}`;
    out += ` ${String(t.idx).padStart(5)}    (id=${t.id.toString(16)})\n`;
  }
  return out;
}

/** The largest index such that a majority acked at least it. */
function bruteForceCommitted(ids: readonly number[], acked: Acked): number {
  if (ids.length === 0) return Infinity;
  const candidates = [0, ...ids.map((id) => acked.get(id) ?? 0)];
  const quorum = Math.floor(ids.length / 2) + 1;
  let best = 0;
  for (const idx of candidates) {
    const count = ids.filter((id) => (acked.get(id) ?? 0) >= idx).length;
    if (count >= quorum) best = Math.max(best, idx);
  }
  return best;
}

function majorityCommitted(c: Case, acked: Acked): string {
  const cfg = new MajorityConfig(c.ids);
  const lookup = (id: number): number | undefined => acked.get(id);
  const idx = cfg.committedIndex(lookup);
  let out = describe(cfg.sorted(), acked);
  const check = (alt: number, how: string): void => {
    if (alt !== idx) out += `${indexString(alt)} <-- ${how}\n`;
  };
  check(bruteForceCommitted(cfg.sorted(), acked), 'via alternative computation');
  check(new JointConfig(cfg).committedIndex(lookup), 'via zero-joint quorum');
  check(new JointConfig(cfg, cfg).committedIndex(lookup), 'via self-joint quorum');
  for (const id of cfg.sorted()) {
    const own = acked.get(id) ?? 0;
    if (idx > own && own > 0) {
      // Lowering a voter already below the committed index must not change it.
      for (const lowered of [own - 1, 0]) {
        const overlay = new Map(acked).set(id, lowered);
        const alt = cfg.committedIndex((i) => overlay.get(i));
        if (alt !== idx) out += `${indexString(alt)} <-- overlaying ${id}->${own}`;
      }
    }
  }
  return `${out}${indexString(idx)}\n`;
}

function jointCommitted(c: Case, acked: Acked): string {
  const [a, b] = [new MajorityConfig(c.ids), new MajorityConfig(c.idsJoint)];
  const lookup = (id: number): number | undefined => acked.get(id);
  const joint = new JointConfig(a, b);
  let out = describe([...joint.ids()], acked);
  const idx = joint.committedIndex(lookup);
  const swapped = new JointConfig(b, a).committedIndex(lookup);
  if (swapped !== idx) out += `${indexString(swapped)} <-- via symmetry\n`;
  return `${out}${indexString(idx)}\n`;
}

const VOTE_NAMES: Record<VoteResult, string> = {
  pending: 'VotePending',
  lost: 'VoteLost',
  won: 'VoteWon',
};

function vote(c: Case): string {
  const votes = new Map<number, boolean>();
  for (const [id, v] of assign(c)) votes.set(id, v !== 1);
  const [a, b] = [new MajorityConfig(c.ids), new MajorityConfig(c.idsJoint)];
  if (!c.joint) return `${VOTE_NAMES[a.voteResult(votes)]}\n`;
  const result = new JointConfig(a, b).voteResult(votes);
  const swapped = new JointConfig(b, a).voteResult(votes);
  const note = swapped !== result ? `${VOTE_NAMES[swapped]} <-- via symmetry\n` : '';
  return `${note}${VOTE_NAMES[result]}\n`;
}

function handle(d: TestData): string {
  const c = parseCase(d);
  const voters = new JointConfig(new MajorityConfig(c.ids), new MajorityConfig(c.idsJoint)).ids();
  if (voters.size !== c.values.length) {
    return `error: mismatched input (explicit or _) for voters ${[...voters].join(' ')}: ${c.values.join(' ')}`;
  }
  switch (d.cmd) {
    case 'committed':
      return c.joint ? jointCommitted(c, assign(c)) : majorityCommitted(c, assign(c));
    case 'vote':
      return vote(c);
    default:
      throw new Error(`${d.pos}: unknown command ${d.cmd}`);
  }
}

for (const path of walk(sourceDir(import.meta.url, 'testdata', 'quorum'))) {
  test(`quorum data-driven: ${basename(path)}`, () => runFile(path, handle));
}
