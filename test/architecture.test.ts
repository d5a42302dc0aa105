/**
 * Pins the module boundaries of ARCHITECTURE.md §2: each src/ folder imports only the
 * folders it may, and code that must be deterministic reaches no clock, randomness,
 * timer or I/O of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = 'src';

/** What each module may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  resp: ['util'],
  keyspace: ['util'],
  commands: ['keyspace', 'resp', 'util'],
  raft: [],
  storage: ['raft', 'util'],
  replication: ['raft', 'storage', 'keyspace', 'commands', 'resp', 'util'],
  transport: ['raft', 'util'],
  cluster: ['replication', 'util'],
  observability: ['util'],
  config: ['util'],
  server: [
    'resp',
    'keyspace',
    'commands',
    'raft',
    'storage',
    'replication',
    'transport',
    'cluster',
    'util',
    'observability',
  ],
  http: ['server', 'cluster', 'util', 'observability'],
  main: ['*'],
};

/** Modules whose code runs inside deterministic execution or is pure. */
const DETERMINISTIC = ['resp', 'keyspace', 'commands', 'raft', 'replication', 'util'];
const FORBIDDEN = [
  { pattern: /\bDate\.now\(/, why: 'reads the wall clock' },
  { pattern: /\bMath\.random\(/, why: 'uses unseeded randomness' },
  { pattern: /\bset(Timeout|Interval|Immediate)\(/, why: 'starts a timer' },
  { pattern: /from 'node:(net|fs|fs\/promises|dgram|http|https|child_process)'/, why: 'does I/O' },
];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function moduleOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0] as string;
}

test('every src/ folder is a module named in ARCHITECTURE.md with a README', () => {
  for (const name of readdirSync(SRC)) {
    assert.ok(name in ALLOWED, `src/${name} is not a module of ARCHITECTURE.md §2`);
    assert.ok(statSync(join(SRC, name, 'README.md')).isFile(), `src/${name}/README.md is missing`);
  }
});

test('imports cross module boundaries only downwards', () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    const from = moduleOf(file);
    const allowed = ALLOWED[from] ?? [];
    if (allowed.includes('*')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
      const target = relative(SRC, join(file, '..', m[1] as string)).split(/[\\/]/)[0] as string;
      if (target !== from && !allowed.includes(target))
        violations.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('deterministic modules use no clock, randomness, timers or I/O of their own', () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    if (!DETERMINISTIC.includes(moduleOf(file))) continue;
    const text = readFileSync(file, 'utf8');
    for (const { pattern, why } of FORBIDDEN) {
      if (pattern.test(text)) violations.push(`${file} ${why}`);
    }
  }
  assert.deepEqual(violations, []);
});
