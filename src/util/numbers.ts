/**
 * Number parsing and formatting with Redis's exact rules. Inputs are latin1 strings
 * (one char per byte), as every key and value is.
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: optional '-', digits, no '+', no spaces, no leading zeros, within
 * int64. Returns a number when it is a safe integer, a bigint otherwise, and null when
 * the string is not an integer or is out of range.
 */
export function parseInt64(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (len === 1) return null;
    negative = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return len === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  if (len - i <= 15) {
    let n = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      n = n * 10 + c;
    }
    return negative ? -n : n;
  }
  for (let j = i; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/** Like parseInt64 but the result must be a safe JS integer (lengths, counts, indexes). */
export function parseSafeInt(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === 'number' ? v : null;
}

/** Adds two int64 values; null on overflow (Redis: "increment or decrement would overflow"). */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}

const DOUBLE_RE =
  /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|inf(?:inity)?)$/i;

/**
 * Redis's string2ld/string2d (strtod): decimal or hex floats, "inf"/"infinity", no
 * surrounding spaces, no NaN. Returns null when not a valid double.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000 || !DOUBLE_RE.test(s)) return null;
  const lower = s.toLowerCase();
  const sign = lower.charCodeAt(0) === 45 ? -1 : 1;
  const body = lower.charCodeAt(0) === 45 || lower.charCodeAt(0) === 43 ? lower.slice(1) : lower;
  if (body.startsWith('inf')) return sign * Infinity;
  if (body.startsWith('0x')) return sign * parseHexFloat(body.slice(2));
  const v = Number(body);
  return Number.isNaN(v) ? null : sign * v;
}

function parseHexFloat(hex: string): number {
  const [mant = '', expPart] = hex.split('p');
  const [intPart = '', fracPart = ''] = mant.split('.');
  let v = 0;
  for (const ch of intPart) v = v * 16 + parseInt(ch, 16);
  let scale = 1 / 16;
  for (const ch of fracPart) {
    v += parseInt(ch, 16) * scale;
    scale /= 16;
  }
  return expPart === undefined ? v : v * Math.pow(2, Number(expPart));
}

/** printf("%.17g"), as Redis 7.0 formats doubles in replies (ZSCORE, RESP2 doubles). */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [m = '', x = '0'] = d.toExponential(16).split('e');
  const e = Number(x);
  if (e < -4 || e >= 17) {
    return `${trimZeros(m)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return trimZeros(d.toFixed(Math.max(0, 16 - e)));
}

function trimZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/**
 * A double in plain decimal notation with no exponent and no trailing zeros, as
 * Redis's ld2string(LD_STR_HUMAN) prints INCRBYFLOAT results. Shortest round-trip digits.
 */
export function formatDoubleHuman(d: number): string {
  if (d === 0) return '0';
  const s = String(d);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const negative = s.startsWith('-');
  const mant = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = mant.replace('.', '');
  const pointAt = (dot === -1 ? mant.length : dot) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (negative ? '-' : '') + out;
}
