import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../src/util/glob.js';

/**
 * [pattern, subject, matches] as redis-server 7.0.15 answers KEYS pattern for a
 * database holding only `subject` (each case was checked against a real server).
 */
const REDIS_CASES: readonly (readonly [string, string, boolean])[] = [
  ['hello', 'hello', true],
  ['hello', 'hellO', false],
  ['h?llo', 'hallo', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h*', 'h', true],
  ['*', 'x', true],
  ['**', '', false],
  ['a*', '', false],
  ['', '', true],
  ['', 'a', false],
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true],
  ['[a-]', '-', false],
  ['[a-]', ']', true],
  ['[a-]', 'a', true],
  ['[ab', 'b', true],
  ['[ab', 'c', false],
  ['[', 'x', false],
  ['[^', 'x', true],
  ['[]', ']', false],
  ['[]]', ']', false],
  ['[]]', ']]', false],
  ['[\\]]', ']', true],
  ['[\\', '\\', true],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['\\', '\\', true],
  ['a\\', 'a\\', true],
  ['*a*b', 'xaxb', true],
  ['*a*b', 'xaxbx', false],
  ['a*b*c', 'abbbcbc', true],
  ['a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(40), false],
  ['[A-a]', 'B', true],
  ['[A-a]', 'b', false],
  ['[a-\xff]', 'b', false],
  ['[a-\xff]', '\xe9', false],
  ['[\xc8-\xf0]', '\xe9', true],
  ['[\xc8-\xf0]', 'a', false],
  ['\xe9*', '\xe9\x00z', true],
  ['?', '\x00', true],
];

test('globMatch agrees with redis-server on literal, wildcard, class and escape cases', () => {
  for (const [pattern, subject, expected] of REDIS_CASES) {
    assert.equal(
      globMatch(pattern, subject),
      expected,
      `${JSON.stringify(pattern)} vs ${JSON.stringify(subject)}`,
    );
  }
});

test('nocase folds ASCII letters in literals, ? classes and ranges', () => {
  assert.equal(globMatch('HeLLo', 'hello', true), true);
  assert.equal(globMatch('h[A-C]llo', 'hbllo', true), true);
  assert.equal(globMatch('h[a-c]llo', 'hBllo', true), true);
  assert.equal(globMatch('h[E]llo', 'hello', true), true);
  assert.equal(globMatch('h[^E]llo', 'hello', true), false);
  assert.equal(globMatch('maxmemory*', 'MAXMEMORY-policy', true), true);
});

test('nocase leaves non-ASCII bytes and escaped class members case-sensitive', () => {
  assert.equal(globMatch('\xc9', '\xe9', true), false);
  assert.equal(globMatch('[\\E]', 'e', true), false);
  assert.equal(globMatch('[\\E]', 'E', true), true);
});

test('long patterns and subjects run without recursion or blow-up', () => {
  const subject = 'a'.repeat(20000);
  assert.equal(globMatch('*a'.repeat(20000), subject), true);
  assert.equal(globMatch('*a'.repeat(5000) + 'b', subject), false);
  assert.equal(globMatch('*'.repeat(100000) + 'b', subject + 'b'), true);
});
