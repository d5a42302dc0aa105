/**
 * The generic kinds of setting Redis's config.c knows (bool, numeric, enum, string),
 * with its parsing, bounds, error messages and rewrite rules.
 */
import { quoteArg } from '../util/split-args.js';
import { parseInt64 } from '../util/numbers.js';
import { formatMemory, parseMemory, parseStrtoll } from './parse.js';
import { fail, ok, type Parsed, type RewriteLine, type Setting } from './types.js';

export const INT_MAX = 2147483647n;
export const INT_MIN = -2147483648n;
export const UINT_MAX = 4294967295n;
export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;
export const ULLONG_MAX = 18446744073709551615n;

/** What every setting declares besides its kind. */
export interface Common {
  readonly name: string;
  readonly alias?: string;
  readonly help: string;
  /** Defaults to true. */
  readonly mutable?: boolean;
  readonly hidden?: boolean;
  readonly sensitive?: boolean;
  readonly protected?: boolean;
  readonly compat?: boolean;
}

type Base = Omit<Setting, 'type' | 'default' | 'multiArg' | 'parse' | 'rewrite' | 'toNumber'>;

export function base(c: Common): Base {
  return {
    name: c.name,
    ...(c.alias === undefined ? {} : { alias: c.alias }),
    help: c.help,
    mutable: c.mutable ?? true,
    hidden: c.hidden ?? false,
    sensitive: c.sensitive ?? false,
    protected: c.protected ?? false,
    compat: c.compat ?? false,
  };
}

/** A rewrite line "name value", forced when the value is not the default. */
export function plainLine(name: string, text: string, value: string, def: string): RewriteLine {
  return { line: `${name} ${text}`, force: value !== def };
}

export function bool(
  c: Common & {
    readonly default: 'yes' | 'no';
    readonly validate?: (on: boolean) => string | null;
  },
): Setting {
  return {
    ...base(c),
    type: 'bool',
    default: c.default,
    multiArg: false,
    toNumber: (v) => (v === 'yes' ? 1 : 0),
    parse(args) {
      const word = (args[0] ?? '').toLowerCase();
      if (word !== 'yes' && word !== 'no') return fail("argument must be 'yes' or 'no'");
      const error = c.validate?.(word === 'yes') ?? null;
      return error === null ? ok(word) : fail(error);
    },
    rewrite: (value, def) => [plainLine(c.name, value, value, def)],
  };
}

export interface NumericOptions extends Common {
  readonly default: number | bigint;
  readonly min: number | bigint;
  readonly max: number | bigint;
  /** Unsigned C type (unsigned int, size_t, unsigned long long): bounds compare unsigned. */
  readonly unsigned?: boolean;
  /** Accepts memory units (1k, 5mb, 1gb). */
  readonly memory?: boolean;
  /** Also accepts "N%" (stored as -N), as maxmemory-clients does. */
  readonly percent?: boolean;
  /** Read and shown in octal (unixsocketperm). */
  readonly octal?: boolean;
  /** A value within bounds the server adjusts (hz is kept within 1..500). */
  readonly adjust?: (value: bigint) => bigint;
}

export function numeric(c: NumericOptions): Setting {
  const type = c.memory === true ? 'memory' : 'integer';
  return {
    ...base(c),
    type,
    default: c.octal === true ? BigInt(c.default).toString(8) : BigInt(c.default).toString(),
    multiArg: false,
    toNumber: (v) => numberOf(c, v),
    parse: (args) => parseNumeric(c, args[0] ?? ''),
    rewrite(value, def) {
      const text = c.memory === true && !value.endsWith('%') ? formatMemory(BigInt(value)) : value;
      return [plainLine(c.name, text, value, def)];
    },
  };
}

function numberOf(c: NumericOptions, value: string): number {
  if (value.endsWith('%')) return -Number(value.slice(0, -1));
  return c.octal === true ? parseInt(value, 8) : Number(value);
}

/** numericParseString + numericBoundaryCheck of config.c. */
function parseNumeric(c: NumericOptions, arg: string): Parsed {
  const value = readNumber(c, arg);
  if (value === null) return fail(numberError(c));
  const error = boundsError(c, value);
  if (error !== null) return fail(error);
  const stored = c.unsigned === true ? BigInt.asUintN(64, value) : value;
  const adjusted = c.adjust?.(stored) ?? stored;
  if (c.percent === true && adjusted < 0n) return ok(`${-adjusted}%`);
  return ok(c.octal === true ? adjusted.toString(8) : adjusted.toString());
}

/** The value as a 64-bit C integer would hold it, or null when it does not parse. */
function readNumber(c: NumericOptions, arg: string): bigint | null {
  if (c.memory === true) {
    const bytes = parseMemory(arg);
    if (bytes !== null) return c.unsigned === true ? bytes : BigInt.asIntN(64, bytes);
  }
  if (c.percent === true && arg.length > 1 && arg.endsWith('%')) {
    const n = parseInt64(arg.slice(0, -1));
    if (n !== null && n >= 0) return -BigInt(n);
  }
  if (c.octal === true) return parseStrtoll(arg, 8);
  if (c.memory === true || c.percent === true) return null;
  const n = parseInt64(arg);
  return n === null ? null : BigInt(n);
}

function numberError(c: NumericOptions): string {
  if (c.memory === true && c.percent === true) return 'argument must be a memory or percent value';
  if (c.memory === true) return 'argument must be a memory value';
  if (c.octal === true) return "argument couldn't be parsed as an octal number";
  return "argument couldn't be parsed into an integer";
}

function boundsError(c: NumericOptions, value: bigint): string | null {
  const min = BigInt(c.min);
  const max = BigInt(c.max);
  if (c.unsigned === true) {
    const u = BigInt.asUintN(64, value);
    const lo = BigInt.asUintN(64, min);
    const hi = BigInt.asUintN(64, max);
    if (u <= hi && u >= lo) return null;
    const show = (n: bigint): string => (c.octal === true ? n.toString(8) : n.toString());
    return `argument must be between ${show(lo)} and ${show(hi)} inclusive`;
  }
  if (c.percent === true && value < 0n) {
    return value < min ? `percentage argument must be less or equal to ${-min}` : null;
  }
  if (value <= max && value >= min) return null;
  return `argument must be between ${min} and ${max} inclusive`;
}

export interface EnumOptions extends Common {
  readonly default: string;
  /** Names and their values; several names may share a value (the first one is shown). */
  readonly values: readonly (readonly [string, number])[];
  /** Several names at once, OR-ed together (shutdown-on-sigterm "nosave now"). */
  readonly flags?: boolean;
  readonly validate?: (value: number) => string | null;
}

export function enumeration(c: EnumOptions): Setting {
  return {
    ...base(c),
    type: 'enum',
    default: c.default,
    multiArg: c.flags === true,
    parse(args) {
      const value = enumValue(c, args);
      if (value === null) {
        const names = c.values.map(([name]) => name).join(', ');
        return fail(`argument(s) must be one of the following: ${names}`.slice(0, 255));
      }
      const error = c.validate?.(value) ?? null;
      return error === null ? ok(enumName(c, value)) : fail(error);
    },
    rewrite: (value, def) => [plainLine(c.name, value, value, def)],
  };
}

/** configEnumGetValue: every word must name a value (case-insensitive). */
function enumValue(c: EnumOptions, words: readonly string[]): number | null {
  if (words.length === 0 || (c.flags !== true && words.length !== 1)) return null;
  let value = 0;
  for (const word of words) {
    const lower = word.toLowerCase();
    const found = c.values.filter(([name]) => name === lower);
    if (found.length === 0) return null;
    for (const [, v] of found) value |= v;
  }
  return value;
}

/** configEnumGetName: the first exact name, or for flags the names of the bits set. */
function enumName(c: EnumOptions, value: number): string {
  const exact = c.values.find(([, v]) => v === value);
  if (exact !== undefined) return exact[0];
  const names: string[] = [];
  let unmatched = value;
  for (const [name, v] of c.values) {
    if (v !== 0 && (unmatched & v) === v) {
      names.push(name);
      unmatched &= ~v;
    }
  }
  return names.length === 0 || unmatched !== 0 ? 'unknown' : names.join(' ');
}

export interface StringOptions extends Common {
  readonly default: string;
  /** Empty means "not set": nothing is written for it by CONFIG REWRITE. */
  readonly emptyIsNull?: boolean;
  readonly validate?: (value: string) => string | null;
}

export function string(c: StringOptions): Setting {
  return {
    ...base(c),
    type: 'string',
    default: c.default,
    multiArg: false,
    parse(args) {
      const value = args[0] ?? '';
      const error = c.validate?.(value) ?? null;
      return error === null ? ok(value) : fail(error);
    },
    rewrite(value, def) {
      if (c.emptyIsNull === true && value === '') return [];
      const force = c.emptyIsNull === true || value !== def;
      return [{ line: `${c.name} ${quoteArg(value)}`, force }];
    },
  };
}
