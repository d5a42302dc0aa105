/**
 * The shape of one setting. Every value is kept in its canonical text form, the one
 * CONFIG GET shows (memory in bytes, yes/no, enum names in lower case); a setting's
 * `parse` turns arguments into that form or says why it cannot.
 */

export type Parsed =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: string };

export function ok(value: string): Parsed {
  return { ok: true, value };
}

export function fail(error: string): Parsed {
  return { ok: false, error };
}

export interface ParseContext {
  /** 'load' while reading the config file and flags; 'set' for CONFIG SET. */
  readonly phase: 'load' | 'set';
  /** During 'load': whether the setting already appeared earlier in this load. */
  readonly seen: boolean;
}

/** One line CONFIG REWRITE wants in the file for a setting. */
export interface RewriteLine {
  readonly line: string;
  /** Write it even if the file had no line for the setting (the value is not the default). */
  readonly force: boolean;
}

/** What a setting's value is, for help text and for typed getters. */
export type SettingType = 'bool' | 'integer' | 'memory' | 'enum' | 'string' | 'list';

export interface Setting {
  /** The redis.conf name, lower case. */
  readonly name: string;
  /** An older name Redis still accepts (hash-max-ziplist-entries, slaveof, ...). */
  readonly alias?: string;
  readonly type: SettingType;
  /** The default as it would be written in redis.conf (parsed at start-up). */
  readonly default: string;
  /** Whether CONFIG SET may change it. */
  readonly mutable: boolean;
  /** Several arguments ("save 3600 1", "bind a b"): CONFIG SET splits its value at spaces. */
  readonly multiArg: boolean;
  /** Left out of CONFIG GET patterns; returned only when asked for by exact name. */
  readonly hidden: boolean;
  /** Its value must not appear in logs, SLOWLOG or MONITOR. */
  readonly sensitive: boolean;
  /** CONFIG SET needs enable-protected-configs (yes, or local for loopback clients). */
  readonly protected: boolean;
  /** A Redis setting AiKv accepts, stores and reports but does not act on. */
  readonly compat: boolean;
  readonly help: string;
  /** The value's number, for settings that have one (bool: 1/0, percent: negative). */
  readonly toNumber?: (value: string) => number;
  parse(args: readonly string[], current: string, context: ParseContext): Parsed;
  /** The lines CONFIG REWRITE writes; none means "remove the setting's lines". */
  rewrite(value: string, defaultValue: string): readonly RewriteLine[];
}
