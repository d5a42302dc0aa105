/** Pieces shared by the tests that run node commands against fake node services. */
import type { TransactionsApi } from '../../src/commands/node.js';
import type { Reply } from '../../src/resp/reply.js';

/** A reply that must be ready now: node commands other than EXEC answer synchronously. */
export function now(reply: Reply | Promise<Reply>): Reply {
  if (reply instanceof Promise) throw new Error('expected an immediate reply');
  return reply;
}

function unused(): never {
  throw new Error('transactions are not part of this test');
}

/** For fake nodes whose tests never touch MULTI/EXEC. */
export const NO_TRANSACTIONS: TransactionsApi = {
  multi: unused,
  exec: unused,
  discard: unused,
  watch: unused,
  unwatch: unused,
};
