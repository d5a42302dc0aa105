/**
 * Runs data commands without a server: writes go through the StateMachine as log
 * entries, reads run on a read context, exactly as the dispatcher does. For unit tests
 * of command families.
 */
import { ExecContext, type ExecSettings } from '../../src/commands/context.js';
import { Registry } from '../../src/commands/registry.js';
import { isBlockRequest, isWrite, type BlockRequest } from '../../src/commands/spec.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { Reply } from '../../src/resp/reply.js';
import { StateMachine } from '../../src/replication/state-machine.js';

export const testSettings: ExecSettings = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  number: () => 0,
};

export class Harness {
  readonly keyspace = new Keyspace(16);
  readonly registry = new Registry();
  readonly machine = new StateMachine(this.keyspace, this.registry, testSettings);
  /** The clock the next command sees, in ms; tests move it by hand. */
  now = 1_700_000_000_000;
  db = 0;
  private seed = 1;

  /** Runs a command that must answer now (a BlockRequest fails the test). */
  run(...argv: string[]): Reply {
    const r = this.exec(...argv);
    if (isBlockRequest(r)) throw new Error(`${argv[0]} asked to block`);
    return r;
  }

  /** Runs a command that may ask to block (BLPOP and friends outside MULTI). */
  exec(...argv: string[]): Reply | BlockRequest {
    const lookup = this.registry.resolve(argv);
    if (lookup.error) return lookup.error;
    const spec = lookup.spec;
    if (spec.data === undefined) throw new Error(`${spec.name} is not a data command`);
    if (isWrite(spec)) {
      return this.machine.apply(
        { kind: 'command', db: this.db, argv, time: this.now, seed: this.seed++ },
        true,
      );
    }
    const ctx = new ExecContext(this.keyspace, this.db, this.now, this.seed++, testSettings, {
      applying: false,
      proposer: true,
      onExpiredRead: (db, key) => {
        this.machine.apply({ kind: 'expire', db, keys: [key], time: this.now }, true);
      },
    });
    return spec.data(ctx, argv);
  }
}
