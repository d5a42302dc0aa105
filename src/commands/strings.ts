import type { CommandSpec } from './spec.js';

export const stringCommands: readonly CommandSpec[] = [];
