import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientMatches,
  clientTypeOf,
  formatClientFlags,
  formatClientInfo,
  formatClientList,
  isParseError,
  isValidClientAttr,
  parseClientType,
  parseKillFilter,
  parseListFilter,
  selectClients,
  type ClientInfo,
} from '../../src/commands/client-list.js';
import { error } from '../../src/resp/reply.js';

/** Lines printed by redis-server 7.0.15 for a named client in MULTI (2 queued) and the caller. */
const REDIS_LINES = [
  'id=86 addr=127.0.0.1:38042 laddr=127.0.0.1:7407 fd=8 name=worker age=0 idle=0 flags=xe db=3 ' +
    'sub=0 psub=0 ssub=0 multi=2 qbuf=0 qbuf-free=20474 argv-mem=0 multi-mem=49 rbs=1024 rbp=9 ' +
    'obl=0 oll=0 omem=0 tot-mem=22369 events=r cmd=get user=default redir=-1 resp=2',
  'id=87 addr=127.0.0.1:38046 laddr=127.0.0.1:7407 fd=9 name= age=0 idle=0 flags=N db=0 sub=0 ' +
    'psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 ' +
    'oll=0 omem=0 tot-mem=22298 events=r cmd=client|list user=default redir=-1 resp=2',
];

const WORKER: ClientInfo = {
  id: 86,
  addr: '127.0.0.1:38042',
  laddr: '127.0.0.1:7407',
  fd: 8,
  name: 'worker',
  age: 0,
  idle: 0,
  flags: formatClientFlags({ multi: true, noEvict: true }),
  db: 3,
  sub: 0,
  psub: 0,
  ssub: 0,
  multi: 2,
  qbuf: 0,
  qbufFree: 20474,
  argvMem: 0,
  multiMem: 49,
  rbs: 1024,
  rbp: 9,
  obl: 0,
  oll: 0,
  omem: 0,
  totMem: 22369,
  events: 'r',
  cmd: 'get',
  user: 'default',
  redir: -1,
  resp: 2,
  libName: '',
  libVer: '',
};

const CALLER: ClientInfo = {
  ...WORKER,
  id: 87,
  addr: '127.0.0.1:38046',
  fd: 9,
  name: '',
  flags: formatClientFlags({}),
  db: 0,
  multi: -1,
  qbuf: 26,
  qbufFree: 20448,
  argvMem: 10,
  multiMem: 0,
  rbp: 0,
  totMem: 22298,
  cmd: 'client|list',
};

function client(id: number, over: Partial<ClientInfo> = {}): ClientInfo {
  return { ...CALLER, id, addr: `127.0.0.1:${40000 + id}`, ...over };
}

test('formatClientInfo prints redis 7.0.15 fields in order, then 7.2 lib-name and lib-ver', () => {
  assert.equal(formatClientInfo(WORKER), `${REDIS_LINES[0]} lib-name= lib-ver=`);
  assert.equal(formatClientInfo(CALLER), `${REDIS_LINES[1]} lib-name= lib-ver=`);
  const named = formatClientInfo({ ...CALLER, libName: 'redis-py', libVer: '5.0.1' });
  assert.ok(named.endsWith(' resp=2 lib-name=redis-py lib-ver=5.0.1'));
});

test('formatClientInfo lines split on spaces into key=value pairs with unique keys', () => {
  const keys = formatClientInfo(WORKER)
    .split(' ')
    .map((pair) => pair.slice(0, pair.indexOf('=')));
  assert.deepEqual(keys, [
    'id',
    'addr',
    'laddr',
    'fd',
    'name',
    'age',
    'idle',
    'flags',
    'db',
    'sub',
    'psub',
    'ssub',
    'multi',
    'qbuf',
    'qbuf-free',
    'argv-mem',
    'multi-mem',
    'rbs',
    'rbp',
    'obl',
    'oll',
    'omem',
    'tot-mem',
    'events',
    'cmd',
    'user',
    'redir',
    'resp',
    'lib-name',
    'lib-ver',
  ]);
});

test('formatClientList ends every line with a newline, and is empty for no clients', () => {
  assert.equal(formatClientList([]), '');
  assert.equal(
    formatClientList([WORKER, CALLER]),
    `${formatClientInfo(WORKER)}\n${formatClientInfo(CALLER)}\n`,
  );
});

test('formatClientFlags uses catClientInfoString letters and order, N when none', () => {
  assert.equal(formatClientFlags({}), 'N');
  assert.equal(formatClientFlags({ replica: true }), 'S');
  assert.equal(formatClientFlags({ replica: true, monitor: true }), 'O');
  assert.equal(formatClientFlags({ monitor: true }), 'N', 'a monitor is always also a replica');
  assert.equal(
    formatClientFlags({
      noTouch: true,
      noEvict: true,
      readonly: true,
      unixSocket: true,
      closeAsap: true,
      unblocked: true,
      closeAfterReply: true,
      dirtyCas: true,
      trackingBcast: true,
      trackingBrokenRedir: true,
      tracking: true,
      blocked: true,
      multi: true,
      pubsub: true,
      master: true,
    }),
    'MPxbtRBdcuAUreT',
  );
  assert.equal(formatClientFlags({ pubsub: true, multi: false, blocked: true }), 'Pb');
});

test('clientTypeOf follows getClientType: master, replica, pubsub, else normal (monitor too)', () => {
  assert.equal(clientTypeOf('N'), 'normal');
  assert.equal(clientTypeOf('M'), 'master');
  assert.equal(clientTypeOf('S'), 'replica');
  assert.equal(clientTypeOf('O'), 'normal');
  assert.equal(clientTypeOf('Pb'), 'pubsub');
  assert.equal(clientTypeOf('xe'), 'normal');
});

test('parseClientType is case-insensitive and maps slave to replica', () => {
  assert.equal(parseClientType('NORMAL'), 'normal');
  assert.equal(parseClientType('Master'), 'master');
  assert.equal(parseClientType('slave'), 'replica');
  assert.equal(parseClientType('replica'), 'replica');
  assert.equal(parseClientType('pubsub'), 'pubsub');
  assert.equal(parseClientType('monitor'), undefined);
});

test('parseListFilter: no options, TYPE, ID list, and Redis errors', () => {
  assert.deepEqual(parseListFilter(['client', 'list']), {});
  assert.deepEqual(parseListFilter(['client', 'list', 'type', 'PUBSUB']), { type: 'pubsub' });
  assert.deepEqual(parseListFilter(['client', 'list', 'TYPE', 'slave']), { type: 'replica' });
  assert.deepEqual(
    parseListFilter(['client', 'list', 'type', 'bad']),
    error("ERR Unknown client type 'bad'"),
  );
  assert.deepEqual(parseListFilter(['client', 'list', 'ID', '7', '3', '7']), { id: [7, 3, 7] });
  assert.deepEqual(
    parseListFilter(['client', 'list', 'id', '0', '-5', '9223372036854775807', '2']),
    { id: [2] },
    'ids no client can have are valid but match nothing',
  );
  assert.deepEqual(
    parseListFilter(['client', 'list', 'id', '1', 'x']),
    error('ERR Invalid client ID'),
  );
  assert.deepEqual(
    parseListFilter(['client', 'list', 'id', '1.5']),
    error('ERR Invalid client ID'),
  );
  for (const argv of [
    ['client', 'list', 'type'],
    ['client', 'list', 'id'],
    ['client', 'list', 'foo', 'bar'],
    ['client', 'list', 'type', 'normal', 'extra'],
  ]) {
    assert.deepEqual(parseListFilter(argv), error('ERR syntax error'), argv.join(' '));
  }
});

const onlyDefault = (name: string): boolean => name === 'default';

test('parseKillFilter: the old form names an address and may kill the caller', () => {
  assert.deepEqual(parseKillFilter(['client', 'kill', '1.2.3.4:5'], onlyDefault), {
    filter: { addr: '1.2.3.4:5', skipme: false },
    oldForm: true,
  });
});

test('parseKillFilter: new-form options, SKIPME defaulting to yes, later options winning', () => {
  assert.deepEqual(parseKillFilter(['client', 'kill', 'ID', '12', 'type', 'Normal'], onlyDefault), {
    filter: { skipme: true, id: [12], type: 'normal' },
    oldForm: false,
  });
  const all = parseKillFilter(
    [
      'client',
      'kill',
      'addr',
      'a:1',
      'laddr',
      'b:2',
      'user',
      'default',
      'skipme',
      'NO',
      'maxage',
      '30',
    ],
    onlyDefault,
  );
  assert.deepEqual(all, {
    filter: { skipme: false, addr: 'a:1', laddr: 'b:2', user: 'default', maxage: 30 },
    oldForm: false,
  });
  const twice = parseKillFilter(
    ['client', 'kill', 'id', '1', 'id', '2', 'skipme', 'no', 'skipme', 'yes'],
    onlyDefault,
  );
  assert.deepEqual(twice, { filter: { skipme: true, id: [2] }, oldForm: false });
  assert.deepEqual(parseKillFilter(['client', 'kill', 'id', '9223372036854775807'], onlyDefault), {
    filter: { skipme: true, id: [] },
    oldForm: false,
  });
});

test('parseKillFilter: Redis errors for each bad option', () => {
  const cases: [string[], string][] = [
    [['id', 'str'], 'ERR client-id should be greater than 0'],
    [['id', '0'], 'ERR client-id should be greater than 0'],
    [['id', '-1'], 'ERR client-id should be greater than 0'],
    [['type', 'wrong_type'], "ERR Unknown client type 'wrong_type'"],
    [['user', 'wrong_user'], "ERR No such user 'wrong_user'"],
    [['skipme', 'yes_or_no'], 'ERR syntax error'],
    [['id', '10', 'wrong_arg'], 'ERR syntax error'],
    [['foo', 'bar'], 'ERR syntax error'],
    [['maxage', 'x'], 'ERR maxage is not an integer or out of range'],
    [['maxage', '0'], 'ERR maxage should be greater than 0'],
    [['maxage', '-3'], 'ERR maxage should be greater than 0'],
    [['type', 'bad', 'id'], "ERR Unknown client type 'bad'"],
  ];
  for (const [options, message] of cases) {
    const parsed = parseKillFilter(['client', 'kill', ...options], onlyDefault);
    assert.deepEqual(parsed, error(message), options.join(' '));
    assert.ok(isParseError(parsed));
  }
  assert.equal(isParseError({ skipme: true }), false);
});

test('clientMatches checks every present field of the filter', () => {
  const c = client(5, { laddr: '127.0.0.1:6379', user: 'alice', flags: 'P', age: 40 });
  assert.equal(clientMatches(c, {}, 1), true);
  assert.equal(clientMatches(c, { addr: '127.0.0.1:40005' }, 1), true);
  assert.equal(clientMatches(c, { addr: '127.0.0.1:40006' }, 1), false);
  assert.equal(clientMatches(c, { laddr: '127.0.0.1:6379' }, 1), true);
  assert.equal(clientMatches(c, { laddr: '127.0.0.1:7000' }, 1), false);
  assert.equal(clientMatches(c, { type: 'pubsub' }, 1), true);
  assert.equal(clientMatches(c, { type: 'normal' }, 1), false);
  assert.equal(clientMatches(c, { user: 'alice' }, 1), true);
  assert.equal(clientMatches(c, { user: 'default' }, 1), false);
  assert.equal(clientMatches(c, { skipme: true }, 5), false);
  assert.equal(clientMatches(c, { skipme: false }, 5), true);
  assert.equal(clientMatches(c, { skipme: true }, 4), true);
  assert.equal(clientMatches(c, { maxage: 40 }, 1), true);
  assert.equal(clientMatches(c, { maxage: 41 }, 1), false);
});

test('selectClients keeps connection order, or the id list order with duplicates', () => {
  const all = [client(1), client(2, { flags: 'P' }), client(3)];
  assert.deepEqual(
    selectClients(all, {}, 1).map((c) => c.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    selectClients(all, { type: 'normal' }, 1).map((c) => c.id),
    [1, 3],
  );
  assert.deepEqual(
    selectClients(all, { id: [3, 9, 1, 3] }, 1).map((c) => c.id),
    [3, 1, 3],
  );
  assert.deepEqual(
    selectClients(all, { id: [1, 2], skipme: true }, 1).map((c) => c.id),
    [2],
  );
  assert.deepEqual(selectClients(all, { id: [] }, 1), []);
});

test('isValidClientAttr allows printable ASCII only: no space, control or high bytes', () => {
  assert.equal(isValidClientAttr(''), true);
  assert.equal(isValidClientAttr('my-client_1!~'), true);
  for (const bad of ['a b', 'a\nb', 'a\rb', 'tab\t', 'nul\0', 'del\x7f', 'hi\x80', '\xff']) {
    assert.equal(isValidClientAttr(bad), false, JSON.stringify(bad));
  }
});
