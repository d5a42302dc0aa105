import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16, keyHashSlot, SLOTS } from '../../src/util/crc16.js';

test('crc16 is CCITT/XMODEM: the check value of "123456789" is 0x31c3', () => {
  assert.equal(crc16('123456789'), 0x31c3);
  assert.equal(crc16(''), 0);
});

// CLUSTER KEYSLOT of redis-server 7.0.15 (cluster-enabled yes) for each key.
const REDIS_SLOTS: readonly [string, number][] = [
  ['foo', 12182],
  ['bar', 5061],
  ['123456789', 12739],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['{}', 15257],
  ['', 0],
  ['a', 15495],
  ['hello world', 15332],
  ['{', 4092],
  ['}{x}', 16287],
];

test('keyHashSlot agrees with redis-server on plain keys and hash tags', () => {
  for (const [key, slot] of REDIS_SLOTS) assert.equal(keyHashSlot(key), slot, key);
});

test('keyHashSlot hashes bytes (latin1), and every slot is below 16384', () => {
  assert.equal(SLOTS, 16384);
  const binary = '\u00ff\u0000\u0080{\u00e9}';
  assert.equal(keyHashSlot(binary), crc16('\u00e9') & 16383);
  for (let i = 0; i < 1000; i++) assert.ok(keyHashSlot(`key:${i}`) < SLOTS);
});
