import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteArg, splitArgs } from '../../src/util/split-args.js';

test('splitArgs separates on blanks and skips runs of them', () => {
  assert.deepEqual(splitArgs('  port   6379\t'), ['port', '6379']);
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs(' \t '), []);
});

test('splitArgs reads double quotes with escapes, including \\xHH bytes', () => {
  assert.deepEqual(splitArgs('"a b" "c\\"d"'), ['a b', 'c"d']);
  assert.deepEqual(splitArgs('"\\n\\r\\t\\b\\a\\q"'), ['\n\r\t\b\x07q']);
  assert.deepEqual(splitArgs('"\\x41\\xff\\x00"'), ['A\xff\x00']);
  assert.deepEqual(splitArgs('"\\x4"'), ['x4'], 'an incomplete \\x is an escaped x');
  assert.deepEqual(splitArgs('""'), ['']);
});

test("splitArgs reads single quotes where only \\' is an escape", () => {
  assert.deepEqual(splitArgs("'a \\' b' 'c\\n'"), ["a ' b", 'c\\n']);
  assert.deepEqual(splitArgs("''"), ['']);
});

test('splitArgs glues an unquoted prefix to a quoted part', () => {
  assert.deepEqual(splitArgs('ab"c d" e'), ['abc d', 'e']);
});

test('splitArgs rejects unbalanced quotes and text right after a closing quote', () => {
  assert.equal(splitArgs('"abc'), null);
  assert.equal(splitArgs("'abc"), null);
  assert.equal(splitArgs('"a"b'), null);
  assert.equal(splitArgs("'a'b"), null);
  assert.equal(splitArgs('"abc\\'), null);
});

test('quoteArg escapes what splitArgs reads back unchanged', () => {
  assert.equal(quoteArg('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteArg('\n\r\t\x07\b\x00\xff'), '"\\n\\r\\t\\a\\b\\x00\\xff"');
  for (const s of ['', 'plain', ' spaced out ', '"\'\\', '\x00\x01\x7f\x80\xfe', 'tab\there']) {
    assert.deepEqual(splitArgs(quoteArg(s)), [s]);
  }
});
