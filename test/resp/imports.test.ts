/**
 * ARCHITECTURE.md: resp/ imports nothing of ours. Its files may import each other and
 * node: built-ins only.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const RESP_DIR = new URL('../../../src/resp/', import.meta.url);
const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

it('src/resp imports only its own files and node: built-ins', () => {
  const files = readdirSync(RESP_DIR).filter((name) => name.endsWith('.ts'));
  assert.ok(files.includes('decoder.ts') && files.includes('encoder.ts'), 'resp sources found');
  for (const name of files) {
    const source = readFileSync(new URL(name, RESP_DIR), 'latin1');
    for (const match of source.matchAll(IMPORT_RE)) {
      const target = match[1] ?? '';
      const allowed =
        target.startsWith('node:') || (target.startsWith('./') && !target.includes('..'));
      assert.ok(allowed, `src/resp/${name} imports ${target}`);
    }
  }
});
