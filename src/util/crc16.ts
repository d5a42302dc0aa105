/**
 * CRC-16 as Redis Cluster computes key slots (redis src/crc16.c): CCITT/XMODEM, the
 * polynomial 0x1021, initial value 0, no reflection, no final xor. Check value:
 * crc16("123456789") = 0x31c3.
 */

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[i] = crc & 0xffff;
}

/** The CRC of `key`'s bytes from `start` to `end` (a latin1 string: one char per byte). */
export function crc16(key: string, start = 0, end = key.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >>> 8) ^ key.charCodeAt(i)) & 0xff] as number);
  }
  return crc;
}

/** Redis Cluster's number of hash slots. */
export const SLOTS = 16384;

/**
 * keyHashSlot: the slot of a key. When the key holds a non-empty `{...}` hash tag, only
 * the bytes between the first `{` and the next `}` are hashed, so related keys can be
 * kept in one slot.
 */
export function keyHashSlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOTS - 1);
  }
  return crc16(key) & (SLOTS - 1);
}
