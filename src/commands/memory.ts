import type { CollectionValue, Value } from '../keyspace/value.js';
import { OK, verbatim, type Reply } from '../resp/reply.js';
import { helpReply } from './command-info.js';
import type { ExecContext } from './context.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandSpec } from './spec.js';
import { parseInt64 } from '../util/numbers.js';

/**
 * MEMORY (USAGE, MALLOC-STATS, PURGE, HELP; no DOCTOR or STATS yet): byte estimates from a model of V8's layout on 64-bit Node (one-byte strings
 * are a 16-byte header plus their bytes rounded up to 8; a key costs its string, its
 * three-field Entry and a Map slot). Like Redis, nested values are sampled: the average
 * of the first `samples` elements stands for all of them.
 */
const STRING_HEADER_BYTES = 16;
const ENTRY_BYTES = 48;
const MAP_SLOT_BYTES = 32;
const POINTER_BYTES = 8;
const COLLECTION_BYTES = 64;
const SAMPLES_DEFAULT = 5;

function stringBytes(s: string): number {
  return STRING_HEADER_BYTES + Math.ceil(s.length / 8) * 8;
}

/** Each element of a collection as the strings it holds (score pairs count 8 bytes more). */
function elementSizes(value: CollectionValue): Iterable<number> {
  const view = value.digestView();
  switch (view.type) {
    case 'list':
      return mapIter(view.elements, (e) => stringBytes(e) + POINTER_BYTES);
    case 'set':
      return mapIter(view.members, (m) => stringBytes(m) + POINTER_BYTES);
    case 'hash':
      return mapIter(view.fields, ([f, v]) => stringBytes(f) + stringBytes(v) + 2 * POINTER_BYTES);
    case 'zset':
      return mapIter(view.members, ([m]) => stringBytes(m) + 3 * POINTER_BYTES);
    case 'stream':
      return mapIter(view.entries, (e) =>
        e.fields.reduce((n, [f, v]) => n + stringBytes(f) + stringBytes(v), 4 * POINTER_BYTES),
      );
  }
}

function* mapIter<T>(items: Iterable<T>, f: (item: T) => number): Iterable<number> {
  for (const item of items) yield f(item);
}

export function valueBytes(value: Value, samples: number): number {
  if (typeof value === 'string') return stringBytes(value);
  let count = 0;
  let sampled = 0;
  let sampledBytes = 0;
  for (const size of elementSizes(value)) {
    count++;
    if (sampled < samples) {
      sampled++;
      sampledBytes += size;
    }
  }
  return COLLECTION_BYTES + (sampled === 0 ? 0 : Math.round((sampledBytes / sampled) * count));
}

function memoryUsage(ctx: ExecContext, argv: readonly string[]): Reply {
  let samples = SAMPLES_DEFAULT;
  for (let j = 3; j < argv.length; j++) {
    if ((argv[j] as string).toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1] as string);
      if (n === null) return NOT_INTEGER;
      if (n < 0) return SYNTAX;
      samples = n === 0 ? Number.MAX_SAFE_INTEGER : Number(n);
      j++;
    } else {
      return SYNTAX;
    }
  }
  const key = argv[2] as string;
  const entry = ctx.db.peek(key);
  if (entry === undefined) return null;
  return valueBytes(entry.value, samples) + stringBytes(key) + ENTRY_BYTES + MAP_SLOT_BYTES;
}

const HELP = [
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

const BASE = { group: 'server', since: '4.0.0', acl: ['slow'] } as const;

export const memoryCommands: readonly CommandSpec[] = [
  {
    ...BASE,
    name: 'memory',
    arity: -2,
    flags: [],
    summary: 'A container for memory diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...BASE,
        name: 'memory|usage',
        arity: -3,
        flags: ['readonly'],
        acl: ['read', 'slow'],
        summary: 'Estimate the memory usage of a key',
        complexity: 'O(N) where N is the number of samples.',
        syntax: 'key [SAMPLES count]',
        keys: { first: 2, last: 2, step: 1 },
        data: memoryUsage,
      },
      {
        ...BASE,
        name: 'memory|malloc-stats',
        arity: 2,
        flags: [],
        summary: 'Show allocator internal stats',
        complexity: 'Depends on how much memory is allocated, could be slow',
        node: () => verbatim('Stats not supported for the current allocator'),
      },
      {
        ...BASE,
        name: 'memory|purge',
        arity: 2,
        flags: [],
        summary: 'Ask the allocator to release memory',
        complexity: 'Depends on how much memory is allocated, could be slow',
        node: () => OK,
      },
      {
        ...BASE,
        name: 'memory|help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        node: () => helpReply('memory', HELP),
      },
    ],
  },
];
