import type { BlockRequest } from '../commands/spec.js';
import type { Reply } from '../resp/reply.js';
import type { LogEntry } from './entry.js';
import type { StateMachine } from './state-machine.js';

/** Takes entries into the replicated log and calls back with the reply once applied. */
export interface Proposer {
  propose(entry: LogEntry, done: (reply: Reply | BlockRequest) => void): void;
}

/**
 * The log of a node with no Raft group yet: each entry is applied at once, through the
 * same state machine a Raft group will drive.
 */
export class LocalLog implements Proposer {
  constructor(private readonly machine: StateMachine) {}

  propose(entry: LogEntry, done: (reply: Reply | BlockRequest) => void): void {
    done(this.machine.apply(entry, true));
  }
}
