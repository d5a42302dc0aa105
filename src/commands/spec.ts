import type { Reply } from '../resp/reply.js';
import type { ExecContext } from './context.js';
import type { NodeContext } from './node.js';

/** Redis's command flags, as COMMAND INFO reports them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

/** Legacy key range: argv indexes first..last step by step; last < 0 counts from the end. */
export interface KeyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

/** Key access flags per key, for COMMAND GETKEYSANDFLAGS. */
export type KeyAccess = 'RW' | 'RO' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete';

/** Runs inside the state machine (writes) or on a read context (reads): deterministic. */
export type DataHandler = (ctx: ExecContext, argv: readonly string[]) => Reply | BlockRequest;

/**
 * What a blocking command (BLPOP, BZPOPMIN, ...) returns when it cannot be served yet
 * and `ctx.canBlock` is true: the server parks the client on these keys and runs the
 * command again, as a new entry, when a write signals one of them ready
 * (`ctx.signalReady`), or answers the timeout reply when the time is up.
 */
export interface BlockRequest {
  readonly kind: 'block';
  readonly keys: readonly string[];
  /** Relative timeout in ms; 0 blocks for ever. */
  readonly timeoutMs: number;
  /** The reply when the timeout expires (null, or NULL_ARRAY for BLPOP-like commands). */
  readonly timeoutReply: Reply;
}

export function isBlockRequest(r: Reply | BlockRequest): r is BlockRequest {
  return (
    r !== null &&
    typeof r === 'object' &&
    !Array.isArray(r) &&
    (r as { kind?: string }).kind === 'block'
  );
}
/** Runs on this node with the calling connection: connection, server and admin commands. */
export type NodeHandler = (ctx: NodeContext, argv: readonly string[]) => Reply | Promise<Reply>;

interface SpecBase {
  /** Lower-case name; a subcommand's is `container|sub`, as Redis's fullname. */
  readonly name: string;
  /** Redis's ±N convention: N exactly, -N at least N (argv[0] counts). */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** ACL categories without the '@'. */
  readonly acl: readonly string[];
  /** COMMAND DOCS group: string, generic, server, connection, ... */
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  /** Argument syntax for docs, e.g. `key value [NX | XX]`. */
  readonly syntax?: string;
  readonly keys?: KeyRange;
  /** For commands whose key positions depend on the arguments (movablekeys). */
  readonly keyFinder?: (argv: readonly string[]) => number[];
  readonly keyAccess?: readonly KeyAccess[];
  /** COMMAND INFO tips, lower-case: `nondeterministic_output`, `request_policy:all_shards`. */
  readonly tips?: readonly string[];
}

export interface DataCommandSpec extends SpecBase {
  readonly data: DataHandler;
  readonly node?: never;
  readonly subcommands?: never;
}

export interface NodeCommandSpec extends SpecBase {
  readonly node: NodeHandler;
  readonly data?: never;
  readonly subcommands?: never;
}

/** A container (CLIENT, CONFIG, OBJECT, ...): argv[1] names the subcommand. */
export interface ContainerCommandSpec extends SpecBase {
  readonly subcommands: readonly CommandSpec[];
  /** Runs the container called with no subcommand (COMMAND); without it that is an arity error. */
  readonly bare?: NodeCommandSpec;
  readonly data?: never;
  readonly node?: never;
}

export type CommandSpec = DataCommandSpec | NodeCommandSpec | ContainerCommandSpec;

export function isWrite(spec: CommandSpec): boolean {
  return spec.flags.includes('write');
}

/** The argv indexes that hold keys. */
export function keyIndexes(spec: CommandSpec, argv: readonly string[]): number[] {
  if (spec.keyFinder) return spec.keyFinder(argv);
  const range = spec.keys;
  if (range === undefined || range.first === 0) return [];
  const last = range.last < 0 ? argv.length + range.last : range.last;
  const out: number[] = [];
  for (let i = range.first; i <= last && i < argv.length; i += range.step) out.push(i);
  return out;
}
