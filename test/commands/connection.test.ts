import { NO_TRANSACTIONS, now } from '../support/node-fakes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionCommands } from '../../src/commands/connection.js';
import {
  formatClientInfo,
  selectClients,
  type ClientInfo,
} from '../../src/commands/client-list.js';
import { ExecContext } from '../../src/commands/context.js';
import type {
  ClientFilter,
  ClientsApi,
  ConfigApi,
  NodeContext,
  NodeServices,
  ReplyMode,
  Session,
} from '../../src/commands/node.js';
import { Registry } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/spec.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import {
  EMPTY_ARRAY,
  OK,
  PONG,
  error,
  map,
  simple,
  verbatim,
  type Reply,
} from '../../src/resp/reply.js';
import { testSettings } from '../support/harness.js';

class FakeSession implements Session {
  readonly isLocal = true;
  db = 0;
  proto: 2 | 3 = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  closing = false;
  resets = 0;

  constructor(
    readonly id: number,
    private readonly authRequired: () => boolean,
  ) {
    this.authenticated = !authRequired();
  }

  closeAfterReply(): void {
    this.closing = true;
  }

  reset(): void {
    this.resets++;
    this.db = 0;
    this.proto = 2;
    this.name = '';
    this.replyMode = 'on';
    this.authenticated = !this.authRequired();
    this.user = 'default';
  }
}

/** A client registry over ClientInfo records, using the pure helpers the server uses. */
class FakeClients implements ClientsApi {
  clients: ClientInfo[] = [];
  readonly users = new Set(['default']);
  readonly blocked = new Set<number>();
  killed: number[] = [];
  unblocked: [number, boolean][] = [];
  paused: [number, boolean] | 'unpaused' | undefined;

  list(filter: ClientFilter, self: Session): string[] {
    return selectClients(this.clients, filter, self.id).map(formatClientInfo);
  }
  describe(session: Session): string {
    const me = this.clients.find((c) => c.id === session.id);
    assert.ok(me, 'the caller is registered');
    return formatClientInfo(me);
  }
  kill(filter: ClientFilter, self: Session): number {
    const victims = selectClients(this.clients, filter, self.id);
    this.killed.push(...victims.map((c) => c.id));
    this.clients = this.clients.filter((c) => !victims.includes(c));
    return victims.length;
  }
  userExists(name: string): boolean {
    return this.users.has(name);
  }
  unblock(id: number, withError: boolean): boolean {
    this.unblocked.push([id, withError]);
    return this.blocked.delete(id);
  }
  pause(untilMs: number, writesOnly: boolean): void {
    this.paused = [untilMs, writesOnly];
  }
  unpause(): void {
    this.paused = 'unpaused';
  }
}

const NOW = 1_700_000_000_000;

const noConfig: ConfigApi = {
  get: () => [],
  set: () => null,
  rewrite: () => null,
};

class FakeNode implements NodeServices {
  readonly redisVersion = '7.0.15';
  readonly aikvVersion = '0.1.0';
  readonly keyspace = new Keyspace(16);
  readonly registry = new Registry([connectionCommands]);
  readonly clients = new FakeClients();
  readonly transactions = NO_TRANSACTIONS;
  readonly config = noConfig;
  /** requirepass: '' = the default user has no password. */
  requirepass = '';

  now(): number {
    return NOW;
  }
  info(): string {
    return '';
  }
  resetStats(): void {}
  checkPassword(user: string, password: string): 'ok' | 'wrongpass' | 'nopass' {
    if (user !== 'default') return 'wrongpass';
    if (this.requirepass === '') return 'nopass';
    return password === this.requirepass ? 'ok' : 'wrongpass';
  }
  authRequired(): boolean {
    return this.requirepass !== '';
  }
  shutdown(): string | null {
    return null;
  }
  lastSave(): number {
    return 0;
  }
  setActiveExpire(): void {}
  log(): void {}
}

function clientInfo(id: number, over: Partial<ClientInfo> = {}): ClientInfo {
  return {
    id,
    addr: `127.0.0.1:${50000 + id}`,
    laddr: '127.0.0.1:6379',
    fd: 7 + id,
    name: '',
    age: id,
    idle: 0,
    flags: 'N',
    db: 0,
    sub: 0,
    psub: 0,
    ssub: 0,
    multi: -1,
    qbuf: 26,
    qbufFree: 20448,
    argvMem: 10,
    multiMem: 0,
    rbs: 1024,
    rbp: 0,
    obl: 0,
    oll: 0,
    omem: 0,
    totMem: 22298,
    events: 'r',
    cmd: 'client|list',
    user: 'default',
    redir: -1,
    resp: 2,
    libName: '',
    libVer: '',
    ...over,
  };
}

/** One connected client (id 7) among others (ids 3, 5, 9), on a fresh node. */
function setup(requirepass = ''): {
  node: FakeNode;
  session: FakeSession;
  run: (...argv: string[]) => Reply;
} {
  const node = new FakeNode();
  node.requirepass = requirepass;
  const session = new FakeSession(7, () => node.authRequired());
  node.clients.clients = [
    clientInfo(3),
    clientInfo(5, { flags: 'P', sub: 1, user: 'alice' }),
    clientInfo(7),
    clientInfo(9, { addr: '10.0.0.9:1234', laddr: '10.0.0.1:6379' }),
  ];
  node.clients.users.add('alice');
  const read = new ExecContext(node.keyspace, 0, NOW, 1, testSettings, {
    applying: false,
    proposer: true,
  });
  const ctx: NodeContext = { session, node, read };
  const run = (...argv: string[]): Reply => {
    const lookup = node.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const handler = lookup.spec.node;
    assert.ok(handler, `${lookup.spec.name} is a node command`);
    return now(handler(ctx, argv));
  };
  return { node, session, run };
}

const ERR_NOPASS =
  'ERR AUTH <password> called without any password configured for the default user. ' +
  'Are you sure your configuration is correct?';
const WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');
const BAD_NAME = error('ERR Client names cannot contain spaces, newlines or special characters.');
const SYNTAX = error('ERR syntax error');

test('PING replies PONG or its argument; more arguments are an arity error', () => {
  const { run } = setup();
  assert.equal(run('PING'), PONG);
  assert.equal(run('ping', 'redis'), 'redis');
  assert.deepEqual(
    run('ping', 'hello', 'redis'),
    error("ERR wrong number of arguments for 'ping' command"),
  );
});

test('ECHO returns its argument and checks arity', () => {
  const { run } = setup();
  assert.equal(run('echo', 'a\0b'), 'a\0b');
  assert.deepEqual(run('echo'), error("ERR wrong number of arguments for 'echo' command"));
});

test('SELECT changes the session db, with Redis errors for bad indexes', () => {
  const { run, session } = setup();
  assert.equal(run('select', '15'), OK);
  assert.equal(session.db, 15);
  assert.deepEqual(run('select', '16'), error('ERR DB index is out of range'));
  assert.deepEqual(run('select', '-1'), error('ERR DB index is out of range'));
  assert.deepEqual(run('select', '1.5'), error('ERR value is not an integer or out of range'));
  assert.deepEqual(
    run('select', '99999999999'),
    error('ERR value is out of range, value must between -2147483648 and 2147483647'),
  );
  assert.equal(session.db, 15);
});

function helloMap(proto: number, id = 7): Reply {
  return map([
    'server',
    'redis',
    'version',
    '7.0.15',
    'proto',
    proto,
    'id',
    id,
    'mode',
    'standalone',
    'role',
    'master',
    'modules',
    EMPTY_ARRAY,
  ]);
}

test('HELLO replies the server map in Redis order and switches the protocol', () => {
  const { run, session } = setup();
  assert.deepEqual(run('hello'), helloMap(2));
  assert.deepEqual(run('HELLO', '3'), helloMap(3));
  assert.equal(session.proto, 3);
  assert.deepEqual(run('hello'), helloMap(3), 'no protover reports the current protocol');
  assert.deepEqual(run('hello', '2'), helloMap(2));
  assert.equal(session.proto, 2);
});

test('HELLO rejects bad protocol versions and options without changing the protocol', () => {
  const { run, session } = setup();
  const notInteger = error('ERR Protocol version is not an integer or out of range');
  assert.deepEqual(run('hello', 'abc'), notInteger);
  assert.deepEqual(run('hello', '03'), notInteger);
  for (const version of ['1', '4', '0', '-3', '9223372036854775807']) {
    assert.deepEqual(run('hello', version), error('NOPROTO unsupported protocol version'), version);
  }
  assert.deepEqual(run('hello', '3', 'foo'), error("ERR Syntax error in HELLO option 'foo'"));
  assert.deepEqual(
    run('hello', '3', 'auth', 'default'),
    error("ERR Syntax error in HELLO option 'auth'"),
  );
  assert.deepEqual(
    run('hello', '3', 'SetName'),
    error("ERR Syntax error in HELLO option 'SetName'"),
  );
  assert.equal(session.proto, 2);
});

test('HELLO SETNAME names the connection, refusing names with spaces', () => {
  const { run, session } = setup();
  assert.deepEqual(run('hello', '3', 'setname', 'app'), helloMap(3));
  assert.equal(session.name, 'app');
  assert.deepEqual(run('hello', '2', 'setname', 'a b'), BAD_NAME);
  assert.equal(session.name, 'app');
  assert.equal(session.proto, 3, 'a failed HELLO keeps the protocol');
});

test('HELLO AUTH authenticates before replying; a wrong password is WRONGPASS', () => {
  const { run, session } = setup('secret');
  assert.equal(session.authenticated, false);
  assert.deepEqual(run('hello', '3', 'AUTH', 'default', 'nope'), WRONGPASS);
  assert.deepEqual(run('hello', '3', 'AUTH', 'bob', 'secret'), WRONGPASS);
  assert.equal(session.proto, 2);
  assert.deepEqual(run('hello', '3', 'auth', 'default', 'secret', 'setname', 'x'), helloMap(3));
  assert.equal(session.authenticated, true);
  assert.equal(session.name, 'x');
});

test('HELLO without AUTH on an unauthenticated connection is NOAUTH', () => {
  const { run, session } = setup('secret');
  assert.deepEqual(
    run('hello', '3'),
    error(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO ' +
        'AUTH <user> <pass> option can be used to authenticate the client and select the RESP ' +
        'protocol version at the same time',
    ),
  );
  assert.equal(session.proto, 2);
});

test('HELLO AUTH with no password configured accepts any password for default', () => {
  const { run, session } = setup();
  assert.deepEqual(run('hello', '2', 'auth', 'default', 'whatever'), helloMap(2));
  assert.equal(session.user, 'default');
});

test('AUTH without a configured password: the one-argument form errors, default user works', () => {
  const { run } = setup();
  assert.deepEqual(run('auth', 'foo'), error(ERR_NOPASS));
  assert.equal(run('auth', 'default', 'foo'), OK);
  assert.deepEqual(run('auth', 'foo', 'bar'), WRONGPASS, 'users other than default do not exist');
});

test('AUTH with requirepass: right password authenticates, wrong is WRONGPASS', () => {
  const { run, session } = setup('foobar');
  assert.deepEqual(run('auth', 'wrong!'), WRONGPASS);
  assert.equal(session.authenticated, false);
  assert.equal(run('auth', 'foobar'), OK);
  assert.equal(session.authenticated, true);
  assert.equal(run('AUTH', 'default', 'foobar'), OK);
  assert.equal(session.user, 'default');
});

test('AUTH compares binary passwords whole', () => {
  const { run } = setup('abc\0def');
  assert.deepEqual(run('auth', 'abc'), WRONGPASS);
  assert.equal(run('auth', 'abc\0def'), OK);
});

test('AUTH arity: no argument is an arity error, three arguments a syntax error', () => {
  const { run } = setup();
  assert.deepEqual(run('auth'), error("ERR wrong number of arguments for 'auth' command"));
  assert.deepEqual(run('auth', 'a', 'b', 'c'), SYNTAX);
});

test('QUIT replies OK and closes after the reply; extra arguments are ignored', () => {
  const { run, session } = setup();
  assert.equal(run('quit', 'x', 'y'), OK);
  assert.equal(session.closing, true);
});

test('RESET replies +RESET and resets the session; it takes no arguments', () => {
  const { run, session } = setup();
  run('client', 'setname', 'test-client');
  run('select', '3');
  assert.deepEqual(run('reset'), simple('RESET'));
  assert.equal(session.resets, 1);
  assert.equal(session.name, '');
  assert.equal(session.db, 0);
  assert.deepEqual(run('reset', 'now'), error("ERR wrong number of arguments for 'reset' command"));
});

test('CLIENT without subcommand, unknown subcommands and bad arity use Redis errors', () => {
  const { run } = setup();
  assert.deepEqual(run('client'), error("ERR wrong number of arguments for 'client' command"));
  assert.deepEqual(run('client', 'foo'), error("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  assert.deepEqual(
    run('client', 'tracking', 'on'),
    error("ERR unknown subcommand 'tracking'. Try CLIENT HELP."),
  );
  assert.deepEqual(
    run('client', 'kill'),
    error("ERR wrong number of arguments for 'client|kill' command"),
  );
  assert.deepEqual(
    run('client', 'id', 'x'),
    error("ERR wrong number of arguments for 'client|id' command"),
  );
  assert.deepEqual(
    run('client', 'setname'),
    error("ERR wrong number of arguments for 'client|setname' command"),
  );
  assert.deepEqual(
    run('client', 'setinfo', 'lib-name'),
    error("ERR wrong number of arguments for 'client|setinfo' command"),
  );
});

test('CLIENT HELP is the redis 7.2 text: 7.0 lines plus SETINFO and NO-TOUCH', () => {
  const { run } = setup();
  const help = run('client', 'HELP');
  assert.ok(Array.isArray(help));
  const lines = (help as readonly { value: string }[]).map((line) => line.value);
  assert.equal(lines.length, 54);
  assert.equal(lines[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.deepEqual(lines.slice(-2), ['HELP', '    Prints this help.']);
  const setinfo = lines.indexOf('SETINFO <option> <value>');
  assert.equal(lines[setinfo - 2], 'SETNAME <name>');
  assert.equal(lines[setinfo + 4], 'UNBLOCK <clientid> [TIMEOUT|ERROR]');
  assert.deepEqual(lines.slice(-4, -2), [
    'NO-TOUCH (ON|OFF)',
    '    Will not touch LRU/LFU stats when this mode is on.',
  ]);
  assert.deepEqual(help, lines.map(simple), 'every line is a simple string');
});

test('CLIENT ID returns the session id', () => {
  const { run } = setup();
  assert.equal(run('client', 'id'), 7);
});

test('CLIENT SETNAME / GETNAME: null without a name, empty name removes it', () => {
  const { run, session } = setup();
  assert.equal(run('client', 'getname'), null);
  assert.equal(run('client', 'setname', 'myname'), OK);
  assert.equal(run('client', 'getname'), 'myname');
  assert.equal(run('client', 'setname', 'someothername'), OK);
  assert.equal(session.name, 'someothername');
  assert.equal(run('client', 'setname', ''), OK);
  assert.equal(run('client', 'getname'), null);
});

test('CLIENT SETNAME refuses spaces, newlines and bytes outside printable ASCII', () => {
  const { run, session } = setup();
  run('client', 'setname', 'keep');
  for (const bad of ['foo bar', 'a\nb', 'a\r', '\t', 'x\0', '\x7f', 'caf\xe9']) {
    assert.deepEqual(run('client', 'setname', bad), BAD_NAME, JSON.stringify(bad));
  }
  assert.equal(session.name, 'keep');
});

test("CLIENT INFO is the caller's line plus a newline, as verbatim text", () => {
  const { run } = setup();
  assert.deepEqual(run('client', 'info'), verbatim(formatClientInfo(clientInfo(7)) + '\n'));
});

test('CLIENT LIST returns every line ending in a newline, filtered by TYPE or ID', () => {
  const { run, node } = setup();
  const line = (id: number): string =>
    formatClientInfo(node.clients.clients.find((c) => c.id === id) as ClientInfo);
  assert.deepEqual(
    run('client', 'list'),
    verbatim(`${line(3)}\n${line(5)}\n${line(7)}\n${line(9)}\n`),
  );
  assert.deepEqual(run('client', 'list', 'TYPE', 'pubsub'), verbatim(`${line(5)}\n`));
  assert.deepEqual(
    run('client', 'list', 'type', 'normal'),
    verbatim(`${line(3)}\n${line(7)}\n${line(9)}\n`),
  );
  assert.deepEqual(run('client', 'list', 'type', 'master'), verbatim(''));
  assert.deepEqual(
    run('client', 'list', 'id', '9', '7', '9', '100'),
    verbatim(`${line(9)}\n${line(7)}\n${line(9)}\n`),
  );
  assert.deepEqual(run('client', 'list', 'id', '100'), verbatim(''));
});

test('CLIENT LIST errors: unknown type, invalid id, syntax', () => {
  const { run } = setup();
  assert.deepEqual(run('client', 'list', 'type', 'foo'), error("ERR Unknown client type 'foo'"));
  assert.deepEqual(run('client', 'list', 'id', '3', 'abc'), error('ERR Invalid client ID'));
  assert.deepEqual(run('client', 'list', 'type'), SYNTAX);
  assert.deepEqual(run('client', 'list', 'id'), SYNTAX);
  assert.deepEqual(run('client', 'list', 'foo', 'bar'), SYNTAX);
});

test('CLIENT KILL old form: OK when an address matched (even the caller), else No such client', () => {
  const { run, node } = setup();
  assert.deepEqual(run('client', 'kill', '1.2.3.4:5'), error('ERR No such client'));
  assert.equal(run('client', 'kill', '10.0.0.9:1234'), OK);
  assert.equal(run('client', 'kill', '127.0.0.1:50007'), OK);
  assert.deepEqual(node.clients.killed, [9, 7]);
});

test('CLIENT KILL new form replies the count and skips the caller unless SKIPME no', () => {
  const { run, node } = setup();
  assert.equal(run('client', 'kill', 'type', 'pubsub'), 1);
  assert.equal(run('client', 'kill', 'id', '7'), 0, 'SKIPME defaults to yes');
  assert.equal(run('client', 'kill', 'laddr', '10.0.0.1:6379'), 1);
  assert.equal(run('client', 'kill', 'maxage', '4'), 0, 'client 3 is only 3 seconds old');
  assert.equal(run('client', 'kill', 'skipme', 'yes'), 1);
  assert.deepEqual(node.clients.killed, [5, 9, 3]);
  assert.equal(run('client', 'kill', 'SKIPME', 'NO', 'user', 'default'), 1);
  assert.deepEqual(node.clients.killed, [5, 9, 3, 7]);
});

test('CLIENT KILL option errors match Redis', () => {
  const { run, node } = setup();
  assert.deepEqual(run('client', 'kill', 'id', '10', 'wrong_arg'), SYNTAX);
  assert.deepEqual(
    run('client', 'kill', 'id', 'str'),
    error('ERR client-id should be greater than 0'),
  );
  assert.deepEqual(
    run('client', 'kill', 'id', '0'),
    error('ERR client-id should be greater than 0'),
  );
  assert.deepEqual(
    run('client', 'kill', 'type', 'wrong_type'),
    error("ERR Unknown client type 'wrong_type'"),
  );
  assert.deepEqual(
    run('client', 'kill', 'user', 'wrong_user'),
    error("ERR No such user 'wrong_user'"),
  );
  assert.deepEqual(run('client', 'kill', 'skipme', 'yes_or_no'), SYNTAX);
  assert.deepEqual(node.clients.killed, []);
});

test('CLIENT SETINFO sets LIB-NAME / LIB-VER; empty clears; Redis 7.2 errors', () => {
  const { run, session } = setup();
  assert.equal(run('client', 'setinfo', 'LIB-NAME', 'redis-py'), OK);
  assert.equal(run('client', 'setinfo', 'lib-ver', '5.0.1'), OK);
  assert.equal(session.libName, 'redis-py');
  assert.equal(session.libVer, '5.0.1');
  assert.deepEqual(
    run('client', 'setinfo', 'lib-nam', 'x'),
    error("ERR Unrecognized option 'lib-nam'"),
  );
  assert.deepEqual(
    run('client', 'setinfo', 'Lib-Name', 'a b'),
    error('ERR Lib-Name cannot contain spaces, newlines or special characters.'),
  );
  assert.equal(session.libName, 'redis-py');
  assert.equal(run('client', 'setinfo', 'lib-name', ''), OK);
  assert.equal(session.libName, '');
});

test('CLIENT REPLY sets the reply mode; SKIP does not override OFF', () => {
  const { run, session } = setup();
  run('client', 'reply', 'SKIP');
  assert.equal(session.replyMode, 'skip');
  assert.equal(run('client', 'reply', 'on'), OK);
  assert.equal(session.replyMode, 'on');
  run('client', 'reply', 'off');
  assert.equal(session.replyMode, 'off');
  run('client', 'reply', 'skip');
  assert.equal(session.replyMode, 'off');
  assert.deepEqual(run('client', 'reply', 'foo'), SYNTAX);
  assert.equal(session.replyMode, 'off');
});

test('CLIENT NO-EVICT and NO-TOUCH take ON or OFF', () => {
  const { run, session } = setup();
  assert.equal(run('client', 'no-evict', 'on'), OK);
  assert.equal(session.noEvict, true);
  assert.equal(run('client', 'NO-EVICT', 'OFF'), OK);
  assert.equal(session.noEvict, false);
  assert.deepEqual(run('client', 'no-evict', 'maybe'), SYNTAX);
  assert.equal(run('client', 'no-touch', 'ON'), OK);
  assert.equal(session.noTouch, true);
  assert.equal(run('client', 'no-touch', 'off'), OK);
  assert.equal(session.noTouch, false);
  assert.deepEqual(run('client', 'no-touch', 'yes'), SYNTAX);
});

test('CLIENT UNBLOCK replies 1 when a blocked client was unblocked, else 0', () => {
  const { run, node } = setup();
  node.clients.blocked.add(3);
  assert.equal(run('client', 'unblock', '3', 'ERROR'), 1);
  assert.equal(run('client', 'unblock', '3'), 0);
  assert.equal(run('client', 'unblock', '5', 'timeout'), 0);
  assert.equal(run('client', 'unblock', '9223372036854775807'), 0);
  assert.deepEqual(node.clients.unblocked, [
    [3, true],
    [3, false],
    [5, false],
  ]);
});

test('CLIENT UNBLOCK errors: reason checked before the id, too many arguments', () => {
  const { run } = setup();
  assert.deepEqual(
    run('client', 'unblock', 'abc', 'foo'),
    error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  );
  assert.deepEqual(
    run('client', 'unblock', 'abc'),
    error('ERR value is not an integer or out of range'),
  );
  assert.deepEqual(
    run('client', 'UNBLOCK', '1', '2', '3'),
    error("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP."),
  );
});

test('CLIENT PAUSE pauses until now + timeout, all clients or writes only; UNPAUSE ends it', () => {
  const { run, node } = setup();
  assert.equal(run('client', 'pause', '100'), OK);
  assert.deepEqual(node.clients.paused, [NOW + 100, false]);
  assert.equal(run('client', 'pause', '60000', 'WRITE'), OK);
  assert.deepEqual(node.clients.paused, [NOW + 60000, true]);
  assert.equal(run('client', 'pause', '0', 'all'), OK);
  assert.deepEqual(node.clients.paused, [NOW, false]);
  assert.equal(run('client', 'unpause'), OK);
  assert.equal(node.clients.paused, 'unpaused');
});

test('CLIENT PAUSE errors: mode checked before the timeout, too many arguments', () => {
  const { run, node } = setup();
  assert.deepEqual(
    run('client', 'pause', 'abc', 'foo'),
    error('ERR CLIENT PAUSE mode must be WRITE or ALL'),
  );
  assert.deepEqual(
    run('client', 'pause', 'abc'),
    error('ERR timeout is not an integer or out of range'),
  );
  assert.deepEqual(run('client', 'pause', '-1'), error('ERR timeout is negative'));
  assert.deepEqual(
    run('client', 'pause', '1', '2', '3'),
    error("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP."),
  );
  assert.equal(node.clients.paused, undefined);
});

test('CLIENT GETREDIR is -1 without tracking', () => {
  const { run } = setup();
  assert.equal(run('client', 'getredir'), -1);
});

/** COMMAND INFO of redis-server 7.0.15: arity, flags, ACL categories (2.7 for 7.2 additions). */
const REDIS_COMMAND_INFO: readonly [string, number, string[], string[]][] = [
  ['ping', -1, ['fast'], ['fast', 'connection']],
  ['echo', 2, ['loading', 'stale', 'fast'], ['fast', 'connection']],
  ['select', 2, ['loading', 'stale', 'fast'], ['fast', 'connection']],
  [
    'hello',
    -1,
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['fast', 'connection'],
  ],
  [
    'auth',
    -2,
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['fast', 'connection'],
  ],
  [
    'quit',
    -1,
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['fast', 'connection'],
  ],
  [
    'reset',
    1,
    ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    ['fast', 'connection'],
  ],
  ['client', -2, [], ['slow']],
  ['client|help', 2, ['loading', 'stale'], ['slow', 'connection']],
  ['client|getname', 2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|id', 2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|info', 2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|getredir', 2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|setname', 3, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|setinfo', 4, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|reply', 3, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  ['client|no-touch', 3, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
  [
    'client|kill',
    -3,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
  [
    'client|pause',
    -3,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
  [
    'client|unpause',
    2,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
  [
    'client|list',
    -2,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
  [
    'client|no-evict',
    3,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
  [
    'client|unblock',
    -3,
    ['admin', 'noscript', 'loading', 'stale'],
    ['admin', 'slow', 'dangerous', 'connection'],
  ],
];

test('specs carry the arity, flags and ACL categories redis-server reports', () => {
  const registry = new Registry([connectionCommands]);
  const seen = new Set<string>();
  for (const [name, arity, flags, acl] of REDIS_COMMAND_INFO) {
    const [container, subName] = name.split('|');
    const spec: CommandSpec | undefined =
      subName === undefined ? registry.get(name) : registry.getSub(container as string, subName);
    assert.ok(spec, name);
    assert.equal(spec.name, name);
    assert.equal(spec.arity, arity, name);
    assert.deepEqual(spec.flags, flags, name);
    assert.deepEqual(spec.acl, acl, name);
    assert.equal(spec.group, 'connection', name);
    seen.add(name);
  }
  const client = registry.get('client');
  assert.ok(client?.subcommands);
  for (const s of client.subcommands) assert.ok(seen.has(s.name), `${s.name} is pinned above`);
  assert.equal(connectionCommands.length, 8);
});
