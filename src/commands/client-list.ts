/**
 * CLIENT LIST / CLIENT INFO lines and CLIENT LIST / CLIENT KILL filters, as Redis
 * formats and parses them (networking.c: catClientInfoString, clientCommand). Pure
 * helpers: the server builds a ClientInfo per connection and uses these.
 */
import { error, type ErrorReply } from '../resp/reply.js';
import { SYNTAX } from './errors.js';
import type { ClientFilter, ClientType } from './node.js';
import { parseInt64 } from '../util/numbers.js';

/** One client as CLIENT LIST shows it; field names follow Redis's, camel-cased. */
export interface ClientInfo {
  readonly id: number;
  /** Peer address, `ip:port` (`[ipv6]:port`, `path:0` for a unix socket). */
  readonly addr: string;
  /** Local address the client connected to, same format as addr. */
  readonly laddr: string;
  readonly fd: number;
  /** '' when the client has no name. */
  readonly name: string;
  /** Seconds since the connection was made. */
  readonly age: number;
  /** Seconds since the last command. */
  readonly idle: number;
  /** Flag letters in Redis's order, 'N' when none: see formatClientFlags. */
  readonly flags: string;
  readonly db: number;
  readonly sub: number;
  readonly psub: number;
  readonly ssub: number;
  /** Commands queued in MULTI, -1 outside MULTI. */
  readonly multi: number;
  readonly qbuf: number;
  readonly qbufFree: number;
  readonly argvMem: number;
  readonly multiMem: number;
  readonly rbs: number;
  readonly rbp: number;
  readonly obl: number;
  readonly oll: number;
  readonly omem: number;
  readonly totMem: number;
  /** 'r' when reading, 'w' when a write is pending: 'r', 'rw', 'w' or ''. */
  readonly events: string;
  /** Full name of the last command (`client|list`), 'NULL' before the first. */
  readonly cmd: string;
  readonly user: string;
  /** Tracking redirection id, -1 when tracking is off. */
  readonly redir: number;
  readonly resp: number;
  readonly libName: string;
  readonly libVer: string;
}

/** What a client's flags field is made of; absent means false. */
export interface ClientFlagState {
  readonly replica?: boolean;
  readonly monitor?: boolean;
  readonly master?: boolean;
  readonly pubsub?: boolean;
  readonly multi?: boolean;
  readonly blocked?: boolean;
  readonly tracking?: boolean;
  readonly trackingBrokenRedir?: boolean;
  readonly trackingBcast?: boolean;
  readonly dirtyCas?: boolean;
  readonly closeAfterReply?: boolean;
  readonly unblocked?: boolean;
  readonly closeAsap?: boolean;
  readonly unixSocket?: boolean;
  readonly readonly?: boolean;
  readonly noEvict?: boolean;
  readonly noTouch?: boolean;
}

/** Letters in catClientInfoString's order; replica/monitor are handled first. */
const FLAG_LETTERS: readonly (readonly [keyof ClientFlagState, string])[] = [
  ['master', 'M'],
  ['pubsub', 'P'],
  ['multi', 'x'],
  ['blocked', 'b'],
  ['tracking', 't'],
  ['trackingBrokenRedir', 'R'],
  ['trackingBcast', 'B'],
  ['dirtyCas', 'd'],
  ['closeAfterReply', 'c'],
  ['unblocked', 'u'],
  ['closeAsap', 'A'],
  ['unixSocket', 'U'],
  ['readonly', 'r'],
  ['noEvict', 'e'],
  ['noTouch', 'T'],
];

/** The flags field: 'O' for a monitor, 'S' for a replica, then the others; 'N' if none. */
export function formatClientFlags(state: ClientFlagState): string {
  let flags = '';
  if (state.replica === true) flags += state.monitor === true ? 'O' : 'S';
  for (const [key, letter] of FLAG_LETTERS) if (state[key] === true) flags += letter;
  return flags === '' ? 'N' : flags;
}

/** getClientType over a flags field: a monitor counts as a normal client. */
export function clientTypeOf(flags: string): ClientType {
  if (flags.includes('M')) return 'master';
  if (flags.includes('S')) return 'replica';
  if (flags.includes('P')) return 'pubsub';
  return 'normal';
}

/** One CLIENT LIST line, without the trailing newline. */
export function formatClientInfo(c: ClientInfo): string {
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}` +
    ` age=${c.age} idle=${c.idle} flags=${c.flags} db=${c.db}` +
    ` sub=${c.sub} psub=${c.psub} ssub=${c.ssub} multi=${c.multi}` +
    ` qbuf=${c.qbuf} qbuf-free=${c.qbufFree} argv-mem=${c.argvMem} multi-mem=${c.multiMem}` +
    ` rbs=${c.rbs} rbp=${c.rbp} obl=${c.obl} oll=${c.oll} omem=${c.omem} tot-mem=${c.totMem}` +
    ` events=${c.events} cmd=${c.cmd} user=${c.user} redir=${c.redir} resp=${c.resp}` +
    ` lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

/** The CLIENT LIST reply text: every line ends with "\n". */
export function formatClientList(clients: readonly ClientInfo[]): string {
  let out = '';
  for (const c of clients) out += formatClientInfo(c) + '\n';
  return out;
}

/** Tells a parser's error reply from its result. */
export function isParseError<T extends object>(result: T | ErrorReply): result is ErrorReply {
  return 'kind' in result && result.kind === 'error';
}

/** getClientTypeByName: case-insensitive, `slave` is `replica`. */
export function parseClientType(name: string): ClientType | undefined {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return undefined;
  }
}

function unknownType(name: string): ErrorReply {
  return error(`ERR Unknown client type '${name}'`);
}

/**
 * CLIENT LIST [TYPE type | ID id ...] (argv is the whole command). IDs keep their
 * order and duplicates; ids that cannot name a client (0, negative, huge) stay out.
 */
export function parseListFilter(argv: readonly string[]): ClientFilter | ErrorReply {
  if (argv.length === 2) return {};
  const option = (argv[2] as string).toLowerCase();
  if (argv.length === 4 && option === 'type') {
    const type = parseClientType(argv[3] as string);
    return type === undefined ? unknownType(argv[3] as string) : { type };
  }
  if (argv.length > 3 && option === 'id') {
    const id: number[] = [];
    for (let j = 3; j < argv.length; j++) {
      const n = parseInt64(argv[j] as string);
      if (n === null) return error('ERR Invalid client ID');
      if (typeof n === 'number' && n > 0) id.push(n);
    }
    return { id };
  }
  return SYNTAX;
}

/** A parsed CLIENT KILL: the old form `CLIENT KILL addr` replies OK or an error. */
export interface KillRequest {
  readonly filter: ClientFilter;
  readonly oldForm: boolean;
}

/**
 * CLIENT KILL addr | CLIENT KILL <option> <value> ... (argv is the whole command).
 * `userExists` answers for USER, which fails on an unknown user as Redis does.
 */
export function parseKillFilter(
  argv: readonly string[],
  userExists: (name: string) => boolean,
): KillRequest | ErrorReply {
  if (argv.length === 3)
    return { filter: { addr: argv[2] as string, skipme: false }, oldForm: true };
  const filter: ClientFilter = { skipme: true };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) return SYNTAX;
    const failure = applyKillOption(filter, (argv[i] as string).toLowerCase(), value, userExists);
    if (failure !== undefined) return failure;
  }
  return { filter, oldForm: false };
}

/** Sets one KILL option on the filter (a later one wins); returns an error if invalid. */
function applyKillOption(
  filter: ClientFilter,
  option: string,
  value: string,
  userExists: (name: string) => boolean,
): ErrorReply | undefined {
  switch (option) {
    case 'id': {
      const id = parseInt64(value);
      if (id === null || id < 1) return error('ERR client-id should be greater than 0');
      filter.id = typeof id === 'number' ? [id] : [];
      return undefined;
    }
    case 'maxage': {
      const age = parseInt64(value);
      if (age === null) return error('ERR maxage is not an integer or out of range');
      if (age <= 0) return error('ERR maxage should be greater than 0');
      filter.maxage = Number(age);
      return undefined;
    }
    case 'type': {
      const type = parseClientType(value);
      if (type === undefined) return unknownType(value);
      filter.type = type;
      return undefined;
    }
    case 'addr':
      filter.addr = value;
      return undefined;
    case 'laddr':
      filter.laddr = value;
      return undefined;
    case 'user':
      if (!userExists(value)) return error(`ERR No such user '${value}'`);
      filter.user = value;
      return undefined;
    case 'skipme':
      return parseSkipme(filter, value);
    default:
      return SYNTAX;
  }
}

function parseSkipme(filter: ClientFilter, value: string): ErrorReply | undefined {
  const yesNo = value.toLowerCase();
  if (yesNo !== 'yes' && yesNo !== 'no') return SYNTAX;
  filter.skipme = yesNo === 'yes';
  return undefined;
}

/** Whether one client passes every field of the filter except the id list. */
export function clientMatches(c: ClientInfo, filter: ClientFilter, selfId: number): boolean {
  if (filter.addr !== undefined && c.addr !== filter.addr) return false;
  if (filter.laddr !== undefined && c.laddr !== filter.laddr) return false;
  if (filter.type !== undefined && clientTypeOf(c.flags) !== filter.type) return false;
  if (filter.user !== undefined && c.user !== filter.user) return false;
  if (filter.skipme === true && c.id === selfId) return false;
  if (filter.maxage !== undefined && c.age < filter.maxage) return false;
  return true;
}

/**
 * The clients a filter selects, in Redis's order: with an id list, in the list's
 * order (duplicates repeat, as CLIENT LIST ID does); otherwise in connection order.
 */
export function selectClients(
  clients: readonly ClientInfo[],
  filter: ClientFilter,
  selfId: number,
): ClientInfo[] {
  if (filter.id === undefined) return clients.filter((c) => clientMatches(c, filter, selfId));
  const byId = new Map<number, ClientInfo>();
  for (const c of clients) byId.set(c.id, c);
  const out: ClientInfo[] = [];
  for (const id of filter.id) {
    const c = byId.get(id);
    if (c !== undefined && clientMatches(c, filter, selfId)) out.push(c);
  }
  return out;
}

/** Redis's rule for names and SETINFO values: printable ASCII without spaces. */
export function isValidClientAttr(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
