import type { CommandSpec } from './spec.js';
import { wrongArity, unknownCommand, unknownSubcommand } from './errors.js';
import type { ErrorReply } from '../resp/reply.js';
import { bitmapCommands } from './bitmaps.js';
import { connectionCommands } from './connection.js';
import { dumpCommands } from './dump.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
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
];

export type Lookup =
  | {
      readonly spec: Exclude<CommandSpec, { subcommands: readonly CommandSpec[] }>;
      readonly error?: never;
    }
  | { readonly spec?: never; readonly error: ErrorReply };

export class Registry {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly subs = new Map<string, Map<string, CommandSpec>>();

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
    const name = (argv[0] as string).toLowerCase();
    const top = this.byName.get(name);
    if (top === undefined) return { error: unknownCommand(argv[0] as string, argv.slice(1)) };
    let spec: CommandSpec = top;
    if (top.subcommands) {
      if (argv.length < 2) return top.bare ? { spec: top.bare } : { error: wrongArity(top.name) };
      const sub = this.subs.get(top.name)?.get((argv[1] as string).toLowerCase());
      if (sub === undefined) return { error: unknownSubcommand(argv[1] as string, top.name) };
      spec = sub;
    }
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      return { error: wrongArity(spec.name) };
    }
    return { spec: spec as Exclude<CommandSpec, { subcommands: readonly CommandSpec[] }> };
  }
}
