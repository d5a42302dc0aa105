/** The text of `aikv-server --help` and `aikv-server --version`. */
import { quoteArg } from '../util/split-args.js';
import { formatMemory } from './parse.js';
import { SETTINGS } from './settings.js';
import type { Setting } from './types.js';

/** What the command line asks for: redis-server looks only at the first argument. */
export function commandLineAction(argv: readonly string[]): 'help' | 'version' | 'run' {
  const first = argv[0];
  if (first === '-v' || first === '--version') return 'version';
  if (first === '-h' || first === '--help') return 'help';
  return 'run';
}

/** One line, like redis-server's "Redis server v=7.0.15 sha=... bits=64". */
export function versionText(aikvVersion: string, redisVersion: string): string {
  const bits = process.arch.endsWith('64') ? 64 : 32;
  return `aikv-server v=${aikvVersion} redis=${redisVersion} node=${process.version} bits=${bits}\n`;
}

const USAGE = `Usage: aikv-server [/path/to/aikv.conf] [--name value ...] [-]
       aikv-server - (read settings from stdin)
       aikv-server -v or --version
       aikv-server -h or --help

A config file uses redis.conf syntax: one "name value..." per line, # comments,
quotes as in redis-cli. Each --name value on the command line is read as one more
line after the file, so it wins. Memory values take units: 1k = 1000, 1kb = 1024,
likewise m/mb and g/gb.

Examples:
       aikv-server                        (all defaults; data in ./data)
       aikv-server /etc/aikv/aikv.conf
       aikv-server --port 7777 --dir /var/lib/aikv
       aikv-server aikv.conf --loglevel verbose --save ""

Settings (CONFIG GET/SET use the same names):
`;

export function helpText(): string {
  return USAGE + SETTINGS.map(describeSetting).join('');
}

function describeSetting(s: Setting): string {
  const notes: string[] = [`default ${showDefault(s)}`];
  if (s.alias !== undefined) notes.push(`alias ${s.alias}`);
  if (!s.mutable) notes.push('fixed at start-up');
  if (s.compat) notes.push('Redis compatibility, no effect');
  return `  --${s.name} <${s.type}>  (${notes.join('; ')})\n      ${s.help}\n`;
}

function showDefault(s: Setting): string {
  if (s.type === 'memory' && /^\d+$/.test(s.default)) return formatMemory(BigInt(s.default));
  return s.default === '' || /[\s"']/.test(s.default) ? quoteArg(s.default) : s.default;
}
