/**
 * Reading settings the way redis-server does: redis.conf lines (sdssplitargs quoting,
 * `#` comments), `--name value` command-line flags, and the number formats of its
 * config values (memory units, strtoll, %f).
 */
import { splitArgs, quoteArg } from '../util/split-args.js';

/** A setting that could not be loaded: which, where, and why. */
export class ConfigError extends Error {
  private constructor(
    message: string,
    /** The setting's name as written, or null when the line or file itself is bad. */
    readonly setting: string | null,
    /** `file:line`, `stdin:line`, the command-line flag, or the file that failed. */
    readonly source: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  static setting(setting: string, source: string, reason: string): ConfigError {
    const message = `aikv-server: bad setting '${setting}' at ${source}: ${reason}`;
    return new ConfigError(message, setting, source, reason);
  }

  static line(source: string, reason: string): ConfigError {
    return new ConfigError(`aikv-server: bad line at ${source}: ${reason}`, null, source, reason);
  }

  static file(path: string, reason: string): ConfigError {
    const message = `aikv-server: can't open config file '${path}': ${reason}`;
    return new ConfigError(message, null, path, reason);
  }
}

/** One directive: its arguments (name first) and where it came from. */
export interface ConfigLine {
  readonly args: readonly string[];
  readonly source: string;
}

/**
 * The directives of redis.conf-style text: each line trimmed of " \t\r\n", comments and
 * blank lines skipped, then split with Redis's quoting rules. `sourceName` labels the
 * lines (`aikv.conf` gives `aikv.conf:3`); `fixedSource` labels every line the same.
 */
export function parseConfigText(
  text: string,
  sourceName: string,
  fixedSource = false,
): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = trimConfigLine(lines[i] as string);
    if (line === '' || line.startsWith('#')) continue;
    const source = fixedSource ? sourceName : `${sourceName}:${i + 1}`;
    const args = splitArgs(line);
    if (args === null) throw ConfigError.line(source, 'unbalanced quotes');
    if (args.length > 0) out.push({ args, source });
  }
  return out;
}

/**
 * Setting values are byte strings (one char per byte), like the config file's text and
 * like every value clients send; command-line arguments arrive decoded from UTF-8.
 */
export function toByteString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** A path held as a byte string, decoded the way fs expects it. */
export function fsPath(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** sdstrim(line, " \t\r\n"). */
export function trimConfigLine(line: string): string {
  return line.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** What the command line asks for besides settings. */
export interface CommandLine {
  /** The config file path as given, or null. */
  readonly configFile: string | null;
  /** `-` as the first or last argument: read settings from stdin too. */
  readonly stdin: boolean;
  /** Settings from flags, in order, as config text labelled by the flag they came from. */
  readonly flags: readonly { readonly source: string; readonly text: string }[];
}

/**
 * redis-server's main(): an optional config file first (an argument not starting with
 * '-'), then `--name value...` flags, each conceptually appended to the file as a line
 * "name value...". A flag given as one argument ("--port 6380") carries its value; a
 * bare `--name` takes the following arguments, even ones starting with "--", until it
 * has one. `--save` directly before another flag or at the end means `save ""`.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let j = 0;
  let configFile: string | null = null;
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-')) {
    configFile = first;
    j = 1;
  }
  let stdin = false;
  const flags: { source: string; text: string }[] = [];
  let waitingForValue = false;
  for (; j < argv.length; j++) {
    const arg = argv[j] as string;
    if (arg === '-' && (j === 0 || j === argv.length - 1)) {
      stdin = true;
    } else if (!waitingForValue && arg.startsWith('--')) {
      const flag = { source: flagSource(arg), text: arg.slice(2) + ' ' };
      flags.push(flag);
      waitingForValue = (splitArgs(arg) ?? []).length === 1;
      if (waitingForValue && arg.toLowerCase() === '--save') {
        const next = argv[j + 1];
        if (next === undefined || next.startsWith('--')) {
          flag.text += '""';
          waitingForValue = false;
        }
      }
    } else {
      const last = flags[flags.length - 1] ?? pushFlag(flags, 'the command line');
      last.text += quoteArg(arg) + ' ';
      waitingForValue = false;
    }
  }
  return { configFile, stdin, flags };
}

function pushFlag(
  flags: { source: string; text: string }[],
  source: string,
): { source: string; text: string } {
  const flag = { source, text: '' };
  flags.push(flag);
  return flag;
}

/** `--port 6380` and `--port` both come from the flag `--port`. */
function flagSource(arg: string): string {
  const name = /^--[^ \t\r\n]*/.exec(arg);
  return name === null ? arg : name[0];
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

const MEMORY_UNITS = new Map<string, bigint>([
  ['', 1n],
  ['b', 1n],
  ['k', 1000n],
  ['kb', 1024n],
  ['m', 1000n * 1000n],
  ['mb', 1024n * 1024n],
  ['g', 1000n * 1000n * 1000n],
  ['gb', 1024n * 1024n * 1024n],
]);

/**
 * memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case); k/m/g are
 * powers of 1000, kb/mb/gb powers of 1024. No sign, no spaces. Like the C code, a
 * number too large saturates at 2^64-1 and the multiplication wraps modulo 2^64.
 */
export function parseMemory(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  let i = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const mul = MEMORY_UNITS.get(s.slice(i).toLowerCase());
  if (mul === undefined || i >= 128) return null;
  let value = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (value > U64_MAX) value = U64_MAX;
  return BigInt.asUintN(64, value * mul);
}

/**
 * strtoll(s, &end, base) followed by a check that `end` is the end of the string:
 * leading blanks and a sign are accepted, no digits at all reads as 0 only for the
 * empty string, and values beyond int64 saturate.
 */
export function parseStrtoll(s: string, base: 8 | 10 = 10): bigint | null {
  if (s === '') return 0n;
  const digits = base === 8 ? '[0-7]+' : '[0-9]+';
  const m = new RegExp(`^[ \\t\\n\\v\\f\\r]*([+-]?)(${digits})$`).exec(s);
  if (m === null) return null;
  const magnitude = BigInt((base === 8 ? '0o' : '') + (m[2] as string));
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value > I64_MAX) return I64_MAX;
  if (value < I64_MIN) return I64_MIN;
  return value;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** rewriteConfigFormatMemory: the largest of gb, mb, kb that divides the value exactly. */
export function formatMemory(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return bytes.toString();
}

/** printf("%f") then Redis's trimDoubleString: trailing zeros and a bare '.' removed. */
export function formatPercentile(value: number): string {
  return value.toFixed(6).replace(/\.?0+$/, '');
}

const STRERROR = new Map<string, string>([
  ['ENOENT', 'No such file or directory'],
  ['EACCES', 'Permission denied'],
  ['EPERM', 'Operation not permitted'],
  ['ENOTDIR', 'Not a directory'],
  ['EISDIR', 'Is a directory'],
  ['EROFS', 'Read-only file system'],
  ['ENOSPC', 'No space left on device'],
  ['EEXIST', 'File exists'],
  ['ENAMETOOLONG', 'File name too long'],
  ['ELOOP', 'Too many levels of symbolic links'],
  ['EIO', 'Input/output error'],
  ['EBUSY', 'Device or resource busy'],
  ['EMFILE', 'Too many open files'],
  ['EDQUOT', 'Disk quota exceeded'],
]);

/** C's strerror() text for a Node system error, as Redis prints it. */
export function strerror(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return STRERROR.get(code) ?? code;
  return err instanceof Error ? err.message : String(err);
}
