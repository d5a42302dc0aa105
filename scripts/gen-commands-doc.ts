/**
 * Writes docs/COMMANDS.md from the command table: one table per group with each
 * command's syntax, arity, flags, first version and summary. Run `npm run
 * docs:commands` after changing a spec; test/docs/commands-doc.test.ts fails while the
 * file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { reportedFlags } from '../src/commands/command-info.js';
import { Registry } from '../src/commands/registry.js';
import type { CommandSpec } from '../src/commands/spec.js';

/** docs/COMMANDS.md, resolved from this script's place in dist/scripts/. */
export const COMMANDS_DOC_PATH = fileURLToPath(new URL('../../docs/COMMANDS.md', import.meta.url));

/** Redis's command groups in its order (server.c COMMAND_GROUP_STR). */
const GROUP_ORDER = [
  'generic',
  'string',
  'list',
  'set',
  'sorted-set',
  'hash',
  'pubsub',
  'transactions',
  'connection',
  'server',
  'scripting',
  'hyperloglog',
  'cluster',
  'sentinel',
  'geo',
  'stream',
  'bitmap',
  'module',
];

/** `GET`, `CONFIG GET`. */
function displayName(spec: CommandSpec): string {
  return spec.name.toUpperCase().replace('|', ' ');
}

/** Table cells: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(spec: CommandSpec): string {
  const syntax =
    spec.syntax === undefined ? displayName(spec) : `${displayName(spec)} ${spec.syntax}`;
  const flags = reportedFlags(spec).join(', ');
  return `| ${cell(displayName(spec))} | \`${cell(syntax)}\` | ${spec.arity} | ${cell(flags)} | ${spec.since} | ${cell(spec.summary)} |`;
}

function groupRank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i === -1 ? GROUP_ORDER.length : i;
}

/** Commands by group, Redis's group order first, then any other group by name. */
function byGroup(registry: Registry): Map<string, CommandSpec[]> {
  const specs = [...registry.all()].flatMap((s) => [s, ...(s.subcommands ?? [])]);
  specs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groups = [...new Set(specs.map((s) => s.group))].sort(
    (a, b) => groupRank(a) - groupRank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return new Map(groups.map((g) => [g, specs.filter((s) => s.group === g)]));
}

/** The whole of docs/COMMANDS.md for a command table. */
export function renderCommandsDoc(registry: Registry): string {
  const lines = [
    '# Commands',
    '',
    'Generated from the command table (`src/commands/`) by `npm run docs:commands`; do not',
    'edit by hand. Arity follows Redis: N means exactly N arguments counting the command',
    'name, -N at least N. Flags are those COMMAND INFO reports.',
    '',
    `${registry.size} commands.`,
  ];
  for (const [group, specs] of byGroup(registry)) {
    lines.push('', `## ${group}`, '');
    lines.push('| Command | Syntax | Arity | Flags | Since | Summary |');
    lines.push('|---|---|---|---|---|---|');
    for (const spec of specs) lines.push(row(spec));
  }
  return lines.join('\n') + '\n';
}

function main(): void {
  mkdirSync(dirname(COMMANDS_DOC_PATH), { recursive: true });
  writeFileSync(COMMANDS_DOC_PATH, renderCommandsDoc(new Registry()));
  process.stdout.write(`wrote ${COMMANDS_DOC_PATH}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
