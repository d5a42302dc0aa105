/**
 * Linearizability on real processes: clients run SET, GET, INCR, APPEND and SET ... GET
 * (a read-modify-write in one command) on a few keys through any node of a 3-node group
 * (follower-proxy on), while nodes are killed with SIGKILL, paused with SIGSTOP and
 * restarted; the history they saw must be linearizable (the Porcupine-style checker of
 * the simulator).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { TestCluster, sleep } from '../support/cluster.js';
import {
  checkOperations,
  describeExplanation,
  kvModel,
  type KvInput,
  type KvOperation,
  type KvOutput,
} from '../sim/linearizability.js';
import { SimRng } from '../sim/rng.js';

const KEYS = ['h:a', 'h:b', 'h:c'];
const CLIENTS = 6;
const RUN_MS = 12_000;
/** A reply later than this is given up on: the operation's outcome is unknown. */
const REPLY_TIMEOUT_MS = 3_000;

let c: TestCluster;

before(async () => {
  c = await TestCluster.start(3, { timeoutMs: 300, args: ['--follower-proxy', 'yes'] });
});

after(async () => {
  await c.close();
});

function randomInput(rng: SimRng, serial: string): KvInput {
  const key = KEYS[rng.int(KEYS.length)] as string;
  const roll = rng.int(10);
  if (roll < 3) return { op: 'get', key };
  if (roll < 5) return { op: 'put', key, value: String(rng.int(1000)) };
  if (roll < 7) return { op: 'incr', key, by: 1 };
  if (roll < 8) return { op: 'append', key, value: serial };
  return { op: 'swap', key, value: String(rng.int(1000)) };
}

function argv(input: KvInput): string[] {
  switch (input.op) {
    case 'get':
      return ['GET', input.key];
    case 'put':
      return ['SET', input.key, input.value];
    case 'swap':
      return ['SET', input.key, input.value, 'GET'];
    case 'incr':
      return ['INCR', input.key];
    case 'append':
      return ['APPEND', input.key, input.value];
    case 'delete':
      return ['DEL', input.key];
  }
}

/**
 * What a reply means for the history: an output, `skip` for a command that certainly did
 * not apply (no leader took it, or a redirection), or `unknown` (it may have applied).
 */
function classify(input: KvInput, reply: unknown): KvOutput | 'skip' {
  if (reply instanceof Error) {
    const m = reply.message;
    if (/^(CLUSTERDOWN|MOVED|ASK)\b/.test(m) || m.includes('did not apply')) return 'skip';
    if (m.startsWith('ERR value is not an integer')) return { type: 'error' };
    return { type: 'unknown' };
  }
  if (input.op === 'get' || input.op === 'swap') {
    return { type: 'value', value: reply === null ? null : String(reply) };
  }
  if (input.op === 'put') return { type: 'ok' };
  return { type: 'int', value: Number(reply) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | Error> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(new Error('client timeout')), ms);
    p.then(
      (v) => resolve(v),
      (err: unknown) => resolve(err instanceof Error ? err : new Error(String(err))),
    ).finally(() => clearTimeout(timer));
  });
}

/** One client: connects to some live node, runs random operations until `until`. */
async function client(id: number, until: number, history: KvOperation[]): Promise<void> {
  const rng = new SimRng(1000 + id);
  let conn: Redis | null = null;
  let serial = 0;
  while (performance.now() < until) {
    if (conn === null) {
      const live = c.live();
      const node = live[rng.int(live.length)];
      if (node === undefined) {
        await sleep(50);
        continue;
      }
      conn = await c.client(node).catch(() => null);
      if (conn === null) {
        await sleep(50);
        continue;
      }
    }
    const input = randomInput(rng, `${id}.${serial++};`);
    const call = performance.now();
    const [name, ...args] = argv(input) as [string, ...string[]];
    const reply = await withTimeout(conn.call(name, ...args), REPLY_TIMEOUT_MS);
    const output = classify(input, reply);
    if (output === 'skip') continue;
    const unknown = output.type === 'unknown';
    history.push({
      client: id,
      input,
      output,
      call,
      return: unknown ? Infinity : performance.now(),
    });
    if (unknown) {
      // A lost connection or a timeout: start over on another node.
      conn.disconnect();
      conn = null;
    }
  }
  conn?.disconnect();
}

/** Kills and restarts, or pauses and resumes, a node in turn; never more than one down. */
async function nemesis(until: number): Promise<string[]> {
  const rng = new SimRng(7);
  const done: string[] = [];
  while (performance.now() < until - 2_000) {
    await sleep(1_000 + rng.int(1_000));
    const leader = await c.leader(5_000).catch(() => 0);
    const victim = leader !== 0 && rng.int(2) === 0 ? leader : 1 + rng.int(3);
    if (done.length % 2 === 0) {
      await c.kill(victim);
      done.push(`kill ${victim}${victim === leader ? ' (leader)' : ''}`);
      await sleep(500 + rng.int(1_000));
      await c.startNode(victim);
    } else {
      c.pause(victim);
      done.push(`pause ${victim}${victim === leader ? ' (leader)' : ''}`);
      await sleep(500 + rng.int(1_000));
      c.resume(victim);
    }
  }
  return done;
}

test('a history of SET, GET, INCR, APPEND and SET ... GET under kills and pauses is linearizable', async (t) => {
  const history: KvOperation[] = [];
  const until = performance.now() + RUN_MS;
  const [faults] = await Promise.all([
    nemesis(until),
    ...Array.from({ length: CLIENTS }, (_, i) => client(i + 1, until, history)),
  ]);
  const answered = history.filter((op) => op.return !== Infinity).length;
  const report = checkOperations(kvModel, history);
  t.diagnostic(`faults: ${faults.join(', ')}`);
  t.diagnostic(`${history.length} operations, ${history.length - answered} unknown outcome`);
  const detail =
    report.explanation === null ? '' : describeExplanation(kvModel, report.explanation);
  assert.equal(report.result, 'ok', `faults: ${faults.join(', ')}\n${detail}`);
  assert.ok(faults.length >= 3, `the nemesis struck (${faults.join(', ')})`);
  // The group kept serving through the faults, not just before the first one.
  assert.ok(answered > 500, `${answered} operations answered`);
});
