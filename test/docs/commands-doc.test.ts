import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { COMMANDS_DOC_PATH, renderCommandsDoc } from '../../scripts/gen-commands-doc.js';
import { Registry } from '../../src/commands/registry.js';

test('docs/COMMANDS.md is what the generator writes from the command table', () => {
  const expected = renderCommandsDoc(new Registry());
  const stale = 'docs/COMMANDS.md is out of date: run `npm run docs:commands`';
  assert.ok(existsSync(COMMANDS_DOC_PATH), stale);
  const actual = readFileSync(COMMANDS_DOC_PATH, 'utf8');
  // A plain equality check: the diff assert prints would be the whole file.
  assert.ok(actual === expected, stale);
});

test('the commands doc has one table per group, a row per command and subcommand', () => {
  const doc = renderCommandsDoc(new Registry());
  assert.match(doc, /^## server$/m);
  assert.match(
    doc,
    /^\| CONFIG GET \| `CONFIG GET parameter \[parameter \.\.\.\]` \| -3 \| admin, noscript, loading, stale \| 2\.0\.0 \| Get the values of configuration parameters \|$/m,
  );
  assert.match(doc, /^\| FLUSHDB \| `FLUSHDB \[ASYNC \\\| SYNC\]` \| -1 \| write \| 1\.0\.0 \| /m);
  const groups = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.equal(new Set(groups).size, groups.length);
});
