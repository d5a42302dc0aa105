/**
 * Interaction scripts in the style of etcd raft's testdata/*.txt (see interaction.ts):
 * each file starts from an empty environment and runs its commands in order.
 */
import { test } from 'node:test';
import { basename } from 'node:path';
import { runFile, sourceDir, walk } from '../support/datadriven.js';
import { InteractionEnv } from './interaction.js';

const dir = sourceDir(import.meta.url, 'testdata');
// Only the scripts directly in testdata/ (quorum/ and confchange/ have their own runners).
const scripts = walk(dir).filter(
  (path) => !/[\\/](quorum|confchange)[\\/]/.test(path.slice(dir.length)),
);

for (const path of scripts) {
  test(`interaction: ${basename(path, '.txt')}`, () => {
    const env = new InteractionEnv();
    runFile(path, (d) => env.handle(d));
  });
}
