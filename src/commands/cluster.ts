/**
 * The cluster family: CLUSTER (membership and topology of this node's Raft group in
 * Redis Cluster's reply formats), READONLY, READWRITE, ASKING, ROLE and WAIT.
 *
 * One group owns all 16384 slots: to a Redis client its leader is the master of
 * 0-16383 and every other member (voter or learner) one of its replicas, so
 * ioredis.Cluster and `redis-cli -c` follow elections as ordinary failovers. Node ids
 * are numbers; CLUSTER NODES/SLOTS/SHARDS/MYID show them as 40 hex digits
 * (`nodeName`), and CLUSTER FORGET accepts either form.
 */
import { EMPTY_ARRAY, OK, error, map, simple, verbatim, type Reply } from '../resp/reply.js';
import { SLOTS, keyHashSlot } from '../util/crc16.js';
import { parseInt64 } from '../util/numbers.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { ClusterApi, ClusterMember, ClusterView, NodeContext } from './node.js';
import type { CommandSpec, NodeCommandSpec } from './spec.js';

const NODE_NAME_DIGITS = 40;
const DISABLED = error('ERR This instance has cluster support disabled');

/** A node id as Redis Cluster shows one: 40 lower-case hex digits. */
export function nodeName(id: number): string {
  return id.toString(16).padStart(NODE_NAME_DIGITS, '0');
}

/** A node id given as a number or as its 40-digit name; null if neither. */
export function parseNodeId(arg: string): number | null {
  if (/^[1-9][0-9]{0,15}$/.test(arg)) {
    const id = Number(arg);
    return Number.isSafeInteger(id) ? id : null;
  }
  if (arg.length !== NODE_NAME_DIGITS || !/^[0-9a-fA-F]+$/.test(arg)) return null;
  const id = BigInt(`0x${arg}`);
  return id >= 1n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
}

// ---------------------------------------------------------------------------------------
// Reply formats (pure functions of a ClusterView, pinned by unit tests)

/** The member that masters the slots, or undefined when no leader with an address is known. */
function masterOf(view: ClusterView): ClusterMember | undefined {
  return view.members.find((m) => m.id === view.leader);
}

function replicasOf(view: ClusterView): ClusterMember[] {
  return view.members.filter((m) => m.id !== view.leader);
}

/** clusterGenNodeDescription: one line of CLUSTER NODES. */
function nodeLine(view: ClusterView, m: ClusterMember, now: number): string {
  const master = masterOf(view);
  const isMaster = master === undefined || m.id === master.id;
  const flags: string[] = [];
  if (m.id === view.self) flags.push('myself');
  flags.push(isMaster ? 'master' : 'slave');
  if (!m.voter) flags.push('nofailover');
  if (!m.connected) flags.push('fail?');
  const pong = m.id === view.self || !m.connected ? 0 : now - m.lagSeconds * 1000;
  const link = m.connected ? 'connected' : 'disconnected';
  const slots = master !== undefined && m.id === master.id ? ` 0-${SLOTS - 1}` : '';
  return (
    `${nodeName(m.id)} ${m.host}:${m.port}@${m.busPort} ${flags.join(',')} ` +
    `${isMaster ? '-' : nodeName(master.id)} 0 ${pong} ${view.term} ${link}${slots}\n`
  );
}

export function clusterNodesText(view: ClusterView, now: number): string {
  return view.members.map((m) => nodeLine(view, m, now)).join('');
}

/** The id and address of each line of CLUSTER NODES output (lines it cannot read are skipped). */
export function parseClusterNodes(
  text: string,
): { id: number; host: string; port: number; busPort: number }[] {
  const out: { id: number; host: string; port: number; busPort: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) (\S+):(\d+)@(\d+)(?:,\S*)? /.exec(line);
    if (m === null) continue;
    const id = parseNodeId(m[1] as string);
    if (id === null) continue;
    out.push({ id, host: m[2] as string, port: Number(m[3]), busPort: Number(m[4]) });
  }
  return out;
}

function slotNode(m: ClusterMember): Reply {
  return [m.host, m.port, nodeName(m.id), map(EMPTY_ARRAY)];
}

/** CLUSTER SLOTS: one range, the leader then the replicas it can reach. */
export function clusterSlotsReply(view: ClusterView): Reply {
  const master = masterOf(view);
  if (master === undefined) return EMPTY_ARRAY;
  const replicas = replicasOf(view).filter((m) => m.connected);
  return [[0, SLOTS - 1, slotNode(master), ...replicas.map(slotNode)]];
}

function shardNode(m: ClusterMember, isMaster: boolean): Reply {
  return map([
    'id',
    nodeName(m.id),
    'port',
    m.port,
    'ip',
    m.host,
    'endpoint',
    m.host,
    'role',
    isMaster ? 'master' : 'replica',
    'replication-offset',
    m.offset,
    'health',
    m.connected ? 'online' : 'fail',
  ]);
}

/** CLUSTER SHARDS: one shard, the leader's, holding every slot. */
export function clusterShardsReply(view: ClusterView): Reply {
  const master = masterOf(view);
  if (master === undefined) return EMPTY_ARRAY;
  const nodes = [shardNode(master, true), ...replicasOf(view).map((m) => shardNode(m, false))];
  return [map(['slots', [0, SLOTS - 1], 'nodes', nodes])];
}

/** CLUSTER INFO's text; the cluster is down while no leader is known. */
export function clusterInfoText(view: ClusterView): string {
  const up = masterOf(view) !== undefined;
  const slots = up ? SLOTS : 0;
  const lines = [
    `cluster_state:${up ? 'ok' : 'fail'}`,
    `cluster_slots_assigned:${slots}`,
    `cluster_slots_ok:${slots}`,
    'cluster_slots_pfail:0',
    'cluster_slots_fail:0',
    `cluster_known_nodes:${view.members.length}`,
    `cluster_size:${up ? 1 : 0}`,
    `cluster_current_epoch:${view.term}`,
    `cluster_my_epoch:${view.term}`,
    `cluster_stats_messages_sent:${view.messagesSent}`,
    `cluster_stats_messages_received:${view.messagesReceived}`,
    'total_cluster_links_buffer_limit_exceeded:0',
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** ROLE: the leader as a master with its replicas, any other member as a slave. */
export function roleReply(view: ClusterView): Reply {
  if (view.leader === view.self) {
    const replicas = replicasOf(view)
      .filter((m) => m.connected)
      .map((m): Reply => [m.host, String(m.port), String(m.offset)]);
    return ['master', view.applied, replicas];
  }
  const master = masterOf(view);
  if (master === undefined) return ['slave', '?', 0, 'connect', view.applied];
  return [
    'slave',
    master.host,
    master.port,
    master.connected ? 'connected' : 'connect',
    view.applied,
  ];
}

// ---------------------------------------------------------------------------------------
// Handlers

type ClusterHandler = (
  cluster: ClusterApi,
  ctx: NodeContext,
  argv: readonly string[],
) => Reply | Promise<Reply>;

/** A handler that needs the group; without one the command is refused as Redis does. */
function withApi(run: ClusterHandler): NodeCommandSpec['node'] {
  return (ctx, argv) => {
    const cluster = ctx.node.cluster;
    return cluster === undefined ? DISABLED : run(cluster, ctx, argv);
  };
}

const CLUSTER_HELP: readonly Reply[] = [
  'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ADDNODE <node-id> <ip> <port> [<bus-port>]',
  '    Add a node to this group (learner first, voter once caught up). AiKv only.',
  'COUNTKEYSINSLOT <slot>',
  '    Return the number of keys in <slot>.',
  'FAILOVER [FORCE|TAKEOVER]',
  '    Promote current replica node to being a master.',
  'FORGET <node-id>',
  '    Remove a node from the cluster.',
  'GETKEYSINSLOT <slot> <count>',
  '    Return key names stored by current node in a slot.',
  'INFO',
  '    Return information about the cluster.',
  'KEYSLOT <key>',
  '    Return the hash slot for <key>.',
  'MYID',
  '    Return the node id.',
  'NODES',
  '    Return cluster configuration seen by node. Output format:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'SLOTS',
  '    Return information about slots range mappings. Each range is made of:',
  '    start, end, master and replicas IP addresses, ports and ids',
  'SHARDS',
  '    Return information about slot range mappings and the nodes associated with them.',
  'HELP',
  '    Prints this help.',
].map(simple);

function validPort(arg: string | undefined): number | null {
  if (arg === undefined) return null;
  const n = parseInt64(arg);
  return typeof n === 'number' && n >= 1 && n <= 65535 ? n : null;
}

/** CLUSTER ADDNODE node-id host port [bus-port] (bus port: port + 10000, as MEET). */
function addNode(
  cluster: ClusterApi,
  _ctx: NodeContext,
  argv: readonly string[],
): Reply | Promise<Reply> {
  if (argv.length > 6) return SYNTAX;
  const id = parseNodeId(argv[2] as string);
  if (id === null) return error(`ERR Invalid node id specified: ${argv[2] as string}`);
  const host = argv[3] as string;
  if (host === '' || host.length > 255 || /[^\x21-\x7e]/.test(host)) {
    return error(`ERR Invalid node address specified: ${host}:${argv[4] as string}`);
  }
  const port = validPort(argv[4]);
  if (port === null) return error(`ERR Invalid TCP base port specified: ${argv[4] as string}`);
  const busPort =
    argv.length === 6 ? validPort(argv[5]) : port + 10000 <= 65535 ? port + 10000 : null;
  if (busPort === null) return error(`ERR Invalid TCP bus port specified: ${argv[5] ?? ''}`);
  return cluster.addNode(id, { host, port, busPort });
}

function forget(
  cluster: ClusterApi,
  _ctx: NodeContext,
  argv: readonly string[],
): Reply | Promise<Reply> {
  const arg = argv[2] as string;
  const id = parseNodeId(arg);
  const view = cluster.view();
  if (id === null || !view.members.some((m) => m.id === id))
    return error(`ERR Unknown node ${arg}`);
  if (id === view.self) return error("ERR I tried hard but I can't forget myself...");
  return cluster.removeNode(id);
}

function failover(cluster: ClusterApi, _ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 3) return SYNTAX;
  if (argv.length === 3) {
    const mode = (argv[2] as string).toLowerCase();
    if (mode !== 'force' && mode !== 'takeover') return SYNTAX;
  }
  return cluster.failover();
}

function parseSlot(arg: string): number | null | 'nan' {
  const n = parseInt64(arg);
  if (n === null) return 'nan';
  return typeof n === 'number' && n >= 0 && n < SLOTS ? n : null;
}

/** Keys of the session's database in `slot`, up to `max`, in the database's order. */
function keysInSlot(ctx: NodeContext, slot: number, max: number): string[] {
  const out: string[] = [];
  if (max <= 0) return out;
  for (const key of ctx.read.db.keys()) {
    if (keyHashSlot(key) !== slot) continue;
    out.push(key);
    if (out.length >= max) break;
  }
  return out;
}

function countKeysInSlot(ctx: NodeContext, argv: readonly string[]): Reply {
  const slot = parseSlot(argv[2] as string);
  if (slot === 'nan') return NOT_INTEGER;
  if (slot === null) return error('ERR Invalid slot');
  return keysInSlot(ctx, slot, Infinity).length;
}

function getKeysInSlot(ctx: NodeContext, argv: readonly string[]): Reply {
  const slot = parseSlot(argv[2] as string);
  const count = parseInt64(argv[3] as string);
  if (slot === 'nan' || count === null) return NOT_INTEGER;
  if (slot === null || count < 0) return error('ERR Invalid slot or number of keys');
  return keysInSlot(ctx, slot, Number(count));
}

function readonlyCommand(ctx: NodeContext): Reply {
  if (ctx.node.cluster === undefined) return DISABLED;
  ctx.session.readOnly = true;
  return OK;
}

function readwriteCommand(ctx: NodeContext): Reply {
  if (ctx.node.cluster === undefined) return DISABLED;
  ctx.session.readOnly = false;
  return OK;
}

const WAIT_ON_REPLICA = error(
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 ' +
    'if a replica is configured to be writable (which is not the default) writes to ' +
    'replicas are just local and are not propagated.',
);

/** WAIT numreplicas timeout: without a group, a lone node has no replica to wait for. */
function waitCommand(ctx: NodeContext, argv: readonly string[]): Reply | Promise<Reply> {
  const replicas = parseInt64(argv[1] as string);
  if (replicas === null) return NOT_INTEGER;
  const timeout = parseInt64(argv[2] as string);
  if (timeout === null) return error('ERR timeout is not an integer or out of range');
  if (timeout < 0) return error('ERR timeout is negative');
  const cluster = ctx.node.cluster;
  if (cluster === undefined) return 0;
  const view = cluster.view();
  if (view.leader !== view.self) return WAIT_ON_REPLICA;
  return cluster.wait(ctx.session.writeIndex ?? 0, Number(replicas), Number(timeout));
}

function roleCommand(ctx: NodeContext): Reply {
  const cluster = ctx.node.cluster;
  if (cluster === undefined) return ['master', 0, EMPTY_ARRAY];
  return roleReply(cluster.view());
}

// ---------------------------------------------------------------------------------------
// Specs

const STALE = ['stale'] as const;
const ADMIN = ['no_async_loading', 'admin', 'stale'] as const;
const SLOW = ['slow'] as const;
const ADMIN_ACL = ['admin', 'slow', 'dangerous'] as const;

interface SubSpec {
  readonly name: string;
  readonly arity: number;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  readonly syntax?: string;
  readonly admin?: boolean;
  readonly tips?: readonly string[];
  readonly node: NodeCommandSpec['node'];
}

function sub(spec: SubSpec): NodeCommandSpec {
  const { admin, name, ...rest } = spec;
  return {
    complexity: 'O(1)',
    ...rest,
    name: `cluster|${name}`,
    flags: admin === true ? ADMIN : STALE,
    acl: admin === true ? ADMIN_ACL : SLOW,
    group: 'cluster',
  };
}

const NONDETERMINISTIC = ['nondeterministic_output'] as const;

const clusterSubcommands: readonly CommandSpec[] = [
  {
    ...sub({
      name: 'help',
      arity: 2,
      since: '5.0.0',
      summary: 'Show helpful text about the different subcommands',
      node: () => CLUSTER_HELP,
    }),
    flags: ['loading', 'stale'],
  },
  sub({
    name: 'addnode',
    arity: -5,
    since: '0.1.0',
    summary: 'AiKv: add a node to the group, as a learner first, then as a voter',
    syntax: 'node-id ip port [bus-port]',
    admin: true,
    node: withApi(addNode),
  }),
  sub({
    name: 'forget',
    arity: 3,
    since: '3.0.0',
    summary: 'Remove a node from the nodes table',
    syntax: 'node-id',
    admin: true,
    node: withApi(forget),
  }),
  sub({
    name: 'failover',
    arity: -2,
    since: '3.0.0',
    summary: 'Forces a replica to perform a manual failover of its master.',
    syntax: '[FORCE | TAKEOVER]',
    admin: true,
    node: withApi(failover),
  }),
  sub({
    name: 'myid',
    arity: 2,
    since: '3.0.0',
    summary: 'Return the node id',
    node: withApi((c) => nodeName(c.view().self)),
  }),
  sub({
    name: 'info',
    arity: 2,
    since: '3.0.0',
    summary: 'Provides info about Redis Cluster node state',
    tips: NONDETERMINISTIC,
    node: withApi((c) => verbatim(clusterInfoText(c.view()))),
  }),
  sub({
    name: 'nodes',
    arity: 2,
    since: '3.0.0',
    summary: 'Get Cluster config for the node',
    complexity: 'O(N) where N is the total number of Cluster nodes',
    tips: NONDETERMINISTIC,
    node: withApi((c, ctx) => verbatim(clusterNodesText(c.view(), ctx.node.now()))),
  }),
  sub({
    name: 'slots',
    arity: 2,
    since: '3.0.0',
    summary: 'Get array of Cluster slot to node mappings',
    complexity: 'O(N) where N is the total number of Cluster nodes',
    tips: NONDETERMINISTIC,
    node: withApi((c) => clusterSlotsReply(c.view())),
  }),
  sub({
    name: 'shards',
    arity: 2,
    since: '7.0.0',
    summary: 'Get array of cluster slots to node mappings',
    complexity: 'O(N) where N is the total number of cluster nodes',
    tips: NONDETERMINISTIC,
    node: withApi((c) => clusterShardsReply(c.view())),
  }),
  sub({
    name: 'keyslot',
    arity: 3,
    since: '3.0.0',
    summary: 'Returns the hash slot of the specified key',
    complexity: 'O(N) where N is the number of bytes in the key',
    syntax: 'key',
    node: (_ctx, argv) => keyHashSlot(argv[2] as string),
  }),
  sub({
    name: 'countkeysinslot',
    arity: 3,
    since: '3.0.0',
    summary: 'Return the number of local keys in the specified hash slot',
    complexity: 'O(N) where N is the number of keys in the database',
    syntax: 'slot',
    node: countKeysInSlot,
  }),
  sub({
    name: 'getkeysinslot',
    arity: 4,
    since: '3.0.0',
    summary: 'Return local key names in the specified hash slot',
    complexity: 'O(N) where N is the number of keys in the database',
    syntax: 'slot count',
    tips: NONDETERMINISTIC,
    node: getKeysInSlot,
  }),
];

export const clusterCommands: readonly CommandSpec[] = [
  {
    name: 'cluster',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'A container for cluster commands',
    complexity: 'Depends on subcommand.',
    subcommands: clusterSubcommands,
  },
  {
    name: 'readonly',
    arity: 1,
    flags: ['fast', 'loading', 'stale'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Enables read queries for a connection to a cluster replica node',
    complexity: 'O(1)',
    node: readonlyCommand,
  },
  {
    name: 'readwrite',
    arity: 1,
    flags: ['fast', 'loading', 'stale'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Disables read queries for a connection to a cluster replica node',
    complexity: 'O(1)',
    node: readwriteCommand,
  },
  {
    name: 'asking',
    arity: 1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Sent by cluster clients after an -ASK redirect',
    complexity: 'O(1)',
    node: (ctx) => (ctx.node.cluster === undefined ? DISABLED : OK),
  },
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    acl: ['admin', 'fast', 'dangerous'],
    group: 'server',
    since: '2.8.12',
    summary: 'Return the role of the instance in the context of replication',
    complexity: 'O(1)',
    node: roleCommand,
  },
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    acl: ['slow', 'connection'],
    group: 'generic',
    since: '3.0.0',
    summary:
      'Wait for the synchronous replication of all the write commands sent in the context ' +
      'of the current connection',
    complexity: 'O(1)',
    syntax: 'numreplicas timeout',
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    node: waitCommand,
  },
];
