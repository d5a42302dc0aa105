/**
 * Redis's glob matcher (util.c stringmatchlen), used by KEYS, SCAN MATCH and later by
 * PSUBSCRIBE and CONFIG GET. Patterns and subjects are latin1 strings (one char per
 * byte). Supported: `*`, `?`, `[abc]`, `[^abc]`, `[a-z]`, `\x` escapes, and a
 * case-insensitive mode that folds only ASCII A-Z, as C's tolower in the "C" locale.
 *
 * Redis's quirks are kept on purpose, because clients see them:
 * - a pattern never matches the empty string unless it is empty itself ("*" vs "");
 * - an unterminated `[` class ends at the end of the pattern;
 * - range bounds compare as C's signed chars, so bytes >= 0x80 sort below 'a';
 * - `\x` inside a class compares case-sensitively even in nocase mode.
 *
 * Redis recurses at each `*` but stops retrying outer stars once an inner star has run
 * out of subject (its skipLongerMatches flag); that is exactly backtracking to the most
 * recent star only, which is done here with a loop so that no pattern can exhaust the
 * stack.
 */

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const DASH = 0x2d;

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const patternLen = pattern.length;
  const subjectLen = subject.length;
  let p = 0;
  let s = 0;
  /** The innermost star seen and the subject position its current attempt began at. */
  let starP = -1;
  let starS = 0;
  while (true) {
    if (p < patternLen && s < subjectLen) {
      if (pattern.charCodeAt(p) === STAR) {
        while (pattern.charCodeAt(p + 1) === STAR) p++;
        if (p === patternLen - 1) return true;
        starP = p;
        starS = s;
        p++;
        continue;
      }
      const next = matchToken(pattern, p, subject.charCodeAt(s), nocase);
      if (next >= 0) {
        p = next;
        s++;
        if (s < subjectLen) continue;
        while (pattern.charCodeAt(p) === STAR) p++;
        if (p === patternLen) return true;
      }
    } else if (p === patternLen && s === subjectLen) {
      return true;
    }
    // Retry the innermost star one subject byte further on; none left means no match.
    if (starP < 0 || starS + 1 >= subjectLen) return false;
    starS++;
    p = starP + 1;
    s = starS;
  }
}

/** Matches the token at `p` (not a star) against one subject byte: index after it, or -1. */
function matchToken(pattern: string, p: number, ch: number, nocase: boolean): number {
  const c = pattern.charCodeAt(p);
  if (c === QUESTION) return p + 1;
  if (c === OPEN) return matchClass(pattern, p + 1, ch, nocase);
  if (c === BACKSLASH && pattern.length - p >= 2) p++;
  return sameByte(pattern.charCodeAt(p), ch, nocase) ? p + 1 : -1;
}

/** A `[...]` class starting after its `[`: index after the class, or -1 on no match. */
function matchClass(pattern: string, p: number, ch: number, nocase: boolean): number {
  const negated = pattern.charCodeAt(p) === CARET;
  if (negated) p++;
  let match = false;
  while (true) {
    const c = pattern.charCodeAt(p);
    const left = pattern.length - p;
    if (c === BACKSLASH && left >= 2) {
      p++;
      if (pattern.charCodeAt(p) === ch) match = true;
    } else if (c === CLOSE) {
      break;
    } else if (left === 0) {
      p--;
      break;
    } else if (left >= 3 && pattern.charCodeAt(p + 1) === DASH) {
      if (inRange(c, pattern.charCodeAt(p + 2), ch, nocase)) match = true;
      p += 2;
    } else if (sameByte(c, ch, nocase)) {
      match = true;
    }
    p++;
  }
  return match !== negated ? p + 1 : -1;
}

function inRange(from: number, to: number, ch: number, nocase: boolean): boolean {
  let start = signedChar(from);
  let end = signedChar(to);
  let x = signedChar(ch);
  if (start > end) [start, end] = [end, start];
  if (nocase) {
    start = toLower(start);
    end = toLower(end);
    x = toLower(x);
  }
  return x >= start && x <= end;
}

function sameByte(a: number, b: number, nocase: boolean): boolean {
  return nocase ? toLower(a) === toLower(b) : a === b;
}

/** C's `char` is signed on the platforms Redis ships for: 0x80..0xff are negative. */
function signedChar(c: number): number {
  return c >= 0x80 ? c - 0x100 : c;
}

function toLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
