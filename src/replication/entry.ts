/**
 * A replicated log entry. Commands are replicated, not their effects: applying an entry
 * is a pure function of (state, entry), because the entry carries the proposer's clock
 * (`time`, which also makes every relative TTL absolute) and the seed of every random
 * choice the command makes.
 */
export type LogEntry = CommandEntry | MultiEntry | ExpireEntry;

export interface CommandEntry {
  readonly kind: 'command';
  readonly db: number;
  readonly argv: readonly string[];
  /** The proposer's clock in ms, monotonic per group. */
  readonly time: number;
  readonly seed: number;
}

/**
 * A MULTI/EXEC transaction: its data commands applied one after another with nothing
 * in between, each on its own database (SELECT inside MULTI). Blocking commands inside
 * never block. The reply is the array of their replies.
 */
export interface MultiEntry {
  readonly kind: 'multi';
  readonly commands: readonly { readonly db: number; readonly argv: readonly string[] }[];
  readonly time: number;
  readonly seed: number;
}

/** Deletes keys the proposer found past their deadlines (lazy or active expiry). */
export interface ExpireEntry {
  readonly kind: 'expire';
  readonly db: number;
  readonly keys: readonly string[];
  readonly time: number;
}
