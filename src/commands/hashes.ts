import type { CommandSpec } from './spec.js';

export const hashCommands: readonly CommandSpec[] = [];
