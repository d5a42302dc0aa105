/**
 * A linearizability checker in the style of Porcupine (Athalye): the Wing–Gong algorithm
 * with Lowe's memoization, over a history of client operations and a sequential model.
 *
 * A history is linearizable when every operation can be given one instant between its
 * call and its return such that applying them in that order to the model gives every
 * output the client saw. Intervals are closed: an operation that returns at the very time
 * another is called may be ordered either way. An operation that never returned (the
 * client crashed or gave up) has return time +Infinity: it may take effect at any time
 * after its call, or never, which is the same as taking effect after everything else.
 *
 * The search keeps the calls and returns not yet linearized in a doubly linked list sorted
 * by time. Walking it from the head, a call may be linearized next if the model accepts it
 * in the current state; the first return met ends the walk (its operation must already be
 * linearized, so the last choice was wrong: undo it and try the next candidate). A cache
 * of (set of linearized operations, model state) prunes configurations already explored.
 * Operations that never returned and read-only operations get special care (see Search).
 * Histories split by the model's partition (per key, P-compositionality) are checked one
 * part at a time, which keeps the search small.
 *
 * Cost: 10k operations over 10 keys with 20 clients take a few tens of ms. The search is
 * exponential in the operations in flight at once on one key: up to ~10 is cheap, ~20
 * concurrent operations on a single key can exhaust the step budget ('unknown').
 */

export interface Operation<I, O> {
  readonly client: number;
  readonly input: I;
  readonly output: O;
  /** When the client sent the request. */
  readonly call: number;
  /**
   * When the reply arrived; Infinity when it never did. Such an operation's output must
   * be one the model accepts in every state (e.g. the KV model's `unknown`).
   */
  readonly return: number;
}

export interface StepResult<S> {
  readonly ok: boolean;
  readonly state: S;
}

export interface Model<S, I, O> {
  init(): S;
  /** Applies `input` to `state`; not ok when the model could not have produced `output`. */
  step(state: S, input: I, output: O): StepResult<S>;
  /** Independent sub-histories (e.g. one per key); the whole history when absent. */
  partition?(history: readonly Operation<I, O>[]): Operation<I, O>[][];
  equal(a: S, b: S): boolean;
  hash(state: S): number;
  /** True for an operation that never changes the state (lets the search skip alternatives). */
  readOnly?(input: I): boolean;
  describeOperation?(input: I, output: O): string;
  describeState?(state: S): string;
}

export type CheckResult = 'ok' | 'illegal' | 'unknown';

/** Why a history is not linearizable: the first part that is not, and how far it got. */
export interface Explanation<I, O> {
  /** Index of the illegal part among the model's partitions. */
  readonly partition: number;
  /** The operations of that part, in history order. */
  readonly operations: readonly Operation<I, O>[];
  /** The longest linearizable prefix found, in linearization order. */
  readonly longest: readonly Operation<I, O>[];
  /** The operations of the part outside that prefix, by call time. */
  readonly rest: readonly Operation<I, O>[];
}

export interface CheckReport<I, O> {
  readonly result: CheckResult;
  /** Search steps taken (model steps and backtracks). */
  readonly steps: number;
  readonly partitions: number;
  /** Set when the result is 'illegal'. */
  readonly explanation: Explanation<I, O> | null;
}

export interface CheckOptions {
  /** Give up on a partition after this many search steps (the result is then 'unknown'). */
  readonly maxSteps?: number;
}

/** About ten seconds of search per partition. */
const DEFAULT_MAX_STEPS = 10_000_000;

/** Checks `history` against `model`. */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckReport<I, O> {
  for (const op of history) {
    if (!(op.return >= op.call))
      throw new RangeError(`operation returns (${op.return}) before its call (${op.call})`);
  }
  const parts = model.partition ? model.partition(history) : [history.slice()];
  const budget = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let steps = 0;
  let unknown = false;
  for (let p = 0; p < parts.length; p++) {
    const ops = parts[p] as Operation<I, O>[];
    const search = new Search(model, ops, budget);
    const outcome = search.run();
    steps += search.steps;
    if (outcome === 'illegal') {
      const explanation = explain(p, ops, search.longest());
      return { result: 'illegal', steps, partitions: parts.length, explanation };
    }
    if (outcome === 'unknown') unknown = true;
  }
  return { result: unknown ? 'unknown' : 'ok', steps, partitions: parts.length, explanation: null };
}

function explain<I, O>(
  partition: number,
  ops: Operation<I, O>[],
  longest: number[],
): Explanation<I, O> {
  const inPrefix = new Set(longest);
  const rest = ops.filter((_, i) => !inPrefix.has(i)).sort((a, b) => a.call - b.call);
  return {
    partition,
    operations: ops,
    longest: longest.map((i) => ops[i] as Operation<I, O>),
    rest,
  };
}

/**
 * One call or return in the search's list. An operation that never returned has only its
 * call there (it is optional: see Search).
 */
interface ListEntry {
  /** The operation's index in its partition. */
  readonly id: number;
  readonly isCall: boolean;
  readonly time: number;
  /** For a completed operation's call: its return. */
  readonly match: ListEntry | null;
  prev: ListEntry | null;
  next: ListEntry | null;
}

function entry(id: number, isCall: boolean, time: number, match: ListEntry | null): ListEntry {
  return { id, isCall, time, match, prev: null, next: null };
}

/** At equal times calls come first: such operations overlap, so either order is allowed. */
function byTime(a: ListEntry, b: ListEntry): number {
  return a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1);
}

/** The calls and returns of `ops` sorted by time, linked behind the returned head. */
function buildList<I, O>(ops: readonly Operation<I, O>[]): ListEntry {
  const entries: ListEntry[] = [];
  ops.forEach((op, id) => {
    if (op.return === Infinity) {
      entries.push(entry(id, true, op.call, null));
      return;
    }
    const ret = entry(id, false, op.return, null);
    entries.push(entry(id, true, op.call, ret), ret);
  });
  entries.sort(byTime);
  const head = entry(-1, false, -Infinity, null);
  let last = head;
  for (const e of entries) {
    e.prev = last;
    last.next = e;
    last = e;
  }
  return head;
}

/** Takes a call (and its return, if any) out of the list. */
function lift(call: ListEntry): void {
  (call.prev as ListEntry).next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match;
  if (ret === null) return;
  (ret.prev as ListEntry).next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Puts back what `lift(call)` took out (the neighbours are as lift left them). */
function unlift(call: ListEntry): void {
  const ret = call.match;
  if (ret !== null) {
    (ret.prev as ListEntry).next = ret;
    if (ret.next !== null) ret.next.prev = ret;
  }
  (call.prev as ListEntry).next = call;
  if (call.next !== null) call.next.prev = call;
}

/** A bitset with an incrementally kept (Zobrist) hash. */
class Bitset {
  readonly words: Uint32Array;
  hash = 0;

  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  flip(bit: number): void {
    this.words[bit >>> 5]! ^= 1 << (bit & 31);
    this.hash ^= zobrist(bit);
  }

  equals(words: Uint32Array): boolean {
    const mine = this.words;
    for (let i = 0; i < mine.length; i++) if (mine[i] !== words[i]) return false;
    return true;
  }
}

/** A well-mixed 32-bit value per bit (splitmix32 finalizer). */
function zobrist(bit: number): number {
  let z = Math.imul(bit + 1, 0x9e3779b9);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

interface CacheEntry<S> {
  readonly linearized: Uint32Array;
  readonly state: S;
}

/**
 * The backtracking search over one partition.
 *
 * An operation that never returned can always be put last, after every completed one
 * (nothing must follow it, and its unknown output fits any state), which is the same as
 * never applying it. So it is optional: it has no return in the list (nothing waits for
 * it) and the search succeeds once every completed operation is linearized. It is still
 * tried first at its call's place, as Porcupine does: in a real system a request that
 * timed out has usually taken effect soon after it was sent, so that guess is most often
 * right. (Trying optional operations only after the completed ones failed, or pruning by
 * subsets of optional operations, both measured slower.)
 */
class Search<S, I, O> {
  steps = 0;
  private readonly head: ListEntry;
  private readonly linearized: Bitset;
  private readonly cache = new Map<number, CacheEntry<S>[]>();
  /** Completed operations still to linearize. */
  private remaining: number;
  private state: S;
  /** The calls linearized so far, the state before each, and whether it was forced. */
  private readonly stack: ListEntry[] = [];
  private readonly statesBefore: S[] = [];
  private readonly forced: boolean[] = [];
  /** The longest stack seen, kept up to date from `lowWater` on (only its tail changes). */
  private readonly best: number[] = [];
  private lowWater = 0;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
    private readonly budget: number,
  ) {
    this.head = buildList(ops);
    this.state = model.init();
    this.linearized = new Bitset(ops.length);
    this.remaining = ops.filter((op) => op.return !== Infinity).length;
  }

  /**
   * Walks the list from the head trying each call, until the first return (whose
   * operation should have been linearized already): then undoes the last choice and
   * resumes the walk after it.
   *
   * A read-only operation that fits the current state is taken without trying the other
   * candidates: any linearization that places it later stays valid with it moved here
   * (it changes nothing, and all that must precede it is already linearized).
   */
  run(): CheckResult {
    const { ops, model } = this;
    let entry = this.head.next;
    while (this.remaining > 0) {
      if (++this.steps > this.budget) return 'unknown';
      if (entry !== null && entry.isCall) {
        const op = ops[entry.id] as Operation<I, O>;
        const result = model.step(this.state, op.input, op.output);
        if (!result.ok) {
          entry = entry.next;
          continue;
        }
        const forced = model.readOnly?.(op.input) === true;
        if (this.remember(entry.id, result.state)) {
          this.push(entry, forced);
          this.state = result.state;
          lift(entry);
          entry = this.head.next;
          continue;
        }
        if (!forced) {
          entry = entry.next;
          continue;
        }
      }
      const resume = this.backtrack();
      if (resume === null) return 'illegal';
      entry = resume;
    }
    return 'ok';
  }

  /**
   * Undoes choices up to the last one that has alternatives left (a forced choice has
   * none); returns where the walk resumes, or null when no choice is left.
   */
  private backtrack(): ListEntry | null {
    for (;;) {
      const undone = this.stack.pop();
      if (undone === undefined) return null;
      this.state = this.statesBefore.pop() as S;
      const forced = this.forced.pop() as boolean;
      this.lowWater = Math.min(this.lowWater, this.stack.length);
      this.linearized.flip(undone.id);
      if (undone.match !== null) this.remaining++;
      unlift(undone);
      if (!forced) return undone.next;
    }
  }

  /** The ids of the longest linearizable prefix found, in order. */
  longest(): number[] {
    return this.best.slice();
  }

  /**
   * Marks `id` linearized and caches (linearized set, state); false (and unmarked) when
   * that configuration was already explored.
   */
  private remember(id: number, state: S): boolean {
    const bits = this.linearized;
    bits.flip(id);
    const key = (bits.hash ^ Math.imul(this.model.hash(state), 0x27d4eb2d)) | 0;
    let bucket = this.cache.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.cache.set(key, bucket);
    }
    for (const seen of bucket) {
      if (bits.equals(seen.linearized) && this.model.equal(seen.state, state)) {
        bits.flip(id);
        return false;
      }
    }
    bucket.push({ linearized: bits.words.slice(), state });
    return true;
  }

  private push(entry: ListEntry, forced: boolean): void {
    const stack = this.stack;
    stack.push(entry);
    this.statesBefore.push(this.state);
    this.forced.push(forced);
    if (entry.match !== null) this.remaining--;
    if (stack.length <= this.best.length) return;
    for (let i = this.lowWater; i < stack.length; i++) this.best[i] = (stack[i] as ListEntry).id;
    this.lowWater = stack.length;
  }
}

/** A readable account of an explanation, for test failure messages. */
export function describeExplanation<S, I, O>(
  model: Model<S, I, O>,
  explanation: Explanation<I, O>,
): string {
  const show = (op: Operation<I, O>): string => {
    const what = model.describeOperation
      ? model.describeOperation(op.input, op.output)
      : `${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`;
    const ret = op.return === Infinity ? 'never' : String(op.return);
    return `  client ${op.client} [${op.call}, ${ret}] ${what}`;
  };
  let state = model.init();
  const lines = [`partition ${explanation.partition}: ${explanation.operations.length} operations`];
  lines.push(`longest linearizable prefix (${explanation.longest.length}):`);
  for (const op of explanation.longest) {
    lines.push(show(op));
    state = model.step(state, op.input, op.output).state;
  }
  if (model.describeState) lines.push(`state after it: ${model.describeState(state)}`);
  lines.push(`not linearizable after it (${explanation.rest.length}):`);
  for (const op of explanation.rest) lines.push(show(op));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// A key-value model: get, put (optionally with a TTL), swap, append, incr and delete on
// string keys, checked per key.

/**
 * The operations. `at` is the operation's time in ms (the log entry's time for a write,
 * the read context's clock for a read; 0 when absent): a key whose deadline is at or
 * before it is absent, and a TTL counts from it. Times need not grow in history order:
 * each operation is judged at its own time, as each entry applies at its own.
 */
export type KvInput = (
  | { readonly op: 'get'; readonly key: string }
  /** SET key value, or SET key value PX ttlMs. */
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly ttlMs?: number }
  /** A read-modify-write in one command (SET key value GET): the old value comes back. */
  | { readonly op: 'swap'; readonly key: string; readonly value: string }
  | { readonly op: 'append'; readonly key: string; readonly value: string }
  | { readonly op: 'incr'; readonly key: string; readonly by: number }
  /**
   * DEL; with `expiredOnly`, the leader's expiry entry, which deletes the key only if
   * its deadline has passed at `at`.
   */
  | { readonly op: 'delete'; readonly key: string; readonly expiredOnly?: boolean }
) & { readonly at?: number };

/**
 * What the client saw. `ok`: a write succeeded (details not recorded); `value`: a get's
 * result (null = no such key); `int`: the new length (append), the new value (incr) or
 * the number of keys removed (delete); `error`: incr of a value that is not an integer;
 * `unknown`: no reply (timeout, crash) — give such an operation return time Infinity,
 * since it may still take effect after the client gave up.
 */
export type KvOutput =
  | { readonly type: 'ok' }
  | { readonly type: 'value'; readonly value: string | null }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'error' }
  | { readonly type: 'unknown' };

/**
 * The value of one key, with a hash kept as the value grows (appends stay O(appended)),
 * and its deadline in ms (0: none). A key past its deadline stays until a write (or an
 * expiry entry) deletes it: reads only hide it.
 */
export interface KvState {
  readonly value: string | null;
  readonly hash: number;
  readonly expireAt: number;
}

export type KvOperation = Operation<KvInput, KvOutput>;

const ABSENT: KvState = { value: null, hash: 0x5bd1e995, expireAt: 0 };
const HASH_SEED = 0x811c9dc5;

/** Continues a polynomial hash over `text`, so hash(a + b) = extend(hash(a), b). */
function extendHash(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 0x01000193) + text.charCodeAt(i)) | 0;
  return h;
}

function stringState(value: string, expireAt = 0): KvState {
  return { value, hash: extendHash(HASH_SEED, value), expireAt };
}

function expired(state: KvState, at: number): boolean {
  return state.value !== null && state.expireAt !== 0 && state.expireAt <= at;
}

const INTEGER = /^(0|-?[1-9][0-9]*)$/;

/** The next state of `state` under `input`, and what a client would have seen. */
export function kvApply(state: KvState, input: KvInput): { state: KvState; output: KvOutput } {
  const at = input.at ?? 0;
  // What a write finds: it deletes a key past its deadline first, as lookupWrite does.
  const live = expired(state, at) ? ABSENT : state;
  switch (input.op) {
    case 'get':
      return { state, output: { type: 'value', value: live.value } };
    case 'put': {
      const expireAt = input.ttlMs === undefined ? 0 : at + input.ttlMs;
      return { state: stringState(input.value, expireAt), output: { type: 'ok' } };
    }
    case 'swap':
      return { state: stringState(input.value), output: { type: 'value', value: live.value } };
    case 'append':
      return appendTo(live, input.value);
    case 'incr': {
      const text = live.value ?? '0';
      const n = INTEGER.test(text) ? Number(text) + input.by : NaN;
      if (!Number.isSafeInteger(n)) return { state: live, output: { type: 'error' } };
      return { state: stringState(String(n), live.expireAt), output: { type: 'int', value: n } };
    }
    case 'delete': {
      if (input.expiredOnly === true && !expired(state, at)) {
        return { state, output: { type: 'int', value: 0 } };
      }
      const removed = input.expiredOnly === true || live.value !== null ? 1 : 0;
      return { state: ABSENT, output: { type: 'int', value: removed } };
    }
  }
}

/** APPEND keeps the key's deadline (an absent key gets none). */
function appendTo(live: KvState, tail: string): { state: KvState; output: KvOutput } {
  const next = {
    value: (live.value ?? '') + tail,
    hash: extendHash(live.value === null ? HASH_SEED : live.hash, tail),
    expireAt: live.expireAt,
  };
  return { state: next, output: { type: 'int', value: next.value.length } };
}

function outputMatches(expected: KvOutput, seen: KvOutput): boolean {
  if (seen.type === 'unknown') return true;
  // A successful write whose reply detail was not recorded.
  if (seen.type === 'ok') return expected.type === 'ok' || expected.type === 'int';
  if (seen.type !== expected.type) return false;
  if (seen.type === 'value' && expected.type === 'value') return seen.value === expected.value;
  if (seen.type === 'int' && expected.type === 'int') return seen.value === expected.value;
  return true;
}

function describeKvOutput(output: KvOutput): string {
  if (output.type === 'value') return output.value === null ? 'nil' : JSON.stringify(output.value);
  if (output.type === 'int') return String(output.value);
  return output.type;
}

function describeKvInput(input: KvInput): string {
  const arg =
    input.op === 'put' || input.op === 'swap' || input.op === 'append'
      ? ` ${JSON.stringify(input.value)}`
      : '';
  const ttl = input.op === 'put' && input.ttlMs !== undefined ? ` px ${input.ttlMs}` : '';
  const by = input.op === 'incr' && input.by !== 1 ? ` by ${input.by}` : '';
  const name = input.op === 'delete' && input.expiredOnly === true ? 'expire' : input.op;
  const at = input.at === undefined ? '' : ` @${input.at}`;
  return `${name} ${JSON.stringify(input.key)}${arg}${ttl}${by}${at}`;
}

/**
 * Splits a history by key, keeping each key's operations in history order. A get that
 * never returned is left out: it changes nothing and nobody saw its result.
 */
function partitionByKey(history: readonly KvOperation[]): KvOperation[][] {
  const byKey = new Map<string, KvOperation[]>();
  for (const op of history) {
    if (op.input.op === 'get' && op.return === Infinity) continue;
    const list = byKey.get(op.input.key);
    if (list === undefined) byKey.set(op.input.key, [op]);
    else list.push(op);
  }
  return [...byKey.values()];
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => ABSENT,
  step(state, input, output) {
    const expected = kvApply(state, input);
    return outputMatches(expected.output, output)
      ? { ok: true, state: expected.state }
      : { ok: false, state };
  },
  partition: partitionByKey,
  readOnly: (input) => input.op === 'get',
  equal: (a, b) => a.value === b.value && a.expireAt === b.expireAt,
  hash: (state) => (state.hash ^ Math.imul(state.expireAt | 0, 0x9e3779b1)) | 0,
  describeOperation: (input, output) => `${describeKvInput(input)} -> ${describeKvOutput(output)}`,
  describeState: (state) => {
    if (state.value === null) return 'nil';
    const ttl = state.expireAt === 0 ? '' : ` until ${state.expireAt}`;
    return `${JSON.stringify(state.value)}${ttl}`;
  },
};
