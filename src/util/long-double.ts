/**
 * The x87 80-bit "long double" of x86-64 Linux, emulated exactly with BigInt.
 *
 * INCRBYFLOAT and HINCRBYFLOAT parse with strtold, add in long double and print with
 * "%.17Lf" minus trailing zeros (ld2string LD_STR_HUMAN). A 64-bit significand is why
 * Redis answers 0.1 + 0.2 = 0.3 and 5000 + 0.1 = 5000.10000000000000009, and why 1e400
 * is a valid increment; doubles give other digits, so the arithmetic is reproduced bit
 * for bit: correctly rounded parsing and addition (round half to even, gradual
 * underflow) and exact decimal printing, as glibc does.
 */

/** A finite value mant·2^exp with |mant| < 2^64; `nonFinite` for ±inf (and NaN). */
export type LongDouble =
  | { readonly finite: true; readonly mant: bigint; readonly exp: number }
  | { readonly finite: false };

const SIGNIFICAND_BITS = 64;
/** The exponent of the smallest denormal, 2^-16445. */
const EXP_MIN = -16445;
/** Values at or above 2^16384 overflow to infinity. */
const OVERFLOW_LOG2 = 16384;
/** string2ld copies into a 5 KiB buffer (MAX_LONG_DOUBLE_CHARS): longer is invalid. */
const LENGTH_MAX = 5 * 1024;
const FRACTION_DIGITS = 17;

const ZERO: LongDouble = { finite: true, mant: 0n, exp: 0 };
const NON_FINITE: LongDouble = { finite: false };

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?inf(?:inity)?$/i;

/**
 * Redis's string2ld: the whole string must be a strtold number (decimal or hex, "inf"
 * and "infinity" allowed, no spaces, no NaN) that neither overflows nor underflows to
 * zero. Returns null when it is not a valid float.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= LENGTH_MAX) return null;
  if (INF_RE.test(s)) return NON_FINITE;
  const dec = DECIMAL_RE.exec(s);
  if (dec !== null) return parseDecimal(dec[1] === '-', dec[2] ?? '', dec[3] ?? '', dec[4]);
  const hex = HEX_RE.exec(s);
  if (hex !== null) return parseHex(hex[1] === '-', hex[2] ?? '', hex[3] ?? '', hex[4]);
  return null;
}

function parseDecimal(
  negative: boolean,
  intDigits: string,
  fracDigits: string,
  expText: string | undefined,
): LongDouble | null {
  if (intDigits.length === 0 && fracDigits.length === 0) return null;
  const digits = stripLeadingZeros(intDigits + fracDigits);
  if (digits.length === 0) return ZERO;
  const exp = clampExponent(expText) - fracDigits.length;
  // Bounds well outside the long double range (about 3.6e-4951 .. 1.2e4932), so the
  // exact arithmetic below never meets an absurd power of ten.
  if (digits.length - 1 + exp > 4940) return null;
  if (digits.length + exp < -4960) return null;
  const mant = BigInt(digits);
  const value =
    exp >= 0
      ? roundToLongDouble(negative, mant * 10n ** BigInt(exp), 1n, 0)
      : roundToLongDouble(negative, mant, 10n ** BigInt(-exp), 0);
  return !value.finite || value.mant === 0n ? null : value;
}

function parseHex(
  negative: boolean,
  intDigits: string,
  fracDigits: string,
  expText: string | undefined,
): LongDouble | null {
  if (intDigits.length === 0 && fracDigits.length === 0) return null;
  const digits = stripLeadingZeros(intDigits + fracDigits);
  if (digits.length === 0) return ZERO;
  const mant = BigInt('0x' + digits);
  const scale = clampExponent(expText) - 4 * fracDigits.length;
  const log2 = bitLength(mant) + scale;
  if (log2 > OVERFLOW_LOG2 + 1) return null;
  if (log2 < EXP_MIN - 2) return null;
  const value = roundToLongDouble(negative, mant, 1n, scale);
  return !value.finite || value.mant === 0n ? null : value;
}

/** An exponent's value, clamped far beyond any range that matters. */
function clampExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Math.max(-1e6, Math.min(1e6, n));
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

/** The correctly rounded long double sum; non-finite if either side is, or it overflows. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (!a.finite || !b.finite) return NON_FINITE;
  const exp = Math.min(a.exp, b.exp);
  const sum = (a.mant << BigInt(a.exp - exp)) + (b.mant << BigInt(b.exp - exp));
  if (sum === 0n) return ZERO;
  return sum < 0n ? roundToLongDouble(true, -sum, 1n, exp) : roundToLongDouble(false, sum, 1n, exp);
}

/**
 * Rounds ±(num/den)·2^scale (num, den > 0) to a 64-bit significand, half to even,
 * with gradual underflow below 2^-16382; non-finite on overflow.
 */
function roundToLongDouble(negative: boolean, num: bigint, den: bigint, scale: number): LongDouble {
  if (num === 0n) return ZERO;
  let log2 = bitLength(num) - bitLength(den);
  if (log2 >= 0 ? num < den << BigInt(log2) : num << BigInt(-log2) < den) log2--;
  log2 += scale;
  if (log2 >= OVERFLOW_LOG2) return NON_FINITE;
  let exp = Math.max(log2 - (SIGNIFICAND_BITS - 1), EXP_MIN);
  const shift = scale - exp;
  const n = shift >= 0 ? num << BigInt(shift) : num;
  const d = shift >= 0 ? den : den << BigInt(-shift);
  let q = n / d;
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(SIGNIFICAND_BITS)) {
    q >>= 1n;
    exp++;
  }
  if (bitLength(q) + exp > OVERFLOW_LOG2) return NON_FINITE;
  if (q === 0n) return ZERO;
  return { finite: true, mant: negative ? -q : q, exp };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * printf("%.17Lf") with the trailing zeros (and a bare '.') removed, and "-0" as "0":
 * Redis's ld2string(LD_STR_HUMAN). The value must be finite.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (!x.finite) throw new RangeError('formatLongDoubleHuman needs a finite value');
  const negative = x.mant < 0n;
  const mant = negative ? -x.mant : x.mant;
  let scaled: bigint;
  if (x.exp >= 0) {
    scaled = (mant << BigInt(x.exp)) * 10n ** BigInt(FRACTION_DIGITS);
  } else {
    const k = BigInt(-x.exp);
    const n = mant * 10n ** BigInt(FRACTION_DIGITS);
    scaled = n >> k;
    const twice = (n - (scaled << k)) * 2n;
    const unit = 1n << k;
    if (twice > unit || (twice === unit && (scaled & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(FRACTION_DIGITS + 1, '0');
  const intPart = digits.slice(0, digits.length - FRACTION_DIGITS);
  let fraction = digits.slice(digits.length - FRACTION_DIGITS);
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  const body = fraction.length > 0 ? `${intPart}.${fraction}` : intPart;
  return negative && body !== '0' ? `-${body}` : body;
}
