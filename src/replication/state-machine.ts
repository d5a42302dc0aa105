import { ExecContext, type ExecSettings, type KeyEventHook } from '../commands/context.js';
import type { BlockRequest } from '../commands/spec.js';
import type { Registry } from '../commands/registry.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { error, type Reply } from '../resp/reply.js';
import type { CommandEntry, ExpireEntry, LogEntry } from './entry.js';

/** Applies log entries to a keyspace. Every replica runs the same entries in order. */
export class StateMachine {
  appliedIndex = 0;

  constructor(
    readonly keyspace: Keyspace,
    private readonly registry: Registry,
    private readonly settings: ExecSettings,
    /** Key events of applied commands, for the node's WATCH and blocked clients. */
    private readonly events: { onModified?: KeyEventHook; onReady?: KeyEventHook } = {},
  ) {}

  /** Applies one entry; the reply matters only where `proposer` is true. */
  apply(entry: LogEntry, proposer: boolean): Reply | BlockRequest {
    this.appliedIndex++;
    return entry.kind === 'command' ? this.applyCommand(entry, proposer) : this.applyExpire(entry);
  }

  private applyCommand(entry: CommandEntry, proposer: boolean): Reply | BlockRequest {
    const lookup = this.registry.resolve(entry.argv);
    if (lookup.error) return lookup.error;
    const handler = lookup.spec.data;
    if (handler === undefined) return error(`ERR '${lookup.spec.name}' cannot be replicated`);
    const ctx = new ExecContext(this.keyspace, entry.db, entry.time, entry.seed, this.settings, {
      applying: true,
      proposer,
    });
    return handler(ctx, entry.argv);
  }

  private applyExpire(entry: ExpireEntry): Reply {
    const db = this.keyspace.db(entry.db);
    let deleted = 0;
    for (const key of entry.keys) {
      const e = db.peek(key);
      if (e !== undefined && e.expireAt !== 0 && e.expireAt <= entry.time) {
        db.delete(key);
        deleted++;
      }
    }
    this.keyspace.stats.expiredKeys += deleted;
    return deleted;
  }
}
