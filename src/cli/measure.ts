import type { Command } from 'commander';
import type { CliContext } from './context.js';

// Placeholder until the EIF reader lands: `isolint measure` is owned by src/eif/.
export function registerMeasureCommand(_program: Command, _ctx: CliContext): void {}
