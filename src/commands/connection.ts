import { PONG, OK, error, type Reply } from '../resp/reply.js';
import type { CommandSpec } from './spec.js';
import type { NodeContext } from './node.js';
import { DB_INDEX_RANGE } from './errors.js';
import { parseInt64 } from '../util/numbers.js';

function ping(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 2) return error("ERR wrong number of arguments for 'ping' command");
  return argv.length === 2 ? (argv[1] as string) : PONG;
}

function echo(_ctx: NodeContext, argv: readonly string[]): Reply {
  return argv[1] as string;
}

function select(ctx: NodeContext, argv: readonly string[]): Reply {
  const index = parseInt64(argv[1] as string);
  if (typeof index !== 'number') return error('ERR value is not an integer or out of range');
  if (index < 0 || index >= ctx.node.keyspace.dbs.length) return DB_INDEX_RANGE;
  ctx.session.db = index;
  return OK;
}

export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Returns the server\'s liveliness response.',
    syntax: '[message]',
    node: ping,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Returns the given string.',
    syntax: 'message',
    node: echo,
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Changes the selected database.',
    syntax: 'index',
    node: select,
  },
];

