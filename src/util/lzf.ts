/**
 * LZF, the compression Redis uses for long strings in DUMP payloads and RDB files
 * (redis src/lzf_c.c, lzf_d.c, built with HLOG 16 and VERY_FAST). Compressed format:
 *
 *   000LLLLL <L+1 bytes>          literal run of 1..32 bytes
 *   LLLooooo oooooooo             back reference, length L+2 (3..8), offset o+1
 *   111ooooo LLLLLLLL oooooooo    back reference, length L+9, offset o+1
 *
 * The compressor makes the same choices as Redis's, byte for byte, so a DUMP of the
 * same string is identical: same hash, same match rules (never a reference to offset
 * 0 of the input, the unrolled match-length loop, the output-size bail-outs).
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
/** The most output one input byte can yield: a 3-byte back reference copies 264. */
const MAX_EXPANSION = MAX_REF / 3;

/**
 * The hash table, shared by calls. Slots hold input positions biased by a per-call
 * base, so a slot written by an earlier call reads as empty without clearing 64K
 * slots per call. Redis leaves its table uninitialized; an empty table is the
 * deterministic equivalent.
 */
const hashTable = new Int32Array(HSIZE);
let nextBase = 1;

function claimHashTable(inputLength: number): number {
  if (nextBase + inputLength + 1 > 0x7fffffff) {
    hashTable.fill(0);
    nextBase = 1;
  }
  const base = nextBase;
  nextBase += inputLength + 1;
  return base;
}

/** Redis's VERY_FAST hash of the three bytes in the low 24 bits of `h`. */
function slotOf(h: number): number {
  return ((h >>> 8) - h * 5) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `maxOutputBytes`; null when the input is empty or
 * the result would not fit (lzf_compress returning 0). Redis passes length - 4, so a
 * string is stored compressed only when that saves at least 4 bytes.
 */
export function lzfCompress(input: Uint8Array, maxOutputBytes: number): Uint8Array | null {
  const inEnd = input.length;
  if (inEnd === 0 || maxOutputBytes <= 0) return null;
  const out = new Uint8Array(maxOutputBytes);
  const outEnd = maxOutputBytes;
  const base = claimHashTable(inEnd);
  let ip = 0;
  let op = 1; // out[0] is reserved for the first literal run's length
  let lit = 0;
  let hval = (input[0]! << 8) | (input[1] ?? 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]!) & 0xffffff;
    const slot = slotOf(hval);
    const stored = hashTable[slot]!;
    hashTable[slot] = base + ip;
    const ref = stored >= base ? stored - base : -1;
    if (ref > 0 && ip - ref - 1 < MAX_OFF && sameThreeBytes(input, ref, ip)) {
      const off = ip - ref - 1;
      const len = matchLength(input, ref, ip) - 2;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // no literals: drop the reserved length byte
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // reserve the next literal run's length byte
      ip += len + 2;
      if (ip >= inEnd - 2) break;
      // Hash the last two positions of the match, as VERY_FAST does.
      ip -= 2;
      hval = (input[ip]! << 8) | input[ip + 1]!;
      for (let k = 0; k < 2; k++) {
        hval = ((hval << 8) | input[ip + 2]!) & 0xffffff;
        hashTable[slotOf(hval)] = base + ip;
        ip++;
      }
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return null; // at most 3 more bytes: 2 literals and a run byte
  return finishLiterals(input, ip, out, op, lit);
}

/** Copies the last (at most two) input bytes as literals and closes the run. */
function finishLiterals(
  input: Uint8Array,
  ip: number,
  out: Uint8Array,
  op: number,
  lit: number,
): Uint8Array {
  while (ip < input.length) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

function sameThreeBytes(input: Uint8Array, ref: number, ip: number): boolean {
  return (
    input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
  );
}

/**
 * The match length at `ip` against `ref` (three bytes already equal), computed as
 * lzf_c.c does: when more than 16 bytes could match, 16 are compared unrolled before
 * the bounded loop, which lets a match run up to two bytes past `maxlen` there.
 */
function matchLength(input: Uint8Array, ref: number, ip: number): number {
  const maxlen = Math.min(input.length - ip - 2, MAX_REF);
  let len = 2;
  if (maxlen > 16) {
    for (let k = 0; k < 16; k++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxlen && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * Decompresses `input`, which must expand to exactly `outputLength` bytes; null when
 * it is corrupt (a run past either end, a reference before the start) or expands to
 * any other length. A length no input of this size could reach is refused before
 * anything is allocated.
 */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array | null {
  if (outputLength > input.length * MAX_EXPANSION) return null;
  const out = new Uint8Array(outputLength);
  const inEnd = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++]!;
    if (ctrl < MAX_LIT) {
      const n = ctrl + 1;
      if (op + n > outputLength || ip + n > inEnd) return null;
      for (let k = 0; k < n; k++) out[op++] = input[ip++]!;
      continue;
    }
    let len = ctrl >> 5;
    if (ip >= inEnd) return null;
    if (len === 7) {
      len += input[ip++]!;
      if (ip >= inEnd) return null;
    }
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
    len += 2;
    if (op + len > outputLength || ref < 0) return null;
    if (op >= ref + len) {
      out.copyWithin(op, ref, ref + len);
      op += len;
    } else {
      // Overlapping: byte by byte, so the copy repeats the bytes it just wrote.
      for (let k = 0; k < len; k++) out[op++] = out[ref + k]!;
    }
  }
  return op === outputLength ? out : null;
}
