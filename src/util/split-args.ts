/**
 * Redis's sdssplitargs and sdscatrepr: the quoting rules of redis.conf lines, inline
 * commands and redis-cli. Strings are latin1 (one char per byte).
 *
 * - Arguments are separated by blanks; outside quotes a token ends at space, \t, \r, \n.
 * - "double quotes" understand \xHH, \n, \r, \t, \b, \a and \<any char> escapes.
 * - 'single quotes' understand only \' as an escape.
 * - A closing quote must be followed by a blank or the end of the line, so `"a"b` is
 *   an error, as is an unterminated quote: both return null.
 */

const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;

/** C isspace in the "C" locale: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Where an unquoted token ends (sdssplitargs does not stop at \v or \f there). */
function endsToken(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

const ESCAPES = new Map<string, string>([
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['b', '\b'],
  ['a', '\x07'],
]);

/** Splits a line into arguments; null on unbalanced quotes or a quote followed by text. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (true) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let value = '';
    while (i < n && !endsToken(line.charCodeAt(i))) {
      const c = line.charCodeAt(i);
      if (c !== DQUOTE && c !== SQUOTE) {
        value += line[i];
        i++;
        continue;
      }
      // A quoted part ends the token: a closing quote must be followed by a blank.
      const quoted = c === DQUOTE ? readDoubleQuoted(line, i + 1) : readSingleQuoted(line, i + 1);
      if (quoted === undefined) return null;
      value += quoted.value;
      i = quoted.next;
      break;
    }
    out.push(value);
  }
}

interface Token {
  readonly value: string;
  /** Index just after the token. */
  readonly next: number;
}

/** Reads after an opening `"`; undefined when the quotes are unbalanced. */
function readDoubleQuoted(line: string, from: number): Token | undefined {
  const n = line.length;
  let value = '';
  let i = from;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && i + 3 < n && line[i + 1] === 'x') {
      const hi = hexValue(line.charCodeAt(i + 2));
      const lo = hexValue(line.charCodeAt(i + 3));
      if (hi >= 0 && lo >= 0) {
        value += String.fromCharCode(hi * 16 + lo);
        i += 4;
        continue;
      }
    }
    if (c === BACKSLASH && i + 1 < n) {
      const next = line[i + 1] as string;
      value += ESCAPES.get(next) ?? next;
      i += 2;
    } else if (c === DQUOTE) {
      return closeQuote(line, i, value);
    } else {
      value += line[i];
      i++;
    }
  }
  return undefined;
}

/** Reads after an opening `'`; undefined when the quotes are unbalanced. */
function readSingleQuoted(line: string, from: number): Token | undefined {
  const n = line.length;
  let value = '';
  let i = from;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && line.charCodeAt(i + 1) === SQUOTE) {
      value += "'";
      i += 2;
    } else if (c === SQUOTE) {
      return closeQuote(line, i, value);
    } else {
      value += line[i];
      i++;
    }
  }
  return undefined;
}

/** A closing quote must be followed by a blank or the end of the line. */
function closeQuote(line: string, quoteAt: number, value: string): Token | undefined {
  const after = quoteAt + 1;
  if (after < line.length && !isSpace(line.charCodeAt(after))) return undefined;
  return { value, next: after };
}

/**
 * sdscatrepr: the argument in double quotes, escaping `\`, `"`, \n, \r, \t, \a, \b and
 * non-printable bytes as \xHH, so that splitArgs reads it back unchanged.
 */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}
