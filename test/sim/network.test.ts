import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_BYTES, MessageType, type Message, type NodeId } from '../../src/raft/types.js';
import { describeEvent, SimNetwork, type LinkOptions, type NetworkEvent } from './network.js';
import { SimRng } from './rng.js';
import { Scheduler } from './scheduler.js';

/** A message from → to whose `index` tells messages apart. */
function msg(from: NodeId, to: NodeId, index = 0): Message {
  return {
    type: MessageType.App,
    group: 1,
    from,
    to,
    term: 1,
    logTerm: 1,
    index,
    entries: [],
    commit: 0,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
  };
}

interface World {
  readonly scheduler: Scheduler;
  readonly net: SimNetwork;
  readonly events: NetworkEvent[];
  /** Per node: `from:index@time` of each delivered message. */
  readonly inbox: Map<NodeId, string[]>;
}

function world(seed: number, link: Partial<LinkOptions> = {}, nodes = [1, 2, 3, 4, 5]): World {
  const scheduler = new Scheduler();
  const events: NetworkEvent[] = [];
  const net = new SimNetwork({
    scheduler,
    rng: new SimRng(seed),
    link,
    trace: (e) => events.push(e),
  });
  const inbox = new Map<NodeId, string[]>();
  for (const id of nodes) {
    const box: string[] = [];
    inbox.set(id, box);
    net.attach(id, (m) => box.push(`${m.from}:${m.index}@${scheduler.now}`));
  }
  return { scheduler, net, events, inbox };
}

/** Sends `count` messages between random pairs of the five nodes, then runs to the end. */
function chatter(w: World, seed: number, count: number): string[] {
  const rng = new SimRng(seed);
  for (let i = 0; i < count; i++) {
    w.scheduler.schedule(rng.int(50), () => {
      const from = rng.range(1, 5);
      const other = rng.range(1, 4);
      w.net.send(msg(from, other >= from ? other + 1 : other, i));
    });
  }
  w.scheduler.runUntilIdle();
  return w.events.map(describeEvent);
}

const LOSSY: Partial<LinkOptions> = {
  minDelayMs: 1,
  maxDelayMs: 10,
  dropRate: 0.1,
  duplicateRate: 0.1,
  reorderRate: 0.2,
  reorderDelayMs: 30,
};

test('the same seed replays the same trace; another seed gives another', () => {
  const a = chatter(world(1, LOSSY), 7, 300);
  const b = chatter(world(1, LOSSY), 7, 300);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, chatter(world(2, LOSSY), 7, 300));
  assert.ok(a.some((line) => line.includes('drop (loss)')));
  assert.ok(a.some((line) => line.includes('duplicate')));
});

test('delivery takes the link delay and is counted', () => {
  const w = world(3, { minDelayMs: 4, maxDelayMs: 6 });
  for (let i = 0; i < 100; i++) w.net.send(msg(1, 2, i));
  assert.equal(w.net.inFlight, 100);
  w.scheduler.runUntilIdle();
  const times = (w.inbox.get(2) ?? []).map((s) => Number(s.split('@')[1]));
  assert.equal(times.length, 100);
  assert.ok(times.every((t) => t >= 4 && t <= 6));
  assert.deepEqual(new Set(times), new Set([4, 5, 6]));
  assert.equal(w.net.stats.sent, 100);
  assert.equal(w.net.stats.delivered, 100);
  assert.equal(w.net.stats.dropped, 0);
  assert.equal(w.net.inFlight, 0);
});

test('loss and duplication happen at their rates', () => {
  const w = world(4, { dropRate: 0.25, duplicateRate: 0.2 });
  for (let i = 0; i < 10_000; i++) w.net.send(msg(1, 2, i));
  w.scheduler.runUntilIdle();
  const { stats } = w.net;
  assert.ok(
    stats.droppedBy.loss > 2_300 && stats.droppedBy.loss < 2_700,
    `${stats.droppedBy.loss} lost`,
  );
  assert.ok(stats.duplicated > 1_300 && stats.duplicated < 1_700, `${stats.duplicated} duplicated`);
  assert.equal(stats.delivered, stats.sent - stats.dropped + stats.duplicated);
});

test('reordering lets later messages overtake; a FIFO link never does', () => {
  const order = (fifo: boolean): number[] => {
    const w = world(5, {
      minDelayMs: 1,
      maxDelayMs: 1,
      reorderRate: 0.3,
      reorderDelayMs: 20,
      fifo,
    });
    for (let i = 0; i < 200; i++) w.scheduler.at(i, () => w.net.send(msg(1, 2, i)));
    w.scheduler.runUntilIdle();
    return (w.inbox.get(2) ?? []).map((s) => Number(s.split(':')[1]?.split('@')[0]));
  };
  const sorted = (xs: number[]): boolean =>
    xs.every((x, i) => i === 0 || (xs[i - 1] as number) <= x);
  const reordered = order(false);
  assert.equal(reordered.length, 200);
  assert.equal(sorted(reordered), false);
  const fifo = order(true);
  assert.equal(fifo.length, 200);
  assert.equal(sorted(fifo), true);
});

test('per-link options override the defaults for that direction only', () => {
  const w = world(6, { minDelayMs: 1, maxDelayMs: 1 });
  w.net.setLink(1, 2, { minDelayMs: 100, maxDelayMs: 100 });
  w.net.send(msg(1, 2));
  w.net.send(msg(2, 1));
  w.scheduler.runUntilIdle();
  assert.deepEqual(w.inbox.get(2), ['1:0@100']);
  assert.deepEqual(w.inbox.get(1), ['2:0@1']);
  w.net.resetLinks();
  assert.equal(w.net.linkOptions(1, 2).maxDelayMs, 1);
});

/** Which ordered pairs among `nodes` can deliver a message right now (checked by sending). */
function reachable(w: World, nodes: readonly NodeId[]): string[] {
  for (const box of w.inbox.values()) box.length = 0;
  for (const from of nodes) for (const to of nodes) if (from !== to) w.net.send(msg(from, to));
  w.scheduler.runUntilIdle();
  const pairs: string[] = [];
  for (const to of nodes)
    for (const line of w.inbox.get(to) ?? []) pairs.push(`${line.split(':')[0]}>${to}`);
  return pairs.sort();
}

test('a partition splits nodes into sides; unlisted nodes form one more; heal joins them', () => {
  const w = world(7);
  w.net.partition([1, 2], [3]);
  assert.deepEqual(reachable(w, [1, 2, 3, 4, 5]), ['1>2', '2>1', '4>5', '5>4']);
  assert.equal(w.net.canReach(1, 3), false);
  assert.equal(w.net.canReach(3, 1), false);
  assert.ok(w.net.stats.droppedBy.partition > 0);
  w.net.heal();
  assert.equal(reachable(w, [1, 2, 3, 4, 5]).length, 20);
  assert.throws(() => w.net.partition([1, 2], [2, 3]), RangeError);
});

test('a one-way cut loses one direction only, until restored', () => {
  const w = world(8);
  w.net.cut(1, 2);
  assert.deepEqual(reachable(w, [1, 2]), ['2>1']);
  assert.equal(w.net.canReach(1, 2), false);
  assert.equal(w.net.canReach(2, 1), true);
  w.net.restore(1, 2);
  assert.deepEqual(reachable(w, [1, 2]), ['1>2', '2>1']);
});

test('an isolated node neither sends nor receives until it rejoins', () => {
  const w = world(9);
  w.net.isolate(3);
  assert.deepEqual(reachable(w, [1, 2, 3]), ['1>2', '2>1']);
  w.net.rejoin(3);
  assert.equal(reachable(w, [1, 2, 3]).length, 6);
});

test('a cut also loses the messages already in flight across it', () => {
  const w = world(10, { minDelayMs: 10, maxDelayMs: 10 });
  w.net.send(msg(1, 2));
  w.net.send(msg(1, 3));
  w.scheduler.runUntil(5);
  w.net.partition([1, 3], [2]);
  w.scheduler.runUntilIdle();
  assert.deepEqual(w.inbox.get(2), []);
  assert.deepEqual(w.inbox.get(3), ['1:0@10']);
  assert.equal(w.net.stats.droppedBy.partition, 1);
});

test('a down node loses what it sends and what is sent to it, even after it comes back', () => {
  const w = world(11, { minDelayMs: 10, maxDelayMs: 10 });
  w.net.send(msg(1, 2, 1)); // in flight when 2 crashes
  w.scheduler.runUntil(5);
  w.net.down(2);
  assert.equal(w.net.isUp(2), false);
  w.net.send(msg(1, 2, 2));
  w.net.send(msg(2, 1, 3));
  w.scheduler.runUntil(8);
  w.net.send(msg(1, 2, 4)); // sent while 2 is down, arrives after the restart
  const restarted: string[] = [];
  w.net.up(2, (m) => restarted.push(`${m.from}:${m.index}`));
  w.net.send(msg(1, 2, 5));
  w.scheduler.runUntilIdle();
  assert.deepEqual(w.inbox.get(2), []);
  assert.deepEqual(restarted, ['1:5']);
  assert.deepEqual(w.inbox.get(1), []);
  const { droppedBy } = w.net.stats;
  assert.equal(droppedBy['receiver-down'], 3);
  assert.equal(droppedBy['sender-down'], 1);
});

test('a message to a node never attached is dropped', () => {
  const w = world(12, {}, [1]);
  w.net.send(msg(1, 9));
  assert.equal(w.net.stats.droppedBy['no-such-node'], 1);
  assert.throws(() => w.net.down(9), RangeError);
});
