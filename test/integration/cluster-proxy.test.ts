/**
 * follower-proxy with state on the leader's side: MULTI/EXEC, WATCH and blocking
 * commands sent to a follower of a 3-node group of real processes run on the leader as
 * a Redis user expects, without holding or interleaving with the shared pool.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { TestCluster, errorText, sleep } from '../support/cluster.js';

let c: TestCluster;
let leader: number;
let followers: number[];

before(async () => {
  // A generous election timeout: no election under CI load moves the leader mid-test.
  c = await TestCluster.start(3, { timeoutMs: 1000, args: ['--follower-proxy', 'yes'] });
  leader = await c.leader();
  followers = [1, 2, 3].filter((id) => id !== leader);
});

after(async () => {
  await c.close();
});

function follower(i = 0): number {
  return followers[i] as number;
}

/** Runs `fn` with fresh clients of the given nodes, disconnected afterwards. */
async function withClients<T>(ids: number[], fn: (...rs: Redis[]) => Promise<T>): Promise<T> {
  const rs = await Promise.all(ids.map((id) => c.client(id)));
  try {
    return await fn(...rs);
  } finally {
    for (const r of rs) r.disconnect();
  }
}

/** A field of INFO <section> on a node, as a number. */
async function infoField(id: number, section: string, name: string): Promise<number> {
  const text = (await c.call(id, 'INFO', section)) as string;
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`never: ${what}`);
}

/** The leader's clients that a proxy opened. */
async function proxyClients(): Promise<number> {
  const list = (await c.call(leader, 'CLIENT', 'LIST')) as string;
  return list.split('\n').filter((l) => / name=aikv-proxy-/.test(l)).length;
}

test('MULTI/EXEC through a follower runs on the leader, with node commands and SELECT', async () => {
  await withClients([follower()], async (r) => {
    const replies = await r
      .multi()
      .set('tx:a', '1')
      .incr('tx:a')
      .ping()
      .get('tx:a')
      .select(2)
      .set('tx:in-2', 'two')
      .exec();
    assert.deepEqual(replies, [
      [null, 'OK'],
      [null, 2],
      [null, 'PONG'],
      [null, '2'],
      [null, 'OK'],
      [null, 'OK'],
    ]);
    // The SELECT in the transaction moved the client, as it does in Redis.
    assert.equal(await r.get('tx:in-2'), 'two');
    assert.equal(await r.call('CLIENT', 'INFO').then((s) => /db=2/.test(String(s))), true);
  });
  assert.equal(await c.call(leader, 'GET', 'tx:a'), '2');
  await withClients([leader], async (l) => {
    await l.select(2);
    assert.equal(await l.get('tx:in-2'), 'two');
  });
});

test('a queueing error on a follower answers at once and EXEC answers EXECABORT', async () => {
  await withClients([follower()], async (r) => {
    assert.equal(await r.call('MULTI'), 'OK');
    assert.equal(await r.call('SET', 'abort:k', 'v'), 'QUEUED');
    const arity = await r.call('SET', 'abort:k').catch((e: Error) => e);
    assert.equal(errorText(arity), "ERR wrong number of arguments for 'set' command");
    const unknown = await r.call('NOSUCHCMD', 'x').catch((e: Error) => e);
    assert.match(errorText(unknown), /^ERR unknown command 'NOSUCHCMD'/);
    const exec = await r.call('EXEC').catch((e: Error) => e);
    assert.equal(errorText(exec), 'EXECABORT Transaction discarded because of previous errors.');
    // The connection is out of MULTI: commands run again.
    assert.equal(await r.call('SET', 'abort:after', '1'), 'OK');
  });
  assert.equal(await c.call(leader, 'EXISTS', 'abort:k'), 0);
  assert.equal(await c.call(leader, 'GET', 'abort:after'), '1');
});

test('EXEC without MULTI and DISCARD answer as in Redis on a follower', async () => {
  await withClients([follower()], async (r) => {
    assert.equal(errorText(await r.call('EXEC').catch((e: Error) => e)), 'ERR EXEC without MULTI');
    await r.call('MULTI');
    await r.call('SET', 'discarded', '1');
    assert.equal(await r.call('DISCARD'), 'OK');
  });
  assert.equal(await c.call(leader, 'EXISTS', 'discarded'), 0);
});

test('WATCH through a follower: a change at the leader fails EXEC, no change lets it run', async () => {
  await withClients([follower(), leader], async (r, l) => {
    await r.set('w:k', '0');
    assert.equal(await r.watch('w:k'), 'OK');
    await l.set('w:k', 'changed-at-leader');
    assert.equal(await r.multi().set('w:k', 'mine').exec(), null, 'EXEC fails: null array');
    assert.equal(await l.get('w:k'), 'changed-at-leader');

    assert.equal(await r.watch('w:k'), 'OK');
    assert.deepEqual(await r.multi().set('w:k', 'mine').exec(), [[null, 'OK']]);
    assert.equal(await l.get('w:k'), 'mine');

    // UNWATCH ends the watch on the leader: a later change no longer matters.
    await r.watch('w:k');
    assert.equal(await r.unwatch(), 'OK');
    await l.set('w:k', 'again');
    assert.deepEqual(await r.multi().get('w:k').exec(), [[null, 'again']]);
  });
});

test('WATCH on a follower holds a connection to the leader until EXEC, then closes it', async () => {
  await withClients([follower()], async (r) => {
    await r.set('w:warm', '1');
    const before = await proxyClients();
    await r.watch('w:conn');
    assert.equal(await proxyClients(), before + 1);
    // Commands between WATCH and EXEC use that connection: the watch still applies.
    assert.equal(await r.get('w:conn'), null);
    await r.multi().set('w:conn', '1').exec();
    await until('the session connection closes', async () => (await proxyClients()) === before);
    await r.watch('w:conn');
    assert.equal(
      await r.call('DISCARD').catch((e: Error) => e.message),
      'ERR DISCARD without MULTI',
    );
    await r.call('RESET');
    await until('RESET closes it', async () => (await proxyClients()) === before);
  });
});

test('a WATCH conflict by another client through the other follower is detected', async () => {
  await withClients([follower(0), follower(1)], async (a, b) => {
    await a.watch('w:x');
    await b.set('w:x', 'b-was-here');
    assert.equal(await a.multi().set('w:x', 'a').exec(), null);
  });
  assert.equal(await c.call(leader, 'GET', 'w:x'), 'b-was-here');
});

test('BLPOP through a follower is woken by an LPUSH at the leader', async () => {
  await withClients([follower(), leader], async (r, l) => {
    const pop = r.blpop('b:list', 0);
    await until('blocked on the leader', async () => {
      return (await infoField(leader, 'clients', 'blocked_clients')) === 1;
    });
    assert.equal(await infoField(follower(), 'clients', 'blocked_clients'), 1, 'and here');
    assert.equal(await l.lpush('b:list', 'hello'), 1);
    assert.deepEqual(await pop, ['b:list', 'hello']);
    // BZPOPMIN and BLMOVE too; a timeout answers the command's null.
    const z = r.bzpopmin('b:zset', 0);
    await until('blocked again', async () => {
      return (await infoField(leader, 'clients', 'blocked_clients')) === 1;
    });
    await l.zadd('b:zset', 1, 'm');
    assert.deepEqual(await z, ['b:zset', 'm', '1']);
    assert.equal(await r.blmove('b:none', 'b:dst', 'LEFT', 'RIGHT', 0.05), null);
    assert.equal(await r.blpop('b:none', 0.05), null);
  });
});

test('a pipelined push then pop from one client reach the leader in order', async () => {
  await withClients([follower()], async (r) => {
    const [pushed, popped] = await Promise.all([r.rpush('b:order', 'x'), r.blpop('b:order', 0)]);
    assert.equal(pushed, 1);
    assert.deepEqual(popped, ['b:order', 'x']);
  });
});

test('clients blocked through a follower do not hold the pool others use', async () => {
  const blockers = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(() => c.client(follower())));
  try {
    const pops = blockers.map((b, i) => b.blpop(`b:hold:${i}`, 0));
    await until('all blocked', async () => {
      return (await infoField(leader, 'clients', 'blocked_clients')) === blockers.length;
    });
    // Fresh clients land on every pooled connection: each still answers at once.
    for (let i = 0; i < 8; i++) {
      assert.equal(await c.call(follower(), 'SET', `b:free:${i}`, 'v'), 'OK');
    }
    await withClients([leader], async (l) => {
      for (let i = 0; i < blockers.length; i++) await l.rpush(`b:hold:${i}`, 'v');
    });
    assert.equal((await Promise.all(pops)).length, blockers.length);
  } finally {
    for (const b of blockers) b.disconnect();
  }
});

test('CLIENT UNBLOCK on the follower unblocks a proxied BLPOP, with or without ERROR', async () => {
  await withClients([follower(), follower()], async (r, admin) => {
    const id = (await r.client('ID')) as number;
    assert.equal(await admin.call('CLIENT', 'UNBLOCK', String(id)), 0, 'not blocked yet');
    const pop = r.blpop('u:list', 0);
    await until('blocked', async () => {
      const list = (await admin.call('CLIENT', 'LIST', 'ID', String(id))) as string;
      return / flags=b /.test(list);
    });
    assert.equal(await admin.call('CLIENT', 'UNBLOCK', String(id)), 1);
    assert.equal(await pop, null, 'answers as a timeout');
    const again = r.blpop('u:list', 0).catch((e: Error) => e);
    await until('blocked again', async () => {
      return (await admin.call('CLIENT', 'UNBLOCK', String(id), 'ERROR')) === 1;
    });
    assert.equal(errorText(await again), 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    assert.equal(await r.ping(), 'PONG', 'the client runs commands again');
  });
  assert.equal(await infoField(leader, 'clients', 'blocked_clients'), 0);
});

test('a client that disconnects while blocked through a follower unblocks on the leader', async () => {
  const r = await c.client(follower());
  void r.blpop('d:list', 0).catch(() => undefined);
  await until('blocked', async () => (await infoField(leader, 'clients', 'blocked_clients')) === 1);
  r.disconnect();
  await until(
    'unblocked',
    async () => (await infoField(leader, 'clients', 'blocked_clients')) === 0,
  );
  // Nobody pops what is pushed next.
  assert.equal(await c.call(leader, 'RPUSH', 'd:list', 'kept'), 1);
  assert.deepEqual(await c.call(leader, 'LRANGE', 'd:list', '0', '-1'), ['kept']);
});

test('concurrent MULTI INCR a; INCR b; EXEC through both followers never interleave', async () => {
  await c.call(leader, 'DEL', 'c:a', 'c:b', 'c:other');
  const clients = 24;
  const rounds = 40;
  const ids = Array.from({ length: clients }, (_, i) => follower(i % 2));
  await withClients(ids, async (...rs) => {
    const work = rs.map(async (r, i) => {
      for (let n = 0; n < rounds; n++) {
        if (i % 3 === 0) {
          // Plain commands share the pooled connections with the transactions.
          const [x, y] = await Promise.all([r.incr('c:other'), r.get('c:other')]);
          assert.equal(typeof x, 'number');
          assert.equal(typeof y, 'string');
          continue;
        }
        const replies = await r.multi().incr('c:a').incr('c:b').exec();
        const [[ea, a], [eb, b]] = replies as [[Error | null, number], [Error | null, number]];
        assert.equal(ea, null);
        assert.equal(eb, null);
        assert.equal(a, b, 'a transaction saw a == b');
      }
    });
    await Promise.all(work);
  });
  const transactions = (clients - clients / 3) * rounds;
  assert.equal(await c.call(leader, 'GET', 'c:a'), String(transactions));
  assert.equal(await c.call(leader, 'GET', 'c:b'), String(transactions));
  assert.equal(await c.call(leader, 'GET', 'c:other'), String((clients / 3) * rounds));
});

test('RESP3 clients get the same transaction and blocking replies', async () => {
  await withClients([follower()], async (r) => {
    await r.call('HELLO', '3');
    await r.call('MULTI');
    await r.call('SET', 'r3:k', 'v');
    await r.call('HSET', 'r3:h', 'f', 'v');
    await r.call('HGETALL', 'r3:h');
    assert.deepEqual(await r.call('EXEC'), ['OK', 1, ['f', 'v']]);
    assert.equal(await r.call('BLPOP', 'r3:none', '0.05'), null);
  });
});

test('a client that switches to RESP3 while its WATCH is held gets RESP3 replies from the leader', async () => {
  await withClients([leader], async (l) => {
    await l.hset('r3w:h', 'f', 'v');
  });
  const socket = connect(c.node(follower()).port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('WATCH r3w:k\r\nHELLO 3\r\nHGETALL r3w:h\r\nUNWATCH\r\n');
  // WATCH's +OK first, UNWATCH's last.
  await until('all four replies', async () => {
    return received.endsWith('+OK\r\n') && received.lastIndexOf('+OK') > 0;
  });
  socket.destroy();
  // HGETALL went over the WATCH's own connection to the leader: a RESP3 map.
  assert.ok(received.includes('%1\r\n$1\r\nf\r\n$1\r\nv\r\n'), JSON.stringify(received));
});

// Last: it kills the leader.
test('the leader dies mid-transaction: errors, never a half-applied transaction', async () => {
  const watcher = await c.client(follower(0));
  await watcher.watch('f:watched');
  const stop = { now: false };
  const acked = { count: 0, attempts: 0 };
  const clients = await Promise.all(
    followers.flatMap((id) => [id, id, id].map(() => c.client(id))),
  );
  const work = clients.map(async (r) => {
    while (!stop.now) {
      acked.attempts++;
      const replies = await r
        .multi()
        .incr('f:a')
        .incr('f:b')
        .exec()
        .catch(() => null);
      if (replies !== null && replies.every(([err]) => err === null)) acked.count++;
      else await sleep(20);
    }
  });
  try {
    await sleep(300);
    await c.kill(leader);
    // The watcher's connection to the dead leader is gone: its EXEC fails, unsent.
    const exec = await watcher
      .multi()
      .set('f:watched', 'x')
      .exec()
      .catch((e: Error) => e);
    assert.match(errorText(exec), /^(TRYAGAIN|EXECABORT|CLUSTERDOWN)/);
    const next = await c.leader(15_000);
    await until('transactions run again', async () => {
      const before = acked.count;
      await sleep(200);
      return acked.count > before;
    });
    stop.now = true;
    await Promise.all(work);
    assert.equal(await c.call(next, 'GET', 'f:watched'), null, 'the watched EXEC never applied');
    const [a, b] = (await c.call(next, 'MGET', 'f:a', 'f:b')) as [string, string];
    assert.equal(a, b, 'no transaction half-applied');
    assert.ok(Number(a) >= acked.count, `${a} applied, ${acked.count} acknowledged`);
    assert.ok(Number(a) <= acked.attempts);
    await c.sameDigest(followers);
  } finally {
    stop.now = true;
    await Promise.all(work);
    watcher.disconnect();
    for (const r of clients) r.disconnect();
  }
});
