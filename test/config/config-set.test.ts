/**
 * CONFIG GET / CONFIG SET semantics. Expected replies were taken from redis-server
 * 7.0.15 (`redis-cli config set ...`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/config.js';

function set(config: Config, ...args: string[]): string | null {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < args.length; i += 2)
    pairs.push([args[i] as string, args[i + 1] as string]);
  return config.set(pairs);
}

const failed = (name: string, reason: string): string =>
  `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;

test('CONFIG SET error replies match redis-server 7.0.15', () => {
  const cases: [string[], string][] = [
    [['foo', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['port', 'abc'], failed('port', "argument couldn't be parsed into an integer")],
    [['port', '1.5'], failed('port', "argument couldn't be parsed into an integer")],
    [['port', ' 5'], failed('port', "argument couldn't be parsed into an integer")],
    [['timeout', '007'], failed('timeout', "argument couldn't be parsed into an integer")],
    [
      ['timeout', '99999999999999999999'],
      failed('timeout', "argument couldn't be parsed into an integer"),
    ],
    [['port', '70000'], failed('port', 'argument must be between 0 and 65535 inclusive')],
    [['port', '-1'], failed('port', 'argument must be between 0 and 65535 inclusive')],
    [['hz', '-5'], failed('hz', 'argument must be between 0 and 2147483647 inclusive')],
    [
      ['maxclients', '0'],
      failed('maxclients', 'argument must be between 1 and 4294967295 inclusive'),
    ],
    [
      ['maxclients', '-1'],
      failed('maxclients', 'argument must be between 1 and 4294967295 inclusive'),
    ],
    [
      ['list-max-listpack-size', '-2147483649'],
      failed(
        'list-max-listpack-size',
        'argument must be between -2147483648 and 2147483647 inclusive',
      ),
    ],
    [
      ['slowlog-max-len', '-1'],
      failed('slowlog-max-len', 'argument must be between 0 and 9223372036854775807 inclusive'),
    ],
    [
      ['slowlog-log-slower-than', '-2'],
      failed(
        'slowlog-log-slower-than',
        'argument must be between -1 and 9223372036854775807 inclusive',
      ),
    ],
    [
      ['active-expire-effort', '11'],
      failed('active-expire-effort', 'argument must be between 1 and 10 inclusive'),
    ],
    [['maxmemory', '1x'], failed('maxmemory', 'argument must be a memory value')],
    [['maxmemory', '-1'], failed('maxmemory', 'argument must be a memory value')],
    [['maxmemory', '1.5gb'], failed('maxmemory', 'argument must be a memory value')],
    [
      ['hash-max-listpack-value', '-1'],
      failed('hash-max-listpack-value', 'argument must be a memory value'),
    ],
    [
      ['proto-max-bulk-len', '1000'],
      failed(
        'proto-max-bulk-len',
        'argument must be between 1048576 and 9223372036854775807 inclusive',
      ),
    ],
    [
      ['proto-max-bulk-len', '9223372036854775808'],
      failed(
        'proto-max-bulk-len',
        'argument must be between 1048576 and 9223372036854775807 inclusive',
      ),
    ],
    [['proto-max-bulk-len', '+5'], failed('proto-max-bulk-len', 'argument must be a memory value')],
    [
      ['maxmemory-clients', '200%'],
      failed('maxmemory-clients', 'percentage argument must be less or equal to 100'),
    ],
    [
      ['maxmemory-clients', 'abc'],
      failed('maxmemory-clients', 'argument must be a memory or percent value'),
    ],
    [['unixsocketperm', '800'], failed('unixsocketperm', "can't set immutable config")],
    [['databases', '3'], failed('databases', "can't set immutable config")],
    [['Daemonize', 'no'], failed('Daemonize', "can't set immutable config")],
    [
      ['loglevel', 'xx'],
      failed(
        'loglevel',
        'argument(s) must be one of the following: debug, verbose, notice, warning',
      ),
    ],
    [['appendonly', 'maybe'], failed('appendonly', "argument must be 'yes' or 'no'")],
    [
      ['lua-time-limit', 'x'],
      failed('lua-time-limit', "argument couldn't be parsed into an integer"),
    ],
    [['save', '1'], failed('save', 'Invalid save parameters')],
    [['save', '0 1'], failed('save', 'Invalid save parameters')],
    [['save', '1 -1'], failed('save', 'Invalid save parameters')],
    [['save', ' 10  1 '], failed('save', 'Invalid save parameters')],
    [
      ['client-output-buffer-limit', 'normal 1 2'],
      failed(
        'client-output-buffer-limit',
        'Wrong number of arguments in buffer limit configuration.',
      ),
    ],
    [
      ['client-output-buffer-limit', 'master 1 2 3'],
      failed(
        'client-output-buffer-limit',
        'Invalid client class specified in buffer limit configuration.',
      ),
    ],
    [
      ['client-output-buffer-limit', 'replica 1 2 -3'],
      failed(
        'client-output-buffer-limit',
        'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
      ),
    ],
    [
      ['client-output-buffer-limit', 'replica 1x 2 3'],
      failed(
        'client-output-buffer-limit',
        'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
      ),
    ],
    [
      ['notify-keyspace-events', 'Z'],
      failed('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
    ],
    [
      ['shutdown-on-sigint', 'save nosave'],
      failed('shutdown-on-sigint', "shutdown options SAVE and NOSAVE can't be used simultaneously"),
    ],
    [
      ['shutdown-on-sigint', ''],
      failed(
        'shutdown-on-sigint',
        'argument(s) must be one of the following: default, save, nosave, now, force',
      ),
    ],
    [['oom-score-adj-values', '1 2'], failed('oom-score-adj-values', 'wrong number of arguments')],
    [
      ['oom-score-adj-values', '1 2 3000'],
      failed(
        'oom-score-adj-values',
        'Invalid oom-score-adj-values, elements must be between -2000 and 2000.',
      ),
    ],
    [
      ['latency-tracking-info-percentiles', '101'],
      failed(
        'latency-tracking-info-percentiles',
        'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]',
      ),
    ],
    [
      ['latency-tracking-info-percentiles', 'abc'],
      failed(
        'latency-tracking-info-percentiles',
        'Invalid latency-tracking-info-percentiles parameters',
      ),
    ],
    [
      ['cluster-announce-hostname', 'a_b'],
      failed(
        'cluster-announce-hostname',
        'Hostnames may only contain alphanumeric characters, hyphens or dots',
      ),
    ],
    [
      ['proc-title-template', '{bogus}'],
      failed('proc-title-template', 'template format is invalid or contains unknown variables'),
    ],
    [
      ['proc-title-template', '{title}'],
      failed('proc-title-template', 'template format is invalid or contains unknown variables'),
    ],
    [
      ['bind', Array(17).fill('1.2.3.4').join(' ')],
      failed('bind', 'Too many bind addresses specified.'),
    ],
    [['dir', '/tmp'], failed('dir', "can't set protected config")],
    [['dbfilename', 'x.rdb'], failed('dbfilename', "can't set protected config")],
    [['enable-debug-command', 'yes'], failed('enable-debug-command', "can't set immutable config")],
  ];
  for (const [args, reply] of cases) {
    assert.equal(set(Config.defaults(), ...args), reply, args.join(' '));
  }
});

test('CONFIG SET: names are all checked before any value, the first bad one answers', () => {
  const config = Config.defaults();
  assert.equal(
    set(config, 'maxmemory', '1', 'foo', '2'),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    set(config, 'save', '100 x', 'foo', '1'),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    set(config, 'databases', '5', 'foo', '2'),
    failed('databases', "can't set immutable config"),
  );
  assert.equal(
    set(config, 'foo', '2', 'databases', '5'),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    set(config, 'Daemonize', 'no', 'foo', '1'),
    failed('Daemonize', "can't set immutable config"),
  );
});

test('CONFIG SET: a setting named twice is a duplicate; by name and alias it is not', () => {
  const config = Config.defaults();
  assert.equal(
    set(config, 'maxmemory', '1', 'maxmemory', '2'),
    failed('maxmemory', 'duplicate parameter'),
  );
  assert.equal(
    set(config, 'MAXMEMORY', '1', 'maxmemory', '2'),
    failed('maxmemory', 'duplicate parameter'),
  );
  assert.equal(
    set(config, 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'),
    null,
  );
  assert.equal(config.number('hash-max-listpack-entries'), 2);
});

test('CONFIG SET is all or nothing', () => {
  const config = Config.defaults();
  assert.equal(set(config, 'maxmemory', '10000002'), null);
  const reply = set(
    config,
    'maxmemory',
    '10000001',
    'maxmemory-clients',
    '200%',
    'client-query-buffer-limit',
    'invalid',
  );
  assert.equal(
    reply,
    failed('maxmemory-clients', 'percentage argument must be less or equal to 100'),
  );
  assert.deepEqual(config.get(['maxmemory', 'maxmemory-clients', 'client-query-buffer-limit']), [
    ['maxmemory', '10000002'],
    ['maxmemory-clients', '0'],
    ['client-query-buffer-limit', '1073741824'],
  ]);
});

test('CONFIG SET: a parse error names the setting as looked up (alias included)', () => {
  assert.equal(
    set(Config.defaults(), 'HASH-MAX-ZIPLIST-VALUE', 'x'),
    failed('hash-max-ziplist-value', 'argument must be a memory value'),
  );
});

test('CONFIG SET stores values in the form CONFIG GET shows', () => {
  const config = Config.defaults();
  const cases: [string, string, string][] = [
    ['maxmemory', '100mb', '104857600'],
    ['maxmemory', '2k', '2000'],
    ['maxmemory', '1KB', '1024'],
    ['maxmemory', '', '0'],
    ['maxmemory', '18446744073709551616', '18446744073709551615'],
    ['loglevel', 'WARNING', 'warning'],
    ['appendonly', 'YES', 'yes'],
    ['hz', '1000', '500'],
    ['hz', '0', '1'],
    ['maxmemory-clients', '10%', '10%'],
    ['oom-score-adj', 'relative', 'yes'],
    ['maxmemory-policy', 'ALLKEYS-LRU', 'allkeys-lru'],
    ['save', '3600 1 300 100', '3600 1 300 100'],
    ['save', '', ''],
    ['shutdown-on-sigint', 'nosave force now', 'nosave now force'],
    ['shutdown-on-sigterm', 'default', 'default'],
    ['notify-keyspace-events', 'KEA', 'AKE'],
    ['notify-keyspace-events', 'Elg', 'glE'],
    ['notify-keyspace-events', 'gx$lshzetdnKEm', 'AKEm'],
    ['latency-tracking-info-percentiles', '50 99.99 100 0.5', '50 99.99 100 0.5'],
    ['latency-tracking-info-percentiles', '', ''],
    ['bind', '127.0.0.1 ::1', '127.0.0.1 ::1'],
    ['bind', '', ''],
  ];
  for (const [name, value, shown] of cases) {
    assert.equal(set(config, name, value), null, `${name} ${value}`);
    assert.deepEqual(config.get([name]), [[name, shown]], `${name} ${value}`);
  }
});

test('client-output-buffer-limit: named classes change, the others keep their limits', () => {
  const config = Config.defaults();
  assert.deepEqual(config.get(['client-output-buffer-limit']), [
    [
      'client-output-buffer-limit',
      'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    ],
  ]);
  assert.equal(set(config, 'client-output-buffer-limit', 'normal 1mb 2k 3'), null);
  assert.equal(set(config, 'client-output-buffer-limit', 'replica 1 2 3'), null);
  assert.equal(
    config.string('client-output-buffer-limit'),
    'normal 1048576 2000 3 slave 1 2 3 pubsub 33554432 8388608 60',
  );
});

test('protected settings need enable-protected-configs: yes, or local from loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aikv-dir-'));
  try {
    const local = Config.load(['--enable-protected-configs', 'local']);
    assert.equal(
      local.set([['dir', dir]], { local: false }),
      failed('dir', "can't set protected config"),
    );
    assert.equal(local.set([['dir', dir]], { local: true }), null);
    assert.equal(local.string('dir'), dir);
    const yes = Config.load(['--enable-protected-configs', 'yes']);
    assert.equal(yes.set([['dbfilename', 'a.rdb']]), null);
    assert.equal(
      yes.set([['dbfilename', 'a/b.rdb']]),
      failed('dbfilename', "dbfilename can't be a path, just a filename"),
    );
    assert.equal(
      yes.set([['dir', join(dir, 'missing')]]),
      failed('dir', 'No such file or directory'),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('CONFIG GET: several patterns, each setting once, exact names as typed', () => {
  const config = Config.defaults();
  assert.deepEqual(config.get(['port', 'PORT', 'p?rt']), [['port', '6379']]);
  assert.deepEqual(config.get(['PORT', 'po*']), [['PORT', '6379']]);
  assert.deepEqual(config.get(['PO*']), [['port', '6379']]);
  assert.deepEqual(config.get(['[pq]ort']), [['port', '6379']]);
  assert.deepEqual(config.get(['nonexistent', 'nonexistent*']), []);
});

test('CONFIG GET: patterns match aliases too; exact alias names answer under the alias', () => {
  const config = Config.defaults();
  assert.deepEqual(config.get(['hash-max-ziplist-entries', 'hash-max-*-entries']), [
    ['hash-max-ziplist-entries', '512'],
    ['hash-max-listpack-entries', '512'],
  ]);
  assert.deepEqual(config.get(['lua*']), [['lua-time-limit', '5000']]);
});

test('CONFIG GET: hidden settings need their exact name', () => {
  const config = Config.defaults();
  assert.deepEqual(config.get(['*key-load*']), []);
  assert.ok(!config.get(['*']).some(([name]) => name === 'key-load-delay'));
  assert.deepEqual(config.get(['key-load-delay']), [['key-load-delay', '0']]);
});

test('CONFIG GET * then CONFIG SET of every mutable value to itself changes nothing', () => {
  const config = Config.load(['--enable-protected-configs', 'yes', '--dir', tmpdir()]);
  const before = config.get(['*']);
  for (const [name, value] of before) {
    const setting = config.set([[name, value]]);
    if (setting !== null) assert.match(setting, /can't set immutable config/, `${name} ${value}`);
  }
  assert.deepEqual(config.get(['*']), before);
});

test('change listeners run once per changed setting, after all values are set', () => {
  const config = Config.defaults();
  const seen: string[] = [];
  config.onChange('timeout', (value) => {
    seen.push(`timeout=${value} maxclients=${config.string('maxclients')}`);
  });
  config.onChange('hash-max-ziplist-entries', (value, name) => {
    seen.push(`${name}=${value}`);
  });
  assert.equal(
    set(config, 'timeout', '5', 'maxclients', '50', 'hash-max-listpack-entries', '7'),
    null,
  );
  assert.equal(set(config, 'timeout', '5'), null, 'unchanged: no call');
  assert.deepEqual(seen, ['timeout=5 maxclients=50', 'hash-max-listpack-entries=7']);
});

test('a listener that refuses restores every setting and tells earlier listeners', () => {
  const config = Config.defaults();
  const applied: string[] = [];
  config.onChange('timeout', (value) => {
    applied.push(`timeout ${value}`);
  });
  config.onChange('port', (value) =>
    value === '7777' ? 'Unable to listen on this port. Check server logs.' : undefined,
  );
  const reply = set(config, 'timeout', '9', 'maxmemory', '1mb', 'port', '7777');
  assert.equal(reply, failed('port', 'Unable to listen on this port. Check server logs.'));
  assert.deepEqual(config.get(['timeout', 'maxmemory', 'port']), [
    ['timeout', '0'],
    ['maxmemory', '0'],
    ['port', '6379'],
  ]);
  assert.deepEqual(applied, ['timeout 9', 'timeout 0']);
});

test('onChange returns an unsubscribe; unknown names are programmer errors', () => {
  const config = Config.defaults();
  let calls = 0;
  const off = config.onChange('timeout', () => {
    calls++;
  });
  set(config, 'timeout', '1');
  off();
  set(config, 'timeout', '2');
  assert.equal(calls, 1);
  assert.throws(() => config.onChange('nope', () => undefined));
  assert.throws(() => config.number('loglevel'));
});

test('typed getters follow CONFIG SET', () => {
  const config = Config.defaults();
  assert.equal(
    set(
      config,
      'proto-max-bulk-len',
      '2mb',
      'zset-max-ziplist-entries',
      '3',
      'lazyfree-lazy-user-del',
      'yes',
    ),
    null,
  );
  assert.equal(config.protoMaxBulkLen, 2 * 1024 * 1024);
  assert.equal(config.number('zset-max-listpack-entries'), 3);
  assert.equal(config.number('lazyfree-lazy-user-del'), 1);
  assert.equal(config.bool('lazyfree-lazy-user-del'), true);
  assert.equal(set(config, 'maxmemory-clients', '10%'), null);
  assert.equal(config.number('maxmemory-clients'), -10);
});

test('allows(): enable-debug-command defaults to local = loopback clients only', () => {
  const config = Config.defaults();
  assert.equal(config.allows('enable-debug-command', true), true);
  assert.equal(config.allows('enable-debug-command', false), false);
  assert.equal(
    Config.load(['--enable-debug-command', 'yes']).allows('enable-debug-command', false),
    true,
  );
  assert.equal(
    Config.load(['--enable-debug-command', 'no']).allows('enable-debug-command', true),
    false,
  );
});

test('sensitive settings are marked', () => {
  const config = Config.defaults();
  assert.equal(config.isSensitive('requirepass'), true);
  assert.equal(config.isSensitive('MASTERAUTH'), true);
  assert.equal(config.isSensitive('port'), false);
});
