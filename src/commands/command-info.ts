/**
 * COMMAND and its subcommands, and the reply builders they share (server.c:
 * addReplyCommandInfo, addReplyCommandDocs, getKeysSubcommandImpl). Everything is read
 * from the one command table, the Registry.
 */
import { error, map, set, simple, type ErrorReply, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { SYNTAX } from './errors.js';
import type { NodeContext } from './node.js';
import type { Registry } from './registry.js';
import { keyIndexes, type CommandFlag, type CommandSpec, type KeyAccess } from './spec.js';

/** Redis's HELP reply (addReplyHelp): a header, the lines, then HELP itself. */
export function helpReply(command: string, lines: readonly string[]): Reply {
  return [
    simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map(simple),
    simple('HELP'),
    simple('    Prints this help.'),
  ];
}

/** Redis's addReplySubcommandSyntaxError, for commands that parse their own subcommand. */
export function subcommandSyntaxError(argv: readonly string[]): ErrorReply {
  const command = (argv[0] as string).toUpperCase();
  const sub = (argv[1] as string).slice(0, 128);
  return error(
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${command} HELP.`,
  );
}

/** COMMAND INFO's flag order; may_replicate is hidden, as in Redis. */
const FLAG_ORDER: readonly CommandFlag[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** ACL categories in Redis's order (acl.c ACLCommandCategories). */
export const ACL_CATEGORIES: readonly string[] = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

const KEY_FLAG_ORDER: readonly KeyAccess[] = [
  'RO',
  'RW',
  'OW',
  'RM',
  'access',
  'update',
  'insert',
  'delete',
];

/** The flags COMMAND INFO reports: declared ones plus movablekeys for a key finder. */
export function reportedFlags(spec: CommandSpec): CommandFlag[] {
  const movable = spec.keyFinder !== undefined;
  return FLAG_ORDER.filter((f) => spec.flags.includes(f) || (f === 'movablekeys' && movable));
}

function orderedAcl(spec: CommandSpec): string[] {
  const known = ACL_CATEGORIES.filter((c) => spec.acl.includes(c));
  return [...known, ...spec.acl.filter((c) => !ACL_CATEGORIES.includes(c))];
}

function hasKeys(spec: CommandSpec): boolean {
  return spec.keyFinder !== undefined || (spec.keys !== undefined && spec.keys.first > 0);
}

/** Key access flags; a spec that declares none gets RW for a write, RO otherwise. */
function keyFlags(spec: CommandSpec): KeyAccess[] {
  const declared = spec.keyAccess ?? [spec.flags.includes('write') ? 'RW' : 'RO'];
  return KEY_FLAG_ORDER.filter((f) => declared.includes(f));
}

/** One key spec from the key range, or an "unknown" one for a key finder alone. */
function keySpecs(spec: CommandSpec): Reply {
  if (!hasKeys(spec)) return set([]);
  const flags = set(keyFlags(spec).map(simple));
  const range = spec.keys;
  if (range === undefined || range.first === 0) {
    const unknown = map(['type', 'unknown', 'spec', map([])]);
    return set([map(['flags', flags, 'begin_search', unknown, 'find_keys', unknown])]);
  }
  const lastkey = range.last < 0 ? range.last : range.last - range.first;
  const begin = map(['type', 'index', 'spec', map(['index', range.first])]);
  const find = map([
    'type',
    'range',
    'spec',
    map(['lastkey', lastkey, 'keystep', range.step, 'limit', 0]),
  ]);
  return set([map(['flags', flags, 'begin_search', begin, 'find_keys', find])]);
}

/** One command as COMMAND INFO shows it: the ten-element array of Redis 7. */
export function commandInfoReply(spec: CommandSpec): Reply {
  const range = spec.keys;
  return [
    spec.name,
    spec.arity,
    set(reportedFlags(spec).map(simple)),
    range?.first ?? 0,
    range?.last ?? 0,
    range?.step ?? 0,
    set(orderedAcl(spec).map((c) => simple('@' + c))),
    set(spec.tips ?? []),
    keySpecs(spec),
    spec.subcommands ? spec.subcommands.map(commandInfoReply) : set([]),
  ];
}

/** One command as COMMAND DOCS shows it: summary, since, group, complexity, subcommands. */
export function commandDocsReply(spec: CommandSpec): Reply {
  const entries: Reply[] = ['summary', spec.summary, 'since', spec.since, 'group', spec.group];
  if (spec.complexity !== undefined) entries.push('complexity', spec.complexity);
  if (spec.subcommands) {
    const subs: Reply[] = [];
    for (const sub of spec.subcommands) subs.push(sub.name, commandDocsReply(sub));
    entries.push('subcommands', map(subs));
  }
  return map(entries);
}

/** A command by its full name (`get`, `config|get`), as lookupCommandBySds: exact arity. */
export function lookupByFullName(registry: Registry, fullname: string): CommandSpec | undefined {
  const parts = fullname.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const top = registry.get(parts[0] as string);
  if (parts.length === 1 || top === undefined) return top;
  return top.subcommands ? registry.getSub(top.name, parts[1] as string) : undefined;
}

/** The spec argv would run, as lookupCommand: a container called alone is itself. */
function lookupByArgv(registry: Registry, argv: readonly string[]): CommandSpec | undefined {
  const top = registry.get((argv[0] as string).toLowerCase());
  if (top === undefined || argv.length === 1 || !top.subcommands) return top;
  return registry.getSub(top.name, (argv[1] as string).toLowerCase());
}

function allInfo(ctx: NodeContext): Reply {
  return [...ctx.node.registry.all()].map(commandInfoReply);
}

function commandCount(ctx: NodeContext): Reply {
  return ctx.node.registry.size;
}

function commandInfo(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length === 2) return allInfo(ctx);
  return argv.slice(2).map((name) => {
    const spec = lookupByFullName(ctx.node.registry, name);
    return spec === undefined ? null : commandInfoReply(spec);
  });
}

function commandDocs(ctx: NodeContext, argv: readonly string[]): Reply {
  const specs =
    argv.length === 2
      ? [...ctx.node.registry.all()]
      : argv.slice(2).flatMap((name) => lookupByFullName(ctx.node.registry, name) ?? []);
  const entries: Reply[] = [];
  for (const spec of specs) entries.push(spec.name, commandDocsReply(spec));
  return map(entries);
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS over argv[2..]. */
function getKeys(ctx: NodeContext, argv: readonly string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const spec = lookupByArgv(ctx.node.registry, target);
  if (spec === undefined) return error('ERR Invalid command specified');
  if (!hasKeys(spec)) return error('ERR The command has no key arguments');
  if ((spec.arity > 0 && spec.arity !== target.length) || target.length < -spec.arity) {
    return error('ERR Invalid number of arguments specified for command');
  }
  const indexes = keyIndexes(spec, target);
  if (indexes.length === 0 && !spec.flags.includes('no_mandatory_keys')) {
    return error('ERR Invalid arguments specified for command');
  }
  if (!withFlags) return indexes.map((i) => target[i] as string);
  const flags = set(keyFlags(spec).map(simple));
  return indexes.map((i) => [target[i] as string, flags]);
}

type ListFilter = (spec: CommandSpec) => boolean;

/** COMMAND LIST's optional FILTERBY MODULE m | ACLCAT c | PATTERN p. */
function parseListFilter(argv: readonly string[]): ListFilter | ErrorReply | null {
  if (argv.length === 2) return null;
  if (argv.length !== 5 || (argv[2] as string).toLowerCase() !== 'filterby') return SYNTAX;
  const arg = argv[4] as string;
  switch ((argv[3] as string).toLowerCase()) {
    case 'module':
      return () => false;
    case 'aclcat': {
      const cat = arg.toLowerCase();
      if (!ACL_CATEGORIES.includes(cat)) return () => false;
      return (spec) => spec.acl.includes(cat);
    }
    case 'pattern':
      return (spec) => globMatch(arg, spec.name, true);
    default:
      return SYNTAX;
  }
}

function commandList(ctx: NodeContext, argv: readonly string[]): Reply {
  const filter = parseListFilter(argv);
  if (filter !== null && typeof filter !== 'function') return filter;
  const names: string[] = [];
  const visit = (spec: CommandSpec): void => {
    if (filter === null || filter(spec)) names.push(spec.name);
    for (const sub of spec.subcommands ?? []) visit(sub);
  };
  for (const spec of ctx.node.registry.all()) visit(spec);
  return names;
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const COMMAND_BASE = {
  flags: ['loading', 'stale'],
  acl: ['slow', 'connection'],
  group: 'server',
} as const;

const ORDER_TIP = ['nondeterministic_output_order'];

const COMMAND_ALL = {
  ...COMMAND_BASE,
  name: 'command',
  arity: -1,
  since: '2.8.13',
  summary: 'Get array of Redis command details',
  complexity: 'O(N) where N is the total number of Redis commands',
  tips: ORDER_TIP,
};

export const commandCommand: CommandSpec = {
  ...COMMAND_ALL,
  bare: { ...COMMAND_ALL, node: allInfo },
  subcommands: [
    {
      ...COMMAND_BASE,
      name: 'command|count',
      arity: 2,
      since: '2.8.13',
      summary: 'Get total number of Redis commands',
      complexity: 'O(1)',
      node: commandCount,
    },
    {
      ...COMMAND_BASE,
      name: 'command|docs',
      arity: -2,
      since: '7.0.0',
      summary: 'Get array of specific Redis command documentation',
      complexity: 'O(N) where N is the number of commands to look up',
      syntax: '[command-name [command-name ...]]',
      tips: ORDER_TIP,
      node: commandDocs,
    },
    {
      ...COMMAND_BASE,
      name: 'command|getkeys',
      arity: -4,
      since: '2.8.13',
      summary: 'Extract keys given a full Redis command',
      complexity: 'O(N) where N is the number of arguments to the command',
      syntax: 'command [arg [arg ...]]',
      node: (ctx, argv) => getKeys(ctx, argv, false),
    },
    {
      ...COMMAND_BASE,
      name: 'command|getkeysandflags',
      arity: -4,
      since: '7.0.0',
      summary: 'Extract keys and access flags given a full Redis command',
      complexity: 'O(N) where N is the number of arguments to the command',
      syntax: 'command [arg [arg ...]]',
      node: (ctx, argv) => getKeys(ctx, argv, true),
    },
    {
      ...COMMAND_BASE,
      name: 'command|help',
      arity: 2,
      since: '5.0.0',
      summary: 'Show helpful text about the different subcommands',
      complexity: 'O(1)',
      node: () => helpReply('COMMAND', COMMAND_HELP),
    },
    {
      ...COMMAND_BASE,
      name: 'command|info',
      arity: -2,
      since: '2.8.13',
      summary: 'Get array of specific Redis command details, or all when no argument is given.',
      complexity: 'O(N) where N is the number of commands to look up',
      syntax: '[command-name [command-name ...]]',
      tips: ORDER_TIP,
      node: commandInfo,
    },
    {
      ...COMMAND_BASE,
      name: 'command|list',
      arity: -2,
      since: '7.0.0',
      summary: 'Get an array of Redis command names',
      complexity: 'O(N) where N is the total number of Redis commands',
      syntax: '[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]',
      tips: ORDER_TIP,
      node: commandList,
    },
  ],
};
