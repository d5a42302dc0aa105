import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  checkOperations,
  describeExplanation,
  kvApply,
  kvModel,
  type KvInput,
  type KvOperation,
  type KvOutput,
  type KvState,
  type Model,
  type Operation,
} from './linearizability.js';
import { SimRng } from './rng.js';

interface Io {
  readonly input: KvInput;
  readonly output: KvOutput;
}

const OK: KvOutput = { type: 'ok' };
const UNKNOWN: KvOutput = { type: 'unknown' };
const get = (key: string, value: string | null): Io => ({
  input: { op: 'get', key },
  output: { type: 'value', value },
});
const put = (key: string, value: string): Io => ({ input: { op: 'put', key, value }, output: OK });
const append = (key: string, value: string, length?: number): Io => ({
  input: { op: 'append', key, value },
  output: length === undefined ? OK : { type: 'int', value: length },
});
const incr = (key: string, result: number | 'error'): Io => ({
  input: { op: 'incr', key, by: 1 },
  output: result === 'error' ? { type: 'error' } : { type: 'int', value: result },
});
const del = (key: string, count: number): Io => ({
  input: { op: 'delete', key },
  output: { type: 'int', value: count },
});
const swap = (key: string, value: string, old: string | null): Io => ({
  input: { op: 'swap', key, value },
  output: { type: 'value', value: old },
});
const timedOut = (io: Io): Io => ({ input: io.input, output: UNKNOWN });

/** An operation of `client` called at `call` and returned at `ret` (null: never). */
function at(client: number, call: number, ret: number | null, io: Io): KvOperation {
  return { client, call, return: ret ?? Infinity, input: io.input, output: io.output };
}

function check(history: readonly KvOperation[]): string {
  return checkOperations(kvModel, history).result;
}

test('an empty history and a sequential one are linearizable', () => {
  assert.equal(check([]), 'ok');
  const history = [
    at(1, 0, 1, put('x', '1')),
    at(1, 2, 3, get('x', '1')),
    at(2, 4, 5, append('x', '2', 2)),
    at(2, 6, 7, incr('x', 13)),
    at(1, 8, 9, del('x', 1)),
    at(1, 10, 11, get('x', null)),
    at(1, 12, 13, del('x', 0)),
  ];
  assert.equal(check(history), 'ok');
});

test('a swap (SET ... GET) returns the value it replaced: two swaps cannot both see the same one', () => {
  const sequential = [
    at(1, 0, 1, put('x', 'a')),
    at(1, 2, 3, swap('x', 'b', 'a')),
    at(2, 4, 5, swap('x', 'c', 'b')),
  ];
  assert.equal(check(sequential), 'ok');
  const concurrent = [
    at(1, 0, 1, put('x', 'a')),
    at(1, 2, 6, swap('x', 'b', 'a')),
    at(2, 3, 7, swap('x', 'c', 'a')),
  ];
  assert.equal(check(concurrent), 'illegal', 'one of the two must have seen the other');
  assert.equal(check([at(1, 0, 1, swap('y', 'v', null)), at(1, 2, 3, get('y', 'v'))]), 'ok');
});

test('a stale read after a completed write is illegal, and the explanation shows where', () => {
  const history = [
    at(1, 0, 1, put('x', '1')),
    at(1, 2, 3, put('x', '2')),
    at(2, 4, 5, get('x', '1')),
  ];
  const report = checkOperations(kvModel, history);
  assert.equal(report.result, 'illegal');
  const explanation = report.explanation;
  assert.ok(explanation !== null);
  assert.equal(explanation.partition, 0);
  assert.deepEqual(explanation.longest, history.slice(0, 2));
  assert.deepEqual(explanation.rest, [history[2]]);
  const text = describeExplanation(kvModel, explanation);
  assert.match(text, /longest linearizable prefix \(2\)/);
  assert.match(text, /state after it: "2"/);
  assert.match(text, /client 2 \[4, 5\] get "x" -> "1"/);
});

test('overlapping operations may be ordered either way', () => {
  const history = [
    at(1, 0, 10, put('x', '1')),
    at(2, 2, 3, get('x', '1')),
    at(3, 1, 4, get('x', null)),
  ];
  assert.equal(check(history), 'ok');
});

test('once a read saw the new value, a later read may not see the old one', () => {
  const history = [
    at(1, 0, 10, put('x', '1')),
    at(2, 1, 2, get('x', '1')),
    at(3, 3, 4, get('x', null)),
  ];
  assert.equal(check(history), 'illegal');
});

test('a lost write is illegal', () => {
  const appends = [
    at(1, 0, 1, append('x', 'a')),
    at(1, 2, 3, append('x', 'b')),
    at(2, 4, 5, get('x', 'a')),
  ];
  assert.equal(check(appends), 'illegal');
  const increments = [at(1, 0, 1, incr('x', 1)), at(2, 2, 3, incr('x', 1))];
  assert.equal(check(increments), 'illegal');
  const concurrentIncrements = [at(1, 0, 3, incr('x', 1)), at(2, 1, 4, incr('x', 1))];
  assert.equal(check(concurrentIncrements), 'illegal');
  const ordered = [at(1, 0, 3, incr('x', 2)), at(2, 1, 4, incr('x', 1))];
  assert.equal(check(ordered), 'ok');
});

test('appends must appear in real-time order unless they overlap', () => {
  const sequential = [
    at(1, 0, 1, append('x', 'a')),
    at(2, 2, 3, append('x', 'b')),
    at(3, 4, 5, get('x', 'ba')),
  ];
  assert.equal(check(sequential), 'illegal');
  const overlapping = [
    at(1, 0, 3, append('x', 'a')),
    at(2, 1, 4, append('x', 'b')),
    at(3, 5, 6, get('x', 'ba')),
  ];
  assert.equal(check(overlapping), 'ok');
  const lengths = [at(1, 0, 3, append('x', 'a', 2)), at(2, 1, 4, append('x', 'b', 2))];
  assert.equal(check(lengths), 'illegal');
});

test('a write that never returned may take effect late or never, but only once', () => {
  const write = at(1, 0, null, timedOut(put('x', '1')));
  assert.equal(check([write, at(2, 50, 51, get('x', '1'))]), 'ok');
  assert.equal(check([write, at(2, 50, 51, get('x', null))]), 'ok');
  assert.equal(check([write, at(2, 50, 51, get('x', null)), at(2, 52, 53, get('x', '1'))]), 'ok');
  assert.equal(
    check([write, at(2, 50, 51, get('x', '1')), at(2, 52, 53, get('x', null))]),
    'illegal',
  );
  // It cannot take effect before it was sent.
  assert.equal(
    check([at(2, 0, 1, get('x', '1')), at(1, 2, null, timedOut(put('x', '1')))]),
    'illegal',
  );
  const appendTwice = [at(1, 0, null, timedOut(append('x', 'a'))), at(2, 5, 6, get('x', 'aa'))];
  assert.equal(check(appendTwice), 'illegal');
});

test('operations that touch at the same instant overlap', () => {
  assert.equal(check([at(1, 0, 5, put('x', '1')), at(2, 5, 6, get('x', null))]), 'ok');
  assert.equal(check([at(1, 0, 5, put('x', '1')), at(2, 6, 7, get('x', null))]), 'illegal');
});

test('delete reports whether the key existed; incr rejects non-integers', () => {
  const deletes = [at(1, 0, 1, put('x', 'a')), at(1, 2, 3, del('x', 1)), at(2, 4, 5, del('x', 1))];
  assert.equal(check(deletes), 'illegal');
  assert.equal(check([at(1, 0, 1, put('x', 'a')), at(1, 2, 3, incr('x', 'error'))]), 'ok');
  assert.equal(check([at(1, 0, 1, put('x', 'a')), at(1, 2, 3, incr('x', 1))]), 'illegal');
  assert.equal(check([at(1, 0, 1, put('x', '007')), at(1, 2, 3, incr('x', 'error'))]), 'ok');
});

/** `io` as an operation stamped with the time `at` (its entry's time, or its read's clock). */
const stamped = (io: Io, at: number): Io => ({ input: { ...io.input, at }, output: io.output });
const putPx = (key: string, value: string, ttlMs: number, at: number): Io => ({
  input: { op: 'put', key, value, ttlMs, at },
  output: OK,
});
const expire = (key: string, at: number, removed: number): Io => ({
  input: { op: 'delete', key, expiredOnly: true, at },
  output: { type: 'int', value: removed },
});

test('a key reads as absent once its deadline is at or before the operation time', () => {
  const history = (time: number, seen: string | null): KvOperation[] => [
    at(1, 0, 1, putPx('x', 'a', 10, 0)),
    at(1, 2, 3, stamped(get('x', seen), time)),
  ];
  assert.equal(check(history(9, 'a')), 'ok');
  assert.equal(check(history(9, null)), 'illegal');
  assert.equal(check(history(10, null)), 'ok');
  assert.equal(check(history(10, 'a')), 'illegal');
});

test('APPEND and INCR keep a deadline, SET and SET ... GET clear it, and an expired key starts over', () => {
  const keep = [
    at(1, 0, 1, putPx('x', '1', 10, 0)),
    at(1, 2, 3, stamped(incr('x', 2), 2)),
    at(1, 4, 5, stamped(append('x', 'a', 2), 4)),
    at(1, 6, 7, stamped(get('x', null), 10)),
  ];
  assert.equal(check(keep), 'ok');
  const clear = [
    at(1, 0, 1, putPx('x', '1', 10, 0)),
    at(1, 2, 3, stamped(swap('x', '2', '1'), 2)),
    at(1, 4, 5, stamped(get('x', '2'), 50)),
  ];
  assert.equal(check(clear), 'ok');
  const over = [
    at(1, 0, 1, putPx('x', '5', 10, 0)),
    at(1, 2, 3, stamped(incr('x', 1), 10)),
    at(1, 4, 5, stamped(append('x', 'b', 2), 11)),
  ];
  assert.equal(check(over), 'ok');
});

test('a read hides an expired key, a write or an expiry entry deletes it (even for earlier times)', () => {
  const base = [at(1, 0, 1, putPx('x', 'a', 10, 0)), at(1, 2, 3, stamped(get('x', null), 20))];
  // Only the read saw it expired: a write stamped before the deadline still finds it.
  assert.equal(check([...base, at(1, 4, 5, stamped(append('x', 'b', 2), 5))]), 'ok');
  // The leader's expiry entry deleted it: the same write starts a new value.
  const expired = [...base, at(2, 4, 5, expire('x', 20, 1))];
  assert.equal(check([...expired, at(1, 6, 7, stamped(append('x', 'b', 1), 5))]), 'ok');
  assert.equal(check([...expired, at(1, 6, 7, stamped(append('x', 'b', 2), 5))]), 'illegal');
});

test('an expiry entry deletes only a key past its deadline at its own time', () => {
  const early = [at(1, 0, 1, putPx('x', 'a', 10, 0)), at(2, 2, 3, expire('x', 9, 0))];
  assert.equal(check([...early, at(1, 4, 5, stamped(get('x', 'a'), 9))]), 'ok');
  assert.equal(
    check([at(1, 0, 1, putPx('x', 'a', 10, 0)), at(2, 2, 3, expire('x', 9, 1))]),
    'illegal',
  );
  assert.equal(check([at(1, 0, 1, put('x', 'a')), at(2, 2, 3, expire('x', 99, 0))]), 'ok');
});

test('each key is checked on its own and the explanation names the illegal one', () => {
  const history = [
    at(1, 0, 1, put('x', '1')),
    at(2, 0, 1, put('y', '1')),
    at(1, 2, 3, get('x', '1')),
    at(2, 2, 3, put('y', '2')),
    at(1, 4, 5, get('y', '1')),
  ];
  const report = checkOperations(kvModel, history);
  assert.equal(report.result, 'illegal');
  assert.equal(report.partitions, 2);
  assert.equal(report.explanation?.partition, 1);
  assert.ok(report.explanation?.operations.every((op) => op.input.key === 'y'));
});

test('a search over its step budget answers unknown, unless another key is illegal', () => {
  const long = Array.from({ length: 10 }, (_, i) => at(1, 2 * i, 2 * i + 1, put('x', String(i))));
  assert.equal(checkOperations(kvModel, long, { maxSteps: 5 }).result, 'unknown');
  assert.equal(checkOperations(kvModel, long, { maxSteps: 10 }).result, 'ok');
  const stale = [at(2, 0, 1, put('y', '1')), at(2, 2, 3, get('y', '2'))];
  const report = checkOperations(kvModel, [...long, ...stale], { maxSteps: 5 });
  assert.equal(report.result, 'illegal');
  assert.equal(report.explanation?.operations[0]?.input.key, 'y');
});

test('an operation returning before its call is a programmer error', () => {
  assert.throws(() => check([at(1, 5, 4, put('x', '1'))]), RangeError);
});

/** A single register without partitioning, to show the checker is not tied to the KV model. */
type RegisterOp = { write: number } | { read: number };
const register: Model<number, RegisterOp, null> = {
  init: () => 0,
  step: (state, input) =>
    'write' in input ? { ok: true, state: input.write } : { ok: input.read === state, state },
  equal: (a, b) => a === b,
  hash: (state) => state,
};

test('a model without partitioning is checked as one history', () => {
  const op = (call: number, ret: number, input: RegisterOp): Operation<RegisterOp, null> => ({
    client: 0,
    call,
    return: ret,
    input,
    output: null,
  });
  const history = [
    op(0, 10, { write: 1 }),
    op(1, 2, { read: 1 }),
    op(3, 4, { read: 1 }),
    op(5, 6, { read: 0 }),
  ];
  assert.equal(checkOperations(register, history).result, 'illegal');
  assert.equal(checkOperations(register, history.slice(0, 3)).result, 'ok');
});

interface GenOptions {
  readonly ops: number;
  readonly keys: number;
  readonly clients: number;
  /** Probability that an operation never returns. */
  readonly pendingRate: number;
  readonly maxGap: number;
  readonly maxDuration: number;
  /**
   * Stamp operations with times (a write at its call, as its entry is made then; a read
   * when it takes effect) and add TTLs and expiry entries.
   */
  readonly timed?: boolean;
}

function randomInput(rng: SimRng, key: string, serial: number): KvInput {
  const roll = rng.int(10);
  if (roll < 4) return { op: 'get', key };
  if (roll < 6) return { op: 'put', key, value: String(serial) };
  if (roll < 8) return { op: 'append', key, value: `+${serial}` };
  if (roll < 9) return { op: 'incr', key, by: 1 };
  return { op: 'delete', key };
}

/** With TTLs short enough to pass within the history, and the leader's expiry entries. */
function timedInput(rng: SimRng, key: string, serial: number): KvInput {
  const roll = rng.int(10);
  if (roll < 3) return { op: 'put', key, value: String(serial), ttlMs: 1 + rng.int(8) };
  if (roll < 4) return { op: 'delete', key, expiredOnly: true };
  return randomInput(rng, key, serial);
}

/** The time an operation acts at: a write's entry is made at its call, a read runs at its effect. */
function stampTime(input: KvInput, call: number, effect: number): KvInput {
  const at = input.op === 'get' && effect !== Infinity ? Math.floor(effect) : call;
  return { ...input, at };
}

interface Planned {
  readonly op: KvOperation;
  /** When it takes effect in the real execution; Infinity: never. */
  readonly effect: number;
}

/** Plans calls, returns and effect instants of each client's operations, one at a time. */
function plan(rng: SimRng, o: GenOptions): Planned[] {
  const clock = new Array<number>(o.clients).fill(0);
  const planned: Planned[] = [];
  for (let i = 0; i < o.ops; i++) {
    const client = rng.int(o.clients);
    const call = (clock[client] ?? 0) + rng.int(o.maxGap + 1);
    const duration = rng.int(o.maxDuration + 1);
    clock[client] = call + duration;
    const key = `k${rng.int(o.keys)}`;
    const input = o.timed === true ? timedInput(rng, key, i) : randomInput(rng, key, i);
    const op = { client, call, return: call + duration, input, output: UNKNOWN };
    const stamp = (effect: number): KvInput =>
      o.timed === true ? stampTime(input, call, effect) : input;
    if (!rng.chance(o.pendingRate)) {
      const effect = call + rng.float() * duration;
      planned.push({ op: { ...op, input: stamp(effect) }, effect });
    } else {
      // The client gave up; the operation may still apply, even after its timeout.
      const effect = rng.chance(0.5) ? call + rng.float() * 3 * duration : Infinity;
      planned.push({ op: { ...op, input: stamp(effect), return: Infinity }, effect });
    }
  }
  return planned;
}

/** A history of a real sequential execution: outputs computed in effect order. */
function generate(rng: SimRng, o: GenOptions): KvOperation[] {
  const planned = plan(rng, o);
  const order = planned
    .map((_, i) => i)
    .sort((a, b) => planned[a]!.effect - planned[b]!.effect || a - b);
  const store = new Map<string, KvState>();
  const history: KvOperation[] = planned.map((p) => p.op);
  for (const i of order) {
    const { op, effect } = planned[i]!;
    if (effect === Infinity) continue;
    const applied = kvApply(store.get(op.input.key) ?? kvModel.init(), op.input);
    store.set(op.input.key, applied.state);
    if (op.return !== Infinity) history[i] = { ...op, output: applied.output };
  }
  return history;
}

/** The values each key ever held in a sequential replay of the written values (for mutations). */
function writtenValues(history: readonly KvOperation[], key: string): string[] {
  const values = new Set<string>();
  for (const op of history) {
    if (op.input.key !== key) continue;
    if (op.output.type === 'value' && op.output.value !== null) values.add(op.output.value);
    if (op.input.op === 'put') values.add(op.input.value);
  }
  return [...values];
}

/** Brute force: some order of all operations, respecting real time, that a whole store accepts. */
function bruteForce(history: readonly KvOperation[]): boolean {
  const used = new Array<boolean>(history.length).fill(false);
  const search = (store: ReadonlyMap<string, KvState>, done: number): boolean => {
    if (done === history.length) return true;
    for (let i = 0; i < history.length; i++) {
      const op = history[i]!;
      if (used[i]) continue;
      if (history.some((other, j) => !used[j] && other.return < op.call)) continue;
      const before = store.get(op.input.key) ?? kvModel.init();
      const step = kvModel.step(before, op.input, op.output);
      if (!step.ok) continue;
      used[i] = true;
      const found = search(new Map(store).set(op.input.key, step.state), done + 1);
      used[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(new Map(), 0);
}

/** Replaces the output of a random completed get (or returns null when there is none). */
function mutateRead(
  rng: SimRng,
  history: KvOperation[],
  pickValue: (key: string) => string | null,
): KvOperation[] | null {
  const reads = history.flatMap((op, i) =>
    op.input.op === 'get' && op.return !== Infinity ? [i] : [],
  );
  if (reads.length === 0) return null;
  const i = rng.pick(reads);
  const op = history[i]!;
  const value = pickValue(op.input.key);
  if (op.output.type === 'value' && value === op.output.value) return null;
  const mutated = history.slice();
  mutated[i] = { ...op, output: { type: 'value', value } };
  return mutated;
}

const SMALL: GenOptions = {
  ops: 7,
  keys: 2,
  clients: 3,
  pendingRate: 0.15,
  maxGap: 3,
  maxDuration: 6,
};

test('random small histories: real executions pass and the checker agrees with brute force', () => {
  const rng = new SimRng(20240611);
  let illegalOld = 0;
  for (let round = 0; round < 1500; round++) {
    const history = generate(rng, SMALL);
    assert.equal(check(history), 'ok', JSON.stringify(history));
    assert.equal(bruteForce(history), true);
    const never = mutateRead(rng, history, () => 'never-written');
    if (never !== null) {
      assert.equal(check(never), 'illegal', JSON.stringify(never));
      assert.equal(bruteForce(never), false);
    }
    const older = mutateRead(rng, history, (key) => {
      const values = writtenValues(history, key);
      return values.length === 0 || rng.chance(0.2) ? null : rng.pick(values);
    });
    if (older !== null) {
      const expected = bruteForce(older) ? 'ok' : 'illegal';
      assert.equal(check(older), expected, JSON.stringify(older));
      if (expected === 'illegal') illegalOld++;
    }
  }
  // The mutations must often produce real violations for the comparison to mean much.
  assert.ok(illegalOld > 200, `only ${illegalOld} illegal mutations`);
});

test('random small histories with TTLs and expiry entries: the checker agrees with brute force', () => {
  const rng = new SimRng(4242);
  let expiredDeletes = 0;
  let illegal = 0;
  for (let round = 0; round < 1000; round++) {
    const history = generate(rng, { ...SMALL, timed: true });
    assert.equal(check(history), 'ok', JSON.stringify(history));
    assert.equal(bruteForce(history), true);
    expiredDeletes += history.filter(
      (op) => op.input.op === 'delete' && op.output.type === 'int' && op.output.value === 1,
    ).length;
    const older = mutateRead(rng, history, (key) => {
      const values = writtenValues(history, key);
      return values.length === 0 || rng.chance(0.3) ? null : rng.pick(values);
    });
    if (older === null) continue;
    const expected = bruteForce(older) ? 'ok' : 'illegal';
    assert.equal(check(older), expected, JSON.stringify(older));
    if (expected === 'illegal') illegal++;
  }
  assert.ok(expiredDeletes > 50, `only ${expiredDeletes} expiry entries deleted a key`);
  assert.ok(illegal > 100, `only ${illegal} illegal mutations`);
});

test('random medium histories: real executions pass, a never-written read fails', () => {
  const rng = new SimRng(7);
  const options: GenOptions = {
    ops: 300,
    keys: 3,
    clients: 6,
    pendingRate: 0.03,
    maxGap: 4,
    maxDuration: 12,
  };
  for (let round = 0; round < 40; round++) {
    const history = generate(rng, options);
    assert.equal(check(history), 'ok');
    const mutated = mutateRead(rng, history, () => 'never-written');
    if (mutated !== null) assert.equal(check(mutated), 'illegal');
  }
});

test('10k operations over 10 keys check in well under a second', () => {
  const rng = new SimRng(99);
  const options: GenOptions = {
    ops: 10_000,
    keys: 10,
    clients: 20,
    pendingRate: 0.01,
    maxGap: 5,
    maxDuration: 20,
  };
  const history = generate(rng, options);
  const started = performance.now();
  const report = checkOperations(kvModel, history);
  const okMs = performance.now() - started;
  assert.equal(report.result, 'ok');
  const mutated = mutateRead(rng, history, () => 'never-written');
  assert.ok(mutated !== null);
  const again = performance.now();
  assert.equal(check(mutated), 'illegal');
  const illegalMs = performance.now() - again;
  process.stdout.write(
    `# 10k ops: ok in ${okMs.toFixed(0)} ms (${report.steps} steps), illegal in ${illegalMs.toFixed(0)} ms\n`,
  );
  assert.ok(okMs < 1000 && illegalMs < 1000, `${okMs} ms / ${illegalMs} ms`);
});

test('many timed-out operations on few keys stay cheap to check', () => {
  const rng = new SimRng(3);
  const options: GenOptions = {
    ops: 3000,
    keys: 2,
    clients: 8,
    pendingRate: 0.1,
    maxGap: 5,
    maxDuration: 20,
  };
  const history = generate(rng, options);
  const report = checkOperations(kvModel, history, { maxSteps: 2_000_000 });
  assert.equal(report.result, 'ok');
  process.stdout.write(`# 3000 ops, 2 keys, 10% timed out: ${report.steps} steps\n`);
});
