/**
 * Sorted sets (Redis's t_zset.c). Elements are ordered as Redis orders them: by score,
 * then by member bytes (memcmp; JS `<` on latin1 strings compares the same way).
 *
 * The order lives in an order-statistic B+tree (`ScoreTree`): leaves hold members and
 * scores in parallel arrays, inner nodes hold separators and the element count of each
 * child, so rank, select-by-rank, score and lex bounds are O(log n) and a range is a walk
 * along linked leaves. Two encodings, as OBJECT ENCODING names them:
 *  - listpack: the tree alone; a member's score is found by a linear scan, as in a
 *    Redis listpack. Small sets cost a few arrays and no hash table.
 *  - skiplist: the tree plus a Map member -> score for O(1) lookups (Redis's dict).
 * Conversion follows Redis: up on writes that pass zset-max-listpack-entries/-value,
 * down only where Redis builds a new object (store commands, RDB loads).
 */
import { formatDouble17g } from '../util/numbers.js';
import type { CollectionValue, DigestView } from './value.js';

/** zset-max-listpack-entries and zset-max-listpack-value, read at the time of a write. */
export interface ZSetLimits {
  readonly entries: number;
  readonly value: number;
}

/** Redis 7.0's defaults. */
export const DEFAULT_ZSET_LIMITS: ZSetLimits = Object.freeze({ entries: 128, value: 64 });

/** Redis's order: score, then member bytes. */
export function compareElements(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  if (m1 < m2) return -1;
  if (m1 > m2) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------
// The order-statistic B+tree

/** Leaves split past this many elements; under the minimum they merge or borrow. */
const LEAF_MAX = 128;
const LEAF_MIN = 32;
const INNER_MAX = 64;
const INNER_MIN = 16;

class Leaf {
  readonly leaf = true;
  members: string[] = [];
  scores: number[] = [];
  prev: Leaf | null = null;
  next: Leaf | null = null;
}

/**
 * `children[i]` holds `counts[i]` elements; separator i (sepScores[i], sepMembers[i]) is
 * greater than every element of children[i] and at most every element of children[i+1].
 */
class Inner {
  readonly leaf = false;
  children: TreeNode[] = [];
  counts: number[] = [];
  sepScores: number[] = [];
  sepMembers: string[] = [];
}

type TreeNode = Leaf | Inner;

/** The inner nodes and child slots of the last descent (no allocation per operation). */
const pathNodes: Inner[] = [];
const pathSlots: number[] = [];

function insertAt<T>(a: T[], pos: number, v: T): void {
  let i = a.length;
  a.push(v);
  for (; i > pos; i--) a[i] = a[i - 1] as T;
  a[pos] = v;
}

function removeRun<T>(a: T[], pos: number, n: number): void {
  const len = a.length;
  for (let i = pos + n; i < len; i++) a[i - n] = a[i] as T;
  // pop() stays in optimized code; assigning `length` is a runtime call.
  for (let k = 0; k < n; k++) a.pop();
}

function sum(a: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

/** Index of the child of `node` where the element (score, member) belongs. */
function childFor(node: Inner, score: number, member: string): number {
  const ss = node.sepScores;
  const sm = node.sepMembers;
  let lo = 0;
  let hi = ss.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareElements(ss[mid] as number, sm[mid] as string, score, member) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in `leaf` whose element is not below (score, member). */
function leafLowerBound(leaf: Leaf, score: number, member: string): number {
  const ss = leaf.scores;
  const sm = leaf.members;
  let lo = 0;
  let hi = ss.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareElements(ss[mid] as number, sm[mid] as string, score, member) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the (sorted) scores are below `x` (at or below it when `inclusive`). */
function scoresBelow(scores: readonly number[], x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = scores[mid] as number;
    if (s < x || (inclusive && s === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the (sorted) members are below `m` (at or below it when `inclusive`). */
function membersBelow(members: readonly string[], m: string, inclusive: boolean): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = members[mid] as string;
    if (s < m || (inclusive && s === m)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The (score, member) elements of one sorted set, in order, with ranks. */
export class ScoreTree {
  private root: TreeNode = new Leaf();
  private height = 0;
  private count = 0;
  private head: Leaf = this.root as Leaf;
  private tail: Leaf = this.root as Leaf;
  /** The index within the leaf returned by the last `locate`. */
  private located = 0;

  get size(): number {
    return this.count;
  }

  /** Builds a tree from elements already in order, leaves nearly full. */
  static fromSorted(members: readonly string[], scores: readonly number[]): ScoreTree {
    const tree = new ScoreTree();
    const n = members.length;
    if (n === 0) return tree;
    const per = Math.ceil(n / Math.ceil(n / (LEAF_MAX - LEAF_MAX / 8)));
    let level: TreeNode[] = [];
    let counts: number[] = [];
    let prev: Leaf | null = null;
    for (let i = 0; i < n; i += per) {
      const leaf = new Leaf();
      leaf.members = members.slice(i, i + per);
      leaf.scores = scores.slice(i, i + per);
      leaf.prev = prev;
      if (prev !== null) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
      counts.push(leaf.members.length);
    }
    tree.head = level[0] as Leaf;
    tree.tail = prev as Leaf;
    tree.count = n;
    while (level.length > 1) {
      [level, counts] = buildInnerLevel(level, counts);
      tree.height++;
    }
    tree.root = level[0] as TreeNode;
    return tree;
  }

  first(): Leaf {
    return this.head;
  }

  last(): Leaf {
    return this.tail;
  }

  /** Adds an element that is not present. */
  insert(score: number, member: string): void {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = childFor(node, score, member);
      pathNodes[depth] = node;
      pathSlots[depth] = i;
      depth++;
      node.counts[i] = (node.counts[i] as number) + 1;
      node = node.children[i] as TreeNode;
    }
    const pos = leafLowerBound(node, score, member);
    insertAt(node.members, pos, member);
    insertAt(node.scores, pos, score);
    this.count++;
    if (node.members.length > LEAF_MAX) this.splitLeaf(node, pos, depth);
  }

  /** Removes the element; false if it is not present. */
  remove(score: number, member: string): boolean {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = childFor(node, score, member);
      pathNodes[depth] = node;
      pathSlots[depth] = i;
      depth++;
      node = node.children[i] as TreeNode;
    }
    const pos = leafLowerBound(node, score, member);
    if (pos >= node.members.length || node.members[pos] !== member || node.scores[pos] !== score) {
      return false;
    }
    this.removeFromLeaf(node, pos, 1, depth);
    return true;
  }

  /**
   * Gives a present element a new score. When the new place is inside the same leaf
   * (between its first and last elements, the element being neither), it moves there
   * without touching counts or separators: the common small-increment case.
   */
  move(score: number, member: string, newScore: number): void {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = childFor(node, score, member);
      pathNodes[depth] = node;
      pathSlots[depth] = i;
      depth++;
      node = node.children[i] as TreeNode;
    }
    const pos = leafLowerBound(node, score, member);
    const ms = node.members;
    const ss = node.scores;
    const last = ms.length - 1;
    if (
      pos > 0 &&
      pos < last &&
      compareElements(newScore, member, ss[0] as number, ms[0] as string) > 0 &&
      compareElements(newScore, member, ss[last] as number, ms[last] as string) < 0
    ) {
      removeRun(ms, pos, 1);
      removeRun(ss, pos, 1);
      const at = leafLowerBound(node, newScore, member);
      insertAt(ms, at, member);
      insertAt(ss, at, newScore);
      return;
    }
    this.removeFromLeaf(node, pos, 1, depth);
    this.insert(newScore, member);
  }

  /** The 0-based rank of the element, or -1 if it is not present. */
  rankOf(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    while (!node.leaf) {
      const i = childFor(node, score, member);
      for (let j = 0; j < i; j++) rank += node.counts[j] as number;
      node = node.children[i] as TreeNode;
    }
    const pos = leafLowerBound(node, score, member);
    if (pos >= node.members.length || node.members[pos] !== member) return -1;
    return rank + pos;
  }

  /** How many elements score below `x` (at or below it when `inclusive`). */
  countScoreBelow(x: number, inclusive: boolean): number {
    let node = this.root;
    let rank = 0;
    while (!node.leaf) {
      const i = scoresBelow(node.sepScores, x, inclusive);
      for (let j = 0; j < i; j++) rank += node.counts[j] as number;
      node = node.children[i] as TreeNode;
    }
    return rank + scoresBelow(node.scores, x, inclusive);
  }

  /**
   * How many elements have a member below `m` (at or below it when `inclusive`). Exact
   * when every element has the same score, which is what lex ranges are defined for.
   */
  countMemberBelow(m: string, inclusive: boolean): number {
    let node = this.root;
    let rank = 0;
    while (!node.leaf) {
      const i = membersBelow(node.sepMembers, m, inclusive);
      for (let j = 0; j < i; j++) rank += node.counts[j] as number;
      node = node.children[i] as TreeNode;
    }
    return rank + membersBelow(node.members, m, inclusive);
  }

  /** The leaf holding rank `rank` (0 <= rank < size); its index is in `locatedIndex`. */
  locate(rank: number): Leaf {
    let node = this.root;
    while (!node.leaf) {
      const counts = node.counts;
      let i = 0;
      while (rank >= (counts[i] as number)) rank -= counts[i++] as number;
      node = node.children[i] as TreeNode;
    }
    this.located = rank;
    return node;
  }

  get locatedIndex(): number {
    return this.located;
  }

  /** Visits ranks [start, end) in order, or from end-1 down to start when `reverse`. */
  forRange(
    start: number,
    end: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    if (start >= end) return;
    let n = end - start;
    let leaf: Leaf | null = this.locate(reverse ? end - 1 : start);
    let i = this.located;
    while (leaf !== null && n > 0) {
      const ms = leaf.members;
      const ss = leaf.scores;
      if (reverse) {
        for (; i >= 0 && n > 0; i--, n--) visit(ms[i] as string, ss[i] as number);
        leaf = leaf.prev;
        i = leaf === null ? 0 : leaf.members.length - 1;
      } else {
        for (; i < ms.length && n > 0; i++, n--) visit(ms[i] as string, ss[i] as number);
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** Removes ranks [start, end), telling `removed` each member as it goes. */
  removeRange(start: number, end: number, removed?: (member: string) => void): void {
    let n = end - start;
    while (n > 0) {
      let node = this.root;
      let rank = start;
      let depth = 0;
      while (!node.leaf) {
        const counts = node.counts;
        let i = 0;
        while (rank >= (counts[i] as number)) rank -= counts[i++] as number;
        pathNodes[depth] = node;
        pathSlots[depth] = i;
        depth++;
        node = node.children[i] as TreeNode;
      }
      const k = Math.min(n, node.members.length - rank);
      if (removed !== undefined) {
        for (let j = rank; j < rank + k; j++) removed(node.members[j] as string);
      }
      this.removeFromLeaf(node, rank, k, depth);
      n -= k;
    }
  }

  /** Removes `k` elements at `pos` of the leaf reached by the last descent (at `depth`). */
  private removeFromLeaf(leaf: Leaf, pos: number, k: number, depth: number): void {
    removeRun(leaf.members, pos, k);
    removeRun(leaf.scores, pos, k);
    for (let d = 0; d < depth; d++) {
      const counts = (pathNodes[d] as Inner).counts;
      const slot = pathSlots[d] as number;
      counts[slot] = (counts[slot] as number) - k;
    }
    this.count -= k;
    this.fixUnderflow(leaf, depth);
  }

  private splitLeaf(leaf: Leaf, pos: number, depth: number): void {
    const n = leaf.members.length;
    // Appending (or prepending) keeps the old leaf full: sequential loads pack densely.
    let cut = n >>> 1;
    if (leaf.next === null && pos === n - 1) cut = n - 1;
    else if (leaf.prev === null && pos === 0) cut = 1;
    const right = new Leaf();
    right.members = leaf.members.slice(cut);
    right.scores = leaf.scores.slice(cut);
    leaf.members.length = cut;
    leaf.scores.length = cut;
    right.next = leaf.next;
    if (right.next !== null) right.next.prev = right;
    else this.tail = right;
    right.prev = leaf;
    leaf.next = right;
    this.addSibling(depth, right, right.scores[0] as number, right.members[0] as string, n - cut);
  }

  /** Puts `node` (holding `moved` elements) right after the node at `depth` on the path. */
  private addSibling(
    depth: number,
    node: TreeNode,
    sepS: number,
    sepM: string,
    moved: number,
  ): void {
    if (depth === 0) {
      const root = new Inner();
      root.children = [this.root, node];
      root.counts = [this.count - moved, moved];
      root.sepScores = [sepS];
      root.sepMembers = [sepM];
      this.root = root;
      this.height++;
      return;
    }
    const parent = pathNodes[depth - 1] as Inner;
    const slot = pathSlots[depth - 1] as number;
    parent.counts[slot] = (parent.counts[slot] as number) - moved;
    insertAt(parent.children, slot + 1, node);
    insertAt(parent.counts, slot + 1, moved);
    insertAt(parent.sepScores, slot, sepS);
    insertAt(parent.sepMembers, slot, sepM);
    if (parent.children.length > INNER_MAX) this.splitInner(parent, slot + 1, depth - 1);
  }

  private splitInner(node: Inner, added: number, depth: number): void {
    const n = node.children.length;
    let cut = n >>> 1;
    if (added === n - 1 && this.onRightEdge(depth)) cut = n - 1;
    const right = new Inner();
    right.children = node.children.slice(cut);
    right.counts = node.counts.slice(cut);
    right.sepScores = node.sepScores.slice(cut);
    right.sepMembers = node.sepMembers.slice(cut);
    const upS = node.sepScores[cut - 1] as number;
    const upM = node.sepMembers[cut - 1] as string;
    node.children.length = cut;
    node.counts.length = cut;
    node.sepScores.length = cut - 1;
    node.sepMembers.length = cut - 1;
    this.addSibling(depth, right, upS, upM, sum(right.counts));
  }

  /** Whether the path down to `depth` always took the last child. */
  private onRightEdge(depth: number): boolean {
    for (let d = 0; d < depth; d++) {
      if (pathSlots[d] !== (pathNodes[d] as Inner).children.length - 1) return false;
    }
    return true;
  }

  /** Merges or rebalances underfull nodes up the last descent's path. */
  private fixUnderflow(node: TreeNode, depth: number): void {
    while (depth > 0) {
      const len = node.leaf ? node.members.length : node.children.length;
      if (len >= (node.leaf ? LEAF_MIN : INNER_MIN)) return;
      const parent = pathNodes[depth - 1] as Inner;
      const slot = pathSlots[depth - 1] as number;
      if (parent.children.length > 1) {
        const left = slot > 0 ? slot - 1 : 0;
        if (node.leaf) this.rebalanceLeaves(parent, left);
        else rebalanceInners(parent, left);
      }
      node = parent;
      depth--;
    }
    while (!this.root.leaf && this.root.children.length === 1) {
      this.root = this.root.children[0] as TreeNode;
      this.height--;
    }
  }

  /** Merges leaves i and i+1 of `parent`, or shares their elements evenly. */
  private rebalanceLeaves(parent: Inner, i: number): void {
    const a = parent.children[i] as Leaf;
    const b = parent.children[i + 1] as Leaf;
    const total = a.members.length + b.members.length;
    if (total <= LEAF_MAX) {
      for (let j = 0; j < b.members.length; j++) {
        a.members.push(b.members[j] as string);
        a.scores.push(b.scores[j] as number);
      }
      a.next = b.next;
      if (b.next !== null) b.next.prev = a;
      else this.tail = a;
      removeChild(parent, i, total);
      return;
    }
    const half = total >>> 1;
    const ms = a.members.concat(b.members);
    const ss = a.scores.concat(b.scores);
    a.members = ms.slice(0, half);
    a.scores = ss.slice(0, half);
    b.members = ms.slice(half);
    b.scores = ss.slice(half);
    parent.counts[i] = half;
    parent.counts[i + 1] = total - half;
    parent.sepScores[i] = b.scores[0] as number;
    parent.sepMembers[i] = b.members[0] as string;
  }

  /** Asserts the tree's invariants (order, separators, counts, links); for tests. */
  validate(): void {
    const total = checkNode(this.root, null, null);
    if (total !== this.count) throw new Error(`size ${this.count} but ${total} elements`);
    let n = 0;
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      if (leaf.next === null && leaf !== this.tail) throw new Error('tail is not the last leaf');
      if (leaf.next !== null && leaf.next.prev !== leaf) throw new Error('broken leaf links');
      n += leaf.members.length;
    }
    if (n !== this.count) throw new Error(`leaves hold ${n} of ${this.count} elements`);
  }
}

/** Drops child i+1 of `parent` after its contents moved into child i (now `total`). */
function removeChild(parent: Inner, i: number, total: number): void {
  parent.counts[i] = total;
  removeRun(parent.children, i + 1, 1);
  removeRun(parent.counts, i + 1, 1);
  removeRun(parent.sepScores, i, 1);
  removeRun(parent.sepMembers, i, 1);
}

/** Merges inner nodes i and i+1 of `parent`, or shares their children evenly. */
function rebalanceInners(parent: Inner, i: number): void {
  const a = parent.children[i] as Inner;
  const b = parent.children[i + 1] as Inner;
  const children = a.children.concat(b.children);
  const counts = a.counts.concat(b.counts);
  const sepScores = a.sepScores.concat([parent.sepScores[i] as number], b.sepScores);
  const sepMembers = a.sepMembers.concat([parent.sepMembers[i] as string], b.sepMembers);
  if (children.length <= INNER_MAX) {
    a.children = children;
    a.counts = counts;
    a.sepScores = sepScores;
    a.sepMembers = sepMembers;
    removeChild(parent, i, sum(counts));
    return;
  }
  const half = children.length >>> 1;
  a.children = children.slice(0, half);
  a.counts = counts.slice(0, half);
  a.sepScores = sepScores.slice(0, half - 1);
  a.sepMembers = sepMembers.slice(0, half - 1);
  b.children = children.slice(half);
  b.counts = counts.slice(half);
  b.sepScores = sepScores.slice(half);
  b.sepMembers = sepMembers.slice(half);
  parent.sepScores[i] = sepScores[half - 1] as number;
  parent.sepMembers[i] = sepMembers[half - 1] as string;
  parent.counts[i] = sum(a.counts);
  parent.counts[i + 1] = sum(b.counts);
}

/** One level of inner nodes over `level`, nearly full. */
function buildInnerLevel(
  level: readonly TreeNode[],
  counts: readonly number[],
): [TreeNode[], number[]] {
  const n = level.length;
  const per = Math.ceil(n / Math.ceil(n / (INNER_MAX - INNER_MAX / 8)));
  const up: TreeNode[] = [];
  const upCounts: number[] = [];
  for (let i = 0; i < n; i += per) {
    const node = new Inner();
    node.children = level.slice(i, i + per);
    node.counts = counts.slice(i, i + per);
    for (let j = 1; j < node.children.length; j++) {
      const first = firstLeaf(node.children[j] as TreeNode);
      node.sepScores.push(first.scores[0] as number);
      node.sepMembers.push(first.members[0] as string);
    }
    up.push(node);
    upCounts.push(sum(node.counts));
  }
  return [up, upCounts];
}

function firstLeaf(node: TreeNode): Leaf {
  while (!node.leaf) node = node.children[0] as TreeNode;
  return node;
}

type Bound = readonly [number, string] | null;

function checkNode(node: TreeNode, lo: Bound, hi: Bound): number {
  if (node.leaf) {
    for (let i = 0; i < node.members.length; i++) {
      const s = node.scores[i] as number;
      const m = node.members[i] as string;
      if (lo !== null && compareElements(s, m, lo[0], lo[1]) < 0)
        throw new Error('under separator');
      if (hi !== null && compareElements(s, m, hi[0], hi[1]) >= 0)
        throw new Error('over separator');
      const ps = node.scores[i - 1];
      const pm = node.members[i - 1];
      if (ps !== undefined && pm !== undefined && compareElements(ps, pm, s, m) >= 0) {
        throw new Error('leaf out of order');
      }
    }
    return node.members.length;
  }
  let total = 0;
  const last = node.children.length - 1;
  for (let i = 0; i <= last; i++) {
    const cLo: Bound =
      i === 0 ? lo : [node.sepScores[i - 1] as number, node.sepMembers[i - 1] as string];
    const cHi: Bound =
      i === last ? hi : [node.sepScores[i] as number, node.sepMembers[i] as string];
    const n = checkNode(node.children[i] as TreeNode, cLo, cHi);
    if (n !== node.counts[i]) throw new Error(`count ${String(node.counts[i])} but ${n} elements`);
    total += n;
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// The value

/** Live ZSCAN iterators kept per sorted set; the oldest is dropped past this. */
const SCAN_CURSORS_MAX = 1024;

/**
 * Whether a set of `count` elements, the longest member `maxLength` bytes, is small
 * enough for a listpack (Redis's zsetConvertToListpackIfNeeded).
 */
export function fitsListpack(count: number, maxLength: number, limits: ZSetLimits): boolean {
  return count <= limits.entries && maxLength <= limits.value;
}

/**
 * A score as a listpack holds it (zzlInsertAt), which is what ZSCAN of a small set and
 * an RDB listpack show: an integral score within +-2^62 as an integer, anything else as
 * d2string's "%.17g" ("inf", "-inf").
 */
export function listpackScoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) {
    return Number.isSafeInteger(score) ? String(score) : BigInt(score).toString();
  }
  return formatDouble17g(score);
}

/** A listpack stores an integral score as an integer: -0 reads back as 0 (zzlInsertAt). */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

export class ZSetValue implements CollectionValue {
  readonly type = 'zset' as const;
  private scanCursors: Map<number, Iterator<[string, number]>> | null = null;
  private nextScanCursor = 1;

  private constructor(
    private tree: ScoreTree,
    /** Member -> score; null while the encoding is listpack. */
    private dict: Map<string, number> | null,
  ) {}

  /** An empty set in the encoding Redis's ZADD creates for its first member. */
  static forFirstMember(member: string, limits: ZSetLimits): ZSetValue {
    return ZSetValue.empty(limits.entries === 0 || limits.value < member.length);
  }

  static empty(skiplist: boolean): ZSetValue {
    return new ZSetValue(new ScoreTree(), skiplist ? new Map() : null);
  }

  /**
   * A set from elements in order with distinct members, as a listpack or a skiplist.
   * The arrays are kept; callers hand over ownership.
   */
  static fromSorted(members: string[], scores: number[], listpack: boolean): ZSetValue {
    if (listpack) {
      for (let i = 0; i < scores.length; i++) scores[i] = listpackScore(scores[i] as number);
      return new ZSetValue(ScoreTree.fromSorted(members, scores), null);
    }
    const dict = new Map<string, number>();
    for (let i = 0; i < members.length; i++) dict.set(members[i] as string, scores[i] as number);
    return new ZSetValue(ScoreTree.fromSorted(members, scores), dict);
  }

  get size(): number {
    return this.tree.size;
  }

  get isListpack(): boolean {
    return this.dict === null;
  }

  encoding(): string {
    return this.dict === null ? 'listpack' : 'skiplist';
  }

  clone(): ZSetValue {
    const members: string[] = [];
    const scores: number[] = [];
    this.forRange(0, this.size, false, (m, s) => {
      members.push(m);
      scores.push(s);
    });
    const copy = new ZSetValue(ScoreTree.fromSorted(members, scores), null);
    if (this.dict !== null) copy.dict = new Map(this.dict);
    return copy;
  }

  digestView(): DigestView {
    return { type: 'zset', members: this.entries() };
  }

  /**
   * For a skiplist whose dict (ZSCAN's order, insertion order) differs from rank order,
   * each member's rank in dict order; null otherwise. A snapshot keeps it (with
   * `restoreDictRanks`), so ZSCAN walks alike on every replica.
   */
  dictRanks(): number[] | null {
    if (this.dict === null) return null;
    const sorted = this.entries();
    let same = true;
    for (const m of this.dict.keys()) {
      if (sorted.next().value?.[0] !== m) {
        same = false;
        break;
      }
    }
    if (same) return null;
    const rankOf = new Map<string, number>();
    this.forRange(0, this.size, false, (m) => rankOf.set(m, rankOf.size));
    return Array.from(this.dict.keys(), (m) => rankOf.get(m) as number);
  }

  /** A skiplist's (member, score) in dict order (ZSCAN's), a live iterator; null for a listpack. */
  dictEntries(): IterableIterator<[string, number]> | null {
    return this.dict?.entries() ?? null;
  }

  /** Re-orders the dict as `dictRanks()` gave it; false unless it fits this set. */
  restoreDictRanks(ranks: readonly number[]): boolean {
    if (this.dict === null || ranks.length !== this.size) return false;
    const members: string[] = [];
    const scores: number[] = [];
    this.forRange(0, this.size, false, (m, s) => {
      members.push(m);
      scores.push(s);
    });
    const dict = new Map<string, number>();
    for (const rank of ranks) {
      const m = members[rank];
      if (m === undefined || dict.has(m)) return false;
      dict.set(m, scores[rank] as number);
    }
    this.dict = dict;
    return true;
  }

  /** Every (member, score) in order. */
  *entries(): IterableIterator<readonly [string, number]> {
    for (let leaf: Leaf | null = this.tree.first(); leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.members.length; i++) {
        yield [leaf.members[i] as string, leaf.scores[i] as number];
      }
    }
  }

  /** The member's score, or undefined. A listpack is scanned, as Redis scans one. */
  score(member: string): number | undefined {
    if (this.dict !== null) return this.dict.get(member);
    for (let leaf: Leaf | null = this.tree.first(); leaf !== null; leaf = leaf.next) {
      const i = leaf.members.indexOf(member);
      if (i !== -1) return leaf.scores[i];
    }
    return undefined;
  }

  /**
   * Adds a member that is not present, first converting to a skiplist when the set
   * would outgrow a listpack (zsetAdd's check before zzlInsert).
   */
  insert(member: string, score: number, limits: ZSetLimits): void {
    if (this.dict === null) {
      if (this.tree.size + 1 > limits.entries || member.length > limits.value) this.toSkiplist();
      else score = listpackScore(score);
    }
    this.tree.insert(score, member);
    this.dict?.set(member, score);
  }

  /** Moves a present member from `current` to `score`. */
  update(member: string, current: number, score: number): void {
    if (this.dict === null) score = listpackScore(score);
    this.tree.move(current, member, score);
    this.dict?.set(member, score);
  }

  /** Removes a member; false if it was not there. */
  remove(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.tree.remove(score, member);
    this.dict?.delete(member);
    return true;
  }

  /** The member's 0-based rank in ascending order, or -1. */
  rank(member: string): number {
    const score = this.score(member);
    return score === undefined ? -1 : this.tree.rankOf(score, member);
  }

  /** How many elements score below `x` (at or below it when `inclusive`). */
  countScoreBelow(x: number, inclusive: boolean): number {
    return this.tree.countScoreBelow(x, inclusive);
  }

  /** How many members sort below `m` (at or below when `inclusive`); for equal scores. */
  countMemberBelow(m: string, inclusive: boolean): number {
    return this.tree.countMemberBelow(m, inclusive);
  }

  /** Visits ranks [start, end) ascending, or descending from end-1 when `reverse`. */
  forRange(
    start: number,
    end: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    this.tree.forRange(start, end, reverse, visit);
  }

  /** The member at `rank` (0 <= rank < size). */
  memberAt(rank: number): string {
    const leaf = this.tree.locate(rank);
    return leaf.members[this.tree.locatedIndex] as string;
  }

  /** The score at `rank` (0 <= rank < size). */
  scoreAt(rank: number): number {
    const leaf = this.tree.locate(rank);
    return leaf.scores[this.tree.locatedIndex] as number;
  }

  /** Removes ranks [start, end). */
  removeRange(start: number, end: number): void {
    const dict = this.dict;
    if (dict === null) this.tree.removeRange(start, end);
    else this.tree.removeRange(start, end, (m) => dict.delete(m));
  }

  /**
   * One ZSCAN step over a skiplist's live Map iterator: every member present for the
   * whole scan is visited. An unknown cursor starts over. Returns the next cursor.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    const dict = this.dict ?? new Map<string, number>();
    const cursors = (this.scanCursors ??= new Map());
    let it = cursor === 0 ? undefined : cursors.get(cursor);
    if (cursor !== 0) cursors.delete(cursor);
    it ??= dict.entries();
    for (let i = 0; i < count; i++) {
      const next = it.next();
      if (next.done === true) return 0;
      visit(next.value[0], next.value[1]);
    }
    if (cursors.size >= SCAN_CURSORS_MAX) {
      const oldest = cursors.keys().next();
      if (oldest.done !== true) cursors.delete(oldest.value);
    }
    const id = this.nextScanCursor++;
    cursors.set(id, it);
    return id;
  }

  /** Checks the structure's invariants; for tests. */
  validate(): void {
    this.tree.validate();
    if (this.dict === null) return;
    if (this.dict.size !== this.tree.size) throw new Error('dict and tree sizes differ');
    for (const [m, s] of this.entries()) {
      if (!Object.is(this.dict.get(m), s)) throw new Error(`dict disagrees on ${m}`);
    }
  }

  private toSkiplist(): void {
    const dict = new Map<string, number>();
    for (const [m, s] of this.entries()) dict.set(m, s);
    this.dict = dict;
  }
}
