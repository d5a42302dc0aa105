import { now } from '../support/node-fakes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandCommand } from '../../src/commands/command-info.js';
import { ExecContext } from '../../src/commands/context.js';
import type { NodeContext, NodeServices } from '../../src/commands/node.js';
import { Registry } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/spec.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { error, map, set, simple, type MapReply, type Reply } from '../../src/resp/reply.js';
import { testSettings } from '../support/harness.js';

const nothing = (): Reply => null;

/** A small table of its own, so the replies pinned here do not move with other families. */
const GET: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['read', 'string', 'fast'],
  group: 'string',
  since: '1.0.0',
  summary: 'Get the value of a key',
  complexity: 'O(1)',
  keys: { first: 1, last: 1, step: 1 },
  keyAccess: ['RO', 'access'],
  data: nothing,
};

const MSET: CommandSpec = {
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['write', 'string', 'slow'],
  group: 'string',
  since: '1.0.1',
  summary: 'Set multiple keys to multiple values',
  keys: { first: 1, last: -1, step: 2 },
  keyAccess: ['OW', 'update'],
  data: nothing,
};

/** Keys named by a count argument, as ZUNIONSTORE / EVAL. */
const EVALISH: CommandSpec = {
  name: 'evalish',
  arity: -3,
  flags: ['may_replicate', 'no_mandatory_keys', 'noscript'],
  acl: ['slow', 'scripting'],
  group: 'scripting',
  since: '2.6.0',
  summary: 'Keys after a count',
  keyFinder: (argv) => {
    const n = Number(argv[2]);
    if (!Number.isInteger(n) || n < 0 || 3 + n > argv.length) return [];
    return Array.from({ length: n }, (_, i) => 3 + i);
  },
  data: nothing,
};

const PING: CommandSpec = {
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  acl: ['fast', 'connection'],
  group: 'connection',
  since: '1.0.0',
  summary: 'Ping the server',
  node: nothing,
};

const OBJECTISH: CommandSpec = {
  name: 'object',
  arity: -2,
  flags: [],
  acl: ['slow'],
  group: 'generic',
  since: '2.2.3',
  summary: 'A container for object introspection commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'object|encoding',
      arity: 3,
      flags: ['readonly'],
      acl: ['keyspace', 'read', 'slow'],
      group: 'generic',
      since: '2.2.3',
      summary: 'Inspect the internal encoding of a Redis object',
      complexity: 'O(1)',
      keys: { first: 2, last: 2, step: 1 },
      data: nothing,
    },
  ],
};

const registry = new Registry([[GET, MSET, EVALISH, PING, OBJECTISH, commandCommand]]);

function run(...argv: string[]): Reply {
  const lookup = registry.resolve(argv);
  if (lookup.error) return lookup.error;
  const handler = lookup.spec.node;
  if (handler === undefined) throw new Error(`${lookup.spec.name} is not a node command`);
  const keyspace = new Keyspace(16);
  const node = { registry } as Partial<NodeServices> as NodeServices;
  const read = new ExecContext(keyspace, 0, 0, 1, testSettings, {
    applying: false,
    proposer: true,
  });
  const ctx = { node, read } as Partial<NodeContext> as NodeContext;
  return now(handler(ctx, argv));
}

const s = (...names: string[]): Reply => set(names.map(simple));

// Redis 7.0.15: COMMAND INFO get, byte for byte in RESP3.
const GET_INFO: Reply = [
  'get',
  2,
  s('readonly', 'fast'),
  1,
  1,
  1,
  s('@read', '@string', '@fast'),
  set([]),
  set([
    map([
      'flags',
      s('RO', 'access'),
      'begin_search',
      map(['type', 'index', 'spec', map(['index', 1])]),
      'find_keys',
      map(['type', 'range', 'spec', map(['lastkey', 0, 'keystep', 1, 'limit', 0])]),
    ]),
  ]),
  set([]),
];

test('COMMAND INFO replies Redis 7 ten-element entries, null for unknown names', () => {
  assert.deepEqual(run('COMMAND', 'INFO', 'GET', 'nosuch', 'get|x'), [GET_INFO, null, null]);
});

test('COMMAND with no subcommand, and COMMAND INFO with no name, list every command', () => {
  const all = run('COMMAND') as Reply[];
  assert.equal(all.length, registry.size);
  assert.deepEqual(all[0], GET_INFO);
  assert.deepEqual(run('COMMAND', 'INFO'), all);
  assert.equal(run('COMMAND', 'COUNT'), 6);
});

test('COMMAND INFO reports a key range ending at -1 as Redis does for MSET', () => {
  const info = run('COMMAND', 'INFO', 'mset') as Reply[][];
  assert.deepEqual(info[0]?.slice(3, 6), [1, -1, 2]);
  const keySpec = map([
    'flags',
    s('OW', 'update'),
    'begin_search',
    map(['type', 'index', 'spec', map(['index', 1])]),
    'find_keys',
    map(['type', 'range', 'spec', map(['lastkey', -1, 'keystep', 2, 'limit', 0])]),
  ]);
  assert.deepEqual(info[0]?.[8], set([keySpec]));
});

test('COMMAND INFO hides may_replicate and adds movablekeys for a key finder', () => {
  const [info] = run('COMMAND', 'INFO', 'evalish') as Reply[][];
  assert.deepEqual(info?.[2], s('noscript', 'no_mandatory_keys', 'movablekeys'));
  assert.deepEqual(info?.slice(3, 6), [0, 0, 0]);
  const unknown = map(['type', 'unknown', 'spec', map([])]);
  assert.deepEqual(
    info?.[8],
    set([map(['flags', s('RO'), 'begin_search', unknown, 'find_keys', unknown])]),
  );
});

test('COMMAND INFO of a container lists its subcommands; a subcommand by full name', () => {
  const [object] = run('COMMAND', 'INFO', 'object') as Reply[][];
  const subs = object?.[9] as Reply[][];
  assert.equal(subs.length, 1);
  assert.equal(subs[0]?.[0], 'object|encoding');
  assert.deepEqual(run('COMMAND', 'INFO', 'OBJECT|Encoding'), [subs[0]]);
  const [command] = run('COMMAND', 'INFO', 'command') as Reply[][];
  assert.deepEqual(command?.slice(0, 3), ['command', -1, s('loading', 'stale')]);
  assert.deepEqual(command?.[6], s('@slow', '@connection'));
  assert.deepEqual(command?.[7], set(['nondeterministic_output_order']));
  assert.equal((command?.[9] as Reply[]).length, 7);
});

test('COMMAND DOCS replies a map per command, with subcommands for containers', () => {
  assert.deepEqual(
    run('COMMAND', 'DOCS', 'get', 'nosuch'),
    map([
      'get',
      map([
        'summary',
        'Get the value of a key',
        'since',
        '1.0.0',
        'group',
        'string',
        'complexity',
        'O(1)',
      ]),
    ]),
  );
  const docs = run('COMMAND', 'DOCS', 'object') as MapReply;
  const object = docs.entries[1] as MapReply;
  assert.deepEqual(object.entries.slice(-2, -1), ['subcommands']);
  const subs = object.entries.at(-1) as MapReply;
  assert.equal(subs.entries[0], 'object|encoding');
  const all = run('COMMAND', 'DOCS') as MapReply;
  assert.equal(all.entries.length, 2 * registry.size);
  assert.deepEqual(run('COMMAND', 'DOCS', 'mset'), run('COMMAND', 'DOCS', 'MSET'));
});

test('COMMAND GETKEYS extracts keys, with Redis error strings', () => {
  assert.deepEqual(run('COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'), ['a', 'b']);
  assert.deepEqual(run('COMMAND', 'GETKEYS', 'OBJECT', 'encoding', 'k'), ['k']);
  assert.deepEqual(run('COMMAND', 'GETKEYS', 'evalish', 's', '2', 'x', 'y'), ['x', 'y']);
  assert.deepEqual(run('COMMAND', 'GETKEYS', 'evalish', 's', '0'), []);
  assert.deepEqual(
    run('COMMAND', 'GETKEYS', 'nosuch', 'a'),
    error('ERR Invalid command specified'),
  );
  assert.deepEqual(
    run('COMMAND', 'GETKEYS', 'object', 'nosuch', 'k'),
    error('ERR Invalid command specified'),
  );
  assert.deepEqual(
    run('COMMAND', 'GETKEYS', 'ping', 'x'),
    error('ERR The command has no key arguments'),
  );
  assert.deepEqual(
    run('COMMAND', 'GETKEYS', 'get', 'a', 'b'),
    error('ERR Invalid number of arguments specified for command'),
  );
  assert.deepEqual(
    run('COMMAND', 'GETKEYS', 'get'),
    error("ERR wrong number of arguments for 'command|getkeys' command"),
  );
});

test('COMMAND GETKEYS: no keys found is an error unless keys are optional', () => {
  const strict: CommandSpec = { ...MSET, name: 'strict', keys: { first: 3, last: 3, step: 1 } };
  const table = new Registry([[strict, commandCommand]]);
  const node = { registry: table } as Partial<NodeServices> as NodeServices;
  const ctx = { node } as Partial<NodeContext> as NodeContext;
  const lookup = table.resolve(['COMMAND', 'GETKEYS', 'strict', 'a', 'b']);
  assert.deepEqual(
    lookup.spec?.node?.(ctx, ['COMMAND', 'GETKEYS', 'strict', 'a', 'b']),
    error('ERR Invalid arguments specified for command'),
  );
});

test('COMMAND GETKEYSANDFLAGS pairs each key with its access flags', () => {
  assert.deepEqual(run('COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', '1', 'b', '2'), [
    ['a', s('OW', 'update')],
    ['b', s('OW', 'update')],
  ]);
  assert.deepEqual(run('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), [['k', s('RO', 'access')]]);
});

test('COMMAND LIST names every command and subcommand, with FILTERBY', () => {
  const all = run('COMMAND', 'LIST') as string[];
  assert.ok(all.includes('object|encoding') && all.includes('command|getkeys'));
  assert.equal(all.length, registry.size + 1 + 7);
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'O*'), [
    'object',
    'object|encoding',
  ]);
  assert.deepEqual(run('COMMAND', 'LIST', 'filterby', 'aclcat', 'STRING'), ['get', 'mset']);
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'), []);
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'json'), []);
  const syntax = error('ERR syntax error');
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'NAME', 'x'), syntax);
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN'), syntax);
  assert.deepEqual(run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'x', 'y'), syntax);
});

test('COMMAND HELP is Redis text; an unknown subcommand is Redis error', () => {
  const help = run('COMMAND', 'HELP') as Reply[];
  assert.deepEqual(
    help[0],
    simple('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'),
  );
  assert.deepEqual(help[1], simple('(no subcommand)'));
  assert.equal(help.length, 21);
  assert.deepEqual(
    run('COMMAND', 'nosuch'),
    error("ERR unknown subcommand 'nosuch'. Try COMMAND HELP."),
  );
});
