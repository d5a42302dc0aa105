import type { CommandSpec } from './spec.js';

export const dumpCommands: readonly CommandSpec[] = [];
