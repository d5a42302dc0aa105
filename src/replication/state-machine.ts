import {
  ExecContext,
  type ExecOptions,
  type ExecSettings,
  type KeyEventHook,
} from '../commands/context.js';
import { isBlockRequest, type BlockRequest } from '../commands/spec.js';
import type { Registry } from '../commands/registry.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { error, type Reply } from '../resp/reply.js';
import type { CommandEntry, ExpireEntry, LogEntry, MultiEntry } from './entry.js';

/** What the node tells the state machine about, and what it may tell the node. */
export interface StateMachineHooks {
  /** Key events of applied commands, for the node's WATCH and blocked clients. */
  readonly onReady?: KeyEventHook;
  /**
   * With it, the run time of each command whose reply goes back to a client here is
   * kept for takeRunMicros (INFO commandstats). Read around commands, never by them:
   * state does not depend on it.
   */
  readonly timer?: RunTiming;
}

/** Times one run: `stop(start())` is its duration in microseconds. */
export interface RunTiming {
  start(): number;
  stop(started: number): number;
}

/** Applies log entries to a keyspace. Every replica runs the same entries in order. */
export class StateMachine {
  appliedIndex = 0;
  /** How long the last command applied with `proposer` took to run, in microseconds. */
  private lastRunMicros = 0;
  private readonly timer: RunTiming | undefined;

  constructor(
    readonly keyspace: Keyspace,
    private readonly registry: Registry,
    private readonly settings: ExecSettings,
    hooks: StateMachineHooks = {},
  ) {
    const events = hooks.onReady === undefined ? {} : { onReady: hooks.onReady };
    this.timer = hooks.timer;
    // One options object per (proposer, canBlock): applying an entry allocates no more.
    this.options = [false, true].flatMap((proposer) =>
      [false, true].map((canBlock) => ({ applying: true, proposer, canBlock, ...events })),
    );
  }

  private readonly options: readonly ExecOptions[];

  /**
   * The run time of the command applied last with `proposer`, once: its reply is made
   * right after it applies, and a write that failed before applying takes 0.
   */
  takeRunMicros(): number {
    const us = this.lastRunMicros;
    this.lastRunMicros = 0;
    return us;
  }

  /** Applies one entry; the reply matters only where `proposer` is true. */
  apply(entry: LogEntry, proposer: boolean): Reply | BlockRequest {
    this.appliedIndex++;
    switch (entry.kind) {
      case 'command':
        return this.applyCommand(entry, proposer);
      case 'multi':
        return this.applyMulti(entry, proposer);
      case 'expire':
        return this.applyExpire(entry);
    }
  }

  private applyMulti(entry: MultiEntry, proposer: boolean): Reply {
    const replies: Reply[] = [];
    let seed = entry.seed;
    for (const { db, argv } of entry.commands) {
      const r = this.run(db, argv, entry.time, seed++, proposer, false);
      replies.push(isBlockRequest(r) ? r.timeoutReply : r);
    }
    return replies;
  }

  private applyCommand(entry: CommandEntry, proposer: boolean): Reply | BlockRequest {
    const timer = proposer ? this.timer : undefined;
    if (timer === undefined) {
      return this.run(entry.db, entry.argv, entry.time, entry.seed, proposer, true);
    }
    const started = timer.start();
    const reply = this.run(entry.db, entry.argv, entry.time, entry.seed, proposer, true);
    this.lastRunMicros = timer.stop(started);
    return reply;
  }

  private run(
    db: number,
    argv: readonly string[],
    time: number,
    seed: number,
    proposer: boolean,
    canBlock: boolean,
  ): Reply | BlockRequest {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const handler = lookup.spec.data;
    if (handler === undefined) return error(`ERR '${lookup.spec.name}' cannot be replicated`);
    const options = this.options[(proposer ? 2 : 0) + (canBlock ? 1 : 0)] as ExecOptions;
    return handler(new ExecContext(this.keyspace, db, time, seed, this.settings, options), argv);
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
