/**
 * The node's settings: loaded from a redis.conf-style file and `--name value` flags,
 * read on hot paths through typed getters, changed by CONFIG SET (all or nothing, with
 * change listeners that may refuse), listed by CONFIG GET and saved by CONFIG REWRITE.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { globMatch } from '../util/glob.js';
import { splitArgs } from '../util/split-args.js';
import {
  ConfigError,
  fsPath,
  parseCommandLine,
  parseConfigText,
  strerror,
  toByteString,
  type ConfigLine,
} from './parse.js';
import { rewriteConfigText } from './rewrite.js';
import { DEPRECATED_DIRECTIVES, SETTINGS } from './settings.js';
import type { Setting } from './types.js';

export { ConfigError } from './parse.js';
export { commandLineAction, helpText, versionText } from './help.js';

/** A name CONFIG accepts: a setting's primary name or its alias. */
interface Entry {
  readonly name: string;
  readonly setting: Setting;
}

/** Primary names and aliases, lower case, in table order (an alias after its setting). */
const ENTRIES: readonly Entry[] = SETTINGS.flatMap((setting) => [
  { name: setting.name, setting },
  ...(setting.alias === undefined ? [] : [{ name: setting.alias, setting }]),
]);
const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e]));

function lookup(name: string): Entry | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/**
 * Called after CONFIG SET changed a setting. Returning a message refuses the change
 * (e.g. the port cannot be bound): every setting of that CONFIG SET is restored.
 */
export type ChangeListener = (value: string, name: string) => string | void;

export interface LoadOptions {
  /** Settings text for `-` on the command line; defaults to reading standard input. */
  readonly readStdin?: () => string;
}

/** Who runs CONFIG SET, for protected settings (enable-protected-configs local). */
export interface SetClient {
  readonly local: boolean;
}

const INCLUDE_DEPTH_MAX = 16;

export class Config {
  /** Primary name → canonical value (as CONFIG GET shows it). */
  private readonly values = new Map<string, string>();
  private readonly defaults = new Map<string, string>();
  /** Name or alias → number, for settings that have one. */
  private readonly numbers = new Map<string, number>();
  private readonly listeners = new Map<string, ChangeListener[]>();
  private protoMaxBulkLenValue = 0;

  /** `configFile`: absolute path (as fs takes it) of the file CONFIG REWRITE writes, or null. */
  private constructor(readonly configFile: string | null) {
    for (const setting of SETTINGS) {
      const args = setting.multiArg ? splitArgs(setting.default) : [setting.default];
      const parsed = setting.parse(args ?? [], '', { phase: 'load', seen: false });
      if (!parsed.ok) throw new Error(`default of ${setting.name}: ${parsed.error}`);
      this.defaults.set(setting.name, parsed.value);
      this.store(setting, parsed.value);
    }
  }

  /** Every setting at its default, with no config file. */
  static defaults(): Config {
    return new Config(null);
  }

  /**
   * Settings from redis-server style arguments (without the program name): an optional
   * config file, then `--name value` flags, `-` for stdin. Throws a ConfigError naming
   * the setting, where it came from and why it is wrong.
   */
  static load(argv: readonly string[], options: LoadOptions = {}): Config {
    const commandLine = parseCommandLine(argv.map(toByteString));
    const file = commandLine.configFile;
    const config = new Config(file === null ? null : resolve(fsPath(file)));
    const loader = new Loader({
      current: (setting) => config.values.get(setting.name) as string,
      store: (setting, value) => config.store(setting, value),
    });
    if (file !== null) loader.file(file, 0);
    if (commandLine.stdin) {
      const text = options.readStdin?.() ?? readFileSync(0, 'latin1');
      loader.lines(parseConfigText(text, 'stdin'), 0);
    }
    for (const flag of commandLine.flags) {
      loader.lines(parseConfigText(flag.text, flag.source, true), 0);
    }
    return config;
  }

  /** proto-max-bulk-len, read for every bulk string. */
  get protoMaxBulkLen(): number {
    return this.protoMaxBulkLenValue;
  }

  /** A setting's value as CONFIG GET shows it. */
  string(name: string): string {
    const entry = this.entry(name);
    return this.values.get(entry.setting.name) as string;
  }

  /** A numeric or yes/no setting's value (yes = 1). */
  number(name: string): number {
    const n = this.numbers.get(name);
    if (n === undefined) throw new Error(`'${name}' is not a numeric setting`);
    return n;
  }

  bool(name: string): boolean {
    return this.string(name) === 'yes';
  }

  /** Whether an enable-*-command / enable-protected-configs setting allows a client. */
  allows(
    name: 'enable-protected-configs' | 'enable-debug-command' | 'enable-module-command',
    local: boolean,
  ): boolean {
    const value = this.string(name);
    return value === 'yes' || (value === 'local' && local);
  }

  /** Whether a setting's value must be hidden from logs, SLOWLOG and MONITOR. */
  isSensitive(name: string): boolean {
    return lookup(name)?.setting.sensitive ?? false;
  }

  /** Calls `listener` after CONFIG SET changes the setting; returns an unsubscribe. */
  onChange(name: string, listener: ChangeListener): () => void {
    const primary = this.entry(name).setting.name;
    const list = this.listeners.get(primary) ?? [];
    list.push(listener);
    this.listeners.set(primary, list);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /**
   * CONFIG GET: name/value pairs of the settings matching any pattern, each once. An
   * exact name (no * ? [) is answered under the name as typed, and may be hidden or an
   * alias; a pattern matches names and aliases case-insensitively, hidden ones excepted.
   */
  get(patterns: readonly string[]): [string, string][] {
    const matched = new Map<string, [string, string]>();
    const add = (key: string, setting: Setting): void => {
      const folded = key.toLowerCase();
      if (!matched.has(folded)) matched.set(folded, [key, this.values.get(setting.name) as string]);
    };
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const entry = lookup(pattern);
        if (entry !== undefined) add(pattern, entry.setting);
        continue;
      }
      for (const entry of ENTRIES) {
        if (!entry.setting.hidden && globMatch(pattern, entry.name, true))
          add(entry.name, entry.setting);
      }
    }
    return [...matched.values()];
  }

  /**
   * CONFIG SET: applies every pair or none, and returns Redis's error reply text (with
   * its "ERR " prefix) on failure. Names are checked first (unknown, immutable,
   * protected, duplicate), then values in order, then change listeners.
   */
  set(
    pairs: readonly (readonly [string, string])[],
    client: SetClient = { local: false },
  ): string | null {
    const checked = this.checkNames(pairs, client);
    if (typeof checked === 'string') return checked;
    const old = new Map<string, string>();
    for (const [i, entry] of checked.entries()) {
      const setting = entry.setting;
      const value = (pairs[i] as readonly [string, string])[1];
      const args = setting.multiArg ? (value === '' ? [] : value.split(' ')) : [value];
      const current = this.values.get(setting.name) as string;
      const parsed = setting.parse(args, current, { phase: 'set', seen: false });
      if (!parsed.ok) {
        this.restore(old, false);
        return setFailed(entry.name, parsed.error);
      }
      if (!old.has(setting.name)) old.set(setting.name, current);
      this.store(setting, parsed.value);
    }
    return this.notifyChanges(old);
  }

  /** The entries of a CONFIG SET, or its error reply if a name is wrong. */
  private checkNames(
    pairs: readonly (readonly [string, string])[],
    client: SetClient,
  ): Entry[] | string {
    const entries: Entry[] = [];
    for (const [name] of pairs) {
      const entry = lookup(name);
      if (entry === undefined)
        return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      const setting = entry.setting;
      if (!setting.mutable) return setFailed(name, "can't set immutable config");
      if (setting.protected && !this.allows('enable-protected-configs', client.local)) {
        return setFailed(name, "can't set protected config");
      }
      // Like Redis, a setting named once by its name and once by its alias is no duplicate.
      if (entries.includes(entry)) return setFailed(name, 'duplicate parameter');
      entries.push(entry);
    }
    return entries;
  }

  /** Runs the listeners of changed settings; if one refuses, everything is restored. */
  private notifyChanges(old: Map<string, string>): string | null {
    const notified = new Map<string, string>();
    for (const [name, previous] of old) {
      const value = this.values.get(name) as string;
      if (value === previous) continue;
      notified.set(name, previous);
      for (const listener of this.listeners.get(name) ?? []) {
        const error = listener(value, name);
        if (typeof error === 'string') {
          this.restore(old, false);
          this.restore(notified, true);
          return setFailed(name, error);
        }
      }
    }
    return null;
  }

  /** Puts back previous values; `notify` re-runs the listeners of those already told. */
  private restore(previous: Map<string, string>, notify: boolean): void {
    for (const [name, value] of previous) {
      const setting = (lookup(name) as Entry).setting;
      this.store(setting, value);
      if (!notify) continue;
      for (const listener of this.listeners.get(name) ?? []) listener(value, name);
    }
  }

  /**
   * CONFIG REWRITE: rewrites the config file in place (atomically, via a temporary file
   * and rename), keeping comments and unknown lines. Returns the error reply text.
   */
  rewrite(options: { readonly forceAll?: boolean } = {}): string | null {
    if (this.configFile === null) return 'ERR The server is running without a config file';
    try {
      const text = rewriteConfigText({
        oldText: readIfExists(this.configFile),
        settings: SETTINGS.map((s) => ({
          name: s.name,
          lines: s.rewrite(this.values.get(s.name) as string, this.defaults.get(s.name) as string),
        })),
        primaryName: (name) => lookup(name)?.setting.name ?? null,
        ...(options.forceAll === undefined ? {} : { forceAll: options.forceAll }),
      });
      writeAtomically(this.configFile, text);
      return null;
    } catch (err) {
      return `ERR Rewriting config file: ${strerror(err)}`;
    }
  }

  private store(setting: Setting, value: string): void {
    this.values.set(setting.name, value);
    if (setting.toNumber === undefined) return;
    const n = setting.toNumber(value);
    this.numbers.set(setting.name, n);
    if (setting.alias !== undefined) this.numbers.set(setting.alias, n);
    if (setting.name === 'proto-max-bulk-len') this.protoMaxBulkLenValue = n;
  }

  private entry(name: string): Entry {
    const entry = lookup(name);
    if (entry === undefined) throw new Error(`no setting named '${name}'`);
    return entry;
  }
}

function setFailed(name: string, reason: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}

/** Where a Loader puts values: the Config being built. */
interface LoadTarget {
  current(setting: Setting): string;
  store(setting: Setting, value: string): void;
}

/** Applies config lines in order, as loadServerConfigFromString does. */
class Loader {
  /** Settings already given during this load (a second `save` line adds to the first). */
  private readonly seen = new Set<string>();

  constructor(private readonly target: LoadTarget) {}

  /** Reads a config file; `path` is a byte string, as the setting values are. */
  file(path: string, depth: number): void {
    const name = fsPath(path);
    let text: string;
    try {
      text = readFileSync(name, 'latin1');
    } catch (err) {
      throw ConfigError.file(name, strerror(err));
    }
    this.lines(parseConfigText(text, name), depth);
  }

  lines(lines: readonly ConfigLine[], depth: number): void {
    for (const line of lines) this.line(line, depth);
  }

  private line(line: ConfigLine, depth: number): void {
    const [written, ...rest] = line.args as [string, ...string[]];
    const name = written.toLowerCase();
    const entry = lookup(name);
    if (entry !== undefined) {
      this.setting(line, entry.setting, this.settingArgs(line, entry.setting, rest));
      return;
    }
    if (DEPRECATED_DIRECTIVES.get(name) === line.args.length) return;
    if (name === 'include' && rest.length === 1) {
      if (depth >= INCLUDE_DEPTH_MAX)
        throw ConfigError.setting(written, line.source, 'include nesting too deep');
      this.file(rest[0] as string, depth + 1);
      return;
    }
    const known = DEPRECATED_DIRECTIVES.has(name) || name === 'include';
    throw ConfigError.setting(
      written,
      line.source,
      known ? 'wrong number of arguments' : 'unknown setting',
    );
  }

  private setting(line: ConfigLine, setting: Setting, args: readonly string[]): void {
    const seen = this.seen.has(setting.name);
    const parsed = setting.parse(args, this.target.current(setting), { phase: 'load', seen });
    if (!parsed.ok) throw ConfigError.setting(line.args[0] as string, line.source, parsed.error);
    this.target.store(setting, parsed.value);
    this.seen.add(setting.name);
  }

  /** One value for plain settings; a multi-value setting given as one quoted value is split. */
  private settingArgs(
    line: ConfigLine,
    setting: Setting,
    rest: readonly string[],
  ): readonly string[] {
    const written = line.args[0] as string;
    if (!setting.multiArg) {
      if (rest.length !== 1)
        throw ConfigError.setting(written, line.source, 'wrong number of arguments');
      return rest;
    }
    if (rest.length !== 1 || rest[0] === '') return rest;
    const split = splitArgs(rest[0] as string);
    if (split === null) throw ConfigError.setting(written, line.source, 'unbalanced quotes');
    return split;
  }
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes a temporary file beside `path`, fsyncs it, renames it over, fsyncs the directory. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, Buffer.from(text, 'latin1'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file may not exist; the first error is the one to report.
    }
    throw err;
  }
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
