import type { NodeContext } from './node.js';
import type { CommandSpec } from './spec.js';

const FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH. Queueing happens in the dispatcher, which sees
 * every command of a session in MULTI; EXEC hands the queue to the node, which applies
 * its data commands as one log entry, so a transaction is atomic on every replica.
 */
export const transactionCommands: readonly CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: FLAGS,
    acl: ['fast', 'transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Mark the start of a transaction block',
    complexity: 'O(1)',
    node: (ctx: NodeContext) => ctx.node.transactions.multi(ctx.session),
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['slow', 'transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Execute all commands issued after MULTI',
    complexity: 'Depends on commands in the transaction',
    node: (ctx: NodeContext) => ctx.node.transactions.exec(ctx.session),
  },
  {
    name: 'discard',
    arity: 1,
    flags: FLAGS,
    acl: ['fast', 'transaction'],
    group: 'transactions',
    since: '2.0.0',
    summary: 'Discard all commands issued after MULTI',
    complexity: 'O(N), when N is the number of queued commands',
    node: (ctx: NodeContext) => ctx.node.transactions.discard(ctx.session),
  },
  {
    name: 'watch',
    arity: -2,
    flags: FLAGS,
    acl: ['fast', 'transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    complexity: 'O(1) for every key.',
    syntax: 'key [key ...]',
    keys: { first: 1, last: -1, step: 1 },
    node: (ctx: NodeContext, argv) => ctx.node.transactions.watch(ctx.session, argv.slice(1)),
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: FLAGS,
    acl: ['fast', 'transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Forget about all watched keys',
    complexity: 'O(1)',
    node: (ctx: NodeContext) => ctx.node.transactions.unwatch(ctx.session),
  },
];
