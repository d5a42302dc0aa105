/**
 * The connection family: PING, ECHO, SELECT, HELLO, AUTH, QUIT, RESET and the CLIENT
 * container, as Redis 7.0 has them, plus CLIENT SETINFO and NO-TOUCH from 7.2 (current
 * clients send them) and CLIENT KILL MAXAGE from 7.4. Handlers act on the calling
 * session and on the server's client registry (ClientsApi).
 */
import { EMPTY_ARRAY, OK, PONG, error, map, simple, verbatim, type Reply } from '../resp/reply.js';
import type { CommandSpec, NodeCommandSpec } from './spec.js';
import type { NodeContext } from './node.js';
import { DB_INDEX_RANGE, NOT_INTEGER, SYNTAX } from './errors.js';
import { parseInt64 } from '../util/numbers.js';
import {
  isParseError,
  isValidClientAttr,
  parseKillFilter,
  parseListFilter,
} from './client-list.js';

const WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');
const BAD_NAME = error('ERR Client names cannot contain spaces, newlines or special characters.');
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function ping(_ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 2) return error("ERR wrong number of arguments for 'ping' command");
  return argv.length === 2 ? (argv[1] as string) : PONG;
}

function echo(_ctx: NodeContext, argv: readonly string[]): Reply {
  return argv[1] as string;
}

function select(ctx: NodeContext, argv: readonly string[]): Reply {
  const index = parseInt64(argv[1] as string);
  if (index === null) return NOT_INTEGER;
  // getIntFromObjectOrReply: an int64 outside C's int has its own message.
  if (typeof index !== 'number' || index < INT32_MIN || index > INT32_MAX) {
    return error(`ERR value is out of range, value must between ${INT32_MIN} and ${INT32_MAX}`);
  }
  if (index < 0 || index >= ctx.node.keyspace.dbs.length) return DB_INDEX_RANGE;
  ctx.session.db = index;
  return OK;
}

/** ACLAuthenticateUser: on success the session becomes that user. */
function authenticate(ctx: NodeContext, user: string, password: string): boolean {
  if (ctx.node.checkPassword(user, password) === 'wrongpass') return false;
  ctx.session.authenticated = true;
  ctx.session.user = user;
  return true;
}

function auth(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 3) return SYNTAX;
  if (argv.length === 3) {
    return authenticate(ctx, argv[1] as string, argv[2] as string) ? OK : WRONGPASS;
  }
  const password = argv[1] as string;
  // The old one-argument form fails loudly when the default user has no password.
  if (ctx.node.checkPassword('default', password) === 'nopass') {
    return error(
      'ERR AUTH <password> called without any password configured for the default user. ' +
        'Are you sure your configuration is correct?',
    );
  }
  return authenticate(ctx, 'default', password) ? OK : WRONGPASS;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]]: options apply in order. */
function hello(ctx: NodeContext, argv: readonly string[]): Reply {
  let proto: 2 | 3 | undefined;
  if (argv.length >= 2) {
    const version = parseInt64(argv[1] as string);
    if (version === null) return error('ERR Protocol version is not an integer or out of range');
    if (version !== 2 && version !== 3) return error('NOPROTO unsupported protocol version');
    proto = version;
  }
  for (let j = 2; j < argv.length; j++) {
    const option = argv[j] as string;
    const more = argv.length - 1 - j;
    const upper = option.toUpperCase();
    if (upper === 'AUTH' && more >= 2) {
      if (!authenticate(ctx, argv[j + 1] as string, argv[j + 2] as string)) return WRONGPASS;
      j += 2;
    } else if (upper === 'SETNAME' && more >= 1) {
      if (!setName(ctx, argv[j + 1] as string)) return BAD_NAME;
      j++;
    } else {
      return error(`ERR Syntax error in HELLO option '${option}'`);
    }
  }
  if (ctx.node.authRequired() && !ctx.session.authenticated) {
    return error(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the ' +
        'HELLO AUTH <user> <pass> option can be used to authenticate the client and select ' +
        'the RESP protocol version at the same time',
    );
  }
  if (proto !== undefined) ctx.session.proto = proto;
  // A member of a group of several nodes is a cluster node: its leader the master.
  const view = ctx.node.cluster?.view();
  const grouped = view !== undefined && view.members.length > 1;
  const mode = grouped ? 'cluster' : 'standalone';
  const role = grouped && view.leader !== view.self ? 'replica' : 'master';
  return map([
    'server',
    'redis',
    'version',
    ctx.node.redisVersion,
    'proto',
    ctx.session.proto,
    'id',
    ctx.session.id,
    'mode',
    mode,
    'role',
    role,
    'modules',
    EMPTY_ARRAY,
  ]);
}

function quit(ctx: NodeContext): Reply {
  ctx.session.closeAfterReply();
  return OK;
}

function reset(ctx: NodeContext): Reply {
  ctx.session.reset();
  return simple('RESET');
}

/** clientSetName: '' removes the name; otherwise printable ASCII without spaces. */
function setName(ctx: NodeContext, name: string): boolean {
  if (!isValidClientAttr(name)) return false;
  ctx.session.name = name;
  return true;
}

/** Redis 7.2's CLIENT HELP: 7.0's lines plus SETINFO and NO-TOUCH. */
const CLIENT_HELP: readonly Reply[] = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
  'HELP',
  '    Prints this help.',
].map(simple);

/** addReplySubcommandSyntaxError: a known subcommand with a count its handler refuses. */
function subcommandSyntaxError(argv: readonly string[]): Reply {
  const sub = (argv[1] as string).slice(0, 128);
  return error(
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${(argv[0] as string).toUpperCase()} HELP.`,
  );
}

function clientHelp(): Reply {
  return CLIENT_HELP;
}

function clientId(ctx: NodeContext): Reply {
  return ctx.session.id;
}

function clientInfo(ctx: NodeContext): Reply {
  return verbatim(ctx.node.clients.describe(ctx.session) + '\n');
}

function clientList(ctx: NodeContext, argv: readonly string[]): Reply {
  const filter = parseListFilter(argv);
  if (isParseError(filter)) return filter;
  let text = '';
  for (const line of ctx.node.clients.list(filter, ctx.session)) text += line + '\n';
  return verbatim(text);
}

function clientKill(ctx: NodeContext, argv: readonly string[]): Reply {
  const clients = ctx.node.clients;
  const request = parseKillFilter(argv, (name) => clients.userExists?.(name) ?? name === 'default');
  if (isParseError(request)) return request;
  const killed = clients.kill(request.filter, ctx.session);
  if (!request.oldForm) return killed;
  return killed === 0 ? error('ERR No such client') : OK;
}

function clientSetname(ctx: NodeContext, argv: readonly string[]): Reply {
  return setName(ctx, argv[2] as string) ? OK : BAD_NAME;
}

function clientGetname(ctx: NodeContext): Reply {
  return ctx.session.name === '' ? null : ctx.session.name;
}

function clientSetinfo(ctx: NodeContext, argv: readonly string[]): Reply {
  const attr = argv[2] as string;
  const value = argv[3] as string;
  const which = attr.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver')
    return error(`ERR Unrecognized option '${attr}'`);
  if (!isValidClientAttr(value)) {
    return error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  }
  if (which === 'lib-name') ctx.session.libName = value;
  else ctx.session.libVer = value;
  return OK;
}

/** CLIENT REPLY: the connection drops this reply itself when the mode is not 'on'. */
function clientReply(ctx: NodeContext, argv: readonly string[]): Reply {
  switch ((argv[2] as string).toLowerCase()) {
    case 'on':
      ctx.session.replyMode = 'on';
      return OK;
    case 'off':
      ctx.session.replyMode = 'off';
      return OK;
    case 'skip':
      if (ctx.session.replyMode !== 'off') ctx.session.replyMode = 'skip';
      return OK;
    default:
      return SYNTAX;
  }
}

/** ON / OFF as a boolean; undefined for anything else. */
function parseOnOff(arg: string): boolean | undefined {
  const word = arg.toLowerCase();
  if (word === 'on') return true;
  if (word === 'off') return false;
  return undefined;
}

function clientNoEvict(ctx: NodeContext, argv: readonly string[]): Reply {
  const on = parseOnOff(argv[2] as string);
  if (on === undefined) return SYNTAX;
  ctx.session.noEvict = on;
  return OK;
}

function clientNoTouch(ctx: NodeContext, argv: readonly string[]): Reply {
  const on = parseOnOff(argv[2] as string);
  if (on === undefined) return SYNTAX;
  ctx.session.noTouch = on;
  return OK;
}

function clientUnblock(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 4) return subcommandSyntaxError(argv);
  let withError = false;
  if (argv.length === 4) {
    const reason = (argv[3] as string).toLowerCase();
    if (reason !== 'timeout' && reason !== 'error') {
      return error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    }
    withError = reason === 'error';
  }
  const id = parseInt64(argv[2] as string);
  if (id === null) return NOT_INTEGER;
  if (typeof id !== 'number') return 0;
  return ctx.node.clients.unblock(id, withError) ? 1 : 0;
}

function clientPause(ctx: NodeContext, argv: readonly string[]): Reply {
  if (argv.length > 4) return subcommandSyntaxError(argv);
  let writesOnly = false;
  if (argv.length === 4) {
    const mode = (argv[3] as string).toLowerCase();
    if (mode !== 'write' && mode !== 'all')
      return error('ERR CLIENT PAUSE mode must be WRITE or ALL');
    writesOnly = mode === 'write';
  }
  const timeoutMs = parseInt64(argv[2] as string);
  if (timeoutMs === null) return error('ERR timeout is not an integer or out of range');
  if (timeoutMs < 0) return error('ERR timeout is negative');
  ctx.node.clients.pause(ctx.node.now() + Number(timeoutMs), writesOnly);
  return OK;
}

function clientUnpause(ctx: NodeContext): Reply {
  ctx.node.clients.unpause();
  return OK;
}

/** No tracking yet, so never a redirection. */
function clientGetredir(): Reply {
  return -1;
}

const NO_AUTH_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;
const CLIENT_FLAGS = ['noscript', 'loading', 'stale'] as const;
const CLIENT_ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;
const CLIENT_ACL = ['slow', 'connection'] as const;
const CLIENT_ADMIN_ACL = ['admin', 'slow', 'dangerous', 'connection'] as const;

interface ClientSubSpec {
  readonly name: string;
  readonly arity: number;
  readonly since: string;
  readonly summary: string;
  readonly node: NodeCommandSpec['node'];
  readonly complexity?: string;
  readonly syntax?: string;
  /** Redis's ADMIN flag, which also puts it in @admin and @dangerous. */
  readonly admin?: boolean;
}

/** A CLIENT subcommand with the metadata every one of them shares. */
function sub(spec: ClientSubSpec): NodeCommandSpec {
  const { admin, name, ...rest } = spec;
  return {
    complexity: 'O(1)',
    ...rest,
    name: `client|${name}`,
    flags: admin === true ? CLIENT_ADMIN_FLAGS : CLIENT_FLAGS,
    acl: admin === true ? CLIENT_ADMIN_ACL : CLIENT_ACL,
    group: 'connection',
  };
}

const clientSubcommands: readonly CommandSpec[] = [
  {
    ...sub({
      name: 'help',
      arity: 2,
      since: '5.0.0',
      summary: 'Show helpful text about the different subcommands',
      node: clientHelp,
    }),
    flags: ['loading', 'stale'],
  },
  sub({
    name: 'id',
    arity: 2,
    since: '5.0.0',
    summary: 'Returns the client ID for the current connection',
    node: clientId,
  }),
  sub({
    name: 'info',
    arity: 2,
    since: '6.2.0',
    summary: 'Returns information about the current client connection.',
    node: clientInfo,
  }),
  sub({
    name: 'list',
    arity: -2,
    since: '2.4.0',
    summary: 'Get the list of client connections',
    complexity: 'O(N) where N is the number of client connections',
    syntax: '[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]',
    admin: true,
    node: clientList,
  }),
  sub({
    name: 'kill',
    arity: -3,
    since: '2.4.0',
    summary: 'Kill the connection of a client',
    complexity: 'O(N) where N is the number of client connections',
    syntax:
      '<ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | ' +
      '[USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | ' +
      '[MAXAGE maxage]> [...]>',
    admin: true,
    node: clientKill,
  }),
  sub({
    name: 'setname',
    arity: 3,
    since: '2.6.9',
    summary: 'Set the current connection name',
    syntax: 'connection-name',
    node: clientSetname,
  }),
  sub({
    name: 'getname',
    arity: 2,
    since: '2.6.9',
    summary: 'Get the current connection name',
    node: clientGetname,
  }),
  sub({
    name: 'setinfo',
    arity: 4,
    since: '7.2.0',
    summary: 'Sets information specific to the client or connection.',
    syntax: '<LIB-NAME libname | LIB-VER libver>',
    node: clientSetinfo,
  }),
  sub({
    name: 'reply',
    arity: 3,
    since: '3.2.0',
    summary: 'Instruct the server whether to reply to commands',
    syntax: '<ON | OFF | SKIP>',
    node: clientReply,
  }),
  sub({
    name: 'no-evict',
    arity: 3,
    since: '7.0.0',
    summary: 'Set client eviction mode for the current connection',
    syntax: '<ON | OFF>',
    admin: true,
    node: clientNoEvict,
  }),
  sub({
    name: 'no-touch',
    arity: 3,
    since: '7.2.0',
    summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
    syntax: '<ON | OFF>',
    node: clientNoTouch,
  }),
  sub({
    name: 'unblock',
    arity: -3,
    since: '5.0.0',
    summary: 'Unblock a client blocked in a blocking command from a different connection',
    complexity: 'O(log N) where N is the number of client connections',
    syntax: 'client-id [TIMEOUT | ERROR]',
    admin: true,
    node: clientUnblock,
  }),
  sub({
    name: 'pause',
    arity: -3,
    since: '2.9.50',
    summary: 'Stop processing commands from clients for some time',
    syntax: 'timeout [WRITE | ALL]',
    admin: true,
    node: clientPause,
  }),
  sub({
    name: 'unpause',
    arity: 2,
    since: '6.2.0',
    summary: 'Resume processing of clients that were paused',
    complexity: 'O(N) Where N is the number of paused clients',
    admin: true,
    node: clientUnpause,
  }),
  sub({
    name: 'getredir',
    arity: 2,
    since: '6.0.0',
    summary: 'Get tracking notifications redirection client ID if any',
    node: clientGetredir,
  }),
];

export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Ping the server',
    complexity: 'O(1)',
    syntax: '[message]',
    node: ping,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Echo the given string',
    complexity: 'O(1)',
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
    summary: 'Change the selected database for the current connection',
    complexity: 'O(1)',
    syntax: 'index',
    node: select,
  },
  {
    name: 'hello',
    arity: -1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '6.0.0',
    summary: 'Handshake with Redis',
    complexity: 'O(1)',
    syntax: '[protover [AUTH username password] [SETNAME clientname]]',
    node: hello,
  },
  {
    name: 'auth',
    arity: -2,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Authenticate to the server',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    syntax: '[username] password',
    node: auth,
  },
  {
    name: 'quit',
    arity: -1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Close the connection',
    complexity: 'O(1)',
    node: quit,
  },
  {
    name: 'reset',
    arity: 1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    group: 'connection',
    since: '6.2.0',
    summary: 'Reset the connection',
    complexity: 'O(1)',
    node: reset,
  },
  {
    name: 'client',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'connection',
    since: '2.4.0',
    summary: 'A container for client connection commands',
    complexity: 'Depends on subcommand.',
    subcommands: clientSubcommands,
  },
];
