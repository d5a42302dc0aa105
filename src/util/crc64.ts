/**
 * CRC-64 as Redis computes it for DUMP payloads and RDB files (redis src/crc64.c):
 * the Jones polynomial 0xad93d23594c935a9, reflected input and output, initial value
 * 0 and no final xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Table-driven, one byte at a time. The 64-bit state is kept as two uint32 halves
 * because JS bit operators work on 32 bits and bigint arithmetic per byte is slow.
 */

/** The Jones polynomial bit-reversed, split into halves, for the reflected algorithm. */
const POLY_REFLECTED_HI = 0x95ac9329;
const POLY_REFLECTED_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry !== 0) {
      lo = (lo ^ POLY_REFLECTED_LO) >>> 0;
      hi = (hi ^ POLY_REFLECTED_HI) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** CRC-64 of `data`, continuing from `crc` (0 to start), as Redis's crc64(crc, s, l). */
export function crc64(data: Uint8Array, crc = 0n): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn);
  let lo = Number(crc & 0xffffffffn);
  for (let i = 0; i < data.length; i++) {
    const index = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[index]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes `crc` into `out` at `offset` as 8 little-endian bytes, the DUMP footer's order. */
export function writeCrc64LE(crc: bigint, out: Uint8Array, offset: number): void {
  let lo = Number(crc & 0xffffffffn);
  let hi = Number((crc >> 32n) & 0xffffffffn);
  for (let i = 0; i < 4; i++) {
    out[offset + i] = lo & 0xff;
    out[offset + 4 + i] = hi & 0xff;
    lo >>>= 8;
    hi >>>= 8;
  }
}
