/**
 * Error replies built from user bytes. Redis formats them with printf("%s"), which
 * stops at a NUL byte; checked against redis-server 7.0.15 (found by
 * test/differential/strings-keys).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { error } from '../../src/resp/reply.js';
import { Registry } from '../../src/commands/registry.js';
import { cString, unknownCommand, unknownSubcommand } from '../../src/commands/errors.js';

test('cString keeps the bytes before the first NUL', () => {
  assert.equal(cString('abc'), 'abc');
  assert.equal(cString('a\0b\0c'), 'a');
  assert.equal(cString('\0'), '');
});

test('unknown command: the name and each argument stop at a NUL, 128 bytes in all', () => {
  assert.deepEqual(
    unknownCommand('fo\0o', ['a\0b', 'c']),
    error("ERR unknown command 'fo', with args beginning with: 'a' 'c' "),
  );
  const long = unknownCommand('x', ['y'.repeat(200), 'z']);
  assert.deepEqual(
    long,
    error(`ERR unknown command 'x', with args beginning with: '${'y'.repeat(128)}' `),
  );
  assert.deepEqual(new Registry().resolve(['nope\0x', '\0']).error, unknownCommand('nope', ['']));
});

test('unknown subcommand: the name stops at a NUL', () => {
  assert.deepEqual(
    unknownSubcommand('b\0ad', 'object'),
    error("ERR unknown subcommand 'b'. Try OBJECT HELP."),
  );
});
