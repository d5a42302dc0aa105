import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Config, ConfigError } from '../../src/config/config.js';

/** Writes files into a fresh temporary directory; returns the directory. */
function files(contents: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aikv-config-'));
  for (const [name, text] of Object.entries(contents))
    writeFileSync(join(dir, name), text, 'latin1');
  return dir;
}

function loadFile(text: string, ...flags: string[]): Config {
  const dir = files({ 'aikv.conf': text });
  try {
    return Config.load([join(dir, 'aikv.conf'), ...flags]);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

function loadError(argv: readonly string[], stdin = ''): ConfigError {
  try {
    Config.load(argv, { readStdin: () => stdin });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail(`expected a ConfigError for ${argv.join(' ')}`);
}

test('defaults: no arguments means every setting at its default and no config file', () => {
  const config = Config.load([]);
  assert.equal(config.configFile, null);
  assert.equal(config.number('port'), 6379);
  assert.equal(config.string('bind'), '127.0.0.1');
  assert.equal(config.string('dir'), resolve('./data'));
  assert.equal(config.string('appendfsync'), 'always');
  assert.equal(config.string('save'), '3600 1 300 100 60 10000');
  assert.equal(config.protoMaxBulkLen, 512 * 1024 * 1024);
});

test('file: quotes, comments, case-insensitive names, units and aliases', () => {
  const config = loadFile(
    ['# AiKv test config', 'PORT 7001', '  requirepass "p a\\"ss"  ', "\tlogfile 'x.log'"].join(
      '\n',
    ),
  );
  assert.equal(config.number('port'), 7001);
  assert.equal(config.string('requirepass'), 'p a"ss');
  assert.equal(config.string('logfile'), 'x.log');
});

test('file: "#" after a value is no comment, as in redis.conf', () => {
  assert.equal(loadError(['--port', '1', '#', 'note']).reason, 'wrong number of arguments');
});

test('file: memory units, aliases and enums in any case', () => {
  const config = loadFile(
    'maxmemory 100mb\nproto-max-bulk-len 1G\nhash-max-ziplist-entries 99\nlua-time-limit 7000\nmaxmemory-policy ALLKEYS-LRU\n',
  );
  assert.equal(config.string('maxmemory'), '104857600');
  assert.equal(config.protoMaxBulkLen, 1000000000);
  assert.equal(config.number('hash-max-listpack-entries'), 99);
  assert.equal(config.number('hash-max-ziplist-entries'), 99);
  assert.equal(config.number('busy-reply-threshold'), 7000);
  assert.equal(config.string('maxmemory-policy'), 'allkeys-lru');
});

test('file: the config file path is kept absolute for CONFIG REWRITE', () => {
  const dir = files({ 'a.conf': 'port 7002\n' });
  try {
    const config = Config.load([join(dir, 'a.conf')]);
    assert.equal(config.configFile, resolve(dir, 'a.conf'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('flags are read after the file, so the last value wins', () => {
  const config = loadFile('port 7003\nloglevel warning\n', '--port', '7004');
  assert.equal(config.number('port'), 7004);
  assert.equal(config.string('loglevel'), 'warning');
});

test('flags: one argument "--name value" and quoted values, as in redis-server', () => {
  const config = Config.load(["--maxmemory '700mb'", '--maxmemory-policy volatile-lru']);
  assert.equal(config.string('maxmemory'), '734003200');
  assert.equal(config.string('maxmemory-policy'), 'volatile-lru');
});

test('flags: a multi-value setting takes one argument with spaces or several arguments', () => {
  const config = Config.load([
    '--shutdown-on-sigint',
    'nosave',
    'force',
    'now',
    '--shutdown-on-sigterm',
    'nosave force',
  ]);
  assert.equal(config.string('shutdown-on-sigint'), 'nosave now force');
  assert.equal(config.string('shutdown-on-sigterm'), 'nosave force');
});

test('flags: a bare flag takes a value starting with "--"', () => {
  const config = Config.load(['--proc-title-template', '--my--title', '--loglevel', 'verbose']);
  assert.equal(config.string('proc-title-template'), '--my--title');
  assert.equal(config.string('loglevel'), 'verbose');
});

test('save: the first save line replaces the default, later ones add to it', () => {
  assert.equal(loadFile('save 900 1\n').string('save'), '900 1');
  assert.equal(loadFile('save 900 1\nsave 300 10\n').string('save'), '900 1 300 10');
  assert.equal(loadFile('save 900 1\n', '--save', '100', '100').string('save'), '900 1 100 100');
  assert.equal(loadFile('save 900 1\n', '--save', '').string('save'), '');
  assert.equal(loadFile('save 900 1\nsave ""\nsave 5 5\n').string('save'), '5 5');
  assert.equal(loadFile('save "900 1 300 10"\n').string('save'), '900 1 300 10');
});

test('save: an empty --save anywhere on the command line clears snapshots', () => {
  for (const argv of [
    ['--save', '--loglevel', 'verbose'],
    ['--loglevel', 'verbose', '--save'],
    ['--save', '', '--loglevel', 'verbose'],
    ['--proc-title-template', '--save', '--save', '', '--loglevel', 'verbose'],
  ]) {
    const config = Config.load(argv);
    assert.equal(config.string('save'), '', argv.join(' '));
    assert.equal(config.string('loglevel'), 'verbose', argv.join(' '));
  }
});

test('stdin: "-" reads settings after the file and before the flags', () => {
  const dir = files({ 'a.conf': 'port 7005\ntimeout 5\n' });
  try {
    const config = Config.load([join(dir, 'a.conf'), '--timeout', '9', '-'], {
      readStdin: () => 'port 7006\ntimeout 7\n',
    });
    assert.equal(config.number('port'), 7006);
    assert.equal(config.number('timeout'), 9);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('include reads another file in place; deprecated directives are accepted and ignored', () => {
  const dir = files({ 'extra.conf': 'timeout 30\nport 7008\n' });
  try {
    const config = loadFile(
      `port 7007\ninclude ${join(dir, 'extra.conf')}\nlist-max-ziplist-entries 5\nlua-replicate-commands yes\n`,
    );
    assert.equal(config.number('timeout'), 30);
    assert.equal(config.number('port'), 7008);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('errors name the setting, the file and line, and the reason', () => {
  const dir = files({ 'aikv.conf': '# c\n\nport 99999\n' });
  try {
    const err = loadError([join(dir, 'aikv.conf')]);
    assert.equal(
      err.message,
      `aikv-server: bad setting 'port' at ${join(dir, 'aikv.conf')}:3: argument must be between 0 and 65535 inclusive`,
    );
    assert.equal(err.setting, 'port');
    assert.equal(err.reason, 'argument must be between 0 and 65535 inclusive');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('errors from flags name the flag', () => {
  assert.equal(
    loadError(['--port', 'x']).message,
    "aikv-server: bad setting 'port' at --port: argument couldn't be parsed into an integer",
  );
  assert.equal(
    loadError(['--maxmemory 5 6']).message,
    "aikv-server: bad setting 'maxmemory' at --maxmemory: wrong number of arguments",
  );
  assert.equal(
    loadError(['-'], 'port 1\nfoo 2\n').message,
    "aikv-server: bad setting 'foo' at stdin:2: unknown setting",
  );
});

test('every kind of load error has its reason', () => {
  const cases: [string[], string][] = [
    [['--foo', '1'], "bad setting 'foo' at --foo: unknown setting"],
    [['--port', '1', '2'], "bad setting 'port' at --port: wrong number of arguments"],
    [['--maxmemory'], "bad setting 'maxmemory' at --maxmemory: wrong number of arguments"],
    [['--save', '0', '1'], "bad setting 'save' at --save: Invalid save parameters"],
    [
      ['--appendonly', 'maybe'],
      "bad setting 'appendonly' at --appendonly: argument must be 'yes' or 'no'",
    ],
    [
      ['--daemonize', 'yes'],
      "bad setting 'daemonize' at --daemonize: aikv-server does not daemonize; run it under a supervisor",
    ],
    [
      ['--loglevel', 'loud'],
      "bad setting 'loglevel' at --loglevel: argument(s) must be one of the following: debug, verbose, notice, warning",
    ],
    [
      ['--replicaof', '10.0.0.1', '6379'],
      `bad setting 'replicaof' at --replicaof: AiKv replicates through Raft; only "replicaof no one" is accepted`,
    ],
    [
      ['--list-max-ziplist-entries', '1', '2'],
      "bad setting 'list-max-ziplist-entries' at --list-max-ziplist-entries: wrong number of arguments",
    ],
    [['--include'], "bad setting 'include' at --include: wrong number of arguments"],
  ];
  for (const [argv, message] of cases) {
    assert.equal(loadError(argv).message, `aikv-server: ${message}`);
  }
});

test('a missing config file is an error naming the file', () => {
  assert.equal(
    loadError(['/nonexistent/aikv.conf']).message,
    "aikv-server: can't open config file '/nonexistent/aikv.conf': No such file or directory",
  );
});

test('replicaof no one and daemonize no are accepted', () => {
  const config = Config.load(['--replicaof', 'no', 'one', '--daemonize', 'no']);
  assert.equal(config.string('replicaof'), '');
  assert.equal(config.string('daemonize'), 'no');
});

test('hz out of range is kept within 1..500, as Redis does', () => {
  assert.equal(Config.load(['--hz', '0']).number('hz'), 1);
  assert.equal(Config.load(['--hz', '1000']).number('hz'), 500);
});

test("Redis's test-suite default.conf loads", () => {
  const conf = [
    'always-show-logo yes',
    'notify-keyspace-events KEA',
    'daemonize no',
    'pidfile /var/run/redis.pid',
    'port 6379',
    'timeout 0',
    'bind 127.0.0.1',
    'loglevel verbose',
    "logfile ''",
    'databases 16',
    'latency-monitor-threshold 1',
    'repl-diskless-sync-delay 0',
    'save 900 1',
    'rdbcompression yes',
    'dbfilename dump.rdb',
    'dir ./',
    'slave-serve-stale-data yes',
    'appendonly no',
    'appendfsync everysec',
    'no-appendfsync-on-rewrite no',
    'activerehashing yes',
    'enable-protected-configs yes',
    'enable-debug-command yes',
    'enable-module-command yes',
    'propagation-error-behavior panic',
  ].join('\n');
  const config = loadFile(conf);
  assert.equal(config.string('notify-keyspace-events'), 'AKE');
  assert.equal(config.string('logfile'), '');
  assert.equal(config.string('dir'), resolve('./'));
  assert.equal(config.string('save'), '900 1');
});

test('command-line values become byte strings, like values in the file', () => {
  const dir = files({ 'aikv.conf': 'requirepass "p\xc3\xa4ss"\n' });
  try {
    const fromFile = Config.load([join(dir, 'aikv.conf')]);
    const fromFlag = Config.load(['--requirepass', 'päss']);
    assert.equal(fromFlag.string('requirepass'), 'p\xc3\xa4ss');
    assert.equal(fromFile.string('requirepass'), fromFlag.string('requirepass'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
