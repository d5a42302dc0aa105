/**
 * Settings with their own format (Redis's "special configs"): save, bind,
 * client-output-buffer-limit, notify-keyspace-events, dir, replicaof,
 * oom-score-adj-values, latency-tracking-info-percentiles.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { quoteArg } from '../util/split-args.js';
import { parseDouble } from '../util/numbers.js';
import { base, type Common } from './kinds.js';
import {
  formatMemory,
  formatPercentile,
  fsPath,
  parseMemory,
  parseStrtoll,
  strerror,
} from './parse.js';
import { fail, ok, type Parsed, type ParseContext, type Setting } from './types.js';

function special(
  c: Common & { readonly default: string; readonly type?: Setting['type'] },
  parse: Setting['parse'],
  rewrite: Setting['rewrite'],
  multiArg = true,
): Setting {
  return { ...base(c), type: c.type ?? 'list', default: c.default, multiArg, parse, rewrite };
}

/**
 * save: pairs "seconds changes". A single "" means no snapshots. While loading, the
 * first save line replaces the default and later ones add to it; CONFIG SET replaces.
 */
export function saveSetting(c: Common & { readonly default: string }): Setting {
  return special(c, parseSave, (value) => {
    if (value === '') return [{ line: 'save ""', force: true }];
    return pairs(value.split(' ')).map(([s, n]) => ({ line: `save ${s} ${n}`, force: true }));
  });
}

function parseSave(args: readonly string[], current: string, context: ParseContext): Parsed {
  const words = args.length === 1 && args[0] === '' ? [] : args;
  if (words.length % 2 !== 0) return fail('Invalid save parameters');
  const out: string[] = [];
  for (let j = 0; j < words.length; j++) {
    const v = parseStrtoll(words[j] as string);
    if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) {
      return fail('Invalid save parameters');
    }
    // seconds is a time_t, changes an int, as in Redis.
    out.push(j % 2 === 0 ? v.toString() : BigInt.asIntN(32, v).toString());
  }
  const cleared = words !== args;
  const append = context.phase === 'load' && context.seen && !cleared;
  return ok((append ? [current, ...out] : out).filter((w) => w !== '').join(' '));
}

function pairs(words: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < words.length; i += 2)
    out.push([words[i] as string, words[i + 1] as string]);
  return out;
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
/** The base the default value is parsed onto. */
const NO_OBUF_LIMITS = 'normal 0 0 0 slave 0 0 0 pubsub 0 0 0';

function obufClass(name: string): number {
  const lower = name.toLowerCase();
  if (lower === 'normal') return 0;
  if (lower === 'slave' || lower === 'replica') return 1;
  if (lower === 'pubsub') return 2;
  return -1;
}

/**
 * client-output-buffer-limit: "<class> <hard> <soft> <soft seconds>" groups; classes
 * not named keep their limits. Shown as "normal 0 0 0 slave 268435456 67108864 60 ...".
 */
export function outputBufferLimitSetting(c: Common & { readonly default: string }): Setting {
  return special(c, parseOutputBufferLimit, (value, def) => {
    const now = value.split(' ');
    const was = def.split(' ');
    return OBUF_CLASSES.map((_, k) => {
      const [hard, soft, seconds] = now.slice(k * 4 + 1, k * 4 + 4) as [string, string, string];
      const name = k === 1 ? 'replica' : (OBUF_CLASSES[k] as string);
      const line = `${c.name} ${name} ${formatMemory(BigInt(hard))} ${formatMemory(BigInt(soft))} ${seconds}`;
      return {
        line,
        force: now.slice(k * 4, k * 4 + 4).join(' ') !== was.slice(k * 4, k * 4 + 4).join(' '),
      };
    });
  });
}

function parseOutputBufferLimit(args: readonly string[], current: string): Parsed {
  if (args.length % 4 !== 0)
    return fail('Wrong number of arguments in buffer limit configuration.');
  const limits = (current === '' ? NO_OBUF_LIMITS : current).split(' ');
  for (let j = 0; j < args.length; j += 4) {
    const k = obufClass(args[j] as string);
    if (k < 0) return fail('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(args[j + 1] as string);
    const soft = parseMemory(args[j + 2] as string);
    const seconds = parseStrtoll(args[j + 3] as string);
    const secondsInt = seconds === null ? -1n : BigInt.asIntN(32, seconds);
    if (hard === null || soft === null || secondsInt < 0n) {
      return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    limits.splice(k * 4 + 1, 3, hard.toString(), soft.toString(), secondsInt.toString());
  }
  return ok(limits.join(' '));
}

const KEYSPACE_EVENT_FLAGS = new Map<string, number>([
  ['K', 1 << 0],
  ['E', 1 << 1],
  ['g', 1 << 2],
  ['$', 1 << 3],
  ['l', 1 << 4],
  ['s', 1 << 5],
  ['h', 1 << 6],
  ['z', 1 << 7],
  ['x', 1 << 8],
  ['e', 1 << 9],
  ['t', 1 << 10],
  ['m', 1 << 11],
  ['d', 1 << 13],
  ['n', 1 << 14],
]);
const NOTIFY_ALL = 0b10011111111100;

/** notify-keyspace-events: event classes as letters; shown in Redis's canonical order. */
export function keyspaceEventsSetting(c: Common & { readonly default: string }): Setting {
  return special(
    { ...c, type: 'string' },
    (args) => {
      if (args.length !== 1) return fail('wrong number of arguments');
      let flags = 0;
      for (const ch of args[0] as string) {
        const bit = ch === 'A' ? NOTIFY_ALL : KEYSPACE_EVENT_FLAGS.get(ch);
        if (bit === undefined) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        flags |= bit;
      }
      return ok(keyspaceEventsString(flags));
    },
    (value) => [{ line: `${c.name} ${quoteArg(value)}`, force: value !== '' }],
    false,
  );
}

/** keyspaceEventsFlagsToString. */
function keyspaceEventsString(flags: number): string {
  const has = (letter: string): boolean => (flags & (KEYSPACE_EVENT_FLAGS.get(letter) ?? 0)) !== 0;
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else for (const letter of 'g$lshzxetdn') if (has(letter)) out += letter;
  for (const letter of 'KEm') if (has(letter)) out += letter;
  return out;
}

const BIND_ADDRESSES_MAX = 16;

/** bind: up to 16 addresses; a single "" means none. The server applies it. */
export function bindSetting(c: Common & { readonly default: string }): Setting {
  return special(
    c,
    (args) => {
      if (args.length > BIND_ADDRESSES_MAX) return fail('Too many bind addresses specified.');
      const addresses = args.length === 1 && args[0] === '' ? [] : args;
      if (addresses.some((a) => a === '')) return fail('Failed to bind to specified addresses.');
      return ok(addresses.join(' '));
    },
    (value, def) => {
      if (value === def) return [];
      return [{ line: `${c.name} ${value === '' ? '""' : value}`, force: true }];
    },
  );
}

/**
 * dir: where data lives, shown as an absolute path (relative paths resolve against the
 * process's working directory). CONFIG SET needs an existing directory, as chdir does.
 */
export function dirSetting(c: Common & { readonly default: string }): Setting {
  return special(
    { ...c, type: 'string' },
    (args, _current, context) => {
      if (args.length !== 1) return fail('wrong number of arguments');
      const path = resolve(args[0] as string);
      if (context.phase === 'set') {
        const error = directoryError(path);
        if (error !== null) return fail(error);
      }
      return ok(path);
    },
    (value) => [{ line: `${c.name} ${quoteArg(value)}`, force: true }],
    false,
  );
}

function directoryError(path: string): string | null {
  try {
    return statSync(fsPath(path)).isDirectory() ? null : 'Not a directory';
  } catch (err) {
    return strerror(err);
  }
}

/**
 * replicaof: AiKv replicates through Raft, never from a Redis master, so only
 * "no one" (the default: not a replica) is accepted.
 */
export function replicaOfSetting(c: Common & { readonly default: string }): Setting {
  return special(
    c,
    (args) => {
      if (args.length !== 2) return fail('wrong number of arguments');
      const noOne = args[0]?.toLowerCase() === 'no' && args[1]?.toLowerCase() === 'one';
      return noOne
        ? ok('')
        : fail('AiKv replicates through Raft; only "replicaof no one" is accepted');
    },
    () => [],
  );
}

/** oom-score-adj-values: three integers in -2000..2000. */
export function oomScoreValuesSetting(c: Common & { readonly default: string }): Setting {
  return special(
    c,
    (args) => {
      if (args.length !== 3) return fail('wrong number of arguments');
      const values = args.map((a) => parseStrtoll(a));
      if (values.some((v) => v === null || v < -2000n || v > 2000n)) {
        return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
      }
      return ok(values.join(' '));
    },
    (value, def) => [{ line: `${c.name} ${value}`, force: value !== def }],
  );
}

/** latency-tracking-info-percentiles: doubles in 0..100; a single "" means none. */
export function percentilesSetting(c: Common & { readonly default: string }): Setting {
  return special(
    c,
    (args) => {
      const words = args.length === 1 && args[0] === '' ? [] : args;
      const out: string[] = [];
      for (const word of words) {
        const v = parseDouble(word);
        if (v === null) return fail('Invalid latency-tracking-info-percentiles parameters');
        if (v > 100 || v < 0) {
          return fail(
            'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]',
          );
        }
        out.push(formatPercentile(v));
      }
      return ok(out.join(' '));
    },
    (value) => [{ line: `${c.name} ${value === '' ? '""' : value}`, force: true }],
  );
}
