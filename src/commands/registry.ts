import type { CommandSpec } from './spec.js';
import { wrongArity, unknownCommand, unknownSubcommand } from './errors.js';
import type { ErrorReply } from '../resp/reply.js';
import { bitmapCommands } from './bitmaps.js';
import { clusterCommands } from './cluster.js';
import { connectionCommands } from './connection.js';
import { dumpCommands } from './dump.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
import { memoryCommands } from './memory.js';
import { listCommands } from './lists.js';
import { scriptingCommands } from './scripting.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';

/** The command table: one explicit list per family, no import-time registration. */
export const FAMILIES: readonly (readonly CommandSpec[])[] = [
  stringCommands,
  bitmapCommands,
  listCommands,
  hashCommands,
  setCommands,
  zsetCommands,
  sortCommands,
  keyCommands,
  dumpCommands,
  connectionCommands,
  serverCommands,
  scriptingCommands,
  transactionCommands,
  memoryCommands,
  clusterCommands,
];

export type Lookup =
  | {
      readonly spec: Exclude<CommandSpec, { subcommands: readonly CommandSpec[] }>;
      readonly error?: never;
    }
  | { readonly spec?: never; readonly error: ErrorReply };

type Runnable = Exclude<CommandSpec, { subcommands: readonly CommandSpec[] }>;
type Found = { readonly spec: Runnable; readonly error?: never };

export class Registry {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly subs = new Map<string, Map<string, CommandSpec>>();
  private readonly byRawName = new Map<string, CommandSpec>();
  private readonly foundBySpec = new Map<Runnable, Found>();

  constructor(families: readonly (readonly CommandSpec[])[] = FAMILIES) {
    for (const family of families) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
        this.byName.set(spec.name, spec);
        if (spec.subcommands) {
          const table = new Map<string, CommandSpec>();
          for (const sub of spec.subcommands) table.set(sub.name.slice(spec.name.length + 1), sub);
          this.subs.set(spec.name, table);
        }
      }
    }
  }

  /** A top-level command by lower-case name. */
  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /** A subcommand by container and lower-case subcommand name. */
  getSub(container: string, sub: string): CommandSpec | undefined {
    return this.subs.get(container)?.get(sub);
  }

  all(): IterableIterator<CommandSpec> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /**
   * Finds the spec that runs argv and checks its arity: the first two steps of the
   * one dispatch pipeline (lookup, arity, flags, keys, route, execute).
   */
  resolve(argv: readonly string[]): Lookup {
    const raw = argv[0] as string;
    const top = this.byRawName.get(raw) ?? this.learnRawName(raw);
    if (top === undefined) return { error: unknownCommand(raw, argv.slice(1)) };
    let spec: CommandSpec = top;
    if (top.subcommands) {
      if (argv.length < 2) return top.bare ? this.found(top.bare) : { error: wrongArity(top.name) };
      const sub = this.subs.get(top.name)?.get((argv[1] as string).toLowerCase());
      if (sub === undefined) return { error: unknownSubcommand(argv[1] as string, top.name) };
      spec = sub;
    }
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      return { error: wrongArity(spec.name) };
    }
    return this.found(spec as Runnable);
  }

  /**
   * Clients send names in any case ("SET", "set"); remembering each spelling seen
   * spares a lower-casing per command. Bounded, and unknown names are not kept.
   */
  private learnRawName(raw: string): CommandSpec | undefined {
    const spec = this.byName.get(raw.toLowerCase());
    if (spec !== undefined && this.byRawName.size < RAW_NAMES_MAX) this.byRawName.set(raw, spec);
    return spec;
  }

  /** One immutable lookup result per spec, so resolving allocates nothing. */
  private found(spec: Runnable): Found {
    let f = this.foundBySpec.get(spec);
    if (f === undefined) {
      f = { spec };
      this.foundBySpec.set(spec, f);
    }
    return f;
  }
}

/** Distinct spellings of command names remembered by Registry.resolve. */
const RAW_NAMES_MAX = 4096;
