/**
 * aikv-admin: thin wrappers over the CLUSTER commands of a running AiKv node, for
 * operators and scripts. Membership changes are sent to the leader (a MOVED from a
 * follower is followed), leader transfer to the node that is to lead.
 */
import { parseClusterNodes, parseNodeId } from '../commands/cluster.js';
import { isError, type Reply } from '../resp/reply.js';
import { parseHostPort } from '../server/cluster-join.js';
import { RespClient } from '../server/resp-client.js';

const USAGE = `Usage: aikv-admin [options] <command> [arguments]

Commands:
  status                                  the group's members: role, address, link, offset
  add-node <node-id> <host> <port> [bus-port]
                                          adds a node (a learner, promoted to voter once it
                                          has caught up); bus-port defaults to port + 10000
  remove-node <node-id>                   removes a node from the group
  transfer-leader <node-id>               makes that node the leader (CLUSTER FAILOVER)

Options:
  -h, --host <host>        a member's address (default 127.0.0.1)
  -p, --port <port>        its client port (default 6379)
  -a, --password <pass>    requirepass of the nodes
  -t, --timeout <ms>       how long to wait for a change or a transfer (default 10000)
      --help               this text

A node id is the number given as node-id, or the 40-digit id CLUSTER NODES shows.
Exit status: 0 done, 1 refused or timed out, 2 bad usage.
`;

interface Options {
  host: string;
  port: number;
  password: string;
  timeoutMs: number;
  command: string[];
}

class UsageError extends Error {}

function parseOptions(args: readonly string[]): Options | 'help' {
  const o: Options = {
    host: '127.0.0.1',
    port: 6379,
    password: '',
    timeoutMs: 10_000,
    command: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help') return 'help';
    else if (arg === '-h' || arg === '--host') o.host = value();
    else if (arg === '-p' || arg === '--port') o.port = Number(value());
    else if (arg === '-a' || arg === '--password') o.password = value();
    else if (arg === '-t' || arg === '--timeout') o.timeoutMs = Number(value());
    else if (arg.startsWith('-') && o.command.length === 0)
      throw new UsageError(`unknown option ${arg}`);
    else o.command.push(arg);
  }
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new UsageError('bad --port');
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) throw new UsageError('bad --timeout');
  if (o.command.length === 0) return 'help';
  return o;
}

function text(r: Reply): string {
  if (isError(r)) return r.message;
  if (typeof r === 'string') return r;
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    if ('value' in r) return String(r.value);
    if ('text' in r) return r.text;
  }
  return JSON.stringify(r);
}

async function connect(o: Options, host: string, port: number): Promise<RespClient> {
  const client = await RespClient.connect(host, port, o.timeoutMs);
  if (o.password !== '') {
    const auth = await client.call(['AUTH', o.password]);
    if (isError(auth)) throw new Error(`AUTH failed: ${auth.message}`);
  }
  return client;
}

/** Sends a command, following MOVED redirections to the leader. */
async function toLeader(o: Options, argv: readonly string[]): Promise<string> {
  let target = { host: o.host, port: o.port };
  for (let hops = 0; hops < 5; hops++) {
    const client = await connect(o, target.host, target.port);
    let reply: Reply;
    try {
      reply = await client.call(argv);
    } finally {
      client.close();
    }
    const answer = text(reply);
    const moved = /^MOVED \d+ (\S+)$/.exec(answer);
    const next = moved === null ? null : parseHostPort(moved[1] as string);
    if (next === null) return answer;
    target = next;
  }
  throw new Error('too many redirections');
}

interface Member {
  id: number;
  host: string;
  port: number;
  role: string;
  link: string;
}

async function members(o: Options, host: string, port: number): Promise<Member[]> {
  const client = await connect(o, host, port);
  try {
    const nodes = text(await client.call(['CLUSTER', 'NODES']));
    const out: Member[] = [];
    for (const line of nodes.split('\n')) {
      const m = parseClusterNodes(line)[0];
      if (m === undefined) continue;
      const fields = line.split(' ');
      const flags = fields[2] ?? '';
      const role = flags.includes('master')
        ? 'leader'
        : flags.includes('nofailover')
          ? 'learner'
          : 'voter';
      out.push({ id: m.id, host: m.host, port: m.port, role, link: fields[7] ?? '?' });
    }
    return out;
  } finally {
    client.close();
  }
}

async function status(o: Options): Promise<number> {
  const list = await members(o, o.host, o.port);
  const leader = list.find((m) => m.role === 'leader');
  const offsets = new Map<number, string>();
  if (leader !== undefined) {
    const client = await connect(o, leader.host, leader.port);
    try {
      const role = await client.call(['ROLE']);
      if (Array.isArray(role)) {
        offsets.set(leader.id, String(role[1]));
        for (const r of (role[2] ?? []) as Reply[][]) {
          const m = list.find((x) => x.host === r[0] && String(x.port) === r[1]);
          if (m !== undefined) offsets.set(m.id, String(r[2]));
        }
      }
    } finally {
      client.close();
    }
  }
  const rows = [['ID', 'ADDRESS', 'ROLE', 'LINK', 'OFFSET']];
  for (const m of list) {
    rows.push([String(m.id), `${m.host}:${m.port}`, m.role, m.link, offsets.get(m.id) ?? '-']);
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const r of rows)
    process.stdout.write(
      r
        .map((v, c) => v.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd() + '\n',
    );
  if (leader === undefined) process.stdout.write('no leader: the group is down\n');
  return leader === undefined ? 1 : 0;
}

async function transferLeader(o: Options, id: string): Promise<number> {
  const list = await members(o, o.host, o.port);
  const wanted = parseNodeId(id);
  const target = list.find((m) => m.id === wanted);
  if (target === undefined) throw new UsageError(`no member ${id}`);
  if (target.role === 'leader') {
    process.stdout.write(`node ${target.id} already leads\n`);
    return 0;
  }
  const client = await connect(o, target.host, target.port);
  try {
    const answer = text(await client.call(['CLUSTER', 'FAILOVER']));
    if (answer !== 'OK') {
      process.stderr.write(`${answer}\n`);
      return 1;
    }
    const until = Date.now() + o.timeoutMs;
    while (Date.now() < until) {
      const role = await client.call(['ROLE']);
      if (Array.isArray(role) && role[0] === 'master') {
        process.stdout.write(`node ${target.id} leads\n`);
        return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.close();
  }
  process.stderr.write(`node ${target.id} did not take over within ${o.timeoutMs} ms\n`);
  return 1;
}

async function run(o: Options): Promise<number> {
  const [command, ...rest] = o.command;
  const change = async (argv: string[]): Promise<number> => {
    const answer = await toLeader(o, argv);
    process.stdout.write(`${answer}\n`);
    return answer === 'OK' ? 0 : 1;
  };
  switch (command) {
    case 'status':
      if (rest.length !== 0) break;
      return status(o);
    case 'add-node':
      if (rest.length !== 3 && rest.length !== 4) break;
      return change(['CLUSTER', 'ADDNODE', ...rest]);
    case 'remove-node':
      if (rest.length !== 1) break;
      return change(['CLUSTER', 'FORGET', rest[0] as string]);
    case 'transfer-leader':
      if (rest.length !== 1) break;
      return transferLeader(o, rest[0] as string);
    default:
      throw new UsageError(`unknown command ${command ?? ''}`);
  }
  throw new UsageError(`wrong number of arguments for ${command}`);
}

/** Runs aikv-admin with these arguments; resolves to the exit status. */
export async function adminMain(args: readonly string[]): Promise<number> {
  try {
    const o = parseOptions(args);
    if (o === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    return await run(o);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`aikv-admin: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`aikv-admin: ${(err as Error).message}\n`);
    return 1;
  }
}
