import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/harness.js';
import { valueBytes } from '../../src/commands/memory.js';
import { error } from '../../src/resp/reply.js';

test('MEMORY USAGE grows with the value, answers null for a missing key, checks SAMPLES', () => {
  const h = new Harness();
  h.run('SET', 'small', 'x');
  h.run('SET', 'big', 'x'.repeat(10_000));
  const small = h.run('MEMORY', 'USAGE', 'small') as number;
  const big = h.run('MEMORY', 'USAGE', 'big') as number;
  assert.ok(small > 0 && big - small >= 9_990, `${small} ${big}`);
  assert.equal(h.run('MEMORY', 'USAGE', 'missing'), null);
  assert.deepEqual(h.run('MEMORY', 'USAGE', 'small', 'SAMPLES', '-1'), error('ERR syntax error'));
  assert.deepEqual(h.run('MEMORY', 'USAGE', 'small', 'FOO'), error('ERR syntax error'));
  assert.deepEqual(
    h.run('MEMORY', 'USAGE', 'small', 'SAMPLES', 'x'),
    error('ERR value is not an integer or out of range'),
  );
});

test('MEMORY USAGE of a collection extrapolates from sampled elements', () => {
  const h = new Harness();
  for (let i = 0; i < 100; i++) h.run('RPUSH', 'l', 'e'.repeat(i < 5 ? 8 : 800));
  const sampled = h.run('MEMORY', 'USAGE', 'l') as number;
  const all = h.run('MEMORY', 'USAGE', 'l', 'SAMPLES', '0') as number;
  assert.ok(all > sampled * 10, `all ${all} sampled ${sampled}`);
  assert.equal(valueBytes('abc', 5), 24);
});
