/**
 * SHA-1 (FIPS 180-4) for DEBUG DIGEST, which hashes millions of short strings: a call
 * to node:crypto costs ~3 us of setup each, this a fraction of that. Not for security.
 *
 * One module-level state, no allocation per call: `sha1` leaves the hash in `SHA1_OUT`
 * until the next call.
 */

/** The last hash computed, as 20 bytes. */
export const SHA1_OUT = new Uint8Array(20);

const W = new Int32Array(80);
const H = new Int32Array(5);
/** The final one or two blocks: the tail of the data, the 0x80 pad and the bit length. */
const TAIL = new Uint8Array(128);

/** Loads W[0..16) from 64 bytes of `data` at `at`, big-endian. */
function load(data: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) {
    W[i] = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
  }
}

/** The 80 rounds over the block in W[0..16), one loop per round function. */
function compress(): void {
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let t: number;
  for (let i = 0; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
}

/** SHA-1 of data[0, length) into SHA1_OUT. */
export function sha1(data: Uint8Array, length = data.length): Uint8Array {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  const whole = length - (length % 64);
  for (let at = 0; at < whole; at += 64) {
    load(data, at);
    compress();
  }
  const rest = length - whole;
  for (let i = 0; i < rest; i++) TAIL[i] = data[whole + i]!;
  TAIL[rest] = 0x80;
  const blocks = rest < 56 ? 1 : 2;
  TAIL.fill(0, rest + 1, blocks * 64 - 8);
  const end = blocks * 64;
  // The length in bits as a 64-bit big-endian number; lengths stay below 2^53 bits.
  const bits = length * 8;
  const hi = Math.floor(bits / 2 ** 32);
  const lo = bits >>> 0;
  TAIL[end - 8] = hi >>> 24;
  TAIL[end - 7] = (hi >>> 16) & 0xff;
  TAIL[end - 6] = (hi >>> 8) & 0xff;
  TAIL[end - 5] = hi & 0xff;
  TAIL[end - 4] = lo >>> 24;
  TAIL[end - 3] = (lo >>> 16) & 0xff;
  TAIL[end - 2] = (lo >>> 8) & 0xff;
  TAIL[end - 1] = lo & 0xff;
  for (let at = 0; at < end; at += 64) {
    load(TAIL, at);
    compress();
  }
  for (let i = 0; i < 5; i++) {
    const h = H[i]!;
    SHA1_OUT[4 * i] = h >>> 24;
    SHA1_OUT[4 * i + 1] = (h >>> 16) & 0xff;
    SHA1_OUT[4 * i + 2] = (h >>> 8) & 0xff;
    SHA1_OUT[4 * i + 3] = h & 0xff;
  }
  return SHA1_OUT;
}
