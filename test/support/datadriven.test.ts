import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MismatchError,
  parseLine,
  parseScript,
  runFile,
  runScript,
  sourceDir,
  walk,
  type Handler,
  type TestData,
} from './datadriven.js';

test('parseLine: bare keys, single values, lists with nesting and spaces', () => {
  assert.deepEqual(parseLine('xx a=b a=c'), {
    cmd: 'xx',
    args: [
      { key: 'a', vals: ['b'] },
      { key: 'a', vals: ['c'] },
    ],
  });
  assert.deepEqual(parseLine('  committed cfg=(1,2,3) idx=(13, 100)  flag empty='), {
    cmd: 'committed',
    args: [
      { key: 'cfg', vals: ['1', '2', '3'] },
      { key: 'idx', vals: ['13', '100'] },
      { key: 'flag', vals: [] },
      { key: 'empty', vals: [''] },
    ],
  });
  assert.deepEqual(parseLine('cmd exprs=(a + (b + c), d + f)').args, [
    { key: 'exprs', vals: ['a + (b + c)', 'd + f'] },
  ]);
  assert.deepEqual(parseLine('   '), { cmd: '', args: [] });
});

test('parseLine rejects malformed directives with the column', () => {
  assert.throws(() => parseLine('xx ='), /cannot parse directive at column 4: xx =/);
  assert.throws(() => parseLine('xx a=(1,2'), /cannot parse directive/);
});

test('parseScript: comments, continuations, input, single and double separators', () => {
  const cases = parseScript(
    [
      '# comment',
      '',
      'first a=1 \\',
      '  b=(2, 3)',
      'some input',
      'more input',
      '----',
      'out 1',
      'out 2',
      '',
      'second',
      '----',
      '----',
      'x',
      '',
      'y',
      '----',
      '----',
      '',
      'third',
      '----',
    ].join('\n'),
    'script.txt',
  );
  assert.equal(cases.length, 3);
  const [first, second, third] = cases as [TestData, TestData, TestData];
  assert.equal(first.pos, 'script.txt:3');
  assert.equal(first.cmd, 'first');
  assert.equal(first.int('a'), 1);
  assert.deepEqual(first.ints('b'), [2, 3]);
  assert.equal(first.input, 'some input\nmore input');
  assert.equal(first.expected, 'out 1\nout 2\n');
  assert.equal(second.expected, 'x\n\ny\n');
  assert.equal(third.expected, '');
});

test('TestData accessors: defaults, booleans, errors', () => {
  const [d] = parseScript('cmd n=5 yes=true list=(1,2) word=abc\n----\n') as [TestData];
  assert.equal(d.hasArg('n'), true);
  assert.equal(d.hasArg('m'), false);
  assert.equal(d.int('m', 7), 7);
  assert.equal(d.bool('yes'), true);
  assert.equal(d.bool('no', false), false);
  assert.equal(d.string('word'), 'abc');
  assert.throws(() => d.int('word'), /not an integer/);
  assert.throws(() => d.string('list'), /wants one value/);
  assert.throws(() => d.string('missing'), /missing argument missing/);
});

/** The handler cockroachdb/datadriven tests its rewriting with. */
const echo: Handler = (d) => {
  switch (d.cmd) {
    case 'noop':
      return d.input;
    case 'duplicate':
      return `${d.input}\n${d.input}`;
    case 'duplicate-with-blank':
      return `${d.input}\n\n${d.input}`;
    default:
      throw new Error(`unknown directive ${d.cmd}`);
  }
};

test('compare: matching output passes, a mismatch throws with the position', () => {
  const good =
    'noop\nhello\n----\nhello\n\nduplicate-with-blank\na\n----\n----\na\n\na\n----\n----\n';
  assert.equal(runScript(good, echo, { rewrite: false }), undefined);
  const bad = 'noop\nhello\n----\nbye\n';
  assert.throws(
    () => runScript(bad, echo, { rewrite: false, sourceName: 'f.txt' }),
    (err: unknown) =>
      err instanceof MismatchError && err.data.pos === 'f.txt:1' && err.actual === 'hello\n',
  );
  // A missing trailing newline in the output is added before comparing.
  assert.doesNotThrow(() => runScript('noop\nx\n----\nx', echo, { rewrite: false }));
});

test('rewrite reproduces cockroachdb/datadriven basic-before -> basic-after', () => {
  const before = [
    'noop',
    '----',
    '',
    'noop',
    '----',
    'xxx',
    '',
    'noop',
    '----',
    '----',
    'xxx',
    '----',
    '----',
    '',
    'noop',
    'some input',
    '----',
    '',
    'noop',
    'some input',
    '----',
    'xxx',
    '',
    'duplicate',
    'some input',
    '----',
    'yyy',
    '',
    'duplicate',
    'some input',
    '----',
    '----',
    'yyy',
    '----',
    '----',
    '',
    'duplicate-with-blank',
    'some input',
    '----',
    '',
  ].join('\n');
  const after = [
    'noop',
    '----',
    '',
    'noop',
    '----',
    '',
    'noop',
    '----',
    '',
    'noop',
    'some input',
    '----',
    'some input',
    '',
    'noop',
    'some input',
    '----',
    'some input',
    '',
    'duplicate',
    'some input',
    '----',
    'some input',
    'some input',
    '',
    'duplicate',
    'some input',
    '----',
    'some input',
    'some input',
    '',
    'duplicate-with-blank',
    'some input',
    '----',
    '----',
    'some input',
    '',
    'some input',
    '----',
    '----',
    '',
  ].join('\n');
  assert.equal(runScript(before, echo, { rewrite: true }), after);
  assert.equal(runScript(after, echo, { rewrite: false }), undefined);
});

test('rewrite at the end of a script drops the trailing blank line', () => {
  const comment = '# Case where the last directive has blank output.\n';
  assert.equal(
    runScript(`${comment}noop\n----\n`, echo, { rewrite: true }),
    `${comment}noop\n----\n`,
  );
  assert.equal(
    runScript(`${comment}noop\n----\n----\nfoo\n----\n----\n`, echo, { rewrite: true }),
    `${comment}noop\n----\n`,
  );
});

test('runFile rewrites the file only when REWRITE=1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datadriven-'));
  const saved = process.env['REWRITE'];
  try {
    const path = join(dir, 'case.txt');
    writeFileSync(path, 'noop\nfresh\n----\nstale\n');
    delete process.env['REWRITE'];
    assert.throws(() => runFile(path, echo), MismatchError);
    assert.equal(readFileSync(path, 'utf8'), 'noop\nfresh\n----\nstale\n');
    process.env['REWRITE'] = '1';
    runFile(path, echo);
    assert.equal(readFileSync(path, 'utf8'), 'noop\nfresh\n----\nfresh\n');
    assert.deepEqual(walk(dir), [path]);
  } finally {
    if (saved === undefined) delete process.env['REWRITE'];
    else process.env['REWRITE'] = saved;
    rmSync(dir, { recursive: true });
  }
});

test('sourceDir maps a compiled module under dist/ back to its source directory', () => {
  const compiled = pathToFileURL(join(sep, 'repo', 'dist', 'test', 'raft', 'x.test.js')).href;
  assert.equal(sourceDir(compiled, 'testdata'), join(sep, 'repo', 'test', 'raft', 'testdata'));
  const plain = pathToFileURL(join(sep, 'repo', 'test', 'raft', 'x.test.js')).href;
  assert.equal(sourceDir(plain), join(sep, 'repo', 'test', 'raft'));
});
