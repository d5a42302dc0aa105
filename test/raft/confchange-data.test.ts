/**
 * etcd's confchange/testdata scripts. Commands: `simple`, `enter-joint [autoleave=true]`
 * and `leave-joint`; the input lists changes: vN makes N a voter, lN a learner, rN
 * removes N, uN updates N (a no-op to Raft; our ConfChange has no update type, so the
 * harness drops it). Each command runs at a last index one higher than the previous
 * one, so new members' `next` shows when they were added.
 */
import { test } from 'node:test';
import { basename } from 'node:path';
import { runFile, sourceDir, walk, type TestData } from '../support/datadriven.js';
import { Changer, ConfChangeError, type ChangeResult } from '../../src/raft/confchange.js';
import { ProgressTracker, progressMapString, trackerConfigString } from '../../src/raft/tracker.js';
import { ConfChangeType, type ConfChangeSingle } from '../../src/raft/types.js';

const TYPES = new Map<string, ConfChangeType | null>([
  ['v', ConfChangeType.AddNode],
  ['l', ConfChangeType.AddLearner],
  ['r', ConfChangeType.RemoveNode],
  ['u', null],
]);

/** The changes of the input, or an error message. */
function parseChanges(input: string): ConfChangeSingle[] | string {
  const changes: ConfChangeSingle[] = [];
  for (const token of input.split(' ').filter((t) => t !== '')) {
    if (token.length < 2) return `unknown token ${token}`;
    const type = TYPES.get(token[0] ?? '');
    if (type === undefined) return `unknown input: ${token}`;
    const node = Number(token.slice(1));
    if (!Number.isSafeInteger(node) || node < 0) return `invalid node id: ${token}`;
    if (type !== null) changes.push({ type, node });
  }
  return changes;
}

function runCommand(changer: Changer, d: TestData, changes: ConfChangeSingle[]): ChangeResult {
  switch (d.cmd) {
    case 'simple':
      return changer.simple(changes);
    case 'enter-joint':
      return changer.enterJoint(d.bool('autoleave', false), changes);
    case 'leave-joint':
      if (d.input.trim() !== '') throw new ConfChangeError('this command takes no input');
      return changer.leaveJoint();
    default:
      throw new Error(`${d.pos}: unknown command ${d.cmd}`);
  }
}

function handler(): (d: TestData) => string {
  const tracker = new ProgressTracker(10, 0);
  let lastIndex = 0;
  return (d) => {
    const changes = parseChanges(d.input);
    if (typeof changes === 'string') return changes;
    try {
      const result = runCommand(new Changer(tracker, lastIndex), d, changes);
      tracker.config = result.config;
      tracker.progress = result.progress;
      return `${trackerConfigString(tracker.config)}\n${progressMapString(tracker.progress)}`;
    } catch (err) {
      if (err instanceof ConfChangeError) return `${err.message}\n`;
      throw err;
    } finally {
      lastIndex++;
    }
  };
}

for (const path of walk(sourceDir(import.meta.url, 'testdata', 'confchange'))) {
  test(`confchange data-driven: ${basename(path)}`, () => runFile(path, handler()));
}
