/**
 * The cluster family's reply formats (CLUSTER NODES/SLOTS/SHARDS/INFO, ROLE) as pure
 * functions of a view of the group, and its handlers' argument checks and errors, in
 * redis 7.0.15's exact wording.
 */
import { NO_TRANSACTIONS, now } from '../support/node-fakes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterCommands,
  clusterInfoText,
  clusterNodesText,
  clusterShardsReply,
  clusterSlotsReply,
  nodeName,
  parseClusterNodes,
  parseNodeId,
  roleReply,
} from '../../src/commands/cluster.js';
import { ExecContext } from '../../src/commands/context.js';
import type {
  ClusterApi,
  ClusterMember,
  ClusterView,
  NodeContext,
  NodeServices,
  ReplyMode,
  Session,
} from '../../src/commands/node.js';
import { Registry } from '../../src/commands/registry.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { EMPTY_ARRAY, OK, error, map, verbatim, type Reply } from '../../src/resp/reply.js';
import { keyHashSlot } from '../../src/util/crc16.js';
import { testSettings } from '../support/harness.js';

const NOW = 1_700_000_000_000;

function member(id: number, over: Partial<ClusterMember> = {}): ClusterMember {
  return {
    id,
    host: '127.0.0.1',
    port: 7000 + id,
    busPort: 17000 + id,
    voter: true,
    connected: true,
    offset: 40 + id,
    lagSeconds: 0,
    ...over,
  };
}

/** Node 1 leads; 2 is a voter, 3 a learner that is unreachable. Seen from `self`. */
function view(self: number, leader = 1): ClusterView {
  return {
    self,
    leader,
    term: 7,
    members: [
      member(1),
      member(2, { lagSeconds: 2 }),
      member(3, { voter: false, connected: false }),
    ],
    applied: 42,
    messagesSent: 10,
    messagesReceived: 12,
  };
}

test('node names are 40 hex digits; FORGET-style ids parse from either form', () => {
  assert.equal(nodeName(1), '0000000000000000000000000000000000000001');
  assert.equal(nodeName(255), '00000000000000000000000000000000000000ff');
  assert.equal(parseNodeId('12'), 12);
  assert.equal(parseNodeId(nodeName(4096)), 4096);
  assert.equal(parseNodeId('00000000000000000000000000000000000000FF'), 255);
  for (const bad of ['0', '-1', 'abc', '', '1.5', nodeName(0), 'f'.repeat(40)]) {
    assert.equal(parseNodeId(bad), null, bad);
  }
});

test('CLUSTER NODES: the leader masters 0-16383, the others are its replicas', () => {
  const text = clusterNodesText(view(2), NOW);
  const master = nodeName(1);
  assert.equal(
    text,
    `${master} 127.0.0.1:7001@17001 master - 0 ${NOW} 7 connected 0-16383\n` +
      `${nodeName(2)} 127.0.0.1:7002@17002 myself,slave ${master} 0 0 7 connected\n` +
      `${nodeName(3)} 127.0.0.1:7003@17003 slave,nofailover,fail? ${master} 0 0 7 disconnected\n`,
  );
  assert.deepEqual(
    parseClusterNodes(text).map((m) => [m.id, m.host, m.port, m.busPort]),
    [
      [1, '127.0.0.1', 7001, 17001],
      [2, '127.0.0.1', 7002, 17002],
      [3, '127.0.0.1', 7003, 17003],
    ],
  );
});

test('CLUSTER NODES without a leader: every member a master without slots', () => {
  const text = clusterNodesText(view(2, 0), NOW);
  assert.match(text, /^0{39}1 127\.0\.0\.1:7001@17001 master - 0 \d+ 7 connected\n/);
  assert.doesNotMatch(text, /0-16383|slave/);
});

test('CLUSTER SLOTS: one range, the leader first, then the replicas it can reach', () => {
  const node = (id: number): Reply => ['127.0.0.1', 7000 + id, nodeName(id), map(EMPTY_ARRAY)];
  assert.deepEqual(clusterSlotsReply(view(1)), [[0, 16383, node(1), node(2)]]);
  assert.deepEqual(clusterSlotsReply(view(1, 0)), EMPTY_ARRAY);
});

test('CLUSTER SHARDS: one shard with every slot, nodes as maps in Redis field order', () => {
  const reply = clusterShardsReply(view(1));
  assert.ok(Array.isArray(reply));
  const shard = (reply as Reply[])[0] as { kind: string; entries: Reply[] };
  assert.deepEqual(shard.entries.slice(0, 3), ['slots', [0, 16383], 'nodes']);
  const nodes = shard.entries[3] as unknown as { entries: Reply[] }[];
  assert.deepEqual(nodes[0]?.entries, [
    'id',
    nodeName(1),
    'port',
    7001,
    'ip',
    '127.0.0.1',
    'endpoint',
    '127.0.0.1',
    'role',
    'master',
    'replication-offset',
    41,
    'health',
    'online',
  ]);
  assert.deepEqual(nodes[2]?.entries.slice(-4), ['replication-offset', 43, 'health', 'fail']);
});

test('CLUSTER INFO: ok with a leader, fail without one', () => {
  assert.equal(
    clusterInfoText(view(1)),
    'cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\n' +
      'cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:3\r\n' +
      'cluster_size:1\r\ncluster_current_epoch:7\r\ncluster_my_epoch:7\r\n' +
      'cluster_stats_messages_sent:10\r\ncluster_stats_messages_received:12\r\n' +
      'total_cluster_links_buffer_limit_exceeded:0\r\n',
  );
  assert.match(clusterInfoText(view(1, 0)), /^cluster_state:fail\r\ncluster_slots_assigned:0\r\n/);
});

test('ROLE: master with its reachable replicas as strings; slave with its master', () => {
  assert.deepEqual(roleReply(view(1)), ['master', 42, [['127.0.0.1', '7002', '42']]]);
  assert.deepEqual(roleReply(view(2)), ['slave', '127.0.0.1', 7001, 'connected', 42]);
  const down = { ...view(2), members: [member(1, { connected: false }), member(2)] };
  assert.deepEqual(roleReply(down), ['slave', '127.0.0.1', 7001, 'connect', 42]);
  assert.deepEqual(roleReply(view(2, 0)), ['slave', '?', 0, 'connect', 42]);
});

// ---------------------------------------------------------------------------------------
// Handlers, against fake node services

class FakeSession implements Session {
  readonly id = 5;
  readonly isLocal = true;
  db = 0;
  proto: 2 | 3 = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated = true;
  user = 'default';
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  readOnly = false;
  writeIndex = 0;
  closeAfterReply(): void {}
  reset(): void {}
}

class FakeCluster implements ClusterApi {
  current = view(1);
  added: [number, string, number, number][] = [];
  removed: number[] = [];
  waits: [number, number, number][] = [];
  view(): ClusterView {
    return this.current;
  }
  addNode(id: number, a: { host: string; port: number; busPort: number }): Reply {
    this.added.push([id, a.host, a.port, a.busPort]);
    return OK;
  }
  removeNode(id: number): Reply {
    this.removed.push(id);
    return OK;
  }
  failover(): Reply {
    return OK;
  }
  wait(index: number, replicas: number, timeoutMs: number): Reply {
    this.waits.push([index, replicas, timeoutMs]);
    return 2;
  }
}

function fakeNode(cluster: ClusterApi | undefined): NodeServices {
  return {
    transactions: NO_TRANSACTIONS,
    redisVersion: '7.0.15',
    aikvVersion: '0.1.0',
    keyspace: new Keyspace(16),
    registry: new Registry([clusterCommands]),
    clients: {
      list: () => [],
      describe: () => '',
      kill: () => 0,
      unblock: () => false,
      pause: () => undefined,
      unpause: () => undefined,
    },
    config: { get: () => [], set: () => null, rewrite: () => null },
    now: () => NOW,
    info: () => '',
    resetStats: () => undefined,
    checkPassword: () => 'nopass',
    authRequired: () => false,
    shutdown: () => null,
    lastSave: () => 0,
    setActiveExpire: () => undefined,
    log: () => undefined,
    cluster,
  };
}

/** `cluster` null: a server without a group. */
function setup(cluster: ClusterApi | null = new FakeCluster()): {
  node: NodeServices;
  session: FakeSession;
  run: (...argv: string[]) => Reply | Promise<Reply>;
} {
  const node = fakeNode(cluster ?? undefined);
  const session = new FakeSession();
  const run = (...argv: string[]): Reply | Promise<Reply> => {
    const lookup = node.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const read = new ExecContext(node.keyspace, session.db, NOW, 1, testSettings, {
      applying: false,
      proposer: true,
    });
    const ctx: NodeContext = { session, node, read };
    assert.ok(lookup.spec.node, `${argv[0]} is a node command`);
    return lookup.spec.node(ctx, argv);
  };
  return { node, session, run };
}

test('CLUSTER ADDNODE checks its arguments with MEET-style errors; bus port = port + 10000', () => {
  const cluster = new FakeCluster();
  const { run } = setup(cluster);
  assert.deepEqual(now(run('CLUSTER', 'ADDNODE', '4', '10.0.0.4', '7004')), OK);
  assert.deepEqual(now(run('cluster', 'addnode', nodeName(5), 'h5', '7005', '9005')), OK);
  assert.deepEqual(cluster.added, [
    [4, '10.0.0.4', 7004, 17004],
    [5, 'h5', 7005, 9005],
  ]);
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', 'zero', 'h', '1')),
    error('ERR Invalid node id specified: zero'),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', '4', 'h', '70000')),
    error('ERR Invalid TCP base port specified: 70000'),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', '4', 'h', '60000')),
    error('ERR Invalid TCP bus port specified: '),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', '4', 'h', '1', 'x')),
    error('ERR Invalid TCP bus port specified: x'),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', '4', 'h', '1', '2', '3')),
    error('ERR syntax error'),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'ADDNODE', '4', 'h')),
    error("ERR wrong number of arguments for 'cluster|addnode' command"),
  );
});

test('CLUSTER FORGET: unknown nodes and itself are refused as Redis words it', () => {
  const cluster = new FakeCluster();
  const { run } = setup(cluster);
  assert.deepEqual(now(run('CLUSTER', 'FORGET', 'abc')), error('ERR Unknown node abc'));
  assert.deepEqual(now(run('CLUSTER', 'FORGET', '9')), error('ERR Unknown node 9'));
  assert.deepEqual(
    now(run('CLUSTER', 'FORGET', '1')),
    error("ERR I tried hard but I can't forget myself..."),
  );
  assert.deepEqual(now(run('CLUSTER', 'FORGET', nodeName(3))), OK);
  assert.deepEqual(cluster.removed, [3]);
});

test('CLUSTER FAILOVER takes FORCE or TAKEOVER, nothing else', () => {
  const { run } = setup();
  assert.deepEqual(now(run('CLUSTER', 'FAILOVER')), OK);
  assert.deepEqual(now(run('CLUSTER', 'FAILOVER', 'force')), OK);
  assert.deepEqual(now(run('CLUSTER', 'FAILOVER', 'TAKEOVER')), OK);
  assert.deepEqual(now(run('CLUSTER', 'FAILOVER', 'bla')), error('ERR syntax error'));
});

test('CLUSTER MYID/INFO/NODES/KEYSLOT and the unknown-subcommand error', () => {
  const { run } = setup();
  assert.equal(now(run('CLUSTER', 'MYID')), nodeName(1));
  assert.deepEqual(now(run('CLUSTER', 'INFO')), verbatim(clusterInfoText(view(1))));
  assert.deepEqual(now(run('CLUSTER', 'NODES')), verbatim(clusterNodesText(view(1), NOW)));
  assert.equal(now(run('CLUSTER', 'KEYSLOT', '{user1000}.following')), 3443);
  assert.deepEqual(
    now(run('CLUSTER', 'MEET', 'h', '1')),
    error("ERR unknown subcommand 'MEET'. Try CLUSTER HELP."),
  );
});

test('COUNTKEYSINSLOT / GETKEYSINSLOT count and list the keys of a slot', () => {
  const { node, run } = setup();
  const db = node.keyspace.db(0);
  for (const key of ['{a}1', '{a}2', '{a}3', 'b']) db.set(key, 'v', 0);
  const slot = String(keyHashSlot('a'));
  assert.equal(now(run('CLUSTER', 'COUNTKEYSINSLOT', slot)), 3);
  assert.deepEqual(now(run('CLUSTER', 'GETKEYSINSLOT', slot, '2')), ['{a}1', '{a}2']);
  assert.deepEqual(now(run('CLUSTER', 'GETKEYSINSLOT', slot, '0')), []);
  assert.deepEqual(now(run('CLUSTER', 'COUNTKEYSINSLOT', '16384')), error('ERR Invalid slot'));
  assert.deepEqual(
    now(run('CLUSTER', 'COUNTKEYSINSLOT', 'x')),
    error('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(
    now(run('CLUSTER', 'GETKEYSINSLOT', '1', '-1')),
    error('ERR Invalid slot or number of keys'),
  );
});

test('READONLY / READWRITE set the session flag; without a group, cluster commands are refused', () => {
  const { session, run } = setup();
  assert.deepEqual(now(run('READONLY')), OK);
  assert.equal(session.readOnly, true);
  assert.deepEqual(now(run('READWRITE')), OK);
  assert.equal(session.readOnly, false);
  const alone = setup(null);
  const disabled = error('ERR This instance has cluster support disabled');
  assert.deepEqual(now(alone.run('READONLY')), disabled);
  assert.deepEqual(now(alone.run('CLUSTER', 'NODES')), disabled);
  assert.deepEqual(now(alone.run('ROLE')), ['master', 0, EMPTY_ARRAY]);
  assert.equal(now(alone.run('WAIT', '1', '0')), 0);
});

test("WAIT: Redis argument errors; refused on a replica; the leader counts up to the session's last write", () => {
  const cluster = new FakeCluster();
  const { session, run } = setup(cluster);
  assert.deepEqual(
    now(run('WAIT', 'x', '0')),
    error('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(
    now(run('WAIT', '1', 'x')),
    error('ERR timeout is not an integer or out of range'),
  );
  assert.deepEqual(now(run('WAIT', '0', '-1')), error('ERR timeout is negative'));
  assert.equal(now(run('WAIT', '2', '100')), 2);
  session.writeIndex = 17;
  assert.equal(now(run('WAIT', '1', '0')), 2);
  assert.deepEqual(cluster.waits, [
    [0, 2, 100],
    [17, 1, 0],
  ]);
  cluster.current = view(2);
  const refused = now(run('WAIT', '1', '0'));
  assert.ok(
    typeof refused === 'object' && refused !== null && 'message' in refused,
    'an error on a replica',
  );
  assert.match(refused.message, /^ERR WAIT cannot be used with replica instances/);
});

test('ROLE through the command table', () => {
  const cluster = new FakeCluster();
  const { run } = setup(cluster);
  assert.deepEqual(now(run('ROLE')), roleReply(view(1)));
});
