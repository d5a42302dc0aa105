import { error, type ErrorReply } from '../resp/reply.js';

/** Redis's exact error strings; clients and the Tcl suite match on them. */
export const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX = error('ERR syntax error');
export const NOT_INTEGER = error('ERR value is not an integer or out of range');
export const NOT_FLOAT = error('ERR value is not a valid float');
export const OVERFLOW = error('ERR increment or decrement would overflow');
export const NO_SUCH_KEY = error('ERR no such key');
export const DB_INDEX_RANGE = error('ERR DB index is out of range');
export const STRING_TOO_LONG = error(
  'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
);
export const NOT_POSITIVE = error('ERR value is out of range, must be positive');

export function wrongArity(name: string): ErrorReply {
  return error(`ERR wrong number of arguments for '${name}' command`);
}

export function unknownCommand(name: string, args: readonly string[]): ErrorReply {
  let shown = '';
  for (let i = 0; i < args.length && shown.length < 128; i++) {
    shown += `'${cString(args[i] as string).slice(0, 128 - shown.length)}' `;
  }
  return error(`ERR unknown command '${truncate(name)}', with args beginning with: ${shown}`);
}

export function unknownSubcommand(sub: string, command: string): ErrorReply {
  return error(`ERR unknown subcommand '${truncate(sub)}'. Try ${command.toUpperCase()} HELP.`);
}

export function invalidExpireTime(command: string): ErrorReply {
  return error(`ERR invalid expire time in '${command}' command`);
}

function truncate(s: string): string {
  return cString(s).slice(0, 128);
}

/** What C's printf("%s") shows of user bytes: everything before the first NUL. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}
