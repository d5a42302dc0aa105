import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  formatMemory,
  formatPercentile,
  parseCommandLine,
  parseConfigText,
  parseMemory,
  parseStrtoll,
} from '../../src/config/parse.js';

test('config text: comments, blank lines and surrounding blanks are skipped; lines keep numbers', () => {
  const text = '# comment\n\n  port 7000  \r\n\t# indented comment\nbind "1.2.3.4" \'::1\'\n';
  assert.deepEqual(parseConfigText(text, 'a.conf'), [
    { args: ['port', '7000'], source: 'a.conf:3' },
    { args: ['bind', '1.2.3.4', '::1'], source: 'a.conf:5' },
  ]);
});

test('config text: a line with unbalanced quotes is an error naming its line', () => {
  assert.throws(
    () => parseConfigText('port 1\nrequirepass "abc\n', 'a.conf'),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === 'aikv-server: bad line at a.conf:2: unbalanced quotes',
  );
});

test('command line: a first argument not starting with "-" is the config file', () => {
  assert.deepEqual(parseCommandLine(['a.conf', '--port', '7000']), {
    configFile: 'a.conf',
    stdin: false,
    flags: [{ source: '--port', text: 'port "7000" ' }],
  });
  assert.equal(parseCommandLine(['--port', '7000']).configFile, null);
});

test('command line: "--name value" in one argument carries its value', () => {
  const { flags } = parseCommandLine(['--maxmemory 700mb', '--maxmemory-policy', 'volatile-lru']);
  assert.deepEqual(flags, [
    { source: '--maxmemory', text: 'maxmemory 700mb ' },
    { source: '--maxmemory-policy', text: 'maxmemory-policy "volatile-lru" ' },
  ]);
});

test('command line: a bare flag takes the next argument even if it starts with "--"', () => {
  const { flags } = parseCommandLine([
    '--proc-title-template',
    '--my--title',
    '--loglevel',
    'verbose',
  ]);
  assert.deepEqual(flags, [
    { source: '--proc-title-template', text: 'proc-title-template "--my--title" ' },
    { source: '--loglevel', text: 'loglevel "verbose" ' },
  ]);
});

test('command line: several values follow one flag', () => {
  const { flags } = parseCommandLine(['--save', '100', '10', '200', '20']);
  assert.deepEqual(flags, [{ source: '--save', text: 'save "100" "10" "200" "20" ' }]);
});

test('command line: --save before another flag or at the end means save ""', () => {
  assert.deepEqual(parseCommandLine(['--save', '--loglevel', 'verbose']).flags, [
    { source: '--save', text: 'save ""' },
    { source: '--loglevel', text: 'loglevel "verbose" ' },
  ]);
  assert.deepEqual(parseCommandLine(['--loglevel', 'verbose', '--save']).flags[1], {
    source: '--save',
    text: 'save ""',
  });
});

test('command line: "-" first or last reads stdin; values before any flag form a line', () => {
  assert.equal(parseCommandLine(['-']).stdin, true);
  assert.equal(parseCommandLine(['a.conf', '--port', '1', '-']).stdin, true);
  assert.deepEqual(parseCommandLine(['a.conf', 'loglevel', 'verbose']).flags, [
    { source: 'the command line', text: '"loglevel" "verbose" ' },
  ]);
});

test('memory values: units k/m/g are powers of 1000, kb/mb/gb of 1024, any case', () => {
  assert.equal(parseMemory('0'), 0n);
  assert.equal(parseMemory('12'), 12n);
  assert.equal(parseMemory('1b'), 1n);
  assert.equal(parseMemory('1k'), 1000n);
  assert.equal(parseMemory('1KB'), 1024n);
  assert.equal(parseMemory('2m'), 2000000n);
  assert.equal(parseMemory('2Mb'), 2097152n);
  assert.equal(parseMemory('3g'), 3000000000n);
  assert.equal(parseMemory('3gB'), 3221225472n);
  assert.equal(parseMemory('00012'), 12n);
});

test('memory values: like memtoull, "" and a bare unit read 0, huge values saturate then wrap', () => {
  assert.equal(parseMemory(''), 0n);
  assert.equal(parseMemory('kb'), 0n);
  assert.equal(parseMemory('18446744073709551616'), 18446744073709551615n);
  assert.equal(parseMemory('99999999999999999999kb'), 18446744073709550592n);
});

test('memory values: signs, spaces, fractions and unknown units are rejected', () => {
  for (const bad of ['-1', '+5', ' 1', '1 ', '1.5gb', '1x', '1kib', '1t']) {
    assert.equal(parseMemory(bad), null, bad);
  }
});

test('strtoll: blanks and a sign before the digits, nothing after; "" is 0', () => {
  assert.equal(parseStrtoll(' -12'), -12n);
  assert.equal(parseStrtoll('+7'), 7n);
  assert.equal(parseStrtoll(''), 0n);
  assert.equal(parseStrtoll('5 '), null);
  assert.equal(parseStrtoll(' '), null);
  assert.equal(parseStrtoll('x'), null);
  assert.equal(parseStrtoll('99999999999999999999'), 9223372036854775807n);
  assert.equal(parseStrtoll('777', 8), 511n);
  assert.equal(parseStrtoll('8', 8), null);
});

test('memory is written back with the largest exact unit', () => {
  assert.equal(formatMemory(0n), '0');
  assert.equal(formatMemory(1000n), '1000');
  assert.equal(formatMemory(2048n), '2kb');
  assert.equal(formatMemory(3n * 1024n * 1024n), '3mb');
  assert.equal(formatMemory(1024n * 1024n * 1024n), '1gb');
  assert.equal(formatMemory(1024n * 1024n + 1024n), '1025kb');
});

test('percentiles are shown as %f without trailing zeros', () => {
  assert.equal(formatPercentile(50), '50');
  assert.equal(formatPercentile(99.9), '99.9');
  assert.equal(formatPercentile(0.5), '0.5');
  assert.equal(formatPercentile(99.9999999), '100');
});
