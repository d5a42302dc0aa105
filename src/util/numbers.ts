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

/**
 * printf("%.17g", d) as glibc prints it, which is how Redis 7.0 formats doubles in
 * replies. "%.17g": 17 significant digits, exponent form when the exponent is below -4
 * or at least 17, trailing zeros dropped. Infinities are spelled as Redis spells them.
 */
export function formatDouble17g(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return 1 / d < 0 ? '-0' : '0';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  // A safe integer has at most 16 digits, which String() prints exactly, as %.17g does.
  if (Number.isSafeInteger(a)) return sign + String(a);
  const exp = a.toExponential(16);
  const e = exp.indexOf('e');
  let digits = exp.charAt(0) + exp.slice(2, e);
  if (roundsTieDown(a, digits)) {
    digits = digits.slice(0, 16) + String.fromCharCode(digits.charCodeAt(16) - 1);
  }
  return sign + layoutG(digits, Number(exp.slice(e + 1)));
}

/**
 * toExponential rounds an exact tie up; glibc rounds it to even. A tie needs the exact
 * decimal value of `a` to have exactly 18 significant digits ending in 5, which is only
 * possible for a = N / 2^k with 1 <= k <= 25 and 1e-8 <= a < 1e17 (N * 5^k < 1e18).
 * `digits` are the 17 digits toExponential produced (rounded up on a tie).
 */
function roundsTieDown(a: number, digits: string): boolean {
  // Rounding an even 17th digit up made it odd: the cheap test that rules out most values.
  if ((digits.charCodeAt(16) & 1) === 0) return false;
  if (a < 1e-8 || a >= 1e17 || !Number.isInteger(a * 2 ** 25)) return false;
  const exact = (BigInt(a * 2 ** 25) * 5n ** 25n).toString().replace(/0+$/, '');
  if (exact.length !== 18 || !exact.endsWith('5')) return false;
  // Half-even rounds down when the 17th digit is even; toExponential added one to it.
  return (exact.charCodeAt(16) & 1) === 0 && digits.charCodeAt(16) === exact.charCodeAt(16) + 1;
}

/** %g layout of 17 significant `digits` with decimal exponent x. */
function layoutG(digits: string, x: number): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  const d = digits.slice(0, end);
  if (x < -4 || x >= 17) {
    const mantissa = d.length > 1 ? d.charAt(0) + '.' + d.slice(1) : d;
    const abs = Math.abs(x);
    return `${mantissa}e${x < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (x < 0) return '0.' + '0'.repeat(-x - 1) + d;
  if (d.length <= x + 1) return d + '0'.repeat(x + 1 - d.length);
  return d.slice(0, x + 1) + '.' + d.slice(x + 1);
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
