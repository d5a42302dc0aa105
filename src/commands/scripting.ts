/**
 * FUNCTION and SCRIPT over a library that is always empty: there is no scripting
 * engine yet, so only the subcommands that are true of an empty library exist (LIST,
 * FLUSH, EXISTS, HELP). LOAD, EVAL and the rest answer Redis's unknown-command or
 * unknown-subcommand errors until an engine lands.
 */
import { OK, error, type Reply } from '../resp/reply.js';
import { helpReply, subcommandSyntaxError } from './command-info.js';
import type { ExecContext } from './context.js';
import type { NodeContext } from './node.js';
import type { CommandSpec } from './spec.js';

/** FUNCTION FLUSH [ASYNC | SYNC]: replicated like Redis's, a no-op on an empty library. */
function functionFlush(_ctx: ExecContext, argv: readonly string[]): Reply {
  if (argv.length > 3) return subcommandSyntaxError(argv);
  const mode = argv.length === 3 ? (argv[2] as string).toLowerCase() : 'sync';
  if (mode !== 'sync' && mode !== 'async') {
    return error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  }
  return OK;
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: validated, then no libraries. */
function functionList(_ctx: NodeContext, argv: readonly string[]): Reply {
  let withCode = false;
  let libraryName = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    if (!withCode && arg === 'withcode') {
      withCode = true;
    } else if (!libraryName && arg === 'libraryname') {
      if (i >= argv.length - 1) return error('ERR library name argument was not given');
      libraryName = true;
      i++;
    } else {
      return error(`ERR Unknown argument ${argv[i] as string}`);
    }
  }
  return [];
}

const FUNCTION_HELP = [
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
];

/** SCRIPT FLUSH [ASYNC | SYNC]: the script cache is always empty. */
function scriptFlush(_ctx: NodeContext, argv: readonly string[]): Reply {
  const mode = argv.length === 3 ? (argv[2] as string).toLowerCase() : 'sync';
  if (argv.length > 3 || (mode !== 'sync' && mode !== 'async')) {
    return error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  }
  return OK;
}

/** SCRIPT EXISTS sha1 ...: no script is ever cached. */
function scriptExists(_ctx: NodeContext, argv: readonly string[]): Reply {
  return argv.slice(2).map(() => 0);
}

const SCRIPT_HELP = [
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
];

const HELP_SPEC = {
  arity: 2,
  flags: ['loading', 'stale'],
  acl: ['slow', 'scripting'],
  group: 'scripting',
  summary: 'Show helpful text about the different subcommands',
  complexity: 'O(1)',
} as const;

const functionCommand: CommandSpec = {
  name: 'function',
  arity: -2,
  flags: [],
  acl: ['slow'],
  group: 'scripting',
  since: '7.0.0',
  summary: 'A container for function commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'function|flush',
      arity: -2,
      flags: ['write', 'noscript'],
      acl: ['write', 'slow', 'scripting'],
      group: 'scripting',
      since: '7.0.0',
      summary: 'Deleting all functions',
      complexity: 'O(N) where N is the number of functions deleted',
      syntax: '[ASYNC | SYNC]',
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      data: functionFlush,
    },
    {
      name: 'function|list',
      arity: -2,
      flags: ['noscript'],
      acl: ['slow', 'scripting'],
      group: 'scripting',
      since: '7.0.0',
      summary: 'List information about all the functions',
      complexity: 'O(N) where N is the number of functions',
      syntax: '[LIBRARYNAME library-name-pattern] [WITHCODE]',
      tips: ['nondeterministic_output_order'],
      node: functionList,
    },
    {
      ...HELP_SPEC,
      name: 'function|help',
      since: '7.0.0',
      node: () => helpReply('FUNCTION', FUNCTION_HELP),
    },
  ],
};

const scriptCommand: CommandSpec = {
  name: 'script',
  arity: -2,
  flags: [],
  acl: ['slow'],
  group: 'scripting',
  since: '2.6.0',
  summary: 'A container for Lua scripts management commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'script|exists',
      arity: -3,
      flags: ['noscript'],
      acl: ['slow', 'scripting'],
      group: 'scripting',
      since: '2.6.0',
      summary: 'Check existence of scripts in the script cache.',
      complexity:
        'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
      syntax: 'sha1 [sha1 ...]',
      tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
      node: scriptExists,
    },
    {
      name: 'script|flush',
      arity: -2,
      flags: ['noscript'],
      acl: ['slow', 'scripting'],
      group: 'scripting',
      since: '2.6.0',
      summary: 'Remove all the scripts from the script cache.',
      complexity: 'O(N) with N being the number of scripts in cache',
      syntax: '[ASYNC | SYNC]',
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      node: scriptFlush,
    },
    {
      ...HELP_SPEC,
      name: 'script|help',
      since: '5.0.0',
      node: () => helpReply('SCRIPT', SCRIPT_HELP),
    },
  ],
};

export const scriptingCommands: readonly CommandSpec[] = [functionCommand, scriptCommand];
